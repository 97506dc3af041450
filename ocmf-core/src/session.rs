//! Charging sessions: the records of one transaction checked against each
//! other, with the billable energy and driver-readable findings.
//!
//! A session is either one record carrying both the begin (`TX=B`) and the
//! end reading (KEBA style), or several records with consecutive pagination
//! (`T17` begin, `T18` end, possibly intermediate records). Records may come
//! in any order: they are sorted by their pagination counter.
//!
//! # What is checked
//!
//! * every record on its own ([`check`](crate::check) under the profile),
//!   with the key resolved through the [`Registry`] when one is given
//!   ([`Trust`]);
//! * pagination: one context (`T`, not mixed with `F`), no duplicates, no gaps;
//!   the begin record first and the end record last;
//! * one meter (`MS`, `GS`) and one key for all records (a key rotation
//!   inside one session is reported as a key change);
//! * key trust per record: an expired registered key fails the session, a
//!   key that differs from the registered one is a warning (an error under
//!   `strict`), an unregistered key is a warning when it came with the
//!   records or a registry was given (a key the user passes explicitly,
//!   without a registry, is the user's own choice);
//! * billing registers, chosen by OBIS the way the reference software does
//!   (A = 1, D = 8, C ∈ {1, 0x98, 0x9E, 0xB0…0xC7}, groups read as hex; any
//!   F group; a reading without `RI` but with unit kWh/Wh counts too). When a
//!   loss-compensated register (C ∈ {0x98, 0xB1, 0xB3, 0xC1, 0xC3}) is
//!   present, only compensated registers count. Each billing register needs
//!   exactly one begin and one end reading (`E`, `L`, `R`, `A`, `P`); its
//!   values must never go down and its times never go back;
//! * meter state `ST` = `G` and no error flag (`EF` `E` or `t`) on every
//!   billing reading (with carry-forward inside a record), no exception
//!   reading (`TX=X`), the legacy event counter `EI` unchanged;
//! * time status: the weakest of all billing readings (U < I < R < S); a
//!   relative (`R`) begin needs a relative end;
//! * identification level `IL` (MISMATCH, INVALID, OUTDATED, UNKNOWN fail)
//!   and the same user identification (`IS`, `IT`, `ID`) in every record;
//! * cable-loss compensation: the same `LC` in every record; `CL` (as
//!   written, not carried forward: the carry-forward rule would copy one
//!   register's loss onto the next) never negative, zero at `TX=B`, never
//!   decreasing.
//!
//! # Verdicts
//!
//! Every finding has a severity under the profile; only `error` findings
//! decide, by the class of their code:
//!
//! * [`SessionVerdict::Malformed`]: there is nothing that can be checked —
//!   no records, or a record cannot be read as OCMF;
//! * [`SessionVerdict::Invalid`]: everything could be read, and something
//!   is wrong — a signature does not verify, the records contradict each
//!   other, the meter reported an error, the key expired;
//! * [`SessionVerdict::Incomplete`]: nothing is wrong so far, but something
//!   needed is missing — the begin or end reading, a billing register, or a
//!   key to check a signature with;
//! * [`SessionVerdict::Valid`]: none of these; the energy may be billed.
//!
//! Malformed wins over invalid, invalid over incomplete.
//!
//! # Example
//!
//! ```
//! use ocmf_core::PublicKey;
//! use ocmf_core::session::{evaluate, SessionContext, SessionRecord, SessionVerdict};
//!
//! // A KEBA record carrying both the begin and the end reading.
//! let record = r#"OCMF|{"FV":"1.0","GI":"KEBA_KCP30","GS":"17619300","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"},{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"304502200E2F107C987A300AC1695CA89EA149A8CDFA16188AF0A33EE64B67964AA943F9022100889A72B6D65364BEA8562E7F6A0253157ACFF84FE4929A93B5964D23C4265699"}"#;
//! let key = PublicKey::parse("3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE")?;
//! let ctx = SessionContext { key: Some(&key), ..SessionContext::default() };
//! let report = evaluate(&[SessionRecord::new(record)], &ctx);
//! assert_eq!(report.verdict, SessionVerdict::Valid);
//! let energy = report.energy.as_ref().expect("begin and end are there");
//! assert_eq!(energy.kwh.to_string(), "0.0001"); // exact: 0.2597 - 0.2596
//! assert_eq!(energy.wh.to_string(), "0.1");
//! assert_eq!(report.duration_seconds().map(|d| d.to_string()).as_deref(), Some("21.000"));
//! // Driver-readable notes in English and German, e.g. the clock was not synchronised.
//! for f in &report.findings {
//!     println!("{}: {}", f.finding.code, f.message(ocmf_core::Lang::De));
//! }
//! # Ok::<(), ocmf_core::Error>(())
//! ```

use alloc::{borrow::ToOwned, collections::BTreeMap, format, string::String, vec::Vec};
use core::fmt;

use serde_json::{Value, json};

use crate::decimal::ExactDecimal;
use crate::error::{Error, ErrorCode, Lang, Span, Verdict};
use crate::finding::{Finding, FindingCode, Profile, Severity};
use crate::grammar::{Pagination, TimeStatus, Timestamp};
use crate::key::PublicKey;
use crate::lint::{IL_ERRORS, TX_END, billing_obis};
use crate::payload::{Reading, Text, UserAssigned};
use crate::record::{Options, Report, Unverified};
use crate::registry::{Registry, Trust, check_resolved};

