//! Many records in one call: `ocmf_verify_batch` (one key or none),
//! `ocmf_verify_batch_items` (a key per record) and
//! `ocmf_verify_batch_trusted` (against a registry), each one call of the
//! core's `Checker::verify_all` (keys decoded once, wide tables for busy
//! keys, worker threads), answered as compact `ocmf_batch_result`s.

use ocmf_core::{Checker, Curve, Item, KeyInput, KeySource, Report};

use crate::boundary::{array_in, array_out, guard, input, optional_input, write_each};
use crate::error::ocmf_result;
use crate::key::{key_input, ocmf_key};
use crate::options::{ProfileArg, checker};
use crate::registry::{ocmf_registry, ocmf_trust, registry_or_empty};
use crate::verify::ocmf_verdict;

/// Whether a record's signature was checked and verified (see
/// `ocmf_batch_result`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_signature {
    /// Not checked: the record, its signature or the key could not be read,
    /// the algorithm is unsupported, or no key was given.
    NotChecked = 0,
    /// The signature verifies under the key.
    Valid = 1,
    /// The signature does not verify under the key.
    Invalid = 2,
}

/// The curve of a record's algorithm (always ECDSA with SHA-256 in OCMF;
/// see `ocmf_batch_result`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_curve {
    /// Not known: the record (or its `SA`) could not be read.
    Unknown = 0,
    /// secp192k1.
    Secp192k1 = 1,
    /// secp192r1 / NIST P-192.
    Secp192r1 = 2,
    /// secp256r1 / NIST P-256 (the default when `SA` is absent).
    Secp256r1 = 3,
    /// secp256k1.
    Secp256k1 = 4,
    /// secp384r1 / NIST P-384.
    Secp384r1 = 5,
    /// brainpoolP256r1.
    BrainpoolP256r1 = 6,
    /// brainpoolP384r1.
    BrainpoolP384r1 = 7,
}

impl ocmf_curve {
    fn from_core(c: Curve) -> Self {
        match c {
            Curve::Secp192k1 => Self::Secp192k1,
            Curve::P192 => Self::Secp192r1,
            Curve::P256 => Self::Secp256r1,
            Curve::Secp256k1 => Self::Secp256k1,
            Curve::P384 => Self::Secp384r1,
            Curve::BrainpoolP256r1 => Self::BrainpoolP256r1,
            Curve::BrainpoolP384r1 => Self::BrainpoolP384r1,
            // `Curve` is non-exhaustive: a curve added later is not named here.
            _ => Self::Unknown,
        }
    }
}

/// Where the key a record was verified with came from (see `ocmf_batch_result`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_key_source {
    /// No key was used.
    None = 0,
    /// The caller's key (`ocmf_key` or key text).
    Caller = 1,
    /// The key in the record's 4th section.
    Record = 2,
}

/// The compact answer for one record of a batch (`ocmf_verify_batch`,
/// `ocmf_verify_batch_items`): the fields of `ocmf_verify_report`'s JSON
/// that a caller needs to sort records, without the JSON. For the findings'
/// details, spans and messages, call `ocmf_verify_report` on that record.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ocmf_batch_result {
    /// The report's code: `OCMF_RESULT_OK` for a valid record, else the
    /// reason (600 invalid signature, 1xx-5xx malformed / unsupported): the
    /// code `ocmf_verify` returns for the same record and key.
    pub code: ocmf_result,
    /// The verdict, as `ocmf_verify` writes it.
    pub verdict: ocmf_verdict,
    /// Whether the signature was checked and verified (the JSON's
    /// `signature_valid`: null, true, false).
    pub signature: ocmf_signature,
    /// The curve of the record's algorithm (the JSON's `algorithm`).
    pub curve: ocmf_curve,
    /// Where the key came from (the JSON's `key_source`).
    pub key_source: ocmf_key_source,
    /// Number of findings under the profile (the JSON's `findings`).
    pub findings: u32,
}

