//! OCPP-J frames, OCPP 1.6 / 2.0.1 / 2.1 payloads and OCPP logs.

use alloc::{
    borrow::ToOwned,
    format,
    string::{String, ToString},
    vec::Vec,
};

use serde_json::{Map, Value, value::RawValue};

use super::decode::{Enc, decode_record, key_text};
use super::kind::{Named, encoding_format, format_value, value_format};
use super::{Builder, SignedValue, Transport, TxEvent, TxKind};
use crate::error::ErrorCode;
use crate::formats::Format;

/// Where a message sits in the input and what it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) station: Option<&'a str>,
    pub(crate) line: Option<usize>,
    pub(crate) seq: usize,
}

fn err(b: &mut Builder, ctx: &Ctx<'_>, message: String) {
    b.error(ErrorCode::TransportFormat, ctx.line, message);
}

/// A transaction id as text: strings trimmed, integers in decimal.
fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A connector / EVSE number given as a JSON number or a numeric string.
fn as_u32(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_of<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    m.get(key).and_then(Value::as_str)
}

fn opt_string(m: &Map<String, Value>, key: &str) -> Option<String> {
    str_of(m, key)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ToOwned::to_owned)
}

// ---------------------------------------------------------------------------
// Frames and payloads
// ---------------------------------------------------------------------------

/// Reads one OCPP-J frame.
///
/// # Errors
/// A message when `v` is not a well-formed CALL, CALLRESULT or CALLERROR.
pub(crate) fn frame(b: &mut Builder, v: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let Some(arr) = v.as_array() else {
        return Err("an OCPP-J frame must be a JSON array".to_string());
    };
    let id = arr.get(1).and_then(Value::as_str);
    match arr.first().and_then(Value::as_u64) {
        Some(2) => {
            let (Some(id), Some(action), Some(Value::Object(payload)), 4) = (
                id,
                arr.get(2).and_then(Value::as_str),
                arr.get(3),
                arr.len(),
            ) else {
                return Err("a CALL must be [2, \"id\", \"Action\", {payload}]".to_string());
            };
            call(b, action, payload, Some(id), ctx);
            Ok(())
        }
        Some(3) => {
            let (Some(id), Some(payload), 3) = (id, arr.get(2), arr.len()) else {
                return Err("a CALLRESULT must be [3, \"id\", {payload}]".to_string());
            };
            if let Some(tx) = payload.get("transactionId").and_then(id_string) {
                b.events.push(TxEvent::StartResult {
                    station: ctx.station.map(ToOwned::to_owned),
                    message_id: id.to_string(),
                    transaction_id: tx,
                });
            }
            Ok(())
        }
        Some(4) => {
            if id.is_none() || arr.len() < 4 {
                return Err(
                    "a CALLERROR must be [4, \"id\", \"code\", \"description\", {details}]"
                        .to_string(),
                );
            }
            Ok(())
        }
        _ => Err("not an OCPP-J frame: the message type must be 2, 3 or 4".to_string()),
    }
}

/// The action a bare payload (no frame) stands for, from its members.
pub(crate) fn infer_action(m: &Map<String, Value>) -> Option<&'static str> {
    if m.contains_key("transactionInfo") {
        Some("TransactionEvent")
    } else if m.contains_key("transactionData")
        || (m.contains_key("meterStop") && m.contains_key("transactionId"))
    {
        Some("StopTransaction")
    } else if m.contains_key("meterValue") {
        Some("MeterValues")
    } else if m.contains_key("meterStart") && m.contains_key("connectorId") {
        Some("StartTransaction")
    } else {
        None
    }
}

