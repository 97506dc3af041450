//! Roaming charge detail records (OCPI 2.2.1 / 2.3, OICP 2.3): reading,
//! sessions, keys, billed against signed energy, plain data.
//!
//! The fixtures under `tests/data/cdr/` are written by
//! `tests/data/cdr/generate.py` from `vectors/real.jsonl`. Every extracted
//! record is compared byte for byte with the corpus record; the expected
//! verdicts, lines and energies below are written by hand from the fixtures.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;

use ocmf_core::registry::Registry;
use ocmf_core::session::SessionVerdict;
use ocmf_core::transport::{
    Extraction, GroupReport, InputFormat, Transport, detect, extract, to_xml,
};
use ocmf_core::{Checker, ErrorCode, FindingCode, KeyInput, Lang, PublicKey, Verdict};
use serde_json::Value;

fn corpus() -> BTreeMap<String, (String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let key: String = v["public_key"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            (
                v["id"].as_str().unwrap().to_owned(),
                (v["ocmf"].as_str().unwrap().to_owned(), key),
            )
        })
        .collect()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/cdr/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn registry() -> Registry {
    Registry::load(&data("registry.csv")).unwrap()
}

const BSM_B: &str = "chargy-chargeit-bsm-ocmf-001";
const BSM_E: &str = "chargy-chargeit-bsm-ocmf-002";
const DZG_B: &str = "tps-ebee01-001";
const DZG_E: &str = "tps-ebee01-002";
const LEM: &str = "tps-vw-lem-001";
const WEB: &str = "tps-fromweb-001";

fn sessions<'e>(x: &'e Extraction, reg: Option<&Registry>) -> Vec<GroupReport<'e>> {
    Checker::new()
        .registry(reg)
        .sessions(x, KeyInput::None)
        .unwrap()
}

fn one_session<'e>(x: &'e Extraction, reg: Option<&Registry>) -> GroupReport<'e> {
    let mut s = sessions(x, reg);
    assert_eq!(s.len(), 1, "{:#?}", x.groups());
    s.remove(0)
}

fn codes(g: &GroupReport<'_>) -> Vec<FindingCode> {
    g.report.findings.iter().map(|f| f.finding.code).collect()
}

/// The values are exactly these corpus records, in this order.
fn records_are(x: &Extraction, ids: &[&str]) {
    let c = corpus();
    let got: Vec<&str> = x.values.iter().map(|v| v.record.as_str()).collect();
    let want: Vec<&str> = ids.iter().map(|i| c[*i].0.as_str()).collect();
    assert_eq!(got, want);
}

fn billed_json(g: &GroupReport<'_>) -> Value {
    g.report.to_json(Lang::En)["billed"].clone()
}

// ---------------------------------------------------------------------------
// OCPI
// ---------------------------------------------------------------------------

