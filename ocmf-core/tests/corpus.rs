//! Every record of the shared corpus gets its expected verdict (see
//! `vectors/README.md` for how `expected` and `checked` combine), and the
//! `reference` profile predicts the reference software's green tick exactly.
//! Every disagreement is reported, not just the first.

use std::collections::BTreeMap;

use ocmf_core::{Checker, KeyInput, Profile, PublicKey, Verdict};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/").to_owned() + name;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const NOT_IN_SPEC: &[&str] = &[
    "EdDSA-Ed25519",
    "EdDSA-Ed448",
    "ML-DSA-44",
    "ML-DSA-65",
    "ML-DSA-87",
];

/// The verdict the corpus expects, or `None` for parse-only records.
fn expected(v: &Value) -> Option<Verdict> {
    let s = |k: &str| v[k].as_str().unwrap_or("");
    if s("id") == "tps-dzg-2key-002" || NOT_IN_SPEC.contains(&s("sa")) {
        return Some(Verdict::Unsupported);
    }
    match s("expected") {
        "valid" => Some(Verdict::Valid),
        "invalid-signature" => Some(Verdict::InvalidSignature),
        "parse-error" => Some(Verdict::Malformed),
        _ => match s("checked") {
            "valid" => Some(Verdict::Valid),
            "invalid" => Some(Verdict::InvalidSignature),
            c if c.starts_with("error: no public key") => None,
            c => panic!("{}: unexpected checked {c}", s("id")),
        },
    }
}

fn curve_of(v: &Value) -> String {
    v["curve"]
        .as_str()
        .or(v["sa"].as_str())
        .unwrap_or("secp256r1(default)")
        .to_owned()
}

#[test]
fn every_vector_gets_its_expected_verdict() {
    let vectors = load("real.jsonl");
    assert_eq!(vectors.len(), 253, "corpus size changed");
    let mut failures = Vec::new();
    let mut per_curve: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    let mut parse_only = 0;
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let record = v["ocmf"].as_str().unwrap();
        let Some(want) = expected(v) else {
            parse_only += 1;
            let r = Checker::new().verify(record, KeyInput::None);
            if r.record.is_none() {
                failures.push(format!(
                    "{id}: parse-only record did not parse: {:?}",
                    r.error
                ));
            }
            continue;
        };
        let report = Checker::new().verify(record, KeyInput::text(v["public_key"].as_str()));
        let entry = per_curve.entry(curve_of(v)).or_default();
        entry.1 += 1;
        if report.verdict == want {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{id}: got {} ({:?}), expected {want}",
                report.verdict, report.error
            ));
        }
    }
    for (curve, (ok, n)) in &per_curve {
        println!("corpus {curve}: {ok}/{n}");
    }
    println!("corpus parse-only: {parse_only}");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn reference_profile_predicts_the_green_tick() {
    let vectors = load("real.jsonl");
    let safe: BTreeMap<String, Value> = load("safe-reference.jsonl")
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v))
        .collect();
    let checker = Checker::new().profile(Profile::Reference);
    let mut failures = Vec::new();
    let mut agree = 0;
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let s = &safe[id];
        let green = s["safe_gui_green"].as_bool().unwrap();
        let key = v["public_key"]
            .as_str()
            .and_then(|k| PublicKey::parse(k).ok());
        let report = checker.verify(
            v["ocmf"].as_str().unwrap(),
            key.as_ref().map_or(KeyInput::None, KeyInput::Decoded),
        );
        // The tool needs a key pasted in; a record-embedded key does not count.
        let ours = report.is_valid() && key.is_some();
        if ours == green {
            agree += 1;
        } else {
            let codes: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.severity == ocmf_core::Severity::Error)
                .map(|f| f.code.name())
                .collect();
            failures.push(format!(
                "{id}: reference tool green={green} ({}: {}), ours={} {:?} {:?}",
                s["safe_outcome"],
                s["safe_forced_ocmf_diag"],
                report.verdict,
                report.error.map(|e| e.code),
                codes
            ));
        }
    }
    println!("reference profile agrees on {agree}/{}", vectors.len());
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
