//! EDL40 and ISA-EDL40 values in an SML 1.04 frame (key given outside).
//!
//! Neither signs the SML bytes: the verifier rebuilds a 320-byte block from
//! the `GetList.Res` entries. EDL40 (`notes/formats/edl40.md`): the block of
//! [`Edl40Block`], P-192 or P-256 by the key. ISA-EDL40
//! (`notes/formats/isa_edl40.md`): its own layout with the start and the
//! actual counter, P-256. ISA is recognised by its start counter
//! `01 00 01 08 00 80`.

use alloc::{string::String, vec, vec::Vec};

use super::block::{CONTRACT_LEN, Edl40Block, LEN};
use super::codec::{obis, scaled, to_hex};
use super::sml::{self, Entry, Node, SmlTime};
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatReading, FormatTime, FormatValue,
    ReadingKind, SignedPart,
};
use crate::algorithm::Curve;
use crate::grammar::TimeStatus;

const SIGNED_VALUE: [&[u8]; 2] = [
    &[0x01, 0x00, 0x01, 0x11, 0x00, 0xFF],
    &[0x01, 0x00, 0x01, 0x08, 0x00, 0xFF],
];
const CONTRACT: &[u8] = &[0x81, 0x82, 0x81, 0x54, 0x01, 0xFF];
const PAGINATION: &[u8] = &[0x81, 0x80, 0x81, 0x71, 0x01, 0xFF];
const SECONDS_INDEX: &[u8] = &[0x81, 0x00, 0x60, 0x08, 0x00, 0x01];
const HISTORICAL: &[u8] = &[0x01, 0x00, 0x01, 0x11, 0x00, 0x64];
const HISTORICAL_COMP: &[u8] = &[0x01, 0x00, 0x01, 0x11, 0x00, 0xC8];
const LINE_RESISTANCE: &[u8] = &[0x00, 0xAF, 0x6C, 0x6C, 0x72, 0xFF];
const STOPWATCH: &[u8] = &[0x00, 0xAF, 0x64, 0x75, 0x72, 0xFF];
const PRICE: &[u8] = &[0x00, 0xAF, 0x70, 0x72, 0x63, 0xFF];
const ISA_START: &[u8] = &[0x01, 0x00, 0x01, 0x08, 0x00, 0x80];
const ISA_ACTUAL: &[u8] = &[0x01, 0x00, 0x01, 0x08, 0x00, 0xFF];
const ISA_ESTH: &[u8] = &[0x81, 0x80, 0x81, 0x61, 0x01, 0xFF];
const ISA_PAGINATION: &[u8] = &[0x81, 0x80, 0xC7, 0xF0, 0x40, 0xFF];

/// Reads an SML frame as EDL40, or as ISA-EDL40 when it has the ISA start counter.
pub(super) fn read(frame: &[u8]) -> Result<FormatValue, FormatError> {
    let payload = sml::unframe(frame, Format::Edl40)?;
    let messages = sml::messages(&payload, Format::Edl40)?;
    let res = sml::get_list_res(&messages).ok_or(FormatError::new(
        K::Sml,
        Format::Edl40,
        "GetList.Res",
    ))?;
    let entries =
        sml::entries(&res[4]).ok_or(FormatError::new(K::Sml, Format::Edl40, "valList"))?;
    let server_id: [u8; 10] = res[1]
        .octets()
        .and_then(|s| s.try_into().ok())
        .ok_or(FormatError::new(K::Length, Format::Edl40, "serverId"))?;
    let list_sig = res[5]
        .octets()
        .filter(|s| s.len() >= 48)
        .ok_or(FormatError::new(K::Length, Format::Edl40, "listSignature"))?;
    if entries.iter().any(|e| e.name == ISA_START) {
        isa(server_id, &res[2], &entries, list_sig)
    } else {
        edl40(server_id, &entries, list_sig)
    }
}

fn find<'e, 'a>(entries: &'e [Entry<'a>], name: &[u8]) -> Option<&'e Entry<'a>> {
    entries.iter().find(|e| e.name == name)
}

fn int_of(entry: Option<&Entry<'_>>) -> i128 {
    entry.and_then(|e| e.value.int()).unwrap_or(0)
}

