//! Splitting record text into records: the one rule every reader of
//! `OCMF|…` text uses ([`extract`](super::extract) and the `ocmf verify`
//! command alike), so that a file is cut into the same records whichever
//! way it is read.

use alloc::string::{String, ToString};

use super::TransportError;
use super::decode::{decode_record, is_hex_record};
use crate::error::ErrorCode;

/// What a piece of record text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PieceKind {
    /// A record: its first line starts with `OCMF` (the lines that continue
    /// a pretty-printed record are part of it).
    Ocmf,
    /// One hex-encoded record on one line.
    Hex,
    /// A line that is neither (outside any record).
    Other,
}

/// One piece of record text, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordPiece<'a> {
    /// The text, trimmed: from the first non-blank character of its first
    /// line to the last of its last line (line breaks inside kept as they
    /// are: a record is never re-serialised). A record on the first line of
    /// input that starts with a UTF-8 byte-order mark keeps the mark (and
    /// any white space after it): the checker skips it, reports it (finding
    /// `byte_order_mark`), and its offsets are then the file's own.
    pub text: &'a str,
    /// The 1-based line it starts on.
    pub line: usize,
    /// What it is.
    pub kind: PieceKind,
}

impl RecordPiece<'_> {
    /// The record text it carries: the text itself for an `OCMF` piece,
    /// the decoded text for a hex one.
    ///
    /// # Errors
    /// A [`TransportError`] ([`ErrorCode::TransportFormat`]) at the piece's
    /// line: a record over the size limit, hex that does not decode to an
    /// `OCMF|` record, or a line that is neither.
    pub fn decode(&self) -> Result<String, TransportError> {
        let message = match self.kind {
            PieceKind::Ocmf | PieceKind::Hex => match decode_record(without_mark(self.text)) {
                Ok((record, _)) => return Ok(record),
                Err(message) => message,
            },
            PieceKind::Other => "line is neither an OCMF record nor a hex-encoded one".to_string(),
        };
        Err(TransportError {
            code: ErrorCode::TransportFormat,
            line: Some(self.line),
            message,
        })
    }
}

/// `t` without a leading UTF-8 byte-order mark and the white space after it.
fn without_mark(t: &str) -> &str {
    t.strip_prefix('\u{feff}').map_or(t, str::trim_start)
}

/// Splits record text into its pieces, in input order, without copying:
///
/// * a line starting with `OCMF` opens a record;
/// * each following line that does not start with `OCMF` and is not a
///   hex-encoded record continues it (a pretty-printed payload);
/// * a blank line closes it once it is complete (its JSON sections are
///   closed and it has its `|` separators); inside an unfinished record a
///   blank line is part of the payload, as some meters write it;
/// * a hex-encoded record line (even-length hex decoding to `OCMF|…`) is a
///   piece of its own, and so is any other line outside a record.
///
/// Leading and trailing white space of every line is ignored, a UTF-8
/// byte-order mark at the start is read as white space (a record piece on
/// that line keeps it, see [`RecordPiece::text`]), and lines end at `\n`
/// (a `\r` before it is white space).
///
/// ```
/// use ocmf_core::transport::{PieceKind, split_records};
///
/// let text = "OCMF|{\n  \"FV\":\"1.0\"\n}|{}\nOCMF|{}|{}\n\nnot a record\n";
/// let pieces: Vec<_> = split_records(text).map(|p| (p.line, p.kind)).collect();
/// assert_eq!(
///     pieces,
///     [(1, PieceKind::Ocmf), (4, PieceKind::Ocmf), (6, PieceKind::Other)]
/// );
/// assert_eq!(split_records(text).next().unwrap().text, "OCMF|{\n  \"FV\":\"1.0\"\n}|{}");
/// ```
#[must_use]
pub fn split_records(input: &str) -> SplitRecords<'_> {
    SplitRecords {
        input,
        offset: 0,
        line: 0,
        open: None,
        pending: None,
    }
}

