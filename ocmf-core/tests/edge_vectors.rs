//! Independent edge-case vectors (issue 17, item 3): `tests/data/edge/<curve>.jsonl`,
//! written by `scripts/gen-edge-vectors` (plain Python big-integer ECDSA, its
//! verdicts cross-checked with OpenSSL), replayed through every path of the
//! engine and every backend:
//!
//! - **cold**: a freshly decoded key, its first verification;
//! - **warm**: a key used once before (standard tables from the second use);
//! - **wide**: a key with wide tables ([`PublicKey::precompute`]);
//! - **large**: a key with its large tables ([`PublicKey::precompute_large`]);
//! - **batch**: every vector of one key, repeated up to
//!   [`WIDE_TABLES_FROM`], as a batch under that key (`Checker::verify_digests`,
//!   two threads with the `rayon` feature);
//!
//! each in DER and in raw `r‖s`. A valid vector must verify; an invalid one
//! must be `invalid_signature` (never a reading error: every vector is
//! well-formed). The counts go to stdout and `$CARGO_TARGET_TMPDIR/edge-vectors.txt`.

// Test helpers: a vector file that does not read is a failed test.
#![allow(clippy::unwrap_used)]

mod common;
use common::der;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use ocmf_core::{
    Algorithm, Backend, Checker, Curve, ErrorCode, PublicKey, WIDE_TABLES_FROM, verify_digest,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

const BACKENDS: [Backend; 4] = [
    Backend::Auto,
    Backend::PureRust,
    Backend::Native,
    Backend::Reference,
];
const PATHS: [&str; 5] = ["cold", "warm", "wide", "large", "batch"];

struct Vector {
    digest: [u8; 32],
    der: Vec<u8>,
    raw: Vec<u8>,
    valid: bool,
    class: String,
    comment: String,
}

fn load(curve: Curve) -> Vec<(String, Vector)> {
    let path = format!(
        "{}/tests/data/edge/{}.jsonl",
        env!("CARGO_MANIFEST_DIR"),
        curve.name()
    );
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_owned();
            let bytes = |k: &str| hex::decode(field(k)).unwrap();
            assert_eq!(field("curve"), curve.name());
            let digest: [u8; 32] = bytes("digest").try_into().unwrap();
            if v.get("msg").is_some() {
                let d: [u8; 32] = Sha256::digest(bytes("msg")).into();
                assert_eq!(d, digest, "{line}");
            }
            let (r, s) = (bytes("r"), bytes("s"));
            assert_eq!(
                (r.len(), s.len()),
                (curve.field_bytes(), curve.field_bytes())
            );
            let vector = Vector {
                digest,
                der: der(&r, &s),
                raw: [r, s].concat(),
                valid: v["valid"].as_bool().unwrap(),
                class: field("class"),
                comment: field("comment"),
            };
            (field("public_key"), vector)
        })
        .collect()
}

type Got = Result<bool, ErrorCode>;

/// The answers for `cases` (all under `key_hex`) on `path` with `backend`.
fn answers(
    alg: Algorithm,
    key_hex: &str,
    cases: &[(&Vector, &[u8])],
    path: &str,
    b: Backend,
) -> Vec<Got> {
    let fresh = || {
        PublicKey::from_bytes(&hex::decode(key_hex).unwrap())
            .unwrap()
            .with_backend(b)
    };
    let one = |k: &PublicKey, (v, sig): &(&Vector, &[u8])| {
        verify_digest(alg, k, &v.digest, sig)
            .map(|_| true)
            .map_err(|e| e.code)
    };
    match path {
        "cold" => cases.iter().map(|c| one(&fresh(), c)).collect(),
        "warm" => cases
            .iter()
            .map(|c| {
                let k = fresh();
                let _ = one(&k, c);
                one(&k, c)
            })
            .collect(),
        "wide" => {
            let k = fresh();
            k.precompute();
            cases.iter().map(|c| one(&k, c)).collect()
        }
        "large" => {
            let k = fresh();
            k.precompute_large();
            cases.iter().map(|c| one(&k, c)).collect()
        }
        _ => {
            let n = cases.len();
            let runs = n.max(WIDE_TABLES_FROM).div_ceil(n) * n;
            let items: Vec<([u8; 32], &[u8])> = (0..runs)
                .map(|i| (cases[i % n].0.digest, cases[i % n].1))
                .collect();
            let got: Vec<Got> = Checker::new()
                .threads(2)
                .verify_digests(alg, &fresh(), &items)
                .into_iter()
                .map(|r| r.map(|_| true).map_err(|e| e.code))
                .collect();
            for (i, g) in got.iter().enumerate().skip(n) {
                assert_eq!(g, &got[i % n], "batch repetition {i}");
            }
            got[..n].to_vec()
        }
    }
}

