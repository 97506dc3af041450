//! Batch verification: many records, each key decoded (and its tables
//! built) once.
//!
//! OCMF verifies many records per meter key, so a batch groups its inputs by
//! key: every distinct key text is decoded once, and a key that signs many
//! records of the batch gets its wide precomputed tables (see
//! [`PublicKey::precompute`]) before the first record is checked. Every
//! record is then checked with [`check`](crate::check) exactly as
//! one-at-a-time checking would, and the reports come back in input order.
//! With the `rayon` feature, [`BatchOptions::threads`] spreads the records
//! over worker threads.
//!
//! ```
//! use ocmf_core::batch::{BatchItem, BatchOptions, check_all};
//! let key = "04..."; // key text in any encoding PublicKey::parse reads
//! let items = [BatchItem::new("OCMF|{}|{}").key_text(key)];
//! let reports = check_all(&items, &BatchOptions::default());
//! assert_eq!(reports.len(), 1);
//! assert!(!reports[0].is_valid());
//! ```

use alloc::{collections::BTreeMap, vec::Vec};

pub use crate::curves::Backend;
use crate::error::Error;
use crate::key::PublicKey;
use crate::record::{Options, Report, check, check_with_key_error, str_from_bytes};
use crate::registry::{Registry, Trust, TrustedReport, check_resolved};

/// Records a key must sign in one batch before the batch builds its wide
/// tables (their cost is about that of a handful of verifications).
pub const WIDE_TABLES_FROM: usize = 32;

/// The key of one batch item.
#[derive(Debug, Clone, Copy)]
pub enum BatchKey<'a> {
    /// No out-of-band key: the key in the record's 4th section is used, as
    /// [`check`](crate::check) does with `None`.
    Embedded,
    /// Key text (hex, base64, PEM, `oca:`...), decoded once per distinct
    /// text in the batch, with [`BatchOptions::backend`].
    Text(&'a str),
    /// A key decoded by the caller, used as it is (its own backend).
    Decoded(&'a PublicKey),
}

/// One record to check and its key.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// The record as bytes (a `&str`'s bytes, or raw input: size limit and
    /// UTF-8 are checked as [`str_from_bytes`] does).
    pub record: &'a [u8],
    /// Its key.
    pub key: BatchKey<'a>,
}

impl<'a> BatchItem<'a> {
    /// A record given as text, with the key it carries.
    #[must_use]
    pub const fn new(record: &'a str) -> Self {
        Self::bytes(record.as_bytes())
    }

    /// A record given as raw bytes, with the key it carries.
    #[must_use]
    pub const fn bytes(record: &'a [u8]) -> Self {
        Self {
            record,
            key: BatchKey::Embedded,
        }
    }

    /// The same record with a key given as text.
    #[must_use]
    pub const fn key_text(mut self, key: &'a str) -> Self {
        self.key = BatchKey::Text(key);
        self
    }

    /// The same record with a decoded key.
    #[must_use]
    pub const fn key(mut self, key: &'a PublicKey) -> Self {
        self.key = BatchKey::Decoded(key);
        self
    }
}

/// Options of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOptions {
    /// The options every record is checked with.
    pub options: Options,
    /// The group arithmetic for keys the batch decodes (the verdicts never
    /// depend on it).
    pub backend: Backend,
    /// Worker threads: `1` checks on the calling thread; `0` uses rayon's
    /// global pool (one thread per core); `n > 1` a pool of `n` threads
    /// (built on first use and kept for later batches of the same size).
    /// Without the `rayon` feature every batch is sequential.
    pub threads: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self::new(Options::default())
    }
}

impl BatchOptions {
    /// Options with the given record options, the default backend, sequential.
    #[must_use]
    pub fn new(options: Options) -> Self {
        Self {
            options,
            backend: Backend::Auto,
            threads: 1,
        }
    }

