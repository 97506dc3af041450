//! The canonical JSON: one object per record report, and one per
//! [`Extraction`], identical in the CLI and every binding (the conformance
//! runner compares them byte for byte).
//!
//! Each object is written from a typed *view*: a `#[derive(Serialize)]`
//! struct that borrows from the report (or extraction) it shows, so writing
//! JSON builds no intermediate `serde_json::Value` and copies no string the
//! report already holds. The views are the one definition of the JSON
//! shape (a later step generates TypeScript types and Python stubs from
//! them).
//!
//! **Member order**: the members of every object are written in the order
//! the fields are declared, and that order is sorted by name (byte order),
//! which is the order the former `serde_json::Value` trees had (their maps
//! are sorted; the crate does not enable `preserve_order`). A test checks
//! that every object written is sorted.
//!
//! The views:
//!
//! | view | JSON of | members |
//! |---|---|---|
//! | [`ReportJson`] | [`Report`] | `algorithm`, `carried_key_error`\*, `carried_key_fingerprint`\*, `code`, `code_name`, `field`, `findings`, `key_fingerprint`\*, `key_source`, `message`, `profile`, `record`, `record_time_ms`\*, `signature_valid`, `span`, `trust`\*, `verdict` |
//! | [`TrustJson`] | [`Trust`] | `code`, `code_name`, `key_index`, `message`, `source`, `status` |
//! | [`FindingJson`] | [`Finding`] | `code`, `field`, `message`, `name`, `reading`, `severity`, `span` |
//! | [`PayloadJson`] | [`Payload`] | `charge_point_id`, `charge_point_type`, `format_version`, `gateway_id`, `gateway_serial`, `gateway_version`, `identification_data`, `identification_flags`, `identification_level`, `identification_type`, `meter_firmware`, `meter_model`, `meter_serial`, `meter_vendor`, `pagination`, `readings`, `tariff_text`, `user_assigned` |
//! | [`ReadingJson`] | [`Reading`] (carried forward) | `cumulated_loss`, `current_type`, `error_flags`, `obis`, `reason`, `status`, `time`, `time_status`, `unit`, `unix_ms`, `value` |
//! | [`ExtractionJson`] | [`Extraction`] | `duplicates`, `errors`, `format`, `groups`, `values` |
//! | [`SignedValueJson`] | [`SignedValue`] | `connector`, `context`, `evse`, `origin`, `public_key`, `record`, `station`, `timestamp`, `transaction_id`, `transaction_inferred`, `transport` |
//! | [`OriginJson`] | [`Origin`] | `action`, `line`, `message_id` |
//! | [`TransportErrorJson`] | [`TransportError`] | `code`, `line`, `message`, `name` |
//! | [`GroupJson`] | [`Group`] | `evse`, `station`, `transaction_id`, `values` |
//!
//! \* present exactly when the report was checked against a key registry
//! ([`Report::trust`] is `Some`); then a value or `null`.

use alloc::{borrow::Cow, string::String, vec::Vec};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, ErrorCode, Lang, Span};
use crate::finding::Finding;
use crate::payload::{Decimal, Payload, Reading, Text, UserAssigned};
use crate::record::{KeySource, Report};
use crate::registry::Trust;
use crate::transport::{Extraction, Group, Origin, SignedValue, TransportError};

/// A byte range as the JSON pair `[start, end]`.
fn span(s: Option<Span>) -> Option<[usize; 2]> {
    s.map(|s| [s.start, s.end])
}

fn text<'r>(t: Option<&'r Text<'_>>) -> Option<&'r str> {
    t.map(Text::as_str)
}

/// A number's exact text, trimmed of the padding some meters send.
fn dec<'r>(d: Option<&Decimal<'r>>) -> Option<&'r str> {
    d.map(|d| d.as_str().trim())
}

/// The message of a verdict object: the error's own message (with field
/// and offset) when there is an error, else the code's message.
pub(crate) fn verdict_message(
    code: ErrorCode,
    error: Option<Error>,
    lang: Lang,
) -> Cow<'static, str> {
    error.map_or(Cow::Borrowed(code.message(lang)), |e| {
        Cow::Owned(e.message(lang))
    })
}