impl ocmf_batch_result {
    fn from_report(report: &Report<'_>) -> Self {
        Self {
            code: ocmf_result::from_core(report.code()),
            verdict: ocmf_verdict::from_core(report.verdict),
            signature: match report.signature_valid {
                None => ocmf_signature::NotChecked,
                Some(true) => ocmf_signature::Valid,
                Some(false) => ocmf_signature::Invalid,
            },
            curve: report
                .algorithm
                .map_or(ocmf_curve::Unknown, |a| ocmf_curve::from_core(a.curve)),
            key_source: match report.key_source {
                None => ocmf_key_source::None,
                Some(KeySource::Caller) => ocmf_key_source::Caller,
                // `KeySource` is non-exhaustive: anything else is the record's.
                Some(_) => ocmf_key_source::Record,
            },
            findings: u32::try_from(report.findings.len()).unwrap_or(u32::MAX),
        }
    }
}

/// One record of `ocmf_verify_batch_items` and its key. Every pointer is
/// NULL (with length 0) or points to as many readable bytes as its length
/// says; nothing needs to be NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ocmf_batch_item {
    /// The record text `OCMF|…|…` (bytes that are not UTF-8, or more than
    /// the size limit, give that record `OCMF_RESULT_NOT_UTF8` /
    /// `OCMF_RESULT_TOO_LARGE`).
    pub record: *const u8,
    /// Length of `record` in bytes.
    pub record_len: usize,
    /// A decoded key for this record, or NULL.
    pub key: *const ocmf_key,
    /// A key text for this record (hex, base64, PEM, `oca:`; binary
    /// DER/SEC1 when not UTF-8), or NULL. Equal texts are decoded once per
    /// call. Give `key` or `key_text`, not both; with neither, the key in
    /// the record's 4th section is used (else the record is
    /// `OCMF_RESULT_KEY_MISSING`).
    pub key_text: *const u8,
    /// Length of `key_text` in bytes.
    pub key_text_len: usize,
}

/// The most worker threads a batch call accepts (`threads` of
/// `ocmf_verify_batch`); more is `OCMF_RESULT_INVALID_ARGUMENT`.
pub const OCMF_BATCH_MAX_THREADS: usize = 256;

/// The checker of a batch call: profile and thread count validated.
fn batch_checker(profile: ProfileArg, threads: usize) -> Result<Checker<'static>, ocmf_result> {
    if threads > OCMF_BATCH_MAX_THREADS {
        return Err(ocmf_result::InvalidArgument);
    }
    Ok(checker(profile)?.threads(threads))
}

/// Reads a caller's `ocmf_batch_item` array as the core's batch items, in
/// the same order: every pointer checked, and an item with both a key
/// handle and a key text is `OCMF_RESULT_INVALID_ARGUMENT`, so a bad item
/// fails the call before any work is done. A key text is handed to the core
/// as key bytes (`KeyInput::Bytes`: text when UTF-8, else binary; blank is
/// no key), which decodes each distinct one once.
///
/// # Safety
/// `items` must be NULL (with `count == 0`) or point to `count` items whose
/// pointers follow `ocmf_batch_item`'s rules (a `key` must be a live key),
/// unmodified for `'a`.
unsafe fn batch_items<'a>(
    items: *const ocmf_batch_item,
    count: usize,
) -> Result<Vec<Item<'a>>, ocmf_result> {
    // SAFETY: the caller's contract.
    let raw = unsafe { array_in(items, count) }?;
    raw.iter()
        .map(|it| {
            // SAFETY: the caller's contract for each item's pointers.
            let (record, text, key) = unsafe {
                (
                    input(it.record, it.record_len)?,
                    optional_input(it.key_text, it.key_text_len)?,
                    key_input(it.key),
                )
            };
            let key = match (key, text) {
                (KeyInput::None, None) => KeyInput::None,
                (KeyInput::None, Some(text)) => KeyInput::Bytes(text),
                (key, None) => key,
                (_, Some(_)) => return Err(ocmf_result::InvalidArgument),
            };
            Ok(Item::new(record).key(key))
        })
        .collect()
}