#[test]
fn ocpi_start_end_base64_with_key_in_the_cdr() {
    let x = extract(&data("ocpi_cdr_base64.json"));
    assert_eq!(x.format, InputFormat::OcpiCdr);
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    records_are(&x, &[BSM_B, BSM_E]);
    let c = corpus();
    let corpus_key = PublicKey::parse(&c[BSM_B].1).unwrap();
    for (v, ctx) in x
        .values
        .iter()
        .zip(["Transaction.Begin", "Transaction.End"])
    {
        assert_eq!(v.transport, Transport::OcpiBase64);
        assert_eq!(v.context.as_deref(), Some(ctx));
        assert_eq!(v.transaction_id.as_deref(), Some("CDR-BSM-1"));
        assert_eq!(v.station.as_deref(), Some("LOC1"));
        assert_eq!(v.evse_id.as_deref(), Some("DE*ABC*E000001"));
        assert_eq!(v.token.as_deref(), Some("012345678"));
        assert_eq!(v.billed_kwh.unwrap().to_string(), "0.15");
        let carried = PublicKey::parse(v.public_key.as_deref().unwrap()).unwrap();
        assert_eq!(carried.sec1_bytes(), corpus_key.sec1_bytes());
    }
    // The carried key verifies, but without a registry it proves nothing.
    let g = one_session(&x, None);
    assert_eq!(g.report.verdict, SessionVerdict::Valid);
    assert!(codes(&g).contains(&FindingCode::SessionKeyUntrusted));
    assert!(!codes(&g).contains(&FindingCode::PlainDataMismatch));
    assert_eq!(g.group.evse_id.as_deref(), Some("DE*ABC*E000001"));
    assert_eq!(g.group.token.as_deref(), Some("012345678"));
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": true, "billed_kwh": "0.15", "signed_kwh": "0.150"})
    );
    // The registry agrees with the carried key: trusted, no warning.
    let reg = registry();
    let g = one_session(&x, Some(&reg));
    assert_eq!(g.report.verdict, SessionVerdict::Valid);
    assert_eq!(g.report.trust.as_ref().map(|t| t.as_str()), Some("trusted"));
    assert!(!codes(&g).contains(&FindingCode::SessionKeyUntrusted));
}

#[test]
fn ocpi_raw_signed_data_without_key_needs_the_registry() {
    let x = extract(&data("ocpi_cdr_raw_no_key.json"));
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    records_are(&x, &[DZG_B, DZG_E]);
    assert!(x.values.iter().all(|v| v.transport == Transport::OcpiRaw));
    assert!(x.values.iter().all(|v| v.public_key.is_none()));
    let g = one_session(&x, None);
    assert_eq!(g.report.verdict, SessionVerdict::Incomplete);
    assert!(codes(&g).contains(&FindingCode::SessionSignatureUnchecked));
    let reg = registry();
    let g = one_session(&x, Some(&reg));
    assert_eq!(g.report.verdict, SessionVerdict::Valid, "{:?}", codes(&g));
    assert_eq!(g.report.trust.as_ref().map(|t| t.as_str()), Some("trusted"));
    // total_energy 0 (no decimals) against 0.000 signed.
    assert_eq!(g.report.billed.unwrap().agrees, Some(true));
}

#[test]
fn ocpi_carried_key_other_than_the_registered_one_is_a_mismatch() {
    let x = extract(&data("ocpi_cdr_base64.json"));
    let c = corpus();
    // The registry holds the DZG meter's key for the BSM meter's serial.
    let text = format!("meter_serial,public_key\n001BZR1521070003,{}\n", c[DZG_B].1);
    let reg = Registry::load(&text).unwrap();
    let g = one_session(&x, Some(&reg));
    assert!(
        codes(&g).contains(&FindingCode::SessionKeyMismatch),
        "{:?}",
        codes(&g)
    );
    assert_ne!(g.report.trust.as_ref().map(|t| t.as_str()), Some("trusted"));
}

#[test]
fn ocpi_one_record_with_begin_and_end() {
    let x = extract(&data("ocpi_cdr_single_be.json"));
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    records_are(&x, &[LEM]);
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Valid, "{:?}", codes(&g));
    // The exact text 1.10 is kept, and 1.101 rounds to it.
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": true, "billed_kwh": "1.10", "signed_kwh": "1.101"})
    );
}

#[test]
fn ocpi_tampered_value_is_an_invalid_signature_not_unreadable() {
    let x = extract(&data("ocpi_cdr_tampered.json"));
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(x.values.len(), 2);
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Invalid);
    assert!(codes(&g).contains(&FindingCode::SessionSignatureInvalid));
    let verdicts: Vec<Verdict> = g.report.records.iter().map(|r| r.checked.verdict).collect();
    assert_eq!(verdicts, [Verdict::Valid, Verdict::InvalidSignature]);
    // Billed agrees with the (tampered) readings: the signature alone decides.
    assert!(!codes(&g).contains(&FindingCode::BilledEnergyMismatch));
}

