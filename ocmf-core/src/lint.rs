//! Conformance checks of a parsed record, as findings (never a verdict by
//! themselves: the profile's severities decide).

use alloc::vec::Vec;

use crate::error::Span;
use crate::finding::{Finding, FindingCode, Profile};
use crate::grammar::{self, TimeStatus};
use crate::payload::{Reading, Text, UserAssigned};
use crate::record::Unverified;

struct Sink<'f> {
    profile: Profile,
    out: &'f mut Vec<Finding>,
}

impl Sink<'_> {
    fn add(
        &mut self,
        code: FindingCode,
        field: Option<&'static str>,
        reading: Option<usize>,
        span: Option<Span>,
    ) {
        self.out
            .push(Finding::under(code, self.profile, field, reading, span));
    }

    fn field(&mut self, code: FindingCode, field: &'static str, t: Option<&Text<'_>>) {
        self.add(code, Some(field), None, t.map(|t| t.span));
    }
}

const KNOWN_TOP: &[&str] = &[
    "FV", "GI", "GS", "GV", "PG", "MV", "MM", "MS", "MF", "IS", "IL", "IF", "IT", "ID", "TT", "CF",
    "LC", "CT", "CI", "RD",
];
const IL: &[&str] = &[
    "NONE",
    "HEARSAY",
    "TRUSTED",
    "VERIFIED",
    "CERTIFIED",
    "SECURE",
    "MISMATCH",
    "INVALID",
    "OUTDATED",
    "UNKNOWN",
];
const IF: &[&str] = &[
    "RFID_NONE",
    "RFID_PLAIN",
    "RFID_RELATED",
    "RFID_PSK",
    "OCPP_NONE",
    "OCPP_RS",
    "OCPP_AUTH",
    "OCPP_RS_TLS",
    "OCPP_AUTH_TLS",
    "OCPP_CACHE",
    "OCPP_WHITELIST",
    "OCPP_CERTIFIED",
    "ISO15118_NONE",
    "ISO15118_PNC",
    "PLMN_NONE",
    "PLMN_RING",
    "PLMN_SMS",
];
const IT: &[&str] = &[
    "NONE",
    "DENIED",
    "UNDEFINED",
    "ISO14443",
    "ISO15693",
    "EMAID",
    "EVCCID",
    "EVCOID",
    "ISO7812",
    "CARD_TXN_NR",
    "CENTRAL",
    "CENTRAL_1",
    "CENTRAL_2",
    "LOCAL",
    "LOCAL_1",
    "LOCAL_2",
    "PHONE_NUMBER",
    "KEY_CODE",
];
/// Units of table 20.
pub(crate) const UNITS: &[&str] = &["kWh", "Wh", "mOhm", "uOhm"];
/// Reasons of `TX`.
pub(crate) const TX: &[&str] = &["B", "C", "X", "E", "L", "R", "A", "P", "S", "T"];
/// End reasons of `TX`.
pub(crate) const TX_END: &[&str] = &["E", "L", "R", "A", "P"];
const ST: &[&str] = &["N", "G", "T", "D", "R", "M", "X", "I", "O", "S", "E", "F"];

fn in_table(t: &Text<'_>, table: &[&str]) -> bool {
    table.contains(&t.as_str())
}

/// The format version as a number, the way the reference software reads it.
pub(crate) fn fv_value(t: &Text<'_>) -> Option<f64> {
    t.as_str().trim().parse::<f64>().ok()
}

