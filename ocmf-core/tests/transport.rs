//! Transports and containers: every OCPP shape, logs, TPS XML, the PTB
//! container and text records, checked against the shared vector corpus.
//!
//! The fixtures under `tests/data/ocpp/` and `tests/data/xml/` are written by
//! `tests/data/ocpp/generate.py` from `vectors/real.jsonl`. Every extracted
//! record is compared byte for byte with the corpus record and verified with
//! the corpus key; the expected values, lines and groups below are written
//! by hand from the fixtures.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;

use ocmf_core::transport::{
    Extraction, InputFormat, MAX_ENCODED_BYTES, MAX_INPUT_BYTES, SignedValue, Transport, detect,
    extract, extract_bytes, to_xml,
};
use ocmf_core::{Checker, ErrorCode, KeyInput, PublicKey, Verdict};
use proptest::prelude::*;
use serde_json::Value;

struct Vector {
    ocmf: String,
    key: Option<String>,
}

fn vectors() -> BTreeMap<String, Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["id"].as_str().unwrap().to_owned(),
                Vector {
                    ocmf: v["ocmf"].as_str().unwrap().to_owned(),
                    key: v["public_key"].as_str().map(str::to_owned),
                },
            )
        })
        .collect()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const SEAL_B: &str = "chargy-seal-001";
const SEAL_C: &str = "chargy-safe-safe-testdata-02-withxmlnamespace-001";
const SEAL_E: &str = "chargy-safe-safe-testdata-02-withxmlnamespace-002";
const DZG_B: &str = "tps-ebee01-001";
const DZG_E: &str = "tps-ebee01-002";
const BSM_B: &str = "chargy-chargeit-bsm-ocmf-001";
const BSM_E: &str = "chargy-chargeit-bsm-ocmf-002";
const NZR_B: &str = "tps-nzr-bp256-001";
const KEBA1: &str = "tps-keba100-001";
const KEBA2: &str = "tps-keba100-002";
const KEBA3: &str = "tps-keba100-003";

/// The value carries exactly the corpus record, which verifies with the
/// corpus key; a carried key decodes to that same key and verifies too.
fn assert_record(v: &SignedValue, id: &str, vs: &BTreeMap<String, Vector>) {
    let vec = &vs[id];
    assert_eq!(v.record, vec.ocmf, "{id}: record not byte-identical");
    let key = PublicKey::parse(vec.key.as_deref().unwrap()).unwrap();
    let report = Checker::new().verify(&v.record, KeyInput::Decoded(&key));
    assert_eq!(report.code(), ErrorCode::Ok, "{id}: does not verify");
    if let Some(carried) = &v.public_key {
        let k = PublicKey::parse(carried).unwrap();
        assert_eq!(
            k.sec1_bytes(),
            key.sec1_bytes(),
            "{id}: carried key differs"
        );
        let r = Checker::new().verify(&v.record, KeyInput::Text(carried));
        assert!(r.is_valid(), "{id}: does not verify with the carried key");
    }
}

fn one(x: &Extraction) -> &SignedValue {
    assert_eq!(x.values.len(), 1, "{x:#?}");
    &x.values[0]
}

fn no_errors(x: &Extraction) {
    assert!(x.errors.is_empty(), "{:#?}", x.errors);
}

// ---------------------------------------------------------------------------
// OCPP 1.6
// ---------------------------------------------------------------------------

