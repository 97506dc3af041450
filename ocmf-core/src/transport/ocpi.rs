//! OCPI 2.2.1 / 2.3 charge detail records: the `signed_data` of one CDR.

use alloc::{format, string::String};

use serde_json::Value;

use super::cdr::{Raw, decode, energy, short, text, text_of, value};
use super::decode::key_text;
use super::kind::{Named, encoding_format};
use super::{Builder, SignedValue, Transport};
use crate::error::ErrorCode;

/// The reading context of a signed value's `nature`.
fn context(nature: Option<&str>) -> Option<&'static str> {
    match nature?.trim() {
        n if n.eq_ignore_ascii_case("Start") => Some("Transaction.Begin"),
        n if n.eq_ignore_ascii_case("End") => Some("Transaction.End"),
        n if n.eq_ignore_ascii_case("Intermediate") => Some("Sample.Periodic"),
        _ => None,
    }
}

/// Reads one CDR object starting on `line`.
pub(crate) fn cdr(m: &Raw<'_>, line: usize, b: &mut Builder) {
    let bad = |b: &mut Builder, msg: String| b.error(ErrorCode::TransportFormat, Some(line), msg);
    let Some(id) = text(m, "id") else {
        bad(b, "OCPI CDR without id".into());
        return;
    };
    let name = short(&id);
    let location = value(m, "cdr_location");
    let token = value(m, "cdr_token");
    let mut t = SignedValue::new(String::new(), Transport::OcpiBase64);
    t.transaction_id = Some(id.clone());
    t.station = text_of(location.as_ref().and_then(|l| l.get("id")));
    t.evse_id = text_of(location.as_ref().and_then(|l| l.get("evse_id")));
    t.token = text_of(token.as_ref().and_then(|t| t.get("uid")))
        .or_else(|| text_of(token.as_ref().and_then(|t| t.get("contract_id"))));
    t.origin.line = Some(line);
    match energy(m, "total_energy") {
        Ok(e) => t.billed_kwh = e,
        Err(e) => bad(b, format!("OCPI CDR {name}: {e}")),
    }
    let Some(Value::Object(sd)) = value(m, "signed_data") else {
        bad(b, format!("OCPI CDR {name} has no signed_data object"));
        return;
    };
    // OCMF, or one of the other formats the specification lists
    // ("Alfen Eichrecht", "EDL40 E-Mobility Extension", "EDL40 Mennekes").
    let declared = match sd.get("encoding_method") {
        Some(Value::String(e)) => match encoding_format(e) {
            Some(Named::Ocmf) => None,
            Some(Named::Format(f)) => Some(f),
            None => {
                b.error(
                    ErrorCode::UnsupportedEncoding,
                    Some(line),
                    format!(
                        "OCPI CDR {name}: encoding_method \"{}\" is not OCMF; its signed values are not checked",
                        short(e)
                    ),
                );
                return;
            }
        },
        _ => {
            bad(
                b,
                format!("OCPI CDR {name}: signed_data has no encoding_method"),
            );
            return;
        }
    };
    t.public_key = match sd.get("public_key") {
        Some(Value::String(k)) => match key_text(k) {
            Ok(k) => k,
            Err(e) => {
                bad(b, format!("OCPI CDR {name}: {e}"));
                None
            }
        },
        _ => None,
    };
    let Some(list) = sd.get("signed_values").and_then(Value::as_array) else {
        bad(b, format!("OCPI CDR {name}: signed_values is not an array"));
        return;
    };
    if list.is_empty() {
        bad(b, format!("OCPI CDR {name}: signed_values is empty"));
    }
    for (i, sv) in list.iter().enumerate() {
        let Some(data) = sv.get("signed_data").and_then(Value::as_str) else {
            bad(
                b,
                format!("OCPI CDR {name}: signed_values[{i}].signed_data is not a string"),
            );
            continue;
        };
        match decode(
            data,
            declared,
            [
                Transport::OcpiRaw,
                Transport::OcpiHex,
                Transport::OcpiBase64,
            ],
        ) {
            Ok((record, transport, format)) => {
                let mut v = t.clone();
                v.record = record;
                v.format = format;
                v.transport = transport;
                v.context = context(sv.get("nature").and_then(Value::as_str)).map(Into::into);
                v.plain_data = sv
                    .get("plain_data")
                    .and_then(Value::as_str)
                    .filter(|p| !p.trim().is_empty())
                    .map(Into::into);
                b.push(v);
            }
            Err(e) => bad(
                b,
                format!("OCPI CDR {name}: signed_values[{i}].signed_data: {e}"),
            ),
        }
    }
}