/// Writes one `ocmf_batch_result` per report to `out`, in order.
///
/// # Safety
/// `out` must have passed [`array_out`] for `reports.len()` and be valid
/// for that many writes.
unsafe fn write_results(
    reports: &[Report<'_>],
    out: *mut ocmf_batch_result,
) -> Result<(), ocmf_result> {
    let results = reports.iter().map(ocmf_batch_result::from_report);
    // SAFETY: the caller's contract.
    unsafe { write_each(out, reports.len(), results) }
}

/// Checks `count` records, all with the same key (or each with the key it
/// carries), and writes one `ocmf_batch_result` per record to `out[i]`, in
/// input order. The answers are those of `ocmf_verify` record by record
/// (code and verdict equal); the batch is faster: it runs the core's
/// `Checker::verify_all`, which builds the key's wide tables once
/// when it signs at least 32 records, and spreads the records over
/// `threads` workers.
///
/// `records[i]` points to `record_lens[i]` bytes (NULL only with length
/// 0); bytes that are not UTF-8 or exceed the size limit give that record
/// `OCMF_RESULT_NOT_UTF8` / `OCMF_RESULT_TOO_LARGE`. `key` is the decoded
/// out-of-band key for every record, or NULL to use the key each record
/// carries in its 4th section. `profile` is an `ocmf_profile`.
///
/// `threads`: 1 checks on the calling thread (nothing is started); 0 uses
/// one worker per core from a pool that the library starts on first use
/// and keeps for the life of the process; `n` from 2 to
/// `OCMF_BATCH_MAX_THREADS` uses a pool of `n` workers, likewise started on
/// first use and kept for later calls with the same `n` (pools of up to
/// four such sizes are kept; a call with yet another size starts its
/// workers for the call and stops them when it returns). The call blocks
/// until every record is checked. Any number of threads may call it at
/// once, with the same key; calls with the same `threads` share that
/// pool's workers, which never changes an answer.
///
/// Returns `OCMF_RESULT_OK` when every result was written (whatever the
/// records' verdicts: look at `out[i].code`). Nothing is written for the
/// call's own failures: `OCMF_RESULT_INVALID_ARGUMENT` (`records`,
/// `record_lens` or `out` NULL with `count > 0`, a NULL record with a
/// non-zero length, an unknown profile, `threads` above the maximum, a
/// misaligned array) and `OCMF_RESULT_INTERNAL` (a caught panic).
/// `count == 0` returns `OCMF_RESULT_OK` and writes nothing.
///
/// # Safety
/// `records` and `record_lens` must be NULL or point to `count` readable
/// items, each record pointer NULL or pointing to its length in readable
/// bytes; `key` must be NULL or a live key from `ocmf_key_parse`; `out`
/// must be NULL or valid for `count` writes and must not overlap the
/// inputs. Nothing may modify the inputs during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_verify_batch(
    records: *const *const u8,
    record_lens: *const usize,
    count: usize,
    key: *const ocmf_key,
    profile: ProfileArg,
    threads: usize,
    out: *mut ocmf_batch_result,
) -> ocmf_result {
    guard(|| {
        let checker = batch_checker(profile, threads)?;
        array_out(out, count)?;
        // SAFETY: the caller's contract.
        let (ptrs, lens) = unsafe { (array_in(records, count)?, array_in(record_lens, count)?) };
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { key_input(key) };
        let items = ptrs
            .iter()
            .zip(lens)
            .map(|(&ptr, &len)| {
                // SAFETY: the caller's contract for each record.
                Ok(Item::new(unsafe { input(ptr, len) }?).key(key))
            })
            .collect::<Result<Vec<_>, ocmf_result>>()?;
        let reports = checker.verify_all(&items);
        // SAFETY: `out` checked by `array_out` for `count` items.
        unsafe { write_results(&reports, out) }?;
        Ok(ocmf_result::Ok)
    })
}

