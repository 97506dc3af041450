//! Records: parse into [`Unverified`], verify into [`Verified`], or get one
//! [`Report`] with a verdict for anything.

use alloc::vec::Vec;

use sha2::{Digest, Sha256};

use crate::Backend;
use crate::algorithm::Algorithm;
use crate::envelope::{self, Envelope, Limits};
use crate::error::{Error, ErrorCode, Span, Verdict};
use crate::finding::{Finding, FindingCode, Profile, Severity};
use crate::grammar;
use crate::key::{KeyEncoding, PublicKey};
use crate::lint;
use crate::payload::{Payload, SignatureSection};
use crate::registry::TrustInfo;
use crate::sigdata::{self, SignatureShape};

/// Options for reading and checking records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The checking profile (default `interop`).
    pub profile: Profile,
    /// Limits against hostile input.
    pub limits: Limits,
    /// The group arithmetic every signature of the check is verified with,
    /// whatever key it is (given, carried, the record's own, from a
    /// registry). [`Backend::Auto`] (the default): each key's own backend
    /// ([`PublicKey::with_backend`]), which is `Auto` unless chosen.
    pub backend: Backend,
}

impl Options {
    /// Options with a profile and default limits.
    #[must_use]
    pub fn with_profile(profile: Profile) -> Self {
        Self {
            profile,
            limits: Limits::default(),
            backend: Backend::Auto,
        }
    }
}

/// A record that has been read but whose signature has not been checked.
///
/// Nothing in it is trustworthy yet: call [`Unverified::verify`].
#[derive(Debug, Clone)]
pub struct Unverified<'a> {
    /// The sections, with the exact signed bytes.
    pub envelope: Envelope<'a>,
    /// The payload, typed.
    pub payload: Payload<'a>,
    /// The signature section, typed.
    pub signature: SignatureSection<'a>,
}

/// A record whose signature verified under a key.
#[derive(Debug, Clone, Copy)]
pub struct Verified<'r, 'a> {
    record: &'r Unverified<'a>,
    /// The algorithm the signature was checked with.
    pub algorithm: Algorithm,
    /// The shape of the signature bytes.
    pub shape: SignatureShape,
    /// Whether `s` was above n/2.
    pub high_s: bool,
}

impl<'r, 'a> Verified<'r, 'a> {
    /// The record.
    #[must_use]
    pub const fn record(&self) -> &'r Unverified<'a> {
        self.record
    }

    /// The payload, now backed by a valid signature.
    #[must_use]
    pub const fn payload(&self) -> &'r Payload<'a> {
        &self.record.payload
    }
}

/// Parses a record with default options.
///
/// # Errors
/// An [`Error`] whose code names what cannot be read and where (verdict `malformed`).
pub fn parse(record: &str) -> Result<Unverified<'_>, Error> {
    parse_with(record, &Options::default())
}

/// Parses a record.
///
/// # Errors
/// As [`parse`].
pub fn parse_with<'a>(record: &'a str, options: &Options) -> Result<Unverified<'a>, Error> {
    let envelope = envelope::split(record, &options.limits)?;
    let payload = Payload::from_raw(record, envelope.payload_json, options.limits.max_readings)?;
    let signature = SignatureSection::from_raw(record, envelope.signature_json)?;
    Ok(Unverified {
        envelope,
        payload,
        signature,
    })
}

/// Parses a record given as bytes (checks UTF-8 first).
///
/// # Errors
/// [`ErrorCode::TooLarge`], [`ErrorCode::NotUtf8`], or as [`parse`].
pub fn parse_bytes<'a>(record: &'a [u8], options: &Options) -> Result<Unverified<'a>, Error> {
    parse_with(str_from_bytes(record, &options.limits)?, options)
}

/// Checks the size limit and UTF-8 of raw input.
///
/// # Errors
/// [`ErrorCode::TooLarge`] or [`ErrorCode::NotUtf8`] with the offset.
pub fn str_from_bytes<'a>(record: &'a [u8], limits: &Limits) -> Result<&'a str, Error> {
    if record.len() > limits.max_record_bytes {
        return Err(Error::new(ErrorCode::TooLarge).at_offset(limits.max_record_bytes));
    }
    core::str::from_utf8(record)
        .map_err(|e| Error::new(ErrorCode::NotUtf8).at_offset(e.valid_up_to()))
}