/// Reads one CALL payload.
pub(crate) fn call(
    b: &mut Builder,
    action: &str,
    p: &Map<String, Value>,
    message_id: Option<&str>,
    ctx: &Ctx<'_>,
) {
    let mut t = SignedValue::new(String::new(), Transport::Plain);
    t.station = ctx.station.map(ToOwned::to_owned);
    t.origin.line = ctx.line;
    t.origin.message_id = message_id.map(ToOwned::to_owned);
    t.origin.action = Some(action.to_string());
    let station = || ctx.station.map(ToOwned::to_owned);
    match action {
        "MeterValues" => {
            // 1.6: connectorId (+ optional transactionId); 2.x: evseId.
            t.connector = as_u32(p.get("connectorId"));
            t.evse = as_u32(p.get("evseId"));
            t.transaction_id = p.get("transactionId").and_then(id_string);
            if let Some(tx) = &t.transaction_id {
                b.events.push(TxEvent::Tx {
                    station: station(),
                    transaction_id: tx.clone(),
                    evse: t.evse,
                    connector: t.connector,
                    kind: TxKind::Updated,
                    timestamp: None,
                    seq: ctx.seq,
                });
            }
            meter_values(b, p.get("meterValue"), "meterValue", &t, ctx);
        }
        "StopTransaction" => {
            t.transaction_id = p.get("transactionId").and_then(id_string);
            match &t.transaction_id {
                Some(tx) => b.events.push(TxEvent::Tx {
                    station: station(),
                    transaction_id: tx.clone(),
                    evse: None,
                    connector: None,
                    kind: TxKind::Ended,
                    timestamp: opt_string(p, "timestamp"),
                    seq: ctx.seq,
                }),
                None => err(b, ctx, "StopTransaction without transactionId".to_string()),
            }
            if p.contains_key("transactionData") {
                meter_values(b, p.get("transactionData"), "transactionData", &t, ctx);
            }
        }
        "StartTransaction" => {
            if let Some(id) = message_id {
                b.events.push(TxEvent::StartCall {
                    station: station(),
                    message_id: id.to_string(),
                    connector: as_u32(p.get("connectorId")),
                    timestamp: opt_string(p, "timestamp"),
                    seq: ctx.seq,
                });
            }
        }
        "TransactionEvent" => {
            let info = p.get("transactionInfo").and_then(Value::as_object);
            t.transaction_id = info
                .and_then(|i| i.get("transactionId"))
                .and_then(id_string);
            let evse = p.get("evse").and_then(Value::as_object);
            t.evse = as_u32(evse.and_then(|e| e.get("id")));
            t.connector = as_u32(evse.and_then(|e| e.get("connectorId")));
            let kind = match str_of(p, "eventType") {
                Some("Started") => TxKind::Started,
                Some("Ended") => TxKind::Ended,
                _ => TxKind::Updated,
            };
            match &t.transaction_id {
                Some(tx) => b.events.push(TxEvent::Tx {
                    station: station(),
                    transaction_id: tx.clone(),
                    evse: t.evse,
                    connector: t.connector,
                    kind,
                    timestamp: opt_string(p, "timestamp"),
                    seq: ctx.seq,
                }),
                None => err(
                    b,
                    ctx,
                    "TransactionEvent without transactionInfo.transactionId".to_string(),
                ),
            }
            if p.contains_key("meterValue") {
                meter_values(b, p.get("meterValue"), "meterValue", &t, ctx);
            }
        }
        _ => {}
    }
}

/// Reads a `meterValue[]` / `transactionData[]` list.
fn meter_values(
    b: &mut Builder,
    list: Option<&Value>,
    name: &str,
    template: &SignedValue,
    ctx: &Ctx<'_>,
) {
    let action = template.origin.action.as_deref().unwrap_or("");
    let Some(list) = list.and_then(Value::as_array) else {
        err(b, ctx, format!("{action}: {name} is not an array"));
        return;
    };
    for (i, mv) in list.iter().enumerate() {
        let Some(mv) = mv.as_object() else {
            err(b, ctx, format!("{action}: {name}[{i}] is not an object"));
            continue;
        };
        let Some(svs) = mv.get("sampledValue").and_then(Value::as_array) else {
            err(
                b,
                ctx,
                format!("{action}: {name}[{i}].sampledValue is not an array"),
            );
            continue;
        };
        let mut t = template.clone();
        t.timestamp = opt_string(mv, "timestamp");
        for (j, sv) in svs.iter().enumerate() {
            let Some(sv) = sv.as_object() else {
                continue;
            };
            if let Err(e) = sampled(b, sv, &t) {
                err(
                    b,
                    ctx,
                    format!("{action}: {name}[{i}].sampledValue[{j}]: {e}"),
                );
            }
        }
    }
}

