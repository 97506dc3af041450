//! `verify`, `verifyJson` and `inspect`: one record through the core's
//! [`Checker`](ocmf_core::Checker).

use ocmf_core::{Lang, Options, Report, payload_json};
use wasm_bindgen::prelude::*;

use crate::args::{CheckArgs, RecordArg, to_js_object};
use crate::boundary::{run, to_js_error};

/// Checks one record with these options and hands the report to `out`.
fn with_report<T>(
    record: &JsValue,
    options: &JsValue,
    out: impl FnOnce(&Report<'_>, Lang) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    let args = CheckArgs::read(options)?;
    let limits = args.options.limits;
    let record = RecordArg::read(record, &limits, "record")?;
    let stand_in = RecordArg::stand_in([&record], &limits);
    let report = args
        .checker()
        .verify(record.as_bytes(&stand_in), args.key.input());
    out(&report, args.lang)
}

/// Checks one record and returns the report as a plain object (camelCase keys;
/// reading values as exact decimal text). Never throws for a bad record or
/// an unreadable key. With a `registry` the report adds the key decision
/// (`trust`, `keyFingerprint`, ...).
///
/// # Errors
/// Throws `OcmfError` only for bad arguments: 702 for a wrong type or a freed
/// `Key`/`KeyRegistry`, 701 for an unknown profile or language.
#[wasm_bindgen(unchecked_return_type = "VerifyReport")]
pub fn verify(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] record: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run(|| {
        with_report(record, &options.unwrap_or(JsValue::UNDEFINED), |r, lang| {
            to_js_object(r.to_json(lang))
        })
    })
}

/// As `verify`, returning the canonical JSON report text unchanged (identical
/// across the CLI and every binding).
///
/// # Errors
/// As `verify`.
#[wasm_bindgen(js_name = verifyJson)]
pub fn verify_json(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] record: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions | void")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        with_report(record, &options.unwrap_or(JsValue::UNDEFINED), |r, lang| {
            Ok(r.to_json_string(lang))
        })
    })
}

/// Parses a record without verifying it and returns the payload object.
///
/// # Errors
/// Throws `OcmfError` with the parse code (1xx/2xx/3xx) or 702 for a wrong type.
#[wasm_bindgen(unchecked_return_type = "Payload")]
pub fn inspect(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] record: &JsValue,
) -> Result<JsValue, JsValue> {
    run(|| {
        let opts = Options::default();
        let record = RecordArg::read(record, &opts.limits, "record")?;
        let stand_in = RecordArg::stand_in([&record], &opts.limits);
        let rec = ocmf_core::parse_bytes(record.as_bytes(&stand_in), &opts)
            .map_err(|e| to_js_error(&e))?;
        to_js_object(payload_json(&rec.payload))
    })
}
