//! Cable-loss compensation: the same `LC` in every record; `CL` (as
//! written, not carried forward: the carry-forward rule would copy one
//! register's loss onto the next) never negative, zero at `TX=B`, never
//! decreasing; and the loss at the end of the session.

use alloc::format;

use super::readings::Billing;
use super::{Parsed, Sink};
use crate::decimal::ExactDecimal;
use crate::finding::FindingCode;

/// Checks the `CL` of one billing reading against the register's previous
/// one (`last_cl`, updated). Returns whether the reading states a `CL`.
pub(super) fn reading(
    x: &Billing<'_, '_>,
    last_cl: &mut Option<ExactDecimal>,
    sink: &mut Sink,
) -> bool {
    let Some(cl) = x.raw.cumulated_loss.as_ref() else {
        return false;
    };
    let bad = match cl.exact() {
        None => true,
        Some(v) => {
            v.is_negative() || (x.is_begin() && v.mantissa != 0) || last_cl.is_some_and(|l| v < l)
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
    *last_cl = cl.exact().or(*last_cl);
    true
}

/// The cable-loss parameters `LC`: the same text in every record that has
/// them, and present when a reading states a loss (`any_cl`). Returns
/// whether any record has them.
pub(super) fn parameters(parsed: &[Parsed<'_, '_>], any_cl: bool, sink: &mut Sink) -> bool {
    let mut first_lc: Option<&str> = None;
    let mut any_lc = false;
    for (o, u) in parsed {
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
    any_lc
}

/// The cumulated loss at the session's end reading `e` (`CL`, in its unit),
/// noted once when the session states cable-loss compensation (`stated`).
pub(super) fn at_end(e: &Billing<'_, '_>, stated: bool, sink: &mut Sink) -> Option<ExactDecimal> {
    let cable_loss = e
        .raw
        .cumulated_loss
        .as_ref()
        .and_then(crate::payload::Decimal::exact);
    if stated {
        sink.once(
            FindingCode::SessionCableLoss,
            None,
            cable_loss.map(|c| format!("{c} {}", e.unit.as_str())),
        );
    }
    cable_loss
}
