//! The reference transparency software's (TPS, SAFE e.V.) XML format.
//!
//! ```text
//! <values>
//!   <value transactionId="…" context="Transaction.Begin">
//!     <signedData format="OCMF" encoding="plain|hex|base64">OCMF|…|…</signedData>
//!     <publicKey encoding="hex|plain|base64">…</publicKey>
//!   </value>
//! </values>
//! ```
//!
//! Reading: element names are matched without their namespace (files with
//! and without `http://transparenz.software/schema/2018/07` both occur);
//! `encodedData` is read like `signedData`; text is trimmed; the `encoding`
//! attributes are unreliable in real files, so the encoding is detected from
//! the text itself.
//!
//! Writing ([`to_xml`]): the TPS attributes `transactionId` (only when it is
//! an integer, as the TPS schema types it) and `context`, plus the fields
//! TPS has no place for as attributes in the namespace
//! `urn:ocmf-core:transport:1` (prefix `ocmf`): `station`, `evse`,
//! `connector`, `timestamp`, `inferred` and a non-integer `transactionId`.
//! Readers that do not know them ignore them; [`extract`](super::extract)
//! reads them back. A record goes out as `encoding="plain"` unless it holds
//! characters XML 1.0 cannot carry (then `hex`); carriage returns are
//! written as `&#13;` so that line-end normalisation cannot change the signed
//! bytes.

use alloc::{
    format,
    string::{String, ToString},
};
use core::fmt::Write;

use roxmltree::{Document, Node, ParsingOptions};

use super::decode::{decode_record, is_hex, key_text};
use super::kind::{Named, format_value, safe_format, safe_name};
use super::{Builder, SignedValue, Transport};
use crate::error::ErrorCode;

/// Namespace of this crate's extension attributes.
pub(crate) const NS_EXT: &str = "urn:ocmf-core:transport:1";

/// Most XML nodes parsed (about 140 000 values).
const NODES_LIMIT: u32 = 1_000_000;

fn xml_err(b: &mut Builder, line: Option<usize>, message: String) {
    b.error(ErrorCode::XmlFormat, line, message);
}

/// The concatenated text of an element's direct text children, trimmed.
fn text_of(n: Node<'_, '_>) -> String {
    let mut s = String::new();
    for c in n.children().filter(Node::is_text) {
        s.push_str(c.text().unwrap_or(""));
    }
    s.trim().to_string()
}

fn child<'a, 'i>(n: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && names.contains(&c.tag_name().name()))
}

fn attr(n: Node<'_, '_>, name: &str) -> Option<String> {
    n.attribute(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ToString::to_string)
}

fn ext_attr(n: Node<'_, '_>, name: &str) -> Option<String> {
    n.attribute((NS_EXT, name))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ToString::to_string)
}

/// Reads a TPS XML document into `b`.
pub(crate) fn read(input: &str, b: &mut Builder) {
    // Tolerate white space before the XML declaration, keeping line numbers true.
    let body = input.trim_start();
    let lead_lines = input
        .get(..input.len() - body.len())
        .map_or(0, |p| p.bytes().filter(|&c| c == b'\n').count());
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES_LIMIT,
        ..ParsingOptions::default()
    };
    let doc = match Document::parse_with_options(body, opts) {
        Ok(d) => d,
        Err(e) => {
            let row = usize::try_from(e.pos().row).unwrap_or(0);
            xml_err(b, Some(row + lead_lines), format!("xml: {e}"));
            return;
        }
    };
    let root = doc.root_element();
    let values: alloc::vec::Vec<Node<'_, '_>> = match root.tag_name().name() {
        "values" => root
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == "value")
            .collect(),
        "value" => alloc::vec![root],
        other => {
            xml_err(
                b,
                Some(1 + lead_lines),
                format!(
                    "root element is <{}>, expected <values>",
                    other.chars().take(50).collect::<String>()
                ),
            );
            return;
        }
    };
    if values.is_empty() {
        xml_err(
            b,
            Some(1 + lead_lines),
            "<values> holds no <value> element".to_string(),
        );
        return;
    }
    // Line numbers, counted incrementally (values are in document order).
    let (mut at, mut line) = (0usize, 1 + lead_lines);
    for node in values {
        let off = node.range().start;
        if off >= at {
            line += body
                .get(at..off)
                .map_or(0, |s| s.bytes().filter(|&c| c == b'\n').count());
            at = off;
        }
        b.next_seq();
        value(b, node, line);
    }
}

