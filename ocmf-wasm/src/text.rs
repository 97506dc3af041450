//! The core's words and sentences for user interfaces: messages of codes,
//! verdict and trust explanations, the verdict words, the version.

use ocmf_core::registry::Trust;
use ocmf_core::{ErrorCode, FindingCode, Verdict};
use wasm_bindgen::prelude::*;

use crate::args::{as_u32, read_lang};
use crate::boundary::{arg_error, run};

/// The package version (same as the Rust workspace).
///
/// # Errors
/// Throws `OcmfError` 704 after an internal error (see `OcmfError`).
#[wasm_bindgen]
pub fn version() -> Result<String, JsValue> {
    run(|| Ok(env!("CARGO_PKG_VERSION").to_owned()))
}

/// The message of an error code (0–8xx) or finding code (1xxx) in `en` or `de`.
///
/// # Errors
/// Throws `OcmfError` 702 for an unassigned code, 701 for an unknown language.
#[wasm_bindgen(js_name = messageFor)]
pub fn message_for(
    #[wasm_bindgen(unchecked_param_type = "number")] code: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        let lang = read_lang(lang)?;
        let n = as_u32(code).ok_or_else(|| arg_error("code"))?;
        ErrorCode::from_code(n)
            .map(|c| c.message(lang))
            .or_else(|| {
                FindingCode::ALL
                    .iter()
                    .find(|c| c.code() == n)
                    .map(|c| c.message(lang))
            })
            .map(str::to_owned)
            .ok_or_else(|| arg_error("code"))
    })
}

/// The verdict words, for UIs: `valid`, `invalid-signature`, `malformed`, `unsupported`.
///
/// # Errors
/// As `version`.
#[wasm_bindgen(unchecked_return_type = "Verdict[]")]
pub fn verdicts() -> Result<Vec<String>, JsValue> {
    run(|| Ok(Verdict::ALL.iter().map(|v| v.as_str().to_owned()).collect()))
}

/// A sentence for a driver on a record's verdict (`report.verdict`), in
/// `en` or `de`.
///
/// # Errors
/// Throws `OcmfError` 702 for a word that is no verdict, 701 for an unknown language.
#[wasm_bindgen(js_name = explainVerdict)]
pub fn explain_verdict(
    #[wasm_bindgen(unchecked_param_type = "Verdict")] verdict: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        let lang = read_lang(lang)?;
        verdict
            .as_string()
            .and_then(|v| Verdict::from_name(&v))
            .map(|v| v.explain(lang).to_owned())
            .ok_or_else(|| arg_error("verdict"))
    })
}

/// A sentence for a driver on a trust status (`report.trust.status`, a
/// session's `trust`), in `en` or `de`.
///
/// # Errors
/// Throws `OcmfError` 702 for a word that is no trust status, 701 for an unknown language.
#[wasm_bindgen(js_name = explainTrust)]
pub fn explain_trust(
    #[wasm_bindgen(unchecked_param_type = "TrustStatus")] status: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        let lang = read_lang(lang)?;
        status
            .as_string()
            .and_then(|s| Trust::explain_status(&s, lang))
            .map(str::to_owned)
            .ok_or_else(|| arg_error("status"))
    })
}
