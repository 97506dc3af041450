//! The fuzz harnesses: one function per target, each taking the raw fuzz
//! input and calling `ocmf-core`'s entry points with it, then checking
//! properties that must hold for every input (spans inside the record, one
//! verdict, "cannot read the key" never reported as a bad signature, ...).
//!
//! Every verdict comes from the core's one entry point, [`Checker`]
//! (`verify`, `verify_all`, `verify_each`, `session`, `sessions`); the
//! reading layer (`parse`, `Unverified::verify`, `verify_digest`) is
//! called next to it to check that both agree.
//!
//! This file is compiled twice: into the `ocmf-fuzz` crate (the libFuzzer
//! targets in `fuzz_targets/` call it) and, through `#[path]`, into
//! `ocmf-core/tests/fuzz_regressions.rs`, which replays every file of
//! `fuzz/regressions/<target>/` through the same functions as a plain test.
//! It therefore depends only on `ocmf-core`, `serde`, `serde_json`, `sha2`
//! and `std`. A violated property panics (that is how libFuzzer and the
//! test notice it). The targets with most code live in `harness/`
//! (`structured.rs`: `structured_record`; `transport.rs`:
//! `transport_extract`, `xml`, `batch`, `session`; `engine.rs`:
//! `engine_differential`, which also uses the curve crates `ocmf-core`
//! depends on), named by `#[path]` so that both builds find them.

#[path = "harness/engine.rs"]
mod engine;
#[path = "harness/formats.rs"]
mod formats;
#[path = "harness/structured.rs"]
mod structured;
#[path = "harness/transport.rs"]
mod transport;

pub use engine::*;
pub use formats::*;
pub use structured::*;
pub use transport::*;

use ocmf_core::{
    Checker, Curve, ErrorCode, ExactDecimal, KeyInput, Lang, Options, Payload, Profile, PublicKey,
    Reading, Report, Span, Verdict, parse, parse_algorithm, parse_bytes, parse_obis,
    parse_pagination, parse_timestamp, parse_with, payload_json, str_from_bytes, verify_digest,
};
use sha2::{Digest, Sha256};

/// The profiles, indexed by a fuzz byte.
pub const PROFILES: [Profile; 3] = [Profile::Interop, Profile::Strict, Profile::Reference];

/// Splits `data` at 0x00 bytes into at most `n` parts (the last part keeps
/// any further 0x00). Multi-part targets read `flags, part0 \0 part1 \0 ...`.
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |b| *b == 0).collect()
}

fn span_inside(span: Span, len: usize, what: &str) {
    assert!(
        span.start <= span.end && span.end <= len,
        "{what}: span {}..{} outside a record of {len} bytes",
        span.start,
        span.end
    );
}

/// Properties of every report, whatever the input (`record`: the text or
/// bytes it was made from).
pub fn report_invariants(report: &Report<'_>, record: impl AsRef<[u8]>) {
    let len = record.as_ref().len();
    match report.error {
        None => {
            assert_eq!(report.verdict, Verdict::Valid, "no error but not valid");
            assert_eq!(
                report.signature_valid,
                Some(true),
                "valid without a signature"
            );
            assert!(report.record.is_some(), "valid without a record");
        }
        Some(e) => {
            assert_eq!(report.verdict, e.verdict(), "verdict is not the error's");
            assert_ne!(e.code, ErrorCode::Ok, "error with code 0");
            if let Some(s) = e.span {
                span_inside(s, len, "error");
            }
        }
    }
    if report.verdict == Verdict::InvalidSignature {
        assert_eq!(
            report.signature_valid,
            Some(false),
            "invalid-signature verdict without a failed signature check"
        );
    }
    for f in &report.findings {
        if let Some(s) = f.span {
            span_inside(s, len, "finding");
        }
    }
    for lang in [Lang::En, Lang::De] {
        let json = report.to_json_string(lang);
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("report JSON: {e}: {json}"));
        assert_eq!(v["verdict"].as_str(), Some(report.verdict.as_str()));
        assert_eq!(v["code"].as_u64(), Some(u64::from(report.code().code())));
        assert!(!json.contains('\n'), "report JSON is not one line");
        assert_eq!(
            v.get("trust").is_some(),
            report.trust.is_some(),
            "trust members exactly with a registry decision"
        );
    }
}

