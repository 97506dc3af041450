//! The one internal boundary to the group arithmetic, per curve.
//!
//! Everything above this module (parsing, key and signature decoding,
//! verdicts) is curve-agnostic; everything here takes already-normalised
//! inputs: a SEC1 point, a 32-byte SHA-256 digest and the big-endian
//! unsigned integers `r` and `s`. A faster backend for one curve replaces the
//! body of one match arm and nothing else.
//!
//! Constant time: verification works on public data only and uses the
//! RustCrypto variable-time routines (`invert_vartime`, the vartime
//! double-scalar multiplication). Signing uses RustCrypto's constant-time
//! scalar arithmetic and RFC 6979 nonces; secret scalars never enter a
//! variable-time routine here.

pub(crate) mod secp192k1;

use alloc::vec::Vec;

use ecdsa::{EcdsaCurve, Signature, hazmat};
use elliptic_curve::{
    CurveArithmetic, FieldBytes, FieldBytesSize,
    scalar::IsHigh,
    sec1::{FromSec1Point, ModulusSize, Sec1Point, ToSec1Point},
};

use crate::algorithm::Curve;

/// A decoded public key: a point of one curve, checked to be on the curve
/// and not the identity. Decoding happens once; the point is reused for
/// every record verified under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CurveKey {
    Secp192k1(secp192k1::ProjectivePoint),
    P192(p192::ProjectivePoint),
    P256(p256::ProjectivePoint),
    Secp256k1(k256::ProjectivePoint),
    P384(p384::ProjectivePoint),
    Bp256(bp256::r1::ProjectivePoint),
    Bp384(bp384::r1::ProjectivePoint),
}

fn decode_point<C>(sec1: &[u8]) -> Option<elliptic_curve::ProjectivePoint<C>>
where
    C: CurveArithmetic,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C>,
{
    let p = Sec1Point::<C>::from_bytes(sec1).ok()?;
    let a: Option<C::AffinePoint> = C::AffinePoint::from_sec1_point(&p).into();
    // The identity has a SEC1 encoding (a single 0 byte) but is no public key.
    a.filter(|_| !p.is_identity()).map(Into::into)
}

fn verify_rs<C>(
    q: &elliptic_curve::ProjectivePoint<C>,
    digest: &[u8; 32],
    r: &[u8],
    s: &[u8],
) -> Option<bool>
where
    C: EcdsaCurve + CurveArithmetic,
{
    let (mut rb, mut sb) = (FieldBytes::<C>::default(), FieldBytes::<C>::default());
    let n = rb.len();
    if r.len() > n || s.len() > n {
        return None;
    }
    rb[n - r.len()..].copy_from_slice(r);
    sb[n - s.len()..].copy_from_slice(s);
    // Out-of-range or zero r/s is an invalid signature, not a malformed one.
    let sig = Signature::<C>::from_scalars(rb, sb).ok()?;
    let high_s = bool::from(sig.s().is_high());
    // OCMF has no low-S rule: verifying (r, n - s) is equivalent, and some
    // curve types (secp256k1) refuse high-S, so normalise first.
    hazmat::verify_prehashed::<C>(q, digest, &sig.normalize_s())
        .ok()
        .map(|()| high_s)
}

fn sign_rs<C>(secret: &[u8], digest: &[u8; 32]) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)>
where
    C: EcdsaCurve + CurveArithmetic,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
{
    let n = FieldBytes::<C>::default().len();
    if secret.len() > n {
        return None;
    }
    let mut fb = FieldBytes::<C>::default();
    fb[n - secret.len()..].copy_from_slice(secret);
    let sk = ecdsa::SigningKey::<C>::from_bytes(&fb).ok()?;
    let (sig, _) =
        hazmat::sign_prehashed_rfc6979::<C, sha2::Sha256>(sk.as_nonzero_scalar(), digest, &[]);
    let (r, s) = sig.split_bytes();
    let public = sk.verifying_key().as_affine().to_sec1_point(false);
    Some((r.to_vec(), s.to_vec(), public.as_bytes().to_vec()))
}

macro_rules! per_curve {
    ($curve:expr, $m:ident, $($args:tt)*) => {
        match $curve {
            Curve::Secp192k1 => $m!(secp192k1::Secp192k1, Secp192k1, $($args)*),
            Curve::P192 => $m!(p192::NistP192, P192, $($args)*),
            Curve::P256 => $m!(p256::NistP256, P256, $($args)*),
            Curve::Secp256k1 => $m!(k256::Secp256k1, Secp256k1, $($args)*),
            Curve::P384 => $m!(p384::NistP384, P384, $($args)*),
            Curve::BrainpoolP256r1 => $m!(bp256::r1::BrainpoolP256r1, Bp256, $($args)*),
            Curve::BrainpoolP384r1 => $m!(bp384::r1::BrainpoolP384r1, Bp384, $($args)*),
        }
    };
}

impl CurveKey {
    /// Decodes a SEC1 point (compressed or uncompressed) on `curve`.
    pub(crate) fn decode(curve: Curve, sec1: &[u8]) -> Option<Self> {
        macro_rules! dec {
            ($c:ty, $v:ident, $b:expr) => {
                decode_point::<$c>($b).map(CurveKey::$v)
            };
        }
        per_curve!(curve, dec, sec1)
    }

    /// The key's curve.
    pub(crate) const fn curve(&self) -> Curve {
        match self {
            Self::Secp192k1(_) => Curve::Secp192k1,
            Self::P192(_) => Curve::P192,
            Self::P256(_) => Curve::P256,
            Self::Secp256k1(_) => Curve::Secp256k1,
            Self::P384(_) => Curve::P384,
            Self::Bp256(_) => Curve::BrainpoolP256r1,
            Self::Bp384(_) => Curve::BrainpoolP384r1,
        }
    }

    /// ECDSA verification of a SHA-256 digest with unsigned big-endian `r`, `s`
    /// (no longer than the field size; checked by the caller).
    /// `None` when the signature does not verify, else whether `s` was high.
    pub(crate) fn verify_prehashed(&self, digest: &[u8; 32], r: &[u8], s: &[u8]) -> Option<bool> {
        match self {
            Self::Secp192k1(q) => verify_rs::<secp192k1::Secp192k1>(q, digest, r, s),
            Self::P192(q) => verify_rs::<p192::NistP192>(q, digest, r, s),
            Self::P256(q) => verify_rs::<p256::NistP256>(q, digest, r, s),
            Self::Secp256k1(q) => verify_rs::<k256::Secp256k1>(q, digest, r, s),
            Self::P384(q) => verify_rs::<p384::NistP384>(q, digest, r, s),
            Self::Bp256(q) => verify_rs::<bp256::r1::BrainpoolP256r1>(q, digest, r, s),
            Self::Bp384(q) => verify_rs::<bp384::r1::BrainpoolP384r1>(q, digest, r, s),
        }
    }
}

/// RFC 6979 deterministic ECDSA over a SHA-256 digest.
/// Returns `(r, s, uncompressed public key)`, or `None` for an invalid secret.
pub(crate) fn sign_prehashed(
    curve: Curve,
    secret: &[u8],
    digest: &[u8; 32],
) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    macro_rules! sig {
        ($c:ty, $v:ident, $s:expr, $d:expr) => {
            sign_rs::<$c>($s, $d)
        };
    }
    per_curve!(curve, sig, secret, digest)
}
