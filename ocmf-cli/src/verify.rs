//! `ocmf verify` and `ocmf inspect`: one report per record. Record text is
//! streamed (see [`crate::stream`]); any other input is read whole.

use std::borrow::Cow;
use std::io::{self, Write};

use ocmf_core::formats::FormatCheck;
use ocmf_core::transport::{self, InputFormat, PieceKind, TransportError};
use ocmf_core::{Error, ErrorCode, Item, KeyInput, Report, Verdict};

use crate::output::print_errors;
use crate::stream::{BLOCK, Input, Progress, Render, Stop, Stream, Tally};
use crate::{CheckInput, EXIT_IO, EXIT_MALFORMED, OneInput, Setup};

/// The records of an input, each with the key carried with it, and what
/// could not be read.
struct Records<'a> {
    items: Vec<(Cow<'a, str>, Option<String>)>,
    /// Per item: whether it is a value in another format (from a container).
    formats: Vec<bool>,
    errors: Vec<TransportError>,
}

/// Record text (or anything that is no container) is cut into records by
/// the core's splitter (the one `extract` uses), so that every piece gets
/// the record parser's own verdict (a broken record is `malformed` with its
/// precise code, not a transport error); a hex piece is decoded first. Any
/// container (OCPP, XML, hex lines, PTB) goes through the transport layer
/// with its carried keys.
fn records(bytes: &[u8]) -> Records<'_> {
    let plain = std::str::from_utf8(bytes).ok().filter(|t| {
        matches!(
            transport::detect(t),
            InputFormat::OcmfText | InputFormat::Unknown | InputFormat::Empty
        )
    });
    let Some(text) = plain else {
        let ex = transport::extract_bytes(bytes);
        return Records {
            formats: ex.values.iter().map(|v| v.format.is_some()).collect(),
            items: ex
                .values
                .into_iter()
                .map(|v| (Cow::Owned(v.record), v.public_key))
                .collect(),
            errors: ex.errors,
        };
    };
    let mut r = Records {
        items: Vec::new(),
        formats: Vec::new(),
        errors: Vec::new(),
    };
    for piece in transport::split_records(text) {
        match piece.kind {
            PieceKind::Hex => match piece.decode() {
                Ok(record) => r.items.push((Cow::Owned(record), None)),
                Err(e) => r.errors.push(e),
            },
            _ => r.items.push((Cow::Borrowed(piece.text), None)),
        }
    }
    r
}

/// The first bytes read: enough to tell record text (streamed) from any
/// other input (read whole, as the transport layer needs it).
const HEAD: usize = 1 << 20;

/// Whether the input whose first bytes are `head` is streamed: record
/// text, i.e. the format the transport layer detects for the whole input
/// is `OcmfText` (its first non-blank characters are `OCMF|`: they are in
/// the head unless the input ends first). A head that is not UTF-8 (but
/// for a character cut at its end) is read whole, so that the whole
/// input gets today's `not_utf8` answer.
fn streamed(head: &[u8], eof: bool) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() && !eof => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    transport::detect(text) == InputFormat::OcmfText
}

