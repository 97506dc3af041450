//! Alfen Eichrecht: `AP;<type>;<blob version>;<key>;<data set>;<signature>;`.
//!
//! Base32 fields: a compressed P-192 key (25 bytes), an 82-byte
//! little-endian data set (the signed bytes) and a raw `r‖s` signature
//! (48 bytes). Layout: `notes/formats/alfen.md`.

use alloc::{string::String, vec, vec::Vec};

use super::codec::{base32, le, obis, scaled, to_hex};
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatFinding, FormatReading, FormatTime,
    FormatValue, ReadingKind, SignedPart,
};
use crate::algorithm::Curve;
use crate::grammar::TimeStatus;

const F: Format = Format::Alfen;
const DATA_LEN: usize = 82;

/// Status bits (one little-endian 32-bit word: meter status, adapter status)
/// that SAFE shows as meter / adapter errors (its numbering). SAFE displays
/// them and does not refuse the value, and their meaning is not settled
/// (SAFE's own valid example has bit 16 set), so they are findings that do
/// not reject.
const ERROR_BITS: &[(u32, &str)] = &[
    (1, "meter_eeprom_error"),
    (2, "meter_dataflash_error"),
    (16, "adapter_fatal_error"),
    (26, "start_stop_mismatch"),
    (30, "adapter_memory_error"),
    (31, "adapter_meter_communication_error"),
];

pub(super) fn read(line: &str) -> Result<FormatValue, FormatError> {
    let fields: Vec<&str> = line.trim().trim_end_matches(';').split(';').collect();
    let [_ap, kind, _version, key, data, sig] = fields.as_slice() else {
        return Err(FormatError::new(K::BadField, F, "field count"));
    };
    let kind = match *kind {
        "0" => ReadingKind::Start,
        "1" => ReadingKind::Stop,
        "2" => ReadingKind::Intermediate,
        _ => return Err(FormatError::new(K::BadField, F, "type")),
    };
    let key = base32(key, F, "public key")?;
    let data = base32(data, F, "data set")?;
    let sig = base32(sig, F, "signature")?;
    if key.len() != 25 || !matches!(key.first(), Some(2 | 3)) {
        return Err(FormatError::new(K::Length, F, "public key"));
    }
    if data.len() != DATA_LEN {
        return Err(FormatError::new(K::Length, F, "data set"));
    }
    if sig.len() != 48 {
        return Err(FormatError::new(K::Length, F, "signature"));
    }
    let status = u32::try_from(le(&data[26..30])).unwrap_or(0);
    let scaler = i8::from_le_bytes([data[45]]);
    let value = i128::from(le(&data[46..54]));
    let unit = match data[44] {
        0x1E => "Wh",
        _ => return Err(FormatError::new(K::BadField, F, "unit")),
    };
    let uid: String = data[54..74]
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| char::from(b))
        .collect();
    let pagination = le(&data[78..82]);
    let reading = FormatReading {
        kind,
        time: Some(FormatTime {
            utc_seconds: i64::try_from(le(&data[34..38])).unwrap_or(0),
            offset_minutes: None,
            status: TimeStatus::Informative,
        }),
        value: scaled(value, scaler),
        unit,
        obis: obis(&data[38..44]),
        status: Some(u64::from(status)),
        pagination: Some(pagination),
        signed: true,
    };
    let findings = ERROR_BITS
        .iter()
        .filter(|(bit, _)| status & (1 << bit) != 0)
        .map(|(_, code)| FormatFinding {
            code,
            rejects: false,
            detail: "status".into(),
        })
        .collect();
    Ok(FormatValue {
        format: F,
        meter_serial: to_hex(&data[16..26]),
        readings: vec![reading],
        transaction: Some(alloc::format!("{}", le(&data[74..78]))),
        contract: (!uid.is_empty()).then_some(uid),
        carried_key: Some(key),
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: data,
            signature: sig,
            curve: CurveRule::Fixed(Curve::P192),
        }],
        findings,
    })
}
