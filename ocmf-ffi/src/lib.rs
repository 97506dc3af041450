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
//! - every export runs inside `boundary`: a Rust panic becomes
//!   `OCMF_RESULT_INTERNAL` (704) and never unwinds into C;
//! - there is no global or thread-local state: every function is thread-safe,
//!   and an `ocmf_key` is immutable, so one key may be shared by many threads;
//! - every call blocks until done; only `ocmf_verify_batch*` with
//!   `threads != 1` starts worker threads (the core's
//!   `ocmf_core::batch::check_all` / `check_all_trusted` on rayon), whose
//!   panics reach the same boundary;
//! - handles are made by `give_handle` and released by `free_handle`.
//!
//! Trusted keys, sessions and transports (the 8xx codes) follow the same
//! rules: an `ocmf_registry` (from `ocmf_registry_load`) is immutable and may
//! be shared by any number of threads; `ocmf_verify_trusted`,
//! `ocmf_session_evaluate`, `ocmf_extract` and `ocmf_to_xml` write the
//! core's canonical JSON / XML text with the same buffer protocol as
//! `ocmf_verify_report`.

#![allow(unsafe_code, reason = "C ABI")]
#![allow(non_camel_case_types, reason = "C type names follow C conventions")]

use core::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use std::borrow::Cow;

