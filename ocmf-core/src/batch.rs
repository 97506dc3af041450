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
    /// global pool (one thread per core); `n > 1` a pool of `n` threads built
    /// for the call. Without the `rayon` feature every batch is sequential.
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
    let keys = decode_keys(items, options.backend);
    let one = |item: &BatchItem<'a>| -> Report<'a> {
        let opts = &options.options;
        let record = match str_from_bytes(item.record, &opts.limits) {
            Ok(r) => r,
            Err(e) => return Report::from_error(e, opts.profile),
        };
        match item.key {
            BatchKey::Embedded => check(record, None, opts),
            BatchKey::Decoded(k) => check(record, Some(k), opts),
            BatchKey::Text(text) => match keys.get(text) {
                Some(Ok(k)) => check(record, Some(k), opts),
                Some(Err(e)) => check_with_key_error(record, *e, opts),
                // Every key text was decoded above.
                None => check_with_key_error(
                    record,
                    Error::new(crate::error::ErrorCode::KeyMissing),
                    opts,
                ),
            },
        }
    };
    run(items, options.threads, one)
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
        if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            return pool.install(par);
        }
    }
    #[cfg(not(feature = "rayon"))]
    let _ = threads;
    items.iter().map(one).collect()
}

/// Decodes each distinct key text once, and builds wide tables for every
/// key (decoded here or by the caller) that signs at least
/// [`WIDE_TABLES_FROM`] items.
fn decode_keys<'a>(
    items: &[BatchItem<'a>],
    backend: Backend,
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