/// Reads one `sampledValue`; raw (unsigned) values are skipped.
fn sampled(b: &mut Builder, sv: &Map<String, Value>, template: &SignedValue) -> Result<(), String> {
    let mut v = template.clone();
    v.context = opt_string(sv, "context");
    if let Some(smv) = sv.get("signedMeterValue") {
        let Some(smv) = smv.as_object() else {
            return Err("signedMeterValue is not an object".to_string());
        };
        let (record, enc, key, format) = envelope(smv, "signedMeterData")?;
        v.record = record;
        v.format = format;
        v.public_key = key;
        v.transport = enc.transport([
            Transport::Ocpp20Raw,
            Transport::Ocpp20Hex,
            Transport::Ocpp20Base64,
        ]);
        b.push(v);
        return Ok(());
    }
    let signed_format = str_of(sv, "format").is_some_and(|f| f.eq_ignore_ascii_case("SignedData"));
    let value = match sv.get("value") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) if signed_format => return Err("SignedData value is not a string".to_string()),
        _ => return Ok(()),
    };
    let t = value.trim();
    if !signed_format && !t.starts_with("OCMF|") {
        return Ok(());
    }
    // A value of another format (an `AP;` line, SML, the vendor's XML or
    // JSON), raw or hex / base64 encoded, where it is no OCMF record.
    if t.starts_with('{') && value_format(t.as_bytes()).is_none() {
        let obj: Map<String, Value> = serde_json::from_str(t)
            .map_err(|e| format!("SignedData value is not a JSON envelope: {e}"))?;
        let (field, transport) = if obj.contains_key("signedMeterData") {
            ("signedMeterData", Transport::Ocpp16Envelope)
        } else if obj.contains_key("signedMeterValue") {
            ("signedMeterValue", Transport::Ocpp16Energised)
        } else {
            return Err(
                "SignedData envelope has neither signedMeterData nor signedMeterValue".to_string(),
            );
        };
        let (record, _, key, format) = envelope(&obj, field)?;
        v.record = record;
        v.format = format;
        v.public_key = key;
        v.transport = transport;
    } else {
        let (record, enc, format) = match decode_record(t) {
            Ok((record, enc)) => (record, enc, None),
            Err(e) => match format_value(t, None) {
                Ok((record, format, enc)) => (record, enc, Some(format)),
                Err(_) => return Err(e),
            },
        };
        v.record = record;
        v.format = format;
        v.transport = enc.transport([
            Transport::Ocpp16Plain,
            Transport::Ocpp16Hex,
            Transport::Ocpp16Base64,
        ]);
    }
    b.push(v);
    Ok(())
}

/// A `SignedMeterValueType`-like object: the value under `field`,
/// `encodingMethod`, `publicKey`. An `encodingMethod` that names another
/// format ([`encoding_format`]), or a value the format detection reads,
/// gives a value of that format; any other `encodingMethod` than OCMF is
/// an error.
fn envelope(m: &Map<String, Value>, field: &str) -> Result<Enveloped, String> {
    let declared = match m.get("encodingMethod") {
        None | Some(Value::Null) => None,
        Some(Value::String(e)) if e.trim().is_empty() => None,
        Some(Value::String(e)) => match encoding_format(e) {
            Some(Named::Ocmf) => None,
            Some(Named::Format(f)) => Some(Ok(f)),
            None => Some(Err(format!(
                "encodingMethod \"{}\" is not OCMF",
                e.chars().take(50).collect::<String>()
            ))),
        },
        Some(_) => return Err("encodingMethod is not a string".to_string()),
    };
    let Some(data) = str_of(m, field) else {
        return Err(format!("{field} is missing or not a string"));
    };
    let key = match m.get("publicKey") {
        Some(Value::String(k)) => key_text(k)?,
        _ => None,
    };
    let other = |declared| format_value(data, declared).map_err(|e| format!("{field}: {e}"));
    match declared {
        Some(Ok(f)) => other(Some(f)).map(|(r, f, enc)| (r, enc, key, Some(f))),
        Some(Err(e)) => match format_value(data, None) {
            Ok((r, f, enc)) => Ok((r, enc, key, Some(f))),
            Err(_) => Err(e),
        },
        None => match decode_record(data) {
            Ok((record, enc)) => Ok((record, enc, key, None)),
            Err(e) => match format_value(data, None) {
                Ok((r, f, enc)) => Ok((r, enc, key, Some(f))),
                Err(_) => Err(format!("{field}: {e}")),
            },
        },
    }
}

/// A value read from an envelope: text, encoding, carried key, format.
type Enveloped = (String, Enc, Option<String>, Option<Format>);

// ---------------------------------------------------------------------------
// Single messages and logs
// ---------------------------------------------------------------------------

