//! The other formats (issue 19) inside the containers, as users have them:
//! S.A.F.E. XML (`<signedData format="ALFEN|SML_EDL40_P|…">`), OCPP 1.6
//! `SignedData` and 2.0.1 `signedMeterValue`, OCPI `signed_data` and OICP
//! `SignedMeteringValues`. The fixtures (`data/containers/`, written by its
//! `generate.py`) wrap the real shared samples; `manifest.json` names the
//! sample of each value. Every value must come out with its sample's format,
//! and its check in the extraction's sessions must be the check of the
//! sample's raw value with the sample's key: the container changes nothing.

use std::collections::BTreeMap;

use ocmf_core::formats::{Format, KeyOrigin};
use ocmf_core::transport::{self, Extraction, InputFormat, SignedValue, Transport};
use ocmf_core::{Checker, ErrorCode, KeyInput, Lang, Verdict};
use serde_json::Value;

const SAMPLES: &str = include_str!("data/formats/samples.jsonl");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/containers");

struct Sample {
    format: String,
    value: String,
    key: Option<String>,
}

fn samples() -> BTreeMap<String, Sample> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            let s = |k: &str| v[k].as_str().map(String::from);
            (
                s("id").unwrap(),
                Sample {
                    format: s("format").unwrap(),
                    value: s("signed_value").unwrap(),
                    key: s("public_key"),
                },
            )
        })
        .collect()
}

