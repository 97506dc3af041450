//! Record verdicts and key trust (step 2): each record's own verdict as a session
//! finding, and the key decision of each record (expired, mismatching,
//! untrusted); the session's trust is the weakest.

use alloc::string::String;

use super::{SessionContext, SessionRecordOutcome, SessionReport, Sink};
use crate::error::Verdict;
use crate::finding::{FindingCode, Severity};
use crate::record::Report;
use crate::registry::Trust;

/// Reports every live record's verdict and key trust, and sets the
/// session's trust to the weakest ([`Trust::rank`]).
pub(super) fn check(
    live: &[&SessionRecordOutcome<'_>],
    ctx: &SessionContext<'_>,
    sink: &mut Sink,
    report: &mut SessionReport<'_>,
) {
    for o in live {
        record_verdict(o, sink);
        match o.checked.trust_status() {
            Trust::Untrusted
                if o.checked.signature_valid == Some(true)
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
}

/// The record's own verdict as a session finding (none when valid).
fn record_verdict(o: &SessionRecordOutcome<'_>, sink: &mut Sink) {
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
