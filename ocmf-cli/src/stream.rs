//! Reading input as a stream: `ocmf verify` on record text of any size in
//! bounded memory, the verdict count behind the exit code, and the progress
//! bar on a terminal.
//!
//! Record text is read in blocks, cut into records by the core's
//! [`BlockSplitter`] (the pieces of all blocks are exactly the pieces
//! `split_records` gives for the whole text), and each block's records go
//! to the core's batch on the `--threads` workers, which also render each
//! report; the lines are written in input order as each block is done.
//! Only a block (about [`BLOCK`] bytes per worker), its reports' lines and
//! a count of verdicts are held at once.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocmf_core::transport::{BlockSplitter, PieceKind, TransportError};
use ocmf_core::{Checker, ErrorCode, Item, KeyInput, Lang, Report, Verdict};

use crate::output::{print_errors, print_human, print_table};
use crate::{EXIT_INVALID, EXIT_MALFORMED};

/// Bytes of input read per worker before a block is checked (about 1,300
/// one-line P-256 records).
pub(crate) const BLOCK: usize = 1 << 20;

/// The verdicts of a run, counted: what the exit code needs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Records (and unreadable pieces) counted.
    pub(crate) n: usize,
    malformed: bool,
    invalid: bool,
}

impl Tally {
    pub(crate) fn add(&mut self, v: Verdict) {
        self.n += 1;
        match v {
            Verdict::Malformed | Verdict::Unsupported => self.malformed = true,
            Verdict::InvalidSignature => self.invalid = true,
            _ => {}
        }
    }

    /// 2 when any record is malformed or unsupported, else 1 when any
    /// signature does not verify, else 0.
    pub(crate) const fn exit(self) -> u8 {
        if self.malformed {
            EXIT_MALFORMED
        } else if self.invalid {
            EXIT_INVALID
        } else {
            0
        }
    }
}

/// An input file or standard input, and its size when known.
pub(crate) struct Input {
    reader: Box<dyn Read>,
    /// The file's size (`None` for standard input or a pipe).
    pub(crate) size: Option<u64>,
    /// Bytes read so far.
    pub(crate) read: u64,
    /// The end was reached.
    pub(crate) eof: bool,
}

impl Input {
    /// Opens a file, or standard input for `-`.
    pub(crate) fn open(path: &str) -> io::Result<Self> {
        let (reader, size): (Box<dyn Read>, _) = if path == "-" {
            (Box::new(io::stdin().lock()), None)
        } else {
            let f = std::fs::File::open(path)?;
            let size = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            (Box::new(f), size)
        };
        Ok(Self {
            reader,
            size,
            read: 0,
            eof: false,
        })
    }

