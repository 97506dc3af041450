//! nom grammars for the structured string fields: `TM`, `PG`, `RI` (OBIS) and `SA`.
//!
//! Each grammar returns a typed value plus whether the text followed the
//! specification exactly; the checks turn the latter into findings.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, tag_no_case, take_while, take_while_m_n},
    character::complete::{char, one_of, satisfy},
    combinator::{all_consuming, map_res, opt, recognize},
    sequence::preceded,
};

use crate::algorithm::{Algorithm, Curve};

fn digits_n(n: usize) -> impl FnMut(&str) -> IResult<&str, u32> {
    move |i| {
        map_res(
            take_while_m_n(n, n, |c: char| c.is_ascii_digit()),
            str::parse::<u32>,
        )
        .parse(i)
    }
}

/// The time-status letter of `TM` (spec table 19).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TimeStatus {
    /// `U`: unknown, unsynchronised.
    Unknown,
    /// `I`: informative (info clock).
    Informative,
    /// `R`: relative; the duration is calibration-law compliant.
    Relative,
    /// `S`: synchronised.
    Synchronised,
}

impl TimeStatus {
    /// The letter.
    #[must_use]
    pub const fn letter(self) -> char {
        match self {
            Self::Unknown => 'U',
            Self::Informative => 'I',
            Self::Relative => 'R',
            Self::Synchronised => 'S',
        }
    }

    /// Strength for "the weakest wins": U < I < R < S.
    #[must_use]
    pub const fn rank(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Informative => 1,
            Self::Relative => 2,
            Self::Synchronised => 3,
        }
    }
}

/// A parsed `TM` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Year (4 digits).
    pub year: u32,
    /// Month 1-12.
    pub month: u32,
    /// Day 1-31.
    pub day: u32,
    /// Hour 0-23.
    pub hour: u32,
    /// Minute 0-59.
    pub minute: u32,
    /// Second 0-60.
    pub second: u32,
    /// Milliseconds (0 when absent).
    pub millis: u32,
    /// UTC offset in minutes.
    pub offset_minutes: i32,
    /// The time-status letter.
    pub status: TimeStatus,
    /// Whether the text followed `YYYY-MM-DDThh:mm:ss,fff±hhmm X` exactly.
    pub canonical: bool,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm); shared by every timestamp reader in the crate.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z (may be negative).
    #[must_use]
    pub fn unix_millis(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_minutes) * 60;
        secs * 1000 + i64::from(self.millis)
    }
}

fn tm(i: &str) -> IResult<&str, Timestamp> {
    let (i, (year, _, month, _, day)) =
        (digits_n(4), char('-'), digits_n(2), char('-'), digits_n(2)).parse(i)?;
    let (i, (sep, hour, _, minute, _, second)) = (
        one_of("T "),
        digits_n(2),
        char(':'),
        digits_n(2),
        char(':'),
        digits_n(2),
    )
        .parse(i)?;
    let (i, frac) = opt((
        one_of(",."),
        take_while_m_n(1, 9, |c: char| c.is_ascii_digit()),
    ))
    .parse(i)?;
    let (i, zone) = alt((
        map_res(tag("Z"), |_| Ok::<_, ()>((0i32, false))),
        (one_of("+-"), digits_n(2), opt(char(':')), digits_n(2)).map(|(s, h, colon, m)| {
            let v = i32::try_from(h * 60 + m).unwrap_or(0);
            (if s == '-' { -v } else { v }, colon.is_none())
        }),
    ))
    .parse(i)?;
    let (i, ws) = take_while(|c| c == ' ')(i)?;
    let (i, st) = one_of("UIRS").parse(i)?;
    let status = match st {
        'U' => TimeStatus::Unknown,
        'I' => TimeStatus::Informative,
        'R' => TimeStatus::Relative,
        _ => TimeStatus::Synchronised,
    };
    let millis = frac.map_or(0, |(_, f)| {
        let mut v: u32 = 0;
        for (n, b) in f.bytes().enumerate() {
            if n < 3 {
                v = v * 10 + u32::from(b - b'0');
            }
        }
        for _ in f.len()..3 {
            v *= 10;
        }
        v
    });
    let canonical = sep == 'T'
        && frac.is_some_and(|(c, f)| c == ',' && f.len() == 3)
        && zone.1
        && ws.len() == 1;
    let ok = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60;
    if !ok {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )));
    }
    Ok((
        i,
        Timestamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millis,
            offset_minutes: zone.0,
            status,
            canonical,
        },
    ))
}

