//! The session's canonical JSON: view structs that borrow from the report
//! and derive `Serialize`.
//!
//! The text is canonical (keys sorted, as the parsed `Value` — a sorted map —
//! writes them again), so every struct declares its fields in sorted order;
//! `tests/session.rs` checks this over the corpus and the OCPP demo.

use alloc::{borrow::Cow, string::String};

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::{
    BilledEnergy, Energy, RegisterSummary, SessionFinding, SessionRecordOutcome, SessionReport,
    SessionTime,
};
use crate::decimal::ExactDecimal;
use crate::error::Lang;
use crate::grammar::Pagination;
use crate::json::{ReportJson, verdict_message};

impl SessionFinding {
    /// The JSON object `{code, name, severity, record, reading, field, span,
    /// detail, message: {en, de}}`.
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(FindingJson::new(self)).unwrap_or_default()
    }
}

impl SessionReport<'_> {
    /// The canonical JSON object (keys sorted). `lang` selects the language
    /// of `message`, `explanation` and of the embedded record reports;
    /// findings carry both English and German.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        serde_json::to_value(self.json(lang)).unwrap_or_default()
    }

    /// The canonical JSON as one line of text.
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        serde_json::to_string(&self.json(lang)).unwrap_or_default()
    }

    /// The JSON view of the report (serialise it to write the JSON).
    pub(crate) fn json(&self, lang: Lang) -> SessionJson<'_> {
        let code = self.code();
        SessionJson {
            billed: self.billed.as_ref().map(BilledJson::new),
            code: code.code(),
            code_name: code.name(),
            duration_ms: self.duration_ms,
            duration_seconds: self.duration_seconds().map(Dec),
            end: self.end.as_ref().map(TimeJson::new),
            energy: self.energy.as_ref().map(EnergyJson::new),
            explanation: self.verdict.explain(lang),
            findings: Findings(&self.findings),
            gateway_serial: self.gateway_serial.as_deref(),
            identification_level: self.identification_level.as_deref(),
            message: verdict_message(code, self.error, lang),
            meter_serial: self.meter_serial.as_deref(),
            profile: self.profile.as_str(),
            records: Records(&self.records, lang),
            registers: Registers(&self.registers),
            start: self.start.as_ref().map(TimeJson::new),
            time_status: self.time_status.map(|t| t.letter()),
            trust: self.trust.as_ref().map(|t| t.as_str()),
            verdict: self.verdict.as_str(),
        }
    }
}

/// The session report as JSON (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionReport"))]
pub(crate) struct SessionJson<'r> {
    /// The charge detail record's billed energy against the signed energy
    /// (`null` for a session that does not come from a CDR).
    billed: Option<BilledJson>,
    code: u32,
    code_name: &'static str,
    duration_ms: Option<i64>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    duration_seconds: Option<Dec>,
    end: Option<TimeJson<'r>>,
    energy: Option<EnergyJson<'r>>,
    explanation: &'static str,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "alloc::vec::Vec<FindingJson<'static>>")
    )]
    findings: Findings<'r>,
    gateway_serial: Option<&'r str>,
    identification_level: Option<&'r str>,
    /// The error's own message when there is one, else the code's.
    message: Cow<'static, str>,
    meter_serial: Option<&'r str>,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::ProfileWord"))]
    profile: &'static str,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "alloc::vec::Vec<RecordJson<'static>>")
    )]
    records: Records<'r>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "alloc::vec::Vec<RegisterJson<'static>>")
    )]
    registers: Registers<'r>,
    start: Option<TimeJson<'r>>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TimeStatusWord>")
    )]
    time_status: Option<char>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::schema::TrustWord>")
    )]
    trust: Option<&'static str>,
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::schema::SessionVerdictWord")
    )]
    verdict: &'static str,
}

/// An exact decimal, written as its text.
pub(crate) struct Dec(pub(crate) ExactDecimal);

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// A session finding (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionFinding"))]
pub(crate) struct FindingJson<'r> {
    code: u32,
    detail: Option<&'r str>,
    field: Option<&'static str>,
    message: Messages,
    name: &'static str,
    reading: Option<usize>,
    record: Option<usize>,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::SeverityWord"))]
    severity: &'static str,
    span: Option<[usize; 2]>,
}

/// A driver message in both languages.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Messages"))]
struct Messages {
    de: &'static str,
    en: &'static str,
}