#[test]
fn ocpp16_meter_values_raw_record() {
    let vs = vectors();
    let x = extract(&data("ocpp/16_meter_values_plain.json"));
    assert_eq!(x.format, InputFormat::OcppMessage);
    no_errors(&x);
    let v = one(&x);
    assert_record(v, KEBA1, &vs);
    assert_eq!(v.transport, Transport::Ocpp16Plain);
    assert_eq!(v.transaction_id.as_deref(), Some("46669"));
    assert!(!v.transaction_inferred);
    assert_eq!((v.connector, v.evse), (Some(1), None));
    assert_eq!(v.context.as_deref(), Some("Transaction.Begin"));
    assert_eq!(v.timestamp.as_deref(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(v.origin.message_id.as_deref(), Some("m-1"));
    assert_eq!(v.origin.action.as_deref(), Some("MeterValues"));
    assert_eq!(v.public_key, None);
    assert_eq!(v.station, None);
}

#[test]
fn ocpp16_meter_values_hex_record() {
    let vs = vectors();
    let x = extract(&data("ocpp/16_meter_values_hex.json"));
    no_errors(&x);
    let v = one(&x);
    assert_record(v, KEBA2, &vs);
    assert_eq!(v.transport, Transport::Ocpp16Hex);
    assert_eq!(v.connector, Some(2));
    assert_eq!(v.context.as_deref(), Some("Sample.Clock"));
}

#[test]
fn ocpp16_stop_transaction_with_oca_envelope() {
    let vs = vectors();
    let x = extract(&data("ocpp/16_stop_transaction_envelope.json"));
    assert_eq!(x.format, InputFormat::OcppMessage);
    no_errors(&x);
    assert_eq!(x.values.len(), 2);
    let (b, e) = (&x.values[0], &x.values[1]);
    assert_record(b, SEAL_B, &vs);
    assert_record(e, SEAL_E, &vs);
    for v in [b, e] {
        assert_eq!(v.transport, Transport::Ocpp16Envelope);
        assert_eq!(v.transaction_id.as_deref(), Some("9289"));
        assert_eq!(v.origin.action.as_deref(), Some("StopTransaction"));
    }
    // base64 over `oca:…` and base64 over printed hex both come out as text.
    let hex = vs[SEAL_B].key.clone().unwrap();
    assert_eq!(
        b.public_key.as_deref(),
        Some(format!("oca:base16:asn1-spki:{hex}").as_str())
    );
    assert_eq!(e.public_key.as_deref(), Some(hex.as_str()));
    assert_eq!(b.context.as_deref(), Some("Transaction.Begin"));
    assert_eq!(e.context.as_deref(), Some("Transaction.End"));
}

#[test]
fn ocpp16_energised_envelope() {
    let vs = vectors();
    let x = extract(&data("ocpp/16_energised.json"));
    no_errors(&x);
    let v = one(&x);
    assert_record(v, BSM_B, &vs);
    assert_eq!(v.transport, Transport::Ocpp16Energised);
    assert_eq!(v.public_key, vs[BSM_B].key);
}

#[test]
fn ocpp16_base64_value_without_transaction() {
    let vs = vectors();
    let x = extract(&data("ocpp/16_base64_value.json"));
    no_errors(&x);
    let v = one(&x);
    assert_record(v, NZR_B, &vs);
    assert_eq!(v.transport, Transport::Ocpp16Base64);
    assert_eq!(v.transaction_id, None);
    let g = x.groups();
    assert_eq!(g.len(), 1);
    assert_eq!((g[0].transaction_id.as_deref(), g[0].evse), (None, Some(1)));
}

#[test]
fn ocpp16_bare_stop_transaction_payload() {
    let vs = vectors();
    let text = data("ocpp/bare_stop_transaction.json");
    assert_eq!(detect(&text), InputFormat::OcppMessage);
    let x = extract(&text);
    no_errors(&x);
    let v = one(&x);
    assert_record(v, BSM_E, &vs);
    assert_eq!(v.transport, Transport::Ocpp16Hex);
    assert_eq!(v.transaction_id.as_deref(), Some("22108"));
    assert_eq!(v.origin.action.as_deref(), Some("StopTransaction"));
    assert_eq!(v.origin.message_id, None);
}

// ---------------------------------------------------------------------------
// OCPP 2.0.1
// ---------------------------------------------------------------------------

#[test]
fn ocpp201_transaction_event_base64_with_oca_keys() {
    let vs = vectors();
    let x = extract(&data("ocpp/201_transaction_event_base64.json"));
    no_errors(&x);
    assert_eq!(x.values.len(), 2);
    assert_record(&x.values[0], DZG_B, &vs);
    assert_record(&x.values[1], DZG_E, &vs);
    for v in &x.values {
        assert_eq!(v.transport, Transport::Ocpp20Base64);
        assert_eq!(v.transaction_id.as_deref(), Some("tx-dzg-1"));
        assert_eq!((v.evse, v.connector), (Some(1), Some(1)));
        assert!(v.public_key.as_deref().unwrap().starts_with("oca:base16:"));
        assert_eq!(v.origin.action.as_deref(), Some("TransactionEvent"));
    }
    let g = x.groups();
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].values, [0, 1]);
}

