//! `compare`: verification throughput of ocmf-core per curve against `ring`,
//! `aws-lc-rs` and OpenSSL (Python `cryptography`), on the SAME records, in
//! one run, single core. See `benches/README.md`; `benches/compare.sh` sets
//! up the Python side and runs this.
//!
//! Records: every valid corpus record with a key (vectors/real.jsonl) plus
//! `--per-curve` generated records per curve (signed with `ocmf_core::sign`,
//! 10 keys with 1/10 of the records each). Every implementation verifies each
//! record once per pass; passes repeat for `--min-ms`. Rounds alternate
//! between implementations (Rust ones, then the Python subprocess) and the
//! table shows medians over `--rounds` rounds.
#![allow(clippy::unwrap_used, missing_docs, reason = "benchmark harness")]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use ocmf_core::registry::{KeyEntry, Registry};
use ocmf_core::{
    Algorithm, Backend, Checker, Curve, Item as CheckItem, KeyInput, PublicKey, Unverified, parse,
    sign,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

struct Item {
    record: String,
    key_text: String,
    /// Uncompressed SEC1 point.
    sec1: Vec<u8>,
    /// Canonical DER signature.
    der: Vec<u8>,
    /// The signed bytes.
    msg: Vec<u8>,
}

impl Item {
    fn msg(&self) -> &[u8] {
        &self.msg
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn b64(s: &str) -> Option<Vec<u8>> {
    use base64_lite::decode;
    decode(s)
}

/// Minimal base64 (standard alphabet, padding optional) to keep the harness's
/// dependencies to the comparison crates.
mod base64_lite {
    pub(super) fn decode(s: &str) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.trim().trim_end_matches('=').bytes() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => return None,
            };
            acc = (acc << 6) | u32::from(v);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push(((acc >> bits) & 0xff) as u8);
            }
        }
        Some(out)
    }
}

/// Canonical DER of the record's signature (OpenSSL, ring and AWS-LC take
/// DER), read from `SD` as hex or base64, DER (leniently) or raw `r‖s`.
fn canonical_der(u: &Unverified<'_>, field: usize) -> Option<Vec<u8>> {
    let sd = u.signature.data.as_ref()?.as_str();
    let b64_enc = u
        .signature
        .encoding
        .as_ref()
        .is_some_and(|e| e.as_str().eq_ignore_ascii_case("base64"));
    let bytes = if b64_enc { b64(sd)? } else { unhex(sd)? };
    let (r, s) = if bytes.first() == Some(&0x30) {
        let mut i = if bytes.get(1)? & 0x80 != 0 { 3 } else { 2 };
        let rl = usize::from(*bytes.get(i + 1)?);
        let r = bytes.get(i + 2..i + 2 + rl)?.to_vec();
        i += 2 + rl;
        let sl = usize::from(*bytes.get(i + 1)?);
        (r, bytes.get(i + 2..i + 2 + sl)?.to_vec())
    } else if bytes.len() == 2 * field {
        (bytes[..field].to_vec(), bytes[field..].to_vec())
    } else {
        return None;
    };
    let int = |v: &[u8]| {
        let v = &v[v.iter().position(|b| *b != 0).unwrap_or(v.len())..];
        let mut o = vec![2u8];
        let pad = v.first().is_none_or(|b| b & 0x80 != 0);
        o.push((v.len() + usize::from(pad)) as u8);
        if pad {
            o.push(0);
        }
        o.extend_from_slice(v);
        o
    };
    let body = [int(&r), int(&s)].concat();
    let mut out = vec![0x30u8];
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(body.len() as u8);
    out.extend(body);
    Some(out)
}

/// Record `i` of meter `BENCH-{meter}`.
fn gen_payload(i: usize, meter: usize) -> String {
    format!(
        r#"{{"FV":"1.0","GI":"BENCH","GS":"{i}","PG":"T{i}","MS":"BENCH-{meter}","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}},{{"TM":"2024-01-01T01:00:00,000+0000 S","TX":"E","RV":{}.345,"ST":"G"}}]}}"#,
        i + 12
    )
}

