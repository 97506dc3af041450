//! Errors with stable numeric codes and messages in English and German.
//!
//! The numbers are part of the public contract: the C, WASM and Python
//! bindings report the same numbers. They are grouped by family, with gaps
//! left for growth; a retired number is never reused.
//!
//! | range | family |
//! |-------|--------|
//! | 0     | success |
//! | 1xx   | the record envelope (`OCMF|…|…`) and input limits |
//! | 2xx   | the payload (section 2) |
//! | 3xx   | the signature section and the signature bytes |
//! | 4xx   | algorithms not supported |
//! | 5xx   | public keys |
//! | 6xx   | the verification result |
//! | 7xx   | callers: I/O, usage, bindings |
//! | 8xx   | sessions, key registries and transports |

use core::fmt;

/// Language of a human-readable message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// German (the language of the calibration law and of most users).
    De,
}

impl Lang {
    /// Parses `en` / `de` (case-insensitive); anything else is `None`.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else if s.eq_ignore_ascii_case("de") {
            Some(Self::De)
        } else {
            None
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $name:ident = $num:literal, $en:literal, $de:literal; )*) => {
        /// Stable numeric code of every outcome the library reports.
        ///
        /// `Ok` (0) means the record is valid; every other code names one
        /// reason. See the module documentation for the families.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name = $num, )*
        }

        impl ErrorCode {
            /// Every code, in numeric order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The stable number.
            #[must_use]
            pub const fn code(self) -> u32 {
                self as u32
            }

            /// Looks a number up; `None` for a number that is not (or no longer) assigned.
            #[must_use]
            pub fn from_code(code: u32) -> Option<Self> {
                match code {
                    $( $num => Some(Self::$name), )*
                    _ => None,
                }
            }

            /// The code of a stable identifier ([`ErrorCode::name`]).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.name() == name.trim())
            }

            /// The stable identifier, e.g. `invalid_signature`.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self {
                    $( Self::$name => error_codes!(@snake $name), )*
                }
            }

            /// The message in the given language (lowercase, no trailing period).
            #[must_use]
            pub const fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Self::$name, Lang::En) => $en, (Self::$name, Lang::De) => $de, )*
                }
            }

            /// The same message as a NUL-terminated string (for C callers),
            /// generated from the same table so the two never drift.
            #[must_use]
            pub const fn message_cstr(self, lang: Lang) -> &'static core::ffi::CStr {
                let bytes: &'static [u8] = match (self, lang) {
                    $( (Self::$name, Lang::En) => concat!($en, "\0").as_bytes(),
                       (Self::$name, Lang::De) => concat!($de, "\0").as_bytes(), )*
                };
                match core::ffi::CStr::from_bytes_with_nul(bytes) {
                    Ok(c) => c,
                    Err(_) => c"",
                }
            }
        }
    };
    (@snake Ok) => { "ok" };
    (@snake $name:ident) => { snake::$name };
}

