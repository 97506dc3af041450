//! One charging session: `ocmf_session_evaluate`, one call of the core's
//! `Checker::session`.

use core::ffi::c_char;

use ocmf_core::PublicKey;
use ocmf_core::session::{SessionRecord, SessionVerdict};

use crate::boundary::{array_in, guard, input, optional_input, required, write_text};
use crate::error::ocmf_result;
use crate::key::ocmf_key;
use crate::options::{Call, LangArg, ProfileArg, call};
use crate::registry::ocmf_registry;

/// The verdict on a whole charging session (see `ocmf_session_evaluate`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_session_verdict {
    /// All records verify and agree; the energy may be billed.
    Valid = 0,
    /// Something needed is missing (begin, end, a key); nothing contradicts.
    Incomplete = 1,
    /// The records could be read, but something is wrong.
    Invalid = 2,
    /// No records, or a record cannot be read.
    Malformed = 3,
}

impl ocmf_session_verdict {
    pub(crate) fn from_core(v: SessionVerdict) -> Self {
        match v {
            SessionVerdict::Valid => Self::Valid,
            SessionVerdict::Incomplete => Self::Incomplete,
            SessionVerdict::Invalid => Self::Invalid,
            // `SessionVerdict` is non-exhaustive: anything new is "cannot be read".
            _ => Self::Malformed,
        }
    }
}

/// One record of a session, as received (see `ocmf_session_evaluate`).
/// Every pointer is NULL (with length 0) or points to as many readable bytes
/// as its length says; nothing needs to be NUL-terminated.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ocmf_session_record {
    /// The record text `OCMF|…|…` (UTF-8).
    pub record: *const u8,
    /// Length of `record` in bytes.
    pub record_len: usize,
    /// The key text that came with the record (e.g. the OCPP message's
    /// `publicKey`), or NULL; bytes that are not UTF-8 are binary DER/SEC1.
    pub key: *const u8,
    /// Length of `key` in bytes.
    pub key_len: usize,
    /// A label echoed in the report (file name, message id), or NULL.
    pub label: *const u8,
    /// Length of `label` in bytes.
    pub label_len: usize,
}

/// Checks the records of one charging session together: each record on its
/// own (with the registry's key, as `ocmf_verify_trusted`), then against
/// each other (pagination, one meter and key, begin and end readings,
/// monotonic values and times, meter status, identification, cable loss).
/// Records may come in any order. Writes the session verdict to
/// `*out_verdict` and the canonical session JSON (verdict, code, energy in
/// kWh and Wh as exact decimal text, start, end, duration, trust, findings
/// with severity, record index, span and English and German messages,
/// per-record reports) plus a NUL into `buf`.
///
/// `records` is an array of `count` records (NULL with 0: the session is
/// empty). `key` is a key the user gave for every record (it overrides the
/// records' own keys and is compared with the registry), or NULL.
/// `registry` may be NULL (no trusted keys). `profile` is an `ocmf_profile`,
/// `lang` an `ocmf_lang` (the per-finding messages carry both languages).
///
/// Returns the session's code: `OCMF_RESULT_OK` for a valid session, else
/// the reason (`OCMF_RESULT_SESSION_EMPTY` 800, `_SESSION_INCONSISTENT` 801,
/// a record's code such as 600 or 1xx, a key code such as 500, …); for all
/// of these the verdict and the JSON were written and `*out_len` holds the
/// JSON's length. Nothing is written for the failures of the call itself:
/// `OCMF_RESULT_INVALID_ARGUMENT` (a NULL out-parameter, a NULL pointer with
/// a length, unknown profile or language), `OCMF_RESULT_NOT_UTF8` (a
/// record's bytes are not UTF-8: the core checks sessions of text records),
/// `OCMF_RESULT_INTERNAL`, and `OCMF_RESULT_BUFFER_TOO_SMALL`, which writes
/// only `*out_len` (the capacity needed).
///
/// # Safety
/// `records` must be NULL (with `count == 0`) or point to `count` records
/// whose pointers follow `ocmf_session_record`'s rules; `key` and
/// `registry` must be NULL or live handles; `out_verdict` must be NULL or
/// valid for one write; `buf` must be NULL or valid for `cap` writes;
/// `out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_session_evaluate(
    records: *const ocmf_session_record,
    count: usize,
    key: *const ocmf_key,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    lang: LangArg,
    out_verdict: *mut ocmf_session_verdict,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        required(out_verdict)?;
        // SAFETY: NULL or live handles (the caller's contract).
        let Call { lang, key, checker } = unsafe { call(key, registry, profile, lang) }?;
        // SAFETY: the caller's contract.
        let raw = unsafe { array_in(records, count) }?;
        let mut owned = Vec::with_capacity(raw.len());
        for r in raw {
            // SAFETY: the caller's contract for each record's three pointers.
            let (rec, key, label) = unsafe {
                (
                    input(r.record, r.record_len)?,
                    optional_input(r.key, r.key_len)?,
                    optional_input(r.label, r.label_len)?,
                )
            };
            let rec = core::str::from_utf8(rec).map_err(|_| ocmf_result::NotUtf8)?;
            owned.push((
                rec,
                key.map(PublicKey::input_as_text),
                label.map(String::from_utf8_lossy),
            ));
        }
        let session: Vec<SessionRecord<'_>> = owned
            .iter()
            .map(|(record, key, label)| SessionRecord {
                record,
                key: key.as_deref(),
                label: label.as_deref(),
            })
            .collect();
        let report = checker.session(&session, key)?;
        let json = report.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_verdict = ocmf_session_verdict::from_core(report.verdict) };
        Ok(ocmf_result::from_core(report.code()))
    })
}

