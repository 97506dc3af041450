//! EDL40 Mennekes XML (`<ChargingProcess>`, alone or inside `<Billing>`):
//! each `MeasurementStart` / `MeasurementEnd` is an EDL40 block rebuilt
//! from the XML fields, P-192, key in `<PublicKey>`
//! (`notes/formats/edl_mennekes.md`). Every measurement must verify.

use alloc::{string::String, vec::Vec};

use roxmltree::Node;

use super::block::{CONTRACT_LEN, Edl40Block};
use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatFinding, FormatValue, ReadingKind,
    SignedPart,
};
use crate::algorithm::Curve;

const F: Format = Format::EdlMennekes;
/// The OBIS code every Mennekes block signs (1-0:1.17.0*255).
const OBIS: [u8; 6] = [0x01, 0x00, 0x01, 0x11, 0x00, 0xFF];

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

fn text<'a>(n: Node<'a, '_>, name: &'static str) -> Result<&'a str, FormatError> {
    child(n, name)
        .and_then(|c| c.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(FormatError::new(K::MissingField, F, name))
}

fn number<T: core::str::FromStr>(n: Node<'_, '_>, name: &'static str) -> Result<T, FormatError> {
    text(n, name)?
        .parse()
        .map_err(|_| FormatError::new(K::BadField, F, name))
}

fn local_epoch(n: Node<'_, '_>, name: &'static str) -> Result<(u32, i32), FormatError> {
    let (utc, off) =
        codec::iso_time(text(n, name)?).ok_or(FormatError::new(K::BadField, F, name))?;
    let local = u32::try_from(utc + i64::from(off) * 60)
        .map_err(|_| FormatError::new(K::BadField, F, name))?;
    Ok((local, off))
}

pub(super) fn read(text_in: &str) -> Result<FormatValue, FormatError> {
    let doc = codec::xml(text_in, F)?;
    let processes: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "ChargingProcess")
        .collect();
    if processes.is_empty() {
        return Err(FormatError::new(K::MissingField, F, "ChargingProcess"));
    }
    let mut value = FormatValue {
        format: F,
        meter_serial: String::new(),
        readings: Vec::new(),
        transaction: None,
        contract: None,
        carried_key: None,
        signed: Vec::new(),
        findings: Vec::new(),
    };
    // Several ChargingProcesses (a Billing file): each start and end is a
    // reading and a signature of the one value; they must share the meter.
    for p in processes {
        process(p, &mut value)?;
    }
    Ok(value)
}

fn process(p: Node<'_, '_>, out: &mut FormatValue) -> Result<(), FormatError> {
    let server_id: [u8; 10] = codec::hex(text(p, "ServerId")?, F, "ServerId")?
        .try_into()
        .map_err(|_| FormatError::new(K::Length, F, "ServerId"))?;
    let key = codec::hex(text(p, "PublicKey")?, F, "PublicKey")?;
    if key.len() != 48 {
        return Err(FormatError::new(K::Length, F, "PublicKey"));
    }
    let customer = match child(p, "CustomerIdent").and_then(|c| c.text()) {
        Some(t) if !t.trim().is_empty() => codec::hex(t, F, "CustomerIdent")?,
        _ => Vec::new(),
    };
    if customer.len() > CONTRACT_LEN {
        return Err(FormatError::new(K::Length, F, "CustomerIdent"));
    }
    let serial = codec::to_hex(&server_id);
    if out.meter_serial.is_empty() {
        out.meter_serial = serial;
        out.carried_key = Some(key.clone());
    } else if out.meter_serial != serial || out.carried_key.as_deref() != Some(&key) {
        out.findings.push(FormatFinding {
            code: crate::ErrorCode::FormatMeterDiffers.name(),
            rejects: true,
            detail: "ServerId / PublicKey".into(),
        });
    }
    for (name, kind, label) in [
        ("MeasurementStart", ReadingKind::Start, "start"),
        ("MeasurementEnd", ReadingKind::Stop, "end"),
    ] {
        let m = child(p, name).ok_or(FormatError::new(K::MissingField, F, name))?;
        let contract_time = local_epoch(m, "TimestampCustomerIdent")
            .or_else(|_| local_epoch(p, "TimestampCustomerIdent"))
            .map_or(0, |(t, _)| t);
        let (local_time, offset) = local_epoch(m, "Timestamp")?;
        let sig = codec::hex(text(m, "Signature")?, F, "Signature")?;
        let log = match sig.len() {
            50 => [sig[48], sig[49]],
            48 => number::<u16>(m, "EventCounter")?.to_be_bytes(),
            _ => return Err(FormatError::new(K::Length, F, "Signature")),
        };
        let block = Edl40Block {
            server_id,
            local_time,
            status: number::<u64>(m, "MeterStatus")?.to_le_bytes()[0],
            seconds_index: number(m, "SecondIndex")?,
            pagination: number(m, "Pagination")?,
            obis: OBIS,
            unit: 30,
            scaler: number(m, "Scaler")?,
            value: number(m, "Value")?,
            log,
            contract: customer.clone(),
            contract_time,
            ..Edl40Block::default()
        };
        let mut reading = block.reading(kind, Some(offset));
        reading.status = Some(number(m, "MeterStatus")?);
        out.readings.push(reading);
        out.contract = out.contract.take().or_else(|| block.contract_text());
        out.signed.push(SignedPart {
            label,
            signed_bytes: block.to_bytes(),
            signature: sig[..48].to_vec(),
            curve: CurveRule::Fixed(Curve::P192),
        });
    }
    Ok(())
}
