//! The non-OCMF signed meter value formats (issue 19) against the shared
//! real samples (`tests/data/formats/samples.jsonl`, copied from
//! /work/shared/vectors/formats with each sample's `source`): every sample
//! gives its `independent_check` verdict; a one-digit change inside the
//! signed part of each valid one gives `invalid-signature`; a change outside
//! gives what the format says; every reader is total.

use ocmf_core::Verdict;
use ocmf_core::formats::{self, Format, FormatErrorKind, FormatReport, FormatValue};
use serde_json::Value;

const SAMPLES: &str = include_str!("data/formats/samples.jsonl");

struct Sample {
    id: String,
    format: String,
    value: String,
    key: Option<String>,
    check: String,
}

fn samples() -> Vec<Sample> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let s = |k: &str| v[k].as_str().map(String::from);
            Sample {
                id: s("id").unwrap(),
                format: s("format").unwrap(),
                value: value_as_given(&v),
                key: s("public_key"),
                check: s("independent_check").unwrap(),
            }
        })
        .collect()
}

/// The value as `verify_format` takes it: the signed value, or for
/// ChargePoint (two files: `secrrct` and its detached `secrrct.sign`) the
/// object holding both.
fn value_as_given(v: &Value) -> String {
    let signed = v["signed_value"].as_str().unwrap();
    match v["detached_signature_hex"].as_str() {
        Some(sig) => serde_json::json!({"secrrct": signed, "signature": sig}).to_string(),
        None => signed.to_owned(),
    }
}

fn verify(s: &Sample, text: &str) -> (FormatValue, FormatReport) {
    let value = formats::read(text.as_bytes())
        .unwrap_or_else(|e| panic!("{}: cannot read: {e} ({})", s.id, e.code()));
    let report = value.verify_key_text(s.key.as_deref());
    (value, report)
}

/// Whether our report says what `independent_check` says.
fn agrees(check: &str, r: &FormatReport) -> bool {
    match check {
        "valid" => r.verdict == Verdict::Valid,
        // Not valid: the signature does not verify, an acceptance rule
        // rejects a validly signed value (PCDF BV/SP), or the given key is
        // not a point on the curve (ISA sign-fail).
        "invalid" => {
            r.verdict == Verdict::InvalidSignature
                || (r.verdict == Verdict::Malformed
                    && (r.signature_verified || r.code == "key_invalid_point"))
        }
        "no-key" => r.verdict == Verdict::Unsupported && r.code == "key_missing",
        other => panic!("unknown independent_check {other}"),
    }
}

#[test]
fn every_sample_gives_its_independent_verdict() {
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for s in samples() {
        let (value, report) = verify(&s, &s.value);
        assert_eq!(value.format.as_str(), s.format, "{}: detected format", s.id);
        assert!(!value.meter_serial.is_empty(), "{}: meter serial", s.id);
        assert!(!value.readings.is_empty(), "{}: readings", s.id);
        let ok = agrees(&s.check, &report);
        rows.push(format!(
            "{:24} {:18} {:8} {:18} {:24} {}",
            s.id,
            s.format,
            s.check,
            report.verdict.as_str(),
            report.code,
            if ok { "ok" } else { "DIFFERS" }
        ));
        if !ok {
            failures.push(s.id.clone());
        }
    }
    println!("{}", rows.join("\n"));
    assert!(
        failures.is_empty(),
        "differ from independent_check: {failures:?}"
    );
    assert_eq!(rows.len(), 41);
}

