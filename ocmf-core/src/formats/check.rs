//! The front door for the other formats: [`Checker::verify_format`] reads
//! a value in any [`Format`], verifies it with the caller's key, the key it
//! carries, or the registry's key for its meter, and says how far that key
//! can be trusted: the same rule as for OCMF records
//! ([`crate::registry`]'s `choose`).

use alloc::{borrow::Cow, string::String, vec::Vec};

use serde::Serialize;

use super::{
    CurveRule, Format, FormatError, FormatFinding, FormatReading, FormatReport, FormatValue,
    KeyOrigin,
};
use crate::Checker;
use crate::algorithm::Curve;
use crate::checker::KeyInput;
use crate::error::{ErrorCode, Lang, Verdict};
use crate::grammar::TimeStatus;
use crate::json::TrustJson;
use crate::key::PublicKey;
use crate::registry::trust::{Candidate, Trust, TrustInfo, choose, key_fingerprint_on};

/// The answer of [`Checker::verify_format`]: what was read, the verdict,
/// and (with a registry) the key's trust.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormatCheck {
    /// The format detected (also when its value could not be read).
    pub format: Option<Format>,
    /// The value, when it could be read.
    pub value: Option<FormatValue>,
    /// Why the value could not be read (verdict `malformed`).
    pub error: Option<FormatError>,
    /// The verdict, its code, the key used and the curve.
    pub report: FormatReport,
    /// The key decision, when checked against a registry.
    pub trust: Option<TrustInfo>,
}

impl FormatCheck {
    /// The verdict.
    #[must_use]
    pub const fn verdict(&self) -> Verdict {
        self.report.verdict
    }

    /// The stable code of the verdict's reason (`ok` when valid).
    #[must_use]
    pub const fn code(&self) -> &'static str {
        self.report.code
    }

    /// The verdict's reason as an [`ErrorCode`] ([`ErrorCode::Ok`] when
    /// valid): every code a format check gives is one of the core's table
    /// (900-911 for the formats, the key and signature codes otherwise), so
    /// a caller that needs the number (the C ABI) gets it here, not by its
    /// own lookup.
    #[must_use]
    pub fn error_code(&self) -> ErrorCode {
        // Unreachable fallback: `verify_format` only writes table names.
        ErrorCode::from_name(self.report.code).unwrap_or(ErrorCode::Internal)
    }

    /// The canonical JSON object (messages in `lang`).
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        crate::json::to_value(&FormatCheckJson::new(self, lang))
    }

    /// [`FormatCheck::to_json`] as compact text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        crate::json::to_string(&FormatCheckJson::new(self, lang))
    }
}

