//! Resolving transactions, dropping duplicates, grouping into sessions.

mod infer;

use alloc::{collections::BTreeMap, string::String, vec::Vec};
use core::cmp::Ordering;

use super::time::rfc3339_millis;
use super::{Group, Pending, SignedValue, TxEvent, TxKind};

/// A point in the input: its order and, when known, its OCPP time.
#[derive(Debug, Clone, Copy)]
struct Pos {
    seq: usize,
    ms: Option<i64>,
}

impl Pos {
    fn new(seq: usize, ts: Option<&str>) -> Self {
        Self {
            seq,
            ms: ts.and_then(rfc3339_millis),
        }
    }

    /// By time when both have one, else by input order.
    fn order(self, other: Self) -> Ordering {
        match (self.ms, other.ms) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.seq.cmp(&other.seq),
        }
    }
}

/// What the input says about one transaction.
#[derive(Debug, Default)]
struct Span {
    evse: Option<u32>,
    connector: Option<u32>,
    start: Option<Pos>,
    end: Option<Pos>,
}

impl Span {
    fn fill(&mut self, evse: Option<u32>, connector: Option<u32>) {
        if self.evse.is_none() {
            self.evse = evse;
        }
        if self.connector.is_none() {
            self.connector = connector;
        }
    }

    fn bounded(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }

    fn contains(&self, p: Pos) -> bool {
        self.start.is_none_or(|s| s.order(p) != Ordering::Greater)
            && self.end.is_none_or(|e| p.order(e) != Ordering::Greater)
    }
}

type TxKey = (Option<String>, String);
/// (station, message id) of a `StartTransaction` CALL.
type CallKey<'a> = (Option<&'a str>, &'a str);
/// (station, transaction id, EVSE outside a transaction).
type GroupKey<'a> = (Option<&'a str>, Option<&'a str>, Option<u32>);