/// Bumps the last digit of the first run of digits after `anchor` (then
/// after `then`, if given): a one-digit change of a decimal field.
fn bump_digit_after(text: &str, anchor: &str, then: &str) -> String {
    let mut at = text.find(anchor).unwrap_or_else(|| panic!("no {anchor}")) + anchor.len();
    if !then.is_empty() {
        at += text[at..].find(then).unwrap() + then.len();
    }
    let start = at + text[at..].find(|c: char| c.is_ascii_digit()).unwrap();
    let end = start + text[start..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let mut b = text.as_bytes().to_vec();
    b[end - 1] = if b[end - 1] == b'9' {
        b'8'
    } else {
        b[end - 1] + 1
    };
    String::from_utf8(b).unwrap()
}

/// Replaces the character at `at` of the text after `anchor` by another
/// letter of the same alphabet (base32 / base64 / hex all have A and B).
fn swap_char_after(text: &str, anchor: &str, at: usize) -> String {
    let i = text.find(anchor).unwrap() + anchor.len() + at;
    let mut b = text.as_bytes().to_vec();
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

/// Changes the last byte of the signed energy value inside an SML frame
/// (hex or base64 text): the int after unit 30 (`62 1e`) and the scaler,
/// after the entry `obis`.
fn bump_sml_value(text: &str, obis: &[u8]) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let is_hex = compact.starts_with("1b1b") || compact.starts_with("1B1B");
    let mut bytes = if is_hex {
        hex::decode(&compact).unwrap()
    } else {
        data_encoding::BASE64.decode(compact.as_bytes()).unwrap()
    };
    let o = bytes.windows(6).position(|w| w == obis).unwrap();
    let u = o + bytes[o..]
        .windows(3)
        .position(|w| w == [0x62, 0x1e, 0x52])
        .unwrap();
    let tl = bytes[u + 4];
    let last = u + 4 + usize::from(tl & 0x0f) - 1;
    bytes[last] ^= 1;
    if is_hex {
        hex::encode(bytes)
    } else {
        data_encoding::BASE64.encode(&bytes)
    }
}

/// A one-digit change inside the signed part of a sample.
fn tamper_signed(s: &Sample) -> String {
    let v = &s.value;
    match s.format.as_str() {
        // The 10th base32 character of the data set (the adapter id).
        "ALFEN" => {
            let fields: Vec<&str> = v.split(';').collect();
            swap_char_after(v, &format!(";{};", fields[3]), 10)
        }
        "EDL40" => {
            let obis = if v.contains("01 00 01 08 00 ff") || v.contains("0100010800ff") {
                [1, 0, 1, 8, 0, 0xff]
            } else {
                [1, 0, 1, 0x11, 0, 0xff]
            };
            let b64_edl = !v.trim_start().starts_with("1b") && !v.trim_start().starts_with("1B");
            let obis = if b64_edl {
                [1, 0, 1, 0x11, 0, 0xff]
            } else {
                obis
            };
            bump_sml_value(v, &obis)
        }
        "ISA_EDL40" => bump_sml_value(v, &[1, 0, 1, 8, 0, 0xff]),
        // A base64 character in the value field (bytes 31-38 of the block).
        "SML_SIGNATURE_ONLY" => {
            // The value is XML-escaped text: `&lt;encodedMeterValue …>` or `…&gt;`.
            let anchor = "encodedMeterValue encoding=\"base64\"";
            let tag = v.find(anchor).unwrap() + anchor.len();
            let close = if v[tag..].starts_with("&gt;") { 4 } else { 1 };
            let content = tag + close;
            let start = content + v[content..].find(|c: char| !c.is_whitespace()).unwrap();
            let mut b = v.as_bytes().to_vec();
            let i = start + 44;
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            String::from_utf8(b).unwrap()
        }
        "EDL_MENNEKES" => bump_digit_after(v, "<MeasurementEnd>", "<Value>"),
        "PCDF" => bump_digit_after(v, "(RV:", ""),
        "EMH_CHARGEIT" => bump_digit_after(v, "\"measuredValue\"", "\"value\""),
        "BSM_WS36A" => bump_digit_after(v, "\"TotWhImp\"", "\"value\""),
        // The end reading inside the `secrrct` text.
        "CHARGEPOINT" => bump_digit_after(v, "meter_endreading", ""),
        other => panic!("no tamper rule for {other}"),
    }
}

#[test]
fn one_digit_inside_the_signed_part_breaks_every_valid_sample() {
    let mut n = 0;
    for s in samples().into_iter().filter(|s| s.check == "valid") {
        let tampered = tamper_signed(&s);
        assert_ne!(tampered, s.value, "{}", s.id);
        let (_, report) = verify(&s, &tampered);
        assert_eq!(
            report.verdict,
            Verdict::InvalidSignature,
            "{}: {}",
            s.id,
            report.code
        );
        n += 1;
    }
    assert_eq!(n, 30);
}

/// A change outside the signed part, and what the format says about it.
#[test]
fn changes_outside_the_signed_part() {
    for s in samples().into_iter().filter(|s| s.check == "valid") {
        let v = &s.value;
        let (changed, expect_finding) = match s.format.as_str() {
            // The blob version is not in the signed data set.
            "ALFEN" => (v.replacen(";3;", ";4;", 1), None),
            // The last two bytes of the frame: the CRC, not checked (the
            // signature covers the values, neither reference refuses it).
            "EDL40" | "ISA_EDL40" => {
                let t = v.trim_end();
                let mut b = t.as_bytes().to_vec();
                let i = if t.ends_with('=') {
                    t.len() - 3
                } else {
                    t.len() - 1
                };
                b[i] = if b[i] == b'A' || b[i] == b'a' {
                    b'B'
                } else {
                    b'A'
                };
                if s.format == "EDL40" && t.ends_with('=') {
                    // base64: keep the bit-length valid, change a CRC bit.
                    b[i] = if b[i] == b'A' { b'E' } else { b'A' };
                }
                (String::from_utf8(b).unwrap(), None)
            }
            "SML_SIGNATURE_ONLY" => (v.replacen("EDL&lt;", "XDL&lt;", 1), None),
            "EDL_MENNEKES" => (bump_digit_after(v, "<ZipCode>", ""), None),
            // PCDF signs everything but SG: an STX/ETX frame is outside.
            "PCDF" => (format!("\u{2}{v}\u{3}"), None),
            "EMH_CHARGEIT" => (v.replacen("\"123\"", "\"124\"", 1), None),
            // The top-level value mirrors RCR unsigned: reported, not counted.
            "BSM_WS36A" => {
                let mut json: Value = serde_json::from_str(v).unwrap();
                let shown = &mut json["value"]["measuredValue"]["value"];
                *shown = Value::from(shown.as_i64().unwrap() + 1);
                (
                    serde_json::to_string_pretty(&json).unwrap(),
                    Some("unsigned_field_differs"),
                )
            }
            // The container is not signed: its layout and member order.
            "CHARGEPOINT" => {
                let json: Value = serde_json::from_str(v).unwrap();
                let changed = format!(
                    "{{\n  \"signature\": {},\n  \"secrrct\": {}\n}}",
                    json["signature"], json["secrrct"]
                );
                (changed, None)
            }
            other => panic!("{other}"),
        };
        assert_ne!(&changed, v, "{}", s.id);
        let (value, report) = verify(&s, &changed);
        assert_eq!(report.verdict, Verdict::Valid, "{}: {}", s.id, report.code);
        let codes: Vec<&str> = value.findings.iter().map(|f| f.code).collect();
        let (original, _) = verify(&s, v);
        let before: Vec<&str> = original.findings.iter().map(|f| f.code).collect();
        match expect_finding {
            Some(code) => assert!(
                codes.contains(&code) && !before.contains(&code),
                "{}: {codes:?}",
                s.id
            ),
            None => assert_eq!(codes, before, "{}", s.id),
        }
    }
}

#[test]
fn bsm_original_has_no_unsigned_difference() {
    for s in samples().into_iter().filter(|s| s.format == "BSM_WS36A") {
        let (value, _) = verify(&s, &s.value);
        assert!(value.findings.is_empty(), "{}: {:?}", s.id, value.findings);
    }
}

#[test]
fn fields_of_known_samples() {
    let all = samples();
    let get = |id: &str| all.iter().find(|s| s.id == id).unwrap();
    // PCDF: 3.276 kWh, meter 12345678901, counter 1 (SAFE's GUI test says 3,276 kWh).
    let (v, r) = verify(get("pcdf-054"), &get("pcdf-054").value);
    assert_eq!(v.meter_serial, "12345678901");
    assert_eq!(v.readings[0].value, "3.276");
    assert_eq!(v.readings[0].unit, "kWh");
    assert_eq!(v.readings[0].pagination, Some(1));
    assert_eq!(r.key.as_ref().unwrap().1, formats::KeyOrigin::Carried);
    // EMH: 110281 * 10^-1 Wh, OBIS 1.17.0, pagination 0x19.
    let (v, _) = verify(get("emh_chargeit-062"), &get("emh_chargeit-062").value);
    assert_eq!(v.meter_serial, "0901454D4800007F9F3E");
    assert_eq!(v.readings[0].value, "11028.1");
    assert_eq!(v.readings[0].obis.as_deref(), Some("1-0:1.17.0*255"));
    assert_eq!(v.readings[0].pagination, Some(0x19));
    assert_eq!(v.contract.as_deref(), Some("235DD5BB"));
    // Mennekes: start 51911.6 Wh, end 52053.5 Wh, two signatures.
    let (v, _) = verify(get("edl_mennekes-045"), &get("edl_mennekes-045").value);
    assert_eq!(v.signed.len(), 2);
    assert_eq!(v.readings[0].value, "51911.6");
    assert_eq!(v.readings[1].value, "52053.5");
    assert_eq!(v.readings[1].pagination, Some(26));
    // EDL40 with its key given outside: the caller's key.
    let (v, r) = verify(get("edl40-017"), &get("edl40-017").value);
    assert_eq!(v.meter_serial, "09014553591103956940");
    assert_eq!(r.key.as_ref().unwrap().1, formats::KeyOrigin::Caller);
    assert_eq!(v.readings[0].pagination, Some(0x21));
    // ISA: start and actual counter in one telegram.
    let (v, _) = verify(get("isa_edl40-029"), &get("isa_edl40-029").value);
    assert_eq!(v.readings.len(), 2);
    assert_eq!(v.readings[0].obis.as_deref(), Some("1-0:1.8.0*128"));
    // Alfen: the 82 data-set bytes are the signed bytes, as received.
    let (v, _) = verify(get("alfen-000"), &get("alfen-000").value);
    assert_eq!(v.signed[0].signed_bytes.len(), 82);
    assert_eq!(v.readings[0].obis.as_deref(), Some("1-0:1.8.0*255"));
    // ChargePoint: the secrrct file's bytes are the signed bytes; start and
    // end readings from its members, exact; the given key, on secp224k1.
    let cp = get("chargepoint-076");
    let (v, r) = verify(cp, &cp.value);
    let json: Value = serde_json::from_str(&cp.value).unwrap();
    assert_eq!(
        v.signed[0].signed_bytes,
        json["secrrct"].as_str().unwrap().as_bytes()
    );
    assert_eq!(v.meter_serial, "240008S");
    assert_eq!(v.readings.len(), 2);
    assert_eq!(v.readings[0].kind, formats::ReadingKind::Start);
    assert_eq!(
        (v.readings[0].value.as_str(), v.readings[0].unit),
        ("74.6", "kWh")
    );
    assert_eq!(v.readings[1].value, "86.6");
    assert_eq!(v.readings[0].time.unwrap().utc_seconds, 1_581_763_758);
    assert_eq!(v.readings[1].time.unwrap().utc_seconds, 1_581_772_802);
    assert_eq!(v.transaction.as_deref(), Some("55"));
    assert_eq!(
        v.contract.as_deref(),
        Some("b2dd852e99433cab70ccd45dad5aff55")
    );
    assert_eq!(r.curve, Some(ocmf_core::Curve::Secp224k1));
    assert_eq!(r.key.as_ref().unwrap().1, formats::KeyOrigin::Caller);
}

#[test]
fn typed_errors_for_bad_input() {
    let all = samples();
    let get = |id: &str| all.iter().find(|s| s.id == id).unwrap().value.clone();
    let kind = |t: &str| formats::read(t.as_bytes()).unwrap_err().kind;
    // Truncated SML (hex cut mid-frame).
    let edl = get("edl40-017");
    assert_eq!(kind(&edl[..edl.len() / 2]), FormatErrorKind::Sml);
    // Alfen: bad base32, and a data set of the wrong length.
    let alfen = get("alfen-000");
    assert_eq!(
        kind(&alfen.replacen("BJKG", "BJ1G", 1)),
        FormatErrorKind::Encoding
    );
    let fields: Vec<&str> = alfen.split(';').collect();
    let short = alfen.replacen(fields[4], "AAAAAAAA", 1);
    assert_eq!(kind(&short), FormatErrorKind::Length);
    // An XML bomb: the DTD is refused, nothing expands.
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><signedMeterValue><publicKey>&lol3;</publicKey></signedMeterValue>"#;
    assert_eq!(kind(bomb), FormatErrorKind::Xml);
    // Deep nesting.
    let deep = format!(
        "<ChargingProcess>{}{}</ChargingProcess>",
        "<a>".repeat(20_000),
        "</a>".repeat(20_000)
    );
    assert_eq!(kind(&deep), FormatErrorKind::Xml);
    // Bad hex in a Mennekes key, bad JSON, nothing recognisable.
    let men = get("edl_mennekes-045");
    assert_eq!(
        kind(&men.replacen("6DACB9", "6DXCB9", 1)),
        FormatErrorKind::Encoding
    );
    assert_eq!(kind("{\"additionalValues\": [1,"), FormatErrorKind::Json);
    let e = formats::read(b"hello").unwrap_err();
    assert_eq!(e.kind, FormatErrorKind::Unrecognised);
    assert!(e.to_string().contains("PCDF"), "{e}");
    assert_eq!(e.code(), "format_unrecognised");
    assert!(formats::read(&[0xff, 0xfe, 0x00]).is_err());
    // A PCDF value without its signature.
    let pcdf = get("pcdf-054");
    let cut = &pcdf[..pcdf.find("(SG:").unwrap()];
    assert_eq!(kind(cut), FormatErrorKind::MissingField);
    // ChargePoint: the secrrct file alone (its signature is the other file),
    // a signature that is not hex/base64 or not DER, a secrrct that is not
    // JSON, a reading that is a string, a missing meter.
    let cp: Value = serde_json::from_str(&get("chargepoint-076")).unwrap();
    let secrrct = cp["secrrct"].as_str().unwrap();
    let sig = cp["signature"].as_str().unwrap();
    let with = |secrrct: &str, sig: &str| {
        serde_json::json!({"secrrct": secrrct, "signature": sig}).to_string()
    };
    let e = formats::read(secrrct.as_bytes()).unwrap_err();
    assert_eq!(
        (e.kind, e.format, e.field),
        (
            FormatErrorKind::MissingField,
            Some(Format::ChargePoint),
            "signature"
        )
    );
    assert_eq!(kind(&with(secrrct, "30!!")), FormatErrorKind::Encoding);
    assert_eq!(kind(&with(secrrct, "00ff")), FormatErrorKind::BadField);
    assert_eq!(kind(&with("not json", sig)), FormatErrorKind::Json);
    assert_eq!(
        kind(&with(&secrrct.replacen("74.6", "\"74.6\"", 1), sig)),
        FormatErrorKind::BadField
    );
    assert_eq!(
        kind(&with(&secrrct.replacen("meter_serial", "meter_id", 1), sig)),
        FormatErrorKind::MissingField
    );
    assert_eq!(
        kind(&serde_json::json!({"secrrct": 5, "signature": sig}).to_string()),
        FormatErrorKind::BadField
    );
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(Format::from_name(f.as_str()), Some(*f));
    }
}