impl Checker<'_> {
    /// Reads and verifies a signed value in one of the other [`Format`]s
    /// (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH,
    /// BAUER, ChargePoint), detecting which.
    ///
    /// The key is the caller's `key`, else the key the value carries. With
    /// a registry, the registry decides as for OCMF: the registered key of
    /// the value's meter is used, and the key's trust says whether the
    /// caller's or carried key is that key (`trusted`), another
    /// (`mismatch`), out of its validity window (`expired`), or unknown to
    /// the registry (`untrusted`). A carried key proves integrity only.
    ///
    /// Never fails: a value that cannot be read is `malformed` with its
    /// format's code (`format_*`, 900-907), never an invalid signature; a
    /// value over the checker's record size limit is `malformed` with
    /// `too_large` before any reader sees it.
    #[must_use]
    pub fn verify_format(&self, input: &[u8], key: KeyInput<'_>) -> FormatCheck {
        self.verify_format_as(input, key, KeyOrigin::Caller)
    }

    /// [`Checker::verify_format`] with `key` reported as coming from
    /// `origin` (a container's key is [`KeyOrigin::Carried`]).
    pub(crate) fn verify_format_as(
        &self,
        input: &[u8],
        key: KeyInput<'_>,
        origin: KeyOrigin,
    ) -> FormatCheck {
        let backend = self.backend_kind();
        // A value is a record: the record size limit bounds what the
        // readers (XML, JSON, SML) allocate.
        if input.len() > self.options_ref().limits.max_record_bytes {
            return FormatCheck {
                format: None,
                value: None,
                error: None,
                report: FormatReport::new(Verdict::Malformed, ErrorCode::TooLarge.name()),
                trust: self.registry_ref().map(|_| TrustInfo::unknown()),
            };
        }
        let value = match super::read(input) {
            Ok(v) => v,
            Err(e) => {
                return FormatCheck {
                    format: e.format,
                    value: None,
                    report: FormatReport::new(Verdict::Malformed, e.code()),
                    error: Some(e),
                    trust: self.registry_ref().map(|_| TrustInfo::unknown()),
                };
            }
        };
        let done =
            |report: FormatReport, trust: Option<TrustInfo>, value: FormatValue| FormatCheck {
                format: Some(value.format),
                value: Some(value),
                error: None,
                report,
                trust,
            };
        // The caller's key, else the carried one (origin kept).
        let given = match key.decode(backend) {
            Some(Ok(k)) => Some(((*k).clone(), origin)),
            Some(Err(e)) => {
                let report = FormatReport::new(e.verdict(), e.code.name());
                return done(report, None, value);
            }
            None => match value.carried_key.as_deref().map(PublicKey::from_bytes) {
                Some(Ok(k)) => Some((k.with_backend(backend), KeyOrigin::Carried)),
                Some(Err(e)) => {
                    let report = FormatReport::new(Verdict::Malformed, e.code.name());
                    return done(report, None, value);
                }
                None => None,
            },
        };
        let Some(registry) = self.registry_ref() else {
            let report = match &given {
                Some((k, origin)) => value.verify_as(k, *origin),
                None => value.verify(None),
            };
            return done(report, None, value);
        };
        let curve = value.curve();
        let mut trust = TrustInfo::unknown();
        trust.record_time_ms = value.time_ms();
        trust.carried_key_fingerprint = given.as_ref().map(|(k, _)| key_fingerprint_on(k, curve));
        let serial = Some(value.meter_serial.trim()).filter(|s| !s.is_empty());
        let candidates: Vec<Candidate<'_>> = registry.matching(serial, None).collect();
        let carried = given.as_ref().map(|(k, _)| k);
        let verifies = |k: &PublicKey| value.verify_as(k, KeyOrigin::Caller).signature_verified;
        let chosen = choose(&candidates, trust.record_time_ms, carried, curve, verifies);
        let entry = chosen.and_then(|(i, t)| registry.entries().get(i).map(|e| (e, t)));
        let report = match (entry, &given) {
            (Some((entry, t)), _) => {
                trust.trust = t;
                trust.key_fingerprint = Some(key_fingerprint_on(&entry.key, curve));
                let key = entry.key.clone().with_backend(backend);
                value.verify_as(&key, KeyOrigin::Registry)
            }
            (None, Some((k, origin))) => {
                trust.trust = Trust::Untrusted;
                trust.key_fingerprint = trust.carried_key_fingerprint.clone();
                value.verify_as(k, *origin)
            }
            (None, None) => value.verify(None),
        };
        done(report, Some(trust), value)
    }
}

impl Checker<'_> {
    /// Checks the values of one charging session in one of the other
    /// [`Format`]s together (see `formats::session` for the rules): each value
    /// through [`Checker::verify_format`] with `key`, then one format, one
    /// meter and one key, exactly one start and one stop reading, values
    /// and times that never go back, and the energy as an exact decimal.
    /// The verdicts and codes are an OCMF session's
    /// ([`crate::session::SessionVerdict`], `session_*` findings).
    ///
    /// Never fails: no values give `malformed` with `session_empty`; a key
    /// that cannot be decoded is every value's answer, so the session's.
    #[must_use]
    pub fn format_session(&self, values: &[&[u8]], key: KeyInput<'_>) -> super::FormatSession {
        self.evaluate_format_session(values, key)
    }
}

impl FormatValue {
    /// The curve of the value's signatures when the format fixes it.
    fn curve(&self) -> Option<Curve> {
        self.signed.iter().find_map(|p| match p.curve {
            CurveRule::Fixed(c) => Some(c),
            CurveRule::P192OrP256 | CurveRule::Secp224k1OrP256 => None,
        })
    }

    /// The time for the registry's validity windows: the first reading time
    /// whose clock is not flagged unsynchronised, in milliseconds.
    fn time_ms(&self) -> Option<i64> {
        self.readings
            .iter()
            .filter_map(|r| r.time)
            .find(|t| t.status != TimeStatus::Unknown)
            .map(|t| t.utc_seconds.saturating_mul(1000))
    }
}

/// The canonical JSON object of a [`FormatCheck`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatCheck"))]
pub(crate) struct FormatCheckJson<'x> {
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::FormatWord>")
    )]
    format: Option<&'static str>,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::VerdictWord"))]
    verdict: &'static str,
    code: &'static str,
    message: Cow<'static, str>,
    signature_verified: bool,
    key: Option<KeyJson<'x>>,
    curve: Option<&'static str>,
    trust: Option<TrustJson<'x>>,
    key_fingerprint: Option<&'x str>,
    carried_key_fingerprint: Option<&'x str>,
    error: Option<ErrorJson>,
    value: Option<ValueJson<'x>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatKey"))]
