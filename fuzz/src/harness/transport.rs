//! Targets `transport_extract`, `xml`, `batch` and `session`: containers,
//! the TPS XML round trip, batches against the one-record call, and
//! sessions.

use ocmf_core::registry::{KeyEntry, Registry, Trust};
use ocmf_core::session::SessionRecord;
use ocmf_core::transport::{Extraction, SignedValue, extract, extract_bytes};
use ocmf_core::{Checker, ErrorCode, Item, KeyInput, Lang, PublicKey, parse_with, str_from_bytes};

use super::{PROFILES, json_of, parts, report_invariants};

/// Properties of every extraction.
fn extraction_invariants(x: &Extraction) {
    let json = x.to_json_string();
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("extraction JSON: {e}: {json}"));
    assert_eq!(
        v["values"].as_array().map(Vec::len),
        Some(x.values.len()),
        "extraction JSON value count"
    );
    for e in &x.errors {
        assert_ne!(e.code, ErrorCode::Ok, "transport error with code 0");
        assert!(e.line.is_none_or(|l| l >= 1), "line numbers are 1-based");
    }
    // Every value lands in exactly one session group.
    let mut seen = vec![0u32; x.values.len()];
    for g in x.groups() {
        assert!(!g.values.is_empty(), "an empty group");
        for i in g.values {
            let slot = seen
                .get_mut(i)
                .unwrap_or_else(|| panic!("group index {i} out of range"));
            *slot += 1;
        }
    }
    assert!(
        seen.iter().all(|n| *n == 1),
        "a value in no group or in two: {seen:?}"
    );
    let checker = Checker::new();
    for value in &x.values {
        assert!(!value.record.is_empty(), "an empty extracted record");
        let report = checker.verify(&value.record, KeyInput::text(value.public_key.as_deref()));
        report_invariants(&report, &value.record);
    }
    // Every group is one session, the one `Checker::session` gives for its
    // values (with their carried keys and message ids).
    let sessions = checker
        .sessions(x, KeyInput::None)
        .expect("no key given: never a key error");
    let groups = x.groups();
    assert_eq!(sessions.len(), groups.len(), "one session per group");
    for (s, g) in sessions.iter().zip(&groups) {
        assert_eq!(&s.group, g, "session group");
        let records: Vec<SessionRecord<'_>> = g
            .values
            .iter()
            .map(|&i| {
                let v = &x.values[i];
                SessionRecord {
                    record: &v.record,
                    key: v.public_key.as_deref(),
                    label: v.origin.message_id.as_deref(),
                }
            })
            .collect();
        let one = checker
            .session(&records, KeyInput::None)
            .expect("no key given: never a key error");
        assert_eq!(
            s.report.to_json_string(Lang::En),
            one.to_json_string(Lang::En),
            "Checker::sessions vs Checker::session"
        );
    }
    let json = x.json_with_sessions(&sessions, Lang::En).to_string();
    serde_json::from_str::<serde_json::Value>(&json)
        .unwrap_or_else(|e| panic!("extraction with sessions JSON: {e}: {json}"));
}

/// Target `transport_extract`: any input through format detection and
/// extraction (OCPP messages and logs, hex and plain records, PTB JSON, XML).
pub fn transport_extract(data: &[u8]) {
    let x = extract_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ocmf_core::transport::detect(text);
        assert_eq!(extract(text), x, "extract and extract_bytes differ");
    } else {
        assert!(x.values.is_empty(), "values from input that is not UTF-8");
    }
    extraction_invariants(&x);
}

/// The head of a TPS XML document, so that the fuzzer spends its time inside.
pub const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<values>\n";

fn xml_safe(s: &str) -> bool {
    s.chars()
        .all(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}' | '\u{FFFD}'))
        && s.trim() == s
}

/// Target `xml`: `XML_HEAD` + input read as TPS XML; the values found must
/// come back unchanged from `to_xml` and a second extraction (the writer's
/// documented round trip).
pub fn xml(data: &[u8]) {
    let mut doc = Vec::with_capacity(XML_HEAD.len() + data.len());
    doc.extend_from_slice(XML_HEAD.as_bytes());
    doc.extend_from_slice(data);
    let x = extract_bytes(&doc);
    extraction_invariants(&x);
    let written = x.to_xml();
    let back = extract(&written);
    // `to_xml` of no values is a document the reader reports as holding no
    // `<value>` (an error entry, no values); otherwise it must read cleanly.
    assert!(
        x.values.is_empty() || back.errors.is_empty(),
        "to_xml output has errors: {:?}\n{written}",
        back.errors
    );
    assert_eq!(
        back.values.len(),
        x.values.len(),
        "to_xml round trip count\n{written}"
    );
    for (a, b) in x.values.iter().zip(&back.values) {
        assert_eq!(
            a.record, b.record,
            "record changed in the XML round trip\n{written}"
        );
        let fields = |v: &SignedValue| {
            (
                v.public_key.clone(),
                v.transaction_id.clone(),
                v.context.clone(),
                v.station.clone(),
                v.timestamp.clone(),
                v.evse,
                v.connector,
            )
        };
        let plain = [
            &a.public_key,
            &a.transaction_id,
            &a.context,
            &a.station,
            &a.timestamp,
        ]
        .into_iter()
        .flatten()
        .all(|s| xml_safe(s));
        if plain {
            assert_eq!(
                fields(a),
                fields(b),
                "value fields changed in the XML round trip\n{written}"
            );
        }
    }
}

/// The parts of `record \0 record \0 ...` (at most 16), each split at its
/// first 0x01 byte into the record and its key (the key only when UTF-8).
fn record_key_parts(data: &[u8]) -> Vec<(&[u8], Option<&str>)> {
    parts(data, 16)
        .into_iter()
        .map(|p| {
            let mut kv = p.splitn(2, |b| *b == 1);
            let rec = kv.next().unwrap_or_default();
            (rec, kv.next().and_then(|k| std::str::from_utf8(k).ok()))
        })
        .collect()
}