/// Checks `count` records, each with its own key (a decoded `ocmf_key`, a
/// key text, or the key it carries; see `ocmf_batch_item`), and writes one
/// `ocmf_batch_result` per record to `out[i]`, in input order: the
/// answers of `ocmf_verify` (for a key handle or none) and
/// `ocmf_verify_report` (for a key text) record by record. Each distinct
/// key text is decoded once; an undecodable text gives each of its records
/// the key's code (5xx, `OCMF_VERDICT_MALFORMED`) unless the record's own
/// problem comes first, as `ocmf_verify_report` does. A key (handle or
/// text) used by at least 32 records gets its wide tables built first.
///
/// `profile`, `threads`, thread-safety and blocking as `ocmf_verify_batch`.
///
/// Returns `OCMF_RESULT_OK` when every result was written; nothing is
/// written for `OCMF_RESULT_INVALID_ARGUMENT` (`items` or `out` NULL with
/// `count > 0`, a NULL pointer with a non-zero length in an item, an item
/// with both `key` and `key_text`, an unknown profile, too many threads, a
/// misaligned array) and `OCMF_RESULT_INTERNAL`.
///
/// # Safety
/// `items` must be NULL (with `count == 0`) or point to `count` items
/// whose pointers follow `ocmf_batch_item`'s rules (a `key` must be a live
/// key); `out` must be NULL or valid for `count` writes and must not
/// overlap the inputs. Nothing may modify the inputs during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_verify_batch_items(
    items: *const ocmf_batch_item,
    count: usize,
    profile: ProfileArg,
    threads: usize,
    out: *mut ocmf_batch_result,
) -> ocmf_result {
    guard(|| {
        let checker = batch_checker(profile, threads)?;
        array_out(out, count)?;
        // SAFETY: the caller's contract.
        let items = unsafe { batch_items(items, count) }?;
        let reports = checker.verify_all(&items);
        // SAFETY: `out` checked by `array_out` for `count` items.
        unsafe { write_results(&reports, out) }?;
        Ok(ocmf_result::Ok)
    })
}

