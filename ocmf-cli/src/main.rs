//! `ocmf`: verify, inspect and sign OCMF records, check charging sessions and
//! extract signed values from OCPP logs and transparency-software XML.
//!
//! Every input is auto-detected (plain or hex records, OCPP 1.6 / 2.x
//! messages and OCPP-J logs, TPS XML, PTB container). Every check is the
//! core's [`Checker`]; this crate reads files, maps options and prints.
//!
//! Exit codes: 0 all valid, 1 some invalid (signature, or a session that does
//! not check out), 2 malformed / unsupported / incomplete / usage, 3 I/O.

mod extract;
mod output;
mod sign;
mod stream;
mod verify;

use std::io::{self, Read};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ocmf_core::registry::Registry;
use ocmf_core::transport::{Extraction, MAX_INPUT_BYTES, extract_bytes};
use ocmf_core::{Backend, Checker, KeyInput, Lang, Profile};

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

fn parse_profile(s: &str) -> Result<Profile, String> {
    Profile::parse(s).ok_or_else(|| format!("unknown profile {s:?} (strict, interop, reference)"))
}

fn parse_backend(s: &str) -> Result<Backend, String> {
    Backend::from_name(s)
        .map_err(|_| format!("unknown backend {s:?} (auto, pure-rust, native, reference)"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language {s:?} (en, de)"))
}

#[derive(clap::Args)]
struct Common {
    /// The meter's public key (hex, base64, PEM or oca:); blank: the records' own keys
    // A PEM key starts with `-----BEGIN`: `--key "$(cat meter.pem)"` must work.
    #[arg(long, conflicts_with = "key_file", allow_hyphen_values = true)]
    key: Option<String>,
    /// A file holding the public key (key text, or binary SPKI DER / SEC1)
    #[arg(long)]
    key_file: Option<String>,
    /// Trusted-key registry (JSON or CSV, see docs/registry-formats.md)
    #[arg(long, value_name = "REGISTRY")]
    keys: Option<String>,
    /// Checking profile: strict, interop or reference
    #[arg(long, value_parser = parse_profile, default_value = "interop")]
    profile: Profile,
    /// Print one JSON object per record
    #[arg(long)]
    json: bool,
    /// Language of messages: en or de
    #[arg(long, value_parser = parse_lang, default_value = "en")]
    lang: Lang,
    /// Worker threads for many records (0: one per core)
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Group arithmetic: auto, pure-rust, native or reference (same verdicts)
    #[arg(
        long,
        value_parser = parse_backend,
        default_value = "auto",
        long_help = "Group arithmetic that verifies the signatures: auto, pure-rust, native \
                     or reference. The verdicts are the same on every backend. auto, \
                     pure-rust and native are variable-time, which is safe for \
                     verification (its inputs are public). reference is RustCrypto's own \
                     ECDSA verification, for a policy that asks for it; it uses \
                     variable-time routines too. Signing is the constant-time part \
                     (docs/constant-time.md)."
    )]
    backend: Backend,
    /// No progress bar (it is shown on a terminal only, for work that
    /// takes more than a second)
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args)]
struct OneInput {
    #[command(flatten)]
    common: Common,
    /// Input file (records, OCPP log, TPS XML, ...), or - for standard input
    #[arg(default_value = "-")]
    file: String,
}

/// The input of `verify` and `inspect`: one input, or a ChargePoint value's
/// two files.
#[derive(clap::Args)]
struct CheckInput {
    #[command(flatten)]
    input: OneInput,
    /// ChargePoint: the detached signature file (`secrrct.sign`; DER, hex
    /// or base64) of the input, its `secrrct` file
    #[arg(long, value_name = "FILE")]
    signature: Option<String>,
}

