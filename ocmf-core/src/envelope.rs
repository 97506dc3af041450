//! The record envelope `OCMF|<payload>|<signature>[|<key>]`, split with nom.
//!
//! The split is JSON-aware: a `|` inside a JSON string does not end a
//! section. The payload is kept as the exact slice between the first and the
//! second `|` (the signed bytes); nothing is ever re-serialised.

use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while},
    character::complete::char,
    combinator::{opt, rest},
    sequence::preceded,
};

use crate::error::{Error, ErrorCode, Span};

/// Limits applied to every record before and while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum record size in bytes (default 64 KiB).
    pub max_record_bytes: usize,
    /// Maximum JSON nesting depth inside a section (default 16).
    pub max_depth: u32,
    /// Maximum number of readings in `RD` (default 1024).
    pub max_readings: usize,
}

impl Limits {
    /// The default limits: 64 KiB per record, JSON depth 16, 1024 readings.
    pub const DEFAULT: Self = Self {
        max_record_bytes: 64 * 1024,
        max_depth: 16,
        max_readings: 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Irregularities of the envelope that are tolerated but reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnvelopeQuirks {
    /// White space between `OCMF`, the separators and the JSON objects.
    pub section_whitespace: bool,
    /// A `|` inside a JSON string of the payload or signature section.
    pub pipe_in_string: Option<usize>,
    /// White space around the whole record (harmless; trimmed by containers).
    pub outer_whitespace: bool,
    /// A UTF-8 byte-order mark (U+FEFF, bytes `EF BB BF`) before the record,
    /// as Windows programs save text. It is skipped like leading white space:
    /// it is not part of the signed bytes, and every offset and span stays
    /// relative to the input as given (the mark's three bytes included).
    pub byte_order_mark: bool,
}

/// The three (or four) sections of a record, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The whole input as given.
    pub record: &'a str,
    /// The exact bytes between the first and the second `|`: what the meter signed.
    pub payload_raw: &'a str,
    /// The payload JSON object (equal to `payload_raw` unless white space surrounds it).
    pub payload_json: &'a str,
    /// The signature JSON object.
    pub signature_json: &'a str,
    /// The optional 4th section (a public key, as the reference software accepts).
    pub key_section: Option<&'a str>,
    /// Tolerated irregularities.
    pub quirks: EnvelopeQuirks,
}

fn ws(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c == ' ' || c == '\t' || c == '\r' || c == '\n')(i)
}

/// Scans one JSON object and returns it as a slice.
///
/// Hand-written rather than a nom combinator chain or a full JSON parse:
/// we only need the extent of the object (brace balance outside strings,
/// escapes inside them) in one linear pass, with a depth limit; the JSON
/// itself is parsed later by serde_json on exactly this slice.
struct ObjectScan {
    max_depth: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanFail {
    NotObject,
    Unterminated,
    TooDeep(usize),
}

struct Scanned<'a> {
    object: &'a str,
    pipe_in_string: Option<usize>,
}

impl ObjectScan {
    fn scan<'a>(&self, i: &'a str) -> Result<(&'a str, Scanned<'a>), ScanFail> {
        let b = i.as_bytes();
        if b.first() != Some(&b'{') {
            return Err(ScanFail::NotObject);
        }
        let mut depth: u32 = 0;
        let mut in_str = false;
        let mut esc = false;
        let mut pipe = None;
        for (pos, &c) in b.iter().enumerate() {
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                } else if c == b'|' && pipe.is_none() {
                    pipe = Some(pos);
                }
                continue;
            }
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > self.max_depth {
                        return Err(ScanFail::TooDeep(pos));
                    }
                }
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let (obj, rest) = i.split_at(pos + 1);
                        return Ok((
                            rest,
                            Scanned {
                                object: obj,
                                pipe_in_string: pipe,
                            },
                        ));
                    }
                }
                // A bare `|` outside any string inside an object means the
                // object was not closed before the separator.
                b'|' => return Err(ScanFail::Unterminated),
                _ => {}
            }
        }
        Err(ScanFail::Unterminated)
    }
}