fn manifest() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(format!("{DIR}/manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn extract(name: &str) -> Extraction {
    transport::extract(&std::fs::read_to_string(format!("{DIR}/{name}")).unwrap())
}

#[test]
fn every_fixture_gives_each_sample_its_format_and_its_own_check() {
    let samples = samples();
    let checker = Checker::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut n = 0;
    for (name, ids) in manifest() {
        let x = extract(&name);
        assert!(x.errors.is_empty(), "{name}: {:#?}", x.errors);
        assert_eq!(x.values.len(), ids.len(), "{name}");
        let groups = checker.sessions(&x, KeyInput::None).unwrap();
        let checks: BTreeMap<usize, _> = groups
            .iter()
            .flat_map(|g| g.formats.iter().map(|f| (f.value, &f.check)))
            .collect();
        assert_eq!(checks.len(), ids.len(), "{name}: every value checked once");
        for (i, (v, id)) in x.values.iter().zip(&ids).enumerate() {
            let s = &samples[id];
            let format = v
                .format
                .unwrap_or_else(|| panic!("{name}: {id} read as OCMF"));
            assert_eq!(format.as_str(), s.format, "{name}: {id}");
            let direct =
                checker.verify_format(s.value.as_bytes(), KeyInput::text(s.key.as_deref()));
            let got = checks[&i];
            assert_eq!(got.verdict(), direct.verdict(), "{name}: {id}");
            assert_eq!(got.code(), direct.code(), "{name}: {id}");
            assert_eq!(got.value, direct.value, "{name}: {id}: the same value read");
            // A key the container carries is a carried key, like one inside the value.
            if let Some((_, origin)) = &got.report.key {
                assert_eq!(*origin, KeyOrigin::Carried, "{name}: {id}");
            }
            seen.insert(format.as_str());
            n += 1;
        }
    }
    // ChargePoint travels as its two files: S.A.F.E., OCPP and the roaming
    // specifications name no container for it.
    let carried: Vec<&str> = Format::ALL
        .iter()
        .filter(|f| **f != Format::ChargePoint)
        .map(|f| f.as_str())
        .collect();
    assert_eq!(
        seen.iter().copied().collect::<Vec<_>>(),
        carried
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>(),
        "every format in some container"
    );
    assert!(n >= 40, "{n}");
}

#[test]
fn the_containers_are_detected_and_name_their_transports() {
    let cases = [
        ("safe_alfen.xml", InputFormat::TpsXml, Transport::TpsXml),
        (
            "ocpp16_meter_values.json",
            InputFormat::OcppMessage,
            Transport::Ocpp16Plain,
        ),
        (
            "ocpp201_transaction_event.json",
            InputFormat::OcppMessage,
            Transport::Ocpp20Base64,
        ),
        (
            "ocpi_alfen.json",
            InputFormat::OcpiCdr,
            Transport::OcpiBase64,
        ),
        (
            "oicp_sig_only.json",
            InputFormat::OicpCdr,
            Transport::OicpRaw,
        ),
    ];
    for (name, format, first) in cases {
        let x = extract(name);
        assert_eq!(x.format, format, "{name}");
        assert_eq!(x.values[0].transport, first, "{name}");
    }
    // 1.6: raw, hex-decoded to the PCDF text, and the OCA envelope.
    let x = extract("ocpp16_meter_values.json");
    let t: Vec<Transport> = x.values.iter().map(|v| v.transport).collect();
    assert_eq!(
        t,
        [
            Transport::Ocpp16Plain,
            Transport::Ocpp16Hex,
            Transport::Ocpp16Envelope
        ]
    );
    assert!(x.values[1].record.starts_with("128.8.0("), "hex decoded");
    assert!(x.values[2].public_key.is_some(), "the envelope's key");
    // 2.0.1: the SML frame stays the base64 text its reader reads.
    let x = extract("ocpp201_transaction_event.json");
    assert!(x.values[0].record.starts_with("GxsbGwEBAQ"));
    assert!(x.values[1].record.starts_with("AP;1;3;"), "base64 decoded");
    assert_eq!(x.values[0].transaction_id.as_deref(), Some("tx-20"));
}

/// extract → to_xml → extract gives the same values: the S.A.F.E. format
/// and the value text survive, as the key, context and transaction do.
#[test]
fn convert_to_xml_round_trips_every_format_value() {
    let fields = |v: &SignedValue| {
        (
            v.record.clone(),
            v.format,
            v.public_key.clone(),
            v.context.clone(),
            v.transaction_id.clone(),
        )
    };
    for name in manifest().keys() {
        let x = extract(name);
        let xml = x.to_xml();
        let back = transport::extract(&xml);
        assert!(back.errors.is_empty(), "{name}: {:#?}", back.errors);
        let a: Vec<_> = x.values.iter().map(fields).collect();
        let b: Vec<_> = back.values.iter().map(fields).collect();
        assert_eq!(a, b, "{name}");
        assert_eq!(back.to_xml(), xml, "{name}: the XML is a fixed point");
        for v in &x.values {
            let safe = match v.format.unwrap() {
                Format::Edl40 => "EDL_40_P",
                Format::IsaEdl40 => "ISA_EDL_40_P",
                Format::SmlSignatureOnly => "EDL_40_SIG",
                Format::EdlMennekes => "EDL_40_MENNEKES",
                other => other.as_str(),
            };
            assert!(
                xml.contains(&format!("format=\"{safe}\"")),
                "{name}: {safe}"
            );
        }
    }
}

#[test]
fn the_json_names_the_format_and_holds_the_checks() {
    let x = extract("ocpi_alfen.json");
    let json = x.to_json();
    for v in json["values"].as_array().unwrap() {
        assert_eq!(v["format"], "ALFEN");
    }
    let groups = Checker::new().sessions(&x, KeyInput::None).unwrap();
    assert_eq!(groups.len(), 1);
    assert!(!groups[0].has_ocmf());
    let j = x.json_with_sessions(&groups, Lang::En);
    let formats = j["sessions"][0]["formats"].as_array().unwrap();
    assert_eq!(formats.len(), 2);
    for (i, f) in formats.iter().enumerate() {
        assert_eq!(f["value"], i);
        assert_eq!(f["check"]["format"], "ALFEN");
        assert_eq!(f["check"]["verdict"], "valid");
        assert_eq!(f["check"]["key"]["source"], "carried");
    }
    // OCMF values name no format.
    let ocmf = transport::extract(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/cdr/ocpi_cdr_base64.json"
        ))
        .unwrap(),
    );
    assert!(ocmf.values.iter().all(|v| v.format.is_none()));
    assert!(ocmf.to_json()["values"][0]["format"].is_null());
    let g = Checker::new().sessions(&ocmf, KeyInput::None).unwrap();
    assert!(g[0].formats.is_empty() && g[0].has_ocmf());
}

