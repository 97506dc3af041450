//! Charge detail records (OCPI, OICP): what the two have in common —
//! detection, documents, pages and JSON Lines, line numbers and the
//! fields read from the raw JSON (the billed energy keeps its exact text).

use alloc::{
    collections::BTreeMap,
    format,
    string::{String, ToString},
    vec::Vec,
};

use serde_json::{Map, Value, value::RawValue};

use super::decode::decode_record;
use super::kind::format_value;
use super::text::line_at;
use super::{Builder, InputFormat, Transport, ocpi, oicp};
use crate::decimal::ExactDecimal;
use crate::error::{ErrorCode, Span};
use crate::formats::Format;

/// One CDR object with its members still raw.
pub(crate) type Raw<'a> = BTreeMap<String, &'a RawValue>;

/// Whether an object is an OCPI CDR (by members only OCPI CDRs have).
fn is_ocpi(m: &Map<String, Value>) -> bool {
    ["cdr_location", "cdr_token", "signed_data"]
        .iter()
        .any(|k| m.contains_key(*k))
        || (m.contains_key("total_energy") && m.contains_key("id"))
}

/// Whether an object is an OICP CDR or charging notification with CDR fields.
fn is_oicp(m: &Map<String, Value>) -> bool {
    ["SignedMeteringValues", "CalibrationLawVerificationInfo"]
        .iter()
        .any(|k| m.contains_key(*k))
        || (m.contains_key("SessionID") && m.contains_key("EvseID"))
}

/// The CDR kind of one object: a CDR, or a page holding CDRs.
fn kind_of_object(m: &Map<String, Value>) -> Option<InputFormat> {
    let first = |key: &str| {
        m.get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_object)
    };
    if is_ocpi(m) || first("data").is_some_and(is_ocpi) {
        Some(InputFormat::OcpiCdr)
    } else if is_oicp(m) || first("content").is_some_and(is_oicp) {
        Some(InputFormat::OicpCdr)
    } else {
        None
    }
}

/// The CDR kind of one JSON value (object, page, or array of CDRs), if it is one.
pub(crate) fn kind_of(text: &str) -> Option<InputFormat> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Object(m) => kind_of_object(&m),
        Value::Array(a) => a
            .first()
            .and_then(Value::as_object)
            .and_then(kind_of_object),
        _ => None,
    }
}

/// The CDR kind of text that is not one JSON value (a broken document, or
/// JSON Lines with a broken first line), by member names only CDRs use.
pub(crate) fn sniff(t: &str) -> Option<InputFormat> {
    let has = |k: &str| t.contains(k);
    if has("\"signed_values\"") || has("\"cdr_location\"") || has("\"cdr_token\"") {
        Some(InputFormat::OcpiCdr)
    } else if has("\"SignedMeteringValues\"")
        || has("\"CalibrationLawVerificationInfo\"")
        || (has("\"SessionID\"") && has("\"EvseID\""))
    {
        Some(InputFormat::OicpCdr)
    } else {
        None
    }
}

/// Which protocol a document is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ocpi,
    Oicp,
}

impl Kind {
    const fn name(self) -> &'static str {
        match self {
            Self::Ocpi => "OCPI",
            Self::Oicp => "OICP",
        }
    }

    /// The member of a page that holds the CDRs.
    const fn page_key(self) -> &'static str {
        match self {
            Self::Ocpi => "data",
            Self::Oicp => "content",
        }
    }
}

/// How many of the first non-blank lines are tried on their own to tell
/// JSON Lines from one pretty-printed document.
const LINES_PROBE: usize = 3;

/// Reads CDRs: one document, or JSON Lines.
pub(crate) fn read(body: &str, b: &mut Builder, format: InputFormat) {
    let kind = if format == InputFormat::OicpCdr {
        Kind::Oicp
    } else {
        Kind::Ocpi
    };
    match serde_json::from_str::<&RawValue>(body) {
        Ok(raw) => document(body, raw, 1, b, kind),
        Err(_) if looks_like_lines(body) => lines(body, b, kind),
        Err(e) => b.error(
            ErrorCode::TransportFormat,
            Some(e.line()),
            format!("{} CDR document is not valid JSON: {e}", kind.name()),
        ),
    }
}

/// Whether one of the first non-blank lines is a JSON object by itself (a
/// pretty-printed document's first lines never are).
fn looks_like_lines(body: &str) -> bool {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(LINES_PROBE)
        .any(|l| l.starts_with('{') && serde_json::from_str::<Raw<'_>>(l).is_ok())
}

/// JSON Lines: each non-blank line one CDR or one page.
fn lines(body: &str, b: &mut Builder, kind: Kind) {
    for (idx, line) in body.split('\n').enumerate() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        match serde_json::from_str::<&RawValue>(t) {
            Ok(raw) => document(t, raw, idx + 1, b, kind),
            Err(e) => b.error(
                ErrorCode::TransportFormat,
                Some(idx + 1),
                format!("{} CDR line is not valid JSON: {e}", kind.name()),
            ),
        }
    }
}

