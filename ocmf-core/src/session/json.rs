//! The session's canonical JSON (keys sorted, stable).

use alloc::{format, string::String, vec::Vec};

use serde_json::{Value, json};

use super::{EnergyUnit, SessionFinding, SessionReport, SessionTime};
use crate::decimal::ExactDecimal;
use crate::error::Lang;

impl SessionFinding {
    /// The JSON object `{code, name, severity, record, reading, field, span,
    /// detail, message: {en, de}}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let f = &self.finding;
        json!({
            "code": f.code.code(),
            "name": f.code.name(),
            "severity": f.severity.as_str(),
            "record": self.record,
            "reading": f.reading,
            "field": f.field,
            "span": f.span.map(|s| [s.start, s.end]),
            "detail": self.detail,
            "message": {"en": f.message(Lang::En), "de": f.message(Lang::De)},
        })
    }
}

impl SessionReport<'_> {
    /// The canonical JSON object (keys sorted). `lang` selects the language
    /// of `message`, `explanation` and of the embedded record reports;
    /// findings carry both English and German.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        let code = self.code();
        let dec = |d: Option<ExactDecimal>| d.map(|d| Value::String(format!("{d}")));
        let time = |t: &Option<SessionTime>| {
            t.as_ref().map_or(Value::Null, |t| {
                json!({
                    "time": t.text,
                    "unix_ms": t.unix_ms,
                    "time_status": String::from(t.status.letter()),
                    "record": t.record,
                })
            })
        };
        let energy = self.energy.as_ref().map_or(Value::Null, |e| {
            json!({
                "register": e.register,
                "unit": e.unit.as_str(),
                "value": format!("{}", e.value),
                "kwh": format!("{}", e.kwh),
                "wh": format!("{}", e.wh),
                "begin": format!("{}", e.begin),
                "end": format!("{}", e.end),
                "cable_loss": dec(e.cable_loss),
            })
        });
        let registers: Vec<Value> = self
            .registers
            .iter()
            .map(|r| {
                json!({
                    "register": r.register,
                    "compensated": r.compensated,
                    "unit": r.unit.map(EnergyUnit::as_str),
                    "begin": dec(r.begin),
                    "end": dec(r.end),
                    "energy_wh": dec(r.energy_wh),
                    "begin_record": r.begin_record,
                    "end_record": r.end_record,
                    "end_reason": r.end_reason,
                })
            })
            .collect();
        let records: Vec<Value> = self
            .records
            .iter()
            .map(|o| {
                json!({
                    "index": o.index,
                    "label": o.label,
                    "pagination": o.pagination.map(|p| format!("{}{}", p.context(), p.number())),
                    "duplicate_of": o.duplicate_of,
                    "report": o.checked.to_json(lang),
                })
            })
            .collect();
        let mut m = crate::json::verdict_head(self.verdict.as_str(), code, self.error, lang);
        m.insert("explanation".into(), self.verdict.explain(lang).into());
        m.insert("profile".into(), self.profile.as_str().into());
        m.insert("meter_serial".into(), self.meter_serial.clone().into());
        m.insert("gateway_serial".into(), self.gateway_serial.clone().into());
        m.insert(
            "identification_level".into(),
            self.identification_level.clone().into(),
        );
        m.insert("energy".into(), energy);
        m.insert("registers".into(), Value::Array(registers));
        m.insert("start".into(), time(&self.start));
        m.insert("end".into(), time(&self.end));
        m.insert("duration_ms".into(), self.duration_ms.into());
        m.insert(
            "duration_seconds".into(),
            dec(self.duration_seconds()).into(),
        );
        m.insert(
            "time_status".into(),
            self.time_status.map(|t| String::from(t.letter())).into(),
        );
        m.insert(
            "trust".into(),
            self.trust
                .as_ref()
                .map_or(Value::Null, |t| Value::String(t.as_str().into())),
        );
        m.insert(
            "findings".into(),
            Value::Array(self.findings.iter().map(SessionFinding::to_json).collect()),
        );
        m.insert("records".into(), Value::Array(records));
        Value::Object(m)
    }

    /// The canonical JSON as one line of text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        serde_json::to_string(&self.to_json(lang)).unwrap_or_default()
    }
}