/// Snake-case names of the codes, spelled out so they stay greppable.
#[allow(non_upper_case_globals)]
mod snake {
    pub(super) const EmptyInput: &str = "empty_input";
    pub(super) const TooLarge: &str = "too_large";
    pub(super) const NotUtf8: &str = "not_utf8";
    pub(super) const NotOcmf: &str = "not_ocmf";
    pub(super) const MissingSection: &str = "missing_section";
    pub(super) const TrailingData: &str = "trailing_data";
    pub(super) const SectionWhitespace: &str = "section_whitespace";
    pub(super) const TooDeep: &str = "too_deep";
    pub(super) const PipeInString: &str = "pipe_in_string";
    pub(super) const PayloadJson: &str = "payload_json";
    pub(super) const FieldType: &str = "field_type";
    pub(super) const MissingField: &str = "missing_field";
    pub(super) const DuplicateField: &str = "duplicate_field";
    pub(super) const InvalidValue: &str = "invalid_value";
    pub(super) const NoReadings: &str = "no_readings";
    pub(super) const TooManyItems: &str = "too_many_items";
    pub(super) const ProfileViolation: &str = "profile_violation";
    pub(super) const SignatureJson: &str = "signature_json";
    pub(super) const MissingSignatureData: &str = "missing_signature_data";
    pub(super) const SignatureEncoding: &str = "signature_encoding";
    pub(super) const SignatureDer: &str = "signature_der";
    pub(super) const UnknownSignatureEncoding: &str = "unknown_signature_encoding";
    pub(super) const UnknownSignatureMime: &str = "unknown_signature_mime";
    pub(super) const SignatureLength: &str = "signature_length";
    pub(super) const UnknownAlgorithm: &str = "unknown_algorithm";
    pub(super) const AlgorithmNotInSpec: &str = "algorithm_not_in_spec";
    pub(super) const KeyCurveMismatch: &str = "key_curve_mismatch";
    pub(super) const FormatVersionUnsupported: &str = "format_version_unsupported";
    pub(super) const KeyMissing: &str = "key_missing";
    pub(super) const KeyEncoding: &str = "key_encoding";
    pub(super) const KeyDer: &str = "key_der";
    pub(super) const KeyUnknownCurve: &str = "key_unknown_curve";
    pub(super) const KeyInvalidPoint: &str = "key_invalid_point";
    pub(super) const KeyLength: &str = "key_length";
    pub(super) const InvalidSignature: &str = "invalid_signature";
    pub(super) const Io: &str = "io";
    pub(super) const Usage: &str = "usage";
    pub(super) const InvalidArgument: &str = "invalid_argument";
    pub(super) const BufferTooSmall: &str = "buffer_too_small";
    pub(super) const Internal: &str = "internal";
    pub(super) const SecretKey: &str = "secret_key";
    pub(super) const SessionEmpty: &str = "session_empty";
    pub(super) const SessionInconsistent: &str = "session_inconsistent";
    pub(super) const RegistryFormat: &str = "registry_format";
    pub(super) const KeyUntrusted: &str = "key_untrusted";
    pub(super) const KeyRegistryMismatch: &str = "key_registry_mismatch";
    pub(super) const TransportFormat: &str = "transport_format";
    pub(super) const XmlFormat: &str = "xml_format";
    pub(super) const UnsupportedEncoding: &str = "unsupported_encoding";
    pub(super) const FormatUnrecognised: &str = "format_unrecognised";
    pub(super) const FormatBadEncoding: &str = "format_bad_encoding";
    pub(super) const FormatWrongLength: &str = "format_wrong_length";
    pub(super) const FormatBadSml: &str = "format_bad_sml";
    pub(super) const FormatBadXml: &str = "format_bad_xml";
    pub(super) const FormatBadJson: &str = "format_bad_json";
    pub(super) const FormatMissingField: &str = "format_missing_field";
    pub(super) const FormatBadField: &str = "format_bad_field";
    pub(super) const FormatNoSignature: &str = "format_no_signature";
    pub(super) const FormatMeterDiffers: &str = "meter_differs";
    pub(super) const PcdfNotBillable: &str = "pcdf_not_billable";
    pub(super) const PcdfStopDataMissing: &str = "pcdf_stop_data_missing";
}