/// Checks `count` records against a registry, as `ocmf_verify_trusted`
/// does one at a time, and writes one `ocmf_batch_result` per record to
/// `out[i]` and the trust in the key it was verified with to
/// `out_trust[i]`, in input order.
///
/// Each item is read as for `ocmf_verify_batch_items` (same rules, same
/// argument errors), but its key (handle or text) is the key that *came
/// with* the record, `ocmf_verify_trusted`'s `key_text`: the key registered
/// for the record's meter wins and the carried key is compared with it
/// (`OCMF_TRUST_MISMATCH` when they differ). With neither a key nor a key
/// text (or a blank key text) the key in the record's 4th section is the
/// carried key, if any. A NULL `registry` is an empty one (every key is then
/// untrusted). For each record, `out[i].code`, `out[i].verdict` and
/// `out_trust[i]` equal what `ocmf_verify_trusted` returns and writes for
/// that record, carried key and registry; the other fields of `out[i]` are
/// those of its JSON report. A record that is not UTF-8 or too large gets
/// its code and `OCMF_TRUST_UNKNOWN`.
///
/// The batch runs the core's `Checker::verify_all` with the registry: each distinct key
/// text is decoded once, and a registered key gets its wide tables once it
/// has verified 32 records of the call (they stay with the registry for
/// later calls). `profile`, `threads`, thread-safety and blocking as
/// `ocmf_verify_batch`; the registry may be shared with other calls running
/// at the same time.
///
/// Returns `OCMF_RESULT_OK` when every `out[i]` and `out_trust[i]` was
/// written: OK is about the call, not the records (look at `out[i].code`)
/// nor the keys (look at `out_trust[i]`). Nothing is written for
/// `OCMF_RESULT_INVALID_ARGUMENT` (`items`, `out` or `out_trust` NULL with
/// `count > 0`, a NULL pointer with a non-zero length in an item, an item
/// with both `key` and `key_text`, an unknown profile, too many threads, a
/// misaligned array) and `OCMF_RESULT_INTERNAL`. `count == 0` returns
/// `OCMF_RESULT_OK` and writes nothing.
///
/// # Safety
/// `items` must be NULL (with `count == 0`) or point to `count` items
/// whose pointers follow `ocmf_batch_item`'s rules (a `key` must be a live
/// key); `registry` must be NULL or a live registry from
/// `ocmf_registry_load`; `out` and `out_trust` must be NULL or valid for
/// `count` writes each, and must overlap neither each other nor the inputs.
/// Nothing may modify the inputs during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_verify_batch_trusted(
    items: *const ocmf_batch_item,
    count: usize,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    threads: usize,
    out: *mut ocmf_batch_result,
    out_trust: *mut ocmf_trust,
) -> ocmf_result {
    guard(|| {
        let checker = batch_checker(profile, threads)?;
        array_out(out, count)?;
        array_out(out_trust, count)?;
        // SAFETY: NULL or live (the caller's contract).
        let checker = checker.registry(Some(unsafe { registry_or_empty(registry) }));
        // SAFETY: the caller's contract.
        let items = unsafe { batch_items(items, count) }?;
        let reports = checker.verify_all(&items);
        let trusts = reports
            .iter()
            .map(|r| ocmf_trust::from_core(r.trust_status()));
        // SAFETY: `out` and `out_trust` checked by `array_out` for `count`
        // items; both get `reports.len()` items: when the first is written,
        // so is the second.
        unsafe {
            write_results(&reports, out)?;
            write_each(out_trust, count, trusts)?;
        }
        Ok(ocmf_result::Ok)
    })
}

#[cfg(test)]
mod tests {
    use ocmf_core::registry::Registry;
    use ocmf_core::{Algorithm, Profile, PublicKey, sign_hex};

    use super::*;
    use crate::options::ocmf_profile;
    use crate::registry::ocmf_registry_free;
    use crate::test_util::{KEYS, LOG, load};

    #[test]
    fn curves_map_one_to_one() {
        let mapped: Vec<ocmf_curve> = Curve::ALL.into_iter().map(ocmf_curve::from_core).collect();
        for (i, m) in mapped.iter().enumerate() {
            assert_ne!(*m, ocmf_curve::Unknown);
            assert!(!mapped[..i].contains(m), "{m:?} twice");
        }
    }

    /// A batch result no call writes, for the slots of the batch tests.
    const UNWRITTEN: ocmf_batch_result = ocmf_batch_result {
        code: ocmf_result::Internal,
        verdict: ocmf_verdict::Malformed,
        signature: ocmf_signature::NotChecked,
        curve: ocmf_curve::Unknown,
        key_source: ocmf_key_source::None,
        findings: 99,
    };

