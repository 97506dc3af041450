//! Text encodings and small byte helpers shared by the format readers.

use alloc::{string::String, vec::Vec};

use data_encoding::{BASE32, BASE64, BASE64_NOPAD, HEXLOWER_PERMISSIVE};
use roxmltree::{Document, ParsingOptions};

use super::{Format, FormatError, FormatErrorKind};

/// The most nodes an XML value may have (the largest real Mennekes file has
/// under 200); with DTDs refused, no entity can expand.
const XML_NODES_LIMIT: u32 = 10_000;

/// The longest XML value read (the largest real one is ~3 KiB).
pub(super) const XML_MAX_BYTES: usize = 1 << 20;

/// Strict RFC 4648 base32 (upper case, `=` padding to a multiple of 8).
pub(super) fn base32(
    text: &str,
    format: Format,
    field: &'static str,
) -> Result<Vec<u8>, FormatError> {
    BASE32
        .decode(text.as_bytes())
        .map_err(|_| FormatError::new(FormatErrorKind::Encoding, format, field))
}

/// Hex, either case, white space anywhere ignored.
pub(super) fn hex(text: &str, format: Format, field: &'static str) -> Result<Vec<u8>, FormatError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    HEXLOWER_PERMISSIVE
        .decode(compact.as_bytes())
        .map_err(|_| FormatError::new(FormatErrorKind::Encoding, format, field))
}

/// Base64 (padded or not), white space anywhere ignored.
pub(super) fn base64(
    text: &str,
    format: Format,
    field: &'static str,
) -> Result<Vec<u8>, FormatError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .or_else(|_| BASE64_NOPAD.decode(compact.as_bytes()))
        .map_err(|_| FormatError::new(FormatErrorKind::Encoding, format, field))
}

/// Decodes a field by the `encoding` attribute SAFE's XML gives it
/// (`base64`, `base32`, `hex`; `plain` is taken as hex, as SAFE's files use it).
pub(super) fn by_name(
    encoding: Option<&str>,
    text: &str,
    format: Format,
    field: &'static str,
) -> Result<Vec<u8>, FormatError> {
    match encoding.map(str::trim) {
        None | Some("base64") => base64(text, format, field),
        Some("base32") => base32(text.trim(), format, field),
        Some("hex" | "plain") => hex(text, format, field),
        Some(_) => Err(FormatError::new(FormatErrorKind::Encoding, format, field)),
    }
}

/// The bytes of an SML frame written as text: hex (spaces allowed) or
/// base64, recognised by the SML start escape `1b1b1b1b 01010101`.
pub(super) fn sml_text(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    // Compared as bytes: the text may hold any character (slicing the
    // string at byte 16 could cut one: a fuzz finding).
    let start = compact.as_bytes().get(..16);
    let bytes = if start.is_some_and(|b| b.eq_ignore_ascii_case(b"1b1b1b1b01010101")) {
        HEXLOWER_PERMISSIVE.decode(compact.as_bytes()).ok()?
    } else if compact.starts_with("GxsbGwEBAQ") {
        BASE64
            .decode(compact.as_bytes())
            .or_else(|_| BASE64_NOPAD.decode(compact.as_bytes()))
            .ok()?
    } else {
        return None;
    };
    Some(bytes)
}

/// Undoes one level of XML escaping (a value pasted into XML as text).
pub(super) fn xml_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Parses XML with DTDs refused (no entity expansion) and a node limit.
pub(super) fn xml(text: &str, format: Format) -> Result<Document<'_>, FormatError> {
    if text.len() > XML_MAX_BYTES {
        return Err(FormatError::new(FormatErrorKind::Xml, format, "size"));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: XML_NODES_LIMIT,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text.trim_start(), opts)
        .map_err(|_| FormatError::new(FormatErrorKind::Xml, format, ""))
}

/// A little-endian unsigned integer of up to 8 bytes.
pub(super) fn le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// `value * 10^scaler` as an exact decimal text.
pub(super) fn scaled(value: i128, scaler: i8) -> String {
    use alloc::string::ToString;
    let neg = value < 0;
    let mut digits = value.unsigned_abs().to_string();
    if scaler >= 0 {
        for _ in 0..scaler {
            digits.push('0');
        }
        if digits.bytes().all(|b| b == b'0') {
            digits = "0".into();
        }
    } else {
        let frac = usize::from(scaler.unsigned_abs());
        while digits.len() <= frac {
            digits.insert(0, '0');
        }
        digits.insert(digits.len() - frac, '.');
    }
    if neg && digits.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        digits.insert(0, '-');
    }
    digits
}

/// An OBIS code from its 6 bytes, `A-B:C.D.E*F`.
pub(super) fn obis(b: &[u8]) -> Option<String> {
    match b {
        [a, bb, c, d, e, f] => Some(alloc::format!("{a}-{bb}:{c}.{d}.{e}*{f}")),
        _ => None,
    }
}

/// Upper-case hex of bytes.
pub(super) fn to_hex(b: &[u8]) -> String {
    data_encoding::HEXUPPER.encode(b)
}

/// An ISO 8601 time `YYYY-MM-DDThh:mm:ss[.f…](Z|±hh:mm|±hhmm)`: UTC
/// seconds and the offset in minutes.
pub(super) fn iso_time(text: &str) -> Option<(i64, i32)> {
    let t = text.trim().as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        let s = t.get(r)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0i64, |a, &d| a * 10 + i64::from(d - b'0')))
    };
    if t.len() < 20 || t[4] != b'-' || t[7] != b'-' || !matches!(t[10], b'T' | b' ') {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut rest = &t[19..];
    if let [b'.' | b',', tail @ ..] = rest {
        let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        rest = &tail[digits..];
    }
    let offset = match rest {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let v = |a: u8, b: u8| i32::from(a - b'0') * 10 + i32::from(b - b'0');
            let m = v(digits[0], digits[1]) * 60 + v(digits[2], digits[3]);
            if *sign == b'-' { -m } else { m }
        }
        _ => return None,
    };
    let days = crate::grammar::days_from_civil(y, mo, d);
    let local = days * 86_400 + h * 3600 + mi * 60 + s;
    Some((local - i64::from(offset) * 60, offset))
}