/// Parses a `TM` value; `None` when it is not a timestamp with a status letter.
#[must_use]
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    all_consuming(tm).parse(s).ok().map(|(_, t)| t)
}

/// A parsed `PG` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pagination {
    /// `T<n>`: transaction context.
    Transaction(u64),
    /// `F<n>`: fiscal context.
    Fiscal(u64),
}

impl Pagination {
    /// The counter.
    #[must_use]
    pub const fn number(self) -> u64 {
        match self {
            Self::Transaction(n) | Self::Fiscal(n) => n,
        }
    }

    /// The context letter.
    #[must_use]
    pub const fn context(self) -> char {
        match self {
            Self::Transaction(_) => 'T',
            Self::Fiscal(_) => 'F',
        }
    }
}

/// Parses `PG`: returns the value and whether it was canonical (no leading zeros).
#[must_use]
pub fn parse_pagination(s: &str) -> Option<(Pagination, bool)> {
    let r: IResult<&str, (char, &str)> = all_consuming((
        one_of("TF"),
        take_while_m_n(1, 19, |c: char| c.is_ascii_digit()),
    ))
    .parse(s);
    let (_, (ctx, num)) = r.ok()?;
    let n: u64 = num.parse().ok()?;
    let canonical = !(num.len() > 1 && num.starts_with('0'));
    Some((
        if ctx == 'T' {
            Pagination::Transaction(n)
        } else {
            Pagination::Fiscal(n)
        },
        canonical,
    ))
}

/// One value group of an OBIS code as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObisGroup {
    /// A number (decimal, or hexadecimal in the two-digit notation of spec 1.4).
    Value(u16),
    /// A literal placeholder letter such as `b` or `e` (older spec tables).
    Placeholder(char),
}

/// A parsed OBIS code from `RI`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Obis {
    /// Group A (medium; 1 = electricity).
    pub a: ObisGroup,
    /// Group B (channel).
    pub b: ObisGroup,
    /// Group C (quantity; 1 import, 2 export, 0xB0.. reserved registers).
    pub c: ObisGroup,
    /// Group D (processing; 8 = time integral / register).
    pub d: ObisGroup,
    /// Group E (tariff).
    pub e: ObisGroup,
    /// Group F (storage), if written.
    pub f: Option<ObisGroup>,
    /// Written in the two-digit hexadecimal notation of spec 1.4 (or compact hex).
    pub hex: bool,
}

fn obis_group(hex: bool) -> impl FnMut(&str) -> IResult<&str, ObisGroup> {
    move |i| {
        alt((
            // A lone letter (`b`, `e`) or `xx` is a placeholder, not a hex digit.
            map_res(
                take_while_m_n(1, 2, |c: char| c.is_ascii_alphabetic()),
                |p: &str| {
                    let first = p.chars().next().unwrap_or('x');
                    if p.len() == 1 || p.eq_ignore_ascii_case("xx") {
                        Ok(ObisGroup::Placeholder(first))
                    } else {
                        Err(())
                    }
                },
            )
            .and(nom::combinator::not(satisfy(|c: char| {
                c.is_ascii_alphanumeric()
            })))
            .map(|(g, ())| g),
            map_res(
                take_while_m_n(1, 3, |c: char| c.is_ascii_hexdigit()),
                |d: &str| {
                    if hex || !d.bytes().all(|b| b.is_ascii_digit()) {
                        u16::from_str_radix(d, 16).map(ObisGroup::Value)
                    } else {
                        d.parse::<u16>().map(ObisGroup::Value)
                    }
                },
            ),
        ))
        .parse(i)
    }
}

