//! `ocmf session`, `ocmf extract` and `ocmf convert`: the signed values of
//! any container, as sessions or in another format.

use std::io::{self, Write};

use ocmf_core::Lang;
use ocmf_core::session::SessionRecord;
use ocmf_core::transport::Extraction;

use crate::output::{print_format, print_format_session, print_session, session_exit};
use crate::{Common, ConvertTo, EXIT_IO, EXIT_MALFORMED, OneInput, Setup, load, read_file};

/// `session`: the values of every file, checked together as one session.
/// Files without `OCMF|` whose first is a value in one of the other
/// formats are one value each, checked as that format's session.
pub(crate) fn run_session(c: &Common, files: &[String]) -> u8 {
    let setup = match Setup::new(c) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut raw = Vec::new();
    for f in files {
        match read_file(f) {
            Ok(bytes) => raw.push(bytes),
            Err(code) => return code,
        }
    }
    if let Some(code) = format_session(&setup, c.json, &raw) {
        return code;
    }
    let inputs: Vec<(&str, Extraction)> = files
        .iter()
        .zip(&raw)
        .map(|(f, bytes)| (f.as_str(), ocmf_core::transport::extract_bytes(bytes)))
        .collect();
    let mut unreadable = false;
    let mut labels = Vec::new();
    for (f, ex) in &inputs {
        for e in &ex.errors {
            unreadable = true;
            eprintln!("ocmf: {f}: {e}");
        }
        for v in &ex.values {
            labels.push(match v.origin.line {
                Some(l) => format!("{f}:{l}"),
                None => (*f).to_owned(),
            });
        }
    }
    let values = inputs.iter().flat_map(|(_, ex)| ex.values.iter());
    let records: Vec<SessionRecord<'_>> = values
        .zip(&labels)
        .map(|(v, l)| SessionRecord {
            record: &v.record,
            key: v.public_key.as_deref(),
            label: Some(l),
        })
        .collect();
    let report = match setup.checker().session(&records, setup.key()) {
        Ok(r) => r,
        Err(e) => return setup.key_error(e),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let res = if c.json {
        writeln!(out, "{}", report.to_json_string(setup.lang))
    } else {
        print_session(&mut out, "session", &report, setup.lang)
    };
    if res.and_then(|()| out.flush()).is_err() {
        return EXIT_IO;
    }
    let code = session_exit(report.verdict);
    if unreadable {
        code.max(EXIT_MALFORMED)
    } else {
        code
    }
}

/// The session of values in the other formats (`None`: the inputs are OCMF,
/// or the first is in no format, and the OCMF path answers).
fn format_session(setup: &Setup, json: bool, raw: &[Vec<u8>]) -> Option<u8> {
    if raw.iter().any(|b| b.windows(5).any(|w| w == b"OCMF|")) {
        return None;
    }
    let checker = setup.checker();
    raw.first()
        .and_then(|b| checker.verify_format(b, setup.key()).format)?;
    let values: Vec<&[u8]> = raw.iter().map(Vec::as_slice).collect();
    let session = checker.format_session(&values, setup.key());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let res = if json {
        writeln!(out, "{}", session.to_json_string(setup.lang))
    } else {
        print_format_session(&mut out, &session, setup.lang)
    };
    if res.and_then(|()| out.flush()).is_err() {
        return Some(EXIT_IO);
    }
    Some(session_exit(session.verdict))
}

/// The summary line of an extraction and its errors.
fn print_summary(out: &mut impl Write, file: &str, ex: &Extraction, lang: Lang) -> io::Result<()> {
    let de = lang == Lang::De;
    writeln!(
        out,
        "{file}: {} ({}), {} {}, {} {}, {} {}",
        ex.format.as_str(),
        if de { "Format" } else { "format" },
        ex.values.len(),
        if de {
            "signierte Werte"
        } else {
            "signed values"
        },
        ex.duplicates,
        if de { "Duplikate" } else { "duplicates" },
        ex.errors.len(),
        if de { "Fehler" } else { "errors" },
    )?;
    for e in &ex.errors {
        writeln!(out, "  {e}")?;
    }
    Ok(())
}

/// `extract`: every session of a log (or any container), each checked once.
pub(crate) fn run_extract(c: &OneInput) -> u8 {
    let setup = match Setup::new(&c.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = setup.lang;
    let ex = match load(&c.file) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    let sessions = match setup.checker().sessions(&ex, setup.key()) {
        Ok(s) => s,
        Err(e) => return setup.key_error(e),
    };
    let mut worst = if ex.errors.is_empty() {
        0
    } else {
        EXIT_MALFORMED
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut res = if c.common.json {
        Ok(())
    } else {
        print_summary(&mut out, &c.file, &ex, lang)
    };
    for g in &sessions {
        // The group's verdict: its OCMF session's, its format session's, or
        // the worse of the two.
        worst = worst.max(session_exit(g.verdict()));
        if !c.common.json {
            let title = format!(
                "station {} transaction {} evse {}",
                g.group.station.as_deref().unwrap_or("-"),
                g.group.transaction_id.as_deref().unwrap_or("-"),
                g.group
                    .evse
                    .map_or_else(|| "-".to_owned(), |e| e.to_string())
            );
            if g.has_ocmf() || g.formats.is_empty() {
                res = res.and_then(|()| print_session(&mut out, &title, &g.report, lang));
            } else {
                res = res.and_then(|()| writeln!(out, "{title}"));
            }
            if let Some(fs) = &g.format_session {
                res = res.and_then(|()| print_format_session(&mut out, fs, lang));
            }
            for f in &g.formats {
                res = res
                    .and_then(|()| write!(out, "  value {}: ", f.value))
                    .and_then(|()| print_format(&mut out, &f.check, false, lang));
            }
        }
    }
    if c.common.json {
        let v = ex.json_with_sessions(&sessions, lang);
        res = res.and_then(|()| writeln!(out, "{v}"));
    }
    if res.and_then(|()| out.flush()).is_err() {
        return EXIT_IO;
    }
    if sessions.is_empty() {
        EXIT_MALFORMED
    } else {
        worst
    }
}

/// `convert`: the values of any container as TPS XML, JSON, plain or hex lines.
pub(crate) fn run_convert(to: ConvertTo, file: &str) -> u8 {
    let ex = match load(file) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    for e in &ex.errors {
        eprintln!("ocmf: {file}: {e}");
    }
    let text = match to {
        ConvertTo::Xml => ex.to_xml(),
        ConvertTo::Json => ex.to_json_string(),
        ConvertTo::Ocmf => ex
            .values
            .iter()
            .map(|v| format!("{}\n", v.record))
            .collect(),
        ConvertTo::Hex => ex
            .values
            .iter()
            .map(|v| {
                let mut line: String = v.record.bytes().map(|b| format!("{b:02X}")).collect();
                line.push('\n');
                line
            })
            .collect(),
    };
    let mut out = io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return EXIT_IO;
    }
    if ex.values.is_empty() || !ex.errors.is_empty() {
        EXIT_MALFORMED
    } else {
        0
    }
}
