//! The native backend: AWS-LC (through `aws-lc-rs`) for the group check on
//! P-256 and P-384, where its assembly beats any pure-Rust arithmetic.
//!
//! Why `aws-lc-rs` and not `ring`: `ring` hashes the message itself and has
//! no prehashed verification, while our boundary (and `verify_digest`, used
//! by the Wycheproof suite) hands over a SHA-256 digest; `aws-lc-rs` verifies
//! a digest (`verify_digest_sig`) and its P-384 is also the faster one.
//!
//! Only the arithmetic is delegated. The caller has already decoded the
//! signature, range-checked `r` and `s`, classified and normalised high-S;
//! this module gets the normalised fixed-width `r`, `s` and answers yes/no.

use alloc::vec::Vec;

use aws_lc_rs::{
    digest::{Digest, SHA256},
    signature::{
        ECDSA_P256_SHA256_ASN1, ECDSA_P384_SHA256_ASN1, EcdsaVerificationAlgorithm, ParsedPublicKey,
    },
};
use elliptic_curve::sec1::ToSec1Point;

use crate::algorithm::Curve;

/// Whether the native backend handles `curve`.
pub(super) fn supports(curve: Curve) -> bool {
    algorithm(curve).is_some()
}

fn algorithm(curve: Curve) -> Option<&'static EcdsaVerificationAlgorithm> {
    match curve {
        Curve::P256 => Some(&ECDSA_P256_SHA256_ASN1),
        Curve::P384 => Some(&ECDSA_P384_SHA256_ASN1),
        _ => None,
    }
}

/// A public key parsed once by AWS-LC.
#[derive(Clone)]
pub(super) struct NativeKey(ParsedPublicKey);

impl NativeKey {
    /// The native form of an already validated point; `None` when the curve
    /// has no native backend (or AWS-LC refuses the point, which our own
    /// decoding has already excluded).
    pub(super) fn new<A: ToSec1Point<C>, C>(curve: Curve, point: &A) -> Option<Self>
    where
        C: elliptic_curve::Curve,
        elliptic_curve::FieldBytesSize<C>: elliptic_curve::sec1::ModulusSize,
    {
        let alg = algorithm(curve)?;
        let sec1 = point.to_sec1_point(false);
        ParsedPublicKey::new(alg, sec1.as_bytes()).ok().map(Self)
    }

    /// ECDSA group check of `digest` with fixed-width big-endian `r`, `s`.
    pub(super) fn verify(&self, digest: &[u8; 32], r: &[u8], s: &[u8]) -> bool {
        let Ok(d) = Digest::import_less_safe(digest, &SHA256) else {
            return false;
        };
        self.0.verify_digest_sig(&d, &der(r, s)).is_ok()
    }
}

/// DER `ECDSA-Sig-Value` of unsigned big-endian `r`, `s` (each at most 48 bytes).
fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn int(out: &mut Vec<u8>, v: &[u8]) {
        let start = v.iter().position(|b| *b != 0).unwrap_or(v.len());
        let v = v.get(start..).unwrap_or_default();
        let pad = v.first().is_none_or(|b| b & 0x80 != 0);
        out.push(0x02);
        out.push(u8::try_from(v.len() + usize::from(pad)).unwrap_or(0));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(r.len() + s.len() + 6);
    int(&mut body, r);
    int(&mut body, s);
    let mut out = Vec::with_capacity(body.len() + 3);
    out.push(0x30);
    if body.len() >= 0x80 {
        out.push(0x81);
    }
    out.push(u8::try_from(body.len()).unwrap_or(0));
    out.extend_from_slice(&body);
    out
}

impl core::fmt::Debug for NativeKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("NativeKey")
    }
}