/// A report as its canonical JSON: every member (verdict, code, findings,
/// record, trust), for comparing the answers of two entry points.
pub fn json_of(report: &Report<'_>) -> String {
    report.to_json_string(Lang::En)
}

fn text_spans(p: &Payload<'_>, len: usize) {
    let texts = [
        &p.format_version,
        &p.gateway_id,
        &p.gateway_serial,
        &p.gateway_version,
        &p.pagination,
        &p.meter_vendor,
        &p.meter_model,
        &p.meter_serial,
        &p.meter_firmware,
        &p.identification_level,
        &p.identification_type,
        &p.identification_data,
        &p.tariff_text,
        &p.controller_firmware,
        &p.charge_point_type,
        &p.charge_point_id,
    ];
    for t in texts.into_iter().flatten() {
        span_inside(t.span, len, "payload text");
    }
    for t in p.identification_flags.iter().flatten() {
        span_inside(t.span, len, "IF");
    }
    for r in &p.readings {
        span_inside(r.span, len, "reading");
        for t in [
            &r.time,
            &r.reason,
            &r.obis,
            &r.unit,
            &r.current_type,
            &r.error_flags,
            &r.status,
        ]
        .into_iter()
        .flatten()
        {
            span_inside(t.span, len, "reading text");
        }
        for d in [&r.value, &r.cumulated_loss].into_iter().flatten() {
            span_inside(d.span, len, "reading number");
        }
    }
}

/// The carry-forward rule, checked field by field against the readings as
/// written (spec: a field a reading omits is inherited from the previous one).
fn carry_forward(written: &[Reading<'_>], resolved: &[Reading<'_>]) {
    assert_eq!(
        written.len(),
        resolved.len(),
        "resolved_readings changed the count"
    );
    macro_rules! field {
        ($f:ident) => {
            for i in 0..written.len() {
                let want = match (&written[i].$f, i) {
                    (Some(v), _) => Some(v),
                    (None, 0) => None,
                    (None, _) => resolved[i - 1].$f.as_ref(),
                };
                assert_eq!(
                    resolved[i].$f.as_ref(),
                    want,
                    "carry-forward of {}",
                    stringify!($f)
                );
            }
        };
    }
    field!(time);
    field!(reason);
    field!(value);
    field!(obis);
    field!(unit);
    field!(current_type);
    field!(cumulated_loss);
    field!(error_flags);
    field!(status);
    for (w, r) in written.iter().zip(resolved) {
        assert_eq!(
            w.extra.len(),
            r.extra.len(),
            "vendor members are not inherited"
        );
    }
}

