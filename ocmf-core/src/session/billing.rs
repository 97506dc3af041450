//! What a charge detail record claims about its session, checked against
//! what the meter signed: the billed energy, and the plain text shown for
//! each signed value.

use alloc::{format, vec::Vec};
use core::cmp::Ordering;

use super::{SessionRecordOutcome, SessionReport, Sink};
use crate::decimal::ExactDecimal;
use crate::finding::FindingCode;

/// What a CDR says about one session (crate-internal: the roaming transports fill it).
#[derive(Debug, Clone, Default)]
pub(crate) struct Claims<'a> {
    /// The billed energy in kWh, as the CDR wrote it.
    pub(crate) billed_kwh: Option<ExactDecimal>,
    /// The plain text shown for each record, by input index.
    pub(crate) plain_data: Vec<Option<&'a str>>,
}

/// The billed energy of a CDR compared with the energy the meter signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BilledEnergy {
    /// The energy billed, in kWh, exactly as the CDR wrote it.
    pub billed_kwh: ExactDecimal,
    /// The signed energy (end − begin register), in kWh; `None` when the
    /// session has no begin and end reading (it is then incomplete).
    pub signed_kwh: Option<ExactDecimal>,
    /// Whether the signed energy, rounded half away from zero to the
    /// decimals of the billed value, equals it; `None` without signed energy.
    pub agrees: Option<bool>,
}

/// `d` rounded half away from zero to `scale` decimals (unchanged when it has fewer).
fn round_half_away(d: ExactDecimal, scale: u32) -> Option<ExactDecimal> {
    if d.scale <= scale {
        return d.rescale(scale);
    }
    let div = 10i128.checked_pow(d.scale - scale)?;
    let (q, r) = (d.mantissa / div, d.mantissa % div);
    let up = r.unsigned_abs().checked_mul(2)? >= div.unsigned_abs();
    let q = if up { q + d.mantissa.signum() } else { q };
    Some(ExactDecimal { mantissa: q, scale })
}

/// Whether the signed energy, rounded to the billed value's decimals, is the billed value.
#[must_use]
pub(crate) fn agrees(billed: ExactDecimal, signed: ExactDecimal) -> bool {
    round_half_away(signed, billed.scale).is_some_and(|r| r.cmp(&billed) == Ordering::Equal)
}

/// The payload section of a record (`OCMF|<payload>|<signature>`).
fn payload(record: &str) -> Option<&str> {
    record
        .strip_prefix("OCMF|")?
        .rsplit_once('|')
        .map(|(p, _)| p)
}

/// Whether `plain` shows the signed payload: the same bytes as the payload
/// section (or as the whole record), else the same JSON value.
fn shows(plain: &str, record: &str) -> bool {
    let Some(signed) = payload(record) else {
        return false;
    };
    if plain == signed || plain.trim() == record {
        return true;
    }
    let shown = payload(plain.trim()).unwrap_or(plain);
    if shown == signed {
        return true;
    }
    match (
        serde_json::from_str::<serde_json::Value>(shown),
        serde_json::from_str::<serde_json::Value>(signed),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Checks the claims: every record's plain text, then the billed energy.
pub(super) fn check(
    claims: &Claims<'_>,
    records: &[&str],
    outcomes: &[SessionRecordOutcome<'_>],
    sink: &mut Sink,
    report: &mut SessionReport<'_>,
) {
    for o in outcomes.iter().filter(|o| o.duplicate_of.is_none()) {
        let plain = claims.plain_data.get(o.index).copied().flatten();
        let record = records.get(o.index).copied().unwrap_or("");
        if let Some(p) = plain {
            if !shows(p, record) {
                sink.add(
                    FindingCode::PlainDataMismatch,
                    Some(o.index),
                    None,
                    Some(format!("record {}", o.index)),
                );
            }
        }
    }
    let Some(billed) = claims.billed_kwh else {
        return;
    };
    let signed = report.energy.as_ref().map(|e| e.kwh);
    let agree = signed.map(|s| agrees(billed, s));
    if let (Some(s), Some(false)) = (signed, agree) {
        sink.add(
            FindingCode::BilledEnergyMismatch,
            None,
            None,
            Some(format!("billed {billed} kWh, signed {s} kWh")),
        );
    }
    report.billed = Some(BilledEnergy {
        billed_kwh: billed,
        signed_kwh: signed,
        agrees: agree,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> ExactDecimal {
        ExactDecimal::parse(s).unwrap_or(ExactDecimal {
            mantissa: i128::MAX,
            scale: 0,
        })
    }

    #[test]
    fn rounding_is_half_away_from_zero_to_the_billed_decimals() {
        assert!(agrees(d("7.83"), d("7.825")));
        assert!(!agrees(d("7.82"), d("7.825")));
        assert!(agrees(d("2.37"), d("2.37234")));
        assert!(!agrees(d("2.38"), d("2.37234")));
        assert!(agrees(d("2.372"), d("2.37234")));
        assert!(agrees(d("2.3723400"), d("2.37234")));
        assert!(!agrees(d("2.3723"), d("2.37236")));
        assert!(agrees(d("0.15"), d("0.150")));
        assert!(agrees(d("0"), d("0.4")));
        assert!(!agrees(d("0"), d("0.5")));
        assert!(agrees(d("-1"), d("-0.5")));
        assert!(agrees(d("12"), d("12.0")));
    }

    #[test]
    fn plain_data_is_the_payload_or_the_record() {
        let r = r#"OCMF|{"a":1, "b":2}|{"SD":"00"}"#;
        assert!(shows(r#"{"a":1, "b":2}"#, r));
        assert!(shows(r, r));
        assert!(shows(r#"{"b":2,"a":1}"#, r));
        assert!(shows(r#"OCMF|{"b":2,"a":1}|{"SD":"11"}"#, r));
        assert!(!shows(r#"{"a":1,"b":3}"#, r));
        assert!(!shows("1.23 kWh", r));
    }
}
