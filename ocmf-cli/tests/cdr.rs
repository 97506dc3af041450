//! `ocmf extract`, `ocmf verify` and `ocmf convert --to xml` on OCPI and
//! OICP charge detail records (fixtures in ocmf-core/tests/data/cdr).

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

const DIR: &str = "ocmf-core/tests/data/cdr";

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn keys() -> String {
    path("registry.csv")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (transaction id, verdict, billed agrees) per session.
fn sessions(v: &Value) -> Vec<(String, String, Value)> {
    v["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            (
                s["transaction_id"].as_str().unwrap_or("-").to_owned(),
                s["report"]["verdict"].as_str().unwrap_or("?").to_owned(),
                s["report"]["billed"]["agrees"].clone(),
            )
        })
        .collect()
}

#[test]
fn extract_exit_codes_follow_the_session_verdicts() {
    for (file, exit) in [
        ("ocpi_cdr_base64.json", 0),
        ("oicp_cdr_base64.json", 0),
        ("ocpi_cdr_billed_mismatch.json", 1),
        ("oicp_cdr_billed_mismatch.json", 1),
        ("ocpi_cdr_tampered.json", 1),
        ("oicp_cdr_tampered.json", 1),
        ("ocpi_cdr_missing_end.json", 2),
        ("ocpi_cdr_malformed.json", 2),
        // One CDR in a non-OCMF encoding: the file is not clean.
        ("ocpi_cdrs_page.json", 2),
        ("oicp_cdrs_page.json", 2),
    ] {
        let k = keys();
        let p = path(file);
        let o = ocmf(&["extract", "--keys", &k, &p], None);
        assert_eq!(
            o.status.code(),
            Some(exit),
            "{file}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

#[test]
fn extract_json_has_each_cdr_as_a_session_with_billed_energy() {
    let (k, p) = (keys(), path("ocpi_cdrs_page.json"));
    let o = ocmf(&["extract", "--json", "--keys", &k, &p], None);
    let v = json(&o);
    assert_eq!(v["extraction"]["format"], "ocpi-cdr");
    assert_eq!(
        sessions(&v),
        [
            ("CDR-BSM-1".into(), "valid".into(), Value::Bool(true)),
            ("CDR-WEB-3".into(), "valid".into(), Value::Bool(true)),
        ]
    );
    let err = &v["extraction"]["errors"][0];
    assert_eq!(err["name"], "unsupported_encoding");
    assert_eq!(err["code"], 807);
    assert_eq!(err["line"], 73);
    assert_eq!(v["sessions"][0]["evse_id"], "DE*ABC*E000001");
    assert_eq!(v["sessions"][0]["station"], "LOC1");

    let p = path("oicp_cdr_billed_mismatch.json");
    let o = ocmf(&["extract", "--json", &p], None);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let r = &v["sessions"][0]["report"];
    assert_eq!(r["verdict"], "invalid");
    assert_eq!(
        r["billed"],
        serde_json::json!({"agrees": false, "billed_kwh": "0.001", "signed_kwh": "0.0001"})
    );
    assert!(
        r["findings"]
            .as_array()
            .unwrap_or(&Vec::new())
            .iter()
            .any(|f| f["name"] == "billed_energy_mismatch" && f["severity"] == "error")
    );
}

#[test]
fn readable_output_states_billed_against_signed() {
    let p = path("ocpi_cdr_billed_mismatch.json");
    let o = ocmf(&["extract", &p], None);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("billed: 1.11 kWh, signed: 1.101 kWh — DIFFERS"),
        "{text}"
    );
    let o = ocmf(&["extract", "--lang", "de", &p], None);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("abgerechnet: 1.11 kWh"), "{text}");
}

#[test]
fn verify_checks_every_signed_value_of_the_cdrs() {
    let p = path("oicp_cdr_tampered.json");
    let o = ocmf(&["verify", "--json", &p], None);
    assert_eq!(o.status.code(), Some(1));
    let verdicts: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("one JSON report per line")["verdict"]
                .as_str()
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    assert_eq!(verdicts, ["valid", "invalid-signature"]);
    let p = path("ocpi_cdr_base64.json");
    assert_eq!(ocmf(&["verify", &p], None).status.code(), Some(0));
}

#[test]
fn convert_turns_cdrs_into_tps_xml_with_the_same_sessions() {
    let p = path("oicp_cdr_base64.json");
    let o = ocmf(&["convert", "--to", "xml", &p], None);
    assert_eq!(o.status.code(), Some(0));
    let xml = String::from_utf8(o.stdout).expect("utf-8");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<value ").count(), 2, "{xml}");
    assert!(
        xml.contains("ocmf:transactionId=\"b2c3d4e5-0001\""),
        "{xml}"
    );
    let back = json(&ocmf(&["extract", "--json", "-"], Some(&xml)));
    assert_eq!(back["extraction"]["format"], "tps-xml");
    let orig = json(&ocmf(&["extract", "--json", &p], None));
    let verdicts = |v: &Value| -> Vec<(Value, Value)> {
        v["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .map(|s| (s["transaction_id"].clone(), s["report"]["verdict"].clone()))
            .collect()
    };
    assert_eq!(verdicts(&back), verdicts(&orig));
    // The XML carries no CDR, so it has no billed comparison.
    assert_eq!(back["sessions"][0]["report"]["billed"], Value::Null);
    // A page with a non-OCMF CDR converts the rest and says so.
    let p = path("ocpi_cdrs_page.json");
    let o = ocmf(&["convert", "--to", "xml", &p], None);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .matches("<value ")
            .count(),
        3
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("unsupported_encoding"));
}
