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

use elliptic_curve::{bigint::U256, consts::U29};

crate::koblitz::koblitz_curve! {
    name: "secp224k1",
    curve: Secp224k1,
    uint: U256,
    // 29 bytes, one more than the modulus's 28: a scalar needs them (see the
    // module's notes).
    field_bytes: U29,
    // 2^224 - 2^32 - 6803, as wide as `U256`.
    p: "00000000fffffffffffffffffffffffffffffffffffffffffffffffeffffe56d",
    // 225 bits, as wide as `U256`.
    n: "000000010000000000000000000000000001dce8d2ec6184caf0a971769fb1f7",
    b: 5,
    g: (
        "00a1455b334df099df30fc28a169a467e9e47075a90f7e650eb6b7a45c",
        "007e089fed7fba344282cafbd6f7e319f7c0b0bd59e2ca4bdb556d61a5"
    ),
    // p - 1 = 2²·3²·7·3137·82837·42252061·q (q prime): 2 generates GF(p)*.
    field_generator: 2,
    // n - 1 = 2·3·q (q prime); 6 is the smallest generator of GF(n)*.
    scalar_generator: 6,
    // `primefield::monty_field_reduce!` by hand: its byte form assumes the
    // field bytes are as wide as the `Uint` (29 here, 32 there).
    scalar_reduce: {
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
    },
}

/// ECDSA/secp224k1 signature as the fixed-size pair `(r, s)` (29 bytes each).
pub type Signature = ecdsa::Signature<Secp224k1>;

/// Bytes of a coordinate in the standard SEC1 encoding (224 bits).
pub const COORDINATE_BYTES: usize = 28;

/// Bytes of a scalar (`n` has 225 bits), and of this type's field bytes.
pub const SCALAR_BYTES: usize = 29;

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

#[cfg(test)]
#[path = "secp224k1_tests.rs"]
mod tests;