/// One frame or one bare payload (possibly spanning lines).
pub(crate) fn message(body: &str, b: &mut Builder) {
    let seq = b.next_seq();
    let ctx = Ctx {
        station: None,
        line: None,
        seq,
    };
    let v: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            b.error(
                ErrorCode::TransportFormat,
                Some(e.line()),
                format!("not valid JSON: {e}"),
            );
            return;
        }
    };
    match &v {
        Value::Object(m) => match infer_action(m) {
            Some(action) => call(b, action, m, None, &ctx),
            None => err(
                b,
                &ctx,
                "JSON object is neither an OCPP MeterValues, StopTransaction nor TransactionEvent payload"
                    .to_string(),
            ),
        },
        _ => {
            if let Err(e) = frame(b, &v, &ctx) {
                err(b, &ctx, e);
            }
        }
    }
}

/// Keys of a JSON-lines log entry that hold the frame.
const FRAME_KEYS: &[&str] = &["message", "frame", "msg", "data", "payload"];
/// Keys of a JSON-lines log entry that hold the station id.
const STATION_KEYS: &[&str] = &[
    "station",
    "stationId",
    "station_id",
    "chargeBoxId",
    "chargePointId",
    "charge_point_id",
    "chargeBoxIdentity",
];

/// One JSON-lines entry (an object holding a frame).
fn json_entry(b: &mut Builder, m: &Map<String, Value>, line: Option<usize>, seq: usize) {
    let station = STATION_KEYS
        .iter()
        .find_map(|k| m.get(*k).and_then(id_string));
    let ctx = Ctx {
        station: station.as_deref(),
        line,
        seq,
    };
    let Some(f) = FRAME_KEYS.iter().find_map(|k| m.get(*k)) else {
        err(
            b,
            &ctx,
            "log entry has no frame under message, frame, msg, data or payload".to_string(),
        );
        return;
    };
    let parsed;
    let f = match f {
        Value::String(s) => match serde_json::from_str::<Value>(s.trim()) {
            Ok(v) => {
                parsed = v;
                &parsed
            }
            Err(e) => {
                err(b, &ctx, format!("log entry's frame is not valid JSON: {e}"));
                return;
            }
        },
        other => other,
    };
    if let Err(e) = frame(b, f, &ctx) {
        err(b, &ctx, e);
    }
}

/// What a text line holds.
enum Found<'a> {
    Frame(&'a str, Value),
    Malformed(String),
    Nothing,
}

/// Whether a frame may start at byte `i` of `t` (`[`, digit 2-4, `,`).
fn frame_start_at(t: &[u8], i: usize) -> bool {
    let mut j = i + 1;
    let skip = |j: &mut usize| {
        while t.get(*j).is_some_and(u8::is_ascii_whitespace) {
            *j += 1;
        }
    };
    skip(&mut j);
    if !t.get(j).is_some_and(|c| matches!(c, b'2'..=b'4')) {
        return false;
    }
    j += 1;
    skip(&mut j);
    t.get(j) == Some(&b',')
}

/// Byte offsets where a frame may start (at most 16).
pub(crate) fn frame_starts(t: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = t.as_bytes();
    t.match_indices('[')
        .map(|(i, _)| i)
        .filter(move |&i| frame_start_at(bytes, i))
        .take(16)
}

