//! The one internal boundary to the group arithmetic, per curve.
//!
//! Everything above this module (parsing, key and signature decoding,
//! verdicts) is curve-agnostic; everything here takes already-normalised
//! inputs: a SEC1 point, a 32-byte SHA-256 digest and the big-endian
//! unsigned integers `r` and `s`. A faster backend for one curve replaces the
//! body of one match arm and nothing else.
//!
//! Three verifiers sit behind this boundary, chosen by [`route`]: our
//! variable-time engine (the crate `ocmf-vartime-verify`: point
//! arithmetic, generator and per-key tables, fiat-crypto fields; see its
//! README), RustCrypto's own `verify_prehashed` ([`Backend::Reference`])
//! and AWS-LC ([`native`], [`Backend::Native`]). The decisions around the
//! group check (range checks, high-S, normalisation) are made here, once,
//! for all three.
//!
//! Constant time: verification works on public data only and uses
//! variable-time routines (the engine; RustCrypto's `invert_vartime` and
//! vartime double-scalar multiplication). Signing uses RustCrypto's
//! constant-time scalar arithmetic and RFC 6979 nonces; secret scalars
//! never enter a variable-time routine here.

#[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
mod native;

use alloc::{boxed::Box, vec::Vec};

use ocmf_vartime_verify::{EngineCurve, Key as EngineKey, Secp192k1, Secp224k1, secp224k1};

use ecdsa::{EcdsaCurve, Signature, hazmat};
use elliptic_curve::{
    CurveArithmetic, FieldBytes, FieldBytesSize,
    scalar::IsHigh,
    sec1::{FromSec1Point, ModulusSize, Sec1Point, ToSec1Point},
};

use crate::algorithm::Curve;

/// Which group arithmetic verifies a signature. The verdict logic (decoding,
/// DER leniency, range checks, high-S, the decision) is the same for all;
/// only the computation of `x(u1·G + u2·Q)` differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Backend {
    /// The fastest measured: [`Backend::PureRust`] with per-key tables from a
    /// key's second use on (faster than AWS-LC on P-256 and P-384; see
    /// `benches/README.md`); for a key's first use the native backend where
    /// there is one.
    #[default]
    Auto,
    /// Our pure-Rust engine with per-key precomputed tables (secp256k1
    /// uses the `k256` crate's own optimised arithmetic).
    PureRust,
    /// The native backend (AWS-LC via `aws-lc-rs`, feature `native-backend`,
    /// not on `wasm32`) where it supports the curve (P-256, P-384), else
    /// [`Backend::PureRust`].
    Native,
    /// Plain RustCrypto `ecdsa::hazmat::verify_prehashed` with no tables:
    /// the reference the others are tested against.
    Reference,
}

impl Backend {
    /// Whether this build has a native backend for `curve`.
    #[must_use]
    pub fn native_supports(curve: Curve) -> bool {
        #[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
        {
            native::supports(curve)
        }
        #[cfg(not(all(feature = "native-backend", not(target_arch = "wasm32"))))]
        {
            let _ = curve;
            false
        }
    }
}

/// A key on a `primeorder` curve: its point for the reference path, its
/// engine form (which builds its own tables: the engine's README) and,
/// where AWS-LC has the curve, its native form.
#[derive(Clone)]
pub(crate) struct TabledKey<C: EngineCurve> {
    point: elliptic_curve::ProjectivePoint<C>,
    /// `None` only if the engine refused the point (it refuses the
    /// identity alone, which decoding has excluded).
    engine: Option<EngineKey<C>>,
    #[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
    native: Option<native::NativeKey>,
}

impl<C: EngineCurve> TabledKey<C> {
    /// Builds the wide tables now (once; a no-op without `std`, where the
    /// standard tables are built at decoding).
    fn precompute(&self, large: bool) {
        match &self.engine {
            Some(e) if large => e.precompute_large(),
            Some(e) => e.precompute(),
            None => {}
        }
    }

    /// Whether the wide tables were built (for tests of who builds them).
    #[cfg(all(test, feature = "std"))]
    fn is_wide(&self) -> bool {
        self.engine.as_ref().is_some_and(EngineKey::is_wide)
    }
}