/// A small xorshift generator: reproducible random edits without a seed file.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }
}

/// Every reader is total: truncations, random byte edits and random bytes
/// of every sample give a value or an error, never a panic.
#[test]
fn readers_are_total() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut read_ok = 0usize;
    let mut errors = 0usize;
    let run = |b: &[u8], read_ok: &mut usize, errors: &mut usize| match formats::read(b) {
        Ok(v) => {
            let _ = v.verify(None);
            *read_ok += 1;
        }
        Err(e) => {
            let _ = (e.code(), e.to_string());
            *errors += 1;
        }
    };
    for s in samples() {
        let bytes = s.value.as_bytes();
        let step = (bytes.len() / 300).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            run(&bytes[..cut], &mut read_ok, &mut errors);
        }
        for _ in 0..300 {
            let mut b = bytes.to_vec();
            for _ in 0..=rng.below(4) {
                let i = rng.below(b.len());
                b[i] = u8::try_from(rng.next() & 0xff).unwrap();
            }
            run(&b, &mut read_ok, &mut errors);
        }
        // The decoded SML frame itself, truncated and edited as bytes.
        if s.format.contains("EDL40") {
            let compact: String = s.value.chars().filter(|c| !c.is_whitespace()).collect();
            if let Ok(frame) = hex::decode(&compact) {
                for cut in 0..frame.len() {
                    run(&frame[..cut], &mut read_ok, &mut errors);
                }
                for _ in 0..500 {
                    let mut b = frame.clone();
                    let i = rng.below(b.len());
                    b[i] = u8::try_from(rng.next() & 0xff).unwrap();
                    run(&b, &mut read_ok, &mut errors);
                }
            }
        }
    }
    for _ in 0..2000 {
        let n = rng.below(400);
        let mut b: Vec<u8> = (0..n)
            .map(|_| u8::try_from(rng.next() & 0xff).unwrap())
            .collect();
        if rng.below(2) == 0 {
            let mut framed = vec![0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1];
            framed.append(&mut b);
            b = framed;
        }
        run(&b, &mut read_ok, &mut errors);
    }
    assert!(read_ok > 0 && errors > 0, "{read_ok} read, {errors} errors");
}