/// One record of a session as it was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SessionRecord<'a> {
    /// The record text `OCMF|…|…`.
    pub record: &'a str,
    /// The key text carried with it (e.g. the OCPP message's `publicKey`).
    pub key: Option<&'a str>,
    /// A caller's label (file name, message id), echoed in the report.
    pub label: Option<&'a str>,
}

impl<'a> SessionRecord<'a> {
    /// A record with neither key nor label.
    #[must_use]
    pub const fn new(record: &'a str) -> Self {
        Self {
            record,
            key: None,
            label: None,
        }
    }
}

/// What a session is checked with.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionContext<'a> {
    /// A key the user gave explicitly; it is used for every record (and
    /// compared with the registry like a carried key).
    pub key: Option<&'a PublicKey>,
    /// The trusted keys.
    pub registry: Option<&'a Registry>,
    /// Profile and limits.
    pub options: Options,
}

/// The verdict on a whole session (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SessionVerdict {
    /// All records verify and agree; the energy may be billed.
    Valid,
    /// Something needed is missing (begin, end, a key); nothing contradicts.
    Incomplete,
    /// The records could be read, but something is wrong.
    Invalid,
    /// No records, or a record cannot be read.
    Malformed,
}

impl SessionVerdict {
    /// Every session verdict, best first.
    pub const ALL: &'static [SessionVerdict] = &[
        Self::Valid,
        Self::Incomplete,
        Self::Invalid,
        Self::Malformed,
    ];

    /// The verdict of a stable word ([`SessionVerdict::as_str`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == name.trim())
    }

    /// `valid`, `incomplete`, `invalid` or `malformed`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Incomplete => "incomplete",
            Self::Invalid => "invalid",
            Self::Malformed => "malformed",
        }
    }

    /// A sentence for a driver.
    #[must_use]
    pub const fn explain(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Valid, Lang::En) => {
                "The charging session checks out: the meter signed these values and they fit together. The energy shown may be billed."
            }
            (Self::Valid, Lang::De) => {
                "Der Ladevorgang ist in Ordnung: Der Zähler hat diese Werte signiert, und sie passen zusammen. Die angezeigte Energie darf abgerechnet werden."
            }
            (Self::Incomplete, Lang::En) => {
                "The charging session cannot be confirmed yet: something needed for the check is missing (see the notes)."
            }
            (Self::Incomplete, Lang::De) => {
                "Der Ladevorgang kann noch nicht bestätigt werden: Für die Prüfung fehlt etwas (siehe Hinweise)."
            }
            (Self::Invalid, Lang::En) => {
                "The charging session does not check out: the values must not be used for billing (see the notes)."
            }
            (Self::Invalid, Lang::De) => {
                "Der Ladevorgang ist nicht in Ordnung: Die Werte dürfen nicht abgerechnet werden (siehe Hinweise)."
            }
            (Self::Malformed, Lang::En) => {
                "The data cannot be read as the signed records of a charging session; nothing can be said about it."
            }
            (Self::Malformed, Lang::De) => {
                "Die Daten können nicht als signierte Datensätze eines Ladevorgangs gelesen werden; über sie lässt sich nichts sagen."
            }
        }
    }
}

impl fmt::Display for SessionVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding about a session: where it is (record and span inside that
/// record) and, for some codes, a technical detail (untranslated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFinding {
    /// Code, severity, field, reading index and byte span (in the record's text).
    pub finding: Finding,
    /// Index of the record in the input, when one record is concerned.
    pub record: Option<usize>,
    /// Technical detail, e.g. `T5 -> T7` or the register.
    pub detail: Option<String>,
}

impl SessionFinding {
    /// The driver explanation in a language.
    #[must_use]
    pub const fn message(&self, lang: Lang) -> &'static str {
        self.finding.message(lang)
    }

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

/// An energy unit of `RU`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EnergyUnit {
    /// Kilowatt hours.
    Kwh,
    /// Watt hours.
    Wh,
}

impl EnergyUnit {
    /// `kWh` or `Wh`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Kwh => "kWh",
            Self::Wh => "Wh",
        }
    }

    /// Reads `RU` (case-insensitive); `None` for any other unit.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("kWh") {
            Some(Self::Kwh)
        } else if t.eq_ignore_ascii_case("Wh") {
            Some(Self::Wh)
        } else {
            None
        }
    }

    /// `value` in this unit converted to Wh, exactly.
    #[must_use]
    pub fn to_wh(self, value: ExactDecimal) -> Option<ExactDecimal> {
        match self {
            Self::Kwh => value.shift(3),
            Self::Wh => Some(value),
        }
    }
}

/// The billable energy of a session (exact, never a float).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Energy {
    /// The register it was read from (`RI` as written; `None` without `RI`).
    pub register: Option<String>,
    /// The unit the meter used.
    pub unit: EnergyUnit,
    /// End minus begin, in `unit`.
    pub value: ExactDecimal,
    /// The same in kWh.
    pub kwh: ExactDecimal,
    /// The same in Wh.
    pub wh: ExactDecimal,
    /// The begin reading's value, as the meter wrote it.
    pub begin: ExactDecimal,
    /// The end reading's value, as the meter wrote it.
    pub end: ExactDecimal,
    /// The cumulated cable loss at the end (`CL`), in `unit`, when stated.
    pub cable_loss: Option<ExactDecimal>,
}