struct KeyJson<'x> {
    sec1: &'x str,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::schema::FormatKeySourceWord")
    )]
    source: &'static str,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatError"))]
struct ErrorJson {
    code: &'static str,
    field: &'static str,
    message: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatValue"))]
struct ValueJson<'x> {
    meter_serial: &'x str,
    transaction: Option<&'x str>,
    contract: Option<&'x str>,
    carried_key: Option<String>,
    readings: Vec<ReadingJson<'x>>,
    signatures: Vec<SignedJson>,
    findings: Vec<FindingJson<'x>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatReading"))]
struct ReadingJson<'x> {
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ReadingKindWord"))]
    kind: &'static str,
    time_utc_s: Option<i64>,
    offset_minutes: Option<i32>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TimeStatusWord>")
    )]
    time_status: Option<char>,
    value: &'x str,
    unit: &'static str,
    obis: Option<&'x str>,
    status: Option<u64>,
    pagination: Option<u64>,
    signed: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatSignature"))]
struct SignedJson {
    label: &'static str,
    signed_bytes: String,
    signature: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatFinding"))]
struct FindingJson<'x> {
    code: &'static str,
    rejects: bool,
    detail: &'x str,
}

impl<'x> FormatCheckJson<'x> {
    pub(crate) fn new(c: &'x FormatCheck, lang: Lang) -> Self {
        let hex = |b: &[u8]| base16ct::upper::encode_string(b);
        // The error's sentence is both the answer's message and its own.
        let error_message = c
            .error
            .as_ref()
            .map(|e| alloc::format!("{}", DisplayIn(e, lang)));
        let message = error_message
            .clone()
            .map_or_else(|| Cow::Borrowed(c.report.verdict.explain(lang)), Cow::Owned);
        let trust = c.trust.as_ref();
        Self {
            format: c.format.map(Format::as_str),
            verdict: c.report.verdict.as_str(),
            code: c.report.code,
            message,
            signature_verified: c.report.signature_verified,
            key: c.report.key.as_ref().map(|(sec1, origin)| KeyJson {
                sec1,
                source: origin.as_str(),
            }),
            curve: c.report.curve.map(Curve::name),
            trust: trust.map(|t| TrustJson::new(&t.trust, lang)),
            key_fingerprint: trust.and_then(|t| t.key_fingerprint.as_deref()),
            carried_key_fingerprint: trust.and_then(|t| t.carried_key_fingerprint.as_deref()),
            error: c
                .error
                .as_ref()
                .zip(error_message)
                .map(|(e, message)| ErrorJson {
                    code: e.code(),
                    field: e.field,
                    message,
                }),
            value: c.value.as_ref().map(|v| ValueJson {
                meter_serial: &v.meter_serial,
                transaction: v.transaction.as_deref(),
                contract: v.contract.as_deref(),
                carried_key: v.carried_key.as_deref().map(hex),
                readings: v.readings.iter().map(ReadingJson::new).collect(),
                signatures: v
                    .signed
                    .iter()
                    .map(|p| SignedJson {
                        label: p.label,
                        signed_bytes: hex(&p.signed_bytes),
                        signature: hex(&p.signature),
                    })
                    .collect(),
                findings: v.findings.iter().map(FindingJson::new).collect(),
            }),
        }
    }
}

impl<'x> ReadingJson<'x> {
    fn new(r: &'x FormatReading) -> Self {
        Self {
            kind: r.kind.as_str(),
            time_utc_s: r.time.map(|t| t.utc_seconds),
            offset_minutes: r.time.and_then(|t| t.offset_minutes),
            time_status: r.time.map(|t| t.status.letter()),
            value: &r.value,
            unit: r.unit,
            obis: r.obis.as_deref(),
            status: r.status,
            pagination: r.pagination,
            signed: r.signed,
        }
    }
}

impl<'x> FindingJson<'x> {
    fn new(f: &'x FormatFinding) -> Self {
        Self {
            code: f.code,
            rejects: f.rejects,
            detail: f.detail.as_str(),
        }
    }
}

/// A [`FormatError`] written in a language: format, message, field.
pub(crate) struct DisplayIn<'e>(pub(crate) &'e FormatError, pub(crate) Lang);

impl core::fmt::Display for DisplayIn<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let DisplayIn(e, lang) = self;
        if let Some(format) = e.format {
            write!(f, "{format}: ")?;
        }
        f.write_str(e.message(*lang))?;
        if !e.field.is_empty() {
            write!(f, " ({})", e.field)?;
        }
        Ok(())
    }
}
