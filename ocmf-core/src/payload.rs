//! The payload and signature sections as typed structs that borrow from the input.
//!
//! Reading happens in two steps: serde_json collects every member as a raw
//! JSON token (`&RawValue`, borrowed, no copy), then [`Payload::from_raw`]
//! types each one with the crate's own errors and byte spans. Strings are
//! `Cow::Borrowed` unless the JSON text contains escapes.

use alloc::{borrow::Cow, string::String, vec::Vec};
use core::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::decimal::ExactDecimal;
use crate::error::{Error, ErrorCode, Span};
use crate::grammar::{self, Obis, Pagination, Timestamp};

/// A JSON member kept verbatim: its name and its raw JSON text.
pub type RawMember<'a> = (&'a str, &'a RawValue);

/// A string value with its position in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    /// The value (borrowed unless the JSON had escapes).
    pub value: Cow<'a, str>,
    /// Where the JSON token stands in the record.
    pub span: Span,
    /// `false` when the JSON token was a number or boolean, not a string.
    pub quoted: bool,
}

impl Text<'_> {
    /// The value.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// A number kept as the exact text the meter sent (e.g. `2935.600`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal<'a> {
    text: &'a str,
    /// Where the JSON token stands in the record.
    pub span: Span,
    /// `true` when it was sent as a JSON string (a real-world deviation).
    pub quoted: bool,
}

impl<'a> Decimal<'a> {
    /// The exact text (without JSON quotes, padding kept).
    #[must_use]
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The exact value, or `None` if the text is not a decimal number.
    #[must_use]
    pub fn exact(&self) -> Option<ExactDecimal> {
        ExactDecimal::parse(self.text)
    }

    /// An approximate float (display only; never the source of truth).
    #[must_use]
    pub fn to_f64(&self) -> Option<f64> {
        self.exact().map(ExactDecimal::to_f64)
    }
}

impl fmt::Display for Decimal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// `IS`: a boolean, or a status string in legacy (FV 0.1) records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserAssigned<'a> {
    /// The boolean of the specification.
    Bool(bool),
    /// A legacy status string such as `VERIFIED`.
    Legacy(Text<'a>),
}

/// Cable-loss compensation parameters `LC` (spec 1.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CableLoss<'a> {
    /// `LN`: name of the loss characteristic.
    pub name: Option<Text<'a>>,
    /// `LI`: traceability ID.
    pub id: Option<Decimal<'a>>,
    /// `LR`: cable resistance.
    pub resistance: Option<Decimal<'a>>,
    /// `LU`: unit of `LR` (`mOhm` or `uOhm`).
    pub unit: Option<Text<'a>>,
    /// Where the `LC` object stands.
    pub span: Span,
}

/// One reading object of `RD`, with the fields as written (see
/// [`Payload::resolved_readings`] for the carry-forward view).
#[derive(Debug, Clone, Default)]
pub struct Reading<'a> {
    /// `TM`: time and time status.
    pub time: Option<Text<'a>>,
    /// `TX`: reason / transaction relation.
    pub reason: Option<Text<'a>>,
    /// `RV`: the value, as exact text.
    pub value: Option<Decimal<'a>>,
    /// `RI`: OBIS code.
    pub obis: Option<Text<'a>>,
    /// `RU`: unit.
    pub unit: Option<Text<'a>>,
    /// `RT`: current type.
    pub current_type: Option<Text<'a>>,
    /// `CL`: cumulated loss.
    pub cumulated_loss: Option<Decimal<'a>>,
    /// `EF`: error flags.
    pub error_flags: Option<Text<'a>>,
    /// `ST`: meter state.
    pub status: Option<Text<'a>>,
    /// Other members (vendor extensions such as `XV`, `UC`, `EI`), verbatim.
    pub extra: Vec<RawMember<'a>>,
    /// Where the reading object stands.
    pub span: Span,
}