/// Target `envelope_payload`: the record reader and everything that reads
/// the parsed payload.
pub fn envelope_payload(data: &[u8]) {
    let options = Options::default();
    let from_bytes = parse_bytes(data, &options);
    let Ok(text) = std::str::from_utf8(data) else {
        let e = from_bytes.err().expect("non-UTF-8 input parsed");
        assert!(matches!(e.code, ErrorCode::NotUtf8 | ErrorCode::TooLarge));
        // The checker reads record bytes as `parse_bytes` does.
        let report = Checker::new().verify(data, KeyInput::None);
        report_invariants(&report, data);
        assert!(
            report.record.is_none(),
            "a record from bytes that are no text"
        );
        assert_eq!(report.code(), e.code, "checker vs parse_bytes");
        return;
    };
    let from_str = parse(text);
    match (&from_bytes, &from_str) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) if a.code == ErrorCode::TooLarge || a == b => {}
        _ => panic!("parse_bytes and parse disagree: {from_bytes:?} / {from_str:?}"),
    }
    for profile in PROFILES {
        let checker = Checker::new().profile(profile);
        let report = checker.verify(text, KeyInput::None);
        report_invariants(&report, text);
        assert_eq!(
            json_of(&checker.verify(data, KeyInput::None)),
            json_of(&report),
            "record as bytes vs as text"
        );
        assert_eq!(
            report.record.is_some(),
            from_str.is_ok(),
            "report record vs parse"
        );
        if let Err(e) = &from_str {
            assert_eq!(
                report.error.map(|e| e.code),
                Some(e.code),
                "report error vs parse"
            );
        }
    }
    let rec = match from_str {
        Ok(rec) => rec,
        Err(e) => {
            if let Some(s) = e.span {
                span_inside(s, text.len(), "parse error");
            }
            return;
        }
    };
    assert_eq!(rec.envelope.record, text);
    assert!(
        text.contains(rec.signed_bytes()),
        "signed bytes are not a slice of the record"
    );
    let digest: [u8; 32] = Sha256::digest(rec.signed_bytes().as_bytes()).into();
    assert_eq!(
        rec.digest(),
        digest,
        "digest is not SHA-256 of the signed bytes"
    );
    let p = &rec.payload;
    text_spans(p, text.len());
    let resolved = p.resolved_readings();
    carry_forward(&p.readings, &resolved);
    for r in resolved.iter().chain(&p.readings) {
        if let Some(ts) = r.timestamp() {
            timestamp_invariants(&ts, r.time.as_ref().map_or("", |t| t.as_str()));
        }
        let _ = r.obis_code().map(|o| (o.c_value(), o.is_energy_register()));
        for d in [&r.value, &r.cumulated_loss].into_iter().flatten() {
            if let Some(x) = d.exact() {
                decimal_invariants(x, d.as_str());
            }
            let _ = d.to_f64();
        }
        let _ = r.extra("XV");
    }
    if let Some(pg) = p.pagination() {
        let _ = (pg.number(), pg.context());
    }
    if let Some(lc) = &p.cable_loss {
        span_inside(lc.span, text.len(), "LC");
        for d in [&lc.id, &lc.resistance].into_iter().flatten() {
            let _ = d.exact();
        }
    }
    let _ = p.extra("XX");
    let json = payload_json(p);
    let again: serde_json::Value =
        serde_json::from_str(&json.to_string()).expect("payload_json is not JSON");
    assert_eq!(again, json);
    assert_eq!(
        json["readings"].as_array().map(Vec::len),
        Some(p.readings.len()),
        "payload_json reading count"
    );
    let _ = rec.algorithm();
    if let Some(Ok(key)) = rec.embedded_key() {
        key_invariants(&key);
        let _ = rec.verify(&key);
    }
}

/// Round trips every decoded key must survive.
pub fn key_invariants(key: &PublicKey) {
    let curves: Vec<Curve> = key.curves().collect();
    assert!(!curves.is_empty(), "a decoded key without a curve");
    let sec1 = key.sec1_bytes();
    let again = PublicKey::from_bytes(sec1)
        .unwrap_or_else(|e| panic!("SEC1 bytes of a decoded key do not decode: {e:?}"));
    let again_curves: Vec<Curve> = again.curves().collect();
    for c in &curves {
        assert!(
            again_curves.contains(c),
            "curve {c:?} lost in the SEC1 round trip"
        );
    }
    let hex = PublicKey::parse(&key.sec1_hex())
        .unwrap_or_else(|e| panic!("sec1_hex of a decoded key does not parse: {e:?}"));
    assert_eq!(hex.sec1_bytes(), sec1, "sec1_hex round trip");
}

/// Target `key_decode`: key text and key bytes.
pub fn key_decode(data: &[u8]) {
    if let Ok(k) = PublicKey::from_bytes(data) {
        key_invariants(&k);
    }
    let text = String::from_utf8_lossy(data);
    match PublicKey::parse(&text) {
        Ok(k) => key_invariants(&k),
        Err(e) => assert_ne!(
            e.verdict(),
            Verdict::Valid,
            "key error with a valid verdict"
        ),
    }
}

