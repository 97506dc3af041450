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

/// One P-256 record of meter `meter` with pagination `T<pg>`, signed with
/// a key made from `seed`; `pretty` spreads the payload over lines. Returns
/// the record and the key (SEC1 hex).
fn signed_record(seed: u8, meter: &str, pg: usize, pretty: bool) -> (String, String) {
    let mut secret = [0x33u8; 32];
    secret[0] = seed;
    let payload = if pretty {
        format!(
            "{{\n  \"FV\": \"1.0\",\n  \"PG\": \"T{pg}\",\n  \"MS\": \"{meter}\",\n  \"IS\": false,\n  \"IT\": \"NONE\",\n  \"RD\": [{{\"TM\": \"2024-03-01T10:00:00,000+0100 S\", \"TX\": \"B\", \"RV\": {pg}.5, \"RI\": \"1-b:1.8.0\", \"RU\": \"kWh\", \"ST\": \"G\"}}]\n}}"
        )
    } else {
        format!(
            r#"{{"FV":"1.0","PG":"T{pg}","MS":"{meter}","IS":false,"IT":"NONE","RD":[{{"TM":"2024-03-01T10:00:00,000+0100 S","TX":"B","RV":{pg}.5,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
        )
    };
    let s = ocmf_core::sign(
        &payload,
        &secret,
        ocmf_core::Algorithm::ecdsa_sha256(ocmf_core::Curve::P256),
    )
    .unwrap();
    (s.record, s.public_key_sec1_hex)
}

fn hex(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02X}")).collect()
}

