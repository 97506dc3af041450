//! Signing OCMF records (RFC 6979 deterministic ECDSA with SHA-256), for
//! meter and charger simulators and for tests.
//!
//! Signatures are low-S: `s ≤ n/2` on every curve (`(r, n − s)` is the same
//! signature; some verifiers refuse, and our own reports, a high `s`).
//!
//! # What is constant-time
//!
//! - **Signing** (this module, `curves::sign_prehashed`) runs on RustCrypto's
//!   constant-time code only: `ecdsa::SigningKey` and
//!   `hazmat::sign_prehashed_rfc6979` with the curve crates' scalar and point
//!   arithmetic (as constant-time as those crates are; RFC 6979 nonces, no
//!   randomness). The secret never enters our own arithmetic. Its copies
//!   are wiped on drop: the decoded bytes of [`sign_hex`] and the padded
//!   scalar bytes (`zeroize::Zeroizing`); the `SigningKey` wipes its scalar
//!   itself. The caller's own buffers (`secret`, `secret_hex`) are theirs to
//!   wipe.
//! - **Verification** is not constant-time, by design: our engine
//!   (the crate `ocmf-vartime-verify`: wNAF and comb tables, early exits,
//!   `invert_vartime`)
//!   and the native backend's use of it work on public data only (keys,
//!   signatures, signed bytes), so timing reveals nothing secret.
//!   `Backend::Reference` runs RustCrypto's `verify_prehashed`, which also
//!   uses variable-time routines where the data are public.

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
/// when the payload could not be read back as a record;
/// [`ErrorCode::AlgorithmNotInSpec`] for a curve OCMF has no `SA` for
/// (secp224k1).
pub fn sign(payload: &str, secret: &[u8], algorithm: Algorithm) -> Result<Signed, Error> {
    if !algorithm.curve.is_ocmf() {
        return Err(Error::new(ErrorCode::AlgorithmNotInSpec));
    }
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
    let bytes = zeroize::Zeroizing::new(
        base16ct::mixed::decode_vec(t).map_err(|_| Error::new(ErrorCode::SecretKey))?,
    );
    sign(payload, &bytes, algorithm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checker, Curve, FindingCode, KeyInput, Verdict};

    fn payload(i: u32) -> String {
        format!(
            r#"{{"FV":"1.0","GI":"SIM","GS":"{i}","GV":"1","PG":"T{i}","IS":false,"IL":"NONE","IF":["RFID_NONE"],"IT":"NONE","ID":"","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","EF":"","ST":"G","RV":{i},"RI":"1-b:1.8.0","RU":"kWh"}}]}}"#
        )
    }

    /// `s` of a signed record (the DER's second INTEGER, sign byte stripped).
    fn s_of(record: &str) -> alloc::vec::Vec<u8> {
        let sd = record
            .rsplit("\"SD\":\"")
            .next()
            .unwrap()
            .trim_end_matches("\"}");
        let der = base16ct::mixed::decode_vec(sd).unwrap();
        let body = if der[1] == 0x81 { &der[3..] } else { &der[2..] };
        let r_len = usize::from(body[1]);
        let s = &body[2 + r_len..];
        let v = &s[2..2 + usize::from(s[1])];
        v.strip_prefix(&[0]).unwrap_or(v).to_vec()
    }

    /// Before the fix about half of all signatures were high-S on every
    /// curve but secp256k1; our verifier reports `high_s` for them.
    #[test]
    fn signatures_are_low_s_on_every_curve() {
        for curve in Curve::ALL {
            let alg = Algorithm::ecdsa_sha256(curve);
            for i in 0..48 {
                let signed = sign_hex(&payload(i), "0badc0de", alg).unwrap();
                let report = Checker::new()
                    .verify(&signed.record, KeyInput::Text(&signed.public_key_sec1_hex));
                assert_eq!(report.verdict, Verdict::Valid, "{curve:?} {i}");
                assert!(
                    report.findings.iter().all(|f| f.code != FindingCode::HighS),
                    "{curve:?} payload {i}: high-S signature {}",
                    signed.record
                );
            }
        }
    }

    /// A case that was high-S on P-256 (`s` was C519F86F…70E9, above
    /// n/2): `s` is now at most n/2, compared as 32-byte big-endian numbers.
    #[test]
    fn the_known_high_s_case_is_low_s() {
        const P256_HALF_N: &str =
            "7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8";
        let alg = Algorithm::ecdsa_sha256(Curve::P256);
        let signed = sign_hex(&payload(0), "0badc0de", alg).unwrap();
        let s = s_of(&signed.record);
        let mut padded = [0u8; 32];
        padded[32 - s.len()..].copy_from_slice(&s);
        let half = base16ct::mixed::decode_vec(P256_HALF_N).unwrap();
        assert!(
            padded.as_slice() <= half.as_slice(),
            "s = {}",
            base16ct::upper::encode_string(&s)
        );
        let report =
            Checker::new().verify(&signed.record, KeyInput::Text(&signed.public_key_sec1_hex));
        assert_eq!(report.verdict, Verdict::Valid);
    }
}