/// A decoded public key: a point of one curve, checked to be on the curve
/// and not the identity. Decoding happens once (with the per-key tables);
/// the key is reused for every record verified under it.
#[derive(Clone)]
pub(crate) enum CurveKey {
    Secp192k1(Box<TabledKey<Secp192k1>>, Backend),
    P192(Box<TabledKey<p192::NistP192>>, Backend),
    P256(Box<TabledKey<p256::NistP256>>, Backend),
    Secp256k1(k256::ProjectivePoint, Backend),
    P384(Box<TabledKey<p384::NistP384>>, Backend),
    Bp256(Box<TabledKey<bp256::r1::BrainpoolP256r1>>, Backend),
    Bp384(Box<TabledKey<bp384::r1::BrainpoolP384r1>>, Backend),
    /// Not an engine curve: every backend verifies with RustCrypto's
    /// `verify_prehashed` ([`verify_secp224k1`]).
    Secp224k1(Box<secp224k1::ProjectivePoint>, Backend),
}

impl core::fmt::Debug for CurveKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CurveKey")
            .field("curve", &self.curve())
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

impl PartialEq for CurveKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Secp192k1(a, _), Self::Secp192k1(b, _)) => a.point == b.point,
            (Self::P192(a, _), Self::P192(b, _)) => a.point == b.point,
            (Self::P256(a, _), Self::P256(b, _)) => a.point == b.point,
            (Self::Secp256k1(a, _), Self::Secp256k1(b, _)) => a == b,
            (Self::P384(a, _), Self::P384(b, _)) => a.point == b.point,
            (Self::Bp256(a, _), Self::Bp256(b, _)) => a.point == b.point,
            (Self::Bp384(a, _), Self::Bp384(b, _)) => a.point == b.point,
            (Self::Secp224k1(a, _), Self::Secp224k1(b, _)) => a == b,
            _ => false,
        }
    }
}

impl Eq for CurveKey {}

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

fn decode_tabled<C>(curve: Curve, sec1: &[u8]) -> Option<Box<TabledKey<C>>>
where
    C: EngineCurve,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C>,
{
    let p = Sec1Point::<C>::from_bytes(sec1).ok()?;
    if p.is_identity() {
        return None;
    }
    let a: primeorder::AffinePoint<C> = Option::from(C::AffinePoint::from_sec1_point(&p))?;
    let _ = curve;
    Some(Box::new(TabledKey {
        point: a.into(),
        engine: EngineKey::new(&a),
        #[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
        native: native::NativeKey::new(curve, &a),
    }))
}

/// `r`, `s` as range-checked scalars (`1 ≤ r, s < n`) and whether `s > n/2`.
fn scalars<C>(r: &[u8], s: &[u8]) -> Option<(Signature<C>, bool)>
where
    C: EcdsaCurve + CurveArithmetic,
{
    let (mut rb, mut sb) = (FieldBytes::<C>::default(), FieldBytes::<C>::default());
    let n = rb.len();
    if r.len() > n || s.len() > n {
        return None;
    }
    rb.get_mut(n - r.len()..)?.copy_from_slice(r);
    sb.get_mut(n - s.len()..)?.copy_from_slice(s);
    // Out-of-range or zero r/s is an invalid signature, not a malformed one.
    let sig = Signature::<C>::from_scalars(rb, sb).ok()?;
    let high_s = bool::from(sig.s().is_high());
    // OCMF has no low-S rule: verifying (r, n - s) is equivalent, and some
    // curve types (secp256k1) refuse high-S, so normalise.
    Some((sig.normalize_s(), high_s))
}

/// The reference path: RustCrypto's own verification.
fn verify_reference<C>(
    q: &elliptic_curve::ProjectivePoint<C>,
    digest: &[u8; 32],
    r: &[u8],
    s: &[u8],
) -> Option<bool>
where
    C: EcdsaCurve + CurveArithmetic,
{
    let (sig, high_s) = scalars::<C>(r, s)?;
    hazmat::verify_prehashed::<C>(q, digest, &sig)
        .ok()
        .map(|()| high_s)
}

/// secp224k1 on every backend: RustCrypto's `verify_prehashed` with no
/// tables (ChargePoint values are verified one at a time; the engine has
/// no secp224k1), over the digest's leftmost 225 bits
/// ([`secp224k1::prehash`]: `ecdsa`'s own cut is not SEC 1's for a
/// 225-bit order).
fn verify_secp224k1(
    q: &secp224k1::ProjectivePoint,
    digest: &[u8; 32],
    r: &[u8],
    s: &[u8],
) -> Option<bool> {
    let (sig, high_s) = scalars::<Secp224k1>(r, s)?;
    hazmat::verify_prehashed::<Secp224k1>(q, &secp224k1::prehash(digest), &sig)
        .ok()
        .map(|()| high_s)
}

