//! Transports and containers: pulling signed OCMF records out of OCPP 1.6 /
//! 2.0.1 / 2.1 messages, OCPP-J logs, OCPI and OICP charge detail records,
//! the reference transparency software's XML format, the PTB container and
//! hex-encoded records.
//!
//! [`extract`] detects the input format ([`detect`]), decodes every signed
//! value to the record text **exactly as signed** (never re-serialised) and
//! returns an [`Extraction`]: the values in input order, one
//! [`TransportError`] per thing it could not read (with its line), and the
//! number of duplicates it dropped. [`Extraction::groups`] then sorts the
//! values into charging sessions. Nothing here verifies a signature: the
//! [`Checker`](crate::Checker) does, per value ([`SignedValue::record`] with
//! [`SignedValue::public_key`]) or per session ([`Checker::sessions`](crate::Checker::sessions)).
//!
//! # Accepted inputs
//!
//! * `OcmfText`: records split by [`split_records`]: a line starting with
//!   `OCMF` opens a record, the lines after it continue it (pretty-printed
//!   payloads), a blank line closes it; a hex line stands alone.
//! * `HexText`: one hex-encoded record per line (even length, `[0-9A-Fa-f]`,
//!   decoding to text starting `OCMF|`).
//! * `OcppMessage`: one OCPP-J frame `[2,"id","Action",{…}]` (may span
//!   lines), or the bare request payload `{…}` of `MeterValues`,
//!   `StopTransaction` or `TransactionEvent` (the action is inferred from its
//!   members).
//! * `OcppLog`: see below.
//! * `TpsXml`: `<values><value transactionId=… context=…><signedData
//!   format="OCMF" encoding="plain">…</signedData><publicKey>…</publicKey>
//!   </value>…</values>` (encoding also `hex` or `base64`), with or without
//!   the namespace `http://transparenz.software/schema/2018/07`;
//!   `encodedData` is read like `signedData`; element text is trimmed.
//! * `PtbJson`: the PTB container `{"format":"ptb","publicKey":…,
//!   "ocmfBegin":…,"ocmfEnd":…,"chargeboxIdentifier":…}`.
//! * `OcpiCdr`, `OicpCdr`: roaming charge detail records, see below.
//!
//! ## Charge detail records (OCPI, OICP)
//!
//! The input is one CDR object, a page of CDRs, a JSON array of CDRs, or
//! JSON Lines (one CDR or page per line; a line that is not JSON is an error
//! entry with its line number, the other lines are read). A document that
//! is not valid JSON is one error entry at the line `serde_json` names.
//! Each CDR is one session: its values carry the CDR's id as
//! [`transaction_id`](SignedValue::transaction_id), its EVSE id, its token
//! and its billed energy ([`billed_kwh`](SignedValue::billed_kwh), the exact
//! decimal the CDR wrote), which [`Checker::sessions`](crate::Checker::sessions)
//! compares with the energy the meter signed.
//!
//! * **OCPI 2.2.1 / 2.3** (`OcpiCdr`): a CDR (`id`, `cdr_location.id` as the
//!   station, `cdr_location.evse_id`, `cdr_token.uid` else
//!   `cdr_token.contract_id`, `total_energy`), or a `GET /cdrs` page holding
//!   CDRs under `data`. Its `signed_data` has `encoding_method` (must be
//!   `OCMF`), an optional `public_key` and `signed_values[]` with `nature`
//!   (`Start`, `End`, `Intermediate` → `Transaction.Begin`,
//!   `Transaction.End`, `Sample.Periodic`), `plain_data` and `signed_data`
//!   (the record as base64, as the specification says, or raw `OCMF|…`).
//! * **OICP 2.3** (`OicpCdr`): an `eRoamingChargeDetailRecord` (`SessionID`,
//!   `EvseID`, `Identification`, `ConsumedEnergy`), a charging notification
//!   of `Type` `End` with the same fields, or an `eRoamingGetChargeDetailRecords`
//!   page holding CDRs under `content`. `SignedMeteringValues[]` holds
//!   `SignedMeteringValue` (raw or base64) and `MeteringStatus` (`Start`,
//!   `Progress…`, `End`); `CalibrationLawVerificationInfo` gives `PublicKey`
//!   and `MeteringSignatureEncodingFormat`. Notifications of other types carry
//!   no signed values and are skipped.
//! * The key in a CDR is a carried key, like an OCPP `publicKey`.
//! * A CDR whose encoding names another format (OCPI "Alfen Eichrecht",
//!   "EDL40 E-Mobility Extension", "EDL40 Mennekes"; OICP the same names,
//!   or values that are all of other formats) is read as that format (see
//!   *Other formats* below). A CDR whose encoding is neither OCMF nor a
//!   format this crate reads is one [`ErrorCode::UnsupportedEncoding`] entry
//!   naming the CDR and the encoding: its values are not read, the rest of
//!   the input is.
//!
//! ## Other formats (issue 19)
//!
//! A value in another [`Format`](crate::formats::Format) has
//! [`SignedValue::format`] set and its value text in
//! [`SignedValue::record`] (the text the format reader reads, never
//! re-serialised: an SML frame stays its hex or base64 text, a hex or base64
//! encoded `AP;` line or PCDF text is decoded). It is found in S.A.F.E. XML
//! by `<signedData format=…>` (`ALFEN`, `EDL_40_P` / `SML_EDL40_P`,
//! `ISA_EDL_40_P`, `EDL_40_SIG`, `EDL_40_MENNEKES`, `PCDF`, and this crate's
//! stable names; an unknown name is 806), in OCPP 1.6 `SignedData` by the
//! format detection, in OCPP 2.0.1 by `encodingMethod` naming a format or
//! by the detection, and in CDRs as above. [`value_format`] is the one
//! rule that says which reader a value is for.
//! [`Checker::sessions`](crate::Checker::sessions) checks each such value
//! with [`Checker::verify_format_carried`](crate::Checker::verify_format_carried)
//! ([`GroupReport::formats`]), outside the OCMF session; [`to_xml`] writes
//! it back with its S.A.F.E. format.
//!
//! ## OCPP logs
//!
//! A log is read **one line at a time** (a malformed line becomes an error
//! entry with its 1-based line number; nothing else is lost). Blank lines
//! are skipped. Each other line is one of:
//!
//! 1. **a frame, optionally after a text prefix**: `[2,…]`, `[3,…]` or
//!    `[4,…]` running to the end of the line, e.g.
//!    `2024-05-01T10:00:00Z CP1 -> [2,"17","MeterValues",{…}]`. The frame is
//!    the first `[` followed by `2`, `3` or `4` and a comma from which the
//!    rest of the line is one JSON array.
//!    The **station id** is the nearest prefix token before the frame after
//!    skipping arrow tokens (made only of `-=<>~→←⇒⇐` and brackets/colons),
//!    the direction words `send sent recv received in out rx tx incoming
//!    outgoing request response req res call result from to` and the
//!    central-system words `csms cs central centralsystem server backend`.
//!    Surrounding `[](){}:;,|"'` are stripped from the token, and
//!    `key=value` yields `value`. If that token is a date/time (starts with a
//!    digit and contains `:`, or looks like `YYYY-MM-DD…`) or a log level
//!    (`trace debug info warn warning error`), the line has no station id.
//! 2. **a JSON object** (JSON lines) holding the frame under `message`,
//!    `frame`, `msg`, `data` or `payload` — as an array or as a string that
//!    contains the frame's JSON — and the station id under `station`,
//!    `stationId`, `station_id`, `chargeBoxId`, `chargePointId`,
//!    `charge_point_id` or `chargeBoxIdentity`.
//!
//! A whole input that is one JSON array of such frames or objects (an
//! exported log) is read the same way, element by element.
//!
//! Any other non-blank line is an error entry. Frames of actions that carry
//! no signed values (`Heartbeat`, `StatusNotification`, …) are read and
//! ignored.
//!
//! ## OCPP messages
//!
//! * **OCPP 1.6** `MeterValues` (`connectorId`, optional `transactionId`,
//!   `meterValue[].sampledValue[]`) and `StopTransaction` (`transactionId`,
//!   `transactionData[]`): a sampled value with `format: "SignedData"` (or
//!   whose `value` starts with `OCMF|`) carries the record in `value` as raw
//!   OCMF, hex, base64, or the JSON envelope of the OCA application note
//!   (`signedMeterData`, or has.to.be be.ENERGISED's `signedMeterValue`, with
//!   `encodingMethod` and `publicKey`).
//! * **OCPP 2.0.1 / 2.1** `TransactionEvent` (`transactionInfo.transactionId`,
//!   `evse.id` / `evse.connectorId`, `eventType`, `meterValue[]`) and
//!   `MeterValues` (`evseId`): `sampledValue[].signedMeterValue` with
//!   `signedMeterData` as base64 (standard), raw `OCMF|…` (common in
//!   practice) or hex. `encodingMethod` other than `OCMF` is an error entry.
//! * `publicKey` is passed on as key text for
//!   [`PublicKey::parse`](crate::PublicKey::parse): base64 over an `oca:` key
//!   or over printed hex is decoded to that text; anything else (hex,
//!   base64 SPKI, PEM) is kept as carried; an empty key is `None`. KEBA's
//!   base64 over `{"UK":"<SPKI hex>"}` is kept as carried too: `PublicKey::parse`
//!   reads that container (finding `nonstandard_key_container`).
//! * `signingMethod` is not read (KEBA sends `ECC256`, others leave it
//!   empty): the record's own `SA` (or its default) and the curve the key
//!   names decide, so nothing is assumed from it.
//! * `StartTransaction` (1.6) carries no signed value, but its `CALLRESULT`
//!   `[3,id,{"transactionId":N,…}]` (matched by message id and station) binds
//!   the transaction id to the station and connector.
//!
//! ## Transactions, duplicates, order
//!
//! A value that carries no transaction id (2.0.1 `MeterValues`, 1.6
//! `MeterValues` without `transactionId`) is attached to the transaction
//! that is open on the same station and EVSE (1.6: connector) at that
//! point — judged by the OCPP timestamps when both sides have one, else by
//! position in the input — and marked
//! [`transaction_inferred`](SignedValue::transaction_inferred), **but only
//! when it fits** the records that carry the transaction's id (when none
//! does, the first inferred value that fits on its own stands for them). A
//! value that time and EVSE alone place into a transaction must never make
//! it invalid, so it fits only when:
//!
//! * it is an OCMF record with **transaction pagination** (`T…`); a fiscal
//!   reading (`F…`) belongs to no session and is never attached, nor is a
//!   record that cannot be read or has no readable `PG`;
//! * its counter is new and leaves no new gap (between the carried
//!   counters, or next to the first or last one), after the begin
//!   (`TX=B`) and before the end reading; it brings no second begin or end;
//! * it names the same meter (`MS`, `GS`), the same user (`IS`, `IT`,
//!   `ID`) and the same cable-loss parameters (`LC`) where both state them,
//!   and a carried key it has can be read and is the transaction's key;
//! * it is sound on its own (no exception reading, no failed `IL`, billing
//!   readings with `ST=G` and no `E`/`t` error flag, a begin or end reading
//!   with value and time, a sound `CL`);
//! * its billing registers are the transaction's, and each value, time
//!   and cable loss lies between those of the neighbouring records;
//! * its signature verifies under its carried key, else its own key
//!   section, else the transaction's carried key (when the input carries no
//!   key at all, the rules above alone decide: the key a user later gives
//!   the checker is not known here).
//!
//! Values are judged outwards from the carried counters (downwards below
//! them, upwards from there), each against the records accepted so far;
//! when a carried record (or its carried key) cannot be read, or it has no
//! transaction pagination, nothing is attached. A value that does not fit keeps no transaction id
//! (and is not marked inferred): it stays outside, in the group of its
//! station and EVSE, and is still reported there.
//!
//! A value seen again on the same station with the same record text
//! (retries, a value sent in both `MeterValues` and `StopTransaction`) is
//! dropped and counted in [`Extraction::duplicates`]; the kept value takes
//! over any field only the duplicate had (a carried transaction id wins
//! over an inferred one). Duplicates are dropped before inferred values are
//! judged.
//!
//! # Limits
//!
//! Input above [`MAX_INPUT_BYTES`] is refused with one error entry. A signed
//! value whose encoded text exceeds [`MAX_ENCODED_BYTES`], or whose record
//! exceeds [`MAX_RECORD_BYTES`], is an error entry. At most [`MAX_ERRORS`]
//! error entries are kept (one more says how many were suppressed). JSON
//! nesting is bounded by `serde_json`'s recursion limit; XML by
//! `roxmltree` (DTDs are refused). Nothing here panics on any input.

