//! `ocmf_sign`: the core's deterministic signer, with the algorithm named
//! as the core reads names (`Algorithm::from_name`: a curve or an `SA`).

use core::ffi::c_char;

use ocmf_core::{Algorithm, Options, sign_hex, str_from_bytes};

use crate::boundary::{copy_out, fits, guard, input, required};
use crate::error::ocmf_result;

/// Signs a payload (a JSON object, used byte for byte as the signed
/// section) with a secret scalar given as hex, deterministically (RFC 6979,
/// SHA-256), and writes the record `OCMF|<payload>|{"SA":…,"SD":…}` plus a
/// NUL into `buf`.
///
/// `curve` names the curve (`secp256r1`, `P-256`, `brainpoolP384r1`, … or an
/// `SA` value such as `ECDSA-secp256r1-SHA256`). When `key_out_len` is not
/// NULL, the uncompressed SEC1 public key (uppercase hex) plus a NUL is
/// written to `key_buf` as well.
///
/// Returns `OCMF_RESULT_OK`; `OCMF_RESULT_SECRET_KEY` for a secret that is
/// not hex, zero or not below the curve order; `OCMF_RESULT_UNKNOWN_ALGORITHM`
/// for an unknown curve (`OCMF_RESULT_ALGORITHM_NOT_IN_SPEC` for an
/// algorithm OCMF does not define, such as `EdDSA-Ed25519`); a parse code when the payload cannot form a record;
/// `OCMF_RESULT_BUFFER_TOO_SMALL` when either buffer is too small: then
/// nothing is written to the buffers and `*out_len` (and `*key_out_len`, when
/// given) receive the capacities needed.
///
/// # Safety
/// The three inputs must be NULL (with length 0) or point to as many
/// readable bytes as their lengths say; `buf` and `key_buf` must be NULL or
/// valid for `cap` / `key_cap` writes; `out_len` must be valid for one
/// write; `key_out_len` must be NULL or valid for one write.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments, reason = "C ABI: pointer + length pairs")]
pub unsafe extern "C" fn ocmf_sign(
    payload: *const u8,
    payload_len: usize,
    secret_hex: *const u8,
    secret_len: usize,
    curve: *const u8,
    curve_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    key_buf: *mut c_char,
    key_cap: usize,
    key_out_len: *mut usize,
) -> ocmf_result {
    guard(|| {
        required(out_len)?;
        // SAFETY: the caller's contract (three times).
        let (payload, secret, curve) = unsafe {
            (
                input(payload, payload_len)?,
                input(secret_hex, secret_len)?,
                input(curve, curve_len)?,
            )
        };
        let payload = str_from_bytes(payload, &Options::default().limits)?;
        let secret = core::str::from_utf8(secret).map_err(|_| ocmf_result::SecretKey)?;
        let curve = core::str::from_utf8(curve).map_err(|_| ocmf_result::UnknownAlgorithm)?;
        let algorithm = Algorithm::from_name(curve)?;
        let signed = sign_hex(payload, secret, algorithm)?;
        let key = signed.public_key_sec1_hex.as_str();
        let want_key = !key_out_len.is_null();
        if !fits(&signed.record, cap, buf) || (want_key && !fits(key, key_cap, key_buf)) {
            // SAFETY: `out_len` checked; `key_out_len` checked by `want_key`.
            unsafe {
                *out_len = signed.record.len() + 1;
                if want_key {
                    *key_out_len = key.len() + 1;
                }
            }
            return Err(ocmf_result::BufferTooSmall);
        }
        // SAFETY: capacities checked by `fits`; lengths are valid pointers.
        unsafe {
            copy_out(&signed.record, buf);
            *out_len = signed.record.len();
            if want_key {
                copy_out(key, key_buf);
                *key_out_len = key.len();
            }
        }
        Ok(ocmf_result::Ok)
    })
}