    /// Reads until `buf` holds at least `want` bytes or the input ends.
    pub(crate) fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        let mut chunk = [0u8; 64 * 1024];
        while !self.eof && buf.len() < want {
            match self.reader.read(&mut chunk) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    self.read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads the rest of the input into `buf`.
    pub(crate) fn fill_all(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        self.fill(buf, usize::MAX)
    }
}

/// What a command prints per record.
#[derive(Clone, Copy)]
pub(crate) struct Render {
    pub(crate) json: bool,
    pub(crate) inspect: bool,
    pub(crate) lang: Lang,
}

impl Render {
    /// The lines of record number `n` (1-based).
    pub(crate) fn lines(self, n: usize, report: &Report<'_>) -> Vec<u8> {
        let mut out = Vec::with_capacity(if self.json { 2048 } else { 128 });
        // Writing to a Vec cannot fail.
        let _ = if self.json {
            report
                .write_json(self.lang, &mut out)
                .map(|()| out.push(b'\n'))
        } else if self.inspect {
            print_table(&mut out, n, report, self.lang)
        } else {
            print_human(&mut out, n, report, self.lang)
        };
        out
    }
}

/// Why a streamed run stopped early.
pub(crate) enum Stop {
    /// Reading the input failed (the message names the file).
    Read(io::Error),
    /// Writing the output failed.
    Write,
}

/// One piece of a block: a record to check, or what could not be read.
enum Slot<'a> {
    Record(Cow<'a, str>),
    Unreadable(TransportError),
}

/// The stream's state between blocks.
pub(crate) struct Stream<'s, 'o, W: Write> {
    pub(crate) checker: Checker<'s>,
    pub(crate) key: KeyInput<'s>,
    pub(crate) render: Render,
    pub(crate) path: &'s str,
    pub(crate) out: &'o mut W,
    pub(crate) progress: &'o Progress,
    pub(crate) tally: Tally,
    /// Records checked so far (the `record N` of text output).
    pub(crate) records: usize,
}

impl<W: Write> Stream<'_, '_, W> {
    /// Checks record text from `input`, whose first bytes are `held`, block
    /// by block (`block` bytes per worker, see [`BLOCK`]).
    ///
    /// Input that stops being UTF-8 past the first block ends the run with
    /// the `not_utf8` answer of the transport layer at that byte (the
    /// records of the blocks before it are checked and written).
    pub(crate) fn run(
        &mut self,
        input: &mut Input,
        mut held: Vec<u8>,
        block: usize,
    ) -> Result<(), Stop> {
        let workers = match self.checker.thread_count() {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let target = block.max(1) * workers;
        let mut splitter = BlockSplitter::new();
        // Absolute offset of `held[0]`.
        let mut offset = 0u64;
        let mut want = target;
        loop {
            input.fill(&mut held, want).map_err(Stop::Read)?;
            let (text, bad) = match std::str::from_utf8(&held) {
                Ok(t) => (t, None),
                Err(e) => {
                    let valid = e.valid_up_to();
                    // A character cut by the block's end is completed by
                    // the next read; anything else is not UTF-8.
                    let bad = (e.error_len().is_some() || input.eof).then_some(valid);
                    (std::str::from_utf8(&held[..valid]).unwrap_or_default(), bad)
                }
            };
            let last = input.eof && bad.is_none();
            let (cut, pieces) = splitter.split(text, last);
            let slots: Vec<Slot<'_>> = pieces
                .map(|p| match p.kind {
                    PieceKind::Hex => p
                        .decode()
                        .map_or_else(Slot::Unreadable, |r| Slot::Record(Cow::Owned(r))),
                    _ => Slot::Record(Cow::Borrowed(p.text)),
                })
                .collect();
            self.block(&slots)?;
            drop(slots);
            if let Some(valid) = bad {
                let tail = held.get(cut..valid).unwrap_or_default();
                let line = splitter.lines() + tail.iter().filter(|&&b| b == b'\n').count() + 1;
                let byte = offset + valid as u64;
                return self.unreadable(TransportError {
                    code: ErrorCode::NotUtf8,
                    line: Some(line),
                    message: format!("input is not utf-8 (byte {byte})"),
                });
            }
            held.drain(..cut);
            offset += cut as u64;
            self.progress.bytes(offset, self.records);
            if last {
                return Ok(());
            }
            // Without a cut the block holds no record start yet: read on.
            want = if cut == 0 {
                held.len() + target
            } else {
                target
            };
        }
    }

    /// Checks the records of one block on the workers (each report
    /// rendered where it was made) and writes them in order.
    fn block(&mut self, slots: &[Slot<'_>]) -> Result<(), Stop> {
        let items: Vec<Item<'_>> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Record(r) => Some(Item::new(r.as_bytes()).key(self.key)),
                Slot::Unreadable(_) => None,
            })
            .collect();
        let (render, first, progress) = (self.render, self.records + 1, self.progress);
        let lines = self.checker.verify_map(&items, |i, report| {
            progress.record();
            (report.verdict, render.lines(first + i, &report))
        });
        drop(items);
        self.records += lines.len();
        let mut lines = lines.into_iter();
        let write = || -> Result<(), Stop> {
            for slot in slots {
                match slot {
                    Slot::Record(_) => {
                        let (verdict, text) = lines.next().ok_or(Stop::Write)?;
                        self.tally.add(verdict);
                        self.out.write_all(&text).map_err(|_| Stop::Write)?;
                    }
                    Slot::Unreadable(e) => self.unreadable(e.clone())?,
                }
            }
            self.out.flush().map_err(|_| Stop::Write)
        };
        progress.suspend(write)
    }