/// Runs every structural and table check.
pub(crate) fn lint(rec: &Unverified<'_>, profile: Profile, out: &mut Vec<Finding>) {
    let mut s = Sink { profile, out };
    let p = &rec.payload;
    let q = rec.envelope.quirks;
    if q.section_whitespace {
        s.add(FindingCode::SectionWhitespace, None, None, None);
    }
    if let Some(at) = q.pipe_in_string {
        s.add(
            FindingCode::PipeInString,
            None,
            None,
            Some(Span::new(at, at + 1)),
        );
    }
    if rec.envelope.key_section.is_some() {
        s.add(FindingCode::KeySection, None, None, None);
    }
    if !rec.envelope.payload_raw.is_ascii() {
        s.add(
            FindingCode::NonAscii,
            None,
            None,
            Some(Span::of(rec.envelope.record, rec.envelope.payload_raw)),
        );
    }
    for d in &p.duplicates {
        s.add(FindingCode::DuplicateField, Some(d), None, None);
    }

    match &p.format_version {
        None => s.add(FindingCode::FvMissing, Some("FV"), None, None),
        Some(fv) => {
            if !fv.quoted {
                s.field(FindingCode::FvNumber, "FV", Some(fv));
            }
            let known = [
                "0.1", "0.2", "0.3", "0.4", "0.5", "1.0", "1.1", "1.2", "1.3", "1.4",
            ]
            .contains(&fv.as_str());
            match fv_value(fv) {
                Some(v) if v > 0.0 => {
                    if !known {
                        s.field(FindingCode::FvUnknown, "FV", Some(fv));
                    }
                    if v > 1.3 {
                        s.field(FindingCode::FvAboveReference, "FV", Some(fv));
                    }
                }
                _ => s.field(FindingCode::FvInvalid, "FV", Some(fv)),
            }
        }
    }

    let transaction = match &p.pagination {
        None => {
            s.add(FindingCode::PgMissing, Some("PG"), None, None);
            false
        }
        Some(pg) => {
            if !grammar::parse_pagination(pg.as_str()).is_some_and(|(_, canonical)| canonical) {
                s.field(FindingCode::PgInvalid, "PG", Some(pg));
            }
            pg.as_str().starts_with('T')
        }
    };
    if p.meter_serial.is_none() {
        s.add(FindingCode::MsMissing, Some("MS"), None, None);
    }
    match &p.user_assigned {
        None if transaction => s.add(FindingCode::IsMissing, Some("IS"), None, None),
        Some(UserAssigned::Legacy(t)) => s.field(FindingCode::IsLegacy, "IS", Some(t)),
        _ => {}
    }
    if transaction && p.identification_type.is_none() {
        s.add(FindingCode::ItMissing, Some("IT"), None, None);
    }
    if let Some(t) = p.identification_level.as_ref().filter(|t| !in_table(t, IL)) {
        s.field(FindingCode::IlUnknown, "IL", Some(t));
    }
    if let Some(t) = p.identification_type.as_ref().filter(|t| !in_table(t, IT)) {
        s.field(FindingCode::ItUnknown, "IT", Some(t));
    }
    if let Some(flags) = &p.identification_flags {
        if flags.len() > 4 {
            s.add(FindingCode::TooLong, Some("IF"), None, None);
        }
        for f in flags.iter().filter(|f| !in_table(f, IF)) {
            s.field(FindingCode::IfUnknown, "IF", Some(f));
        }
    }
    if let Some(t) = p
        .charge_point_type
        .as_ref()
        .filter(|t| !in_table(t, &["EVSEID", "CBIDC"]))
    {
        s.field(FindingCode::CtUnknown, "CT", Some(t));
    }
    for (field, t, max) in [
        ("TT", &p.tariff_text, 250),
        ("CF", &p.controller_firmware, 25),
    ] {
        if let Some(t) = t.as_ref().filter(|t| t.as_str().chars().count() > max) {
            s.field(FindingCode::TooLong, field, Some(t));
        }
    }
    if let Some(lc) = &p.cable_loss {
        let unit_ok = lc
            .unit
            .as_ref()
            .is_some_and(|u| u.as_str() == "mOhm" || u.as_str() == "uOhm");
        if lc.resistance.is_none() || !unit_ok {
            s.add(FindingCode::LcInvalid, Some("LC"), None, Some(lc.span));
        }
        if lc
            .name
            .as_ref()
            .is_some_and(|n| n.as_str().chars().count() > 20)
        {
            s.field(FindingCode::TooLong, "LN", lc.name.as_ref());
        }
    }
    for (k, v) in &p.extra {
        let vendor = k.starts_with(['U', 'V', 'W', 'X', 'Y', 'Z']) && !matches!(*k, "VI" | "VV");
        if !vendor && !KNOWN_TOP.contains(k) {
            s.add(
                FindingCode::UnknownField,
                None,
                None,
                Some(Span::of(rec.envelope.record, v.get())),
            );
        }
    }

    let resolved = p.resolved_readings();
    let mut unsynced = false;
    for (i, (r, raw)) in resolved.iter().zip(&p.readings).enumerate() {
        lint_reading(&mut s, i, r, raw, &mut unsynced);
    }
}

