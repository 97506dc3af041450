//! Project Wycheproof ECDSA vectors for every curve and hash we support
//! (SHA-256 only, as OCMF defines no other hash), DER and IEEE P1363 (raw r‖s),
//! on every path of the engine and with every backend (issue 17):
//!
//! - **cold**: a key decoded for the case, its first verification (no
//!   per-key tables; `Auto` takes the native backend where there is one);
//! - **warm**: a key already used once (its standard tables are built at
//!   the second use), every case of the group on it;
//! - **wide**: a key with its wide tables ([`PublicKey::precompute`]);
//! - **large**: a key with its large tables ([`PublicKey::precompute_large`]);
//! - **batch**: the group's cases, repeated up to [`WIDE_TABLES_FROM`] when
//!   the group is smaller, run as a batch under one key
//!   (`Checker::verify_digests`, on two threads with the `rayon` feature).
//!
//! Our DER reader is lenient on purpose (real meters emit non-minimal
//! INTEGERs). A Wycheproof "invalid" case may therefore be accepted only when
//! its flags say the only defect is the encoding (BER / missing or extra zero
//! bytes) *and* the integers are still the valid (r, s); every other case must
//! match exactly, and every "valid" case must verify. An "acceptable" case
//! may go either way, but every path and backend must give the answer of the
//! reference (cold, `Backend::Reference`); the counts say which way it went.
//!
//! Each set prints (and writes to `$CARGO_TARGET_TMPDIR/wycheproof/<set>.txt`)
//! its case counts per path and backend.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ocmf_core::{
    Algorithm, Backend, Checker, Curve, ErrorCode, PublicKey, SignatureShape, WIDE_TABLES_FROM,
    verify_digest,
};
use sha2::{Digest, Sha256};
use wycheproof::{
    TestResult,
    ecdsa::{Test, TestFlag, TestName, TestSet},
};

const BACKENDS: [Backend; 4] = [
    Backend::Auto,
    Backend::PureRust,
    Backend::Native,
    Backend::Reference,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Path {
    Cold,
    Warm,
    Wide,
    Large,
    Batch,
}

const PATHS: [Path; 5] = [Path::Cold, Path::Warm, Path::Wide, Path::Large, Path::Batch];

type Got = Result<(SignatureShape, bool), ErrorCode>;

/// Whether `got` is an answer Wycheproof's `t` allows (see the module doc).
fn allowed(t: &Test, got: &Got) -> bool {
    match (t.result, got) {
        (TestResult::Valid | TestResult::Acceptable, Ok(_))
        | (TestResult::Acceptable | TestResult::Invalid, Err(_)) => true,
        (TestResult::Valid, Err(_)) => false,
        (TestResult::Invalid, Ok((shape, _))) => {
            // Tolerated: a lenient DER reading of a signature whose
            // integers are the correct ones.
            let encoding_only = t.flags.iter().all(|f| {
                matches!(
                    f,
                    TestFlag::BerEncodedSignature
                        | TestFlag::MissingZero
                        | TestFlag::InvalidEncoding
                )
            });
            encoding_only && !matches!(shape, SignatureShape::Der)
        }
    }
}

/// Tallies of one path × backend.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    cases: usize,
    valid: usize,
    invalid: usize,
    lenient: usize,
    acceptable_accepted: usize,
    acceptable_refused: usize,
    /// Batch only: verifications run (the cases and their repetitions).
    runs: usize,
    /// Time spent (decoding, tables, verification).
    time: std::time::Duration,
}

impl Tally {
    fn add(&mut self, t: &Test, got: &Got) {
        self.cases += 1;
        match (t.result, got.is_ok()) {
            (TestResult::Valid, _) => self.valid += 1,
            (TestResult::Invalid, false) => self.invalid += 1,
            (TestResult::Invalid, true) => self.lenient += 1,
            (TestResult::Acceptable, true) => self.acceptable_accepted += 1,
            (TestResult::Acceptable, false) => self.acceptable_refused += 1,
        }
    }
}

fn key_of(bytes: &[u8], backend: Backend) -> Result<PublicKey, ErrorCode> {
    PublicKey::from_bytes(bytes)
        .map(|k| k.with_backend(backend))
        .map_err(|e| e.code)
}

fn digest(t: &Test) -> [u8; 32] {
    Sha256::digest(&t.msg).into()
}

fn verify(alg: Algorithm, key: &Result<PublicKey, ErrorCode>, t: &Test) -> Got {
    match key {
        Ok(k) => verify_digest(alg, k, &digest(t), &t.sig).map_err(|e| e.code),
        Err(e) => Err(*e),
    }
}