#[test]
fn ocpp201_meter_values_raw_record_empty_key() {
    let vs = vectors();
    let x = extract(&data("ocpp/201_meter_values_raw.json"));
    no_errors(&x);
    let v = one(&x);
    assert_record(v, BSM_E, &vs);
    assert_eq!(v.transport, Transport::Ocpp20Raw);
    assert_eq!(v.public_key, None);
    assert_eq!((v.evse, v.connector), (Some(2), None));
}

#[test]
fn ocpp201_other_encoding_is_an_error_entry() {
    let vs = vectors();
    let x = extract(&data("ocpp/201_encoding_edl.json"));
    assert_eq!(x.errors.len(), 1, "{:#?}", x.errors);
    let e = &x.errors[0];
    assert_eq!(e.code, ErrorCode::TransportFormat);
    assert!(e.message.contains("\"EDL\" is not OCMF"), "{}", e.message);
    assert!(e.message.contains("sampledValue[0]"), "{}", e.message);
    // The OCMF value next to it is kept.
    assert_record(one(&x), KEBA3, &vs);
}

#[test]
fn invalid_signature_is_carried_not_a_transport_error() {
    let vs = vectors();
    let bad = &vs["tps-kcp30fail-001"];
    let msg = serde_json::json!([2, "z", "MeterValues", {"evseId": 1, "meterValue": [
        {"timestamp": "2024-01-01T00:00:00Z", "sampledValue": [{"value": 1,
            "signedMeterValue": {"signedMeterData": bad.ocmf, "encodingMethod": "OCMF",
                                 "signingMethod": "", "publicKey": bad.key}}]}]}]);
    let x = extract(&msg.to_string());
    no_errors(&x);
    let v = one(&x);
    assert_eq!(v.record, bad.ocmf);
    let r = Checker::new().verify(&v.record, KeyInput::text(v.public_key.as_deref()));
    assert_eq!(r.code(), ErrorCode::InvalidSignature);
}

#[test]
fn oversized_value_is_an_error_and_the_rest_is_kept() {
    let vs = vectors();
    let huge = "A".repeat(MAX_ENCODED_BYTES + 4);
    let msg = serde_json::json!([2, "big", "MeterValues", {"evseId": 1, "meterValue": [
        {"timestamp": "2024-01-01T00:00:00Z", "sampledValue": [
            {"value": 1, "signedMeterValue": {"signedMeterData": huge, "encodingMethod": "OCMF",
                                              "signingMethod": "", "publicKey": ""}},
            {"value": 1, "signedMeterValue": {"signedMeterData": vs[KEBA1].ocmf, "encodingMethod": "OCMF",
                                              "signingMethod": "", "publicKey": ""}}]}]}]);
    let x = extract(&msg.to_string());
    assert_eq!(x.errors.len(), 1);
    assert!(
        x.errors[0].message.contains("more than"),
        "{}",
        x.errors[0].message
    );
    assert_record(one(&x), KEBA1, &vs);
}

// ---------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------

