//! Inferred membership: whether a value that carries no transaction id
//! joins the transaction its station, EVSE and time point to. This is the
//! one place of that rule (the module documentation of
//! [`transport`](crate::transport), "Transactions, duplicates, order", says
//! it in words).
//!
//! A transaction's *members* are its values that carry its id; the
//! *candidates* are the values inferred into it. A candidate joins only
//! when the session checks could not find anything wrong with it that they
//! would not find without it: it is read cheaply (the parse layer, no
//! signature) and compared with the members. A candidate that does not fit
//! loses its transaction id and stays outside, in the group of its station
//! and EVSE, where it is still reported.

use alloc::{
    borrow::ToOwned,
    collections::{BTreeMap, BTreeSet},
    string::String,
    vec::Vec,
};

use crate::decimal::ExactDecimal;
use crate::grammar::Pagination;
use crate::key::PublicKey;
use crate::lint::{IL_ERRORS, TX_END, billing_obis};
use crate::payload::{Decimal, Text, UserAssigned};
use crate::session::EnergyUnit;
use crate::transport::SignedValue;

/// `RI` as written (trimmed; `None` without `RI`) of a billing register.
type Register = Option<String>;

/// What the rule reads from one record with a transaction pagination.
struct Facts {
    /// The `T` pagination counter.
    number: u64,
    /// `MS` and `GS`, when stated.
    meter: [Option<String>; 2],
    /// `IS`, `IT` and `ID`.
    ident: [Option<String>; 3],
    /// The cable-loss parameters `LC` as written.
    lc: Option<String>,
    /// Whether a reading states a cable loss `CL`.
    any_cl: bool,
    /// The carried key, decoded (SEC1 bytes).
    key: Option<Vec<u8>>,
    /// A billing reading with `TX=B` / with an end reason.
    begin: bool,
    end: bool,
    /// Nothing a session would flag in the record on its own.
    sound: bool,
    /// Per billing register and quantity (0: the value in Wh, 1: the time
    /// in ms, 2: the cable loss `CL`; none of them may go down in session
    /// order), the stated values in reading order.
    series: BTreeMap<(Register, usize), Vec<ExactDecimal>>,
}

fn text_of<'t>(t: Option<&'t Text<'_>>) -> Option<&'t str> {
    t.map(|t| t.as_str().trim()).filter(|s| !s.is_empty())
}

fn owned(t: Option<&Text<'_>>) -> Option<String> {
    text_of(t).map(str::to_owned)
}

impl Facts {
    /// Reads one value: `None` when the record cannot be read, has no
    /// transaction (`T`) pagination, or carries a key that cannot be read.
    fn read(v: &SignedValue) -> Option<Self> {
        let u = crate::record::parse(&v.record).ok()?;
        let p = &u.payload;
        let Some(Pagination::Transaction(number)) = p.pagination() else {
            return None;
        };
        let key = match v.public_key.as_deref().map(str::trim) {
            Some(k) if !k.is_empty() => Some(PublicKey::parse(k).ok()?.sec1_bytes().to_vec()),
            _ => None,
        };
        let is = match &p.user_assigned {
            None => None,
            Some(UserAssigned::Bool(b)) => Some(String::from(if *b { "true" } else { "false" })),
            Some(UserAssigned::Legacy(t)) => Some(t.as_str().to_owned()),
        };
        let lc = p.cable_loss.as_ref().map(|lc| {
            u.envelope
                .record
                .get(lc.span.start..lc.span.end)
                .unwrap_or("")
                .to_owned()
        });
        let il = text_of(p.identification_level.as_ref());
        let mut f = Self {
            number,
            meter: [
                owned(p.meter_serial.as_ref()),
                owned(p.gateway_serial.as_ref()),
            ],
            ident: [
                is,
                owned(p.identification_type.as_ref()),
                owned(p.identification_data.as_ref()),
            ],
            lc,
            any_cl: false,
            key,
            begin: false,
            end: false,
            sound: !il.is_some_and(|l| IL_ERRORS.contains(&l)),
            series: BTreeMap::new(),
        };
        let resolved = p.resolved_readings();
        for (r, raw) in resolved.iter().zip(&p.readings) {
            let tx = text_of(r.reason.as_ref());
            f.sound &= tx != Some("X");
            let Some(unit) = r.unit.as_ref().and_then(|t| EnergyUnit::parse(t.as_str())) else {
                continue;
            };
            let register = owned(r.obis.as_ref());
            if !register
                .as_deref()
                .is_none_or(|ri| billing_obis(ri).is_some_and(|c| c.0))
            {
                continue;
            }
            let (begin, end) = (tx == Some("B"), tx.is_some_and(|t| TX_END.contains(&t)));
            f.begin |= begin;
            f.end |= end;
            let wh = r
                .value
                .as_ref()
                .and_then(Decimal::exact)
                .and_then(|v| unit.to_wh(v));
            let ms = r.timestamp().map(|t| ExactDecimal {
                mantissa: i128::from(t.unix_millis()),
                scale: 0,
            });
            let ef = r.error_flags.as_ref().map_or("", |t| t.as_str());
            f.sound &= text_of(r.status.as_ref()) == Some("G") && !ef.contains(['E', 't']);
            f.sound &= !(begin || end) || (wh.is_some() && ms.is_some());
            let cl = raw.cumulated_loss.as_ref().map(Decimal::exact);
            if let Some(c) = cl {
                f.any_cl = true;
                f.sound &= c.is_some_and(|c| !(c.is_negative() || (begin && c.mantissa != 0)));
            }
            for (q, x) in [wh, ms, cl.flatten()].into_iter().enumerate() {
                let s = f.series.entry((register.clone(), q)).or_default();
                s.extend(x);
            }
        }
        Some(f)
    }
}

