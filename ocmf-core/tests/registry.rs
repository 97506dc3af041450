//! Trusted-key registries: the JSON and CSV forms, their errors (with line
//! numbers), and the resolution rule of a [`Checker`] with a registry on
//! real records.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use ocmf_core::registry::{
    KeyEntry, Registry, RegistryErrorKind, Trust, TrustInfo, key_curve, key_fingerprint,
    key_fingerprint_on,
};
use ocmf_core::{
    Algorithm, Checker, Curve, ErrorCode, KeyInput, KeySource, Lang, Options, PublicKey, Report,
    Verdict, sign,
};
use serde_json::Value;

/// One record checked against `registry` with the key text carried with it:
/// the report and the key decision it carries (always there with a registry).
fn trusted<'a>(
    record: &'a str,
    carried: Option<&str>,
    registry: &Registry,
    options: &Options,
) -> (Report<'a>, TrustInfo) {
    let report = Checker::new()
        .with_options(*options)
        .registry(Some(registry))
        .verify(record, KeyInput::text(carried));
    let trust = report
        .trust
        .clone()
        .expect("a registry gives a key decision");
    (report, trust)
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/registry/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn vector(id: &str) -> (String, Option<String>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["id"] == id {
            return (
                v["ocmf"].as_str().unwrap().to_owned(),
                v["public_key"].as_str().map(str::to_owned),
            );
        }
    }
    panic!("no vector {id}");
}

fn without_lines(r: &Registry) -> Vec<KeyEntry> {
    r.entries()
        .iter()
        .cloned()
        .map(|mut e| {
            e.line = 0;
            e
        })
        .collect()
}

#[test]
fn json_and_csv_describe_the_same_registry() {
    let j = Registry::from_json(&data("keys.json")).unwrap();
    let c = Registry::from_csv(&data("keys.csv")).unwrap();
    assert_eq!(j.len(), 6);
    assert_eq!(without_lines(&j), without_lines(&c));
    // `load` detects the form.
    assert_eq!(Registry::load(&data("keys.json")).unwrap(), j);
    assert_eq!(Registry::load(&data("keys.csv")).unwrap(), c);
    // With a byte-order mark, as spreadsheet programs write it.
    let bom = format!("\u{feff}{}", data("keys.csv"));
    assert_eq!(
        without_lines(&Registry::load(&bom).unwrap()),
        without_lines(&c)
    );
    let e = &j.entries()[0];
    assert_eq!(e.meter_serial.as_deref(), Some("001BZR1521070006"));
    assert_eq!(e.source, "manufacturer");
    assert_eq!(e.valid_from, None);
    // 2021-12-31 as an end bound is the last millisecond of that day (UTC).
    assert_eq!(e.valid_until, Some(1_640_995_199_999));
    assert_eq!(e.line, 6);
    // 2022-01-01T00:00:00+01:00
    assert_eq!(j.entries()[1].valid_from, Some(1_640_991_600_000));
    assert_eq!(j.entries()[3].meter_serial, None);
    assert_eq!(j.entries()[3].gateway_serial.as_deref(), Some("17619300"));
    // The document-wide source applies where an entry names none.
    assert_eq!(j.entries()[4].source, "test fixtures");
    assert_eq!(c.entries()[2].line, 6);
}

