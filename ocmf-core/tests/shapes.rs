//! Shapes real devices and users send (issue 16): KEBA's key container over
//! OCPP 2.0.1 and text saved with a UTF-8 byte-order mark. (The plain JSON
//! map registry is in `registry.rs`.)

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use base64ct::{Base64, Encoding};
use ocmf_core::session::SessionVerdict;
use ocmf_core::transport::{Transport, extract, split_records};
use ocmf_core::{
    Checker, ErrorCode, FindingCode, Item, KeyInput, Profile, PublicKey, Report, Severity, Span,
    Verdict,
};
use serde_json::Value;

/// The KEBA KCP30 record of the corpus (B and E in one record) and its key.
fn keba() -> (String, String) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("\"tps-fromweb-001\""))
        .unwrap();
    let v: Value = serde_json::from_str(line).unwrap();
    (
        v["ocmf"].as_str().unwrap().to_owned(),
        v["public_key"].as_str().unwrap().to_owned(),
    )
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/data/ocpp/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn codes(r: &Report<'_>) -> Vec<FindingCode> {
    r.findings.iter().map(|f| f.code).collect()
}

fn finding(r: &Report<'_>, code: FindingCode) -> Option<ocmf_core::Finding> {
    r.findings.iter().copied().find(|f| f.code == code)
}

// ---------------------------------------------------------------------------
// KEBA over OCPP 2.0.1: publicKey = base64 of {"UK": "<SPKI hex>"}
// ---------------------------------------------------------------------------

#[test]
fn keba_uk_container_reads_as_the_key_it_holds() {
    let (_, spki) = keba();
    let plain = PublicKey::parse(&spki).unwrap();
    let json = format!("{{\"UK\":\"{spki}\"}}");
    let b64 = Base64::encode_string(json.as_bytes());
    for text in [
        json.as_str(),
        &b64,
        &format!(" {{ \"UK\" : \" {spki} \" }}\n"),
    ] {
        let k = PublicKey::parse(text).unwrap();
        assert_eq!(k.sec1_bytes(), plain.sec1_bytes(), "{text}");
        assert_eq!(k.declared_curve, plain.declared_curve);
        assert_eq!(k.encoding, ocmf_core::KeyEncoding::UkContainer);
        // Key bytes (a key file) read the same.
        let b = PublicKey::from_input(text.as_bytes()).unwrap();
        assert_eq!(b.sec1_bytes(), plain.sec1_bytes());
    }
    // Anything else in braces is not a key, and says which way.
    for (bad, code) in [
        ("{\"UK\":1}", ErrorCode::KeyEncoding),
        (
            &*format!("{{\"UK\":\"{spki}\",\"X\":1}}"),
            ErrorCode::KeyEncoding,
        ),
        (
            &*format!("{{\"UK\":\"{{\\\"UK\\\":\\\"{spki}\\\"}}\"}}"),
            ErrorCode::KeyEncoding,
        ),
        ("{\"UK\":", ErrorCode::KeyEncoding),
        ("{\"UK\":\"3059\"}", ErrorCode::KeyDer),
    ] {
        assert_eq!(PublicKey::parse(bad).unwrap_err().code, code, "{bad}");
    }
}

#[test]
fn keba_ocpp201_transaction_event_is_a_valid_session_with_a_finding() {
    let (record, _) = keba();
    let x = extract(&fixture("201_keba_uk_key.json"));
    assert!(x.errors.is_empty(), "{:?}", x.errors);
    assert_eq!(x.values.len(), 1);
    let v = &x.values[0];
    assert_eq!(v.record, record);
    assert_eq!(v.transport, Transport::Ocpp20Base64);
    // The key is passed on as carried (base64 over the container).
    assert!(v.public_key.as_deref().unwrap().starts_with("eyJVSyI6"));
    for profile in [Profile::Strict, Profile::Interop, Profile::Reference] {
        let checker = Checker::new().profile(profile);
        let groups = checker.sessions(&x, KeyInput::None).unwrap();
        assert_eq!(groups.len(), 1);
        let s = &groups[0].report;
        let checked = &s.records[0].checked;
        assert_eq!(checked.signature_valid, Some(true), "{profile:?}");
        let f = finding(checked, FindingCode::NonstandardKeyContainer)
            .unwrap_or_else(|| panic!("{profile:?}: {:?}", codes(checked)));
        let want = if profile == Profile::Strict {
            Severity::Warning
        } else {
            Severity::Info
        };
        assert_eq!(f.severity, want);
        if profile != Profile::Strict {
            assert_eq!(s.verdict, SessionVerdict::Valid, "{:?}", s.findings);
        }
    }
}