/// The answers for one group's cases on `path` with `backend`, in order;
/// the batch also returns how many verifications it ran.
fn answers(
    alg: Algorithm,
    key_bytes: &[u8],
    tests: &[Test],
    path: Path,
    backend: Backend,
) -> (Vec<Got>, usize) {
    let n = tests.len();
    match path {
        Path::Cold => {
            let got = tests
                .iter()
                .map(|t| verify(alg, &key_of(key_bytes, backend), t))
                .collect();
            (got, n)
        }
        Path::Warm | Path::Wide | Path::Large => {
            let key = key_of(key_bytes, backend);
            if let Ok(k) = &key {
                if path == Path::Wide {
                    k.precompute();
                } else if path == Path::Large {
                    k.precompute_large();
                } else if let Some(t) = tests.first() {
                    // The first use: the cases below are the second and later.
                    let _ = verify_digest(alg, k, &digest(t), &t.sig);
                }
            }
            (tests.iter().map(|t| verify(alg, &key, t)).collect(), n)
        }
        Path::Batch => {
            let key = match key_of(key_bytes, backend) {
                Ok(k) => k,
                Err(e) => return (vec![Err(e); n], n),
            };
            let digests: Vec<[u8; 32]> = tests.iter().map(digest).collect();
            let runs = n.max(WIDE_TABLES_FROM).div_ceil(n) * n;
            let cases: Vec<([u8; 32], &[u8])> = (0..runs)
                .map(|i| (digests[i % n], tests[i % n].sig.as_slice()))
                .collect();
            let all: Vec<Got> = Checker::new()
                .threads(2)
                .verify_digests(alg, &key, &cases)
                .into_iter()
                .map(|r| r.map_err(|e| e.code))
                .collect();
            assert_eq!(all.len(), runs);
            for (i, g) in all.iter().enumerate().skip(n) {
                assert_eq!(
                    g,
                    &all[i % n],
                    "batch repetition {i}: {:?}",
                    tests[i % n].tc_id
                );
            }
            (all[..n].to_vec(), runs)
        }
    }
}

fn run(name: TestName, curve: Curve) -> BTreeMap<(Path, usize), Tally> {
    let set = TestSet::load(name).unwrap();
    let alg = Algorithm::ecdsa_sha256(curve);
    let mut tallies: BTreeMap<(Path, usize), Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for group in &set.test_groups {
        let key = &group.key.key;
        let (reference, _) = answers(alg, key, &group.tests, Path::Cold, Backend::Reference);
        for path in PATHS {
            for (b, backend) in BACKENDS.into_iter().enumerate() {
                let start = std::time::Instant::now();
                let (got, runs) = answers(alg, key, &group.tests, path, backend);
                let tally = tallies.entry((path, b)).or_default();
                tally.time += start.elapsed();
                tally.runs += runs;
                for ((t, g), want) in group.tests.iter().zip(&got).zip(&reference) {
                    tally.add(t, g);
                    if !allowed(t, g) || g != want {
                        failures.push(format!(
                            "{path:?} {backend:?} tc {} {:?} {:?} {}: {g:?} (reference {want:?})",
                            t.tc_id, t.result, t.flags, t.comment
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{name:?}: {} failures\n{}",
        failures.len(),
        failures.join("\n")
    );
    report(name, curve, &tallies);
    tallies
}

fn report(name: TestName, curve: Curve, tallies: &BTreeMap<(Path, usize), Tally>) {
    let mut out = String::new();
    for ((path, b), t) in tallies {
        let backend = BACKENDS[*b];
        let native = if backend == Backend::Native && !Backend::native_supports(curve) {
            " (no native key for this curve: the PureRust route)"
        } else {
            ""
        };
        writeln!(
            out,
            "wycheproof {name:?} {curve} {path:?} {backend:?}: {} cases: {} valid accepted, \
             {} invalid refused, {} invalid accepted as lenient DER, acceptable {} accepted \
             / {} refused; {} verifications in {:.2?}{native}",
            t.cases,
            t.valid,
            t.invalid,
            t.lenient,
            t.acceptable_accepted,
            t.acceptable_refused,
            t.runs,
            t.time
        )
        .unwrap();
    }
    print!("{out}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("wycheproof");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name:?}.txt")), out).unwrap();
}

macro_rules! wy {
    ($fn:ident, $name:ident, $curve:expr) => {
        #[test]
        fn $fn() {
            let tallies = run(TestName::$name, $curve);
            assert_eq!(tallies.len(), PATHS.len() * BACKENDS.len());
            let first = tallies.values().next().unwrap().cases;
            // Every path and backend saw every case, and most are real cases.
            assert!(tallies.values().all(|t| t.cases == first));
            assert!(first > 100, "{first}");
            let t = tallies[&(Path::Cold, 3)];
            assert!(t.valid > 0 && t.invalid > 0, "{t:?}");
        }
    };
}

wy!(secp192k1_der, EcdsaSecp192k1Sha256, Curve::Secp192k1);
wy!(secp192k1_p1363, EcdsaSecp192k1Sha256P1363, Curve::Secp192k1);
wy!(secp192r1_der, EcdsaSecp192r1Sha256, Curve::P192);
wy!(secp192r1_p1363, EcdsaSecp192r1Sha256P1363, Curve::P192);
wy!(secp256r1_der, EcdsaSecp256r1Sha256, Curve::P256);
wy!(secp256r1_p1363, EcdsaSecp256r1Sha256P1363, Curve::P256);
wy!(secp256k1_der, EcdsaSecp256k1Sha256, Curve::Secp256k1);
wy!(secp256k1_p1363, EcdsaSecp256k1Sha256P1363, Curve::Secp256k1);
wy!(secp384r1_der, EcdsaSecp384r1Sha256, Curve::P384);
wy!(
    brainpool256_der,
    EcdsaBrainpool256r1Sha256,
    Curve::BrainpoolP256r1
);
wy!(
    brainpool256_p1363,
    EcdsaBrainpool256r1Sha256P1363,
    Curve::BrainpoolP256r1
);
