//! Charging sessions in the other formats: the start and end values of one
//! charging session checked together, with the same checks, codes and
//! verdicts as an OCMF session ([`crate::session`]) where they apply.
//!
//! A session is one value carrying both its start and its end reading
//! (ISA-EDL40, EDL-Mennekes, PCDF) or several values, each with one reading
//! (two Alfen `AP;` lines, two EDL40 telegrams, two BAUER or EMH
//! snapshots). The values are taken in the order given.
//!
//! # What is checked
//!
//! * every value on its own ([`Checker::verify_format`]): one that cannot be
//!   read makes the session `malformed`, one whose signature does not
//!   verify or that an acceptance rule rejects makes it `invalid`, one that
//!   cannot be checked (no key) makes it `incomplete`; the session's error
//!   is then that value's own code;
//! * a value given twice (the same signatures over the same bytes) counts
//!   once (`session_duplicate_record`);
//! * one format, one meter serial, and one key for every value
//!   (`session_format_changed`, `session_meter_changed`,
//!   `session_key_changed`); key trust as for OCMF (a carried key without
//!   a registry proves integrity only: `session_key_untrusted`);
//! * per register (OBIS as written): exactly one start and one stop
//!   reading, the stop after the start, every reading between them, values
//!   that never go down and times that never go back, in the order given;
//!   a reading repeated in a later value (ISA repeats the start counter in
//!   every telegram) is the same reading and counts once;
//! * the weakest time status of the readings, as for OCMF;
//! * the energy of the first complete register: stop − start as an
//!   [`ExactDecimal`](crate::ExactDecimal), in the meter's unit, kWh and Wh,
//!   converted exactly (never a float).
//!
//! # What the formats say, and what is read into it
//!
//! * A format that does not mark its readings as start or stop (EDL40,
//!   SML signature-only, EMH, BAUER's turn-on / turn-off snapshots): the
//!   first reading of the register is the start, the last the stop, the
//!   others intermediate. A reading of unknown role next to marked ones is
//!   intermediate.
//! * ISA-EDL40: every telegram repeats the transaction's start counter
//!   (OBIS F = 128) next to its actual counter (F = 255): both are the one
//!   register `…*255`; the actual counter of a START telegram is read after
//!   the start and counts as intermediate.
//! * PCDF signs the session's energy itself (`RV`, a difference), not two
//!   register values: its one stop reading is the energy; the start is 0.
//! * A reading shown outside the signed bytes (`signed: false`) never counts.

use alloc::{borrow::Cow, format, string::String, vec::Vec};

use serde::Serialize;

use super::{Format, FormatCheck, FormatReading, FormatTime, ReadingKind, check::FormatCheckJson};
use crate::Checker;
use crate::checker::KeyInput;
use crate::decimal::ExactDecimal;
use crate::error::{Error, ErrorCode, Lang, Verdict};
use crate::finding::{Finding, FindingCode, Profile, Severity};
use crate::grammar::TimeStatus;
use crate::registry::Trust;
use crate::session::json::{Dec, EnergyJson, FindingJson, RegisterJson, TimeJson};
use crate::session::{
    Energy, EnergyUnit, RegisterSummary, SessionFinding, SessionTime, SessionVerdict,
};

/// One value of a format session, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormatSessionValue {
    /// Its position in the input.
    pub index: usize,
    /// The input index of an earlier copy (the same signatures over the
    /// same bytes); this copy was left out.
    pub duplicate_of: Option<usize>,
    /// The value's own answer ([`Checker::verify_format`]).
    pub check: FormatCheck,
}

