//! C ABI for [`ocmf_core`]: verify, inspect and sign OCMF records from C.
//!
//! The header `include/ocmf.h` is generated from this file by cbindgen
//! (`scripts/ci/c` regenerates it and fails when the committed copy differs).
//!
//! Conventions, enforced by the helpers at the bottom of this file:
//! - every symbol is prefixed `ocmf_`; handles are opaque;
//! - inputs are `const uint8_t *ptr, size_t len` (never NUL-terminated; a NULL
//!   pointer is accepted only with `len == 0`);
//! - outputs go through out-params that are written only on success (the
//!   exceptions, `*out_len` on `OCMF_RESULT_BUFFER_TOO_SMALL` and the verdict
//!   of a non-valid report, are documented per function);
//! - every `_free` accepts NULL;
//! - every export runs inside [`boundary`]: a Rust panic becomes
//!   `OCMF_RESULT_INTERNAL` (704) and never unwinds into C;
//! - there is no global or thread-local state: every function is thread-safe,
//!   and an `ocmf_key` is immutable, so one key may be shared by many threads.
//!
//! Sessions and key registries (8xx codes) are not in `ocmf-core` yet; their
//! handles (`ocmf_session`, `ocmf_registry`) will be added here once the core
//! has them. Their result codes are already part of [`ocmf_result`].

#![allow(unsafe_code, reason = "C ABI")]
#![allow(non_camel_case_types, reason = "C type names follow C conventions")]

use core::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use ocmf_core::{
    Algorithm, Curve, Error, ErrorCode, Lang, Options, Profile, PublicKey, Report, Verdict, check,
    check_with_key_text, parse_algorithm, parse_with, payload_json, sign_hex, str_from_bytes,
};

/// The major version of this library (matches Cargo's; see `ocmf_version()`).
pub const OCMF_VERSION_MAJOR: u32 = 0;
/// The minor version of this library.
pub const OCMF_VERSION_MINOR: u32 = 1;
/// The patch version of this library.
pub const OCMF_VERSION_PATCH: u32 = 0;

/// Result of every call: `OCMF_RESULT_OK` (0) or the core's stable error code.
///
/// The numbers are exactly `ocmf_core::ErrorCode`'s: grouped by family
/// (1xx envelope, 2xx payload, 3xx signature, 4xx unsupported, 5xx key,
/// 600 invalid signature, 7xx caller/binding, 8xx sessions and registries),
/// never reused. `ocmf_result_message()` gives the text of each.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ocmf_result {
    /// The record is valid.
    Ok = 0,
    /// The input is empty (or only white space).
    EmptyInput = 100,
    /// The input exceeds the configured maximum record size.
    TooLarge = 101,
    /// The input bytes are not UTF-8.
    NotUtf8 = 102,
    /// The record does not start with the `OCMF` header.
    NotOcmf = 103,
    /// A `|` separator or a section is missing, or a section is not closed.
    MissingSection = 104,
    /// Something follows the last section.
    TrailingData = 105,
    /// White space between the header, the separators and the sections.
    SectionWhitespace = 106,
    /// JSON nesting exceeds the configured maximum depth.
    TooDeep = 107,
    /// A `|` inside a JSON string, which the specification forbids.
    PipeInString = 108,
    /// The payload is not valid JSON.
    PayloadJson = 200,
    /// A payload field has the wrong JSON type.
    FieldType = 201,
    /// A mandatory field is absent.
    MissingField = 202,
    /// A field occurs twice in one JSON object.
    DuplicateField = 203,
    /// A field's value does not follow its grammar or value table.
    InvalidValue = 204,
    /// The payload has no readings (`RD`).
    NoReadings = 205,
    /// Too many readings or array items for the configured limits.
    TooManyItems = 206,
    /// The record breaks a rule of the selected profile (see its findings).
    ProfileViolation = 207,
    /// The signature section is not valid JSON.
    SignatureJson = 300,
    /// The signature section has no `SD`.
    MissingSignatureData = 301,
    /// `SD` is not valid hex or base64.
    SignatureEncoding = 302,
    /// The signature bytes are neither DER nor raw r||s.
    SignatureDer = 303,
    /// `SE` names an unknown encoding.
    UnknownSignatureEncoding = 304,
    /// `SM` names an unknown MIME type.
    UnknownSignatureMime = 305,
    /// An integer of the signature is longer than the curve allows.
    SignatureLength = 306,
    /// `SA` names an algorithm this library does not know.
    UnknownAlgorithm = 400,
    /// `SA` names an algorithm outside the OCMF specification.
    AlgorithmNotInSpec = 401,
    /// The key's own curve differs from the curve `SA` names.
    KeyCurveMismatch = 402,
    /// The format version is not accepted by the selected profile.
    FormatVersionUnsupported = 403,
    /// No public key was given, so the signature cannot be checked.
    KeyMissing = 500,
    /// The key text is not hex, base64, PEM or an `oca:` wrapper.
    KeyEncoding = 501,
    /// The key bytes are not a valid SubjectPublicKeyInfo.
    KeyDer = 502,
    /// The key names a curve this library does not support.
    KeyUnknownCurve = 503,
    /// The key's point is not on the curve.
    KeyInvalidPoint = 504,
    /// The key's length fits no supported form.
    KeyLength = 505,
    /// The signature does not verify under the key.
    InvalidSignature = 600,
    /// Reading or writing a file failed.
    Io = 700,
    /// The command line or call is wrong.
    Usage = 701,
    /// An argument passed through a binding is invalid (e.g. a null pointer).
    InvalidArgument = 702,
    /// The caller's output buffer is too small.
    BufferTooSmall = 703,
    /// An internal error (a caught panic); please report it.
    Internal = 704,
    /// A secret (signing) key cannot be read.
    SecretKey = 705,
    /// A session has no records.
    SessionEmpty = 800,
    /// The records of a session do not belong together or contradict each other.
    SessionInconsistent = 801,
    /// A key registry file cannot be read.
    RegistryFormat = 802,
    /// The signature is valid but the key is not in the trusted registry.
    KeyUntrusted = 803,
    /// The registry holds a different key for this meter.
    KeyRegistryMismatch = 804,
    /// An OCPP message or container cannot be read.
    TransportFormat = 805,
    /// The XML file of the reference transparency software cannot be read.
    XmlFormat = 806,
}