#[test]
fn ocpi_billed_is_not_signed() {
    let x = extract(&data("ocpi_cdr_billed_mismatch.json"));
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Invalid);
    let f = g
        .report
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::BilledEnergyMismatch)
        .unwrap();
    assert_eq!(
        f.detail.as_deref(),
        Some("billed 1.11 kWh, signed 1.101 kWh")
    );
    assert_eq!(f.finding.severity, ocmf_core::Severity::Error);
    assert_eq!(g.report.code(), ErrorCode::SessionInconsistent);
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": false, "billed_kwh": "1.11", "signed_kwh": "1.101"})
    );
    let v = g.to_json(Lang::De);
    let text = v["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "billed_energy_mismatch")
        .unwrap()["message"]["de"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(text.contains("abgerechnete Energie"), "{text}");
}

#[test]
fn ocpi_missing_end_is_incomplete_and_billed_not_comparable() {
    let x = extract(&data("ocpi_cdr_missing_end.json"));
    records_are(&x, &[BSM_B]);
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Incomplete);
    assert!(codes(&g).contains(&FindingCode::SessionMissingEnd));
    assert!(!codes(&g).contains(&FindingCode::BilledEnergyMismatch));
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": null, "billed_kwh": "0.15", "signed_kwh": null})
    );
}

#[test]
fn ocpi_plain_data_other_than_the_payload_is_a_warning() {
    let x = extract(&data("ocpi_cdr_plain_mismatch.json"));
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Valid);
    let f: Vec<_> = g
        .report
        .findings
        .iter()
        .filter(|f| f.finding.code == FindingCode::PlainDataMismatch)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].record, Some(1));
    assert_eq!(f[0].finding.severity, ocmf_core::Severity::Warning);
}

#[test]
fn ocpi_page_with_a_non_ocmf_cdr() {
    let x = extract(&data("ocpi_cdrs_page.json"));
    assert_eq!(x.format, InputFormat::OcpiCdr);
    assert_eq!(x.errors.len(), 1, "{:?}", x.errors);
    let e = &x.errors[0];
    assert_eq!(e.code, ErrorCode::UnsupportedEncoding);
    assert_eq!(e.line, Some(73));
    assert!(e.message.contains("CDR-ALFEN-1"), "{e}");
    assert!(e.message.contains("GraphDefined"), "{e}");
    records_are(&x, &[BSM_B, BSM_E, WEB]);
    assert_eq!(x.values[2].transport, Transport::OcpiRaw);
    assert_eq!(x.values[0].origin.line, Some(3));
    assert_eq!(x.values[2].origin.line, Some(138));
    let s = sessions(&x, Some(&registry()));
    let ids: Vec<_> = s
        .iter()
        .map(|g| g.group.transaction_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["CDR-BSM-1", "CDR-WEB-3"]);
    assert!(s.iter().all(|g| g.report.verdict == SessionVerdict::Valid));
}

#[test]
fn ocpi_json_lines_report_the_bad_line_and_read_the_rest() {
    let x = extract(&data("ocpi_cdrs.jsonl"));
    assert_eq!(x.format, InputFormat::OcpiCdr);
    assert_eq!(x.errors.len(), 1);
    assert_eq!(
        (x.errors[0].code, x.errors[0].line),
        (ErrorCode::TransportFormat, Some(2))
    );
    records_are(&x, &[BSM_B, BSM_E, WEB]);
    assert_eq!(x.values[2].origin.line, Some(3));
}

#[test]
fn ocpi_malformed_document_names_its_line() {
    let x = extract(&data("ocpi_cdr_malformed.json"));
    assert_eq!(x.format, InputFormat::OcpiCdr);
    assert!(x.values.is_empty());
    assert_eq!(x.errors.len(), 1);
    assert_eq!(
        (x.errors[0].code, x.errors[0].line),
        (ErrorCode::TransportFormat, Some(15))
    );
}