/// The newer EMH eHZ fills bytes 173-196 of the EDL40 block (historical
/// values, line resistance, stopwatch): they are signed. A verifier that
/// zeroes them (Chargy fills bytes 0-172 only) fails these meters; hashing
/// the whole rebuilt block verifies them.
#[test]
fn edl40_extended_fields_are_signed() {
    let mut extended = Vec::new();
    for s in samples()
        .into_iter()
        .filter(|s| s.format == "EDL40" && s.check == "valid")
    {
        let (mut value, report) = verify(&s, &s.value);
        assert_eq!(report.verdict, Verdict::Valid, "{}", s.id);
        let block = &mut value.signed[0].signed_bytes;
        assert_eq!(block.len(), 320);
        if block[173..].iter().all(|&b| b == 0) {
            continue;
        }
        extended.push(s.id.clone());
        block[173..].fill(0);
        let zeroed = value.verify_key_text(s.key.as_deref());
        assert_eq!(zeroed.verdict, Verdict::InvalidSignature, "{}", s.id);
    }
    assert_eq!(extended, ["edl40-025", "edl40-026"]);
}

/// `chargepoint_value` joins the two files as users have them: the
/// signature file as binary DER, hex or base64 text (with a line end) all
/// give the object the reader verifies; a changed digit in the document is
/// an invalid signature, and a file that is no signature a typed error.
#[test]
fn chargepoint_value_joins_the_two_files() {
    let line = SAMPLES
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == "chargepoint-076")
        .unwrap();
    let document = line["signed_value"].as_str().unwrap();
    let key = line["public_key"].as_str().unwrap();
    let der = hex::decode(line["detached_signature_hex"].as_str().unwrap()).unwrap();
    let b64 = data_encoding::BASE64.encode(&der);
    let check = |doc: &str, sig: &[u8]| {
        let value = formats::chargepoint_value(doc.as_bytes(), sig);
        formats::read(value.as_bytes()).map(|v| v.verify_key_text(Some(key)).verdict)
    };
    for sig in [
        der.clone(),
        format!("{}\n", hex::encode(&der)).into_bytes(),
        format!("{}\r\n", hex::encode_upper(&der)).into_bytes(),
        format!("{b64}\n").into_bytes(),
    ] {
        assert_eq!(check(document, &sig).unwrap(), Verdict::Valid);
        let tampered = document.replacen("86.6", "86.7", 1);
        assert_ne!(tampered, document);
        assert_eq!(check(&tampered, &sig).unwrap(), Verdict::InvalidSignature);
    }
    // The key file (PEM) given as the signature.
    let e = check(document, key.as_bytes()).unwrap_err();
    assert_eq!(e.kind, FormatErrorKind::Encoding, "{e}");
    assert_eq!(e.field, "signature");
    // An empty signature file, and a document that is no UTF-8 JSON.
    assert_eq!(
        check(document, b"").unwrap_err().kind,
        FormatErrorKind::MissingField
    );
    let value = formats::chargepoint_value(&[0xff, 0xfe, b'{'], &der);
    assert_eq!(
        formats::read(value.as_bytes()).unwrap_err().kind,
        FormatErrorKind::Json
    );
}