const ALL_RESULTS: &[ocmf_result] = &[
    ocmf_result::Ok,
    ocmf_result::EmptyInput,
    ocmf_result::TooLarge,
    ocmf_result::NotUtf8,
    ocmf_result::NotOcmf,
    ocmf_result::MissingSection,
    ocmf_result::TrailingData,
    ocmf_result::SectionWhitespace,
    ocmf_result::TooDeep,
    ocmf_result::PipeInString,
    ocmf_result::PayloadJson,
    ocmf_result::FieldType,
    ocmf_result::MissingField,
    ocmf_result::DuplicateField,
    ocmf_result::InvalidValue,
    ocmf_result::NoReadings,
    ocmf_result::TooManyItems,
    ocmf_result::ProfileViolation,
    ocmf_result::SignatureJson,
    ocmf_result::MissingSignatureData,
    ocmf_result::SignatureEncoding,
    ocmf_result::SignatureDer,
    ocmf_result::UnknownSignatureEncoding,
    ocmf_result::UnknownSignatureMime,
    ocmf_result::SignatureLength,
    ocmf_result::UnknownAlgorithm,
    ocmf_result::AlgorithmNotInSpec,
    ocmf_result::KeyCurveMismatch,
    ocmf_result::FormatVersionUnsupported,
    ocmf_result::KeyMissing,
    ocmf_result::KeyEncoding,
    ocmf_result::KeyDer,
    ocmf_result::KeyUnknownCurve,
    ocmf_result::KeyInvalidPoint,
    ocmf_result::KeyLength,
    ocmf_result::InvalidSignature,
    ocmf_result::Io,
    ocmf_result::Usage,
    ocmf_result::InvalidArgument,
    ocmf_result::BufferTooSmall,
    ocmf_result::Internal,
    ocmf_result::SecretKey,
    ocmf_result::SessionEmpty,
    ocmf_result::SessionInconsistent,
    ocmf_result::RegistryFormat,
    ocmf_result::KeyUntrusted,
    ocmf_result::KeyRegistryMismatch,
    ocmf_result::TransportFormat,
    ocmf_result::XmlFormat,
];

impl ocmf_result {
    /// The result for a core code.
    #[must_use]
    pub fn from_core(code: ErrorCode) -> Self {
        // Every core code has a variant (checked by the tests); a code added to
        // the core but not yet here is reported as internal rather than lost.
        Self::from_u32(code.code()).unwrap_or(Self::Internal)
    }

    /// The result with this number, if any.
    #[must_use]
    pub fn from_u32(code: u32) -> Option<Self> {
        ALL_RESULTS.iter().copied().find(|r| *r as u32 == code)
    }
}

