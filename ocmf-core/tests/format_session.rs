//! Sessions in the other formats (issue 19): `Checker::format_session` on
//! the shared real samples (`tests/data/formats/samples.jsonl`) that are the
//! start and end of one charging session, or carry both in one value, and
//! on honest changes of them: swapped order, two starts, two meters, a
//! changed digit inside the signed part.

use ocmf_core::formats::FormatSession;
use ocmf_core::registry::{KeyEntry, Registry, Trust};
use ocmf_core::session::SessionVerdict;
use ocmf_core::{Checker, ErrorCode, FindingCode, KeyInput, Lang, PublicKey};
use serde_json::Value;

const SAMPLES: &str = include_str!("data/formats/samples.jsonl");

/// (value, key) of the sample with this id.
fn sample(id: &str) -> (String, Option<String>) {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == id)
        .map(|v| {
            (
                v["signed_value"].as_str().unwrap().to_owned(),
                v["public_key"].as_str().map(String::from),
            )
        })
        .unwrap_or_else(|| panic!("no sample {id}"))
}

fn session_of(checker: &Checker<'_>, values: &[&str], key: Option<&str>) -> FormatSession {
    let bytes: Vec<&[u8]> = values.iter().map(|v| v.as_bytes()).collect();
    checker.format_session(&bytes, KeyInput::text(key))
}

/// The session of the samples with these ids (the first one's key, if given).
fn session(ids: &[&str]) -> FormatSession {
    let samples: Vec<(String, Option<String>)> = ids.iter().map(|id| sample(id)).collect();
    let values: Vec<&str> = samples.iter().map(|(v, _)| v.as_str()).collect();
    let key = samples.first().and_then(|(_, k)| k.as_deref());
    session_of(&Checker::new(), &values, key)
}

fn kwh(s: &FormatSession) -> Option<String> {
    s.energy.as_ref().map(|e| e.kwh.to_string())
}

fn codes(s: &FormatSession) -> Vec<FindingCode> {
    s.findings.iter().map(|f| f.finding.code).collect()
}

