//! Readings (steps 6 and 7): the billing registers (chosen by OBIS), their begin
//! and end readings, meter state and error flags, values that never go down
//! and times that never go back, the weakest time status, and from the
//! first complete register the energy, the times and the duration.

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};

use super::{
    Energy, EnergyUnit, Parsed, RegisterSummary, SessionReport, SessionTime, Sink, at, cable_loss,
    text_of,
};
use crate::decimal::ExactDecimal;
use crate::finding::FindingCode;
use crate::grammar::{TimeStatus, Timestamp};
use crate::lint::{TX_END, billing_obis};
use crate::payload::Reading;

/// One billing reading in session order.
pub(super) struct Billing<'x, 'a> {
    /// Position in the sorted list of live records.
    pos: usize,
    /// Input index of the record.
    pub(super) record: usize,
    /// Index in `RD`.
    pub(super) reading: usize,
    /// The reading after carry-forward.
    r: &'x Reading<'a>,
    /// The reading as written.
    pub(super) raw: &'x Reading<'a>,
    /// `RI` as written (trimmed).
    register: Option<String>,
    compensated: bool,
    pub(super) unit: EnergyUnit,
    value: Option<ExactDecimal>,
    wh: Option<ExactDecimal>,
    ts: Option<Timestamp>,
}

impl Billing<'_, '_> {
    fn reason(&self) -> Option<&str> {
        self.r.reason.as_ref().map(|t| t.as_str().trim())
    }

    pub(super) fn is_begin(&self) -> bool {
        self.reason() == Some("B")
    }

    fn is_end(&self) -> bool {
        self.reason().is_some_and(|t| TX_END.contains(&t))
    }
}

fn session_time(b: &Billing<'_, '_>) -> Option<SessionTime> {
    let ts = b.ts?;
    Some(SessionTime {
        text: b
            .r
            .time
            .as_ref()
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        unix_ms: ts.unix_millis(),
        status: ts.status,
        record: b.record,
    })
}

/// The readings passes over the readable records (in session order).
pub(super) fn check(parsed: &[Parsed<'_, '_>], sink: &mut Sink, report: &mut SessionReport<'_>) {
    let resolved: Vec<Vec<Reading<'_>>> = parsed
        .iter()
        .map(|(_, u)| u.payload.resolved_readings())
        .collect();
    let billing = billing_readings(parsed, &resolved, sink);
    if billing.is_empty() {
        sink.add(FindingCode::SessionNoEnergyRegister, None, None, None);
        return;
    }
    meter_state(&billing, sink);
    let (primary, any_cl) = registers(&billing, sink, report);
    records_outside(primary, &billing, parsed, sink);
    time_status(&billing, sink, report);
    let any_lc = cable_loss::parameters(parsed, any_cl, sink);

    // 7. Energy, times and duration from the billing register.
    let Some((bi, ei)) = primary else { return };
    let (Some(b), Some(e)) = (billing.get(bi), billing.get(ei)) else {
        return;
    };
    energy(b, e, any_lc || any_cl, sink, report);
}

/// The billing readings of all records (exception readings are reported on
/// the way); only the compensated ones when any register is compensated.
fn billing_readings<'x, 'a>(
    parsed: &[Parsed<'x, 'a>],
    resolved: &'x [Vec<Reading<'a>>],
    sink: &mut Sink,
) -> Vec<Billing<'x, 'a>> {
    let mut billing: Vec<Billing<'x, 'a>> = Vec::new();
    for (pos, ((o, u), rs)) in parsed.iter().zip(resolved).enumerate() {
        for (i, (r, raw)) in rs.iter().zip(&u.payload.readings).enumerate() {
            if r.reason.as_ref().is_some_and(|t| t.as_str().trim() == "X") {
                sink.add(
                    FindingCode::SessionException,
                    Some(o.index),
                    at("TX", Some(i), r.reason.as_ref(), r.span),
                    None,
                );
            }
            let Some(unit) = r.unit.as_ref().and_then(|t| EnergyUnit::parse(t.as_str())) else {
                continue;
            };
            let register = text_of(r.obis.as_ref()).map(str::to_owned);
            let class = match &register {
                Some(ri) => billing_obis(ri).map(|(b, c, _)| (b, c)),
                None => Some((true, false)),
            };
            let Some((true, compensated)) = class else {
                continue;
            };
            let value = r.value.as_ref().and_then(crate::payload::Decimal::exact);
            billing.push(Billing {
                pos,
                record: o.index,
                reading: i,
                r,
                raw,
                register,
                compensated,
                unit,
                value,
                wh: value.and_then(|v| unit.to_wh(v)),
                ts: r.timestamp(),
            });
        }
    }
    if billing.iter().any(|b| b.compensated) {
        billing.retain(|b| b.compensated);
    }
    billing
}