#[test]
fn multi_station_log() {
    let vs = vectors();
    let text = data("ocpp/multi_station.log");
    assert_eq!(detect(&text), InputFormat::OcppLog);
    let x = extract(&text);
    assert_eq!(x.format, InputFormat::OcppLog);

    // The truncated frame (line 9) and the chatter line (13); nothing else lost.
    let lines: Vec<_> = x.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [Some(9), Some(13)], "{:#?}", x.errors);
    assert!(
        x.errors
            .iter()
            .all(|e| e.code == ErrorCode::TransportFormat)
    );
    assert!(x.errors[0].message.contains("malformed OCPP-J frame"));
    assert!(x.errors[1].message.contains("no OCPP-J frame"));

    // The retried MeterValues (line 11) and CP-B's end value sent twice (line 23).
    assert_eq!(x.duplicates, 2);

    /// (vector, line, station, transaction, inferred, evse, connector, transport)
    type Row = (
        &'static str,
        usize,
        &'static str,
        Option<&'static str>,
        bool,
        Option<u32>,
        Option<u32>,
        Transport,
    );
    #[rustfmt::skip]
    let expected: [Row; 9] = [
        (SEAL_B, 5, "CP-A", Some("4711"), true, None, Some(1), Transport::Ocpp16Plain),
        (DZG_B, 6, "CP-B", Some("tx-b-1"), false, Some(1), Some(1), Transport::Ocpp20Base64),
        (SEAL_E, 8, "CP-A", Some("4711"), false, None, Some(1), Transport::Ocpp16Plain),
        (SEAL_C, 10, "CP-A", Some("4711"), false, None, Some(1), Transport::Ocpp16Hex),
        (BSM_B, 14, "CP-C", Some("c-77"), true, Some(2), None, Transport::Ocpp20Base64),
        (KEBA1, 15, "CP-C", None, false, Some(3), None, Transport::Ocpp20Raw),
        (NZR_B, 19, "CP-D", Some("99"), false, None, Some(2), Transport::Ocpp16Base64),
        (BSM_E, 21, "CP-C", Some("c-77"), false, Some(2), None, Transport::Ocpp20Base64),
        (DZG_E, 22, "CP-B", Some("tx-b-1"), false, Some(1), Some(1), Transport::Ocpp20Raw),
    ];
    assert_eq!(x.values.len(), expected.len(), "{:#?}", x.values);
    for (v, (id, line, station, tx, inferred, evse, connector, transport)) in
        x.values.iter().zip(expected)
    {
        assert_record(v, id, &vs);
        assert_eq!(v.origin.line, Some(line), "{id}");
        assert_eq!(v.station.as_deref(), Some(station), "{id}");
        assert_eq!(v.transaction_id.as_deref(), tx, "{id}");
        assert_eq!(v.transaction_inferred, inferred, "{id}");
        assert_eq!((v.evse, v.connector), (evse, connector), "{id}");
        assert_eq!(v.transport, transport, "{id}");
    }
    // The CP-B begin value carried its key as base64 over `oca:`.
    assert!(
        x.values[1]
            .public_key
            .as_deref()
            .unwrap()
            .starts_with("oca:")
    );

    let groups = x.groups();
    let got: Vec<_> = groups
        .iter()
        .map(|g| {
            (
                g.station.as_deref(),
                g.transaction_id.as_deref(),
                g.evse,
                g.values.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // Out of order in the log (E before C), in pagination order here.
            (Some("CP-A"), Some("4711"), Some(1), vec![0, 3, 2]),
            (Some("CP-B"), Some("tx-b-1"), Some(1), vec![1, 8]),
            (Some("CP-C"), Some("c-77"), Some(2), vec![4, 7]),
            (Some("CP-C"), None, Some(3), vec![5]),
            // The end value was lost: the group has the begin value only.
            (Some("CP-D"), Some("99"), Some(2), vec![6]),
        ]
    );
}

#[test]
fn array_log_with_line_numbers() {
    let vs = vectors();
    let text = data("ocpp/array_log.json");
    assert_eq!(detect(&text), InputFormat::OcppLog);
    let x = extract(&text);
    no_errors(&x);
    assert_eq!(x.values.len(), 2);
    assert_record(&x.values[0], SEAL_B, &vs);
    assert_record(&x.values[1], SEAL_C, &vs);
    assert_eq!(x.values[0].station.as_deref(), Some("CP-X"));
    assert_eq!(x.values[0].transaction_id.as_deref(), Some("5"));
    // The bare frame without a transaction id joins transaction 5 (same
    // station-less stream, connector 1, after its start).
    assert_eq!(x.values[1].station, None);
    assert_eq!(x.values[1].transaction_id.as_deref(), Some("5"));
    assert!(x.values[1].transaction_inferred);
    // The lines where the two array elements start in the file.
    assert_eq!(x.values[0].origin.line, Some(23));
    assert_eq!(x.values[1].origin.line, Some(49));
}

