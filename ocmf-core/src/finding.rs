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

            /// The code of a stable identifier ([`FindingCode::name`]).
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.name() == name.trim())
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
    /// A UTF-8 byte-order mark (U+FEFF) before the record; skipped.
    ByteOrderMark = 1013, "byte_order_mark", [I, I, I], Ok,
        "The text starts with a byte-order mark (an invisible character some Windows programs write); it is not part of the signed data and was ignored.",
        "Der Text beginnt mit einer Byte-Order-Mark (einem unsichtbaren Zeichen, das manche Windows-Programme schreiben); sie gehört nicht zu den signierten Daten und wurde ignoriert.";
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
    /// The key used came in a non-standard container (KEBA's `{"UK": …}`).
    NonstandardKeyContainer = 1092, "nonstandard_key_container", [W, I, I], Ok,
        "The public key was delivered in a non-standard container (KEBA's {\"UK\": …}); the key inside it was used.",
        "Der öffentliche Schlüssel wurde in einem nicht standardisierten Container geliefert (KEBAs {\"UK\": …}); der darin enthaltene Schlüssel wurde verwendet.";

    // Sessions (11xx): the records of one charging session checked together
    // (`session` module). Written for drivers: plain words, no field names.
    /// A session with no records.
    SessionEmpty = 1100, "session_empty", [E, E, E], SessionEmpty,
        "No charging records were given, so there is nothing to check.",
        "Es wurden keine Datensätze eines Ladevorgangs übergeben; es gibt nichts zu prüfen.";
    /// A record of the session cannot be read (its own verdict is `malformed`).
    SessionRecordUnreadable = 1101, "session_record_unreadable", [E, E, E], SessionInconsistent,
        "One of the records cannot be read as a signed meter value, so this charging session cannot be checked.",
        "Einer der Datensätze kann nicht als signierter Messwert gelesen werden; dieser Ladevorgang kann daher nicht geprüft werden.";
    /// A record of the session is refused by the profile.
    SessionRecordRejected = 1102, "session_record_rejected", [E, E, E], ProfileViolation,
        "One of the records breaks a rule of the selected check, so the charging session is not accepted.",
        "Einer der Datensätze verstößt gegen eine Regel der gewählten Prüfung; der Ladevorgang wird daher nicht anerkannt.";
    /// A record's signature does not verify.
    SessionSignatureInvalid = 1103, "session_signature_invalid", [E, E, E], InvalidSignature,
        "The signature of one of the records does not match: the data was changed after the meter signed it, or it was signed with a different key. The values cannot be used for billing.",
        "Die Signatur eines Datensatzes passt nicht: Die Daten wurden nach dem Signieren durch den Zähler verändert, oder sie wurden mit einem anderen Schlüssel signiert. Die Werte dürfen nicht abgerechnet werden.";
    /// A record's signature could not be checked (no key, unsupported algorithm).
    SessionSignatureUnchecked = 1104, "session_signature_unchecked", [E, E, E], KeyMissing,
        "The signature of one of the records could not be checked (no key for the meter, or a method this program does not support), so the charging session cannot be confirmed.",
        "Die Signatur eines Datensatzes konnte nicht geprüft werden (kein Schlüssel für den Zähler oder ein nicht unterstütztes Verfahren); der Ladevorgang kann daher nicht bestätigt werden.";
    /// The same record text was given twice; the copy is ignored.
    SessionDuplicateRecord = 1105, "session_duplicate_record", [I, I, I], Ok,
        "The same record was given more than once; it was counted only once.",
        "Derselbe Datensatz wurde mehrfach übergeben; er wurde nur einmal berücksichtigt.";
    /// Pagination counters are not consecutive.
    SessionPaginationGap = 1110, "session_pagination_gap", [E, E, E], SessionInconsistent,
        "A record is missing between the start and the end of the charging session: the record numbers are not consecutive.",
        "Zwischen Beginn und Ende des Ladevorgangs fehlt ein Datensatz: Die Datensatznummern sind nicht fortlaufend.";
    /// Two different records with the same pagination counter.
    SessionPaginationDuplicate = 1111, "session_pagination_duplicate", [E, E, E], SessionInconsistent,
        "Two different records carry the same record number, so at least one of them does not belong to this charging session.",
        "Zwei verschiedene Datensätze tragen dieselbe Datensatznummer; mindestens einer gehört daher nicht zu diesem Ladevorgang.";
    /// Transaction (`T`) and fiscal (`F`) pagination mixed.
    SessionPaginationMixed = 1112, "session_pagination_mixed", [E, E, E], SessionInconsistent,
        "The records mix charging-session numbering with other numbering, so they do not form one charging session.",
        "Die Datensätze mischen die Nummerierung eines Ladevorgangs mit einer anderen Nummerierung; sie bilden daher keinen einheitlichen Ladevorgang.";
    /// A record of a multi-record session has no readable `PG`.
    SessionPaginationUnreadable = 1113, "session_pagination_unreadable", [E, E, E], SessionInconsistent,
        "A record has no readable record number, so the order and completeness of the records cannot be confirmed.",
        "Ein Datensatz hat keine lesbare Datensatznummer; Reihenfolge und Vollständigkeit der Datensätze lassen sich daher nicht bestätigen.";
    /// Only fiscal (`F`) records: not a transaction.
    SessionNotTransaction = 1114, "session_not_transaction", [E, W, E], SessionInconsistent,
        "The records are not marked as belonging to a charging session (they are numbered as readings outside a transaction).",
        "Die Datensätze sind nicht als Teil eines Ladevorgangs gekennzeichnet (sie sind als Ablesungen außerhalb eines Ladevorgangs nummeriert).";
    /// A record lies before the begin record or after the end record.
    SessionRecordOutside = 1115, "session_record_outside", [E, E, E], SessionInconsistent,
        "A record lies before the start or after the end of the charging session.",
        "Ein Datensatz liegt vor dem Beginn oder nach dem Ende des Ladevorgangs.";
    /// `MS` or `GS` differ between records.
    SessionMeterChanged = 1120, "session_meter_changed", [E, E, E], SessionInconsistent,
        "The records come from different meters, so they cannot belong to one charging session.",
        "Die Datensätze stammen von verschiedenen Zählern und können daher nicht zu einem Ladevorgang gehören.";
    /// The records were verified with different keys.
    SessionKeyChanged = 1121, "session_key_changed", [E, E, E], SessionInconsistent,
        "The records were signed with different keys, so they cannot be shown to come from the same meter.",
        "Die Datensätze wurden mit verschiedenen Schlüsseln signiert; es lässt sich daher nicht zeigen, dass sie vom selben Zähler stammen.";
    /// The key is not in the trusted registry.
    SessionKeyUntrusted = 1122, "session_key_untrusted", [W, W, I], KeyUntrusted,
        "The signature is valid, but the key is not in the list of registered meter keys: it shows the data was not changed, but not which meter signed it.",
        "Die Signatur ist gültig, aber der Schlüssel steht nicht im Verzeichnis der registrierten Zählerschlüssel: Sie zeigt, dass die Daten unverändert sind, aber nicht, welcher Zähler sie signiert hat.";
    /// The key carried with the record differs from the registered one.
    SessionKeyMismatch = 1123, "session_key_mismatch", [E, W, I], KeyRegistryMismatch,
        "The key delivered with the data is not the key registered for this meter; the registered key was used instead.",
        "Der mit den Daten gelieferte Schlüssel ist nicht der für diesen Zähler registrierte; stattdessen wurde der registrierte Schlüssel verwendet.";
    /// The registered key was outside its validity window at the record's time.
    SessionKeyExpired = 1124, "session_key_expired", [E, E, I], KeyUntrusted,
        "The meter's registered key was not valid at the time of charging (outside its validity period).",
        "Der registrierte Schlüssel des Zählers war zum Zeitpunkt des Ladens nicht gültig (außerhalb seines Gültigkeitszeitraums).";
    /// The values of a session are in different formats (the other formats, `formats::session`).
    SessionFormatChanged = 1125, "session_format_changed", [E, E, E], SessionInconsistent,
        "The values are in different formats, so they cannot be shown to belong to one charging session.",
        "Die Werte liegen in verschiedenen Formaten vor; es lässt sich daher nicht zeigen, dass sie zu einem Ladevorgang gehören.";
    /// A billing register has no begin reading (`TX=B`).
    SessionMissingBegin = 1130, "session_missing_begin", [E, E, E], SessionInconsistent,
        "The start reading of the charging session is missing, so the charged energy cannot be determined.",
        "Der Anfangszählerstand des Ladevorgangs fehlt; die geladene Energie kann daher nicht bestimmt werden.";
    /// A billing register has no end reading (`TX` = E, L, R, A or P).
    SessionMissingEnd = 1131, "session_missing_end", [E, E, E], SessionInconsistent,
        "The end reading of the charging session is missing, so the charged energy cannot be determined.",
        "Der Endzählerstand des Ladevorgangs fehlt; die geladene Energie kann daher nicht bestimmt werden.";
    /// More than one begin reading for one register.
    SessionMultipleBegin = 1132, "session_multiple_begin", [E, E, E], SessionInconsistent,
        "There is more than one start reading for the same meter register, so it is unclear which one counts.",
        "Für dasselbe Zählwerk gibt es mehr als einen Anfangszählerstand; es ist unklar, welcher gilt.";
    /// More than one end reading for one register.
    SessionMultipleEnd = 1133, "session_multiple_end", [E, E, E], SessionInconsistent,
        "There is more than one end reading for the same meter register, so it is unclear which one counts.",
        "Für dasselbe Zählwerk gibt es mehr als einen Endzählerstand; es ist unklar, welcher gilt.";
    /// The end reading precedes the begin reading in record order.
    SessionEndBeforeBegin = 1134, "session_end_before_begin", [E, E, E], SessionInconsistent,
        "The end reading comes before the start reading.",
        "Der Endzählerstand steht vor dem Anfangszählerstand.";
    /// A register's value goes down.
    SessionValueDecreasing = 1135, "session_value_decreasing", [E, E, E], SessionInconsistent,
        "A meter reading is lower than an earlier one. A meter's count never goes down, so these values cannot be used for billing.",
        "Ein Zählerstand ist niedriger als ein früherer. Ein Zähler zählt nie rückwärts; diese Werte dürfen daher nicht abgerechnet werden.";
    /// A register's timestamps go backwards.
    SessionTimeOrder = 1136, "session_time_order", [E, E, E], SessionInconsistent,
        "A reading is dated earlier than the reading before it (for example, the end lies before the start).",
        "Ein Messwert ist früher datiert als der vorherige (zum Beispiel liegt das Ende vor dem Beginn).";
    /// No reading of a billing energy register.
    SessionNoEnergyRegister = 1137, "session_no_energy_register", [E, E, E], SessionInconsistent,
        "None of the readings is an energy meter reading that can be billed.",
        "Keiner der Messwerte ist ein abrechenbarer Energiezählerstand.";
    /// A begin or end reading without a usable value.
    SessionValueMissing = 1138, "session_value_missing", [E, E, E], SessionInconsistent,
        "A start or end reading has no usable energy value.",
        "Ein Anfangs- oder Endzählerstand hat keinen verwendbaren Energiewert.";
    /// The session ended with `TX` = A (error) or P (power failure).
    SessionEndedAbnormally = 1139, "session_ended_abnormally", [W, W, I], Ok,
        "The charging session was ended by an error or a power failure. The readings up to that point are still signed by the meter.",
        "Der Ladevorgang wurde durch einen Fehler oder einen Stromausfall beendet. Die Messwerte bis dahin sind weiterhin vom Zähler signiert.";
    /// `ST` other than `G` on a billing reading (or the event counter changed).
    SessionMeterError = 1140, "session_meter_error", [E, E, E], SessionInconsistent,
        "The meter reported an error during charging; the energy value cannot be used for billing.",
        "Der Zähler hat während des Ladens einen Fehler gemeldet; der Energiewert darf nicht abgerechnet werden.";
    /// `EF` contains `E` on a billing reading.
    SessionEnergyFlagged = 1141, "session_energy_flagged", [E, E, E], SessionInconsistent,
        "The meter marked its energy value as unusable; it cannot be used for billing.",
        "Der Zähler hat seinen Energiewert als unbrauchbar markiert; er darf nicht abgerechnet werden.";
    /// `EF` contains `t` on a billing reading.
    SessionTimeFlagged = 1142, "session_time_flagged", [E, E, E], SessionInconsistent,
        "The meter marked its time as unusable; the start and end times cannot be used for billing.",
        "Der Zähler hat seine Zeitangabe als unbrauchbar markiert; Beginn- und Endzeit dürfen nicht abgerechnet werden.";
    /// A reading with `TX=X` (exception).
    SessionException = 1143, "session_exception", [E, E, E], SessionInconsistent,
        "The meter recorded a problem during charging; values from that moment on cannot be used for billing.",
        "Der Zähler hat während des Ladens ein Problem festgehalten; Werte ab diesem Zeitpunkt dürfen nicht abgerechnet werden.";
    /// A billing reading without `ST` (after carry-forward).
    SessionStateMissing = 1144, "session_state_missing", [E, W, E], SessionInconsistent,
        "A reading does not say whether the meter was working correctly.",
        "Ein Messwert gibt nicht an, ob der Zähler fehlerfrei gearbeitet hat.";
    /// The weakest time status is `U`.
    SessionTimeUnknown = 1150, "session_time_unknown", [W, W, I], Ok,
        "The meter's clock was not set during this charging session: the times shown may be wrong. The energy amount is not affected.",
        "Die Uhr des Zählers war bei diesem Ladevorgang nicht gestellt: Die angezeigten Zeiten können falsch sein. Die Energiemenge ist davon nicht betroffen.";
    /// The weakest time status is `I`.
    SessionTimeInformative = 1151, "session_time_informative", [I, I, I], Ok,
        "The meter's clock was not officially synchronised: the times are for information only. The energy amount is not affected.",
        "Die Uhr des Zählers war nicht amtlich synchronisiert: Die Zeiten dienen nur zur Information. Die Energiemenge ist davon nicht betroffen.";
    /// Begin time status `R` but end not `R`.
    SessionTimeRelativeMismatch = 1152, "session_time_relative_mismatch", [E, W, E], SessionInconsistent,
        "The charging duration cannot be confirmed: the start was timed by the meter's duration clock, but the end was not.",
        "Die Ladedauer kann nicht bestätigt werden: Der Beginn wurde mit der Dauermessung des Zählers erfasst, das Ende jedoch nicht.";
    /// A begin or end reading without a readable `TM`.
    SessionTimeMissing = 1153, "session_time_missing", [E, W, I], SessionInconsistent,
        "A start or end reading has no readable time.",
        "Ein Anfangs- oder Endzählerstand hat keine lesbare Zeitangabe.";
    /// `IL` is MISMATCH, INVALID, OUTDATED or UNKNOWN.
    SessionIdentificationFailed = 1160, "session_identification_failed", [E, E, E], SessionInconsistent,
        "The charging station could not confirm the identification used to start charging (for example, an unknown card or an expired certificate), so this session cannot be assigned to you for billing.",
        "Die Ladestation konnte die Identifikation beim Start des Ladens nicht bestätigen (zum Beispiel eine unbekannte Karte oder ein abgelaufenes Zertifikat); dieser Ladevorgang kann Ihnen daher nicht zur Abrechnung zugeordnet werden.";
    /// `IL` is NONE or `IS` is false.
    SessionNotIdentified = 1161, "session_not_identified", [I, I, I], Ok,
        "This charging session is not linked to a person or a charging card.",
        "Dieser Ladevorgang ist keiner Person und keiner Ladekarte zugeordnet.";
    /// `IL` is HEARSAY.
    SessionIdentificationUnsecured = 1162, "session_identification_unsecured", [I, I, I], Ok,
        "The user was identified only by an unsecured means (for example, a plain card number that can be copied).",
        "Der Nutzer wurde nur über ein ungesichertes Merkmal identifiziert (zum Beispiel eine kopierbare Kartennummer).";
    /// `IS`/`IT`/`ID` differ between records.
    SessionIdentificationChanged = 1163, "session_identification_changed", [E, W, I], SessionInconsistent,
        "The user identification differs between the records of this charging session.",
        "Die Identifikation des Nutzers unterscheidet sich zwischen den Datensätzen dieses Ladevorgangs.";
    /// Cable-loss compensation is active (`LC` or `CL`).
    SessionCableLoss = 1170, "session_cable_loss", [I, I, I], Ok,
        "The meter deducted the losses of the charging cable: you are billed only for the energy that reached your vehicle.",
        "Der Zähler hat die Verluste des Ladekabels abgezogen: Abgerechnet wird nur die Energie, die Ihr Fahrzeug erreicht hat.";
    /// `CL` without `LC`.
    SessionCableLossWithoutParameters = 1171, "session_cable_loss_without_parameters", [E, W, I], SessionInconsistent,
        "Cable losses were deducted, but the records do not state the cable parameters used.",
        "Es wurden Kabelverluste abgezogen, aber die Datensätze nennen die verwendeten Kabelparameter nicht.";
    /// `LC` differs between records.
    SessionCableLossChanged = 1172, "session_cable_loss_changed", [E, E, I], SessionInconsistent,
        "The cable-loss parameters differ between the records of this charging session.",
        "Die Parameter der Kabelverlustkompensation unterscheiden sich zwischen den Datensätzen dieses Ladevorgangs.";
    /// `CL` negative, decreasing, or not zero at `TX=B`.
    SessionCableLossInvalid = 1173, "session_cable_loss_invalid", [E, W, I], SessionInconsistent,
        "The recorded cable loss is negative, goes down, or does not start at zero, so it cannot be trusted.",
        "Der erfasste Kabelverlust ist negativ, sinkt oder beginnt nicht bei null; er ist daher nicht vertrauenswürdig.";

    // Roaming (119x): what a charge detail record (OCPI, OICP) claims about
    // its session, against what the meter signed.
    /// The CDR's billed energy is not the signed energy rounded to its decimals.
    BilledEnergyMismatch = 1190, "billed_energy_mismatch", [E, E, E], SessionInconsistent,
        "The energy billed is not the energy the meter signed: the charge detail record must not be paid as it stands.",
        "Die abgerechnete Energie ist nicht die Energie, die der Zähler signiert hat: Der Ladedatensatz darf so nicht bezahlt werden.";
    /// A CDR's `plain_data` is not the signed payload of its record.
    PlainDataMismatch = 1191, "plain_data_mismatch", [W, W, W], Ok,
        "The plain text shown with a signed value is not what the meter signed; only the signed value counts.",
        "Der zu einem signierten Wert angezeigte Klartext ist nicht das, was der Zähler signiert hat; es zählt nur der signierte Wert.";
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