fn obis_text(hex: bool) -> impl FnMut(&str) -> IResult<&str, Obis> {
    move |i| {
        let (i, (a, _, b, _, c, _, d, _, e)) = (
            obis_group(hex),
            char('-'),
            obis_group(hex),
            char(':'),
            obis_group(hex),
            char('.'),
            obis_group(hex),
            char('.'),
            obis_group(hex),
        )
            .parse(i)?;
        let (i, f) = opt(preceded(one_of("*.&"), obis_group(hex))).parse(i)?;
        Ok((
            i,
            Obis {
                a,
                b,
                c,
                d,
                e,
                f,
                hex,
            },
        ))
    }
}

fn obis_compact(i: &str) -> IResult<&str, Obis> {
    let h = |i| {
        map_res(take_while_m_n(2, 2, |c: char| c.is_ascii_hexdigit()), |d| {
            u16::from_str_radix(d, 16)
        })
        .parse(i)
    };
    let (i, (a, b, c, d, e, f)) = (h, h, h, h, h, h).parse(i)?;
    let v = ObisGroup::Value;
    Ok((
        i,
        Obis {
            a: v(a),
            b: v(b),
            c: v(c),
            d: v(d),
            e: v(e),
            f: Some(v(f)),
            hex: true,
        },
    ))
}

/// Parses an OBIS code in any of its real spellings
/// (`1-b:1.8.0`, `1-0:1.8.0*198`, `01-00:B0.08.00*FF`, `01-00:01.08.00.FF`, `0100010800FF`).
#[must_use]
pub fn parse_obis(s: &str) -> Option<Obis> {
    // Two-digit groups throughout mean the hexadecimal notation of spec 1.4.
    let two_digit: IResult<&str, &str> = all_consuming(recognize((
        take_while_m_n(2, 2, |c: char| c.is_ascii_hexdigit()),
        char('-'),
        take_while_m_n(2, 2, |c: char| c.is_ascii_hexdigit()),
        char(':'),
    )))
    .parse(s.get(..6).unwrap_or(""));
    let hex = two_digit.is_ok() && s.len() >= 14;
    all_consuming(alt((obis_compact, obis_text(hex))))
        .parse(s)
        .ok()
        .map(|(_, o)| o)
}

impl Obis {
    fn val(g: ObisGroup) -> Option<u16> {
        match g {
            ObisGroup::Value(v) => Some(v),
            ObisGroup::Placeholder(_) => None,
        }
    }

    /// Group C as a number, if it is one.
    #[must_use]
    pub fn c_value(&self) -> Option<u16> {
        Self::val(self.c)
    }

    /// Whether this names an energy register (A = 1, D = 8).
    #[must_use]
    pub fn is_energy_register(&self) -> bool {
        Self::val(self.a) == Some(1) && Self::val(self.d) == Some(8)
    }
}