    /// What could not be read: a `malformed` JSON line, or a message on
    /// standard error.
    fn unreadable(&mut self, e: TransportError) -> Result<(), Stop> {
        self.tally.add(Verdict::Malformed);
        print_errors(&[e], self.path, self.render.json, self.out).map_err(|_| Stop::Write)?;
        Ok(())
    }
}

/// The progress bar on standard error: shown only when standard error is a
/// terminal, without `--quiet`, once the work has taken a second. Workers
/// count each record as it is done; a ticker thread draws.
pub(crate) struct Progress {
    shared: Option<Arc<Shared>>,
    ticker: Option<std::thread::JoinHandle<()>>,
    /// Standard output is the same terminal: lines are written with the
    /// bar hidden.
    stdout_tty: bool,
}

/// What the workers and the ticker share.
struct Shared {
    records: AtomicU64,
    /// Input consumed by the blocks done, and their records.
    bytes: AtomicU64,
    block_records: AtomicU64,
    done: AtomicBool,
    bar: OnceLock<ProgressBar>,
}

impl Progress {
    /// After this long, a bar is shown.
    const AFTER: Duration = Duration::from_secs(1);

    /// A bar in bytes of a `size`-byte input (with an ETA), else a count.
    pub(crate) fn new(quiet: bool, size: Option<u64>) -> Self {
        let enabled = !quiet && io::stderr().is_terminal();
        let shared = enabled.then(|| {
            Arc::new(Shared {
                records: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
                block_records: AtomicU64::new(0),
                done: AtomicBool::new(false),
                bar: OnceLock::new(),
            })
        });
        let ticker = shared.clone().map(|sh| {
            let start = Instant::now();
            std::thread::spawn(move || {
                while !sh.done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if start.elapsed() >= Self::AFTER && !sh.done.load(Ordering::Relaxed) {
                        draw(&sh, start, size);
                    }
                }
            })
        });
        Self {
            shared,
            ticker,
            stdout_tty: io::stdout().is_terminal(),
        }
    }

