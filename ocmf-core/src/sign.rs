//! Signing OCMF records (RFC 6979 deterministic ECDSA with SHA-256), for
//! meter and charger simulators and for tests.

use alloc::{format, string::String};

use sha2::{Digest, Sha256};

use crate::algorithm::Algorithm;
use crate::error::{Error, ErrorCode};

/// A signed record and the public key that verifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The complete record `OCMF|<payload>|{"SA":…,"SD":…}`.
    pub record: String,
    /// The uncompressed SEC1 public key, uppercase hex.
    pub public_key_sec1_hex: String,
}

/// Encodes a DER `ECDSA-Sig-Value` from unsigned big-endian `r`, `s`.
fn der(r: &[u8], s: &[u8]) -> alloc::vec::Vec<u8> {
    fn int(out: &mut alloc::vec::Vec<u8>, v: &[u8]) {
        let v = {
            let mut i = 0;
            while i + 1 < v.len() && v[i] == 0 {
                i += 1;
            }
            &v[i..]
        };
        let pad = v.first().is_some_and(|b| b & 0x80 != 0);
        out.push(0x02);
        out.push(u8::try_from(v.len() + usize::from(pad)).unwrap_or(0));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = alloc::vec::Vec::with_capacity(2 * r.len() + 8);
    int(&mut body, r);
    int(&mut body, s);
    let mut out = alloc::vec::Vec::with_capacity(body.len() + 3);
    out.push(0x30);
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(u8::try_from(body.len()).unwrap_or(0));
    out.extend_from_slice(&body);
    out
}

/// Signs `payload` (a JSON object, used byte for byte as the signed section)
/// with the secret scalar `secret` (big-endian bytes) on the algorithm's curve.
///
/// # Errors
/// [`ErrorCode::SecretKey`] for a secret that is zero, too long or not below
/// the curve order; [`ErrorCode::PipeInString`] / [`ErrorCode::MissingSection`]
/// when the payload could not be read back as a record.
pub fn sign(payload: &str, secret: &[u8], algorithm: Algorithm) -> Result<Signed, Error> {
    if payload.contains('|') {
        return Err(Error::new(ErrorCode::PipeInString));
    }
    let digest: [u8; 32] = Sha256::digest(payload.as_bytes()).into();
    let (r, s, public) = crate::curves::sign_prehashed(algorithm.curve, secret, &digest)
        .ok_or(Error::new(ErrorCode::SecretKey))?;
    let sd = base16ct::upper::encode_string(&der(&r, &s));
    let record = format!(
        "OCMF|{payload}|{{\"SA\":\"{}\",\"SD\":\"{sd}\"}}",
        algorithm.sa()
    );
    // Prove the result reads back as a record with these exact signed bytes.
    let back = crate::record::parse(&record)?;
    if back.signed_bytes() != payload {
        return Err(Error::new(ErrorCode::MissingSection));
    }
    Ok(Signed {
        record,
        public_key_sec1_hex: base16ct::upper::encode_string(&public),
    })
}

/// Signs with a secret given as hex.
///
/// # Errors
/// As [`sign`]; [`ErrorCode::SecretKey`] for bad hex.
pub fn sign_hex(payload: &str, secret_hex: &str, algorithm: Algorithm) -> Result<Signed, Error> {
    let t = secret_hex.trim();
    let bytes = base16ct::mixed::decode_vec(t).map_err(|_| Error::new(ErrorCode::SecretKey))?;
    sign(payload, &bytes, algorithm)
}
