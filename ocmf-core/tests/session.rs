//! Session evaluation: real begin/end pairs from the vector corpus
//! (`tests/data/sessions/*.json`, expectations written by hand from the
//! records) and generated sessions, signed here, for every failure.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use ocmf_core::registry::{KeyEntry, Registry, Trust};
use ocmf_core::session::{EnergyUnit, SessionRecord, SessionReport, SessionVerdict};
use ocmf_core::{
    Algorithm, Checker, Curve, ErrorCode, FindingCode, KeyInput, Lang, Profile, PublicKey,
    Severity, TimeStatus, sign,
};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Fixtures from real records.

fn fixture_names() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sessions");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/data/sessions must exist")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn real_sessions_match_their_hand_written_expectations() {
    let names = fixture_names();
    assert!(names.len() >= 6, "fixtures missing: {names:?}");
    for path in names {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let records: Vec<SessionRecord<'_>> = doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| SessionRecord {
                record: r["record"].as_str().unwrap(),
                key: r["key"].as_str(),
                label: r["label"].as_str(),
            })
            .collect();
        let key = doc["key"].as_str().map(|k| PublicKey::parse(k).unwrap());
        let key = key.as_ref().map_or(KeyInput::None, KeyInput::Decoded);
        let report = Checker::new().session(&records, key).unwrap();
        let exp = &doc["expected"];
        assert_eq!(report.verdict.as_str(), exp["verdict"], "{path}");
        let mut got: Vec<&str> = report
            .findings
            .iter()
            .map(|f| f.finding.code.name())
            .collect();
        let mut want: Vec<&str> = exp["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{path}");
        if let Some(e) = exp.get("energy") {
            let energy = report
                .energy
                .as_ref()
                .unwrap_or_else(|| panic!("{path}: no energy"));
            assert_eq!(energy.unit.as_str(), e["unit"], "{path}");
            assert_eq!(energy.value.to_string(), e["value"], "{path}");
            assert_eq!(energy.kwh.to_string(), e["kwh"], "{path}");
            assert_eq!(energy.wh.to_string(), e["wh"], "{path}");
        }
        if let Some(d) = exp.get("duration_seconds") {
            assert_eq!(
                report.duration_seconds().map(|d| d.to_string()).as_deref(),
                d.as_str(),
                "{path}"
            );
        }
        assert_eq!(
            report
                .time_status
                .map(|t| t.letter().to_string())
                .as_deref(),
            exp["time_status"].as_str(),
            "{path}"
        );
        assert_eq!(
            report.meter_serial.as_deref(),
            exp["meter_serial"].as_str(),
            "{path}"
        );
        assert_eq!(
            report.trust.as_ref().map(Trust::as_str),
            exp["trust"].as_str(),
            "{path}"
        );
        let order: Vec<&str> = report.records.iter().map(|r| r.label.unwrap()).collect();
        let want_order: Vec<&str> = exp["order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(order, want_order, "{path}");
        // Each record keeps its own report, and the JSON has the same verdict.
        let json: Value = serde_json::from_str(&report.to_json_string(Lang::De)).unwrap();
        assert_eq!(json["verdict"], exp["verdict"], "{path}");
        assert_eq!(json["records"].as_array().unwrap().len(), records.len());
    }
}

// ---------------------------------------------------------------------------
// Generated sessions.

const SECRET_A: [u8; 32] = [0x11; 32];
const SECRET_B: [u8; 32] = [0x22; 32];
const ALG: Algorithm = Algorithm::ecdsa_sha256(Curve::P256);

/// A reading object; `extra` is appended inside the object (e.g. `"CL":0.5`).
fn rd(tm: &str, tx: &str, rv: &str, st: &str, ef: &str, extra: &str) -> String {
    let mut s = format!(
        r#"{{"TM":"2024-05-01T{tm},000+0200 S","TX":"{tx}","RV":{rv},"RI":"1-0:1.8.0","RU":"kWh","RT":"AC","EF":"{ef}","ST":"{st}""#
    );
    if !extra.is_empty() {
        s.push(',');
        s.push_str(extra);
    }
    s.push('}');
    s
}

fn ok(tm: &str, tx: &str, rv: &str) -> String {
    rd(tm, tx, rv, "G", "", "")
}

/// A payload with pagination `pg`, meter `ms`, top-level `extra` members
/// (replacing the identification defaults when they name `IL`) and readings.
fn payload(pg: &str, ms: &str, extra: &str, readings: &[String]) -> String {
    let ident = if extra.contains("\"IL\"") {
        String::new()
    } else {
        String::from(r#""IL":"VERIFIED","#)
    };
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{extra},")
    };
    format!(
        r#"{{"FV":"1.0","GI":"SIM","GS":"GW-1","PG":"{pg}","MV":"Sim","MS":"{ms}","IS":true,{ident}"IT":"ISO14443","ID":"AABBCCDD",{extra}"RD":[{}]}}"#,
        readings.join(",")
    )
}