/// The iterator of [`split_records`].
#[derive(Debug, Clone)]
pub struct SplitRecords<'a> {
    input: &'a str,
    /// Byte offset of the next line.
    offset: usize,
    /// 1-based number of the last line read.
    line: usize,
    /// The open record.
    open: Option<Open>,
    /// A piece read together with the close of the open record.
    pending: Option<RecordPiece<'a>>,
}

/// The record being read: where it is, and how far its JSON is closed.
#[derive(Debug, Clone, Copy)]
struct Open {
    start: usize,
    end: usize,
    line: usize,
    /// Bytes before this offset have been scanned into the fields below
    /// (each byte is scanned once: linear in the input).
    scanned: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// `|` separators outside JSON.
    pipes: usize,
}

impl Open {
    const fn new(start: usize, end: usize, line: usize) -> Self {
        Self {
            start,
            end,
            line,
            scanned: start,
            depth: 0,
            in_string: false,
            escaped: false,
            pipes: 0,
        }
    }

    /// Whether the record read so far is a whole one: every JSON section
    /// closed and at least the two `|` of `OCMF|payload|signature`.
    fn complete(&mut self, input: &str) -> bool {
        let bytes = input
            .as_bytes()
            .get(self.scanned..self.end)
            .unwrap_or_default();
        for &b in bytes {
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                b'|' if self.depth == 0 => self.pipes += 1,
                _ => {}
            }
        }
        self.scanned = self.end;
        self.depth == 0 && !self.in_string && self.pipes >= 2
    }
}

impl<'a> SplitRecords<'a> {
    /// Closes the open record, if any.
    fn close(&mut self) -> Option<RecordPiece<'a>> {
        let o = self.open.take()?;
        Some(RecordPiece {
            text: self.input.get(o.start..o.end).unwrap_or_default(),
            line: o.line,
            kind: PieceKind::Ocmf,
        })
    }
}

impl<'a> Iterator for SplitRecords<'a> {
    type Item = RecordPiece<'a>;

    fn next(&mut self) -> Option<RecordPiece<'a>> {
        if let Some(p) = self.pending.take() {
            return Some(p);
        }
        while let Some(rest) = self.input.get(self.offset..).filter(|r| !r.is_empty()) {
            let raw = rest.find('\n').map_or(rest, |i| &rest[..=i]);
            self.line += 1;
            let marked = self.offset == 0 && raw.starts_with('\u{feff}');
            let unmarked = if marked {
                without_mark(raw)
            } else {
                raw.trim_start()
            };
            let start = self.offset + (raw.len() - unmarked.len());
            self.offset += raw.len();
            let t = unmarked.trim_end();
            let end = start + t.len();
            if t.is_empty() {
                let input = self.input;
                if self.open.as_mut().is_some_and(|o| o.complete(input)) {
                    return self.close();
                }
            } else if t.starts_with("OCMF") {
                let closed = self.close();
                // The mark stays with the record (see `RecordPiece::text`).
                let start = if marked { 0 } else { start };
                self.open = Some(Open::new(start, end, self.line));
                if closed.is_some() {
                    return closed;
                }
            } else if is_hex_record(t) || self.open.is_none() {
                let kind = if is_hex_record(t) {
                    PieceKind::Hex
                } else {
                    PieceKind::Other
                };
                let here = RecordPiece {
                    text: t,
                    line: self.line,
                    kind,
                };
                return match self.close() {
                    Some(closed) => {
                        self.pending = Some(here);
                        Some(closed)
                    }
                    None => Some(here),
                };
            } else if let Some(o) = self.open.as_mut() {
                o.end = end;
            }
        }
        self.close()
    }
}

