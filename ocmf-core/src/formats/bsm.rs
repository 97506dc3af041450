//! BAUER BSM-WS36A signed snapshots (chargeIT JSON, Chargy `BSMCrypt01`):
//! the data points of `additionalValues`, concatenated big-endian in a
//! fixed order, signed with P-256 (DER), key as SPKI DER hex in
//! `meterInfo.publicKey` (`notes/formats/bsm_ws36a.md`).
//!
//! Members shown outside the signed data points (`value`, `measurementId`,
//! `meterInfo.meterId`, `time`) never count: where they differ from the
//! signed ones the value gets the finding `unsigned_field_differs`.

use alloc::{string::String, vec, vec::Vec};

use serde_json::Value;

use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatFinding, FormatReading, FormatTime,
    FormatValue, ReadingKind, SignedPart,
};
use crate::algorithm::Curve;
use crate::grammar::TimeStatus;

const F: Format = Format::BsmWs36a;

/// The signed data points, in signing order, with their DLMS unit code
/// (`None`: a string). The JSON's own `unitEncoded` wins where given.
const POINTS: &[(&str, Option<u8>)] = &[
    ("Typ", Some(255)),
    ("RCR", Some(30)),
    ("TotWhImp", Some(30)),
    ("W", Some(27)),
    ("MA1", None),
    ("RCnt", Some(255)),
    ("OS", Some(7)),
    ("Epoch", Some(7)),
    ("TZO", Some(6)),
    ("EpochSetCnt", Some(255)),
    ("EpochSetOS", Some(7)),
    ("DI", Some(255)),
    ("DO", Some(255)),
    ("Meta1", None),
    ("Meta2", None),
    ("Meta3", None),
    ("Evt", Some(255)),
];

pub(super) fn looks_like(v: &Value) -> bool {
    v.get("additionalValues").is_some_and(Value::is_array)
}

/// A number data point: its value and scale.
struct Number {
    value: i64,
    scale: i8,
}

fn point<'v>(values: &'v [Value], name: &str) -> Option<&'v Value> {
    values
        .iter()
        .find(|p| p.pointer("/measurand/name").and_then(Value::as_str) == Some(name))
        .and_then(|p| p.get("measuredValue"))
}

fn push_number(
    out: &mut Vec<u8>,
    mv: &Value,
    unit: u8,
    name: &'static str,
) -> Result<Number, FormatError> {
    let bad = FormatError::new(K::BadField, F, name);
    let value = mv.get("value").and_then(Value::as_i64).ok_or(bad.clone())?;
    // u32 or i32 (two's complement): both fit 32 bits.
    let word: u32 = u32::try_from(value)
        .or_else(|_| i32::try_from(value).map(|i| u32::from_be_bytes(i.to_be_bytes())))
        .map_err(|_| bad.clone())?;
    let scale = mv
        .get("scale")
        .map_or(Some(0), Value::as_i64)
        .ok_or(bad.clone())?;
    let scale = i8::try_from(scale).map_err(|_| bad.clone())?;
    let unit = match mv.get("unitEncoded") {
        Some(u) => u.as_u64().and_then(|u| u8::try_from(u).ok()).ok_or(bad)?,
        None => unit,
    };
    out.extend_from_slice(&word.to_be_bytes());
    out.push(scale.to_le_bytes()[0]);
    out.push(unit);
    Ok(Number { value, scale })
}

fn push_string(out: &mut Vec<u8>, mv: &Value, name: &'static str) -> Result<String, FormatError> {
    let bad = FormatError::new(K::BadField, F, name);
    let text = mv.get("value").and_then(Value::as_str).ok_or(bad.clone())?;
    let latin1 = mv.get("valueEncoding").and_then(Value::as_str) == Some("ISO-8859-1");
    let bytes: Vec<u8> = if latin1 {
        text.chars()
            .map(|c| u8::try_from(u32::from(c)).map_err(|_| bad.clone()))
            .collect::<Result<_, _>>()?
    } else {
        text.as_bytes().to_vec()
    };
    let len = u32::try_from(bytes.len()).map_err(|_| bad)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes);
    Ok(String::from(text))
}

fn differs(findings: &mut Vec<FormatFinding>, field: &str) {
    findings.push(FormatFinding {
        code: "unsigned_field_differs",
        rejects: false,
        detail: field.into(),
    });
}