impl CheckInput {
    /// With `--signature`, the ChargePoint value the core joins of the two
    /// files (read whole, never streamed). Prints the I/O error and returns
    /// the exit code on failure.
    fn joined(&self) -> Option<Result<Vec<u8>, u8>> {
        let sig = self.signature.as_deref()?;
        Some(read_file(&self.input.file).and_then(|document| {
            let signature = read_file(sig)?;
            Ok(ocmf_core::formats::chargepoint_value(&document, &signature).into_bytes())
        }))
    }
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
    Verify(CheckInput),
    /// Show a readable table of each record: meter, readings, findings
    Inspect(CheckInput),
    /// Check the records of one charging session together (all files form one session;
    /// values in the other formats, e.g. two Alfen lines, one value per file)
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
        /// Algorithm: a curve name (secp256r1, P-256, brainpoolP384r1, ...) or
        /// an SA value, e.g. ECDSA-secp256r1-SHA256
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

/// Reads a file, or standard input for `-`.
fn read_input(path: &str) -> io::Result<Vec<u8>> {
    if path == "-" {
        let mut s = Vec::new();
        io::stdin().lock().read_to_end(&mut s)?;
        Ok(s)
    } else {
        std::fs::read(path)
    }
}

/// Reads at most `MAX_INPUT_BYTES + 1` bytes of a file or standard input:
/// the transport layer answers `too_large` for anything longer, whatever
/// the bytes, so the rest is never needed.
fn read_capped(path: &str) -> io::Result<Vec<u8>> {
    let cap = u64::try_from(MAX_INPUT_BYTES).map_or(u64::MAX, |n| n + 1);
    let mut s = Vec::new();
    if path == "-" {
        io::stdin().lock().take(cap).read_to_end(&mut s)?;
    } else {
        std::fs::File::open(path)?.take(cap).read_to_end(&mut s)?;
    }
    Ok(s)
}

/// Reads and extracts one input; prints the I/O error and returns the exit code on failure.
fn load(path: &str) -> Result<Extraction, u8> {
    read_file(path).map(|bytes| extract_bytes(&bytes))
}

/// Reads one input; prints the I/O error and returns the exit code on failure.
fn read_file(path: &str) -> Result<Vec<u8>, u8> {
    read_capped(path).map_err(|e| {
        eprintln!("ocmf: cannot read {path}: {e}");
        EXIT_IO
    })
}

/// The key the user gave: `--key` text or the bytes of `--key-file`.
enum UserKey {
    Text(String),
    File(Vec<u8>),
}

/// What every checking command shares: the user's key, the registry, the
/// profile, the language and the thread count; the [`Checker`] made of them.
struct Setup {
    lang: Lang,
    key: Option<UserKey>,
    registry: Option<Registry>,
    profile: Profile,
    threads: usize,
    backend: Backend,
}

impl Setup {
    fn new(c: &Common) -> Result<Self, u8> {
        let key = match (&c.key, &c.key_file) {
            (Some(k), _) => Some(UserKey::Text(k.clone())),
            (None, Some(f)) => match std::fs::read(f) {
                Ok(b) => Some(UserKey::File(b)),
                Err(e) => {
                    eprintln!("ocmf: cannot read key file {f}: {e}");
                    return Err(EXIT_IO);
                }
            },
            (None, None) => None,
        };
        let registry = match &c.keys {
            None => None,
            Some(f) => match std::fs::read(f) {
                Ok(bytes) => match Registry::load_bytes(&bytes) {
                    Ok(r) => Some(r),
                    Err(e) => {
                        eprintln!("ocmf: {f}: {}", e.message(c.lang));
                        return Err(EXIT_MALFORMED);
                    }
                },
                Err(e) => {
                    eprintln!("ocmf: cannot read key registry {f}: {e}");
                    return Err(EXIT_IO);
                }
            },
        };
        Ok(Self {
            lang: c.lang,
            key,
            registry,
            profile: c.profile,
            threads: c.threads,
            backend: c.backend,
        })
    }

    /// The checker for every record and session of the command.
    fn checker(&self) -> Checker<'_> {
        Checker::new()
            .profile(self.profile)
            .registry(self.registry.as_ref())
            .threads(self.threads)
            .backend(self.backend)
    }

    /// The user's key as the core takes it (blank text or an empty file is
    /// no key: the core's rule).
    fn key(&self) -> KeyInput<'_> {
        match &self.key {
            None => KeyInput::None,
            Some(UserKey::Text(t)) => KeyInput::Text(t),
            Some(UserKey::File(b)) => KeyInput::Bytes(b),
        }
    }

    /// The key a record is checked with: the user's, else the key carried
    /// with the record (OCPP message, XML, PTB container), else none (the
    /// record's own 4th section).
    fn key_for<'a>(&'a self, carried: Option<&'a str>) -> KeyInput<'a> {
        let user = self.key();
        if user.is_none() {
            KeyInput::text(carried)
        } else {
            user
        }
    }

    /// Prints why the user's key cannot be read (a session has no
    /// per-record slot for it) and returns the exit code.
    fn key_error(&self, e: ocmf_core::Error) -> u8 {
        eprintln!(
            "ocmf: the key cannot be read: {} ({})",
            e.message(self.lang),
            e.code.name()
        );
        EXIT_MALFORMED
    }
}

fn main() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_MALFORMED } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match &cli.command {
        Command::Verify(c) => verify::run(c, false),
        Command::Inspect(c) => verify::run(c, true),
        Command::Session { common, files } => extract::run_session(common, files),
        Command::Extract(c) => extract::run_extract(c),
        Command::Convert { to, file } => extract::run_convert(*to, file),
        Command::Sign {
            secret,
            algorithm,
            file,
        } => sign::run(secret, algorithm, file),
    };
    // Wipe our copy of the signing secret (the process's own argument
    // strings are the operating system's).
    if let Command::Sign { secret, .. } = &mut cli.command {
        zeroize::Zeroize::zeroize(secret);
    }
    ExitCode::from(code)
}
