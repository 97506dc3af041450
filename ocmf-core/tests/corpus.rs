//! Every record of the shared corpus gets its expected verdict and code
//! (`vectors/expected.jsonl`, see `vectors/README.md`), and the
//! `reference` profile predicts the reference software's green tick exactly.
//! Every disagreement is reported, not just the first.

use std::collections::BTreeMap;

use ocmf_core::{Checker, ErrorCode, KeyInput, Profile, PublicKey, Verdict};
use serde_json::Value;

fn load(name: &str) -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/").to_owned() + name;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The one expected answer per record (`vectors/expected.jsonl`, written by
/// `scripts/expected-verdicts`): `(verdict, code name)`, `None` for
/// parse-only records; the code is `None` where any code of the verdict will do.
fn expected_answers() -> BTreeMap<String, (Option<Verdict>, Option<ErrorCode>)> {
    load("expected.jsonl")
        .into_iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap().to_owned();
            let verdict = e["expected_verdict"]
                .as_str()
                .map(|v| Verdict::from_name(v).unwrap_or_else(|| panic!("{id}: verdict {v}")));
            let code = e["expected_code"]
                .as_str()
                .map(|c| ErrorCode::from_name(c).unwrap_or_else(|| panic!("{id}: code {c}")));
            (id, (verdict, code))
        })
        .collect()
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
    let answers = expected_answers();
    assert_eq!(answers.len(), vectors.len(), "expected.jsonl is stale");
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let record = v["ocmf"].as_str().unwrap();
        let (want, want_code) = answers[id];
        let Some(want) = want else {
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
        if report.verdict == want && want_code.is_none_or(|c| c == report.code()) {
            entry.0 += 1;
        } else {
            failures.push(format!(
                "{id}: got {} ({:?}), expected {want} ({want_code:?})",
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
