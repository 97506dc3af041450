//! Signed meter values in the formats other than OCMF (issue 19).
//!
//! Each module reads one format into the same [`FormatValue`]; verifying it
//! goes through the crate's ECDSA path ([`crate::verify_digest`]) on the
//! format's curve. Readers are total: any input gives a value or a typed
//! [`FormatError`], never a panic.
//!
//! | format | module | signed bytes | curve | key |
//! |---|---|---|---|---|
//! | Alfen `AP;` line | `alfen` | the 82-byte data set | P-192 | in the value |
//! | EDL40 SML 1.04 | `edl40` | 320-byte block rebuilt from SML | P-192 / P-256 | given |
//! | ISA-EDL40 SML | `edl40` | its own 320-byte block | P-256 | given |
//! | SML signature-only XML | `sig_only` | `encodedMeterValue` (320 bytes) | P-192 / P-256 | in the value |
//! | EDL40 Mennekes XML | `mennekes` | 320-byte block per measurement | P-192 | in the value |
//! | PCDF text | `pcdf` | text before `(SG:` | P-256 | in the value |
//! | EMH in chargeIT JSON | `emh` | 320-byte block | P-192 | in the value |
//! | BAUER BSM-WS36A JSON | `bsm` | concatenated data points | P-256 | in the value |
//! | ChargePoint `secrrct` + `secrrct.sign` | `chargepoint` | the `secrrct` file | secp224k1 / P-256 | given |
//!
//! A key carried inside the value proves integrity, not origin: the report
//! says which key was used and where it came from ([`KeyOrigin`]).

use alloc::{string::String, vec::Vec};
use core::fmt;

use sha2::{Digest, Sha256};

use crate::algorithm::{Algorithm, Curve};
use crate::error::{ErrorCode, Lang, Verdict};
use crate::grammar::TimeStatus;
use crate::key::PublicKey;

mod alfen;
mod block;
mod bsm;
mod chargepoint;
pub(crate) mod check;
mod codec;
mod edl40;
mod emh;
mod mennekes;
mod pcdf;
pub(crate) mod session;
mod sig_only;
mod sml;

pub use chargepoint::join as chargepoint_value;
pub use check::FormatCheck;
pub use session::{FormatSession, FormatSessionValue};

/// The formats this module reads, in the order [`read`] tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Alfen Eichrecht (`AP;…` line; SAFE `ALFEN`).
    Alfen,
    /// EDL40 E-Mobility extension in an SML 1.04 frame (SAFE `SML_EDL40_P`).
    Edl40,
    /// Isabellenhütte EDL40 in an SML 1.04 frame (SAFE `ISA_EDL_40_P`).
    IsaEdl40,
    /// The `<signedMeterValue>` XML carrying the 320-byte block (SAFE `EDL_40_SIG`).
    SmlSignatureOnly,
    /// Mennekes `<ChargingProcess>` XML (SAFE `EDL_40_MENNEKES`).
    EdlMennekes,
    /// Porsche Charging Data Format text (SAFE `PCDF`).
    Pcdf,
    /// EMH eHZ values in a chargeIT JSON snapshot (Chargy `EMHCrypt01`).
    EmhChargeit,
    /// BAUER BSM-WS36A signed snapshot JSON (Chargy `BSMCrypt01`).
    BsmWs36a,
    /// ChargePoint `secrrct` JSON with its detached `secrrct.sign`
    /// signature, on secp224k1 (Chargy `ChargePointCrypt01`).
    ChargePoint,
}

