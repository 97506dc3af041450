//! The JSON registry forms (`docs/registry-formats.md`): the document
//! `{"keys": [...]}`, a bare array of entries, and the plain map
//! `{"<meter serial>": "<key>", ...}`.

use alloc::{string::String, vec::Vec};

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use super::entry::RawEntry;
use super::error::{RegistryError, RegistryErrorKind};
use super::{DEFAULT_SOURCE, Registry};
#[cfg(doc)]
use crate::error::ErrorCode;
use crate::error::Span;

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

/// Any JSON object, its members in file order (duplicates kept), the
/// values unparsed: the plain map form is told from the document form by
/// its member names before either is read.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(m) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(m);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// The members of the document form: an object with any of them is read as
/// that form (so a misspelt entry member stays an error), any other object
/// is the plain map.
const DOC_MEMBERS: &[&str] = &["format", "version", "source", "keys"];

/// The registry format name in JSON files.
pub const JSON_FORMAT: &str = "ocmf-key-registry";

impl Registry {
    /// Reads the JSON form: an object `{"format": "ocmf-key-registry",
    /// "version": 1, "source": "…", "keys": [entry, …]}` (only `keys`
    /// required) or a bare array of entries. An entry has `meter_serial`
    /// and/or `gateway_serial`, `public_key`, and optionally `valid_from`,
    /// `valid_until`, `source`, `comment`. Unknown members are errors.
    ///
    /// An object with none of the members `format`, `version`, `source`,
    /// `keys` is the **plain map** a user writes by hand:
    /// `{"<meter serial>": "<public key>", …}`, one entry per member, in
    /// file order, without validity windows and with the default source.
    /// Every value must be a string holding a key.
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
        if !body.trim_start().starts_with('[') {
            let members: Members<'_> =
                serde_json::from_str(body).map_err(|e| serde_err(&e, body))?;
            if !members
                .0
                .iter()
                .any(|(k, _)| DOC_MEMBERS.contains(&k.as_str()))
            {
                return Self::from_plain_map(text, &members.0);
            }
        }
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

    /// The plain map `{"<meter serial>": "<key>", …}`; each error is located
    /// at the member's value.
    fn from_plain_map(text: &str, members: &[(String, &RawValue)]) -> Result<Self, RegistryError> {
        let mut reg = Self::new();
        for (serial, raw) in members {
            let at = Span::of(text, raw.get());
            let key: String = serde_json::from_str(raw.get()).map_err(|_| {
                RegistryError::at(RegistryErrorKind::Structure, text, at, Some("public_key"))
            })?;
            let entry = RawEntry {
                meter_serial: Some((serial.clone(), at)),
                gateway_serial: None,
                public_key: Some((key, at)),
                valid_from: None,
                valid_until: None,
                source: None,
                at,
                text,
            }
            .build(DEFAULT_SOURCE)?;
            reg.add(entry);
        }
        Ok(reg)
    }
}