/// Whether two values agree; a value not stated agrees with any.
fn same<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
    a.zip(b).is_none_or(|(a, b)| a == b)
}

/// The members accepted so far (carried values, then joined candidates).
#[derive(Default)]
struct Members {
    numbers: BTreeSet<u64>,
    begin: Option<u64>,
    end: Option<u64>,
    meter: [Option<String>; 2],
    /// The identification of the member with the lowest counter.
    ident: Option<(u64, [Option<String>; 3])>,
    lc: Option<String>,
    key: Option<Vec<u8>>,
    registers: BTreeSet<Register>,
    /// Per (register, quantity): per counter, the first and last stated value.
    series: BTreeMap<(Register, usize), BTreeMap<u64, (ExactDecimal, ExactDecimal)>>,
}

impl Members {
    fn add(&mut self, f: &Facts) {
        let n = f.number;
        self.numbers.insert(n);
        if f.begin {
            self.begin = Some(self.begin.map_or(n, |b| b.min(n)));
        }
        if f.end {
            self.end = Some(self.end.map_or(n, |e| e.max(n)));
        }
        for (mine, theirs) in self.meter.iter_mut().zip(&f.meter) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        if self.ident.as_ref().is_none_or(|(m, _)| n < *m) {
            self.ident = Some((n, f.ident.clone()));
        }
        if self.lc.is_none() {
            self.lc.clone_from(&f.lc);
        }
        if self.key.is_none() {
            self.key.clone_from(&f.key);
        }
        for ((register, q), s) in &f.series {
            self.registers.insert(register.clone());
            if let (Some(first), Some(last)) = (s.first(), s.last()) {
                self.series
                    .entry((register.clone(), *q))
                    .or_default()
                    .insert(n, (*first, *last));
            }
        }
    }

    /// The rule: whether the candidate `f` fits the members.
    fn fits(&self, f: &Facts) -> bool {
        let n = f.number;
        let (Some(&lo), Some(&hi)) = (self.numbers.first(), self.numbers.last()) else {
            return f.sound;
        };
        // Pagination: a new counter, inside the members' range or next to
        // it (no new gap), after the begin and before the end.
        let placed =
            (lo < n && n < hi) || Some(n) == hi.checked_add(1) || Some(n) == lo.checked_sub(1);
        let ends = self.begin.is_none_or(|b| n > b)
            && self.end.is_none_or(|e| n < e)
            && (!f.begin || (self.begin.is_none() && n < lo))
            && (!f.end || (self.end.is_none() && n > hi));
        // One meter, one user, one cable-loss setup, one key.
        let identity = (0..2).all(|i| same(self.meter[i].as_ref(), f.meter[i].as_ref()))
            && self.ident.as_ref().is_none_or(|(_, i)| *i == f.ident)
            && same(self.lc.as_ref(), f.lc.as_ref())
            && (!f.any_cl || self.lc.is_some() || f.lc.is_some())
            && same(self.key.as_ref(), f.key.as_ref());
        f.sound && !self.numbers.contains(&n) && placed && ends && identity && self.registers_fit(f)
    }

