//! `ocmf verify` and `ocmf inspect`: one report per record, the records of
//! a file checked as one batch.

use std::borrow::Cow;
use std::io::{self, Write};

use ocmf_core::transport::{self, InputFormat, PieceKind, TransportError};
use ocmf_core::{Error, ErrorCode, Item, Report, Verdict};

use crate::output::{exit_for, print_errors, print_human, print_table};
use crate::{EXIT_IO, EXIT_MALFORMED, OneInput, Setup, read_input};

/// The records of an input, each with the key carried with it, and what
/// could not be read.
struct Records<'a> {
    items: Vec<(Cow<'a, str>, Option<String>)>,
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

/// `verify` (one verdict line per record) or `inspect` (a table per record).
pub(crate) fn run(c: &OneInput, inspect: bool) -> u8 {
    let setup = match Setup::new(&c.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = setup.lang;
    let json = c.common.json;
    let bytes = match read_input(&c.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("ocmf: cannot read {}: {e}", c.file);
            return EXIT_IO;
        }
    };
    let input = records(&bytes);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut verdicts = Vec::new();
    match print_errors(&input.errors, &c.file, json, &mut out) {
        Ok(true) => verdicts.push(Verdict::Malformed),
        Ok(false) => {}
        Err(_) => return EXIT_IO,
    }
    if input.items.is_empty() {
        if json && input.errors.is_empty() {
            // Every outcome has its JSON answer: nothing to check is `malformed`.
            let profile = setup.checker().options_ref().profile;
            let report = Report::from_error(Error::new(ErrorCode::EmptyInput), profile);
            if writeln!(out, "{}", report.to_json_string(lang)).is_err() {
                return EXIT_IO;
            }
        }
        let _ = out.flush();
        eprintln!("ocmf: no record in {}", c.file);
        return EXIT_MALFORMED;
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
        verdicts.push(report.verdict);
        if written.is_ok() {
            written = if json {
                writeln!(out, "{}", report.to_json_string(lang))
            } else if inspect {
                print_table(&mut out, n, &report, lang)
            } else {
                print_human(&mut out, n, &report, lang)
            };
        }
    });
    if written.and_then(|()| out.flush()).is_err() {
        return EXIT_IO;
    }
    exit_for(&verdicts)
}
