//! Extraction → sessions: every group of an [`Extraction`] evaluated as one
//! charging session. One function, so the CLI and every binding give the
//! same answer for the same log.

use alloc::{string::String, vec::Vec};

use serde::Serialize;
use serde_json::Value;

use super::{Extraction, Group};
use crate::Checker;
use crate::checker::KeyInput;
use crate::error::Lang;
use crate::formats::check::FormatCheckJson;
use crate::formats::session::FormatSessionJson;
use crate::formats::{FormatCheck, FormatSession};
use crate::json::{ExtractionJson, to_string, to_value};
use crate::session::json::SessionJson;
use crate::session::{
    Claims, SessionContext, SessionRecord, SessionReport, SessionVerdict, evaluate_claimed,
};

/// One group of an extraction and its session verdict.
#[derive(Debug, Clone)]
pub struct GroupReport<'a> {
    /// The group (station, transaction, EVSE, value indices).
    pub group: Group,
    /// The session evaluated from the group's OCMF values, in session order
    /// (a group of values in other formats only has no OCMF session: its
    /// report is `malformed` with `session_empty`, and
    /// [`GroupReport::format_session`] answers; [`GroupReport::verdict`]
    /// is the group's verdict either way).
    pub report: SessionReport<'a>,
    /// The format check of each value of the group in another format
    /// ([`SignedValue::format`](super::SignedValue::format)), in session order.
    pub formats: Vec<ValueFormatCheck>,
    /// The values in other formats checked together as one session
    /// ([`Checker::format_session`](crate::Checker::format_session)), in
    /// session order (its value `i` is [`GroupReport::formats`]`[i]`), when
    /// the group has such values.
    pub format_session: Option<FormatSession>,
}

/// The format check of one value of an extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValueFormatCheck {
    /// The index into [`Extraction::values`].
    pub value: usize,
    /// What [`Checker::verify_format`](crate::Checker::verify_format) answers for it.
    pub check: FormatCheck,
}

impl GroupReport<'_> {
    /// Whether the group holds an OCMF value (so that [`GroupReport::report`]
    /// is a session of its values, not an empty one).
    #[must_use]
    pub fn has_ocmf(&self) -> bool {
        self.group.values.len() > self.formats.len()
    }

    /// The group's verdict: its OCMF session's, its format session's, or
    /// the worse of the two when it holds both kinds of value.
    #[must_use]
    pub fn verdict(&self) -> SessionVerdict {
        match (&self.format_session, self.has_ocmf()) {
            (None, _) => self.report.verdict,
            (Some(f), false) => f.verdict,
            (Some(f), true) => f.verdict.max(self.report.verdict),
        }
    }
}

/// The JSON of a [`ValueFormatCheck`].
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ValueFormatCheck"))]
pub(crate) struct ValueFormatCheckJson<'a> {
    /// The format check.
    check: FormatCheckJson<'a>,
    /// The index into the extraction's `values`.
    value: usize,
}

/// The JSON of a [`GroupReport`] (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "GroupSession"))]
pub(crate) struct GroupReportJson<'a> {
    /// The EVSE (or connector) the values name.
    evse: Option<u32>,
    /// The EVSE id as text (charge detail records).
    evse_id: Option<&'a str>,
    /// The values in other formats checked as one session (null when the
    /// group has none).
    format_session: Option<FormatSessionJson<'a>>,
    /// The format check of each value in another format than OCMF.
    formats: Vec<ValueFormatCheckJson<'a>>,
    /// The session's report (of the OCMF values).
    report: SessionJson<'a>,
    /// The station id.
    station: Option<&'a str>,
    /// The token that started the session (charge detail records).
    token: Option<&'a str>,
    /// The transaction id.
    transaction_id: Option<&'a str>,
    /// Indices into the extraction's `values`, in session order.
    values: &'a [usize],
    /// The group's verdict: the OCMF session's, the format session's, or
    /// the worse of the two.
    #[cfg_attr(
        feature = "schema",
        schemars(with = "crate::schema::SessionVerdictWord")
    )]
    verdict: &'static str,
}

/// `{extraction, sessions}` (fields in sorted order).
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ExtractionWithSessions"))]
pub(crate) struct SessionsJson<'a> {
    /// What was found in the input.
    extraction: ExtractionJson<'a>,
    /// Every session of the extraction, checked.
    sessions: Vec<GroupReportJson<'a>>,
}