impl Format {
    /// Every format, in detection order.
    pub const ALL: &'static [Format] = &[
        Self::Alfen,
        Self::Edl40,
        Self::IsaEdl40,
        Self::SmlSignatureOnly,
        Self::EdlMennekes,
        Self::Pcdf,
        Self::EmhChargeit,
        Self::BsmWs36a,
        Self::ChargePoint,
    ];

    /// The stable name (as the shared samples write it), e.g. `ALFEN`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Alfen => "ALFEN",
            Self::Edl40 => "EDL40",
            Self::IsaEdl40 => "ISA_EDL40",
            Self::SmlSignatureOnly => "SML_SIGNATURE_ONLY",
            Self::EdlMennekes => "EDL_MENNEKES",
            Self::Pcdf => "PCDF",
            Self::EmhChargeit => "EMH_CHARGEIT",
            Self::BsmWs36a => "BSM_WS36A",
            Self::ChargePoint => "CHARGEPOINT",
        }
    }

    /// The format of a stable name ([`Format::as_str`], case-insensitive).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a reading is within its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadingKind {
    /// The begin of a charging session.
    Start,
    /// The end of a charging session.
    Stop,
    /// A reading during a session (Alfen type 2, ISA `UPDATE`).
    Intermediate,
    /// A reading whose role the value does not say.
    Unknown,
}

impl ReadingKind {
    /// `start`, `stop`, `intermediate` or `unknown`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Stop => "stop",
            Self::Intermediate => "intermediate",
            Self::Unknown => "unknown",
        }
    }
}

/// A point in time as a format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FormatTime {
    /// Seconds since 1970-01-01 UTC (for "local epoch" formats: the local
    /// epoch minus `offset_minutes`).
    pub utc_seconds: i64,
    /// The zone offset the value states, in minutes, if any.
    pub offset_minutes: Option<i32>,
    /// The time status (`S` when the meter says its clock is synchronised,
    /// `U` when it says it is not, `I` when the format does not say).
    pub status: TimeStatus,
}

/// One meter reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatReading {
    /// Its role in the session.
    pub kind: ReadingKind,
    /// When it was taken.
    pub time: Option<FormatTime>,
    /// The value as an exact decimal text in `unit` (e.g. `11028.1`).
    pub value: String,
    /// The unit: `Wh` or `kWh`.
    pub unit: &'static str,
    /// The OBIS code, `A-B:C.D.E*F`, where the format has one.
    pub obis: Option<String>,
    /// The meter's status word for this reading, where the format has one.
    pub status: Option<u64>,
    /// The pagination / register counter of this reading, where it has one.
    pub pagination: Option<u64>,
    /// Whether this reading's signature is one of [`FormatValue::signed`]
    /// (`false` for a value the format shows outside the signed bytes).
    pub signed: bool,
}

/// Where the key used to verify came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyOrigin {
    /// Given by the caller.
    Caller,
    /// Carried inside the value (proves integrity, not origin).
    Carried,
    /// The registry's key for the value's meter.
    Registry,
}

impl KeyOrigin {
    /// `caller` or `carried`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Caller => "caller",
            Self::Carried => "carried",
            Self::Registry => "registry",
        }
    }
}

/// The curve a signature is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CurveRule {
    /// Always this curve.
    Fixed(Curve),
    /// P-192 or P-256, chosen by the key's size (EDL40: the key is given).
    P192OrP256,
    /// secp224k1 or P-256, chosen by the key (ChargePoint: older station
    /// firmware signs on secp224k1, newer on secp256r1; the key is given).
    Secp224k1OrP256,
}

/// One signature of a value and the exact bytes it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPart {
    /// What it signs: `value`, `start` or `end`.
    pub label: &'static str,
    /// The exact bytes the signature covers (the digest input): as received
    /// where the format signs its own bytes, rebuilt where it signs a block
    /// assembled from fields (EDL40, Mennekes, EMH, BSM).
    pub signed_bytes: Vec<u8>,
    /// The signature: raw `r‖s` or DER, as the format carries it.
    pub signature: Vec<u8>,
    /// Its curve.
    pub curve: CurveRule,
}

impl SignedPart {
    /// SHA-256 of [`SignedPart::signed_bytes`] (every format hashes with SHA-256;
    /// P-192 uses the digest's left 24 bytes, as ECDSA prescribes).
    #[must_use]
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(&self.signed_bytes).into()
    }
}

