//! The front door for the other formats (issue 19): `Checker::verify_format`
//! gives every shared sample the verdict of the format's own verifier, lets
//! a key registry decide trust for a key carried inside the value exactly as
//! for OCMF, and answers "cannot read" as `malformed`, never as an invalid
//! signature.

use ocmf_core::formats::{self, FormatCheck, KeyOrigin};
use ocmf_core::registry::{KeyEntry, Registry, Trust};
use ocmf_core::{Checker, KeyInput, Lang, PublicKey, Verdict};
use serde_json::Value;

const SAMPLES: &str = include_str!("data/formats/samples.jsonl");

/// (id, value, key) of every sample, the value as `verify_format` takes it
/// (ChargePoint: the `secrrct` text and its detached signature in one object).
fn samples() -> Vec<(String, String, Option<String>)> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| {
            let s = |k: &str| v[k].as_str().map(String::from);
            let signed = s("signed_value").unwrap();
            let value = match v["detached_signature_hex"].as_str() {
                Some(sig) => serde_json::json!({"secrrct": signed, "signature": sig}).to_string(),
                None => signed,
            };
            (s("id").unwrap(), value, s("public_key"))
        })
        .collect()
}

fn check(checker: &Checker<'_>, value: &str, key: Option<&str>) -> FormatCheck {
    checker.verify_format(value.as_bytes(), KeyInput::text(key))
}

#[test]
fn the_front_door_gives_what_the_format_verifier_gives_on_every_sample() {
    let checker = Checker::new();
    let mut n = 0;
    for (id, value, key) in samples() {
        let direct = formats::read(value.as_bytes())
            .unwrap()
            .verify_key_text(key.as_deref());
        let front = check(&checker, &value, key.as_deref());
        assert_eq!(front.report, direct, "{id}");
        assert!(front.trust.is_none(), "{id}: no registry, no trust");
        let json = front.to_json(Lang::En);
        assert_eq!(json["verdict"], front.verdict().as_str(), "{id}");
        assert_eq!(json["code"], front.code(), "{id}");
        assert_eq!(
            front.error_code().name(),
            front.code(),
            "{id}: a code of the table"
        );
        assert_eq!(json["format"], front.format.unwrap().as_str(), "{id}");
        assert_eq!(
            json["value"]["readings"].as_array().unwrap().len(),
            front.value.as_ref().unwrap().readings.len(),
            "{id}"
        );
        n += 1;
    }
    assert_eq!(n, 41);
}

/// The valid samples whose key travels inside the value.
fn carried_valid() -> Vec<(String, String, FormatCheck)> {
    let checker = Checker::new();
    samples()
        .into_iter()
        .filter(|(_, _, key)| key.is_none())
        .filter_map(|(id, value, _)| {
            let c = check(&checker, &value, None);
            (c.verdict() == Verdict::Valid).then_some((id, value, c))
        })
        .collect()
}

fn carried_key(c: &FormatCheck) -> PublicKey {
    PublicKey::from_bytes(c.value.as_ref().unwrap().carried_key.as_ref().unwrap()).unwrap()
}

#[test]
fn a_carried_key_is_untrusted_until_the_registry_names_it_for_the_meter() {
    let valid = carried_valid();
    assert!(
        valid.len() >= 15,
        "{} valid samples with a carried key",
        valid.len()
    );
    for (id, value, plain) in &valid {
        assert_eq!(
            plain.report.key.as_ref().unwrap().1,
            KeyOrigin::Carried,
            "{id}"
        );
        let serial = plain.value.as_ref().unwrap().meter_serial.clone();

        // A registry that knows other meters only: untrusted, still valid.
        let mut other = Registry::new();
        other.add(KeyEntry::new("SOME-OTHER-METER", carried_key(plain)));
        let c = check(&Checker::new().registry(Some(&other)), value, None);
        assert_eq!(c.verdict(), Verdict::Valid, "{id}");
        assert_eq!(c.trust.as_ref().unwrap().trust, Trust::Untrusted, "{id}");

        // The registry names this key for this meter: trusted.
        let mut reg = Registry::new();
        reg.add(KeyEntry::new(&serial, carried_key(plain)));
        let c = check(&Checker::new().registry(Some(&reg)), value, None);
        assert_eq!(c.verdict(), Verdict::Valid, "{id}");
        assert!(
            matches!(
                c.trust.as_ref().unwrap().trust,
                Trust::Trusted { key_index: 0, .. }
            ),
            "{id}: {:?}",
            c.trust
        );
        assert_eq!(
            c.report.key.as_ref().unwrap().1,
            KeyOrigin::Registry,
            "{id}"
        );
        let json = c.to_json(Lang::De);
        assert_eq!(json["trust"]["status"], "trusted", "{id}");
    }
}

