//! One record, however its signature is written (issue 17, item 4). Every
//! accepted encoding of one signature (DER, raw `r‖s`, the other hex case,
//! base64 via `SE`, and the twin (r, n − s)) over the same signed bytes is one
//! record: a re-encoded copy inside a session is an informational duplicate,
//! not a second record with the same pagination, and an OCPP log that carries
//! the value twice counts it once. Built from a real two-record session
//! (`tests/data/sessions/bauer-two-records.json`, P-256).

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod common;
use base64ct::{Base64, Encoding};
use common::{der, pad, split_der, sub_be};
use ocmf_core::session::{SessionRecord, SessionReport, SessionVerdict};
use ocmf_core::transport::extract;
use ocmf_core::{Checker, FindingCode, KeyInput, PublicKey, Verdict};
use serde_json::Value;

/// The order of P-256's group.
const N_P256: &str = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

struct Fixture {
    records: Vec<String>,
    key: String,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sessions/bauer-two-records.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let records: Vec<String> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["record"].as_str().unwrap().to_owned())
        .collect();
    let key = doc["key"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| doc["records"][0]["key"].as_str().map(str::to_owned))
        .unwrap();
    Fixture { records, key }
}

/// The record's text up to and including the last `|`, and its signature
/// object.
fn split(record: &str) -> (&str, serde_json::Map<String, Value>) {
    let at = record.rfind('|').unwrap();
    let sig: Value = serde_json::from_str(&record[at + 1..]).unwrap();
    (&record[..=at], sig.as_object().unwrap().clone())
}

/// The same signed bytes with another signature object.
fn with_signature(record: &str, sig: &serde_json::Map<String, Value>) -> String {
    let (head, _) = split(record);
    format!("{head}{}", Value::Object(sig.clone()))
}

/// `(r, s)` of a DER signature, each as 32 big-endian bytes.
fn der_rs(der: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (r, s) = split_der(der);
    (pad(&r, 32), pad(&s, 32))
}

/// `n − s` on P-256.
fn n_minus(s: &[u8]) -> Vec<u8> {
    sub_be(&base16ct::mixed::decode_vec(N_P256).unwrap(), s)
}

/// The re-encodings of `record`'s signature, by name.
fn reencodings(record: &str) -> Vec<(&'static str, String)> {
    let (_, sig) = split(record);
    let sd = sig["SD"].as_str().unwrap().to_owned();
    let der_bytes = base16ct::mixed::decode_vec(&sd).unwrap();
    let (r, s) = der_rs(&der_bytes);
    let put = |sd: String, se: Option<&str>| {
        let mut sig = sig.clone();
        sig.insert("SD".into(), Value::String(sd));
        if let Some(se) = se {
            sig.insert("SE".into(), Value::String(se.into()));
        }
        with_signature(record, &sig)
    };
    let flipped: String = sd
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let raw = base16ct::upper::encode_string(&[r.as_slice(), s.as_slice()].concat());
    let b64 = Base64::encode_string(&der_bytes);
    let twin = base16ct::upper::encode_string(&der(&r, &n_minus(&s)));
    vec![
        ("other hex case", put(flipped, None)),
        ("raw r||s", put(raw, None)),
        ("base64 (SE)", put(b64, Some("base64"))),
        ("(r, n - s)", put(twin, None)),
    ]
}

fn session(records: &[String], key: &PublicKey) -> SessionReport<'static> {
    let leaked: &'static [String] = Box::leak(records.to_vec().into_boxed_slice());
    let recs: Vec<SessionRecord<'static>> = leaked
        .iter()
        .map(|r| SessionRecord::new(r.as_str()))
        .collect();
    Checker::new()
        .session(&recs, KeyInput::Decoded(key))
        .unwrap()
}

#[test]
fn every_reencoding_verifies_on_its_own() {
    let f = fixture();
    let key = PublicKey::parse(&f.key).unwrap();
    for (name, copy) in reencodings(&f.records[1]) {
        assert_ne!(copy, f.records[1], "{name}: the copy must differ in text");
        let report = Checker::new().verify(copy.as_str(), KeyInput::Decoded(&key));
        assert_eq!(
            report.signature_valid,
            Some(true),
            "{name}: {:?}",
            report.error
        );
    }
}

#[test]
fn a_reencoded_copy_in_a_session_is_a_duplicate_not_a_conflict() {
    let f = fixture();
    let key = PublicKey::parse(&f.key).unwrap();
    let base = session(&f.records, &key);
    assert_eq!(base.verdict, SessionVerdict::Valid);
    for (name, copy) in reencodings(&f.records[1]) {
        let mut recs = f.records.clone();
        recs.push(copy);
        let r = session(&recs, &key);
        assert_eq!(r.verdict, SessionVerdict::Valid, "{name}");
        assert!(r.has(FindingCode::SessionDuplicateRecord), "{name}");
        assert_eq!(r.records.len(), 3, "{name}");
        let dup = r.records.iter().find(|o| o.duplicate_of.is_some()).unwrap();
        assert_eq!(dup.duplicate_of, Some(1), "{name}");
        assert_eq!(dup.index, 2, "{name}");
        assert_eq!(r.energy, base.energy, "{name}");
    }
}

#[test]
fn a_different_signature_over_the_same_bytes_is_not_a_duplicate() {
    let f = fixture();
    let key = PublicKey::parse(&f.key).unwrap();
    let (_, sig) = split(&f.records[1]);
    let der_bytes = base16ct::mixed::decode_vec(sig["SD"].as_str().unwrap()).unwrap();
    let (r, mut s) = der_rs(&der_bytes);
    s[31] ^= 1;
    let mut other = sig.clone();
    other.insert(
        "SD".into(),
        Value::String(base16ct::upper::encode_string(&der(&r, &s))),
    );
    let mut recs = f.records.clone();
    recs.push(with_signature(&f.records[1], &other));
    let rep = session(&recs, &key);
    assert!(rep.records.iter().all(|o| o.duplicate_of.is_none()));
    assert_ne!(rep.verdict, SessionVerdict::Valid);
    let copy = rep.records.iter().find(|o| o.index == 2).unwrap();
    assert_eq!(copy.checked.verdict, Verdict::InvalidSignature);
}

#[test]
fn an_ocpp_log_counts_a_reencoded_value_once() {
    let f = fixture();
    let rec = &f.records[1];
    for (name, copy) in reencodings(rec) {
        let frame = |id: &str, value: &str| {
            serde_json::json!([2, id, "MeterValues", {"connectorId": 1, "meterValue": [
                {"timestamp": "2024-01-01T00:00:00Z", "sampledValue": [
                    {"value": value, "format": "SignedData"}]}]}])
        };
        let log = format!("CP1 -> {}\nCP1 -> {}\n", frame("1", rec), frame("2", &copy));
        let x = extract(&log);
        assert!(x.errors.is_empty(), "{name}: {:?}", x.errors);
        assert_eq!((x.values.len(), x.duplicates), (1, 1), "{name}");
        assert_eq!(x.values[0].record, *rec, "{name}: the first copy is kept");
    }
}