/// Details of the algorithm decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlgorithmInfo {
    pub(crate) algorithm: Algorithm,
    pub(crate) exact_spelling: bool,
    pub(crate) defaulted: bool,
}

impl<'a> Unverified<'a> {
    /// The exact bytes the meter signed.
    #[must_use]
    pub const fn signed_bytes(&self) -> &'a str {
        self.envelope.payload_raw
    }

    /// The SHA-256 digest of the signed bytes.
    #[must_use]
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.envelope.payload_raw.as_bytes()).into()
    }

    pub(crate) fn algorithm_info(&self) -> Result<AlgorithmInfo, Error> {
        match &self.signature.algorithm {
            None => Ok(AlgorithmInfo {
                algorithm: Algorithm::DEFAULT,
                exact_spelling: true,
                defaulted: true,
            }),
            Some(sa) => match grammar::parse_algorithm(sa.as_str()) {
                Ok((algorithm, exact)) => Ok(AlgorithmInfo {
                    algorithm,
                    exact_spelling: exact,
                    defaulted: false,
                }),
                Err(not_in_spec) => {
                    let code = if not_in_spec {
                        ErrorCode::AlgorithmNotInSpec
                    } else {
                        ErrorCode::UnknownAlgorithm
                    };
                    Err(Error::new(code).field("SA").at(sa.span))
                }
            },
        }
    }

    /// The signature algorithm (`SA`, defaulting to ECDSA-secp256r1-SHA256).
    ///
    /// # Errors
    /// [`ErrorCode::UnknownAlgorithm`] or [`ErrorCode::AlgorithmNotInSpec`].
    pub fn algorithm(&self) -> Result<Algorithm, Error> {
        self.algorithm_info().map(|i| i.algorithm)
    }

    /// The public key carried in a 4th section, if any.
    ///
    /// # Errors
    /// As [`PublicKey::parse`].
    pub fn embedded_key(&self) -> Option<Result<PublicKey, Error>> {
        self.envelope.key_section.map(PublicKey::parse)
    }

    /// Decodes the signature bytes for an algorithm.
    fn signature_bytes(&self, algorithm: Algorithm) -> Result<sigdata::SignatureBytes, Error> {
        let sd = self
            .signature
            .data
            .as_ref()
            .ok_or_else(|| Error::new(ErrorCode::MissingSignatureData).field("SD"))?;
        let base64 = match &self.signature.encoding {
            None => false,
            Some(se) if se.as_str().eq_ignore_ascii_case("hex") => false,
            Some(se) if se.as_str().eq_ignore_ascii_case("base64") => true,
            Some(se) => {
                return Err(Error::new(ErrorCode::UnknownSignatureEncoding)
                    .field("SE")
                    .at(se.span));
            }
        };
        if let Some(sm) = &self.signature.mime {
            if !sm.as_str().eq_ignore_ascii_case("application/x-der") {
                return Err(Error::new(ErrorCode::UnknownSignatureMime)
                    .field("SM")
                    .at(sm.span));
            }
        }
        sigdata::decode(
            sd.as_str(),
            base64,
            2 * algorithm.curve.field_bytes(),
            sd.span,
        )
    }

    /// Verifies the signature under `key`.
    ///
    /// Reads the algorithm, decodes the signature (DER leniently, or raw
    /// `r‖s`), checks the key can serve the algorithm's curve, and verifies
    /// over the exact signed bytes. Profile rules are not applied here; see [`Checker::verify`](crate::Checker::verify).
    ///
    /// # Errors
    /// `unsupported` codes (4xx) for the algorithm or a key on another curve,
    /// `malformed` codes (3xx, 5xx) for unreadable signature or key, and
    /// [`ErrorCode::InvalidSignature`] when the signature does not verify.
    pub fn verify<'r>(&'r self, key: &PublicKey) -> Result<Verified<'r, 'a>, Error> {
        let algorithm = self.algorithm()?;
        let sig = self.signature_bytes(algorithm)?;
        let point = key.for_curve(algorithm.curve)?;
        match point.verify_prehashed(&self.digest(), sig.r(), sig.s()) {
            Some(high_s) => Ok(Verified {
                record: self,
                algorithm,
                shape: sig.shape,
                high_s,
            }),
            None => Err(Error::new(ErrorCode::InvalidSignature)),
        }
    }
}

