//! One record: `ocmf_verify` (verdict), `ocmf_verify_report` (JSON),
//! `ocmf_verify_trusted` (against a registry) and `ocmf_inspect` (the
//! payload, unverified). Each is one call of the core's `Checker::verify`
//! (or its reading layer for `ocmf_inspect`).

use core::ffi::c_char;

use ocmf_core::{KeyInput, Options, Verdict, parse_bytes, payload_json};

use crate::boundary::{guard, input, optional_input, required, write_text};
use crate::error::ocmf_result;
use crate::key::{key_input, ocmf_key};
use crate::options::{LangArg, ProfileArg, checker, lang_of};
use crate::registry::{ocmf_registry, ocmf_trust, registry_or_empty};

/// The verdict of one record (see `ocmf_verify`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_verdict {
    /// The signature verifies and the record passes the profile's checks.
    Valid = 0,
    /// The record could be read, but the signature does not verify.
    InvalidSignature = 1,
    /// The record, its signature encoding or the key cannot be read.
    Malformed = 2,
    /// Unsupported algorithm, format version or key curve, or no key given.
    Unsupported = 3,
}

impl ocmf_verdict {
    pub(crate) fn from_core(v: Verdict) -> Self {
        match v {
            Verdict::Valid => Self::Valid,
            Verdict::InvalidSignature => Self::InvalidSignature,
            Verdict::Unsupported => Self::Unsupported,
            // `Verdict` is non-exhaustive: anything new is "cannot be read".
            _ => Self::Malformed,
        }
    }
}

/// Checks one record and writes its verdict.
///
/// `key` is the decoded out-of-band key, or NULL to use a key embedded in the
/// record (else the verdict is `OCMF_VERDICT_UNSUPPORTED` with
/// `OCMF_RESULT_KEY_MISSING`). `profile` is an `ocmf_profile`.
///
/// Returns the report's code: `OCMF_RESULT_OK` for a valid record, else the
/// reason (600 invalid signature, 1xx-5xx malformed/unsupported). For every
/// code below 700 a report was made and `*out_verdict` is written (a
/// non-valid record is a successful check). For 7xx codes (NULL
/// `out_verdict`, NULL `record` with non-zero length, unknown profile,
/// caught panic) nothing is written.
///
/// # Safety
/// `record` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `key` must be NULL or a live key from `ocmf_key_parse`; `out_verdict`
/// must be NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_verify(
    record: *const u8,
    len: usize,
    key: *const ocmf_key,
    profile: ProfileArg,
    out_verdict: *mut ocmf_verdict,
) -> ocmf_result {
    guard(|| {
        if out_verdict.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let checker = checker(profile)?;
        // SAFETY: the caller's contract (twice).
        let (bytes, key) = unsafe { (input(record, len)?, key_input(key)) };
        let report = checker.verify(bytes, key);
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_verdict = ocmf_verdict::from_core(report.verdict) };
        Ok(ocmf_result::from_core(report.code()))
    })
}

/// Checks one record and writes the canonical JSON report (one line, the
/// same bytes as the CLI and every other binding) plus a NUL into `buf`.
///
/// `key_text` is the out-of-band key as text (or binary DER/SEC1 when not
/// UTF-8), or NULL for none. An unreadable key never hides an unsupported
/// or malformed record: the record's own verdict wins. `profile` is an
/// `ocmf_profile`, `lang` an `ocmf_lang` (for the messages in the report).
///
/// Returns the report's code, as `ocmf_verify`; for every code below 700 the
/// JSON was written and `*out_len` holds its length (without the NUL).
/// `OCMF_RESULT_BUFFER_TOO_SMALL`: `buf` is NULL or `cap` is too small;
/// nothing is written to `buf`, and `*out_len` receives the capacity needed
/// (length + 1): call again with a buffer that large.
///
/// # Safety
/// `record` and `key_text` must be NULL (a NULL `record` with `len == 0`) or
/// point to as many readable bytes as their lengths say; `buf` must be NULL
/// or valid for `cap` writes; `out_len` must be valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_verify_report(
    record: *const u8,
    len: usize,
    key_text: *const u8,
    key_len: usize,
    profile: ProfileArg,
    lang: LangArg,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        let checker = checker(profile)?;
        let lang = lang_of(lang)?;
        // SAFETY: the caller's contract.
        let (bytes, key) = unsafe { (input(record, len)?, optional_input(key_text, key_len)?) };
        let report = checker.verify(bytes, key.map_or(KeyInput::None, KeyInput::Bytes));
        let json = report.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        Ok(ocmf_result::from_core(report.code()))
    })
}