/// A note on a value that does not change the signature's answer by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatFinding {
    /// Stable code, e.g. `unsigned_field_differs`.
    pub code: &'static str,
    /// Whether it makes the value unacceptable (verdict `malformed` with this code).
    pub rejects: bool,
    /// What it is about (a field name).
    pub detail: String,
}

/// A signed meter value in one of the [`Format`]s, read but not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormatValue {
    /// The format.
    pub format: Format,
    /// The meter's serial / server id as the format shows it (hex for
    /// SML server ids, text otherwise).
    pub meter_serial: String,
    /// The readings, in the value's order.
    pub readings: Vec<FormatReading>,
    /// The transaction / session id, where there is one.
    pub transaction: Option<String>,
    /// The contract / authorisation id, where there is one.
    pub contract: Option<String>,
    /// The key carried inside the value (SEC1 or SPKI bytes as carried).
    pub carried_key: Option<Vec<u8>>,
    /// The signatures and what they cover (all must verify).
    pub signed: Vec<SignedPart>,
    /// Notes found while reading (acceptance rules, unsigned fields).
    pub findings: Vec<FormatFinding>,
}

/// The answer of [`FormatValue::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatReport {
    /// The verdict.
    pub verdict: Verdict,
    /// Stable code of the reason (`ok` when valid).
    pub code: &'static str,
    /// Whether every signature verified (true also when an acceptance rule
    /// then rejects the value).
    pub signature_verified: bool,
    /// The key used, as SEC1 hex, and where it came from.
    pub key: Option<(String, KeyOrigin)>,
    /// The curve verified on.
    pub curve: Option<Curve>,
}

impl FormatReport {
    pub(crate) const fn new(verdict: Verdict, code: &'static str) -> Self {
        Self {
            verdict,
            code,
            signature_verified: false,
            key: None,
            curve: None,
        }
    }

    /// A sentence on the verdict for a driver.
    #[must_use]
    pub const fn explain(&self, lang: Lang) -> &'static str {
        self.verdict.explain(lang)
    }
}

/// Why a value cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatErrorKind {
    /// The input is none of the formats.
    Unrecognised,
    /// Bad base32 / base64 / hex text.
    Encoding,
    /// A field has the wrong length.
    Length,
    /// The SML frame or TLV ends early or is inconsistent.
    Sml,
    /// XML that cannot be read (or holds a DTD, or is too large).
    Xml,
    /// JSON that cannot be read.
    Json,
    /// A required field is missing.
    MissingField,
    /// A field has a value the format does not allow.
    BadField,
}

/// A value that cannot be read, with the format and field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// The family.
    pub kind: FormatErrorKind,
    /// The format being read (`None` for [`FormatErrorKind::Unrecognised`]).
    pub format: Option<Format>,
    /// The field (or what was tried), for the message.
    pub field: &'static str,
}

impl FormatError {
    pub(crate) const fn new(kind: FormatErrorKind, format: Format, field: &'static str) -> Self {
        Self {
            kind,
            format: Some(format),
            field,
        }
    }

    /// The error code (900-907), e.g. [`ErrorCode::FormatBadEncoding`].
    #[must_use]
    pub const fn error_code(&self) -> ErrorCode {
        match self.kind {
            FormatErrorKind::Unrecognised => ErrorCode::FormatUnrecognised,
            FormatErrorKind::Encoding => ErrorCode::FormatBadEncoding,
            FormatErrorKind::Length => ErrorCode::FormatWrongLength,
            FormatErrorKind::Sml => ErrorCode::FormatBadSml,
            FormatErrorKind::Xml => ErrorCode::FormatBadXml,
            FormatErrorKind::Json => ErrorCode::FormatBadJson,
            FormatErrorKind::MissingField => ErrorCode::FormatMissingField,
            FormatErrorKind::BadField => ErrorCode::FormatBadField,
        }
    }

