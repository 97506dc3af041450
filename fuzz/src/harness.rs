//! The fuzz harnesses: one function per target, each taking the raw fuzz
//! input and calling `ocmf-core`'s entry points with it, then checking
//! properties that must hold for every input (spans inside the record, one
//! verdict, "cannot read the key" never reported as a bad signature, ...).
//!
//! This file is compiled twice: into the `ocmf-fuzz` crate (the libFuzzer
//! targets in `fuzz_targets/` call it) and, through `#[path]`, into
//! `ocmf-core/tests/fuzz_regressions.rs`, which replays every file of
//! `fuzz/regressions/<target>/` through the same functions as a plain test.
//! It therefore depends only on `ocmf-core`, `serde`, `serde_json`, `sha2`
//! and `std`. A violated property panics (that is how libFuzzer and the
//! test notice it).

use ocmf_core::{
    Curve, Error, ErrorCode, ExactDecimal, Lang, ObisGroup, Options, Payload, Profile, PublicKey,
    Reading, Report, Span, Verdict, check, check_with_key_error, check_with_key_text, parse,
    parse_algorithm, parse_bytes, parse_obis, parse_pagination, parse_timestamp, parse_with,
    payload_json, sign, str_from_bytes, verify_digest,
};
use serde::{Deserialize, Serialize};
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

/// Properties of every report, whatever the input.
pub fn report_invariants(report: &Report<'_>, record: &str) {
    let len = record.len();
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
    }
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
        return;
    };
    let from_str = parse(text);
    match (&from_bytes, &from_str) {
        (Ok(_), Ok(_)) => {}
        (Err(a), Err(b)) if a.code == ErrorCode::TooLarge || a == b => {}
        _ => panic!("parse_bytes and parse disagree: {from_bytes:?} / {from_str:?}"),
    }
    for profile in PROFILES {
        let report = check(text, None, &Options::with_profile(profile));
        report_invariants(&report, text);
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

/// Checks a record under a decoded caller key: the report and `verify`
/// must agree on the signature.
fn with_key(record: &str, key: &PublicKey, options: &Options) -> Report<'static> {
    let report = check(record, Some(key), options);
    report_invariants(&report, record);
    if let Ok(rec) = parse_with(record, options) {
        let verified = rec.verify(key);
        if let Err(e) = &verified {
            assert_ne!(e.code, ErrorCode::Ok);
        }
        assert_eq!(
            verified.is_ok(),
            report.signature_valid == Some(true),
            "verify() and check() disagree"
        );
    }
    // Keep only what the caller needs (the verdict and code) without borrowing.
    Report {
        verdict: report.verdict,
        error: report.error,
        findings: report.findings,
        record: None,
        algorithm: report.algorithm,
        signature_valid: report.signature_valid,
        key_source: report.key_source,
        profile: report.profile,
    }
}

/// An unreadable key may make the answer "cannot read", never "bad signature".
fn with_key_error(record: &str, key_error: Error, options: &Options) {
    let report = check_with_key_error(record, key_error, options);
    report_invariants(&report, record);
    assert_ne!(report.verdict, Verdict::Valid, "valid without a key");
    assert_ne!(
        report.verdict,
        Verdict::InvalidSignature,
        "an unreadable key reported as an invalid signature"
    );
}

