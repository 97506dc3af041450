//! The SEC 2 Koblitz curve secp224k1 (SEC 2 v1, section 2.7.1; OID 1.3.132.0.32),
//! defined for the `RustCrypto` stack because no published crate provides it.
//! Not an OCMF curve (no `SA` names it): ChargePoint signs its `secrrct` files on it.
//!
//! Curve equation `y² = x³ + 5` over `GF(p)`, `p = 2^224 - 2^32 - 6803` (224 bits),
//! prime group order `n` of **225 bits**, cofactor 1. Field and scalar arithmetic
//! come from the `primefield` macros, point arithmetic from `primeorder`, ECDSA
//! verification from `ecdsa::hazmat::verify_prehashed`: plain `RustCrypto`, no
//! engine tables (this curve is not one of the engine's).
//!
//! Two things differ from the other curves, both because `n > 2^224`:
//!
//! - **29-byte field bytes.** `elliptic_curve` gives a curve one serialised size
//!   for base-field elements and scalars; a scalar needs 29 bytes, so both are
//!   29 bytes here and a coordinate is written with one leading zero byte. SEC1
//!   points of this type are therefore 59 (uncompressed) or 30 (compressed)
//!   bytes; [`sec1_from_standard`] turns the standard 57/29-byte encoding into it.
//! - **The digest is cut by hand.** ECDSA uses the leftmost `⌈log2 n⌉ = 225` bits
//!   of SHA-256 (SEC 1 §4.1.4), i.e. `sha256 >> 31`. `ecdsa` 0.17's
//!   `bytes2scalar` keeps the leftmost 29 bytes and then masks them to their *low*
//!   225 bits, which is not that; [`prehash`] gives it the 225-bit value as 29
//!   bytes whose top 7 bits are zero, so its cut leaves it unchanged.
//!
//! The shared ChargePoint sample (`chargepoint-076`) verifies only with the
//! 225-bit cut (checked in the tests, with OpenSSL as the independent check).

use elliptic_curve::{
    CurveArithmetic, PrimeCurveArithmetic,
    bigint::{Odd, U256},
    consts::U29,
    hazmat::FieldArithmetic,
};
use primeorder::{PrimeCurveParams, mul_backend, point_arithmetic};

pub use self::{field::FieldElement, scalar::Scalar};

/// Field modulus `p = 2^224 - 2^32 - 6803`, big-endian hex (as wide as `U256`).
const MODULUS_HEX: &str = "00000000fffffffffffffffffffffffffffffffffffffffffffffffeffffe56d";

/// Group order `n` (225 bits), big-endian hex (as wide as `U256`).
const ORDER_HEX: &str = "000000010000000000000000000000000001dce8d2ec6184caf0a971769fb1f7";

/// The secp224k1 elliptic curve (zero-sized marker type).
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq, PartialOrd, Ord, Hash)]
pub struct Secp224k1;

/// Point on secp224k1 in affine coordinates.
pub type AffinePoint = primeorder::AffinePoint<Secp224k1>;

/// Point on secp224k1 in projective coordinates.
pub type ProjectivePoint = primeorder::ProjectivePoint<Secp224k1>;

/// ECDSA/secp224k1 signature as the fixed-size pair `(r, s)` (29 bytes each).
pub type Signature = ecdsa::Signature<Secp224k1>;

/// Bytes of a coordinate in the standard SEC1 encoding (224 bits).
pub const COORDINATE_BYTES: usize = 28;

/// Bytes of a scalar (`n` has 225 bits), and of this type's field bytes.
pub const SCALAR_BYTES: usize = 29;

impl elliptic_curve::Curve for Secp224k1 {
    type FieldBytesSize = U29;
    type Uint = U256;
    const ORDER: Odd<U256> = Odd::<U256>::from_be_hex(ORDER_HEX);
}

impl elliptic_curve::PrimeCurve for Secp224k1 {}

impl elliptic_curve::point::PointCompression for Secp224k1 {
    const COMPRESS_POINTS: bool = false;
}

impl CurveArithmetic for Secp224k1 {
    type AffinePoint = AffinePoint;
    type ProjectivePoint = ProjectivePoint;
    type Scalar = Scalar;
}