#[test]
fn a_registry_key_for_the_meter_overrides_a_different_carried_key() {
    // Register, for each valid value's meter, the carried key of another
    // value: the registered key is used, the trust is `mismatch`, and the
    // signature does not verify under it.
    let valid = carried_valid();
    let mut checked = 0;
    for (id, value, plain) in &valid {
        let mine = carried_key(plain);
        let Some(foreign) = valid
            .iter()
            .map(|(_, _, c)| carried_key(c))
            .find(|k| k.sec1_hex() != mine.sec1_hex() && k.curves().eq(mine.curves()))
        else {
            continue;
        };
        let serial = &plain.value.as_ref().unwrap().meter_serial;
        let mut reg = Registry::new();
        reg.add(KeyEntry::new(serial, foreign));
        let c = check(&Checker::new().registry(Some(&reg)), value, None);
        assert!(
            matches!(
                c.trust.as_ref().unwrap().trust,
                Trust::Mismatch { registered: 0 }
            ),
            "{id}: {:?}",
            c.trust
        );
        assert_eq!(c.verdict(), Verdict::InvalidSignature, "{id}");
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
}

#[test]
fn what_cannot_be_read_is_malformed_with_its_format_code_in_every_case() {
    let checker = Checker::new();
    let mut reg = Registry::new();
    let key = carried_key(&carried_valid()[0].2);
    reg.add(KeyEntry::new("M", key));
    let trusted = Checker::new().registry(Some(&reg));
    let inputs: [&[u8]; 6] = [
        b"",
        b"hello",
        b"AP;0;3;NOTBASE32!;;;",
        b"<signedMeterValue><broken",
        b"{\"signedMeterValues\": []}",
        &[0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01, 0x76],
    ];
    for input in inputs {
        for c in [&checker, &trusted] {
            let out = c.verify_format(input, KeyInput::None);
            assert_eq!(out.verdict(), Verdict::Malformed, "{input:?}");
            assert!(
                out.code().starts_with("format_"),
                "{input:?}: {}",
                out.code()
            );
            assert!(out.error.is_some() && out.value.is_none(), "{input:?}");
            let json = out.to_json(Lang::En);
            assert_eq!(json["error"]["code"], out.code(), "{input:?}");
            assert!(!json["message"].as_str().unwrap().is_empty());
        }
    }
    // Over the record size limit: too_large, before any reader runs.
    let big = format!("AP;{}", "A".repeat(70 * 1024));
    let out = checker.verify_format(big.as_bytes(), KeyInput::None);
    assert_eq!(
        (out.verdict(), out.code()),
        (Verdict::Malformed, "too_large")
    );
    // A caller's key that cannot be read is the key's error, not the value's.
    let (_, value, _) = &carried_valid()[0];
    let out = checker.verify_format(value.as_bytes(), KeyInput::text(Some("04ABCD")));
    assert_eq!(out.verdict(), Verdict::Malformed);
    assert!(out.code().starts_with("key_"), "{}", out.code());
}

#[test]
fn a_one_digit_change_is_an_invalid_signature_through_the_front_door() {
    let checker = Checker::new();
    let mut changed = 0;
    for (id, value, _) in carried_valid() {
        // Alfen: a letter of the base32 data set (the 4th field after `AP;`) changed.
        if let Some(rest) = value.strip_prefix("AP;") {
            let fields: Vec<&str> = rest.split(';').collect();
            let data = fields[3];
            let flipped: String = data
                .chars()
                .enumerate()
                .map(|(i, ch)| {
                    if i == 10 {
                        if ch == 'A' { 'B' } else { 'A' }
                    } else {
                        ch
                    }
                })
                .collect();
            let text = value.replacen(data, &flipped, 1);
            let out = check(&checker, &text, None);
            assert_eq!(out.verdict(), Verdict::InvalidSignature, "{id}");
            changed += 1;
        }
    }
    assert!(changed >= 4, "{changed}");
}
