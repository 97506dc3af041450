//! The batch engine behind [`Checker::verify_all`]: many records, each key
//! decoded (and its tables built) once.
//!
//! OCMF verifies many records per meter key, so a batch groups its inputs by
//! key: every distinct key text (or key bytes) is decoded once, and a key
//! that signs many records of the batch gets its wide precomputed tables
//! (see [`PublicKey::precompute`]). Every record is then checked exactly as
//! [`Checker::verify`] checks it, and the reports come back in input order.
//! With the `rayon` feature, [`Checker::threads`] spreads the records over
//! worker threads.

use alloc::{collections::BTreeMap, vec::Vec};

use crate::checker::{Backend, Checker, Item, KeyInput};
use crate::error::Error;
use crate::key::PublicKey;
use crate::record::Report;
use crate::registry::Trust;

/// Records a key must sign in one batch before the batch builds its wide
/// tables (their cost is about that of a handful of verifications).
pub const WIDE_TABLES_FROM: usize = 32;

/// A key of the batch, as given: text or bytes (decoded differently).
type KeyRef<'a> = (bool, &'a [u8]);

/// Every distinct key text or key bytes of a batch, decoded once.
type Keys<'a> = BTreeMap<KeyRef<'a>, Result<PublicKey, Error>>;

/// [`Checker::verify_all`].
///
/// Without a registry the key of each item is the one it is verified with,
/// so busy keys get their wide tables before the first record. With a
/// registry, which key a record is verified with (the registered one, or the
/// carried one for a meter the registry does not know) is known only once it
/// is parsed: uses are counted as the batch goes, a key gets its tables at
/// its [`WIDE_TABLES_FROM`]-th record, and a carried key that the registered
/// one replaces builds none. A registered key keeps its tables for later
/// calls.
pub(crate) fn verify_all<'a>(checker: &Checker<'_>, items: &[Item<'a>]) -> Vec<Report<'a>> {
    verify_map(checker, items, |_, report| report)
}

/// [`Checker::verify_map`]: [`verify_all`], each report handed to `map` with
/// its index on the worker that made it.
pub(crate) fn verify_map<'a, R: Send>(
    checker: &Checker<'_>,
    items: &[Item<'a>],
    map: impl Fn(usize, Report<'a>) -> R + Sync,
) -> Vec<R> {
    let registry = checker.registry_ref();
    let keys = decode_keys(items, checker.backend_kind(), registry.is_none());
    let uses = Uses::default();
    run(items, checker.thread_count(), |i, item: &Item<'a>| {
        let key = resolve(item.key, &keys);
        let report = checker.verify_decoded(item.record, key);
        if let (Some(registry), Some(trust)) = (registry, report.trust.as_ref()) {
            // The key the record was verified with. Without a registered
            // key, a carried one (a key from the record's 4th section is
            // decoded for that record alone: not counted).
            let used = match trust.trust {
                Trust::Trusted { key_index, .. } | Trust::Expired { key_index, .. } => {
                    registry.entries().get(key_index).map(|e| &e.key)
                }
                Trust::Mismatch { registered } => {
                    registry.entries().get(registered).map(|e| &e.key)
                }
                Trust::Untrusted => key.and_then(Result::ok),
                Trust::Unknown => None,
            };
            if let Some(k) = used {
                uses.note(k);
            }
        }
        map(i, report)
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

/// An item's key: `None` for no key (the record's own key is used), else
/// the decoded key (or its decoding error) from `keys`, which holds every
/// key text and key bytes of the batch.
fn resolve<'k>(key: KeyInput<'k>, keys: &'k Keys<'_>) -> Option<Result<&'k PublicKey, Error>> {
    match key.normalized() {
        KeyInput::None => None,
        KeyInput::Decoded(k) => Some(Ok(k)),
        KeyInput::Text(t) => keys
            .get(&(true, t.as_bytes()))
            .map(|r| r.as_ref().map_err(|e| *e)),
        KeyInput::Bytes(b) => keys.get(&(false, b)).map(|r| r.as_ref().map_err(|e| *e)),
    }
}

/// Maps `one` over `items` (with their index) in order, on `threads`
/// workers (see [`Checker::threads`]).
fn run<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    one: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    #[cfg(feature = "rayon")]
    if threads != 1 && items.len() > 1 {
        use rayon::prelude::*;
        let par = || {
            items
                .par_iter()
                .enumerate()
                .map(|(i, t)| one(i, t))
                .collect()
        };
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
    items.iter().enumerate().map(|(i, t)| one(i, t)).collect()
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

/// Decodes each distinct key text and key bytes once and, with
/// `busy_tables`, builds wide tables for every key (decoded here or by the
/// caller) that signs at least [`WIDE_TABLES_FROM`] items.
fn decode_keys<'a>(items: &[Item<'a>], backend: Backend, busy_tables: bool) -> Keys<'a> {
    let mut keys = Keys::new();
    let mut uses: BTreeMap<KeyRef<'a>, usize> = BTreeMap::new();
    let mut decoded_uses: BTreeMap<*const PublicKey, (usize, &'a PublicKey)> = BTreeMap::new();
    for item in items {
        let key = item.key.normalized();
        let at = match key {
            KeyInput::None => continue,
            KeyInput::Decoded(k) => {
                decoded_uses
                    .entry(core::ptr::from_ref(k))
                    .or_insert((0, k))
                    .0 += 1;
                continue;
            }
            KeyInput::Text(t) => (true, t.as_bytes()),
            KeyInput::Bytes(b) => (false, b),
        };
        *uses.entry(at).or_insert(0) += 1;
        keys.entry(at).or_insert_with(|| {
            key.decode(backend)
                .unwrap_or_else(|| Err(Error::new(crate::ErrorCode::KeyMissing)))
                .map(|k| match k {
                    crate::checker::Decoded::Owned(k) => k,
                    crate::checker::Decoded::Borrowed(k) => k.clone(),
                })
        });
    }
    if !busy_tables {
        return keys;
    }
    for (at, n) in uses {
        if let Some(Ok(k)) = keys.get(&at) {
            prepare_busy_key(k, n);
        }
    }
    for (n, k) in decoded_uses.into_values() {
        prepare_busy_key(k, n);
    }
    keys
}

/// The batch's rule for a key that verifies `uses` items of one batch:
/// from [`WIDE_TABLES_FROM`] on, its wide tables are built before the first.
fn prepare_busy_key(key: &PublicKey, uses: usize) {
    if uses >= WIDE_TABLES_FROM {
        key.precompute();
    }
}

/// [`Checker::verify_digests`]: the group checks of a batch under one key,
/// at digest level: the key gets the batch's wide tables rule
/// ([`prepare_busy_key`]) and the cases run on the checker's threads, in
/// order.
pub(crate) fn verify_digests(
    checker: &Checker<'_>,
    algorithm: crate::Algorithm,
    key: &PublicKey,
    cases: &[([u8; 32], &[u8])],
) -> Vec<Result<(crate::SignatureShape, bool), Error>> {
    prepare_busy_key(key, cases.len());
    run(cases, checker.thread_count(), |_, (digest, sig)| {
        crate::record::verify_digest(algorithm, key, digest, sig)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;
    use crate::{Algorithm, Curve, ErrorCode, sign};
    use alloc::{format, string::String, vec};

    /// One record, one call: the answer a batch must equal.
    fn one<'a>(checker: &Checker<'_>, record: &'a str, key: Option<&str>) -> Report<'a> {
        checker.verify(record, KeyInput::text(key))
    }

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
        let mut items: Vec<Item<'_>> = owned
            .iter()
            .map(|(r, k)| Item::new(r).key(KeyInput::Text(k)))
            .collect();
        items.push(Item::new(&owned[0].0));
        let plain = Checker::new();
        for threads in [1, 0, 2] {
            for backend in [Backend::Auto, Backend::PureRust, Backend::Reference] {
                let checker = Checker::new().threads(threads).backend(backend);
                let got = checker.verify_all(&items);
                assert_eq!(got.len(), items.len());
                for (i, rep) in got.iter().enumerate() {
                    let want = match owned.get(i) {
                        Some((r, k)) => one(&plain, r, Some(k)),
                        None => one(&plain, &owned[0].0, None),
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
            let checker = Checker::new().threads(threads);
            let mut items: Vec<Item<'_>> = owned
                .iter()
                .enumerate()
                .map(|(i, (r, k))| match i % 3 {
                    0 => Item::new(r.as_bytes()).key(KeyInput::Decoded(&key)),
                    1 => Item::new(r).key(KeyInput::Text(k)),
                    _ => Item::new(r).key(KeyInput::Bytes(k.as_bytes())),
                })
                .collect();
            items.push(Item::new(bad_utf8).key(KeyInput::Decoded(&key)));
            let got = checker.verify_all(&items);
            let valid = got.iter().filter(|r| r.is_valid()).count();
            let tampered = (0..n).filter(|i| i % 5 == 2).count();
            assert_eq!(valid, n - tampered);
            for (i, (r, k)) in owned.iter().enumerate() {
                let want = one(&Checker::new(), r, Some(k));
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
    fn trusted_same_reports_as_one_trusted_call() {
        use crate::registry::KeyEntry;
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
        let mut items: Vec<Item<'_>> = owned
            .iter()
            .map(|(r, k)| Item::new(r).key(KeyInput::Text(k)))
            .collect();
        items.push(Item::new(&owned[2].0));
        items.push(Item::new(&owned[3].0).key(KeyInput::Decoded(&decoded)));
        items.push(Item::new(bad_utf8).key(KeyInput::Text(&registered)));
        let n = owned.len();
        for threads in [1, 2] {
            // A fresh registry per run: its key must get wide tables in the
            // batch (it verifies more than WIDE_TABLES_FROM of the records).
            let registry = registry.clone();
            assert!(!registry.entries()[0].key.is_wide());
            let checker = Checker::new().registry(Some(&registry));
            let got = checker.threads(threads).verify_all(&items);
            assert!(registry.entries()[0].key.is_wide());
            assert_eq!(got.len(), n + 3);
            for (i, (r, k)) in owned.iter().enumerate() {
                let want = one(&checker, r, Some(k));
                assert_eq!(got[i].verdict, want.verdict, "{i}");
                assert_eq!(got[i].code(), want.code(), "{i}");
                assert!(got[i].trust.is_some(), "{i}");
                assert_eq!(got[i].trust, want.trust, "{i}");
            }
            let embedded = one(&checker, &owned[2].0, None);
            assert_eq!(got[n].trust, embedded.trust);
            assert_eq!(got[n].verdict, embedded.verdict);
            let carried = one(&checker, &owned[3].0, Some(&registered));
            assert_eq!(got[n + 1].trust, carried.trust);
            assert_eq!(got[n + 1].verdict, carried.verdict);
            assert_eq!(got[n + 2].code(), ErrorCode::NotUtf8);
            assert_eq!(got[n + 2].trust_status(), &Trust::Unknown);
            assert_eq!(
                got[n + 2]
                    .trust
                    .as_ref()
                    .and_then(|t| t.carried_key_fingerprint.clone()),
                Some(registry.entries()[0].fingerprint())
            );
            // The mix holds every trust decision this registry can give.
            let names: alloc::collections::BTreeSet<&str> =
                got.iter().map(|t| t.trust_status().as_str()).collect();
            for want in ["trusted", "untrusted", "mismatch", "unknown"] {
                assert!(names.contains(want), "{want}: {names:?}");
            }
            let valid = got.iter().filter(|t| t.is_valid()).count();
            assert!(valid > 0 && valid < n, "{valid}");
        }
    }

    #[test]
    fn blank_key_is_no_key_with_and_without_a_registry() {
        // A record carrying its own key (4th section) verifies with it when
        // the key given is blank, on the plain and the registry path alike.
        let (rec, key) = signed(1, 9, Curve::P256);
        let with_key = format!("{rec}|{key}");
        let registry = Registry::new();
        for checker in [Checker::new(), Checker::new().registry(Some(&registry))] {
            for blank in [
                KeyInput::Text(""),
                KeyInput::Text("  \n"),
                KeyInput::Bytes(b""),
            ] {
                let r = checker.verify(&with_key, blank);
                assert!(r.is_valid(), "{:?}", r.error);
                assert_eq!(r.key_source, Some(crate::KeySource::Record));
                let batch = checker.verify_all(&[Item::new(&with_key).key(blank)]);
                assert_eq!(batch[0].verdict, r.verdict);
            }
        }
    }

    #[test]
    fn verify_each_equals_verify_all_across_chunks() {
        let owned: Vec<(String, Option<String>)> = (0..50u8)
            .map(|i| {
                let (mut rec, key) = signed(i, 2, Curve::P256);
                if i % 7 == 3 {
                    rec = rec.replacen("\"GS\"", "\"gS\"", 1);
                }
                (rec, (i % 5 != 0).then_some(key))
            })
            .collect();
        let checker = Checker::new().threads(2);
        let mut seen = Vec::new();
        checker.verify_each(owned.iter().cloned(), |item, report| {
            seen.push((item.0.clone(), report.verdict, report.code()));
        });
        assert_eq!(seen.len(), owned.len());
        for ((rec, key), (got_rec, verdict, code)) in owned.iter().zip(&seen) {
            assert_eq!(rec, got_rec, "input order");
            let want = one(&Checker::new(), rec, key.as_deref());
            assert_eq!((want.verdict, want.code()), (*verdict, *code));
        }
        assert!(seen.iter().any(|s| s.1 == crate::Verdict::Valid));
        assert!(seen.iter().any(|s| s.1 != crate::Verdict::Valid));
    }

    #[test]
    fn verify_map_hands_each_report_with_its_index() {
        let owned: Vec<(String, String)> = (0..40u8)
            .map(|i| {
                let (mut rec, key) = signed(i, 6, Curve::P256);
                if i % 6 == 1 {
                    rec = rec.replacen("\"MS\"", "\"mS\"", 1);
                }
                (rec, key)
            })
            .collect();
        let items: Vec<Item<'_>> = owned
            .iter()
            .map(|(r, k)| Item::new(r).key(KeyInput::Text(k)))
            .collect();
        for threads in [1, 2, 0] {
            let checker = Checker::new().threads(threads);
            let all = checker.verify_all(&items);
            let mapped = checker.verify_map(&items, |i, r| (i, r.verdict, r.code()));
            let want: Vec<_> = all
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.verdict, r.code()))
                .collect();
            assert_eq!(mapped, want, "{threads}");
            assert!(all.iter().any(Report::is_valid) && !all.iter().all(Report::is_valid));
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
        let mut items: Vec<Item<'_>> = on_m
            .iter()
            .map(|(r, _)| Item::new(r).key(KeyInput::Decoded(&replaced)))
            .collect();
        items.extend(
            on_n.iter()
                .map(|r| Item::new(r).key(KeyInput::Decoded(&kept))),
        );
        let got = Checker::new().registry(Some(&registry)).verify_all(&items);
        let trust: alloc::collections::BTreeSet<&str> =
            got.iter().map(|t| t.trust_status().as_str()).collect();
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
        let other = signed(1, 8, Curve::P384).0;
        let mut items: Vec<Item<'_>> = recs
            .iter()
            .map(|(r, _)| Item::new(r).key(KeyInput::Decoded(&key)))
            .collect();
        items.push(Item::new(&other).key(KeyInput::Decoded(&key)));
        let got = Checker::new().verify_all(&items);
        let v: Vec<bool> = got.iter().map(Report::is_valid).collect();
        assert_eq!(v, [true, true, true, true, true, false]);
    }
}