/// The shared decision for every `primeorder` curve and every backend.
fn verify_tabled<C: EngineCurve>(
    key: &TabledKey<C>,
    backend: Backend,
    digest: &[u8; 32],
    r: &[u8],
    s: &[u8],
) -> Option<bool> {
    let (sig, high_s) = scalars::<C>(r, s)?;
    let native = || {
        key.native_verify(digest, &sig)
            .map(|ok| ok.then_some(high_s))
    };
    // Only the engine's own routes count a use of its key (a key's second
    // use builds its tables), and `NativeOnFirstUse` counts the one
    // AWS-LC verifies; the Reference and native-only routes leave it alone.
    let engine = match (
        route(backend, key.has_native(), key.engine.is_some()),
        &key.engine,
    ) {
        (Route::Native, _) => return native()?,
        (Route::NativeOnFirstUse, Some(e)) if e.take_first_use() => return native()?,
        (Route::NativeOnFirstUse | Route::Engine, Some(e)) => e,
        _ => return verify_reference::<C>(&key.point, digest, r, s),
    };
    match engine.verify_prehashed(digest, &sig) {
        Some(ok) => ok.then_some(high_s),
        // The engine has no generator tables for the curve (never: its
        // tests build them on every curve): the reference path.
        None => verify_reference::<C>(&key.point, digest, r, s),
    }
}

/// Which code computes `x(u1·G + u2·Q)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Plain RustCrypto `verify_prehashed`, no tables.
    Reference,
    /// AWS-LC (`aws-lc-rs`).
    Native,
    /// AWS-LC for the key's first use (it beats the engine on a key
    /// without tables), the engine from its second use on.
    NativeOnFirstUse,
    /// Our variable-time engine (`ocmf-vartime-verify`), with the tables
    /// the key has: none at its first use, standard ones from its second,
    /// wide ones after [`PublicKey::precompute`](crate::PublicKey::precompute).
    Engine,
}

/// The backend policy: the one place that says which code verifies.
///
/// Inputs: the key's [`Backend`], whether this build has a native key for
/// it (`native`: feature `native-backend`, not wasm32, and a curve AWS-LC
/// has: P-256, P-384) and whether the engine took the key (`engine`:
/// always for a decoded key). Two inputs act outside this function:
/// secp256k1 always takes `k256`'s own arithmetic (GLV, its own tables:
/// [`CurveKey::verify_prehashed`]), and which tables the engine uses is
/// the engine's (first use: none; from the second use: standard; after
/// `precompute`: wide; without `std` standard tables from decoding; see
/// `ocmf-vartime-verify/README.md`).
///
/// | backend | native | engine | route |
/// |---|---|---|---|
/// | `Reference` | any | any | [`Route::Reference`] |
/// | `Native` | yes | any | [`Route::Native`] |
/// | `Native` | no | yes | as `PureRust` |
/// | `Auto` | yes | yes | [`Route::NativeOnFirstUse`] (AWS-LC beats a key without tables) |
/// | `Auto` | no | yes | [`Route::Engine`] |
/// | `PureRust` | any | yes | [`Route::Engine`] |
/// | any but `Reference` | no native route | no | [`Route::Reference`] |
///
/// Every route gives the same verdict (tests/backends.rs checks all four
/// backends on the corpus, generated edge cases and Wycheproof); only the
/// speed differs.
const fn route(backend: Backend, native: bool, engine: bool) -> Route {
    match (backend, native, engine) {
        (Backend::Reference, _, _) => Route::Reference,
        (Backend::Native, true, _) => Route::Native,
        (_, _, false) => Route::Reference,
        (Backend::Auto, true, true) => Route::NativeOnFirstUse,
        (_, _, true) => Route::Engine,
    }
}

impl<C: EngineCurve> TabledKey<C> {
    /// Whether this build has a native key for it (see [`route`]).
    #[allow(clippy::unused_self)]
    fn has_native(&self) -> bool {
        #[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
        {
            self.native.is_some()
        }
        #[cfg(not(all(feature = "native-backend", not(target_arch = "wasm32"))))]
        {
            false
        }
    }

    /// Verifies with the native key (`None`: there is none).
    #[allow(clippy::unused_self)]
    fn native_verify(&self, digest: &[u8; 32], sig: &Signature<C>) -> Option<bool> {
        #[cfg(all(feature = "native-backend", not(target_arch = "wasm32")))]
        {
            let (rb, sb) = sig.split_bytes();
            self.native.as_ref().map(|nk| nk.verify(digest, &rb, &sb))
        }
        #[cfg(not(all(feature = "native-backend", not(target_arch = "wasm32"))))]
        {
            let _ = (digest, sig);
            None
        }
    }
}