/// The answer of [`Checker::format_session`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormatSession {
    /// The session verdict (the same words as an OCMF session's).
    pub verdict: SessionVerdict,
    /// The code behind a non-valid verdict: a value's own code when it
    /// cannot be read, is rejected or cannot be checked; else the deciding
    /// finding's code.
    pub error: Option<Error>,
    /// The checker's profile (it sets each finding's severity).
    pub profile: Profile,
    /// The format of the first value that could be read.
    pub format: Option<Format>,
    /// The meter serial of the first value that could be read.
    pub meter_serial: Option<String>,
    /// Every value, in input order.
    pub values: Vec<FormatSessionValue>,
    /// Every session finding, in the order found.
    pub findings: Vec<SessionFinding>,
    /// The billable energy (to be billed only when the verdict is valid).
    pub energy: Option<Energy>,
    /// Every register the readings name, in order of first appearance.
    pub registers: Vec<RegisterSummary>,
    /// The start time of the billed register (`record`: the value's index).
    pub start: Option<SessionTime>,
    /// Its end time.
    pub end: Option<SessionTime>,
    /// End minus start, in milliseconds.
    pub duration_ms: Option<i64>,
    /// The weakest time status of the counted readings.
    pub time_status: Option<TimeStatus>,
    /// The weakest key trust of the values (with a registry).
    pub trust: Option<Trust>,
}

impl FormatSession {
    /// The code: [`ErrorCode::Ok`] when valid, else the error's code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.error.map_or(ErrorCode::Ok, |e| e.code)
    }

    /// Whether the verdict is valid.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.verdict == SessionVerdict::Valid
    }

    /// Whether a finding with this code is present.
    #[must_use]
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.finding.code == code)
    }

    /// The duration in seconds, exactly.
    #[must_use]
    pub fn duration_seconds(&self) -> Option<ExactDecimal> {
        self.duration_ms.map(|ms| ExactDecimal {
            mantissa: i128::from(ms),
            scale: 3,
        })
    }

    /// The canonical JSON object (its own members in sorted order, each
    /// value's answer as [`FormatCheck::to_json`] writes it; messages in
    /// `lang`, findings in both languages).
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        crate::json::to_value(&FormatSessionJson::new(self, lang))
    }

    /// [`FormatSession::to_json`] as compact text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        crate::json::to_string(&FormatSessionJson::new(self, lang))
    }
}

impl Checker<'_> {
    /// The rule behind [`Checker::format_session`]: every value checked
    /// with `key`.
    pub(crate) fn evaluate_format_session(
        &self,
        values: &[&[u8]],
        key: KeyInput<'_>,
    ) -> FormatSession {
        self.format_session_of(values, |_, input| self.verify_format(input, key))
    }

    /// The session of `values`, each checked by `check(index, value)` (an
    /// extraction checks each value with the key its container carried).
    pub(crate) fn format_session_of(
        &self,
        values: &[&[u8]],
        mut check: impl FnMut(usize, &[u8]) -> FormatCheck,
    ) -> FormatSession {
        let profile = self.options_ref().profile;
        let mut sink = Sink {
            profile,
            out: Vec::new(),
        };
        let mut session = FormatSession {
            verdict: SessionVerdict::Malformed,
            error: None,
            profile,
            format: None,
            meter_serial: None,
            values: Vec::with_capacity(values.len()),
            findings: Vec::new(),
            energy: None,
            registers: Vec::new(),
            start: None,
            end: None,
            duration_ms: None,
            time_status: None,
            trust: None,
        };
        if values.is_empty() {
            sink.add(FindingCode::SessionEmpty, None, None);
            session.error = Some(Error::new(ErrorCode::SessionEmpty));
            session.findings = sink.out;
            return session;
        }
        for (index, input) in values.iter().enumerate() {
            let check = check(index, input);
            let duplicate_of = session
                .values
                .iter()
                .find(|earlier| same_value(&earlier.check, &check, values, earlier.index, index))
                .map(|earlier| earlier.index);
            session.values.push(FormatSessionValue {
                index,
                duplicate_of,
                check,
            });
        }
        analyse(&mut session, &mut sink, self.registry_ref().is_some());
        let (verdict, error) = decide(&sink.out, &session.values);
        session.verdict = verdict;
        session.error = error;
        session.findings = sink.out;
        session
    }
}