    /// The stable code name, e.g. `format_bad_encoding`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        self.error_code().name()
    }

    /// The message in `lang` (without the field): the code's message.
    #[must_use]
    pub const fn message(&self, lang: Lang) -> &'static str {
        self.error_code().message(lang)
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        check::DisplayIn(self, Lang::En).fmt(f)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FormatError {}

/// Reads a signed value in any of the [`Format`]s, detecting which.
///
/// Detection looks at the value's shape (an `AP;` prefix, an SML escape
/// sequence in hex or base64, the XML root element, the PCDF `128.8.0(`
/// prefix, the JSON members); the value is then read by that format's
/// reader alone, so its error is that format's.
///
/// # Errors
/// A [`FormatError`]: [`FormatErrorKind::Unrecognised`] when no format
/// matches, else the detected format's reading error.
pub fn read(input: &[u8]) -> Result<FormatValue, FormatError> {
    let unrecognised = FormatError {
        kind: FormatErrorKind::Unrecognised,
        format: None,
        field: "",
    };
    let text = core::str::from_utf8(input).ok();
    let trimmed = text.map(|t| t.trim_start_matches('\u{feff}').trim());
    match trimmed {
        Some(t) if t.starts_with("AP;") => alfen::read(t),
        Some(t) if pcdf::looks_like(t) => pcdf::read(t),
        Some(t) if t.starts_with('<') || t.starts_with("&lt;") => read_xml(t),
        Some(t) if t.starts_with('{') => read_json(t),
        Some(t) => match codec::sml_text(t) {
            Some(bytes) => edl40::read(&bytes),
            // A binary frame that happens to be valid UTF-8.
            None if input.starts_with(sml::ESCAPE_START) => edl40::read(input),
            None => Err(unrecognised),
        },
        None if input.starts_with(sml::ESCAPE_START) => edl40::read(input),
        None => Err(unrecognised),
    }
}

fn read_xml(t: &str) -> Result<FormatValue, FormatError> {
    let unescaped;
    let t = if t.starts_with("&lt;") {
        unescaped = codec::xml_unescape(t);
        unescaped.as_str()
    } else {
        t
    };
    if t.contains("signedMeterValue") {
        sig_only::read(t)
    } else if t.contains("ChargingProcess") {
        mennekes::read(t)
    } else {
        Err(FormatError {
            kind: FormatErrorKind::Unrecognised,
            format: None,
            field: "xml root",
        })
    }
}

fn read_json(t: &str) -> Result<FormatValue, FormatError> {
    let v: serde_json::Value = serde_json::from_str(t).map_err(|_| FormatError {
        kind: FormatErrorKind::Json,
        format: None,
        field: "",
    })?;
    if let Some(items) = v
        .get("signedMeterValues")
        .and_then(serde_json::Value::as_array)
    {
        // A chargeIT container: every snapshot, as one value.
        let mut out: Option<FormatValue> = None;
        for item in items {
            let one = read_json_value(item)?;
            match out.as_mut() {
                None => out = Some(one),
                Some(acc) => acc.merge(one),
            }
        }
        // The `signedMeterValues` container is chargeIT's: an empty one is
        // an EMH chargeIT value without values.
        return out.ok_or(FormatError::new(
            FormatErrorKind::MissingField,
            Format::EmhChargeit,
            "signedMeterValues",
        ));
    }
    read_json_value(&v)
}

fn read_json_value(v: &serde_json::Value) -> Result<FormatValue, FormatError> {
    if chargepoint::looks_like(v) {
        chargepoint::read(v)
    } else if bsm::looks_like(v) {
        bsm::read(v)
    } else if emh::looks_like(v) {
        emh::read(v)
    } else if chargepoint::looks_like_document(v) {
        // The `secrrct` file alone: its signature is the other file.
        Err(chargepoint::missing_signature())
    } else {
        Err(FormatError {
            kind: FormatErrorKind::Unrecognised,
            format: None,
            field: "json members",
        })
    }
}

