//! Trusted keys: meter (and gateway) serial numbers mapped to public keys
//! with validity windows, loaded from JSON or CSV.
//!
//! OCMF never carries the meter's key inside the record: it reaches the
//! verifier out of band (a key database, the label on the meter, the
//! manufacturer's documents). A [`Registry`] holds those bindings; a
//! [`Checker`](crate::Checker) given one verifies each record with the key
//! registered for its meter and says how far that key can be trusted
//! ([`Report::trust`](crate::Report::trust), [`Trust`]).
//!
//! The file formats are described in `docs/registry-formats.md`: the JSON
//! document (or a bare array of entries), CSV, and the plain JSON map
//! `{"<meter serial>": "<key>", …}` a user writes by hand, read as entries
//! without validity windows ([`Registry::from_json`]).
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
//! use ocmf_core::{Checker, KeyInput, Verdict};
//! use ocmf_core::registry::{Registry, Trust};
//!
//! let registry = Registry::load(
//!     "gateway_serial,public_key,source\n\
//!      17619300,3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE,station label\n",
//! )?;
//! let record = r#"OCMF|{"FV":"1.0","GI":"KEBA_KCP30","GS":"17619300","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"},{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"304502200E2F107C987A300AC1695CA89EA149A8CDFA16188AF0A33EE64B67964AA943F9022100889A72B6D65364BEA8562E7F6A0253157ACFF84FE4929A93B5964D23C4265699"}"#;
//! let report = Checker::new().registry(Some(&registry)).verify(record, KeyInput::None);
//! assert_eq!(report.verdict, Verdict::Valid);
//! assert_eq!(report.trust_status(), &Trust::Trusted { source: "station label".into(), key_index: 0 });
//! assert_eq!(report.key_fingerprint(), Some(registry.entries()[0].fingerprint().as_str()));
//! # Ok::<(), ocmf_core::Error>(())
//! ```

mod csv;
mod entry;
mod error;
mod index;
mod json;
pub(crate) mod trust;

use alloc::{borrow::ToOwned, collections::BTreeMap, string::String, vec::Vec};

use crate::error::Span;
use crate::key::PublicKey;

pub use error::{RegistryError, RegistryErrorKind};
pub use json::JSON_FORMAT;
pub(crate) use trust::check_resolved;
pub use trust::{Trust, TrustInfo, key_curve, key_fingerprint, key_fingerprint_on};

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

    /// The key's fingerprint as used on `curve` (see [`key_fingerprint_on`]):
    /// what a report names when this entry verified a record on `curve`.
    #[must_use]
    pub fn fingerprint_on(&self, curve: crate::Curve) -> String {
        key_fingerprint_on(&self.key, Some(curve))
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

    /// Reads a registry, JSON or CSV: a file whose first non-blank character
    /// is `{` or `[` is JSON (the document, a bare array, or the plain map
    /// `{"<meter serial>": "<key>"}`), anything else CSV. A UTF-8 byte-order
    /// mark is skipped.
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
}