#[cfg(test)]
mod tests {
    use ocmf_core::registry::Registry;
    use ocmf_core::{Checker, KeyInput, Lang};

    use super::*;
    use crate::options::{ocmf_lang, ocmf_profile};
    use crate::registry::ocmf_registry_free;
    use crate::test_util::{KEYS, LOG, load, text_of};

    #[test]
    fn session_report_is_the_cores() {
        let reg = load(KEYS);
        let core_reg = Registry::load(KEYS).unwrap();
        let ex = ocmf_core::transport::extract(LOG);
        let group = &ex.groups()[0];
        let values: Vec<&ocmf_core::transport::SignedValue> =
            group.values.iter().map(|&i| &ex.values[i]).collect();
        // Reversed: the session orders by pagination.
        let records: Vec<ocmf_session_record> = values
            .iter()
            .rev()
            .map(|v| ocmf_session_record {
                record: v.record.as_ptr(),
                record_len: v.record.len(),
                key: v
                    .public_key
                    .as_ref()
                    .map_or(core::ptr::null(), |k| k.as_ptr()),
                key_len: v.public_key.as_ref().map_or(0, String::len),
                label: c"lbl".as_ptr().cast(),
                label_len: 3,
            })
            .collect();
        let mut verdict = ocmf_session_verdict::Malformed;
        let (code, json) = text_of(|buf, cap, len| {
            // SAFETY: valid slices, handles and out-params.
            unsafe {
                ocmf_session_evaluate(
                    records.as_ptr(),
                    records.len(),
                    core::ptr::null(),
                    reg,
                    ocmf_profile::Interop as u32,
                    ocmf_lang::De as u32,
                    &raw mut verdict,
                    buf,
                    cap,
                    len,
                )
            }
        });
        let core_records: Vec<SessionRecord<'_>> = values
            .iter()
            .rev()
            .map(|v| SessionRecord {
                record: &v.record,
                key: v.public_key.as_deref(),
                label: Some("lbl"),
            })
            .collect();
        let report = Checker::new()
            .registry(Some(&core_reg))
            .session(&core_records, KeyInput::None)
            .unwrap();
        assert_eq!(json, report.to_json_string(Lang::De));
        assert_eq!(
            (code, verdict),
            (ocmf_result::Ok, ocmf_session_verdict::Valid)
        );
        assert_eq!(
            report.energy.as_ref().map(|e| e.kwh.to_string()).as_deref(),
            Some("22.3242")
        );

        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }
}
