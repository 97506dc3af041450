#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(target_pointer_width = "64")]
mod fiat;
mod koblitz;
#[cfg(target_pointer_width = "64")]
mod p256_mont;
pub mod secp192k1;
pub mod secp224k1;
mod vartime;

pub use secp192k1::Secp192k1;
pub use secp224k1::Secp224k1;

use ecdsa::{EcdsaCurve, Signature};

use vartime::{Affine, Fe, KeySide, KeyTables, Tables, Tier};

/// A curve the engine verifies on: [`Secp192k1`], `p192::NistP192`,
/// `p256::NistP256`, `p384::NistP384`, `bp256::r1::BrainpoolP256r1` and
/// `bp384::r1::BrainpoolP384r1` (sealed: the engine's field and table
/// machinery is not part of the interface).
pub trait EngineCurve: sealed::Generator + EcdsaCurve {}

mod sealed {
    #![allow(
        unreachable_pub,
        reason = "nominally public so that the public `EngineCurve` can name it; unreachable, which seals it"
    )]

    use super::{Fe, Key, Signature, Tables, Tier, vartime};

    /// A curve's generator tables, standard and wide, and its verification.
    pub trait Generator: vartime::Engine + ecdsa::EcdsaCurve {
        /// Calls `f` with the generator tables of `tier`: built once per
        /// process with `std`, per call without.
        fn with_gen<R>(tier: Tier, f: impl FnOnce(Option<&Tables<Fe<Self>>>) -> R) -> R;

        // The work of `Key`'s methods, compiled in this crate for each curve
        // (not where a caller instantiates the generic methods): secp192k1's
        // field code is this crate's, and its operations that are not
        // `#[inline]` would otherwise be calls across crates (measured from
        // `ocmf-core`: 4% more instructions per secp192k1 verification).

        /// [`Key::new`].
        fn new_key(point: &primeorder::AffinePoint<Self>) -> Option<Key<Self>>
        where
            Self: super::EngineCurve;

        /// [`Key::verify_prehashed`].
        fn verify(key: &Key<Self>, digest: &[u8; 32], sig: &Signature<Self>) -> Option<bool>
        where
            Self: super::EngineCurve;

        /// [`Key::precompute`] (`large`: [`Key::precompute_large`]).
        fn precompute(key: &Key<Self>, large: bool)
        where
            Self: super::EngineCurve;
    }
}

macro_rules! engine_curve {
    ($($c:ty),*) => {$(
        impl sealed::Generator for $c {
            #[inline]
            fn with_gen<R>(tier: Tier, f: impl FnOnce(Option<&Tables<Fe<Self>>>) -> R) -> R {
                #[cfg(feature = "std")]
                {
                    type Table = Option<Tables<Fe<$c>>>;
                    static STD: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
                    static WIDE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
                    static LARGE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
                    let cell = match tier {
                        Tier::Standard => &STD,
                        Tier::Wide => &WIDE,
                        Tier::Large => &LARGE,
                    };
                    f(cell.get_or_init(|| vartime::generator_table::<$c>(tier)).as_ref())
                }
                #[cfg(not(feature = "std"))]
                {
                    f(vartime::generator_table::<$c>(tier).as_ref())
                }
            }

            fn new_key(point: &primeorder::AffinePoint<Self>) -> Option<Key<Self>> {
                Key::new_here(point)
            }

            fn verify(
                key: &Key<Self>,
                digest: &[u8; 32],
                sig: &Signature<Self>,
            ) -> Option<bool> {
                key.verify_here(digest, sig)
            }

            fn precompute(key: &Key<Self>, large: bool) {
                key.precompute_here(large);
            }
        }

        impl EngineCurve for $c {}
    )*};
}

engine_curve!(
    secp192k1::Secp192k1,
    p192::NistP192,
    p256::NistP256,
    p384::NistP384,
    bp256::r1::BrainpoolP256r1,
    bp384::r1::BrainpoolP384r1
);

/// How many verifications a key makes with its wide tables before it gets
/// its large ones (wider windows: about a sixth fewer point additions per
/// verification; 256 KiB per P-256 key, 384 KiB per P-384 key, and the
/// large generator tables once per process). Building them costs about as
/// much as 100 verifications (the generator's, once, about 200), so only a
/// key that verifies thousands of records gains: a meter's key over a long
/// export, or `--key-file` over a file.
pub const LARGE_FROM: usize = 1024;

