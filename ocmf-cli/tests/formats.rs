//! `ocmf verify` and `ocmf inspect` on the other formats (issue 19): every
//! shared sample as a user has it in a file, with the key given where the
//! value does not carry one. The JSON line is the core's FormatCheck JSON,
//! byte for byte; the exit code follows the verdict as for OCMF.

use std::process::{Command, Output};

use ocmf_core::registry::Registry;
use ocmf_core::session::SessionVerdict;
use ocmf_core::{Checker, KeyInput, Lang, PublicKey, Verdict};
use serde_json::Value;

const SAMPLES: &str = include_str!("../../ocmf-core/tests/data/formats/samples.jsonl");

fn ocmf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocmf"))
        .args(args)
        .output()
        .expect("run ocmf")
}

struct Sample {
    id: String,
    value: String,
    key: Option<String>,
}

fn samples() -> Vec<Sample> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| Sample {
            id: v["id"].as_str().unwrap().to_owned(),
            value: value_as_given(&v),
            key: v["public_key"].as_str().map(str::to_owned),
        })
        .collect()
}

/// The value as a user gives it: the signed value, or for ChargePoint (the
/// `secrrct` file and its detached `secrrct.sign`) the object holding both.
fn value_as_given(v: &Value) -> String {
    let signed = v["signed_value"].as_str().unwrap();
    match v["detached_signature_hex"].as_str() {
        Some(sig) => serde_json::json!({"secrrct": signed, "signature": sig}).to_string(),
        None => signed.to_owned(),
    }
}

fn exit_for(v: Verdict) -> i32 {
    match v {
        Verdict::Valid => 0,
        Verdict::InvalidSignature => 1,
        _ => 2,
    }
}