/// Whether `b` is a copy of `a`: the same signatures over the same bytes,
/// or (for what cannot be read) the same input.
fn same_value(a: &FormatCheck, b: &FormatCheck, inputs: &[&[u8]], ai: usize, bi: usize) -> bool {
    match (&a.value, &b.value) {
        (Some(x), Some(y)) => !x.signed.is_empty() && x.signed == y.signed,
        (None, None) => {
            inputs.get(ai).map(|s| s.trim_ascii()) == inputs.get(bi).map(|s| s.trim_ascii())
        }
        _ => false,
    }
}

/// Collects findings under a profile.
struct Sink {
    profile: Profile,
    out: Vec<SessionFinding>,
}

impl Sink {
    fn add(&mut self, code: FindingCode, record: Option<usize>, detail: Option<String>) {
        self.out.push(SessionFinding {
            finding: Finding::under(code, self.profile, None, None, None),
            record,
            detail,
        });
    }

    fn once(&mut self, code: FindingCode, record: Option<usize>, detail: Option<String>) {
        if !self.out.iter().any(|f| f.finding.code == code) {
            self.add(code, record, detail);
        }
    }
}

/// The passes over the values, in the documented order.
fn analyse(session: &mut FormatSession, sink: &mut Sink, registry: bool) {
    let values = core::mem::take(&mut session.values);
    passes(&values, session, sink, registry);
    session.values = values;
}

fn passes(
    values: &[FormatSessionValue],
    session: &mut FormatSession,
    sink: &mut Sink,
    registry: bool,
) {
    for v in values {
        if let Some(first) = v.duplicate_of {
            sink.add(
                FindingCode::SessionDuplicateRecord,
                Some(v.index),
                Some(format!("same as value {first}")),
            );
        }
    }
    let live: Vec<&FormatSessionValue> =
        values.iter().filter(|v| v.duplicate_of.is_none()).collect();
    for v in &live {
        value_verdict(v, sink, registry);
    }
    session.trust = live
        .iter()
        .filter_map(|v| v.check.trust.as_ref().map(|t| &t.trust))
        .min_by_key(|t| t.rank())
        .cloned();
    let read: Vec<&FormatSessionValue> = live
        .into_iter()
        .filter(|v| v.check.value.is_some())
        .collect();
    let Some(first) = read.first().and_then(|v| v.check.value.as_ref()) else {
        return;
    };
    session.format = Some(first.format);
    session.meter_serial = Some(first.meter_serial.clone());
    identity(&read, sink);
    let readings = counted(&read);
    if readings.is_empty() {
        sink.add(FindingCode::SessionNoEnergyRegister, None, None);
        return;
    }
    let delta = first.format == Format::Pcdf;
    registers(&readings, delta, sink, session);
    time_status(&readings, sink, session);
}

/// The value's own verdict as a session finding, and its key trust.
fn value_verdict(v: &FormatSessionValue, sink: &mut Sink, registry: bool) {
    let c = &v.check;
    let detail = || Some(String::from(c.code()));
    let at = Some(v.index);
    match c.verdict() {
        Verdict::Valid => {}
        Verdict::InvalidSignature => sink.add(FindingCode::SessionSignatureInvalid, at, detail()),
        Verdict::Unsupported => sink.add(FindingCode::SessionSignatureUnchecked, at, detail()),
        // Read and verified, then refused by the format's acceptance rule.
        _ if c.value.is_some() && c.report.signature_verified => {
            sink.add(FindingCode::SessionRecordRejected, at, detail());
        }
        _ => sink.add(FindingCode::SessionRecordUnreadable, at, detail()),
    }
    if !c.report.signature_verified {
        return;
    }
    let carried = c
        .report
        .key
        .as_ref()
        .is_some_and(|(_, o)| *o == super::KeyOrigin::Carried);
    match c.trust.as_ref().map(|t| &t.trust) {
        Some(Trust::Untrusted) => sink.once(FindingCode::SessionKeyUntrusted, at, None),
        Some(Trust::Mismatch { .. }) => sink.add(FindingCode::SessionKeyMismatch, at, None),
        Some(Trust::Expired { .. }) => sink.add(FindingCode::SessionKeyExpired, at, None),
        // Without a registry a carried key proves integrity only.
        None if carried && !registry => sink.once(FindingCode::SessionKeyUntrusted, at, None),
        _ => {}
    }
}