/// `verify` and `extract` cut a file of records the same way (the core's
/// one splitter): a record right before a hex line, a pretty-printed record
/// closed by a blank line, and stray lines each stay on their own, so every
/// record verifies and each stray line is one unreadable piece on both paths.
#[test]
fn verify_and_extract_split_a_file_alike() {
    let (r1, key) = signed_record(0x41, "M1", 1, false);
    let (r2, _) = signed_record(0x41, "M1", 2, true);
    let (r3, _) = signed_record(0x41, "M1", 3, false);
    let (r4, _) = signed_record(0x41, "M1", 4, false);
    let (r5, _) = signed_record(0x41, "M1", 5, false);
    let (r6, _) = signed_record(0x41, "M1", 6, true);
    let (r7, _) = signed_record(0x41, "M1", 7, false);
    assert!(r2.contains('\n') && r6.contains('\n'));
    let text = [
        r1.as_str(),
        &r2,
        "",
        &hex(&r3),
        &r4,
        &hex(&r5),
        "not a record",
        &r6,
        "",
        "  a stray line after a blank one",
        &r7,
    ]
    .join("\n");
    let (dir, file) = temp_file("split", "records.txt", &text);

    let o = ocmf(&["verify", "--json", "--key", &key, &file], None);
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(o.status.code(), Some(2), "two stray lines are malformed");
    let verified: Vec<&str> = lines
        .iter()
        .filter(|r| !r["record"].is_null())
        .map(|r| {
            assert_eq!(r["verdict"], "valid", "{r}");
            r["record"]["pagination"].as_str().unwrap()
        })
        .collect();
    let unreadable = lines.iter().filter(|r| r["record"].is_null()).count();
    assert_eq!(verified, ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]);
    assert_eq!(unreadable, 2);

    let o = ocmf(&["extract", "--json", "--key", &key, &file], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ex = &v["extraction"];
    let extracted: Vec<String> = ex["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let rec = ocmf_core::parse(x["record"].as_str().unwrap()).unwrap();
            rec.payload.pagination.unwrap().as_str().to_owned()
        })
        .collect();
    assert_eq!(extracted, verified);
    let error_lines: Vec<u64> = ex["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    let stray_line = |s: &str| text.lines().position(|l| l.contains(s)).unwrap() as u64 + 1;
    assert_eq!(
        error_lines,
        [stray_line("not a record"), stray_line("a stray line")]
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A blank `--key` is no key, as in the core: a record carrying its own key
/// (4th section) verifies with it, with and without a registry, exactly as
/// without `--key`; a session is checked, not refused for an unreadable key.
#[test]
fn blank_key_is_no_key_on_every_path() {
    let (record, key) = signed_record(0x52, "M9", 1, false);
    let with_own_key = format!("{record}|{key}");
    let (dir, registry) = temp_file(
        "blank",
        "keys.csv",
        &format!("meter_serial,public_key,source\nM9,{key},test\n"),
    );
    let run = |args: &[&str]| {
        let o = ocmf(args, Some(&with_own_key));
        (o.status.code(), String::from_utf8(o.stdout).unwrap())
    };
    for registry in [None, Some(registry.as_str())] {
        let mut base = vec!["verify", "--json"];
        if let Some(r) = registry {
            base.extend_from_slice(&["--keys", r]);
        }
        let without = run(&[base.as_slice(), &["-"]].concat());
        assert_eq!(without.0, Some(0), "{}", without.1);
        let v: serde_json::Value = serde_json::from_str(&without.1).unwrap();
        assert_eq!(v["verdict"], "valid");
        if registry.is_some() {
            // The record's own key is the carried one; the registered
            // (equal) key is used.
            assert_eq!(v["trust"]["status"], "trusted");
            assert_eq!(v["carried_key_fingerprint"], v["key_fingerprint"]);
        } else {
            assert_eq!(v["key_source"], "record");
        }
        for blank in ["", "  ", "\n"] {
            let got = run(&[base.as_slice(), &["--key", blank, "-"]].concat());
            assert_eq!(got, without, "--key {blank:?} with registry {registry:?}");
        }
    }
    let session = |extra: &[&str]| {
        let o = ocmf(
            &[&["session", "--json"], extra, &["-"]].concat(),
            Some(&with_own_key),
        );
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(!err.contains("cannot be read"), "{err}");
        (o.status.code(), String::from_utf8(o.stdout).unwrap())
    };
    assert_eq!(session(&["--key", ""]), session(&[]));
    std::fs::remove_dir_all(&dir).ok();
}

/// `sign --algorithm` takes a curve name or an `SA` value (the core's
/// `Algorithm::from_name`), and names the core's error code otherwise.
#[test]
fn sign_takes_a_curve_name_or_sa() {
    let payload = r#"{"FV":"1.0","PG":"T1","MS":"X1","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}"#;
    // Below the order of every curve named here.
    let secret = "3C1F5A77029E41D06B13A855EE90274D3C1F5A77029E41D06B13A855EE90274D";
    for (name, sa) in [
        ("P-384", "ECDSA-secp384r1-SHA256"),
        ("brainpoolP256r1", "ECDSA-brainpool256r1-SHA256"),
        ("ECDSA-secp256k1-SHA256", "ECDSA-secp256k1-SHA256"),
    ] {
        let o = ocmf(
            &["sign", "--algorithm", name, "--secret", secret, "-"],
            Some(payload),
        );
        assert_eq!(o.status.code(), Some(0), "{name}");
        let record = String::from_utf8(o.stdout).unwrap();
        assert!(record.contains(&format!(r#""SA":"{sa}""#)), "{record}");
        let key = String::from_utf8(o.stderr).unwrap();
        let key = key.trim().rsplit(' ').next().unwrap().to_owned();
        let o = ocmf(&["verify", "--key", &key, "-"], Some(&record));
        assert_eq!(o.status.code(), Some(0), "{name}");
    }
    for (name, code) in [
        ("EdDSA-Ed25519", "algorithm_not_in_spec"),
        ("bogus", "unknown_algorithm"),
    ] {
        let o = ocmf(
            &["sign", "--algorithm", name, "--secret", secret, "-"],
            Some(payload),
        );
        assert_eq!(o.status.code(), Some(2), "{name}");
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(err.contains(code), "{name}: {err}");
    }
}

#[test]
fn a_pem_key_is_a_key_argument_not_an_option() {
    // `--key "$(cat meter.pem)"`: the value starts with `-----BEGIN`.
    let spki = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/keba-p256.key"
    ))
    .unwrap();
    let der: Vec<u8> = (0..spki.trim().len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&spki.trim()[i..i + 2], 16).unwrap())
        .collect();
    let b64 = {
        // RFC 4648 base64, enough for a key in a test.
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in der.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
                if i <= c.len() {
                    s.push(char::from(A[((n >> shift) & 63) as usize]));
                } else {
                    s.push('=');
                }
            }
        }
        s
    };
    let pem = format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n");
    let o = ocmf(&["verify", "--key", &pem, "examples/keba-p256.ocmf"], None);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.starts_with("record 1: valid"), "{out}");
}

#[test]
fn json_without_a_record_is_a_json_answer() {
    for input in ["", "\n\n  \n"] {
        let o = ocmf(&["verify", "--json", "-"], Some(input));
        assert_eq!(o.status.code(), Some(2));
        let out = String::from_utf8(o.stdout).unwrap();
        let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON answer");
        assert_eq!(v["verdict"], "malformed");
        assert_eq!(v["code_name"], "empty_input");
    }
}