pub(super) fn read(v: &Value) -> Result<FormatValue, FormatError> {
    let values = v
        .get("additionalValues")
        .and_then(Value::as_array)
        .ok_or(FormatError::new(K::MissingField, F, "additionalValues"))?;
    let text = |path: &str, name: &'static str| {
        v.pointer(path)
            .and_then(Value::as_str)
            .ok_or(FormatError::new(K::MissingField, F, name))
    };
    let key = codec::hex(
        text("/meterInfo/publicKey", "meterInfo.publicKey")?,
        F,
        "meterInfo.publicKey",
    )?;
    let signature = codec::hex(text("/signature", "signature")?, F, "signature")?;
    let mut signed = Vec::new();
    let mut numbers = Vec::new();
    let mut serial = String::new();
    for &(name, unit) in POINTS {
        let mv = point(values, name).ok_or(FormatError::new(K::MissingField, F, name))?;
        match unit {
            Some(u) => numbers.push((name, push_number(&mut signed, mv, u, name)?)),
            None => {
                let s = push_string(&mut signed, mv, name)?;
                if name == "MA1" {
                    serial = s;
                }
            }
        }
    }
    let num = |n: &str| numbers.iter().find(|(x, _)| *x == n).map(|(_, v)| v);
    let (Some(typ), Some(rcr), Some(total), Some(rcnt), Some(epoch), Some(tzo), Some(evt)) = (
        num("Typ"),
        num("RCR"),
        num("TotWhImp"),
        num("RCnt"),
        num("Epoch"),
        num("TZO"),
        num("Evt"),
    ) else {
        return Err(FormatError::new(K::MissingField, F, "data points"));
    };
    // Typ: 0 current, 1 turn-on, 2 turn-off, 3 start, 4 end. Firmware
    // with only the first three snapshots (every shared sample) bounds a
    // session by turn-on and turn-off (RCR counts from the turn-on), so
    // those are its begin and end, as start and end are on newer firmware.
    let kind = match typ.value {
        1 | 3 => ReadingKind::Start,
        2 | 4 => ReadingKind::Stop,
        0 => ReadingKind::Intermediate,
        _ => ReadingKind::Unknown,
    };
    let offset = i32::try_from(tzo.value).ok();
    let time = FormatTime {
        utc_seconds: epoch.value,
        offset_minutes: offset,
        status: TimeStatus::Informative,
    };
    let reading = |value: &Number, obis: &str| FormatReading {
        kind,
        time: Some(time),
        value: codec::scaled(i128::from(value.value), value.scale),
        unit: "Wh",
        obis: Some(String::from(obis)),
        status: u64::try_from(evt.value).ok(),
        pagination: u64::try_from(rcnt.value).ok(),
        signed: true,
    };
    let mut findings = Vec::new();
    // The unsigned mirrors: top-level value (RCR), measurementId, meterId, time.
    let shown = v
        .pointer("/value/measuredValue/value")
        .and_then(Value::as_i64);
    let shown_scale = v
        .pointer("/value/measuredValue/scale")
        .and_then(Value::as_i64);
    if shown.is_some_and(|s| s != rcr.value)
        || shown_scale.is_some_and(|s| s != i64::from(rcr.scale))
    {
        differs(&mut findings, "value");
    }
    if v.get("measurementId")
        .and_then(Value::as_i64)
        .is_some_and(|m| m != rcnt.value)
    {
        differs(&mut findings, "measurementId");
    }
    if v.pointer("/meterInfo/meterId")
        .and_then(Value::as_str)
        .is_some_and(|m| m != serial)
    {
        differs(&mut findings, "meterInfo.meterId");
    }
    if let Some(t) = v.get("time").and_then(Value::as_str) {
        if codec::iso_time(t) != offset.map(|o| (epoch.value, o)) {
            differs(&mut findings, "time");
        }
    }
    Ok(FormatValue {
        format: F,
        meter_serial: serial,
        readings: vec![
            reading(total, "1-0:1.8.0*255"),
            reading(rcr, "1-0:1.8.0*198"),
        ],
        transaction: None,
        contract: v
            .pointer("/contract/id")
            .and_then(Value::as_str)
            .map(String::from),
        carried_key: Some(key),
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: signed,
            signature,
            curve: CurveRule::Fixed(Curve::P256),
        }],
        findings,
    })
}
