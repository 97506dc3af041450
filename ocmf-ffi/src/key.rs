//! `ocmf_key`: a public key decoded once (by the core's
//! `PublicKey::from_input`: key text when UTF-8, else binary SPKI DER, SEC1
//! or bare X||Y) and used by any number of calls and threads.

use core::ffi::c_char;

use ocmf_core::registry::key_fingerprint;
use ocmf_core::{KeyInput, PublicKey};

use crate::boundary::{free_handle, give_handle, guard, input, write_text};
use crate::error::ocmf_result;

/// A decoded public key: opaque, immutable, reusable for any number of
/// records and shareable between threads. Create with `ocmf_key_parse`,
/// release with `ocmf_key_free`.
pub struct ocmf_key {
    pub(crate) key: PublicKey,
}

/// The key behind a handle as the core's key input: NULL is no key (the
/// record's own key is used).
///
/// # Safety
/// `key` must be NULL or a live key from `ocmf_key_parse`, unmodified for `'a`.
pub(crate) unsafe fn key_input<'a>(key: *const ocmf_key) -> KeyInput<'a> {
    // SAFETY: NULL or a live key (the caller's contract).
    unsafe { key.as_ref() }.map_or(KeyInput::None, |k| KeyInput::Decoded(&k.key))
}

/// Decodes a public key given as text (hex in any case with spaces, base64,
/// PEM, `oca:`; SPKI, SEC1 or bare X||Y) or, when the bytes are not UTF-8,
/// as binary DER/SEC1. On success `*out` receives a new key, to be released
/// with `ocmf_key_free`. Returns the key's error code (5xx) otherwise, and
/// `OCMF_RESULT_INVALID_ARGUMENT` when `out` is NULL or `text` is NULL with
/// a non-zero length.
///
/// # Safety
/// `text` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `out` must be NULL or valid for one pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_key_parse(
    text: *const u8,
    len: usize,
    out: *mut *mut ocmf_key,
) -> ocmf_result {
    guard(|| {
        if out.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(text, len) }?;
        let key = PublicKey::from_input(bytes)?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { give_handle(ocmf_key { key }, out) };
        Ok(ocmf_result::Ok)
    })
}

/// Releases a key from `ocmf_key_parse`. NULL is accepted and ignored.
///
/// # Safety
/// `key` must be NULL or a key from `ocmf_key_parse` not yet freed, and no
/// other thread may be using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_key_free(key: *mut ocmf_key) {
    // SAFETY: the caller's contract.
    unsafe { free_handle(key) }
}

/// Builds the key's wide verification tables now, for a key about to
/// verify many records (about a fifth faster per verification afterwards;
/// 32 KiB for a P-256 key, 48 KiB for P-384, built in about the time of ten
/// verifications). The batch functions do this themselves for a key that
/// signs at least 32 records of one call; this is for a key used by many
/// `ocmf_verify` calls instead. Verdicts never change. The tables are built
/// once: later calls return at once. Thread-safe: the key stays shareable,
/// and threads verifying with it meanwhile are not disturbed.
///
/// Returns `OCMF_RESULT_OK`, or `OCMF_RESULT_INVALID_ARGUMENT` for NULL.
///
/// # Safety
/// `key` must be NULL or a live key from `ocmf_key_parse`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_key_precompute(key: *const ocmf_key) -> ocmf_result {
    guard(|| {
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { key.as_ref() }.ok_or(ocmf_result::InvalidArgument)?;
        key.key.precompute();
        Ok(ocmf_result::Ok)
    })
}

/// Writes the fingerprint of a key (the first 16 hex digits, uppercase, of
/// the SHA-256 of its compressed SEC1 point: the same for every encoding of
/// the same key; the `key_fingerprint` of the trusted reports) plus a NUL
/// into `buf`.
///
/// Returns `OCMF_RESULT_OK` with `*out_len` = 16,
/// `OCMF_RESULT_INVALID_ARGUMENT` for a NULL `key` or `out_len`, or
/// `OCMF_RESULT_BUFFER_TOO_SMALL` with `*out_len` = the capacity needed (17).
///
/// # Safety
/// `key` must be NULL or a live key from `ocmf_key_parse`; `buf` must be
/// NULL or valid for `cap` writes; `out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_key_fingerprint(
    key: *const ocmf_key,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { key.as_ref() }.ok_or(ocmf_result::InvalidArgument)?;
        let fp = key_fingerprint(&key.key);
        // SAFETY: the caller's contract.
        unsafe { write_text(&fp, buf, cap, out_len) }?;
        Ok(ocmf_result::Ok)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ocmf_key>();
    }

    #[test]
    fn key_bytes_are_the_cores_key_input() {
        let hex = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";
        let der: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        for bytes in [hex.as_bytes(), der.as_slice()] {
            let mut key = core::ptr::null_mut();
            // SAFETY: a valid slice and out-param.
            let r = unsafe { ocmf_key_parse(bytes.as_ptr(), bytes.len(), &raw mut key) };
            assert_eq!(r, ocmf_result::Ok);
            let want = PublicKey::from_input(bytes).unwrap();
            // SAFETY: a live key from `ocmf_key_parse`.
            let got = unsafe { &(*key).key };
            assert_eq!(key_fingerprint(got), key_fingerprint(&want));
            assert!(got.curves().eq(want.curves()));
            // SAFETY: from `ocmf_key_parse`, freed once.
            unsafe { ocmf_key_free(key) };
        }
        let bad: &[u8] = &[0x30, 0xff, 0xfe];
        let mut key = core::ptr::null_mut();
        // SAFETY: a valid slice and out-param.
        let r = unsafe { ocmf_key_parse(bad.as_ptr(), bad.len(), &raw mut key) };
        assert_eq!(
            r,
            ocmf_result::from(PublicKey::from_input(bad).unwrap_err())
        );
        assert!(key.is_null());
    }
}