fn signed(p: &str, secret: &[u8]) -> String {
    sign(p, secret, ALG).unwrap().record
}

fn key_of(secret: &[u8]) -> PublicKey {
    let s = sign("{}", secret, ALG).unwrap();
    PublicKey::parse(&s.public_key_sec1_hex).unwrap()
}

fn eval(records: &[String], key: Option<&PublicKey>, profile: Profile) -> SessionReport<'static> {
    let leaked: &'static [String] = Box::leak(records.to_vec().into_boxed_slice());
    let recs: Vec<SessionRecord<'static>> = leaked
        .iter()
        .map(|r| SessionRecord::new(r.as_str()))
        .collect();
    Checker::new()
        .profile(profile)
        .session(&recs, key.map_or(KeyInput::None, KeyInput::Decoded))
        .unwrap()
}

fn two(b: &str, e: &str) -> Vec<String> {
    vec![
        signed(&payload("T10", "MTR-1", "", &[b.to_owned()]), &SECRET_A),
        signed(&payload("T11", "MTR-1", "", &[e.to_owned()]), &SECRET_A),
    ]
}

fn names(r: &SessionReport<'_>) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.finding.code.name()).collect()
}

#[test]
fn a_clean_two_record_session_is_valid_with_exact_energy() {
    let key = key_of(&SECRET_A);
    let recs = two(
        &ok("10:00:00", "B", "100.000"),
        &ok("11:30:00", "E", "112.345"),
    );
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(&r));
    assert!(r.findings.is_empty(), "{:?}", names(&r));
    assert_eq!(r.code(), ErrorCode::Ok);
    let e = r.energy.as_ref().unwrap();
    assert_eq!(e.unit, EnergyUnit::Kwh);
    assert_eq!(e.value.to_string(), "12.345");
    assert_eq!(e.kwh.to_string(), "12.345");
    assert_eq!(e.wh.to_string(), "12345");
    assert_eq!(e.begin.to_string(), "100.000");
    assert_eq!(e.end.to_string(), "112.345");
    assert_eq!(e.register.as_deref(), Some("1-0:1.8.0"));
    assert_eq!(r.duration_ms, Some(90 * 60 * 1000));
    assert_eq!(r.duration_seconds().unwrap().to_string(), "5400.000");
    assert_eq!(
        r.start.as_ref().unwrap().text,
        "2024-05-01T10:00:00,000+0200 S"
    );
    assert_eq!(r.end.as_ref().unwrap().record, 1);
    assert_eq!(r.time_status, Some(TimeStatus::Synchronised));
    assert_eq!(r.meter_serial.as_deref(), Some("MTR-1"));
    assert_eq!(r.gateway_serial.as_deref(), Some("GW-1"));
    assert_eq!(r.identification_level.as_deref(), Some("VERIFIED"));
    assert_eq!(r.registers.len(), 1);
    assert_eq!(r.trust, Some(Trust::Untrusted));
    for o in &r.records {
        assert!(o.checked.is_valid());
    }
}

#[test]
fn input_order_does_not_matter() {
    let key = key_of(&SECRET_A);
    let mut recs = vec![
        signed(
            &payload("T10", "MTR-1", "", &[ok("10:00:00", "B", "5.0")]),
            &SECRET_A,
        ),
        signed(
            &payload("T11", "MTR-1", "", &[ok("10:30:00", "C", "6.0")]),
            &SECRET_A,
        ),
        signed(
            &payload("T12", "MTR-1", "", &[ok("11:00:00", "E", "7.5")]),
            &SECRET_A,
        ),
    ];
    let a = eval(&recs, Some(&key), Profile::Interop);
    recs.reverse();
    let b = eval(&recs, Some(&key), Profile::Interop);
    recs.swap(0, 1);
    let c = eval(&recs, Some(&key), Profile::Interop);
    for r in [&a, &b, &c] {
        assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(r));
        assert_eq!(r.energy.as_ref().unwrap().value.to_string(), "2.5");
        let pgs: Vec<u64> = r
            .records
            .iter()
            .map(|o| o.pagination.unwrap().number())
            .collect();
        assert_eq!(pgs, [10, 11, 12]);
    }
    assert_eq!(b.records[0].index, 2);
}

#[test]
fn one_record_with_begin_and_end_is_a_session() {
    let key = key_of(&SECRET_A);
    let rec = signed(
        &payload(
            "T7",
            "MTR-1",
            "",
            &[ok("10:00:00", "B", "1500"), ok("10:20:00", "E", "2750")]
                .map(|s| s.replace("kWh", "Wh")),
        ),
        &SECRET_A,
    );
    let r = eval(&[rec], Some(&key), Profile::Interop);
    assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(&r));
    let e = r.energy.unwrap();
    assert_eq!(e.unit, EnergyUnit::Wh);
    assert_eq!(e.wh.to_string(), "1250");
    assert_eq!(e.kwh.to_string(), "1.250");
}