error_codes! {
    /// The record is valid.
    Ok = 0, "ok", "ok";

    /// The input is empty (or only white space).
    EmptyInput = 100, "empty input", "leere eingabe";
    /// The input exceeds the configured maximum record size.
    TooLarge = 101, "record exceeds the maximum size", "datensatz überschreitet die maximale größe";
    /// The input bytes are not UTF-8.
    NotUtf8 = 102, "record is not valid utf-8 text", "datensatz ist kein gültiger utf-8-text";
    /// The record does not start with the `OCMF` header.
    NotOcmf = 103, "record does not start with the OCMF header", "datensatz beginnt nicht mit dem OCMF-kopf";
    /// A `|` separator or a section is missing, or a section is not closed.
    MissingSection = 104, "record is missing a section or separator", "im datensatz fehlt ein abschnitt oder trennzeichen";
    /// Something follows the last section.
    TrailingData = 105, "unexpected data after the last section", "unerwartete daten nach dem letzten abschnitt";
    /// White space between the header, the separators and the sections.
    SectionWhitespace = 106, "white space around a section separator", "leerraum um ein abschnitts-trennzeichen";
    /// JSON nesting exceeds the configured maximum depth.
    TooDeep = 107, "json nesting is too deep", "json-verschachtelung ist zu tief";
    /// A `|` inside a JSON string, which the specification forbids.
    PipeInString = 108, "a '|' character inside a json string", "ein '|'-zeichen innerhalb einer json-zeichenkette";

    /// The payload is not valid JSON.
    PayloadJson = 200, "payload is not valid json", "nutzdaten sind kein gültiges json";
    /// A payload field has the wrong JSON type.
    FieldType = 201, "a field has the wrong type", "ein feld hat den falschen typ";
    /// A mandatory field is absent.
    MissingField = 202, "a mandatory field is missing", "ein pflichtfeld fehlt";
    /// A field occurs twice in one JSON object.
    DuplicateField = 203, "a field occurs twice", "ein feld kommt doppelt vor";
    /// A field's value does not follow its grammar or value table.
    InvalidValue = 204, "a field has an invalid value", "ein feld hat einen ungültigen wert";
    /// The payload has no readings (`RD`).
    NoReadings = 205, "the payload has no readings", "die nutzdaten enthalten keine messwerte";
    /// Too many readings or array items for the configured limits.
    TooManyItems = 206, "too many items", "zu viele einträge";
    /// The record breaks a rule of the selected profile (see its findings).
    ProfileViolation = 207, "record breaks a rule of the selected profile", "datensatz verletzt eine regel des gewählten profils";

    /// The signature section is not valid JSON.
    SignatureJson = 300, "signature section is not valid json", "signaturabschnitt ist kein gültiges json";
    /// The signature section has no `SD`.
    MissingSignatureData = 301, "signature data (SD) is missing", "signaturdaten (SD) fehlen";
    /// `SD` is not valid hex or base64.
    SignatureEncoding = 302, "signature data cannot be decoded", "signaturdaten können nicht dekodiert werden";
    /// The signature bytes are neither DER nor raw r||s.
    SignatureDer = 303, "signature is neither der nor raw r||s", "signatur ist weder der noch rohes r||s";
    /// `SE` names an unknown encoding.
    UnknownSignatureEncoding = 304, "unknown signature encoding (SE)", "unbekannte signaturkodierung (SE)";
    /// `SM` names an unknown MIME type.
    UnknownSignatureMime = 305, "unknown signature mime type (SM)", "unbekannter signatur-mime-typ (SM)";
    /// An integer of the signature is longer than the curve allows.
    SignatureLength = 306, "signature integers are too long for the curve", "signaturwerte sind zu lang für die kurve";

    /// `SA` names an algorithm this library does not know.
    UnknownAlgorithm = 400, "unknown signature algorithm (SA)", "unbekannter signaturalgorithmus (SA)";
    /// `SA` names an algorithm outside the OCMF specification.
    AlgorithmNotInSpec = 401, "signature algorithm is not part of the OCMF specification", "signaturalgorithmus ist nicht teil der OCMF-spezifikation";
    /// The key's own curve differs from the curve `SA` names.
    KeyCurveMismatch = 402, "the public key's curve does not match the signature algorithm", "die kurve des öffentlichen schlüssels passt nicht zum signaturalgorithmus";
    /// The format version is not accepted by the selected profile.
    FormatVersionUnsupported = 403, "format version (FV) not supported", "formatversion (FV) wird nicht unterstützt";

    /// No public key was given, so the signature cannot be checked.
    KeyMissing = 500, "no public key given", "kein öffentlicher schlüssel angegeben";
    /// The key text is not hex, base64, PEM or an `oca:` wrapper.
    KeyEncoding = 501, "public key cannot be decoded", "öffentlicher schlüssel kann nicht dekodiert werden";
    /// The key bytes are not a valid SubjectPublicKeyInfo.
    KeyDer = 502, "public key is not a valid subjectpublickeyinfo", "öffentlicher schlüssel ist keine gültige subjectpublickeyinfo";
    /// The key names a curve this library does not support.
    KeyUnknownCurve = 503, "public key uses an unsupported curve", "öffentlicher schlüssel verwendet eine nicht unterstützte kurve";
    /// The key's point is not on the curve.
    KeyInvalidPoint = 504, "public key is not a valid point on the curve", "öffentlicher schlüssel ist kein gültiger punkt auf der kurve";
    /// The key's length fits no supported form.
    KeyLength = 505, "public key has an unexpected length", "öffentlicher schlüssel hat eine unerwartete länge";

    /// The signature does not verify under the key.
    InvalidSignature = 600, "signature does not verify", "signatur ist ungültig";

    /// Reading or writing a file failed.
    Io = 700, "input/output error", "ein-/ausgabefehler";
    /// The command line or call is wrong.
    Usage = 701, "invalid usage", "ungültige verwendung";
    /// An argument passed through a binding is invalid (e.g. a null pointer).
    InvalidArgument = 702, "invalid argument", "ungültiges argument";
    /// The caller's output buffer is too small.
    BufferTooSmall = 703, "output buffer too small", "ausgabepuffer zu klein";
    /// An internal error (a caught panic); please report it.
    Internal = 704, "internal error", "interner fehler";
    /// A secret (signing) key cannot be read.
    SecretKey = 705, "secret key cannot be read", "geheimer schlüssel kann nicht gelesen werden";

    /// A session has no records.
    SessionEmpty = 800, "the session contains no records", "der ladevorgang enthält keine datensätze";
    /// The records of a session do not belong together or contradict each other.
    SessionInconsistent = 801, "the session's records are incomplete or inconsistent", "die datensätze des ladevorgangs sind unvollständig oder widersprüchlich";
    /// A key registry file cannot be read.
    RegistryFormat = 802, "key registry cannot be read", "schlüsselverzeichnis kann nicht gelesen werden";
    /// The signature is valid but the key is not in the trusted registry.
    KeyUntrusted = 803, "the key is not registered for this meter, or not valid at the time of the reading", "der schlüssel ist für diesen zähler nicht registriert oder zum zeitpunkt der messung nicht gültig";
    /// The registry holds a different key for this meter.
    KeyRegistryMismatch = 804, "the registry holds a different key for this meter", "das verzeichnis enthält einen anderen schlüssel für diesen zähler";
    /// An OCPP message or container cannot be read.
    TransportFormat = 805, "ocpp message or container cannot be read", "ocpp-nachricht oder container kann nicht gelesen werden";
    /// The XML file of the reference transparency software cannot be read.
    XmlFormat = 806, "xml file cannot be read", "xml-datei kann nicht gelesen werden";
    /// A charge detail record carries its signed values in an encoding other than OCMF.
    UnsupportedEncoding = 807, "the signed values are in an encoding other than OCMF, which is not checked", "die signierten werte liegen in einer anderen kodierung als OCMF vor, die nicht geprüft wird";

    /// The input is none of the other signed-value formats (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH, BAUER).
    FormatUnrecognised = 900, "not a signed meter value in any known format (tried ALFEN, EDL40, ISA_EDL40, SML_SIGNATURE_ONLY, EDL_MENNEKES, PCDF, EMH_CHARGEIT, BSM_WS36A, CHARGEPOINT)", "kein signierter messwert in einem bekannten format (versucht: ALFEN, EDL40, ISA_EDL40, SML_SIGNATURE_ONLY, EDL_MENNEKES, PCDF, EMH_CHARGEIT, BSM_WS36A, CHARGEPOINT)";
    /// A value of another format has bad base32, base64 or hex text.
    FormatBadEncoding = 901, "bad base32, base64 or hex text", "fehlerhafter base32-, base64- oder hex-text";
    /// A field of a value of another format has the wrong length.
    FormatWrongLength = 902, "a field has the wrong length", "ein feld hat die falsche länge";
    /// The SML data of an EDL40 value is truncated or inconsistent.
    FormatBadSml = 903, "the sml data is truncated or inconsistent", "die sml-daten sind abgeschnitten oder widersprüchlich";
    /// The XML of a value of another format cannot be read (or holds a DTD).
    FormatBadXml = 904, "the xml cannot be read (broken, cut short, or with a dtd, which is refused)", "das xml kann nicht gelesen werden (fehlerhaft, abgeschnitten oder mit einer dtd, die abgelehnt wird)";
    /// The JSON of a value of another format cannot be read.
    FormatBadJson = 905, "the json cannot be read", "das json kann nicht gelesen werden";
    /// A required field of a value of another format is missing.
    FormatMissingField = 906, "a required field is missing", "ein pflichtfeld fehlt";
    /// A field of a value of another format has a value the format does not allow.
    FormatBadField = 907, "a field has a value the format does not allow", "ein feld hat einen wert, den das format nicht erlaubt";
    /// A value of another format has no signature.
    FormatNoSignature = 908, "the value has no signature", "der wert hat keine signatur";
    /// The snapshots or measurements of one value name different meters or keys.
    FormatMeterDiffers = 909, "the parts of the value name different meters or keys", "die teile des werts nennen verschiedene zähler oder schlüssel";
    /// A PCDF value says it is not billable (`BV` is not 1); its signature verifies.
    PcdfNotBillable = 910, "the meter marks this value as not billable (PCDF BV)", "der zähler kennzeichnet diesen wert als nicht abrechnungsrelevant (PCDF BV)";
    /// A PCDF value says its stop data is missing (`SP` is not 1); its signature verifies.
    PcdfStopDataMissing = 911, "the meter marks the stop data as missing (PCDF SP)", "der zähler kennzeichnet die stoppdaten als fehlend (PCDF SP)";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message(Lang::En))
    }
}

