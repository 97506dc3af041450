//! OCPP timestamps (RFC 3339 / ISO 8601) to milliseconds, for ordering only.
//!
//! Hand-written: a dozen lines cover the one shape OCPP uses, and a date
//! crate (chrono/time/jiff) would be the only reason to add one to the core.

/// Milliseconds since 1970 for `YYYY-MM-DD[T ]hh:mm:ss[.fff…][Z|±hh:mm|±hhmm]`
/// (no offset means UTC); `None` for anything else.
pub(crate) fn rfc3339_millis(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let d = b.get(from..from + len)?;
        d.iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let sep = |at: usize, chars: &[u8]| b.get(at).is_some_and(|c| chars.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut millis = 0i64;
    if sep(i, b".,") {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 3 {
                millis = millis * 10 + i64::from(b.get(i).copied().unwrap_or(b'0') - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start).min(3)..3 {
            millis *= 10;
        }
    }
    let offset_min = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&c @ (b'+' | b'-')) => {
            let (h, m) = match b.len() - i {
                6 if sep(i + 3, b":") => (num(i + 1, 2)?, num(i + 4, 2)?),
                5 => (num(i + 1, 2)?, num(i + 3, 2)?),
                3 => (num(i + 1, 2)?, 0),
                _ => return None,
            };
            let o = h * 60 + m;
            if c == b'-' { -o } else { o }
        }
        _ => return None,
    };
    let days = crate::grammar::days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute - offset_min) * 60_000 + second * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::rfc3339_millis as ms;

    #[test]
    fn shapes() {
        assert_eq!(ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(ms("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(ms("1970-01-01T00:00:01.123456Z"), Some(1123));
        assert_eq!(ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(ms("1970-01-01T01:00:00+0100"), Some(0));
        assert_eq!(ms("1969-12-31T23:00:00-01:00"), Some(0));
        assert_eq!(ms("1970-01-01 00:00:00"), Some(0));
        // 2024-03-01 is day 19783 (computed independently: 54 years, 13 leap days, Jan+Feb 2024 = 60).
        assert_eq!(
            ms("2024-03-01T00:00:00Z"),
            Some((54 * 365 + 13 + 60) * 86_400_000)
        );
        assert_eq!(ms("2024-13-01T00:00:00Z"), None);
        assert_eq!(ms("2024-01-01T00:00:00Q"), None);
        assert_eq!(ms("2024-01-01T00:00:00."), None);
        assert_eq!(ms("yesterday"), None);
        assert_eq!(ms(""), None);
    }
}