// ---------------------------------------------------------------------------
// OICP
// ---------------------------------------------------------------------------

#[test]
fn oicp_start_end_base64_with_key_in_the_cdr() {
    let x = extract(&data("oicp_cdr_base64.json"));
    assert_eq!(x.format, InputFormat::OicpCdr);
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    records_are(&x, &[BSM_B, BSM_E]);
    for (v, ctx) in x
        .values
        .iter()
        .zip(["Transaction.Begin", "Transaction.End"])
    {
        assert_eq!(v.transport, Transport::OicpBase64);
        assert_eq!(v.context.as_deref(), Some(ctx));
        assert_eq!(v.transaction_id.as_deref(), Some("b2c3d4e5-0001"));
        assert_eq!(v.evse_id.as_deref(), Some("DE*XYZ*ETEST1"));
        assert_eq!(v.token.as_deref(), Some("1234ABCD"));
        assert_eq!(v.station, None);
        assert!(v.public_key.is_some());
    }
    let g = one_session(&x, None);
    assert_eq!(g.report.verdict, SessionVerdict::Valid);
    assert!(codes(&g).contains(&FindingCode::SessionKeyUntrusted));
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.trust.as_ref().map(|t| t.as_str()), Some("trusted"));
    assert_eq!(g.report.billed.unwrap().agrees, Some(true));
}

#[test]
fn oicp_raw_values_under_a_text_encoding_name_and_the_registry_key() {
    // The specification's example writes "UTF-8" as the encoding format.
    let x = extract(&data("oicp_cdr_raw_no_key.json"));
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    records_are(&x, &[DZG_B, DZG_E]);
    assert!(x.values.iter().all(|v| v.transport == Transport::OicpRaw));
    assert_eq!(
        one_session(&x, None).report.verdict,
        SessionVerdict::Incomplete
    );
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Valid, "{:?}", codes(&g));
    assert_eq!(g.report.trust.as_ref().map(|t| t.as_str()), Some("trusted"));
}

#[test]
fn oicp_one_record_with_begin_and_end() {
    let x = extract(&data("oicp_cdr_single_be.json"));
    records_are(&x, &[WEB]);
    let g = one_session(&x, None);
    assert_eq!(g.report.verdict, SessionVerdict::Valid, "{:?}", codes(&g));
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": true, "billed_kwh": "0.000", "signed_kwh": "0.0001"})
    );
}

#[test]
fn oicp_tampered_value_is_an_invalid_signature() {
    let x = extract(&data("oicp_cdr_tampered.json"));
    assert!(x.errors.is_empty());
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Invalid);
    assert!(codes(&g).contains(&FindingCode::SessionSignatureInvalid));
    assert_eq!(
        g.report.records[1].checked.verdict,
        Verdict::InvalidSignature
    );
}

#[test]
fn oicp_billed_is_not_signed() {
    let x = extract(&data("oicp_cdr_billed_mismatch.json"));
    let g = one_session(&x, None);
    assert_eq!(g.report.verdict, SessionVerdict::Invalid);
    assert!(codes(&g).contains(&FindingCode::BilledEnergyMismatch));
    assert_eq!(
        billed_json(&g),
        serde_json::json!({"agrees": false, "billed_kwh": "0.001", "signed_kwh": "0.0001"})
    );
}

#[test]
fn oicp_missing_end() {
    let x = extract(&data("oicp_cdr_missing_end.json"));
    let g = one_session(&x, Some(&registry()));
    assert_eq!(g.report.verdict, SessionVerdict::Incomplete);
    assert!(!codes(&g).contains(&FindingCode::BilledEnergyMismatch));
    assert_eq!(billed_json(&g)["agrees"], Value::Null);
    assert_eq!(billed_json(&g)["billed_kwh"], "0.15");
}

