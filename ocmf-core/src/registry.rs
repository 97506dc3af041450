//! Trusted keys: meter (and gateway) serial numbers mapped to public keys
//! with validity windows, loaded from JSON or CSV.
//!
//! OCMF never carries the meter's key inside the record: it reaches the
//! verifier out of band (a key database, the label on the meter, the
//! manufacturer's documents). A [`Registry`] holds those bindings, and
//! [`check_trusted`] verifies a record with the key registered for its meter
//! and says how far that key can be trusted ([`Trust`]).
//!
//! The file formats are described in `docs/registry-formats.md`.
//!
//! # Resolution rule
//!
//! For a record with meter serial `MS` (and gateway serial `GS`):
//!
//! 1. The candidates are the entries whose `meter_serial` equals `MS` and
//!    whose `gateway_serial` (when the entry has one) equals `GS`. An entry
//!    with only a `gateway_serial` matches on `GS` alone (KEBA records carry
//!    no `MS`). Serials are compared exactly, after trimming white space.
//! 2. No candidate: the key carried with the record (given by the caller, in
//!    the transport message, or in a 4th record section) is used, and the
//!    result is [`Trust::Untrusted`]; without any key, [`Trust::Unknown`].
//! 3. Candidates exist: the record's time is the first reading time whose
//!    status is not `U` (an unset clock proves nothing about time). A
//!    candidate is *valid* when that time lies in its window (both ends
//!    inclusive; no time means every window matches).
//!    * a carried key equal to a valid candidate: [`Trust::Trusted`];
//!    * a carried key equal to a candidate outside its window: [`Trust::Expired`];
//!    * a carried key equal to no candidate: [`Trust::Mismatch`], and the
//!      record is verified with the registered key, never the carried one;
//!    * no carried key: the valid candidates are tried in file order and the
//!      first whose signature verifies is used ([`Trust::Trusted`]; rotation
//!      with overlapping windows works); when none is valid at that time, the
//!      candidates outside their windows are tried ([`Trust::Expired`]).
//!
//! Two keys are equal when they are the same curve point, whatever their
//! encoding (SPKI, SEC1 compressed or uncompressed, bare `X‖Y`). The key
//! used is named by its [fingerprint](key_fingerprint).
//!
//! # Example
//!
//! ```
//! use ocmf_core::{Options, Verdict};
//! use ocmf_core::registry::{check_trusted, Registry, Trust};
//!
//! let registry = Registry::load(
//!     "gateway_serial,public_key,source\n\
//!      17619300,3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE,station label\n",
//! )?;
//! let record = r#"OCMF|{"FV":"1.0","GI":"KEBA_KCP30","GS":"17619300","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"},{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"304502200E2F107C987A300AC1695CA89EA149A8CDFA16188AF0A33EE64B67964AA943F9022100889A72B6D65364BEA8562E7F6A0253157ACFF84FE4929A93B5964D23C4265699"}"#;
//! let checked = check_trusted(record, None, &registry, &Options::default());
//! assert_eq!(checked.report.verdict, Verdict::Valid);
//! assert_eq!(checked.trust, Trust::Trusted { source: "station label".into(), key_index: 0 });
//! assert_eq!(checked.key_fingerprint.as_deref(), Some(registry.entries()[0].fingerprint().as_str()));
//! # Ok::<(), ocmf_core::Error>(())
//! ```

use alloc::{borrow::ToOwned, collections::BTreeMap, format, string::String, vec::Vec};
use core::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorCode, Lang, Span};
use crate::finding::Profile;
use crate::grammar::{TimeStatus, parse_timestamp};
use crate::key::PublicKey;
use crate::record::{
    Options, Report, Unverified, check, check_parsed, check_with_key_error, parse_with,
};

/// The default source label of an entry that names none.
pub const DEFAULT_SOURCE: &str = "registry";

/// One registered key of a meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// The meter serial (`MS`) this key belongs to.
    pub meter_serial: Option<String>,
    /// The gateway serial (`GS`), when the binding needs it.
    pub gateway_serial: Option<String>,
    /// The public key.
    pub key: PublicKey,
    /// Start of the validity window (milliseconds since 1970, inclusive).
    pub valid_from: Option<i64>,
    /// End of the validity window (milliseconds since 1970, inclusive).
    pub valid_until: Option<i64>,
    /// Where the binding comes from, e.g. `PTB key database`, `station label`.
    pub source: String,
    /// The 1-based line of the file the entry was read from (0 when built in code).
    pub line: usize,
}

impl KeyEntry {
    /// An entry for a meter serial with no validity window and the default source.
    #[must_use]
    pub fn new(meter_serial: &str, key: PublicKey) -> Self {
        Self {
            meter_serial: Some(meter_serial.trim().to_owned()),
            gateway_serial: None,
            key,
            valid_from: None,
            valid_until: None,
            source: DEFAULT_SOURCE.to_owned(),
            line: 0,
        }
    }

    /// Whether this entry binds a record with these serials (see the module rule).
    #[must_use]
    pub fn matches(&self, meter_serial: Option<&str>, gateway_serial: Option<&str>) -> bool {
        let eq = |want: &Option<String>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h.trim() == w.as_str()),
        };
        (self.meter_serial.is_some() || self.gateway_serial.is_some())
            && eq(&self.meter_serial, meter_serial)
            && eq(&self.gateway_serial, gateway_serial)
    }

    /// Whether the window contains `unix_ms` (`None`: unknown time, always true).
    #[must_use]
    pub fn valid_at(&self, unix_ms: Option<i64>) -> bool {
        unix_ms.is_none_or(|t| {
            self.valid_from.is_none_or(|f| t >= f) && self.valid_until.is_none_or(|u| t <= u)
        })
    }

    /// The key's fingerprint (see [`key_fingerprint`]).
    #[must_use]
    pub fn fingerprint(&self) -> String {
        key_fingerprint(&self.key)
    }
}

