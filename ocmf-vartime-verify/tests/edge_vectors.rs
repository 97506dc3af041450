//! The independent edge-case vectors (`ocmf-core/tests/data/edge/<curve>.jsonl`,
//! written by `scripts/gen-edge-vectors`: plain Python big-integer ECDSA,
//! verdicts cross-checked with OpenSSL) replayed through the engine alone,
//! on each of its paths:
//!
//! - **first use**: a new [`Key`], no tables (full-length wNAF of `u2`);
//! - **second use**: the key used once before, standard tables built;
//! - **after another verifier**: [`Key::take_first_use`] then a verify
//!   (standard tables, the route of `ocmf-core`'s `Backend::Auto` with AWS-LC);
//! - **wide**: [`Key::precompute`] first (without `std`: standard tables);
//! - **large**: [`Key::precompute_large`] first, one key per distinct key
//!   of the file (building the large tables per vector would take minutes).
//!
//! Each signature is checked as given and as `(r, n − s)`; every answer must
//! be the vector's verdict and RustCrypto's (`ecdsa::hazmat::verify_prehashed`).
//! A vector whose `r` or `s` is not in `[1, n)` never reaches the engine (the
//! caller's range check: `Signature::from_scalars`) and must be invalid.
//! ocmf-core replays the same files through every backend and its batch.

// Test helpers: a vector file that does not read is a failed test.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use ecdsa::{Signature, hazmat};
use elliptic_curve::sec1::{FromSec1Point, Sec1Point};
use ocmf_vartime_verify::Key;
use serde_json::Value;

const PATHS: [&str; 5] = [
    "first use",
    "second use",
    "after another verifier",
    "wide",
    "large",
];

struct Vector {
    key: Vec<u8>,
    digest: [u8; 32],
    r: Vec<u8>,
    s: Vec<u8>,
    valid: bool,
    what: String,
}

fn load(name: &str) -> Vec<Vector> {
    let path = format!(
        "{}/../ocmf-core/tests/data/edge/{name}.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_owned();
            let bytes = |k: &str| hex::decode(field(k)).unwrap();
            assert_eq!(field("curve"), name);
            Vector {
                key: bytes("public_key"),
                digest: bytes("digest").try_into().unwrap(),
                r: bytes("r"),
                s: bytes("s"),
                valid: v["valid"].as_bool().unwrap(),
                what: format!("{} ({})", field("class"), field("comment")),
            }
        })
        .collect()
}

/// Counts per path, and vectors refused before the engine.
#[derive(Default, Debug)]
struct Counts {
    checked: BTreeMap<&'static str, usize>,
    out_of_range: usize,
}

macro_rules! replay {
    ($test:ident, $c:ty, $name:literal) => {
        #[test]
        fn $test() {
            type C = $c;
            let vectors = load($name);
            let mut counts = Counts::default();
            let mut failures = Vec::new();
            let mut large: BTreeMap<Vec<u8>, Key<C>> = BTreeMap::new();
            for v in &vectors {
                let sec1 = Sec1Point::<C>::from_bytes(&v.key).unwrap();
                let point: primeorder::AffinePoint<C> =
                    Option::from(primeorder::AffinePoint::<C>::from_sec1_point(&sec1)).unwrap();
                let Ok(sig) = Signature::<C>::from_scalars(
                    <elliptic_curve::FieldBytes<C>>::try_from(v.r.as_slice()).unwrap(),
                    <elliptic_curve::FieldBytes<C>>::try_from(v.s.as_slice()).unwrap(),
                ) else {
                    assert!(!v.valid, "{}: a valid vector out of range", v.what);
                    counts.out_of_range += 1;
                    continue;
                };
                let q = primeorder::ProjectivePoint::<C>::from(point);
                let reference = hazmat::verify_prehashed::<C>(&q, &v.digest, &sig.normalize_s());
                assert_eq!(reference.is_ok(), v.valid, "RustCrypto on {}", v.what);
                for path in PATHS {
                    for sig in [sig, sig.normalize_s()] {
                        let fresh = Key::<C>::new(&point).unwrap();
                        let key = if path == "large" {
                            large.entry(v.key.clone()).or_insert_with(|| {
                                fresh.precompute_large();
                                fresh.clone()
                            })
                        } else {
                            &fresh
                        };
                        match path {
                            "second use" => {
                                let _ = key.verify_prehashed(&v.digest, &sig);
                            }
                            "after another verifier" => {
                                let _ = key.take_first_use();
                            }
                            "wide" => key.precompute(),
                            _ => {}
                        }
                        let got = key.verify_prehashed(&v.digest, &sig);
                        *counts.checked.entry(path).or_default() += 1;
                        if got != Some(v.valid) {
                            failures.push(format!(
                                "{path}: {got:?} for {}, expected {}",
                                v.what, v.valid
                            ));
                        }
                    }
                }
            }
            println!("{}: {} vectors, {counts:?}", $name, vectors.len());
            assert!(failures.is_empty(), "{}:\n{}", $name, failures.join("\n"));
            // Every path ran every in-range vector, in both s forms.
            let in_range = vectors.len() - counts.out_of_range;
            assert!(
                in_range > 50,
                "{}: too few vectors reached the engine",
                $name
            );
            assert!(counts.checked.values().all(|n| *n == 2 * in_range));
        }
    };
}

replay!(secp192k1, ocmf_vartime_verify::Secp192k1, "secp192k1");
replay!(secp192r1, p192::NistP192, "secp192r1");
replay!(secp256r1, p256::NistP256, "secp256r1");
replay!(secp384r1, p384::NistP384, "secp384r1");
replay!(
    brainpool_p256r1,
    bp256::r1::BrainpoolP256r1,
    "brainpoolP256r1"
);
replay!(
    brainpool_p384r1,
    bp384::r1::BrainpoolP384r1,
    "brainpoolP384r1"
);