/// Where in the input an error or finding points: a byte range of the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    #[must_use]
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// A span of `sub`, which must be a sub-slice of `whole`; an empty span at 0 otherwise.
    #[must_use]
    pub fn of(whole: &str, sub: &str) -> Self {
        let w = whole.as_ptr() as usize;
        let s = sub.as_ptr() as usize;
        if s >= w && s + sub.len() <= w + whole.len() {
            Self::new(s - w, s - w + sub.len())
        } else {
            Self::default()
        }
    }

    /// Shifts the span by `offset` bytes.
    #[must_use]
    pub const fn shift(self, offset: usize) -> Self {
        Self::new(self.start + offset, self.end + offset)
    }
}

/// An error: a stable code, the field it concerns (if any) and where it is.
///
/// Verification failures are deliberately opaque: a signature that does not
/// verify is always [`ErrorCode::InvalidSignature`], with no hint which
/// internal check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.display())]
#[non_exhaustive]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// The payload or signature field concerned, e.g. `RD[1].TM`'s `TM`.
    pub field: Option<&'static str>,
    /// The byte range of the offending value in the record, when known.
    pub span: Option<Span>,
}

impl Error {
    /// An error with just a code.
    #[must_use]
    pub const fn new(code: ErrorCode) -> Self {
        Self {
            code,
            field: None,
            span: None,
        }
    }