#[test]
fn the_container_finding_follows_the_key_used() {
    let (record, spki) = keba();
    let container = Base64::encode_string(format!("{{\"UK\":\"{spki}\"}}").as_bytes());
    let c = Checker::new();
    let wrapped = c.verify(&record, KeyInput::Text(&container));
    assert_eq!(wrapped.verdict, Verdict::Valid, "{:?}", wrapped.error);
    assert!(finding(&wrapped, FindingCode::NonstandardKeyContainer).is_some());
    let plain = c.verify(&record, KeyInput::Text(&spki));
    assert_eq!(plain.verdict, Verdict::Valid);
    assert!(finding(&plain, FindingCode::NonstandardKeyContainer).is_none());
    // In the record's 4th section too.
    let fourth = format!("{record}|{container}");
    let r = c.verify(&fourth, KeyInput::None);
    assert_eq!(r.signature_valid, Some(true));
    assert!(finding(&r, FindingCode::NonstandardKeyContainer).is_some());
}

// ---------------------------------------------------------------------------
// UTF-8 byte-order mark
// ---------------------------------------------------------------------------

const BOM: &str = "\u{feff}";

/// Every finding of `marked` is one of `plain`'s, three bytes further on,
/// plus the mark itself at 0..3.
fn same_but_marked(plain: &Report<'_>, marked: &Report<'_>) {
    assert_eq!(marked.verdict, plain.verdict, "{:?}", marked.error);
    assert_eq!(marked.signature_valid, plain.signature_valid);
    let f = finding(marked, FindingCode::ByteOrderMark).expect("a byte_order_mark finding");
    assert_eq!(f.span, Some(Span::new(0, 3)));
    assert_eq!(f.severity, Severity::Info);
    let shifted: Vec<_> = plain
        .findings
        .iter()
        .map(|f| (f.code, f.span.map(|s| Span::new(s.start + 3, s.end + 3))))
        .collect();
    let rest: Vec<_> = marked
        .findings
        .iter()
        .filter(|f| f.code != FindingCode::ByteOrderMark)
        .map(|f| (f.code, f.span))
        .collect();
    assert_eq!(rest, shifted);
    let (p, m) = (
        plain.record.as_ref().unwrap(),
        marked.record.as_ref().unwrap(),
    );
    assert_eq!(
        m.signed_bytes(),
        p.signed_bytes(),
        "the signed bytes are the meter's"
    );
    assert_eq!(m.digest(), p.digest());
}

