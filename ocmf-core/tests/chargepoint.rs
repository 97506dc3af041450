//! ChargePoint `secrrct` values (issue 19's stretch item) through the front
//! door: secp224k1 keys in every shape they come in, the key's curve, the
//! registry, a 225-bit `s`, and secp224k1 kept out of OCMF.

use ocmf_core::formats::{Format, KeyOrigin};
use ocmf_core::registry::{KeyEntry, Registry, Trust};
use ocmf_core::{Algorithm, Checker, Curve, ErrorCode, KeyInput, Lang, PublicKey, Verdict};
use serde_json::{Value, json};

const SAMPLES: &str = include_str!("data/formats/samples.jsonl");

/// The shared sample: (value as `verify_format` takes it, its PEM key).
fn sample() -> (String, String) {
    let v: Value = SAMPLES
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == "chargepoint-076")
        .unwrap();
    let value = json!({
        "secrrct": v["signed_value"],
        "signature": v["detached_signature_hex"],
    });
    (
        value.to_string(),
        v["public_key"].as_str().unwrap().to_owned(),
    )
}

const SAMPLE_SEC1: &str = "04d4c176108baa683125247c8af51eb84858c9e50d8753a745e3fd299aa044826c9c9d49ce3904cd9bdc68b3b09fb39ebeaac0b9ec0ab9ad76";

fn check(value: &str, key: Option<&str>) -> ocmf_core::formats::FormatCheck {
    Checker::new().verify_format(value.as_bytes(), KeyInput::text(key))
}

#[test]
fn the_sample_verifies_under_its_key_in_every_shape() {
    let (value, pem) = sample();
    let spki = PublicKey::parse(&pem).unwrap();
    assert_eq!(spki.declared_curve, Some(Curve::Secp224k1));
    let compressed = format!("02{}", &SAMPLE_SEC1[2..58]);
    for key in [pem.as_str(), SAMPLE_SEC1, &SAMPLE_SEC1.to_uppercase()] {
        let out = check(&value, Some(key));
        assert_eq!(out.verdict(), Verdict::Valid, "{key}: {}", out.code());
        assert!(out.report.signature_verified);
        assert_eq!(out.report.curve, Some(Curve::Secp224k1));
        assert_eq!(out.report.key.as_ref().unwrap().1, KeyOrigin::Caller);
        assert_eq!(out.format, Some(Format::ChargePoint));
    }
    // The compressed point decodes (a square root mod p ≡ 5 mod 8) to
    // either the key or its negation: exactly one of 02/03 verifies.
    let odd = format!("03{}", &SAMPLE_SEC1[2..58]);
    let verdicts: Vec<Verdict> = [&compressed, &odd]
        .iter()
        .map(|k| check(&value, Some(k)).verdict())
        .collect();
    assert!(verdicts.contains(&Verdict::Valid), "{verdicts:?}");
    assert!(
        verdicts.contains(&Verdict::InvalidSignature),
        "{verdicts:?}"
    );
    // The key as raw SPKI bytes.
    let der = data_encoding::BASE64
        .decode(
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>()
                .as_bytes(),
        )
        .unwrap();
    let out = Checker::new().verify_format(value.as_bytes(), KeyInput::Bytes(&der));
    assert_eq!(out.verdict(), Verdict::Valid);
    let json = out.to_json(Lang::En);
    assert_eq!(json["curve"], "secp224k1");
    assert_eq!(json["format"], "CHARGEPOINT");
    assert_eq!(json["value"]["readings"][1]["value"], "86.6");
}

#[test]
fn without_a_key_or_with_one_on_another_curve_it_is_unsupported() {
    let (value, _) = sample();
    let out = check(&value, None);
    assert_eq!(
        (out.verdict(), out.code()),
        (Verdict::Unsupported, "key_missing")
    );
    assert!(out.value.is_some());
    // A P-256 key (newer firmware's curve): a curve ChargePoint has, but
    // not this signature's.
    let p256 = "04\
        6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296\
        4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5";
    let out = check(&value, Some(p256));
    assert_eq!(out.verdict(), Verdict::InvalidSignature, "{}", out.code());
    assert_eq!(out.report.curve, Some(Curve::P256));
    // A key on a curve ChargePoint does not use (secp192k1's generator).
    let k192 = "04db4ff10ec057e9ae26b07d0280b7f4341da5d1b1eae06c7d9b2f2f6d9c5628a7844163d015be86344082aa88d95e2f9d";
    let out = check(&value, Some(k192));
    assert_eq!(out.verdict(), Verdict::Unsupported, "{}", out.code());
    assert_eq!(out.code(), "key_curve_mismatch");
    // Another secp224k1 key: the signature does not verify.
    let other = "04fddc22cbfe11882fcea5c8ab58681c37843d25c209085c172f764f7c05e544f4336d9eeb6112665242d8cfc8954fe9c5c012fcbfbfb40ad8";
    let out = check(&value, Some(other));
    assert_eq!(
        (out.verdict(), out.code()),
        (Verdict::InvalidSignature, "invalid_signature")
    );
    // A point not on the curve is the key's error.
    let off = format!("{}00", &SAMPLE_SEC1[..SAMPLE_SEC1.len() - 2]);
    let out = check(&value, Some(&off));
    assert_eq!(out.verdict(), Verdict::Malformed, "{}", out.code());
    assert_eq!(out.code(), "key_invalid_point");
}