/// (file, kind, line, column or 0 when not asserted, field)
#[test]
fn malformed_files_are_registry_format_errors_with_lines() {
    let cases: [(&str, RegistryErrorKind, usize, usize, Option<&str>); 12] = [
        ("bad-syntax.json", RegistryErrorKind::Json, 4, 5, None),
        (
            "unknown-member.json",
            RegistryErrorKind::Structure,
            6,
            0,
            None,
        ),
        (
            "bad-time.json",
            RegistryErrorKind::Time,
            2,
            3,
            Some("valid_from"),
        ),
        (
            "wrong-format.json",
            RegistryErrorKind::FormatVersion,
            1,
            1,
            Some("format"),
        ),
        (
            "bad-key.csv",
            RegistryErrorKind::Key(ErrorCode::KeyEncoding),
            3,
            3,
            Some("public_key"),
        ),
        ("bad-quote.csv", RegistryErrorKind::Quote, 2, 8, None),
        ("field-count.csv", RegistryErrorKind::FieldCount, 4, 1, None),
        (
            "unknown-column.csv",
            RegistryErrorKind::UnknownColumn,
            1,
            25,
            None,
        ),
        (
            "window.csv",
            RegistryErrorKind::Window,
            2,
            0,
            Some("valid_until"),
        ),
        (
            "no-serial.csv",
            RegistryErrorKind::Missing,
            2,
            1,
            Some("meter_serial"),
        ),
        ("empty.csv", RegistryErrorKind::Empty, 1, 1, None),
        ("keys.csv", RegistryErrorKind::Json, 0, 0, None), // as JSON: not JSON
    ];
    for (name, kind, line, column, field) in cases {
        let text = data(name);
        let err = if name == "keys.csv" {
            Registry::from_json(&text).unwrap_err()
        } else {
            Registry::load(&text).unwrap_err()
        };
        assert_eq!(err.kind, kind, "{name}: {err}");
        if line > 0 {
            assert_eq!(err.line, line, "{name}: {err}");
        }
        if column > 0 {
            assert_eq!(err.column, column, "{name}: {err}");
        }
        assert_eq!(err.field, field, "{name}");
        assert_eq!(err.code(), ErrorCode::RegistryFormat);
        let as_error: ocmf_core::Error = err.into();
        assert_eq!(as_error.code, ErrorCode::RegistryFormat);
        assert_eq!(as_error.code.code(), 802);
        // The span points into the file at the reported line.
        let before = &text[..err.span.start.min(text.len())];
        assert_eq!(before.matches('\n').count() + 1, err.line, "{name}");
        assert!(
            err.message(Lang::En)
                .contains(&format!("line {}", err.line))
        );
        assert!(
            err.message(Lang::De)
                .contains(&format!("zeile {}", err.line))
        );
    }
    // The window error points at the end date.
    let text = data("window.csv");
    let err = Registry::from_csv(&text).unwrap_err();
    let line2 = text.lines().nth(1).unwrap();
    assert_eq!(err.column, line2.find("2024-01-31").unwrap() + 1);
}

#[test]
fn fingerprints_do_not_depend_on_the_encoding() {
    use sha2::Digest;
    // KEBA's key (Y ends in 0xBE, even) and a BAUER key (Y ends in 0x15, odd).
    for (spki, prefix) in [
        (
            "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE",
            "02",
        ),
        (
            "3059301306072a8648ce3d020106082a8648ce3d0301070342000413bd745d84ea9b0f943e9724d6d91d7b19e73e474eac0561dc1d7d16235726c663b7f552d5deb98549c72d2f918324c55ce5b892a6251143c4aae775ac691815",
            "03",
        ),
    ] {
        let point = &spki[spki.len() - 130..];
        let bare = &point[2..];
        let compressed = format!("{prefix}{}", &point[2..66]);
        let b64 = {
            use base64ct::Encoding;
            base64ct::Base64::encode_string(&hex::decode(spki).unwrap())
        };
        // Used on P-256, every encoding is one key.
        let fps: Vec<String> = [spki, point, bare, &compressed.to_lowercase(), &b64]
            .iter()
            .map(|t| key_fingerprint_on(&PublicKey::parse(t).unwrap(), Some(Curve::P256)))
            .collect();
        assert!(fps.iter().all(|f| f == &fps[0]), "{fps:?}");
        assert_eq!(fps[0].len(), 16);
        assert!(
            fps[0]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
        );
        // On its own, a key whose curve is bound (named by SPKI, or the only
        // curve its point lies on) has the same fingerprint.
        for t in [spki, point, bare, &b64] {
            let k = PublicKey::parse(t).unwrap();
            assert_eq!(key_curve(&k, None), Some(Curve::P256), "{t}");
            assert_eq!(key_fingerprint(&k), fps[0], "{t}");
        }
        // The documented definition: SHA-256 over the curve's dotted OID, a
        // zero byte and 02|03 ‖ X, first 16 hex digits.
        let mut input = b"1.2.840.10045.3.1.7\0".to_vec();
        input.extend(hex::decode(&compressed).unwrap());
        let want = hex::encode_upper(sha2::Sha256::digest(&input));
        assert_eq!(fps[0], want[..16]);
    }
}

/// The DER SPKI (hex) of an uncompressed P-256 point given in hex.
fn p256_spki(uncompressed: &str) -> String {
    format!("3059301306072A8648CE3D020106082A8648CE3D030107034200{uncompressed}")
}