macro_rules! per_curve {
    ($curve:expr, $m:ident, $($args:tt)*) => {
        match $curve {
            Curve::Secp192k1 => $m!(Secp192k1, Secp192k1, $($args)*),
            Curve::P192 => $m!(p192::NistP192, P192, $($args)*),
            Curve::P256 => $m!(p256::NistP256, P256, $($args)*),
            Curve::Secp256k1 => $m!(k256::Secp256k1, Secp256k1, $($args)*),
            Curve::P384 => $m!(p384::NistP384, P384, $($args)*),
            Curve::BrainpoolP256r1 => $m!(bp256::r1::BrainpoolP256r1, Bp256, $($args)*),
            Curve::BrainpoolP384r1 => $m!(bp384::r1::BrainpoolP384r1, Bp384, $($args)*),
            Curve::Secp224k1 => $m!(@secp224k1 Secp224k1, Secp224k1, $($args)*),
        }
    };
}

/// `r ‖ min(s, n − s)` as fixed-width big-endian scalars on `curve`: one
/// value for a signature and its (r, n − s) twin, whatever its encoding
/// (the identity [`record_identity`](crate::record) de-duplicates on).
/// `None` when `r` or `s` is zero or not below `n`.
pub(crate) fn normalized_rs(curve: Curve, r: &[u8], s: &[u8]) -> Option<Vec<u8>> {
    macro_rules! norm {
        (@secp224k1 $c:ty, $v:ident, $r:expr, $s:expr) => {
            norm!($c, $v, $r, $s)
        };
        ($c:ty, $v:ident, $r:expr, $s:expr) => {
            scalars::<$c>($r, $s).map(|(sig, _)| {
                let (rb, sb) = sig.split_bytes();
                [rb.as_slice(), sb.as_slice()].concat()
            })
        };
    }
    per_curve!(curve, norm, r, s)
}

impl CurveKey {
    /// Decodes a SEC1 point (compressed or uncompressed) on `curve` and
    /// builds its verification tables.
    pub(crate) fn decode(curve: Curve, sec1: &[u8]) -> Option<Self> {
        let b = Backend::Auto;
        Some(match curve {
            Curve::Secp192k1 => Self::Secp192k1(decode_tabled(curve, sec1)?, b),
            Curve::P192 => Self::P192(decode_tabled(curve, sec1)?, b),
            Curve::P256 => Self::P256(decode_tabled(curve, sec1)?, b),
            Curve::Secp256k1 => Self::Secp256k1(decode_point::<k256::Secp256k1>(sec1)?, b),
            Curve::P384 => Self::P384(decode_tabled(curve, sec1)?, b),
            Curve::BrainpoolP256r1 => Self::Bp256(decode_tabled(curve, sec1)?, b),
            Curve::BrainpoolP384r1 => Self::Bp384(decode_tabled(curve, sec1)?, b),
            // The standard 28-byte coordinates, as the curve type reads them.
            Curve::Secp224k1 => Self::Secp224k1(
                Box::new(decode_point::<Secp224k1>(&secp224k1::sec1_from_standard(
                    sec1,
                )?)?),
                b,
            ),
        })
    }

    /// Builds the key's wide tables now (see [`TabledKey::precompute`]);
    /// secp256k1 keys have no tables of ours.
    pub(crate) fn precompute(&self, large: bool) {
        match self {
            Self::Secp192k1(k, _) => k.precompute(large),
            Self::P192(k, _) => k.precompute(large),
            Self::P256(k, _) => k.precompute(large),
            Self::Secp256k1(..) => {}
            Self::P384(k, _) => k.precompute(large),
            Self::Bp256(k, _) => k.precompute(large),
            Self::Bp384(k, _) => k.precompute(large),
            Self::Secp224k1(..) => {}
        }
    }

    /// Whether the key has its wide tables (secp256k1: never).
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn is_wide(&self) -> bool {
        match self {
            Self::Secp192k1(k, _) => k.is_wide(),
            Self::P192(k, _) => k.is_wide(),
            Self::P256(k, _) => k.is_wide(),
            Self::Secp256k1(..) => false,
            Self::P384(k, _) => k.is_wide(),
            Self::Bp256(k, _) => k.is_wide(),
            Self::Bp384(k, _) => k.is_wide(),
            Self::Secp224k1(..) => false,
        }
    }

