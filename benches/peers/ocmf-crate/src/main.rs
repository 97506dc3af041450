//! Verifies every record of a bench file with the `ocmf` crate from crates.io
//! and prints, per curve, how many verified and how long that took.
//!
//! Input: JSON lines `{"curve", "ocmf", "key"}` (key: SPKI DER hex). The key
//! of a curve is decoded once; each record is parsed and verified. The
//! first 5 records of a curve run once untimed first.
//! Output: one JSON line per curve `{"curve", "n", "ok", "seconds"}`.

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: peer-ocmf-crate RECORDS.jsonl");
        std::process::exit(2)
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2)
    });
    let mut by_curve: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| {
            eprintln!("bad line: {e}");
            std::process::exit(2)
        });
        let field = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let entry = by_curve
            .entry(field("curve"))
            .or_insert_with(|| (field("key"), Vec::new()));
        entry.1.push(field("ocmf"));
    }
    for (curve, (key_text, records)) in &by_curve {
        // Warm-up (not timed): the first records of the curve once.
        for rec in records.iter().take(5) {
            if let Ok(record) = ocmf::Record::parse(rec) {
                if let Ok(k) = ocmf::PublicKey::from_text(key_text, record.signature().curve()) {
                    let _ = ocmf::verify::verify(&record, &k);
                }
            }
        }
        let start = Instant::now();
        let mut ok = 0usize;
        let mut key: Option<ocmf::PublicKey> = None;
        for rec in records {
            let Ok(record) = ocmf::Record::parse(rec) else {
                continue;
            };
            if key.is_none() {
                key = ocmf::PublicKey::from_text(key_text, record.signature().curve()).ok();
            }
            if let Some(k) = &key {
                if ocmf::verify::verify(&record, k).is_ok() {
                    ok += 1;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{{\"curve\":\"{curve}\",\"n\":{},\"ok\":{ok},\"seconds\":{secs}}}",
            records.len()
        );
    }
}
