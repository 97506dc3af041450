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
//! | [`ExtractionJson`] | [`Extraction`] | `byte_order_mark`, `duplicates`, `errors`, `format`, `groups`, `values` |
//! | [`SignedValueJson`] | [`SignedValue`] | `billed_kwh`, `connector`, `context`, `evse`, `evse_id`, `format`, `origin`, `plain_data`, `public_key`, `record`, `station`, `timestamp`, `token`, `transaction_id`, `transaction_inferred`, `transport` |
//! | [`OriginJson`] | [`Origin`] | `action`, `line`, `message_id` |
//! | [`TransportErrorJson`] | [`TransportError`] | `code`, `line`, `message`, `name` |
//! | [`GroupJson`] | [`Group`] | `evse`, `evse_id`, `station`, `token`, `transaction_id`, `values` |
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
    /// `valid`, `invalid-signature`, `malformed` or `unsupported`.
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
            key_source: r.key_source.map(KeySource::as_str),
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

/// A view as compact JSON bytes, written into a buffer of `capacity` bytes
/// (with `std`; serde_json's own writer without it).
fn to_vec<T: Serialize>(view: &T, capacity: usize) -> Vec<u8> {
    #[cfg(feature = "std")]
    {
        let mut out = Vec::with_capacity(capacity);
        match serde_json::to_writer(&mut out, view) {
            Ok(()) => out,
            Err(_) => Vec::new(),
        }
    }
    #[cfg(not(feature = "std"))]
    {
        let _ = capacity;
        serde_json::to_vec(view).unwrap_or_default()
    }
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
        String::from_utf8(self.to_json_vec(lang)).unwrap_or_default()
    }

    /// The canonical JSON as one line of UTF-8 bytes.
    #[must_use]
    pub fn to_json_vec(&self, lang: Lang) -> Vec<u8> {
        to_vec(&self.json_view(lang), self.json_size_hint())
    }

    /// A buffer size that holds the JSON of most reports without growing:
    /// the readings make up most of it, about twice the signed payload.
    fn json_size_hint(&self) -> usize {
        512 + self
            .record
            .as_ref()
            .map_or(0, |r| 2 * r.signed_bytes().len())
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

/// The JSON object of an [`Extraction`] ([`Extraction::to_json`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Extraction"))]
pub(crate) struct ExtractionJson<'x> {
    /// Whether the input started with a UTF-8 byte-order mark (read as if it were absent).
    pub(crate) byte_order_mark: bool,
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
    /// The energy a charge detail record bills, in kWh, as written.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub(crate) billed_kwh: Option<DecimalText>,
    /// The OCPP 1.6 connector.
    pub(crate) connector: Option<u32>,
    /// The reading context (`Transaction.Begin`, …).
    pub(crate) context: Option<&'x str>,
    /// The EVSE.
    pub(crate) evse: Option<u32>,
    /// The EVSE id as text (charge detail records).
    pub(crate) evse_id: Option<&'x str>,
    /// The format of the value: `null` for OCMF, else the other format's
    /// stable name (`ALFEN`, `EDL40`, ...).
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::FormatWord>")
    )]
    pub(crate) format: Option<&'static str>,
    /// Where in the input the value was found.
    pub(crate) origin: OriginJson<'x>,
    /// The plain text a charge detail record shows for the value.
    pub(crate) plain_data: Option<&'x str>,
    /// The key carried with the value, as text.
    pub(crate) public_key: Option<&'x str>,
    /// The record text, exactly as signed.
    pub(crate) record: &'x str,
    /// The station id.
    pub(crate) station: Option<&'x str>,
    /// The OCPP timestamp.
    pub(crate) timestamp: Option<&'x str>,
    /// The token that started the session (charge detail records).
    pub(crate) token: Option<&'x str>,
    /// The transaction id.
    pub(crate) transaction_id: Option<&'x str>,
    /// Whether the transaction was inferred (the value carried none).
    pub(crate) transaction_inferred: bool,
    /// How the value was carried.
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::TransportWord"))]
    pub(crate) transport: &'static str,
}

/// An exact decimal written as its text (`12.350` stays `12.350`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalText(pub(crate) crate::decimal::ExactDecimal);

impl Serialize for DecimalText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
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
    /// The EVSE id as text (charge detail records).
    pub(crate) evse_id: Option<&'x str>,
    /// The station id.
    pub(crate) station: Option<&'x str>,
    /// The token that started the session (charge detail records).
    pub(crate) token: Option<&'x str>,
    /// The transaction id.
    pub(crate) transaction_id: Option<&'x str>,
    /// Indices into `values`, in session order.
    pub(crate) values: &'x [usize],
}