/// One JSON value whose first byte is on line `first_line` of the input:
/// a CDR, a page of CDRs, or an array of CDRs.
fn document(body: &str, raw: &RawValue, first_line: usize, b: &mut Builder, kind: Kind) {
    let text = raw.get();
    let line_of = |sub: &str| first_line + line_at(body, Span::of(body, sub).start) - 1;
    let items: Vec<&RawValue> = if text.starts_with('[') {
        match serde_json::from_str(text) {
            Ok(items) => items,
            Err(e) => {
                b.error(
                    ErrorCode::TransportFormat,
                    Some(line_of(text)),
                    e.to_string(),
                );
                return;
            }
        }
    } else {
        let m: Raw<'_> = match serde_json::from_str(text) {
            Ok(m) => m,
            Err(e) => {
                b.error(
                    ErrorCode::TransportFormat,
                    Some(line_of(text)),
                    format!("{} CDR is not a JSON object: {e}", kind.name()),
                );
                return;
            }
        };
        match m.get(kind.page_key()).map(|r| r.get()) {
            Some(list) if list.starts_with('[') => match serde_json::from_str(list) {
                Ok(items) => items,
                Err(e) => {
                    b.error(
                        ErrorCode::TransportFormat,
                        Some(line_of(list)),
                        e.to_string(),
                    );
                    return;
                }
            },
            _ => {
                one(&m, line_of(text), b, kind);
                return;
            }
        }
    };
    // Lines counted incrementally: pages of thousands of CDRs stay linear.
    let (mut at, mut line) = (Span::of(body, text).start, line_of(text));
    for item in items {
        let off = Span::of(body, item.get()).start;
        if off >= at {
            line += body
                .get(at..off)
                .map_or(0, |s| s.bytes().filter(|&c| c == b'\n').count());
            at = off;
        }
        match serde_json::from_str::<Raw<'_>>(item.get()) {
            Ok(m) => one(&m, line, b, kind),
            Err(e) => b.error(
                ErrorCode::TransportFormat,
                Some(line),
                format!("{} CDR is not a JSON object: {e}", kind.name()),
            ),
        }
    }
}

fn one(m: &Raw<'_>, line: usize, b: &mut Builder, kind: Kind) {
    b.next_seq();
    match kind {
        Kind::Ocpi => ocpi::cdr(m, line, b),
        Kind::Oicp => oicp::cdr(m, line, b),
    }
}

// ---------------------------------------------------------------------------
// Field helpers shared by both protocols
// ---------------------------------------------------------------------------

/// A member parsed as a JSON value (`None` when absent or `null`).
pub(crate) fn value(m: &Raw<'_>, key: &str) -> Option<Value> {
    m.get(key)
        .and_then(|r| serde_json::from_str::<Value>(r.get()).ok())
        .filter(|v| !v.is_null())
}

/// A text member of an object (strings trimmed, numbers in decimal; blank is `None`).
pub(crate) fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A text member of a raw CDR.
pub(crate) fn text(m: &Raw<'_>, key: &str) -> Option<String> {
    text_of(value(m, key).as_ref())
}

/// An energy member in kWh as the exact decimal its JSON text spells (a
/// number, or a string holding one).
///
/// # Errors
/// A message when the member is present but no decimal number.
pub(crate) fn energy(m: &Raw<'_>, key: &str) -> Result<Option<ExactDecimal>, String> {
    let Some(raw) = m.get(key).map(|r| r.get().trim()) else {
        return Ok(None);
    };
    if raw == "null" {
        return Ok(None);
    }
    let text = if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).unwrap_or_default()
    } else {
        raw.to_string()
    };
    ExactDecimal::parse(&text)
        .map(Some)
        .ok_or_else(|| format!("{key} is not a decimal number"))
}

/// A carried signed value decoded to its record, with the transport its
/// encoding names among the carrier's `[plain, hex, base64]`: an OCMF
/// record, or, where the CDR `declared` another format, that format's value
/// ([`format_value`]).
pub(crate) fn decode(
    text: &str,
    declared: Option<Format>,
    via: [Transport; 3],
) -> Result<(String, Transport, Option<Format>), String> {
    match declared {
        None => decode_record(text).map(|(record, enc)| (record, enc.transport(via), None)),
        Some(f) => format_value(text, Some(f)).map(|(r, f, enc)| (r, enc.transport(via), Some(f))),
    }
}

/// An id for messages: at most 64 characters of it.
pub(crate) fn short(s: &str) -> String {
    s.chars().take(64).collect()
}