/// Target `verify_arbitrary`: `flags, record \0 key \0 signature-bytes`.
/// The key is tried as text and as bytes; the signature bytes go to
/// `verify_digest` over the record's digest.
pub fn verify_arbitrary(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let options = Options::with_profile(PROFILES[usize::from(flags % 3)]);
    let p = parts(rest, 3);
    let record_bytes = p.first().copied().unwrap_or_default();
    let key_bytes = p.get(1).copied().unwrap_or_default();
    let Ok(record) = str_from_bytes(record_bytes, &options.limits) else {
        assert!(parse_bytes(record_bytes, &options).is_err());
        return;
    };
    let mut keys = Vec::new();
    if let Ok(key_text) = std::str::from_utf8(key_bytes) {
        let report = check_with_key_text(record, Some(key_text), &options);
        report_invariants(&report, record);
        match PublicKey::parse(key_text) {
            Ok(k) => {
                key_invariants(&k);
                let direct = with_key(record, &k, &options);
                assert_eq!(report.verdict, direct.verdict, "key text vs decoded key");
                assert_eq!(report.code(), direct.code(), "key text vs decoded key");
                keys.push(k);
            }
            Err(e) => {
                assert_ne!(report.verdict, Verdict::Valid);
                assert_ne!(
                    report.verdict,
                    Verdict::InvalidSignature,
                    "bad key text -> 600"
                );
                with_key_error(record, e, &options);
            }
        }
    }
    match PublicKey::from_bytes(key_bytes) {
        Ok(k) => {
            key_invariants(&k);
            let _ = with_key(record, &k, &options);
            keys.push(k);
        }
        Err(e) => with_key_error(record, e, &options),
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

fn decode_key(bytes: &[u8]) -> Result<PublicKey, Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => PublicKey::parse(text),
        Err(_) => PublicKey::from_bytes(bytes),
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
    let decoded = decode_key(&key);
    let key_code = decoded.as_ref().map_or_else(
        |e| e.code.code(),
        |k| {
            key_invariants(k);
            0
        },
    );
    let limits = Options::default().limits;
    let verify = profile.map(|profile| {
        let options = Options::with_profile(profile);
        let key = decoded.as_ref().ok().filter(|_| pass_key);
        match str_from_bytes(&record, &limits) {
            Ok(text) => {
                let r = check(text, key, &options);
                report_invariants(&r, text);
                (verdict_number(r.verdict), r.code().code())
            }
            Err(e) => (verdict_number(e.verdict()), e.code.code()),
        }
    });
    let report = profile.zip(lang).map(|(profile, lang)| {
        let options = Options::with_profile(profile);
        let (code, json) = match str_from_bytes(&record, &limits) {
            Err(e) => {
                let r = Report::from_error(e, profile);
                (r.code().code(), r.to_json_string(lang))
            }
            Ok(text) => {
                let r = if !pass_key {
                    check(text, None, &options)
                } else {
                    match std::str::from_utf8(&key) {
                        Ok(k) => check_with_key_text(text, Some(k), &options),
                        Err(_) => match PublicKey::from_bytes(&key) {
                            Ok(k) => check(text, Some(&k), &options),
                            Err(e) => check_with_key_error(text, e, &options),
                        },
                    }
                };
                report_invariants(&r, text);
                (r.code().code(), r.to_json_string(lang))
            }
        };
        (code, json)
    });
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

// ---------------------------------------------------------------------------
// Structured records.

/// A decimal number as the meter would print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DecimalSpec {
    /// The digits.
    pub mantissa: u64,
    /// Digits after the point (taken modulo 21).
    pub scale: u8,
    /// A leading minus.
    pub negative: bool,
    /// Sent as a JSON string (a real-world deviation the reader accepts).
    pub quoted: bool,
}

impl DecimalSpec {
    fn scale(self) -> u32 {
        u32::from(self.scale % 21)
    }

    /// The text, e.g. `-2935.600`.
    pub fn text(self) -> String {
        let digits = format!(
            "{:0>width$}",
            self.mantissa,
            width = self.scale() as usize + 1
        );
        let (int, frac) = digits.split_at(digits.len() - self.scale() as usize);
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// The value it stands for, computed independently of the code under test.
    pub fn exact(self) -> ExactDecimal {
        let m = i128::from(self.mantissa);
        ExactDecimal {
            mantissa: if self.negative { -m } else { m },
            scale: self.scale(),
        }
    }

    fn json(self) -> String {
        if self.quoted {
            format!("\"{}\"", self.text())
        } else {
            self.text()
        }
    }
}

/// A timestamp by its components (reduced into range when written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TimeSpec {
    /// Year (mod 10000).
    pub year: u16,
    /// Month (mod 12, +1).
    pub month: u8,
    /// Day (mod 31, +1).
    pub day: u8,
    /// Hour (mod 24).
    pub hour: u8,
    /// Minute (mod 60).
    pub minute: u8,
    /// Second (mod 61: a leap second is allowed).
    pub second: u8,
    /// Milliseconds (mod 1000).
    pub millis: u16,
    /// UTC offset in minutes (mod 24 h).
    pub offset_minutes: i16,
    /// Index into `UIRS`.
    pub status: u8,
}

impl TimeSpec {
    /// `(year, month, day, hour, minute, second, millis, offset, status letter)`.
    fn parts(self) -> (u16, u8, u8, u8, u8, u8, u16, i32, char) {
        let status = ['U', 'I', 'R', 'S'][usize::from(self.status % 4)];
        (
            self.year % 10000,
            self.month % 12 + 1,
            self.day % 31 + 1,
            self.hour % 24,
            self.minute % 60,
            self.second % 61,
            self.millis % 1000,
            i32::from(self.offset_minutes) % (24 * 60),
            status,
        )
    }

    /// The canonical `TM` text.
    pub fn text(self) -> String {
        let (y, mo, d, h, mi, s, ms, off, st) = self.parts();
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.unsigned_abs();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02},{ms:03}{sign}{:02}{:02} {st}",
            a / 60,
            a % 60
        )
    }
}