mod cdr;
mod decode;
mod group;
mod kind;
mod ocpi;
mod ocpp;
mod oicp;
pub(crate) mod sessions;
mod split;
mod text;
mod time;
mod xml;

use alloc::{string::String, vec::Vec};

use crate::decimal::ExactDecimal;
use crate::error::ErrorCode;

pub use kind::value_format;
pub use sessions::{GroupReport, ValueFormatCheck};
pub use split::{BlockSplitter, PieceKind, RecordPiece, SplitRecords, split_records};
pub use xml::to_xml;

/// Largest input [`extract`] reads (64 MiB).
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Largest decoded record (64 KiB, the default record limit of [`Limits`](crate::Limits)).
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Largest encoded signed value or key text (4 × [`MAX_RECORD_BYTES`]).
pub const MAX_ENCODED_BYTES: usize = 4 * MAX_RECORD_BYTES;
/// Most error entries kept in one [`Extraction`].
pub const MAX_ERRORS: usize = 10_000;

/// How a signed value was carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Transport {
    /// A bare `OCMF|…` record in text.
    Plain,
    /// A hex-encoded record in text.
    Hex,
    /// OCPP 1.6 `SignedData` value holding the raw record.
    Ocpp16Plain,
    /// OCPP 1.6 `SignedData` value holding the hex-encoded record (what 1.6 defines).
    Ocpp16Hex,
    /// OCPP 1.6 `SignedData` value holding the base64-encoded record.
    Ocpp16Base64,
    /// OCPP 1.6 value holding the OCA application note's JSON envelope (`signedMeterData`).
    Ocpp16Envelope,
    /// OCPP 1.6 value holding has.to.be be.ENERGISED's envelope (`signedMeterValue`).
    Ocpp16Energised,
    /// OCPP 2.0.1/2.1 `signedMeterValue` with base64 `signedMeterData` (the standard).
    Ocpp20Base64,
    /// OCPP 2.0.1/2.1 `signedMeterValue` with the raw record in `signedMeterData`.
    Ocpp20Raw,
    /// OCPP 2.0.1/2.1 `signedMeterValue` with hex in `signedMeterData`.
    Ocpp20Hex,
    /// The reference transparency software's XML format.
    TpsXml,
    /// The PTB container JSON (Chargy).
    PtbContainer,
    /// An OCPI CDR `signed_values[].signed_data` holding the raw record.
    OcpiRaw,
    /// An OCPI CDR `signed_values[].signed_data` holding base64 (what OCPI defines).
    OcpiBase64,
    /// An OCPI CDR `signed_values[].signed_data` holding hex.
    OcpiHex,
    /// An OICP `SignedMeteringValue` holding the raw record.
    OicpRaw,
    /// An OICP `SignedMeteringValue` holding base64.
    OicpBase64,
    /// An OICP `SignedMeteringValue` holding hex.
    OicpHex,
}