impl Reading<'_> {
    /// The parsed timestamp, if `TM` is one.
    #[must_use]
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.time
            .as_ref()
            .and_then(|t| grammar::parse_timestamp(t.as_str()))
    }

    /// The parsed OBIS code, if `RI` is one.
    #[must_use]
    pub fn obis_code(&self) -> Option<Obis> {
        self.obis
            .as_ref()
            .and_then(|t| grammar::parse_obis(t.as_str()))
    }

    /// A vendor member of this reading by name.
    #[must_use]
    pub fn extra(&self, name: &str) -> Option<&RawValue> {
        self.extra.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

/// The payload of a record (section 2), typed, borrowing from the input.
#[derive(Debug, Clone, Default)]
pub struct Payload<'a> {
    /// `FV`: format version (a string per spec; a number in some real records).
    pub format_version: Option<Text<'a>>,
    /// `GI`: gateway identification.
    pub gateway_id: Option<Text<'a>>,
    /// `GS`: gateway serial.
    pub gateway_serial: Option<Text<'a>>,
    /// `GV`: gateway version.
    pub gateway_version: Option<Text<'a>>,
    /// `PG`: pagination.
    pub pagination: Option<Text<'a>>,
    /// `MV`: meter vendor.
    pub meter_vendor: Option<Text<'a>>,
    /// `MM`: meter model.
    pub meter_model: Option<Text<'a>>,
    /// `MS`: meter serial.
    pub meter_serial: Option<Text<'a>>,
    /// `MF`: meter firmware.
    pub meter_firmware: Option<Text<'a>>,
    /// `IS`: user assigned.
    pub user_assigned: Option<UserAssigned<'a>>,
    /// `IL`: identification level.
    pub identification_level: Option<Text<'a>>,
    /// `IF`: identification flags.
    pub identification_flags: Option<Vec<Text<'a>>>,
    /// `IT`: identification type.
    pub identification_type: Option<Text<'a>>,
    /// `ID`: identification data.
    pub identification_data: Option<Text<'a>>,
    /// `TT`: tariff text.
    pub tariff_text: Option<Text<'a>>,
    /// `CF`: charge-controller firmware.
    pub controller_firmware: Option<Text<'a>>,
    /// `LC`: cable-loss compensation.
    pub cable_loss: Option<CableLoss<'a>>,
    /// `CT`: charge-point identification type.
    pub charge_point_type: Option<Text<'a>>,
    /// `CI`: charge-point identification.
    pub charge_point_id: Option<Text<'a>>,
    /// `RD`: the readings as written.
    pub readings: Vec<Reading<'a>>,
    /// Other top-level members (vendor `U`–`Z`, legacy `VI`/`VV`, unknown), verbatim.
    pub extra: Vec<RawMember<'a>>,
    /// Names of members that occurred twice (the first occurrence is kept).
    pub duplicates: Vec<&'static str>,
}

/// The signature section (section 3).
#[derive(Debug, Clone, Default)]
pub struct SignatureSection<'a> {
    /// `SA`: algorithm (absent means `ECDSA-secp256r1-SHA256`).
    pub algorithm: Option<Text<'a>>,
    /// `SE`: encoding of `SD` (absent means hex).
    pub encoding: Option<Text<'a>>,
    /// `SM`: MIME type (absent means `application/x-der`).
    pub mime: Option<Text<'a>>,
    /// `SD`: the signature data.
    pub data: Option<Text<'a>>,
    /// Other members (vendor or downstream annotations), verbatim.
    pub extra: Vec<RawMember<'a>>,
}

// ---------------------------------------------------------------------------
// Step 1: collect raw members with serde (borrowed, no interpretation).

struct RawObject<'a> {
    members: Vec<RawMember<'a>>,
}

impl<'de> serde::Deserialize<'de> for RawObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(24));
                while let Some(k) = map.next_key::<&'de str>()? {
                    let v: &'de RawValue = map.next_value()?;
                    members.push((k, v));
                }
                Ok(RawObject { members })
            }
        }
        d.deserialize_map(V)
    }
}