/// [`split_records`] for text that arrives in blocks (a file or a pipe read
/// piece by piece): each call gives the pieces of the text so far that no
/// later text can change, with their lines counted from the start of the
/// input, so that the pieces of all calls are exactly those
/// `split_records` gives for the whole text at once.
///
/// A block is cut at the start of its last line (not its first) whose text
/// after leading white space starts with `OCMF`: such a line closes
/// whatever record is open and opens a new one, whatever came before, so
/// the text before it splits alone as it splits within the whole. Text with
/// no such line stays with the caller until more arrives (or the input
/// ends): memory is bounded by the longest stretch without a record start.
///
/// ```
/// use ocmf_core::transport::{BlockSplitter, split_records};
///
/// let text = "OCMF|{}|{}\nOCMF|{\n \"a\": 1\n}|{}\n\nstray\nOCMF|{}|{}\n";
/// let whole: Vec<_> = split_records(text).collect();
/// let (mut splitter, mut pieces, mut held) = (BlockSplitter::new(), Vec::new(), String::new());
/// for block in text.as_bytes().chunks(7) {
///     held.push_str(core::str::from_utf8(block).unwrap());
///     let (cut, block_pieces) = splitter.split(&held, false);
///     pieces.extend(block_pieces.map(|p| (p.text.to_owned(), p.line, p.kind)));
///     held.drain(..cut);
/// }
/// let (_, last) = splitter.split(&held, true);
/// pieces.extend(last.map(|p| (p.text.to_owned(), p.line, p.kind)));
/// let whole: Vec<_> = whole.iter().map(|p| (p.text.to_owned(), p.line, p.kind)).collect();
/// assert_eq!(pieces, whole);
/// ```
#[derive(Debug, Clone, Default)]
pub struct BlockSplitter {
    /// Lines before the held text.
    lines: usize,
    /// Line starts of the held text before this offset are no cut.
    searched: usize,
}