/// The canonical JSON object of a [`Report`] ([`Report::to_json`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Report"))]
pub(crate) struct ReportJson<'r> {
    /// The `SA` name of the algorithm, when known.
    pub(crate) algorithm: Option<&'static str>,
    /// Registry only: the carried key's decoding error message, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) carried_key_error: Option<Option<String>>,
    /// Registry only: the carried key's fingerprint, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) carried_key_fingerprint: Option<Option<&'r str>>,
    /// The numeric code (0 for valid).
    pub(crate) code: u32,
    /// The code's snake-case name.
    pub(crate) code_name: &'static str,
    /// The field the error concerns.
    pub(crate) field: Option<&'static str>,
    /// The findings under the profile.
    pub(crate) findings: Vec<FindingJson>,
    /// Registry only: the fingerprint of the key used, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) key_fingerprint: Option<Option<&'r str>>,
    /// `caller` or `record`, when a key was used.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::KeySourceWord>")
    )]
    pub(crate) key_source: Option<&'static str>,
    /// The message, in the report's language.
    pub(crate) message: Cow<'static, str>,
    /// The profile name.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ProfileWord"))]
    pub(crate) profile: &'static str,
    /// The payload, or null when the record cannot be read.
    pub(crate) record: Option<PayloadJson<'r>>,
    /// Registry only: the record time the windows were checked against, or null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) record_time_ms: Option<Option<i64>>,
    /// Whether the signature verified (null: not checked).
    pub(crate) signature_valid: Option<bool>,
    /// The error's byte range `[start, end]`.
    pub(crate) span: Option<[usize; 2]>,
    /// Registry only: the key decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) trust: Option<TrustJson<'r>>,
    /// `valid`, `invalid`, `malformed` or `unsupported`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::VerdictWord"))]
    pub(crate) verdict: &'static str,
}

/// The JSON object of a [`Trust`] ([`Trust::to_json`]).
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Trust"))]
pub(crate) struct TrustJson<'r> {
    /// The numeric code.
    pub(crate) code: u32,
    /// The code's snake-case name.
    pub(crate) code_name: &'static str,
    /// The index of the registry entry concerned.
    pub(crate) key_index: Option<usize>,
    /// A sentence for a driver ([`Trust::explain`]).
    pub(crate) message: &'static str,
    /// The entry's source label (trusted, expired).
    pub(crate) source: Option<&'r str>,
    /// `trusted`, `untrusted`, `mismatch`, `expired` or `unknown`.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::TrustWord"))]
    pub(crate) status: &'static str,
}

/// The JSON object of a [`Finding`].
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Finding"))]
pub(crate) struct FindingJson {
    /// The numeric finding code.
    pub(crate) code: u32,
    /// The field concerned.
    pub(crate) field: Option<&'static str>,
    /// The message, in the report's language.
    pub(crate) message: &'static str,
    /// The finding's snake-case name.
    pub(crate) name: &'static str,
    /// The reading index, for reading fields.
    pub(crate) reading: Option<usize>,
    /// The severity under the profile.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::SeverityWord"))]
    pub(crate) severity: &'static str,
    /// The byte range `[start, end]`.
    pub(crate) span: Option<[usize; 2]>,
}

/// `IS`: a boolean, or a legacy status string.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "UserAssigned"))]
#[serde(untagged)]
pub(crate) enum UserAssignedJson<'r> {
    /// The boolean of the specification.
    Bool(bool),
    /// A legacy (FV 0.1) status string.
    Legacy(&'r str),
}

/// The payload with readable names ([`payload_json`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Payload"))]
pub(crate) struct PayloadJson<'r> {
    /// `CI`.
    pub(crate) charge_point_id: Option<&'r str>,
    /// `CT`.
    pub(crate) charge_point_type: Option<&'r str>,
    /// `FV`.
    pub(crate) format_version: Option<&'r str>,
    /// `GI`.
    pub(crate) gateway_id: Option<&'r str>,
    /// `GS`.
    pub(crate) gateway_serial: Option<&'r str>,
    /// `GV`.
    pub(crate) gateway_version: Option<&'r str>,
    /// `ID`.
    pub(crate) identification_data: Option<&'r str>,
    /// `IF`.
    pub(crate) identification_flags: Option<Vec<&'r str>>,
    /// `IL`.
    pub(crate) identification_level: Option<&'r str>,
    /// `IT`.
    pub(crate) identification_type: Option<&'r str>,
    /// `MF`.
    pub(crate) meter_firmware: Option<&'r str>,
    /// `MM`.
    pub(crate) meter_model: Option<&'r str>,
    /// `MS`.
    pub(crate) meter_serial: Option<&'r str>,
    /// `MV`.
    pub(crate) meter_vendor: Option<&'r str>,
    /// `PG`.
    pub(crate) pagination: Option<&'r str>,
    /// `RD`, each field carried forward from the reading before when absent.
    pub(crate) readings: Vec<ReadingJson<'r>>,
    /// `TT`.
    pub(crate) tariff_text: Option<&'r str>,
    /// `IS`.
    pub(crate) user_assigned: Option<UserAssignedJson<'r>>,
}

