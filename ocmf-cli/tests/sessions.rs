//! `ocmf extract`, `ocmf session`, `ocmf convert` and `--keys` on the demo
//! OCPP log in examples/ocpp (five stations, every OCPP encoding).

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn ocmf(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocmf"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ocmf");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("wait")
}

const LOG: &str = "examples/ocpp/stations.log";
const KEYS: &str = "examples/ocpp/registry.csv";

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (station, verdict, trust, kWh) per session, in output order.
fn summary(v: &Value) -> Vec<(String, String, String, String)> {
    v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            let r = &s["report"];
            (
                s["station"].as_str().unwrap_or("-").to_owned(),
                r["verdict"].as_str().unwrap_or("?").to_owned(),
                r["trust"].as_str().unwrap_or("-").to_owned(),
                r["energy"]["kwh"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

fn row(s: &str, v: &str, t: &str, e: &str) -> (String, String, String, String) {
    (s.into(), v.into(), t.into(), e.into())
}

#[test]
fn extract_gives_per_session_verdicts_energy_and_trust() {
    let o = ocmf(&["extract", "--json", "--keys", KEYS, LOG], None);
    // One line of the log is a truncated frame and one session lost its end
    // value: exit 2, everything else still reported.
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    let ex = &v["extraction"];
    assert_eq!(ex["format"], "ocpp-log");
    assert_eq!(ex["values"].as_array().map(Vec::len), Some(9));
    assert_eq!(ex["duplicates"], 1, "the retried TransactionEvent");
    assert_eq!(ex["errors"].as_array().map(Vec::len), Some(1));
    assert_eq!(ex["errors"][0]["line"], 14);
    assert_eq!(
        summary(&v),
        vec![
            row("CP-1", "valid", "trusted", "22.3242"),
            row("CP-2", "valid", "trusted", "31.2500"),
            row("CP-3", "valid", "untrusted", "22.6770"),
            row("CP-4", "invalid", "mismatch", "30.5000"),
            row("CP-5", "incomplete", "trusted", "-"),
        ]
    );
    let cp1 = &v["sessions"][0]["report"];
    assert_eq!(cp1["energy"]["wh"], "22324.2");
    assert_eq!(cp1["duration_seconds"], "4350.000");
    // Transports as detected.
    let transports: Vec<&str> = ex["values"]
        .as_array()
        .expect("values")
        .iter()
        .filter_map(|x| x["transport"].as_str())
        .collect();
    for t in [
        "ocpp16-plain",
        "ocpp16-envelope",
        "ocpp20-base64",
        "ocpp20-raw",
        "ocpp16-hex",
    ] {
        assert!(transports.contains(&t), "{t} not in {transports:?}");
    }
}

#[test]
fn without_registry_keys_are_untrusted_and_mismatch_disappears() {
    let o = ocmf(&["extract", "--json", LOG], None);
    let s = summary(&json(&o));
    // CP-1 and CP-5 carry no key at all; CP-4's carried key verifies.
    assert_eq!(s[0].1, "incomplete");
    assert_eq!(s[2], row("CP-3", "valid", "untrusted", "22.6770"));
    assert_eq!(s[3], row("CP-4", "valid", "untrusted", "30.5000"));
}

#[test]
fn readable_output_in_english_and_german() {
    let en = ocmf(&["extract", "--keys", KEYS, LOG], None);
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(en.contains("station CP-1 transaction 1001"), "{en}");
    assert!(en.contains("22.3242 kWh"), "{en}");
    assert!(en.contains("The energy shown may be billed"), "{en}");
    assert!(en.contains("line 14"), "{en}");
    let de = ocmf(&["extract", "--lang", "de", "--keys", KEYS, LOG], None);
    let de = String::from_utf8_lossy(&de.stdout);
    assert!(
        de.contains("Die angezeigte Energie darf abgerechnet werden"),
        "{de}"
    );
    assert!(de.contains("registrierte"), "{de}");
    assert!(
        de.contains("Endzählerstand"),
        "missing-end finding in German: {de}"
    );
}

#[test]
fn xml_export_opens_back_into_the_same_sessions() {
    let o = ocmf(&["convert", "--to", "xml", LOG], None);
    assert_eq!(o.status.code(), Some(2), "the log's bad line is reported");
    let xml = String::from_utf8(o.stdout).expect("utf-8");
    assert!(xml.contains("<values") && xml.contains("signedData"));
    let back = json(&ocmf(
        &["extract", "--json", "--keys", KEYS, "-"],
        Some(&xml),
    ));
    let orig = json(&ocmf(&["extract", "--json", "--keys", KEYS, LOG], None));
    assert_eq!(back["extraction"]["format"], "tps-xml");
    assert_eq!(summary(&back), summary(&orig));
    for (a, b) in back["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .zip(orig["sessions"].as_array().expect("sessions"))
    {
        assert_eq!(a["transaction_id"], b["transaction_id"]);
        assert_eq!(a["report"]["energy"], b["report"]["energy"]);
        assert_eq!(a["report"]["findings"], b["report"]["findings"]);
    }
}

#[test]
fn session_from_separate_files_and_from_mixed_meters() {
    let o = ocmf(&["convert", "--to", "ocmf", LOG], None);
    let text = String::from_utf8(o.stdout).expect("utf-8");
    let recs: Vec<&str> = text.lines().collect();
    assert_eq!(recs.len(), 9);
    let dir = std::env::temp_dir().join(format!("ocmf-cli-session-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).expect("write");
        p.to_string_lossy().into_owned()
    };
    // End first, begin second: the session orders by pagination.
    let (b, e) = (file("begin.ocmf", recs[0]), file("end.ocmf", recs[1]));
    let o = ocmf(&["session", "--json", "--keys", KEYS, &e, &b], None);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["energy"]["kwh"], "22.3242");
    // Hex-encoded end record works the same.
    let hex: String = recs[1].bytes().map(|x| format!("{x:02x}")).collect();
    let h = file("end.hex", &hex);
    let o = ocmf(&["session", "--keys", KEYS, &b, &h], None);
    assert_eq!(o.status.code(), Some(0));
    // Begin of one meter, end of another: invalid.
    let other = file("other-end.ocmf", recs[3]);
    let o = ocmf(&["session", "--json", "--keys", KEYS, &b, &other], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["verdict"], "invalid");
    // Only a begin: incomplete.
    let o = ocmf(&["session", "--keys", KEYS, &b], None);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn verify_with_registry_states_trust() {
    let o = ocmf(&["verify", "--json", "--keys", KEYS, LOG], None);
    let lines: Vec<Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    // One malformed line plus nine values.
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0]["verdict"], "malformed");
    let trust: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l["trust"]["status"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        trust,
        [
            "trusted",
            "trusted",
            "trusted",
            "trusted",
            "untrusted",
            "untrusted",
            "mismatch",
            "mismatch",
            "trusted"
        ]
    );
    // A malformed registry is a usage error with its line.
    let bad = std::env::temp_dir().join(format!("ocmf-bad-registry-{}.csv", std::process::id()));
    std::fs::write(&bad, "meter_serial,public_key\nX1,not-a-key\n").expect("write");
    let o = ocmf(&["verify", "--keys", &bad.to_string_lossy(), LOG], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains('2'),
        "line number"
    );
    std::fs::remove_file(&bad).ok();
}

#[test]
fn unreadable_key_for_a_session_is_an_error_not_ignored() {
    let o = ocmf(&["extract", "--key", "04zz", LOG], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("key"));
    let o = ocmf(&["session", "--key", "not a key", LOG], None);
    assert_eq!(o.status.code(), Some(2));
}