fn spans(events: &[TxEvent]) -> BTreeMap<TxKey, Span> {
    let mut starts: BTreeMap<CallKey<'_>, (Option<u32>, Pos)> = BTreeMap::new();
    for e in events {
        if let TxEvent::StartCall {
            station,
            message_id,
            connector,
            timestamp,
            seq,
        } = e
        {
            starts
                .entry((station.as_deref(), message_id.as_str()))
                .or_insert((*connector, Pos::new(*seq, timestamp.as_deref())));
        }
    }
    let mut out: BTreeMap<TxKey, Span> = BTreeMap::new();
    for e in events {
        match e {
            TxEvent::StartCall { .. } => {}
            TxEvent::StartResult {
                station,
                message_id,
                transaction_id,
            } => {
                if let Some((connector, pos)) =
                    starts.get(&(station.as_deref(), message_id.as_str()))
                {
                    let s = out
                        .entry((station.clone(), transaction_id.clone()))
                        .or_default();
                    s.fill(None, *connector);
                    if s.start.is_none_or(|old| pos.seq < old.seq) {
                        s.start = Some(*pos);
                    }
                }
            }
            TxEvent::Tx {
                station,
                transaction_id,
                evse,
                connector,
                kind,
                timestamp,
                seq,
            } => {
                let s = out
                    .entry((station.clone(), transaction_id.clone()))
                    .or_default();
                s.fill(*evse, *connector);
                let pos = Pos::new(*seq, timestamp.as_deref());
                match kind {
                    TxKind::Started if s.start.is_none_or(|old| pos.seq < old.seq) => {
                        s.start = Some(pos);
                    }
                    TxKind::Ended if s.end.is_none_or(|old| pos.seq > old.seq) => {
                        s.end = Some(pos);
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

/// How many transactions around a value's position are considered when
/// attaching it (keeps attaching `O(n log n)` on adversarial logs; frames
/// more than this many transactions out of place on one EVSE are not attached).
const ATTACH_WINDOW: usize = 64;

/// A bounded transaction on one station and EVSE: (start order, id, span).
type Candidate<'a> = (usize, &'a str, &'a Span);

/// Attaches transactions, fills EVSE/connector from them, drops duplicates,
/// then keeps an inferred transaction only where the value fits it
/// ([`infer::admit`]).
pub(crate) fn resolve(pending: Vec<Pending>, events: &[TxEvent]) -> (Vec<SignedValue>, usize) {
    let spans = spans(events);
    // Bounded spans per (station, EVSE or connector), by start order.
    let mut by_evse: BTreeMap<(Option<&str>, u32), Vec<Candidate<'_>>> = BTreeMap::new();
    for ((station, tx), s) in &spans {
        if let (Some(ek), true) = (s.evse.or(s.connector), s.bounded()) {
            let start = s.start.map_or(0, |p| p.seq);
            by_evse
                .entry((station.as_deref(), ek))
                .or_default()
                .push((start, tx.as_str(), s));
        }
    }
    for list in by_evse.values_mut() {
        list.sort_unstable_by_key(|c| (c.0, c.1));
    }
    let mut out: Vec<SignedValue> = Vec::with_capacity(pending.len());
    // Every kept copy of a record per (station, identity): a copy that
    // carries another key than the kept one is another claim about the
    // record and is kept (and checked) on its own.
    let mut seen: BTreeMap<(Option<String>, [u8; 32]), Vec<usize>> = BTreeMap::new();
    let mut duplicates = 0usize;
    for Pending { mut value, seq } in pending {
        let v = &mut value;
        if let Some(tx) = &v.transaction_id {
            if let Some(s) = spans.get(&(v.station.clone(), tx.clone())) {
                if v.evse.is_none() && v.connector.is_none() {
                    v.evse = s.evse;
                    v.connector = s.connector;
                }
            }
        } else if let Some(list) = v
            .evse_or_connector()
            .and_then(|ek| by_evse.get(&(v.station.as_deref(), ek)))
        {
            let pos = Pos::new(seq, v.timestamp.as_deref());
            let i = list.partition_point(|c| c.0 <= seq);
            let window = list
                .get(i.saturating_sub(ATTACH_WINDOW)..list.len().min(i + ATTACH_WINDOW))
                .unwrap_or(&[]);
            let found = window
                .iter()
                .filter(|c| c.2.contains(pos))
                .max_by_key(|c| c.0);
            if let Some(&(_, tx, _)) = found {
                v.transaction_id = Some(tx.into());
                v.transaction_inferred = true;
            }
        }
        // One record whatever the encoding of its signature (`record_identity`).
        let digest = crate::record::record_identity(&value.record);
        let key = (value.station.clone(), digest);
        let copies = seen.entry(key).or_default();
        let same = copies.iter().copied().find(|&i| {
            out.get(i).is_some_and(|kept| {
                same_key(kept.public_key.as_deref(), value.public_key.as_deref())
            })
        });
        match same.and_then(|i| out.get_mut(i)) {
            Some(kept) => {
                duplicates += 1;
                merge(kept, value);
            }
            None => {
                copies.push(out.len());
                out.push(value);
            }
        }
    }
    infer::admit(&mut out);
    (out, duplicates)
}

/// Whether two copies of a record carry the same key: one or both carry
/// none, the same text, or two texts of one key (hex and base64, say).
fn same_key(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.map(str::trim), b.map(str::trim)) {
        (Some(a), Some(b)) if !a.is_empty() && !b.is_empty() && a != b => {
            match (crate::PublicKey::parse(a), crate::PublicKey::parse(b)) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            }
        }
        _ => true,
    }
}

/// Fills what only the duplicate knows into the kept value.
fn merge(kept: &mut SignedValue, dup: SignedValue) {
    if dup.transaction_id.is_some()
        && (kept.transaction_id.is_none()
            || (kept.transaction_inferred && !dup.transaction_inferred))
    {
        kept.transaction_id = dup.transaction_id;
        kept.transaction_inferred = dup.transaction_inferred;
    }
    if kept.public_key.is_none() {
        kept.public_key = dup.public_key;
    }
    if kept.evse.is_none() {
        kept.evse = dup.evse;
    }
    if kept.connector.is_none() {
        kept.connector = dup.connector;
    }
    if kept.context.is_none() {
        kept.context = dup.context;
    }
    if kept.timestamp.is_none() {
        kept.timestamp = dup.timestamp;
    }
    if kept.evse_id.is_none() {
        kept.evse_id = dup.evse_id;
    }
    if kept.token.is_none() {
        kept.token = dup.token;
    }
    if kept.billed_kwh.is_none() {
        kept.billed_kwh = dup.billed_kwh;
    }
    if kept.plain_data.is_none() {
        kept.plain_data = dup.plain_data;
    }
}

/// Sort keys of one value: its pagination (context letter, number) and its time.
struct SortKey {
    idx: usize,
    pg: Option<(char, u64)>,
    time: Option<i64>,
}

impl SortKey {
    fn of(idx: usize, v: &SignedValue) -> Self {
        let parsed = crate::record::parse(&v.record).ok();
        let pg = parsed
            .as_ref()
            .and_then(|u| u.payload.pagination())
            .map(|p| (p.context(), p.number()));
        let time = parsed
            .as_ref()
            .and_then(|u| u.payload.readings.iter().find_map(|r| r.timestamp()))
            .map(|t| t.unix_millis())
            .or_else(|| v.timestamp.as_deref().and_then(rfc3339_millis));
        Self { idx, pg, time }
    }
}

/// Session order: by pagination when all share one context, else by time
/// when all have one, else input order (ties keep input order).
fn order(values: &[SignedValue], idx: &mut [usize]) {
    let keys: Vec<SortKey> = idx
        .iter()
        .filter_map(|&i| values.get(i).map(|v| SortKey::of(i, v)))
        .collect();
    let first_ctx = keys.first().and_then(|k| k.pg).map(|p| p.0);
    let by_pg = keys
        .iter()
        .all(|k| k.pg.is_some_and(|p| Some(p.0) == first_ctx));
    let by_time = keys.iter().all(|k| k.time.is_some());
    let mut sorted: Vec<(u64, i64, usize)> = keys
        .iter()
        .map(|k| match (by_pg, by_time) {
            (true, _) => (k.pg.map_or(0, |p| p.1), 0, k.idx),
            (false, true) => (0, k.time.unwrap_or(0), k.idx),
            (false, false) => (0, 0, k.idx),
        })
        .collect();
    sorted.sort_unstable();
    for (slot, k) in idx.iter_mut().zip(sorted) {
        *slot = k.2;
    }
}

/// One group per (station, transaction) and per (station, EVSE) outside transactions.
pub(crate) fn groups(values: &[SignedValue]) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut index: BTreeMap<GroupKey<'_>, usize> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        let ek = v.evse_or_connector();
        let key = (
            v.station.as_deref(),
            v.transaction_id.as_deref(),
            if v.transaction_id.is_some() { None } else { ek },
        );
        let gi = *index.entry(key).or_insert_with(|| {
            out.push(Group {
                station: v.station.clone(),
                transaction_id: v.transaction_id.clone(),
                evse: None,
                evse_id: None,
                token: None,
                values: Vec::new(),
            });
            out.len() - 1
        });
        if let Some(g) = out.get_mut(gi) {
            g.evse = g.evse.or(ek);
            if g.evse_id.is_none() {
                g.evse_id.clone_from(&v.evse_id);
            }
            if g.token.is_none() {
                g.token.clone_from(&v.token);
            }
            g.values.push(i);
        }
    }
    for g in &mut out {
        order(values, &mut g.values);
    }
    out
}
