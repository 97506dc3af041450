//! EMH eHZ values in a chargeIT JSON snapshot (Chargy `EMHCrypt01`): the
//! EDL40 block rebuilt from JSON members, P-192, key in
//! `meterInfo.publicKey` (`notes/formats/emh_chargeit.md`).

use alloc::{string::String, vec, vec::Vec};

use serde_json::Value;

use super::block::{CONTRACT_LEN, Edl40Block};
use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatValue, ReadingKind, SignedPart,
};
use crate::algorithm::Curve;

const F: Format = Format::EmhChargeit;

pub(super) fn looks_like(v: &Value) -> bool {
    v.get("measuredValue").is_some() && v.get("additionalInfo").is_some()
}

fn at<'v>(v: &'v Value, path: &[&str], name: &'static str) -> Result<&'v Value, FormatError> {
    path.iter()
        .try_fold(v, |v, p| v.get(*p))
        .ok_or(FormatError::new(K::MissingField, F, name))
}

fn str_at<'v>(v: &'v Value, path: &[&str], name: &'static str) -> Result<&'v str, FormatError> {
    at(v, path, name)?
        .as_str()
        .ok_or(FormatError::new(K::BadField, F, name))
}

fn int_at(v: &Value, path: &[&str], name: &'static str) -> Result<i64, FormatError> {
    let x = at(v, path, name)?;
    x.as_i64()
        .or_else(|| x.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or(FormatError::new(K::BadField, F, name))
}

/// `{timestamp, localOffset, seasonOffset}` as the local epoch.
fn local(v: &Value, path: &[&str], name: &'static str) -> Result<(u32, i32), FormatError> {
    let t = at(v, path, name)?;
    let ts = int_at(t, &["timestamp"], name)?;
    let off = int_at(t, &["localOffset"], name)? + int_at(t, &["seasonOffset"], name)?;
    let local = u32::try_from(ts + off * 60).map_err(|_| FormatError::new(K::BadField, F, name))?;
    Ok((local, i32::try_from(off).unwrap_or(0)))
}

fn fixed<const N: usize>(text: &str, name: &'static str) -> Result<[u8; N], FormatError> {
    codec::hex(text, F, name)?
        .try_into()
        .map_err(|_| FormatError::new(K::Length, F, name))
}

pub(super) fn read(v: &Value) -> Result<FormatValue, FormatError> {
    let bad = |name| FormatError::new(K::BadField, F, name);
    let key = codec::hex(
        str_at(v, &["meterInfo", "publicKey"], "meterInfo.publicKey")?,
        F,
        "meterInfo.publicKey",
    )?;
    let sig = codec::hex(str_at(v, &["signature"], "signature")?, F, "signature")?;
    if key.len() != 48 || sig.len() != 48 {
        return Err(FormatError::new(K::Length, F, "publicKey / signature"));
    }
    let contract = str_at(v, &["contract", "id"], "contract.id").unwrap_or("");
    if contract.len() > CONTRACT_LEN {
        return Err(FormatError::new(K::Length, F, "contract.id"));
    }
    let (local_time, offset) = local(
        v,
        &["measuredValue", "timestampLocal"],
        "measuredValue.timestampLocal",
    )?;
    let status = u8::from_str_radix(
        str_at(v, &["additionalInfo", "status"], "additionalInfo.status")?,
        16,
    )
    .map_err(|_| bad("additionalInfo.status"))?;
    let pagination = u32::from_str_radix(str_at(v, &["measurementId"], "measurementId")?, 16)
        .map_err(|_| bad("measurementId"))?;
    let block = Edl40Block {
        server_id: fixed(
            str_at(v, &["meterInfo", "meterId"], "meterInfo.meterId")?,
            "meterInfo.meterId",
        )?,
        local_time,
        status,
        seconds_index: u32::try_from(int_at(v, &["additionalInfo", "indexes", "timer"], "timer")?)
            .map_err(|_| bad("timer"))?,
        pagination,
        obis: fixed(
            str_at(v, &["measurand", "id"], "measurand.id")?,
            "measurand.id",
        )?,
        unit: u8::try_from(int_at(v, &["measuredValue", "unitEncoded"], "unitEncoded")?)
            .map_err(|_| bad("unitEncoded"))?,
        scaler: i8::try_from(int_at(v, &["measuredValue", "scale"], "scale")?)
            .map_err(|_| bad("scale"))?,
        value: int_at(v, &["measuredValue", "value"], "measuredValue.value")?,
        log: fixed(
            str_at(v, &["additionalInfo", "indexes", "logBook"], "logBook")?,
            "logBook",
        )?,
        contract: contract.as_bytes().to_vec(),
        contract_time: local(
            v,
            &["contract", "timestampLocal"],
            "contract.timestampLocal",
        )
        .map_or(0, |t| t.0),
        ..Edl40Block::default()
    };
    let transaction = v
        .get("transactionId")
        .and_then(Value::as_str)
        .map(String::from);
    Ok(FormatValue {
        format: F,
        meter_serial: block.serial(),
        readings: vec![block.reading(ReadingKind::Unknown, Some(offset))],
        transaction,
        contract: (!contract.is_empty()).then(|| String::from(contract)),
        carried_key: Some(key),
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: block.to_bytes(),
            signature: sig,
            curve: CurveRule::Fixed(Curve::P192),
        }],
        findings: Vec::new(),
    })
}
