//! `ocmf_registry`: trusted keys read by the core's `Registry::load_bytes`
//! (JSON or CSV; bytes that are not UTF-8 are the core's typed error with
//! its line), and `ocmf_trust`, the key decision of a report.

use core::ffi::c_char;

use ocmf_core::registry::{Registry, Trust};

use crate::boundary::{free_handle, give_handle, guard, input, required, write_text};
use crate::error::ocmf_result;
use crate::options::{LangArg, lang_of};

/// A set of trusted keys (meter serial → public key, with validity windows),
/// read from the JSON or CSV registry format (`docs/registry-formats.md`).
///
/// Opaque and immutable once loaded: one registry may be used by any number
/// of threads at the same time (every function takes it as `const`). Create
/// with `ocmf_registry_load`, release with `ocmf_registry_free` once, after
/// every thread is done with it.
pub struct ocmf_registry {
    pub(crate) registry: Registry,
}

/// How far the key a record was verified with can be trusted (see
/// `ocmf_verify_trusted`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_trust {
    /// A key registered for the record's meter, valid at the record's time.
    Trusted = 0,
    /// The registry has no entry for the meter; the key came with the
    /// record (or from the caller): the signature shows the data is
    /// unchanged, not who signed it.
    Untrusted = 1,
    /// The meter is registered with another key than the one that came with
    /// the record; the record was verified with the registered key.
    Mismatch = 2,
    /// The registered key was outside its validity window at the record's time.
    Expired = 3,
    /// No key at all.
    Unknown = 4,
}

impl ocmf_trust {
    pub(crate) fn from_core(t: &Trust) -> Self {
        match t {
            Trust::Trusted { .. } => Self::Trusted,
            Trust::Untrusted => Self::Untrusted,
            Trust::Mismatch { .. } => Self::Mismatch,
            Trust::Expired { .. } => Self::Expired,
            // `Trust` is non-exhaustive: anything new trusts nothing.
            _ => Self::Unknown,
        }
    }
}

/// The registry behind a handle, or the empty registry for NULL (every key
/// is then untrusted).
///
/// # Safety
/// `registry` must be NULL or a live registry from `ocmf_registry_load`.
pub(crate) unsafe fn registry_or_empty<'a>(registry: *const ocmf_registry) -> &'a Registry {
    static EMPTY: Registry = Registry::new();
    // SAFETY: NULL or live (the caller's contract).
    unsafe { registry_ref(registry) }.unwrap_or(&EMPTY)
}

/// The registry behind a handle, `None` for NULL (no registry).
///
/// # Safety
/// As [`registry_or_empty`].
pub(crate) unsafe fn registry_ref<'a>(registry: *const ocmf_registry) -> Option<&'a Registry> {
    // SAFETY: NULL or live (the caller's contract).
    unsafe { registry.as_ref() }.map(|r| &r.registry)
}

/// Reads a trusted-key registry, JSON or CSV (`docs/registry-formats.md`;
/// a file whose first non-blank character is `{` or `[` is JSON), UTF-8 with
/// an optional byte-order mark. On success `*out` receives a new registry,
/// to be released with `ocmf_registry_free`.
///
/// Returns `OCMF_RESULT_OK`, `OCMF_RESULT_REGISTRY_FORMAT` (802) for a file
/// that cannot be read (syntax, unknown column or member, a key that cannot
/// be decoded, a bad time or window, an empty file),
/// `OCMF_RESULT_NOT_UTF8` (102) for bytes that are not UTF-8, or
/// `OCMF_RESULT_INVALID_ARGUMENT` for a NULL `out` (or NULL `data` with a
/// non-zero length); `*out` is written only on success. When `err_line` is
/// not NULL it receives the 1-based line of the problem for 802 and 102,
/// and 0 otherwise. `ocmf_registry_error_message` gives the full message
/// (line, column, field, cause).
///
/// # Safety
/// `data` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `out` must be NULL or valid for one pointer write; `err_line` must be
/// NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_registry_load(
    data: *const u8,
    len: usize,
    out: *mut *mut ocmf_registry,
    err_line: *mut usize,
) -> ocmf_result {
    guard(|| {
        let report_line = |line: usize| {
            if !err_line.is_null() {
                // SAFETY: checked non-null; the caller guarantees validity.
                unsafe { *err_line = line };
            }
        };
        report_line(0);
        if out.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(data, len) }?;
        let registry = Registry::load_bytes(bytes).map_err(|e| {
            report_line(e.line);
            ocmf_result::from_core(e.code())
        })?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { give_handle(ocmf_registry { registry }, out) };
        Ok(ocmf_result::Ok)
    })
}