/// A P-256 key whose compressed point also decompresses on brainpoolP256r1
/// (half of all points do): the same 33 bytes name two keys.
fn key_on_two_curves() -> (PublicKey, String, String) {
    for i in 1u8..=64 {
        let secret = [i; 32];
        let signed = sign("{}", &secret, Algorithm::ecdsa_sha256(Curve::P256)).unwrap();
        let k = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
        let sec1 = k.sec1_bytes();
        let prefix = 2 + (sec1[64] & 1);
        let compressed = format!("{prefix:02X}{}", hex::encode_upper(&sec1[1..33]));
        let c = PublicKey::parse(&compressed).unwrap();
        if c.curves().any(|c| c == Curve::BrainpoolP256r1) {
            return (k, compressed, signed.public_key_sec1_hex);
        }
    }
    panic!("no point on both curves in 64 tries");
}

#[test]
fn a_fingerprint_names_the_curve_bound_key() {
    let (_, compressed, uncompressed) = key_on_two_curves();
    let c = PublicKey::parse(&compressed).unwrap();
    assert_eq!(key_curve(&c, None), None, "the point alone names no curve");
    assert_eq!(
        key_curve(&c, Some(Curve::BrainpoolP256r1)),
        Some(Curve::BrainpoolP256r1)
    );
    assert_ne!(
        key_fingerprint_on(&c, Some(Curve::P256)),
        key_fingerprint_on(&c, Some(Curve::BrainpoolP256r1))
    );
    // SPKI names its curve: used on another curve it is still the P-256 key.
    let s = PublicKey::parse(&p256_spki(&uncompressed)).unwrap();
    assert_eq!(s.declared_curve, Some(Curve::P256));
    assert_eq!(
        key_fingerprint_on(&s, Some(Curve::BrainpoolP256r1)),
        key_fingerprint_on(&c, Some(Curve::P256))
    );
}

#[test]
fn a_registered_p256_key_does_not_vouch_for_the_same_bytes_on_brainpool() {
    let (_, compressed, uncompressed) = key_on_two_curves();
    let mut reg = Registry::new();
    reg.add(KeyEntry::new(
        "MTR-1",
        PublicKey::parse(&p256_spki(&uncompressed)).unwrap(),
    ));
    // A brainpoolP256r1 record of meter MTR-1 that carries the registered
    // key's point bytes (signed by some other key: nobody holds the secret of
    // that point on brainpoolP256r1).
    let payload = r#"{"FV":"1.0","GI":"SIM","GS":"GW-1","PG":"T1","MS":"MTR-1","RD":[{"TM":"2024-01-01T10:00:00,000+0000 S","TX":"B","RV":1.0,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}"#;
    let record = sign(
        payload,
        &[7u8; 32],
        Algorithm::ecdsa_sha256(Curve::BrainpoolP256r1),
    )
    .unwrap()
    .record;
    let (r, t) = trusted(&record, Some(&compressed), &reg, &Options::default());
    assert!(
        matches!(t.trust, Trust::Mismatch { registered: 0 }),
        "{:?} {:?}",
        t.trust,
        r.error
    );
    assert_ne!(t.carried_key_fingerprint, t.key_fingerprint);
    assert_ne!(r.verdict, Verdict::Valid);
    // The same bytes carried on a P-256 record are the registered key.
    let record = sign(payload, &[7u8; 32], Algorithm::ecdsa_sha256(Curve::P256))
        .unwrap()
        .record;
    let (_, t) = trusted(&record, Some(&compressed), &reg, &Options::default());
    assert!(matches!(t.trust, Trust::Trusted { .. }), "{:?}", t.trust);
    assert_eq!(t.carried_key_fingerprint, t.key_fingerprint);
}