#[test]
fn oicp_page_with_a_non_ocmf_cdr() {
    let x = extract(&data("oicp_cdrs_page.json"));
    assert_eq!(x.format, InputFormat::OicpCdr);
    assert_eq!(x.errors.len(), 1, "{:?}", x.errors);
    let e = &x.errors[0];
    assert_eq!((e.code, e.line), (ErrorCode::UnsupportedEncoding, Some(39)));
    assert!(e.message.contains("b2c3d4e5-0007") && e.message.contains("chargeIT Mobility"));
    records_are(&x, &[BSM_B, BSM_E, WEB]);
    let s = sessions(&x, Some(&registry()));
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].group.evse_id.as_deref(), Some("DE*XYZ*ETEST3"));
    assert!(s.iter().all(|g| g.report.verdict == SessionVerdict::Valid));
}

#[test]
fn oicp_notifications_as_json_lines() {
    let x = extract(&data("oicp_notifications.jsonl"));
    assert_eq!(x.format, InputFormat::OicpCdr);
    // Line 1 (Start) and line 4 (End without signed values) carry nothing; line 3 is broken.
    assert_eq!(x.errors.len(), 1, "{:?}", x.errors);
    assert_eq!(x.errors[0].line, Some(3));
    records_are(&x, &[BSM_B, BSM_E]);
    assert!(x.values.iter().all(|v| v.origin.line == Some(2)));
    assert_eq!(
        one_session(&x, None).group.transaction_id.as_deref(),
        Some("b2c3d4e5-0008")
    );
}

#[test]
fn oicp_malformed_document_names_its_line() {
    let x = extract(&data("oicp_cdr_malformed.json"));
    assert_eq!(x.format, InputFormat::OicpCdr);
    assert_eq!(x.errors.len(), 1);
    assert_eq!(x.errors[0].line, Some(6));
}

// ---------------------------------------------------------------------------
// Both, and everything else
// ---------------------------------------------------------------------------

#[test]
fn every_fixture_is_detected_as_its_protocol() {
    for (name, f) in [
        ("ocpi_cdr_base64.json", InputFormat::OcpiCdr),
        ("ocpi_cdrs_page.json", InputFormat::OcpiCdr),
        ("ocpi_cdrs.jsonl", InputFormat::OcpiCdr),
        ("ocpi_cdr_malformed.json", InputFormat::OcpiCdr),
        ("oicp_cdr_base64.json", InputFormat::OicpCdr),
        ("oicp_cdrs_page.json", InputFormat::OicpCdr),
        ("oicp_notifications.jsonl", InputFormat::OicpCdr),
        ("oicp_cdr_malformed.json", InputFormat::OicpCdr),
    ] {
        assert_eq!(detect(&data(name)), f, "{name}");
    }
    // A bare JSON array of CDRs is a list of CDRs too.
    let cdr = data("ocpi_cdr_single_be.json");
    let x = extract(&format!("[{cdr}, {cdr}]"));
    assert_eq!(x.format, InputFormat::OcpiCdr);
    assert_eq!((x.values.len(), x.duplicates), (1, 1));
}

#[test]
fn transport_names_round_trip() {
    for t in [
        Transport::OcpiRaw,
        Transport::OcpiBase64,
        Transport::OcpiHex,
        Transport::OicpRaw,
        Transport::OicpBase64,
        Transport::OicpHex,
    ] {
        assert!(Transport::ALL.contains(&t));
        assert!(t.is_cdr());
        assert_eq!(Transport::from_name(t.as_str()), Some(t));
    }
    assert!(!Transport::Ocpp20Base64.is_cdr());
    assert_eq!(
        ErrorCode::from_code(807),
        Some(ErrorCode::UnsupportedEncoding)
    );
}

