//! PCDF (Porsche Charging Data Format): one text line
//! `128.8.0(ST:…)(CT:…)…(PK:…)(SG:…)`, optionally in STX…ETX. The signed
//! bytes are the text from `128.8.0` up to `(SG:`; P-256, DER signature,
//! key in `PK` (`notes/formats/pcdf.md`). `BV` (billing valid) and `SP`
//! (stop data present) must be 1 for the value to count.

use alloc::{string::String, vec, vec::Vec};

use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatFinding, FormatReading, FormatTime,
    FormatValue, ReadingKind, SignedPart,
};
use crate::algorithm::Curve;
use crate::grammar::TimeStatus;

const F: Format = Format::Pcdf;
const PREFIX: &str = "128.8.0(";

pub(super) fn looks_like(t: &str) -> bool {
    t.trim_start_matches('\u{2}').starts_with(PREFIX)
}

/// The `(NAME:value)` fields after the prefix, in order.
fn fields(body: &str) -> Result<Vec<(&str, &str)>, FormatError> {
    let mut out = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let inner =
            rest.strip_prefix('(')
                .ok_or(FormatError::new(K::BadField, F, "field syntax"))?;
        let end = inner
            .find(')')
            .ok_or(FormatError::new(K::BadField, F, "field syntax"))?;
        let (name, value) =
            inner[..end]
                .split_once(':')
                .ok_or(FormatError::new(K::BadField, F, "field syntax"))?;
        out.push((name, value));
        rest = &inner[end + 1..];
    }
    Ok(out)
}

/// `yyMMddHHmmss` (UTC, 20yy) as Unix seconds.
fn time(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    if b.len() != 12 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| i64::from(b[i] - b'0') * 10 + i64::from(b[i + 1] - b'0');
    let (mo, d, h, mi, s) = (n(2), n(4), n(6), n(8), n(10));
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(crate::grammar::days_from_civil(2000 + n(0), mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// `0003.276*kWh` as the exact decimal `3.276` and its unit.
fn energy(rv: &str) -> Option<(String, &'static str)> {
    let (num, unit) = rv.split_once('*')?;
    let unit = match unit {
        "kWh" => "kWh",
        "Wh" => "Wh",
        _ => return None,
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let text = if frac.is_empty() {
        String::from(int)
    } else {
        alloc::format!("{int}.{frac}")
    };
    Some((text, unit))
}

pub(super) fn read(input: &str) -> Result<FormatValue, FormatError> {
    let t = input.trim();
    let t = t.strip_prefix('\u{2}').unwrap_or(t);
    let t = t.strip_suffix('\u{3}').unwrap_or(t).trim_end();
    let at = t
        .find("(SG:")
        .ok_or(FormatError::new(K::MissingField, F, "SG"))?;
    let (signed, sg) = t.split_at(at);
    let body = signed
        .strip_prefix("128.8.0")
        .ok_or(FormatError::new(K::BadField, F, "prefix"))?;
    let list = fields(body)?;
    let sig_hex = sg
        .strip_prefix("(SG:")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or(FormatError::new(K::BadField, F, "SG"))?;
    let signature = codec::hex(sig_hex, F, "SG")?;
    let get = |name: &'static str| {
        list.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .ok_or(FormatError::new(K::MissingField, F, name))
    };
    let key = codec::hex(get("PK")?, F, "PK")?;
    if key.len() != 65 || key[0] != 4 {
        return Err(FormatError::new(K::Length, F, "PK"));
    }
    let (value, unit) = energy(get("RV")?).ok_or(FormatError::new(K::BadField, F, "RV"))?;
    let stop = time(get("CT")?).ok_or(FormatError::new(K::BadField, F, "CT"))?;
    let time_status = match get("TV")? {
        "1" => TimeStatus::Synchronised,
        _ => TimeStatus::Unknown,
    };
    let counter: u64 = get("CSC")?
        .parse()
        .map_err(|_| FormatError::new(K::BadField, F, "CSC"))?;
    let mut si = get("SI")?.splitn(3, '*');
    let (id_tag, _id_type, tx) = (si.next(), si.next(), si.next());
    let mut findings = Vec::new();
    for (field, code) in [
        ("BV", crate::ErrorCode::PcdfNotBillable.name()),
        ("SP", crate::ErrorCode::PcdfStopDataMissing.name()),
    ] {
        if get(field)? != "1" {
            findings.push(FormatFinding {
                code,
                rejects: true,
                detail: field.into(),
            });
        }
    }
    let reading = FormatReading {
        // RV is the session's energy (a difference), not a register value.
        kind: ReadingKind::Stop,
        time: Some(FormatTime {
            utc_seconds: stop,
            offset_minutes: Some(0),
            status: time_status,
        }),
        value,
        unit,
        obis: None,
        status: None,
        pagination: Some(counter),
        signed: true,
    };
    Ok(FormatValue {
        format: F,
        meter_serial: String::from(get("HW")?),
        readings: vec![reading],
        transaction: tx.map(String::from),
        contract: id_tag.filter(|s| !s.is_empty()).map(String::from),
        carried_key: Some(key),
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: signed.as_bytes().to_vec(),
            signature,
            curve: CurveRule::Fixed(Curve::P256),
        }],
        findings,
    })
}
