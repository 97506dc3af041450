//! The `ocmf` binary as a user runs it: verdicts, JSON, exit codes.

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
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn sample() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/keba-p256.ocmf"
    ))
    .unwrap()
}

#[test]
fn verifies_the_bundled_sample() {
    let o = ocmf(
        &[
            "verify",
            "--key-file",
            "examples/keba-p256.key",
            "examples/keba-p256.ocmf",
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("valid"));
}

#[test]
fn json_output_and_german() {
    let o = ocmf(
        &[
            "verify",
            "--json",
            "--lang",
            "de",
            "--key-file",
            "examples/keba-p256.key",
        ],
        Some(&sample()),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["code"], 0);
    assert_eq!(v["record"]["readings"][1]["value"], "0.2597");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("Zähler"))
    );
}

#[test]
fn exit_codes() {
    let tampered = sample().replace("0.2597", "0.2598");
    let o = ocmf(
        &["verify", "--key-file", "examples/keba-p256.key", "-"],
        Some(&tampered),
    );
    assert_eq!(o.status.code(), Some(1));
    let o = ocmf(
        &["verify", "--key-file", "examples/keba-p256.key", "-"],
        Some("OCMF|{not json}|{}"),
    );
    assert_eq!(o.status.code(), Some(2));
    let o = ocmf(&["verify", "-"], Some(&sample()));
    assert_eq!(o.status.code(), Some(2), "no key: unsupported");
    let o = ocmf(&["verify", "/nonexistent/file"], None);
    assert_eq!(o.status.code(), Some(3));
    let o = ocmf(&["verify", "--profile", "bogus"], None);
    assert_eq!(o.status.code(), Some(2));
    // Two records, one per line: one valid, one tampered -> 1.
    let both = format!("{}\n{}\n", sample().trim(), tampered.trim());
    let o = ocmf(
        &[
            "verify",
            "--json",
            "--key-file",
            "examples/keba-p256.key",
            "-",
        ],
        Some(&both),
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
}

#[test]
fn sign_then_verify_and_inspect() {
    let payload = r#"{"FV":"1.0","PG":"T1","MS":"X1","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}"#;
    let o = ocmf(
        &[
            "sign",
            "--secret",
            "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
            "-",
        ],
        Some(payload),
    );
    assert_eq!(o.status.code(), Some(0));
    let record = String::from_utf8(o.stdout).unwrap();
    let key = String::from_utf8(o.stderr).unwrap();
    let key = key.trim().rsplit(' ').next().unwrap().to_owned();
    let o = ocmf(&["verify", "--key", &key, "-"], Some(&record));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = ocmf(&["inspect", "--key", &key, "-"], Some(&record));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("1-b:1.8.0") && text.contains("1.000"),
        "{text}"
    );
}