#[test]
fn real_start_and_stop_values_are_valid_sessions_with_their_exact_energy() {
    // (samples, format, meter, kWh, Wh, start, end)
    let cases: &[(&[&str], &str, &str, &str, &str)] = &[
        // Two Alfen lines of one transaction (ChargyCore ALFEN test data).
        (
            &["alfen-011", "alfen-012"],
            "ALFEN",
            "0A434841524759000001",
            "2100.000",
            "2100000",
        ),
        // Two telegrams of the new EMH eHZ meter (P-256, key given).
        (
            &["edl40-025", "edl40-026"],
            "EDL40",
            "0A01454D480000BA05B4",
            "0.0019",
            "1.9",
        ),
        // One ISA STOP telegram: start and stop counters in one value.
        (
            &["isa_edl40-029"],
            "ISA_EDL40",
            "09014953410000000001",
            "22.3294",
            "22329.4",
        ),
        // The ISA START telegram and the STOP telegram of the same transaction.
        (
            &["isa_edl40-030", "isa_edl40-029"],
            "ISA_EDL40",
            "09014953410000000001",
            "22.3294",
            "22329.4",
        ),
        (
            &["sml_signature_only-035", "sml_signature_only-036"],
            "SML_SIGNATURE_ONLY",
            "0901454D4800007EE035",
            "0.0001",
            "0.1",
        ),
        (
            &["sml_signature_only-037", "sml_signature_only-038"],
            "SML_SIGNATURE_ONLY",
            "0901454D4800008BA17F",
            "1.0451",
            "1045.1",
        ),
        // Mennekes: MeasurementStart and MeasurementEnd in one value.
        (
            &["edl_mennekes-045"],
            "EDL_MENNEKES",
            "0901454D4800005BAE2F",
            "0.1419",
            "141.9",
        ),
        (
            &["edl_mennekes-047"],
            "EDL_MENNEKES",
            "0901454D4800007F87B0",
            "0.0005",
            "0.5",
        ),
        // PCDF signs the session's energy itself, in kWh.
        (&["pcdf-054"], "PCDF", "12345678901", "3.276", "3276"),
        (
            &["emh_chargeit-062", "emh_chargeit-063"],
            "EMH_CHARGEIT",
            "0901454D4800007F9F3E",
            "0.6484",
            "648.4",
        ),
        // BAUER turn-on and turn-off snapshots (the total register), the
        // session's begin and end.
        (
            &["bsm_ws36a-066", "bsm_ws36a-067"],
            "BSM_WS36A",
            "001BZR1521070003",
            "0.020",
            "20",
        ),
        (
            &["bsm_ws36a-068", "bsm_ws36a-069"],
            "BSM_WS36A",
            "001BZR1521070006",
            "0.030",
            "30",
        ),
    ];
    for (ids, format, meter, kwh_text, wh_text) in cases {
        let s = session(ids);
        assert_eq!(
            s.verdict,
            SessionVerdict::Valid,
            "{ids:?}: {:?} {:?}",
            s.error,
            codes(&s)
        );
        assert_eq!(s.code(), ErrorCode::Ok, "{ids:?}");
        assert_eq!(s.format.map(|f| f.as_str()), Some(*format), "{ids:?}");
        assert_eq!(s.meter_serial.as_deref(), Some(*meter), "{ids:?}");
        let e = s.energy.as_ref().unwrap();
        assert_eq!(e.kwh.to_string(), *kwh_text, "{ids:?}");
        assert_eq!(e.wh.to_string(), *wh_text, "{ids:?}");
        // The energy is the end minus the begin, exactly.
        assert_eq!(e.end.checked_sub(e.begin), Some(e.value), "{ids:?}");
        assert!(s.end.is_some(), "{ids:?}");
        if *format != "PCDF" {
            let (start, end) = (s.start.as_ref().unwrap(), s.end.as_ref().unwrap());
            assert!(start.unix_ms <= end.unix_ms, "{ids:?}");
            assert_eq!(s.duration_ms, Some(end.unix_ms - start.unix_ms), "{ids:?}");
        }
        assert_eq!(s.values.len(), ids.len());
        // The JSON says the same, with keys in sorted order.
        let json = s.to_json(Lang::En);
        assert_eq!(json["verdict"], "valid", "{ids:?}");
        assert_eq!(json["energy"]["kwh"], *kwh_text, "{ids:?}");
        assert_eq!(json["format"], *format, "{ids:?}");
        assert_eq!(json["values"].as_array().unwrap().len(), ids.len());
        let text = s.to_json_string(Lang::En);
        let reparsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(reparsed, json);
    }
}

#[test]
fn a_carried_key_is_untrusted_unless_the_registry_names_it() {
    let s = session(&["alfen-011", "alfen-012"]);
    assert!(s.has(FindingCode::SessionKeyUntrusted));
    assert!(s.trust.is_none(), "no registry, no trust");

    let (value, _) = sample("alfen-011");
    let check = Checker::new().verify_format(value.as_bytes(), KeyInput::None);
    let carried = check.value.as_ref().unwrap().carried_key.clone().unwrap();
    let mut reg = Registry::new();
    reg.add(KeyEntry::new(
        "0A434841524759000001",
        PublicKey::from_bytes(&carried).unwrap(),
    ));
    let checker = Checker::new().registry(Some(&reg));
    let (a, b) = (sample("alfen-011").0, sample("alfen-012").0);
    let s = session_of(&checker, &[&a, &b], None);
    assert_eq!(s.verdict, SessionVerdict::Valid);
    assert!(!s.has(FindingCode::SessionKeyUntrusted));
    assert!(
        matches!(s.trust, Some(Trust::Trusted { .. })),
        "{:?}",
        s.trust
    );
    assert_eq!(s.to_json(Lang::De)["trust"], "trusted");

    // A registry that knows another meter only: untrusted, still valid.
    let mut other = Registry::new();
    other.add(KeyEntry::new(
        "SOME-OTHER-METER",
        PublicKey::from_bytes(&carried).unwrap(),
    ));
    let s = session_of(&Checker::new().registry(Some(&other)), &[&a, &b], None);
    assert_eq!(s.verdict, SessionVerdict::Valid);
    assert_eq!(s.trust, Some(Trust::Untrusted));
    assert!(s.has(FindingCode::SessionKeyUntrusted));
}