#[test]
fn cdrs_convert_to_tps_xml_and_back() {
    let x = extract(&data("oicp_cdrs_page.json"));
    let xml = to_xml(&x.values);
    let back = extract(&xml);
    assert_eq!(back.format, InputFormat::TpsXml);
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    let a: Vec<_> = x
        .values
        .iter()
        .map(|v| (&v.record, &v.transaction_id, &v.context))
        .collect();
    let b: Vec<_> = back
        .values
        .iter()
        .map(|v| (&v.record, &v.transaction_id, &v.context))
        .collect();
    assert_eq!(a, b);
}

#[test]
fn extraction_json_carries_the_cdr_fields() {
    let x = extract(&data("ocpi_cdr_single_be.json"));
    let g = sessions(&x, None);
    let v = x.json_with_sessions(&g, Lang::En);
    let val = &v["extraction"]["values"][0];
    assert_eq!(val["billed_kwh"], "1.10");
    assert_eq!(val["evse_id"], "DE*ABC*E000001");
    assert_eq!(val["token"], "012345678");
    assert_eq!(val["transport"], "ocpi-base64");
    assert!(val["plain_data"].as_str().unwrap().starts_with('{'));
    assert_eq!(v["extraction"]["groups"][0]["evse_id"], "DE*ABC*E000001");
    assert_eq!(v["sessions"][0]["token"], "012345678");
    assert_eq!(v["sessions"][0]["report"]["billed"]["agrees"], true);
    assert_eq!(v["extraction"]["format"], "ocpi-cdr");
}

#[test]
fn sessions_not_from_a_cdr_have_no_billed_comparison() {
    let log = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/ocpp/stations.log"
    ))
    .unwrap();
    let x = extract(&log);
    let s = sessions(&x, None);
    assert!(!s.is_empty());
    for g in &s {
        assert!(g.report.billed.is_none());
        let v = g.to_json(Lang::En);
        assert_eq!(v["report"]["billed"], Value::Null);
        assert!(v["report"].as_object().unwrap().contains_key("billed"));
        assert_eq!(v["evse_id"], Value::Null);
        assert_eq!(v["token"], Value::Null);
    }
}

#[test]
fn broken_cdrs_never_panic_and_each_problem_is_an_error_entry() {
    // Every prefix of a page (bounded step): no panic, and never a value
    // that is not a corpus record.
    let c = corpus();
    let known: Vec<&str> = c.values().map(|(r, _)| r.as_str()).collect();
    for name in ["ocpi_cdrs_page.json", "oicp_cdrs_page.json"] {
        let text = data(name);
        for end in (0..text.len()).step_by(97) {
            let Some(prefix) = text.get(..end) else {
                continue;
            };
            let x = extract(prefix);
            assert!(x.values.iter().all(|v| known.contains(&v.record.as_str())));
        }
    }
    // CDRs with missing pieces: one error entry each, naming the CDR.
    let cases = [
        (
            r#"{"cdr_location":{"id":"L"},"total_energy":1}"#,
            "without id",
        ),
        (
            r#"{"id":"X1","cdr_location":{"id":"L"},"total_energy":1}"#,
            "X1 has no signed_data",
        ),
        (
            r#"{"id":"X2","total_energy":"abc","signed_data":{"encoding_method":"OCMF","signed_values":[]}}"#,
            "X2: total_energy is not a decimal",
        ),
        (
            r#"{"id":"X3","signed_data":{"encoding_method":"OCMF","signed_values":[{"nature":"End","signed_data":"not a record"}]}}"#,
            "X3: signed_values[0].signed_data",
        ),
        (
            r#"{"SessionID":"S1","EvseID":"E","ConsumedEnergy":1}"#,
            "S1 has no SignedMeteringValues",
        ),
    ];
    for (input, want) in cases {
        let x = extract(input);
        assert!(x.values.is_empty(), "{input}");
        assert!(
            x.errors
                .iter()
                .any(|e| e.message.contains(want) && e.line == Some(1)),
            "{input}: {:?}",
            x.errors
        );
    }
}