/// A set of trusted keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    entries: Vec<KeyEntry>,
    /// Indices (ascending) of the entries that name a meter, by its serial,
    /// so that finding a record's keys does not scan every entry (a
    /// backend's registry holds one entry per meter it has ever seen).
    by_meter: BTreeMap<String, Vec<usize>>,
    /// Indices (ascending) of the entries that name only a gateway, by its serial.
    by_gateway: BTreeMap<String, Vec<usize>>,
}

/// What went wrong in a registry file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegistryErrorKind {
    /// The text is not valid JSON.
    Json,
    /// Valid JSON of the wrong shape: a wrong type, an unknown member, or no `keys` array.
    Structure,
    /// A `format`/`version` member names another format.
    FormatVersion,
    /// A CSV field has a stray or unterminated quote.
    Quote,
    /// A CSV row has more or fewer fields than the header.
    FieldCount,
    /// A CSV header names an unknown column.
    UnknownColumn,
    /// A CSV header names a column twice.
    DuplicateColumn,
    /// A required column or member is missing or empty (`public_key`, a serial).
    Missing,
    /// The public key cannot be decoded (the key error's code).
    Key(ErrorCode),
    /// A `valid_from`/`valid_until` value is not a timestamp.
    Time,
    /// `valid_until` lies before `valid_from`.
    Window,
    /// The file holds no header (CSV) or nothing at all.
    Empty,
    /// The bytes are not UTF-8 text ([`Registry::load_bytes`]).
    NotUtf8,
}

impl RegistryErrorKind {
    /// A short description (lowercase, no trailing period).
    #[must_use]
    pub const fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::NotUtf8, Lang::En) => "not valid utf-8 text",
            (Self::NotUtf8, Lang::De) => "kein gültiger utf-8-text",
            (Self::Json, Lang::En) => "not valid json",
            (Self::Json, Lang::De) => "kein gültiges json",
            (Self::Structure, Lang::En) => "unexpected json structure or member",
            (Self::Structure, Lang::De) => "unerwartete json-struktur oder unerwartetes element",
            (Self::FormatVersion, Lang::En) => "unknown registry format or version",
            (Self::FormatVersion, Lang::De) => {
                "unbekanntes verzeichnisformat oder unbekannte version"
            }
            (Self::Quote, Lang::En) => "stray or unterminated quote",
            (Self::Quote, Lang::De) => {
                "falsch gesetztes oder nicht geschlossenes anführungszeichen"
            }
            (Self::FieldCount, Lang::En) => {
                "the row has a different number of fields than the header"
            }
            (Self::FieldCount, Lang::De) => {
                "die zeile hat eine andere anzahl felder als die kopfzeile"
            }
            (Self::UnknownColumn, Lang::En) => "unknown column",
            (Self::UnknownColumn, Lang::De) => "unbekannte spalte",
            (Self::DuplicateColumn, Lang::En) => "column given twice",
            (Self::DuplicateColumn, Lang::De) => "spalte doppelt angegeben",
            (Self::Missing, Lang::En) => "a required value is missing",
            (Self::Missing, Lang::De) => "ein pflichtwert fehlt",
            (Self::Key(_), Lang::En) => "public key cannot be decoded",
            (Self::Key(_), Lang::De) => "öffentlicher schlüssel kann nicht dekodiert werden",
            (Self::Time, Lang::En) => "not a timestamp (rfc 3339 or ocmf)",
            (Self::Time, Lang::De) => "kein zeitstempel (rfc 3339 oder ocmf)",
            (Self::Window, Lang::En) => "the validity window ends before it starts",
            (Self::Window, Lang::De) => "der gültigkeitszeitraum endet vor seinem beginn",
            (Self::Empty, Lang::En) => "the file holds no header or no data",
            (Self::Empty, Lang::De) => "die datei enthält keine kopfzeile oder keine daten",
        }
    }
}

/// A registry file that cannot be read: always [`ErrorCode::RegistryFormat`],
/// with the 1-based line and column and the byte span of the offending part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.display())]
#[non_exhaustive]
pub struct RegistryError {
    /// What is wrong.
    pub kind: RegistryErrorKind,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// The column or member concerned (`public_key`, `valid_from`, …).
    pub field: Option<&'static str>,
    /// Byte range in the file.
    pub span: Span,
}

impl RegistryError {
    fn at(kind: RegistryErrorKind, text: &str, span: Span, field: Option<&'static str>) -> Self {
        let (line, column) = line_col(text, span.start);
        Self {
            kind,
            line,
            column,
            field,
            span,
        }
    }

    /// [`ErrorCode::NotUtf8`] for bytes that are not text, else
    /// [`ErrorCode::RegistryFormat`].
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self.kind {
            RegistryErrorKind::NotUtf8 => ErrorCode::NotUtf8,
            _ => ErrorCode::RegistryFormat,
        }
    }

    /// The message with line, column and field.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let (l, c) = match lang {
            Lang::En => ("line", "column"),
            Lang::De => ("zeile", "spalte"),
        };
        let mut s = format!(
            "{}: {l} {}, {c} {}: {}",
            ErrorCode::RegistryFormat.message(lang),
            self.line,
            self.column,
            self.kind.message(lang)
        );
        if let Some(f) = self.field {
            s.push_str(" (");
            s.push_str(f);
            s.push(')');
        }
        if let RegistryErrorKind::Key(code) = self.kind {
            s.push_str(": ");
            s.push_str(code.message(lang));
        }
        s
    }

    fn display(&self) -> String {
        self.message(Lang::En)
    }
}