    /// Adds the field name.
    #[must_use]
    pub const fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    /// Adds the byte span.
    #[must_use]
    pub const fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// Adds a span at one byte offset.
    #[must_use]
    pub const fn at_offset(self, offset: usize) -> Self {
        self.at(Span::new(offset, offset))
    }

    /// The verdict this error leads to.
    #[must_use]
    pub const fn verdict(&self) -> Verdict {
        Verdict::of_code(self.code)
    }

    /// The message in a language, with field and position.
    #[must_use]
    pub fn message(&self, lang: Lang) -> alloc::string::String {
        use alloc::string::ToString;
        use core::fmt::Write;
        let mut s = self.code.message(lang).to_string();
        if let Some(f) = self.field {
            let _ = write!(s, " ({f})");
        }
        if let Some(sp) = self.span {
            let _ = match lang {
                Lang::En => write!(s, " at byte {}", sp.start),
                Lang::De => write!(s, " bei byte {}", sp.start),
            };
        }
        s
    }

    fn display(&self) -> alloc::string::String {
        self.message(Lang::En)
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// The one verdict every record gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Verdict {
    /// The signature verifies and the record passes the profile's checks.
    Valid,
    /// The record could be read, but the signature does not verify.
    InvalidSignature,
    /// The record, the signature encoding or the key cannot be read (or the
    /// profile rejects the record's form).
    Malformed,
    /// The record asks for something not supported (an algorithm, a format
    /// version, a key on another curve), or no key was given.
    Unsupported,
}

impl Verdict {
    /// Every verdict.
    pub const ALL: &'static [Verdict] = &[
        Self::Valid,
        Self::InvalidSignature,
        Self::Malformed,
        Self::Unsupported,
    ];

