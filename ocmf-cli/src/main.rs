//! `ocmf`: verify, inspect and sign OCMF records, check charging sessions and
//! extract signed values from OCPP logs and transparency-software XML.
//!
//! Every input is auto-detected (plain or hex records, OCPP 1.6 / 2.x
//! messages and OCPP-J logs, TPS XML, PTB container).
//!
//! Exit codes: 0 all valid, 1 some invalid (signature, or a session that does
//! not check out), 2 malformed / unsupported / incomplete / usage, 3 I/O.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ocmf_core::batch::{BatchItem, BatchOptions, check_all, check_all_trusted};
use ocmf_core::registry::{Registry, TrustedReport};
use ocmf_core::session::{SessionContext, SessionRecord, SessionReport, SessionVerdict, evaluate};
use ocmf_core::transport::{Extraction, InputFormat, extract_bytes};
use ocmf_core::{Lang, Options, Profile, PublicKey, Report, Severity, Verdict};

#[derive(Parser)]
#[command(
    name = "ocmf",
    version,
    about = "Verify, inspect and sign OCMF signed meter values"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Strict,
    Interop,
    Reference,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    En,
    De,
}

#[derive(clap::Args)]
struct Common {
    /// The meter's public key (hex, base64, PEM or oca:)
    #[arg(long, conflicts_with = "key_file")]
    key: Option<String>,
    /// A file holding the public key
    #[arg(long)]
    key_file: Option<String>,
    /// Trusted-key registry (JSON or CSV, see docs/registry-formats.md)
    #[arg(long, value_name = "REGISTRY")]
    keys: Option<String>,
    /// Checking profile
    #[arg(long, value_enum, default_value = "interop")]
    profile: ProfileArg,
    /// Print one JSON object per record
    #[arg(long)]
    json: bool,
    /// Language of messages
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
    /// Worker threads for many records (0: one per core)
    #[arg(long, default_value_t = 1)]
    threads: usize,
}

