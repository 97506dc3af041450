//! The engine alone: one prehashed verification on a warm key (standard
//! tables, built at the key's second use) and on a key with wide tables
//! (`Key::precompute`), per curve. The whole record path (parse, SHA-256,
//! backends, other implementations) is measured by `benches/` at the
//! workspace top (`cargo bench -p ocmf-benches`, `benches/compare.sh`).
#![allow(missing_docs, clippy::unwrap_used, reason = "benchmark")]

use criterion::{Criterion, Throughput, black_box, criterion_group, criterion_main};
use ecdsa::{SigningKey, hazmat};
use elliptic_curve::FieldBytes;
use ocmf_vartime_verify::{EngineCurve, Key};
use sha2::{Digest, Sha256};

macro_rules! bench_curve {
    ($g:expr, $c:ty, $name:literal) => {{
        type C = $c;
        let mut fb = FieldBytes::<C>::default();
        let n = fb.len();
        fb[0] = 0x1f;
        fb[n - 1] = 7;
        let sk = SigningKey::<C>::from_bytes(&fb).unwrap();
        let digest: [u8; 32] = Sha256::digest(b"ocmf-vartime-verify bench").into();
        let (sig, _) =
            hazmat::sign_prehashed_rfc6979::<C, Sha256>(sk.as_nonzero_scalar(), &digest, &[]);
        let warm = Key::<C>::new(sk.verifying_key().as_affine()).unwrap();
        let wide = warm.clone();
        wide.precompute();
        run($g, $name, &warm, &wide, &digest, &sig);
    }};
}

fn run<C: EngineCurve>(
    g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    warm: &Key<C>,
    wide: &Key<C>,
    digest: &[u8; 32],
    sig: &ecdsa::Signature<C>,
) {
    // Two uses: the second builds the standard tables.
    for _ in 0..2 {
        assert_eq!(warm.verify_prehashed(digest, sig), Some(true));
    }
    assert_eq!(wide.verify_prehashed(digest, sig), Some(true));
    g.bench_function(format!("{name}_warm"), |b| {
        b.iter(|| warm.verify_prehashed(black_box(digest), black_box(sig)))
    });
    g.bench_function(format!("{name}_wide"), |b| {
        b.iter(|| wide.verify_prehashed(black_box(digest), black_box(sig)))
    });
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine_verify");
    g.throughput(Throughput::Elements(1));
    bench_curve!(&mut g, ocmf_vartime_verify::Secp192k1, "secp192k1");
    bench_curve!(&mut g, p192::NistP192, "secp192r1");
    bench_curve!(&mut g, p256::NistP256, "secp256r1");
    bench_curve!(&mut g, p384::NistP384, "secp384r1");
    bench_curve!(&mut g, bp256::r1::BrainpoolP256r1, "brainpoolP256r1");
    bench_curve!(&mut g, bp384::r1::BrainpoolP384r1, "brainpoolP384r1");
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
