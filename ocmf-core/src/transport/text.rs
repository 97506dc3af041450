//! Format detection, record-per-line text and the PTB container.

use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};

use serde::de::IgnoredAny;
use serde_json::{Map, Value, value::RawValue};

use super::decode::{decode_record, is_hex_record, is_ocmf, key_text};
use super::split::{PieceKind, split_records};
use super::{Builder, InputFormat, SignedValue, Transport, cdr, ocpp, xml};
use crate::error::ErrorCode;

/// The input without a byte-order mark and leading white space.
pub(crate) fn body(input: &str) -> &str {
    input.strip_prefix('\u{feff}').unwrap_or(input).trim_start()
}

/// 1-based line of byte `offset` in `s`.
pub(crate) fn line_at(s: &str, offset: usize) -> usize {
    s.get(..offset)
        .map_or(1, |p| p.bytes().filter(|&c| c == b'\n').count() + 1)
}

pub(crate) fn detect(input: &str) -> InputFormat {
    let t = body(input);
    match t.as_bytes().first() {
        None => InputFormat::Empty,
        Some(b'<') => InputFormat::TpsXml,
        Some(b'{' | b'[') => detect_json(t),
        Some(_) if is_ocmf(t) => InputFormat::OcmfText,
        Some(_) => {
            let first = t.lines().next().unwrap_or("").trim();
            if is_hex_record(first) {
                InputFormat::HexText
            } else if t
                .lines()
                .take(64)
                .any(|l| ocpp::frame_starts(l).next().is_some())
            {
                InputFormat::OcppLog
            } else {
                InputFormat::Unknown
            }
        }
    }
}

fn detect_json(t: &str) -> InputFormat {
    let mut stream = serde_json::Deserializer::from_str(t).into_iter::<IgnoredAny>();
    match stream.next() {
        Some(Ok(_)) => {
            let single = t
                .get(stream.byte_offset()..)
                .is_none_or(|r| r.trim().is_empty());
            if !single {
                // JSON lines: of CDRs, or of OCPP log entries / bare frames.
                let first = t.get(..stream.byte_offset()).unwrap_or("");
                return cdr::kind_of(first).unwrap_or(InputFormat::OcppLog);
            }
            if let Some(kind) = cdr::kind_of(t) {
                return kind;
            }
            if t.starts_with('[') {
                let first_is_number = serde_json::from_str::<Vec<&RawValue>>(t)
                    .ok()
                    .and_then(|items| {
                        items
                            .first()
                            .map(|i| i.get().starts_with(|c: char| c.is_ascii_digit()))
                    })
                    .unwrap_or(true);
                return if first_is_number {
                    InputFormat::OcppMessage
                } else {
                    InputFormat::OcppLog
                };
            }
            match serde_json::from_str::<Map<String, Value>>(t) {
                Ok(m) if is_ptb(&m) => InputFormat::PtbJson,
                Ok(m)
                    if ["message", "frame", "msg"]
                        .iter()
                        .any(|k| m.contains_key(*k)) =>
                {
                    InputFormat::OcppLog
                }
                _ => InputFormat::OcppMessage,
            }
        }
        _ => {
            if let Some(kind) = cdr::sniff(t) {
                return kind;
            }
            // Not one JSON value: a log whose lines carry a prefix or are partly broken?
            let parses = |l: &str| {
                let l = l.trim();
                (l.starts_with('{') && serde_json::from_str::<IgnoredAny>(l).is_ok())
                    || ocpp::frame_starts(l).any(|i| {
                        l.get(i..)
                            .is_some_and(|r| serde_json::from_str::<IgnoredAny>(r).is_ok())
                    })
            };
            if t.lines().take(64).any(parses) {
                InputFormat::OcppLog
            } else {
                InputFormat::OcppMessage
            }
        }
    }
}

fn is_ptb(m: &Map<String, Value>) -> bool {
    m.get("format")
        .and_then(Value::as_str)
        .is_some_and(|f| f.trim().eq_ignore_ascii_case("ptb"))
        || (m.contains_key("ocmfBegin") && m.contains_key("ocmfEnd"))
}

/// Detects the format and reads the input into `b`.
pub(crate) fn extract_into(input: &str, b: &mut Builder) -> InputFormat {
    let format = detect(input);
    // Without the byte-order mark but with leading lines: line numbers stay true.
    let nb = input.strip_prefix('\u{feff}').unwrap_or(input);
    let t = body(input);
    match format {
        InputFormat::Empty => b.error(ErrorCode::EmptyInput, None, "input is empty".to_string()),
        InputFormat::OcmfText | InputFormat::HexText => records(nb, b),
        InputFormat::OcppMessage => ocpp::message(nb, b),
        InputFormat::OcppLog => ocpp::log(nb, b),
        InputFormat::TpsXml => xml::read(nb, b),
        InputFormat::PtbJson => ptb(nb, b),
        InputFormat::OcpiCdr | InputFormat::OicpCdr => cdr::read(nb, b, format),
        InputFormat::Unknown => b.error(
            ErrorCode::TransportFormat,
            Some(line_at(input, input.len() - t.len())),
            "input is none of: OCMF records, hex records, OCPP message or log, OCPI or OICP CDRs, TPS XML, PTB container"
                .to_string(),
        ),
    }
    format
}

/// Record text: the pieces [`split_records`] cuts it into, each decoded
/// (plain or hex) or an error entry at its line.
fn records(input: &str, b: &mut Builder) {
    for piece in split_records(input) {
        let transport = match piece.kind {
            PieceKind::Hex => Transport::Hex,
            _ => Transport::Plain,
        };
        if piece.kind != PieceKind::Other {
            b.next_seq();
        }
        match piece.decode() {
            Ok(record) => {
                let mut v = SignedValue::new(record, transport);
                v.origin.line = Some(piece.line);
                b.push(v);
            }
            Err(e) => b.error(e.code, e.line, e.message),
        }
    }
}

/// The PTB container (Chargy): `publicKey`, `ocmfBegin`, `ocmfEnd`, `chargeboxIdentifier`.
fn ptb(t: &str, b: &mut Builder) {
    let m: Map<String, Value> = match serde_json::from_str(t) {
        Ok(m) => m,
        Err(e) => {
            b.error(
                ErrorCode::TransportFormat,
                Some(e.line()),
                format!("PTB container is not a JSON object: {e}"),
            );
            return;
        }
    };
    let key = match m.get("publicKey") {
        Some(Value::String(k)) => match key_text(k) {
            Ok(k) => k,
            Err(e) => {
                b.error(ErrorCode::TransportFormat, None, e);
                None
            }
        },
        _ => None,
    };
    let station = m
        .get("chargeboxIdentifier")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ToString::to_string);
    for (field, context) in [
        ("ocmfBegin", "Transaction.Begin"),
        ("ocmfEnd", "Transaction.End"),
    ] {
        let line = t.find(&format!("\"{field}\"")).map(|o| line_at(t, o));
        b.next_seq();
        let Some(text) = m.get(field).and_then(Value::as_str) else {
            b.error(
                ErrorCode::TransportFormat,
                line,
                format!("PTB container has no {field} string"),
            );
            continue;
        };
        match decode_record(text) {
            Ok((record, _)) => {
                let mut v = SignedValue::new(record, Transport::PtbContainer);
                v.public_key = key.clone();
                v.station = station.clone();
                v.context = Some(context.to_string());
                v.origin.line = line;
                b.push(v);
            }
            Err(e) => b.error(ErrorCode::TransportFormat, line, format!("{field}: {e}")),
        }
    }
}
