//! Pagination (step 3): one context (`T`, not mixed with `F`), no
//! duplicates, no gaps between consecutive counters.

use alloc::{borrow::ToOwned, format, vec::Vec};

use super::{Parsed, SessionRecordOutcome, Sink};
use crate::finding::FindingCode;
use crate::grammar::Pagination;
use crate::record::Unverified;

/// Checks the pagination of the readable records (in session order).
pub(super) fn check(parsed: &[Parsed<'_, '_>], sink: &mut Sink) {
    if parsed.len() > 1 {
        for (o, u) in parsed {
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
}