use ocmf_core::batch::{BatchItem, BatchOptions, check_all, check_all_trusted};
use ocmf_core::registry::{Registry, Trust, TrustedReport, check_trusted, key_fingerprint};
use ocmf_core::session::{SessionContext, SessionRecord, SessionVerdict, evaluate};
use ocmf_core::transport::extract_bytes;
use ocmf_core::{
    Algorithm, Curve, Error, ErrorCode, KeySource, Lang, Options, Profile, PublicKey, Report,
    Verdict, check, check_with_key_text, parse_algorithm, parse_with, payload_json, sign_hex,
    str_from_bytes,
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

/// A set of trusted keys (meter serial → public key, with validity windows),
/// read from the JSON or CSV registry format (`docs/registry-formats.md`).
///
/// Opaque and immutable once loaded: one registry may be used by any number
/// of threads at the same time (every function takes it as `const`). Create
/// with `ocmf_registry_load`, release with `ocmf_registry_free` once, after
/// every thread is done with it.
pub struct ocmf_registry {
    registry: Registry,
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
    fn from_core(t: &Trust) -> Self {
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
    fn from_core(v: SessionVerdict) -> Self {
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
    Report::from_error(error, profile)
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

/// Key bytes as the key text the core's trusted and session checks take:
/// UTF-8 as is, anything else (binary DER/SEC1) as uppercase hex, which
/// `PublicKey::parse` reads as the same bytes. Hand-written (six lines)
/// rather than a hex crate, to keep this crate's dependencies to the core.
fn key_as_text(bytes: &[u8]) -> Cow<'_, str> {
    match core::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let mut s = String::with_capacity(bytes.len() * 2);
            for b in bytes {
                s.push(char::from(HEX[usize::from(b >> 4)]));
                s.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
            Cow::Owned(s)
        }
    }
}

/// Borrows `count` items of a caller's array at `ptr`; NULL is accepted
/// only with `count == 0`, and a misaligned pointer or a size beyond
/// `isize::MAX` bytes is `OCMF_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `ptr` must be NULL or point to `count` readable, initialised items that
/// stay valid and unmodified for `'a`.
unsafe fn array_in<'a, T>(ptr: *const T, count: usize) -> Result<&'a [T], ocmf_result> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || !array_fits::<T>(count) || !ptr.is_aligned() {
        return Err(ocmf_result::InvalidArgument);
    }
    // SAFETY: non-null, aligned, size checked; the caller guarantees validity.
    Ok(unsafe { core::slice::from_raw_parts(ptr, count) })
}

/// Whether `count` items of `T` fit in one allocation (at most `isize::MAX` bytes).
fn array_fits<T>(count: usize) -> bool {
    count
        .checked_mul(core::mem::size_of::<T>())
        .is_some_and(|n| isize::try_from(n).is_ok())
}

/// Checks a caller's output array of `count` items at `out` (NULL only with
/// `count == 0`, aligned, size within `isize::MAX`) before any work is done.
fn array_out<T>(out: *mut T, count: usize) -> Result<(), ocmf_result> {
    if count == 0 || (!out.is_null() && array_fits::<T>(count) && out.is_aligned()) {
        Ok(())
    } else {
        Err(ocmf_result::InvalidArgument)
    }
}

/// Moves `value` into a new handle and writes it to `*out`.
///
/// # Safety
/// `out` must be valid for one pointer write (checked non-null by the caller).
unsafe fn give_handle<T>(value: T, out: *mut *mut T) {
    // SAFETY: the caller's contract.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// The body of every `ocmf_*_free`: releases a handle from
/// [`give_handle`] inside the panic boundary; NULL is ignored.
///
/// # Safety
/// `handle` must be NULL or a handle from [`give_handle`] of the same type,
/// not yet freed and no longer used by any thread.
unsafe fn free_handle<T>(handle: *mut T) {
    boundary((), || {
        if !handle.is_null() {
            // SAFETY: the caller passes a pointer from `Box::into_raw` once.
            drop(unsafe { Box::from_raw(handle) });
        }
    });
}

/// Writes `values` to the caller's array `out` of `count` slots, in order.
/// Fails with `OCMF_RESULT_INTERNAL`, writing nothing, when there are not
/// exactly `count` values.
///
/// # Safety
/// `out` must have passed [`array_out`] for `count` and be valid for that
/// many writes.
unsafe fn write_each<T>(
    out: *mut T,
    count: usize,
    values: impl ExactSizeIterator<Item = T>,
) -> Result<(), ocmf_result> {
    if values.len() != count {
        return Err(ocmf_result::Internal);
    }
    for (i, value) in values.enumerate() {
        // SAFETY: `out` holds `count` writable, aligned slots (the caller's
        // contract, checked by `array_out`); `write` never reads the
        // (possibly uninitialised) old value.
        unsafe { out.add(i).write(value) };
    }
    Ok(())
}

/// Checks `items` with the core's [`check_all`] (keys decoded once, wide
/// tables for busy keys, `threads` workers) and writes one result per item
/// to `out`, in input order.
///
/// # Safety
/// `out` must have passed [`array_out`] for `items.len()` and be valid for
/// that many writes.
unsafe fn run_batch(
    items: &[BatchItem<'_>],
    options: &BatchOptions,
    out: *mut ocmf_batch_result,
) -> Result<ocmf_result, ocmf_result> {
    let reports = check_all(items, options);
    let results = reports.iter().map(ocmf_batch_result::from_report);
    // SAFETY: the caller's contract.
    unsafe { write_each(out, items.len(), results) }?;
    Ok(ocmf_result::Ok)
}

/// Reads a caller's `ocmf_batch_item` array (every pointer checked; an item
/// with both a key handle and a key text is `OCMF_RESULT_INVALID_ARGUMENT`)
/// and hands `f` the core's batch items, in the same order.
///
/// Key texts that are not UTF-8 (binary DER/SEC1) become hex text (the same
/// bytes for the core's decoder), so that the core decodes every distinct
/// key once; they are owned here, so every item is read before `f` runs,
/// and a bad item fails the call before any work is done.
///
/// # Safety
/// `items` must be NULL (with `count == 0`) or point to `count` items whose
/// pointers follow `ocmf_batch_item`'s rules (a `key` must be a live key),
/// unmodified until `f` returns.
unsafe fn with_batch_items<R>(
    items: *const ocmf_batch_item,
    count: usize,
    f: impl FnOnce(&[BatchItem<'_>]) -> Result<R, ocmf_result>,
) -> Result<R, ocmf_result> {
    // SAFETY: the caller's contract.
    let raw = unsafe { array_in(items, count) }?;
    let mut owned = Vec::with_capacity(raw.len());
    for it in raw {
        // SAFETY: the caller's contract for each item's pointers.
        let (record, text) = unsafe {
            (
                input(it.record, it.record_len)?,
                optional_input(it.key_text, it.key_text_len)?,
            )
        };
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { it.key.as_ref() }.map(|k| &k.key);
        if key.is_some() && text.is_some() {
            return Err(ocmf_result::InvalidArgument);
        }
        owned.push((record, key, text.map(key_as_text)));
    }
    let items: Vec<BatchItem<'_>> = owned
        .iter()
        .map(|(record, key, text)| {
            let item = BatchItem::bytes(record);
            match (key, text) {
                (Some(k), _) => item.key(k),
                (None, Some(t)) => item.key_text(t),
                (None, None) => item,
            }
        })
        .collect();
    f(&items)
}

/// The options of a batch call: profile and thread count validated.
fn batch_options(profile: ProfileArg, threads: usize) -> Result<BatchOptions, ocmf_result> {
    if threads > OCMF_BATCH_MAX_THREADS {
        return Err(ocmf_result::InvalidArgument);
    }
    Ok(BatchOptions::new(Options::with_profile(profile_of(profile)?)).threads(threads))
}

/// The registry behind a handle, or the empty registry for NULL.
///
/// # Safety
/// `registry` must be NULL or a live registry from `ocmf_registry_load`.
unsafe fn registry_of<'a>(registry: *const ocmf_registry) -> &'a Registry {
    static EMPTY: Registry = Registry::new();
    // SAFETY: NULL or live (the caller's contract).
    unsafe { registry.as_ref() }.map_or(&EMPTY, |r| &r.registry)
}

/// The session context for a key handle, a registry handle and a profile.
///
/// # Safety
/// `key` and `registry` must be NULL or live handles.
unsafe fn context<'a>(
    key: *const ocmf_key,
    registry: *const ocmf_registry,
    profile: ProfileArg,
) -> Result<SessionContext<'a>, ocmf_result> {
    let options = Options::with_profile(profile_of(profile)?);
    // SAFETY: NULL or live handles (the caller's contract).
    let (key, registry) = unsafe { (key.as_ref(), registry.as_ref()) };
    Ok(SessionContext {
        key: key.map(|k| &k.key),
        registry: registry.map(|r| &r.registry),
        options,
    })
}

/// 1-based line of byte `offset` in `bytes`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .map_or(1, |p| p.iter().filter(|&&c| c == b'\n').count() + 1)
}

/// Reads registry bytes: the registry, or the result code with the
/// problem's 1-based line and the core's message in `lang`.
fn load_registry(bytes: &[u8], lang: Lang) -> Result<Registry, (ocmf_result, usize, String)> {
    let text = core::str::from_utf8(bytes).map_err(|e| {
        let err = Error::new(ErrorCode::NotUtf8).at_offset(e.valid_up_to());
        (
            ocmf_result::NotUtf8,
            line_of(bytes, e.valid_up_to()),
            err.message(lang),
        )
    })?;
    Registry::load(text).map_err(|e| (ocmf_result::from_core(e.code()), e.line, e.message(lang)))
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

/// Checks `count` records, all with the same key (or each with the key it
/// carries), and writes one `ocmf_batch_result` per record to `out[i]`, in
/// input order. The answers are those of `ocmf_verify` record by record
/// (code and verdict equal); the batch is faster: it runs
/// `ocmf_core::batch::check_all`, which builds the key's wide tables once
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
        let options = batch_options(profile, threads)?;
        array_out(out, count)?;
        // SAFETY: the caller's contract.
        let (ptrs, lens) = unsafe { (array_in(records, count)?, array_in(record_lens, count)?) };
        // SAFETY: NULL or a live key (the caller's contract).
        let key = unsafe { key.as_ref() }.map(|k| &k.key);
        let items = ptrs
            .iter()
            .zip(lens)
            .map(|(&ptr, &len)| {
                // SAFETY: the caller's contract for each record.
                let item = BatchItem::bytes(unsafe { input(ptr, len) }?);
                Ok(match key {
                    Some(k) => item.key(k),
                    None => item,
                })
            })
            .collect::<Result<Vec<_>, ocmf_result>>()?;
        // SAFETY: `out` checked by `array_out` for `count` items.
        unsafe { run_batch(&items, &options, out) }
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
        let options = batch_options(profile, threads)?;
        array_out(out, count)?;
        // SAFETY: the caller's contract; `out` checked by `array_out` for
        // `count` items.
        unsafe { with_batch_items(items, count, |items| run_batch(items, &options, out)) }
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
/// The batch runs `ocmf_core::batch::check_all_trusted`: each distinct key
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
        let options = batch_options(profile, threads)?;
        array_out(out, count)?;
        array_out(out_trust, count)?;
        // SAFETY: NULL or live (the caller's contract).
        let registry = unsafe { registry_of(registry) };
        // SAFETY: the caller's contract; `out` and `out_trust` checked by
        // `array_out` for `count` items.
        unsafe {
            with_batch_items(items, count, |items| {
                let reports = check_all_trusted(items, registry, &options);
                let results = reports
                    .iter()
                    .map(|t| ocmf_batch_result::from_report(&t.report));
                let trusts = reports.iter().map(|t| ocmf_trust::from_core(&t.trust));
                // Both have `reports.len()` items: when the first is written,
                // so is the second.
                write_each(out, count, results)?;
                write_each(out_trust, count, trusts)?;
                Ok(ocmf_result::Ok)
            })
        }
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
        let registry = load_registry(bytes, Lang::En).map_err(|(code, line, _)| {
            report_line(line);
            code
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
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let lang = lang_of(lang)?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(data, len) }?;
        let (code, message) = match load_registry(bytes, lang) {
            Ok(_) => (ocmf_result::Ok, String::new()),
            Err((code, _, message)) => (code, message),
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
        if out_len.is_null() || out_trust.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let options = Options::with_profile(profile_of(profile)?);
        let lang = lang_of(lang)?;
        // SAFETY: the caller's contract.
        let (bytes, key) = unsafe { (input(record, len)?, optional_input(key_text, key_len)?) };
        let key = key.map(key_as_text);
        // SAFETY: NULL or live (the caller's contract).
        let registry = unsafe { registry_of(registry) };
        let checked = match str_from_bytes(bytes, &options.limits) {
            Ok(text) => check_trusted(text, key.as_deref(), registry, &options),
            Err(e) => TrustedReport::from_error(e, key.as_deref(), options.profile),
        };
        let json = checked.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_trust = ocmf_trust::from_core(&checked.trust) };
        Ok(ocmf_result::from_core(checked.report.code()))
    })
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
        if out_len.is_null() || out_verdict.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let lang = lang_of(lang)?;
        // SAFETY: NULL or live handles (the caller's contract).
        let ctx = unsafe { context(key, registry, profile) }?;
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
                key.map(key_as_text),
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
        let report = evaluate(&session, &ctx);
        let json = report.to_json_string(lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_verdict = ocmf_session_verdict::from_core(report.verdict) };
        Ok(ocmf_result::from_core(report.code()))
    })
}