/// One reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReadingSpec {
    /// `TM`.
    pub tm: Option<TimeSpec>,
    /// `TX`.
    pub tx: Option<String>,
    /// `RV`.
    pub rv: Option<DecimalSpec>,
    /// `RI` as six OBIS groups (written in the spec-1.4 hex notation).
    pub ri: Option<[u8; 6]>,
    /// `RU`.
    pub ru: Option<String>,
    /// `RT`.
    pub rt: Option<String>,
    /// `CL`.
    pub cl: Option<DecimalSpec>,
    /// `EF`.
    pub ef: Option<String>,
    /// `ST`.
    pub st: Option<String>,
}

/// Cable loss `LC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CableLossSpec {
    /// `LN`.
    pub ln: Option<String>,
    /// `LI`.
    pub li: Option<DecimalSpec>,
    /// `LR`.
    pub lr: Option<DecimalSpec>,
    /// `LU`.
    pub lu: Option<String>,
}

/// A well-formed record, field by field. `structured_record` derives one
/// from the fuzz input with `arbitrary`; regression files hold it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RecordSpec {
    /// Index into `Curve::ALL`.
    pub curve: u8,
    /// Pretty-print the payload (white space inside the signed bytes).
    pub pretty: bool,
    /// `FV`.
    pub fv: Option<String>,
    /// `GI`.
    pub gi: Option<String>,
    /// `GS`.
    pub gs: Option<String>,
    /// `GV`.
    pub gv: Option<String>,
    /// `PG` as `T<n>` / `F<n>`: (fiscal, n mod 10^19).
    pub pg: Option<(bool, u64)>,
    /// `MV`.
    pub mv: Option<String>,
    /// `MM`.
    pub mm: Option<String>,
    /// `MS`.
    pub ms: Option<String>,
    /// `MF`.
    pub mf: Option<String>,
    /// `IS`.
    pub is: Option<bool>,
    /// `IL`.
    pub il: Option<String>,
    /// `IF`.
    pub if_: Option<Vec<String>>,
    /// `IT`.
    pub it: Option<String>,
    /// `ID`.
    pub id: Option<String>,
    /// `TT`.
    pub tt: Option<String>,
    /// `CF`.
    pub cf: Option<String>,
    /// `LC`.
    pub lc: Option<CableLossSpec>,
    /// `CT`.
    pub ct: Option<String>,
    /// `CI`.
    pub ci: Option<String>,
    /// `RD` (at most 64 are written).
    pub rd: Vec<ReadingSpec>,
    /// Which byte of the payload to flip afterwards.
    pub flip_at: u32,
    /// The XOR mask for that byte (0 counts as 1).
    pub flip_mask: u8,
}

/// The fixed test secret: 16 bytes, below the order of every supported curve.
pub const TEST_SECRET: [u8; 16] = [
    0x3c, 0x1f, 0x5a, 0x77, 0x02, 0x9e, 0x41, 0xd0, 0x6b, 0x13, 0xa8, 0x55, 0xee, 0x90, 0x27, 0x4d,
];