    /// The same options on `threads` workers (see [`BatchOptions::threads`]).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The same options on rayon's global pool (`true`) or sequential.
    #[must_use]
    pub fn parallel(self, parallel: bool) -> Self {
        self.threads(if parallel { 0 } else { 1 })
    }

    /// The same options with another backend.
    #[must_use]
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }
}

/// Checks every item; one [`Report`] per item, in input order.
///
/// Each distinct key text is decoded once; an undecodable key gives every
/// record under it the answer [`check_with_key_error`](crate::check_with_key_error)
/// gives (the record's own `malformed`/`unsupported` verdict wins). The
/// reports are the ones [`check_with_key_text`](crate::check_with_key_text)
/// (or [`check`](crate::check) with a decoded key) would give item by item.
#[must_use]
pub fn check_all<'a>(items: &[BatchItem<'a>], options: &BatchOptions) -> Vec<Report<'a>> {
    let keys = decode_keys(items, options.backend, true);
    let opts = &options.options;
    run(items, options.threads, |item: &BatchItem<'a>| {
        let record = match str_from_bytes(item.record, &opts.limits) {
            Ok(r) => r,
            Err(e) => return Report::from_error(e, opts.profile),
        };
        match resolve(item.key, &keys) {
            None => check(record, None, opts),
            Some(Ok(k)) => check(record, Some(k), opts),
            Some(Err(e)) => check_with_key_error(record, e, opts),
        }
    })
}

/// Checks every item against a key registry; one [`TrustedReport`] per item,
/// in input order.
///
/// Each item's key is the *carried* key of
/// [`check_trusted`](crate::registry::check_trusted): the key registered for
/// the record's meter wins, the carried key is compared with it, and a blank
/// key text counts as no key. Distinct key texts are decoded once, as in
/// [`check_all`]. A key gets its wide tables once it has verified
/// [`WIDE_TABLES_FROM`] records of the batch: which key that is (the
/// registered one, or the carried one for a meter the registry does not
/// know) is known only once a record is parsed, so this is counted as the
/// batch goes, and a carried key that the registered one replaces builds
/// none. A registered key keeps its tables for later calls. The reports are
/// the ones `check_trusted` would give item by item; a record that is not
/// UTF-8 or over the size limit gets its error report and the trust `unknown`.
#[must_use]
pub fn check_all_trusted<'a>(
    items: &[BatchItem<'a>],
    registry: &Registry,
    options: &BatchOptions,
) -> Vec<TrustedReport<'a>> {
    let keys = decode_keys(items, options.backend, false);
    let opts = &options.options;
    let uses = Uses::default();
    run(items, options.threads, |item: &BatchItem<'a>| {
        // `check_trusted` reads a blank key text as no key.
        let key = match item.key {
            BatchKey::Text(t) if t.trim().is_empty() => BatchKey::Embedded,
            key => key,
        };
        let carried = resolve(key, &keys);
        let record = match str_from_bytes(item.record, &opts.limits) {
            Ok(r) => r,
            Err(e) => {
                return TrustedReport::unread(e, carried.and_then(Result::ok), opts.profile);
            }
        };
        let out = check_resolved(record, carried, Some(registry), opts);
        // The key the record was verified with. Without a registered key,
        // a carried one (a key from the record's 4th section is decoded for
        // that record alone: not counted).
        let used = match out.trust {
            Trust::Trusted { key_index, .. } | Trust::Expired { key_index, .. } => {
                registry.entries().get(key_index).map(|e| &e.key)
            }
            Trust::Mismatch { registered } => registry.entries().get(registered).map(|e| &e.key),
            Trust::Untrusted => carried.and_then(Result::ok),
            Trust::Unknown => None,
        };
        if let Some(key) = used {
            uses.note(key);
        }
        out
    })
}