impl GroupReport<'_> {
    fn json(&self, lang: Lang) -> GroupReportJson<'_> {
        GroupReportJson {
            evse: self.group.evse,
            evse_id: self.group.evse_id.as_deref(),
            format_session: self
                .format_session
                .as_ref()
                .map(|f| FormatSessionJson::new(f, lang)),
            formats: self
                .formats
                .iter()
                .map(|f| ValueFormatCheckJson {
                    check: FormatCheckJson::new(&f.check, lang),
                    value: f.value,
                })
                .collect(),
            report: self.report.json(lang),
            station: self.group.station.as_deref(),
            token: self.group.token.as_deref(),
            transaction_id: self.group.transaction_id.as_deref(),
            values: &self.group.values,
            verdict: self.verdict().as_str(),
        }
    }

    /// `{evse, evse_id, format_session, formats, report, station, token,
    /// transaction_id, values, verdict}`.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        to_value(&self.json(lang))
    }

    /// [`GroupReport::to_json`] as compact text (keys sorted, stable).
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        to_string(&self.json(lang))
    }
}

impl Extraction {
    /// Evaluates every group ([`Extraction::groups`]) as one session. Each
    /// value's carried key goes with it; its OCPP message id is the label.
    /// A group of values from a charge detail record is also checked
    /// against what the CDR claims (billed energy, plain text). A value in
    /// another format is checked on its own ([`Checker::verify_format`]
    /// with the user's key, else the key carried with it, else the key
    /// inside the value) and left out of the OCMF session; the group's
    /// values in other formats form a format session of their own.
    #[must_use]
    pub(crate) fn sessions(&self, ctx: &SessionContext<'_>) -> Vec<GroupReport<'_>> {
        let checker = Checker::new()
            .with_options(ctx.options)
            .registry(ctx.registry);
        self.groups()
            .into_iter()
            .map(|group| {
                let values = || {
                    group
                        .values
                        .iter()
                        .filter_map(|&i| self.values.get(i).map(|v| (i, v)))
                };
                let records: Vec<SessionRecord<'_>> = values()
                    .filter(|(_, v)| v.format.is_none())
                    .map(|(_, v)| SessionRecord {
                        record: &v.record,
                        key: v.public_key.as_deref(),
                        label: v.origin.message_id.as_deref(),
                    })
                    .collect();
                let (format_session, formats) = self.format_values(&checker, ctx, &group);
                let ocmf = || values().map(|(_, v)| v).filter(|v| v.format.is_none());
                let from_cdr = ocmf().any(|v| v.transport.is_cdr());
                let claims = from_cdr.then(|| Claims {
                    billed_kwh: ocmf().find_map(|v| v.billed_kwh),
                    plain_data: ocmf().map(|v| v.plain_data.as_deref()).collect(),
                });
                let report = evaluate_claimed(&records, ctx, claims.as_ref());
                GroupReport {
                    group,
                    report,
                    formats,
                    format_session,
                }
            })
            .collect()
    }

    /// The group's values in other formats: each one's check (with the
    /// key its container carried) and their session.
    fn format_values(
        &self,
        checker: &Checker<'_>,
        ctx: &SessionContext<'_>,
        group: &Group,
    ) -> (Option<FormatSession>, Vec<ValueFormatCheck>) {
        let found: Vec<(usize, &super::SignedValue)> = group
            .values
            .iter()
            .filter_map(|&i| self.values.get(i).map(|v| (i, v)))
            .filter(|(_, v)| v.format.is_some())
            .collect();
        if found.is_empty() {
            return (None, Vec::new());
        }
        let inputs: Vec<&[u8]> = found.iter().map(|(_, v)| v.record.as_bytes()).collect();
        let key = ctx.key.map_or(KeyInput::None, KeyInput::Decoded);
        let session = checker.format_session_of(&inputs, |n, input| {
            checker.verify_format_carried(input, key, found[n].1.public_key.as_deref())
        });
        let formats = found
            .iter()
            .zip(&session.values)
            .map(|(&(value, _), v)| ValueFormatCheck {
                value,
                check: v.check.clone(),
            })
            .collect();
        (Some(session), formats)
    }

    /// `{extraction, sessions}` from sessions already evaluated with
    /// [`Checker::sessions`](crate::Checker::sessions) (so a caller that also needs the typed
    /// reports evaluates once).
    #[must_use]
    pub fn json_with_sessions(&self, sessions: &[GroupReport<'_>], lang: Lang) -> Value {
        let groups = self.groups();
        to_value(&self.sessions_view(&groups, sessions, lang))
    }

    /// [`Extraction::json_with_sessions`] as compact text, written straight
    /// from the views.
    #[must_use]
    pub fn json_with_sessions_string(&self, sessions: &[GroupReport<'_>], lang: Lang) -> String {
        let groups = self.groups();
        to_string(&self.sessions_view(&groups, sessions, lang))
    }

    fn sessions_view<'v>(
        &'v self,
        groups: &'v [Group],
        sessions: &'v [GroupReport<'_>],
        lang: Lang,
    ) -> SessionsJson<'v> {
        SessionsJson {
            extraction: ExtractionJson::new(self, groups),
            sessions: sessions.iter().map(|g| g.json(lang)).collect(),
        }
    }
}