#[derive(clap::Args)]
struct OneInput {
    #[command(flatten)]
    common: Common,
    /// Input file (records, OCPP log, TPS XML, ...), or - for standard input
    #[arg(default_value = "-")]
    file: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConvertTo {
    /// The XML format of the reference transparency software
    Xml,
    /// One plain OCMF record per line
    Ocmf,
    /// One hex-encoded OCMF record per line
    Hex,
    /// The extraction as JSON (values, errors, groups)
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Verify records and print one verdict per record
    Verify(OneInput),
    /// Show a readable table of each record: meter, readings, findings
    Inspect(OneInput),
    /// Check the records of one charging session together (all files form one session)
    Session {
        #[command(flatten)]
        common: Common,
        /// Files with the session's records, in any supported container, or - for standard input
        #[arg(default_value = "-", num_args = 1..)]
        files: Vec<String>,
    },
    /// Extract every signed value from an OCPP log (or any container) and check each session found
    Extract(OneInput),
    /// Convert the signed values of any container into another format
    Convert {
        /// Output format
        #[arg(long, value_enum, default_value = "xml")]
        to: ConvertTo,
        /// Input file, or - for standard input
        #[arg(default_value = "-")]
        file: String,
    },
    /// Sign a payload (JSON object) with a secret key (for simulators and tests)
    Sign {
        /// Secret scalar as hex
        #[arg(long)]
        secret: String,
        /// Algorithm (SA), e.g. ECDSA-secp256r1-SHA256
        #[arg(long, default_value = "ECDSA-secp256r1-SHA256")]
        algorithm: String,
        /// File holding the payload JSON exactly as it shall be signed, or -
        #[arg(default_value = "-")]
        file: String,
    },
}

const EXIT_INVALID: u8 = 1;
const EXIT_MALFORMED: u8 = 2;
const EXIT_IO: u8 = 3;

fn read_input(path: &str) -> io::Result<Vec<u8>> {
    if path == "-" {
        let mut s = Vec::new();
        io::stdin().lock().read_to_end(&mut s)?;
        Ok(s)
    } else {
        std::fs::read(path)
    }
}

/// Reads and extracts one input; prints the I/O error and returns the exit code on failure.
fn load(path: &str) -> Result<Extraction, u8> {
    match read_input(path) {
        Ok(bytes) => Ok(extract_bytes(&bytes)),
        Err(e) => {
            eprintln!("ocmf: cannot read {path}: {e}");
            Err(EXIT_IO)
        }
    }
}

/// Splits input into records: one per non-empty line; a record spanning
/// several lines (pretty-printed payload) is kept whole when the input holds
/// a single record.
fn records(input: &str) -> Vec<&str> {
    let trimmed = input.trim();
    if trimmed.matches("OCMF|").count() <= 1 && !trimmed.is_empty() {
        return vec![trimmed];
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    // Group lines: a new record starts at a line beginning with OCMF.
    let mut offset = 0;
    for line in input.split_inclusive('\n') {
        if line.trim_start().starts_with("OCMF") {
            if let Some(s) = start {
                out.push(input[s..offset].trim());
            }
            start = Some(offset);
        } else if start.is_none() && !line.trim().is_empty() {
            out.push(line.trim());
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(input[s..].trim());
    }
    out.into_iter().filter(|r| !r.is_empty()).collect()
}

fn profile(p: ProfileArg) -> Profile {
    match p {
        ProfileArg::Strict => Profile::Strict,
        ProfileArg::Interop => Profile::Interop,
        ProfileArg::Reference => Profile::Reference,
    }
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::En => Lang::En,
        LangArg::De => Lang::De,
    }
}

fn exit_for(verdicts: &[Verdict]) -> u8 {
    if verdicts
        .iter()
        .any(|v| matches!(v, Verdict::Malformed | Verdict::Unsupported))
    {
        EXIT_MALFORMED
    } else if verdicts.contains(&Verdict::InvalidSignature) {
        EXIT_INVALID
    } else {
        0
    }
}

fn print_human(out: &mut impl Write, n: usize, report: &Report<'_>, lang: Lang) -> io::Result<()> {
    let msg = report.error.map_or_else(
        || report.verdict.explain(lang).to_owned(),
        |e| e.message(lang),
    );
    writeln!(out, "record {n}: {} — {msg}", report.verdict)?;
    if report.verdict != Verdict::Valid {
        writeln!(out, "  {}", report.verdict.explain(lang))?;
    }
    for f in &report.findings {
        if f.severity >= Severity::Warning {
            writeln!(
                out,
                "  [{}] {}: {}",
                f.severity.as_str(),
                f.code.name(),
                f.message(lang)
            )?;
        }
    }
    Ok(())
}

fn print_table(out: &mut impl Write, n: usize, report: &Report<'_>, lang: Lang) -> io::Result<()> {
    let de = lang == Lang::De;
    writeln!(
        out,
        "== record {n}: {} ({})",
        report.verdict,
        report.code().name()
    )?;
    if let Some(rec) = &report.record {
        let p = &rec.payload;
        let t = |x: &Option<ocmf_core::Text<'_>>| {
            x.as_ref().map_or("-".to_owned(), |t| t.as_str().to_owned())
        };
        writeln!(
            out,
            "  {}: {} {} serial {} fw {}",
            if de { "Zähler" } else { "meter" },
            t(&p.meter_vendor),
            t(&p.meter_model),
            t(&p.meter_serial),
            t(&p.meter_firmware)
        )?;
        writeln!(
            out,
            "  gateway: {} serial {} version {}",
            t(&p.gateway_id),
            t(&p.gateway_serial),
            t(&p.gateway_version)
        )?;
        writeln!(
            out,
            "  FV {}  PG {}  algorithm {}",
            t(&p.format_version),
            t(&p.pagination),
            report.algorithm.map_or("-", |a| a.sa())
        )?;
        writeln!(
            out,
            "  {}: IS {:?} IL {} IT {} ID {}",
            if de {
                "Identifikation"
            } else {
                "identification"
            },
            p.user_assigned,
            t(&p.identification_level),
            t(&p.identification_type),
            t(&p.identification_data)
        )?;
        writeln!(
            out,
            "  {:<32} {:<3} {:>16} {:<5} {:<20} {:<3} {:<2} EF",
            "TM", "TX", "RV", "RU", "RI", "ST", "RT"
        )?;
        for r in p.resolved_readings() {
            let tt = |x: &Option<ocmf_core::Text<'_>>| {
                x.as_ref().map_or("-".to_owned(), |t| t.as_str().to_owned())
            };
            writeln!(
                out,
                "  {:<32} {:<3} {:>16} {:<5} {:<20} {:<3} {:<2} {}",
                tt(&r.time),
                tt(&r.reason),
                r.value
                    .map_or("-".to_owned(), |v| v.as_str().trim().to_owned()),
                tt(&r.unit),
                tt(&r.obis),
                tt(&r.status),
                tt(&r.current_type),
                tt(&r.error_flags)
            )?;
        }
    }
    for f in &report.findings {
        writeln!(
            out,
            "  [{}] {} ({}): {}",
            f.severity.as_str(),
            f.code.name(),
            f.code.code(),
            f.message(lang)
        )?;
    }
    Ok(())
}