/// Counts, as a trusted batch goes, the records each key has verified, and
/// builds a key's wide tables at its [`WIDE_TABLES_FROM`]-th. Keys are told
/// apart by address: every counted key (registered, decoded from a key text
/// of the batch, or the caller's) lives as long as the batch. Without `std`
/// keys have no wide tables, so nothing is counted.
#[derive(Default)]
struct Uses {
    #[cfg(feature = "std")]
    counts: std::sync::Mutex<BTreeMap<usize, usize>>,
}

impl Uses {
    fn note(&self, key: &PublicKey) {
        #[cfg(feature = "std")]
        {
            let n = {
                let mut counts = self
                    .counts
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let n = counts.entry(core::ptr::from_ref(key).addr()).or_insert(0);
                *n += 1;
                *n
            };
            // Exactly one worker sees the count reach the threshold; the
            // lock is not held while the tables are built.
            if n == WIDE_TABLES_FROM {
                key.precompute();
            }
        }
        #[cfg(not(feature = "std"))]
        let _ = key;
    }
}

/// An item's key: `None` for the record's own key, else the decoded key (or
/// its decoding error) from `keys`, which holds every key text of the batch.
fn resolve<'k>(
    key: BatchKey<'k>,
    keys: &'k BTreeMap<&str, Result<PublicKey, Error>>,
) -> Option<Result<&'k PublicKey, Error>> {
    match key {
        BatchKey::Embedded => None,
        BatchKey::Decoded(k) => Some(Ok(k)),
        BatchKey::Text(text) => keys.get(text).map(|r| r.as_ref().map_err(|e| *e)),
    }
}

/// Checks many records under one key.
#[must_use]
pub fn check_all_with_key<'a>(
    records: &[&'a str],
    key: &PublicKey,
    options: &BatchOptions,
) -> Vec<Report<'a>> {
    if records.len() >= WIDE_TABLES_FROM {
        key.precompute();
    }
    run(records, options.threads, |r: &&'a str| {
        check(r, Some(key), &options.options)
    })
}

/// Maps `one` over `items` in order, on `threads` workers (see
/// [`BatchOptions::threads`]).
fn run<T: Sync, R: Send>(items: &[T], threads: usize, one: impl Fn(&T) -> R + Sync) -> Vec<R> {
    #[cfg(feature = "rayon")]
    if threads != 1 && items.len() > 1 {
        use rayon::prelude::*;
        let par = || items.par_iter().map(&one).collect();
        if threads == 0 {
            return par();
        }
        // A pool that cannot be built (no threads available) falls back to
        // the calling thread below.
        if let Some(pool) = pool(threads) {
            return pool.install(par);
        }
    }
    #[cfg(not(feature = "rayon"))]
    let _ = threads;
    items.iter().map(one).collect()
}

/// A pool of `threads` workers, kept for the next batch of that size (a
/// backend calls the batch in a loop; building a pool costs a thread spawn
/// per worker). At most [`KEPT_POOLS`] sizes are kept; other sizes get a pool
/// for the call.
#[cfg(feature = "rayon")]
fn pool(threads: usize) -> Option<std::sync::Arc<rayon::ThreadPool>> {
    use std::sync::{Arc, Mutex, PoisonError};
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let mut pools = POOLS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, p)) = pools.iter().find(|(n, _)| *n == threads) {
        return Some(Arc::clone(p));
    }
    let built = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()?,
    );
    if pools.len() < KEPT_POOLS {
        pools.push((threads, Arc::clone(&built)));
    }
    Some(built)
}

/// How many pool sizes [`pool`] keeps.
#[cfg(feature = "rayon")]
const KEPT_POOLS: usize = 4;