/// A file saved on Windows (UTF-8 with a byte-order mark, CRLF) verifies as
/// without the mark, and the first record's report says so at the file's
/// own offsets; a record with the mark on stdin reads the same.
#[test]
fn a_file_with_a_byte_order_mark_verifies_and_says_so() {
    let (a, key) = signed_record(0x41, "M1", 1, false);
    let (b, _) = signed_record(0x41, "M1", 2, true);
    let text = format!("\u{feff}{a}\r\n{b}\r\n");
    let (dir, file) = temp_file("bom", "records.txt", &text);
    let out = verify_any_threads(&["--key", &key], &file, 0);
    assert_eq!(out.len(), 2);
    let reports: Vec<serde_json::Value> = out
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let bom = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "byte_order_mark")
            .cloned()
    };
    for r in &reports {
        assert_eq!(r["verdict"], "valid", "{r}");
    }
    let f = bom(&reports[0]).expect("the first record reports the mark");
    assert_eq!(f["span"], serde_json::json!([0, 3]));
    assert_eq!(f["severity"], "info");
    assert!(bom(&reports[1]).is_none());
    // The same record without the mark: the same report but for the finding.
    let plain = ocmf(&["verify", "--json", "--key", &key, "-"], Some(&a));
    let mut plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let mut first = reports[0].clone();
    first["findings"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["name"] != "byte_order_mark");
    for r in [&mut first, &mut plain] {
        for f in r["findings"].as_array_mut().unwrap() {
            f["span"] = serde_json::Value::Null; // shifted by the mark's 3 bytes
        }
    }
    assert_eq!(first, plain);
    // On stdin.
    let o = ocmf(
        &["verify", "--json", "--key", &key, "-"],
        Some(&format!("\u{feff}{a}")),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"byte_order_mark\""));
    // extract reads the file past the mark (both records are begin
    // readings, so they are no session: only the reading is asserted).
    let o = ocmf(&["extract", "--key", &key, &file], None);
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 signed values, 0 duplicates, 0 errors"));
    std::fs::remove_dir_all(&dir).ok();
}

/// `--keys` takes the plain JSON map `{"<meter serial>": "<key>"}`; a bad
/// entry is refused with its line.
#[test]
fn a_plain_json_map_is_a_key_registry() {
    let (a, key) = signed_record(0x42, "M7", 1, false);
    let (dir, file) = temp_file("map", "records.txt", &format!("{a}\n"));
    let registry = dir.join("keys.json");
    std::fs::write(&registry, format!("{{\n  \"M7\": \"{key}\"\n}}\n")).unwrap();
    let registry = registry.to_str().unwrap();
    let out = verify_any_threads(&["--keys", registry], &file, 0);
    let r: serde_json::Value = serde_json::from_str(&out[0]).unwrap();
    assert_eq!(r["verdict"], "valid", "{r}");
    assert_eq!(r["trust"]["status"], "trusted");
    assert_eq!(r["trust"]["source"], "registry");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        format!("{{\n  \"M7\": \"{key}\",\n  \"M8\": 42\n}}\n"),
    )
    .unwrap();
    let o = ocmf(&["verify", "--keys", bad.to_str().unwrap(), &file], None);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3, column 9"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// KEBA over OCPP 2.0.1 (`signingMethod` ECC256, `publicKey` base64 over
/// `{"UK": …}`): a valid session, and the key's shape is reported.
#[test]
fn keba_ocpp201_with_its_key_container_is_a_valid_session() {
    let file = "ocmf-core/tests/data/ocpp/201_keba_uk_key.json";
    let o = ocmf(&["extract", "--json", file], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"nonstandard_key_container\""), "{out}");
    let o = ocmf(&["verify", file], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// A long run whose standard error is a pipe prints no progress (nor
/// anything else) there, with or without `--quiet`; the records are all
/// answered in order. (On a terminal the bar shows: scripts/check-progress.)
#[test]
fn no_progress_bytes_on_a_pipe() {
    let record = sample().trim().to_owned();
    let n = 20_000;
    let (dir, file) = temp_file("pipe", "records.txt", &format!("{record}\n").repeat(n));
    for extra in [&[][..], &["--quiet"], &["-q", "--json"]] {
        let start = std::time::Instant::now();
        let o = ocmf(
            &[
                &[
                    "verify",
                    "--threads",
                    "2",
                    "--key-file",
                    "examples/keba-p256.key",
                ],
                extra,
                &[&file],
            ]
            .concat(),
            None,
        );
        let took = start.elapsed();
        assert_eq!(o.status.code(), Some(0));
        assert!(
            o.stderr.is_empty(),
            "{extra:?}: {:?}",
            String::from_utf8_lossy(&o.stderr)
        );
        let out = String::from_utf8(o.stdout).unwrap();
        if extra.contains(&"--json") {
            assert_eq!(
                out.lines()
                    .filter(|l| l.contains(r#""verdict":"valid""#))
                    .count(),
                n
            );
        } else {
            let last = out
                .lines()
                .filter(|l| l.starts_with("record "))
                .last()
                .unwrap();
            assert!(last.starts_with(&format!("record {n}: valid — ")), "{last}");
        }
        eprintln!("{extra:?}: {n} records in {took:?} (the bar is due after 1 s)");
    }
    std::fs::remove_dir_all(&dir).ok();
}