impl Transport {
    /// Whether the value came from a charge detail record (OCPI or OICP).
    #[must_use]
    pub const fn is_cdr(self) -> bool {
        matches!(
            self,
            Self::OcpiRaw
                | Self::OcpiBase64
                | Self::OcpiHex
                | Self::OicpRaw
                | Self::OicpBase64
                | Self::OicpHex
        )
    }

    /// Every transport, in declaration order.
    pub const ALL: &'static [Transport] = &[
        Self::Plain,
        Self::Hex,
        Self::Ocpp16Plain,
        Self::Ocpp16Hex,
        Self::Ocpp16Base64,
        Self::Ocpp16Envelope,
        Self::Ocpp16Energised,
        Self::Ocpp20Base64,
        Self::Ocpp20Raw,
        Self::Ocpp20Hex,
        Self::TpsXml,
        Self::PtbContainer,
        Self::OcpiRaw,
        Self::OcpiBase64,
        Self::OcpiHex,
        Self::OicpRaw,
        Self::OicpBase64,
        Self::OicpHex,
    ];

    /// The transport of a stable name ([`Transport::as_str`]), ignoring case.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }

    /// The stable name, e.g. `ocpp16-envelope`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Hex => "hex",
            Self::Ocpp16Plain => "ocpp16-plain",
            Self::Ocpp16Hex => "ocpp16-hex",
            Self::Ocpp16Base64 => "ocpp16-base64",
            Self::Ocpp16Envelope => "ocpp16-envelope",
            Self::Ocpp16Energised => "ocpp16-energised",
            Self::Ocpp20Base64 => "ocpp20-base64",
            Self::Ocpp20Raw => "ocpp20-raw",
            Self::Ocpp20Hex => "ocpp20-hex",
            Self::TpsXml => "tps-xml",
            Self::PtbContainer => "ptb-container",
            Self::OcpiRaw => "ocpi-raw",
            Self::OcpiBase64 => "ocpi-base64",
            Self::OcpiHex => "ocpi-hex",
            Self::OicpRaw => "oicp-raw",
            Self::OicpBase64 => "oicp-base64",
            Self::OicpHex => "oicp-hex",
        }
    }
}