/// What every checking command shares: the explicit key, the registry,
/// the options and the language.
struct Setup {
    lang: Lang,
    key_text: Option<String>,
    key: Option<Result<PublicKey, ocmf_core::Error>>,
    registry: Option<Registry>,
    options: Options,
    threads: usize,
}

impl Setup {
    fn new(c: &Common) -> Result<Self, u8> {
        let lang = lang(c.lang);
        let key_text = match (&c.key, &c.key_file) {
            (Some(k), _) => Some(k.clone()),
            (None, Some(f)) => match std::fs::read_to_string(f) {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("ocmf: cannot read key file {f}: {e}");
                    return Err(EXIT_IO);
                }
            },
            (None, None) => None,
        };
        let registry = match &c.keys {
            None => None,
            Some(f) => match std::fs::read_to_string(f) {
                Ok(text) => match Registry::load(&text) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        eprintln!("ocmf: {f}: {}", e.message(lang));
                        return Err(EXIT_MALFORMED);
                    }
                },
                Err(e) => {
                    eprintln!("ocmf: cannot read key registry {f}: {e}");
                    return Err(EXIT_IO);
                }
            },
        };
        // Decode the key once for all records; an unreadable key is reported
        // per record (after the record's own algorithm check).
        let key = key_text.as_deref().map(PublicKey::parse);
        Ok(Self {
            lang,
            key_text,
            key,
            registry,
            options: Options::with_profile(profile(c.profile)),
            threads: c.threads,
        })
    }

    /// Checks the records (each with the key carried with it, if any) as one
    /// batch (each key decoded once, on `--threads` workers): with the
    /// registry when there is one (the key the user gave, else the carried
    /// key, is compared with the registered keys), else with the user's key
    /// or the carried keys.
    fn check_all<'a>(&'a self, items: &[(&'a str, Option<&'a str>)]) -> Vec<Checked<'a>> {
        let opts = BatchOptions::new(self.options).threads(self.threads);
        if let Some(reg) = &self.registry {
            let batch: Vec<BatchItem<'_>> = items
                .iter()
                .map(|&(record, carried)| {
                    let item = BatchItem::new(record);
                    match self.key_text.as_deref().or(carried) {
                        Some(text) => item.key_text(text),
                        None => item,
                    }
                })
                .collect();
            return check_all_trusted(&batch, reg, &opts)
                .into_iter()
                .map(Checked::Trusted)
                .collect();
        }
        let batch: Vec<BatchItem<'_>> = items
            .iter()
            .map(|&(record, carried)| {
                let item = BatchItem::new(record);
                match (&self.key, self.key_text.as_deref(), carried) {
                    (Some(Ok(k)), _, _) => item.key(k),
                    // An unreadable --key is reported per record.
                    (Some(Err(_)), Some(text), _) | (_, _, Some(text)) => item.key_text(text),
                    _ => item,
                }
            })
            .collect();
        check_all(&batch, &opts)
            .into_iter()
            .map(Checked::Plain)
            .collect()
    }

    /// The session context for [`evaluate`]; an unreadable `--key` is an
    /// error here (a session has no per-record slot for it).
    fn context(&self) -> Result<SessionContext<'_>, u8> {
        let key = match &self.key {
            Some(Err(e)) => {
                eprintln!(
                    "ocmf: the key cannot be read: {} ({})",
                    e.message(self.lang),
                    e.code.name()
                );
                return Err(EXIT_MALFORMED);
            }
            Some(Ok(k)) => Some(k),
            None => None,
        };
        Ok(SessionContext {
            key,
            registry: self.registry.as_ref(),
            options: self.options,
        })
    }
}

enum Checked<'a> {
    Plain(Report<'a>),
    Trusted(TrustedReport<'a>),
}

impl<'a> Checked<'a> {
    fn report(&self) -> &Report<'a> {
        match self {
            Self::Plain(r) => r,
            Self::Trusted(t) => &t.report,
        }
    }

    fn to_json_string(&self, lang: Lang) -> String {
        match self {
            Self::Plain(r) => r.to_json_string(lang),
            Self::Trusted(t) => t.to_json_string(lang),
        }
    }
}