/// Writes the message of the problem `ocmf_registry_load` finds in the same
/// bytes, in a language (`ocmf_lang`), plus a NUL into `buf`, e.g.
/// `key registry cannot be read: line 2, column 4: public key cannot be
/// decoded (public_key): …`.
///
/// Returns the code `ocmf_registry_load` returns for these bytes: for 802
/// and 102 the message is written, for `OCMF_RESULT_OK` (the bytes load) an
/// empty string; `*out_len` holds its length. `OCMF_RESULT_BUFFER_TOO_SMALL`:
/// `*out_len` receives the capacity needed, `buf` is untouched.
///
/// # Safety
/// As `ocmf_registry_load` for `data`; `buf` must be NULL or valid for
/// `cap` writes; `out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_registry_error_message(
    data: *const u8,
    len: usize,
    lang: LangArg,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        let lang = lang_of(lang)?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(data, len) }?;
        let (code, message) = match Registry::load_bytes(bytes) {
            Ok(_) => (ocmf_result::Ok, String::new()),
            Err(e) => (ocmf_result::from_core(e.code()), e.message(lang)),
        };
        // SAFETY: the caller's contract.
        unsafe { write_text(&message, buf, cap, out_len) }?;
        Ok(code)
    })
}

/// Writes the number of keys in a registry to `*out_count`.
///
/// Returns `OCMF_RESULT_OK`, or `OCMF_RESULT_INVALID_ARGUMENT` for a NULL
/// argument (nothing written).
///
/// # Safety
/// `registry` must be NULL or a live registry; `out_count` must be NULL or
/// valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_registry_len(
    registry: *const ocmf_registry,
    out_count: *mut usize,
) -> ocmf_result {
    guard(|| {
        // SAFETY: NULL or live (the caller's contract).
        let registry = unsafe { registry.as_ref() }.ok_or(ocmf_result::InvalidArgument)?;
        if out_count.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_count = registry.registry.len() };
        Ok(ocmf_result::Ok)
    })
}

/// Releases a registry from `ocmf_registry_load`. NULL is accepted and ignored.
///
/// # Safety
/// `registry` must be NULL or a registry from `ocmf_registry_load` not yet
/// freed, and no other thread may still be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_registry_free(registry: *mut ocmf_registry) {
    // SAFETY: the caller's contract.
    unsafe { free_handle(registry) }
}

#[cfg(test)]
mod tests {
    use ocmf_core::Lang;

    use super::*;
    use crate::options::ocmf_lang;
    use crate::test_util::text_of;

    #[test]
    fn registry_errors_carry_code_line_and_message() {
        let bad = "meter_serial,public_key\nX1,not-a-key\n";
        let mut reg = core::ptr::null_mut::<ocmf_registry>();
        let mut line = 0;
        // SAFETY: valid slices and out-params.
        let r = unsafe { ocmf_registry_load(bad.as_ptr(), bad.len(), &raw mut reg, &raw mut line) };
        assert_eq!(
            (r, line, reg.is_null()),
            (ocmf_result::RegistryFormat, 2, true)
        );
        let (code, msg) = text_of(|buf, cap, len| {
            // SAFETY: valid slices and out-params.
            unsafe {
                ocmf_registry_error_message(
                    bad.as_ptr(),
                    bad.len(),
                    ocmf_lang::De as u32,
                    buf,
                    cap,
                    len,
                )
            }
        });
        assert_eq!(code, ocmf_result::RegistryFormat);
        assert_eq!(msg, Registry::load(bad).unwrap_err().message(Lang::De));
        let not_utf8 = b"meter_serial,public_key\n\xff\n";
        // SAFETY: valid slices and out-params.
        let r = unsafe {
            ocmf_registry_load(
                not_utf8.as_ptr(),
                not_utf8.len(),
                &raw mut reg,
                &raw mut line,
            )
        };
        assert_eq!((r, line, reg.is_null()), (ocmf_result::NotUtf8, 2, true));
        let (code, msg) = text_of(|buf, cap, len| {
            // SAFETY: valid slices and out-params.
            unsafe {
                ocmf_registry_error_message(
                    not_utf8.as_ptr(),
                    not_utf8.len(),
                    ocmf_lang::En as u32,
                    buf,
                    cap,
                    len,
                )
            }
        });
        let want = Registry::load_bytes(not_utf8).unwrap_err();
        assert_eq!((code, msg), (ocmf_result::NotUtf8, want.message(Lang::En)));
    }

    #[test]
    fn registries_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ocmf_registry>();
    }
}
