//! `ocmf`: verify, inspect and sign OCMF records from the command line.
//!
//! Exit codes: 0 all valid, 1 some invalid signature, 2 malformed /
//! unsupported / usage, 3 I/O.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
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
    /// Checking profile
    #[arg(long, value_enum, default_value = "interop")]
    profile: ProfileArg,
    /// Print one JSON object per record
    #[arg(long)]
    json: bool,
    /// Language of messages
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
    /// Input file with one record per line, or - for standard input
    #[arg(default_value = "-")]
    file: String,
}

#[derive(Subcommand)]
enum Command {
    /// Verify records and print one verdict per record
    Verify(Common),
    /// Show a readable table of each record: meter, readings, findings
    Inspect(Common),
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

fn read_input(path: &str) -> io::Result<String> {
    let mut s = String::new();
    if path == "-" {
        io::stdin().lock().read_to_string(&mut s)?;
    } else {
        s = std::fs::read_to_string(path)?;
    }
    Ok(s)
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

fn run_check(c: &Common, inspect: bool) -> u8 {
    let lang = lang(c.lang);
    let key_text = match (&c.key, &c.key_file) {
        (Some(k), _) => Some(k.clone()),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("ocmf: cannot read key file {f}: {e}");
                return EXIT_IO;
            }
        },
        (None, None) => None,
    };
    let input = match read_input(&c.file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ocmf: cannot read {}: {e}", c.file);
            return EXIT_IO;
        }
    };
    // Decode the key once for all records; an unreadable key is reported per
    // record (after the record's own algorithm check).
    let key = key_text.as_deref().map(PublicKey::parse);
    let options = Options::with_profile(profile(c.profile));
    let mut verdicts = Vec::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let recs = records(&input);
    if recs.is_empty() {
        eprintln!("ocmf: no record in {}", c.file);
        return EXIT_MALFORMED;
    }
    for (n, rec) in recs.iter().enumerate() {
        let report = match &key {
            Some(Ok(k)) => ocmf_core::check(rec, Some(k), &options),
            Some(Err(_)) => ocmf_core::check_with_key_text(rec, key_text.as_deref(), &options),
            None => ocmf_core::check(rec, None, &options),
        };
        verdicts.push(report.verdict);
        let res = if c.json {
            writeln!(out, "{}", report.to_json_string(lang))
        } else if inspect {
            print_table(&mut out, n + 1, &report, lang)
        } else {
            print_human(&mut out, n + 1, &report, lang)
        };
        if res.is_err() {
            return EXIT_IO;
        }
    }
    if out.flush().is_err() {
        return EXIT_IO;
    }
    exit_for(&verdicts)
}

fn run_sign(secret: &str, algorithm: &str, file: &str) -> u8 {
    let payload = match read_input(file) {
        Ok(s) => s,
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
        Command::Sign {
            secret,
            algorithm,
            file,
        } => run_sign(secret, algorithm, file),
    };
    ExitCode::from(code)
}