fn to_u32(v: i128) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// The signed value's unit, scaler and value (unit must be 30 = Wh).
fn energy(e: &Entry<'_>, format: Format) -> Result<(u8, i8, i64), FormatError> {
    let unit = e
        .unit
        .filter(|&u| u == 30)
        .ok_or(FormatError::new(K::BadField, format, "unit"))?;
    let scaler = e
        .scaler
        .and_then(|s| i8::try_from(s).ok())
        .ok_or(FormatError::new(K::BadField, format, "scaler"))?;
    let value = e
        .value
        .int()
        .and_then(|v| i64::try_from(v).ok())
        .ok_or(FormatError::new(K::BadField, format, "value"))?;
    Ok((u8::try_from(unit).unwrap_or(30), scaler, value))
}

/// EMOC meters (66-byte list signature) put a 32-bit status in SML; the
/// block holds these bits of it (destination <- source).
fn emoc_status(s: u64) -> u8 {
    const MAP: [(u8, u32); 6] = [(0, 17), (3, 31), (4, 16), (5, 11), (6, 9), (7, 8)];
    MAP.iter()
        .filter(|&&(_, src)| s & (1u64 << src) != 0)
        .fold(0u8, |acc, &(dst, _)| acc | (1 << dst))
}

fn edl40(
    server_id: [u8; 10],
    entries: &[Entry<'_>],
    list_sig: &[u8],
) -> Result<FormatValue, FormatError> {
    const F: Format = Format::Edl40;
    let value = entries
        .iter()
        .find(|e| SIGNED_VALUE.contains(&e.name))
        .ok_or(FormatError::new(
            K::MissingField,
            F,
            "signed value 1.17.0 / 1.8.0",
        ))?;
    let (unit, scaler, meter) = energy(value, F)?;
    let time = value
        .time
        .ok_or(FormatError::new(K::MissingField, F, "valTime"))?;
    let raw_status = value.status.unwrap_or(0);
    let status = if list_sig.len() == 66 {
        emoc_status(raw_status)
    } else {
        raw_status.to_le_bytes()[0]
    };
    let contract = find(entries, CONTRACT);
    let contract_id = contract.and_then(|e| e.value.octets()).unwrap_or(&[]);
    if contract_id.len() > CONTRACT_LEN {
        return Err(FormatError::new(K::Length, F, "contract id"));
    }
    let seconds_index = find(entries, SECONDS_INDEX)
        .and_then(|e| e.value.list())
        .and_then(|l| l.iter().find_map(SmlTime::of))
        .map_or(0, |t| u32::try_from(t.seconds).unwrap_or(0));
    let n = list_sig.len();
    let block = Edl40Block {
        server_id,
        local_time: time.local_epoch(),
        status,
        seconds_index,
        pagination: to_u32(int_of(find(entries, PAGINATION))),
        obis: value.name.try_into().unwrap_or([0; 6]),
        unit,
        scaler,
        value: meter,
        log: [list_sig[n - 2], list_sig[n - 1]],
        contract: contract_id.to_vec(),
        contract_time: contract
            .and_then(|e| e.time)
            .map_or(0, SmlTime::local_epoch),
        historical: i64::try_from(int_of(find(entries, HISTORICAL))).unwrap_or(0),
        historical_compensated: i64::try_from(int_of(find(entries, HISTORICAL_COMP))).unwrap_or(0),
        line_resistance: u16::try_from(int_of(find(entries, LINE_RESISTANCE))).unwrap_or(0),
        stopwatch: to_u32(int_of(find(entries, STOPWATCH))),
        price: u16::try_from(int_of(find(entries, PRICE))).unwrap_or(0),
    };
    let signature = match n {
        50 | 66 => &list_sig[..n - 2],
        _ => list_sig,
    };
    let offset = (time.choice == 3).then_some(time.offset_minutes);
    Ok(FormatValue {
        format: F,
        meter_serial: block.serial(),
        readings: vec![block.reading(ReadingKind::Unknown, offset)],
        transaction: None,
        contract: block.contract_text(),
        carried_key: None,
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: block.to_bytes(),
            signature: signature.to_vec(),
            curve: CurveRule::P192OrP256,
        }],
        findings: Vec::new(),
    })
}

/// Time status for ISA readings: the format does not say.
fn isa_time(t: SmlTime) -> FormatTime {
    FormatTime::local(
        i64::from(t.local_epoch()),
        (t.choice == 3).then_some(t.offset_minutes),
        TimeStatus::Informative,
    )
}