impl FieldArithmetic for Secp224k1 {
    type FieldElement = FieldElement;
}

impl PrimeCurveArithmetic for Secp224k1 {
    type CurveGroup = ProjectivePoint;
}

impl PrimeCurveParams for Secp224k1 {
    type PointArithmetic = point_arithmetic::EquationAIsZero;
    type Backend = mul_backend::VariableOnly;

    const EQUATION_A: FieldElement = FieldElement::ZERO;
    const EQUATION_B: FieldElement = FieldElement::from_u64(5);
    const GENERATOR: (FieldElement, FieldElement) = (
        FieldElement::from_hex_vartime(
            "00a1455b334df099df30fc28a169a467e9e47075a90f7e650eb6b7a45c",
        ),
        FieldElement::from_hex_vartime(
            "007e089fed7fba344282cafbd6f7e319f7c0b0bd59e2ca4bdb556d61a5",
        ),
    );
}

/// No low-S rule (as for the OCMF curves): `s > n/2` is accepted.
impl ecdsa::EcdsaCurve for Secp224k1 {
    const NORMALIZE_S: bool = false;
}

/// The prehash [`ecdsa::hazmat::verify_prehashed`] needs for a SHA-256 `digest`:
/// its leftmost 225 bits (`digest >> 31`, SEC 1 §4.1.4) as 29 big-endian bytes.
#[must_use]
pub fn prehash(digest: &[u8; 32]) -> [u8; SCALAR_BYTES] {
    let mut out = [0u8; SCALAR_BYTES];
    // out = digest >> 31 = (digest >> 32) << 1 | top bit of digest[28].
    let mut carry = 0u8;
    for (o, d) in out.iter_mut().skip(1).zip(&digest[..28]).rev() {
        *o = (d << 1) | carry;
        carry = d >> 7;
    }
    out[0] = carry;
    out[SCALAR_BYTES - 1] |= digest[28] >> 7;
    out
}

/// This type's SEC1 encoding (29-byte coordinates) of a standard one
/// (`04‖X‖Y` of 57 bytes or `02/03‖X` of 29): `None` for any other length or tag.
#[must_use]
pub fn sec1_from_standard(sec1: &[u8]) -> Option<alloc::vec::Vec<u8>> {
    let c = COORDINATE_BYTES;
    let mut out = alloc::vec::Vec::with_capacity(2 * SCALAR_BYTES + 1);
    match sec1 {
        [0x04, xy @ ..] if xy.len() == 2 * c => {
            out.extend_from_slice(&[0x04, 0]);
            out.extend_from_slice(&xy[..c]);
            out.push(0);
            out.extend_from_slice(&xy[c..]);
        }
        [tag @ (0x02 | 0x03), x @ ..] if x.len() == c => {
            out.extend_from_slice(&[*tag, 0]);
            out.extend_from_slice(x);
        }
        _ => return None,
    }
    Some(out)
}

/// The standard SEC1 encoding (28-byte coordinates) of a point of this type.
#[must_use]
pub fn sec1_standard(point: &AffinePoint, compress: bool) -> alloc::vec::Vec<u8> {
    use elliptic_curve::sec1::ToSec1Point as _;
    let wide = point.to_sec1_point(compress);
    let b = wide.as_bytes();
    // Each coordinate is below p < 2^224: its first of 29 bytes is zero.
    let mut out = alloc::vec![b[0]];
    for coord in b[1..].chunks(SCALAR_BYTES) {
        out.extend_from_slice(&coord[1..]);
    }
    out
}

/// Base field `GF(p)`, serialised in 29 bytes (see the module's notes).
#[allow(
    deprecated,
    reason = "primefield 0.14.0's field macros call Uint::bits (deprecated in crypto-bigint 0.7.11)"
)]
mod field {
    use super::{MODULUS_HEX, U256};
    use elliptic_curve::{
        ff::PrimeField,
        ops::BatchInvert,
        subtle::{Choice, ConstantTimeEq, CtOption},
    };