/// What makes two copies of a record one record, as a SHA-256 digest: the
/// exact signed bytes, the curve of `SA` and the signature as
/// `r ‖ min(s, n − s)`. Every accepted encoding of one signature (DER read
/// leniently, raw `r‖s`, either hex case, base64 via `SE`, and (r, n − s))
/// gives the same identity. A record whose signature cannot be read (or
/// whose `r`/`s` is out of range) falls back to its record text.
pub(crate) fn record_identity(record: &str) -> [u8; 32] {
    let signed = parse(record).ok().and_then(|u| {
        let curve = u.algorithm().ok()?.curve;
        let sig = u.signature_bytes(u.algorithm().ok()?).ok()?;
        let rs = crate::curves::normalized_rs(curve, sig.r(), sig.s())?;
        Some((u.signed_bytes(), curve, rs))
    });
    let mut h = Sha256::new();
    match signed {
        Some((bytes, curve, rs)) => {
            h.update(b"signed\0");
            h.update(curve.oid().as_bytes());
            h.update(b"\0");
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes.as_bytes());
            h.update(&rs);
        }
        None => {
            h.update(b"text\0");
            h.update(record.as_bytes());
        }
    }
    h.finalize().into()
}

/// Verifies signature bytes (DER read leniently, or raw `r‖s`) over a SHA-256
/// digest: the step below records, for callers that have their own message
/// framing, and for the Wycheproof suite. Returns the signature's shape and
/// whether `s` was high.
///
/// # Errors
/// [`ErrorCode::SignatureDer`] / [`ErrorCode::SignatureLength`] for bytes
/// that are not a signature, key errors as in [`Unverified::verify`], and
/// [`ErrorCode::InvalidSignature`].
pub fn verify_digest(
    algorithm: Algorithm,
    key: &PublicKey,
    digest: &[u8; 32],
    signature: &[u8],
) -> Result<(SignatureShape, bool), Error> {
    let hex = base16ct::upper::encode_string(signature);
    // Scalars, not field elements: secp224k1's `s` may have 29 bytes.
    let sig = sigdata::decode(
        &hex,
        false,
        2 * algorithm.curve.scalar_bytes(),
        Span::default(),
    )?;
    let point = key.for_curve(algorithm.curve)?;
    point
        .verify_prehashed(digest, sig.r(), sig.s())
        .map(|high| (sig.shape, high))
        .ok_or(Error::new(ErrorCode::InvalidSignature))
}

/// Where the key a report used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeySource {
    /// Given by the caller.
    Caller,
    /// Taken from the record's 4th section.
    Record,
}

impl KeySource {
    /// Every key source.
    pub const ALL: &'static [KeySource] = &[Self::Caller, Self::Record];

    /// `caller` or `record`, as the JSON writes it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Caller => "caller",
            Self::Record => "record",
        }
    }
}

/// The outcome of checking one record: exactly one verdict, its code, the
/// findings, and the parsed record when it could be read.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// The error behind a non-valid verdict (`None` when valid).
    pub error: Option<Error>,
    /// Findings under the profile.
    pub findings: Vec<Finding>,
    /// The record, when it could be read.
    pub record: Option<Unverified<'a>>,
    /// The algorithm, when known.
    pub algorithm: Option<Algorithm>,
    /// Whether the signature itself verified (`None`: not checked).
    pub signature_valid: Option<bool>,
    /// Where the key came from.
    pub key_source: Option<KeySource>,
    /// The profile the record was checked with.
    pub profile: Profile,
    /// The key decision, when the record was checked against a key
    /// [`Registry`](crate::registry::Registry) (and for every record of a
    /// session): which key was used and how far it can be trusted.
    pub trust: Option<TrustInfo>,
}

impl Report<'_> {
    /// The report for input that never reached the parser or verifier (not
    /// UTF-8, too large, ...): its verdict follows the error's code. Every
    /// binding builds such reports with this one constructor.
    #[must_use]
    pub fn from_error(error: Error, profile: Profile) -> Report<'static> {
        Report {
            verdict: error.verdict(),
            error: Some(error),
            findings: Vec::new(),
            record: None,
            algorithm: None,
            signature_valid: None,
            key_source: None,
            profile,
            trust: None,
        }
    }

    /// The code: 0 for valid, else the error's code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.error.map_or(ErrorCode::Ok, |e| e.code)
    }

    /// Whether the verdict is valid.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.verdict == Verdict::Valid
    }
}