fn load(per_curve: usize) -> BTreeMap<Curve, Vec<Item>> {
    let mut out: BTreeMap<Curve, Vec<Item>> = BTreeMap::new();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors/real.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let checker = Checker::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let (Some(rec), Some(key_text)) = (v["ocmf"].as_str(), v["public_key"].as_str()) else {
            continue;
        };
        let Ok(key) = PublicKey::parse(key_text) else {
            continue;
        };
        let rep = checker.verify(rec, KeyInput::Decoded(&key));
        if rep.signature_valid != Some(true) || !rep.is_valid() {
            continue;
        }
        let (Some(alg), Some(u)) = (rep.algorithm, rep.record.as_ref()) else {
            continue;
        };
        if u.envelope.key_section.is_some() {
            continue;
        }
        let Some(der) = canonical_der(u, alg.curve.field_bytes()) else {
            continue;
        };
        // ring reads only uncompressed points: the few corpus records with
        // compressed keys are left out of the comparison set.
        if key.sec1_bytes().first() != Some(&4) {
            continue;
        }
        out.entry(alg.curve).or_default().push(Item {
            record: rec.to_owned(),
            key_text: key_text.to_owned(),
            sec1: key.sec1_bytes().to_vec(),
            der,
            msg: u.signed_bytes().as_bytes().to_vec(),
        });
    }
    for curve in Curve::ALL {
        let alg = Algorithm::ecdsa_sha256(curve);
        for i in 0..per_curve {
            let k = i % 10;
            let mut sk: Vec<u8> = Sha256::digest(format!("bench key {k}")).to_vec();
            sk.extend(Sha256::digest(format!("bench key {k} more")));
            sk.truncate(curve.field_bytes());
            sk[0] &= 0x7f;
            let s = sign(&gen_payload(i, k), &sk, alg).unwrap();
            let u = parse(&s.record).unwrap();
            let der = canonical_der(&u, curve.field_bytes()).unwrap();
            out.entry(curve).or_default().push(Item {
                msg: u.signed_bytes().as_bytes().to_vec(),
                sec1: unhex(&s.public_key_sec1_hex).unwrap(),
                record: s.record,
                key_text: s.public_key_sec1_hex,
                der,
            });
        }
    }
    out
}

/// Records per second of `f` over `items`, at least `min_ms` long.
fn rate<T>(items: &[T], min_ms: u128, mut f: impl FnMut(&T) -> bool) -> f64 {
    // Warm-up pass (also checks every record verifies).
    for it in items {
        assert!(f(it), "a record did not verify in the warm-up pass");
    }
    let t0 = Instant::now();
    let mut n = 0usize;
    loop {
        for it in items {
            black_box(f(black_box(it)));
        }
        n += items.len();
        let el = t0.elapsed();
        if el.as_millis() >= min_ms {
            return n as f64 / el.as_secs_f64();
        }
    }
}

const COLS: [&str; 12] = [
    "ours check cached",
    "ours pure cached",
    "ours verify cached",
    "ours pure verify",
    "ours cold",
    "ours batch",
    "ours trusted batch",
    "ring",
    "aws-lc-rs",
    "OpenSSL",
    "wasm Node cached",
    "wasm Node batch",
];

fn ring_alg(c: Curve) -> Option<&'static ring::signature::EcdsaVerificationAlgorithm> {
    match c {
        Curve::P256 => Some(&ring::signature::ECDSA_P256_SHA256_ASN1),
        Curve::P384 => Some(&ring::signature::ECDSA_P384_SHA256_ASN1),
        _ => None,
    }
}

fn awslc_alg(c: Curve) -> Option<&'static aws_lc_rs::signature::EcdsaVerificationAlgorithm> {
    match c {
        Curve::P256 => Some(&aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1),
        Curve::P384 => Some(&aws_lc_rs::signature::ECDSA_P384_SHA256_ASN1),
        Curve::Secp256k1 => Some(&aws_lc_rs::signature::ECDSA_P256K1_SHA256_ASN1),
        _ => None,
    }
}

