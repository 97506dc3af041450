//! Verifies every record of a bench file with our `ocmf-core` (the full
//! `check`: parse, profile findings, signature) and prints, per curve, how
//! many were valid and how long that took.
//!
//! Input: JSON lines `{"curve", "ocmf", "key"}`. The key of a curve is decoded
//! once; the first 5 records of a curve run once untimed first.
//! Output: one JSON line per curve `{"curve", "n", "ok", "seconds"}`.

use std::collections::BTreeMap;
use std::time::Instant;

use ocmf_core::{Options, PublicKey, Verdict};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: peer-ours-rust RECORDS.jsonl");
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
    let options = Options::default();
    for (curve, (key_text, records)) in &by_curve {
        // Warm-up (not timed): the first records of the curve once.
        let warm = PublicKey::parse(key_text).ok();
        for rec in records.iter().take(5) {
            let _ = ocmf_core::check(rec, warm.as_ref(), &options);
        }
        let start = Instant::now();
        let key = PublicKey::parse(key_text).ok();
        let mut ok = 0usize;
        for rec in records {
            if ocmf_core::check(rec, key.as_ref(), &options).verdict == Verdict::Valid {
                ok += 1;
            }
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{{\"curve\":\"{curve}\",\"n\":{},\"ok\":{ok},\"seconds\":{secs}}}",
            records.len()
        );
    }
}