#[test]
fn start_and_stop_signed_with_different_keys_are_not_one_session() {
    // SAFE's Alfen examples: the start line and the stop line of meter
    // 0A01445A470033000140 each verify, but under two different carried keys.
    let s = session(&["alfen-000", "alfen-001"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid, "{:?}", codes(&s));
    assert!(s.has(FindingCode::SessionKeyChanged));
    assert_eq!(s.code(), ErrorCode::SessionInconsistent);
    // The readings themselves fit: 15762 -> 15764 Wh.
    assert_eq!(kwh(&s).as_deref(), Some("0.002"));
}

#[test]
fn swapped_order_is_an_end_before_its_begin() {
    // Alfen start/stop lines; BAUER turn-off before its turn-on snapshot.
    for ids in [
        ["alfen-012", "alfen-011"],
        ["bsm_ws36a-067", "bsm_ws36a-066"],
    ] {
        let s = session(&ids);
        assert_eq!(s.verdict, SessionVerdict::Invalid, "{ids:?}");
        let c = codes(&s);
        assert!(
            c.contains(&FindingCode::SessionEndBeforeBegin),
            "{ids:?} {c:?}"
        );
        assert!(
            c.contains(&FindingCode::SessionValueDecreasing),
            "{ids:?} {c:?}"
        );
        assert!(c.contains(&FindingCode::SessionTimeOrder), "{ids:?} {c:?}");
        assert_eq!(s.code(), ErrorCode::SessionInconsistent, "{ids:?}");
    }
}

#[test]
fn unmarked_readings_in_reverse_order_go_down() {
    // EMH and EDL40 do not mark start and stop: the first value is the
    // start. The two real values reversed: the value goes down.
    for ids in [
        ["emh_chargeit-063", "emh_chargeit-062"],
        ["edl40-026", "edl40-025"],
    ] {
        let s = session(&ids);
        assert_eq!(s.verdict, SessionVerdict::Invalid, "{ids:?}");
        let c = codes(&s);
        assert!(c.contains(&FindingCode::SessionValueDecreasing), "{ids:?}");
        assert!(c.contains(&FindingCode::SessionTimeOrder), "{ids:?}");
        let e = s.energy.as_ref().unwrap();
        assert!(e.kwh.is_negative(), "{ids:?}: {}", e.kwh);
    }
}

#[test]
fn two_starts_and_no_stop() {
    // The ISA START telegram alone: a start, no stop yet.
    let s = session(&["isa_edl40-030"]);
    assert_eq!(s.verdict, SessionVerdict::Incomplete, "{:?}", codes(&s));
    assert!(s.has(FindingCode::SessionMissingEnd));
    assert_eq!(s.code(), ErrorCode::SessionInconsistent);
    assert!(s.energy.is_none());

    // Two Alfen start lines (of two meters).
    let s = session(&["alfen-011", "alfen-000"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    let c = codes(&s);
    assert!(c.contains(&FindingCode::SessionMultipleBegin), "{c:?}");
    assert!(c.contains(&FindingCode::SessionMissingEnd), "{c:?}");
    assert!(c.contains(&FindingCode::SessionMeterChanged), "{c:?}");

    // One value with one unmarked reading: a start only.
    let s = session(&["emh_chargeit-062"]);
    assert_eq!(s.verdict, SessionVerdict::Incomplete);
    assert!(s.has(FindingCode::SessionMissingEnd));
}

#[test]
fn values_of_different_meters_or_formats() {
    let s = session(&["bsm_ws36a-066", "bsm_ws36a-069"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    assert!(s.has(FindingCode::SessionMeterChanged));
    let s = session(&["sml_signature_only-035", "edl40-020"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    assert!(s.has(FindingCode::SessionFormatChanged), "{:?}", codes(&s));
    let json = s.to_json(Lang::De);
    let names: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"session_format_changed"), "{names:?}");
}

#[test]
fn a_changed_digit_in_a_value_makes_the_session_invalid() {
    // PCDF: the energy RV inside the signed text, one digit up.
    let (value, _) = sample("pcdf-054");
    assert!(value.contains("(RV:0003.276*kWh)"));
    let tampered = value.replace("(RV:0003.276*kWh)", "(RV:0003.277*kWh)");
    let s = session_of(&Checker::new(), &[&tampered], None);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    assert!(s.has(FindingCode::SessionSignatureInvalid));
    assert_eq!(s.code(), ErrorCode::InvalidSignature);
    // Alfen: one base32 letter of the stop line's signed data set.
    let (start, _) = sample("alfen-011");
    let (stop, _) = sample("alfen-012");
    let fields: Vec<&str> = stop.split(';').collect();
    let data = fields[4];
    let flipped: String = data
        .char_indices()
        .map(|(i, c)| match (i, c) {
            (10, 'A') => 'B',
            (10, _) => 'A',
            _ => c,
        })
        .collect();
    let tampered = stop.replace(data, &flipped);
    assert_ne!(tampered, stop);
    let s = session_of(&Checker::new(), &[&start, &tampered], None);
    assert_eq!(s.verdict, SessionVerdict::Invalid, "{:?}", codes(&s));
    assert!(s.has(FindingCode::SessionSignatureInvalid));
    let bad = s
        .findings
        .iter()
        .find(|f| f.finding.code == FindingCode::SessionSignatureInvalid)
        .unwrap();
    assert_eq!(bad.record, Some(1), "the stop value");
    assert_eq!(s.values[1].check.code(), "invalid_signature");
    // The real changed Mennekes value (ACU_falsch).
    let s = session(&["edl_mennekes-048"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    assert_eq!(s.code(), ErrorCode::InvalidSignature);
}

#[test]
fn what_cannot_be_read_or_checked() {
    let s = session_of(&Checker::new(), &[], None);
    assert_eq!(s.verdict, SessionVerdict::Malformed);
    assert_eq!(s.code(), ErrorCode::SessionEmpty);

    let (a, _) = sample("alfen-011");
    let s = session_of(&Checker::new(), &[&a, "not a meter value"], None);
    assert_eq!(s.verdict, SessionVerdict::Malformed);
    assert!(s.has(FindingCode::SessionRecordUnreadable));
    assert_eq!(
        s.code(),
        ErrorCode::FormatUnrecognised,
        "the value's own code"
    );

    // A validly signed PCDF value that its acceptance rule refuses (BV:0).
    let s = session(&["pcdf-056"]);
    assert_eq!(s.verdict, SessionVerdict::Invalid);
    assert!(s.has(FindingCode::SessionRecordRejected));
    assert_eq!(s.code(), ErrorCode::PcdfNotBillable);

    // An EDL40 value without a key: cannot be checked.
    let s = session(&["edl40-022"]);
    assert_eq!(s.verdict, SessionVerdict::Incomplete);
    assert!(s.has(FindingCode::SessionSignatureUnchecked));
    assert_eq!(s.code(), ErrorCode::KeyMissing);

    // A caller's key that cannot be read is every value's answer.
    let (b, _) = sample("alfen-012");
    let s = session_of(&Checker::new(), &[&a, &b], Some("zz-not-a-key"));
    assert_ne!(s.verdict, SessionVerdict::Valid);
    assert_eq!(s.code(), s.values[0].check.error_code());
}

#[test]
fn a_value_given_twice_counts_once() {
    let (a, _) = sample("alfen-011");
    let (b, _) = sample("alfen-012");
    let s = session_of(&Checker::new(), &[&a, &a, &b], None);
    assert_eq!(s.verdict, SessionVerdict::Valid, "{:?}", codes(&s));
    assert!(s.has(FindingCode::SessionDuplicateRecord));
    assert_eq!(s.values[1].duplicate_of, Some(0));
    assert_eq!(kwh(&s).as_deref(), Some("2100.000"));
}

#[test]
fn bauer_turn_on_and_turn_off_are_the_readings_begin_and_end() {
    use ocmf_core::formats::{ReadingKind, read};
    for (id, kind) in [
        ("bsm_ws36a-066", ReadingKind::Start),
        ("bsm_ws36a-067", ReadingKind::Stop),
        ("bsm_ws36a-068", ReadingKind::Start),
        ("bsm_ws36a-069", ReadingKind::Stop),
    ] {
        let v = read(sample(id).0.as_bytes()).unwrap();
        assert!(!v.readings.is_empty(), "{id}");
        assert!(
            v.readings.iter().all(|r| r.kind == kind),
            "{id}: {:?}",
            v.readings
        );
    }
}