/// One format, one meter, one key for every value that could be read.
fn identity(read: &[&FormatSessionValue], sink: &mut Sink) {
    let mut first: Option<(&FormatSessionValue, &super::FormatValue)> = None;
    for v in read {
        let Some(value) = v.check.value.as_ref() else {
            continue;
        };
        let Some((f, fv)) = first else {
            first = Some((v, value));
            continue;
        };
        if value.format != fv.format {
            sink.add(
                FindingCode::SessionFormatChanged,
                Some(v.index),
                Some(format!("{} -> {}", fv.format, value.format)),
            );
        }
        if value.meter_serial.trim() != fv.meter_serial.trim() {
            sink.add(
                FindingCode::SessionMeterChanged,
                Some(v.index),
                Some(format!("{} -> {}", fv.meter_serial, value.meter_serial)),
            );
        }
        let key = |c: &FormatCheck| c.report.key.as_ref().map(|(k, _)| k.clone());
        if let (Some(a), Some(b)) = (key(&f.check), key(&v.check)) {
            if a != b {
                sink.add(FindingCode::SessionKeyChanged, Some(v.index), None);
            }
        }
    }
}

/// A reading that counts, with its register and its role in the session.
struct Counted<'x> {
    /// The value's input index.
    value: usize,
    register: Option<String>,
    kind: ReadingKind,
    time: Option<FormatTime>,
    unit: Option<EnergyUnit>,
    decimal: Option<ExactDecimal>,
    wh: Option<ExactDecimal>,
    reading: &'x FormatReading,
}

/// The signed readings of the values, in the order given, with the format
/// rules of the module documentation applied; a reading repeated by a
/// later value counts once.
fn counted<'x>(read: &[&'x FormatSessionValue]) -> Vec<Counted<'x>> {
    let mut out: Vec<Counted<'x>> = Vec::new();
    for v in read {
        let Some(value) = v.check.value.as_ref() else {
            continue;
        };
        let isa = value.format == Format::IsaEdl40;
        let mut starts = 0;
        for r in value.readings.iter().filter(|r| r.signed) {
            let mut register = r.obis.clone();
            let mut kind = r.kind;
            if isa {
                register = register.map(|o| match o.strip_suffix("*128") {
                    Some(head) => format!("{head}*255"),
                    None => o,
                });
                if kind == ReadingKind::Start {
                    starts += 1;
                    if starts > 1 {
                        kind = ReadingKind::Intermediate;
                    }
                }
            }
            let unit = EnergyUnit::parse(r.unit);
            let decimal = ExactDecimal::parse(&r.value);
            let c = Counted {
                value: v.index,
                wh: decimal.zip(unit).and_then(|(d, u)| u.to_wh(d)),
                register,
                kind,
                time: r.time,
                unit,
                decimal,
                reading: r,
            };
            let repeated = out.iter().any(|o| {
                o.register == c.register
                    && o.kind == c.kind
                    && o.time == c.time
                    && o.wh == c.wh
                    && o.wh.is_some()
            });
            if !repeated {
                out.push(c);
            }
        }
    }
    out
}