/// Meter state and error flags on every billing reading.
fn meter_state(billing: &[Billing<'_, '_>], sink: &mut Sink) {
    for b in billing {
        match text_of(b.r.status.as_ref()) {
            None => sink.add(
                FindingCode::SessionStateMissing,
                Some(b.record),
                Some(("ST", Some(b.reading), Some(b.r.span))),
                None,
            ),
            Some("G") => {}
            Some(st) => sink.add(
                FindingCode::SessionMeterError,
                Some(b.record),
                at("ST", Some(b.reading), b.r.status.as_ref(), b.r.span),
                Some(format!("ST {st}")),
            ),
        }
        let ef = b.r.error_flags.as_ref().map_or("", |t| t.as_str());
        if ef.contains('E') {
            sink.add(
                FindingCode::SessionEnergyFlagged,
                Some(b.record),
                at("EF", Some(b.reading), b.r.error_flags.as_ref(), b.r.span),
                Some(format!("EF {ef}")),
            );
        }
        if ef.contains('t') {
            sink.add(
                FindingCode::SessionTimeFlagged,
                Some(b.record),
                at("EF", Some(b.reading), b.r.error_flags.as_ref(), b.r.span),
                Some(format!("EF {ef}")),
            );
        }
    }
}

/// Every register in order of first appearance: its findings and its
/// summary. Returns the first complete register's begin and end (indices
/// into `billing`) and whether any of its readings states a cable loss.
fn registers(
    billing: &[Billing<'_, '_>],
    sink: &mut Sink,
    report: &mut SessionReport<'_>,
) -> (Option<(usize, usize)>, bool) {
    let mut keys: Vec<Option<String>> = Vec::new();
    for b in billing {
        if !keys.contains(&b.register) {
            keys.push(b.register.clone());
        }
    }
    let mut primary: Option<(usize, usize)> = None; // indices into `billing`
    let mut any_cl = false;
    for key in &keys {
        let regs: Vec<usize> = (0..billing.len())
            .filter(|i| billing.get(*i).is_some_and(|b| b.register == *key))
            .collect();
        let name = key.clone().unwrap_or_else(|| String::from("(no RI)"));
        let (b, e) = begin_end(&regs, billing, &name, sink);
        let (bb, eb) = (
            b.and_then(|i| billing.get(i)),
            e.and_then(|i| billing.get(i)),
        );
        endpoints(bb, eb, &name, sink);
        any_cl |= monotonic(&regs, billing, &name, sink);
        let energy_wh = match (bb.and_then(|x| x.wh), eb.and_then(|x| x.wh)) {
            (Some(x), Some(y)) => y.checked_sub(x),
            _ => None,
        };
        report.registers.push(RegisterSummary {
            register: key.clone(),
            compensated: regs
                .first()
                .and_then(|i| billing.get(*i))
                .is_some_and(|x| x.compensated),
            unit: eb.or(bb).map(|x| x.unit),
            begin: bb.and_then(|x| x.value),
            end: eb.and_then(|x| x.value),
            energy_wh,
            begin_record: bb.map(|x| x.record),
            end_record: eb.map(|x| x.record),
            end_reason: eb.and_then(|x| x.reason().map(str::to_owned)),
        });
        if primary.is_none() {
            if let (Some(bi), Some(ei)) = (b, e) {
                primary = Some((bi, ei));
            }
        }
    }
    (primary, any_cl)
}