/// Splits a record into its sections.
///
/// # Errors
/// [`ErrorCode::EmptyInput`], [`ErrorCode::TooLarge`], [`ErrorCode::NotOcmf`],
/// [`ErrorCode::MissingSection`], [`ErrorCode::TooDeep`] or
/// [`ErrorCode::TrailingData`], each with the byte offset.
pub(crate) fn split<'a>(record: &'a str, limits: &Limits) -> Result<Envelope<'a>, Error> {
    if record.len() > limits.max_record_bytes {
        return Err(Error::new(ErrorCode::TooLarge).at_offset(limits.max_record_bytes));
    }
    let after_mark = record.strip_prefix('\u{feff}');
    let unmarked = after_mark.unwrap_or(record);
    let trimmed_start = unmarked.trim_start();
    let lead = record.len() - trimmed_start.len();
    let body = trimmed_start.trim_end();
    if body.is_empty() {
        return Err(Error::new(ErrorCode::EmptyInput));
    }
    let off = |s: &str| Span::of(record, s).start;
    let mut quirks = EnvelopeQuirks {
        outer_whitespace: body.len() != unmarked.len(),
        byte_order_mark: after_mark.is_some(),
        ..Default::default()
    };

    // Header and first separator.
    let header: IResult<&str, (&str, &str, char)> = (tag("OCMF"), ws, char('|')).parse(body);
    let (after_header, (_, hws, _)) = header.map_err(|_| {
        let code = if body.starts_with("OCMF") {
            ErrorCode::MissingSection
        } else {
            ErrorCode::NotOcmf
        };
        Error::new(code).at_offset(lead)
    })?;
    quirks.section_whitespace |= !hws.is_empty();

    let scanner = ObjectScan {
        max_depth: limits.max_depth,
    };
    let scan_err = |e: ScanFail, at: &str| match e {
        ScanFail::NotObject | ScanFail::Unterminated => {
            Error::new(ErrorCode::MissingSection).at_offset(off(at))
        }
        ScanFail::TooDeep(p) => Error::new(ErrorCode::TooDeep).at_offset(off(at) + p),
    };

    // Payload: optional white space, one object, optional white space, `|`.
    let (p_start, pre_ws) = ws(after_header).unwrap_or((after_header, ""));
    let (after_obj, payload) = scanner.scan(p_start).map_err(|e| scan_err(e, p_start))?;
    let (after_ws, post_ws) = ws(after_obj).unwrap_or((after_obj, ""));
    let sep: IResult<&str, char> = char('|')(after_ws);
    let (sig_part, _) =
        sep.map_err(|_| Error::new(ErrorCode::MissingSection).at_offset(off(after_ws)))?;
    quirks.section_whitespace |= !pre_ws.is_empty() || !post_ws.is_empty();
    let payload_raw = &after_header[..after_header.len() - after_ws.len()];

    // Signature: optional white space, one object, optional white space.
    let (s_start, sws) = ws(sig_part).unwrap_or((sig_part, ""));
    let (after_sig, signature) = scanner.scan(s_start).map_err(|e| scan_err(e, s_start))?;
    let (tail, sws2) = ws(after_sig).unwrap_or((after_sig, ""));
    quirks.section_whitespace |= !sws.is_empty() || (!sws2.is_empty() && !tail.is_empty());

    // Optional 4th section: a public key.
    let key: IResult<&str, Option<&str>> = opt(preceded(char('|'), rest)).parse(tail);
    let (tail, key_section) = key.unwrap_or((tail, None));
    if !tail.is_empty() {
        return Err(Error::new(ErrorCode::TrailingData).at_offset(off(tail)));
    }
    quirks.pipe_in_string = payload
        .pipe_in_string
        .map(|p| off(payload.object) + p)
        .or(signature.pipe_in_string.map(|p| off(signature.object) + p));

    Ok(Envelope {
        record,
        payload_raw,
        payload_json: payload.object,
        signature_json: signature.object,
        key_section: key_section.map(str::trim).filter(|k| !k.is_empty()),
        quirks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_record() {
        let e = split(r#"OCMF|{"a":1}|{"SD":"00"}"#, &Limits::default()).unwrap();
        assert_eq!(e.payload_raw, r#"{"a":1}"#);
        assert_eq!(e.signature_json, r#"{"SD":"00"}"#);
        assert_eq!(e.key_section, None);
        assert_eq!(e.quirks, EnvelopeQuirks::default());
    }

    #[test]
    fn pipe_inside_string_does_not_split() {
        let r = r#"OCMF|{"TT":"a|b"}|{"SD":"00"}|3059AB"#;
        let e = split(r, &Limits::default()).unwrap();
        assert_eq!(e.payload_raw, r#"{"TT":"a|b"}"#);
        assert_eq!(e.quirks.pipe_in_string, Some(13));
        assert_eq!(e.key_section, Some("3059AB"));
    }

    #[test]
    fn whitespace_is_kept_in_signed_bytes() {
        let r = "OCMF| {\"a\":1}\n|{\"SD\":\"00\"}";
        let e = split(r, &Limits::default()).unwrap();
        assert_eq!(e.payload_raw, " {\"a\":1}\n");
        assert_eq!(e.payload_json, "{\"a\":1}");
        assert!(e.quirks.section_whitespace);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_offsets_stay_in_the_input() {
        let plain = r#"OCMF|{"a":1}|{"SD":"00"}"#;
        let marked = alloc::format!("\u{feff}{plain}");
        let e = split(&marked, &Limits::default()).unwrap();
        assert_eq!(e.payload_raw, r#"{"a":1}"#);
        assert!(e.quirks.byte_order_mark && !e.quirks.outer_whitespace);
        assert_eq!(Span::of(&marked, e.payload_raw).start, 3 + 5);
        assert!(
            !split(plain, &Limits::default())
                .unwrap()
                .quirks
                .byte_order_mark
        );
        // An error is located in the input as given, mark included.
        let bad = "\u{feff}OCMF|{}|{}x";
        assert_eq!(
            split(bad, &Limits::default()).unwrap_err().span,
            Some(Span::new(bad.len() - 1, bad.len() - 1))
        );
        assert_eq!(
            split("\u{feff} \n", &Limits::default()).unwrap_err().code,
            ErrorCode::EmptyInput
        );
        // Only at the very start: a mark after white space is not skipped.
        assert_eq!(
            split(" \u{feff}OCMF|{}|{}", &Limits::default())
                .unwrap_err()
                .code,
            ErrorCode::NotOcmf
        );
    }

    #[test]
    fn errors_carry_codes() {
        let l = Limits::default();
        assert_eq!(split("", &l).unwrap_err().code, ErrorCode::EmptyInput);
        assert_eq!(
            split("XOCMF|{}|{}", &l).unwrap_err().code,
            ErrorCode::NotOcmf
        );
        assert_eq!(
            split("OCMF|{}", &l).unwrap_err().code,
            ErrorCode::MissingSection
        );
        assert_eq!(
            split("OCMF||{}", &l).unwrap_err().code,
            ErrorCode::MissingSection
        );
        assert_eq!(
            split("OCMF|{\"a\":[}|{}", &l).unwrap_err().code,
            ErrorCode::MissingSection
        );
        assert_eq!(
            split("OCMF|{}|{}x", &l).unwrap_err().code,
            ErrorCode::TrailingData
        );
        let deep = alloc::format!("OCMF|{}{}|{{}}", "[".repeat(40), "]".repeat(40));
        assert_eq!(
            split(&deep, &l).unwrap_err().code,
            ErrorCode::MissingSection
        );
        let deep = alloc::format!("OCMF|{{\"a\":{}{}}}|{{}}", "[".repeat(40), "]".repeat(40));
        assert_eq!(split(&deep, &l).unwrap_err().code, ErrorCode::TooDeep);
        let big = alloc::format!("OCMF|{{\"a\":\"{}\"}}|{{}}", "x".repeat(70_000));
        assert_eq!(split(&big, &l).unwrap_err().code, ErrorCode::TooLarge);
    }
}
