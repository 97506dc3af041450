//! Criterion benches: parse only, verify per curve (cold and cached key), key
//! decoding, and the bare `p256` verify as the yardstick for our overhead.
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark")]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ocmf_core::{Algorithm, Checker, Curve, KeyInput, PublicKey, parse};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256};

const RECORD: &str = include_str!("../../examples/keba-p256.ocmf");
const KEY: &str = include_str!("../../examples/keba-p256.key");

fn payload() -> String {
    r#"{"FV":"1.0","GI":"BENCH","GS":"1","PG":"T1","MS":"M1","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"},{"TM":"2024-01-01T01:00:00,000+0000 S","TX":"E","RV":12.345,"ST":"G"}]}"#.to_owned()
}

fn bench(c: &mut Criterion) {
    let record = RECORD.trim();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(record.len() as u64));
    assert!(record.len() > 400, "bench input changed");
    g.bench_function("parse_record", |b| {
        b.iter(|| parse(black_box(record)).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("key");
    g.bench_function("decode_spki_hex_p256", |b| {
        b.iter(|| PublicKey::parse(black_box(KEY)).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("verify");
    g.throughput(Throughput::Elements(1));
    for curve in Curve::ALL {
        let mut sk = vec![0u8; curve.field_bytes()];
        sk[curve.field_bytes() - 1] = 7;
        sk[0] = 0x1f;
        let signed = ocmf_core::sign(&payload(), &sk, Algorithm::ecdsa_sha256(curve)).unwrap();
        let key = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
        let checker = Checker::new();
        assert!(
            checker
                .verify(&signed.record, KeyInput::Decoded(&key))
                .is_valid()
        );
        g.bench_function(format!("{}_cached_key", curve.name()), |b| {
            b.iter(|| checker.verify(black_box(&signed.record), KeyInput::Decoded(&key)))
        });
        if curve == Curve::P256 {
            g.bench_function("secp256r1_cold_key", |b| {
                // The key text decoded for every record.
                b.iter(|| {
                    checker.verify(
                        black_box(&signed.record),
                        KeyInput::Text(black_box(&signed.public_key_sec1_hex)),
                    )
                })
            });
            // Yardstick: bare p256 verify of the same digest and signature.
            let rec = parse(&signed.record).unwrap();
            let digest = rec.digest();
            let sd = rec.signature.data.as_ref().unwrap().as_str().to_owned();
            let der = hex_decode(&sd);
            let sig = p256::ecdsa::Signature::from_der(&der).unwrap();
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(&hex_decode(
                &signed.public_key_sec1_hex,
            ))
            .unwrap();
            g.bench_function("bare_p256_verify_prehash", |b| {
                b.iter(|| {
                    vk.verify_prehash(black_box(&digest), black_box(&sig))
                        .unwrap()
                })
            });
            g.bench_function("bare_p256_sha256_and_verify", |b| {
                b.iter(|| {
                    let d = Sha256::digest(black_box(rec.signed_bytes().as_bytes()));
                    vk.verify_prehash(&d, black_box(&sig)).unwrap()
                })
            });
        }
    }
    g.finish();
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3)).warm_up_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
