//! The extraction as JSON (for the CLI and the bindings).

use alloc::{string::String, vec::Vec};

use serde_json::{Value, json};

use super::{Extraction, Group, SignedValue, TransportError};

fn opt(s: Option<&String>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.clone()))
}

fn value(v: &SignedValue) -> Value {
    json!({
        "record": v.record,
        "public_key": opt(v.public_key.as_ref()),
        "transport": v.transport.as_str(),
        "station": opt(v.station.as_ref()),
        "transaction_id": opt(v.transaction_id.as_ref()),
        "transaction_inferred": v.transaction_inferred,
        "evse": v.evse,
        "connector": v.connector,
        "context": opt(v.context.as_ref()),
        "timestamp": opt(v.timestamp.as_ref()),
        "origin": {
            "line": v.origin.line,
            "message_id": opt(v.origin.message_id.as_ref()),
            "action": opt(v.origin.action.as_ref()),
        },
    })
}

fn error(e: &TransportError) -> Value {
    json!({
        "code": e.code.code(),
        "name": e.code.name(),
        "line": e.line,
        "message": e.message,
    })
}

fn group(g: &Group) -> Value {
    json!({
        "station": opt(g.station.as_ref()),
        "transaction_id": opt(g.transaction_id.as_ref()),
        "evse": g.evse,
        "values": g.values,
    })
}

pub(crate) fn extraction(x: &Extraction) -> Value {
    json!({
        "format": x.format.as_str(),
        "values": x.values.iter().map(value).collect::<Vec<_>>(),
        "errors": x.errors.iter().map(error).collect::<Vec<_>>(),
        "duplicates": x.duplicates,
        "groups": x.groups().iter().map(group).collect::<Vec<_>>(),
    })
}