/// Reads any supported input (an OCPP-J log, one OCPP message, the
/// transparency software's XML, the PTB container, `OCMF|…` or hex records
/// one per line; detected), extracts every signed value byte-exact, sorts
/// the values into charging sessions and checks each session as
/// `ocmf_session_evaluate` does (each value's carried key goes with it).
/// Writes the canonical JSON `{"extraction": {format, values, errors,
/// duplicates, groups}, "sessions": [{station, transaction_id, evse,
/// values, report}]}` plus a NUL into `buf`, and, when `out_summary` is not
/// NULL, the counts (costs one more evaluation of the sessions).
///
/// `key`, `registry`, `profile`, `lang` as for `ocmf_session_evaluate`.
///
/// Returns `OCMF_RESULT_OK` when the whole input was read, else the code of
/// the first thing that could not be read (`OCMF_RESULT_TRANSPORT_FORMAT`
/// 805, `_XML_FORMAT` 806, `_NOT_UTF8` 102, `_TOO_LARGE` 101; its line is in
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
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        let lang = lang_of(lang)?;
        // SAFETY: NULL or live handles (the caller's contract).
        let ctx = unsafe { context(key, registry, profile) }?;
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(input_data, len) }?;
        let ex = extract_bytes(bytes);
        let json = ex.sessions_json_string(&ctx, lang);
        // SAFETY: the caller's contract.
        unsafe { write_text(&json, buf, cap, out_len) }?;
        if !out_summary.is_null() {
            let mut summary = ocmf_extract_summary {
                values: ex.values.len(),
                errors: ex.errors.len(),
                duplicates: ex.duplicates,
                ..ocmf_extract_summary::default()
            };
            for g in ex.sessions(&ctx) {
                summary.sessions += 1;
                match ocmf_session_verdict::from_core(g.report.verdict) {
                    ocmf_session_verdict::Valid => summary.valid += 1,
                    ocmf_session_verdict::Incomplete => summary.incomplete += 1,
                    ocmf_session_verdict::Invalid => summary.invalid += 1,
                    ocmf_session_verdict::Malformed => summary.malformed += 1,
                }
            }
            // SAFETY: checked non-null; the caller guarantees validity.
            unsafe { *out_summary = summary };
        }
        Ok(ex
            .errors
            .first()
            .map_or(ocmf_result::Ok, |e| ocmf_result::from_core(e.code)))
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
/// that could not be read (805, 806, 102, 101), with the XML of the values
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
        if out_len.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(input_data, len) }?;
        let ex = extract_bytes(bytes);
        let xml = ex.to_xml();
        // SAFETY: the caller's contract.
        unsafe { write_text(&xml, buf, cap, out_len) }?;
        Ok(ex
            .errors
            .first()
            .map_or(ocmf_result::Ok, |e| ocmf_result::from_core(e.code)))
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

    const LOG: &str = include_str!("../../examples/ocpp/stations.log");
    const KEYS: &str = include_str!("../../examples/ocpp/registry.csv");

    /// Calls a buffer writer twice (size query, then exact fit) and returns
    /// the result code and the text; checks the NUL and the length.
    fn text_of(
        mut f: impl FnMut(*mut c_char, usize, *mut usize) -> ocmf_result,
    ) -> (ocmf_result, String) {
        let mut need = 0usize;
        assert_eq!(
            f(core::ptr::null_mut(), 0, &raw mut need),
            ocmf_result::BufferTooSmall
        );
        let mut buf = vec![0x5a_u8; need];
        let mut len = usize::MAX;
        let code = f(buf.as_mut_ptr().cast(), need, &raw mut len);
        assert_eq!(len + 1, need, "length without the NUL");
        assert_eq!(buf[len], 0, "NUL-terminated");
        buf.truncate(len);
        (code, String::from_utf8(buf).unwrap())
    }

    fn load(text: &str) -> *mut ocmf_registry {
        let mut reg = core::ptr::null_mut();
        let mut line = 99;
        // SAFETY: valid slices and out-params.
        let r =
            unsafe { ocmf_registry_load(text.as_ptr(), text.len(), &raw mut reg, &raw mut line) };
        assert_eq!((r, line), (ocmf_result::Ok, 0));
        reg
    }

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
            let ctx = SessionContext {
                key: None,
                registry: Some(&core_reg),
                options: Options::default(),
            };
            let ex = ocmf_core::transport::extract(LOG);
            assert_eq!(json, ex.sessions_json_string(&ctx, lang));
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
        assert_eq!(xml, ocmf_core::transport::extract(LOG).to_xml());
        assert_eq!(code, ocmf_result::TransportFormat);
        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }

    #[test]
    fn session_and_trusted_reports_are_the_cores() {
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
        let ctx = SessionContext {
            key: None,
            registry: Some(&core_reg),
            options: Options::default(),
        };
        let report = evaluate(&core_records, &ctx);
        assert_eq!(json, report.to_json_string(Lang::De));
        assert_eq!(
            (code, verdict),
            (ocmf_result::Ok, ocmf_session_verdict::Valid)
        );
        assert_eq!(
            report.energy.as_ref().map(|e| e.kwh.to_string()).as_deref(),
            Some("22.3242")
        );

        // One record against the registry.
        let v = values[0];
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
        let want = check_trusted(
            &v.record,
            None,
            &core_reg,
            &Options::with_profile(Profile::Strict),
        );
        assert_eq!(json, want.to_json_string(Lang::En));
        assert_eq!(code, ocmf_result::from_core(want.report.code()));
        assert_eq!(trust, ocmf_trust::Trusted);
        // SAFETY: from `ocmf_registry_load`, freed once.
        unsafe { ocmf_registry_free(reg) };
    }

    #[test]
    fn binary_keys_read_as_their_hex() {
        let der: &[u8] = &[0x30, 0x59, 0xff, 0x00];
        assert_eq!(key_as_text(der), "3059FF00");
        assert_eq!(key_as_text(b"abc"), "abc");
        let k = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";
        let bytes: Vec<u8> = (0..k.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&k[i..i + 2], 16).unwrap())
            .collect();
        // The same point (the encoding is not part of any report).
        let (from_hex, from_der) = (
            PublicKey::parse(&key_as_text(&bytes)).unwrap(),
            PublicKey::from_bytes(&bytes).unwrap(),
        );
        assert_eq!(key_fingerprint(&from_hex), key_fingerprint(&from_der));
        assert!(from_hex.curves().eq(from_der.curves()));
    }

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
    }

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
                let want = check(rec, Some(&key), &Options::default());
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
        let options = Options::with_profile(Profile::Strict);
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
                let want = match core::str::from_utf8(record) {
                    Ok(text) => check_trusted(text, *key, &core_reg, &options),
                    Err(_) => TrustedReport::from_error(
                        str_from_bytes(record, &options.limits).unwrap_err(),
                        None,
                        Profile::Strict,
                    ),
                };
                assert_eq!(out[i], ocmf_batch_result::from_report(&want.report), "{i}");
                assert_eq!(trust[i], ocmf_trust::from_core(&want.trust), "{i}");
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

    #[test]
    fn registries_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ocmf_registry>();
    }
}
