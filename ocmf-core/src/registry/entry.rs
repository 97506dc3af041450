//! One entry as read from a file, before checking, and the parsing of its
//! validity bounds (shared by the JSON and the CSV form).

use alloc::{borrow::ToOwned, format, string::String};

use super::KeyEntry;
use super::error::{RegistryError, RegistryErrorKind, line_col};
use crate::error::Span;
use crate::grammar::parse_timestamp;
use crate::key::PublicKey;

/// Parses a validity bound: RFC 3339 (`2024-01-31T12:00:00Z`,
/// `…+01:00`, fractions allowed), an OCMF time (`2024-01-31T12:00:00,000+0100 S`),
/// or a date `2024-01-31` (the start of that day in UTC, or with
/// `end_of_day` its last millisecond).
pub(super) fn parse_bound(text: &str, end_of_day: bool) -> Option<i64> {
    let t = text.trim();
    if let Some(ts) = parse_timestamp(t) {
        return Some(ts.unix_millis());
    }
    let is_date = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if is_date {
        let start = parse_timestamp(&format!("{t}T00:00:00Z S"))?.unix_millis();
        return Some(if end_of_day {
            start + 86_399_999
        } else {
            start
        });
    }
    // RFC 3339 allows lower-case `t` and `z`; the OCMF grammar wants a status letter.
    let upper = t.replace('t', "T").replace('z', "Z");
    if upper.ends_with(['U', 'I', 'R', 'S']) {
        return None;
    }
    parse_timestamp(&format!("{upper} S")).map(|ts| ts.unix_millis())
}

/// Values of one entry before checking, with where each came from.
pub(super) struct RawEntry<'t> {
    pub(super) meter_serial: Option<(String, Span)>,
    pub(super) gateway_serial: Option<(String, Span)>,
    pub(super) public_key: Option<(String, Span)>,
    pub(super) valid_from: Option<(String, Span)>,
    pub(super) valid_until: Option<(String, Span)>,
    pub(super) source: Option<String>,
    pub(super) at: Span,
    pub(super) text: &'t str,
}

impl RawEntry<'_> {
    pub(super) fn build(self, default_source: &str) -> Result<KeyEntry, RegistryError> {
        let nonempty = |v: Option<(String, Span)>| {
            v.map(|(s, sp)| (s.trim().to_owned(), sp))
                .filter(|(s, _)| !s.is_empty())
        };
        let err = |kind, span, field| RegistryError::at(kind, self.text, span, Some(field));
        let ms = nonempty(self.meter_serial);
        let gs = nonempty(self.gateway_serial);
        if ms.is_none() && gs.is_none() {
            return Err(err(RegistryErrorKind::Missing, self.at, "meter_serial"));
        }
        let (key_text, key_span) = nonempty(self.public_key)
            .ok_or_else(|| err(RegistryErrorKind::Missing, self.at, "public_key"))?;
        let key = PublicKey::parse(&key_text)
            .map_err(|e| err(RegistryErrorKind::Key(e.code), key_span, "public_key"))?;
        let bound = |v: Option<(String, Span)>, end: bool, field| match nonempty(v) {
            None => Ok(None),
            Some((s, sp)) => parse_bound(&s, end)
                .map(Some)
                .ok_or_else(|| err(RegistryErrorKind::Time, sp, field)),
        };
        let until_span = self.valid_until.as_ref().map_or(self.at, |v| v.1);
        let valid_from = bound(self.valid_from, false, "valid_from")?;
        let valid_until = bound(self.valid_until, true, "valid_until")?;
        if let (Some(f), Some(u)) = (valid_from, valid_until) {
            if u < f {
                return Err(err(RegistryErrorKind::Window, until_span, "valid_until"));
            }
        }
        let source = self
            .source
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default_source.to_owned());
        Ok(KeyEntry {
            meter_serial: ms.map(|v| v.0),
            gateway_serial: gs.map(|v| v.0),
            key,
            valid_from,
            valid_until,
            source,
            line: line_col(self.text, self.at.start).0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(parse_bound("1970-01-01", false), Some(0));
        assert_eq!(parse_bound("1970-01-01", true), Some(86_399_999));
        assert_eq!(parse_bound("1970-01-01T01:00:00+01:00", false), Some(0));
        assert_eq!(parse_bound("1970-01-01t00:00:01.5z", false), Some(1500));
        assert_eq!(
            parse_bound("1970-01-01T00:00:02,000+0000 S", false),
            Some(2000)
        );
        assert_eq!(parse_bound("1970-01-01T00:00:02", false), None);
        assert_eq!(parse_bound("yesterday", false), None);
    }
}
