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

/// `n` P-256 records of meter `meter` signed with a key made from `seed`;
/// every 7th (from the 4th) has its value changed after signing. Returns
/// the records, the key (SEC1 hex) and how many were changed.
fn signed_records(seed: u8, meter: &str, n: usize) -> (Vec<String>, String, usize) {
    let mut secret = [0x21u8; 32];
    secret[0] = seed;
    let mut lines = Vec::new();
    let mut key = String::new();
    let mut tampered = 0;
    for i in 0..n {
        let payload = format!(
            r#"{{"FV":"1.0","GI":"T","GS":"S{i}","PG":"T{i}","MS":"{meter}","IS":true,"IT":"NONE","RD":[{{"TM":"2024-03-01T10:00:00,000+0100 S","TX":"B","RV":{i}.5,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
        );
        let s = ocmf_core::sign(
            &payload,
            &secret,
            ocmf_core::Algorithm::ecdsa_sha256(ocmf_core::Curve::P256),
        )
        .unwrap();
        key = s.public_key_sec1_hex;
        let mut rec = s.record;
        if i % 7 == 3 {
            rec = rec.replacen(&format!("\"RV\":{i}.5"), "\"RV\":99.5", 1);
            tampered += 1;
        }
        lines.push(rec);
    }
    (lines, key, tampered)
}

/// Runs `ocmf verify --json ARGS --threads T FILE` for T = 1, 2 and 0,
/// checks the exit code and that the three outputs are equal, and returns
/// the lines.
fn verify_any_threads(args: &[&str], file: &str, exit: i32) -> Vec<String> {
    let run = |threads: &str| {
        let mut all = vec!["verify", "--json"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--threads", threads, file]);
        let o = ocmf(&all, None);
        assert_eq!(
            o.status.code(),
            Some(exit),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    assert_eq!(one, run("0"));
    one.lines().map(str::to_owned).collect()
}

/// A file in a fresh temporary directory (removed by the caller).
fn temp_file(tag: &str, name: &str, text: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("ocmf-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    (dir, file.to_str().unwrap().to_owned())
}

/// Many records under one `--key` go through the core batch (the key gets
/// its wide tables): the JSON lines are the same on 1, 2 and all threads,
/// and equal the one-record-per-call output.
#[test]
fn many_records_one_key_any_thread_count() {
    let (mut lines, key, tampered) = signed_records(0x5a, "M1", 40);
    lines.push("OCMF|{not json}|{}".into());
    let (dir, file) = temp_file("many", "records.txt", &lines.join("\n"));
    // A malformed line: exit code 2.
    let out = verify_any_threads(&["--key", &key], &file, 2);
    assert_eq!(out.len(), 41);
    let valid = out
        .iter()
        .filter(|l| l.contains(r#""verdict":"valid""#))
        .count();
    assert_eq!(valid, 40 - tampered);
    for (i, rec) in lines.iter().enumerate().step_by(9) {
        let single = ocmf(&["verify", "--json", "--key", &key], Some(rec));
        assert_eq!(
            String::from_utf8(single.stdout).unwrap().trim_end(),
            out[i],
            "{i}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `verify --keys` checks a file as one trusted batch: the same lines on 1,
/// 2 and all threads, equal to one call per record, with every trust
/// decision the registry gives (M1 registered with key A; M2 absent).
#[test]
fn many_records_with_registry_any_thread_count() {
    let (mut lines, key_a, _) = signed_records(0x5a, "M1", 36);
    let (by_b, key_b, _) = signed_records(0x6b, "M1", 8);
    let (other_meter, _, _) = signed_records(0x6b, "M2", 8);
    lines.extend(by_b);
    lines.extend(other_meter);
    let (dir, file) = temp_file("registry", "records.txt", &lines.join("\n"));
    let registry = dir.join("keys.csv");
    std::fs::write(
        &registry,
        format!("meter_serial,public_key,source\nM1,{key_a},test\n"),
    )
    .unwrap();
    let registry = registry.to_str().unwrap();
    for user_key in [None, Some(key_b.as_str())] {
        let mut args = vec!["--keys", registry];
        if let Some(k) = user_key {
            args.extend_from_slice(&["--key", k]);
        }
        // Records without any key exit with 2, invalid signatures with 1.
        let exit = if user_key.is_none() { 2 } else { 1 };
        let out = verify_any_threads(&args, &file, exit);
        assert_eq!(out.len(), lines.len());
        let count = |s: &str| out.iter().filter(|l| l.contains(s)).count();
        let trust = |t: &str| count(&format!(r#""status":"{t}""#));
        match user_key {
            // Without a carried key, M2's records have no key at all.
            None => assert_eq!((trust("trusted"), trust("unknown")), (44, 8)),
            Some(_) => assert_eq!((trust("mismatch"), trust("untrusted")), (44, 8)),
        }
        assert!(count(r#""verdict":"valid""#) > 0 && count(r#""verdict":"invalid-signature""#) > 0);
        for (i, rec) in lines.iter().enumerate().step_by(5) {
            let mut single = vec!["verify", "--json"];
            single.extend_from_slice(&args);
            single.push("-");
            let o = ocmf(&single, Some(rec));
            assert_eq!(
                String::from_utf8(o.stdout).unwrap().trim_end(),
                out[i],
                "{i}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