/// `Checker::verify_all` and `Checker::verify_each` must give, for every
/// item, the report `Checker::verify` gives for it alone (every member, the
/// registry decision included); `what` names the checker in a failure.
fn same_as_one_by_one(checker: &Checker<'_>, items: &[Item<'_>], what: &str) {
    let all = checker.verify_all(items);
    assert_eq!(all.len(), items.len(), "{what}: one report per item");
    let mut each = Vec::with_capacity(items.len());
    checker.verify_each(items.iter().copied(), |_, r| each.push(json_of(&r)));
    assert_eq!(
        each.len(),
        items.len(),
        "{what}: verify_each, one report per item"
    );
    let limits = checker.options_ref().limits;
    for ((got, item), each) in all.iter().zip(items).zip(&each) {
        report_invariants(got, item.record);
        let want = checker.verify(item.record, item.key);
        assert_eq!(json_of(got), json_of(&want), "{what}: verify_all vs verify");
        assert_eq!(*each, json_of(got), "{what}: verify_each vs verify_all");
        assert_eq!(
            got.trust.is_some(),
            checker.registry_ref().is_some(),
            "{what}: a registry decision exactly with a registry"
        );
        if got.trust.is_some() && str_from_bytes(item.record, &limits).is_err() {
            assert_eq!(*got.trust_status(), Trust::Unknown, "{what}: unread record");
            assert!(!got.is_valid(), "{what}: unread record");
        }
    }
}

/// Target `batch`: `flags, record \0 record \0 ...` as in `session`, checked
/// as one batch, plain and against a registry made from the parts' own keys;
/// every report must equal the one-record call (see `same_as_one_by_one`).
/// `flags`: bits 0-1 the profile, bit 2 registers each meter with the next
/// part's key (mismatches), bit 3 gives every entry a window that ended in 2000.
pub fn batch(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let checker = Checker::new().profile(PROFILES[usize::from(flags & 3) % 3]);
    let options = *checker.options_ref();
    let given = record_key_parts(rest);
    let items: Vec<Item<'_>> = given
        .iter()
        .map(|&(rec, key)| Item::new(rec).key(KeyInput::text(key)))
        .collect();
    same_as_one_by_one(&checker, &items, "batch");

    let mut registry = Registry::new();
    let keys: Vec<PublicKey> = given
        .iter()
        .filter_map(|(_, k)| PublicKey::parse((*k)?).ok())
        .collect();
    for (j, (rec, _)) in given.iter().enumerate() {
        let meter = str_from_bytes(rec, &options.limits).ok().and_then(|r| {
            let u = parse_with(r, &options).ok()?;
            Some(u.payload.meter_serial?.as_str().trim().to_owned())
        });
        let shift = usize::from(flags >> 2 & 1);
        if let (Some(m), false) = (meter, keys.is_empty()) {
            let mut entry = KeyEntry::new(&m, keys[(j + shift) % keys.len()].clone());
            if flags & 8 != 0 {
                entry.valid_until = Some(946_684_799_999);
            }
            registry.add(entry);
        }
    }
    same_as_one_by_one(&checker.registry(Some(&registry)), &items, "trusted batch");
}

/// Target `session`: `flags, record \0 record \0 ...` (at most 16; a 0x01
/// byte inside a part separates the record from its key) checked together.
/// `flags`: the profile (mod 3); bit 7 also checks the session with the
/// first part's key given for every record (an error exactly when that key
/// cannot be read; blank is no key).
pub fn session(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let texts: Vec<(&str, Option<&str>)> = record_key_parts(rest)
        .into_iter()
        .filter_map(|(rec, key)| Some((std::str::from_utf8(rec).ok()?, key)))
        .collect();
    let records: Vec<SessionRecord<'_>> = texts
        .iter()
        .map(|(r, k)| SessionRecord {
            record: r,
            key: *k,
            label: None,
        })
        .collect();
    let checker = Checker::new().profile(PROFILES[usize::from(flags % 3)]);
    let report = checker
        .session(&records, KeyInput::None)
        .expect("no key given: never a key error");
    if records.is_empty() {
        assert_eq!(report.code(), ErrorCode::SessionEmpty, "empty session");
    }
    if report.is_valid() {
        assert_eq!(report.code(), ErrorCode::Ok);
    }
    let _ = report.duration_seconds();
    for lang in [Lang::En, Lang::De] {
        let json = report.to_json_string(lang);
        serde_json::from_str::<serde_json::Value>(&json)
            .unwrap_or_else(|e| panic!("session JSON: {e}: {json}"));
    }
    let Some(key) = texts
        .first()
        .and_then(|t| t.1)
        .filter(|_| flags & 0x80 != 0)
    else {
        return;
    };
    let given = checker.session(&records, KeyInput::Text(key));
    if KeyInput::Text(key).is_none() {
        let given = given.expect("a blank key is no key, never a key error");
        assert_eq!(
            given.to_json_string(Lang::En),
            report.to_json_string(Lang::En),
            "a blank key is no key"
        );
        return;
    }
    match (given, PublicKey::parse(key)) {
        (Ok(r), Ok(_)) => {
            if r.is_valid() {
                assert_eq!(r.code(), ErrorCode::Ok);
            }
        }
        (Err(e), Err(want)) => assert_eq!(e.code, want.code, "the key's own error"),
        (Ok(_), Err(e)) => panic!("a session checked with an unreadable key ({e:?})"),
        (Err(e), Ok(_)) => panic!("a readable key refused: {e:?}"),
    }
}