impl From<RegistryError> for Error {
    fn from(e: RegistryError) -> Self {
        let mut err = Error::new(e.code()).at(e.span);
        err.field = e.field;
        err
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Byte offset of serde_json's 1-based line/column inside `text`.
fn json_offset(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return off + column.saturating_sub(1).min(l.len());
        }
        off += l.len();
    }
    text.len()
}

/// The fingerprint of a key: the first 16 hex digits (uppercase) of the
/// SHA-256 of its compressed SEC1 point (`02|03 ‖ X`). The same point gives
/// the same fingerprint in every encoding.
#[must_use]
pub fn key_fingerprint(key: &PublicKey) -> String {
    let digest = Sha256::digest(compressed_point(key));
    let mut hex = base16ct::upper::encode_string(&digest);
    hex.truncate(16);
    hex
}

/// The compressed SEC1 form of a key's point (from the uncompressed form
/// without curve arithmetic: the prefix carries the parity of `Y`).
fn compressed_point(key: &PublicKey) -> Vec<u8> {
    let sec1 = key.sec1_bytes();
    match sec1.first() {
        Some(0x04) if sec1.len() >= 3 && sec1.len() % 2 == 1 => {
            let n = (sec1.len() - 1) / 2;
            let parity = sec1.last().map_or(0, |b| b & 1);
            let mut out = Vec::with_capacity(n + 1);
            out.push(0x02 | parity);
            out.extend_from_slice(sec1.get(1..=n).unwrap_or(&[]));
            out
        }
        _ => sec1.to_vec(),
    }
}

/// Whether two keys are the same point.
pub(crate) fn same_key(a: &PublicKey, b: &PublicKey) -> bool {
    compressed_point(a) == compressed_point(b)
}

/// Parses a validity bound: RFC 3339 (`2024-01-31T12:00:00Z`,
/// `…+01:00`, fractions allowed), an OCMF time (`2024-01-31T12:00:00,000+0100 S`),
/// or a date `2024-01-31` (the start of that day in UTC, or with
/// `end_of_day` its last millisecond).
fn parse_bound(text: &str, end_of_day: bool) -> Option<i64> {
    let t = text.trim();
    if let Some(ts) = parse_timestamp(t) {
        return Some(ts.unix_millis());
    }
    let is_date = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if is_date {
        let start = parse_timestamp(&format!("{t}T00:00:00Z S"))?.unix_millis();
        return Some(if end_of_day {
            start + 86_399_999
        } else {
            start
        });
    }
    // RFC 3339 allows lower-case `t` and `z`; the OCMF grammar wants a status letter.
    let upper = t.replace('t', "T").replace('z', "Z");
    if upper.ends_with(['U', 'I', 'R', 'S']) {
        return None;
    }
    parse_timestamp(&format!("{upper} S")).map(|ts| ts.unix_millis())
}

/// Values of one entry before checking, with where each came from.
struct RawEntry<'t> {
    meter_serial: Option<(String, Span)>,
    gateway_serial: Option<(String, Span)>,
    public_key: Option<(String, Span)>,
    valid_from: Option<(String, Span)>,
    valid_until: Option<(String, Span)>,
    source: Option<String>,
    at: Span,
    text: &'t str,
}

impl RawEntry<'_> {
    fn build(self, default_source: &str) -> Result<KeyEntry, RegistryError> {
        let nonempty = |v: Option<(String, Span)>| {
            v.map(|(s, sp)| (s.trim().to_owned(), sp))
                .filter(|(s, _)| !s.is_empty())
        };
        let err = |kind, span, field| RegistryError::at(kind, self.text, span, Some(field));
        let ms = nonempty(self.meter_serial);
        let gs = nonempty(self.gateway_serial);
        if ms.is_none() && gs.is_none() {
            return Err(err(RegistryErrorKind::Missing, self.at, "meter_serial"));
        }
        let (key_text, key_span) = nonempty(self.public_key)
            .ok_or_else(|| err(RegistryErrorKind::Missing, self.at, "public_key"))?;
        let key = PublicKey::parse(&key_text)
            .map_err(|e| err(RegistryErrorKind::Key(e.code), key_span, "public_key"))?;
        let bound = |v: Option<(String, Span)>, end: bool, field| match nonempty(v) {
            None => Ok(None),
            Some((s, sp)) => parse_bound(&s, end)
                .map(Some)
                .ok_or_else(|| err(RegistryErrorKind::Time, sp, field)),
        };
        let until_span = self.valid_until.as_ref().map_or(self.at, |v| v.1);
        let valid_from = bound(self.valid_from, false, "valid_from")?;
        let valid_until = bound(self.valid_until, true, "valid_until")?;
        if let (Some(f), Some(u)) = (valid_from, valid_until) {
            if u < f {
                return Err(err(RegistryErrorKind::Window, until_span, "valid_until"));
            }
        }
        let source = self
            .source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default_source.to_owned());
        Ok(KeyEntry {
            meter_serial: ms.map(|v| v.0),
            gateway_serial: gs.map(|v| v.0),
            key,
            valid_from,
            valid_until,
            source,
            line: line_col(self.text, self.at.start).0,
        })
    }
}