fn rust_round(data: &BTreeMap<Curve, Vec<Item>>, min_ms: u128) -> BTreeMap<(Curve, usize), f64> {
    let mut out = BTreeMap::new();
    // Single thread, no registry: the one-record and batch columns.
    let checker = Checker::new();
    for (&curve, items) in data {
        // Each distinct key decoded once, as a verifier holding meter keys would.
        let mut distinct: BTreeMap<&str, PublicKey> = BTreeMap::new();
        for i in items {
            distinct
                .entry(&i.key_text)
                .or_insert_with(|| PublicKey::parse(&i.key_text).unwrap());
        }
        let keys: Vec<&PublicKey> = items
            .iter()
            .map(|i| &distinct[i.key_text.as_str()])
            .collect();
        let pure_keys: BTreeMap<&str, PublicKey> = distinct
            .iter()
            .map(|(t, k)| (*t, k.clone().with_backend(Backend::PureRust)))
            .collect();
        let idx: Vec<usize> = (0..items.len()).collect();
        out.insert(
            (curve, 0),
            rate(&idx, min_ms, |&i| {
                checker
                    .verify(&items[i].record, KeyInput::Decoded(keys[i]))
                    .is_valid()
            }),
        );
        let pure: Vec<&PublicKey> = items
            .iter()
            .map(|i| &pure_keys[i.key_text.as_str()])
            .collect();
        out.insert(
            (curve, 1),
            rate(&idx, min_ms, |&i| {
                checker
                    .verify(&items[i].record, KeyInput::Decoded(pure[i]))
                    .is_valid()
            }),
        );
        let parsed: Vec<Unverified<'_>> = items.iter().map(|i| parse(&i.record).unwrap()).collect();
        out.insert(
            (curve, 2),
            rate(&idx, min_ms, |&i| parsed[i].verify(keys[i]).is_ok()),
        );
        out.insert(
            (curve, 8),
            rate(&idx, min_ms, |&i| parsed[i].verify(pure[i]).is_ok()),
        );
        out.insert(
            (curve, 3),
            // The key text decoded for every record.
            rate(&idx, min_ms, |&i| {
                checker
                    .verify(&items[i].record, KeyInput::Text(&items[i].key_text))
                    .is_valid()
            }),
        );
        // The whole set as one batch (keys decoded inside, once per distinct key).
        let batch: Vec<CheckItem<'_>> = items
            .iter()
            .map(|i| CheckItem::new(&i.record).key(KeyInput::Text(&i.key_text)))
            .collect();
        let t0 = Instant::now();
        let mut n = 0usize;
        while t0.elapsed().as_millis() < min_ms {
            let reps = checker.verify_all(black_box(&batch));
            assert!(reps.iter().all(|r| r.is_valid()));
            n += reps.len();
        }
        out.insert((curve, 4), n as f64 / t0.elapsed().as_secs_f64());
        // The same batch against a registry that holds every meter's key
        // (the records carry the same key: the answers are `trusted`).
        let registry = registry_of(items);
        let trusted = checker.registry(Some(&registry));
        let t0 = Instant::now();
        let mut n = 0usize;
        while t0.elapsed().as_millis() < min_ms {
            let reps = trusted.verify_all(black_box(&batch));
            for (r, i) in reps.iter().zip(items) {
                // A corpus record that names neither meter nor gateway
                // cannot be bound to a registry entry: `untrusted`.
                assert!(
                    r.is_valid() && matches!(r.trust_status().as_str(), "trusted" | "untrusted"),
                    "{} {:?}: {}",
                    r.trust_status(),
                    r.code(),
                    i.record
                );
            }
            n += reps.len();
        }
        out.insert((curve, 9), n as f64 / t0.elapsed().as_secs_f64());
        if let Some(alg) = ring_alg(curve) {
            // ring has no parsed-key object: it reads the point on every verify.
            out.insert(
                (curve, 5),
                rate(items, min_ms, |i| {
                    ring::signature::UnparsedPublicKey::new(alg, &i.sec1)
                        .verify(i.msg(), &i.der)
                        .is_ok()
                }),
            );
        }
        if let Some(alg) = awslc_alg(curve) {
            let pk: Vec<aws_lc_rs::signature::ParsedPublicKey> = items
                .iter()
                .map(|i| aws_lc_rs::signature::ParsedPublicKey::new(alg, &i.sec1).unwrap())
                .collect();
            let msgs: Vec<&[u8]> = items.iter().map(Item::msg).collect();
            out.insert(
                (curve, 6),
                rate(&idx, min_ms, |&i| {
                    pk[i].verify_sig(msgs[i], &items[i].der).is_ok()
                }),
            );
        }
    }
    out
}