fn lint_reading(
    s: &mut Sink<'_>,
    i: usize,
    r: &Reading<'_>,
    raw: &Reading<'_>,
    unsynced: &mut bool,
) {
    let at = |t: &Text<'_>| Some(t.span);
    let error_event = r
        .error_flags
        .as_ref()
        .is_some_and(|e| !e.as_str().is_empty())
        || r.status.as_ref().is_some_and(|st| st.as_str() != "G");
    match &r.time {
        None => s.add(
            FindingCode::ReadingIncomplete,
            Some("TM"),
            Some(i),
            Some(r.span),
        ),
        Some(t) => match grammar::parse_timestamp(t.as_str()) {
            None => s.add(FindingCode::TmInvalid, Some("TM"), Some(i), at(t)),
            Some(ts) => {
                if !ts.canonical && raw.time.is_some() {
                    s.add(FindingCode::TmNotCanonical, Some("TM"), Some(i), at(t));
                }
                if matches!(ts.status, TimeStatus::Unknown | TimeStatus::Informative) && !*unsynced
                {
                    *unsynced = true;
                    s.add(FindingCode::TimeNotSynchronised, Some("TM"), Some(i), at(t));
                }
            }
        },
    }
    if let Some(v) = &raw.value {
        if v.quoted {
            s.add(FindingCode::RvString, Some("RV"), Some(i), Some(v.span));
        }
        let t = v.as_str();
        if t.trim() != t
            || t.contains(['e', 'E'])
            || t.starts_with('+')
            || (t.len() > 1 && t.starts_with('0') && !t.starts_with("0."))
        {
            s.add(
                FindingCode::RvNotCanonical,
                Some("RV"),
                Some(i),
                Some(v.span),
            );
        }
    } else if r.value.is_none() && !error_event {
        s.add(
            FindingCode::ReadingIncomplete,
            Some("RV"),
            Some(i),
            Some(r.span),
        );
    }
    match &r.unit {
        None if r.value.is_some() => s.add(
            FindingCode::ReadingIncomplete,
            Some("RU"),
            Some(i),
            Some(r.span),
        ),
        Some(u) if raw.unit.is_some() && !in_table(u, UNITS) => {
            s.add(FindingCode::UnitUnknown, Some("RU"), Some(i), at(u))
        }
        _ => {}
    }
    if let Some(ri) = &raw.obis {
        if grammar::parse_obis(ri.as_str()).is_none() {
            s.add(FindingCode::ObisUnreadable, Some("RI"), Some(i), at(ri));
        }
    }
    if let Some(tx) = raw.reason.as_ref().filter(|t| !in_table(t, TX)) {
        s.add(FindingCode::TxUnknown, Some("TX"), Some(i), at(tx));
    }
    if let Some(rt) = raw
        .current_type
        .as_ref()
        .filter(|t| !in_table(t, &["AC", "DC"]))
    {
        s.add(FindingCode::RtUnknown, Some("RT"), Some(i), at(rt));
    }
    match &r.status {
        None => s.add(
            FindingCode::ReadingIncomplete,
            Some("ST"),
            Some(i),
            Some(r.span),
        ),
        Some(st) if !in_table(st, ST) => s.add(FindingCode::StUnknown, Some("ST"), Some(i), at(st)),
        Some(st) if st.as_str() != "G" => {
            s.add(FindingCode::MeterStateError, Some("ST"), Some(i), at(st))
        }
        _ => {}
    }
    if let Some(ef) = &raw.error_flags {
        if !ef.as_str().chars().all(|c| c == 'E' || c == 't') {
            s.add(FindingCode::EfInvalid, Some("EF"), Some(i), at(ef));
        } else if !ef.as_str().is_empty() {
            s.add(FindingCode::ErrorFlags, Some("EF"), Some(i), at(ef));
        }
    }
}

/// Identification levels the reference software treats as a failed
/// identification (shared with the session check).
pub(crate) const IL_ERRORS: &[&str] = &["MISMATCH", "INVALID", "OUTDATED", "UNKNOWN"];

/// OBIS groups read the way the reference software reads them: every group
/// as hexadecimal, separators ignored.
fn reference_obis(ri: &str) -> Option<(u32, u32, u32, Option<u32>)> {
    let groups: Vec<&str> = if !ri.contains(['-', ':', '.', '*']) && ri.len() == 12 {
        (0..6).filter_map(|i| ri.get(2 * i..2 * i + 2)).collect()
    } else {
        ri.split(['-', ':', '.', '*', '&']).collect()
    };
    if groups.len() < 5 {
        return None;
    }
    let hex = |g: &str| u32::from_str_radix(g, 16).ok();
    let a = hex(groups[0])?;
    let c = hex(groups[2])?;
    let d = hex(groups[3])?;
    let f = match groups.get(5) {
        Some(g) => Some(hex(g)?),
        None => None,
    };
    Some((a, c, d, f))
}

