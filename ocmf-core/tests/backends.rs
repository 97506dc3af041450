//! Every backend gives the same verdict: RustCrypto's plain verification
//! (`Reference`), our pure-Rust table engine (`PureRust`), the native backend
//! (`Native`, AWS-LC for P-256/P-384 when the `native-backend` feature is on)
//! and the default (`Auto`), on every corpus record, on generated records
//! (valid, tampered, high-S, wrong key, r/s edge values) and on every
//! Project Wycheproof ECDSA-SHA-256 case.

mod common;
use common::{der, pad, split_der, sub_be};
use ocmf_core::{
    Algorithm, Backend, Checker, Curve, ErrorCode, KeyInput, PublicKey, Report, sign, verify_digest,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

const BACKENDS: [Backend; 4] = [
    Backend::Reference,
    Backend::PureRust,
    Backend::Native,
    Backend::Auto,
];

/// Group orders (SEC 2, FIPS 186-4, RFC 5639), written out here so the test
/// does not take them from the code under test.
fn order_hex(c: Curve) -> &'static str {
    match c {
        Curve::Secp192k1 => "FFFFFFFFFFFFFFFFFFFFFFFE26F2FC170F69466A74DEFD8D",
        Curve::P192 => "FFFFFFFFFFFFFFFFFFFFFFFF99DEF836146BC9B1B4D22831",
        Curve::P256 => "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
        Curve::Secp256k1 => "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",
        Curve::P384 => {
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973"
        }
        Curve::BrainpoolP256r1 => {
            "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"
        }
        Curve::BrainpoolP384r1 => {
            "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565"
        }
        _ => unreachable!("new curve: add its order"),
    }
}

/// What a backend decided, in the terms that must not differ.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    verdict: String,
    code: ErrorCode,
    signature_valid: Option<bool>,
    findings: Vec<String>,
}

fn outcome(r: &Report<'_>) -> Outcome {
    Outcome {
        verdict: format!("{:?}", r.verdict),
        code: r.code(),
        signature_valid: r.signature_valid,
        findings: r.findings.iter().map(|f| format!("{:?}", f.code)).collect(),
    }
}

/// Checks `record` under every backend and asserts one outcome; returns it.
fn same_everywhere(label: &str, record: &str, key: &PublicKey) -> Outcome {
    let checker = Checker::new();
    let mut first: Option<Outcome> = None;
    for b in BACKENDS {
        let k = key.clone().with_backend(b);
        assert_eq!(k.backend(), b);
        let o = outcome(&checker.verify(record, KeyInput::Decoded(&k)));
        // A key's first use runs without per-key tables, later ones with them.
        for _ in 0..2 {
            assert_eq!(
                o,
                outcome(&checker.verify(record, KeyInput::Decoded(&k))),
                "{label}: {b:?} reuse"
            );
        }
        // The same with wide tables (what a batch builds for a busy key).
        let wide = key.clone().with_backend(b);
        wide.precompute();
        assert_eq!(
            o,
            outcome(&checker.verify(record, KeyInput::Decoded(&wide))),
            "{label}: {b:?} wide tables"
        );
        match &first {
            None => first = Some(o),
            Some(f) => assert_eq!(f, &o, "{label}: {b:?} differs from Reference"),
        }
    }
    first.unwrap()
}