/// A registry with one entry per distinct (meter serial, key) of `items`
/// (by gateway serial for the corpus records that name no meter).
fn registry_of(items: &[Item]) -> Registry {
    let mut seen = std::collections::BTreeSet::new();
    let mut registry = Registry::new();
    for i in items {
        let u = parse(&i.record).unwrap();
        let serial = |t: Option<&ocmf_core::Text<'_>>| {
            t.map(|t| t.as_str().trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let meter = serial(u.payload.meter_serial.as_ref());
        // The gateway binds only records that name no meter.
        let gateway = serial(u.payload.gateway_serial.as_ref()).filter(|_| meter.is_none());
        if !seen.insert((meter.clone(), gateway.clone(), i.key_text.clone())) {
            continue;
        }
        let key = PublicKey::parse(&i.key_text).unwrap();
        registry.add(match meter {
            Some(m) => KeyEntry::new(&m, key),
            None => KeyEntry {
                meter_serial: None,
                gateway_serial: gateway,
                ..KeyEntry::new("", key)
            },
        });
    }
    registry
}

/// One round of a measuring subprocess (`program script [extra] dump min_ms`),
/// which prints `{"curve name": records_per_second, ...}` (keys may carry a
/// `/mode` suffix).
fn subprocess_round(
    program: &str,
    script: &str,
    extra: Option<&str>,
    dump: &str,
    min_ms: u128,
) -> BTreeMap<String, f64> {
    let mut args = vec![script.to_owned()];
    args.extend(extra.map(str::to_owned));
    args.push(dump.to_owned());
    args.push(min_ms.to_string());
    let out = Command::new(program).args(&args).output();
    match out {
        Ok(o) if o.status.success() => {
            for line in String::from_utf8_lossy(&o.stderr).lines() {
                let mut notes = NOTES.lock().unwrap();
                if !notes.iter().any(|n| n == line) {
                    notes.push(line.to_owned());
                }
            }
            let v: Value = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
            v.as_object()
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                        .collect()
                })
                .unwrap_or_default()
        }
        Ok(o) => {
            eprintln!("{program} failed: {}", String::from_utf8_lossy(&o.stderr));
            BTreeMap::new()
        }
        Err(e) => {
            eprintln!("{program} not run: {e}");
            BTreeMap::new()
        }
    }
}