/// Exactly one begin and one end reading of the register (`regs`: its
/// readings, indices into `billing`), the end after the begin. Returns the
/// first begin and the first end.
fn begin_end(
    regs: &[usize],
    billing: &[Billing<'_, '_>],
    name: &str,
    sink: &mut Sink,
) -> (Option<usize>, Option<usize>) {
    let begins: Vec<usize> = regs
        .iter()
        .copied()
        .filter(|i| billing.get(*i).is_some_and(Billing::is_begin))
        .collect();
    let ends: Vec<usize> = regs
        .iter()
        .copied()
        .filter(|i| billing.get(*i).is_some_and(Billing::is_end))
        .collect();
    let (b, e) = (begins.first().copied(), ends.first().copied());
    if b.is_none() {
        sink.add(
            FindingCode::SessionMissingBegin,
            None,
            None,
            Some(name.to_owned()),
        );
    }
    if e.is_none() {
        sink.add(
            FindingCode::SessionMissingEnd,
            None,
            None,
            Some(name.to_owned()),
        );
    }
    for (list, code) in [
        (&begins, FindingCode::SessionMultipleBegin),
        (&ends, FindingCode::SessionMultipleEnd),
    ] {
        if let Some(x) = list.get(1).and_then(|i| billing.get(*i)) {
            sink.add(
                code,
                Some(x.record),
                at("TX", Some(x.reading), x.r.reason.as_ref(), x.r.span),
                Some(name.to_owned()),
            );
        }
    }
    if let (Some(bi), Some(ei)) = (b, e) {
        if ei < bi {
            if let Some(x) = billing.get(ei) {
                sink.add(
                    FindingCode::SessionEndBeforeBegin,
                    Some(x.record),
                    at("TX", Some(x.reading), x.r.reason.as_ref(), x.r.span),
                    Some(name.to_owned()),
                );
            }
        }
    }
    (b, e)
}

/// The register's begin and end readings: a value and a time each, no
/// abnormal end, the legacy event counter `EI` unchanged.
fn endpoints(
    bb: Option<&Billing<'_, '_>>,
    eb: Option<&Billing<'_, '_>>,
    name: &str,
    sink: &mut Sink,
) {
    for x in [bb, eb].into_iter().flatten() {
        if x.wh.is_none() {
            sink.add(
                FindingCode::SessionValueMissing,
                Some(x.record),
                Some((
                    "RV",
                    Some(x.reading),
                    Some(x.r.value.map_or(x.r.span, |d| d.span)),
                )),
                Some(name.to_owned()),
            );
        }
        if x.ts.is_none() {
            sink.add(
                FindingCode::SessionTimeMissing,
                Some(x.record),
                at("TM", Some(x.reading), x.r.time.as_ref(), x.r.span),
                Some(name.to_owned()),
            );
        }
    }
    if let Some(x) = eb.filter(|x| matches!(x.reason(), Some("A" | "P"))) {
        sink.once(
            FindingCode::SessionEndedAbnormally,
            Some(x.record),
            x.reason().map(|r| format!("TX {r}")),
        );
    }
    if let (Some(x), Some(y)) = (bb, eb) {
        let ei = |z: &Billing<'_, '_>| z.raw.extra("EI").map(|v| v.get().trim().to_owned());
        if ei(y).is_some() && ei(x) != ei(y) {
            sink.add(
                FindingCode::SessionMeterError,
                Some(y.record),
                Some(("EI", Some(y.reading), Some(y.r.span))),
                Some(String::from("event counter EI changed")),
            );
        }
    }
}