/// The JSON document: `{"format"?, "version"?, "source"?, "keys": [...]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonDoc<'a> {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    source: Option<String>,
    #[serde(borrow)]
    keys: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEntry {
    #[serde(default)]
    meter_serial: Option<String>,
    #[serde(default)]
    gateway_serial: Option<String>,
    #[serde(default)]
    public_key: Option<String>,
    #[serde(default)]
    valid_from: Option<String>,
    #[serde(default)]
    valid_until: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "a free comment, accepted and ignored")]
    comment: Option<String>,
}

/// The registry format name in JSON files.
pub const JSON_FORMAT: &str = "ocmf-key-registry";

/// CSV columns, in the order the documentation lists them.
const CSV_COLUMNS: [&str; 7] = [
    "meter_serial",
    "gateway_serial",
    "public_key",
    "valid_from",
    "valid_until",
    "source",
    "comment",
];

/// Splits one CSV line (without its line break) into fields with their byte
/// spans relative to the line. Strict RFC 4180 subset: a field is either
/// unquoted (no `"` inside) or wholly quoted, with `""` for a quote; a quoted
/// field ends at its closing quote, which a comma or the end of the line must
/// follow. Unquoted fields are trimmed of spaces and tabs.
///
/// Hand-written because the `csv` crate needs `std` and this crate is
/// `no_std`; the subset (one record per line) keeps line numbers exact.
fn csv_fields(line: &str) -> Result<Vec<(String, Span)>, Span> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // Leading blanks before a quoted field are tolerated.
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if b.get(j) == Some(&b'"') {
            let start = j;
            let mut val = String::new();
            let mut k = j + 1;
            let mut seg = k;
            loop {
                match b.get(k) {
                    None => return Err(Span::new(start, b.len())),
                    Some(b'"') if b.get(k + 1) == Some(&b'"') => {
                        val.push_str(line.get(seg..=k).unwrap_or(""));
                        k += 2;
                        seg = k;
                    }
                    Some(b'"') => {
                        val.push_str(line.get(seg..k).unwrap_or(""));
                        k += 1;
                        break;
                    }
                    Some(_) => k += 1,
                }
            }
            let end = k;
            while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
                k += 1;
            }
            out.push((val, Span::new(start, end)));
            match b.get(k) {
                None => return Ok(out),
                Some(b',') => i = k + 1,
                Some(_) => return Err(Span::new(k, k + 1)),
            }
        } else {
            let end = b[i..]
                .iter()
                .position(|c| *c == b',')
                .map_or(b.len(), |p| i + p);
            let raw = line.get(i..end).unwrap_or("");
            if let Some(q) = raw.find('"') {
                return Err(Span::new(i + q, i + q + 1));
            }
            let trimmed = raw.trim_matches([' ', '\t']);
            let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
            out.push((
                trimmed.to_owned(),
                Span::new(i + lead, i + lead + trimmed.len()),
            ));
            if end >= b.len() {
                return Ok(out);
            }
            i = end + 1;
        }
    }
}