impl core::fmt::Display for Transport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of input [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum InputFormat {
    /// Nothing but white space.
    #[default]
    Empty,
    /// `OCMF|…` records, one per line.
    OcmfText,
    /// Hex-encoded records, one per line.
    HexText,
    /// One OCPP-J frame or one bare OCPP request payload.
    OcppMessage,
    /// An OCPP-J log (see the module documentation for the line shapes).
    OcppLog,
    /// The reference transparency software's XML format.
    TpsXml,
    /// The PTB container JSON.
    PtbJson,
    /// OCPI 2.2.1 / 2.3 charge detail records (one, a page, or JSON Lines).
    OcpiCdr,
    /// OICP 2.3 charge detail records (one, a page, or JSON Lines).
    OicpCdr,
    /// None of the above.
    Unknown,
}

impl InputFormat {
    /// The stable name, e.g. `ocpp-log`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::OcmfText => "ocmf-text",
            Self::HexText => "hex-text",
            Self::OcppMessage => "ocpp-message",
            Self::OcppLog => "ocpp-log",
            Self::TpsXml => "tps-xml",
            Self::PtbJson => "ptb-json",
            Self::OcpiCdr => "ocpi-cdr",
            Self::OicpCdr => "oicp-cdr",
            Self::Unknown => "unknown",
        }
    }
}