/// One reading, resolved by carry-forward ([`Payload::resolved_readings`]).
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Reading"))]
pub(crate) struct ReadingJson<'r> {
    /// `CL`, exact text.
    pub(crate) cumulated_loss: Option<&'r str>,
    /// `RT`.
    pub(crate) current_type: Option<&'r str>,
    /// `EF`.
    pub(crate) error_flags: Option<&'r str>,
    /// `RI`.
    pub(crate) obis: Option<&'r str>,
    /// `TX`.
    pub(crate) reason: Option<&'r str>,
    /// `ST`.
    pub(crate) status: Option<&'r str>,
    /// `TM`, as sent.
    pub(crate) time: Option<&'r str>,
    /// The status letter of `TM` (`U`, `I`, `R`, `S`), when `TM` is a timestamp.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TimeStatusWord>")
    )]
    pub(crate) time_status: Option<char>,
    /// `RU`.
    pub(crate) unit: Option<&'r str>,
    /// `TM` in milliseconds since 1970, when it is a timestamp.
    pub(crate) unix_ms: Option<i64>,
    /// `RV`, exact text.
    pub(crate) value: Option<&'r str>,
}

impl<'r> ReadingJson<'r> {
    /// The reading, each absent field taken from `prev` (the resolved reading before).
    fn resolve(r: &'r Reading<'_>, prev: &Self) -> Self {
        let time = text(r.time.as_ref()).or(prev.time);
        let ts = time.and_then(crate::grammar::parse_timestamp);
        Self {
            cumulated_loss: dec(r.cumulated_loss.as_ref()).or(prev.cumulated_loss),
            current_type: text(r.current_type.as_ref()).or(prev.current_type),
            error_flags: text(r.error_flags.as_ref()).or(prev.error_flags),
            obis: text(r.obis.as_ref()).or(prev.obis),
            reason: text(r.reason.as_ref()).or(prev.reason),
            status: text(r.status.as_ref()).or(prev.status),
            time,
            time_status: ts.map(|t| t.status.letter()),
            unit: text(r.unit.as_ref()).or(prev.unit),
            unix_ms: ts.map(|t| t.unix_millis()),
            value: dec(r.value.as_ref()).or(prev.value),
        }
    }
}

impl<'r> PayloadJson<'r> {
    /// The view of a payload.
    pub(crate) fn new(p: &'r Payload<'_>) -> Self {
        let mut readings: Vec<ReadingJson<'r>> = Vec::with_capacity(p.readings.len());
        for r in &p.readings {
            let prev = readings.last().copied().unwrap_or_default();
            readings.push(ReadingJson::resolve(r, &prev));
        }
        Self {
            charge_point_id: text(p.charge_point_id.as_ref()),
            charge_point_type: text(p.charge_point_type.as_ref()),
            format_version: text(p.format_version.as_ref()),
            gateway_id: text(p.gateway_id.as_ref()),
            gateway_serial: text(p.gateway_serial.as_ref()),
            gateway_version: text(p.gateway_version.as_ref()),
            identification_data: text(p.identification_data.as_ref()),
            identification_flags: p
                .identification_flags
                .as_ref()
                .map(|f| f.iter().map(Text::as_str).collect()),
            identification_level: text(p.identification_level.as_ref()),
            identification_type: text(p.identification_type.as_ref()),
            meter_firmware: text(p.meter_firmware.as_ref()),
            meter_model: text(p.meter_model.as_ref()),
            meter_serial: text(p.meter_serial.as_ref()),
            meter_vendor: text(p.meter_vendor.as_ref()),
            pagination: text(p.pagination.as_ref()),
            readings,
            tariff_text: text(p.tariff_text.as_ref()),
            user_assigned: p.user_assigned.as_ref().map(|u| match u {
                UserAssigned::Bool(b) => UserAssignedJson::Bool(*b),
                UserAssigned::Legacy(t) => UserAssignedJson::Legacy(t.as_str()),
            }),
        }
    }
}

impl FindingJson {
    /// The view of a finding, its message in `lang`.
    pub(crate) const fn new(f: &Finding, lang: Lang) -> Self {
        Self {
            code: f.code.code(),
            field: f.field,
            message: f.message(lang),
            name: f.code.name(),
            reading: f.reading,
            severity: f.severity.as_str(),
            span: match f.span {
                Some(s) => Some([s.start, s.end]),
                None => None,
            },
        }
    }
}

impl<'r> TrustJson<'r> {
    /// The view of a trust decision, its message in `lang`.
    pub(crate) fn new(t: &'r Trust, lang: Lang) -> Self {
        let (source, key_index) = match t {
            Trust::Trusted { source, key_index } | Trust::Expired { source, key_index } => {
                (Some(source.as_str()), Some(*key_index))
            }
            Trust::Mismatch { registered } => (None, Some(*registered)),
            Trust::Untrusted | Trust::Unknown => (None, None),
        };
        Self {
            code: t.code().code(),
            code_name: t.code().name(),
            key_index,
            message: t.explain(lang),
            source,
            status: t.as_str(),
        }
    }
}