/// `PG` counters are written below 10^19: the reader takes at most 19
/// digits (so that every value fits a `u64`).
pub const PG_LIMIT: u64 = 10_000_000_000_000_000_000;

/// The most readings a structured record writes.
pub const MAX_SPEC_READINGS: usize = 64;

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

impl RecordSpec {
    /// The payload JSON text, written by hand so that numbers keep their
    /// exact spelling and members their order.
    pub fn payload(&self) -> String {
        let (open, sep, close, colon) = if self.pretty {
            ("{\n  ", ",\n  ", "\n}", ": ")
        } else {
            ("{", ",", "}", ":")
        };
        let mut members: Vec<String> = Vec::new();
        let mut put = |name: &str, value: String| members.push(format!("\"{name}\"{colon}{value}"));
        for (name, v) in [
            ("FV", &self.fv),
            ("GI", &self.gi),
            ("GS", &self.gs),
            ("GV", &self.gv),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some((fiscal, n)) = self.pg {
            let n = n % PG_LIMIT;
            put(
                "PG",
                json_str(&format!("{}{n}", if fiscal { 'F' } else { 'T' })),
            );
        }
        for (name, v) in [
            ("MV", &self.mv),
            ("MM", &self.mm),
            ("MS", &self.ms),
            ("MF", &self.mf),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some(b) = self.is {
            put("IS", b.to_string());
        }
        if let Some(v) = &self.il {
            put("IL", json_str(v));
        }
        if let Some(flags) = &self.if_ {
            let items: Vec<String> = flags.iter().map(|f| json_str(f)).collect();
            put("IF", format!("[{}]", items.join(",")));
        }
        for (name, v) in [
            ("IT", &self.it),
            ("ID", &self.id),
            ("TT", &self.tt),
            ("CF", &self.cf),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some(lc) = &self.lc {
            let mut m = Vec::new();
            if let Some(v) = &lc.ln {
                m.push(format!("\"LN\":{}", json_str(v)));
            }
            if let Some(v) = lc.li {
                m.push(format!("\"LI\":{}", v.json()));
            }
            if let Some(v) = lc.lr {
                m.push(format!("\"LR\":{}", v.json()));
            }
            if let Some(v) = &lc.lu {
                m.push(format!("\"LU\":{}", json_str(v)));
            }
            put("LC", format!("{{{}}}", m.join(",")));
        }
        for (name, v) in [("CT", &self.ct), ("CI", &self.ci)] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        let readings: Vec<String> = self
            .rd
            .iter()
            .take(MAX_SPEC_READINGS)
            .map(|r| {
                let mut m = Vec::new();
                if let Some(t) = r.tm {
                    m.push(format!("\"TM\":{}", json_str(&t.text())));
                }
                if let Some(v) = &r.tx {
                    m.push(format!("\"TX\":{}", json_str(v)));
                }
                if let Some(v) = r.rv {
                    m.push(format!("\"RV\":{}", v.json()));
                }
                if let Some(g) = r.ri {
                    let ri = format!(
                        "{:02X}-{:02X}:{:02X}.{:02X}.{:02X}*{:02X}",
                        g[0], g[1], g[2], g[3], g[4], g[5]
                    );
                    m.push(format!("\"RI\":{}", json_str(&ri)));
                }
                for (name, v) in [("RU", &r.ru), ("RT", &r.rt)] {
                    if let Some(v) = v {
                        m.push(format!("\"{name}\":{}", json_str(v)));
                    }
                }
                if let Some(v) = r.cl {
                    m.push(format!("\"CL\":{}", v.json()));
                }
                for (name, v) in [("EF", &r.ef), ("ST", &r.st)] {
                    if let Some(v) = v {
                        m.push(format!("\"{name}\":{}", json_str(v)));
                    }
                }
                format!("{{{}}}", m.join(","))
            })
            .collect();
        put("RD", format!("[{}]", readings.join(",")));
        format!("{open}{}{close}", members.join(sep))
    }
}

fn same_text(got: Option<&ocmf_core::Text<'_>>, want: Option<&String>, name: &str) {
    assert_eq!(
        got.map(|t| t.as_str()),
        want.map(String::as_str),
        "{name} read back differently"
    );
}

/// Target `structured_record`: sign a well-formed record with the fixed
/// test key, read it back field by field, verify it, then flip one byte of
/// the signed payload (must not be valid) and one hex digit of the
/// signature (must fail the signature check).
pub fn structured(spec: &RecordSpec) {
    let curve = Curve::ALL[usize::from(spec.curve) % Curve::ALL.len()];
    let algorithm = ocmf_core::Algorithm::ecdsa_sha256(curve);
    let payload = spec.payload();
    let signed = match sign(&payload, &TEST_SECRET, algorithm) {
        Ok(s) => s,
        Err(e) => {
            // The only payloads `sign` refuses: a `|` anywhere (the envelope
            // could not be split unambiguously by every reader) or a record
            // beyond the size limit.
            let too_large = payload.len() + 300 > Options::default().limits.max_record_bytes;
            assert!(
                (e.code == ErrorCode::PipeInString && payload.contains('|'))
                    || (too_large && e.code == ErrorCode::TooLarge),
                "sign refused a well-formed payload: {e:?}\n{payload}"
            );
            return;
        }
    };
    assert!(!payload.contains('|'), "signed a payload with a pipe");
    let record = signed.record.as_str();
    assert!(record.starts_with("OCMF|") && record[5..].starts_with(&payload));
    let key = PublicKey::parse(&signed.public_key_sec1_hex).expect("signer's key does not parse");
    assert!(
        key.curves().any(|c| c == curve),
        "signer's key is not on {curve:?}"
    );

    // Read back.
    let rec =
        parse(record).unwrap_or_else(|e| panic!("signed record does not parse: {e:?}\n{record}"));
    assert_eq!(
        rec.signed_bytes(),
        payload,
        "signed bytes differ from the payload"
    );
    assert_eq!(rec.algorithm().ok(), Some(algorithm));
    let p = &rec.payload;
    same_text(p.format_version.as_ref(), spec.fv.as_ref(), "FV");
    same_text(p.gateway_id.as_ref(), spec.gi.as_ref(), "GI");
    same_text(p.gateway_serial.as_ref(), spec.gs.as_ref(), "GS");
    same_text(p.meter_serial.as_ref(), spec.ms.as_ref(), "MS");
    same_text(p.identification_data.as_ref(), spec.id.as_ref(), "ID");
    same_text(p.charge_point_id.as_ref(), spec.ci.as_ref(), "CI");
    if let Some((fiscal, n)) = spec.pg {
        let pg = p.pagination().expect("PG does not parse");
        assert_eq!(
            (pg.context(), pg.number()),
            (if fiscal { 'F' } else { 'T' }, n % PG_LIMIT)
        );
    }
    let want_flags: Option<Vec<&str>> = spec
        .if_
        .as_ref()
        .map(|f| f.iter().map(String::as_str).collect());
    let got_flags: Option<Vec<&str>> = p
        .identification_flags
        .as_ref()
        .map(|f| f.iter().map(|t| t.as_str()).collect());
    assert_eq!(got_flags, want_flags, "IF read back differently");
    let written = spec.rd.len().min(MAX_SPEC_READINGS);
    assert_eq!(p.readings.len(), written, "reading count");
    for (r, s) in p.readings.iter().zip(&spec.rd) {
        if let Some(t) = s.tm {
            let ts = r
                .timestamp()
                .unwrap_or_else(|| panic!("TM {:?} does not parse", t.text()));
            let (y, mo, d, h, mi, sec, ms, off, st) = t.parts();
            assert_eq!(
                (ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second),
                (
                    u32::from(y),
                    u32::from(mo),
                    u32::from(d),
                    u32::from(h),
                    u32::from(mi),
                    u32::from(sec)
                ),
                "TM fields of {:?}",
                t.text()
            );
            assert_eq!(
                (ts.millis, ts.offset_minutes, ts.status.letter()),
                (u32::from(ms), off, st)
            );
            assert!(ts.canonical, "canonical TM {:?} not recognised", t.text());
        } else {
            assert!(r.time.is_none());
        }
        match (s.rv, &r.value) {
            (Some(v), Some(got)) => {
                assert_eq!(got.as_str(), v.text(), "RV text");
                assert_eq!(got.quoted, v.quoted, "RV quoting");
                assert_eq!(got.exact(), Some(v.exact()), "RV value of {}", v.text());
            }
            (None, None) => {}
            (want, got) => panic!("RV: wanted {want:?}, read {got:?}"),
        }
        if let Some(g) = s.ri {
            let o = r.obis_code().expect("RI does not parse");
            let v = |b: u8| ObisGroup::Value(u16::from(b));
            assert_eq!(
                (o.a, o.b, o.c, o.d, o.e, o.f),
                (v(g[0]), v(g[1]), v(g[2]), v(g[3]), v(g[4]), Some(v(g[5]))),
                "RI groups"
            );
        }
        same_text(r.reason.as_ref(), s.tx.as_ref(), "TX");
        same_text(r.unit.as_ref(), s.ru.as_ref(), "RU");
        same_text(r.status.as_ref(), s.st.as_ref(), "ST");
    }
    carry_forward(&p.readings, &p.resolved_readings());

    // Verify.
    let verified = rec.verify(&key);
    assert!(
        verified.is_ok(),
        "a freshly signed record does not verify: {verified:?}\n{record}"
    );
    let options = Options::default();
    let report = check(record, Some(&key), &options);
    report_invariants(&report, record);
    assert_eq!(
        report.signature_valid,
        Some(true),
        "check() rejects the signature"
    );
    assert_ne!(report.verdict, Verdict::InvalidSignature);
    let from_hex = check_with_key_text(record, Some(&signed.public_key_sec1_hex), &options);
    assert_eq!(
        (from_hex.verdict, from_hex.code()),
        (report.verdict, report.code())
    );

    // Flip one byte of the signed payload: never valid.
    let mut bytes = record.as_bytes().to_vec();
    let at = 5 + spec.flip_at as usize % payload.len();
    bytes[at] ^= spec.flip_mask.max(1);
    let flipped_valid = match std::str::from_utf8(&bytes) {
        Ok(text) => {
            let r = check(text, Some(&key), &options);
            report_invariants(&r, text);
            r.is_valid() || r.signature_valid == Some(true)
        }
        Err(_) => parse_bytes(&bytes, &options).is_ok(),
    };
    assert!(
        !flipped_valid,
        "flipping byte {at} of the payload still verifies\n{record}"
    );

    // Change the signature's last hex digit to another value: the signature check fails.
    let sd_end = record.rfind('"').expect("SD is the last member");
    let last = record.as_bytes()[sd_end - 1];
    let other = if last == b'0' { b'1' } else { b'0' };
    let mut bytes = record.as_bytes().to_vec();
    bytes[sd_end - 1] = other;
    let text = std::str::from_utf8(&bytes).expect("ASCII edit");
    let r = check(text, Some(&key), &options);
    report_invariants(&r, text);
    assert_eq!(
        r.signature_valid,
        Some(false),
        "a changed signature still verifies\n{text}"
    );
    if report.is_valid() {
        assert_eq!(r.verdict, Verdict::InvalidSignature);
    }
}

// ---------------------------------------------------------------------------
// Transports, TPS XML and sessions.

/// Properties of every extraction.
fn extraction_invariants(x: &ocmf_core::transport::Extraction) {
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
    for value in &x.values {
        assert!(!value.record.is_empty(), "an empty extracted record");
        let report = check_with_key_text(
            &value.record,
            value.public_key.as_deref(),
            &Options::default(),
        );
        report_invariants(&report, &value.record);
    }
}

/// Target `transport_extract`: any input through format detection and
/// extraction (OCPP messages and logs, hex and plain records, PTB JSON, XML).
pub fn transport_extract(data: &[u8]) {
    let x = ocmf_core::transport::extract_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ocmf_core::transport::detect(text);
        assert_eq!(
            ocmf_core::transport::extract(text),
            x,
            "extract and extract_bytes differ"
        );
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
    let x = ocmf_core::transport::extract_bytes(&doc);
    extraction_invariants(&x);
    let written = x.to_xml();
    let back = ocmf_core::transport::extract(&written);
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
        let fields = |v: &ocmf_core::transport::SignedValue| {
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

/// Target `batch`: `flags, record \0 record \0 ...` as in `session`, checked
/// with `batch::check_all` and, against a registry made from the parts'
/// own keys, `batch::check_all_trusted`. Every report must equal the
/// one-record call (`check_with_key_text`, `check_trusted`). `flags`: bits
/// 0-1 the profile, bit 2 registers each meter with the next part's key
/// (mismatches), bit 3 gives every entry a window that ended in 2000.
pub fn batch(data: &[u8]) {
    use ocmf_core::batch::{BatchItem, BatchOptions, check_all, check_all_trusted};
    use ocmf_core::registry::{KeyEntry, Registry, Trust, check_trusted};
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let options = Options::with_profile(PROFILES[usize::from(flags & 3) % 3]);
    let given = record_key_parts(rest);
    let items: Vec<BatchItem<'_>> = given
        .iter()
        .map(|&(rec, key)| {
            let item = BatchItem::bytes(rec);
            key.map_or(item, |k| item.key_text(k))
        })
        .collect();
    // The one-record answer: the text, or the report of bytes that never
    // reach the parser.
    let limits = options.limits;
    let text = move |rec: &'_ [u8]| -> Result<String, Error> {
        str_from_bytes(rec, &limits).map(str::to_owned)
    };

    let reports = check_all(&items, &BatchOptions::new(options));
    assert_eq!(reports.len(), items.len(), "one report per item");
    for (got, &(rec, key)) in reports.iter().zip(&given) {
        let owned = text(rec);
        let want = match &owned {
            Ok(r) => check_with_key_text(r, key, &options),
            Err(e) => Report::from_error(*e, options.profile),
        };
        assert_eq!(
            (got.verdict, got.code(), got.signature_valid, got.key_source),
            (
                want.verdict,
                want.code(),
                want.signature_valid,
                want.key_source
            ),
            "batch vs one record"
        );
        assert_eq!(got.findings.len(), want.findings.len(), "findings");
    }

    let mut registry = Registry::new();
    let keys: Vec<PublicKey> = given
        .iter()
        .filter_map(|(_, k)| PublicKey::parse((*k)?).ok())
        .collect();
    for (j, (rec, _)) in given.iter().enumerate() {
        let meter = text(rec).ok().and_then(|r| {
            let u = parse_with(&r, &options).ok()?;
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
    let trusted = check_all_trusted(&items, &registry, &BatchOptions::new(options));
    assert_eq!(trusted.len(), items.len(), "one trusted report per item");
    for (got, &(rec, key)) in trusted.iter().zip(&given) {
        let Ok(r) = text(rec) else {
            assert_eq!(got.trust, Trust::Unknown, "unread record");
            assert!(!got.report.is_valid(), "unread record");
            continue;
        };
        let want = check_trusted(&r, key, &registry, &options);
        assert_eq!(
            (
                got.report.verdict,
                got.report.code(),
                got.report.signature_valid
            ),
            (
                want.report.verdict,
                want.report.code(),
                want.report.signature_valid
            ),
            "trusted batch vs check_trusted"
        );
        assert_eq!(got.trust, want.trust, "trust");
        assert_eq!(got.key_fingerprint, want.key_fingerprint, "key used");
        assert_eq!(
            got.carried_key_fingerprint, want.carried_key_fingerprint,
            "carried key"
        );
        assert_eq!(
            got.carried_key_error, want.carried_key_error,
            "carried key error"
        );
        let json = got.to_json_string(Lang::En);
        serde_json::from_str::<serde_json::Value>(&json)
            .unwrap_or_else(|e| panic!("trusted JSON: {e}: {json}"));
    }
}

/// Target `session`: `flags, record \0 record \0 ...` (at most 16; a 0x01
/// byte inside a part separates the record from its key) checked together.
pub fn session(data: &[u8]) {
    use ocmf_core::session::{SessionContext, SessionRecord, evaluate};
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
    let ctx = SessionContext {
        options: Options::with_profile(PROFILES[usize::from(flags % 3)]),
        ..SessionContext::default()
    };
    let report = evaluate(&records, &ctx);
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
}