    /// The key's curve.
    pub(crate) const fn curve(&self) -> Curve {
        match self {
            Self::Secp192k1(..) => Curve::Secp192k1,
            Self::P192(..) => Curve::P192,
            Self::P256(..) => Curve::P256,
            Self::Secp256k1(..) => Curve::Secp256k1,
            Self::P384(..) => Curve::P384,
            Self::Bp256(..) => Curve::BrainpoolP256r1,
            Self::Bp384(..) => Curve::BrainpoolP384r1,
            Self::Secp224k1(..) => Curve::Secp224k1,
        }
    }

    /// The backend this key verifies with.
    pub(crate) const fn backend(&self) -> Backend {
        match self {
            Self::Secp192k1(_, b)
            | Self::P192(_, b)
            | Self::P256(_, b)
            | Self::Secp256k1(_, b)
            | Self::P384(_, b)
            | Self::Bp256(_, b)
            | Self::Bp384(_, b)
            | Self::Secp224k1(_, b) => *b,
        }
    }

    /// Chooses the backend this key verifies with.
    pub(crate) fn set_backend(&mut self, backend: Backend) {
        match self {
            Self::Secp192k1(_, b)
            | Self::P192(_, b)
            | Self::P256(_, b)
            | Self::Secp256k1(_, b)
            | Self::P384(_, b)
            | Self::Bp256(_, b)
            | Self::Bp384(_, b)
            | Self::Secp224k1(_, b) => *b = backend,
        }
    }

    /// ECDSA verification of a SHA-256 digest with unsigned big-endian `r`, `s`
    /// (no longer than the field size; checked by the caller).
    /// `None` when the signature does not verify, else whether `s` was high.
    pub(crate) fn verify_prehashed(&self, digest: &[u8; 32], r: &[u8], s: &[u8]) -> Option<bool> {
        macro_rules! tabled {
            ($c:ty, $k:expr, $b:expr) => {
                verify_tabled::<$c>($k, *$b, digest, r, s)
            };
        }
        match self {
            Self::Secp192k1(k, b) => tabled!(Secp192k1, k, b),
            Self::P192(k, b) => tabled!(p192::NistP192, k, b),
            Self::P256(k, b) => tabled!(p256::NistP256, k, b),
            // k256 brings its own GLV endomorphism and tables; it is already
            // the fastest pure-Rust secp256k1 we have.
            Self::Secp256k1(q, _) => verify_reference::<k256::Secp256k1>(q, digest, r, s),
            Self::P384(k, b) => tabled!(p384::NistP384, k, b),
            Self::Bp256(k, b) => tabled!(bp256::r1::BrainpoolP256r1, k, b),
            Self::Bp384(k, b) => tabled!(bp384::r1::BrainpoolP384r1, k, b),
            Self::Secp224k1(q, _) => verify_secp224k1(q, digest, r, s),
        }
    }
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
    // The secret's copy is wiped when dropped (the signing key wipes its own).
    let mut fb = zeroize::Zeroizing::new(FieldBytes::<C>::default());
    fb[n - secret.len()..].copy_from_slice(secret);
    let sk = ecdsa::SigningKey::<C>::from_bytes(&fb).ok()?;
    let (sig, _) =
        hazmat::sign_prehashed_rfc6979::<C, sha2::Sha256>(sk.as_nonzero_scalar(), digest, &[]);
    // Low-S: (r, n − s) is the same signature, and some verifiers (and our
    // own `high_s` finding) refuse or report s > n/2.
    let (r, s) = sig.normalize_s().split_bytes();
    let public = sk.verifying_key().as_affine().to_sec1_point(false);
    Some((r.to_vec(), s.to_vec(), public.as_bytes().to_vec()))
}

/// RFC 6979 deterministic ECDSA over a SHA-256 digest.
/// Returns `(r, s, uncompressed public key)`, or `None` for an invalid secret.
pub(crate) fn sign_prehashed(
    curve: Curve,
    secret: &[u8],
    digest: &[u8; 32],
) -> Option<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    macro_rules! sig {
        // No signing on secp224k1: OCMF has no `SA` for it, and `ecdsa`'s
        // RFC 6979 path would cut the digest as SEC 1 does not.
        (@secp224k1 $c:ty, $v:ident, $s:expr, $d:expr) => {{
            let _ = ($s, $d);
            None
        }};
        ($c:ty, $v:ident, $s:expr, $d:expr) => {
            sign_rs::<$c>($s, $d)
        };
    }
    per_curve!(curve, sig, secret, digest)
}