impl From<Error> for ocmf_result {
    fn from(e: Error) -> Self {
        Self::from_core(e.code)
    }
}

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
    fn from_core(v: Verdict) -> Self {
        match v {
            Verdict::Valid => Self::Valid,
            Verdict::InvalidSignature => Self::InvalidSignature,
            Verdict::Unsupported => Self::Unsupported,
            // `Verdict` is non-exhaustive: anything new is "cannot be read".
            _ => Self::Malformed,
        }
    }
}

/// Checking profile, passed as a `uint32_t` (any other value is `OCMF_RESULT_INVALID_ARGUMENT`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_profile {
    /// Default: tolerates the documented real-world deviations and reports each.
    Interop = 0,
    /// The specification to the letter.
    Strict = 1,
    /// Predicts the S.A.F.E. reference transparency software's green tick.
    Reference = 2,
}

/// An `ocmf_profile` as passed by C: any `u32`, validated by `profile_of`
/// (a Rust enum parameter would make an out-of-range value undefined behaviour).
/// The header names it `ocmf_profile` (see `cbindgen.toml`).
pub type ProfileArg = u32;

/// An `ocmf_lang` as passed by C, validated by `lang_of`; `ocmf_lang` in the header.
pub type LangArg = u32;

/// Language of messages, passed as a `uint32_t` (any other value is `OCMF_RESULT_INVALID_ARGUMENT`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_lang {
    /// English.
    En = 0,
    /// German.
    De = 1,
}

/// A decoded public key: opaque, immutable, reusable for any number of
/// records and shareable between threads. Create with `ocmf_key_parse`,
/// release with `ocmf_key_free`.
pub struct ocmf_key {
    key: PublicKey,
}

// ------------------------------------------------------------------ helpers

/// The panic boundary every export runs in: a panic yields `fallback`.
fn boundary<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// [`boundary`] for functions returning a result code.
fn guard(f: impl FnOnce() -> Result<ocmf_result, ocmf_result>) -> ocmf_result {
    boundary(ocmf_result::Internal, || f().unwrap_or_else(|e| e))
}

/// Borrows `len` bytes at `ptr`; NULL is accepted only with `len == 0`.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid and
/// unmodified for `'a`.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], ocmf_result> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || isize::try_from(len).is_err() {
        return Err(ocmf_result::InvalidArgument);
    }
    // SAFETY: non-null, and the caller guarantees `len` readable bytes.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Like [`input`], but NULL (with any length) means "not given".
///
/// # Safety
/// As [`input`].
unsafe fn optional_input<'a>(ptr: *const u8, len: usize) -> Result<Option<&'a [u8]>, ocmf_result> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { input(ptr, len) }.map(Some)
}

fn profile_of(p: ProfileArg) -> Result<Profile, ocmf_result> {
    match p {
        x if x == ocmf_profile::Interop as u32 => Ok(Profile::Interop),
        x if x == ocmf_profile::Strict as u32 => Ok(Profile::Strict),
        x if x == ocmf_profile::Reference as u32 => Ok(Profile::Reference),
        _ => Err(ocmf_result::InvalidArgument),
    }
}

fn lang_of(l: LangArg) -> Result<Lang, ocmf_result> {
    match l {
        x if x == ocmf_lang::En as u32 => Ok(Lang::En),
        x if x == ocmf_lang::De as u32 => Ok(Lang::De),
        _ => Err(ocmf_result::InvalidArgument),
    }
}

/// Decodes key bytes: text (hex, base64, PEM, `oca:`) when UTF-8, else binary DER/SEC1.
fn decode_key(bytes: &[u8]) -> Result<PublicKey, Error> {
    match core::str::from_utf8(bytes) {
        Ok(text) => PublicKey::parse(text),
        Err(_) => PublicKey::from_bytes(bytes),
    }
}

/// A report for input that never reached the parser (too large, not UTF-8).
fn error_report(error: Error, profile: Profile) -> Report<'static> {
    Report {
        verdict: error.verdict(),
        error: Some(error),
        findings: Vec::new(),
        record: None,
        algorithm: None,
        signature_valid: None,
        key_source: None,
        profile,
    }
}

/// Whether `out` (an output buffer) can take `text` plus a NUL.
fn fits(text: &str, cap: usize, buf: *mut c_char) -> bool {
    !buf.is_null() && text.len() < cap
}

/// Copies `text` and a NUL into `buf`.
///
/// # Safety
/// `buf` must be valid for `text.len() + 1` writes (checked by [`fits`] against `cap`).
unsafe fn copy_out(text: &str, buf: *mut c_char) {
    // SAFETY: the caller checked the capacity; the regions cannot overlap
    // because `text` is owned by Rust.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        *buf.add(text.len()) = 0;
    }
}