impl FormatValue {
    /// Appends the readings and signatures of another snapshot of the same
    /// container; a different format, meter or carried key is a rejecting
    /// finding `meter_differs`.
    fn merge(&mut self, other: Self) {
        if other.format != self.format
            || other.meter_serial != self.meter_serial
            || other.carried_key != self.carried_key
        {
            self.findings.push(FormatFinding {
                code: ErrorCode::FormatMeterDiffers.name(),
                rejects: true,
                detail: other.meter_serial.clone(),
            });
        }
        self.readings.extend(other.readings);
        self.signed.extend(other.signed);
        self.findings.extend(other.findings);
    }

    /// Verifies every signature of the value under `key`, or, without one,
    /// under the key the value carries.
    ///
    /// Verdicts: `valid`; `invalid-signature` (code `invalid_signature`);
    /// `unsupported` with `key_missing` when there is no key at all, or
    /// `key_curve_mismatch` when the key is on another curve; `malformed`
    /// when the carried key or the signature bytes cannot be read, or when
    /// the signature verifies but an acceptance rule of the format rejects
    /// the value (the finding's code, `signature_verified` stays true).
    #[must_use]
    pub fn verify(&self, key: Option<&PublicKey>) -> FormatReport {
        match (key, &self.carried_key) {
            (Some(k), _) => self.verify_as(k, KeyOrigin::Caller),
            (None, Some(bytes)) => match PublicKey::from_bytes(bytes) {
                Ok(k) => self.verify_as(&k, KeyOrigin::Carried),
                Err(e) => FormatReport::new(Verdict::Malformed, e.code.name()),
            },
            (None, None) => FormatReport::new(Verdict::Unsupported, ErrorCode::KeyMissing.name()),
        }
    }

    /// [`FormatValue::verify`] under `key`, reported as coming from `origin`.
    pub(crate) fn verify_as(&self, key: &PublicKey, origin: KeyOrigin) -> FormatReport {
        let mut report = FormatReport::new(Verdict::Valid, "ok");
        report.key = Some((key.sec1_hex(), origin));
        if self.signed.is_empty() {
            report.verdict = Verdict::Malformed;
            report.code = ErrorCode::FormatNoSignature.name();
            return report;
        }
        for part in &self.signed {
            let curve = match part.curve {
                CurveRule::Fixed(c) => Some(c),
                CurveRule::P192OrP256 => key
                    .curves()
                    .find(|c| matches!(c, Curve::P192 | Curve::P256)),
                CurveRule::Secp224k1OrP256 => key
                    .curves()
                    .find(|c| matches!(c, Curve::Secp224k1 | Curve::P256)),
            };
            let Some(curve) = curve else {
                report.verdict = Verdict::Unsupported;
                report.code = ErrorCode::KeyCurveMismatch.name();
                return report;
            };
            report.curve = Some(curve);
            let algorithm = Algorithm::ecdsa_sha256(curve);
            match crate::record::verify_digest(algorithm, key, &part.digest(), &part.signature) {
                Ok(_) => {}
                Err(e) => {
                    report.verdict = e.verdict();
                    report.code = e.code.name();
                    return report;
                }
            }
        }
        report.signature_verified = true;
        if let Some(f) = self.findings.iter().find(|f| f.rejects) {
            report.verdict = Verdict::Malformed;
            report.code = f.code;
        }
        report
    }

    /// [`FormatValue::verify`] with the key as text ([`PublicKey::parse`];
    /// blank = none). A key that cannot be decoded gives `malformed` (or
    /// `unsupported` for an unknown curve) with the key's code, never an
    /// invalid signature.
    #[must_use]
    pub fn verify_key_text(&self, key: Option<&str>) -> FormatReport {
        match key.map(str::trim).filter(|k| !k.is_empty()) {
            None => self.verify(None),
            Some(text) => match PublicKey::parse(text) {
                Ok(k) => self.verify(Some(&k)),
                Err(e) => FormatReport::new(e.verdict(), e.code.name()),
            },
        }
    }
}
