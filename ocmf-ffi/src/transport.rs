//! Transports: `ocmf_extract` (any supported input → signed values →
//! sessions, each checked once by the core's `Checker::sessions`) and
//! `ocmf_to_xml`; `ocmf_verify_format` and `ocmf_verify_format_session`
//! (the other signed-value formats, one value or one session).

use core::ffi::c_char;

use ocmf_core::transport::{Extraction, GroupReport, extract_bytes};

use crate::boundary::{array_in, guard, input, required, write_text};
use crate::error::ocmf_result;
use crate::key::ocmf_key;
use crate::options::{Call, LangArg, ProfileArg, call};
use crate::registry::ocmf_registry;
use crate::session::ocmf_session_verdict;
use crate::verify::ocmf_verdict;

/// Counts of an `ocmf_extract` call, so that a caller needs no JSON parser
/// for the headline.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ocmf_extract_summary {
    /// Signed values found (duplicates dropped).
    pub values: usize,
    /// Things that could not be read (one per bad line, message or element).
    pub errors: usize,
    /// Duplicate values dropped.
    pub duplicates: usize,
    /// Charging sessions (groups) the values form.
    pub sessions: usize,
    /// Sessions whose verdict is valid.
    pub valid: usize,
    /// Sessions whose verdict is incomplete.
    pub incomplete: usize,
    /// Sessions whose verdict is invalid.
    pub invalid: usize,
    /// Sessions whose verdict is malformed.
    pub malformed: usize,
}

impl ocmf_extract_summary {
    /// The counts of an extraction and of its sessions' verdicts.
    fn of(ex: &Extraction, groups: &[GroupReport<'_>]) -> Self {
        let mut summary = Self {
            values: ex.values.len(),
            errors: ex.errors.len(),
            duplicates: ex.duplicates,
            sessions: groups.len(),
            ..Self::default()
        };
        for g in groups {
            match ocmf_session_verdict::from_core(g.verdict()) {
                ocmf_session_verdict::Valid => summary.valid += 1,
                ocmf_session_verdict::Incomplete => summary.incomplete += 1,
                ocmf_session_verdict::Invalid => summary.invalid += 1,
                ocmf_session_verdict::Malformed => summary.malformed += 1,
            }
        }
        summary
    }
}

/// The code of the first thing in an extraction's input that could not be
/// read, or `OCMF_RESULT_OK`.
fn first_error(ex: &Extraction) -> ocmf_result {
    ex.errors
        .first()
        .map_or(ocmf_result::Ok, |e| ocmf_result::from_core(e.code))
}

/// Reads any supported input (an OCPP-J log, one OCPP message, the
/// transparency software's XML, the PTB container, OCPI/OICP charge detail
/// records, `OCMF|…` or hex records one per line; detected), extracts every signed value byte-exact, sorts
/// the values into charging sessions and checks each session as
/// `ocmf_session_evaluate` does (each value's carried key goes with it).
/// Writes the canonical JSON `{"extraction": {format, values, errors,
/// duplicates, groups}, "sessions": [{station, transaction_id, evse, evse_id,
/// token, values, report, formats, format_session, verdict}]}` plus a NUL
/// into `buf`, and, when `out_summary` is not NULL, the counts of the
/// groups' `verdict`s (of the same evaluation: each session is checked
/// once). A group's values in other formats than OCMF are checked as one
/// format session (`format_session`, as `ocmf_verify_format_session`);
/// its `verdict` is the OCMF session's, the format session's, or the worse.
///
/// `key`, `registry`, `profile`, `lang` as for `ocmf_session_evaluate`.
///
/// Returns `OCMF_RESULT_OK` when the whole input was read, else the code of
/// the first thing that could not be read (`OCMF_RESULT_TRANSPORT_FORMAT`
/// 805, `_XML_FORMAT` 806, `_UNSUPPORTED_ENCODING` 807 (a CDR's value not in
/// OCMF), `_NOT_UTF8` 102, `_TOO_LARGE` 101; its line is in
/// the JSON's `errors`): what could be read is still extracted, and for
/// these codes the JSON and the summary were written. Nothing is written for
/// `OCMF_RESULT_INVALID_ARGUMENT`, `_INTERNAL` and `_BUFFER_TOO_SMALL`
/// (which writes only `*out_len`, the capacity needed).
///
/// # Safety
/// `input_data` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `key` and `registry` must be NULL or live handles; `out_summary` must be
/// NULL or valid for one write; `buf` must be NULL or valid for `cap`
/// writes; `out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_extract(
    input_data: *const u8,
    len: usize,
    key: *const ocmf_key,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    lang: LangArg,
    out_summary: *mut ocmf_extract_summary,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        // SAFETY: NULL or live handles (the caller's contract).
        let Call { lang, key, checker } = unsafe { call(key, registry, profile, lang) }?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(input_data, len) }?;
        let ex = extract_bytes(bytes);
        let groups = checker.sessions(&ex, key)?;
        let json = ex.json_with_sessions(&groups, lang).to_string();
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        if !out_summary.is_null() {
            // SAFETY: checked non-null; the caller guarantees validity.
            unsafe { *out_summary = ocmf_extract_summary::of(&ex, &groups) };
        }
        Ok(first_error(&ex))
    })
}

