//! `sign`: a payload signed with a secret scalar (test data, demos).

use ocmf_core::{Algorithm, sign_hex};
use wasm_bindgen::prelude::*;

use crate::args::{is_absent, to_js_object};
use crate::boundary::{arg_error, run, to_js_error};

/// Signs a payload (a JSON object text, signed byte for byte) with a secret
/// scalar in hex. `algorithm` is an `SA` value (`ECDSA-secp256r1-SHA256`) or a
/// curve name (`P-256`, `brainpoolP384r1`, ...); default secp256r1.
///
/// # Errors
/// Throws `OcmfError`: 705 for a bad secret, 400 (`unknown_algorithm`) or
/// 401 (`algorithm_not_in_spec`) for an algorithm it cannot sign with, 702
/// for a wrong type, or the parse code when the payload cannot form a record.
#[wasm_bindgen(unchecked_return_type = "Signed")]
pub fn sign(
    #[wasm_bindgen(unchecked_param_type = "string")] payload: &JsValue,
    #[wasm_bindgen(js_name = secretHex, unchecked_param_type = "string")] secret_hex: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | void")] algorithm: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run(|| {
        let payload = payload.as_string().ok_or_else(|| arg_error("payload"))?;
        let secret = zeroize::Zeroizing::new(
            secret_hex
                .as_string()
                .ok_or_else(|| arg_error("secretHex"))?,
        );
        let alg = match algorithm.filter(|a| !is_absent(a)) {
            None => Algorithm::DEFAULT,
            Some(a) => {
                let name = a.as_string().ok_or_else(|| arg_error("algorithm"))?;
                Algorithm::from_name(&name).map_err(|e| to_js_error(&e))?
            }
        };
        let signed = sign_hex(&payload, &secret, alg).map_err(|e| to_js_error(&e))?;
        to_js_object(serde_json::json!({
            "record": signed.record,
            "public_key": signed.public_key_sec1_hex,
        }))
    })
}
