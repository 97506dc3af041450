//! The verdict precedence, in one place: which verdict an `error` finding
//! leads to, and which finding (and error code) decides the session.
//!
//! Only `error` findings decide. Malformed wins over invalid, invalid over
//! incomplete; without any, the session is valid. The deciding finding is
//! the first one of the strongest class: for a record that cannot be read,
//! is rejected or cannot be checked, the session's error is that record's
//! own error; otherwise it is the finding's escalation code.

use core::fmt;

use super::{SessionFinding, SessionRecordOutcome};
use crate::error::{Error, Lang};
use crate::finding::{FindingCode, Severity};

/// The verdict on a whole session (see the [`session`](super) module).
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

/// Which verdict an `error` finding of this code leads to (also for the
/// sessions of the other formats, `formats::session`).
pub(crate) const fn effect(code: FindingCode) -> SessionVerdict {
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

/// The session verdict from its findings: the strongest class among `error`
/// findings, and the error behind it (`None` when valid).
pub(super) fn decide(
    findings: &[SessionFinding],
    outcomes: &[SessionRecordOutcome<'_>],
) -> (SessionVerdict, Option<Error>) {
    let deciding = findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| effect(f.finding.code))
        .max();
    let Some(v) = deciding else {
        return (SessionVerdict::Valid, None);
    };
    let Some(f) = findings
        .iter()
        .find(|f| f.finding.severity == Severity::Error && effect(f.finding.code) == v)
    else {
        return (v, None);
    };
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
    let error = match (from_record, record_error) {
        (true, Some(e)) => Error { span: None, ..e },
        _ => {
            let mut e = Error::new(f.finding.code.escalation());
            e.field = f.finding.field;
            e
        }
    };
    (v, Some(error))
}