/// Reads any supported input, as `ocmf_extract` does, and writes its signed
/// values as the reference transparency software's XML (`<values><value
/// transactionId=… context=…><signedData format="OCMF" encoding="plain">…
/// </signedData><publicKey>…</publicKey></value>…</values>`; records
/// byte-exact) plus a NUL into `buf`. The XML reads back with
/// `ocmf_extract` into the same sessions.
///
/// Returns `OCMF_RESULT_OK`, or the code of the first thing in the input
/// that could not be read (805, 806, 807, 102, 101), with the XML of the values
/// that could be read written all the same; `OCMF_RESULT_BUFFER_TOO_SMALL`
/// writes only `*out_len` (the capacity needed).
///
/// # Safety
/// `input_data` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `buf` must be NULL or valid for `cap` writes; `out_len` must be NULL or
/// valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_to_xml(
    input_data: *const u8,
    len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(input_data, len) }?;
        let ex = extract_bytes(bytes);
        // SAFETY: the caller's contract.
        unsafe { write_text(&ex.to_xml(), buf, cap, out_len) }?;
        Ok(first_error(&ex))
    })
}

/// Joins a ChargePoint value's two files as users have them, the
/// `secrrct` file and its `secrrct.sign` (binary DER, hex or base64), by
/// the core's rule into the value `ocmf_verify_format` takes, and writes
/// it plus a NUL into `buf`. A wrong file is the check's typed answer.
///
/// Returns `OCMF_RESULT_OK`; `OCMF_RESULT_INVALID_ARGUMENT` for a NULL
/// `out_len` or a NULL pointer with a non-zero length (nothing written);
/// `OCMF_RESULT_BUFFER_TOO_SMALL` writes only `*out_len` (the capacity
/// needed).
///
/// # Safety
/// `secrrct` must be NULL (with `secrrct_len == 0`) or point to
/// `secrrct_len` readable bytes, and likewise `signature`; `buf` must be
/// NULL or valid for `cap` writes; `out_len` must be NULL or valid for one
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_chargepoint_value(
    secrrct: *const u8,
    secrrct_len: usize,
    signature: *const u8,
    signature_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        // SAFETY: the caller's contract.
        let (document, sig) = unsafe {
            (
                input(secrrct, secrrct_len)?,
                input(signature, signature_len)?,
            )
        };
        let value = ocmf_core::formats::chargepoint_value(document, sig);
        // SAFETY: the caller's contract.
        unsafe { write_text(&value, buf, cap, out_len) }?;
        Ok(ocmf_result::Ok)
    })
}

#[cfg(test)]
mod tests {
    use ocmf_core::registry::Registry;
    use ocmf_core::transport::extract;
    use ocmf_core::{Checker, KeyInput, Lang};

    use super::*;
    use crate::options::{ocmf_lang, ocmf_profile};
    use crate::registry::ocmf_registry_free;
    use crate::test_util::{KEYS, LOG, load, text_of};

    #[test]
    fn extract_is_the_cores_json_byte_for_byte() {
        let reg = load(KEYS);
        let core_reg = Registry::load(KEYS).unwrap();
        for (lang, l) in [(Lang::En, ocmf_lang::En), (Lang::De, ocmf_lang::De)] {
            let mut summary = ocmf_extract_summary::default();
            let (code, json) = text_of(|buf, cap, len| {
                // SAFETY: valid slices, handles and out-params.
                unsafe {
                    ocmf_extract(
                        LOG.as_ptr(),
                        LOG.len(),
                        core::ptr::null(),
                        reg,
                        ocmf_profile::Interop as u32,
                        l as u32,
                        &raw mut summary,
                        buf,
                        cap,
                        len,
                    )
                }
            });
            let ex = extract(LOG);
            let groups = Checker::new()
                .registry(Some(&core_reg))
                .sessions(&ex, KeyInput::None)
                .unwrap();
            assert_eq!(json, ex.json_with_sessions(&groups, lang).to_string());
            // The log's line 14 is a truncated frame.
            assert_eq!(code, ocmf_result::from_core(ex.errors[0].code));
            assert_eq!(code, ocmf_result::TransportFormat);
            assert_eq!(
                summary,
                ocmf_extract_summary {
                    values: 9,
                    errors: 1,
                    duplicates: 1,
                    sessions: 5,
                    valid: 3,
                    incomplete: 1,
                    invalid: 1,
                    malformed: 0,
                }
            );
        }
        let (code, xml) = text_of(|buf, cap, len| {
            // SAFETY: valid slices and out-params.
            unsafe { ocmf_to_xml(LOG.as_ptr(), LOG.len(), buf, cap, len) }
        });
        assert_eq!(xml, extract(LOG).to_xml());
        assert_eq!(code, ocmf_result::TransportFormat);
        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }
}