fn value(b: &mut Builder, node: Node<'_, '_>, line: usize) {
    let Some(data) = child(node, &["signedData", "encodedData"]) else {
        xml_err(b, Some(line), "<value> has no <signedData>".to_string());
        return;
    };
    let text = text_of(data);
    let declared = match data.attribute("format").filter(|f| !f.trim().is_empty()) {
        None => None,
        Some(f) => match safe_format(f) {
            Some(Named::Ocmf) => None,
            Some(Named::Format(f)) => Some(f),
            None => {
                xml_err(
                    b,
                    Some(line),
                    format!(
                        "signedData format \"{}\" is not OCMF and no format this crate reads",
                        f.chars().take(50).collect::<String>()
                    ),
                );
                return;
            }
        },
    };
    // A value without a format name is OCMF unless it reads as another format.
    let read = match declared {
        Some(f) => format_value(&text, Some(f)).map(|(r, f, _)| (r, Some(f))),
        None => match decode_record(&text) {
            Ok((r, _)) => Ok((r, None)),
            Err(e) => match format_value(&text, None) {
                Ok((r, f, _)) if data.attribute("format").is_none() => Ok((r, Some(f))),
                _ => Err(e),
            },
        },
    };
    let (record, format) = match read {
        Ok(r) => r,
        Err(e) => {
            xml_err(b, Some(line), e);
            return;
        }
    };
    let mut v = SignedValue::new(record, Transport::TpsXml);
    v.format = format;
    v.context = attr(node, "context");
    v.transaction_id = ext_attr(node, "transactionId").or_else(|| attr(node, "transactionId"));
    v.station = ext_attr(node, "station");
    v.evse = ext_attr(node, "evse").and_then(|s| s.parse().ok());
    v.connector = ext_attr(node, "connector").and_then(|s| s.parse().ok());
    v.timestamp = ext_attr(node, "timestamp");
    v.transaction_inferred = ext_attr(node, "inferred").is_some_and(|s| s == "true");
    v.origin.line = Some(line);
    if let Some(k) = child(node, &["publicKey"]) {
        match key_text(&text_of(k)) {
            Ok(k) => v.public_key = k,
            Err(e) => xml_err(b, Some(line), e),
        }
    }
    b.push(v);
}

/// Whether XML 1.0 can carry `c` at all.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{fffd}' | '\u{10000}'..)
}

fn escape_into(out: &mut String, s: &str, attribute: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
}

fn attr_out(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_into(out, value, true);
    out.push('"');
}

fn is_base64ish(t: &str) -> bool {
    !t.is_empty()
        && t.len() % 4 == 0
        && t.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
}

/// Writes values as TPS XML (see the module documentation); [`extract`](super::extract)
/// reads the output back into the same values (with transport `TpsXml`).
///
/// Records are expected without surrounding white space (as extracted): the
/// reader trims it. Characters XML 1.0 cannot carry are replaced by U+FFFD in
/// attributes and keys; a record holding one is written hex-encoded instead.
#[must_use]
pub fn to_xml(values: &[super::SignedValue]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<values xmlns:ocmf=\"");
    out.push_str(NS_EXT);
    out.push_str("\">\n");
    for v in values {
        out.push_str("  <value");
        if let Some(t) = &v.transaction_id {
            if t.len() <= 38 && t.bytes().all(|c| c.is_ascii_digit()) && !t.is_empty() {
                attr_out(&mut out, "transactionId", t);
            } else {
                attr_out(&mut out, "ocmf:transactionId", t);
            }
        }
        if let Some(c) = &v.context {
            attr_out(&mut out, "context", c);
        }
        if let Some(s) = &v.station {
            attr_out(&mut out, "ocmf:station", s);
        }
        if let Some(e) = v.evse {
            attr_out(&mut out, "ocmf:evse", &e.to_string());
        }
        if let Some(c) = v.connector {
            attr_out(&mut out, "ocmf:connector", &c.to_string());
        }
        if let Some(t) = &v.timestamp {
            attr_out(&mut out, "ocmf:timestamp", t);
        }
        if v.transaction_inferred {
            attr_out(&mut out, "ocmf:inferred", "true");
        }
        out.push_str(">\n    <signedData format=\"");
        out.push_str(v.format.map_or("OCMF", safe_name));
        out.push_str("\" encoding=\"");
        if v.record.chars().all(xml_char) {
            out.push_str("plain\">");
            escape_into(&mut out, &v.record, false);
        } else {
            out.push_str("hex\">");
            out.push_str(&base16ct::upper::encode_string(v.record.as_bytes()));
        }
        out.push_str("</signedData>\n");
        if let Some(k) = &v.public_key {
            let enc = if is_hex(k) {
                "hex"
            } else if is_base64ish(k) {
                "base64"
            } else {
                "plain"
            };
            let _ = write!(out, "    <publicKey encoding=\"{enc}\">");
            escape_into(&mut out, k, false);
            out.push_str("</publicKey>\n");
        }
        out.push_str("  </value>\n");
    }
    out.push_str("</values>\n");
    out
}