impl Registry {
    /// An empty registry.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
            by_meter: BTreeMap::new(),
            by_gateway: BTreeMap::new(),
        }
    }

    /// Every entry, in file order (indices are the `key_index` of [`Trust`]).
    #[must_use]
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the registry has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry; returns its index.
    pub fn add(&mut self, entry: KeyEntry) -> usize {
        let index = self.entries.len();
        // An entry that names neither serial binds nothing (`KeyEntry::matches`).
        let slot = match (&entry.meter_serial, &entry.gateway_serial) {
            (Some(m), _) => Some((&mut self.by_meter, m)),
            (None, Some(g)) => Some((&mut self.by_gateway, g)),
            (None, None) => None,
        };
        if let Some((map, serial)) = slot {
            map.entry(serial.clone()).or_default().push(index);
        }
        self.entries.push(entry);
        index
    }

    /// Appends every entry of `other` (their indices shift by `self.len()`).
    pub fn extend(&mut self, other: Self) {
        for entry in other.entries {
            self.add(entry);
        }
    }

    /// The entries binding a record with these serials, with their indices,
    /// in file order (found through the serial indices, not by a scan).
    pub fn matching<'s, 'q>(
        &'s self,
        meter_serial: Option<&'q str>,
        gateway_serial: Option<&'q str>,
    ) -> impl Iterator<Item = (usize, &'s KeyEntry)> + use<'s, 'q> {
        let look = |map: &'s BTreeMap<String, Vec<usize>>, serial: Option<&str>| {
            serial
                .and_then(|s| map.get(s.trim()))
                .map_or(&[][..], Vec::as_slice)
        };
        // Each entry is in one index only: the union has no repeats.
        let mut found: Vec<usize> = look(&self.by_meter, meter_serial)
            .iter()
            .chain(look(&self.by_gateway, gateway_serial))
            .copied()
            .collect();
        found.sort_unstable();
        found.into_iter().filter_map(move |i| {
            let e = self.entries.get(i)?;
            e.matches(meter_serial, gateway_serial).then_some((i, e))
        })
    }

    /// Reads a registry, JSON or CSV: a file whose first non-blank character
    /// is `{` or `[` is JSON, anything else CSV. A UTF-8 byte-order mark is skipped.
    ///
    /// # Errors
    /// As [`Registry::from_json`] or [`Registry::from_csv`].
    pub fn load(text: &str) -> Result<Self, RegistryError> {
        Self::load_text(text)
    }

    /// [`Registry::load`] for a file given as bytes (what every binding
    /// reads): bytes that are not UTF-8 are an error at the line and column
    /// of the first bad byte.
    ///
    /// # Errors
    /// [`RegistryErrorKind::NotUtf8`], or as [`Registry::load`].
    pub fn load_bytes(bytes: &[u8]) -> Result<Self, RegistryError> {
        match core::str::from_utf8(bytes) {
            Ok(text) => Self::load_text(text),
            Err(e) => {
                let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
                let text = core::str::from_utf8(good).unwrap_or_default();
                let at = Span::new(e.valid_up_to(), e.valid_up_to() + 1);
                Err(RegistryError::at(
                    RegistryErrorKind::NotUtf8,
                    text,
                    at,
                    None,
                ))
            }
        }
    }

    fn load_text(text: &str) -> Result<Self, RegistryError> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        if body.trim_start().starts_with(['{', '[']) {
            Self::from_json(text)
        } else {
            Self::from_csv(text)
        }
    }

    /// Reads the JSON form: an object `{"format": "ocmf-key-registry",
    /// "version": 1, "source": "…", "keys": [entry, …]}` (only `keys`
    /// required) or a bare array of entries. An entry has `meter_serial`
    /// and/or `gateway_serial`, `public_key`, and optionally `valid_from`,
    /// `valid_until`, `source`, `comment`. Unknown members are errors.
    ///
    /// # Errors
    /// [`RegistryError`] ([`ErrorCode::RegistryFormat`]) with the line of the
    /// syntax error or of the entry that is wrong.
    pub fn from_json(text: &str) -> Result<Self, RegistryError> {
        let body_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let body = text.get(body_start..).unwrap_or("");
        if body.trim().is_empty() {
            return Err(RegistryError::at(
                RegistryErrorKind::Empty,
                text,
                Span::new(0, 0),
                None,
            ));
        }
        let serde_err = |e: &serde_json::Error, slice: &str| {
            let base = Span::of(text, slice).start;
            let off = base + json_offset(slice, e.line(), e.column());
            let kind = if e.is_data() {
                RegistryErrorKind::Structure
            } else {
                RegistryErrorKind::Json
            };
            RegistryError::at(kind, text, Span::new(off, off), None)
        };
        let (items, source): (Vec<&RawValue>, Option<String>) =
            if body.trim_start().starts_with('[') {
                let items: Vec<&RawValue> =
                    serde_json::from_str(body).map_err(|e| serde_err(&e, body))?;
                (items, None)
            } else {
                let doc: JsonDoc<'_> =
                    serde_json::from_str(body).map_err(|e| serde_err(&e, body))?;
                let format_ok = doc.format.as_deref().is_none_or(|f| f == JSON_FORMAT);
                if !format_ok || doc.version.is_some_and(|v| v != 1) {
                    return Err(RegistryError::at(
                        RegistryErrorKind::FormatVersion,
                        text,
                        Span::of(text, body),
                        Some("format"),
                    ));
                }
                (doc.keys, doc.source)
            };
        let default_source = source.as_deref().unwrap_or(DEFAULT_SOURCE);
        let mut reg = Self::new();
        for raw in items {
            let slice = raw.get();
            let at = Span::of(text, slice);
            let e: JsonEntry = serde_json::from_str(slice).map_err(|e| serde_err(&e, slice))?;
            // Values are located by their entry; a finer span would need a second parse.
            let with = |v: Option<String>| v.map(|s| (s, at));
            let entry = RawEntry {
                meter_serial: with(e.meter_serial),
                gateway_serial: with(e.gateway_serial),
                public_key: with(e.public_key),
                valid_from: with(e.valid_from),
                valid_until: with(e.valid_until),
                source: e.source,
                at,
                text,
            }
            .build(default_source)?;
            reg.add(entry);
        }
        Ok(reg)
    }

    /// Reads the CSV form: a header line naming the columns (any order;
    /// `public_key` and one of `meter_serial`/`gateway_serial` required;
    /// also `valid_from`, `valid_until`, `source`, `comment`), then one entry
    /// per line. Blank lines and lines starting with `#` are skipped. Fields
    /// follow a strict RFC 4180 subset (see `docs/registry-formats.md`).
    ///
    /// # Errors
    /// [`RegistryError`] ([`ErrorCode::RegistryFormat`]) with line and column.
    pub fn from_csv(text: &str) -> Result<Self, RegistryError> {
        let mut header: Option<Vec<usize>> = None;
        let mut reg = Self::new();
        let mut offset = 0;
        for raw_line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw_line.len();
            let mut line = raw_line.strip_suffix('\n').unwrap_or(raw_line);
            line = line.strip_suffix('\r').unwrap_or(line);
            if line_start == 0 {
                if let Some(rest) = line.strip_prefix('\u{feff}') {
                    line = rest;
                }
            }
            let base = Span::of(text, line).start;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let fields = csv_fields(line).map_err(|sp| {
                RegistryError::at(RegistryErrorKind::Quote, text, sp.shift(base), None)
            })?;
            let Some(cols) = &header else {
                let mut cols = Vec::with_capacity(fields.len());
                for (name, sp) in &fields {
                    let name = name.to_ascii_lowercase();
                    let Some(c) = CSV_COLUMNS.iter().position(|k| *k == name) else {
                        return Err(RegistryError::at(
                            RegistryErrorKind::UnknownColumn,
                            text,
                            sp.shift(base),
                            None,
                        ));
                    };
                    if cols.contains(&c) {
                        return Err(RegistryError::at(
                            RegistryErrorKind::DuplicateColumn,
                            text,
                            sp.shift(base),
                            CSV_COLUMNS.get(c).copied(),
                        ));
                    }
                    cols.push(c);
                }
                let has = |n: &str| {
                    CSV_COLUMNS
                        .iter()
                        .position(|k| *k == n)
                        .is_some_and(|c| cols.contains(&c))
                };
                let whole = Span::new(base, base + line.len());
                if !has("public_key") {
                    return Err(RegistryError::at(
                        RegistryErrorKind::Missing,
                        text,
                        whole,
                        Some("public_key"),
                    ));
                }
                if !has("meter_serial") && !has("gateway_serial") {
                    return Err(RegistryError::at(
                        RegistryErrorKind::Missing,
                        text,
                        whole,
                        Some("meter_serial"),
                    ));
                }
                header = Some(cols);
                continue;
            };
            if fields.len() != cols.len() {
                return Err(RegistryError::at(
                    RegistryErrorKind::FieldCount,
                    text,
                    Span::new(base, base + line.len()),
                    None,
                ));
            }
            let mut entry = RawEntry {
                meter_serial: None,
                gateway_serial: None,
                public_key: None,
                valid_from: None,
                valid_until: None,
                source: None,
                at: Span::new(base, base + line.len()),
                text,
            };
            for (c, (value, sp)) in cols.iter().zip(fields) {
                let v = Some((value, sp.shift(base)));
                match c {
                    0 => entry.meter_serial = v,
                    1 => entry.gateway_serial = v,
                    2 => entry.public_key = v,
                    3 => entry.valid_from = v,
                    4 => entry.valid_until = v,
                    5 => entry.source = v.map(|x| x.0),
                    _ => {}
                }
            }
            reg.add(entry.build(DEFAULT_SOURCE)?);
        }
        if header.is_none() {
            return Err(RegistryError::at(
                RegistryErrorKind::Empty,
                text,
                Span::new(0, 0),
                None,
            ));
        }
        Ok(reg)
    }
}