#[test]
fn registered_keys_are_trusted_and_rotation_picks_the_one_valid_then() {
    let reg = Registry::from_json(&data("keys.json")).unwrap();
    let opts = Options::default();
    // October 2021: the first BAUER key.
    let (rec, _) = vector("tps-bsm-evt-001");
    let (r, t) = trusted(&rec, None, &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.error);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "manufacturer".into(),
            key_index: 0
        }
    );
    assert_eq!(
        t.key_fingerprint.as_deref(),
        Some(reg.entries()[0].fingerprint().as_str())
    );
    // July 2022: the second key of the same meter.
    let (rec, _) = vector("bsm-evcharging-001");
    let (r, t) = trusted(&rec, None, &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "manufacturer".into(),
            key_index: 1
        }
    );
    assert_ne!(
        reg.entries()[0].fingerprint(),
        reg.entries()[1].fingerprint()
    );
    // KEBA records have no MS: the entry binds the gateway serial.
    let (rec, key) = vector("tps-fromweb-001");
    let (r, t) = trusted(&rec, key.as_deref(), &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "PTB key database".into(),
            key_index: 3
        }
    );
    assert_eq!(t.carried_key_fingerprint, t.key_fingerprint);
    // Brainpool, bound by MS and GS.
    let (rec, _) = vector("tps-nzr-bp256-002");
    let (r, t) = trusted(&rec, None, &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(t.trust.as_str(), "trusted");
}

#[test]
fn overlapping_windows_use_the_key_that_verifies() {
    let alg = Algorithm::ecdsa_sha256(Curve::P256);
    let p = r#"{"FV":"1.0","PG":"T1","MS":"ROT-1","IS":false,"IT":"NONE","RD":[{"TM":"2024-05-01T10:00:00,000+0000 S","TX":"B","RV":1,"RI":"1-0:1.8.0","RU":"kWh","ST":"G"}]}"#;
    let new = sign(p, &[0x33; 32], alg).unwrap();
    let old = sign(p, &[0x44; 32], alg).unwrap();
    let csv = format!(
        "meter_serial,public_key,valid_from,valid_until,source\nROT-1,{},2020-01-01,2024-12-31,old\nROT-1,{},2024-01-01,,new\n",
        old.public_key_sec1_hex, new.public_key_sec1_hex
    );
    let reg = Registry::from_csv(&csv).unwrap();
    let (r, t) = trusted(&new.record, None, &reg, &Options::default());
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "new".into(),
            key_index: 1
        }
    );
    let (_, t) = trusted(&old.record, None, &reg, &Options::default());
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "old".into(),
            key_index: 0
        }
    );
    // After the old key's window the old signature is checked with the
    // only key valid then, and fails.
    let later = p.replace("2024-05-01", "2025-05-01");
    let old_later = sign(&later, &[0x44; 32], alg).unwrap();
    let (r, t) = trusted(&old_later.record, None, &reg, &Options::default());
    assert_eq!(r.verdict, Verdict::InvalidSignature);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "new".into(),
            key_index: 1
        }
    );
    // Carrying the old key then: it is registered, but expired.
    let (r, t) = trusted(
        &old_later.record,
        Some(&old.public_key_sec1_hex),
        &reg,
        &Options::default(),
    );
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Expired {
            source: "old".into(),
            key_index: 0
        }
    );
    assert_eq!(t.trust.code(), ErrorCode::KeyUntrusted);
}

