//! Inferred transaction membership (issue 16): a signed value that only its
//! station, EVSE and time place into a transaction joins it only when it fits
//! the transaction's carried records, so it never makes that transaction
//! invalid; a value that does not fit stays outside, in the group of its
//! station and EVSE, and is still reported.
//!
//! The logs are OCPP-J frames as the OCPP 1.6 and 2.0.1 JSON schemas spell
//! them (`TransactionEvent`, `MeterValues`, `StartTransaction`,
//! `StopTransaction`); every signed value is a record signed here with the
//! core's `sign`, never a made-up signature.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use base64ct::{Base64, Encoding};
use ocmf_core::session::SessionVerdict;
use ocmf_core::transport::{Extraction, extract};
use ocmf_core::{Algorithm, Checker, Curve, KeyInput, sign};
use serde_json::{Value, json};

const SECRET_A: [u8; 32] = [0x11; 32];
const SECRET_B: [u8; 32] = [0x22; 32];
const ALG: Algorithm = Algorithm::ecdsa_sha256(Curve::P256);

/// A billing reading of register 1-0:1.8.0 at `tm` (HH:MM) with reason `tx`
/// (`""` for none) and value `rv` kWh, meter state good.
fn rd(tm: &str, tx: &str, rv: &str) -> String {
    let tx = if tx.is_empty() {
        String::new()
    } else {
        format!(r#""TX":"{tx}","#)
    };
    format!(
        r#"{{"TM":"2024-05-01T{tm}:00,000+0000 S",{tx}"RV":{rv},"RI":"1-0:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}}"#
    )
}

/// A record of meter `ms` with pagination `pg` and one reading, signed with `secret`.
fn record(pg: &str, ms: &str, reading: &str, secret: &[u8]) -> String {
    let payload = format!(
        r#"{{"FV":"1.0","GI":"SIM","GS":"GW-1","PG":"{pg}","MV":"Sim","MS":"{ms}","IS":true,"IL":"VERIFIED","IT":"ISO14443","ID":"AABBCCDD","RD":[{reading}]}}"#
    );
    sign(&payload, secret, ALG).unwrap().record
}

/// A record of meter MTR-1 signed with key A.
fn a(pg: &str, tm: &str, tx: &str, rv: &str) -> String {
    record(pg, "MTR-1", &rd(tm, tx, rv), &SECRET_A)
}

/// The carried key of `secret` as OCPP 2.0.1 carries it (base64 of the printed hex).
fn key(secret: &[u8]) -> String {
    let hex = sign("{}", secret, ALG).unwrap().public_key_sec1_hex;
    Base64::encode_string(hex.as_bytes())
}

/// An OCPP 2.0.1 `SampledValueType` with a `signedMeterValue`.
fn sv20(rec: &str, context: &str, secret: &[u8]) -> Value {
    json!({"value": 0, "context": context, "measurand": "Energy.Active.Import.Register",
        "signedMeterValue": {"signedMeterData": Base64::encode_string(rec.as_bytes()),
            "signingMethod": "ECDSA-secp256r1-SHA256", "encodingMethod": "OCMF",
            "publicKey": key(secret)}})
}

/// A 2.0.1 `TransactionEvent` of transaction `tx-1` on EVSE 1 at `hhmm`.
fn event(id: &str, kind: &str, hhmm: &str, signed: Option<&str>) -> String {
    let ts = format!("2024-05-01T{hhmm}:00Z");
    let mut p = json!({"eventType": kind, "timestamp": ts, "triggerReason": "Authorized",
        "seqNo": 0, "transactionInfo": {"transactionId": "tx-1"},
        "evse": {"id": 1, "connectorId": 1}});
    if let Some(rec) = signed {
        let ctx = if kind == "Started" {
            "Transaction.Begin"
        } else {
            "Transaction.End"
        };
        p["meterValue"] = json!([{"timestamp": ts, "sampledValue": [sv20(rec, ctx, &SECRET_A)]}]);
    }
    format!("CS-1 -> {}", json!([2, id, "TransactionEvent", p]))
}

/// A 2.0.1 `MeterValuesRequest` on EVSE 1 at `hhmm` (no transaction id).
fn meter_values(id: &str, hhmm: &str, rec: &str, secret: &[u8]) -> String {
    let p = json!({"evseId": 1, "meterValue": [{"timestamp": format!("2024-05-01T{hhmm}:00Z"),
        "sampledValue": [sv20(rec, "Sample.Periodic", secret)]}]});
    format!("CS-1 -> {}", json!([2, id, "MeterValues", p]))
}

/// Where the value of record `rec` ended up: (transaction id, inferred), by record text.
fn placed(x: &Extraction, rec: &str) -> (Option<String>, bool) {
    let v = x
        .values
        .iter()
        .find(|v| v.record == rec)
        .unwrap_or_else(|| panic!("record lost: {rec}"));
    (v.transaction_id.clone(), v.transaction_inferred)
}

/// The session verdict of every group: (transaction id, number of values, verdict).
fn verdicts(x: &Extraction) -> Vec<(Option<String>, usize, SessionVerdict)> {
    let groups = Checker::new().sessions(x, KeyInput::None).unwrap();
    assert_eq!(groups.len(), x.groups().len());
    groups
        .iter()
        .map(|g| {
            (
                g.group.transaction_id.clone(),
                g.group.values.len(),
                g.report.verdict,
            )
        })
        .collect()
}

fn log(lines: &[String]) -> Extraction {
    let x = extract(&(lines.join("\n") + "\n"));
    assert!(x.errors.is_empty(), "{:#?}", x.errors);
    x
}

/// A 2.0.1 transaction on EVSE 1: Started at 10:00 and Ended at 10:45,
/// carrying the signed values `begin` and `end` when given, and the
/// MeterValues frames `extra` (time, record, key) in between.
fn transaction_201(
    begin: Option<&str>,
    end: Option<&str>,
    extra: &[(&str, &str, &[u8])],
) -> Extraction {
    let mut lines = vec![event("1", "Started", "10:00", begin)];
    for (i, (hhmm, rec, secret)) in extra.iter().enumerate() {
        lines.push(meter_values(&format!("mv{i}"), hhmm, rec, secret));
    }
    lines.push(event("2", "Ended", "10:45", end));
    log(&lines)
}

/// The finding codes of transaction tx-1's session.
fn tx_findings(x: &Extraction) -> Vec<&'static str> {
    let groups = Checker::new().sessions(x, KeyInput::None).unwrap();
    let g = groups
        .iter()
        .find(|g| g.group.transaction_id.as_deref() == Some("tx-1"))
        .unwrap();
    g.report
        .findings
        .iter()
        .map(|f| f.finding.code.name())
        .collect()
}