/// How far the key a record was verified with can be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trust {
    /// A registered key of the record's meter, valid at the record's time.
    Trusted {
        /// The entry's source label.
        source: String,
        /// Index of the entry in [`Registry::entries`].
        key_index: usize,
    },
    /// The registry has no entry for the meter; the key came from the
    /// record, the transport message or the caller.
    Untrusted,
    /// The meter is registered, but the key carried with the record differs;
    /// the record was verified with the registered key.
    Mismatch {
        /// Index in [`Registry::entries`] of the registered key used instead.
        registered: usize,
    },
    /// The registered key was outside its validity window at the record's time.
    Expired {
        /// The entry's source label.
        source: String,
        /// Index of the entry in [`Registry::entries`].
        key_index: usize,
    },
    /// No key at all.
    Unknown,
}

impl Trust {
    /// `trusted`, `untrusted`, `mismatch`, `expired` or `unknown`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Trusted { .. } => "trusted",
            Self::Untrusted => "untrusted",
            Self::Mismatch { .. } => "mismatch",
            Self::Expired { .. } => "expired",
            Self::Unknown => "unknown",
        }
    }

    /// The code: `Ok` (trusted), [`ErrorCode::KeyUntrusted`] (untrusted,
    /// expired), [`ErrorCode::KeyRegistryMismatch`], [`ErrorCode::KeyMissing`] (unknown).
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            Self::Trusted { .. } => ErrorCode::Ok,
            Self::Untrusted | Self::Expired { .. } => ErrorCode::KeyUntrusted,
            Self::Mismatch { .. } => ErrorCode::KeyRegistryMismatch,
            Self::Unknown => ErrorCode::KeyMissing,
        }
    }

    /// Strength, for "the weakest wins": unknown 0, expired 1, untrusted 2,
    /// mismatch 3 (verified with the registered key), trusted 4.
    #[must_use]
    pub const fn rank(&self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Expired { .. } => 1,
            Self::Untrusted => 2,
            Self::Mismatch { .. } => 3,
            Self::Trusted { .. } => 4,
        }
    }

    /// A sentence for a driver.
    #[must_use]
    pub const fn explain(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Trusted { .. }, Lang::En) => {
                "The key used is the one registered for this meter."
            }
            (Self::Trusted { .. }, Lang::De) => {
                "Der verwendete Schlüssel ist der für diesen Zähler registrierte."
            }
            (Self::Untrusted, Lang::En) => {
                "The key is not registered for this meter: the signature shows the data is unchanged, but not who signed it."
            }
            (Self::Untrusted, Lang::De) => {
                "Der Schlüssel ist für diesen Zähler nicht registriert: Die Signatur zeigt, dass die Daten unverändert sind, aber nicht, wer sie signiert hat."
            }
            (Self::Mismatch { .. }, Lang::En) => {
                "The key delivered with the data differs from the key registered for this meter; the registered key was used."
            }
            (Self::Mismatch { .. }, Lang::De) => {
                "Der mit den Daten gelieferte Schlüssel weicht vom für diesen Zähler registrierten ab; der registrierte Schlüssel wurde verwendet."
            }
            (Self::Expired { .. }, Lang::En) => {
                "The key registered for this meter was not valid at the time of the reading."
            }
            (Self::Expired { .. }, Lang::De) => {
                "Der für diesen Zähler registrierte Schlüssel war zum Zeitpunkt der Messung nicht gültig."
            }
            (Self::Unknown, Lang::En) => "No key is available for this meter.",
            (Self::Unknown, Lang::De) => "Für diesen Zähler ist kein Schlüssel verfügbar.",
        }
    }

    /// The JSON object `{status, code, code_name, source, key_index, message}`.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        let (source, index) = match self {
            Self::Trusted { source, key_index } | Self::Expired { source, key_index } => {
                (Some(source.as_str()), Some(*key_index))
            }
            Self::Mismatch { registered } => (None, Some(*registered)),
            Self::Untrusted | Self::Unknown => (None, None),
        };
        let mut m = Map::new();
        m.insert("status".into(), self.as_str().into());
        m.insert("code".into(), self.code().code().into());
        m.insert("code_name".into(), self.code().name().into());
        m.insert("source".into(), source.into());
        m.insert("key_index".into(), index.into());
        m.insert("message".into(), self.explain(lang).into());
        Value::Object(m)
    }
}