/// Checks a record under a decoded caller key: the report and the reading
/// layer's `verify` must agree on the signature. Returns the verdict and code.
fn with_key(checker: &Checker<'_>, record: &str, key: &PublicKey) -> (Verdict, ErrorCode) {
    let report = checker.verify(record, KeyInput::Decoded(key));
    report_invariants(&report, record);
    if let Ok(rec) = parse_with(record, checker.options_ref()) {
        let verified = rec.verify(key);
        if let Err(e) = &verified {
            assert_ne!(e.code, ErrorCode::Ok);
        }
        assert_eq!(
            verified.is_ok(),
            report.signature_valid == Some(true),
            "verify() and Checker::verify disagree"
        );
    }
    (report.verdict, report.code())
}

/// An unreadable key may make the answer "cannot read", never "bad signature".
fn unreadable_key(report: &Report<'_>) {
    assert_ne!(
        report.verdict,
        Verdict::Valid,
        "valid with an unreadable key"
    );
    assert_ne!(
        report.verdict,
        Verdict::InvalidSignature,
        "an unreadable key reported as an invalid signature"
    );
}

/// Target `verify_arbitrary`: `flags, record \0 key \0 signature-bytes`.
/// The key is given as text and as bytes (`KeyInput::Text`, `Bytes`) and
/// compared with the key decoded first (`Decoded`); the signature bytes go
/// to `verify_digest` over the record's digest.
pub fn verify_arbitrary(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let checker = Checker::new().profile(PROFILES[usize::from(flags % 3)]);
    let options = *checker.options_ref();
    let p = parts(rest, 3);
    let record_bytes = p.first().copied().unwrap_or_default();
    let key_bytes = p.get(1).copied().unwrap_or_default();
    let Ok(record) = str_from_bytes(record_bytes, &options.limits) else {
        let e = parse_bytes(record_bytes, &options)
            .err()
            .expect("unread bytes parsed");
        // Bytes that never reach the parser: the error's answer, whatever the key.
        let report = checker.verify(record_bytes, KeyInput::Bytes(key_bytes));
        report_invariants(&report, record_bytes);
        assert_eq!(report.code(), e.code, "unread record bytes");
        assert!(report.record.is_none() && report.signature_valid.is_none());
        return;
    };
    // Without a key: the record's own (4th section), if any.
    let own = json_of(&checker.verify(record, KeyInput::None));
    let mut keys = Vec::new();
    if let Ok(key_text) = std::str::from_utf8(key_bytes) {
        let report = checker.verify(record, KeyInput::Text(key_text));
        report_invariants(&report, record);
        if KeyInput::Text(key_text).is_none() {
            assert_eq!(json_of(&report), own, "blank key text is no key");
        } else {
            match PublicKey::parse(key_text) {
                Ok(k) => {
                    key_invariants(&k);
                    assert_eq!(
                        (report.verdict, report.code()),
                        with_key(&checker, record, &k),
                        "key text vs decoded key"
                    );
                    keys.push(k);
                }
                Err(_) => unreadable_key(&report),
            }
        }
    }
    // Key bytes: key text when UTF-8, else binary.
    let report = checker.verify(record, KeyInput::Bytes(key_bytes));
    report_invariants(&report, record);
    if key_bytes.is_empty() {
        assert_eq!(json_of(&report), own, "empty key bytes are no key");
    } else {
        match PublicKey::from_input(key_bytes) {
            Ok(k) => {
                key_invariants(&k);
                assert_eq!(
                    (report.verdict, report.code()),
                    with_key(&checker, record, &k),
                    "key bytes vs decoded key"
                );
            }
            Err(_) => unreadable_key(&report),
        }
    }
    if let Ok(k) = PublicKey::from_bytes(key_bytes) {
        key_invariants(&k);
        let _ = with_key(&checker, record, &k);
        keys.push(k);
    }
    let Some(sig) = p.get(2) else { return };
    let (algorithm, digest) = match parse_with(record, &options) {
        Ok(rec) => (rec.algorithm().ok(), rec.digest()),
        Err(_) => (None, Sha256::digest(record.as_bytes()).into()),
    };
    for key in &keys {
        let algs = algorithm
            .into_iter()
            .chain(Curve::ALL.map(ocmf_core::Algorithm::ecdsa_sha256));
        for alg in algs {
            if let Err(e) = verify_digest(alg, key, &digest, sig) {
                assert_ne!(e.code, ErrorCode::Ok);
            }
        }
    }
}