impl<'r> FindingJson<'r> {
    pub(crate) fn new(f: &'r SessionFinding) -> Self {
        let g = &f.finding;
        Self {
            code: g.code.code(),
            detail: f.detail.as_deref(),
            field: g.field,
            message: Messages {
                de: g.message(Lang::De),
                en: g.message(Lang::En),
            },
            name: g.code.name(),
            reading: g.reading,
            record: f.record,
            severity: g.severity.as_str(),
            span: g.span.map(|s| [s.start, s.end]),
        }
    }
}

/// The findings as an array.
struct Findings<'r>(&'r [SessionFinding]);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(FindingJson::new))
    }
}

/// Billed against signed energy (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "BilledEnergy"))]
struct BilledJson {
    /// Whether they agree; `null` when there is no signed energy.
    agrees: Option<bool>,
    /// The billed energy in kWh, as the CDR wrote it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    billed_kwh: Dec,
    /// The signed energy in kWh (end − begin).
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    signed_kwh: Option<Dec>,
}

impl BilledJson {
    fn new(b: &BilledEnergy) -> Self {
        Self {
            agrees: b.agrees,
            billed_kwh: Dec(b.billed_kwh),
            signed_kwh: b.signed_kwh.map(Dec),
        }
    }
}

/// The billable energy (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Energy"))]
pub(crate) struct EnergyJson<'r> {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    begin: Dec,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    cable_loss: Option<Dec>,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    end: Dec,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    kwh: Dec,
    register: Option<&'r str>,
    unit: &'static str,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    value: Dec,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    wh: Dec,
}

impl<'r> EnergyJson<'r> {
    pub(crate) fn new(e: &'r Energy) -> Self {
        Self {
            begin: Dec(e.begin),
            cable_loss: e.cable_loss.map(Dec),
            end: Dec(e.end),
            kwh: Dec(e.kwh),
            register: e.register.as_deref(),
            unit: e.unit.as_str(),
            value: Dec(e.value),
            wh: Dec(e.wh),
        }
    }
}

/// One billing register (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "RegisterSummary"))]
pub(crate) struct RegisterJson<'r> {
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    begin: Option<Dec>,
    begin_record: Option<usize>,
    compensated: bool,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    end: Option<Dec>,
    end_reason: Option<&'r str>,
    end_record: Option<usize>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    energy_wh: Option<Dec>,
    register: Option<&'r str>,
    unit: Option<&'static str>,
}

impl<'r> RegisterJson<'r> {
    pub(crate) fn new(r: &'r RegisterSummary) -> Self {
        Self {
            begin: r.begin.map(Dec),
            begin_record: r.begin_record,
            compensated: r.compensated,
            end: r.end.map(Dec),
            end_reason: r.end_reason.as_deref(),
            end_record: r.end_record,
            energy_wh: r.energy_wh.map(Dec),
            register: r.register.as_deref(),
            unit: r.unit.map(|u| u.as_str()),
        }
    }
}

/// The registers as an array.
struct Registers<'r>(&'r [RegisterSummary]);

impl Serialize for Registers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(RegisterJson::new))
    }
}

/// A begin or end time (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionTime"))]
pub(crate) struct TimeJson<'r> {
    record: usize,
    time: &'r str,
    #[cfg_attr(feature = "schema", schemars(with = "crate::schema::TimeStatusWord"))]
    time_status: char,
    unix_ms: i64,
}

impl<'r> TimeJson<'r> {
    pub(crate) fn new(t: &'r SessionTime) -> Self {
        Self {
            record: t.record,
            time: &t.text,
            time_status: t.status.letter(),
            unix_ms: t.unix_ms,
        }
    }
}

/// One record of the session with its own report (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "SessionRecordOutcome"))]
struct RecordJson<'r> {
    duplicate_of: Option<usize>,
    index: usize,
    label: Option<&'r str>,
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pagination: Option<Pg>,
    /// The record's own report, as [`Report::to_json`](crate::Report::to_json) writes it.
    report: ReportJson<'r>,
}

/// A pagination as written in `PG` terms: context letter and counter.
struct Pg(Pagination);

impl Serialize for Pg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.0.context(), self.0.number()))
    }
}

/// The records as an array.
struct Records<'r>(&'r [SessionRecordOutcome<'r>], Lang);

impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|o| RecordJson {
            duplicate_of: o.duplicate_of,
            index: o.index,
            label: o.label,
            pagination: o.pagination.map(Pg),
            report: o.checked.json_view(self.1),
        }))
    }
}