#[test]
fn a_users_key_overrides_the_carried_one_and_a_tampered_value_is_invalid() {
    let x = extract("ocpi_edl40.json");
    let samples = samples();
    // The wrong key (the ISA meter's) for the EMOC values: no signature verifies.
    let other = samples["isa_edl40-029"].key.clone().unwrap();
    let groups = Checker::new().sessions(&x, KeyInput::Text(&other)).unwrap();
    for f in &groups[0].formats {
        assert_ne!(f.check.verdict(), Verdict::Valid);
        assert_eq!(f.check.report.key.as_ref().unwrap().1, KeyOrigin::Caller);
    }
    // One character of the signed part changed inside the container.
    let text = std::fs::read_to_string(format!("{DIR}/ocpi_alfen.json")).unwrap();
    let mut cdr: Value = serde_json::from_str(&text).unwrap();
    let sv = &mut cdr["signed_data"]["signed_values"][0]["signed_data"];
    let line = String::from_utf8(
        <base64ct::Base64 as base64ct::Encoding>::decode_vec(sv.as_str().unwrap()).unwrap(),
    )
    .unwrap();
    let fields: Vec<&str> = line.split(';').collect();
    let mut data = fields[4].to_owned();
    // A different base32 letter in the data set.
    let c = data.remove(10);
    data.insert(10, if c == 'A' { 'B' } else { 'A' });
    let tampered = [&fields[..4], &[data.as_str()], &fields[5..]]
        .concat()
        .join(";");
    *sv = Value::from(<base64ct::Base64 as base64ct::Encoding>::encode_string(
        tampered.as_bytes(),
    ));
    let x = transport::extract(&cdr.to_string());
    let groups = Checker::new().sessions(&x, KeyInput::None).unwrap();
    assert_eq!(
        groups[0].formats[0].check.verdict(),
        Verdict::InvalidSignature
    );
    assert_eq!(groups[0].formats[1].check.verdict(), Verdict::Valid);
    // The group's format session is invalid, with the value's own code.
    let fs = groups[0].format_session.as_ref().unwrap();
    assert_eq!(
        groups[0].verdict(),
        ocmf_core::session::SessionVerdict::Invalid
    );
    assert_eq!(fs.code(), ErrorCode::InvalidSignature, "{fs:#?}");
}

#[test]
fn unknown_encodings_stay_errors_and_broken_values_are_the_formats_answer() {
    // OCPI: a name that is no format stays 807.
    let text = std::fs::read_to_string(format!("{DIR}/ocpi_alfen.json")).unwrap();
    let x = transport::extract(&text.replace("Alfen Eichrecht", "GraphDefined"));
    assert_eq!(x.errors.len(), 1);
    assert_eq!(x.errors[0].code, ErrorCode::UnsupportedEncoding);
    assert!(x.values.is_empty());
    // S.A.F.E.: a format name nobody knows is 806; a known one over a value
    // that is not that format is kept and the format check says why.
    let xml = std::fs::read_to_string(format!("{DIR}/safe_pcdf.xml")).unwrap();
    let x = transport::extract(&xml.replace("format=\"PCDF\"", "format=\"NOPE\""));
    assert!(x.values.is_empty());
    assert!(x.errors.iter().all(|e| e.code == ErrorCode::XmlFormat));
    let bad = "<values><value><signedData format=\"ALFEN\" encoding=\"plain\">not a value</signedData></value></values>";
    let x = transport::extract(bad);
    assert!(x.errors.is_empty(), "{:#?}", x.errors);
    assert_eq!(x.values[0].format, Some(Format::Alfen));
    let g = Checker::new().sessions(&x, KeyInput::None).unwrap();
    assert_eq!(g[0].formats[0].check.verdict(), Verdict::Malformed);
    assert_eq!(g[0].formats[0].check.code(), "format_unrecognised");
    // The routing rule: OCMF anywhere is OCMF; a format named is a format.
    assert_eq!(transport::value_format(b"AP;0;3;"), Some(Format::Alfen));
    assert_eq!(transport::value_format(b"x OCMF|{}"), None);
    assert_eq!(transport::value_format(b"plain text"), None);
}