/// `verify` (one verdict line per record) or `inspect` (a table per record).
pub(crate) fn run(check: &CheckInput, inspect: bool) -> u8 {
    let c = &check.input;
    let setup = match Setup::new(&c.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let cannot_read = |e: io::Error| {
        eprintln!("ocmf: cannot read {}: {e}", c.file);
        EXIT_IO
    };
    let render = Render {
        json: c.common.json,
        inspect,
        lang: setup.lang,
    };
    if let Some(joined) = check.joined() {
        let bytes = match joined {
            Ok(b) => b,
            Err(code) => return code,
        };
        let progress = Progress::new(true, None);
        let mut out = io::BufWriter::new(io::stdout().lock());
        return whole(c, &setup, &bytes, render, &mut out, &progress);
    }
    let mut input = match Input::open(&c.file) {
        Ok(i) => i,
        Err(e) => return cannot_read(e),
    };
    let mut held = Vec::new();
    if let Err(e) = input.fill(&mut held, HEAD) {
        return cannot_read(e);
    }
    let streamed = streamed(&held, input.eof);
    // Progress in bytes of a file that is streamed; else in records.
    let size = input.size.filter(|_| streamed);
    let mut progress = Progress::new(c.common.quiet, size);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = if streamed {
        let checker = setup.checker();
        // The user's key, decoded once for the whole run (an undecodable
        // key is passed on: each record then reports why).
        let decoded = setup.key().decode(checker.backend_kind());
        let key = match &decoded {
            Some(Ok(k)) => KeyInput::Decoded(k),
            _ => setup.key(),
        };
        let mut stream = Stream {
            checker,
            key,
            render,
            path: &c.file,
            out: &mut out,
            progress: &progress,
            tally: Tally::default(),
            records: 0,
        };
        match stream.run(&mut input, held, BLOCK) {
            Ok(()) => stream.tally.exit(),
            Err(Stop::Read(e)) => {
                let _ = out.flush();
                cannot_read(e)
            }
            Err(Stop::Write) => EXIT_IO,
        }
    } else {
        match input.fill_all(&mut held) {
            Ok(()) => whole(c, &setup, &held, render, &mut out, &progress),
            Err(e) => cannot_read(e),
        }
    };
    progress.finish();
    code
}

/// Any other input, read whole: the transport layer's records (or the
/// record text's pieces) checked as one stream of batches.
fn whole(
    c: &OneInput,
    setup: &Setup,
    bytes: &[u8],
    render: Render,
    out: &mut impl Write,
    progress: &Progress,
) -> u8 {
    if let Some(code) = other_format(setup, bytes, render, out) {
        return code;
    }
    let input = records(bytes);
    let mut tally = Tally::default();
    match print_errors(&input.errors, &c.file, render.json, out) {
        Ok(true) => tally.add(Verdict::Malformed),
        Ok(false) => {}
        Err(_) => return EXIT_IO,
    }
    if input.items.is_empty() {
        if render.json && input.errors.is_empty() {
            // Every outcome has its JSON answer: nothing to check is `malformed`.
            let profile = setup.checker().options_ref().profile;
            let report = Report::from_error(Error::new(ErrorCode::EmptyInput), profile);
            if writeln!(out, "{}", report.to_json_string(render.lang)).is_err() {
                return EXIT_IO;
            }
        }
        let _ = out.flush();
        eprintln!("ocmf: no record in {}", c.file);
        return EXIT_MALFORMED;
    }
    if input.formats.contains(&true) {
        return mixed(setup, &input, render, out, progress, tally);
    }
    let items: Vec<Item<'_>> = input
        .items
        .iter()
        .map(|(record, carried)| {
            Item::new(record.as_bytes()).key(setup.key_for(carried.as_deref()))
        })
        .collect();
    let mut n = 0;
    let mut written = Ok(());
    setup.checker().verify_each(items, |_, report| {
        n += 1;
        tally.add(report.verdict);
        if written.is_ok() {
            written = progress.suspend(|| out.write_all(&render.lines(n, &report)));
        }
        progress.record();
    });
    if written.and_then(|()| out.flush()).is_err() {
        return EXIT_IO;
    }
    tally.exit()
}

/// A container holding values in other formats: each value in input order,
/// an OCMF record checked as one, a value of another format by the format
/// check (with the user's key, else the key carried with it).
fn mixed(
    setup: &Setup,
    input: &Records<'_>,
    render: Render,
    out: &mut impl Write,
    progress: &Progress,
    mut tally: Tally,
) -> u8 {
    let checker = setup.checker();
    let mut n = 0;
    for ((record, carried), &format) in input.items.iter().zip(&input.formats) {
        let written = if format {
            let check =
                checker.verify_format_carried(record.as_bytes(), setup.key(), carried.as_deref());
            tally.add(check.verdict());
            progress.suspend(|| write_format(&check, render, out))
        } else {
            n += 1;
            let report = checker.verify(record.as_bytes(), setup.key_for(carried.as_deref()));
            tally.add(report.verdict);
            progress.suspend(|| out.write_all(&render.lines(n, &report)))
        };
        if written.is_err() {
            return EXIT_IO;
        }
        progress.record();
    }
    if out.flush().is_err() {
        return EXIT_IO;
    }
    tally.exit()
}

/// A signed value in one of the other formats (Alfen, EDL40, ...; issue
/// 19): an input the core names a format ([`transport::value_format`]).
/// Its one answer is written (JSON, or a verdict line with the readings for
/// `inspect`) and the exit code returned; `None` leaves the input to the
/// OCMF path, so that every OCMF input keeps its answers.
fn other_format(setup: &Setup, bytes: &[u8], render: Render, out: &mut impl Write) -> Option<u8> {
    transport::value_format(bytes)?;
    let check = setup.checker().verify_format(bytes, setup.key());
    let mut tally = Tally::default();
    tally.add(check.verdict());
    if write_format(&check, render, out)
        .and_then(|()| out.flush())
        .is_err()
    {
        return Some(EXIT_IO);
    }
    Some(tally.exit())
}

/// One format check: its JSON line, or its verdict line (and readings for
/// `inspect`).
fn write_format(check: &FormatCheck, render: Render, out: &mut impl Write) -> io::Result<()> {
    let mut text = Vec::new();
    if render.json {
        text.extend_from_slice(check.to_json_string(render.lang).as_bytes());
        text.push(b'\n');
    } else {
        // Writing to a Vec cannot fail.
        let _ = crate::output::print_format(&mut text, check, render.inspect, render.lang);
    }
    out.write_all(&text)
}