impl fmt::Display for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The key decision of a record checked against a registry: the `trust`
/// part of a [`Report`] ([`Report::trust`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustInfo {
    /// How far the key the record was verified with can be trusted.
    pub trust: Trust,
    /// Fingerprint of the key the record was verified with ([`key_fingerprint`]).
    pub key_fingerprint: Option<String>,
    /// Fingerprint of the key carried with the record (caller, message or
    /// 4th section), when one was given and readable.
    pub carried_key_fingerprint: Option<String>,
    /// The carried key's decoding error, when it could not be read and the
    /// registered key was used instead.
    pub carried_key_error: Option<Error>,
    /// The record time the validity windows were checked against.
    pub record_time_ms: Option<i64>,
}

impl TrustInfo {
    /// No decision yet: `unknown`, nothing known about the keys.
    pub(crate) const fn unknown() -> Self {
        Self {
            trust: Trust::Unknown,
            key_fingerprint: None,
            carried_key_fingerprint: None,
            carried_key_error: None,
            record_time_ms: None,
        }
    }
}

impl Report<'_> {
    /// The key's trust ([`TrustInfo::trust`]); `unknown` when the record was
    /// checked without a registry.
    #[must_use]
    pub fn trust_status(&self) -> &Trust {
        static UNKNOWN: Trust = Trust::Unknown;
        self.trust.as_ref().map_or(&UNKNOWN, |t| &t.trust)
    }

    /// The fingerprint of the key the record was verified with, when it was
    /// checked against a registry ([`TrustInfo::key_fingerprint`]).
    #[must_use]
    pub fn key_fingerprint(&self) -> Option<&str> {
        self.trust
            .as_ref()
            .and_then(|t| t.key_fingerprint.as_deref())
    }
}

impl Report<'static> {
    /// The answer under a registry for record bytes that never reach the
    /// parser (not UTF-8, or over the size limit: `error`): the error's
    /// report, the trust `unknown`, and the fingerprint of the carried key
    /// when it can be read.
    pub(crate) fn unread_trusted(
        error: Error,
        carried: Option<&PublicKey>,
        profile: Profile,
    ) -> Self {
        let mut report = Report::from_error(error, profile);
        let mut trust = TrustInfo::unknown();
        trust.carried_key_fingerprint = carried.map(key_fingerprint);
        report.trust = Some(trust);
        report
    }
}

fn present<'t>(t: Option<&'t crate::payload::Text<'_>>) -> Option<&'t str> {
    t.map(|t| t.as_str().trim()).filter(|s| !s.is_empty())
}

/// The record time for validity windows: the first reading time whose
/// status is not `U`.
pub(crate) fn record_time(rec: &Unverified<'_>) -> Option<i64> {
    rec.payload
        .resolved_readings()
        .iter()
        .filter_map(crate::payload::Reading::timestamp)
        .find(|t| t.status != TimeStatus::Unknown)
        .map(|t| t.unix_millis())
}

/// A registry entry with its index.
type Candidate<'r> = (usize, &'r KeyEntry);

