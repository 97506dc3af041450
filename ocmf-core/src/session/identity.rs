//! Identity (steps 4 and 5): one meter (`MS`, `GS`) and one key for all
//! records, and the user identification (`IL`, `IS`, `IT`, `ID`).

use alloc::{borrow::ToOwned, format, string::String};

use super::{Parsed, SessionReport, Sink, at, text_of};
use crate::error::Span;
use crate::finding::FindingCode;
use crate::lint::IL_ERRORS;
use crate::payload::UserAssigned;
use crate::record::Unverified;

/// The same `MS` and the same `GS` in every record that states one; the
/// first of each is the session's.
pub(super) fn meter(parsed: &[Parsed<'_, '_>], sink: &mut Sink, report: &mut SessionReport<'_>) {
    for field in ["MS", "GS"] {
        let mut first: Option<String> = None;
        for (o, u) in parsed {
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
}

/// The same key (by fingerprint) for every record: a key rotation inside a
/// session is a key change.
pub(super) fn key(parsed: &[Parsed<'_, '_>], sink: &mut Sink) {
    let mut first_key: Option<&str> = None;
    for (o, _) in parsed {
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
}

/// The user identification of a record: `IS`, `IT` and `ID`.
fn ident(u: &Unverified<'_>) -> (Option<String>, Option<String>, Option<String>) {
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
}

/// The identification level (failed, missing, unsecured) and the same user
/// identification in every record; the first stated `IL` is the session's.
pub(super) fn user(parsed: &[Parsed<'_, '_>], sink: &mut Sink, report: &mut SessionReport<'_>) {
    let first_ident = parsed.first().map(|(_, u)| ident(u));
    for (o, u) in parsed {
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
}