impl core::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where in the input a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Origin {
    /// The 1-based line (of the value's element, frame or record), when known.
    pub line: Option<usize>,
    /// The OCPP-J message id.
    pub message_id: Option<String>,
    /// The OCPP action, e.g. `MeterValues` (inferred for a bare payload).
    pub action: Option<String>,
}

/// One signed value found in the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct SignedValue {
    /// The decoded OCMF record text, byte-exact as signed (surrounding white
    /// space removed); for a value in another [`format`](SignedValue::format),
    /// the value text as that format's reader reads it (see [`value_format`]).
    pub record: String,
    /// The format of the value: `None` for OCMF, else the other format
    /// ([`Checker::verify_format`](crate::Checker::verify_format) checks it).
    pub format: Option<crate::formats::Format>,
    /// The key text as carried, for [`PublicKey::parse`](crate::PublicKey::parse);
    /// `None` when absent or empty.
    pub public_key: Option<String>,
    /// How the value was carried.
    pub transport: Transport,
    /// The charging station's id (from the log line or container).
    pub station: Option<String>,
    /// The transaction id (OCPP 1.6 integers are written in decimal).
    pub transaction_id: Option<String>,
    /// Whether `transaction_id` was inferred from the open transaction rather than carried.
    pub transaction_inferred: bool,
    /// The EVSE (OCPP 2.x `evse.id` / `evseId`).
    pub evse: Option<u32>,
    /// The connector (OCPP 1.6 `connectorId`, OCPP 2.x `evse.connectorId`).
    pub connector: Option<u32>,
    /// The OCPP `ReadingContext` (or the XML `context`), e.g. `Transaction.Begin`.
    pub context: Option<String>,
    /// The OCPP meter-value timestamp as carried.
    pub timestamp: Option<String>,
    /// The EVSE id as text (OCPI `cdr_location.evse_id`, OICP `EvseID`).
    pub evse_id: Option<String>,
    /// The token that started the session (OCPI `cdr_token.uid`, OICP `Identification`).
    pub token: Option<String>,
    /// The energy the CDR bills, in kWh, exactly as written (OCPI
    /// `total_energy`, OICP `ConsumedEnergy`).
    pub billed_kwh: Option<ExactDecimal>,
    /// What the CDR shows as the value's plain text (OCPI `plain_data`).
    pub plain_data: Option<String>,
    /// Where it came from.
    pub origin: Origin,
}