/// A record checked against a registry (the [`Checker`](crate::Checker) with
/// a registry, and every record of a session): `carried` is the key that
/// came with the record (already decoded, or its error). The report carries
/// the key decision in [`Report::trust`].
pub(crate) fn check_resolved<'a>(
    record: &'a str,
    carried: Option<Result<&PublicKey, Error>>,
    registry: Option<&Registry>,
    options: &Options,
) -> Report<'a> {
    let mut out = TrustInfo::unknown();
    let report: Report<'a>;
    let Ok(rec) = parse_with(record, options) else {
        // `check` says why the record cannot be read.
        report = check(record, None, options);
        if let Some(Ok(k)) = &carried {
            out.carried_key_fingerprint = Some(key_fingerprint(k));
        }
        return with_trust(report, out);
    };
    let ms = present(rec.payload.meter_serial.as_ref());
    let gs = present(rec.payload.gateway_serial.as_ref());
    let at = record_time(&rec);
    out.record_time_ms = at;
    let candidates: Vec<Candidate<'_>> = registry
        .map(|r| r.matching(ms, gs).collect())
        .unwrap_or_default();
    // The carried key, else the record's own 4th section.
    let embedded = carried.is_none();
    let own = if embedded { rec.embedded_key() } else { None };
    let carried = carried.or_else(|| own.as_ref().map(|r| r.as_ref().map_err(|e| *e)));

    if candidates.is_empty() {
        match carried {
            Some(Ok(k)) => {
                let fp = key_fingerprint(k);
                // A key from the 4th section: let `check` take it itself, so
                // the report names it (key source `record`).
                report = check_parsed(rec, (!embedded).then_some(k), options);
                out.trust = Trust::Untrusted;
                out.key_fingerprint = Some(fp.clone());
                out.carried_key_fingerprint = Some(fp);
            }
            Some(Err(e)) => {
                report = check_with_key_error(record, e, options);
                out.carried_key_error = Some(e);
            }
            None => report = check_parsed(rec, None, options),
        }
        return with_trust(report, out);
    }

    let (carried_key, carried_error) = match carried {
        Some(Ok(k)) => (Some(k), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    out.carried_key_error = carried_error;
    out.carried_key_fingerprint = carried_key.map(key_fingerprint);
    let (in_window, outside): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        candidates.iter().partition(|(_, e)| e.valid_at(at));
    // With one candidate there is nothing to choose: `check` verifies once.
    let first_verifying = |set: &[Candidate<'_>]| -> Option<usize> {
        if let [(i, _)] = set {
            return Some(*i);
        }
        set.iter()
            .find(|(_, e)| rec.verify(&e.key).is_ok())
            .or_else(|| set.first())
            .map(|(i, _)| *i)
    };
    let same = |set: &[Candidate<'_>], k: &PublicKey| -> Option<usize> {
        set.iter()
            .find(|(_, e)| same_key(&e.key, k))
            .map(|(i, _)| *i)
    };
    let fallback = if in_window.is_empty() {
        &outside
    } else {
        &in_window
    };
    let chosen: Option<(usize, bool, bool)> = match carried_key {
        // (index, in window, equal to the carried key)
        Some(ck) => same(&in_window, ck)
            .map(|i| (i, true, true))
            .or_else(|| same(&outside, ck).map(|i| (i, false, true)))
            .or_else(|| first_verifying(fallback).map(|i| (i, !in_window.is_empty(), false))),
        None => first_verifying(fallback).map(|i| (i, !in_window.is_empty(), true)),
    };
    let Some(entry) = chosen.and_then(|(i, _, _)| registry.and_then(|r| r.entries.get(i))) else {
        report = check_parsed(rec, None, options);
        return with_trust(report, out);
    };
    if let Some((i, valid, equal)) = chosen {
        out.trust = match (valid, equal) {
            (_, false) => Trust::Mismatch { registered: i },
            (true, true) => Trust::Trusted {
                source: entry.source.clone(),
                key_index: i,
            },
            (false, true) => Trust::Expired {
                source: entry.source.clone(),
                key_index: i,
            },
        };
    }
    report = check_parsed(rec, Some(&entry.key), options);
    out.key_fingerprint = Some(entry.fingerprint());
    with_trust(report, out)
}

/// The report with its key decision.
fn with_trust(mut report: Report<'_>, trust: TrustInfo) -> Report<'_> {
    report.trust = Some(trust);
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_through_the_indices_equals_a_scan() {
        let key = PublicKey::parse(
            "0484CB1B68DB9146C16BC770654A7D49A7AFD92F8E0A9E324CB50FA2B5EAD88ECB2343A06A4BAFCBEA8B82A1965A48E8A8DC4F6E28332826C80634A6CFC28D7D66",
        )
        .unwrap();
        let entry = |m: Option<&str>, g: Option<&str>| KeyEntry {
            meter_serial: m.map(str::to_owned),
            gateway_serial: g.map(str::to_owned),
            ..KeyEntry::new("", key.clone())
        };
        let shapes = [
            (Some("M1"), None),
            (None, Some("G1")),
            (Some("M1"), Some("G2")),
            (None, None),
            (Some("M2"), None),
            (Some("M1"), None),
            (None, Some("M1")),
            (Some(""), None),
            (Some(" M3 "), None),
        ];
        let mut a = Registry::new();
        let mut b = Registry::new();
        for (i, (m, g)) in shapes.iter().enumerate() {
            if i % 2 == 0 {
                a.add(entry(*m, *g));
            } else {
                b.add(entry(*m, *g));
            }
        }
        // Indices move with `extend`; the result must not depend on how the
        // registry was put together.
        a.extend(b);
        let serials = [
            None,
            Some("M1"),
            Some(" M1 "),
            Some("M2"),
            Some("G1"),
            Some("G2"),
            Some(""),
            Some("M3"),
            Some(" M3 "),
        ];
        for ms in serials {
            for gs in serials {
                let scan: Vec<usize> = a
                    .entries()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.matches(ms, gs))
                    .map(|(i, _)| i)
                    .collect();
                let got: Vec<usize> = a.matching(ms, gs).map(|(i, _)| i).collect();
                assert_eq!(got, scan, "{ms:?} {gs:?}");
            }
        }
        assert_eq!(a.matching(Some("M1"), Some("G2")).count(), 3);
    }

    #[test]
    fn csv_fields_follow_the_subset() {
        let f = csv_fields(r#"a, "b,c" ,"d""e",,"#).unwrap();
        let vals: Vec<&str> = f.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(vals, ["a", "b,c", "d\"e", "", ""]);
        assert!(csv_fields(r#"a"b"#).is_err());
        assert!(csv_fields(r#""abc"#).is_err());
        assert!(csv_fields(r#""a"b"#).is_err());
    }

    #[test]
    fn bounds() {
        assert_eq!(parse_bound("1970-01-01", false), Some(0));
        assert_eq!(parse_bound("1970-01-01", true), Some(86_399_999));
        assert_eq!(parse_bound("1970-01-01T01:00:00+01:00", false), Some(0));
        assert_eq!(parse_bound("1970-01-01t00:00:01.5z", false), Some(1500));
        assert_eq!(
            parse_bound("1970-01-01T00:00:02,000+0000 S", false),
            Some(2000)
        );
        assert_eq!(parse_bound("1970-01-01T00:00:02", false), None);
        assert_eq!(parse_bound("yesterday", false), None);
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