fn load_corpus() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn corpus_verdicts_identical() {
    let (mut checked, mut valid, mut invalid) = (0, 0, 0);
    for v in load_corpus() {
        let Some(key_text) = v["public_key"].as_str() else {
            continue;
        };
        let Ok(key) = PublicKey::parse(key_text) else {
            continue;
        };
        let record = v["ocmf"].as_str().unwrap();
        let o = same_everywhere(v["id"].as_str().unwrap_or("?"), record, &key);
        checked += 1;
        match o.signature_valid {
            Some(true) => valid += 1,
            Some(false) => invalid += 1,
            None => {}
        }
    }
    // The corpus has both kinds; a backend that always says yes (or no) fails above.
    assert!(
        checked > 200 && valid > 100 && invalid > 5,
        "{checked} {valid} {invalid}"
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn record(payload: &str, alg: Algorithm, sig: &[u8]) -> String {
    format!(
        "OCMF|{payload}|{{\"SA\":\"{}\",\"SD\":\"{}\"}}",
        alg.sa(),
        hex(sig)
    )
}

fn payload(i: usize) -> String {
    format!(
        r#"{{"FV":"1.0","GI":"GEN","GS":"G{i}","PG":"T{i}","MS":"M1","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
    )
}

fn secret(curve: Curve, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ctr = 0u32;
    while out.len() < curve.field_bytes() {
        out.extend(Sha256::digest(format!("{seed}/{ctr}")));
        ctr += 1;
    }
    out.truncate(curve.field_bytes());
    out[0] &= 0x7f; // below every order here
    out
}

#[test]
fn generated_records_identical() {
    let mut tallies = Vec::new();
    for curve in Curve::ALL {
        let alg = Algorithm::ecdsa_sha256(curve);
        let n = unhex(order_hex(curve));
        let fb = curve.field_bytes();
        let other = sign(&payload(0), &secret(curve, 999), alg).unwrap();
        let other_key = PublicKey::parse(&other.public_key_sec1_hex).unwrap();
        let (mut ok, mut high, mut bad) = (0, 0, 0);
        for i in 0..24 {
            let p = payload(i);
            let signed = sign(&p, &secret(curve, i as u64), alg).unwrap();
            let key = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
            let sd = unhex(
                signed
                    .record
                    .rsplit("\"SD\":\"")
                    .next()
                    .unwrap()
                    .trim_end_matches("\"}"),
            );
            let (r, s) = split_der(&sd);
            let (r, s) = (pad(&r, fb), pad(&s, fb));

            // Valid, as signed (low or high S, whatever RFC 6979 gave).
            let o = same_everywhere("valid", &signed.record, &key);
            assert_eq!(o.signature_valid, Some(true), "{curve} valid #{i}");
            ok += 1;
            // The other S: n - s verifies too and flips the high-S finding.
            let s2 = sub_be(&n, &s);
            let flipped = record(&p, alg, &der(&r, &s2));
            let o2 = same_everywhere("n-s", &flipped, &key);
            assert_eq!(o2.signature_valid, Some(true), "{curve} n-s #{i}");
            assert_ne!(
                o.findings.iter().any(|f| f == "HighS"),
                o2.findings.iter().any(|f| f == "HighS"),
                "{curve} #{i}: exactly one of s, n-s is high"
            );
            high += 1;
            // Raw r||s form.
            let raw = record(&p, alg, &[r.clone(), s.clone()].concat());
            assert_eq!(
                same_everywhere("raw", &raw, &key).signature_valid,
                Some(true)
            );
            // Tampered signed bytes.
            let tampered =
                signed
                    .record
                    .replacen(&format!("\"RV\":{i}.000"), &format!("\"RV\":{i}.001"), 1);
            assert_ne!(tampered, signed.record);
            let o = same_everywhere("tampered", &tampered, &key);
            assert_eq!(o.signature_valid, Some(false), "{curve} tampered #{i}");
            // Wrong key.
            let o = same_everywhere("wrong key", &signed.record, &other_key);
            assert_eq!(o.signature_valid, Some(false), "{curve} wrong key #{i}");
            // r and s swapped, r or s changed by one.
            let mut r1 = r.clone();
            *r1.last_mut().unwrap() ^= 1;
            for (label, rr, ss) in [("swap", &s, &r), ("r^1", &r1, &s)] {
                let rec = record(&p, alg, &der(rr, ss));
                let o = same_everywhere(label, &rec, &key);
                assert_eq!(o.signature_valid, Some(false), "{curve} {label} #{i}");
                bad += 1;
            }
        }
        // Edge values of r and s: 0, 1, n-1, n, n+1, 2^bits-1.
        let p = payload(1);
        let signed = sign(&p, &secret(curve, 1), alg).unwrap();
        let key = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
        let one = pad(&[1], fb);
        let zero = vec![0u8; fb];
        let n_minus_1 = sub_be(&n, &one);
        let mut n_plus_1 = n.clone();
        *n_plus_1.last_mut().unwrap() += 1; // no order here ends in 0xFF
        let max = vec![0xFFu8; fb];
        let edges = [&zero, &one, &n_minus_1, &n, &n_plus_1, &max];
        for a in edges {
            for b in edges {
                let rec = record(&p, alg, &der(a, b));
                let o = same_everywhere("edge", &rec, &key);
                assert_ne!(o.signature_valid, Some(true), "{curve} edge");
                let raw = record(&p, alg, &[a.clone(), b.clone()].concat());
                same_everywhere("edge raw", &raw, &key);
                bad += 1;
            }
        }
        tallies.push((curve, ok, high, bad));
    }
    assert_eq!(tallies.len(), 7, "{tallies:?}");
}

/// Project Wycheproof: every case, every backend, the same answer (the
/// verdict rules themselves are tested in `wycheproof.rs`).
#[test]
fn wycheproof_identical() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let sets = [
        (TestName::EcdsaSecp192k1Sha256, Curve::Secp192k1),
        (TestName::EcdsaSecp192k1Sha256P1363, Curve::Secp192k1),
        (TestName::EcdsaSecp192r1Sha256, Curve::P192),
        (TestName::EcdsaSecp192r1Sha256P1363, Curve::P192),
        (TestName::EcdsaSecp256r1Sha256, Curve::P256),
        (TestName::EcdsaSecp256r1Sha256P1363, Curve::P256),
        (TestName::EcdsaSecp256k1Sha256, Curve::Secp256k1),
        (TestName::EcdsaSecp256k1Sha256P1363, Curve::Secp256k1),
        (TestName::EcdsaSecp384r1Sha256, Curve::P384),
        (TestName::EcdsaBrainpool256r1Sha256, Curve::BrainpoolP256r1),
        (
            TestName::EcdsaBrainpool256r1Sha256P1363,
            Curve::BrainpoolP256r1,
        ),
    ];
    let mut cases = 0;
    for (name, curve) in sets {
        let set = TestSet::load(name).unwrap();
        let alg = Algorithm::ecdsa_sha256(curve);
        for group in &set.test_groups {
            let Ok(key) = PublicKey::from_bytes(&group.key.key) else {
                continue;
            };
            for t in &group.tests {
                let digest: [u8; 32] = Sha256::digest(&t.msg).into();
                let mut first = None;
                for b in BACKENDS {
                    let k = key.clone().with_backend(b);
                    let got = verify_digest(alg, &k, &digest, &t.sig).map_err(|e| e.code);
                    let again = verify_digest(alg, &k, &digest, &t.sig).map_err(|e| e.code);
                    assert_eq!(got, again, "{name:?} tc {} {b:?} reuse", t.tc_id);
                    match &first {
                        None => first = Some(got),
                        Some(f) => assert_eq!(f, &got, "{name:?} tc {} {b:?}", t.tc_id),
                    }
                }
                cases += 1;
            }
        }
    }
    assert!(cases > 1000, "{cases}");
}