/// Every register in order of first appearance: its checks and summary;
/// the energy, times and duration from the first complete one.
fn registers(readings: &[Counted<'_>], delta: bool, sink: &mut Sink, session: &mut FormatSession) {
    let mut keys: Vec<Option<String>> = Vec::new();
    for r in readings {
        if !keys.contains(&r.register) {
            keys.push(r.register.clone());
        }
    }
    for key in &keys {
        let regs: Vec<&Counted<'_>> = readings.iter().filter(|r| r.register == *key).collect();
        let name = key.clone().unwrap_or_else(|| String::from("(no OBIS)"));
        let (b, e) = begin_end(&regs, delta, &name, sink);
        monotonic(&regs, &name, sink);
        let begin = b.and_then(|i| regs.get(i).copied());
        let end = e.and_then(|i| regs.get(i).copied());
        for x in [begin, end].into_iter().flatten() {
            if x.wh.is_none() {
                sink.add(
                    FindingCode::SessionValueMissing,
                    Some(x.value),
                    Some(name.clone()),
                );
            }
            if x.time.is_none() {
                sink.add(
                    FindingCode::SessionTimeMissing,
                    Some(x.value),
                    Some(name.clone()),
                );
            }
        }
        let zero = ExactDecimal {
            mantissa: 0,
            scale: 0,
        };
        let begin_wh = if delta {
            Some(zero)
        } else {
            begin.and_then(|x| x.wh)
        };
        let energy_wh = begin_wh
            .zip(end.and_then(|x| x.wh))
            .and_then(|(x, y)| y.checked_sub(x));
        session.registers.push(RegisterSummary {
            register: key.clone(),
            compensated: false,
            unit: end.or(begin).and_then(|x| x.unit),
            begin: if delta {
                Some(zero)
            } else {
                begin.and_then(|x| x.decimal)
            },
            end: end.and_then(|x| x.decimal),
            energy_wh,
            begin_record: begin.map(|x| x.value),
            end_record: end.map(|x| x.value),
            end_reason: None,
        });
        if session.energy.is_none() && (begin.is_some() || delta) {
            if let Some(e) = end {
                energy(begin, e, delta, session);
            }
        }
    }
}

/// Exactly one start and one stop reading of the register, the stop after
/// the start, no reading outside them. Returns the first start and the
/// first stop (indices into `regs`). Readings of unknown role in a
/// register without any marked one: the first is the start, the last the
/// stop.
fn begin_end(
    regs: &[&Counted<'_>],
    delta: bool,
    name: &str,
    sink: &mut Sink,
) -> (Option<usize>, Option<usize>) {
    let unmarked = regs.iter().all(|r| r.kind == ReadingKind::Unknown);
    let role = |i: usize, r: &Counted<'_>| match r.kind {
        ReadingKind::Unknown if unmarked && i == 0 => ReadingKind::Start,
        ReadingKind::Unknown if unmarked && i + 1 == regs.len() => ReadingKind::Stop,
        ReadingKind::Unknown => ReadingKind::Intermediate,
        k => k,
    };
    let of = |k: ReadingKind| -> Vec<usize> {
        (0..regs.len())
            .filter(|i| regs.get(*i).is_some_and(|r| role(*i, r) == k))
            .collect()
    };
    let (begins, ends) = (of(ReadingKind::Start), of(ReadingKind::Stop));
    let (b, e) = (begins.first().copied(), ends.first().copied());
    if b.is_none() && !delta {
        sink.add(FindingCode::SessionMissingBegin, None, Some(name.into()));
    }
    if e.is_none() {
        sink.add(FindingCode::SessionMissingEnd, None, Some(name.into()));
    }
    let value_at = |i: usize| regs.get(i).map(|r| r.value);
    if let Some(&i) = begins.get(1) {
        sink.add(
            FindingCode::SessionMultipleBegin,
            value_at(i),
            Some(name.into()),
        );
    }
    if let Some(&i) = ends.get(1) {
        sink.add(
            FindingCode::SessionMultipleEnd,
            value_at(i),
            Some(name.into()),
        );
    }
    match (b, e) {
        (Some(bi), Some(ei)) if ei < bi => {
            sink.add(
                FindingCode::SessionEndBeforeBegin,
                value_at(ei),
                Some(name.into()),
            );
        }
        (Some(bi), Some(ei)) => {
            if let Some(i) = (0..regs.len()).find(|i| *i < bi || *i > ei) {
                sink.once(
                    FindingCode::SessionRecordOutside,
                    value_at(i),
                    Some(name.into()),
                );
            }
        }
        _ => {}
    }
    (b, e)
}

/// Values never go down, times never go back, in the order given.
fn monotonic(regs: &[&Counted<'_>], name: &str, sink: &mut Sink) {
    let mut value_down = false;
    let mut time_back = false;
    for pair in regs.windows(2) {
        let [a, b] = pair else { continue };
        if let (Some(x), Some(y)) = (a.wh, b.wh) {
            if y < x && !value_down {
                value_down = true;
                let detail = format!(
                    "{name}: {} -> {} {}",
                    a.reading.value, b.reading.value, b.reading.unit
                );
                sink.add(
                    FindingCode::SessionValueDecreasing,
                    Some(b.value),
                    Some(detail),
                );
            }
        }
        if let (Some(x), Some(y)) = (a.time, b.time) {
            if y.utc_seconds < x.utc_seconds && !time_back {
                time_back = true;
                sink.add(
                    FindingCode::SessionTimeOrder,
                    Some(b.value),
                    Some(name.into()),
                );
            }
        }
    }
}

/// The energy from the register's start and stop: in the meter's unit when
/// both share it, else in Wh; kWh and Wh exactly.
fn energy(
    begin: Option<&Counted<'_>>,
    end: &Counted<'_>,
    delta: bool,
    session: &mut FormatSession,
) {
    let zero = ExactDecimal {
        mantissa: 0,
        scale: 0,
    };
    let (bv, bu) = match (delta, begin) {
        (true, _) => (Some(zero), end.unit),
        (false, Some(b)) => (b.decimal, b.unit),
        (false, None) => (None, None),
    };
    let (Some(bv), Some(ev), Some(bu), Some(eu)) = (bv, end.decimal, bu, end.unit) else {
        return;
    };
    let diff = if bu == eu {
        ev.checked_sub(bv).map(|d| (eu, d))
    } else {
        bu.to_wh(bv)
            .zip(eu.to_wh(ev))
            .and_then(|(x, y)| y.checked_sub(x))
            .map(|d| (EnergyUnit::Wh, d))
    };
    let Some((unit, value)) = diff else {
        return;
    };
    let (kwh, wh) = match unit {
        EnergyUnit::Kwh => (Some(value), value.shift(3)),
        EnergyUnit::Wh => (value.shift(-3), Some(value)),
    };
    let (Some(kwh), Some(wh)) = (kwh, wh) else {
        return;
    };
    session.energy = Some(Energy {
        register: end.register.clone(),
        unit,
        value,
        kwh,
        wh,
        begin: bv,
        end: ev,
        cable_loss: None,
    });
    let (bt, et) = (begin.and_then(|b| b.time), end.time);
    session.start = begin.zip(bt).map(|(b, t)| session_time(t, b.value));
    session.end = et.map(|t| session_time(t, end.value));
    if let (Some(x), Some(y)) = (bt, et) {
        session.duration_ms = y
            .utc_seconds
            .checked_sub(x.utc_seconds)
            .and_then(|s| s.checked_mul(1000));
    }
}

/// The weakest time status of the counted readings (as for OCMF).
fn time_status(readings: &[Counted<'_>], sink: &mut Sink, session: &mut FormatSession) {
    let weakest = readings
        .iter()
        .filter_map(|r| r.time.map(|t| t.status))
        .min_by_key(|s| s.rank());
    session.time_status = weakest;
    match weakest {
        Some(TimeStatus::Unknown) => sink.once(FindingCode::SessionTimeUnknown, None, None),
        Some(TimeStatus::Informative) => sink.once(FindingCode::SessionTimeInformative, None, None),
        _ => {}
    }
}

/// A reading's time as a session time: the local time with its offset
/// (`2018-11-23T14:41:01+01:00`, `Z` without one) and the UTC instant.
fn session_time(t: FormatTime, record: usize) -> SessionTime {
    let offset = t.offset_minutes.unwrap_or(0);
    let local = t.utc_seconds.saturating_add(i64::from(offset) * 60);
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let zone = match t.offset_minutes {
        None => String::from("Z"),
        Some(o) => {
            let sign = if o < 0 { '-' } else { '+' };
            format!(
                "{sign}{:02}:{:02}",
                o.unsigned_abs() / 60,
                o.unsigned_abs() % 60
            )
        }
    };
    SessionTime {
        text: format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        ),
        unix_ms: t.utc_seconds.saturating_mul(1000),
        status: t.status,
        record,
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The session verdict from its findings, with the precedence of an OCMF
/// session (`session::verdict`): the strongest class among `error`
/// findings; the error is the value's own for a value that cannot be read,
/// is rejected or cannot be checked, else the finding's escalation code.
fn decide(
    findings: &[SessionFinding],
    values: &[FormatSessionValue],
) -> (SessionVerdict, Option<Error>) {
    let effect = crate::session::verdict::effect;
    let errors = || {
        findings
            .iter()
            .filter(|f| f.finding.severity == Severity::Error)
    };
    let Some(v) = errors().map(|f| effect(f.finding.code)).max() else {
        return (SessionVerdict::Valid, None);
    };
    let Some(f) = errors().find(|f| effect(f.finding.code) == v) else {
        return (v, None);
    };
    let from_value = matches!(
        f.finding.code,
        FindingCode::SessionRecordUnreadable
            | FindingCode::SessionRecordRejected
            | FindingCode::SessionSignatureUnchecked
    );
    let own = f
        .record
        .and_then(|i| values.iter().find(|x| x.index == i))
        .map(|x| x.check.error_code());
    let code = match (from_value, own) {
        (true, Some(c)) => c,
        _ => f.finding.code.escalation(),
    };
    (v, Some(Error::new(code)))
}

/// The canonical JSON of a [`FormatSession`] (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatSession"))]
pub(crate) struct FormatSessionJson<'r> {
    code: u32,
    code_name: &'static str,
    duration_ms: Option<i64>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    duration_seconds: Option<Dec>,
    end: Option<TimeJson<'r>>,
    energy: Option<EnergyJson<'r>>,
    explanation: &'static str,
    findings: Vec<FindingJson<'r>>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::FormatWord>")
    )]
    format: Option<&'static str>,
    /// The error's own message when there is one, else the code's.
    message: Cow<'static, str>,
    meter_serial: Option<&'r str>,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ProfileWord"))]
    profile: &'static str,
    registers: Vec<RegisterJson<'r>>,
    start: Option<TimeJson<'r>>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TimeStatusWord>")
    )]
    time_status: Option<char>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TrustWord>")
    )]
    trust: Option<&'static str>,
    values: Vec<FormatSessionValueJson<'r>>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::schema::SessionVerdictWord")
    )]
    verdict: &'static str,
}