#[test]
fn retry_and_duplicate_fill_missing_fields() {
    let vs = vectors();
    let rec = &vs[KEBA1].ocmf;
    // First seen without a transaction, then again (StopTransaction) with one.
    let log = format!(
        "CP9 -> {}\nCP9 -> {}\n",
        serde_json::json!([2, "1", "MeterValues", {"connectorId": 4, "meterValue": [
            {"timestamp": "2024-01-01T00:00:00Z", "sampledValue": [{"value": rec, "format": "SignedData"}]}]}]),
        serde_json::json!([2, "2", "StopTransaction", {"transactionId": 8, "meterStop": 1,
            "timestamp": "2024-01-01T00:01:00Z", "transactionData": [
            {"timestamp": "2024-01-01T00:00:00Z", "sampledValue": [
                {"value": rec, "format": "SignedData", "context": "Transaction.End"}]}]}]),
    );
    let x = extract(&log);
    no_errors(&x);
    assert_eq!(x.duplicates, 1);
    let v = one(&x);
    assert_eq!(v.origin.line, Some(1));
    assert_eq!(v.transaction_id.as_deref(), Some("8"));
    assert_eq!(v.context.as_deref(), Some("Transaction.End"));
    assert_eq!(v.connector, Some(4));
    // The same record on another station is not a duplicate.
    let other = log.replace("CP9", "CP8") + &log;
    let x = extract(&other);
    assert_eq!((x.values.len(), x.duplicates), (2, 2));
}

// ---------------------------------------------------------------------------
// Text, PTB, XML
// ---------------------------------------------------------------------------

#[test]
fn records_as_text_plain_hex_and_pretty_printed() {
    let vs = vectors();
    let text = data("ocpp/records.txt");
    assert_eq!(detect(&text), InputFormat::OcmfText);
    let x = extract(&text);
    no_errors(&x);
    let got: Vec<_> = x
        .values
        .iter()
        .map(|v| (v.record.as_str(), v.transport, v.origin.line))
        .collect();
    assert_eq!(
        got,
        [
            (vs[KEBA1].ocmf.as_str(), Transport::Plain, Some(1)),
            (vs[KEBA2].ocmf.as_str(), Transport::Hex, Some(2)),
            // The spec's pretty-printed example spans lines 4-94.
            (vs["spec-ex14-001"].ocmf.as_str(), Transport::Plain, Some(4)),
            (vs[KEBA3].ocmf.as_str(), Transport::Hex, Some(95)),
        ]
    );
    assert_record(&x.values[0], KEBA1, &vs);
    assert_record(&x.values[3], KEBA3, &vs);
}

#[test]
fn hex_records_with_crlf() {
    let vs = vectors();
    let text = data("ocpp/hex_records.txt");
    assert_eq!(detect(&text), InputFormat::HexText);
    let x = extract(&text);
    no_errors(&x);
    assert_eq!(x.values.len(), 3);
    for (v, id) in x.values.iter().zip([SEAL_B, SEAL_C, SEAL_E]) {
        assert_record(v, id, &vs);
        assert_eq!(v.transport, Transport::Hex);
    }
}

#[test]
fn ptb_container() {
    let vs = vectors();
    let text = data("ocpp/ptb_container.json");
    assert_eq!(detect(&text), InputFormat::PtbJson);
    let x = extract(&text);
    no_errors(&x);
    assert_eq!(x.values.len(), 2);
    assert_record(&x.values[0], "chargy-ptb-ptb-simple-1-001", &vs);
    assert_record(&x.values[1], "chargy-ptb-ptb-simple-2-001", &vs);
    for (v, ctx) in x
        .values
        .iter()
        .zip(["Transaction.Begin", "Transaction.End"])
    {
        assert_eq!(v.transport, Transport::PtbContainer);
        assert_eq!(v.station.as_deref(), Some("DE*ABC*E1234567"));
        assert_eq!(v.context.as_deref(), Some(ctx));
    }
}