/// One billing register of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterSummary {
    /// `RI` as written (`None` without `RI`).
    pub register: Option<String>,
    /// Whether the register is loss-compensated.
    pub compensated: bool,
    /// The unit of its end (else begin) reading.
    pub unit: Option<EnergyUnit>,
    /// The begin value.
    pub begin: Option<ExactDecimal>,
    /// The end value.
    pub end: Option<ExactDecimal>,
    /// End minus begin in Wh.
    pub energy_wh: Option<ExactDecimal>,
    /// Input index of the record with the begin reading.
    pub begin_record: Option<usize>,
    /// Input index of the record with the end reading.
    pub end_record: Option<usize>,
    /// The end reason (`E`, `L`, `R`, `A`, `P`).
    pub end_reason: Option<String>,
}

/// A begin or end time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTime {
    /// `TM` as written.
    pub text: String,
    /// Milliseconds since 1970 (UTC).
    pub unix_ms: i64,
    /// The time status letter.
    pub status: TimeStatus,
    /// Input index of the record.
    pub record: usize,
}

/// One record's outcome inside the session.
#[derive(Debug, Clone)]
pub struct SessionRecordOutcome<'a> {
    /// Position in the input.
    pub index: usize,
    /// The caller's label.
    pub label: Option<&'a str>,
    /// The parsed `PG`.
    pub pagination: Option<Pagination>,
    /// The input index of an identical earlier record (this copy was ignored).
    pub duplicate_of: Option<usize>,
    /// The record's own report, with its key trust ([`Report::trust`]).
    pub checked: Report<'a>,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone)]
pub struct SessionReport<'a> {
    /// The session verdict.
    pub verdict: SessionVerdict,
    /// The code behind a non-valid verdict: the record's own error code for a
    /// record that cannot be read, is rejected or cannot be checked; else the
    /// deciding finding's code (positions are in `findings`).
    pub error: Option<Error>,
    /// The profile.
    pub profile: Profile,
    /// The records, sorted by pagination (records without readable `PG` last).
    pub records: Vec<SessionRecordOutcome<'a>>,
    /// Every session finding, in the order found.
    pub findings: Vec<SessionFinding>,
    /// The billable energy (only to be billed when the verdict is valid).
    pub energy: Option<Energy>,
    /// All billing registers.
    pub registers: Vec<RegisterSummary>,
    /// Begin time of the billing register.
    pub start: Option<SessionTime>,
    /// End time of the billing register.
    pub end: Option<SessionTime>,
    /// End minus begin, in milliseconds.
    pub duration_ms: Option<i64>,
    /// The weakest time status of all billing readings.
    pub time_status: Option<TimeStatus>,
    /// The meter serial (`MS`).
    pub meter_serial: Option<String>,
    /// The gateway serial (`GS`).
    pub gateway_serial: Option<String>,
    /// The identification level (`IL`) of the first record stating one.
    pub identification_level: Option<String>,
    /// The weakest key trust of all records ([`Trust::rank`]).
    pub trust: Option<Trust>,
}

impl SessionReport<'_> {
    /// The code: 0 for valid, else the error's code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.error.map_or(ErrorCode::Ok, |e| e.code)
    }

    /// Whether the verdict is valid.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.verdict == SessionVerdict::Valid
    }

    /// The duration in seconds, exactly (milliseconds as 3 decimals).
    #[must_use]
    pub fn duration_seconds(&self) -> Option<ExactDecimal> {
        self.duration_ms.map(|ms| ExactDecimal {
            mantissa: i128::from(ms),
            scale: 3,
        })
    }

    /// Whether a finding with this code is present.
    #[must_use]
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.finding.code == code)
    }

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

/// Collects findings under a profile.
struct Sink {
    profile: Profile,
    out: Vec<SessionFinding>,
}

