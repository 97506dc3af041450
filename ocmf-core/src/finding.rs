//! Findings: typed conformance observations, separate from the signature verdict.

use core::fmt;

use crate::error::{ErrorCode, Lang, Span};

/// How much a finding matters under the selected profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Info,
    /// A deviation the profile tolerates.
    Warning,
    /// A deviation the profile does not accept: the record is not valid under it.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// A checking profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// The specification to the letter: every deviation is an error.
    Strict,
    /// Default: tolerates the documented real-world deviations and reports each.
    #[default]
    Interop,
    /// Predicts the S.A.F.E. reference transparency software (1.4.1): `valid`
    /// exactly when that tool shows its green tick.
    Reference,
}

impl Profile {
    /// `strict`, `interop` or `reference`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Interop => "interop",
            Self::Reference => "reference",
        }
    }

    /// Parses a profile name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Some(Self::Strict),
            "interop" | "" => Some(Self::Interop),
            "reference" | "safe" | "tps" => Some(Self::Reference),
            _ => None,
        }
    }
}

use Severity::{Error as E, Info as I, Warning as W};

macro_rules! findings {
    ($( $(#[$doc:meta])* $name:ident = $num:literal, $snake:literal, [$s:expr, $i:expr, $r:expr], $esc:ident, $en:literal, $de:literal; )*) => {
        /// Stable codes of findings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        #[non_exhaustive]
        pub enum FindingCode {
            $( $(#[$doc])* $name = $num, )*
        }

        impl FindingCode {
            /// Every code.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$name,)*];

            /// The stable number.
            #[must_use]
            pub const fn code(self) -> u32 { self as u32 }

            /// The stable identifier.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $( Self::$name => $snake, )* }
            }

            /// Severity under a profile.
            #[must_use]
            pub const fn severity(self, profile: Profile) -> Severity {
                match (self, profile) {
                    $( (Self::$name, Profile::Strict) => $s,
                       (Self::$name, Profile::Interop) => $i,
                       (Self::$name, Profile::Reference) => $r, )*
                }
            }

            /// The error code the verdict takes when this finding is an error.
            #[must_use]
            pub const fn escalation(self) -> ErrorCode {
                match self { $( Self::$name => ErrorCode::$esc, )* }
            }

            /// An explanation for a driver or operator.
            #[must_use]
            pub const fn message(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( (Self::$name, Lang::En) => $en, (Self::$name, Lang::De) => $de, )*
                }
            }
        }
    };
}

findings! {
    /// `s` is above n/2 (valid ECDSA; some libraries refuse it).
    HighS = 1001, "high_s", [I, I, I], Ok,
        "The signature uses the high-S form; it is valid ECDSA, but some verifiers wrongly reject it.",
        "Die Signatur verwendet die High-S-Form; sie ist gültiges ECDSA, wird aber von manchen Prüfprogrammen fälschlich abgelehnt.";
    /// DER INTEGER with the high bit set and no sign byte.
    DerUnsignedHighBit = 1002, "der_unsigned_high_bit", [E, W, I], SignatureDer,
        "The signature's DER encoding is not canonical (a number without its sign byte); it was read leniently.",
        "Die DER-Kodierung der Signatur ist nicht kanonisch (Zahl ohne Vorzeichenbyte); sie wurde tolerant gelesen.";
    /// DER INTEGER with superfluous leading zeros.
    DerSuperfluousZero = 1003, "der_superfluous_zero", [E, W, E], SignatureDer,
        "The signature's DER encoding has superfluous leading zero bytes; the reference software rejects it.",
        "Die DER-Kodierung der Signatur hat überflüssige führende Nullbytes; die Referenzsoftware lehnt sie ab.";
    /// DER with a non-minimal length.
    DerLongLength = 1004, "der_long_length", [E, W, E], SignatureDer,
        "The signature's DER encoding uses a non-minimal length.",
        "Die DER-Kodierung der Signatur verwendet eine nicht minimale Längenangabe.";
    /// Raw r||s although SM says DER.
    SignatureRaw = 1005, "signature_raw", [E, W, E], SignatureDer,
        "The signature is raw r||s, not DER as the format requires; the reference software rejects it.",
        "Die Signatur liegt als rohes r||s statt als DER vor; die Referenzsoftware lehnt sie ab.";
    /// White space around sections or separators.
    SectionWhitespace = 1010, "section_whitespace", [E, W, E], SectionWhitespace,
        "There is white space around a section separator, which the format does not allow.",
        "Um ein Abschnitts-Trennzeichen steht Leerraum, den das Format nicht erlaubt.";
    /// A `|` inside a JSON string.
    PipeInString = 1011, "pipe_in_string", [E, W, E], PipeInString,
        "A text field contains '|', which the format forbids; the reference software cannot read this record.",
        "Ein Textfeld enthält '|', was das Format verbietet; die Referenzsoftware kann diesen Datensatz nicht lesen.";
    /// A 4th section (public key) after the signature.
    KeySection = 1012, "key_section", [E, I, I], TrailingData,
        "The record carries a public key in a fourth section (a pre-1.0.1 form).",
        "Der Datensatz enthält einen öffentlichen Schlüssel in einem vierten Abschnitt (Form vor 1.0.1).";
    /// `FV` absent.
    FvMissing = 1020, "fv_missing", [I, I, E], FormatVersionUnsupported,
        "The format version (FV) is missing; the reference software refuses such records.",
        "Die Formatversion (FV) fehlt; die Referenzsoftware lehnt solche Datensätze ab.";
    /// `FV` sent as a JSON number.
    FvNumber = 1021, "fv_number", [E, W, I], FieldType,
        "The format version (FV) is a number instead of a string.",
        "Die Formatversion (FV) ist eine Zahl statt einer Zeichenkette.";
    /// `FV` is not a known version.
    FvUnknown = 1022, "fv_unknown", [E, W, E], FormatVersionUnsupported,
        "The format version (FV) is not a known OCMF version.",
        "Die Formatversion (FV) ist keine bekannte OCMF-Version.";
    /// `FV` is not a positive version number (e.g. `0.0`).
    FvInvalid = 1024, "fv_invalid", [E, E, E], InvalidValue,
        "The format version (FV) is not a valid version number.",
        "Die Formatversion (FV) ist keine gültige Versionsnummer.";
    /// `FV` above 1.3 (the reference software refuses it).
    FvAboveReference = 1023, "fv_above_reference", [I, I, E], FormatVersionUnsupported,
        "The format version is newer than 1.3; the reference software (1.4.1) refuses it.",
        "Die Formatversion ist neuer als 1.3; die Referenzsoftware (1.4.1) lehnt sie ab.";
    /// `RV` sent as a JSON string.
    RvString = 1030, "rv_string", [E, W, I], FieldType,
        "A reading value (RV) is sent as text instead of a number.",
        "Ein Messwert (RV) ist als Text statt als Zahl angegeben.";
    /// `RV` with padding or an exponent.
    RvNotCanonical = 1031, "rv_not_canonical", [E, W, I], InvalidValue,
        "A reading value (RV) has padding or an exponent.",
        "Ein Messwert (RV) enthält Auffüllzeichen oder einen Exponenten.";
    /// `MS` absent.
    MsMissing = 1040, "ms_missing", [E, W, I], MissingField,
        "The meter serial number (MS) is missing.",
        "Die Seriennummer des Zählers (MS) fehlt.";
    /// `IT` absent in a transaction record.
    ItMissing = 1041, "it_missing", [E, W, I], MissingField,
        "The identification type (IT) is missing.",
        "Der Identifikationstyp (IT) fehlt.";
    /// `IS` absent in a transaction record.
    IsMissing = 1042, "is_missing", [E, W, I], MissingField,
        "The user-assignment flag (IS) is missing.",
        "Die Angabe zur Benutzerzuordnung (IS) fehlt.";
    /// `IS` is a legacy string.
    IsLegacy = 1043, "is_legacy", [E, W, I], FieldType,
        "The user-assignment flag (IS) is a text (legacy format 0.1).",
        "Die Angabe zur Benutzerzuordnung (IS) ist ein Text (Altformat 0.1).";
    /// A top-level member that is neither specified nor a vendor extension.
    UnknownField = 1044, "unknown_field", [W, I, I], ProfileViolation,
        "The record contains a field the format does not define (kept as is).",
        "Der Datensatz enthält ein vom Format nicht definiertes Feld (unverändert übernommen).";
    /// `PG` absent.
    PgMissing = 1046, "pg_missing", [E, W, I], MissingField,
        "The pagination counter (PG) is missing.",
        "Der Paginierungszähler (PG) fehlt.";
    /// `PG` not `T<n>`/`F<n>`.
    PgInvalid = 1047, "pg_invalid", [E, W, I], InvalidValue,
        "The pagination counter (PG) is not of the form T<number> or F<number>.",
        "Der Paginierungszähler (PG) hat nicht die Form T<Zahl> oder F<Zahl>.";
    /// `TM` cannot be read.
    TmInvalid = 1050, "tm_invalid", [E, W, I], InvalidValue,
        "A reading time (TM) cannot be read.",
        "Eine Messzeit (TM) kann nicht gelesen werden.";
    /// `TM` readable but not in the exact format.
    TmNotCanonical = 1051, "tm_not_canonical", [E, W, I], InvalidValue,
        "A reading time (TM) deviates from the exact format.",
        "Eine Messzeit (TM) weicht vom vorgeschriebenen Format ab.";
    /// Time status `U` or `I`.
    TimeNotSynchronised = 1052, "time_not_synchronised", [I, I, I], Ok,
        "The meter's clock was not synchronised: times are informative only.",
        "Die Uhr des Zählers war nicht synchronisiert: Zeitangaben sind nur informativ.";
    /// A reading lacks `TM`, `RV`, `RU` or `ST` after carry-forward.
    ReadingIncomplete = 1053, "reading_incomplete", [E, W, I], MissingField,
        "A reading lacks a mandatory field (TM, RV, RU or ST).",
        "Einem Messwert fehlt ein Pflichtfeld (TM, RV, RU oder ST).";
    /// `RU` not in the unit table.
    UnitUnknown = 1054, "unit_unknown", [E, W, I], InvalidValue,
        "A reading unit (RU) is not one the format defines.",
        "Eine Einheit (RU) ist nicht im Format definiert.";
    /// `RI` is not a readable OBIS code.
    ObisUnreadable = 1055, "obis_unreadable", [W, I, I], InvalidValue,
        "A reading identifier (RI) is not a complete OBIS code.",
        "Eine Messwertkennung (RI) ist kein vollständiger OBIS-Code.";
    /// `TX` not in the table.
    TxUnknown = 1056, "tx_unknown", [E, W, I], InvalidValue,
        "A reading reason (TX) is not one the format defines.",
        "Ein Ablesegrund (TX) ist nicht im Format definiert.";
    /// `ST` not in the table.
    StUnknown = 1057, "st_unknown", [E, W, I], InvalidValue,
        "A meter state (ST) is not one the format defines.",
        "Ein Zählerstatus (ST) ist nicht im Format definiert.";
    /// `ST` other than `G`.
    MeterStateError = 1058, "meter_state_error", [W, W, I], Ok,
        "The meter reported an error state for a reading: that value may not be used for billing.",
        "Der Zähler meldete für einen Messwert einen Fehlerzustand: Dieser Wert darf nicht abgerechnet werden.";
    /// `EF` names unusable quantities.
    ErrorFlags = 1059, "error_flags", [W, W, I], Ok,
        "The meter flagged energy or time as unusable (EF) for a reading.",
        "Der Zähler hat Energie oder Zeit für einen Messwert als unbrauchbar markiert (EF).";
    /// `EF` with characters other than `E`/`t`.
    EfInvalid = 1060, "ef_invalid", [E, W, I], InvalidValue,
        "The error flags (EF) contain an unknown character.",
        "Die Fehlerkennzeichen (EF) enthalten ein unbekanntes Zeichen.";
    /// `IL` not in the table.
    IlUnknown = 1061, "il_unknown", [E, W, I], InvalidValue,
        "The identification level (IL) is not one the format defines.",
        "Die Identifikationsstufe (IL) ist nicht im Format definiert.";
    /// `IF` entry not in the tables.
    IfUnknown = 1062, "if_unknown", [E, W, I], InvalidValue,
        "An identification flag (IF) is not one the format defines.",
        "Ein Identifikationsmerkmal (IF) ist nicht im Format definiert.";
    /// `IT` not in the table.
    ItUnknown = 1063, "it_unknown", [E, W, I], InvalidValue,
        "The identification type (IT) is not one the format defines.",
        "Der Identifikationstyp (IT) ist nicht im Format definiert.";
    /// `CT` not in the table.
    CtUnknown = 1064, "ct_unknown", [E, W, I], InvalidValue,
        "The charge-point identification type (CT) is not one the format defines.",
        "Der Typ der Ladepunktkennung (CT) ist nicht im Format definiert.";
    /// `RT` not in the table.
    RtUnknown = 1065, "rt_unknown", [E, W, I], InvalidValue,
        "The current type (RT) is neither AC nor DC.",
        "Die Stromart (RT) ist weder AC noch DC.";
    /// A length limit (`TT` 250, `CF` 25, `LN` 20, `IF` 4 entries) exceeded.
    TooLong = 1066, "too_long", [E, W, I], InvalidValue,
        "A field exceeds its maximum length.",
        "Ein Feld überschreitet seine maximale Länge.";
    /// `LC` incomplete or with an unknown unit.
    LcInvalid = 1067, "lc_invalid", [E, W, I], InvalidValue,
        "The cable-loss compensation parameters (LC) are incomplete or use an unknown unit.",
        "Die Parameter der Leitungsverlustkompensation (LC) sind unvollständig oder haben eine unbekannte Einheit.";
    /// `SA` spelled `brainpoolP…`.
    SaVendorSpelling = 1070, "sa_vendor_spelling", [E, I, I], UnknownAlgorithm,
        "The signature algorithm (SA) uses a vendor spelling of the curve name.",
        "Der Signaturalgorithmus (SA) verwendet eine herstellerspezifische Schreibweise des Kurvennamens.";
    /// `SA` absent; secp256r1 assumed.
    SaDefault = 1071, "sa_default", [I, I, I], Ok,
        "No signature algorithm (SA) is given; the default ECDSA-secp256r1-SHA256 applies.",
        "Kein Signaturalgorithmus (SA) angegeben; es gilt der Standard ECDSA-secp256r1-SHA256.";
    /// Non-ASCII bytes in the payload.
    NonAscii = 1080, "non_ascii", [I, I, W], Ok,
        "The signed data contains non-ASCII characters: tools that do not hash UTF-8 (e.g. the reference software on Windows) will fail.",
        "Die signierten Daten enthalten Nicht-ASCII-Zeichen: Programme, die nicht UTF-8 hashen (z. B. die Referenzsoftware unter Windows), scheitern.";
    /// A member occurs twice.
    DuplicateField = 1081, "duplicate_field", [E, W, W], DuplicateField,
        "A field occurs twice; the first occurrence was used.",
        "Ein Feld kommt doppelt vor; das erste Vorkommen wurde verwendet.";
    /// The reference software's transaction check would fail.
    ReferenceTransactionCheck = 1090, "reference_transaction_check", [I, I, E], ProfileViolation,
        "The reference software's transaction check fails on this record (begin/end readings, OBIS or states), so it shows no green tick.",
        "Die Transaktionsprüfung der Referenzsoftware schlägt bei diesem Datensatz fehl (Anfangs-/Endwerte, OBIS oder Zustände), daher zeigt sie keinen grünen Haken.";
    /// The key was taken from the record's 4th section.
    KeyFromRecord = 1091, "key_from_record", [W, W, I], Ok,
        "The public key was taken from the record itself; that proves nothing about who signed it.",
        "Der öffentliche Schlüssel stammt aus dem Datensatz selbst; das belegt nicht, wer ihn signiert hat.";
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One finding about a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The stable code.
    pub code: FindingCode,
    /// Severity under the profile the record was checked with.
    pub severity: Severity,
    /// The field concerned (`TM`, `SD`, …), if any.
    pub field: Option<&'static str>,
    /// Index of the reading in `RD`, for reading fields.
    pub reading: Option<usize>,
    /// Byte range of the offending value in the record.
    pub span: Option<Span>,
}

impl Finding {
    /// A finding with the severity `code` has under `profile`.
    #[must_use]
    pub const fn under(
        code: FindingCode,
        profile: Profile,
        field: Option<&'static str>,
        reading: Option<usize>,
        span: Option<Span>,
    ) -> Self {
        Self {
            code,
            severity: code.severity(profile),
            field,
            reading,
            span,
        }
    }

    /// The explanation in a language.
    #[must_use]
    pub const fn message(&self, lang: Lang) -> &'static str {
        self.code.message(lang)
    }
}