#[test]
fn tps_xml_with_namespace_and_every_encoding() {
    let vs = vectors();
    let text = data("xml/tps_namespace.xml");
    assert_eq!(detect(&text), InputFormat::TpsXml);
    let x = extract(&text);
    no_errors(&x);
    assert_eq!(x.values.len(), 3);
    for ((v, id), (ctx, line)) in x.values.iter().zip([SEAL_B, SEAL_C, SEAL_E]).zip([
        ("Transaction.Begin", 3),
        ("Sample.Clock", 9),
        ("Transaction.End", 13),
    ]) {
        assert_record(v, id, &vs);
        assert_eq!(v.transport, Transport::TpsXml);
        assert_eq!(v.transaction_id.as_deref(), Some("9289"));
        assert_eq!(v.context.as_deref(), Some(ctx));
        assert_eq!(v.origin.line, Some(line), "{id}");
        assert!(v.public_key.is_some());
    }
    assert_eq!(x.groups()[0].values, [0, 1, 2]);
}

#[test]
fn tps_xml_partly_bad_keeps_the_good_values() {
    let vs = vectors();
    let x = extract(&data("xml/partly_bad.xml"));
    let errs: Vec<_> = x.errors.iter().map(|e| (e.code, e.line)).collect();
    assert_eq!(
        errs,
        [
            (ErrorCode::XmlFormat, Some(3)),
            (ErrorCode::XmlFormat, Some(6))
        ],
        "{:#?}",
        x.errors
    );
    assert!(x.errors[0].message.contains("\"EDL\" is not OCMF"));
    assert!(x.errors[1].message.contains("no <signedData>"));
    assert_eq!(x.values.len(), 2);
    // A carried record that cannot be read is a value (malformed), not a lost one.
    assert_eq!(x.values[0].record, "OCMF|{not json");
    assert_eq!(
        Checker::new()
            .verify(&x.values[0].record, KeyInput::None)
            .verdict,
        Verdict::Malformed
    );
    assert_record(&x.values[1], DZG_B, &vs);
    assert_eq!(x.values[1].origin.line, Some(12));
}

#[test]
fn tps_xml_malformed_is_one_clear_error() {
    let x = extract(&data("xml/malformed.xml"));
    assert_eq!(x.format, InputFormat::TpsXml);
    assert!(x.values.is_empty());
    assert_eq!(x.errors.len(), 1);
    let e = &x.errors[0];
    assert_eq!((e.code, e.line), (ErrorCode::XmlFormat, Some(7)), "{e}");
    assert!(e.message.contains("signedDta"), "{}", e.message);
}

fn comparable(v: &SignedValue) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        &v.record,
        &v.public_key,
        &v.station,
        &v.transaction_id,
        v.transaction_inferred,
        v.evse,
        v.connector,
        &v.context,
        &v.timestamp,
    )
}

#[test]
fn xml_write_read_round_trip() {
    let x = extract(&data("ocpp/multi_station.log"));
    assert!(x.values.len() >= 9);
    let xml = x.to_xml();
    let back = extract(&xml);
    assert_eq!(back.format, InputFormat::TpsXml);
    no_errors(&back);
    assert_eq!(back.duplicates, 0);
    assert_eq!(back.values.len(), x.values.len());
    for (a, b) in x.values.iter().zip(&back.values) {
        assert_eq!(comparable(a), comparable(b));
        assert_eq!(b.transport, Transport::TpsXml);
    }
    // The groups survive the trip.
    let ids = |e: &Extraction| {
        e.groups()
            .into_iter()
            .map(|g| (g.station, g.transaction_id, g.evse, g.values))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&x), ids(&back));
}

