//! The engine's interface on every curve: RFC 6979 signatures made with
//! RustCrypto verify on every path of a [`Key`] (first use, standard tables,
//! wide tables, clones), and a changed digest, `r`, `s` or key does not; the
//! key's table state (when tables are built, what a clone keeps).

#![allow(clippy::unwrap_used, missing_docs)]

use ecdsa::{Signature, SigningKey, hazmat};
use elliptic_curve::{FieldBytes, PrimeField};
use ocmf_vartime_verify::{Key, LARGE_FROM};
use sha2::{Digest, Sha256};

/// Digests of a few messages, and one that is all ones (above every `n`).
fn digests() -> Vec<[u8; 32]> {
    let mut d: Vec<[u8; 32]> = (0u8..6).map(|i| Sha256::digest([i; 7]).into()).collect();
    d.push([0xff; 32]);
    d
}

macro_rules! curve_tests {
    ($module:ident, $c:ty) => {
        mod $module {
            use super::*;
            type C = $c;
            type Scalar = <C as elliptic_curve::CurveArithmetic>::Scalar;

            fn signer(seed: u8) -> SigningKey<C> {
                let mut fb = FieldBytes::<C>::default();
                let n = fb.len();
                fb[0] = 0x3c;
                fb[n - 1] = seed;
                SigningKey::<C>::from_bytes(&fb).unwrap()
            }

            fn sign(sk: &SigningKey<C>, digest: &[u8; 32]) -> Signature<C> {
                hazmat::sign_prehashed_rfc6979::<C, Sha256>(sk.as_nonzero_scalar(), digest, &[]).0
            }

            fn key(sk: &SigningKey<C>) -> Key<C> {
                Key::new(sk.verifying_key().as_affine()).unwrap()
            }

            /// `(r, s)` with `r` or `s` one more (mod n) than in `sig`.
            fn bumped(sig: &Signature<C>, which: usize) -> Signature<C> {
                let (r, s) = sig.split_scalars();
                let (mut r, mut s): (Scalar, Scalar) = (*r, *s);
                if which == 0 {
                    r += Scalar::from(1u64);
                } else {
                    s += Scalar::from(1u64);
                }
                Signature::from_scalars(r.to_repr(), s.to_repr()).unwrap()
            }

            #[test]
            fn signatures_verify_on_every_path_and_changes_do_not() {
                let sk = signer(7);
                let other = key(&signer(8));
                let cold = || key(&sk);
                let warm = key(&sk);
                let wide = key(&sk);
                wide.precompute();
                let wide_clone = wide.clone();
                let large = key(&sk);
                large.precompute_large();
                assert_eq!(large.is_large(), cfg!(feature = "std"));
                for (i, d) in digests().iter().enumerate() {
                    let sig = sign(&sk, d);
                    // A changed bit within the leftmost 192 bits (the
                    // 192-bit curves cut off the rest: tests/edge_vectors.rs).
                    let mut bad_digest = *d;
                    bad_digest[i % 24] ^= 0x10;
                    for k in [
                        &cold(),
                        &warm,
                        &wide,
                        &wide_clone,
                        &warm.clone(),
                        &large,
                        &large.clone(),
                    ] {
                        for sig in [sig, sig.normalize_s()] {
                            assert_eq!(k.verify_prehashed(d, &sig), Some(true), "{i}");
                            assert_eq!(k.verify_prehashed(&bad_digest, &sig), Some(false));
                            for which in 0..2 {
                                assert_eq!(
                                    k.verify_prehashed(d, &bumped(&sig, which)),
                                    Some(false)
                                );
                            }
                        }
                    }
                    assert_eq!(other.verify_prehashed(d, &sig), Some(false));
                }
            }

            #[test]
            fn tables_are_built_when_the_interface_says() {
                let sk = signer(9);
                let d = digests()[0];
                let sig = sign(&sk, &d);
                let k = key(&sk);
                let before = k.clone();
                // The first use (by whichever verifier) is counted once.
                assert_eq!(k.take_first_use(), cfg!(feature = "std"));
                assert!(!k.take_first_use());
                assert!(!k.is_wide());
                assert_eq!(k.verify_prehashed(&d, &sig), Some(true));
                k.precompute();
                assert_eq!(k.is_wide(), cfg!(feature = "std"));
                assert_eq!(k.clone().is_wide(), cfg!(feature = "std"));
                assert_eq!(k.verify_prehashed(&d, &sig), Some(true));
                // A clone made before keeps its own state.
                assert!(!before.is_wide());
                let unused = before.clone();
                assert_eq!(before.take_first_use(), cfg!(feature = "std"));
                // Wide tables serve a key from its first use on: no first
                // use without tables for another verifier (ocmf-core's Auto
                // takes AWS-LC only for a key without tables).
                unused.precompute();
                assert!(!unused.take_first_use());
                assert_eq!(unused.verify_prehashed(&d, &sig), Some(true));
            }

            #[test]
            fn a_wide_key_gets_its_large_tables_after_large_from_uses() {
                let sk = signer(11);
                let d = digests()[1];
                let sig = sign(&sk, &d);
                let k = key(&sk);
                k.precompute();
                for i in 1..LARGE_FROM {
                    assert_eq!(k.verify_prehashed(&d, &sig), Some(true), "{i}");
                }
                assert!(!k.is_large(), "not before the {LARGE_FROM}th use");
                let mut bad = d;
                bad[3] ^= 1;
                assert_eq!(k.verify_prehashed(&bad, &sig), Some(false));
                assert_eq!(k.is_large(), cfg!(feature = "std"));
                assert_eq!(k.clone().is_large(), cfg!(feature = "std"));
                for dd in digests() {
                    let s = sign(&sk, &dd);
                    assert_eq!(k.verify_prehashed(&dd, &s), Some(true));
                    assert_eq!(k.verify_prehashed(&dd, &bumped(&s, 1)), Some(false));
                }
            }
        }
    };
}

curve_tests!(secp192k1, ocmf_vartime_verify::Secp192k1);
curve_tests!(secp192r1, p192::NistP192);
curve_tests!(secp256r1, p256::NistP256);
curve_tests!(secp384r1, p384::NistP384);
curve_tests!(brainpool_p256r1, bp256::r1::BrainpoolP256r1);
curve_tests!(brainpool_p384r1, bp384::r1::BrainpoolP384r1);

/// The identity is no key (RustCrypto's affine identity is the one point
/// the engine refuses).
#[test]
fn the_identity_is_refused() {
    assert!(Key::<p256::NistP256>::new(&p256::AffinePoint::IDENTITY).is_none());
    assert!(
        Key::<ocmf_vartime_verify::Secp192k1>::new(&primeorder::AffinePoint::IDENTITY).is_none()
    );
}
