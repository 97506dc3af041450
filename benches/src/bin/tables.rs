//! Per-record cost of a cached key with standard vs wide tables (what a
//! batch builds for a key that signs many records) and of a key decoded per
//! record (cold: `Backend::Auto`, which goes native where it can, vs
//! `Backend::PureRust`), same records, rounds alternated; prints the best
//! and median round per mode.
//! Usage: tables [curve-name] [rounds]

use std::time::Instant;

use ocmf_core::{Algorithm, Backend, Checker, Curve, KeyInput, PublicKey, sign};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let curve = args
        .get(1)
        .and_then(|n| Curve::ALL.iter().copied().find(|c| c.name() == n))
        .unwrap_or(Curve::P256);
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(9);
    let mut secret = vec![0x33u8; curve.field_bytes()];
    secret[0] = 0x1f;
    let mut records = Vec::new();
    let mut key_text = String::new();
    for i in 0..64 {
        let p = format!(
            r#"{{"FV":"1.0","GI":"B","GS":"G{i}","PG":"T{i}","MS":"M","IS":true,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
        );
        let s = sign(&p, &secret, Algorithm::ecdsa_sha256(curve)).expect("sign");
        key_text = s.public_key_sec1_hex;
        records.push(s.record);
    }
    let standard = PublicKey::parse(&key_text).expect("key");
    let wide = standard.clone();
    wide.precompute();
    let checker = Checker::new();
    let names = ["standard", "wide", "cold auto", "cold pure"];
    let mut times: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        for (m, times) in times.iter_mut().enumerate() {
            let t0 = Instant::now();
            let mut n = 0usize;
            while t0.elapsed().as_millis() < 200 {
                for r in &records {
                    let ok = match m {
                        0 => checker.verify(r, KeyInput::Decoded(&standard)).is_valid(),
                        1 => checker.verify(r, KeyInput::Decoded(&wide)).is_valid(),
                        // A key decoded for one record only (no tables), on
                        // the checker's backend.
                        _ => {
                            let backend = if m == 2 {
                                Backend::Auto
                            } else {
                                Backend::PureRust
                            };
                            checker
                                .backend(backend)
                                .verify(r, KeyInput::Text(&key_text))
                                .is_valid()
                        }
                    };
                    assert!(ok);
                    n += 1;
                }
            }
            times.push(n as f64 / t0.elapsed().as_secs_f64());
        }
    }
    for (m, name) in names.iter().enumerate() {
        let mut v = times[m].clone();
        v.sort_by(f64::total_cmp);
        println!(
            "{} {name:9} best {:8.0}/s median {:8.0}/s",
            curve.name(),
            v[v.len() - 1],
            v[v.len() / 2]
        );
    }
}