#[test]
fn expired_mismatching_untrusted_and_unknown() {
    let reg = Registry::from_csv(&data("keys.csv")).unwrap();
    let opts = Options::default();
    // DZG record of October 2021, key registered only for January–June 2021.
    let (rec, key) = vector("tps-dzg00-001");
    let (r, t) = trusted(&rec, None, &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Expired {
            source: "test fixtures".into(),
            key_index: 4
        }
    );
    let (_, t) = trusted(&rec, key.as_deref(), &reg, &opts);
    assert_eq!(t.trust.as_str(), "expired");

    // The second record of this DZG session was published with another key
    // (a P-256 key, though the record says secp256k1). The registry holds the
    // meter's key: mismatch, and the record is verified with the registered key.
    let (rec2, wrong) = vector("tps-dzg-2key-002");
    let (r, t) = trusted(&rec2, wrong.as_deref(), &reg, &opts);
    assert_eq!(t.trust, Trust::Mismatch { registered: 5 });
    assert_eq!(t.trust.code(), ErrorCode::KeyRegistryMismatch);
    assert_eq!(
        t.key_fingerprint.as_deref(),
        Some(reg.entries()[5].fingerprint().as_str())
    );
    assert_ne!(t.carried_key_fingerprint, t.key_fingerprint);
    assert!(matches!(
        r.verdict,
        Verdict::Valid | Verdict::InvalidSignature
    ));
    assert_eq!(r.key_source, Some(KeySource::Caller));

    // A generated record signed with the carried key, while the registry
    // holds another key for the meter: the registered key decides.
    let alg = Algorithm::ecdsa_sha256(Curve::P256);
    let p = r#"{"FV":"1.0","PG":"T1","MS":"1DZG0033022268","RD":[{"TM":"2024-05-01T10:00:00,000+0000 S","TX":"B","RV":1,"RI":"1-0:1.8.0","RU":"kWh","ST":"G"}]}"#;
    let s = sign(p, &[0x55; 32], alg).unwrap();
    let (r, t) = trusted(&s.record, Some(&s.public_key_sec1_hex), &reg, &opts);
    assert_eq!(t.trust, Trust::Mismatch { registered: 5 });
    assert_ne!(r.verdict, Verdict::Valid);

    // No entry for this meter: the carried key verifies, untrusted.
    let (rec, key) = vector("ob7-destre10178001--001");
    let (r, t) = trusted(&rec, key.as_deref(), &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(t.trust, Trust::Untrusted);
    assert_eq!(t.trust.code(), ErrorCode::KeyUntrusted);
    // … and without any key: unknown.
    let (r, t) = trusted(&rec, None, &reg, &opts);
    assert_eq!(t.trust, Trust::Unknown);
    assert_eq!(r.code(), ErrorCode::KeyMissing);
    // An unreadable carried key without registry entry is the key's error.
    let (r, t) = trusted(&rec, Some("not a key"), &reg, &opts);
    assert_eq!(r.verdict, Verdict::Malformed);
    assert_eq!(
        t.carried_key_error.map(|e| e.code),
        Some(ErrorCode::KeyEncoding)
    );
    // An unreadable carried key with a registry entry: the registry decides.
    let (rec, _) = vector("bsm-evcharging-002");
    let (r, t) = trusted(&rec, Some("not a key"), &reg, &opts);
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(t.trust.as_str(), "trusted");
    assert!(t.carried_key_error.is_some());
}

#[test]
fn a_key_in_the_fourth_section_is_untrusted_or_compared() {
    let (rec, key) = vector("tps-fromweb-001");
    let with_key = format!("{rec}|{}", key.unwrap());
    let empty = Registry::new();
    let (r, t) = trusted(&with_key, None, &empty, &Options::default());
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(r.key_source, Some(KeySource::Record));
    assert_eq!(t.trust, Trust::Untrusted);
    let reg = Registry::from_json(&data("keys.json")).unwrap();
    let (_, t) = trusted(&with_key, None, &reg, &Options::default());
    assert_eq!(t.trust.as_str(), "trusted");
}

#[test]
fn trusted_report_json_names_trust_and_key() {
    let reg = Registry::from_json(&data("keys.json")).unwrap();
    let (rec, _) = vector("bsm-evcharging-002");
    let (r, _) = trusted(&rec, None, &reg, &Options::default());
    let text = r.to_json_string(Lang::En);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&v).unwrap(), text, "keys sorted");
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["trust"]["status"], "trusted");
    assert_eq!(v["trust"]["source"], "manufacturer");
    assert_eq!(v["trust"]["key_index"], 1);
    assert_eq!(v["trust"]["code"], 0);
    assert_eq!(
        v["key_fingerprint"],
        reg.entries()[1].fingerprint().as_str()
    );
    assert!(v["record_time_ms"].is_i64());
    let de: Value = serde_json::from_str(&r.to_json_string(Lang::De)).unwrap();
    assert!(
        de["trust"]["message"]
            .as_str()
            .unwrap()
            .contains("registrierte")
    );
}

