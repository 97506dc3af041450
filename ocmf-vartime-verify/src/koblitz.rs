//! The `RustCrypto` definition of a SEC 2 Koblitz curve (`y² = x³ + b`, prime
//! order, cofactor 1), written once for secp192k1 and secp224k1: no published
//! crate has either curve, and the two definitions were the same code but for
//! their constants. What differs between them stays at the call sites:
//! how the base field is serialised (secp224k1's 29 bytes for a 224-bit `p`)
//! and how a scalar is reduced from bytes (`primefield`'s macro assumes the
//! field bytes are as wide as the `Uint`), and each curve's own items
//! (secp192k1's keys and bound digest, secp224k1's 225-bit digest cut).

/// Defines, in the calling module, the curve type `$curve` with its
/// `AffinePoint` and `ProjectivePoint`, the private `MODULUS_HEX` and
/// `ORDER_HEX`, and the fields `field::FieldElement` and `scalar::Scalar`
/// (re-exported), from `primefield`'s Montgomery arithmetic and
/// `primeorder`'s `a = 0` formulas.
///
/// `field_bytes` is the curve's one serialised size for field elements and
/// scalars; the base field's Montgomery parameters are written out (not
/// `primefield::monty_field_params!`) so that it can be wider than `p`.
/// `scalar_reduce` is the scalar field's `Reduce` impls, placed in its module.
/// The caller imports `$uint` and `$field_bytes`.
macro_rules! koblitz_curve {
    (
        name: $name:literal,
        curve: $curve:ident,
        uint: $uint:ident,
        field_bytes: $field_bytes:ident,
        p: $p:literal,
        n: $n:literal,
        b: $b:literal,
        g: ($gx:literal, $gy:literal),
        field_generator: $field_generator:literal,
        scalar_generator: $scalar_generator:literal,
        scalar_reduce: { $($scalar_reduce:tt)* } $(,)?
    ) => {
        pub use self::{field::FieldElement, scalar::Scalar};

        /// Field modulus `p`, big-endian hex.
        const MODULUS_HEX: &str = $p;

        /// Group order `n`, big-endian hex.
        const ORDER_HEX: &str = $n;

        #[doc = concat!("The ", $name, " elliptic curve (zero-sized marker type).")]
        #[derive(Copy, Clone, Debug, Default, Eq, PartialEq, PartialOrd, Ord, Hash)]
        pub struct $curve;

        #[doc = concat!("Point on ", $name, " in affine coordinates.")]
        pub type AffinePoint = primeorder::AffinePoint<$curve>;

        #[doc = concat!("Point on ", $name, " in projective coordinates.")]
        pub type ProjectivePoint = primeorder::ProjectivePoint<$curve>;

        impl elliptic_curve::Curve for $curve {
            type FieldBytesSize = $field_bytes;
            type Uint = $uint;
            const ORDER: elliptic_curve::bigint::Odd<$uint> =
                elliptic_curve::bigint::Odd::<$uint>::from_be_hex(ORDER_HEX);
        }

        impl elliptic_curve::PrimeCurve for $curve {}

        impl elliptic_curve::point::PointCompression for $curve {
            const COMPRESS_POINTS: bool = false;
        }

        impl elliptic_curve::CurveArithmetic for $curve {
            type AffinePoint = AffinePoint;
            type ProjectivePoint = ProjectivePoint;
            type Scalar = Scalar;
        }

        impl elliptic_curve::hazmat::FieldArithmetic for $curve {
            type FieldElement = FieldElement;
        }

        impl elliptic_curve::PrimeCurveArithmetic for $curve {
            type CurveGroup = ProjectivePoint;
        }

        impl primeorder::PrimeCurveParams for $curve {
            type PointArithmetic = primeorder::point_arithmetic::EquationAIsZero;
            type Backend = primeorder::mul_backend::VariableOnly;

            const EQUATION_A: FieldElement = FieldElement::ZERO;
            const EQUATION_B: FieldElement = FieldElement::from_u64($b);
            const GENERATOR: (FieldElement, FieldElement) = (
                FieldElement::from_hex_vartime($gx),
                FieldElement::from_hex_vartime($gy),
            );
        }

        /// Base field `GF(p)`.
        #[allow(
            deprecated,
            reason = "primefield 0.14.0's field macros call Uint::bits (deprecated in crypto-bigint 0.7.11)"
        )]
        mod field {
            use super::{$field_bytes, $uint, MODULUS_HEX};
            use elliptic_curve::{
                ff::PrimeField,
                ops::BatchInvert,
                subtle::{Choice, ConstantTimeEq, CtOption},
            };

            // `primefield::monty_field_params!` with the byte size set to the
            // curve's (the macro would take the modulus's).
            use primefield::bigint::modular::ConstMontyParams;
            primefield::bigint::const_prime_monty_params!(
                FieldParams,
                $uint,
                MODULUS_HEX,
                $field_generator,
                concat!("Montgomery parameters for the ", $name, " base field modulus `p`.")
            );

            impl primefield::MontyFieldParams<{ $uint::LIMBS }> for FieldParams {
                type ByteSize = $field_bytes;
                const BYTE_ORDER: primefield::ByteOrder = primefield::ByteOrder::BigEndian;
                const MODULUS_HEX: &'static str = MODULUS_HEX;
                const T: $uint = primefield::compute_t(FieldParams::PARAMS.modulus().as_ref());
            }

            primefield::monty_field_element! {
                name: FieldElement,
                params: FieldParams,
                uint: $uint,
                doc: concat!("Element of the ", $name, " base field `GF(p)`.")
            }

            primefield::monty_field_arithmetic! {
                name: FieldElement,
                params: FieldParams,
                uint: $uint
            }

            impl BatchInvert for FieldElement {}
        }

        /// Scalar field `GF(n)`.
        #[allow(
            deprecated,
            reason = "primefield 0.14.0's monty_field_params! calls Uint::bits (deprecated in crypto-bigint 0.7.11)"
        )]
        mod scalar {
            use super::{$curve, $uint, ORDER_HEX};
            use elliptic_curve::{
                Curve as _,
                ff::PrimeField,
                scalar::{FromUintUnchecked, IsHigh},
                subtle::{Choice, ConstantTimeEq, ConstantTimeGreater, CtOption},
            };

            primefield::monty_field_params! {
                name: ScalarParams,
                modulus: ORDER_HEX,
                uint: $uint,
                byte_order: primefield::ByteOrder::BigEndian,
                multiplicative_generator: $scalar_generator,
                doc: concat!("Montgomery parameters for the ", $name, " group order `n`.")
            }

            primefield::monty_field_element! {
                name: Scalar,
                params: ScalarParams,
                uint: $uint,
                doc: concat!("Element of the ", $name, " scalar field `GF(n)`.")
            }

            primefield::monty_field_arithmetic! {
                name: Scalar,
                params: ScalarParams,
                uint: $uint
            }

            $($scalar_reduce)*

            elliptic_curve::scalar_impls!($curve, Scalar);

            primeorder::wnaf::impl_wnaf_size_for_scalar!(Scalar);

            impl AsRef<Self> for Scalar {
                fn as_ref(&self) -> &Self {
                    self
                }
            }

            impl FromUintUnchecked for Scalar {
                type Uint = $uint;

                fn from_uint_unchecked(uint: $uint) -> Self {
                    Self::from_uint_unchecked(uint)
                }
            }

            impl IsHigh for Scalar {
                fn is_high(&self) -> Choice {
                    const HALF_ORDER: $uint = $curve::ORDER.as_ref().shr_vartime(1);
                    self.to_canonical().ct_gt(&HALF_ORDER)
                }
            }
        }
    };
}

pub(crate) use koblitz_curve;