/// Round trip of a parsed timestamp through its canonical spelling.
fn timestamp_invariants(ts: &ocmf_core::Timestamp, text: &str) {
    assert!((1..=12).contains(&ts.month) && (1..=31).contains(&ts.day));
    assert!(ts.hour < 24 && ts.minute < 60 && ts.second <= 60 && ts.millis < 1000);
    let _ = ts.unix_millis();
    // The reader takes any two-digit hours and minutes in the UTC offset
    // (`+9999` reads as 6039 minutes); such offsets have no canonical spelling.
    if ts.offset_minutes.unsigned_abs() >= 24 * 60 {
        return;
    }
    let canonical = canonical_timestamp(ts);
    let back = parse_timestamp(&canonical)
        .unwrap_or_else(|| panic!("canonical form {canonical:?} of {text:?} does not parse"));
    assert!(back.canonical, "{canonical:?} not canonical");
    assert_eq!(
        (
            back.year,
            back.month,
            back.day,
            back.hour,
            back.minute,
            back.second
        ),
        (ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second)
    );
    assert_eq!(
        (back.millis, back.offset_minutes, back.status),
        (ts.millis, ts.offset_minutes, ts.status)
    );
    // `-0000` reads as `+0000`; offsets with minutes above 59 are read
    // leniently (h * 60 + m) and spelled normalised.
    let offset_mm_ok = text
        .get(26..28)
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m < 60);
    if ts.canonical && offset_mm_ok && !text.contains("-0000") {
        assert_eq!(canonical, text, "canonical timestamp does not spell itself");
    }
}

/// `YYYY-MM-DDThh:mm:ss,fff±hhmm X` for a timestamp.
pub fn canonical_timestamp(ts: &ocmf_core::Timestamp) -> String {
    let sign = if ts.offset_minutes < 0 { '-' } else { '+' };
    let off = ts.offset_minutes.unsigned_abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02},{:03}{sign}{:02}{:02} {}",
        ts.year,
        ts.month,
        ts.day,
        ts.hour,
        ts.minute,
        ts.second,
        ts.millis,
        off / 60,
        off % 60,
        ts.status.letter()
    )
}

fn decimal_invariants(d: ExactDecimal, text: &str) {
    assert_eq!(d.rescale(d.scale), Some(d), "rescale to the same scale");
    assert_eq!(d.cmp(&d), std::cmp::Ordering::Equal);
    if let Some(sum) = d.checked_add(d) {
        if let Some(diff) = sum.checked_sub(d) {
            assert_eq!(
                diff.cmp(&d),
                std::cmp::Ordering::Equal,
                "(d + d) - d != d for {text}"
            );
        }
    }
    for exp in [-40, -3, 0, 3, 40] {
        let _ = d.shift(exp);
    }
    let f = d.to_f64();
    if let Ok(want) = text.trim().parse::<f64>() {
        if want.is_finite() && want.abs() > 1e-300 {
            let rel = ((f - want) / want).abs();
            assert!(rel < 1e-9, "to_f64 {f} vs {want} for {text:?}");
        }
    }
}

/// Target `grammar`: the small grammars, with round trips.
pub fn grammar(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    for s in std::iter::once(&*s).chain(s.lines()) {
        if let Some(ts) = parse_timestamp(s) {
            timestamp_invariants(&ts, s);
        }
        if let Some((pg, canonical)) = parse_pagination(s) {
            let spelled = format!("{}{}", pg.context(), pg.number());
            assert_eq!(
                parse_pagination(&spelled),
                Some((pg, true)),
                "PG round trip"
            );
            if canonical {
                assert_eq!(spelled, s, "canonical PG does not spell itself");
            }
        }
        if let Some(o) = parse_obis(s) {
            let _ = (o.c_value(), o.is_energy_register());
        }
        if let Ok((alg, _)) = parse_algorithm(s) {
            assert_eq!(parse_algorithm(alg.sa()), Ok((alg, true)), "SA round trip");
        }
        if let Some(d) = ExactDecimal::parse(s) {
            decimal_invariants(d, s);
        }
        let _ = Curve::from_name(s);
        let _ = Lang::parse(s);
        let _ = Profile::parse(s);
    }
}