struct RawArray<'a> {
    items: Vec<&'a RawValue>,
}

impl<'de> serde::Deserialize<'de> for RawArray<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawArray<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<&'de RawValue>()? {
                    items.push(v);
                }
                Ok(RawArray { items })
            }
        }
        d.deserialize_seq(V)
    }
}

/// Byte offset of serde_json's line/column in `text`.
fn json_error_offset(text: &str, e: &serde_json::Error) -> usize {
    let (line, col) = (e.line(), e.column());
    let mut off = 0;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return off + col.saturating_sub(1).min(l.len());
        }
        off += l.len();
    }
    text.len()
}

fn parse_object<'a>(
    record: &'a str,
    json: &'a str,
    code: ErrorCode,
) -> Result<Vec<RawMember<'a>>, Error> {
    let base = Span::of(record, json).start;
    serde_json::from_str::<RawObject<'a>>(json)
        .map(|o| o.members)
        .map_err(|e| Error::new(code).at_offset(base + json_error_offset(json, &e)))
}

// ---------------------------------------------------------------------------
// Step 2: type each raw member.

struct Typer<'a> {
    record: &'a str,
}

impl<'a> Typer<'a> {
    fn span(&self, raw: &'a RawValue) -> Span {
        Span::of(self.record, raw.get())
    }

    fn type_err(&self, field: &'static str, raw: &'a RawValue) -> Error {
        Error::new(ErrorCode::FieldType)
            .field(field)
            .at(self.span(raw))
    }

    /// A string; numbers and booleans are accepted as their text (`quoted: false`).
    fn text(&self, field: &'static str, raw: &'a RawValue) -> Result<Text<'a>, Error> {
        let t = raw.get();
        let span = self.span(raw);
        if let Some(inner) = t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
            let value = if inner.contains('\\') {
                Cow::Owned(
                    serde_json::from_str::<String>(t).map_err(|_| self.type_err(field, raw))?,
                )
            } else {
                Cow::Borrowed(inner)
            };
            return Ok(Text {
                value,
                span,
                quoted: true,
            });
        }
        match t.as_bytes().first() {
            Some(b'-' | b'0'..=b'9' | b't' | b'f') => Ok(Text {
                value: Cow::Borrowed(t),
                span,
                quoted: false,
            }),
            _ => Err(self.type_err(field, raw)),
        }
    }

    fn opt_text(&self, field: &'static str, raw: &'a RawValue) -> Result<Option<Text<'a>>, Error> {
        if raw.get() == "null" {
            Ok(None)
        } else {
            self.text(field, raw).map(Some)
        }
    }

    fn decimal(&self, field: &'static str, raw: &'a RawValue) -> Result<Decimal<'a>, Error> {
        let t = raw.get();
        let span = self.span(raw);
        let (text, quoted) = match t.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
            Some(inner) => (inner, true),
            None => (t, false),
        };
        if ExactDecimal::parse(text).is_none() && !(quoted && text.trim().is_empty()) {
            return Err(Error::new(ErrorCode::InvalidValue).field(field).at(span));
        }
        Ok(Decimal { text, span, quoted })
    }

    fn object(&self, field: &'static str, raw: &'a RawValue) -> Result<Vec<RawMember<'a>>, Error> {
        if !raw.get().starts_with('{') {
            return Err(self.type_err(field, raw));
        }
        parse_object(self.record, raw.get(), ErrorCode::PayloadJson)
    }

    fn array(&self, field: &'static str, raw: &'a RawValue) -> Result<Vec<&'a RawValue>, Error> {
        if !raw.get().starts_with('[') {
            return Err(self.type_err(field, raw));
        }
        serde_json::from_str::<RawArray<'a>>(raw.get())
            .map(|a| a.items)
            .map_err(|_| self.type_err(field, raw))
    }
}

fn set<T>(slot: &mut Option<T>, v: Option<T>, name: &'static str, dups: &mut Vec<&'static str>) {
    if slot.is_some() {
        dups.push(name);
    } else {
        *slot = v;
    }
}

