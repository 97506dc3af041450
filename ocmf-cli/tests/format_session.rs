//! `ocmf session` on values in the other formats (issue 19): one value per
//! file, checked together as the core's `Checker::format_session`; the JSON
//! line is the core's FormatSession JSON byte for byte and the exit code
//! follows the session verdict as for OCMF.

use std::process::{Command, Output};

use ocmf_core::session::SessionVerdict;
use ocmf_core::{Checker, KeyInput, Lang};
use serde_json::Value;

const SAMPLES: &str = include_str!("../../ocmf-core/tests/data/formats/samples.jsonl");

fn ocmf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocmf"))
        .args(args)
        .output()
        .expect("run ocmf")
}

fn sample(id: &str) -> (String, Option<String>) {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["id"] == id)
        .map(|v| {
            (
                v["signed_value"].as_str().unwrap().to_owned(),
                v["public_key"].as_str().map(str::to_owned),
            )
        })
        .unwrap()
}

#[test]
fn session_of_format_values_is_the_cores_answer() {
    let d = std::env::temp_dir().join(format!("ocmf-cli-fsess-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let cases: &[(&[&str], SessionVerdict, i32)] = &[
        (&["alfen-011", "alfen-012"], SessionVerdict::Valid, 0),
        (&["alfen-012", "alfen-011"], SessionVerdict::Invalid, 1),
        (&["edl40-025", "edl40-026"], SessionVerdict::Valid, 0),
        (
            &["isa_edl40-030", "isa_edl40-029"],
            SessionVerdict::Valid,
            0,
        ),
        (&["pcdf-054"], SessionVerdict::Valid, 0),
        (&["emh_chargeit-062"], SessionVerdict::Incomplete, 2),
    ];
    for (ids, verdict, exit) in cases {
        let samples: Vec<(String, Option<String>)> = ids.iter().map(|id| sample(id)).collect();
        let key = samples.first().and_then(|(_, k)| k.clone());
        let mut files = Vec::new();
        for (id, (value, _)) in ids.iter().zip(&samples) {
            let f = d.join(id);
            std::fs::write(&f, value).unwrap();
            files.push(f.to_str().unwrap().to_owned());
        }
        let mut args: Vec<&str> = vec!["session", "--json"];
        if let Some(k) = &key {
            args.extend(["--key", k.as_str()]);
        }
        args.extend(files.iter().map(String::as_str));
        let out = ocmf(&args);
        let values: Vec<&[u8]> = samples.iter().map(|(v, _)| v.as_bytes()).collect();
        let core = Checker::new().format_session(&values, KeyInput::text(key.as_deref()));
        assert_eq!(core.verdict, *verdict, "{ids:?}");
        let line = String::from_utf8(out.stdout).unwrap();
        assert_eq!(line, core.to_json_string(Lang::En) + "\n", "{ids:?}");
        assert_eq!(out.status.code(), Some(*exit), "{ids:?}");

        // The text answer: the format, the verdict, the energy.
        args.remove(1);
        let text = String::from_utf8(ocmf(&args).stdout).unwrap();
        let head = format!("{} session: {}", core.format.unwrap(), core.verdict);
        assert!(text.starts_with(&head), "{ids:?}: {text}");
        if let Some(e) = &core.energy {
            assert!(text.contains(&format!("{} kWh", e.kwh)), "{ids:?}: {text}");
        }
    }
    std::fs::remove_dir_all(d).unwrap();
}