/// Prints what could not be read; returns whether there was anything.
fn print_errors(ex: &Extraction, path: &str, json: bool, out: &mut impl Write) -> io::Result<bool> {
    for e in &ex.errors {
        if json {
            let v = serde_json::json!({
                "verdict": "malformed",
                "code": e.code.code(),
                "code_name": e.code.name(),
                "file": path,
                "line": e.line,
                "message": e.message,
            });
            writeln!(out, "{v}")?;
        } else {
            eprintln!("ocmf: {path}: {e}");
        }
    }
    Ok(!ex.errors.is_empty())
}

fn run_check(c: &OneInput, inspect: bool) -> u8 {
    let setup = match Setup::new(&c.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = setup.lang;
    let bytes = match read_input(&c.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("ocmf: cannot read {}: {e}", c.file);
            return EXIT_IO;
        }
    };
    let mut verdicts = Vec::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    // Plain record text is split into records here, so that every piece
    // gets the record parser's own verdict (a broken record is "malformed"
    // with its precise code, not a transport error); any container (OCPP,
    // XML, hex, PTB) goes through the transport layer with its carried keys.
    let plain = std::str::from_utf8(&bytes).ok().filter(|t| {
        matches!(
            ocmf_core::transport::detect(t),
            InputFormat::OcmfText | InputFormat::Unknown | InputFormat::Empty
        )
    });
    let ex;
    let items: Vec<(&str, Option<&str>)> = if let Some(text) = plain {
        records(text).into_iter().map(|r| (r, None)).collect()
    } else {
        ex = extract_bytes(&bytes);
        match print_errors(&ex, &c.file, c.common.json, &mut out) {
            Ok(true) => verdicts.push(Verdict::Malformed),
            Ok(false) => {}
            Err(_) => return EXIT_IO,
        }
        ex.values
            .iter()
            .map(|v| (v.record.as_str(), v.public_key.as_deref()))
            .collect()
    };
    if items.is_empty() {
        eprintln!("ocmf: no record in {}", c.file);
        return EXIT_MALFORMED;
    }
    for (n, checked) in setup.check_all(&items).iter().enumerate() {
        let report = checked.report();
        verdicts.push(report.verdict);
        let res = if c.common.json {
            writeln!(out, "{}", checked.to_json_string(lang))
        } else if inspect {
            print_table(&mut out, n + 1, report, lang)
        } else {
            print_human(&mut out, n + 1, report, lang)
        };
        let res = res.and_then(|()| match (checked, c.common.json) {
            (Checked::Trusted(t), false) => print_trust(&mut out, t, lang),
            _ => Ok(()),
        });
        if res.is_err() {
            return EXIT_IO;
        }
    }
    if out.flush().is_err() {
        return EXIT_IO;
    }
    exit_for(&verdicts)
}

fn print_trust(out: &mut impl Write, t: &TrustedReport<'_>, lang: Lang) -> io::Result<()> {
    let label = if lang == Lang::De {
        "Schlüssel"
    } else {
        "key"
    };
    writeln!(
        out,
        "  {label}: {} {} — {}",
        t.trust.as_str(),
        t.key_fingerprint.as_deref().unwrap_or("-"),
        t.trust.explain(lang)
    )
}

fn session_exit(v: SessionVerdict) -> u8 {
    match v {
        SessionVerdict::Valid => 0,
        SessionVerdict::Invalid => EXIT_INVALID,
        _ => EXIT_MALFORMED,
    }
}

