//! Rust baseline for `bench/bench.c`: verify the same P-256 record N times
//! through `ocmf_core::Checker::verify` with a pre-decoded key and print ns/call.
//!
//! `cargo run --release -p ocmf-ffi --example bench_rust -- 5000`

#![allow(clippy::unwrap_used, reason = "benchmark")]

use std::hint::black_box;
use std::time::Instant;

use ocmf_core::{Algorithm, Checker, Curve, KeyInput, PublicKey, Verdict, sign_hex};

const PAYLOAD: &str = r#"{"FV":"1.0","PG":"T1","MS":"X1","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}"#;

fn main() {
    let n: u32 = std::env::args().nth(1).map_or(5000, |s| s.parse().unwrap());
    let signed = sign_hex(PAYLOAD, "01", Algorithm::ecdsa_sha256(Curve::P256)).unwrap();
    let key = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
    let record = signed.record.as_str();
    let checker = Checker::new();
    for _ in 0..n / 10 {
        black_box(
            checker
                .verify(black_box(record), KeyInput::Decoded(&key))
                .verdict,
        );
    }
    let t0 = Instant::now();
    let mut valid = 0u32;
    for _ in 0..n {
        valid += u32::from(
            checker
                .verify(black_box(record), KeyInput::Decoded(&key))
                .verdict
                == Verdict::Valid,
        );
    }
    let dt = t0.elapsed();
    assert_eq!(valid, n, "not every call was valid");
    println!(
        "rust  {:.0} ns/call ({n} calls, {}-byte record)",
        dt.as_secs_f64() * 1e9 / f64::from(n),
        record.len()
    );
}