/// The reference software's billing classification of an OBIS code, without
/// its storage-group (F) filter: `(billing register, compensated, F group)`.
/// Shared with the session check, which accepts any F group.
pub(crate) fn billing_obis(ri: &str) -> Option<(bool, bool, Option<u32>)> {
    let (a, c, d, f) = reference_obis(ri)?;
    let billing =
        a == 1 && d == 8 && (c == 1 || c == 0x98 || c == 0x9E || (0xB0..=0xC7).contains(&c));
    let compensated = matches!(c, 0x98 | 0xB1 | 0xB3 | 0xC1 | 0xC3);
    Some((billing, compensated, f))
}

fn reference_relevant(ri: &str) -> Option<(bool, bool)> {
    let (billing, compensated, f) = billing_obis(ri)?;
    let relevant = billing && f.is_none_or(|f| matches!(f, 0 | 0xFF | 0x255 | 0x200));
    Some((relevant, compensated))
}

/// The reference software's transaction check, run after a good signature.
/// Adds [`FindingCode::ReferenceTransactionCheck`] when it would fail.
pub(crate) fn reference_transaction_check(
    rec: &Unverified<'_>,
    profile: Profile,
    out: &mut Vec<Finding>,
) {
    let p = &rec.payload;
    let is_t = p
        .pagination
        .as_ref()
        .is_some_and(|pg| pg.as_str().starts_with('T'));
    let has_begin = p
        .readings
        .iter()
        .any(|r| r.reason.as_ref().is_some_and(|t| t.as_str() == "B"));
    let has_end = p.readings.iter().any(|r| {
        r.reason
            .as_ref()
            .is_some_and(|t| TX_END.contains(&t.as_str()))
    });
    if !(is_t && has_begin && has_end) {
        return;
    }
    if !reference_transaction_ok(rec) {
        let mut s = Sink { profile, out };
        s.add(FindingCode::ReferenceTransactionCheck, None, None, None);
    }
}

fn reference_transaction_ok(rec: &Unverified<'_>) -> bool {
    let p = &rec.payload;
    if p.identification_level
        .as_ref()
        .is_some_and(|il| IL_ERRORS.contains(&il.as_str()))
    {
        return false;
    }
    // RI is not carried forward by the reference software.
    let mut relevant = Vec::new();
    let mut any_compensated = false;
    for r in &p.readings {
        let Some(ri) = &r.obis else { return false };
        let Some((rel, comp)) = reference_relevant(ri.as_str()) else {
            return false;
        };
        if rel {
            relevant.push((r, comp));
            any_compensated |= comp;
        }
    }
    if any_compensated {
        relevant.retain(|(_, comp)| *comp);
    }
    // Carry-forward of ST and RU within the relevant readings.
    let (mut st, mut ru): (Option<&str>, Option<&str>) = (None, None);
    let mut start = None;
    let mut stop = None;
    let (mut starts, mut stops) = (0, 0);
    for (r, _) in &relevant {
        st = r.status.as_ref().map(Text::as_str).or(st);
        ru = r.unit.as_ref().map(Text::as_str).or(ru);
        if st.is_none() || ru.is_none() {
            return false;
        }
        match r.reason.as_ref().map(Text::as_str) {
            Some("B") => {
                starts += 1;
                start = Some((*r, st));
            }
            Some(t) if TX_END.contains(&t) => {
                stops += 1;
                stop = Some((*r, st));
            }
            _ => {}
        }
    }
    let (Some((b, bst)), Some((e, est))) = (start, stop) else {
        return false;
    };
    if starts != 1 || stops != 1 || bst != Some("G") || est != Some("G") {
        return false;
    }
    match (
        b.value.and_then(|v| v.exact()),
        e.value.and_then(|v| v.exact()),
    ) {
        (Some(bv), Some(ev)) if bv <= ev => {}
        _ => return false,
    }
    match (b.timestamp(), e.timestamp()) {
        (Some(bt), Some(et)) => {
            if bt.unix_millis() > et.unix_millis() {
                return false;
            }
            if bt.status == TimeStatus::Relative && et.status != TimeStatus::Relative {
                return false;
            }
        }
        _ => return false,
    }
    if b.extra("EI").map(|v| v.get()) != e.extra("EI").map(|v| v.get()) {
        return false;
    }
    let ef_e = |r: &Reading<'_>| {
        r.error_flags
            .as_ref()
            .is_some_and(|f| f.as_str().contains('E'))
    };
    !(ef_e(b) || ef_e(e))
}