fn replay(curve: Curve) {
    let alg = Algorithm::ecdsa_sha256(curve);
    let vectors = load(curve);
    let mut by_key: BTreeMap<&str, Vec<&Vector>> = BTreeMap::new();
    let mut classes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (key, v) in &vectors {
        by_key.entry(key).or_default().push(v);
        let c = classes.entry(&v.class).or_default();
        if v.valid {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    let mut failures = Vec::new();
    let mut counts: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (key, vs) in &by_key {
        let cases: Vec<(&Vector, &[u8])> = vs
            .iter()
            .flat_map(|v| [(*v, v.der.as_slice()), (*v, v.raw.as_slice())])
            .collect();
        for (p, path) in PATHS.iter().enumerate() {
            for (b, backend) in BACKENDS.into_iter().enumerate() {
                let got = answers(alg, key, &cases, path, backend);
                *counts.entry((p, b)).or_default() += got.len();
                for ((v, sig), g) in cases.iter().zip(&got) {
                    let want = if v.valid {
                        Ok(true)
                    } else {
                        Err(ErrorCode::InvalidSignature)
                    };
                    if *g != want {
                        let form = if *sig == v.der { "DER" } else { "raw" };
                        failures.push(format!(
                            "{curve} {} ({}) {path} {backend:?} {form}: {g:?}, expected {want:?}",
                            v.class, v.comment
                        ));
                    }
                }
            }
        }
    }
    let mut out = String::new();
    for (class, (valid, invalid)) in &classes {
        writeln!(
            out,
            "edge {curve} {class}: {valid} valid, {invalid} invalid"
        )
        .unwrap();
    }
    for ((p, b), n) in &counts {
        writeln!(
            out,
            "edge {curve} {} {:?}: {n} checks ({} vectors, DER and raw)",
            PATHS[*p],
            BACKENDS[*b],
            vectors.len()
        )
        .unwrap();
    }
    print!("{out}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("edge-vectors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{curve}.txt")), out).unwrap();
    assert!(
        failures.is_empty(),
        "{curve}: {} failures\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every class the generator writes for every curve is here, with both verdicts.
    for class in [
        "infinity",
        "doubling",
        "keys",
        "r_mod_n",
        "rs_edges",
        "digest_ge_n",
    ] {
        assert!(classes.contains_key(class), "{curve}: no {class} vectors");
    }
    assert!(classes.values().map(|c| c.0).sum::<usize>() > 20);
    assert!(classes.values().map(|c| c.1).sum::<usize>() > 20);
}

macro_rules! edge {
    ($fn:ident, $curve:expr) => {
        #[test]
        fn $fn() {
            replay($curve);
        }
    };
}

edge!(secp192k1, Curve::Secp192k1);
edge!(secp192r1, Curve::P192);
edge!(secp256r1, Curve::P256);
edge!(secp256k1, Curve::Secp256k1);
edge!(secp384r1, Curve::P384);
edge!(brainpool_p256r1, Curve::BrainpoolP256r1);
edge!(brainpool_p384r1, Curve::BrainpoolP384r1);

#[test]
fn truncation_vectors_on_the_192_bit_curves() {
    for curve in [Curve::Secp192k1, Curve::P192] {
        let n = load(curve)
            .iter()
            .filter(|(_, v)| v.class == "truncation")
            .count();
        assert!(n >= 6, "{curve}: {n}");
    }
}