fn isa_reading(
    e: &Entry<'_>,
    kind: ReadingKind,
) -> Result<(FormatReading, u8, i8, i64), FormatError> {
    let (unit, scaler, value) = energy(e, Format::IsaEdl40)?;
    let reading = FormatReading {
        kind,
        time: e.time.map(isa_time),
        value: scaled(i128::from(value), scaler),
        unit: "Wh",
        obis: obis(e.name),
        status: e.status,
        pagination: None,
        signed: true,
    };
    Ok((reading, unit, scaler, value))
}

/// Writes one counter of the ISA block at `at`: status (lowest byte),
/// OBIS, unit, scaler, value.
fn put_counter(b: &mut [u8], at: usize, e: &Entry<'_>, unit: u8, scaler: i8, value: i64) {
    b[at] = e.status.unwrap_or(0).to_le_bytes()[0];
    b[at + 1..at + 7].copy_from_slice(&e.name[..6]);
    b[at + 7] = unit;
    b[at + 8] = scaler.to_le_bytes()[0];
    b[at + 9..at + 17].copy_from_slice(&value.to_le_bytes());
}

fn isa(
    server_id: [u8; 10],
    list_name: &Node,
    entries: &[Entry<'_>],
    list_sig: &[u8],
) -> Result<FormatValue, FormatError> {
    const F: Format = Format::IsaEdl40;
    let missing = |f| FormatError::new(K::MissingField, F, f);
    let start = find(entries, ISA_START).ok_or(missing("start counter"))?;
    let actual = find(entries, ISA_ACTUAL).ok_or(missing("actual counter"))?;
    let name = list_name
        .octets()
        .filter(|n| n.len() == 6)
        .ok_or(missing("listName"))?;
    let kind = match name.get(4) {
        Some(0) => ReadingKind::Start,
        Some(1) => ReadingKind::Intermediate,
        Some(2) => ReadingKind::Stop,
        _ => return Err(FormatError::new(K::BadField, F, "listName")),
    };
    let (start_reading, su, ss, sv) = isa_reading(start, ReadingKind::Start)?;
    let (mut actual_reading, au, asc, av) = isa_reading(actual, kind)?;
    let value_sig = actual.signature.unwrap_or(&[]);
    let contract = find(entries, CONTRACT)
        .and_then(|e| e.value.octets())
        .unwrap_or(&[]);
    let esth = find(entries, ISA_ESTH)
        .and_then(|e| e.value.octets())
        .unwrap_or(&[]);
    if value_sig.len() > 66 || contract.len() > CONTRACT_LEN || esth.len() > 20 {
        return Err(FormatError::new(
            K::Length,
            F,
            "valueSignature / contract / ESTH",
        ));
    }
    let pagination = to_u32(int_of(find(entries, ISA_PAGINATION)));
    actual_reading.pagination = Some(u64::from(pagination));
    let n = list_sig.len();
    let mut b = vec![0u8; LEN];
    b[0..10].copy_from_slice(&server_id);
    b[10..14].copy_from_slice(&actual.time.map_or(0, SmlTime::local_epoch).to_le_bytes());
    put_counter(&mut b, 14, actual, au, asc, av);
    b[31..33].copy_from_slice(&list_sig[n - 2..]);
    b[33..33 + value_sig.len()].copy_from_slice(value_sig);
    b[99..99 + contract.len()].copy_from_slice(contract);
    b[227..231].copy_from_slice(&start.time.map_or(0, SmlTime::local_epoch).to_le_bytes());
    b[231..231 + esth.len()].copy_from_slice(esth);
    put_counter(&mut b, 251, start, su, ss, sv);
    b[268..274].copy_from_slice(name);
    b[274..278].copy_from_slice(&pagination.to_le_bytes());
    let contract_text: String = if contract.iter().all(u8::is_ascii_graphic) {
        contract.iter().map(|&c| char::from(c)).collect()
    } else {
        to_hex(contract)
    };
    Ok(FormatValue {
        format: F,
        meter_serial: to_hex(&server_id),
        readings: vec![start_reading, actual_reading],
        transaction: None,
        contract: (!contract.is_empty()).then_some(contract_text),
        carried_key: None,
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: b,
            signature: list_sig[..n - 2].to_vec(),
            curve: CurveRule::Fixed(Curve::P256),
        }],
        findings: Vec::new(),
    })
}