#[test]
fn xml_round_trip_of_awkward_text() {
    let mut a = SignedValue::new(
        "OCMF|{\"ID\":\"a&b<c>\\\"d\",\r\n \"X\":\"\t]]>\"}|{\"SD\":\"00\"}".to_owned(),
        Transport::Plain,
    );
    a.station = Some("CP \"7\"\n<&>".to_owned());
    a.transaction_id = Some("tx/1 & 2".to_owned());
    a.public_key = Some("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----".to_owned());
    a.context = Some("Transaction.Begin".to_owned());
    a.timestamp = Some("2024-01-01T00:00:00+01:00".to_owned());
    a.evse = Some(u32::MAX);
    a.connector = Some(0);
    let mut b = SignedValue::new("OCMF|{\"c\":\"\u{1}\"}|{}".to_owned(), Transport::Hex);
    b.transaction_id = Some("123456789012345678901234567890".to_owned());
    b.public_key = Some("3059301306".to_owned());
    let xml = to_xml(&[a.clone(), b.clone()]);
    assert!(
        xml.contains("encoding=\"hex\""),
        "control character goes hex"
    );
    let back = extract(&xml);
    no_errors(&back);
    assert_eq!(back.values.len(), 2);
    assert_eq!(comparable(&back.values[0]), comparable(&a));
    assert_eq!(comparable(&back.values[1]), comparable(&b));
    assert!(to_xml(&[]).contains("<values"));
}

// ---------------------------------------------------------------------------
// Detection, bytes, limits, JSON, robustness
// ---------------------------------------------------------------------------

#[test]
fn detection_of_each_fixture() {
    for (name, f) in [
        ("ocpp/16_meter_values_plain.json", InputFormat::OcppMessage),
        (
            "ocpp/16_stop_transaction_envelope.json",
            InputFormat::OcppMessage,
        ),
        (
            "ocpp/201_transaction_event_base64.json",
            InputFormat::OcppMessage,
        ),
        ("ocpp/multi_station.log", InputFormat::OcppLog),
        ("ocpp/array_log.json", InputFormat::OcppLog),
        ("ocpp/records.txt", InputFormat::OcmfText),
        ("ocpp/hex_records.txt", InputFormat::HexText),
        ("ocpp/ptb_container.json", InputFormat::PtbJson),
        ("xml/tps_namespace.xml", InputFormat::TpsXml),
    ] {
        assert_eq!(detect(&data(name)), f, "{name}");
    }
    assert_eq!(detect(" \n\t"), InputFormat::Empty);
    assert_eq!(detect("hello"), InputFormat::Unknown);
    assert_eq!(detect("\u{feff}OCMF|{}|{}"), InputFormat::OcmfText);
}

#[test]
fn empty_unknown_and_non_utf8_input() {
    let x = extract("");
    assert_eq!(x.format, InputFormat::Empty);
    assert_eq!(x.errors[0].code, ErrorCode::EmptyInput);
    let x = extract("\n\nhello world\n");
    assert_eq!(x.format, InputFormat::Unknown);
    assert_eq!(
        (x.errors[0].code, x.errors[0].line),
        (ErrorCode::TransportFormat, Some(3))
    );
    let x = extract_bytes(b"OCMF|{}|{}\nOCMF|{\"a\":\"\xff\"}|{}");
    assert!(x.values.is_empty());
    assert_eq!(
        (x.errors[0].code, x.errors[0].line),
        (ErrorCode::NotUtf8, Some(2))
    );
    let vs = vectors();
    let x = extract_bytes(vs[KEBA1].ocmf.as_bytes());
    assert_record(one(&x), KEBA1, &vs);
}

#[test]
fn input_size_cap() {
    let big = "x".repeat(MAX_INPUT_BYTES + 1);
    let x = extract(&big);
    assert_eq!(x.errors.len(), 1);
    assert_eq!(x.errors[0].code, ErrorCode::TooLarge);
    assert_eq!(
        extract_bytes(big.as_bytes()).errors[0].code,
        ErrorCode::TooLarge
    );
}