impl Sink {
    fn add(
        &mut self,
        code: FindingCode,
        record: Option<usize>,
        at: Option<(&'static str, Option<usize>, Option<Span>)>,
        detail: Option<String>,
    ) {
        let (field, reading, span) = at.unwrap_or(("", None, None));
        let field = (!field.is_empty()).then_some(field);
        self.out.push(SessionFinding {
            finding: Finding::under(code, self.profile, field, reading, span),
            record,
            detail,
        });
    }

    fn once(&mut self, code: FindingCode, record: Option<usize>, detail: Option<String>) {
        if !self.out.iter().any(|f| f.finding.code == code) {
            self.add(code, record, None, detail);
        }
    }
}

/// Which verdict an `error` finding of this code leads to.
const fn effect(code: FindingCode) -> SessionVerdict {
    match code {
        FindingCode::SessionEmpty | FindingCode::SessionRecordUnreadable => {
            SessionVerdict::Malformed
        }
        FindingCode::SessionSignatureUnchecked
        | FindingCode::SessionMissingBegin
        | FindingCode::SessionMissingEnd
        | FindingCode::SessionNoEnergyRegister => SessionVerdict::Incomplete,
        _ => SessionVerdict::Invalid,
    }
}

/// Whether a `malformed` report's error comes from the profile (the record
/// was read, but the profile refuses its form) rather than unreadable input.
fn rejected_by_profile(r: &Report<'_>) -> bool {
    r.record.is_some()
        && r.error.is_some_and(|e| {
            r.findings.iter().any(|f| {
                f.severity == Severity::Error
                    && f.code.escalation() == e.code
                    && f.field == e.field
                    && f.span == e.span
            })
        })
}

fn text_of<'t>(t: Option<&'t Text<'_>>) -> Option<&'t str> {
    t.map(|t| t.as_str().trim()).filter(|s| !s.is_empty())
}

fn at(
    field: &'static str,
    reading: Option<usize>,
    t: Option<&Text<'_>>,
    fallback: Span,
) -> Option<(&'static str, Option<usize>, Option<Span>)> {
    Some((field, reading, Some(t.map_or(fallback, |t| t.span))))
}

/// One billing reading in session order.
struct Billing<'x, 'a> {
    /// Position in the sorted list of live records.
    pos: usize,
    /// Input index of the record.
    record: usize,
    /// Index in `RD`.
    reading: usize,
    /// The reading after carry-forward.
    r: &'x Reading<'a>,
    /// The reading as written.
    raw: &'x Reading<'a>,
    /// `RI` as written (trimmed).
    register: Option<String>,
    compensated: bool,
    unit: EnergyUnit,
    value: Option<ExactDecimal>,
    wh: Option<ExactDecimal>,
    ts: Option<Timestamp>,
}

impl Billing<'_, '_> {
    fn reason(&self) -> Option<&str> {
        self.r.reason.as_ref().map(|t| t.as_str().trim())
    }

    fn is_begin(&self) -> bool {
        self.reason() == Some("B")
    }

    fn is_end(&self) -> bool {
        self.reason().is_some_and(|t| TX_END.contains(&t))
    }
}

fn session_time(b: &Billing<'_, '_>) -> Option<SessionTime> {
    let ts = b.ts?;
    Some(SessionTime {
        text: b
            .r
            .time
            .as_ref()
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        unix_ms: ts.unix_millis(),
        status: ts.status,
        record: b.record,
    })
}

/// Checks the records of one charging session together.
///
/// Never fails: an empty input gives [`SessionVerdict::Malformed`] with
/// [`ErrorCode::SessionEmpty`]. See the module documentation for the checks
/// and the verdict rules.
#[must_use]
pub(crate) fn evaluate<'a>(
    records: &[SessionRecord<'a>],
    ctx: &SessionContext<'_>,
) -> SessionReport<'a> {
    let profile = ctx.options.profile;
    let mut sink = Sink {
        profile,
        out: Vec::new(),
    };
    let mut report = SessionReport {
        verdict: SessionVerdict::Malformed,
        error: None,
        profile,
        records: Vec::new(),
        findings: Vec::new(),
        energy: None,
        registers: Vec::new(),
        start: None,
        end: None,
        duration_ms: None,
        time_status: None,
        meter_serial: None,
        gateway_serial: None,
        identification_level: None,
        trust: None,
    };
    if records.is_empty() {
        sink.add(FindingCode::SessionEmpty, None, None, None);
        report.error = Some(Error::new(ErrorCode::SessionEmpty));
        report.findings = sink.out;
        return report;
    }

    // 1. Each record on its own.
    let mut outcomes: Vec<SessionRecordOutcome<'a>> = Vec::with_capacity(records.len());
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, r) in records.iter().enumerate() {
        if let Some(&first) = seen.get(r.record) {
            // An identical copy: same report, marked and left out later.
            if let Some(earlier) = outcomes.get(first) {
                let copy = SessionRecordOutcome {
                    index,
                    label: r.label,
                    duplicate_of: Some(first),
                    ..earlier.clone()
                };
                outcomes.push(copy);
                continue;
            }
        }
        seen.insert(r.record, index);
        let parsed = match (ctx.key, r.key.filter(|k| !k.trim().is_empty())) {
            (None, Some(text)) => Some(PublicKey::parse(text)),
            _ => None,
        };
        let carried = match (ctx.key, &parsed) {
            (Some(k), _) => Some(Ok(k)),
            (None, Some(p)) => Some(p.as_ref().map_err(|e| *e)),
            (None, None) => None,
        };
        let checked = check_resolved(r.record, carried, ctx.registry, &ctx.options);
        let pagination = checked.record.as_ref().and_then(|u| u.payload.pagination());
        outcomes.push(SessionRecordOutcome {
            index,
            label: r.label,
            pagination,
            duplicate_of: None,
            checked,
        });
    }
    outcomes.sort_by_key(|o| {
        (
            o.pagination.is_none(),
            o.pagination.map_or(0, Pagination::number),
            o.index,
        )
    });

    analyse(&outcomes, ctx, &mut sink, &mut report);

    // The verdict: the strongest class among `error` findings.
    let deciding = sink
        .out
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| effect(f.finding.code))
        .max();
    report.verdict = deciding.unwrap_or(SessionVerdict::Valid);
    if let Some(v) = deciding {
        if let Some(f) = sink
            .out
            .iter()
            .find(|f| f.finding.severity == Severity::Error && effect(f.finding.code) == v)
        {
            let from_record = matches!(
                f.finding.code,
                FindingCode::SessionRecordUnreadable
                    | FindingCode::SessionRecordRejected
                    | FindingCode::SessionSignatureUnchecked
            );
            let record_error = f
                .record
                .and_then(|i| outcomes.iter().find(|o| o.index == i))
                .and_then(|o| o.checked.error);
            report.error = Some(match (from_record, record_error) {
                (true, Some(e)) => Error { span: None, ..e },
                _ => {
                    let mut e = Error::new(f.finding.code.escalation());
                    e.field = f.finding.field;
                    e
                }
            });
        }
    }
    report.records = outcomes;
    report.findings = sink.out;
    report
}

