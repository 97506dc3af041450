//! Result codes: `ocmf_result` is the core's `ErrorCode`, number for number,
//! and `ocmf_result_message` its text.

use core::ffi::{CStr, c_char};

use ocmf_core::{Error, ErrorCode, Lang};

use crate::boundary::boundary;
use crate::options::{LangArg, lang_of};

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
    /// A charge detail record carries its signed values in an encoding other than OCMF.
    UnsupportedEncoding = 807,
    /// The input is none of the other signed-value formats.
    FormatUnrecognised = 900,
    /// A value of another format has bad base32, base64 or hex text.
    FormatBadEncoding = 901,
    /// A field of a value of another format has the wrong length.
    FormatWrongLength = 902,
    /// The SML data of an EDL40 value is truncated or inconsistent.
    FormatBadSml = 903,
    /// The XML of a value of another format cannot be read (or holds a DTD).
    FormatBadXml = 904,
    /// The JSON of a value of another format cannot be read.
    FormatBadJson = 905,
    /// A required field of a value of another format is missing.
    FormatMissingField = 906,
    /// A field of a value of another format has a value the format does not allow.
    FormatBadField = 907,
    /// A value of another format has no signature.
    FormatNoSignature = 908,
    /// The parts of a value name different meters or keys.
    FormatMeterDiffers = 909,
    /// A PCDF value is marked not billable (`BV`); its signature verifies.
    PcdfNotBillable = 910,
    /// A PCDF value's stop data is marked missing (`SP`); its signature verifies.
    PcdfStopDataMissing = 911,
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
    ocmf_result::UnsupportedEncoding,
    ocmf_result::FormatUnrecognised,
    ocmf_result::FormatBadEncoding,
    ocmf_result::FormatWrongLength,
    ocmf_result::FormatBadSml,
    ocmf_result::FormatBadXml,
    ocmf_result::FormatBadJson,
    ocmf_result::FormatMissingField,
    ocmf_result::FormatBadField,
    ocmf_result::FormatNoSignature,
    ocmf_result::FormatMeterDiffers,
    ocmf_result::PcdfNotBillable,
    ocmf_result::PcdfStopDataMissing,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ocmf_lang;

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
}