fn print_session(
    out: &mut impl Write,
    title: &str,
    s: &SessionReport<'_>,
    lang: Lang,
) -> io::Result<()> {
    let de = lang == Lang::De;
    writeln!(out, "{title}: {} — {}", s.verdict, s.verdict.explain(lang))?;
    if let Some(m) = &s.meter_serial {
        writeln!(out, "  {}: {m}", if de { "Zähler" } else { "meter" })?;
    }
    if let Some(e) = &s.energy {
        writeln!(
            out,
            "  {}: {} kWh ({} Wh){}",
            if de { "Energie" } else { "energy" },
            e.kwh,
            e.wh,
            e.register
                .as_deref()
                .map_or(String::new(), |r| format!(", {r}"))
        )?;
    }
    if let (Some(a), Some(b)) = (&s.start, &s.end) {
        writeln!(
            out,
            "  {}: {} → {}",
            if de { "Zeit" } else { "time" },
            a.text,
            b.text
        )?;
    }
    if let Some(d) = s.duration_seconds() {
        writeln!(out, "  {}: {d} s", if de { "Dauer" } else { "duration" })?;
    }
    if let Some(t) = &s.trust {
        writeln!(
            out,
            "  {}: {} — {}",
            if de { "Schlüssel" } else { "key" },
            t.as_str(),
            t.explain(lang)
        )?;
    }
    for r in &s.records {
        let rep = &r.checked.report;
        writeln!(
            out,
            "  record {}{}: {} ({})",
            r.index + 1,
            r.label.map_or(String::new(), |l| format!(" [{l}]")),
            rep.verdict,
            rep.code().name()
        )?;
    }
    for f in &s.findings {
        if f.finding.severity >= Severity::Warning {
            writeln!(
                out,
                "  [{}] {} ({}){}: {}",
                f.finding.severity.as_str(),
                f.finding.code.name(),
                f.finding.code.code(),
                f.detail
                    .as_deref()
                    .map_or(String::new(), |d| format!(" {d}")),
                f.message(lang)
            )?;
        }
    }
    Ok(())
}

fn run_session(c: &Common, files: &[String]) -> u8 {
    let setup = match Setup::new(c) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut inputs = Vec::new();
    for f in files {
        match load(f) {
            Ok(ex) => inputs.push((f.as_str(), ex)),
            Err(code) => return code,
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
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
    let ctx = match setup.context() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let report = evaluate(&records, &ctx);
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

fn run_extract(c: &OneInput) -> u8 {
    let setup = match Setup::new(&c.common) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = setup.lang;
    let ex = match load(&c.file) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    let ctx = match setup.context() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut worst = if ex.errors.is_empty() {
        0
    } else {
        EXIT_MALFORMED
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut res = Ok(());
    if !c.common.json {
        let de = lang == Lang::De;
        res = writeln!(
            out,
            "{}: {} ({}), {} {}, {} {}, {} {}",
            c.file,
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
        );
        for e in &ex.errors {
            res = res.and_then(|()| writeln!(out, "  {e}"));
        }
    }
    let sessions = ex.sessions(&ctx);
    for g in &sessions {
        worst = worst.max(session_exit(g.report.verdict));
        if !c.common.json {
            let title = format!(
                "station {} transaction {} evse {}",
                g.group.station.as_deref().unwrap_or("-"),
                g.group.transaction_id.as_deref().unwrap_or("-"),
                g.group.evse.map_or("-".to_owned(), |e| e.to_string())
            );
            res = res.and_then(|()| print_session(&mut out, &title, &g.report, lang));
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

fn run_convert(to: ConvertTo, file: &str) -> u8 {
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

fn run_sign(secret: &str, algorithm: &str, file: &str) -> u8 {
    let payload = match read_input(file).map(String::from_utf8) {
        Ok(Ok(s)) => s,
        Ok(Err(_)) => {
            eprintln!("ocmf: {file} is not UTF-8");
            return EXIT_MALFORMED;
        }
        Err(e) => {
            eprintln!("ocmf: cannot read {file}: {e}");
            return EXIT_IO;
        }
    };
    let alg = match ocmf_core::parse_algorithm(algorithm.trim()) {
        Ok((a, _)) => a,
        Err(_) => {
            eprintln!("ocmf: unknown algorithm {algorithm}");
            return EXIT_MALFORMED;
        }
    };
    // The payload is signed byte for byte; only a final newline from the file is dropped.
    let payload = payload.strip_suffix('\n').unwrap_or(&payload);
    match ocmf_core::sign_hex(payload, secret, alg) {
        Ok(s) => {
            println!("{}", s.record);
            eprintln!("public key (SEC1): {}", s.public_key_sec1_hex);
            0
        }
        Err(e) => {
            eprintln!("ocmf: {e} (code {})", e.code.code());
            EXIT_MALFORMED
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_MALFORMED } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match &cli.command {
        Command::Verify(c) => run_check(c, false),
        Command::Inspect(c) => run_check(c, true),
        Command::Session { common, files } => run_session(common, files),
        Command::Extract(c) => run_extract(c),
        Command::Convert { to, file } => run_convert(*to, file),
        Command::Sign {
            secret,
            algorithm,
            file,
        } => run_sign(secret, algorithm, file),
    };
    ExitCode::from(code)
}