impl<'r> ReportJson<'r> {
    /// The view of a report, its messages in `lang`.
    pub(crate) fn new(r: &'r Report<'_>, lang: Lang) -> Self {
        let code = r.code();
        let trust = r.trust.as_ref();
        Self {
            algorithm: r.algorithm.map(|a| a.sa()),
            carried_key_error: trust.map(|t| t.carried_key_error.map(|e| e.message(lang))),
            carried_key_fingerprint: trust.map(|t| t.carried_key_fingerprint.as_deref()),
            code: code.code(),
            code_name: code.name(),
            field: r.error.and_then(|e| e.field),
            findings: r
                .findings
                .iter()
                .map(|f| FindingJson::new(f, lang))
                .collect(),
            key_fingerprint: trust.map(|t| t.key_fingerprint.as_deref()),
            key_source: r.key_source.map(|k| match k {
                KeySource::Caller => "caller",
                KeySource::Record => "record",
            }),
            message: verdict_message(code, r.error, lang),
            profile: r.profile.as_str(),
            record: r.record.as_ref().map(|rec| PayloadJson::new(&rec.payload)),
            record_time_ms: trust.map(|t| t.record_time_ms),
            signature_valid: r.signature_valid,
            span: span(r.error.and_then(|e| e.span)),
            trust: trust.map(|t| TrustJson::new(&t.trust, lang)),
            verdict: r.verdict.as_str(),
        }
    }
}

/// The payload as a JSON object with readable names (readings resolved by
/// carry-forward); the `record` member of a report.
#[must_use]
pub fn payload_json(p: &Payload<'_>) -> Value {
    to_value(&PayloadJson::new(p))
}

/// A view as a `Value` (for callers that need one: the WASM binding hands
/// objects to JavaScript). Serialising these views cannot fail: they hold
/// only strings, numbers, booleans and sequences, and no map with non-string keys.
pub(crate) fn to_value<T: Serialize>(view: &T) -> Value {
    serde_json::to_value(view).unwrap_or(Value::Null)
}

/// A view as compact JSON text.
pub(crate) fn to_string<T: Serialize>(view: &T) -> String {
    serde_json::to_string(view).unwrap_or_default()
}

/// A view as compact JSON bytes.
pub(crate) fn to_vec<T: Serialize>(view: &T) -> Vec<u8> {
    serde_json::to_vec(view).unwrap_or_default()
}

impl Report<'_> {
    /// The typed view the JSON is written from.
    pub(crate) fn json_view(&self, lang: Lang) -> ReportJson<'_> {
        ReportJson::new(self, lang)
    }

    /// The canonical JSON object of this report.
    ///
    /// Keys (sorted): `algorithm`, `code`, `code_name`, `field`, `findings`,
    /// `key_source`, `message`, `profile`, `record` (the payload with
    /// readings, or null when unreadable), `signature_valid`, `span`,
    /// `verdict`; with a registry ([`Report::trust`] is `Some`) also
    /// `carried_key_error`, `carried_key_fingerprint`, `key_fingerprint`,
    /// `record_time_ms` and `trust`.
    ///
    /// Builds a `Value` tree; to write JSON, [`Report::to_json_string`],
    /// [`Report::to_json_vec`] and [`Report::write_json`] are faster.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        to_value(&self.json_view(lang))
    }

    /// The canonical JSON as one line of text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        to_string(&self.json_view(lang))
    }

    /// The canonical JSON as one line of UTF-8 bytes.
    #[must_use]
    pub fn to_json_vec(&self, lang: Lang) -> Vec<u8> {
        to_vec(&self.json_view(lang))
    }

    /// Writes the canonical JSON (one line, no line break) to `out`.
    ///
    /// # Errors
    /// The writer's error.
    #[cfg(feature = "std")]
    pub fn write_json<W: std::io::Write>(&self, lang: Lang, out: W) -> std::io::Result<()> {
        serde_json::to_writer(out, &self.json_view(lang)).map_err(std::io::Error::from)
    }
}

impl Trust {
    /// The JSON object `{code, code_name, key_index, message, source, status}`.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        to_value(&TrustJson::new(self, lang))
    }
}

/// The members every verdict object starts with: `verdict`, `code`,
/// `code_name` and `message` (the error's own message when there is one).
pub(crate) fn verdict_head(
    verdict: &str,
    code: ErrorCode,
    error: Option<Error>,
    lang: Lang,
) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("verdict".into(), verdict.into());
    m.insert("code".into(), code.code().into());
    m.insert("code_name".into(), code.name().into());
    m.insert(
        "message".into(),
        verdict_message(code, error, lang).into_owned().into(),
    );
    m
}

