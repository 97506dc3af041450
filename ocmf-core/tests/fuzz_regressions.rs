//! Replays every input kept under `fuzz/regressions/<target>/` through the
//! same harness functions the libFuzzer targets call (`fuzz/src/harness.rs`
//! is compiled into this test), so that a crash found once stays fixed
//! without the nightly toolchain. Fails when a target's folder is missing or
//! empty, and when a fuzz target has no replay here.
//!
//! `c_abi` inputs are replayed through the core calls the C ABI makes
//! (`c_abi_expected`; the FFI crate is not a dependency of `ocmf-core`);
//! `structured_record` and `engine_differential` inputs are kept as JSON
//! specs (what `cargo fuzz fmt <target> <file>` prints).

#[path = "../../fuzz/src/harness.rs"]
#[allow(dead_code, unreachable_pub, missing_docs)]
mod harness;

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Every target with a replay below.
const TARGETS: &[&str] = &[
    "envelope_payload",
    "verify_arbitrary",
    "key_decode",
    "grammar",
    "c_abi",
    "structured_record",
    "transport_extract",
    "xml",
    "session",
    "batch",
    "engine_differential",
    "formats",
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `fuzz/regressions/<target>/`, sorted; panics when the folder
/// is missing or empty.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join("regressions").join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the regression folder must exist)", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "{}: no regression inputs (keep at least the seed-derived ones)",
        dir.display()
    );
    files
}

/// How long one input may take before it counts as a hang (libFuzzer's
/// `-timeout` is 10 s on an optimised build; this test build is not).
const HANG: Duration = Duration::from_secs(60);

fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// Runs `replay` on every input of `target`, each in its own thread so that
/// a hang is reported as a failure instead of blocking the test; reports
/// every failing file.
fn replay(target: &str, replay: fn(&Path, &[u8])) {
    let files = inputs(target);
    let mut failures = Vec::new();
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (tx, rx) = mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(|| replay(&p, &data)));
            let _ = tx.send(outcome.map_err(|e| panic_text(&*e)));
        });
        match rx.recv_timeout(HANG) {
            Ok(Ok(())) => {}
            Ok(Err(msg)) => failures.push(format!("{}: {msg}", path.display())),
            Err(_) => failures.push(format!(
                "{}: still running after {HANG:?} (hang)",
                path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {target} regressions fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    eprintln!("{target}: {} regression inputs replayed", files.len());
}

#[test]
fn envelope_payload() {
    replay("envelope_payload", |_, d| harness::envelope_payload(d));
}

#[test]
fn verify_arbitrary() {
    replay("verify_arbitrary", |_, d| harness::verify_arbitrary(d));
}

#[test]
fn key_decode() {
    replay("key_decode", |_, d| harness::key_decode(d));
}

#[test]
fn grammar() {
    replay("grammar", |_, d| harness::grammar(d));
}

#[test]
fn c_abi() {
    replay("c_abi", |_, d| {
        let _ = harness::c_abi_expected(d);
    });
}

#[test]
fn structured_record() {
    replay("structured_record", |path, d| {
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("json"),
            "structured_record regressions are JSON specs"
        );
        let spec: harness::RecordSpec = serde_json::from_slice(d).expect("a RecordSpec as JSON");
        harness::structured(&spec);
    });
}

#[test]
fn transport_extract() {
    replay("transport_extract", |_, d| harness::transport_extract(d));
}

#[test]
fn xml() {
    replay("xml", |_, d| harness::xml(d));
}

#[test]
fn formats() {
    replay("formats", |_, d| harness::formats(d));
}

#[test]
fn session() {
    replay("session", |_, d| harness::session(d));
}

#[test]
fn batch() {
    replay("batch", |_, d| harness::batch(d));
}

#[test]
fn engine_differential() {
    replay("engine_differential", |path, d| {
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("json"),
            "engine_differential regressions are JSON specs"
        );
        let spec: harness::EngineSpec = serde_json::from_slice(d).expect("an EngineSpec as JSON");
        harness::engine_differential(&spec);
    });
}

/// A fuzz target without a replay above would let its crashes come back.
#[test]
fn every_fuzz_target_is_replayed() {
    let dir = fuzz_dir().join("fuzz_targets");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut targets: Vec<String> = entries
        .filter_map(|e| {
            let p = e.expect("directory entry").path();
            (p.extension()? == "rs").then(|| p.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    targets.sort();
    assert!(
        !targets.is_empty(),
        "no fuzz targets found in {}",
        dir.display()
    );
    for t in &targets {
        assert!(
            TARGETS.contains(&t.as_str()),
            "fuzz target {t} has no replay in this test"
        );
    }
    for t in TARGETS {
        assert!(
            targets.iter().any(|x| x == t),
            "replay for a missing fuzz target {t}"
        );
    }
}