/// Values never go down, times never go back, and the cable loss is sound
/// ([`cable_loss::reading`]), reading by reading of one register. Returns
/// whether any of them states a cable loss (`CL`).
fn monotonic(regs: &[usize], billing: &[Billing<'_, '_>], name: &str, sink: &mut Sink) -> bool {
    let mut last_wh: Option<ExactDecimal> = None;
    let mut last_ms: Option<i64> = None;
    let mut last_cl: Option<ExactDecimal> = None;
    let mut any_cl = false;
    for x in regs.iter().filter_map(|i| billing.get(*i)) {
        if let Some(v) = x.wh {
            if last_wh.is_some_and(|l| v < l) {
                sink.add(
                    FindingCode::SessionValueDecreasing,
                    Some(x.record),
                    Some((
                        "RV",
                        Some(x.reading),
                        Some(x.r.value.map_or(x.r.span, |d| d.span)),
                    )),
                    Some(format!("{name}: {} Wh -> {v} Wh", last_wh.unwrap_or(v))),
                );
            }
            last_wh = Some(v);
        }
        if let Some(t) = x.ts {
            let ms = t.unix_millis();
            if last_ms.is_some_and(|l| ms < l) {
                sink.add(
                    FindingCode::SessionTimeOrder,
                    Some(x.record),
                    at("TM", Some(x.reading), x.r.time.as_ref(), x.r.span),
                    Some(name.to_owned()),
                );
            }
            last_ms = Some(ms);
        }
        any_cl |= cable_loss::reading(x, &mut last_cl, sink);
    }
    any_cl
}

/// Records before the begin record or after the end record.
fn records_outside(
    primary: Option<(usize, usize)>,
    billing: &[Billing<'_, '_>],
    parsed: &[Parsed<'_, '_>],
    sink: &mut Sink,
) {
    if let Some((bi, ei)) = primary {
        if let (Some(bx), Some(ex)) = (billing.get(bi), billing.get(ei)) {
            for (pos, (o, _)) in parsed.iter().enumerate() {
                if pos < bx.pos.min(ex.pos) || pos > ex.pos.max(bx.pos) {
                    sink.add(FindingCode::SessionRecordOutside, Some(o.index), None, None);
                }
            }
        }
    }
}

/// Time status: the weakest of all billing readings wins.
fn time_status(billing: &[Billing<'_, '_>], sink: &mut Sink, report: &mut SessionReport<'_>) {
    let weakest = billing
        .iter()
        .filter_map(|b| b.ts.map(|t| t.status))
        .min_by_key(|s| s.rank());
    report.time_status = weakest;
    match weakest {
        Some(TimeStatus::Unknown) => sink.once(FindingCode::SessionTimeUnknown, None, None),
        Some(TimeStatus::Informative) => {
            sink.once(FindingCode::SessionTimeInformative, None, None);
        }
        _ => {}
    }
}

/// Step 7: the energy, times and duration from the billing register's begin `b`
/// and end `e`; `cable_loss` says whether the session states cable-loss
/// compensation at all.
fn energy(
    b: &Billing<'_, '_>,
    e: &Billing<'_, '_>,
    cable_loss: bool,
    sink: &mut Sink,
    report: &mut SessionReport<'_>,
) {
    if let (Some(bt), Some(et)) = (b.ts, e.ts) {
        if bt.status == TimeStatus::Relative && et.status != TimeStatus::Relative {
            sink.add(
                FindingCode::SessionTimeRelativeMismatch,
                Some(e.record),
                at("TM", Some(e.reading), e.r.time.as_ref(), e.r.span),
                None,
            );
        }
        report.duration_ms = et.unix_millis().checked_sub(bt.unix_millis());
    }
    report.start = session_time(b);
    report.end = session_time(e);
    let cable_loss = cable_loss::at_end(e, cable_loss, sink);
    let energy = match (b.value, e.value) {
        (Some(bv), Some(ev)) if b.unit == e.unit => ev.checked_sub(bv).and_then(|d| {
            let (kwh, wh) = match e.unit {
                EnergyUnit::Kwh => (d, d.shift(3)?),
                EnergyUnit::Wh => (d.shift(-3)?, d),
            };
            Some((e.unit, d, kwh, wh))
        }),
        _ => match (b.wh, e.wh) {
            (Some(x), Some(y)) => y
                .checked_sub(x)
                .and_then(|d| Some((EnergyUnit::Wh, d, d.shift(-3)?, d))),
            _ => None,
        },
    };
    if let (Some((unit, value, kwh, wh)), Some(bv), Some(ev)) = (energy, b.value, e.value) {
        report.energy = Some(Energy {
            register: b.register.clone(),
            unit,
            value,
            kwh,
            wh,
            begin: bv,
            end: ev,
            cable_loss,
        });
    }
}