/// Parses the `SA` value into an algorithm.
///
/// # Errors
/// `Err(true)` for a known algorithm outside the OCMF specification
/// (EdDSA, ML-DSA), `Err(false)` for an unknown one.
pub fn parse_algorithm(s: &str) -> Result<(Algorithm, bool), bool> {
    let r: IResult<&str, (&str, &str)> = all_consuming((
        preceded(tag_no_case("ECDSA-"), take_while(|c: char| c != '-')),
        preceded(tag_no_case("-"), nom::combinator::rest),
    ))
    .parse(s);
    let Ok((_, (curve, hash))) = r else {
        let u = s.to_ascii_uppercase();
        return Err(u.starts_with("EDDSA-") || u.starts_with("ML-DSA") || u.starts_with("SLH-DSA"));
    };
    if !hash.eq_ignore_ascii_case("SHA256") {
        return Err(false);
    }
    let lc = |x: &str| curve.eq_ignore_ascii_case(x);
    let (c, vendor_spelling) = if lc("secp192k1") {
        (Curve::Secp192k1, false)
    } else if lc("secp192r1") {
        (Curve::P192, false)
    } else if lc("secp256r1") {
        (Curve::P256, false)
    } else if lc("secp256k1") {
        (Curve::Secp256k1, false)
    } else if lc("secp384r1") {
        (Curve::P384, false)
    } else if lc("brainpool256r1") {
        (Curve::BrainpoolP256r1, false)
    } else if lc("brainpoolP256r1") {
        (Curve::BrainpoolP256r1, true)
    } else if lc("brainpool384r1") {
        (Curve::BrainpoolP384r1, false)
    } else if lc("brainpoolP384r1") {
        (Curve::BrainpoolP384r1, true)
    } else {
        return Err(false);
    };
    let exact = !vendor_spelling
        && s.starts_with("ECDSA-")
        && s.ends_with("-SHA256")
        && curve.bytes().all(|b| !b.is_ascii_uppercase() || b == b'P');
    Ok((Algorithm::ecdsa_sha256(c), exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = parse_timestamp("2018-07-24T13:22:04,000+0200 S").unwrap();
        assert!(t.canonical);
        assert_eq!(t.status, TimeStatus::Synchronised);
        assert_eq!(t.offset_minutes, 120);
        assert_eq!(t.unix_millis(), 1_532_431_324_000);
        let t = parse_timestamp("1970-01-01T00:00:10,500+0000 U").unwrap();
        assert_eq!(t.unix_millis(), 10_500);
        let t = parse_timestamp("2019-08-13T10:03:15+00:00 I").unwrap();
        assert!(!t.canonical);
        for bad in [
            "",
            "2018-13-24T13:22:04,000+0200 S",
            "2018-07-24T13:22:04,000+0200",
            "2018-07-24T13:22:04,000+0200 X",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn pagination() {
        assert_eq!(
            parse_pagination("T12345"),
            Some((Pagination::Transaction(12345), true))
        );
        assert_eq!(
            parse_pagination("F007"),
            Some((Pagination::Fiscal(7), false))
        );
        assert_eq!(parse_pagination("TRANSACTION-1"), None);
        assert_eq!(parse_pagination("T"), None);
    }

    #[test]
    fn obis_spellings() {
        for s in [
            "1-b:1.8.0",
            "1-b:1.8.e",
            "1-0:1.8.0*198",
            "01-00:01.08.00.FF",
            "1-0:98.8.0.FF",
            "0100010800FF",
            "01-0B:B1.08.00*FF",
            "01-00:B0.08.00*xx",
        ] {
            let o = parse_obis(s).unwrap_or_else(|| panic!("{s}"));
            assert!(o.is_energy_register(), "{s}");
        }
        assert_eq!(
            parse_obis("01-0B:B1.08.00*FF").unwrap().c_value(),
            Some(0xB1)
        );
        assert_eq!(parse_obis("1-0:98.8.0.FF").unwrap().c_value(), Some(98));
        assert_eq!(
            parse_obis("1-0:98.8.0.FF").unwrap().f,
            Some(ObisGroup::Value(0xFF))
        );
        assert_eq!(
            parse_obis("1-b:1.8.e").unwrap().e,
            ObisGroup::Placeholder('e')
        );
        assert!(parse_obis("1-b").is_none());
    }

    #[test]
    fn algorithms() {
        assert_eq!(
            parse_algorithm("ECDSA-secp256r1-SHA256"),
            Ok((Algorithm::ecdsa_sha256(Curve::P256), true))
        );
        assert_eq!(
            parse_algorithm("ECDSA-brainpoolP256r1-SHA256"),
            Ok((Algorithm::ecdsa_sha256(Curve::BrainpoolP256r1), false))
        );
        assert_eq!(
            parse_algorithm("ECDSA-brainpool384r1-SHA256").map(|a| a.0.curve),
            Ok(Curve::BrainpoolP384r1)
        );
        assert_eq!(parse_algorithm("EdDSA-Ed25519"), Err(true));
        assert_eq!(parse_algorithm("ECDSA-secp521r1-SHA256"), Err(false));
        assert_eq!(parse_algorithm("ECDSA-secp256r1-SHA512"), Err(false));
    }
}