/// The report for a record whose key could not be decoded (`key_error`):
/// see [`decide`] for which answer wins.
#[must_use]
pub(crate) fn check_with_key_error<'a>(
    record: &'a str,
    key_error: Error,
    options: &Options,
) -> Report<'a> {
    match parse_with(record, options) {
        Ok(rec) => check_parsed_key(rec, Some(Err(key_error)), options),
        Err(e) => Report::from_error(e, options.profile),
    }
}

/// Checks one record: parse, apply the profile, verify. Never fails; the
/// verdict says what happened.
///
/// `key` is the out-of-band public key; without it a key in the record's
/// 4th section is used (and reported), else the verdict is `unsupported`
/// with [`ErrorCode::KeyMissing`].
#[must_use]
pub(crate) fn check<'a>(record: &'a str, key: Option<&PublicKey>, options: &Options) -> Report<'a> {
    match parse_with(record, options) {
        Ok(rec) => check_parsed(rec, key, options),
        Err(e) => Report::from_error(e, options.profile),
    }
}

/// [`check`] for a record already parsed with `parse_with(record, options)`
/// (the registry check reads the meter serial first and parses only once).
pub(crate) fn check_parsed<'a>(
    rec: Unverified<'a>,
    key: Option<&PublicKey>,
    options: &Options,
) -> Report<'a> {
    check_parsed_key(rec, key.map(Ok), options)
}

/// [`check_parsed`] with the caller's key as given: none, decoded, or its
/// decoding error (`Some(Err)`).
pub(crate) fn check_parsed_key<'a>(
    rec: Unverified<'a>,
    key: Option<Result<&PublicKey, Error>>,
    options: &Options,
) -> Report<'a> {
    let profile = options.profile;
    let mut report = Report::from_error(Error::new(ErrorCode::Internal), profile);
    report.error = None;
    let mut findings = Vec::new();
    if rec.envelope.quirks.byte_order_mark {
        let mark = Span::new(0, '\u{feff}'.len_utf8());
        findings.push(Finding::under(
            FindingCode::ByteOrderMark,
            profile,
            None,
            None,
            Some(mark),
        ));
    }
    lint::lint(&rec, profile, &mut findings);
    let alg = rec.algorithm_info();
    if let Ok(info) = &alg {
        report.algorithm = Some(info.algorithm);
        algorithm_findings(&rec, info, profile, &mut findings);
    }
    // An undecodable caller key is weighed against the record's own answer
    // without a key (see `decide`); the record's 4th section is then read as
    // for no key.
    let (caller, key_error) = match key {
        Some(Ok(k)) => (Some(k), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let embedded = if caller.is_none() {
        rec.embedded_key()
    } else {
        None
    };
    let key = choose_key(caller, embedded.as_ref(), &mut report, &mut findings);
    let outcome = alg.map(|i| i.algorithm).and_then(|a| {
        let sig = rec.signature_bytes(a)?;
        signature_findings(sig.shape, profile, &mut findings);
        verify_with(&rec, key?, options.backend, &mut report, &mut findings)
    });
    if report.signature_valid == Some(true) {
        lint::reference_transaction_check(&rec, profile, &mut findings);
    }
    let (error, key_error_won) = decide(outcome.err(), &findings, key_error);
    if key_error_won {
        // The record was not checked with the key the caller meant.
        report.signature_valid = None;
        report.key_source = None;
    }
    report.verdict = error.map_or(Verdict::Valid, |e| e.verdict());
    report.error = error;
    report.findings = findings;
    report.record = Some(rec);
    report
}

/// The findings of the algorithm decision: `SA` absent, or spelt the vendor's way.
fn algorithm_findings(
    rec: &Unverified<'_>,
    info: &AlgorithmInfo,
    profile: Profile,
    findings: &mut Vec<Finding>,
) {
    if info.defaulted {
        findings.push(Finding::under(
            FindingCode::SaDefault,
            profile,
            Some("SA"),
            None,
            None,
        ));
    } else if !info.exact_spelling {
        let span = rec.signature.algorithm.as_ref().map(|t| t.span);
        findings.push(Finding::under(
            FindingCode::SaVendorSpelling,
            profile,
            Some("SA"),
            None,
            span,
        ));
    }
}

/// The findings of the signature's encoding (raw `r‖s`, lenient DER).
fn signature_findings(shape: SignatureShape, profile: Profile, findings: &mut Vec<Finding>) {
    match shape {
        SignatureShape::Der => {}
        SignatureShape::Raw => findings.push(Finding::under(
            FindingCode::SignatureRaw,
            profile,
            Some("SD"),
            None,
            None,
        )),
        SignatureShape::DerLenient {
            unsigned_high_bit,
            superfluous_zero,
            long_length,
        } => {
            for (flag, code) in [
                (unsigned_high_bit, FindingCode::DerUnsignedHighBit),
                (superfluous_zero, FindingCode::DerSuperfluousZero),
                (long_length, FindingCode::DerLongLength),
            ] {
                if flag {
                    findings.push(Finding::under(code, profile, Some("SD"), None, None));
                }
            }
        }
    }
}

/// The key: the caller's, else the record's own (4th section), recording
/// where it came from.
fn choose_key<'k>(
    caller: Option<&'k PublicKey>,
    embedded: Option<&'k Result<PublicKey, Error>>,
    report: &mut Report<'_>,
    findings: &mut Vec<Finding>,
) -> Result<&'k PublicKey, Error> {
    let key = match (caller, embedded) {
        (Some(k), _) => {
            report.key_source = Some(KeySource::Caller);
            k
        }
        (None, Some(Ok(k))) => {
            report.key_source = Some(KeySource::Record);
            findings.push(Finding::under(
                FindingCode::KeyFromRecord,
                report.profile,
                None,
                None,
                None,
            ));
            k
        }
        (None, Some(Err(e))) => return Err(*e),
        (None, None) => return Err(Error::new(ErrorCode::KeyMissing)),
    };
    if key.encoding == KeyEncoding::UkContainer {
        findings.push(Finding::under(
            FindingCode::NonstandardKeyContainer,
            report.profile,
            None,
            None,
            None,
        ));
    }
    Ok(key)
}