#[test]
fn a_record_with_a_byte_order_mark_reads_as_without_it() {
    let (record, key) = keba();
    let marked = format!("{BOM}{record}");
    let c = Checker::new();
    let plain = c.verify(&record, KeyInput::Text(&key));
    assert_eq!(plain.verdict, Verdict::Valid);
    assert!(finding(&plain, FindingCode::ByteOrderMark).is_none());
    same_but_marked(&plain, &c.verify(&marked, KeyInput::Text(&key)));
    same_but_marked(&plain, &c.verify(marked.as_bytes(), KeyInput::Text(&key)));
    let items = [
        Item::new(&marked).key(KeyInput::Text(&key)),
        Item::new(marked.as_bytes()).key(KeyInput::Text(&key)),
    ];
    for r in c.verify_all(&items) {
        same_but_marked(&plain, &r);
    }
    let mut n = 0;
    c.verify_each([(marked.clone(), Some(key.clone()))], |_, r| {
        same_but_marked(&plain, &r);
        n += 1;
    });
    assert_eq!(n, 1);
    // A tampered record stays an invalid signature, mark or not.
    let tampered = marked.replace("0.2597", "0.2598");
    let r = c.verify(&tampered, KeyInput::Text(&key));
    assert_eq!(r.verdict, Verdict::InvalidSignature);
    assert!(finding(&r, FindingCode::ByteOrderMark).is_some());
    // An error's offset is in the input as given.
    let broken = format!("{BOM}{record}x");
    let e = c.verify(&broken, KeyInput::Text(&key)).error.unwrap();
    assert_eq!(e.code, ErrorCode::TrailingData);
    assert_eq!(e.span.unwrap().start, broken.len() - 1);
}

#[test]
fn a_file_with_a_byte_order_mark_gives_its_records_and_says_so() {
    let (record, key) = keba();
    let file = format!("{BOM}{record}\r\n{record}\r\n");
    let pieces: Vec<_> = split_records(&file).collect();
    assert_eq!(pieces.len(), 2);
    // The first piece starts at byte 0 of the file, mark included.
    assert!(std::ptr::eq(pieces[0].text.as_ptr(), file.as_ptr()));
    assert_eq!(pieces[0].decode().unwrap(), record);
    let c = Checker::new();
    let reports: Vec<_> = pieces
        .iter()
        .map(|p| c.verify(p.text, KeyInput::Text(&key)))
        .collect();
    same_but_marked(&reports[1], &reports[0]);
    // extract reads every container past the mark.
    for (input, n) in [
        (file.clone(), 1), // the same record twice: one duplicate
        (format!("{BOM}{}", fixture("201_keba_uk_key.json")), 1),
        (format!("{BOM}{}", fixture("multi_station.log")), 0),
        (format!("{BOM}{}", fixture("ptb_container.json")), 2),
    ] {
        let x = extract(&input);
        let mut plain = extract(input.strip_prefix(BOM).unwrap());
        // The same extraction, and it says the mark was there.
        assert!(x.byte_order_mark && !plain.byte_order_mark);
        assert_eq!(x.to_json()["byte_order_mark"], true);
        assert_eq!(plain.to_json()["byte_order_mark"], false);
        plain.byte_order_mark = true;
        assert_eq!(x, plain);
        if n > 0 {
            assert_eq!(x.values.len(), n);
        }
        assert!(x.errors.is_empty() || n == 0, "{:?}", x.errors);
    }
    let xml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/xml/tps_namespace.xml"
    ))
    .unwrap();
    let x = extract(&format!("{BOM}{xml}"));
    assert!(x.byte_order_mark);
    assert_eq!(x.values, extract(&xml).values);
    assert!(
        !x.values.is_empty() && x.errors.is_empty(),
        "{:?}",
        x.errors
    );
}

#[test]
fn a_registry_with_a_byte_order_mark_loads() {
    let (record, key) = keba();
    for text in [
        format!("{BOM}gateway_serial,public_key\n17619300,{key}\n"),
        format!("{BOM}{{\"keys\":[{{\"gateway_serial\":\"17619300\",\"public_key\":\"{key}\"}}]}}"),
        format!("{BOM}\n{{\"X\": \"{key}\"}}"),
    ] {
        let reg = ocmf_core::registry::Registry::load_bytes(text.as_bytes()).unwrap();
        assert_eq!(reg.len(), 1, "{text}");
        assert_eq!(reg.entries()[0].key, PublicKey::parse(&key).unwrap());
        if reg.entries()[0].gateway_serial.is_some() {
            let r = Checker::new()
                .registry(Some(&reg))
                .verify(&record, KeyInput::None);
            assert_eq!(r.verdict, Verdict::Valid);
        }
    }
}