/// The frame running to the end of the trimmed line `t`, and the prefix before it.
fn find_frame(t: &str) -> Found<'_> {
    let mut first_err = None;
    for i in frame_starts(t) {
        let Some(rest) = t.get(i..) else { continue };
        match serde_json::from_str::<Value>(rest) {
            Ok(v) => return Found::Frame(t.get(..i).unwrap_or(""), v),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    match first_err {
        Some(e) => Found::Malformed(format!("malformed OCPP-J frame: {e}")),
        None => Found::Nothing,
    }
}

const DIRECTION_WORDS: &[&str] = &[
    "send",
    "sent",
    "recv",
    "received",
    "in",
    "out",
    "rx",
    "tx",
    "incoming",
    "outgoing",
    "request",
    "response",
    "req",
    "res",
    "call",
    "result",
    "from",
    "to",
    "csms",
    "cs",
    "central",
    "centralsystem",
    "server",
    "backend",
];
const LEVEL_WORDS: &[&str] = &["trace", "debug", "info", "warn", "warning", "error"];

fn looks_like_time(t: &str) -> bool {
    let b = t.as_bytes();
    let date = b.len() >= 10
        && b.get(..4).is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        && b.get(4) == Some(&b'-');
    date || (b.first().is_some_and(u8::is_ascii_digit) && t.contains(':'))
}

/// The station id in a log line's prefix (see the module documentation).
pub(crate) fn station_from_prefix(prefix: &str) -> Option<&str> {
    for tok in prefix.split_whitespace().rev() {
        let core = tok.trim_matches(|c: char| "[](){}:;,|\"'".contains(c));
        if core.is_empty() || core.chars().all(|c| "-=<>~→←⇒⇐[](){}:|".contains(c)) {
            continue;
        }
        let core = core.rsplit('=').next().unwrap_or(core);
        let lower = core.to_ascii_lowercase();
        if DIRECTION_WORDS.contains(&lower.as_str()) {
            continue;
        }
        if looks_like_time(core) || LEVEL_WORDS.contains(&lower.as_str()) || core.is_empty() {
            return None;
        }
        return Some(core);
    }
    None
}

/// A log: one entry per line, or one JSON array of entries.
pub(crate) fn log(body: &str, b: &mut Builder) {
    let trimmed = body.trim_start();
    if trimmed.starts_with('[') {
        if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(trimmed) {
            if !items
                .first()
                .is_some_and(|i| i.get().starts_with(|c: char| c.is_ascii_digit()))
            {
                array_log(body, &items, b);
                return;
            }
        }
    }
    for (idx, line) in body.split('\n').enumerate() {
        let lineno = Some(idx + 1);
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let seq = b.next_seq();
        let ctx = Ctx {
            station: None,
            line: lineno,
            seq,
        };
        if t.starts_with('{') {
            match serde_json::from_str::<Map<String, Value>>(t) {
                Ok(m) => json_entry(b, &m, lineno, seq),
                Err(e) => err(
                    b,
                    &ctx,
                    format!("log entry is not a valid JSON object: {e}"),
                ),
            }
            continue;
        }
        match find_frame(t) {
            Found::Frame(prefix, v) => {
                let ctx = Ctx {
                    station: station_from_prefix(prefix),
                    ..ctx
                };
                if let Err(e) = frame(b, &v, &ctx) {
                    err(b, &ctx, e);
                }
            }
            Found::Malformed(e) => err(b, &ctx, e),
            Found::Nothing => err(b, &ctx, "no OCPP-J frame on this line".to_string()),
        }
    }
}

/// A log given as one JSON array of frames or JSON-lines objects.
fn array_log(body: &str, items: &[&RawValue], b: &mut Builder) {
    let (mut at, mut line) = (0usize, 1usize);
    for item in items {
        let off = crate::error::Span::of(body, item.get()).start;
        if off >= at {
            line += body
                .get(at..off)
                .map_or(0, |s| s.bytes().filter(|&c| c == b'\n').count());
            at = off;
        }
        let seq = b.next_seq();
        let ctx = Ctx {
            station: None,
            line: Some(line),
            seq,
        };
        match serde_json::from_str::<Value>(item.get()) {
            Ok(Value::Object(m)) => json_entry(b, &m, Some(line), seq),
            Ok(v) => {
                if let Err(e) = frame(b, &v, &ctx) {
                    err(b, &ctx, e);
                }
            }
            Err(e) => err(b, &ctx, format!("log entry is not valid JSON: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stations_from_prefixes() {
        let s = station_from_prefix;
        assert_eq!(s(""), None);
        assert_eq!(s("CP1 ->"), Some("CP1"));
        assert_eq!(s("2024-05-01T10:00:00Z CP1 <- "), Some("CP1"));
        assert_eq!(s("2024-05-01 10:00:00 [CP-7] SEND:"), Some("CP-7"));
        assert_eq!(s("CP1 -> CSMS:"), Some("CP1"));
        assert_eq!(s("chargeBoxId=DE*ABC*1 >>"), Some("DE*ABC*1"));
        assert_eq!(s("2024-05-01T10:00:00Z"), None);
        assert_eq!(s("10:00:00.123 INFO"), None);
    }

    #[test]
    fn frame_candidates() {
        assert_eq!(frame_starts("[2,\"a\"]").collect::<Vec<_>>(), [0]);
        assert_eq!(frame_starts("[INFO] [ 3 ,x").collect::<Vec<_>>(), [7]);
        assert_eq!(frame_starts("[5,1] [2024-01-01]").count(), 0);
    }
}