/// Each case: records, the finding that must appear, the verdict.
#[test]
fn every_failure_is_found() {
    let key = key_of(&SECRET_A);
    let b = ok("10:00:00", "B", "100.000");
    let e = ok("11:00:00", "E", "110.000");
    let p = |pg: &str, r: &str| signed(&payload(pg, "MTR-1", "", &[r.to_owned()]), &SECRET_A);
    let cases: Vec<(&str, Vec<String>, FindingCode, SessionVerdict)> = vec![
        (
            "gap in pagination",
            vec![p("T10", &b), p("T12", &e)],
            FindingCode::SessionPaginationGap,
            SessionVerdict::Invalid,
        ),
        (
            "T/F mix",
            vec![p("T10", &b), p("F11", &e)],
            FindingCode::SessionPaginationMixed,
            SessionVerdict::Invalid,
        ),
        (
            "same counter twice",
            vec![p("T10", &b), p("T10", &e)],
            FindingCode::SessionPaginationDuplicate,
            SessionVerdict::Invalid,
        ),
        (
            "unreadable pagination",
            vec![p("T10", &b), p("X-11", &e)],
            FindingCode::SessionPaginationUnreadable,
            SessionVerdict::Invalid,
        ),
        (
            "different meters",
            vec![
                p("T10", &b),
                signed(
                    &payload("T11", "MTR-2", "", std::slice::from_ref(&e)),
                    &SECRET_A,
                ),
            ],
            FindingCode::SessionMeterChanged,
            SessionVerdict::Invalid,
        ),
        (
            "non-monotonic values",
            two(&b, &ok("11:00:00", "E", "99.999")),
            FindingCode::SessionValueDecreasing,
            SessionVerdict::Invalid,
        ),
        (
            "end dated before begin",
            two(&b, &ok("09:59:59", "E", "110.000")),
            FindingCode::SessionTimeOrder,
            SessionVerdict::Invalid,
        ),
        (
            "end reading before begin reading",
            vec![p("T10", &e), p("T11", &ok("11:30:00", "B", "111.000"))],
            FindingCode::SessionEndBeforeBegin,
            SessionVerdict::Invalid,
        ),
        (
            "meter state not G",
            two(&b, &rd("11:00:00", "E", "110.000", "E", "", "")),
            FindingCode::SessionMeterError,
            SessionVerdict::Invalid,
        ),
        (
            "error flag E",
            two(&b, &rd("11:00:00", "E", "110.000", "G", "E", "")),
            FindingCode::SessionEnergyFlagged,
            SessionVerdict::Invalid,
        ),
        (
            "error flag t",
            two(&rd("10:00:00", "B", "100.000", "G", "t", ""), &e),
            FindingCode::SessionTimeFlagged,
            SessionVerdict::Invalid,
        ),
        (
            "exception reading",
            vec![
                p("T10", &b),
                p("T11", &ok("10:30:00", "X", "105.0")),
                p("T12", &e),
            ],
            FindingCode::SessionException,
            SessionVerdict::Invalid,
        ),
        (
            "two begins",
            vec![
                p("T10", &b),
                p("T11", &ok("10:10:00", "B", "101.0")),
                p("T12", &e),
            ],
            FindingCode::SessionMultipleBegin,
            SessionVerdict::Invalid,
        ),
        (
            "two ends",
            vec![
                p("T10", &b),
                p("T11", &ok("10:50:00", "E", "109.0")),
                p("T12", &e),
            ],
            FindingCode::SessionMultipleEnd,
            SessionVerdict::Invalid,
        ),
        (
            "record before the begin",
            vec![
                p("T9", &ok("09:00:00", "C", "90.0")),
                p("T10", &b),
                p("T11", &e),
            ],
            FindingCode::SessionRecordOutside,
            SessionVerdict::Invalid,
        ),
        (
            "missing end",
            vec![p("T10", &b)],
            FindingCode::SessionMissingEnd,
            SessionVerdict::Incomplete,
        ),
        (
            "missing begin",
            vec![p("T11", &e)],
            FindingCode::SessionMissingBegin,
            SessionVerdict::Incomplete,
        ),
        (
            "no billing register",
            two(
                &b.replace("1-0:1.8.0", "1-0:0.8.6"),
                &e.replace("1-0:1.8.0", "1-0:0.8.6"),
            ),
            FindingCode::SessionNoEnergyRegister,
            SessionVerdict::Incomplete,
        ),
        (
            "identification failed",
            vec![
                signed(
                    &payload(
                        "T10",
                        "MTR-1",
                        r#""IL":"UNKNOWN""#,
                        std::slice::from_ref(&b),
                    ),
                    &SECRET_A,
                ),
                signed(
                    &payload(
                        "T11",
                        "MTR-1",
                        r#""IL":"UNKNOWN""#,
                        std::slice::from_ref(&e),
                    ),
                    &SECRET_A,
                ),
            ],
            FindingCode::SessionIdentificationFailed,
            SessionVerdict::Invalid,
        ),
        (
            "cable loss not zero at begin",
            two(&rd("10:00:00", "B", "100.000", "G", "", r#""CL":0.2"#), &e),
            FindingCode::SessionCableLossInvalid,
            SessionVerdict::Valid, // a warning under interop
        ),
        (
            "cable loss going down",
            vec![
                p("T10", &rd("10:00:00", "B", "100.000", "G", "", r#""CL":0"#)),
                p(
                    "T11",
                    &rd("10:30:00", "C", "105.000", "G", "", r#""CL":0.4"#),
                ),
                p(
                    "T12",
                    &rd("11:00:00", "E", "110.000", "G", "", r#""CL":0.3"#),
                ),
            ],
            FindingCode::SessionCableLossInvalid,
            SessionVerdict::Valid,
        ),
        (
            "aborted by error",
            two(&b, &ok("11:00:00", "A", "110.000")),
            FindingCode::SessionEndedAbnormally,
            SessionVerdict::Valid,
        ),
    ];
    for (what, recs, code, verdict) in cases {
        let r = eval(&recs, Some(&key), Profile::Interop);
        assert!(r.has(code), "{what}: {code} missing in {:?}", names(&r));
        assert_eq!(r.verdict, verdict, "{what}: {:?}", names(&r));
        let f = r.findings.iter().find(|f| f.finding.code == code).unwrap();
        assert!(!f.message(Lang::En).is_empty() && !f.message(Lang::De).is_empty());
    }
}

#[test]
fn keys_must_agree_and_verify() {
    let (ka, kb) = (key_of(&SECRET_A), key_of(&SECRET_B));
    let b = payload("T10", "MTR-1", "", &[ok("10:00:00", "B", "1.0")]);
    let e = payload("T11", "MTR-1", "", &[ok("11:00:00", "E", "2.0")]);
    let (ra, rb) = (signed(&b, &SECRET_A), signed(&e, &SECRET_B));
    // Each record carries its own key (as in OCPP): both verify, but the keys differ.
    let (ha, hb) = (ka.sec1_hex(), kb.sec1_hex());
    let recs = [
        SessionRecord {
            record: &ra,
            key: Some(&ha),
            label: None,
        },
        SessionRecord {
            record: &rb,
            key: Some(&hb),
            label: None,
        },
    ];
    let r = Checker::new().session(&recs, KeyInput::None).unwrap();
    assert!(r.records.iter().all(|o| o.checked.is_valid()));
    assert!(r.has(FindingCode::SessionKeyChanged), "{:?}", names(&r));
    assert_eq!(r.verdict, SessionVerdict::Invalid);
    // One explicit key for both: the second signature does not verify.
    let r = eval(&[ra.clone(), rb.clone()], Some(&ka), Profile::Interop);
    assert!(r.has(FindingCode::SessionSignatureInvalid));
    assert_eq!(r.verdict, SessionVerdict::Invalid);
    assert_eq!(r.code(), ErrorCode::InvalidSignature);
    // A tampered record.
    let tampered = signed(&e, &SECRET_A).replace("\"RV\":2.0", "\"RV\":3.0");
    let r = eval(&[ra.clone(), tampered], Some(&ka), Profile::Interop);
    assert!(r.has(FindingCode::SessionSignatureInvalid));
    // No key at all: nothing contradicts, but nothing is confirmed either.
    let r = eval(&[ra.clone(), signed(&e, &SECRET_A)], None, Profile::Interop);
    assert!(r.has(FindingCode::SessionSignatureUnchecked));
    assert_eq!(r.verdict, SessionVerdict::Incomplete);
    assert_eq!(r.code(), ErrorCode::KeyMissing);
    assert_eq!(r.trust, Some(Trust::Unknown));
}

#[test]
fn unreadable_and_empty_input_is_malformed() {
    let r = Checker::new().session(&[], KeyInput::None).unwrap();
    assert_eq!(r.verdict, SessionVerdict::Malformed);
    assert_eq!(r.code(), ErrorCode::SessionEmpty);
    assert_eq!(r.code().code(), 800);
    assert!(r.has(FindingCode::SessionEmpty));
    let key = key_of(&SECRET_A);
    let good = signed(
        &payload("T10", "MTR-1", "", &[ok("10:00:00", "B", "1.0")]),
        &SECRET_A,
    );
    let r = eval(
        &[good, String::from(r#"OCMF|{"FV":"1.0",}|{"SD":"00"}"#)],
        Some(&key),
        Profile::Interop,
    );
    assert!(r.has(FindingCode::SessionRecordUnreadable));
    assert_eq!(r.verdict, SessionVerdict::Malformed);
    assert_eq!(r.code(), ErrorCode::PayloadJson);
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::SessionRecordUnreadable)
        .unwrap();
    assert_eq!(f.record, Some(1));
}

#[test]
fn the_same_record_twice_counts_once() {
    let key = key_of(&SECRET_A);
    let mut recs = two(&ok("10:00:00", "B", "1.0"), &ok("11:00:00", "E", "2.0"));
    recs.push(recs[1].clone());
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(&r));
    let dup = r
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::SessionDuplicateRecord)
        .unwrap();
    assert_eq!(dup.record, Some(2));
    assert_eq!(dup.finding.severity, Severity::Info);
    assert_eq!(
        r.records
            .iter()
            .filter(|o| o.duplicate_of == Some(1))
            .count(),
        1
    );
}

#[test]
fn the_weakest_time_status_wins() {
    let key = key_of(&SECRET_A);
    let with = |b: &str, e: &str| {
        two(
            &ok("10:00:00", "B", "1.0").replace("+0200 S", &format!("+0200 {b}")),
            &ok("11:00:00", "E", "2.0").replace("+0200 S", &format!("+0200 {e}")),
        )
    };
    let r = eval(&with("S", "I"), Some(&key), Profile::Interop);
    assert_eq!(r.time_status, Some(TimeStatus::Informative));
    assert!(r.has(FindingCode::SessionTimeInformative));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    let r = eval(&with("U", "R"), Some(&key), Profile::Interop);
    assert_eq!(r.time_status, Some(TimeStatus::Unknown));
    assert!(r.has(FindingCode::SessionTimeUnknown));
    assert!(!r.has(FindingCode::SessionTimeInformative));
    let r = eval(&with("R", "R"), Some(&key), Profile::Interop);
    assert_eq!(r.time_status, Some(TimeStatus::Relative));
    assert!(r.findings.is_empty(), "{:?}", names(&r));
    // A relative begin needs a relative end: a warning under interop, an
    // error under strict and reference.
    let recs = with("R", "S");
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert!(r.has(FindingCode::SessionTimeRelativeMismatch));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    for p in [Profile::Strict, Profile::Reference] {
        let r = eval(&recs, Some(&key), p);
        assert_eq!(r.verdict, SessionVerdict::Invalid, "{p:?}: {:?}", names(&r));
    }
}

#[test]
fn identification_levels() {
    let key = key_of(&SECRET_A);
    let with_il = |il: &str| {
        vec![
            signed(
                &payload(
                    "T10",
                    "MTR-1",
                    &format!(r#""IL":"{il}""#),
                    &[ok("10:00:00", "B", "1.0")],
                ),
                &SECRET_A,
            ),
            signed(
                &payload(
                    "T11",
                    "MTR-1",
                    &format!(r#""IL":"{il}""#),
                    &[ok("11:00:00", "E", "2.0")],
                ),
                &SECRET_A,
            ),
        ]
    };
    for (il, code, verdict) in [
        (
            "NONE",
            Some(FindingCode::SessionNotIdentified),
            SessionVerdict::Valid,
        ),
        (
            "HEARSAY",
            Some(FindingCode::SessionIdentificationUnsecured),
            SessionVerdict::Valid,
        ),
        ("SECURE", None, SessionVerdict::Valid),
        (
            "MISMATCH",
            Some(FindingCode::SessionIdentificationFailed),
            SessionVerdict::Invalid,
        ),
        (
            "INVALID",
            Some(FindingCode::SessionIdentificationFailed),
            SessionVerdict::Invalid,
        ),
        (
            "OUTDATED",
            Some(FindingCode::SessionIdentificationFailed),
            SessionVerdict::Invalid,
        ),
    ] {
        let r = eval(&with_il(il), Some(&key), Profile::Interop);
        assert_eq!(r.verdict, verdict, "{il}: {:?}", names(&r));
        match code {
            Some(c) => assert!(r.has(c), "{il}: {:?}", names(&r)),
            None => assert!(r.findings.is_empty(), "{il}: {:?}", names(&r)),
        }
        assert_eq!(r.identification_level.as_deref(), Some(il));
    }
    // A different user in the end record.
    let recs = vec![
        signed(
            &payload("T10", "MTR-1", "", &[ok("10:00:00", "B", "1.0")]),
            &SECRET_A,
        ),
        signed(
            &payload("T11", "MTR-1", "", &[ok("11:00:00", "E", "2.0")])
                .replace("AABBCCDD", "11223344"),
            &SECRET_A,
        ),
    ];
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert!(r.has(FindingCode::SessionIdentificationChanged));
}

#[test]
fn cable_loss_is_reported_and_checked() {
    let key = key_of(&SECRET_A);
    let lc = r#""LC":{"LN":"cable","LI":1,"LR":2,"LU":"mOhm"}"#;
    let b = rd("10:00:00", "B", "100.000", "G", "", "");
    let e = rd("11:00:00", "E", "110.000", "G", "", r#""CL":0.5"#);
    let recs = vec![
        signed(
            &payload("T10", "MTR-1", lc, std::slice::from_ref(&b)),
            &SECRET_A,
        ),
        signed(
            &payload("T11", "MTR-1", lc, std::slice::from_ref(&e)),
            &SECRET_A,
        ),
    ];
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(&r));
    assert!(r.has(FindingCode::SessionCableLoss));
    let en = r.energy.unwrap();
    assert_eq!(en.cable_loss.unwrap().to_string(), "0.5");
    assert_eq!(en.value.to_string(), "10.000");
    // CL without LC.
    let r = eval(&two(&b, &e), Some(&key), Profile::Interop);
    assert!(r.has(FindingCode::SessionCableLossWithoutParameters));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    assert_eq!(
        eval(&two(&b, &e), Some(&key), Profile::Strict).verdict,
        SessionVerdict::Invalid
    );
    // LC changed between records.
    let recs = vec![
        signed(
            &payload("T10", "MTR-1", lc, std::slice::from_ref(&b)),
            &SECRET_A,
        ),
        signed(
            &payload(
                "T11",
                "MTR-1",
                &lc.replace("\"LR\":2", "\"LR\":3"),
                std::slice::from_ref(&e),
            ),
            &SECRET_A,
        ),
    ];
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert!(r.has(FindingCode::SessionCableLossChanged));
    assert_eq!(r.verdict, SessionVerdict::Invalid);
}

#[test]
fn the_spec_example_bills_the_compensated_register() {
    // The readings of the specification's 1.4 example (three begin/end
    // pairs): with compensated registers (B1, B3) present, only those count.
    let key = key_of(&SECRET_A);
    let r = |tm: &str, tx: &str, rv: &str, ri: &str, extra: &str| {
        let mut s = format!(
            r#"{{"TM":"2018-07-24T{tm},000+0200 S","TX":"{tx}","RV":{rv},"RI":"{ri}","RU":"kWh","RT":"DC","EF":"","ST":"G""#
        );
        if !extra.is_empty() {
            s.push(',');
            s.push_str(extra);
        }
        s + "}"
    };
    let readings = [
        r("13:22:04", "B", "2935.600", "01-0B:01.08.00*FF", ""),
        r(
            "13:26:04",
            "E",
            "2965.100",
            "01-0B:01.08.00*FF",
            r#""CL":0.5"#,
        ),
        r("13:22:04", "B", "2905.600", "01-0B:B1.08.00*FF", ""),
        r("13:26:04", "E", "2934.600", "01-0B:B1.08.00*FF", ""),
        r("13:22:04", "B", "0.000", "01-0B:B3.08.00*FF", ""),
        r("13:26:04", "E", "29.000", "01-0B:B3.08.00*FF", ""),
    ];
    let rec = signed(
        &payload(
            "T12345",
            "BQ27400330016",
            r#""LC":{"LN":"cable_name","LI":1,"LR":2,"LU":"mOhm"}"#,
            &readings,
        ),
        &SECRET_A,
    );
    let rep = eval(&[rec], Some(&key), Profile::Interop);
    assert_eq!(rep.verdict, SessionVerdict::Valid, "{:?}", names(&rep));
    let regs: Vec<&str> = rep
        .registers
        .iter()
        .map(|r| r.register.as_deref().unwrap())
        .collect();
    assert_eq!(regs, ["01-0B:B1.08.00*FF", "01-0B:B3.08.00*FF"]);
    assert!(rep.registers.iter().all(|r| r.compensated));
    let e = rep.energy.clone().unwrap();
    assert_eq!(e.register.as_deref(), Some("01-0B:B1.08.00*FF"));
    assert_eq!(e.value.to_string(), "29.000");
    assert_eq!(rep.registers[1].energy_wh.unwrap().to_string(), "29000");
    assert_eq!(rep.duration_ms, Some(240_000));
    assert!(rep.has(FindingCode::SessionCableLoss));
}

#[test]
fn fiscal_records_are_no_transaction() {
    let key = key_of(&SECRET_A);
    let p = |pg: &str, r: String| signed(&payload(pg, "MTR-1", "", &[r]), &SECRET_A);
    let recs = vec![
        p("F3", ok("10:00:00", "B", "1.0")),
        p("F4", ok("11:00:00", "E", "2.0")),
    ];
    let r = eval(&recs, Some(&key), Profile::Interop);
    assert!(r.has(FindingCode::SessionNotTransaction));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    assert_eq!(
        eval(&recs, Some(&key), Profile::Strict).verdict,
        SessionVerdict::Invalid
    );
}

#[test]
fn registry_trust_flows_into_the_session() {
    let (ka, kb) = (key_of(&SECRET_A), key_of(&SECRET_B));
    let recs = two(&ok("10:00:00", "B", "1.0"), &ok("11:00:00", "E", "2.0"));
    let sr: Vec<SessionRecord<'_>> = recs.iter().map(|r| SessionRecord::new(r)).collect();
    // Registered: trusted, no warning.
    let mut reg = Registry::new();
    let mut entry = KeyEntry::new("MTR-1", ka.clone());
    entry.source = String::from("station label");
    reg.add(entry);
    let checker = Checker::new().registry(Some(&reg));
    let r = checker.session(&sr, KeyInput::None).unwrap();
    assert_eq!(r.verdict, SessionVerdict::Valid, "{:?}", names(&r));
    assert!(r.findings.is_empty(), "{:?}", names(&r));
    assert_eq!(
        r.trust,
        Some(Trust::Trusted {
            source: String::from("station label"),
            key_index: 0
        })
    );
    // The message carries another key: mismatch, verified with the registered key.
    let hb = kb.sec1_hex();
    let carried: Vec<SessionRecord<'_>> = recs
        .iter()
        .map(|r| SessionRecord {
            record: r,
            key: Some(&hb),
            label: None,
        })
        .collect();
    let r = checker.session(&carried, KeyInput::None).unwrap();
    assert!(r.has(FindingCode::SessionKeyMismatch));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    assert_eq!(r.trust, Some(Trust::Mismatch { registered: 0 }));
    assert_eq!(
        checker
            .profile(Profile::Strict)
            .session(&carried, KeyInput::None)
            .unwrap()
            .verdict,
        SessionVerdict::Invalid
    );
    // The registered key expired before the session.
    let mut old = KeyEntry::new("MTR-1", ka.clone());
    old.valid_until = Some(0);
    let mut reg2 = Registry::new();
    reg2.add(old);
    let r = Checker::new()
        .registry(Some(&reg2))
        .session(&sr, KeyInput::None)
        .unwrap();
    assert!(r.has(FindingCode::SessionKeyExpired));
    assert_eq!(r.verdict, SessionVerdict::Invalid);
    // A registry without this meter: the explicit key verifies, but is untrusted.
    let mut other = Registry::new();
    other.add(KeyEntry::new("SOMEONE-ELSE", kb));
    let r = Checker::new()
        .registry(Some(&other))
        .session(&sr, KeyInput::Decoded(&ka))
        .unwrap();
    assert!(r.has(FindingCode::SessionKeyUntrusted));
    assert_eq!(r.verdict, SessionVerdict::Valid);
    assert_eq!(r.trust, Some(Trust::Untrusted));
}

#[test]
fn json_is_canonical_and_bilingual() {
    let key = key_of(&SECRET_A);
    let recs = two(&ok("10:00:00", "B", "1.0"), &ok("11:00:00", "E", "2.5"));
    let r = eval(
        &[recs[0].clone(), recs[1].clone(), recs[1].clone()],
        Some(&key),
        Profile::Interop,
    );
    let text = r.to_json_string(Lang::En);
    let v: Value = serde_json::from_str(&text).unwrap();
    // Sorted keys: re-serialising the parsed value (a BTreeMap) gives the same text.
    assert_eq!(serde_json::to_string(&v).unwrap(), text);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["code"], 0);
    assert_eq!(v["energy"]["kwh"], "1.5");
    assert_eq!(v["energy"]["wh"], "1500");
    assert_eq!(v["energy"]["unit"], "kWh");
    assert_eq!(v["duration_seconds"], "3600.000");
    assert_eq!(v["start"]["unix_ms"], 1_714_550_400_000_i64);
    let f = &v["findings"][0];
    assert_eq!(f["name"], "session_duplicate_record");
    assert_eq!(f["record"], 2);
    assert!(f["message"]["de"].as_str().unwrap().contains("mehrfach"));
    assert!(
        f["message"]["en"]
            .as_str()
            .unwrap()
            .contains("more than once")
    );
    assert_eq!(v["records"][0]["report"]["verdict"], "valid");
    assert_eq!(v["records"][0]["report"]["trust"]["status"], "untrusted");
    assert_eq!(v["records"][0]["pagination"], "T10");
    let de: Value = serde_json::from_str(&r.to_json_string(Lang::De)).unwrap();
    assert_ne!(de["explanation"], v["explanation"]);
}

/// The session JSON text is written straight from typed views, so their
/// fields must be declared in sorted order: the text must equal the parsed
/// `Value` (a sorted map) written again, at every level, and the `Value` of
/// `to_json`. Over every corpus record (with its key, without, and a wrong
/// one), the corpus sessions (records grouped by id), the session fixtures
/// and the OCPP demo log with and without its registry.
#[test]
fn session_json_is_canonical_over_the_corpus_and_the_ocpp_demo() {
    fn check(r: &SessionReport<'_>, what: &str, seen: &mut std::collections::BTreeSet<String>) {
        for lang in [Lang::En, Lang::De] {
            let text = r.to_json_string(lang);
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                serde_json::to_string(&v).unwrap(),
                text,
                "{what}: keys not sorted"
            );
            assert_eq!(r.to_json(lang), v, "{what}: to_json differs");
        }
        seen.extend(r.findings.iter().map(|f| f.finding.code.name().to_owned()));
        if r.energy.is_some() {
            seen.insert(String::from("(energy)"));
        }
    }
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let corpus = std::fs::read_to_string(format!("{root}/vectors/real.jsonl")).unwrap();
    let vectors: Vec<Value> = corpus
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let wrong = key_of(&SECRET_B).sec1_hex();
    let mut seen = std::collections::BTreeSet::new();
    let mut sessions = 0;
    let mut groups: std::collections::BTreeMap<&str, Vec<SessionRecord<'_>>> =
        std::collections::BTreeMap::new();
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let record = SessionRecord {
            record: v["ocmf"].as_str().unwrap(),
            key: v["public_key"].as_str(),
            label: Some(id),
        };
        for key in [record.key, None, Some(wrong.as_str())] {
            let one = [SessionRecord { key, ..record }];
            check(
                &Checker::new().session(&one, KeyInput::None).unwrap(),
                id,
                &mut seen,
            );
            sessions += 1;
        }
        let stem = id.rsplit_once('-').map_or(id, |(stem, _)| stem);
        groups.entry(stem).or_default().push(record);
    }
    for (stem, records) in &groups {
        for profile in [Profile::Strict, Profile::Interop, Profile::Reference] {
            let r = Checker::new()
                .profile(profile)
                .session(records, KeyInput::None);
            check(&r.unwrap(), stem, &mut seen);
            sessions += 1;
        }
    }
    for path in fixture_names() {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let records: Vec<SessionRecord<'_>> = doc["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| SessionRecord {
                record: r["record"].as_str().unwrap(),
                key: r["key"].as_str(),
                label: r["label"].as_str(),
            })
            .collect();
        let key = KeyInput::text(doc["key"].as_str());
        check(
            &Checker::new().session(&records, key).unwrap(),
            &path,
            &mut seen,
        );
        // Backwards, with the first record twice.
        let mut again: Vec<SessionRecord<'_>> = records.iter().rev().copied().collect();
        again.push(records[0]);
        check(
            &Checker::new().session(&again, key).unwrap(),
            &path,
            &mut seen,
        );
        sessions += 2;
    }
    let log = std::fs::read_to_string(format!("{root}/examples/ocpp/stations.log")).unwrap();
    let registry = std::fs::read_to_string(format!("{root}/examples/ocpp/registry.csv")).unwrap();
    let registry = Registry::load(&registry).unwrap();
    let extraction = ocmf_core::transport::extract(&log);
    for reg in [None, Some(&registry)] {
        let groups = Checker::new()
            .registry(reg)
            .sessions(&extraction, KeyInput::None);
        for g in groups.unwrap() {
            check(&g.report, "stations.log", &mut seen);
            sessions += 1;
        }
    }
    // Enough sessions, and enough different content, that an unsorted field
    // would show.
    assert!(sessions > 800, "{sessions}");
    assert!(seen.len() > 20, "{seen:?}");
    assert!(seen.contains("(energy)") && seen.contains("session_duplicate_record"));
}

#[test]
fn every_session_finding_has_driver_texts_in_both_languages() {
    let session: Vec<FindingCode> = FindingCode::ALL
        .iter()
        .copied()
        .filter(|c| c.name().starts_with("session_"))
        .collect();
    assert!(session.len() >= 35);
    for c in session {
        assert!((1100..1200).contains(&c.code()), "{c}");
        let (en, de) = (c.message(Lang::En), c.message(Lang::De));
        assert!(en.ends_with('.') && de.ends_with('.'), "{c}");
        assert_ne!(en, de, "{c}");
        // Plain words: no field abbreviations in the driver text.
        for jargon in ["TX", "EF", "ST ", "OBIS", "RV", "PG"] {
            assert!(
                !en.contains(jargon) && !de.contains(jargon),
                "{c}: {jargon}"
            );
        }
    }
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn on_mangled_sessions(cuts in proptest::collection::vec((0usize..400, 0usize..400), 1..4), noise in "\\PC{0,40}") {
            let key = key_of(&SECRET_A);
            let base = two(&ok("10:00:00", "B", "1.0"), &ok("11:00:00", "E", "2.0"));
            let mut recs = Vec::new();
            for (i, (a, b)) in cuts.iter().enumerate() {
                let r = &base[i % 2];
                let (a, b) = ((*a).min(r.len()), (*b).min(r.len()));
                let (a, b) = (a.min(b), a.max(b));
                let mut s = String::new();
                s.push_str(r.get(..a).unwrap_or(""));
                s.push_str(&noise);
                s.push_str(r.get(b..).unwrap_or(""));
                recs.push(s);
            }
            let r = eval(&recs, Some(&key), Profile::Interop);
            let _ = r.to_json_string(Lang::De);
        }
    }
}