#[test]
fn registries_never_panic_on_garbage() {
    for text in [
        "",
        "{",
        "[",
        "[]",
        "{}",
        "{\"keys\":{}}",
        "[1,2]",
        "[{}]",
        "\"x\"",
        ",,,\n,,,",
        "public_key\n",
        "meter_serial,public_key\n\"",
        "meter_serial,public_key\nA,\"\"\"",
        "meter_serial,public_key,valid_from\nA,04,2024-13-45",
        "{\"keys\":[{\"meter_serial\":\"A\",\"public_key\":\"04\",\"valid_from\":\"\u{1F600}\"}]}",
    ] {
        let _ = Registry::load(text);
        let _ = Registry::from_csv(text);
        let _ = Registry::from_json(text);
    }
    // An empty but well-formed registry is fine.
    assert!(Registry::load("[]").unwrap().is_empty());
    assert!(
        Registry::load("meter_serial,public_key\n")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_documented_examples_load_and_agree() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/registry-formats.md"
    ))
    .unwrap();
    let block = |lang: &str| {
        let start = doc.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
        let end = start + doc[start..].find("```").unwrap();
        doc[start..end].to_owned()
    };
    let j = Registry::load(&block("json")).unwrap();
    let c = Registry::load(&block("csv")).unwrap();
    assert_eq!(j.len(), 3);
    assert_eq!(without_lines(&j), without_lines(&c));
    let (rec, _) = vector("bsm-evcharging-001");
    let (r, t) = trusted(&rec, None, &j, &Options::default());
    assert_eq!(r.verdict, Verdict::Valid);
    assert_eq!(
        t.trust,
        Trust::Trusted {
            source: "manufacturer".into(),
            key_index: 1
        }
    );
}

/// The plain map `{"<meter serial>": "<key>"}` a user writes by hand: one
/// entry per member, no validity window, the default source.
#[test]
fn a_plain_json_map_is_a_registry_without_windows() {
    let (rec, key) = vector("bsm-evcharging-002");
    let key = key.unwrap();
    let text = format!(
        "{{\n  \"001BZR1521070006\": \"{key}\",\n  \"17619300\": \"{}\"\n}}\n",
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOu60XDkjV4IKWP37CFe9d62jFYXGHEMFMd+lO0QK+/3ZWsiHxljqVSYPgI9VypSN8jXCEIoNbcfUqxpeGnlVvg=="
    );
    for reg in [
        Registry::load(&text).unwrap(),
        Registry::from_json(&text).unwrap(),
        Registry::load_bytes(text.as_bytes()).unwrap(),
    ] {
        assert_eq!(reg.len(), 2);
        let e = &reg.entries()[0];
        assert_eq!(e.meter_serial.as_deref(), Some("001BZR1521070006"));
        assert_eq!(e.gateway_serial, None);
        assert_eq!((e.valid_from, e.valid_until), (None, None));
        assert_eq!(e.source, ocmf_core::registry::DEFAULT_SOURCE);
        assert_eq!((e.line, reg.entries()[1].line), (2, 3));
        assert_eq!(e.key, PublicKey::parse(&key).unwrap());
        let (report, trust) = trusted(&rec, None, &reg, &Options::default());
        assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.error);
        assert!(matches!(trust.trust, Trust::Trusted { key_index: 0, .. }));
    }
    // An empty map is an empty registry.
    assert!(Registry::load("{}").unwrap().is_empty());
}

#[test]
fn bad_plain_map_entries_are_registry_errors_with_lines() {
    let (_, key) = vector("bsm-evcharging-002");
    let two = format!(
        "{{\n  \"A\": \"{}\",\n    \"B\": \"3059\"\n}}",
        key.unwrap()
    );
    let cases: [(&str, RegistryErrorKind, usize, usize, Option<&str>); 4] = [
        (
            &two,
            RegistryErrorKind::Key(ErrorCode::KeyDer),
            3,
            10,
            Some("public_key"),
        ),
        (
            "{\n  \"A\": 12\n}",
            RegistryErrorKind::Structure,
            2,
            8,
            Some("public_key"),
        ),
        (
            "{\n  \" \": \"3059\"\n}",
            RegistryErrorKind::Missing,
            2,
            8,
            Some("meter_serial"),
        ),
        (
            "{\n  \"A\": \"3059\",\n}",
            RegistryErrorKind::Json,
            3,
            1,
            None,
        ),
    ];
    for (text, kind, line, column, field) in cases {
        let err = Registry::load(text).unwrap_err();
        assert_eq!(
            (err.kind, err.line, err.column, err.field),
            (kind, line, column, field),
            "{text}: {err}"
        );
        assert_eq!(err.code(), ErrorCode::RegistryFormat);
    }
    // An object with a member of the document form is that form: a
    // misspelt `keys` next to `format` stays an error of that form.
    let err = Registry::load("{\"format\":\"ocmf-key-registry\",\"kyes\":[]}").unwrap_err();
    assert_eq!(err.kind, RegistryErrorKind::Structure);
}
