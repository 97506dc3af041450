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
//! * every record on its own ([`Checker::verify`](crate::Checker::verify) under the profile),
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
//! use ocmf_core::{Checker, KeyInput};
//! use ocmf_core::session::{SessionRecord, SessionVerdict};
//!
//! // A KEBA record carrying both the begin and the end reading.
//! let record = r#"OCMF|{"FV":"1.0","GI":"KEBA_KCP30","GS":"17619300","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"},{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"304502200E2F107C987A300AC1695CA89EA149A8CDFA16188AF0A33EE64B67964AA943F9022100889A72B6D65364BEA8562E7F6A0253157ACFF84FE4929A93B5964D23C4265699"}"#;
//! let key = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";
//! let report = Checker::new().session(&[SessionRecord::new(record)], KeyInput::Text(key))?;
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
//!
//! # Where the passes live
//!
//! `evaluate` ([`Checker::session`](crate::Checker::session)) checks each record on its own, then runs the passes in the
//! order above, each in its own file: `trust` (record verdicts and key
//! trust), `pagination`, `identity` (meter, key, user), `readings` (billing
//! registers, meter state, time status, energy), `cable_loss`; `verdict`
//! turns the findings into the session verdict, `json` writes the report.

mod billing;
mod cable_loss;
mod identity;
pub(crate) mod json;
mod pagination;
mod readings;
mod trust;
pub(crate) mod verdict;

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};

use crate::decimal::ExactDecimal;
use crate::error::{Error, ErrorCode, Lang, Span};
use crate::finding::{Finding, FindingCode, Profile};
use crate::grammar::{Pagination, TimeStatus};
use crate::key::PublicKey;
use crate::payload::Text;
use crate::record::{Options, Report, Unverified};
use crate::registry::{Registry, Trust, check_resolved};

pub use billing::BilledEnergy;
pub(crate) use billing::Claims;
pub use verdict::SessionVerdict;

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
    /// The input index of an earlier copy of this record (this copy was
    /// ignored): the same signed bytes and the same signature in any accepted
    /// encoding (DER or raw `r‖s`, hex case, base64, (r, n − s)).
    pub duplicate_of: Option<usize>,
    /// The record's own report, with its key trust ([`Report::trust`]).
    pub checked: Report<'a>,
}

/// The result of [`Checker::session`](crate::Checker::session).
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
    /// The billed energy of the charge detail record the session came from,
    /// compared with the signed energy; `None` for sessions without one.
    pub billed: Option<BilledEnergy>,
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

/// A readable record of the session with its parsed form, in session order.
type Parsed<'x, 'a> = (&'x SessionRecordOutcome<'a>, &'x Unverified<'a>);

/// Checks the records of one charging session together: the rule behind
/// [`Checker::session`](crate::Checker::session).
///
/// Never fails: an empty input gives [`SessionVerdict::Malformed`] with
/// [`ErrorCode::SessionEmpty`]. See the module documentation for the checks
/// and the verdict rules.
#[must_use]
pub(crate) fn evaluate<'a>(
    records: &[SessionRecord<'a>],
    ctx: &SessionContext<'_>,
) -> SessionReport<'a> {
    evaluate_claimed(records, ctx, None)
}

/// [`evaluate`], then the claims of the charge detail record the records
/// came from (billed energy, plain text) checked against what was signed.
#[must_use]
pub(crate) fn evaluate_claimed<'a>(
    records: &[SessionRecord<'a>],
    ctx: &SessionContext<'_>,
    claims: Option<&Claims<'_>>,
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
        billed: None,
    };
    if records.is_empty() {
        sink.add(FindingCode::SessionEmpty, None, None, None);
        report.error = Some(Error::new(ErrorCode::SessionEmpty));
        report.findings = sink.out;
        return report;
    }

    let outcomes = check_records(records, ctx);
    analyse(&outcomes, ctx, &mut sink, &mut report);
    if let Some(claims) = claims {
        let texts: Vec<&str> = records.iter().map(|r| r.record).collect();
        billing::check(claims, &texts, &outcomes, &mut sink, &mut report);
    }
    let (verdict, error) = verdict::decide(&sink.out, &outcomes);
    report.verdict = verdict;
    report.error = error;
    report.records = outcomes;
    report.findings = sink.out;
    report
}

/// Step 1, each record on its own, with the key it is checked with (the user's,
/// else its carried key, resolved through the registry), sorted by
/// pagination. A copy of an earlier record (the same signed bytes and
/// signature, however the signature is encoded) gets that record's report
/// and is marked as a duplicate.
fn check_records<'a>(
    records: &[SessionRecord<'a>],
    ctx: &SessionContext<'_>,
) -> Vec<SessionRecordOutcome<'a>> {
    let mut outcomes: Vec<SessionRecordOutcome<'a>> = Vec::with_capacity(records.len());
    // Keyed by the signed bytes and the normalised (r, s), so a re-encoded
    // copy (DER / raw r‖s, hex case, base64, (r, n − s)) is a duplicate too.
    let mut seen: BTreeMap<[u8; 32], usize> = BTreeMap::new();
    for (index, r) in records.iter().enumerate() {
        let identity = crate::record::record_identity(r.record);
        if let Some(&first) = seen.get(&identity) {
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
        seen.insert(identity, index);
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
    outcomes
}

/// The passes over the checked records, in the documented order.
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
    trust::check(&live, ctx, sink, report);

    // The readable records, in session order.
    let parsed: Vec<Parsed<'_, '_>> = live
        .iter()
        .filter_map(|o| o.checked.record.as_ref().map(|u| (*o, u)))
        .collect();
    if parsed.is_empty() {
        return;
    }

    // 3. Pagination.
    pagination::check(&parsed, sink);
    // 4. One meter, one key.
    identity::meter(&parsed, sink, report);
    identity::key(&parsed, sink);
    // 5. Identification.
    identity::user(&parsed, sink, report);
    // 6. and 7. Readings, registers, time status, cable loss and energy.
    readings::check(&parsed, sink, report);
}