impl BlockSplitter {
    /// A splitter at the start of the input.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            lines: 0,
            searched: 0,
        }
    }

    /// Splits `held`: the text the previous call left (`held[cut..]` of
    /// that call), followed by the text read since; at the first call, the
    /// start of the input. Returns `cut`, how many bytes of `held` the
    /// pieces cover (the caller drops them and passes the rest again, with
    /// more text), and the pieces. With `last` (the input ends with
    /// `held`), `cut` is `held.len()`.
    pub fn split<'a>(&mut self, held: &'a str, last: bool) -> (usize, SplitRecords<'a>) {
        let cut = if last { held.len() } else { self.cut(held) };
        let text = held.get(..cut).unwrap_or_default();
        let pieces = SplitRecords {
            input: text,
            offset: 0,
            line: self.lines,
            open: None,
            pending: None,
        };
        self.lines += text.bytes().filter(|&b| b == b'\n').count();
        // The first line start not yet searched, relative to the rest.
        self.searched = held.rfind('\n').map_or(0, |i| i + 1).saturating_sub(cut);
        (cut, pieces)
    }

    /// The lines of the input before the text the last call left.
    #[must_use]
    pub const fn lines(&self) -> usize {
        self.lines
    }

    /// The start of the last line of `held` past its first (and not
    /// searched before) that opens a record; 0 when there is none.
    fn cut(&self, held: &str) -> usize {
        let mut end = held.len();
        while let Some(nl) = held.get(..end).and_then(|h| h.rfind('\n')) {
            let start = nl + 1;
            if start < self.searched {
                break;
            }
            let line = held.get(start..).unwrap_or_default();
            let line = line.find('\n').map_or(line, |i| &line[..i]);
            if line.trim_start().starts_with("OCMF") {
                return start;
            }
            end = nl;
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, vec::Vec};

    fn pieces(input: &str) -> Vec<(&str, usize, PieceKind)> {
        split_records(input)
            .map(|p| (p.text, p.line, p.kind))
            .collect()
    }

    const HEX: &str = "4F434D467C7B7D7C7B7D"; // OCMF|{}|{}

    #[test]
    fn one_record_per_line_continuations_and_blank_lines() {
        use PieceKind::{Hex, Ocmf, Other};
        let text = "\u{feff}  OCMF|{}|{}  \r\nOCMF|{\n \"a\": 1\n}\n|{}\n\n  trailing \n";
        assert_eq!(
            pieces(text),
            [
                ("\u{feff}  OCMF|{}|{}", 1, Ocmf),
                ("OCMF|{\n \"a\": 1\n}\n|{}", 2, Ocmf),
                ("trailing", 7, Other),
            ]
        );
        // A hex line closes the open record and stands alone; so does a
        // line outside any record.
        let text = format!("stray\nOCMF|{{}}|{{}}\n{HEX}\n|tail\nOCMFX");
        assert_eq!(
            pieces(&text),
            [
                ("stray", 1, Other),
                ("OCMF|{}|{}", 2, Ocmf),
                (HEX, 3, Hex),
                ("|tail", 4, Other),
                ("OCMFX", 5, Ocmf),
            ]
        );
        assert!(pieces("").is_empty());
        assert!(pieces(" \n\t\n").is_empty());
    }

    #[test]
    fn blank_lines_inside_an_unfinished_record_are_part_of_it() {
        use PieceKind::{Ocmf, Other};
        // A real meter's record with blank lines inside its payload (LEM
        // DCBM, corpus `hist-vw-ocmf-load-001`): one record, not four.
        let text =
            "OCMF|{\"FV\":\"1.0\",\n\n\"IS\":true,\n\n\n\"ID\":\"a|b\"}|{\"SD\":\"00\"}\n\nnext\n";
        assert_eq!(
            pieces(text),
            [
                (
                    "OCMF|{\"FV\":\"1.0\",\n\n\"IS\":true,\n\n\n\"ID\":\"a|b\"}|{\"SD\":\"00\"}",
                    1,
                    Ocmf
                ),
                ("next", 8, Other),
            ]
        );
        // A complete record is closed by a blank line; an unclosed one runs on.
        assert_eq!(pieces("OCMF|{}|{}\n\nx").len(), 2);
        assert_eq!(pieces("OCMF|{\n\nx").len(), 1);
    }

    #[test]
    fn a_byte_order_mark_stays_with_the_first_record_only() {
        use PieceKind::{Hex, Other};
        let marked = |t: &str| format!("\u{feff}{t}");
        // A record keeps it (the checker reports it); decoding drops it.
        let text = marked("OCMF|{}|{}\nOCMF|{}|{}\n");
        let p: Vec<_> = split_records(&text).collect();
        assert_eq!(p[0].text, "\u{feff}OCMF|{}|{}");
        assert_eq!(p[0].decode().as_deref(), Ok("OCMF|{}|{}"));
        assert_eq!(p[1].text, "OCMF|{}|{}");
        // A hex record or another line is read without it.
        assert_eq!(pieces(&marked(&format!("{HEX}\n"))), [(HEX, 1, Hex)]);
        assert_eq!(pieces(&marked(" x \n")), [("x", 1, Other)]);
        assert!(pieces(&marked("\n\n")).is_empty());
        // Only at the start of the input.
        assert_eq!(
            pieces("x\n\u{feff}y"),
            [("x", 1, Other), ("\u{feff}y", 2, Other)]
        );
    }

    #[test]
    fn pieces_borrow_the_input() {
        let text = "OCMF|{}|{}\n";
        let p = split_records(text).next().unwrap();
        assert!(core::ptr::eq(p.text.as_ptr(), text.as_ptr()));
    }

    #[test]
    fn decode_by_kind() {
        let text = format!("OCMF|{{}}|{{}}\n{HEX}\n4F434D467CZZ\nhello");
        let got: Vec<_> = split_records(&text).map(|p| p.decode()).collect();
        assert_eq!(got[0].as_deref(), Ok("OCMF|{}|{}"));
        assert_eq!(got[1].as_deref(), Ok("OCMF|{}|{}"));
        for (e, line) in got[2..].iter().zip([3, 4]) {
            let e = e.as_ref().unwrap_err();
            assert_eq!((e.code, e.line), (ErrorCode::TransportFormat, Some(line)));
        }
    }
}