impl SignedValue {
    /// A value with just a record and its transport; every other field empty.
    #[must_use]
    pub fn new(record: String, transport: Transport) -> Self {
        Self {
            record,
            format: None,
            public_key: None,
            transport,
            station: None,
            transaction_id: None,
            transaction_inferred: false,
            evse: None,
            connector: None,
            context: None,
            timestamp: None,
            evse_id: None,
            token: None,
            billed_kwh: None,
            plain_data: None,
            origin: Origin::default(),
        }
    }

    /// The EVSE, or for OCPP 1.6 the connector: what tells two meters of one station apart.
    #[must_use]
    pub fn evse_or_connector(&self) -> Option<u32> {
        self.evse.or(self.connector)
    }
}

/// Something in the input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransportError {
    /// [`ErrorCode::TransportFormat`] (805), [`ErrorCode::XmlFormat`] (806),
    /// [`ErrorCode::UnsupportedEncoding`] (807), [`ErrorCode::TooLarge`] or
    /// [`ErrorCode::NotUtf8`].
    pub code: ErrorCode,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, in English (lowercase, no trailing period).
    pub message: String,
}

impl core::fmt::Display for TransportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}: {}", self.code.name(), self.message),
            None => write!(f, "{}: {}", self.code.name(), self.message),
        }
    }
}

/// Everything [`extract`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extraction {
    /// The detected input format.
    pub format: InputFormat,
    /// The signed values, in input order, without duplicates.
    pub values: Vec<SignedValue>,
    /// What could not be read.
    pub errors: Vec<TransportError>,
    /// How many duplicate values (same station and record text) were dropped.
    pub duplicates: usize,
    /// Whether the input started with a UTF-8 byte-order mark (a file saved
    /// on Windows). It is read as if the mark were absent; this says so.
    pub byte_order_mark: bool,
}

/// The values of one charging session (or of one meter outside any transaction).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Group {
    /// The station id.
    pub station: Option<String>,
    /// The transaction id; `None` for values outside any known transaction.
    pub transaction_id: Option<String>,
    /// The EVSE (OCPP 1.6: connector), from the first value that has one.
    pub evse: Option<u32>,
    /// The EVSE id as text (CDRs), from the first value that has one.
    pub evse_id: Option<String>,
    /// The token (CDRs), from the first value that has one.
    pub token: Option<String>,
    /// Indices into [`Extraction::values`], in session order: by OCMF
    /// pagination when every value has one of the same context, else by
    /// time when every value has one (first reading's `TM`, else the OCPP
    /// timestamp), else in input order.
    pub values: Vec<usize>,
}

/// Detects the input format (cheaply; [`extract`] does the real reading).
#[must_use]
pub fn detect(input: &str) -> InputFormat {
    text::detect(input)
}

/// Detects the format and extracts every signed value. Never panics; the
/// work and memory are bounded by the input size (see the module limits).
#[must_use]
pub fn extract(input: &str) -> Extraction {
    if input.len() > MAX_INPUT_BYTES {
        return Extraction::too_large();
    }
    let mut b = Builder::default();
    let format = text::extract_into(input, &mut b);
    let mut x = b.finish(format);
    x.byte_order_mark = input.starts_with('\u{feff}');
    x
}