/// A group's values in other formats are one format session: the same
/// answer as [`Checker::format_session`] on the samples' raw values, and
/// the group's verdict is that session's.
#[test]
fn a_group_of_format_values_is_checked_as_one_format_session() {
    use ocmf_core::session::SessionVerdict;
    let samples = samples();
    let checker = Checker::new();
    for (name, pair, kwh) in [
        ("ocpi_alfen.json", ["alfen-011", "alfen-012"], "2100.000"),
        ("ocpi_edl40.json", ["edl40-025", "edl40-026"], "0.0019"),
        (
            "oicp_sig_only.json",
            ["sml_signature_only-037", "sml_signature_only-038"],
            "1.0451",
        ),
    ] {
        let x = extract(name);
        let groups = checker.sessions(&x, KeyInput::None).unwrap();
        assert_eq!(groups.len(), 1, "{name}");
        let g = &groups[0];
        let fs = g.format_session.as_ref().expect(name);
        assert_eq!(fs.verdict, SessionVerdict::Valid, "{name}: {fs:#?}");
        assert_eq!(g.verdict(), SessionVerdict::Valid, "{name}");
        // The OCMF report of a group without OCMF values stays empty.
        assert_eq!(g.report.verdict, SessionVerdict::Malformed, "{name}");
        let energy = fs.energy.as_ref().expect(name);
        assert_eq!(energy.kwh.to_string(), kwh, "{name}");
        // The values are the group's, in the same order as `formats`.
        assert_eq!(fs.values.len(), g.formats.len(), "{name}");
        for (v, f) in fs.values.iter().zip(&g.formats) {
            assert_eq!(v.check, f.check, "{name}");
        }
        // The raw samples, with their own keys, give the same session.
        let key = samples[pair[0]].key.as_deref();
        let raw: Vec<&[u8]> = pair
            .iter()
            .map(|id| samples[*id].value.as_bytes())
            .collect();
        let direct = checker.format_session(&raw, KeyInput::text(key));
        assert_eq!(direct.verdict, fs.verdict, "{name}");
        assert_eq!(direct.energy, fs.energy, "{name}");
        assert_eq!(direct.meter_serial, fs.meter_serial, "{name}");
        assert_eq!(direct.start, fs.start, "{name}");
        assert_eq!(direct.end, fs.end, "{name}");
        // The JSON holds it, and the group's verdict.
        let j = x.json_with_sessions(&groups, Lang::En);
        let s = &j["sessions"][0];
        assert_eq!(s["verdict"], "valid", "{name}");
        assert_eq!(s["format_session"]["verdict"], "valid", "{name}");
        assert_eq!(s["format_session"]["energy"]["kwh"], kwh, "{name}");
        assert_eq!(s["report"]["verdict"], "malformed", "{name}");
    }
    // An OCMF group has no format session; its verdict is its report's.
    let ocmf = transport::extract(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/cdr/ocpi_cdr_base64.json"
        ))
        .unwrap(),
    );
    let g = checker.sessions(&ocmf, KeyInput::None).unwrap();
    assert!(g[0].format_session.is_none());
    assert_eq!(g[0].verdict(), g[0].report.verdict);
    let j = ocmf.json_with_sessions(&g, Lang::En);
    assert!(j["sessions"][0]["format_session"].is_null());
    assert_eq!(
        j["sessions"][0]["verdict"],
        j["sessions"][0]["report"]["verdict"]
    );
}

/// The same value carried twice with two different keys is two claims,
/// each checked; carried twice with one key (in any text) it is one value.
#[test]
fn a_value_carried_with_another_key_is_not_a_duplicate() {
    let xml = std::fs::read_to_string(format!("{DIR}/safe_edl40.xml")).unwrap();
    let start = xml.find("<value ").unwrap();
    let end = xml.find("</value>").unwrap() + "</value>".len();
    let one = &xml[start..end];
    let key_at = one.find("<publicKey encoding=\"hex\">").unwrap() + 26;
    let key_end = one.find("</publicKey>").unwrap();
    let key = &one[key_at..key_end];
    let same_key = one.replace(key, &key.replace(' ', "").to_lowercase());
    let other = samples()["isa_edl40-029"].key.clone().unwrap();
    let other_key = one.replace(key, &other);
    let doc = |vals: &[&str]| {
        format!(
            "<?xml version=\"1.0\"?><values xmlns=\"http://transparenz.software/schema/2018/07\">{}</values>",
            vals.concat()
        )
    };
    let x = transport::extract(&doc(&[one, &same_key]));
    assert!(x.errors.is_empty(), "{:#?}", x.errors);
    assert_eq!(
        (x.values.len(), x.duplicates),
        (1, 1),
        "one key in two texts"
    );
    let x = transport::extract(&doc(&[one, &other_key, &same_key]));
    assert_eq!(
        (x.values.len(), x.duplicates),
        (2, 1),
        "another key is another value"
    );
    let groups = Checker::new().sessions(&x, KeyInput::None).unwrap();
    let verdicts: Vec<Verdict> = groups
        .iter()
        .flat_map(|g| &g.formats)
        .map(|f| f.check.verdict())
        .collect();
    assert_eq!(verdicts.len(), 2);
    assert!(verdicts.contains(&Verdict::Valid), "{verdicts:?}");
    assert!(
        verdicts.iter().any(|v| *v != Verdict::Valid),
        "{verdicts:?}"
    );
}