/// The JSON object of an [`Extraction`] ([`Extraction::to_json`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Extraction"))]
pub(crate) struct ExtractionJson<'x> {
    /// How many duplicate values were dropped.
    pub(crate) duplicates: usize,
    /// What could not be read.
    pub(crate) errors: Vec<TransportErrorJson<'x>>,
    /// The detected input format.
    pub(crate) format: &'static str,
    /// The values sorted into sessions ([`Extraction::groups`]).
    pub(crate) groups: Vec<GroupJson<'x>>,
    /// The signed values, in input order.
    pub(crate) values: Vec<SignedValueJson<'x>>,
}

/// The JSON object of one [`SignedValue`].
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SignedValue"))]
pub(crate) struct SignedValueJson<'x> {
    /// The OCPP 1.6 connector.
    pub(crate) connector: Option<u32>,
    /// The reading context (`Transaction.Begin`, …).
    pub(crate) context: Option<&'x str>,
    /// The EVSE.
    pub(crate) evse: Option<u32>,
    /// Where in the input the value was found.
    pub(crate) origin: OriginJson<'x>,
    /// The key carried with the value, as text.
    pub(crate) public_key: Option<&'x str>,
    /// The record text, exactly as signed.
    pub(crate) record: &'x str,
    /// The station id.
    pub(crate) station: Option<&'x str>,
    /// The OCPP timestamp.
    pub(crate) timestamp: Option<&'x str>,
    /// The transaction id.
    pub(crate) transaction_id: Option<&'x str>,
    /// Whether the transaction was inferred (the value carried none).
    pub(crate) transaction_inferred: bool,
    /// How the value was carried.
    pub(crate) transport: &'static str,
}

/// The JSON object of an [`Origin`].
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Origin"))]
pub(crate) struct OriginJson<'x> {
    /// The OCPP action.
    pub(crate) action: Option<&'x str>,
    /// The 1-based line.
    pub(crate) line: Option<usize>,
    /// The OCPP-J message id.
    pub(crate) message_id: Option<&'x str>,
}

/// The JSON object of a [`TransportError`].
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "TransportError"))]
pub(crate) struct TransportErrorJson<'x> {
    /// The numeric code.
    pub(crate) code: u32,
    /// The 1-based line.
    pub(crate) line: Option<usize>,
    /// What is wrong.
    pub(crate) message: &'x str,
    /// The code's snake-case name.
    pub(crate) name: &'static str,
}

/// The JSON object of a [`Group`].
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Group"))]
pub(crate) struct GroupJson<'x> {
    /// The EVSE.
    pub(crate) evse: Option<u32>,
    /// The station id.
    pub(crate) station: Option<&'x str>,
    /// The transaction id.
    pub(crate) transaction_id: Option<&'x str>,
    /// Indices into `values`, in session order.
    pub(crate) values: &'x [usize],
}

impl<'x> SignedValueJson<'x> {
    /// The view of a signed value.
    pub(crate) fn new(v: &'x SignedValue) -> Self {
        Self {
            connector: v.connector,
            context: v.context.as_deref(),
            evse: v.evse,
            origin: OriginJson::new(&v.origin),
            public_key: v.public_key.as_deref(),
            record: &v.record,
            station: v.station.as_deref(),
            timestamp: v.timestamp.as_deref(),
            transaction_id: v.transaction_id.as_deref(),
            transaction_inferred: v.transaction_inferred,
            transport: v.transport.as_str(),
        }
    }
}

impl<'x> OriginJson<'x> {
    /// The view of an origin.
    pub(crate) fn new(o: &'x Origin) -> Self {
        Self {
            action: o.action.as_deref(),
            line: o.line,
            message_id: o.message_id.as_deref(),
        }
    }
}

impl<'x> TransportErrorJson<'x> {
    /// The view of a transport error.
    pub(crate) fn new(e: &'x TransportError) -> Self {
        Self {
            code: e.code.code(),
            line: e.line,
            message: &e.message,
            name: e.code.name(),
        }
    }
}

impl<'x> GroupJson<'x> {
    /// The view of a group.
    pub(crate) fn new(g: &'x Group) -> Self {
        Self {
            evse: g.evse,
            station: g.station.as_deref(),
            transaction_id: g.transaction_id.as_deref(),
            values: &g.values,
        }
    }
}