fn dir(test: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ocmf-cli-formats-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn verify_json_is_the_cores_answer_for_every_sample() {
    let d = dir("samples");
    let mut n = 0;
    for s in samples() {
        let file = d.join(&s.id);
        std::fs::write(&file, &s.value).unwrap();
        let file = file.to_str().unwrap();
        let mut args = vec!["verify", "--json", file];
        if let Some(k) = &s.key {
            args.extend(["--key", k.as_str()]);
        }
        let out = ocmf(&args);
        let core =
            Checker::new().verify_format(s.value.as_bytes(), KeyInput::text(s.key.as_deref()));
        let line = String::from_utf8(out.stdout).unwrap();
        assert_eq!(line, core.to_json_string(Lang::En) + "\n", "{}", s.id);
        assert_eq!(
            out.status.code(),
            Some(exit_for(core.verdict())),
            "{}",
            s.id
        );

        // The text answer names the format and the verdict; inspect adds
        // the readings.
        let text = ocmf(
            &args[..1]
                .iter()
                .chain(&args[2..])
                .copied()
                .collect::<Vec<_>>(),
        );
        let text = String::from_utf8(text.stdout).unwrap();
        let head = format!(
            "{}: {} ({})",
            core.format.unwrap(),
            core.verdict(),
            core.code()
        );
        assert!(text.starts_with(&head), "{}: {text}", s.id);
        let mut inspect = vec!["inspect"];
        inspect.extend(&args[2..]);
        let table = String::from_utf8(ocmf(&inspect).stdout).unwrap();
        let value = core.value.as_ref().unwrap();
        assert!(table.contains(&value.meter_serial), "{}: {table}", s.id);
        for r in &value.readings {
            assert!(
                table.contains(&r.value),
                "{}: reading {} in {table}",
                s.id,
                r.value
            );
        }
        n += 1;
    }
    assert_eq!(n, 41);
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_registry_makes_a_carried_key_trusted_for_its_meter_only() {
    let d = dir("registry");
    let s = samples().into_iter().find(|s| s.id == "alfen-000").unwrap();
    let file = d.join("alfen");
    std::fs::write(&file, &s.value).unwrap();
    let file = file.to_str().unwrap();
    let plain = Checker::new().verify_format(s.value.as_bytes(), KeyInput::None);
    let value = plain.value.unwrap();
    let key = PublicKey::from_bytes(value.carried_key.as_ref().unwrap()).unwrap();
    for (meter, status) in [
        (value.meter_serial.as_str(), "trusted"),
        ("OTHER", "untrusted"),
    ] {
        let csv = format!("meter_serial,public_key\n{meter},{}\n", key.sec1_hex());
        let reg = d.join(format!("keys-{status}.csv"));
        std::fs::write(&reg, &csv).unwrap();
        let out = ocmf(&["verify", "--json", "--keys", reg.to_str().unwrap(), file]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["trust"]["status"], status);
        assert_eq!(json["verdict"], "valid");
        let registry = Registry::load(&csv).unwrap();
        let core = Checker::new()
            .registry(Some(&registry))
            .verify_format(s.value.as_bytes(), KeyInput::None);
        assert_eq!(json, core.to_json(Lang::En));
    }
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_broken_value_of_a_known_format_is_malformed_not_invalid() {
    let d = dir("broken");
    let file = d.join("broken");
    std::fs::write(&file, "AP;0;3;NOT-BASE32;;;").unwrap();
    let out = ocmf(&["verify", "--json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "malformed");
    assert_eq!(json["format"], "ALFEN");
    assert!(json["code"].as_str().unwrap().starts_with("format_"));
    // Input that is no format at all keeps the OCMF path's answer.
    std::fs::write(&file, "hello").unwrap();
    let out = ocmf(&["verify", "--json", file.to_str().unwrap()]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json.get("format").is_none(), "{json}");
    std::fs::remove_dir_all(d).unwrap();
}

/// The other formats inside the containers (S.A.F.E. XML, OCPP, OCPI,
/// OICP): `ocmf extract --json` is the core's extraction-with-sessions JSON
/// (each value's `format`, each group's `formats` checks) and exits by the
/// checks; `ocmf verify --json` answers one FormatCheck line per value,
/// the one the core gives for the value with the key carried with it.
#[test]
fn extract_and_verify_the_formats_inside_every_container() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ocmf-core/tests/data/containers"
    );
    let manifest: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/manifest.json")).unwrap())
            .unwrap();
    let checker = Checker::new();
    for name in manifest.keys() {
        let path = format!("{dir}/{name}");
        let ex = ocmf_core::transport::extract(&std::fs::read_to_string(&path).unwrap());
        let groups = checker.sessions(&ex, KeyInput::None).unwrap();
        let o = ocmf(&["extract", "--json", &path]);
        let want = ex.json_with_sessions(&groups, Lang::En);
        let got: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(got, want, "{name}");
        // `extract` exits by each group's verdict (its format session's).
        let worst_group = groups
            .iter()
            .map(|g| match g.verdict() {
                SessionVerdict::Valid => 0,
                SessionVerdict::Invalid => 1,
                _ => 2,
            })
            .max()
            .unwrap();
        assert_eq!(o.status.code(), Some(worst_group), "{name}");
        // `verify` exits by each value's own check.
        let worst = groups
            .iter()
            .flat_map(|g| &g.formats)
            .map(|f| match f.check.verdict() {
                Verdict::Valid => 0,
                Verdict::InvalidSignature => 1,
                _ => 2,
            })
            .max()
            .unwrap();
        let o = ocmf(&["verify", "--json", &path]);
        let lines: Vec<&str> = std::str::from_utf8(&o.stdout).unwrap().lines().collect();
        assert_eq!(lines.len(), ex.values.len(), "{name}");
        for (v, line) in ex.values.iter().zip(lines) {
            let c = checker.verify_format_carried(
                v.record.as_bytes(),
                KeyInput::None,
                v.public_key.as_deref(),
            );
            assert_eq!(line, c.to_json_string(Lang::En), "{name}");
        }
        assert_eq!(o.status.code(), Some(worst), "{name}");
    }
    // Human output names the format of each value.
    let o = ocmf(&["extract", &format!("{dir}/ocpi_alfen.json")]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("value 0: ALFEN: valid"), "{text}");
    // The group's values are one format session (the 2100 kWh of the pair).
    assert!(text.contains("ALFEN session: valid"), "{text}");
    assert!(text.contains("2100.000 kWh"), "{text}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_one_digit_change_in_the_chargepoint_secrrct_is_an_invalid_signature() {
    let d = dir("chargepoint");
    let s = samples()
        .into_iter()
        .find(|s| s.id == "chargepoint-076")
        .unwrap();
    let key = s.key.as_deref().unwrap();
    for (name, value, verdict, exit) in [
        ("as-is", s.value.clone(), "valid", 0),
        (
            "tampered",
            s.value.replacen("86.6", "86.7", 1),
            "invalid-signature",
            1,
        ),
    ] {
        let file = d.join(name);
        std::fs::write(&file, &value).unwrap();
        let out = ocmf(&["verify", "--json", file.to_str().unwrap(), "--key", key]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["format"], "CHARGEPOINT", "{name}");
        assert_eq!(json["verdict"], verdict, "{name}");
        assert_eq!(json["curve"], "secp224k1", "{name}");
        assert_eq!(out.status.code(), Some(exit), "{name}");
    }
    std::fs::remove_dir_all(d).unwrap();
}

/// The two ChargePoint files as users have them: `secrrct` and its binary
/// `secrrct.sign` with `--signature`, through verify and inspect.
#[test]
fn chargepoint_signature_file() {
    let d = dir("chargepoint-files");
    let line = SAMPLES
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == "chargepoint-076")
        .unwrap();
    let document = line["signed_value"].as_str().unwrap();
    let key = line["public_key"].as_str().unwrap();
    let hex = line["detached_signature_hex"].as_str().unwrap();
    let der: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(der.first(), Some(&0x30));
    let sign = d.join("secrrct.sign");
    std::fs::write(&sign, &der).unwrap();
    let sign = sign.to_str().unwrap();
    for (name, text, verdict, exit) in [
        ("secrrct", document.to_owned(), "valid", 0),
        (
            "tampered",
            document.replacen("86.6", "86.7", 1),
            "invalid-signature",
            1,
        ),
    ] {
        let file = d.join(name);
        std::fs::write(&file, &text).unwrap();
        let file = file.to_str().unwrap();
        let out = ocmf(&["verify", "--json", file, "--signature", sign, "--key", key]);
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["format"], "CHARGEPOINT", "{name}");
        assert_eq!(json["verdict"], verdict, "{name}");
        assert_eq!(out.status.code(), Some(exit), "{name}");
        let out = ocmf(&["inspect", file, "--signature", sign, "--key", key]);
        assert_eq!(out.status.code(), Some(exit), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("86."),
            "{name}"
        );
        assert_eq!(out.status.code(), Some(exit), "{name}");
    }
    // Without the signature: the document alone is refused, typed.
    let file = d.join("secrrct");
    let out = ocmf(&["verify", "--json", file.to_str().unwrap(), "--key", key]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["verdict"], "malformed");
    assert_eq!(json["code"], "format_missing_field");
    assert_eq!(json["error"]["field"], "signature");
    assert_eq!(out.status.code(), Some(2));
    // A signature file that cannot be read is an I/O error.
    let out = ocmf(&[
        "verify",
        file.to_str().unwrap(),
        "--signature",
        "/nonexistent/secrrct.sign",
    ]);
    assert_eq!(out.status.code(), Some(3));
    std::fs::remove_dir_all(d).unwrap();
}