impl<'x> SignedValueJson<'x> {
    /// The view of a signed value.
    pub(crate) fn new(v: &'x SignedValue) -> Self {
        Self {
            billed_kwh: v.billed_kwh.map(DecimalText),
            connector: v.connector,
            context: v.context.as_deref(),
            evse: v.evse,
            evse_id: v.evse_id.as_deref(),
            format: v.format.map(crate::formats::Format::as_str),
            origin: OriginJson::new(&v.origin),
            plain_data: v.plain_data.as_deref(),
            public_key: v.public_key.as_deref(),
            record: &v.record,
            station: v.station.as_deref(),
            timestamp: v.timestamp.as_deref(),
            token: v.token.as_deref(),
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
            evse_id: g.evse_id.as_deref(),
            station: g.station.as_deref(),
            token: g.token.as_deref(),
            transaction_id: g.transaction_id.as_deref(),
            values: &g.values,
        }
    }
}

impl<'x> ExtractionJson<'x> {
    /// The view of an extraction whose groups ([`Extraction::groups`]) are `groups`.
    pub(crate) fn new(x: &'x Extraction, groups: &'x [Group]) -> Self {
        Self {
            byte_order_mark: x.byte_order_mark,
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
    //! The views over the shared corpus and the transport fixtures. The
    //! former `Value`-tree writer was compared byte for byte over the same
    //! inputs (3 profiles, en/de, with and without a registry) before it
    //! was removed; what stays checked here is what the views promise.

    use alloc::{borrow::ToOwned, format, vec};
    use std::fs;

    use super::*;
    use crate::checker::{Checker, KeyInput};
    use crate::registry::{KeyEntry, Registry};
    use crate::{PublicKey, Verdict, parse, transport};

    /// The members present exactly when a report was checked against a registry.
    const TRUST_MEMBERS: [&str; 5] = [
        "carried_key_error",
        "carried_key_fingerprint",
        "key_fingerprint",
        "record_time_ms",
        "trust",
    ];

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

    /// A registry over the corpus that gives every trust status: record
    /// `i`'s meter is registered with its own key (trusted), another
    /// record's key (mismatch), its key in a window that closed in 1970
    /// (expired), or not at all (untrusted).
    fn registry(corpus: &[(String, Option<String>)]) -> Registry {
        let keys: Vec<PublicKey> = corpus
            .iter()
            .filter_map(|(_, k)| k.as_deref().and_then(|k| PublicKey::parse(k).ok()))
            .collect();
        let mut reg = Registry::new();
        for (i, (record, key)) in corpus.iter().enumerate() {
            let (Ok(rec), Some(Ok(key))) = (parse(record), key.as_deref().map(PublicKey::parse))
            else {
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

    /// Every writer gives the same bytes, and they are the bytes of the
    /// `Value` parsed back and written again: serde_json's `Value` maps are
    /// sorted, so this holds only when every view declares its fields in
    /// sorted order, at every level.
    fn assert_canonical(report: &Report<'_>, lang: Lang, what: &str) -> Value {
        let text = report.to_json_string(lang);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            text,
            "{what}: not sorted"
        );
        assert_eq!(report.to_json(lang), value, "{what}");
        assert_eq!(report.to_json_vec(lang), text.as_bytes(), "{what}");
        let mut written = Vec::new();
        report.write_json(lang, &mut written).unwrap();
        assert_eq!(written, text.as_bytes(), "{what}");
        for member in TRUST_MEMBERS {
            let present = value.get(member).is_some();
            assert_eq!(present, report.trust.is_some(), "{what}: {member}");
        }
        if let Some(t) = &report.trust {
            assert_eq!(value["trust"], t.trust.to_json(lang), "{what}");
            assert_eq!(value["trust"]["status"], t.trust.as_str(), "{what}");
            assert_eq!(
                value["key_fingerprint"].as_str(),
                report.key_fingerprint(),
                "{what}"
            );
        }
        assert_eq!(value["verdict"], report.verdict.as_str(), "{what}");
        assert_eq!(value["code"], report.code().code(), "{what}");
        value
    }

    /// The `readings` of the JSON against [`Payload::resolved_readings`]
    /// (the views carry fields forward without cloning the readings).
    /// Returns how many fields were carried forward.
    fn assert_readings(p: &Payload<'_>, json: &Value, what: &str) -> usize {
        let resolved = p.resolved_readings();
        let readings = json["readings"].as_array().unwrap();
        assert_eq!(readings.len(), resolved.len(), "{what}");
        let mut carried = 0;
        for (i, (r, j)) in resolved.iter().zip(readings).enumerate() {
            let t = |t: &Option<Text<'_>>| t.as_ref().map(|t| Value::from(t.as_str()));
            let d = |d: &Option<Decimal<'_>>| d.map(|d| Value::from(d.as_str().trim()));
            let want = [
                ("time", t(&r.time)),
                ("reason", t(&r.reason)),
                ("value", d(&r.value)),
                ("obis", t(&r.obis)),
                ("unit", t(&r.unit)),
                ("current_type", t(&r.current_type)),
                ("cumulated_loss", d(&r.cumulated_loss)),
                ("error_flags", t(&r.error_flags)),
                ("status", t(&r.status)),
                ("unix_ms", r.timestamp().map(|ts| ts.unix_millis().into())),
                (
                    "time_status",
                    r.timestamp()
                        .map(|ts| String::from(ts.status.letter()).into()),
                ),
            ];
            for (name, want) in want {
                assert_eq!(
                    j[name],
                    want.unwrap_or(Value::Null),
                    "{what}: reading {i} {name}"
                );
            }
            let own = &p.readings[i];
            carried += [
                own.time.is_none() && r.time.is_some(),
                own.unit.is_none() && r.unit.is_some(),
            ]
            .iter()
            .filter(|c| **c)
            .count();
        }
        carried
    }

    #[test]
    fn report_json_is_canonical_over_the_corpus() {
        let corpus = corpus();
        let reg = registry(&corpus);
        let mut statuses = std::collections::BTreeSet::new();
        let mut verdicts = std::collections::BTreeSet::new();
        let mut carried = 0;
        for registry in [None, Some(&reg)] {
            let checker = Checker::new().registry(registry);
            for (i, (record, key)) in corpus.iter().enumerate() {
                let mut keys = vec![KeyInput::None, KeyInput::Text("not a key")];
                if let Some(k) = key {
                    keys.push(KeyInput::Text(k));
                }
                for key in keys {
                    let report = checker.verify(record.as_str(), key);
                    let lang = if i % 2 == 0 { Lang::En } else { Lang::De };
                    let what = format!("record {i} {key:?}");
                    let value = assert_canonical(&report, lang, &what);
                    verdicts.insert(report.verdict.as_str());
                    statuses.insert(report.trust.as_ref().map(|t| t.trust.as_str()));
                    match &report.record {
                        Some(rec) => {
                            carried += assert_readings(&rec.payload, &value["record"], &what);
                            assert_eq!(payload_json(&rec.payload), value["record"], "{what}");
                        }
                        None => assert!(value["record"].is_null(), "{what}"),
                    }
                }
            }
            let report = checker.verify(&b"OCMF|\xff"[..], KeyInput::None);
            assert_canonical(&report, Lang::De, "not utf-8");
        }
        // The inputs reach every verdict, every trust status and the carry-forward.
        assert_eq!(verdicts.len(), Verdict::ALL.len(), "{verdicts:?}");
        for want in [
            None,
            Some("trusted"),
            Some("untrusted"),
            Some("mismatch"),
            Some("expired"),
            Some("unknown"),
        ] {
            assert!(statuses.contains(&want), "{want:?}: {statuses:?}");
        }
        assert!(carried > 0, "no reading inherited a field");
    }

    #[test]
    fn carried_forward_readings_follow_resolved_readings() {
        let record = r#"OCMF|{"FV":"1.0","RD":[{"TM":"2024-01-01T10:00:00,000+0000 S","TX":"B","RV":" 1.50 ","RI":"1-b:1.8.0","RU":"kWh","ST":"G"},{"RV":2.5,"TX":"E"},{"TM":"bad","CL":0.1}]}|{"SD":"00"}"#;
        let rec = parse(record).unwrap();
        let json = payload_json(&rec.payload);
        assert_eq!(assert_readings(&rec.payload, &json, "hand-made"), 3);
        let r = &json["readings"];
        assert_eq!(r[0]["value"], "1.50");
        assert_eq!(r[1]["unit"], "kWh");
        assert_eq!(r[1]["time_status"], "S");
        assert_eq!(r[2]["time"], "bad");
        assert!(r[2]["unix_ms"].is_null());
        assert_eq!(r[2]["reason"], "E");
    }

    #[test]
    fn extraction_json_is_canonical_over_the_transport_fixtures() {
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
        for (n, input) in inputs.iter().enumerate() {
            let x = transport::extract(input);
            let text = x.to_json_string();
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                text,
                "input {n}: not sorted"
            );
            assert_eq!(x.to_json(), value, "input {n}");
            assert_eq!(value["values"].as_array().unwrap().len(), x.values.len());
            assert_eq!(value["errors"].as_array().unwrap().len(), x.errors.len());
            assert_eq!(value["groups"].as_array().unwrap().len(), x.groups().len());
            for (v, j) in x.values.iter().zip(value["values"].as_array().unwrap()) {
                assert_eq!(j["record"], v.record.as_str(), "input {n}");
                assert_eq!(
                    j["origin"]["line"],
                    v.origin.line.map_or(Value::Null, Value::from)
                );
            }
            values += x.values.len();
            errors += x.errors.len();
            groups += x.groups().len();
        }
        assert!(
            values > 250 && errors > 0 && groups > 10,
            "{values} {errors} {groups}"
        );
    }
}