/// As [`extract`], for bytes: input that is not UTF-8 gives one error entry.
#[must_use]
pub fn extract_bytes(input: &[u8]) -> Extraction {
    if input.len() > MAX_INPUT_BYTES {
        return Extraction::too_large();
    }
    match core::str::from_utf8(input) {
        Ok(s) => extract(s),
        Err(e) => {
            let line = input
                .get(..e.valid_up_to())
                .map_or(1, |p| p.iter().filter(|&&c| c == b'\n').count() + 1);
            let mut b = Builder::default();
            b.error(
                ErrorCode::NotUtf8,
                Some(line),
                alloc::format!("input is not utf-8 (byte {})", e.valid_up_to()),
            );
            b.finish(InputFormat::Unknown)
        }
    }
}

impl Extraction {
    /// What [`extract`] answers for input over [`MAX_INPUT_BYTES`]: one
    /// `too_large` error and nothing else. For a caller that knows the size
    /// without copying the input (e.g. a JS string).
    #[must_use]
    pub fn too_large() -> Self {
        let mut b = Builder::default();
        b.error(
            ErrorCode::TooLarge,
            None,
            alloc::format!("input exceeds {MAX_INPUT_BYTES} bytes"),
        );
        b.finish(InputFormat::Unknown)
    }

    /// The values sorted into sessions: one group per (station, transaction
    /// id), plus one per (station, EVSE) for values outside any transaction;
    /// groups in order of their first value.
    #[must_use]
    pub fn groups(&self) -> Vec<Group> {
        group::groups(&self.values)
    }

    /// The values as the reference transparency software's XML (see [`to_xml`]).
    #[must_use]
    pub fn to_xml(&self) -> String {
        to_xml(&self.values)
    }

    /// The extraction as JSON: `format`, `values`, `errors`, `duplicates`, `groups`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let groups = self.groups();
        crate::json::to_value(&crate::json::ExtractionJson::new(self, &groups))
    }

    /// [`Extraction::to_json`] as compact text (keys sorted, stable),
    /// written without building the `Value`.
    #[must_use]
    pub fn to_json_string(&self) -> String {
        let groups = self.groups();
        crate::json::to_string(&crate::json::ExtractionJson::new(self, &groups))
    }
}

/// A value on its way into the extraction, with what resolution needs.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) value: SignedValue,
    /// Input order of the message it came from.
    pub(crate) seq: usize,
}

/// A transaction lifecycle event seen in the input.
#[derive(Debug, Clone)]
pub(crate) enum TxEvent {
    /// 1.6 `StartTransaction` CALL.
    StartCall {
        station: Option<String>,
        message_id: String,
        connector: Option<u32>,
        timestamp: Option<String>,
        seq: usize,
    },
    /// A CALLRESULT carrying a `transactionId`.
    StartResult {
        station: Option<String>,
        message_id: String,
        transaction_id: String,
    },
    /// 1.6 `StopTransaction` or 2.x `TransactionEvent`.
    Tx {
        station: Option<String>,
        transaction_id: String,
        evse: Option<u32>,
        connector: Option<u32>,
        kind: TxKind,
        timestamp: Option<String>,
        seq: usize,
    },
}

/// Which lifecycle step a [`TxEvent::Tx`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxKind {
    Started,
    Updated,
    Ended,
}

/// Collects values, errors and lifecycle events.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub(crate) pending: Vec<Pending>,
    pub(crate) errors: Vec<TransportError>,
    pub(crate) suppressed: usize,
    pub(crate) events: Vec<TxEvent>,
    pub(crate) seq: usize,
}

impl Builder {
    pub(crate) fn error(&mut self, code: ErrorCode, line: Option<usize>, message: String) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(TransportError {
                code,
                line,
                message,
            });
        } else {
            self.suppressed += 1;
        }
    }

    pub(crate) fn push(&mut self, value: SignedValue) {
        self.pending.push(Pending {
            value,
            seq: self.seq,
        });
    }

    pub(crate) fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn finish(mut self, format: InputFormat) -> Extraction {
        if self.suppressed > 0 {
            self.errors.push(TransportError {
                code: ErrorCode::TransportFormat,
                line: None,
                message: alloc::format!("{} further errors suppressed", self.suppressed),
            });
        }
        let (values, duplicates) = group::resolve(self.pending, &self.events);
        Extraction {
            format,
            values,
            errors: self.errors,
            duplicates,
            byte_order_mark: false,
        }
    }
}
