//! ChargePoint `secrrct` files (Chargy `ChargePointCrypt01`,
//! `notes/formats/chargepoint.md`): a JSON document whose exact bytes are
//! signed, ECDSA with SHA-256 on secp224k1 (the digest cut to the order's
//! 225 bits; older station firmware) or secp256r1 (newer firmware, Chargy's
//! `ChargePointCrypt01`), chosen by the key, the signature a separate DER
//! file `secrrct.sign`, the key a separate PEM/SPKI file (given by the
//! caller, or the registry's).
//!
//! As users have it the value is two files, so the value this reader takes
//! is a JSON object with both:
//!
//! ```json
//! {"secrrct": "<the secrrct file's text>", "signature": "<secrrct.sign, hex or base64>"}
//! ```
//!
//! `secrrct.sign` is accepted for `signature`, and `original` (the file's
//! bytes in base64, as Chargy's own session object carries them) for
//! `secrrct`. The signed bytes are the file's bytes exactly as given (the
//! JSON string's characters, or the base64's bytes), never a re-serialised
//! JSON. A `secrrct` document given alone is read as ChargePoint and
//! refused with `format_missing_field` (`signature`).
//!
//! Readings: the meter's start and end values (`meter_startreading`,
//! `meter_endreading`, unit `energy_units`) at `start_time` / `end_time`
//! (UTC seconds), top-level or, in the older tariff document, inside
//! `additional_info` (times there from the `energy` items' `*_time_utc`).

use alloc::{collections::BTreeMap, string::String, string::ToString, vec::Vec};

use serde_json::{Value, value::RawValue};

use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatReading, FormatTime, FormatValue,
    ReadingKind, SignedPart,
};
use crate::decimal::ExactDecimal;
use crate::grammar::TimeStatus;

const F: Format = Format::ChargePoint;

/// Whether `v` is the two-file object (the signed document's member is there).
pub(super) fn looks_like(v: &Value) -> bool {
    v.get("secrrct").is_some() || (v.get("original").is_some() && v.get("signature").is_some())
}

/// Whether `v` is a `secrrct` document itself (its meter members).
pub(super) fn looks_like_document(v: &Value) -> bool {
    let meter = |o: &Value| o.get("meter_serial").is_some() && o.get("meter_endreading").is_some();
    meter(v) || v.get("additional_info").is_some_and(meter)
}

/// The error of a `secrrct` document given without its signature.
pub(super) const fn missing_signature() -> FormatError {
    FormatError::new(K::MissingField, F, "signature")
}

pub(super) fn read(v: &Value) -> Result<FormatValue, FormatError> {
    let text = |name: &'static str| match v.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(FormatError::new(K::BadField, F, name)),
    };
    let signed: Vec<u8> = match (text("secrrct")?, text("original")?) {
        (Some(s), _) => s.as_bytes().to_vec(),
        (None, Some(b64)) => codec::base64(b64, F, "original")?,
        (None, None) => return Err(FormatError::new(K::MissingField, F, "secrrct")),
    };
    let signature_text = match (text("signature")?, text("secrrct.sign")?) {
        (Some(s), _) | (None, Some(s)) => s,
        (None, None) => return Err(missing_signature()),
    };
    let signature = signature_bytes(signature_text)?;
    let mut value = document(&signed)?;
    value.signed.push(SignedPart {
        label: "value",
        signed_bytes: signed,
        signature,
        curve: CurveRule::Secp224k1OrP256,
    });
    Ok(value)
}

/// The value this reader takes, made of the two files as users have them:
/// the `secrrct` file's bytes and the `secrrct.sign` file's bytes (binary
/// DER, or its hex or base64 text). The document goes in as `secrrct` when
/// it is UTF-8 text (its characters are the signed bytes), else as
/// `original` in base64 (its bytes are then the signed bytes, and the
/// reader refuses them as no JSON); a binary DER signature goes in as hex,
/// a text one as written. The reader's rules decide the rest, so a wrong
/// file gives its typed error there.
#[must_use]
pub fn join(secrrct: &[u8], signature: &[u8]) -> String {
    let document = match core::str::from_utf8(secrrct) {
        Ok(t) => ("secrrct", Value::String(t.into())),
        Err(_) => (
            "original",
            Value::String(data_encoding::BASE64.encode(secrrct)),
        ),
    };
    // Text is hex or base64 characters and blanks; binary DER is not (its
    // INTEGER tags are 0x02).
    let text = core::str::from_utf8(signature).ok().filter(|t| {
        t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b) || b.is_ascii_whitespace())
    });
    let signature = match text {
        Some(t) => t.trim().into(),
        None => codec::to_hex(signature),
    };
    let mut object = serde_json::Map::new();
    object.insert(document.0.into(), document.1);
    object.insert("signature".into(), Value::String(signature));
    Value::Object(object).to_string()
}

/// `secrrct.sign` as hex or base64: the DER `SEQUENCE` it must be starts
/// with `30`, which base64 writes as `M`.
fn signature_bytes(t: &str) -> Result<Vec<u8>, FormatError> {
    let t = t.trim();
    if t.is_empty() {
        return Err(FormatError::new(K::MissingField, F, "signature"));
    }
    let bytes = if t
        .bytes()
        .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
    {
        codec::hex(t, F, "signature")?
    } else {
        codec::base64(t, F, "signature")?
    };
    if bytes.first() != Some(&0x30) {
        return Err(FormatError::new(K::BadField, F, "signature"));
    }
    Ok(bytes)
}