    /// One more record done (called on the workers).
    pub(crate) fn record(&self) {
        if let Some(sh) = &self.shared {
            sh.records.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `bytes` of input consumed by the blocks done, which held `records`.
    pub(crate) fn bytes(&self, bytes: u64, records: usize) {
        if let Some(sh) = &self.shared {
            sh.bytes.store(bytes, Ordering::Relaxed);
            sh.block_records.store(records as u64, Ordering::Relaxed);
        }
    }

    /// Runs `f` (which writes to standard output) with the bar hidden when
    /// both share the terminal.
    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match self.shared.as_ref().and_then(|sh| sh.bar.get()) {
            Some(bar) if self.stdout_tty => bar.suspend(f),
            _ => f(),
        }
    }

    /// Stops the ticker and removes the bar.
    pub(crate) fn finish(&mut self) {
        if let Some(sh) = &self.shared {
            sh.done.store(true, Ordering::Relaxed);
        }
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
        if let Some(bar) = self.shared.as_ref().and_then(|sh| sh.bar.get()) {
            bar.finish_and_clear();
        }
    }
}

/// Draws the bar (made at its first draw): records done, their rate, and
/// with a known size the bytes read and an ETA.
fn draw(sh: &Shared, start: Instant, size: Option<u64>) {
    let bar = sh.bar.get_or_init(|| {
        let (bar, template) = match size {
            Some(n) => (
                ProgressBar::new(n),
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}, ETA {eta}",
            ),
            None => (
                ProgressBar::no_length(),
                "{spinner} [{elapsed_precise}] {msg}",
            ),
        };
        let bar = bar.with_elapsed(start.elapsed());
        bar.set_draw_target(ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar
    });
    let records = sh.records.load(Ordering::Relaxed);
    #[allow(clippy::cast_precision_loss)]
    let rate = records as f64 / start.elapsed().as_secs_f64().max(1e-3);
    bar.set_message(format!("{records} records, {rate:.0} records/s"));
    // With a size: the bytes of the records done, at the blocks' mean
    // record length (the bar moves within a block, for a steady ETA).
    let position = match size {
        Some(n) => {
            let (bytes, at) = (
                sh.bytes.load(Ordering::Relaxed),
                sh.block_records.load(Ordering::Relaxed),
            );
            let mean = bytes.checked_div(at).unwrap_or(0);
            bytes.max(records.saturating_mul(mean)).min(n)
        }
        None => records,
    };
    bar.set_position(position);
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Input {
        fn bytes(b: &[u8]) -> Self {
            Self {
                reader: Box::new(io::Cursor::new(b.to_vec())),
                size: None,
                read: 0,
                eof: false,
            }
        }
    }

    /// The output and exit code of `text` streamed in blocks of `block`
    /// bytes per worker (the first `head` bytes read before, as `run` does).
    fn streamed(
        text: &[u8],
        block: usize,
        threads: usize,
        render: Render,
        key: &str,
    ) -> (Vec<u8>, u8) {
        let mut input = Input::bytes(text);
        let mut held = Vec::new();
        input.fill(&mut held, block).unwrap();
        let progress = Progress::new(true, None);
        let mut out = Vec::new();
        let mut s = Stream {
            checker: Checker::new().threads(threads),
            key: KeyInput::text(Some(key)),
            render,
            path: "f",
            out: &mut out,
            progress: &progress,
            tally: Tally::default(),
            records: 0,
        };
        let code = match s.run(&mut input, held, block) {
            Ok(()) => s.tally.exit(),
            Err(_) => 99,
        };
        (out, code)
    }

    fn corpus() -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["ocmf"].as_str().unwrap().to_owned()
            })
            .collect()
    }

    const KEBA_KEY: &str = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";

    /// Blocks of any size, on any thread count, give the output of one
    /// block holding the whole input: the same lines, numbers and exit code.
    #[test]
    fn any_block_size_gives_the_one_block_output() {
        let recs = corpus();
        let keba = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/keba-p256.ocmf"
        ))
        .unwrap();
        let hex: String = keba.trim().bytes().map(|b| format!("{b:02X}")).collect();
        let inputs = [
            recs.join("\n"),
            format!("\u{feff}{}\r\n", recs.join("\r\n\r\n")),
            format!(
                "{}\n{hex}\n4F434D467CFF\nstray\n{}\n",
                keba.trim(),
                keba.trim()
            )
            .repeat(30),
        ];
        for text in &inputs {
            for (json, inspect) in [(true, false), (false, false), (false, true)] {
                let render = Render {
                    json,
                    inspect,
                    lang: Lang::En,
                };
                let (want, code) = streamed(text.as_bytes(), usize::MAX / 4, 1, render, KEBA_KEY);
                assert!(!want.is_empty());
                for (block, threads) in [(1, 1), (7, 2), (300, 1), (4096, 2), (100_000, 0)] {
                    let got = streamed(text.as_bytes(), block, threads, render, KEBA_KEY);
                    assert!(
                        got == (want.clone(), code),
                        "block {block} threads {threads} json {json}"
                    );
                }
            }
        }
    }

    /// Input that stops being UTF-8 after the first block: the records
    /// before the block that holds the bad byte are answered, then the
    /// transport layer's `not_utf8` line with the byte and line; exit 2.
    #[test]
    fn invalid_utf8_past_the_first_block_ends_the_run() {
        let keba = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/keba-p256.ocmf"
        ))
        .unwrap();
        let line = format!("{}\n", keba.trim());
        let mut text = line.repeat(40).into_bytes();
        let bad_at = text.len() + 5;
        text.extend_from_slice(&line.as_bytes()[..5]);
        text.extend_from_slice(b"\xff\n");
        text.extend_from_slice(line.repeat(3).as_bytes());
        let render = Render {
            json: true,
            inspect: false,
            lang: Lang::En,
        };
        let (out, code) = streamed(&text, line.len() * 10 + 3, 1, render, KEBA_KEY);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(code, EXIT_MALFORMED);
        assert_eq!(lines.len(), 41, "{out}");
        assert!(
            lines[..40]
                .iter()
                .all(|l| l.contains(r#""verdict":"valid""#))
        );
        let last: serde_json::Value = serde_json::from_str(lines[40]).unwrap();
        assert_eq!(last["code_name"], "not_utf8");
        assert_eq!(last["line"], 41);
        assert_eq!(
            last["message"],
            format!("input is not utf-8 (byte {bad_at})")
        );
    }

    #[test]
    fn the_tally_gives_the_exit_code() {
        let code = |vs: &[Verdict]| {
            let mut t = Tally::default();
            vs.iter().for_each(|v| t.add(*v));
            t.exit()
        };
        assert_eq!(code(&[]), 0);
        assert_eq!(code(&[Verdict::Valid, Verdict::Valid]), 0);
        assert_eq!(
            code(&[Verdict::Valid, Verdict::InvalidSignature]),
            EXIT_INVALID
        );
        assert_eq!(
            code(&[Verdict::InvalidSignature, Verdict::Unsupported]),
            EXIT_MALFORMED
        );
        assert_eq!(code(&[Verdict::Malformed, Verdict::Valid]), EXIT_MALFORMED);
    }
}
