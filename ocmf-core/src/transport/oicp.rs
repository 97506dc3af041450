//! OICP 2.3 charge detail records (and charging notifications of type
//! `End` with the same fields): `SignedMeteringValues` and
//! `CalibrationLawVerificationInfo`.

use alloc::{format, string::String, vec::Vec};

use serde_json::{Map, Value};

use super::cdr::{Raw, decode, energy, short, text, text_of, value};
use super::decode::{decode_record, key_text};
use super::kind::{Named, encoding_format, format_value};
use super::{Builder, SignedValue, Transport};
use crate::error::ErrorCode;
use crate::formats::Format;

/// The reading context of a `MeteringStatus` (`Progress1` … `Progress8` occur too).
fn context(status: Option<&str>) -> Option<&'static str> {
    let s = status?.trim();
    if s.eq_ignore_ascii_case("Start") {
        Some("Transaction.Begin")
    } else if s.eq_ignore_ascii_case("End") {
        Some("Transaction.End")
    } else if s
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("Progress"))
    {
        Some("Sample.Periodic")
    } else {
        None
    }
}

/// The token of an `Identification`: the card UID, else the contract id.
fn token(id: Option<&Value>) -> Option<String> {
    let id = id?.as_object()?;
    [
        ("RFIDMifareFamilyIdentification", "UID"),
        ("RFIDIdentification", "UID"),
        ("QRCodeIdentification", "EvcoID"),
        ("PlugAndChargeIdentification", "EvcoID"),
        ("RemoteIdentification", "EvcoID"),
    ]
    .iter()
    .find_map(|(kind, field)| text_of(id.get(*kind).and_then(|k| k.get(*field))))
}

/// One `SignedMeteringValues` entry: its text and status.
type Entry<'v> = (usize, Option<&'v str>, Option<&'v str>);

/// Reads one CDR (or charging notification) object starting on `line`.
pub(crate) fn cdr(m: &Raw<'_>, line: usize, b: &mut Builder) {
    let bad = |b: &mut Builder, msg: String| b.error(ErrorCode::TransportFormat, Some(line), msg);
    // A notification other than `End` (Start, Progress, Error) carries no signed values.
    let notification = text(m, "Type");
    if notification
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("End"))
    {
        return;
    }
    let what = if notification.is_some() {
        "OICP charging notification"
    } else {
        "OICP CDR"
    };
    let Some(id) = text(m, "SessionID") else {
        bad(b, format!("{what} without SessionID"));
        return;
    };
    let name = short(&id);
    let mut t = SignedValue::new(String::new(), Transport::OicpBase64);
    t.transaction_id = Some(id.clone());
    t.evse_id = text(m, "EvseID");
    t.token = token(value(m, "Identification").as_ref());
    t.origin.line = Some(line);
    match energy(m, "ConsumedEnergy") {
        Ok(e) => t.billed_kwh = e,
        Err(e) => bad(b, format!("{what} {name}: {e}")),
    }
    let info = value(m, "CalibrationLawVerificationInfo");
    let info = info.as_ref().and_then(Value::as_object);
    let list = match value(m, "SignedMeteringValues") {
        Some(Value::Array(a)) => a,
        None if notification.is_some() => return,
        None => {
            bad(b, format!("{what} {name} has no SignedMeteringValues"));
            return;
        }
        Some(_) => {
            bad(
                b,
                format!("{what} {name}: SignedMeteringValues is not an array"),
            );
            return;
        }
    };
    let entries: Vec<Entry<'_>> = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            (
                i,
                e.get("SignedMeteringValue").and_then(Value::as_str),
                e.get("MeteringStatus").and_then(Value::as_str),
            )
        })
        .collect();
    let reading = match encoding(info, &entries) {
        Ok(r) => r,
        Err(format) => {
            b.error(
            ErrorCode::UnsupportedEncoding,
            Some(line),
            format!(
                "{what} {name}: MeteringSignatureEncodingFormat \"{}\" is not OCMF; its signed values are not checked",
                short(format)
            ),
            );
            return;
        }
    };
    t.public_key = match info.and_then(|i| i.get("PublicKey")) {
        Some(Value::String(k)) => match key_text(k) {
            Ok(k) => k,
            Err(e) => {
                bad(b, format!("{what} {name}: {e}"));
                None
            }
        },
        _ => None,
    };
    if entries.is_empty() {
        bad(b, format!("{what} {name}: SignedMeteringValues is empty"));
    }
    for (i, data, status) in entries {
        let Some(data) = data else {
            bad(
                b,
                format!(
                    "{what} {name}: SignedMeteringValues[{i}].SignedMeteringValue is not a string"
                ),
            );
            continue;
        };
        let declared = match reading {
            Reading::Ocmf => None,
            Reading::Other(Some(f)) => Some(f),
            // Each value names its own format (the detection's).
            Reading::Other(None) => format_value(data, None).ok().map(|(_, f, _)| f),
        };
        match decode(
            data,
            declared,
            [
                Transport::OicpRaw,
                Transport::OicpHex,
                Transport::OicpBase64,
            ],
        ) {
            Ok((record, transport, format)) => {
                let mut v = t.clone();
                v.record = record;
                v.format = format;
                v.transport = transport;
                v.context = context(status).map(Into::into);
                b.push(v);
            }
            Err(e) => bad(
                b,
                format!("{what} {name}: SignedMeteringValues[{i}].SignedMeteringValue: {e}"),
            ),
        }
    }
}

/// How the values of a CDR are read.
#[derive(Debug, Clone, Copy)]
enum Reading {
    /// As OCMF records.
    Ocmf,
    /// As values of another format: the one the CDR names, or (`None`)
    /// each value's own, by the format detection.
    Other(Option<Format>),
}

/// How the values are read, from `MeteringSignatureEncodingFormat` and the
/// values: the field is free text ("EDL40 Mennekes: V1", "EDL", and even
/// "UTF-8" in the specification's example), so a name that says OCMF, or
/// values that are all OCMF records, are read as OCMF; a name of another
/// format ([`encoding_format`]) as that format; values that are all of
/// other formats by their own formats.
///
/// # Errors
/// The name, when it is none of these.
fn encoding<'i>(
    info: Option<&'i Map<String, Value>>,
    entries: &[Entry<'_>],
) -> Result<Reading, &'i str> {
    let Some(format) = info
        .and_then(|i| i.get("MeteringSignatureEncodingFormat"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|f| !f.is_empty())
    else {
        return Ok(Reading::Ocmf);
    };
    if format.to_ascii_uppercase().contains("OCMF") {
        return Ok(Reading::Ocmf);
    }
    if let Some(Named::Format(f)) = encoding_format(format) {
        return Ok(Reading::Other(Some(f)));
    }
    let all = |ok: &dyn Fn(&str) -> bool| {
        !entries.is_empty() && entries.iter().all(|(_, d, _)| d.is_some_and(ok))
    };
    if all(&|d| decode_record(d).is_ok()) {
        Ok(Reading::Ocmf)
    } else if all(&|d| format_value(d, None).is_ok()) {
        Ok(Reading::Other(None))
    } else {
        Err(format)
    }
}