/// The value of `rec` stays outside any transaction, as the JSON says too,
/// and is reported in a group of its own station and EVSE.
fn stays_outside(x: &Extraction, rec: &str, what: &str) {
    assert_eq!(placed(x, rec), (None, false), "{what}");
    let json = x.to_json();
    let v = json["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["record"] == rec)
        .unwrap();
    assert_eq!(v["transaction_inferred"], false, "{what}");
    assert_eq!(v["transaction_id"], Value::Null, "{what}");
    let i = x.values.iter().position(|v| v.record == rec).unwrap();
    let g = x
        .groups()
        .into_iter()
        .find(|g| g.values.contains(&i))
        .unwrap();
    assert_eq!(
        (g.station.as_deref(), g.transaction_id, g.evse),
        (Some("CS-1"), None, Some(1)),
        "{what}"
    );
}

#[test]
fn values_that_fit_join_and_the_session_stays_valid() {
    let c11 = a("T11", "10:15", "", "101.000");
    let c12 = a("T12", "10:30", "", "102.500");
    let x = transaction_201(
        Some(&a("T10", "10:00", "B", "100.000")),
        Some(&a("T13", "10:45", "E", "103.000")),
        &[("10:30", &c12, &SECRET_A), ("10:15", &c11, &SECRET_A)],
    );
    for rec in [&c11, &c12] {
        assert_eq!(placed(&x, rec), (Some("tx-1".into()), true));
    }
    assert_eq!(
        verdicts(&x),
        [(Some("tx-1".into()), 4, SessionVerdict::Valid)]
    );
}

#[test]
fn a_fiscal_reading_in_the_window_belongs_to_no_session() {
    // The same meter, the same key, inside the transaction's time and
    // register range: but F pagination, a reading of the meter's fiscal
    // counter.
    let f = a("F4711", "10:20", "", "101.000");
    let x = transaction_201(
        Some(&a("T10", "10:00", "B", "100.000")),
        Some(&a("T11", "10:45", "E", "103.000")),
        &[("10:20", &f, &SECRET_A)],
    );
    assert_eq!(
        verdicts(&x),
        [
            (Some("tx-1".into()), 2, SessionVerdict::Valid),
            // Still reported: a fiscal reading, no begin, no end.
            (None, 1, SessionVerdict::Incomplete),
        ]
    );
    stays_outside(&x, &f, "fiscal");
}

#[test]
fn values_that_contradict_the_session_stay_outside() {
    // Begin T10 and end T12 are carried; T11 is missing (a gap). Each
    // candidate below has the counter T11 but contradicts the carried
    // records otherwise: it stays outside and the session is judged exactly
    // as without it.
    let b = a("T10", "10:00", "B", "100.000");
    let e = a("T12", "10:45", "E", "103.000");
    let cases: [(&str, String, &[u8]); 7] = [
        (
            "another meter",
            record("T11", "MTR-2", &rd("10:15", "", "101.000"), &SECRET_A),
            &SECRET_A,
        ),
        (
            "another carried key",
            a("T11", "10:15", "", "101.000"),
            &SECRET_B,
        ),
        (
            "another key, signed by it",
            record("T11", "MTR-1", &rd("10:15", "", "101.000"), &SECRET_B),
            &SECRET_B,
        ),
        (
            "a register going down",
            a("T11", "10:15", "", "99.000"),
            &SECRET_A,
        ),
        (
            "a register beyond the end",
            a("T11", "10:15", "", "104.000"),
            &SECRET_A,
        ),
        (
            "a time going back",
            a("T11", "09:15", "", "101.000"),
            &SECRET_A,
        ),
        (
            "a second begin",
            a("T11", "10:15", "B", "101.000"),
            &SECRET_A,
        ),
    ];
    let without = tx_findings(&transaction_201(Some(&b), Some(&e), &[]));
    assert!(without.contains(&"session_pagination_gap"), "{without:?}");
    for (what, rec, secret) in &cases {
        let x = transaction_201(Some(&b), Some(&e), &[("10:15", rec, secret)]);
        stays_outside(&x, rec, what);
        assert_eq!(tx_findings(&x), without, "{what}");
    }
    // The control: the same slot filled by a value that fits.
    let fits = a("T11", "10:15", "", "101.000");
    let x = transaction_201(Some(&b), Some(&e), &[("10:15", &fits, &SECRET_A)]);
    assert_eq!(placed(&x, &fits), (Some("tx-1".into()), true));
    let filled = tx_findings(&x);
    assert!(!filled.contains(&"session_pagination_gap"), "{filled:?}");
    assert_eq!(
        verdicts(&x),
        [(Some("tx-1".into()), 3, SessionVerdict::Valid)]
    );
}

#[test]
fn a_carried_key_that_cannot_be_read_keeps_the_value_outside() {
    let b = a("T10", "10:00", "B", "100.000");
    let e = a("T12", "10:45", "E", "103.000");
    let c = a("T11", "10:15", "", "101.000");
    let line = meter_values("m", "10:15", &c, &SECRET_A).replace(&key(&SECRET_A), "bm90IGEga2V5");
    let x = log(&[
        event("1", "Started", "10:00", Some(&b)),
        line,
        event("2", "Ended", "10:45", Some(&e)),
    ]);
    stays_outside(&x, &c, "unreadable key");
}

#[test]
fn pagination_that_does_not_fit_stays_outside() {
    // Only the begin T10 is carried (the Ended event has no signed value).
    let b = a("T10", "10:00", "B", "100.000");
    let without = tx_findings(&transaction_201(Some(&b), None, &[]));
    let cases = [
        ("a gap", a("T12", "10:15", "", "101.000")),
        ("a counter taken", a("T10", "10:15", "", "101.000")),
        ("before the begin", a("T9", "10:15", "", "101.000")),
        ("no pagination", a("", "10:15", "", "101.000")),
    ];
    for (what, rec) in &cases {
        let x = transaction_201(Some(&b), None, &[("10:15", rec, &SECRET_A)]);
        stays_outside(&x, rec, what);
        assert_eq!(tx_findings(&x), without, "{what}");
    }
    // The next counter joins (the session still lacks its end).
    let next = a("T11", "10:15", "", "101.000");
    let x = transaction_201(Some(&b), None, &[("10:15", &next, &SECRET_A)]);
    assert_eq!(placed(&x, &next), (Some("tx-1".into()), true));
}

#[test]
fn a_stray_beside_a_fitting_value_never_makes_the_session_invalid() {
    let fits = a("T11", "10:15", "", "101.000");
    let stray = record("T11", "MTR-2", &rd("10:20", "", "55.000"), &SECRET_A);
    let x = transaction_201(
        Some(&a("T10", "10:00", "B", "100.000")),
        Some(&a("T12", "10:45", "E", "103.000")),
        &[("10:15", &fits, &SECRET_A), ("10:20", &stray, &SECRET_A)],
    );
    assert_eq!(
        verdicts(&x),
        [
            (Some("tx-1".into()), 3, SessionVerdict::Valid),
            (None, 1, SessionVerdict::Incomplete),
        ]
    );
    assert_eq!(placed(&x, &fits), (Some("tx-1".into()), true));
    stays_outside(&x, &stray, "stray");
}

#[test]
fn without_carried_values_the_first_one_anchors_the_rest() {
    // Started and Ended carry no signed value: every signed value comes in
    // MeterValues and is inferred; the fiscal reading stays out.
    let b = a("T10", "10:00", "B", "100.000");
    let f = a("F4711", "10:20", "", "101.000");
    let e = a("T11", "10:40", "E", "102.000");
    let x = log(&[
        event("1", "Started", "09:59", None),
        meter_values("m1", "10:00", &b, &SECRET_A),
        meter_values("m2", "10:20", &f, &SECRET_A),
        meter_values("m3", "10:40", &e, &SECRET_A),
        event("2", "Ended", "10:45", None),
    ]);
    assert_eq!(
        verdicts(&x),
        [
            (Some("tx-1".into()), 2, SessionVerdict::Valid),
            (None, 1, SessionVerdict::Incomplete),
        ]
    );
    assert_eq!(placed(&x, &b), (Some("tx-1".into()), true));
    assert_eq!(placed(&x, &e), (Some("tx-1".into()), true));
    stays_outside(&x, &f, "fiscal");
}

/// An OCPP 1.6 `SignedData` sampled value (raw OCMF, as commonly sent).
fn sv16(rec: &str, context: &str) -> Value {
    json!({"value": rec, "context": context, "format": "SignedData",
        "measurand": "Energy.Active.Import.Register", "unit": "Wh"})
}

/// 1.6 `MeterValues` on connector 1 at `hhmm`, without `transactionId`.
fn meter_values_16(id: &str, hhmm: &str, rec: &str, ctx: &str) -> String {
    let p = json!({"connectorId": 1, "meterValue": [{"timestamp": format!("2024-05-01T{hhmm}:00Z"),
        "sampledValue": [sv16(rec, ctx)]}]});
    format!("CP-16 -> {}", json!([2, id, "MeterValues", p]))
}

#[test]
fn ocpp16_meter_values_without_transaction_id() {
    // The begin and one intermediate value come without transactionId, the
    // end in StopTransaction: they join from below. A fiscal reading and
    // another meter's value in the same window stay outside.
    let b = a("T20", "10:00", "B", "100.000");
    let c = a("T21", "10:15", "", "101.000");
    let e = a("T22", "10:45", "E", "103.000");
    let f = a("F4711", "10:20", "", "101.200");
    let other = record("T21", "MTR-2", &rd("10:25", "", "101.500"), &SECRET_A);
    let stop = json!([2, "s", "StopTransaction", {"transactionId": 42, "meterStop": 103000,
        "timestamp": "2024-05-01T10:45:00Z", "reason": "Local",
        "transactionData": [{"timestamp": "2024-05-01T10:45:00Z",
            "sampledValue": [sv16(&e, "Transaction.End")]}]}]);
    let x = log(&[
        format!(
            "CP-16 -> {}",
            json!([2, "st", "StartTransaction", {"connectorId": 1, "idTag": "AABBCCDD",
            "meterStart": 100000, "timestamp": "2024-05-01T09:59:00Z"}])
        ),
        format!(
            "CP-16 <- {}",
            json!([3, "st", {"transactionId": 42, "idTagInfo": {"status": "Accepted"}}])
        ),
        meter_values_16("m1", "10:00", &b, "Transaction.Begin"),
        meter_values_16("m2", "10:15", &c, "Sample.Periodic"),
        meter_values_16("m3", "10:20", &f, "Sample.Clock"),
        meter_values_16("m4", "10:25", &other, "Sample.Periodic"),
        format!("CP-16 -> {stop}"),
    ]);
    let key = ocmf_core::PublicKey::parse(&sign("{}", &SECRET_A, ALG).unwrap().public_key_sec1_hex)
        .unwrap();
    let groups = Checker::new()
        .sessions(&x, KeyInput::Decoded(&key))
        .unwrap();
    let got: Vec<_> = groups
        .iter()
        .map(|g| {
            (
                g.group.transaction_id.as_deref(),
                g.group.values.len(),
                g.report.verdict,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("42"), 3, SessionVerdict::Valid),
            // The two strays share the connector's group outside transactions.
            (None, 2, SessionVerdict::Invalid),
        ]
    );
    for rec in [&b, &c] {
        assert_eq!(placed(&x, rec), (Some("42".into()), true));
    }
    assert_eq!(placed(&x, &e), (Some("42".into()), false));
    for rec in [&f, &other] {
        assert_eq!(placed(&x, rec), (None, false));
    }
}

#[test]
fn a_tampered_value_that_fits_stays_outside_and_is_still_reported() {
    // Shape, counter, meter, key and registers all fit: only the signature
    // tells that the first T11 was changed after signing (101.000 ->
    // 101.500). It comes first in the input, so without the signature
    // check it would take the slot of the untampered T11 after it.
    let signed = a("T11", "10:15", "", "101.000");
    let tampered = signed.replace("101.000", "101.500");
    assert_ne!(signed, tampered);
    let x = transaction_201(
        Some(&a("T10", "10:00", "B", "100.000")),
        Some(&a("T12", "10:45", "E", "103.000")),
        &[
            ("10:14", &tampered, &SECRET_A),
            ("10:15", &signed, &SECRET_A),
        ],
    );
    stays_outside(&x, &tampered, "tampered");
    assert_eq!(placed(&x, &signed), (Some("tx-1".into()), true));
    assert_eq!(
        verdicts(&x),
        [
            (Some("tx-1".into()), 3, SessionVerdict::Valid),
            (None, 1, SessionVerdict::Invalid),
        ]
    );
}