/// Reads and verifies a signed meter value in one of the formats other
/// than OCMF (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF,
/// EMH chargeIT, BAUER BSM-WS36A, ChargePoint), detecting which, and writes the core's
/// canonical JSON answer (one line, the same bytes as `ocmf verify --json`
/// and every other binding) plus a NUL into `buf`.
///
/// `key` is the caller's key, or NULL for the key the value carries. With a
/// `registry` its key for the value's meter is used and the JSON's `trust`
/// says whether the carried or given key is that key. `profile` carries the
/// `ocmf_backend` flags (the profile itself does not apply to these
/// formats); `lang` is an `ocmf_lang`.
///
/// Returns the answer's code, as `ocmf_verify` does: `OCMF_RESULT_OK` for a
/// valid value, `OCMF_RESULT_INVALID_SIGNATURE` 600, a key code (5xx), or a
/// value that cannot be read or that the format rejects (900-911,
/// `OCMF_RESULT_FORMAT_*`, `OCMF_RESULT_PCDF_*`); for all of them the JSON
/// was written and `*out_verdict` (when not NULL) holds the verdict.
/// 7xx codes (NULL `out_len`, NULL `input_data` with non-zero length,
/// unknown flags, caught panic) write nothing;
/// `OCMF_RESULT_BUFFER_TOO_SMALL` writes only `*out_len` (the capacity needed).
///
/// # Safety
/// `input_data` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `key` and `registry` must be NULL or live handles; `out_verdict` must be
/// NULL or valid for one write; `buf` must be NULL or valid for `cap`
/// writes; `out_len` must be valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_verify_format(
    input_data: *const u8,
    len: usize,
    key: *const ocmf_key,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    lang: LangArg,
    out_verdict: *mut ocmf_verdict,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        // SAFETY: NULL or live handles (the caller's contract).
        let Call { lang, key, checker } = unsafe { call(key, registry, profile, lang) }?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(input_data, len) }?;
        let check = checker.verify_format(bytes, key);
        // SAFETY: the caller's contract.
        unsafe { write_text(&check.to_json_string(lang), buf, cap, out_len) }?;
        if !out_verdict.is_null() {
            // SAFETY: checked non-null; the caller guarantees validity.
            unsafe { *out_verdict = ocmf_verdict::from_core(check.verdict()) };
        }
        Ok(ocmf_result::from_core(check.error_code()))
    })
}

/// One value of a session in the other formats (see
/// `ocmf_verify_format_session`): NULL with length 0, or `value_len`
/// readable bytes (nothing needs to be NUL-terminated).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ocmf_format_value {
    /// The value as a user has it (an `AP;` line, SML hex or base64, PCDF
    /// text, the vendor's XML or JSON).
    pub value: *const u8,
    /// Length of `value` in bytes.
    pub value_len: usize,
}

/// Checks the values of one charging session in one of the other formats
/// together, as the core's `Checker::format_session`: each value as
/// `ocmf_verify_format` checks it, then one format, one meter and one key,
/// exactly one start and one stop reading, values and times that never go
/// back, and the energy as exact decimal text in kWh and Wh. Writes the
/// session verdict to `*out_verdict` and the core's canonical JSON (one
/// line, the same bytes as `ocmf session --json` and every other binding)
/// plus a NUL into `buf`.
///
/// `values` is an array of `count` values, in session order (NULL with 0:
/// the session is empty). `key`, `registry`, `profile` and `lang` are as
/// for `ocmf_verify_format` (the profile sets the findings' severities).
///
/// Returns the session's code, as `ocmf_session_evaluate` does:
/// `OCMF_RESULT_OK` for a valid session, else the reason
/// (`OCMF_RESULT_SESSION_EMPTY` 800, `_SESSION_INCONSISTENT` 801, a value's
/// own code such as 600 or 900-911, a key code); for all of these the
/// verdict and the JSON were written. 7xx codes (a NULL out-parameter, a
/// NULL pointer with a length, unknown flags, caught panic) write nothing;
/// `OCMF_RESULT_BUFFER_TOO_SMALL` writes only `*out_len`.
///
/// # Safety
/// `values` must be NULL (with `count == 0`) or point to `count` values
/// whose pointers follow `ocmf_format_value`'s rules; `key` and `registry`
/// must be NULL or live handles; `out_verdict` must be valid for one write;
/// `buf` must be NULL or valid for `cap` writes; `out_len` must be valid
/// for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_verify_format_session(
    values: *const ocmf_format_value,
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
        let raw = unsafe { array_in(values, count) }?;
        let mut bytes = Vec::with_capacity(raw.len());
        for v in raw {
            // SAFETY: the caller's contract for each value's pointer.
            bytes.push(unsafe { input(v.value, v.value_len) }?);
        }
        let session = checker.format_session(&bytes, key);
        // SAFETY: the caller's contract.
        unsafe { write_text(&session.to_json_string(lang), buf, cap, out_len) }?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_verdict = ocmf_session_verdict::from_core(session.verdict) };
        Ok(ocmf_result::from_core(session.code()))
    })
}