    /// The verdict of a stable word ([`Verdict::as_str`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == name.trim())
    }

    /// The stable word: `valid`, `invalid-signature`, `malformed`, `unsupported`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::InvalidSignature => "invalid-signature",
            Self::Malformed => "malformed",
            Self::Unsupported => "unsupported",
        }
    }

    /// The verdict a code leads to.
    #[must_use]
    pub const fn of_code(code: ErrorCode) -> Self {
        match code.code() {
            0 => Self::Valid,
            600 => Self::InvalidSignature,
            400..=499 | 500 | 503 => Self::Unsupported,
            _ => Self::Malformed,
        }
    }

    /// A plain-language sentence for a driver.
    #[must_use]
    pub const fn explain(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Valid, Lang::En) => {
                "The signature is valid: these are the values the meter measured and signed."
            }
            (Self::Valid, Lang::De) => {
                "Die Signatur ist gültig: Dies sind die Werte, die der Zähler gemessen und signiert hat."
            }
            (Self::InvalidSignature, Lang::En) => {
                "The signature does not match: the data was changed after signing, or the key is not the meter's key."
            }
            (Self::InvalidSignature, Lang::De) => {
                "Die Signatur passt nicht: Die Daten wurden nach dem Signieren verändert, oder der Schlüssel ist nicht der des Zählers."
            }
            (Self::Malformed, Lang::En) => {
                "The data cannot be read as a signed meter value; nothing can be said about its signature."
            }
            (Self::Malformed, Lang::De) => {
                "Die Daten können nicht als signierter Messwert gelesen werden; über die Signatur lässt sich nichts sagen."
            }
            (Self::Unsupported, Lang::En) => {
                "This record cannot be checked here (unsupported algorithm, format or key, or no key given)."
            }
            (Self::Unsupported, Lang::De) => {
                "Dieser Datensatz kann hier nicht geprüft werden (nicht unterstützter Algorithmus, Format oder Schlüssel, oder kein Schlüssel angegeben)."
            }
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = alloc::vec::Vec::new();
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(c.code()), Some(*c));
            assert!(!seen.contains(&c.code()), "duplicate {}", c.code());
            seen.push(c.code());
            assert!(!c.message(Lang::En).is_empty());
            assert!(!c.message(Lang::De).is_empty());
            assert_ne!(c.message(Lang::En), "", "{}", c.name());
            for l in [Lang::En, Lang::De] {
                assert_eq!(c.message_cstr(l).to_str().unwrap(), c.message(l));
            }
        }
        assert_eq!(ErrorCode::from_code(1), None);
    }

    #[test]
    fn verdict_families() {
        assert_eq!(
            Verdict::of_code(ErrorCode::InvalidSignature),
            Verdict::InvalidSignature
        );
        assert_eq!(
            Verdict::of_code(ErrorCode::KeyCurveMismatch),
            Verdict::Unsupported
        );
        assert_eq!(
            Verdict::of_code(ErrorCode::KeyInvalidPoint),
            Verdict::Malformed
        );
        assert_eq!(
            Verdict::of_code(ErrorCode::KeyMissing),
            Verdict::Unsupported
        );
        assert_eq!(Verdict::of_code(ErrorCode::PayloadJson), Verdict::Malformed);
    }
}
