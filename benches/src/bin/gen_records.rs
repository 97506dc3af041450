//! Writes generated, validly signed OCMF records for the CLI benchmarks
//! (`benches/cli-json.sh`, `benches/stream-rss.sh`).
//!
//! ```text
//! gen_records CURVE DISTINCT KEYS OUT [BYTES] [--openssl JSONL]
//! ```
//!
//! Signs `DISTINCT` records (`ocmf_core::sign`) spread round-robin over
//! `KEYS` keys (meter `M<k>` per key) and writes them one per line to `OUT`,
//! repeated until the file holds at least `BYTES` bytes (default: once).
//! Writes each key (SEC1 hex) to `OUT.key<k>` and, for `--keys`, a registry
//! `OUT.keys.csv`. With `--openssl`, also each distinct record as a JSON line
//! `{curve, key, msg, sig}` (hex) for `benches/openssl_verify.py`.

use std::io::{BufWriter, Write};

use ocmf_core::{Algorithm, Curve};

fn curve(name: &str) -> Curve {
    match name {
        "P-256" | "secp256r1" => Curve::P256,
        "P-384" | "secp384r1" => Curve::P384,
        other => panic!("curve {other}: P-256 or P-384"),
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let openssl = args
        .iter()
        .position(|a| a == "--openssl")
        .map(|i| args[i + 1].clone());
    let pos: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--openssl"))
        .map(|(_, a)| a)
        .collect();
    let [name, distinct, keys, out, rest @ ..] = pos.as_slice() else {
        panic!("usage: gen_records CURVE DISTINCT KEYS OUT [BYTES] [--openssl JSONL]");
    };
    let c = curve(name);
    let distinct: usize = distinct.parse().expect("DISTINCT");
    let keys: usize = keys.parse::<usize>().expect("KEYS").max(1);
    let bytes: u64 = rest.first().map_or(0, |b| b.parse().expect("BYTES"));
    let secrets: Vec<Vec<u8>> = (0..keys)
        .map(|k| {
            let mut s = vec![0x3cu8; c.field_bytes()];
            s[1] = u8::try_from(k % 250).unwrap_or(0) + 1;
            s
        })
        .collect();
    let mut records = Vec::with_capacity(distinct);
    let mut key_hex = vec![String::new(); keys];
    let mut ossl = match &openssl {
        Some(p) => Some(BufWriter::new(std::fs::File::create(p)?)),
        None => None,
    };
    for i in 0..distinct {
        let k = i % keys;
        let (wh, min) = (1000 + i * 7, i % 60);
        let payload = format!(
            r#"{{"FV":"1.0","GI":"BENCH","GS":"G{k}","GV":"1.0","PG":"T{i}","MV":"Bench","MM":"B1","MS":"M{k}","MF":"1.0","IS":true,"IL":"VERIFIED","IF":["RFID_PLAIN","OCPP_RS_TLS"],"IT":"ISO14443","ID":"1F2D3A4F{i:08X}","RD":[{{"TM":"2024-03-01T10:{min:02}:00,000+0100 S","TX":"B","RV":{wh}.000,"RI":"1-b:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}},{{"TM":"2024-03-01T11:{min:02}:00,000+0100 S","TX":"E","RV":{}.000,"RI":"1-b:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}}]}}"#,
            wh + 12
        );
        let s = ocmf_core::sign(&payload, &secrets[k], Algorithm::ecdsa_sha256(c)).expect("signs");
        if let Some(w) = ossl.as_mut() {
            let sd = s
                .record
                .rsplit_once("\"SD\":\"")
                .and_then(|(_, t)| t.split_once('"'))
                .map(|(sd, _)| sd.to_owned())
                .expect("SD");
            let hex: String = payload.bytes().map(|b| format!("{b:02x}")).collect();
            let line = serde_json::json!({
                "curve": if c == Curve::P256 { "secp256r1" } else { "secp384r1" },
                "key": s.public_key_sec1_hex.to_lowercase(),
                "msg": hex,
                "sig": sd.to_lowercase(),
            });
            writeln!(w, "{line}")?;
        }
        key_hex[k].clone_from(&s.public_key_sec1_hex);
        records.push(s.record);
    }
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out.as_str())?);
    let (mut written, mut lines) = (0u64, 0u64);
    loop {
        for r in &records {
            w.write_all(r.as_bytes())?;
            w.write_all(b"\n")?;
            written += r.len() as u64 + 1;
            lines += 1;
        }
        if written >= bytes {
            break;
        }
    }
    w.flush()?;
    let mut csv = String::from("meter_serial,public_key,source\n");
    for (k, hex) in key_hex.iter().enumerate() {
        std::fs::write(format!("{out}.key{k}"), format!("{hex}\n"))?;
        csv.push_str(&format!("M{k},{hex},bench\n"));
    }
    std::fs::write(format!("{out}.keys.csv"), csv)?;
    if let Some(mut w) = ossl {
        w.flush()?;
    }
    eprintln!("{out}: {written} bytes, {lines} records ({distinct} distinct, {keys} keys)");
    Ok(())
}