/// Writes `text` + NUL to `buf` (capacity `cap`) and its length (without
/// the NUL) to `*out_len`; on a too small (or NULL) buffer writes the needed
/// capacity (length + 1) to `*out_len` and returns `BufferTooSmall`.
///
/// # Safety
/// `buf` must be NULL or valid for `cap` writes; `out_len` must be valid.
unsafe fn write_text(
    text: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), ocmf_result> {
    if out_len.is_null() {
        return Err(ocmf_result::InvalidArgument);
    }
    if !fits(text, cap, buf) {
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_len = text.len() + 1 };
        return Err(ocmf_result::BufferTooSmall);
    }
    // SAFETY: `fits` checked the capacity; `out_len` is valid.
    unsafe {
        copy_out(text, buf);
        *out_len = text.len();
    }
    Ok(())
}

// ------------------------------------------------------------------ exports

/// The library version, e.g. `"0.1.0"`: a static NUL-terminated string
/// (never free it), equal to `OCMF_VERSION_MAJOR.MINOR.PATCH`.
#[unsafe(no_mangle)]
pub extern "C" fn ocmf_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    boundary(VERSION.as_ptr(), || VERSION.as_ptr())
}

/// The message of a result code in a language (`ocmf_lang`): a static
/// NUL-terminated string, valid for the life of the program (never free it).
/// A number that is not an `ocmf_result` gives `"unknown code"`; a language
/// that is not an `ocmf_lang` gives the English text.
#[unsafe(no_mangle)]
pub extern "C" fn ocmf_result_message(code: u32, lang: LangArg) -> *const c_char {
    const UNKNOWN: &CStr = c"unknown code";
    boundary(UNKNOWN.as_ptr(), || {
        let german = matches!(lang_of(lang), Ok(Lang::De));
        ErrorCode::from_code(code)
            .map_or(UNKNOWN, |c| {
                c.message_cstr(if german { Lang::De } else { Lang::En })
            })
            .as_ptr()
    })
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
        let key = decode_key(bytes)?;
        let handle = Box::into_raw(Box::new(ocmf_key { key }));
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out = handle };
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
    boundary((), || {
        if !key.is_null() {
            // SAFETY: the caller passes a pointer from `Box::into_raw` once.
            drop(unsafe { Box::from_raw(key) });
        }
    });
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
        let options = Options::with_profile(profile_of(profile)?);
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(record, len) }?;
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { key.as_ref() }.map(|k| &k.key);
        let (verdict, code) = match str_from_bytes(bytes, &options.limits) {
            Ok(text) => {
                let report = check(text, key, &options);
                (report.verdict, report.code())
            }
            Err(e) => (e.verdict(), e.code),
        };
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_verdict = ocmf_verdict::from_core(verdict) };
        Ok(ocmf_result::from_core(code))
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
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let options = Options::with_profile(profile_of(profile)?);
        let lang = lang_of(lang)?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(record, len) }?;
        // SAFETY: the caller's contract.
        let key = unsafe { optional_input(key_text, key_len) }?;
        let report = match str_from_bytes(bytes, &options.limits) {
            Err(e) => error_report(e, options.profile),
            Ok(text) => match key {
                None => check(text, None, &options),
                Some(k) => match core::str::from_utf8(k) {
                    Ok(k) => check_with_key_text(text, Some(k), &options),
                    Err(_) => match PublicKey::from_bytes(k) {
                        Ok(k) => check(text, Some(&k), &options),
                        Err(e) => ocmf_core::check_with_key_error(text, e, &options),
                    },
                },
            },
        };
        let json = report.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
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
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        lang_of(lang)?;
        let options = Options::default();
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(record, len) }?;
        let text = str_from_bytes(bytes, &options.limits)?;
        let parsed = parse_with(text, &options)?;
        let json = payload_json(&parsed.payload).to_string();
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        Ok(ocmf_result::Ok)
    })
}