type Members<'a> = BTreeMap<String, &'a RawValue>;

fn members<'a>(json: &'a str, name: &'static str) -> Result<Members<'a>, FormatError> {
    serde_json::from_str(json).map_err(|_| FormatError::new(K::Json, F, name))
}

/// The reading members of the signed document, their numbers as written.
fn document(signed: &[u8]) -> Result<FormatValue, FormatError> {
    let json = core::str::from_utf8(signed).map_err(|_| FormatError::new(K::Json, F, "secrrct"))?;
    let top = members(json, "secrrct")?;
    // The older tariff document keeps the meter in `additional_info`.
    let info = match top.get("additional_info") {
        Some(raw) => Some(members(raw.get(), "additional_info")?),
        None => None,
    };
    let m = info.as_ref().unwrap_or(&top);
    let serial =
        string(m, "meter_serial")?.ok_or(FormatError::new(K::MissingField, F, "meter_serial"))?;
    let unit = match string(m, "energy_units")?.as_deref().map(str::trim) {
        Some("kWh") | None => "kWh",
        Some("Wh") => "Wh",
        Some(_) => return Err(FormatError::new(K::BadField, F, "energy_units")),
    };
    let (start_s, end_s) = if info.is_some() {
        energy_times(&top)?
    } else {
        (integer(&top, "start_time")?, integer(&top, "end_time")?)
    };
    let reading = |kind, name, time: Option<i64>| -> Result<FormatReading, FormatError> {
        Ok(FormatReading {
            kind,
            time: time.map(|utc_seconds| FormatTime {
                utc_seconds,
                offset_minutes: None,
                // The document does not say whether the clock was set.
                status: TimeStatus::Informative,
            }),
            value: decimal(m, name)?,
            unit,
            // Chargy's "Bezogene Energiemenge".
            obis: Some("1-0:1.8.0".into()),
            status: None,
            pagination: None,
            signed: true,
        })
    };
    let readings = alloc::vec![
        reading(ReadingKind::Start, "meter_startreading", start_s)?,
        reading(ReadingKind::Stop, "meter_endreading", end_s)?,
    ];
    let transaction = match m.get("session_id") {
        Some(raw) => Some(scalar_text(raw, "session_id")?),
        None => None,
    };
    Ok(FormatValue {
        format: F,
        meter_serial: serial,
        readings,
        transaction,
        contract: string(m, "driver_info")?,
        carried_key: None,
        signed: Vec::new(),
        findings: Vec::new(),
    })
}

fn string(m: &Members<'_>, name: &'static str) -> Result<Option<String>, FormatError> {
    m.get(name)
        .map(|raw| serde_json::from_str::<String>(raw.get()))
        .transpose()
        .map_err(|_| FormatError::new(K::BadField, F, name))
}

fn integer(m: &Members<'_>, name: &'static str) -> Result<Option<i64>, FormatError> {
    m.get(name)
        .map(|raw| serde_json::from_str::<i64>(raw.get()))
        .transpose()
        .map_err(|_| FormatError::new(K::BadField, F, name))
}

/// A string or a number member as text (`session_id` is a number).
fn scalar_text(raw: &RawValue, name: &'static str) -> Result<String, FormatError> {
    match serde_json::from_str::<Value>(raw.get()) {
        Ok(Value::String(s)) => Ok(s),
        Ok(Value::Number(_)) => Ok(raw.get().to_string()),
        _ => Err(FormatError::new(K::BadField, F, name)),
    }
}

/// A meter value as an exact decimal, from the number's text as written.
fn decimal(m: &Members<'_>, name: &'static str) -> Result<String, FormatError> {
    let raw = m
        .get(name)
        .ok_or(FormatError::new(K::MissingField, F, name))?;
    let text = raw.get();
    // A JSON number (not a string), read from its digits, never via f64.
    if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Err(FormatError::new(K::BadField, F, name));
    }
    ExactDecimal::parse(text)
        .map(|d| d.to_string())
        .ok_or(FormatError::new(K::BadField, F, name))
}

/// The session's first start and last end over the `energy` items
/// (`start_time_utc`, `end_time_utc`), as Chargy takes them.
fn energy_times(top: &Members<'_>) -> Result<(Option<i64>, Option<i64>), FormatError> {
    let Some(raw) = top.get("energy") else {
        return Ok((None, None));
    };
    let items: Vec<Members<'_>> =
        serde_json::from_str(raw.get()).map_err(|_| FormatError::new(K::BadField, F, "energy"))?;
    let mut start: Option<i64> = None;
    let mut end: Option<i64> = None;
    for item in &items {
        if let Some(s) = integer(item, "start_time_utc")? {
            start = Some(start.map_or(s, |x| x.min(s)));
        }
        if let Some(e) = integer(item, "end_time_utc")? {
            end = Some(end.map_or(e, |x| x.max(e)));
        }
    }
    Ok((start, end))
}