impl<'a> Payload<'a> {
    /// Types the payload JSON object `json`, a slice of `record`.
    ///
    /// # Errors
    /// [`ErrorCode::PayloadJson`] (with offset) for invalid JSON,
    /// [`ErrorCode::FieldType`] / [`ErrorCode::InvalidValue`] for a member of
    /// the wrong type, [`ErrorCode::TooManyItems`] beyond `max_readings`.
    pub fn from_raw(record: &'a str, json: &'a str, max_readings: usize) -> Result<Self, Error> {
        let members = parse_object(record, json, ErrorCode::PayloadJson)?;
        let ty = Typer { record };
        let mut p = Payload::default();
        let mut dups: Vec<&'static str> = Vec::new();
        for (k, raw) in members {
            macro_rules! txt {
                ($slot:ident, $name:literal) => {{
                    let v = ty.opt_text($name, raw)?;
                    set(&mut p.$slot, v, $name, &mut dups)
                }};
            }
            match k {
                "FV" => txt!(format_version, "FV"),
                "GI" => txt!(gateway_id, "GI"),
                "GS" => txt!(gateway_serial, "GS"),
                "GV" => txt!(gateway_version, "GV"),
                "PG" => txt!(pagination, "PG"),
                "MV" => txt!(meter_vendor, "MV"),
                "MM" => txt!(meter_model, "MM"),
                "MS" => txt!(meter_serial, "MS"),
                "MF" => txt!(meter_firmware, "MF"),
                "IL" => txt!(identification_level, "IL"),
                "IT" => txt!(identification_type, "IT"),
                "ID" => txt!(identification_data, "ID"),
                "TT" => txt!(tariff_text, "TT"),
                "CF" => txt!(controller_firmware, "CF"),
                "CT" => txt!(charge_point_type, "CT"),
                "CI" => txt!(charge_point_id, "CI"),
                "IS" => {
                    let v = match raw.get() {
                        "true" => Some(UserAssigned::Bool(true)),
                        "false" => Some(UserAssigned::Bool(false)),
                        "null" => None,
                        _ => Some(UserAssigned::Legacy(ty.text("IS", raw)?)),
                    };
                    set(&mut p.user_assigned, v, "IS", &mut dups);
                }
                "IF" => {
                    let items = ty.array("IF", raw)?;
                    let v = items
                        .into_iter()
                        .map(|i| ty.text("IF", i))
                        .collect::<Result<Vec<_>, _>>()?;
                    set(&mut p.identification_flags, Some(v), "IF", &mut dups);
                }
                "LC" => {
                    let mut lc = CableLoss {
                        span: ty.span(raw),
                        ..CableLoss::default()
                    };
                    for (lk, lraw) in ty.object("LC", raw)? {
                        match lk {
                            "LN" => lc.name = ty.opt_text("LN", lraw)?,
                            "LI" => lc.id = Some(ty.decimal("LI", lraw)?),
                            "LR" => lc.resistance = Some(ty.decimal("LR", lraw)?),
                            "LU" => lc.unit = ty.opt_text("LU", lraw)?,
                            _ => {}
                        }
                    }
                    set(&mut p.cable_loss, Some(lc), "LC", &mut dups);
                }
                "RD" => {
                    if !p.readings.is_empty() {
                        dups.push("RD");
                        continue;
                    }
                    let items = ty.array("RD", raw)?;
                    if items.len() > max_readings {
                        return Err(Error::new(ErrorCode::TooManyItems)
                            .field("RD")
                            .at(ty.span(raw)));
                    }
                    p.readings.reserve_exact(items.len());
                    for item in items {
                        p.readings.push(Reading::from_raw(&ty, item)?);
                    }
                }
                _ => p.extra.push((k, raw)),
            }
        }
        p.duplicates = dups;
        Ok(p)
    }