/// Checks one record against a registry: it is verified with the key
/// registered for its meter (`MS`, `GS`) when the registry has one, else with
/// the key that came with it (`key_text`, else a key in a 4th record
/// section), and the trust in that key is decided (`ocmf_trust`). Writes the
/// canonical JSON report (`ocmf_verify_report`'s, plus `trust`,
/// `key_fingerprint`, `carried_key_fingerprint`, `carried_key_error`,
/// `record_time_ms`) plus a NUL into `buf`, and the trust to `*out_trust`.
///
/// `key_text` is the key that came with the record (text, or binary
/// DER/SEC1 when not UTF-8), or NULL. A NULL `registry` is an empty one
/// (every key is then untrusted). `profile` is an `ocmf_profile`, `lang` an
/// `ocmf_lang`.
///
/// Returns the record report's code, as `ocmf_verify_report`: OK means the
/// signature verifies and the record passes the profile, *not* that the key
/// is trusted: look at `*out_trust`. For every code below 700 the JSON and
/// `*out_trust` were written and `*out_len` holds the JSON's length.
/// `OCMF_RESULT_BUFFER_TOO_SMALL`: only `*out_len` is written (the capacity
/// needed). `OCMF_RESULT_INVALID_ARGUMENT`: a NULL `out_trust` or `out_len`,
/// NULL `record` with a length, unknown profile or language.
///
/// # Safety
/// `record` and `key_text` must be NULL (a NULL `record` with `len == 0`) or
/// point to as many readable bytes as their lengths say; `registry` must be
/// NULL or a live registry; `out_trust` must be NULL or valid for one write;
/// `buf` must be NULL or valid for `cap` writes; `out_len` must be NULL or
/// valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_verify_trusted(
    record: *const u8,
    len: usize,
    key_text: *const u8,
    key_len: usize,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    lang: LangArg,
    out_trust: *mut ocmf_trust,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        required(out_trust)?;
        let lang = lang_of(lang)?;
        // SAFETY: NULL or live (the caller's contract).
        let checker = checker(profile)?.registry(Some(unsafe { registry_or_empty(registry) }));
        // SAFETY: the caller's contract.
        let (bytes, key) = unsafe { (input(record, len)?, optional_input(key_text, key_len)?) };
        let report = checker.verify(bytes, key.map_or(KeyInput::None, KeyInput::Bytes));
        let json = report.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_trust = ocmf_trust::from_core(report.trust_status()) };
        Ok(ocmf_result::from_core(report.code()))
    })
}

/// Parses a record (no signature check) and writes the JSON view of its
/// payload (readable names, readings resolved, values as exact decimal
/// text) plus a NUL into `buf`.
///
/// `lang` (an `ocmf_lang`) is validated and reserved for localized fields;
/// the view currently has none. Returns `OCMF_RESULT_OK` with `*out_len` =
/// the length (without NUL), the parse error's code (1xx-3xx; nothing
/// written), or `OCMF_RESULT_BUFFER_TOO_SMALL` with `*out_len` = the
/// capacity needed.
///
/// # Safety
/// As `ocmf_verify_report`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_inspect(
    record: *const u8,
    len: usize,
    lang: LangArg,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        lang_of(lang)?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(record, len) }?;
        let parsed = parse_bytes(bytes, &Options::default())?;
        let json = payload_json(&parsed.payload).to_string();
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        Ok(ocmf_result::Ok)
    })
}

#[cfg(test)]
mod tests {
    use ocmf_core::registry::Registry;
    use ocmf_core::transport::extract;
    use ocmf_core::{Checker, Lang, Profile};

    use super::*;
    use crate::options::{ocmf_lang, ocmf_profile};
    use crate::registry::ocmf_registry_free;
    use crate::test_util::{KEYS, LOG, load, text_of};

    #[test]
    fn trusted_report_is_the_cores() {
        let reg = load(KEYS);
        let core_reg = Registry::load(KEYS).unwrap();
        let ex = extract(LOG);
        let v = &ex.values[ex.groups()[0].values[0]];
        let mut trust = ocmf_trust::Unknown;
        let (code, json) = text_of(|buf, cap, len| {
            // SAFETY: valid slices, handles and out-params.
            unsafe {
                ocmf_verify_trusted(
                    v.record.as_ptr(),
                    v.record.len(),
                    core::ptr::null(),
                    0,
                    reg,
                    ocmf_profile::Strict as u32,
                    ocmf_lang::En as u32,
                    &raw mut trust,
                    buf,
                    cap,
                    len,
                )
            }
        });
        let want = Checker::new()
            .profile(Profile::Strict)
            .registry(Some(&core_reg))
            .verify(&v.record, KeyInput::None);
        assert_eq!(json, want.to_json_string(Lang::En));
        assert_eq!(code, ocmf_result::from_core(want.code()));
        assert_eq!(trust, ocmf_trust::Trusted);
        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }
}
