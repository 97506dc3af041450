//! Criterion bench of the other formats (issue 19): `Checker::verify_format`
//! on the shared samples, one group `formats` with one bench per format.
//! Each iteration verifies every valid sample of the format once, as a user
//! gives it (the value's text, the key as text where it is not carried; a
//! ChargePoint value is its `secrrct` and detached signature in one object),
//! so the throughput is values per second on one thread, reading and key
//! decoding included.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark")]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ocmf_core::formats::Format;
use ocmf_core::{Checker, KeyInput, Verdict};
use serde_json::Value;

const SAMPLES: &str = include_str!("../../ocmf-core/tests/data/formats/samples.jsonl");

/// (format, value as given, key text) of every valid sample.
fn valid_samples() -> Vec<(String, String, Option<String>)> {
    SAMPLES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["independent_check"] == "valid")
        .map(|v| {
            let signed = v["signed_value"].as_str().unwrap().to_owned();
            let value = match v["detached_signature_hex"].as_str() {
                Some(sig) => serde_json::json!({"secrrct": signed, "signature": sig}).to_string(),
                None => signed,
            };
            (
                v["format"].as_str().unwrap().to_owned(),
                value,
                v["public_key"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let all = valid_samples();
    let checker = Checker::new().threads(1);
    let mut g = c.benchmark_group("formats");
    for format in Format::ALL {
        let mine: Vec<_> = all
            .iter()
            .filter(|(f, _, _)| f == format.as_str())
            .collect();
        if mine.is_empty() {
            continue;
        }
        for (_, value, key) in &mine {
            let out = checker.verify_format(value.as_bytes(), KeyInput::text(key.as_deref()));
            assert_eq!(out.verdict(), Verdict::Valid, "{format}: {}", out.code());
        }
        g.throughput(Throughput::Elements(mine.len() as u64));
        g.bench_function(format.as_str(), |b| {
            b.iter(|| {
                for (_, value, key) in &mine {
                    black_box(checker.verify_format(
                        black_box(value.as_bytes()),
                        KeyInput::text(key.as_deref()),
                    ));
                }
            });
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
