//! The canonical JSON report: one object per record, identical in the CLI
//! and every binding (the conformance runner compares it byte for byte).

use alloc::{string::String, vec::Vec};

use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode, Lang};
use crate::finding::Finding;
use crate::payload::{Decimal, Payload, Reading, Text, UserAssigned};
use crate::record::{KeySource, Report};

fn text(t: Option<&Text<'_>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(String::from(t.as_str())))
}

fn dec(d: Option<&Decimal<'_>>) -> Value {
    d.map_or(Value::Null, |d| {
        Value::String(String::from(d.as_str().trim()))
    })
}

fn reading(r: &Reading<'_>) -> Value {
    let ts = r.timestamp();
    json!({
        "time": text(r.time.as_ref()),
        "time_status": ts.map(|t| String::from(t.status.letter())),
        "unix_ms": ts.map(|t| t.unix_millis()),
        "reason": text(r.reason.as_ref()),
        "value": dec(r.value.as_ref()),
        "obis": text(r.obis.as_ref()),
        "unit": text(r.unit.as_ref()),
        "current_type": text(r.current_type.as_ref()),
        "cumulated_loss": dec(r.cumulated_loss.as_ref()),
        "error_flags": text(r.error_flags.as_ref()),
        "status": text(r.status.as_ref()),
    })
}

/// The payload as a JSON object with readable names (readings resolved by carry-forward).
#[must_use]
pub fn payload_json(p: &Payload<'_>) -> Value {
    let user = match &p.user_assigned {
        None => Value::Null,
        Some(UserAssigned::Bool(b)) => Value::Bool(*b),
        Some(UserAssigned::Legacy(t)) => Value::String(String::from(t.as_str())),
    };
    let flags: Value = p.identification_flags.as_ref().map_or(Value::Null, |f| {
        Value::Array(
            f.iter()
                .map(|t| Value::String(String::from(t.as_str())))
                .collect(),
        )
    });
    let readings: Vec<Value> = p.resolved_readings().iter().map(reading).collect();
    json!({
        "format_version": text(p.format_version.as_ref()),
        "gateway_id": text(p.gateway_id.as_ref()),
        "gateway_serial": text(p.gateway_serial.as_ref()),
        "gateway_version": text(p.gateway_version.as_ref()),
        "pagination": text(p.pagination.as_ref()),
        "meter_vendor": text(p.meter_vendor.as_ref()),
        "meter_model": text(p.meter_model.as_ref()),
        "meter_serial": text(p.meter_serial.as_ref()),
        "meter_firmware": text(p.meter_firmware.as_ref()),
        "user_assigned": user,
        "identification_level": text(p.identification_level.as_ref()),
        "identification_flags": flags,
        "identification_type": text(p.identification_type.as_ref()),
        "identification_data": text(p.identification_data.as_ref()),
        "tariff_text": text(p.tariff_text.as_ref()),
        "charge_point_type": text(p.charge_point_type.as_ref()),
        "charge_point_id": text(p.charge_point_id.as_ref()),
        "readings": readings,
    })
}

fn finding(f: &Finding, lang: Lang) -> Value {
    json!({
        "code": f.code.code(),
        "name": f.code.name(),
        "severity": f.severity.as_str(),
        "field": f.field,
        "reading": f.reading,
        "span": f.span.map(|s| [s.start, s.end]),
        "message": f.message(lang),
    })
}

impl Report<'_> {
    /// The canonical JSON object of this report.
    ///
    /// Keys: `verdict`, `code`, `code_name`, `message`, `field`, `span`,
    /// `profile`, `algorithm`, `signature_valid`, `key_source`, `findings`,
    /// `record` (the payload with readings, or null when unreadable).
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        let mut m = verdict_head(self.verdict.as_str(), self.code(), self.error, lang);
        m.insert("field".into(), self.error.and_then(|e| e.field).into());
        m.insert(
            "span".into(),
            self.error
                .and_then(|e| e.span)
                .map(|s| [s.start, s.end])
                .into(),
        );
        m.insert("profile".into(), self.profile.as_str().into());
        m.insert("algorithm".into(), self.algorithm.map(|a| a.sa()).into());
        m.insert("signature_valid".into(), self.signature_valid.into());
        m.insert(
            "key_source".into(),
            self.key_source
                .map(|k| match k {
                    KeySource::Caller => "caller",
                    KeySource::Record => "record",
                })
                .into(),
        );
        m.insert(
            "findings".into(),
            Value::Array(self.findings.iter().map(|f| finding(f, lang)).collect()),
        );
        m.insert(
            "record".into(),
            self.record
                .as_ref()
                .map_or(Value::Null, |r| payload_json(&r.payload)),
        );
        if let Some(t) = &self.trust {
            m.insert("trust".into(), t.trust.to_json(lang));
            m.insert("key_fingerprint".into(), t.key_fingerprint.clone().into());
            m.insert(
                "carried_key_fingerprint".into(),
                t.carried_key_fingerprint.clone().into(),
            );
            m.insert(
                "carried_key_error".into(),
                t.carried_key_error.map(|e| e.message(lang)).into(),
            );
            m.insert("record_time_ms".into(), t.record_time_ms.into());
        }
        Value::Object(m)
    }

    /// The canonical JSON as one line of text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        serde_json::to_string(&self.to_json(lang)).unwrap_or_default()
    }
}

/// The members every verdict object starts with: `verdict`, `code`,
/// `code_name` and `message` (the error's own message when there is one).
pub(crate) fn verdict_head(
    verdict: &str,
    code: ErrorCode,
    error: Option<Error>,
    lang: Lang,
) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("verdict".into(), verdict.into());
    m.insert("code".into(), code.code().into());
    m.insert("code_name".into(), code.name().into());
    m.insert(
        "message".into(),
        error
            .map_or_else(|| String::from(code.message(lang)), |e| e.message(lang))
            .into(),
    );
    m
}