#[test]
fn ordering_falls_back_to_time_then_input_order() {
    // Records without pagination (unparseable on purpose) in one transaction.
    let mv = |id: &str, ts: &str, rec: &str| {
        serde_json::json!([2, id, "MeterValues", {"connectorId": 1, "transactionId": 3, "meterValue": [
            {"timestamp": ts, "sampledValue": [{"value": rec, "format": "SignedData"}]}]}])
        .to_string()
    };
    let log = [
        mv("1", "2024-01-01T10:00:00+02:00", "OCMF|late"),
        mv("2", "2024-01-01T07:30:00Z", "OCMF|early"),
    ]
    .join("\n");
    let x = extract(&log);
    assert_eq!(x.groups()[0].values, [1, 0], "08:00Z after 07:30Z");
    let log = [
        mv("1", "not a time", "OCMF|a"),
        mv("2", "2024-01-01T07:30:00Z", "OCMF|b"),
    ]
    .join("\n");
    assert_eq!(extract(&log).groups()[0].values, [0, 1]);
}

#[test]
fn json_output_mirrors_the_extraction() {
    let x = extract(&data("ocpp/multi_station.log"));
    let j: Value = serde_json::from_str(&x.to_json_string()).unwrap();
    assert_eq!(j["format"], "ocpp-log");
    assert_eq!(j["duplicates"], 2);
    assert_eq!(j["values"].as_array().unwrap().len(), x.values.len());
    for (jv, v) in j["values"].as_array().unwrap().iter().zip(&x.values) {
        assert_eq!(jv["record"], v.record.as_str());
        assert_eq!(jv["transport"], v.transport.as_str());
        assert_eq!(jv["origin"]["line"], v.origin.line.unwrap());
    }
    assert_eq!(j["errors"][0]["code"], 805);
    assert_eq!(j["errors"][0]["line"], 9);
    assert_eq!(j["groups"][0]["values"], serde_json::json!([0, 3, 2]));
    let names: Vec<_> = Transport::ALL.iter().map(|t| t.as_str()).collect();
    let mut dedup = names.clone();
    dedup.sort_unstable();
    dedup.dedup();
    assert_eq!(dedup.len(), names.len(), "stable names are unique");
}

#[test]
fn every_prefix_of_every_fixture_is_handled() {
    for name in [
        "ocpp/multi_station.log",
        "ocpp/16_stop_transaction_envelope.json",
        "ocpp/201_transaction_event_base64.json",
        "ocpp/array_log.json",
        "ocpp/records.txt",
        "ocpp/ptb_container.json",
        "xml/tps_namespace.xml",
    ] {
        let text = data(name);
        let full = extract(&text).values.len();
        let mut cut = 0;
        while cut < text.len() {
            if let Some(prefix) = text.get(..cut) {
                let x = extract(prefix);
                assert!(x.values.len() <= full + 1, "{name} cut at {cut}");
            }
            cut += 17;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC*") {
        let _ = extract(&s);
        let _ = detect(&s);
    }

    #[test]
    fn never_panics_on_mutated_logs(pos in 0usize..14_000, byte in any::<u8>(), del in 0usize..40) {
        let mut bytes = data("ocpp/multi_station.log").into_bytes();
        let p = pos % bytes.len();
        bytes[p] = byte;
        let end = (p + del).min(bytes.len());
        bytes.drain(p..end);
        let x = extract_bytes(&bytes);
        let _ = x.groups();
        let _ = x.to_json_string();
        let _ = x.to_xml();
    }

    #[test]
    fn never_panics_on_frame_like_lines(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("[2,".to_owned()), Just("[3,".to_owned()), Just("{\"message\":".to_owned()),
                Just("\"MeterValues\"".to_owned()), Just("{\"meterValue\":[".to_owned()),
                Just("\"signedMeterValue\":{".to_owned()), Just("OCMF|".to_owned()),
                Just("<values><value>".to_owned()), Just("]".to_owned()), Just("}".to_owned()),
                Just("\n".to_owned()), "[a-z0-9\" ,:]{0,8}",
            ],
            0..40,
        )
    ) {
        let s: String = parts.concat();
        let x = extract(&s);
        let _ = x.groups();
    }
}