    // `primefield::monty_field_params!` with the byte size set to the curve's 29
    // bytes (the macro would take the modulus's 28).
    use primefield::bigint::modular::ConstMontyParams;
    primefield::bigint::const_prime_monty_params!(
        FieldParams,
        U256,
        MODULUS_HEX,
        // p - 1 = 2²·3²·7·3137·82837·42252061·q (q prime): 2 generates GF(p)*.
        2,
        "Montgomery parameters for the secp224k1 base field modulus `p`."
    );

    impl primefield::MontyFieldParams<{ U256::LIMBS }> for FieldParams {
        type ByteSize = super::U29;
        const BYTE_ORDER: primefield::ByteOrder = primefield::ByteOrder::BigEndian;
        const MODULUS_HEX: &'static str = MODULUS_HEX;
        const T: U256 = primefield::compute_t(FieldParams::PARAMS.modulus().as_ref());
    }

    primefield::monty_field_element! {
        name: FieldElement,
        params: FieldParams,
        uint: U256,
        doc: "Element of the secp224k1 base field `GF(p)`."
    }

    primefield::monty_field_arithmetic! {
        name: FieldElement,
        params: FieldParams,
        uint: U256
    }

    impl BatchInvert for FieldElement {}
}

/// Scalar field `GF(n)` (29 bytes: `n` has 225 bits).
#[allow(
    deprecated,
    reason = "primefield 0.14.0's monty_field_params! calls Uint::bits (deprecated in crypto-bigint 0.7.11)"
)]
mod scalar {
    use super::{ORDER_HEX, Secp224k1, U256};
    use elliptic_curve::{
        Curve as _,
        ff::PrimeField,
        scalar::{FromUintUnchecked, IsHigh},
        subtle::{Choice, ConstantTimeEq, ConstantTimeGreater, CtOption},
    };

    // n - 1 = 2·3·q (q prime); 6 is the smallest generator of GF(n)*.
    primefield::monty_field_params! {
        name: ScalarParams,
        modulus: ORDER_HEX,
        uint: U256,
        byte_order: primefield::ByteOrder::BigEndian,
        multiplicative_generator: 6,
        doc: "Montgomery parameters for the secp224k1 group order `n`."
    }

    primefield::monty_field_element! {
        name: Scalar,
        params: ScalarParams,
        uint: U256,
        doc: "Element of the secp224k1 scalar field `GF(n)`."
    }

    primefield::monty_field_arithmetic! {
        name: Scalar,
        params: ScalarParams,
        uint: U256
    }

    // `primefield::monty_field_reduce!` by hand: its byte form assumes the
    // field bytes are as wide as the `Uint` (29 here, 32 there).
    impl elliptic_curve::bigint::Reduce<U256> for Scalar {
        fn reduce(w: &U256) -> Self {
            Self(primefield::MontyFieldElement::<ScalarParams, { U256::LIMBS }>::reduce(w))
        }
    }

    impl elliptic_curve::bigint::Reduce<elliptic_curve::FieldBytes<Secp224k1>> for Scalar {
        fn reduce(bytes: &elliptic_curve::FieldBytes<Secp224k1>) -> Self {
            let mut wide = [0u8; 32];
            wide[32 - bytes.len()..].copy_from_slice(bytes);
            <Self as elliptic_curve::bigint::Reduce<U256>>::reduce(&U256::from_be_slice(&wide))
        }
    }

    elliptic_curve::scalar_impls!(Secp224k1, Scalar);

    primeorder::wnaf::impl_wnaf_size_for_scalar!(Scalar);

    impl AsRef<Self> for Scalar {
        fn as_ref(&self) -> &Self {
            self
        }
    }

    impl FromUintUnchecked for Scalar {
        type Uint = U256;

        fn from_uint_unchecked(uint: U256) -> Self {
            Self::from_uint_unchecked(uint)
        }
    }

    impl IsHigh for Scalar {
        fn is_high(&self) -> Choice {
            const HALF_ORDER: U256 = Secp224k1::ORDER.as_ref().shr_vartime(1);
            self.to_canonical().ct_gt(&HALF_ORDER)
        }
    }
}

#[cfg(test)]
#[path = "secp224k1_tests.rs"]
mod tests;