#[allow(
    clippy::too_many_lines,
    reason = "one pass over the session, in the documented order"
)]
fn analyse(
    outcomes: &[SessionRecordOutcome<'_>],
    ctx: &SessionContext<'_>,
    sink: &mut Sink,
    report: &mut SessionReport<'_>,
) {
    // Duplicates are reported and left out.
    for o in outcomes {
        if let Some(first) = o.duplicate_of {
            sink.add(
                FindingCode::SessionDuplicateRecord,
                Some(o.index),
                None,
                Some(format!("same as record {first}")),
            );
        }
    }
    let live: Vec<&SessionRecordOutcome<'_>> = outcomes
        .iter()
        .filter(|o| o.duplicate_of.is_none())
        .collect();

    // 2. Record verdicts and key trust.
    for o in &live {
        let r = &o.checked;
        let detail = || Some(String::from(r.code().name()));
        match r.verdict {
            Verdict::Valid => {}
            Verdict::InvalidSignature => {
                sink.add(
                    FindingCode::SessionSignatureInvalid,
                    Some(o.index),
                    None,
                    None,
                );
            }
            Verdict::Unsupported => {
                sink.add(
                    FindingCode::SessionSignatureUnchecked,
                    Some(o.index),
                    None,
                    detail(),
                );
            }
            _ if rejected_by_profile(r) => {
                sink.add(
                    FindingCode::SessionRecordRejected,
                    Some(o.index),
                    None,
                    detail(),
                );
            }
            _ => {
                let e = r.error;
                sink.add(
                    FindingCode::SessionRecordUnreadable,
                    Some(o.index),
                    Some(("", None, e.and_then(|e| e.span))),
                    detail(),
                );
            }
        }
        match o.checked.trust_status() {
            Trust::Untrusted
                if r.signature_valid == Some(true)
                    && (ctx.registry.is_some() || ctx.key.is_none()) =>
            {
                sink.once(FindingCode::SessionKeyUntrusted, Some(o.index), None);
            }
            Trust::Mismatch { .. } => {
                sink.add(FindingCode::SessionKeyMismatch, Some(o.index), None, None);
            }
            Trust::Expired { .. } => {
                sink.add(FindingCode::SessionKeyExpired, Some(o.index), None, None);
            }
            _ => {}
        }
    }
    report.trust = live
        .iter()
        .map(|o| o.checked.trust_status())
        .min_by_key(|t| t.rank())
        .cloned();

    // The readable records, in session order.
    let parsed: Vec<(&SessionRecordOutcome<'_>, &Unverified<'_>)> = live
        .iter()
        .filter_map(|o| o.checked.record.as_ref().map(|u| (*o, u)))
        .collect();
    if parsed.is_empty() {
        return;
    }

    // 3. Pagination.
    if parsed.len() > 1 {
        for (o, u) in &parsed {
            if o.pagination.is_none() {
                let span = u.payload.pagination.as_ref().map(|t| t.span);
                sink.add(
                    FindingCode::SessionPaginationUnreadable,
                    Some(o.index),
                    Some(("PG", None, span)),
                    u.payload.pagination.as_ref().map(|t| t.as_str().to_owned()),
                );
            }
        }
    }
    let has_t = parsed
        .iter()
        .any(|(o, _)| matches!(o.pagination, Some(Pagination::Transaction(_))));
    let first_f = parsed
        .iter()
        .find(|(o, _)| matches!(o.pagination, Some(Pagination::Fiscal(_))));
    match (has_t, first_f) {
        (true, Some((o, _))) => {
            sink.add(
                FindingCode::SessionPaginationMixed,
                Some(o.index),
                None,
                None,
            );
        }
        (false, Some((o, _))) => {
            sink.add(
                FindingCode::SessionNotTransaction,
                Some(o.index),
                None,
                None,
            );
        }
        _ => {}
    }
    let numbered: Vec<(&SessionRecordOutcome<'_>, &Unverified<'_>, Pagination)> = parsed
        .iter()
        .filter_map(|(o, u)| o.pagination.map(|p| (*o, *u, p)))
        .collect();
    for pair in numbered.windows(2) {
        let [(_, _, a), (o, u, b)] = pair else {
            continue;
        };
        let span = u.payload.pagination.as_ref().map(|t| t.span);
        let detail = Some(format!(
            "{}{} -> {}{}",
            a.context(),
            a.number(),
            b.context(),
            b.number()
        ));
        if a.number() == b.number() {
            sink.add(
                FindingCode::SessionPaginationDuplicate,
                Some(o.index),
                Some(("PG", None, span)),
                detail,
            );
        } else if a.number().checked_add(1) != Some(b.number()) {
            sink.add(
                FindingCode::SessionPaginationGap,
                Some(o.index),
                Some(("PG", None, span)),
                detail,
            );
        }
    }

    // 4. One meter, one key.
    for field in ["MS", "GS"] {
        let mut first: Option<String> = None;
        for (o, u) in &parsed {
            let t = if field == "MS" {
                u.payload.meter_serial.as_ref()
            } else {
                u.payload.gateway_serial.as_ref()
            };
            let Some(v) = text_of(t) else { continue };
            match &first {
                None => first = Some(v.to_owned()),
                Some(f) if f != v => sink.add(
                    FindingCode::SessionMeterChanged,
                    Some(o.index),
                    Some((field, None, t.map(|t| t.span))),
                    Some(format!("{field} {f} -> {v}")),
                ),
                Some(_) => {}
            }
        }
        let value = first;
        if field == "MS" {
            report.meter_serial = value;
        } else {
            report.gateway_serial = value;
        }
    }
    let mut first_key: Option<&str> = None;
    for (o, _) in &parsed {
        let Some(fp) = o.checked.key_fingerprint() else {
            continue;
        };
        match first_key {
            None => first_key = Some(fp),
            Some(f) if f != fp => sink.add(
                FindingCode::SessionKeyChanged,
                Some(o.index),
                None,
                Some(format!("{f} -> {fp}")),
            ),
            Some(_) => {}
        }
    }

    // 5. Identification.
    let ident = |u: &Unverified<'_>| {
        let is = match &u.payload.user_assigned {
            None => None,
            Some(UserAssigned::Bool(b)) => Some(if *b { "true" } else { "false" }.to_owned()),
            Some(UserAssigned::Legacy(t)) => Some(t.as_str().to_owned()),
        };
        (
            is,
            text_of(u.payload.identification_type.as_ref()).map(str::to_owned),
            text_of(u.payload.identification_data.as_ref()).map(str::to_owned),
        )
    };
    let first_ident = parsed.first().map(|(_, u)| ident(u));
    for (o, u) in &parsed {
        let p = &u.payload;
        let il = text_of(p.identification_level.as_ref());
        if report.identification_level.is_none() {
            report.identification_level = il.map(str::to_owned);
        }
        if let Some(level) = il.filter(|l| IL_ERRORS.contains(l)) {
            sink.add(
                FindingCode::SessionIdentificationFailed,
                Some(o.index),
                at("IL", None, p.identification_level.as_ref(), Span::default()),
                Some(format!("IL {level}")),
            );
        }
        if il == Some("NONE") || matches!(p.user_assigned, Some(UserAssigned::Bool(false))) {
            sink.once(FindingCode::SessionNotIdentified, Some(o.index), None);
        }
        if il == Some("HEARSAY") {
            sink.once(
                FindingCode::SessionIdentificationUnsecured,
                Some(o.index),
                None,
            );
        }
        if first_ident.as_ref().is_some_and(|f| *f != ident(u)) {
            sink.once(
                FindingCode::SessionIdentificationChanged,
                Some(o.index),
                None,
            );
        }
    }

    // 6. Readings.
    let resolved: Vec<Vec<Reading<'_>>> = parsed
        .iter()
        .map(|(_, u)| u.payload.resolved_readings())
        .collect();
    let mut billing: Vec<Billing<'_, '_>> = Vec::new();
    for (pos, ((o, u), rs)) in parsed.iter().zip(&resolved).enumerate() {
        for (i, (r, raw)) in rs.iter().zip(&u.payload.readings).enumerate() {
            if r.reason.as_ref().is_some_and(|t| t.as_str().trim() == "X") {
                sink.add(
                    FindingCode::SessionException,
                    Some(o.index),
                    at("TX", Some(i), r.reason.as_ref(), r.span),
                    None,
                );
            }
            let Some(unit) = r.unit.as_ref().and_then(|t| EnergyUnit::parse(t.as_str())) else {
                continue;
            };
            let register = text_of(r.obis.as_ref()).map(str::to_owned);
            let class = match &register {
                Some(ri) => billing_obis(ri).map(|(b, c, _)| (b, c)),
                None => Some((true, false)),
            };
            let Some((true, compensated)) = class else {
                continue;
            };
            let value = r.value.as_ref().and_then(crate::payload::Decimal::exact);
            billing.push(Billing {
                pos,
                record: o.index,
                reading: i,
                r,
                raw,
                register,
                compensated,
                unit,
                value,
                wh: value.and_then(|v| unit.to_wh(v)),
                ts: r.timestamp(),
            });
        }
    }
    if billing.iter().any(|b| b.compensated) {
        billing.retain(|b| b.compensated);
    }
    if billing.is_empty() {
        sink.add(FindingCode::SessionNoEnergyRegister, None, None, None);
        return;
    }

    // Meter state and error flags on every billing reading.
    for b in &billing {
        match text_of(b.r.status.as_ref()) {
            None => sink.add(
                FindingCode::SessionStateMissing,
                Some(b.record),
                Some(("ST", Some(b.reading), Some(b.r.span))),
                None,
            ),
            Some("G") => {}
            Some(st) => sink.add(
                FindingCode::SessionMeterError,
                Some(b.record),
                at("ST", Some(b.reading), b.r.status.as_ref(), b.r.span),
                Some(format!("ST {st}")),
            ),
        }
        let ef = b.r.error_flags.as_ref().map_or("", |t| t.as_str());
        if ef.contains('E') {
            sink.add(
                FindingCode::SessionEnergyFlagged,
                Some(b.record),
                at("EF", Some(b.reading), b.r.error_flags.as_ref(), b.r.span),
                Some(format!("EF {ef}")),
            );
        }
        if ef.contains('t') {
            sink.add(
                FindingCode::SessionTimeFlagged,
                Some(b.record),
                at("EF", Some(b.reading), b.r.error_flags.as_ref(), b.r.span),
                Some(format!("EF {ef}")),
            );
        }
    }

    // Registers in order of first appearance.
    let mut keys: Vec<Option<String>> = Vec::new();
    for b in &billing {
        if !keys.contains(&b.register) {
            keys.push(b.register.clone());
        }
    }
    let mut primary: Option<(usize, usize)> = None; // indices into `billing`
    let mut any_cl = false;
    for key in &keys {
        let regs: Vec<usize> = (0..billing.len())
            .filter(|i| billing.get(*i).is_some_and(|b| b.register == *key))
            .collect();
        let name = key.clone().unwrap_or_else(|| String::from("(no RI)"));
        let begins: Vec<usize> = regs
            .iter()
            .copied()
            .filter(|i| billing.get(*i).is_some_and(Billing::is_begin))
            .collect();
        let ends: Vec<usize> = regs
            .iter()
            .copied()
            .filter(|i| billing.get(*i).is_some_and(Billing::is_end))
            .collect();
        let (b, e) = (begins.first().copied(), ends.first().copied());
        let (bb, eb) = (
            b.and_then(|i| billing.get(i)),
            e.and_then(|i| billing.get(i)),
        );
        if bb.is_none() {
            sink.add(
                FindingCode::SessionMissingBegin,
                None,
                None,
                Some(name.clone()),
            );
        }
        if eb.is_none() {
            sink.add(
                FindingCode::SessionMissingEnd,
                None,
                None,
                Some(name.clone()),
            );
        }
        for (list, code) in [
            (&begins, FindingCode::SessionMultipleBegin),
            (&ends, FindingCode::SessionMultipleEnd),
        ] {
            if let Some(x) = list.get(1).and_then(|i| billing.get(*i)) {
                sink.add(
                    code,
                    Some(x.record),
                    at("TX", Some(x.reading), x.r.reason.as_ref(), x.r.span),
                    Some(name.clone()),
                );
            }
        }
        if let (Some(bi), Some(ei)) = (b, e) {
            if ei < bi {
                if let Some(x) = billing.get(ei) {
                    sink.add(
                        FindingCode::SessionEndBeforeBegin,
                        Some(x.record),
                        at("TX", Some(x.reading), x.r.reason.as_ref(), x.r.span),
                        Some(name.clone()),
                    );
                }
            }
        }
        for x in [bb, eb].into_iter().flatten() {
            if x.wh.is_none() {
                sink.add(
                    FindingCode::SessionValueMissing,
                    Some(x.record),
                    Some((
                        "RV",
                        Some(x.reading),
                        Some(x.r.value.map_or(x.r.span, |d| d.span)),
                    )),
                    Some(name.clone()),
                );
            }
            if x.ts.is_none() {
                sink.add(
                    FindingCode::SessionTimeMissing,
                    Some(x.record),
                    at("TM", Some(x.reading), x.r.time.as_ref(), x.r.span),
                    Some(name.clone()),
                );
            }
        }
        if let Some(x) = eb.filter(|x| matches!(x.reason(), Some("A" | "P"))) {
            sink.once(
                FindingCode::SessionEndedAbnormally,
                Some(x.record),
                x.reason().map(|r| format!("TX {r}")),
            );
        }
        if let (Some(x), Some(y)) = (bb, eb) {
            let ei = |z: &Billing<'_, '_>| z.raw.extra("EI").map(|v| v.get().trim().to_owned());
            if ei(y).is_some() && ei(x) != ei(y) {
                sink.add(
                    FindingCode::SessionMeterError,
                    Some(y.record),
                    Some(("EI", Some(y.reading), Some(y.r.span))),
                    Some(String::from("event counter EI changed")),
                );
            }
        }
        // Values never go down, times never go back.
        let mut last_wh: Option<ExactDecimal> = None;
        let mut last_ms: Option<i64> = None;
        let mut last_cl: Option<ExactDecimal> = None;
        for x in regs.iter().filter_map(|i| billing.get(*i)) {
            if let Some(v) = x.wh {
                if last_wh.is_some_and(|l| v < l) {
                    sink.add(
                        FindingCode::SessionValueDecreasing,
                        Some(x.record),
                        Some((
                            "RV",
                            Some(x.reading),
                            Some(x.r.value.map_or(x.r.span, |d| d.span)),
                        )),
                        Some(format!("{name}: {} Wh -> {v} Wh", last_wh.unwrap_or(v))),
                    );
                }
                last_wh = Some(v);
            }
            if let Some(t) = x.ts {
                let ms = t.unix_millis();
                if last_ms.is_some_and(|l| ms < l) {
                    sink.add(
                        FindingCode::SessionTimeOrder,
                        Some(x.record),
                        at("TM", Some(x.reading), x.r.time.as_ref(), x.r.span),
                        Some(name.clone()),
                    );
                }
                last_ms = Some(ms);
            }
            if let Some(cl) = x.raw.cumulated_loss.as_ref() {
                any_cl = true;
                let bad = match cl.exact() {
                    None => true,
                    Some(v) => {
                        v.is_negative()
                            || (x.is_begin() && v.mantissa != 0)
                            || last_cl.is_some_and(|l| v < l)
                    }
                };
                if bad {
                    sink.add(
                        FindingCode::SessionCableLossInvalid,
                        Some(x.record),
                        Some(("CL", Some(x.reading), Some(cl.span))),
                        Some(format!("CL {}", cl.as_str().trim())),
                    );
                }
                last_cl = cl.exact().or(last_cl);
            }
        }
        let energy_wh = match (bb.and_then(|x| x.wh), eb.and_then(|x| x.wh)) {
            (Some(x), Some(y)) => y.checked_sub(x),
            _ => None,
        };
        report.registers.push(RegisterSummary {
            register: key.clone(),
            compensated: regs
                .first()
                .and_then(|i| billing.get(*i))
                .is_some_and(|x| x.compensated),
            unit: eb.or(bb).map(|x| x.unit),
            begin: bb.and_then(|x| x.value),
            end: eb.and_then(|x| x.value),
            energy_wh,
            begin_record: bb.map(|x| x.record),
            end_record: eb.map(|x| x.record),
            end_reason: eb.and_then(|x| x.reason().map(str::to_owned)),
        });
        if primary.is_none() {
            if let (Some(bi), Some(ei)) = (b, e) {
                primary = Some((bi, ei));
            }
        }
    }

    // Records before the begin record or after the end record.
    if let Some((bi, ei)) = primary {
        if let (Some(bx), Some(ex)) = (billing.get(bi), billing.get(ei)) {
            for (pos, (o, _)) in parsed.iter().enumerate() {
                if pos < bx.pos.min(ex.pos) || pos > ex.pos.max(bx.pos) {
                    sink.add(FindingCode::SessionRecordOutside, Some(o.index), None, None);
                }
            }
        }
    }

    // Time status: the weakest wins.
    let weakest = billing
        .iter()
        .filter_map(|b| b.ts.map(|t| t.status))
        .min_by_key(|s| s.rank());
    report.time_status = weakest;
    match weakest {
        Some(TimeStatus::Unknown) => sink.once(FindingCode::SessionTimeUnknown, None, None),
        Some(TimeStatus::Informative) => {
            sink.once(FindingCode::SessionTimeInformative, None, None);
        }
        _ => {}
    }

    // Cable-loss parameters.
    let mut first_lc: Option<&str> = None;
    let mut any_lc = false;
    for (o, u) in &parsed {
        let Some(lc) = &u.payload.cable_loss else {
            continue;
        };
        any_lc = true;
        let text = u
            .envelope
            .record
            .get(lc.span.start..lc.span.end)
            .unwrap_or("");
        match first_lc {
            None => first_lc = Some(text),
            Some(f) if f != text => sink.add(
                FindingCode::SessionCableLossChanged,
                Some(o.index),
                Some(("LC", None, Some(lc.span))),
                None,
            ),
            Some(_) => {}
        }
    }
    if any_cl && !any_lc {
        sink.once(FindingCode::SessionCableLossWithoutParameters, None, None);
    }

    // 7. Energy, times and duration from the billing register.
    let Some((bi, ei)) = primary else { return };
    let (Some(b), Some(e)) = (billing.get(bi), billing.get(ei)) else {
        return;
    };
    if let (Some(bt), Some(et)) = (b.ts, e.ts) {
        if bt.status == TimeStatus::Relative && et.status != TimeStatus::Relative {
            sink.add(
                FindingCode::SessionTimeRelativeMismatch,
                Some(e.record),
                at("TM", Some(e.reading), e.r.time.as_ref(), e.r.span),
                None,
            );
        }
        report.duration_ms = et.unix_millis().checked_sub(bt.unix_millis());
    }
    report.start = session_time(b);
    report.end = session_time(e);
    let cable_loss = e
        .raw
        .cumulated_loss
        .as_ref()
        .and_then(crate::payload::Decimal::exact);
    if any_lc || any_cl {
        sink.once(
            FindingCode::SessionCableLoss,
            None,
            cable_loss.map(|c| format!("{c} {}", e.unit.as_str())),
        );
    }
    let energy = match (b.value, e.value) {
        (Some(bv), Some(ev)) if b.unit == e.unit => ev.checked_sub(bv).and_then(|d| {
            let (kwh, wh) = match e.unit {
                EnergyUnit::Kwh => (d, d.shift(3)?),
                EnergyUnit::Wh => (d.shift(-3)?, d),
            };
            Some((e.unit, d, kwh, wh))
        }),
        _ => match (b.wh, e.wh) {
            (Some(x), Some(y)) => y
                .checked_sub(x)
                .and_then(|d| Some((EnergyUnit::Wh, d, d.shift(-3)?, d))),
            _ => None,
        },
    };
    if let (Some((unit, value, kwh, wh)), Some(bv), Some(ev)) = (energy, b.value, e.value) {
        report.energy = Some(Energy {
            register: b.register.clone(),
            unit,
            value,
            kwh,
            wh,
            begin: bv,
            end: ev,
            cable_loss,
        });
    }
}