/// Decodes each distinct key text once and, with `busy_tables`, builds wide
/// tables for every key (decoded here or by the caller) that signs at least
/// [`WIDE_TABLES_FROM`] items.
fn decode_keys<'a>(
    items: &[BatchItem<'a>],
    backend: Backend,
    busy_tables: bool,
) -> BTreeMap<&'a str, Result<PublicKey, Error>> {
    let mut keys = BTreeMap::new();
    let mut text_uses: BTreeMap<&'a str, usize> = BTreeMap::new();
    let mut decoded_uses: BTreeMap<*const PublicKey, (usize, &'a PublicKey)> = BTreeMap::new();
    for item in items {
        match item.key {
            BatchKey::Embedded => {}
            BatchKey::Text(t) => {
                *text_uses.entry(t).or_insert(0) += 1;
                keys.entry(t)
                    .or_insert_with(|| PublicKey::parse(t).map(|k| k.with_backend(backend)));
            }
            BatchKey::Decoded(k) => {
                decoded_uses
                    .entry(core::ptr::from_ref(k))
                    .or_insert((0, k))
                    .0 += 1;
            }
        }
    }
    if !busy_tables {
        return keys;
    }
    for (text, n) in text_uses {
        if let (true, Some(Ok(k))) = (n >= WIDE_TABLES_FROM, keys.get(text)) {
            k.precompute();
        }
    }
    for (n, k) in decoded_uses.into_values() {
        if n >= WIDE_TABLES_FROM {
            k.precompute();
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, Curve, ErrorCode, check_with_key_text, sign};
    use alloc::{format, string::String, vec};

    fn signed(i: u8, secret: u8, curve: Curve) -> (String, String) {
        let p = format!(
            r#"{{"FV":"1.0","GI":"B","GS":"{i}","PG":"T{i}","MS":"M","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
        );
        let mut sk = vec![0x11u8; curve.field_bytes()];
        sk[3] = secret;
        let s = sign(&p, &sk, Algorithm::ecdsa_sha256(curve)).unwrap();
        (s.record, s.public_key_sec1_hex)
    }

    #[test]
    fn same_reports_as_one_by_one_in_input_order() {
        let mut owned = Vec::new();
        for i in 0..12u8 {
            let curve = [Curve::P256, Curve::P384, Curve::BrainpoolP256r1][usize::from(i % 3)];
            let (mut rec, key) = signed(i, i % 2, curve);
            if i % 4 == 1 {
                rec = rec.replacen(&format!("\"RV\":{i}.000"), "\"RV\":9.999", 1);
            }
            owned.push((rec, key));
        }
        owned.push(("OCMF|{}".into(), owned[0].1.clone()));
        owned.push((owned[0].0.clone(), "zz!!".into()));
        let mut items: Vec<BatchItem<'_>> = owned
            .iter()
            .map(|(r, k)| BatchItem::new(r).key_text(k))
            .collect();
        items.push(BatchItem::new(&owned[0].0));
        for threads in [1, 0, 2] {
            for backend in [Backend::Auto, Backend::PureRust, Backend::Reference] {
                let opts = BatchOptions::default().threads(threads).backend(backend);
                let got = check_all(&items, &opts);
                assert_eq!(got.len(), items.len());
                for (i, rep) in got.iter().enumerate() {
                    let want = match owned.get(i) {
                        Some((r, k)) => check_with_key_text(r, Some(k), &Options::default()),
                        None => check(&owned[0].0, None, &Options::default()),
                    };
                    assert_eq!((rep.verdict, rep.code()), (want.verdict, want.code()));
                    assert_eq!(rep.signature_valid, want.signature_valid);
                }
                let valid = got.iter().filter(|r| r.is_valid()).count();
                assert_eq!(valid, 9, "{backend:?}");
                assert_eq!(got[13].code(), ErrorCode::KeyEncoding);
                assert_eq!(got[14].code(), ErrorCode::KeyMissing);
            }
        }
    }

    #[test]
    fn bytes_and_decoded_keys_and_wide_tables() {
        // More records under one key than WIDE_TABLES_FROM: the batch builds
        // wide tables, and every verdict equals the one-by-one verdict.
        let n = WIDE_TABLES_FROM + 8;
        let mut owned: Vec<(String, String)> = Vec::new();
        for i in 0..n {
            let (mut rec, key) = signed(u8::try_from(i).unwrap(), 5, Curve::P256);
            if i % 5 == 2 {
                rec = rec.replacen("\"MS\":\"M\"", "\"MS\":\"X\"", 1);
            }
            owned.push((rec, key));
        }
        let key = PublicKey::parse(&owned[0].1).unwrap();
        let bad_utf8: &[u8] = b"OCMF|{\xff}|{}";
        for threads in [1, 2] {
            let opts = BatchOptions::default().threads(threads);
            let mut items: Vec<BatchItem<'_>> = owned
                .iter()
                .enumerate()
                .map(|(i, (r, k))| {
                    if i % 2 == 0 {
                        BatchItem::bytes(r.as_bytes()).key(&key)
                    } else {
                        BatchItem::new(r).key_text(k)
                    }
                })
                .collect();
            items.push(BatchItem::bytes(bad_utf8).key(&key));
            let got = check_all(&items, &opts);
            let valid = got.iter().filter(|r| r.is_valid()).count();
            let tampered = (0..n).filter(|i| i % 5 == 2).count();
            assert_eq!(valid, n - tampered);
            for (i, (r, k)) in owned.iter().enumerate() {
                let want = check_with_key_text(r, Some(k), &Options::default());
                assert_eq!(
                    (got[i].verdict, got[i].code()),
                    (want.verdict, want.code()),
                    "{i}"
                );
            }
            assert_eq!(got[n].code(), ErrorCode::NotUtf8);
        }
    }

    #[test]
    fn trusted_same_reports_as_check_trusted() {
        use crate::registry::{KeyEntry, check_trusted};
        // Meter "M" is registered with secret 1's key; records signed with
        // secret 1 (trusted), secret 2 (the registered key fails), and records
        // of an unregistered meter (untrusted with their carried key).
        let (_, registered) = signed(0, 1, Curve::P256);
        let mut registry = Registry::new();
        registry.add(KeyEntry::new("M", PublicKey::parse(&registered).unwrap()));
        let mut owned: Vec<(String, String)> = Vec::new();
        for i in 0..u8::try_from(2 * WIDE_TABLES_FROM).unwrap() {
            let (mut rec, key) = signed(i, 1 + i % 2, Curve::P256);
            if i % 3 == 0 {
                rec = rec.replacen("\"MS\":\"M\"", "\"MS\":\"N\"", 1);
            }
            let key = match i % 4 {
                0 => String::new(),
                1 => "zz!!".into(),
                _ => key,
            };
            owned.push((rec, key));
        }
        let bad_utf8: &[u8] = b"OCMF|{\xff}|{}";
        let decoded = PublicKey::parse(&registered).unwrap();
        let mut items: Vec<BatchItem<'_>> = owned
            .iter()
            .map(|(r, k)| BatchItem::new(r).key_text(k))
            .collect();
        items.push(BatchItem::new(&owned[2].0));
        items.push(BatchItem::new(&owned[3].0).key(&decoded));
        items.push(BatchItem::bytes(bad_utf8).key_text(&registered));
        let n = owned.len();
        for threads in [1, 2] {
            // A fresh registry per run: its key must get wide tables in the
            // batch (it verifies more than WIDE_TABLES_FROM of the records).
            let registry = registry.clone();
            assert!(!registry.entries()[0].key.is_wide());
            let got =
                check_all_trusted(&items, &registry, &BatchOptions::default().threads(threads));
            assert!(registry.entries()[0].key.is_wide());
            assert_eq!(got.len(), n + 3);
            for (i, (r, k)) in owned.iter().enumerate() {
                let want = check_trusted(r, Some(k), &registry, &Options::default());
                assert_eq!(got[i].report.verdict, want.report.verdict, "{i}");
                assert_eq!(got[i].report.code(), want.report.code(), "{i}");
                assert_eq!(got[i].trust, want.trust, "{i}");
                assert_eq!(got[i].key_fingerprint, want.key_fingerprint, "{i}");
                assert_eq!(
                    got[i].carried_key_fingerprint, want.carried_key_fingerprint,
                    "{i}"
                );
                assert_eq!(got[i].carried_key_error, want.carried_key_error, "{i}");
            }
            let embedded = check_trusted(&owned[2].0, None, &registry, &Options::default());
            assert_eq!(got[n].trust, embedded.trust);
            assert_eq!(got[n].report.verdict, embedded.report.verdict);
            let carried = check_trusted(
                &owned[3].0,
                Some(&registered),
                &registry,
                &Options::default(),
            );
            assert_eq!(got[n + 1].trust, carried.trust);
            assert_eq!(got[n + 1].report.verdict, carried.report.verdict);
            assert_eq!(got[n + 2].report.code(), ErrorCode::NotUtf8);
            assert_eq!(got[n + 2].trust, Trust::Unknown);
            assert_eq!(
                got[n + 2].carried_key_fingerprint,
                Some(registry.entries()[0].fingerprint())
            );
            // The mix holds every trust decision this registry can give.
            let names: alloc::collections::BTreeSet<&str> =
                got.iter().map(|t| t.trust.as_str()).collect();
            for want in ["trusted", "untrusted", "mismatch", "unknown"] {
                assert!(names.contains(want), "{want}: {names:?}");
            }
            let valid = got.iter().filter(|t| t.report.is_valid()).count();
            assert!(valid > 0 && valid < n, "{valid}");
        }
    }

    #[test]
    fn trusted_batch_builds_tables_for_the_keys_it_verifies_with() {
        use crate::registry::KeyEntry;
        // Meter "M" is registered; meter "N" is not. Every record carries a
        // decoded key: for "M" the registered key replaces it, for "N" it is
        // the key verified with.
        let n = WIDE_TABLES_FROM + 4;
        let on_m: Vec<(String, String)> = (0..n)
            .map(|i| signed(u8::try_from(i).unwrap(), 3, Curve::P256))
            .collect();
        let on_n: Vec<String> = (0..n)
            .map(|i| {
                let (rec, _) = signed(u8::try_from(i).unwrap(), 4, Curve::P256);
                rec.replacen("\"MS\":\"M\"", "\"MS\":\"N\"", 1)
            })
            .collect();
        let mut registry = Registry::new();
        registry.add(KeyEntry::new("M", PublicKey::parse(&on_m[0].1).unwrap()));
        let replaced = PublicKey::parse(&on_m[0].1).unwrap();
        let kept = PublicKey::parse(&signed(0, 4, Curve::P256).1).unwrap();
        let mut items: Vec<BatchItem<'_>> = on_m
            .iter()
            .map(|(r, _)| BatchItem::new(r).key(&replaced))
            .collect();
        items.extend(on_n.iter().map(|r| BatchItem::new(r).key(&kept)));
        let got = check_all_trusted(&items, &registry, &BatchOptions::default());
        let trust: alloc::collections::BTreeSet<&str> =
            got.iter().map(|t| t.trust.as_str()).collect();
        assert_eq!(
            trust.into_iter().collect::<Vec<_>>(),
            ["trusted", "untrusted"]
        );
        assert!(registry.entries()[0].key.is_wide());
        assert!(kept.is_wide(), "the carried key verified {n} records");
        assert!(!replaced.is_wide(), "the registered key replaced it");
    }

    #[test]
    fn one_key_many_records() {
        let recs: Vec<(String, String)> = (0..5).map(|i| signed(i, 7, Curve::P384)).collect();
        let key = PublicKey::parse(&recs[0].1).unwrap();
        let mut texts: Vec<&str> = recs.iter().map(|(r, _)| r.as_str()).collect();
        let other = signed(1, 8, Curve::P384).0;
        texts.push(&other);
        let got = check_all_with_key(&texts, &key, &BatchOptions::default());
        let v: Vec<bool> = got.iter().map(Report::is_valid).collect();
        assert_eq!(v, [true, true, true, true, true, false]);
    }
}