/// Verifies with `key` on `backend` (`Auto`: the key's own), recording
/// whether the signature verified.
fn verify_with(
    rec: &Unverified<'_>,
    key: &PublicKey,
    backend: Backend,
    report: &mut Report<'_>,
    findings: &mut Vec<Finding>,
) -> Result<(), Error> {
    let profile = report.profile;
    let rebacked;
    let key = if backend == Backend::Auto || key.backend() == backend {
        key
    } else {
        rebacked = key.clone().with_backend(backend);
        &rebacked
    };
    match rec.verify(key) {
        Ok(v) => {
            report.signature_valid = Some(true);
            if v.high_s {
                findings.push(Finding::under(
                    FindingCode::HighS,
                    profile,
                    Some("SD"),
                    None,
                    None,
                ));
            }
            Ok(())
        }
        Err(e) => {
            if e.code == ErrorCode::InvalidSignature {
                report.signature_valid = Some(false);
            }
            Err(e)
        }
    }
}

/// The verdict precedence, in one place: which error a record's report
/// carries (`None`: valid), and whether it is the caller key's error.
///
/// 1. what cannot be supported (an algorithm, a key on another curve; not a
///    missing key), then what cannot be read (signature encoding, the
///    record's own key), from `outcome`;
/// 2. an `error` finding of the profile (escalated to its error code);
/// 3. the outcome's remaining error: a missing key or an invalid signature.
///
/// A caller key that could not be decoded (`key_error`) is weighed last
/// against that answer: the record's own `malformed` or `unsupported` answer
/// (other than a missing key) wins — an unsupported algorithm stays
/// unsupported whatever the key —, else the key error decides. It is never
/// an invalid signature.
fn decide(
    outcome: Option<Error>,
    findings: &[Finding],
    key_error: Option<Error>,
) -> (Option<Error>, bool) {
    let profile_error = findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map(|f| {
            let mut e = Error::new(f.code.escalation());
            e.field = f.field;
            e.span = f.span;
            e
        });
    let unsupported =
        |e: &Error| e.verdict() == Verdict::Unsupported && e.code != ErrorCode::KeyMissing;
    let error = match (outcome, profile_error) {
        (Some(e), _) if unsupported(&e) => Some(e),
        (Some(e), _) if e.verdict() == Verdict::Malformed => Some(e),
        (_, Some(p)) => Some(p),
        (e, None) => e,
    };
    match key_error {
        Some(k) if !error.is_some_and(|e| e.verdict() == Verdict::Malformed || unsupported(&e)) => {
            (Some(k), true)
        }
        _ => (error, false),
    }
}
