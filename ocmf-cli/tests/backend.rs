//! `--backend` as a user passes it: every backend gives the same answers as
//! the default over the real-world corpus, and an unknown name is a usage
//! error (exit 2), never a silent `auto`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ocmf(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocmf"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

/// The corpus entries: record text and key text (empty when none).
fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vectors/real.jsonl"
    ))
    .unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let key = v["public_key"].as_str().unwrap_or("").to_owned();
            (v["ocmf"].as_str().unwrap().to_owned(), key)
        })
        .collect()
}

/// `ocmf verify --json [--backend B] [--key K] -` on one record: exit code
/// and output.
fn verify(record: &str, key: &str, backend: Option<&str>) -> (Option<i32>, String) {
    let mut args = vec!["verify", "--json"];
    if let Some(b) = backend {
        args.extend_from_slice(&["--backend", b]);
    }
    if !key.is_empty() {
        args.extend_from_slice(&["--key", key]);
    }
    args.push("-");
    let o = ocmf(&args, Some(record));
    (o.status.code(), String::from_utf8(o.stdout).unwrap())
}

#[test]
fn every_backend_answers_the_corpus_as_the_default_does() {
    let corpus = corpus();
    assert!(corpus.len() > 200, "the corpus is there");
    let mut exits = std::collections::BTreeSet::new();
    for (i, (record, key)) in corpus.iter().enumerate() {
        let default = verify(record, key, None);
        exits.insert(default.0);
        assert!(!default.1.is_empty(), "record {i}: a JSON answer");
        // Every backend on every fifth record, `reference` on all.
        let backends: &[&str] = if i % 5 == 0 {
            &["auto", "pure-rust", "native", "reference"]
        } else {
            &["reference"]
        };
        for b in backends {
            assert_eq!(verify(record, key, Some(b)), default, "record {i}, {b}");
        }
    }
    // The corpus has valid, invalid and unreadable records: the comparison
    // is not between identical answers.
    assert!(exits.contains(&Some(0)) && exits.contains(&Some(1)) && exits.contains(&Some(2)));
}

#[test]
fn extract_and_session_take_the_backend() {
    let log = "ocmf-core/tests/data/ocpp/multi_station.log";
    for cmd in ["extract", "session"] {
        let default = ocmf(&[cmd, "--json", log], None);
        let reference = ocmf(&[cmd, "--json", "--backend", "reference", log], None);
        assert_eq!(reference.status.code(), default.status.code(), "{cmd}");
        assert_eq!(reference.stdout, default.stdout, "{cmd}");
        assert!(!default.stdout.is_empty(), "{cmd}");
    }
}

#[test]
fn an_unknown_backend_is_a_usage_error() {
    for cmd in ["verify", "inspect", "extract", "session"] {
        let o = ocmf(&[cmd, "--backend", "constant-time", "-"], Some(""));
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("unknown backend \"constant-time\""),
            "{cmd}: {err}"
        );
        assert!(o.stdout.is_empty(), "{cmd}: nothing was checked");
    }
}

#[test]
fn the_help_says_what_is_constant_time() {
    let o = ocmf(&["verify", "--help"], None);
    let help = String::from_utf8(o.stdout).unwrap();
    assert!(help.contains("--backend"), "{help}");
    assert!(help.contains("docs/constant-time.md"), "{help}");
}
