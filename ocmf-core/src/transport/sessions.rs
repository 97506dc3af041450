//! Extraction → sessions: every group of an [`Extraction`] evaluated as one
//! charging session. One function, so the CLI and every binding give the
//! same answer for the same log.

use alloc::{string::String, vec::Vec};

use serde_json::{Value, json};

use super::{Extraction, Group};
use crate::error::Lang;
use crate::session::{SessionContext, SessionRecord, SessionReport, evaluate};

/// One group of an extraction and its session verdict.
#[derive(Debug, Clone)]
pub struct GroupReport<'a> {
    /// The group (station, transaction, EVSE, value indices).
    pub group: Group,
    /// The session evaluated from the group's values, in session order.
    pub report: SessionReport<'a>,
}

impl GroupReport<'_> {
    /// `{station, transaction_id, evse, values, report}`.
    #[must_use]
    pub fn to_json(&self, lang: Lang) -> Value {
        json!({
            "station": self.group.station,
            "transaction_id": self.group.transaction_id,
            "evse": self.group.evse,
            "values": self.group.values,
            "report": self.report.to_json(lang),
        })
    }

    /// [`GroupReport::to_json`] as compact text (keys sorted, stable).
    #[must_use]
    pub fn to_json_string(&self, lang: Lang) -> String {
        serde_json::to_string(&self.to_json(lang)).unwrap_or_default()
    }
}

impl Extraction {
    /// Evaluates every group ([`Extraction::groups`]) as one session. Each
    /// value's carried key goes with it; its OCPP message id is the label.
    #[must_use]
    pub(crate) fn sessions(&self, ctx: &SessionContext<'_>) -> Vec<GroupReport<'_>> {
        self.groups()
            .into_iter()
            .map(|group| {
                let records: Vec<SessionRecord<'_>> = group
                    .values
                    .iter()
                    .filter_map(|&i| self.values.get(i))
                    .map(|v| SessionRecord {
                        record: &v.record,
                        key: v.public_key.as_deref(),
                        label: v.origin.message_id.as_deref(),
                    })
                    .collect();
                let report = evaluate(&records, ctx);
                GroupReport { group, report }
            })
            .collect()
    }

    /// `{extraction, sessions}` from sessions already evaluated with
    /// [`Checker::sessions`](crate::Checker::sessions) (so a caller that also needs the typed
    /// reports evaluates once).
    #[must_use]
    pub fn json_with_sessions(&self, sessions: &[GroupReport<'_>], lang: Lang) -> Value {
        let sessions: Vec<Value> = sessions.iter().map(|g| g.to_json(lang)).collect();
        json!({"extraction": self.to_json(), "sessions": sessions})
    }
}