#[test]
fn the_registry_decides_trust_for_the_meter() {
    let (value, pem) = sample();
    let key = PublicKey::parse(&pem).unwrap();
    let mut reg = Registry::new();
    reg.add(KeyEntry::new("240008S", key));
    // No key given: the registry's key for the meter verifies; trusted.
    let out = Checker::new()
        .registry(Some(&reg))
        .verify_format(value.as_bytes(), KeyInput::None);
    assert_eq!(out.verdict(), Verdict::Valid, "{}", out.code());
    assert!(
        matches!(out.trust.as_ref().unwrap().trust, Trust::Trusted { .. }),
        "{:?}",
        out.trust
    );
    assert_eq!(out.report.key.as_ref().unwrap().1, KeyOrigin::Registry);
    // The caller's key, a registry that knows another meter only: untrusted.
    let mut other = Registry::new();
    other.add(KeyEntry::new("OTHER", PublicKey::parse(&pem).unwrap()));
    let out = Checker::new()
        .registry(Some(&other))
        .verify_format(value.as_bytes(), KeyInput::text(Some(&pem)));
    assert_eq!(out.verdict(), Verdict::Valid);
    assert_eq!(out.trust.as_ref().unwrap().trust, Trust::Untrusted);
}

#[test]
fn a_225_bit_s_and_the_chargy_field_names() {
    // s = n - 1 (29 bytes, above 2^224), signed for a key made for it
    // (values computed in Python, checked with `openssl dgst -verify`).
    let secrrct = r#"{"meter_serial":"T1","meter_startreading":1.5,"meter_endreading":2.5}"#;
    let der = "303d021c13aa2e193fe7cf694f7cc4d37dc081a2ca83dd3524030e6e61ca5619021d010000000000000000000000000001dce8d2ec6184caf0a971769fb1f6";
    let key = "04e6f332da74ca94ef05f79cf05893a33eb7ffa92e6069de8daf041cca0d9907f76ba0b150af0e57b158206766ae1a1c1022eb2fc5cbb2d87d";
    let value = json!({"secrrct": secrrct, "secrrct.sign": der}).to_string();
    let out = check(&value, Some(key));
    assert_eq!(out.verdict(), Verdict::Valid, "{}", out.code());
    // Chargy's own pair: the file in base64 (`original`) and `signature`,
    // here the DER in base64.
    let b64 = |b: &[u8]| data_encoding::BASE64.encode(b);
    let value = json!({
        "original": b64(secrrct.as_bytes()),
        "signature": b64(&hex::decode(der).unwrap()),
    })
    .to_string();
    let out = check(&value, Some(key));
    assert_eq!(out.verdict(), Verdict::Valid, "{}", out.code());
    let v = out.value.unwrap();
    assert_eq!(
        (v.readings[0].value.as_str(), v.readings[1].value.as_str()),
        ("1.5", "2.5")
    );
    assert!(v.readings[0].time.is_none());
    // One byte more in the signed text (a space the JSON does not care
    // about): the exact bytes are signed, so it no longer verifies.
    let spaced = secrrct.replacen(',', ", ", 1);
    let value = json!({"secrrct": spaced, "signature": der}).to_string();
    assert_eq!(
        check(&value, Some(key)).verdict(),
        Verdict::InvalidSignature
    );
}

#[test]
fn newer_firmware_signs_on_p256() {
    // A secrrct signed with `openssl dgst -sha256 -sign` on a P-256 key
    // (as ChargePoint's secp256r1 test data is made).
    let secrrct = r#"{"meter_serial":"T1","meter_startreading":1.5,"meter_endreading":2.5}"#;
    let der = "30440220790fd0d2b3d0db37a849010991f6d455e580ccedc5366b182490ab738cf401c102202436dbcca6eafb2d8925f3178b877f741c90c49ab27e10ef8a7e5cb2fcd9eae7";
    let key = "046c1ed29043705f2eaf18ea7a54cfb5c725199da5e7d874ffeae13898dde2589cee49890168b24d14095858e24df030ead95a28e3556f3ee76eb770534266b214";
    let value = json!({"secrrct": secrrct, "signature": der}).to_string();
    let out = check(&value, Some(key));
    assert_eq!(out.verdict(), Verdict::Valid, "{}", out.code());
    assert_eq!(out.report.curve, Some(Curve::P256));
    let tampered = json!({"secrrct": secrrct.replace("2.5", "2.6"), "signature": der}).to_string();
    assert_eq!(
        check(&tampered, Some(key)).verdict(),
        Verdict::InvalidSignature
    );
}

#[test]
fn secp224k1_is_no_ocmf_algorithm() {
    assert!(!Curve::ALL.contains(&Curve::Secp224k1));
    assert!(Curve::EVERY.contains(&Curve::Secp224k1));
    assert!(!Curve::Secp224k1.is_ocmf());
    assert_eq!(Curve::from_name("secp224k1"), Some(Curve::Secp224k1));
    assert_eq!(Curve::from_oid("1.3.132.0.32"), Some(Curve::Secp224k1));
    assert_eq!(
        (
            Curve::Secp224k1.field_bytes(),
            Curve::Secp224k1.scalar_bytes()
        ),
        (28, 29)
    );
    let e = Algorithm::from_name("secp224k1").unwrap_err();
    assert_eq!(e.code, ErrorCode::AlgorithmNotInSpec);
    // No OCMF record can be signed on it.
    let e = ocmf_core::sign("{}", &[7; 28], Algorithm::ecdsa_sha256(Curve::Secp224k1)).unwrap_err();
    assert_eq!(e.code, ErrorCode::AlgorithmNotInSpec);
    // An OCMF record cannot name it.
    let e = Algorithm::from_name("ECDSA-secp224k1-SHA256").unwrap_err();
    assert!(
        matches!(
            e.code,
            ErrorCode::AlgorithmNotInSpec | ErrorCode::UnknownAlgorithm
        ),
        "{:?}",
        e.code
    );
}