    /// The candidate's billing registers are the members' and each of its
    /// values, times and cable losses lies between the neighbouring members'.
    fn registers_fit(&self, f: &Facts) -> bool {
        f.series.iter().all(|(k, s)| {
            if !self.registers.contains(&k.0) {
                return false;
            }
            let around = self.series.get(k);
            let below = around.and_then(|m| m.range(..f.number).next_back().map(|(_, v)| v.1));
            let above = around.and_then(|m| {
                m.range(f.number.saturating_add(1)..)
                    .next()
                    .map(|(_, v)| v.0)
            });
            let mut chain = below.iter().chain(s).chain(above.iter());
            let mut last = chain.next();
            chain.all(|x| {
                let ok = last.is_none_or(|l| l <= x);
                last = Some(x);
                ok
            })
        })
    }
}

/// Judges the candidates (`inferred`, indices into `values`) of one
/// transaction against its members (`carried`). Returns the candidates
/// that stay outside.
fn judge(values: &[SignedValue], carried: &[usize], inferred: &[usize]) -> Vec<usize> {
    let mut members = Members::default();
    for &i in carried {
        match values.get(i).and_then(Facts::read) {
            Some(f) => members.add(&f),
            // A member that cannot be read or is no transaction record:
            // nothing can be judged against it, so nothing joins.
            None => return inferred.to_vec(),
        }
    }
    let mut outside: Vec<usize> = Vec::new();
    let mut candidates: Vec<(usize, Facts)> = Vec::new();
    for &i in inferred {
        match values.get(i).and_then(Facts::read) {
            Some(f) => candidates.push((i, f)),
            None => outside.push(i),
        }
    }
    // Without carried values, the first sound candidate in input order is
    // the anchor the others are judged against.
    if members.numbers.is_empty() {
        if let Some(p) = candidates.iter().position(|(_, f)| f.sound) {
            let (_, f) = candidates.remove(p);
            members.add(&f);
        }
    }
    candidates.sort_by_key(|(i, f)| (f.number, *i));
    let lo = members.numbers.first().copied().unwrap_or(0);
    let split = candidates.partition_point(|(_, f)| f.number < lo);
    let (below, rest) = candidates.split_at(split);
    // Outwards from the members: downwards below them, upwards from there.
    for (i, f) in below.iter().rev().chain(rest) {
        if members.fits(f) && values.get(*i).is_some_and(|v| verifies(v, &members)) {
            members.add(f);
        } else {
            outside.push(*i);
        }
    }
    outside
}

/// Whether the candidate's signature verifies under the key the session
/// would use for it: its carried key, else the record's own key, else the
/// members' carried key. A value that only time and EVSE place into a
/// transaction must never make it invalid, so a value whose signature fails
/// (or whose key cannot be read) stays outside, where its own verdict still
/// reports it. When the input carries no key at all, the shape alone
/// decides: the key a user gives to the checker later is not known here.
fn verifies(v: &SignedValue, members: &Members) -> bool {
    let Ok(u) = crate::record::parse(&v.record) else {
        return false;
    };
    let carried = v
        .public_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(PublicKey::parse);
    let key = match (carried, u.embedded_key()) {
        (Some(k), _) | (None, Some(k)) => k.ok(),
        (None, None) => match members.key.as_deref() {
            Some(k) => PublicKey::from_bytes(k).ok(),
            // No key anywhere in the input (the user gives it to the
            // checker later): the shape alone decides, as for the members.
            None => return true,
        },
    };
    key.is_some_and(|k| u.verify(&k).is_ok())
}

/// Per (station, transaction id): the indices of the carried and of the
/// inferred values.
type ByTransaction<'v> = BTreeMap<(Option<&'v str>, &'v str), (Vec<usize>, Vec<usize>)>;

/// Applies the rule to every transaction with inferred values: a value that
/// does not fit loses its inferred transaction id.
pub(super) fn admit(values: &mut [SignedValue]) {
    let mut by_tx: ByTransaction<'_> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        if let Some(tx) = v.transaction_id.as_deref() {
            let e = by_tx.entry((v.station.as_deref(), tx)).or_default();
            if v.transaction_inferred {
                e.1.push(i);
            } else {
                e.0.push(i);
            }
        }
    }
    let outside: Vec<usize> = by_tx
        .values()
        .filter(|(_, inferred)| !inferred.is_empty())
        .flat_map(|(carried, inferred)| judge(values, carried, inferred))
        .collect();
    for i in outside {
        if let Some(v) = values.get_mut(i) {
            v.transaction_id = None;
            v.transaction_inferred = false;
        }
    }
}