/// A public key of curve `C` with its verification tables.
///
/// With `std` a key verifies its first signature without tables, builds
/// its standard tables (8 sub-bases) at its second verification, its
/// wide tables (16 sub-bases) on [`Key::precompute`], and its large tables
/// after [`LARGE_FROM`] verifications with the wide ones; clones made after
/// a table was built share nothing but a copy of it. Without `std` the
/// standard tables are built in [`Key::new`] and there are no wide tables.
pub struct Key<C: EngineCurve> {
    affine: Affine<Fe<C>>,
    #[cfg(feature = "std")]
    tables: std::sync::OnceLock<Option<KeyTables<C>>>,
    #[cfg(feature = "std")]
    wide: std::sync::OnceLock<Option<KeyTables<C>>>,
    #[cfg(feature = "std")]
    large: std::sync::OnceLock<Option<KeyTables<C>>>,
    /// Verifications with the wide tables, up to `LARGE_FROM`.
    #[cfg(feature = "std")]
    wide_uses: core::sync::atomic::AtomicUsize,
    #[cfg(feature = "std")]
    used: core::sync::atomic::AtomicBool,
    #[cfg(not(feature = "std"))]
    tables: Option<KeyTables<C>>,
}

impl<C: EngineCurve> Clone for Key<C> {
    fn clone(&self) -> Self {
        Self {
            affine: self.affine,
            tables: self.tables.clone(),
            #[cfg(feature = "std")]
            wide: self.wide.clone(),
            #[cfg(feature = "std")]
            large: self.large.clone(),
            #[cfg(feature = "std")]
            wide_uses: core::sync::atomic::AtomicUsize::new(
                self.wide_uses.load(core::sync::atomic::Ordering::Relaxed),
            ),
            #[cfg(feature = "std")]
            used: core::sync::atomic::AtomicBool::new(
                self.used.load(core::sync::atomic::Ordering::Relaxed),
            ),
        }
    }
}

impl<C: EngineCurve> core::fmt::Debug for Key<C> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Key")
            .field("wide", &self.is_wide())
            .finish_non_exhaustive()
    }
}

impl<C: EngineCurve> Key<C> {
    /// The engine's form of a public key: a point of `C` that the caller
    /// has decoded and checked (RustCrypto's `AffinePoint` is on the curve
    /// by construction). `None` for the identity, which is no public key.
    #[inline]
    #[must_use]
    pub fn new(point: &primeorder::AffinePoint<C>) -> Option<Self> {
        C::new_key(point)
    }

    #[inline]
    fn new_here(point: &primeorder::AffinePoint<C>) -> Option<Self> {
        let affine = vartime::affine_of::<C>(point)?;
        Some(Self {
            affine,
            #[cfg(feature = "std")]
            tables: std::sync::OnceLock::new(),
            #[cfg(feature = "std")]
            wide: std::sync::OnceLock::new(),
            #[cfg(feature = "std")]
            large: std::sync::OnceLock::new(),
            #[cfg(feature = "std")]
            wide_uses: core::sync::atomic::AtomicUsize::new(0),
            #[cfg(feature = "std")]
            used: core::sync::atomic::AtomicBool::new(false),
            #[cfg(not(feature = "std"))]
            tables: KeyTables::from_affine(&affine),
        })
    }

    /// ECDSA verification of a prehashed message: whether
    /// `x(u1·G + u2·Q) ≡ r (mod n)` with `u1 = z/s`, `u2 = r/s` and `z` the
    /// leftmost `bits(n)` bits of `digest` reduced mod `n`.
    ///
    /// `sig` is range-checked by its type (`1 ≤ r, s < n`); either `s` or
    /// `n − s` verifies, so low-S rules are the caller's. Counts a use of
    /// the key (the second builds its standard tables).
    ///
    /// `None` only when the engine has no generator tables for `C`, which
    /// cannot happen on the six curves (the tests build them all); a caller
    /// should then verify with other code.
    #[inline]
    #[must_use]
    pub fn verify_prehashed(&self, digest: &[u8; 32], sig: &Signature<C>) -> Option<bool> {
        C::verify(self, digest, sig)
    }

    /// The body of [`Key::verify_prehashed`], instantiated per curve in
    /// this crate (`Generator::verify`).
    #[inline]
    fn verify_here(&self, digest: &[u8; 32], sig: &Signature<C>) -> Option<bool> {
        let side = self.side();
        C::with_gen(side.tier(), |gens| {
            let (r, s) = sig.split_scalars();
            let z = vartime::digest_scalar::<C>(digest);
            gens.map(|g| vartime::verify::<C>(g, side, &z, &r, &s))
        })
    }