/// What the C ABI must answer for a `c_abi` input, computed with the core
/// directly (the `c_abi` target compares the FFI's answers with this; the
/// regression test replays it without the FFI crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CAbiExpected {
    /// Profile argument passed (0-2 valid; 3 is an invalid argument).
    pub profile_arg: u32,
    /// Language argument passed (0-1 valid; 2 is an invalid argument).
    pub lang_arg: u32,
    /// The record bytes.
    pub record: Vec<u8>,
    /// The key bytes (text or binary).
    pub key: Vec<u8>,
    /// Whether the key is passed at all (else NULL).
    pub pass_key: bool,
    /// Result code of `ocmf_key_parse` (0 when the key decodes).
    pub key_code: u32,
    /// `(verdict as in ocmf_verdict, code)` of `ocmf_verify` with the decoded
    /// key (or NULL when it did not decode or is not passed); `None` for an
    /// invalid profile.
    pub verify: Option<(u32, u32)>,
    /// `(code, JSON)` of `ocmf_verify_report`; `None` for invalid arguments.
    pub report: Option<(u32, String)>,
    /// `ocmf_inspect`: `Ok(JSON)` or the error code; `None` for an invalid language.
    pub inspect: Option<Result<String, u32>>,
}

fn verdict_number(v: Verdict) -> u32 {
    match v {
        Verdict::Valid => 0,
        Verdict::InvalidSignature => 1,
        Verdict::Unsupported => 3,
        _ => 2,
    }
}

/// Target `c_abi` input: `flags, record \0 key`. `flags` bits 0-1: profile
/// argument (3 invalid), bit 2-3: language (2, 3 invalid), bit 4: pass the key.
pub fn c_abi_expected(data: &[u8]) -> Option<CAbiExpected> {
    let (&flags, rest) = data.split_first()?;
    let p = parts(rest, 2);
    let record = p.first().copied().unwrap_or_default().to_vec();
    let key = p.get(1).copied().unwrap_or_default().to_vec();
    let profile_arg = u32::from(flags & 3);
    let lang_arg = u32::from((flags >> 2) & 3);
    let pass_key = flags & 0x10 != 0;
    let profile = PROFILES.get(profile_arg as usize).copied();
    let lang = [Lang::En, Lang::De].get(lang_arg as usize).copied();
    let decoded = PublicKey::from_input(&key);
    let key_code = decoded.as_ref().map_or_else(
        |e| e.code.code(),
        |k| {
            key_invariants(k);
            0
        },
    );
    // `ocmf_verify` takes the decoded key handle (or NULL), `ocmf_verify_report`
    // the key bytes.
    let verify = profile.map(|profile| {
        let key = decoded.as_ref().ok().filter(|_| pass_key);
        let r = Checker::new()
            .profile(profile)
            .verify(&record, key.map_or(KeyInput::None, KeyInput::Decoded));
        report_invariants(&r, &record);
        (verdict_number(r.verdict), r.code().code())
    });
    let report = profile.zip(lang).map(|(profile, lang)| {
        let key = if pass_key {
            KeyInput::Bytes(&key)
        } else {
            KeyInput::None
        };
        let r = Checker::new().profile(profile).verify(&record, key);
        report_invariants(&r, &record);
        (r.code().code(), r.to_json_string(lang))
    });
    let limits = Options::default().limits;
    let inspect = lang.map(|_| {
        str_from_bytes(&record, &limits)
            .and_then(|t| parse_with(t, &Options::default()))
            .map(|rec| payload_json(&rec.payload).to_string())
            .map_err(|e| e.code.code())
    });
    Some(CAbiExpected {
        profile_arg,
        lang_arg,
        record,
        key,
        pass_key,
        key_code,
        verify,
        report,
        inspect,
    })
}