/// Signs a payload (a JSON object, used byte for byte as the signed
/// section) with a secret scalar given as hex, deterministically (RFC 6979,
/// SHA-256), and writes the record `OCMF|<payload>|{"SA":…,"SD":…}` plus a
/// NUL into `buf`.
///
/// `curve` names the curve (`secp256r1`, `P-256`, `brainpoolP384r1`, … or an
/// `SA` value such as `ECDSA-secp256r1-SHA256`). When `key_out_len` is not
/// NULL, the uncompressed SEC1 public key (uppercase hex) plus a NUL is
/// written to `key_buf` as well.
///
/// Returns `OCMF_RESULT_OK`; `OCMF_RESULT_SECRET_KEY` for a secret that is
/// not hex, zero or not below the curve order; `OCMF_RESULT_UNKNOWN_ALGORITHM`
/// for an unknown curve; a parse code when the payload cannot form a record;
/// `OCMF_RESULT_BUFFER_TOO_SMALL` when either buffer is too small: then
/// nothing is written to the buffers and `*out_len` (and `*key_out_len`, when
/// given) receive the capacities needed.
///
/// # Safety
/// The three inputs must be NULL (with length 0) or point to as many
/// readable bytes as their lengths say; `buf` and `key_buf` must be NULL or
/// valid for `cap` / `key_cap` writes; `out_len` must be valid for one
/// write; `key_out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_sign(
    payload: *const u8,
    payload_len: usize,
    secret_hex: *const u8,
    secret_len: usize,
    curve: *const u8,
    curve_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    key_buf: *mut c_char,
    key_cap: usize,
    key_out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: the caller's contract (three times).
        let (payload, secret, curve) = unsafe {
            (
                input(payload, payload_len)?,
                input(secret_hex, secret_len)?,
                input(curve, curve_len)?,
            )
        };
        let payload = str_from_bytes(payload, &Options::default().limits)?;
        let secret = core::str::from_utf8(secret).map_err(|_| ocmf_result::SecretKey)?;
        let curve = core::str::from_utf8(curve).map_err(|_| ocmf_result::UnknownAlgorithm)?;
        let algorithm = Curve::from_name(curve)
            .map(Algorithm::ecdsa_sha256)
            .or_else(|| parse_algorithm(curve).ok().map(|(a, _)| a))
            .ok_or(ocmf_result::UnknownAlgorithm)?;
        let signed = sign_hex(payload, secret, algorithm)?;
        let key = signed.public_key_sec1_hex.as_str();
        let want_key = !key_out_len.is_null();
        if !fits(&signed.record, cap, buf) || (want_key && !fits(key, key_cap, key_buf)) {
            // SAFETY: `out_len` checked; `key_out_len` checked by `want_key`.
            unsafe {
                *out_len = signed.record.len() + 1;
                if want_key {
                    *key_out_len = key.len() + 1;
                }
            }
            return Err(ocmf_result::BufferTooSmall);
        }
        // SAFETY: capacities checked by `fits`; lengths are valid pointers.
        unsafe {
            copy_out(&signed.record, buf);
            *out_len = signed.record.len();
            if want_key {
                copy_out(key, key_buf);
                *key_out_len = key.len();
            }
        }
        Ok(ocmf_result::Ok)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_maps_to_the_same_number_and_back() {
        assert_eq!(
            ALL_RESULTS.len(),
            ErrorCode::ALL.len(),
            "variant list drifted from the core"
        );
        for code in ErrorCode::ALL {
            let r = ocmf_result::from_core(*code);
            assert_eq!(r as u32, code.code(), "{}", code.name());
            assert_eq!(ErrorCode::from_code(r as u32), Some(*code));
        }
        for r in ALL_RESULTS {
            assert!(
                ErrorCode::from_code(*r as u32).is_some(),
                "{r:?} not in the core"
            );
        }
    }

    #[test]
    fn messages_are_the_cores() {
        for code in ErrorCode::ALL {
            for (lang, l) in [(Lang::En, ocmf_lang::En), (Lang::De, ocmf_lang::De)] {
                let p = ocmf_result_message(code.code(), l as u32);
                // SAFETY: a static C string from the table.
                let got = unsafe { CStr::from_ptr(p) }.to_str().unwrap();
                assert_eq!(got, code.message(lang), "{}", code.name());
            }
        }
        // SAFETY: a static C string.
        let unknown = unsafe { CStr::from_ptr(ocmf_result_message(1, 0)) };
        assert_eq!(unknown, c"unknown code");
    }

    #[test]
    fn version_macros_match_cargo() {
        assert_eq!(
            OCMF_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            OCMF_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            OCMF_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        // SAFETY: a static C string.
        let v = unsafe { CStr::from_ptr(ocmf_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_panic_becomes_internal() {
        let r = guard(|| panic!("test panic"));
        assert_eq!(r, ocmf_result::Internal);
        assert_eq!(boundary(7, || panic!("test panic")), 7);
    }

    #[test]
    fn keys_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ocmf_key>();
    }
}