    /// Whether this use of the key is its first without tables, counting
    /// it: `true` once, at the key's first use, unless [`Key::precompute`]
    /// built the wide tables before (those are used from the start); always
    /// `false` without `std`. A caller that verifies such a use with other
    /// code calls this instead of [`Key::verify_prehashed`] (`ocmf-core`'s
    /// `Backend::Auto` takes AWS-LC for it, where it has the curve); the
    /// standard tables are built at the second use either way.
    #[inline]
    pub fn take_first_use(&self) -> bool {
        #[cfg(feature = "std")]
        {
            !self.is_wide() && self.count_use()
        }
        #[cfg(not(feature = "std"))]
        {
            false
        }
    }

    /// Counts a use; whether it was the first.
    #[cfg(feature = "std")]
    #[inline]
    fn count_use(&self) -> bool {
        !self.used.swap(true, core::sync::atomic::Ordering::Relaxed)
    }

    /// Builds the wide tables now (once): 16 sub-bases, about a fifth
    /// faster per verification than the standard tables, 32 KiB per P-256
    /// key, about ten verifications to build. A no-op without `std`.
    #[inline]
    pub fn precompute(&self) {
        C::precompute(self, false);
    }

    /// Builds the wide and the large tables now (once), for a key known to
    /// verify thousands of records; without it a key gets its large tables
    /// after [`LARGE_FROM`] verifications with the wide ones. A no-op
    /// without `std`.
    #[inline]
    pub fn precompute_large(&self) {
        C::precompute(self, true);
    }

    #[inline]
    #[cfg_attr(not(feature = "std"), allow(unused_variables))]
    fn precompute_here(&self, large: bool) {
        #[cfg(feature = "std")]
        {
            self.wide.get_or_init(|| KeyTables::wide(&self.affine));
            if large {
                self.large.get_or_init(|| KeyTables::large(&self.affine));
            }
        }
    }

    /// The wide tables, counting the use; at the [`LARGE_FROM`]-th the
    /// large tables are built and used from then on.
    #[cfg(feature = "std")]
    #[inline]
    fn wide_side<'k>(&'k self, wide: &'k KeyTables<C>) -> KeySide<'k, C> {
        use core::sync::atomic::Ordering::Relaxed;
        if self.wide_uses.load(Relaxed) < LARGE_FROM
            && self.wide_uses.fetch_add(1, Relaxed) + 1 < LARGE_FROM
        {
            return KeySide::Tabled(wide);
        }
        match self.large.get_or_init(|| KeyTables::large(&self.affine)) {
            Some(t) => KeySide::Tabled(t),
            None => KeySide::Tabled(wide),
        }
    }

    /// Whether the large tables have been built (after [`LARGE_FROM`]
    /// verifications with the wide ones).
    #[must_use]
    pub fn is_large(&self) -> bool {
        #[cfg(feature = "std")]
        {
            matches!(self.large.get(), Some(Some(_)))
        }
        #[cfg(not(feature = "std"))]
        {
            false
        }
    }

    /// Whether [`Key::precompute`] has built the wide tables.
    #[must_use]
    pub fn is_wide(&self) -> bool {
        #[cfg(feature = "std")]
        {
            matches!(self.wide.get(), Some(Some(_)))
        }
        #[cfg(not(feature = "std"))]
        {
            false
        }
    }

    /// The key side for one verification: the wide tables if built, else
    /// the standard ones when built or worth building (from the second use
    /// on), else the bare point.
    #[inline]
    fn side(&self) -> KeySide<'_, C> {
        #[cfg(feature = "std")]
        {
            if let Some(Some(t)) = self.large.get() {
                return KeySide::Tabled(t);
            }
            if let Some(Some(t)) = self.wide.get() {
                return self.wide_side(t);
            }
            if let Some(t) = self.tables.get() {
                return t
                    .as_ref()
                    .map_or(KeySide::Plain(&self.affine), KeySide::Tabled);
            }
            if self.count_use() {
                return KeySide::Plain(&self.affine);
            }
            self.tables
                .get_or_init(|| KeyTables::from_affine(&self.affine))
                .as_ref()
                .map_or(KeySide::Plain(&self.affine), KeySide::Tabled)
        }
        #[cfg(not(feature = "std"))]
        {
            self.tables
                .as_ref()
                .map_or(KeySide::Plain(&self.affine), KeySide::Tabled)
        }
    }
}