    #[test]
    fn batch_results_are_the_cores_reports() {
        let payload = |i: usize| {
            format!(
                r#"{{"FV":"1.0","PG":"T{i}","MS":"M","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
            )
        };
        let alg = Algorithm::ecdsa_sha256(Curve::P256);
        let mut records: Vec<String> = (0..40)
            .map(|i| sign_hex(&payload(i), "0badc0de", alg).unwrap().record)
            .collect();
        records[3] = records[3].replacen("\"RV\":3.000", "\"RV\":3.500", 1);
        records[9].truncate(20);
        let key_hex = sign_hex(&payload(0), "0badc0de", alg)
            .unwrap()
            .public_key_sec1_hex;
        let key = PublicKey::parse(&key_hex).unwrap();
        let handle = ocmf_key { key: key.clone() };
        let ptrs: Vec<*const u8> = records.iter().map(|r| r.as_ptr()).collect();
        let lens: Vec<usize> = records.iter().map(String::len).collect();
        for threads in [1, 2] {
            let mut out = vec![UNWRITTEN; records.len()];
            // SAFETY: valid arrays of `records.len()` items and a live key.
            let r = unsafe {
                ocmf_verify_batch(
                    ptrs.as_ptr(),
                    lens.as_ptr(),
                    records.len(),
                    &raw const handle,
                    ocmf_profile::Interop as u32,
                    threads,
                    out.as_mut_ptr(),
                )
            };
            assert_eq!(r, ocmf_result::Ok);
            for (rec, got) in records.iter().zip(&out) {
                let want = Checker::new().verify(rec, KeyInput::Decoded(&key));
                assert_eq!(*got, ocmf_batch_result::from_report(&want));
                assert_eq!(got.code as u32, want.code().code());
            }
            let valid = out.iter().filter(|r| r.code == ocmf_result::Ok).count();
            assert_eq!(valid, 38);
            assert_eq!(out[3].signature, ocmf_signature::Invalid);
            assert_eq!(out[0].curve, ocmf_curve::Secp256r1);
            assert_eq!(out[0].key_source, ocmf_key_source::Caller);
        }
    }

    #[test]
    fn batch_trusted_results_are_the_cores_trusted_reports() {
        let reg = load(KEYS);
        let core_reg = Registry::load(KEYS).unwrap();
        let ex = ocmf_core::transport::extract(LOG);
        // Each value with the key it carried, then each without, then a
        // record that is not UTF-8.
        let mut cases: Vec<(&[u8], Option<&str>)> = ex
            .values
            .iter()
            .map(|v| (v.record.as_bytes(), v.public_key.as_deref()))
            .collect();
        cases.extend(ex.values.iter().map(|v| (v.record.as_bytes(), None)));
        cases.push((b"OCMF|{\xff}|{}", None));
        let items: Vec<ocmf_batch_item> = cases
            .iter()
            .map(|(record, key)| ocmf_batch_item {
                record: record.as_ptr(),
                record_len: record.len(),
                key: core::ptr::null(),
                key_text: key.map_or(core::ptr::null(), str::as_ptr),
                key_text_len: key.map_or(0, str::len),
            })
            .collect();
        let single = Checker::new()
            .profile(Profile::Strict)
            .registry(Some(&core_reg));
        for threads in [1, 2] {
            let mut out = vec![UNWRITTEN; items.len()];
            let mut trust = vec![ocmf_trust::Unknown; items.len()];
            // SAFETY: valid arrays of `items.len()` items and a live registry.
            let r = unsafe {
                ocmf_verify_batch_trusted(
                    items.as_ptr(),
                    items.len(),
                    reg,
                    ocmf_profile::Strict as u32,
                    threads,
                    out.as_mut_ptr(),
                    trust.as_mut_ptr(),
                )
            };
            assert_eq!(r, ocmf_result::Ok);
            for (i, (record, key)) in cases.iter().enumerate() {
                // Record by record, as `ocmf_verify_trusted` checks it.
                let want = single.verify(*record, KeyInput::text(*key));
                assert_eq!(out[i], ocmf_batch_result::from_report(&want), "{i}");
                assert_eq!(trust[i], ocmf_trust::from_core(want.trust_status()), "{i}");
            }
            let n = ex.values.len();
            assert_eq!(trust[6], ocmf_trust::Mismatch);
            assert_eq!(trust[4], ocmf_trust::Untrusted);
            assert_eq!(trust[0], ocmf_trust::Trusted);
            assert_eq!(out[2 * n].code, ocmf_result::NotUtf8);
            assert_eq!(trust[2 * n], ocmf_trust::Unknown);
        }
        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }
}