    /// The readings with the carry-forward rule applied: a field a reading
    /// omits is inherited from the previous reading of the same record.
    /// Vendor members are not inherited.
    #[must_use]
    pub fn resolved_readings(&self) -> Vec<Reading<'a>> {
        let mut out: Vec<Reading<'a>> = Vec::with_capacity(self.readings.len());
        for r in &self.readings {
            let mut n = r.clone();
            if let Some(prev) = out.last() {
                macro_rules! inherit {
                    ($($f:ident),*) => { $( if n.$f.is_none() { n.$f = prev.$f.clone(); } )* };
                }
                inherit!(
                    time,
                    reason,
                    value,
                    obis,
                    unit,
                    current_type,
                    cumulated_loss,
                    error_flags,
                    status
                );
            }
            out.push(n);
        }
        out
    }

    /// The parsed pagination, if `PG` follows the grammar.
    #[must_use]
    pub fn pagination(&self) -> Option<Pagination> {
        self.pagination
            .as_ref()
            .and_then(|t| grammar::parse_pagination(t.as_str()))
            .map(|(p, _)| p)
    }

    /// A top-level extension member by name.
    #[must_use]
    pub fn extra(&self, name: &str) -> Option<&'a RawValue> {
        self.extra.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }
}

impl<'a> Reading<'a> {
    fn from_raw(ty: &Typer<'a>, raw: &'a RawValue) -> Result<Self, Error> {
        let mut r = Reading {
            span: ty.span(raw),
            ..Reading::default()
        };
        let mut dups = Vec::new();
        for (k, v) in ty.object("RD", raw)? {
            match k {
                "TM" => set(&mut r.time, ty.opt_text("TM", v)?, "TM", &mut dups),
                "TX" => set(&mut r.reason, ty.opt_text("TX", v)?, "TX", &mut dups),
                "RV" => set(&mut r.value, Some(ty.decimal("RV", v)?), "RV", &mut dups),
                "RI" => set(&mut r.obis, ty.opt_text("RI", v)?, "RI", &mut dups),
                "RU" => set(&mut r.unit, ty.opt_text("RU", v)?, "RU", &mut dups),
                "RT" => set(&mut r.current_type, ty.opt_text("RT", v)?, "RT", &mut dups),
                "CL" => set(
                    &mut r.cumulated_loss,
                    Some(ty.decimal("CL", v)?),
                    "CL",
                    &mut dups,
                ),
                "EF" => set(&mut r.error_flags, ty.opt_text("EF", v)?, "EF", &mut dups),
                "ST" => set(&mut r.status, ty.opt_text("ST", v)?, "ST", &mut dups),
                _ => r.extra.push((k, v)),
            }
        }
        if let Some(d) = dups.first() {
            return Err(Error::new(ErrorCode::DuplicateField).field(d).at(r.span));
        }
        Ok(r)
    }
}

impl<'a> SignatureSection<'a> {
    /// Types the signature JSON object `json`, a slice of `record`.
    ///
    /// # Errors
    /// [`ErrorCode::SignatureJson`] for invalid JSON, [`ErrorCode::FieldType`]
    /// for a member of the wrong type, [`ErrorCode::DuplicateField`].
    pub fn from_raw(record: &'a str, json: &'a str) -> Result<Self, Error> {
        let ty = Typer { record };
        let mut s = SignatureSection::default();
        let mut dups = Vec::new();
        for (k, raw) in parse_object(record, json, ErrorCode::SignatureJson)? {
            match k {
                "SA" => set(&mut s.algorithm, ty.opt_text("SA", raw)?, "SA", &mut dups),
                "SE" => set(&mut s.encoding, ty.opt_text("SE", raw)?, "SE", &mut dups),
                "SM" => set(&mut s.mime, ty.opt_text("SM", raw)?, "SM", &mut dups),
                "SD" => set(&mut s.data, ty.opt_text("SD", raw)?, "SD", &mut dups),
                _ => s.extra.push((k, raw)),
            }
        }
        if let Some(d) = dups.first() {
            return Err(Error::new(ErrorCode::DuplicateField).field(d));
        }
        Ok(s)
    }
}