/// One value of the session (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "FormatSessionValue"))]
struct FormatSessionValueJson<'r> {
    /// The value's own answer, as [`FormatCheck::to_json`] writes it.
    check: FormatCheckJson<'r>,
    duplicate_of: Option<usize>,
    index: usize,
}

impl<'r> FormatSessionJson<'r> {
    pub(crate) fn new(s: &'r FormatSession, lang: Lang) -> Self {
        let code = s.code();
        Self {
            code: code.code(),
            code_name: code.name(),
            duration_ms: s.duration_ms,
            duration_seconds: s.duration_seconds().map(Dec),
            end: s.end.as_ref().map(TimeJson::new),
            energy: s.energy.as_ref().map(EnergyJson::new),
            explanation: s.verdict.explain(lang),
            findings: s.findings.iter().map(FindingJson::new).collect(),
            format: s.format.map(Format::as_str),
            message: crate::json::verdict_message(code, s.error, lang),
            meter_serial: s.meter_serial.as_deref(),
            profile: s.profile.as_str(),
            registers: s.registers.iter().map(RegisterJson::new).collect(),
            start: s.start.as_ref().map(TimeJson::new),
            time_status: s.time_status.map(TimeStatus::letter),
            trust: s.trust.as_ref().map(Trust::as_str),
            values: s
                .values
                .iter()
                .map(|v| FormatSessionValueJson {
                    check: FormatCheckJson::new(&v.check, lang),
                    duplicate_of: v.duplicate_of,
                    index: v.index,
                })
                .collect(),
            verdict: s.verdict.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(17_858), (2018, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