impl<'x> ExtractionJson<'x> {
    /// The view of an extraction whose groups ([`Extraction::groups`]) are `groups`.
    pub(crate) fn new(x: &'x Extraction, groups: &'x [Group]) -> Self {
        Self {
            duplicates: x.duplicates,
            errors: x.errors.iter().map(TransportErrorJson::new).collect(),
            format: x.format.as_str(),
            groups: groups.iter().map(GroupJson::new).collect(),
            values: x.values.iter().map(SignedValueJson::new).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The views against the `serde_json::Value` trees they replace.

    use alloc::{borrow::ToOwned, format, string::ToString, vec};
    use std::fs;

    use super::*;
    use crate::checker::{Checker, KeyInput};
    use crate::finding::Profile;
    use crate::registry::{KeyEntry, Registry};
    use crate::transport;

    /// The former code, verbatim (`json.rs`, `Trust::to_json`,
    /// `transport/json.rs` before the views).
    mod legacy {
        use alloc::{string::String, vec::Vec};

        use serde_json::{Map, Value, json};

        use crate::error::{Error, ErrorCode, Lang};
        use crate::finding::Finding;
        use crate::payload::{Decimal, Payload, Reading, Text, UserAssigned};
        use crate::record::{KeySource, Report};
        use crate::registry::Trust;
        use crate::transport::{Extraction, Group, SignedValue, TransportError};

        fn text(t: Option<&Text<'_>>) -> Value {
            t.map_or(Value::Null, |t| Value::String(String::from(t.as_str())))
        }

        fn dec(d: Option<&Decimal<'_>>) -> Value {
            d.map_or(Value::Null, |d| {
                Value::String(String::from(d.as_str().trim()))
            })
        }

        fn reading(r: &Reading<'_>) -> Value {
            let ts = r.timestamp();
            json!({
                "time": text(r.time.as_ref()),
                "time_status": ts.map(|t| String::from(t.status.letter())),
                "unix_ms": ts.map(|t| t.unix_millis()),
                "reason": text(r.reason.as_ref()),
                "value": dec(r.value.as_ref()),
                "obis": text(r.obis.as_ref()),
                "unit": text(r.unit.as_ref()),
                "current_type": text(r.current_type.as_ref()),
                "cumulated_loss": dec(r.cumulated_loss.as_ref()),
                "error_flags": text(r.error_flags.as_ref()),
                "status": text(r.status.as_ref()),
            })
        }

        pub(super) fn payload_json(p: &Payload<'_>) -> Value {
            let user = match &p.user_assigned {
                None => Value::Null,
                Some(UserAssigned::Bool(b)) => Value::Bool(*b),
                Some(UserAssigned::Legacy(t)) => Value::String(String::from(t.as_str())),
            };
            let flags: Value = p.identification_flags.as_ref().map_or(Value::Null, |f| {
                Value::Array(
                    f.iter()
                        .map(|t| Value::String(String::from(t.as_str())))
                        .collect(),
                )
            });
            let readings: Vec<Value> = p.resolved_readings().iter().map(reading).collect();
            json!({
                "format_version": text(p.format_version.as_ref()),
                "gateway_id": text(p.gateway_id.as_ref()),
                "gateway_serial": text(p.gateway_serial.as_ref()),
                "gateway_version": text(p.gateway_version.as_ref()),
                "pagination": text(p.pagination.as_ref()),
                "meter_vendor": text(p.meter_vendor.as_ref()),
                "meter_model": text(p.meter_model.as_ref()),
                "meter_serial": text(p.meter_serial.as_ref()),
                "meter_firmware": text(p.meter_firmware.as_ref()),
                "user_assigned": user,
                "identification_level": text(p.identification_level.as_ref()),
                "identification_flags": flags,
                "identification_type": text(p.identification_type.as_ref()),
                "identification_data": text(p.identification_data.as_ref()),
                "tariff_text": text(p.tariff_text.as_ref()),
                "charge_point_type": text(p.charge_point_type.as_ref()),
                "charge_point_id": text(p.charge_point_id.as_ref()),
                "readings": readings,
            })
        }

        fn finding(f: &Finding, lang: Lang) -> Value {
            json!({
                "code": f.code.code(),
                "name": f.code.name(),
                "severity": f.severity.as_str(),
                "field": f.field,
                "reading": f.reading,
                "span": f.span.map(|s| [s.start, s.end]),
                "message": f.message(lang),
            })
        }

        pub(super) fn trust(t: &Trust, lang: Lang) -> Value {
            let (source, index) = match t {
                Trust::Trusted { source, key_index } | Trust::Expired { source, key_index } => {
                    (Some(source.as_str()), Some(*key_index))
                }
                Trust::Mismatch { registered } => (None, Some(*registered)),
                Trust::Untrusted | Trust::Unknown => (None, None),
            };
            let mut m = Map::new();
            m.insert("status".into(), t.as_str().into());
            m.insert("code".into(), t.code().code().into());
            m.insert("code_name".into(), t.code().name().into());
            m.insert("source".into(), source.into());
            m.insert("key_index".into(), index.into());
            m.insert("message".into(), t.explain(lang).into());
            Value::Object(m)
        }

        pub(super) fn report(r: &Report<'_>, lang: Lang) -> Value {
            let mut m = verdict_head(r.verdict.as_str(), r.code(), r.error, lang);
            m.insert("field".into(), r.error.and_then(|e| e.field).into());
            m.insert(
                "span".into(),
                r.error
                    .and_then(|e| e.span)
                    .map(|s| [s.start, s.end])
                    .into(),
            );
            m.insert("profile".into(), r.profile.as_str().into());
            m.insert("algorithm".into(), r.algorithm.map(|a| a.sa()).into());
            m.insert("signature_valid".into(), r.signature_valid.into());
            m.insert(
                "key_source".into(),
                r.key_source
                    .map(|k| match k {
                        KeySource::Caller => "caller",
                        KeySource::Record => "record",
                    })
                    .into(),
            );
            m.insert(
                "findings".into(),
                Value::Array(r.findings.iter().map(|f| finding(f, lang)).collect()),
            );
            m.insert(
                "record".into(),
                r.record
                    .as_ref()
                    .map_or(Value::Null, |r| payload_json(&r.payload)),
            );
            if let Some(t) = &r.trust {
                m.insert("trust".into(), trust(&t.trust, lang));
                m.insert("key_fingerprint".into(), t.key_fingerprint.clone().into());
                m.insert(
                    "carried_key_fingerprint".into(),
                    t.carried_key_fingerprint.clone().into(),
                );
                m.insert(
                    "carried_key_error".into(),
                    t.carried_key_error.map(|e| e.message(lang)).into(),
                );
                m.insert("record_time_ms".into(), t.record_time_ms.into());
            }
            Value::Object(m)
        }

        fn verdict_head(
            verdict: &str,
            code: ErrorCode,
            error: Option<Error>,
            lang: Lang,
        ) -> Map<String, Value> {
            let mut m = Map::new();
            m.insert("verdict".into(), verdict.into());
            m.insert("code".into(), code.code().into());
            m.insert("code_name".into(), code.name().into());
            m.insert(
                "message".into(),
                error
                    .map_or_else(|| String::from(code.message(lang)), |e| e.message(lang))
                    .into(),
            );
            m
        }

        fn opt(s: Option<&String>) -> Value {
            s.map_or(Value::Null, |s| Value::String(s.clone()))
        }

        fn value(v: &SignedValue) -> Value {
            json!({
                "record": v.record,
                "public_key": opt(v.public_key.as_ref()),
                "transport": v.transport.as_str(),
                "station": opt(v.station.as_ref()),
                "transaction_id": opt(v.transaction_id.as_ref()),
                "transaction_inferred": v.transaction_inferred,
                "evse": v.evse,
                "connector": v.connector,
                "context": opt(v.context.as_ref()),
                "timestamp": opt(v.timestamp.as_ref()),
                "origin": {
                    "line": v.origin.line,
                    "message_id": opt(v.origin.message_id.as_ref()),
                    "action": opt(v.origin.action.as_ref()),
                },
            })
        }

        fn error(e: &TransportError) -> Value {
            json!({
                "code": e.code.code(),
                "name": e.code.name(),
                "line": e.line,
                "message": e.message,
            })
        }

        fn group(g: &Group) -> Value {
            json!({
                "station": opt(g.station.as_ref()),
                "transaction_id": opt(g.transaction_id.as_ref()),
                "evse": g.evse,
                "values": g.values,
            })
        }

        pub(super) fn extraction(x: &Extraction) -> Value {
            json!({
                "format": x.format.as_str(),
                "values": x.values.iter().map(value).collect::<Vec<_>>(),
                "errors": x.errors.iter().map(error).collect::<Vec<_>>(),
                "duplicates": x.duplicates,
                "groups": x.groups().iter().map(group).collect::<Vec<_>>(),
            })
        }
    }

    fn corpus() -> Vec<(String, Option<String>)> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
        let text = fs::read_to_string(path).unwrap();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let key = v["public_key"].as_str().map(str::to_owned);
                (v["ocmf"].as_str().unwrap().to_owned(), key)
            })
            .collect()
    }

    /// A registry over the corpus that gives every trust status: entry `i`
    /// registers record `i`'s key (trusted), another record's key
    /// (mismatch), its key with a window that closed in 1970 (expired), or
    /// nothing (untrusted).
    fn registry(corpus: &[(String, Option<String>)]) -> Registry {
        let keys: Vec<crate::PublicKey> = corpus
            .iter()
            .filter_map(|(_, k)| k.as_deref().and_then(|k| crate::PublicKey::parse(k).ok()))
            .collect();
        let mut reg = Registry::new();
        for (i, (record, key)) in corpus.iter().enumerate() {
            let (Ok(rec), Some(Ok(key))) = (
                crate::parse(record),
                key.as_deref().map(crate::PublicKey::parse),
            ) else {
                continue;
            };
            let serial = |t: Option<&Text<'_>>| t.map(|t| t.as_str().trim().to_owned());
            let mut entry = KeyEntry {
                meter_serial: serial(rec.payload.meter_serial.as_ref()),
                gateway_serial: serial(rec.payload.gateway_serial.as_ref()),
                source: format!("label {i}"),
                ..KeyEntry::new("", key)
            };
            if entry.meter_serial.is_some() {
                entry.gateway_serial = None;
            }
            match i % 4 {
                0 => {}
                1 => entry.key = keys[(i * 7) % keys.len()].clone(),
                2 => entry.valid_until = Some(0),
                _ => continue,
            }
            reg.add(entry);
        }
        reg
    }

    fn assert_same(report: &Report<'_>, lang: Lang, what: &str) {
        let want = legacy::report(report, lang);
        let want_text = serde_json::to_string(&want).unwrap();
        let got = report.to_json_string(lang);
        assert_eq!(got, want_text, "{what}");
        assert_eq!(report.to_json(lang), want, "{what}");
        assert_eq!(report.to_json_vec(lang), want_text.as_bytes(), "{what}");
        let mut written = Vec::new();
        report.write_json(lang, &mut written).unwrap();
        assert_eq!(written, want_text.as_bytes(), "{what}");
        if let Some(t) = &report.trust {
            assert_eq!(
                t.trust.to_json(lang),
                legacy::trust(&t.trust, lang),
                "{what}"
            );
        }
        if let Some(rec) = &report.record {
            assert_eq!(
                payload_json(&rec.payload),
                legacy::payload_json(&rec.payload)
            );
        }
    }

    #[test]
    fn reports_are_byte_identical_to_the_value_trees() {
        let corpus = corpus();
        let reg = registry(&corpus);
        let mut seen = std::collections::BTreeSet::new();
        for profile in [Profile::Strict, Profile::Interop, Profile::Reference] {
            for registry in [None, Some(&reg)] {
                let checker = Checker::new().profile(profile).registry(registry);
                for (i, (record, key)) in corpus.iter().enumerate() {
                    let mut keys = vec![KeyInput::None, KeyInput::Text("not a key")];
                    if let Some(k) = key {
                        keys.push(KeyInput::Text(k));
                    }
                    for key in keys {
                        let report = checker.verify(record.as_str(), key);
                        seen.insert((
                            report.verdict.as_str(),
                            report.trust.as_ref().map(|t| t.trust.as_str()),
                            report.record.is_some(),
                        ));
                        for lang in [Lang::En, Lang::De] {
                            assert_same(&report, lang, &format!("record {i} {profile:?} {key:?}"));
                        }
                    }
                }
                // Bytes that never reach the parser.
                let report = checker.verify(&b"OCMF|\xff"[..], KeyInput::None);
                assert_same(&report, Lang::De, "not utf-8");
            }
        }
        // The corpus reaches every verdict and every trust status.
        for want in crate::Verdict::ALL {
            assert!(
                seen.iter().any(|s| s.0 == want.as_str()),
                "{want:?}: {seen:?}"
            );
        }
        for want in ["trusted", "untrusted", "mismatch", "expired", "unknown"] {
            assert!(seen.iter().any(|s| s.1 == Some(want)), "{want}: {seen:?}");
        }
    }

    #[test]
    fn extractions_are_byte_identical_to_the_value_trees() {
        let corpus = corpus();
        let mut inputs: Vec<String> = vec![
            corpus
                .iter()
                .map(|(r, _)| r.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            String::new(),
            "not a record\n[2,\"1\",\"MeterValues\",{}]".to_owned(),
        ];
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
        for dir in ["ocpp", "xml", "sessions"] {
            for entry in fs::read_dir(format!("{data}/{dir}")).unwrap() {
                inputs.push(fs::read_to_string(entry.unwrap().path()).unwrap());
            }
        }
        let (mut values, mut errors, mut groups) = (0, 0, 0);
        for input in &inputs {
            let x = transport::extract(input);
            values += x.values.len();
            errors += x.errors.len();
            groups += x.groups().len();
            let want = legacy::extraction(&x);
            assert_eq!(x.to_json_string(), serde_json::to_string(&want).unwrap());
            assert_eq!(x.to_json(), want);
        }
        assert!(
            values > 250 && errors > 0 && groups > 10,
            "{values} {errors} {groups}"
        );
        let _ = 0.to_string();
    }
}