/// Distinct messages of the Python side (e.g. a curve OpenSSL lacks).
static NOTES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    Some(v[v.len() / 2])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let per_curve: usize = arg("--per-curve").map_or(2000, |s| s.parse().unwrap());
    let min_ms: u128 = arg("--min-ms").map_or(300, |s| s.parse().unwrap());
    let rounds: usize = arg("--rounds").map_or(3, |s| s.parse().unwrap());
    let python = arg("--python");
    // WASM in Node: `--node node --wasm-pkg ocmf-wasm/pkg` (the nodejs
    // package scripts/ci/wasm builds), measured by benches/wasm_verify.mjs.
    let node = arg("--node");
    let wasm_pkg = arg("--wasm-pkg");
    let wasm_script = arg("--wasm-script")
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/wasm_verify.mjs").into());
    let script = arg("--script")
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/openssl_verify.py").into());
    let dump = arg("--dump").unwrap_or_else(|| {
        std::env::temp_dir()
            .join("ocmf-compare-records.jsonl")
            .display()
            .to_string()
    });

    let mut data = load(per_curve);
    if let Some(only) = arg("--curves") {
        data.retain(|c, _| only.split(',').any(|n| Curve::from_name(n) == Some(*c)));
    }
    {
        let mut f = String::new();
        for (curve, items) in &data {
            for i in items {
                f.push_str(
                    &serde_json::json!({
                        "curve": curve.name(),
                        "record": i.record,
                        "key_text": i.key_text,
                        "key": hex(&i.sec1),
                        "msg": hex(i.msg()),
                        "sig": hex(&i.der),
                    })
                    .to_string(),
                );
                f.push('\n');
            }
        }
        std::fs::write(&dump, f).unwrap();
    }

    let mut rust: BTreeMap<(Curve, usize), Vec<f64>> = BTreeMap::new();
    let mut ossl: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut wasm: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for round in 0..rounds {
        eprintln!("round {}/{rounds}", round + 1);
        for (k, v) in rust_round(&data, min_ms) {
            rust.entry(k).or_default().push(v);
        }
        if let Some(py) = &python {
            for (k, v) in subprocess_round(py, &script, None, &dump, min_ms) {
                ossl.entry(k).or_default().push(v);
            }
        }
        if let (Some(node), Some(pkg)) = (&node, &wasm_pkg) {
            for (k, v) in subprocess_round(node, &wasm_script, Some(pkg), &dump, min_ms) {
                wasm.entry(k).or_default().push(v);
            }
        }
    }

    println!(
        "records/s, single thread, median of {rounds} alternating rounds (>= {min_ms} ms each); \
         ratio = ours check cached / OpenSSL, batch/OS = ours batch / OpenSSL, \
         trusted/OS = ours trusted batch / OpenSSL"
    );
    println!(
        "OpenSSL via Python cryptography: verify(sig, signed bytes, ECDSA(SHA256())) - hashes the message, \
         key objects loaded once; ours check = parse + lint + hash + verify of the whole record"
    );
    print!("{:<16} {:>6}", "curve", "n");
    for c in COLS {
        print!(" {c:>18}");
    }
    println!(
        " {:>8} {:>8} {:>8} {:>10}",
        "ratio", "pure/OS", "batch/OS", "trusted/OS"
    );
    for (curve, items) in &data {
        print!("{:<16} {:>6}", curve.name(), items.len());
        let mut cells = Vec::new();
        // Display order of the internal measurement ids.
        for col in [0usize, 1, 2, 8, 3, 4, 9, 5, 6] {
            cells.push(rust.get(&(*curve, col)).cloned().and_then(median));
        }
        cells.push(ossl.get(curve.name()).cloned().and_then(median));
        for mode in ["cached", "batch"] {
            let key = format!("{}/{mode}", curve.name());
            cells.push(wasm.get(&key).cloned().and_then(median));
        }
        for c in &cells {
            match c {
                Some(v) => print!(" {v:>18.0}"),
                None => print!(" {:>18}", "n/a"),
            }
        }
        let ratio = |a: Option<f64>| match (a, cells[9]) {
            (Some(a), Some(o)) if o > 0.0 => format!("{:.2}x", a / o),
            _ => "n/a".into(),
        };
        println!(
            " {:>8} {:>8} {:>8} {:>10}",
            ratio(cells[0]),
            ratio(cells[1]),
            ratio(cells[5]),
            ratio(cells[6])
        );
    }
    for n in NOTES.lock().unwrap().iter() {
        println!("OpenSSL side: {n}");
    }
    println!(
        "native backend for: {}",
        Curve::ALL
            .iter()
            .filter(|c| Backend::native_supports(**c))
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(", ")
    );
}
