//! `evaluateSession`: the records of one charging session checked against
//! each other ([`Checker::session`](ocmf_core::Checker::session)).

use js_sys::Array;
use ocmf_core::Lang;
use ocmf_core::session::{SessionRecord, SessionReport};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::args::{CheckArgs, get, opt_string, read_key, to_js_object};
use crate::boundary::{arg_error, run, to_js_error, with_json};

/// One record of a session as read from JS (the core's `SessionRecord`
/// borrows it).
struct OwnedRecord {
    record: String,
    key: Option<String>,
    label: Option<String>,
}

/// Reads `(string | {record, key?, label?})[]`.
fn read_records(v: &JsValue) -> Result<Vec<OwnedRecord>, JsValue> {
    if !Array::is_array(v) {
        return Err(arg_error("records"));
    }
    let arr: &Array = v.unchecked_ref();
    let mut out = Vec::new();
    for item in arr.iter() {
        if let Some(record) = item.as_string() {
            out.push(OwnedRecord {
                record,
                key: None,
                label: None,
            });
            continue;
        }
        if !item.is_object() {
            return Err(arg_error("records"));
        }
        let record = opt_string(get(&item, "record", "records")?, "records")?
            .ok_or_else(|| arg_error("records"))?;
        let key = match get(&item, "key", "records")? {
            None => None,
            Some(k) => read_key(&k, "records")?
                .carried_text()
                .map(std::borrow::Cow::into_owned),
        };
        let label = opt_string(get(&item, "label", "records")?, "records")?;
        out.push(OwnedRecord { record, key, label });
    }
    Ok(out)
}

/// A session report as a typed object with the canonical `json` text.
pub(crate) fn session_object(report: &SessionReport<'_>, lang: Lang) -> Result<JsValue, JsValue> {
    let obj = to_js_object(report.to_json(lang))?;
    Ok(with_json(obj, &report.to_json_string(lang)))
}

/// Checks the records with the options and hands the report to `out`.
fn run_session<T>(
    records: &JsValue,
    options: Option<JsValue>,
    out: impl FnOnce(&SessionReport<'_>, Lang) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    let owned = read_records(records)?;
    let args = CheckArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
    let recs: Vec<SessionRecord<'_>> = owned
        .iter()
        .map(|r| SessionRecord {
            record: &r.record,
            key: r.key.as_deref(),
            label: r.label.as_deref(),
        })
        .collect();
    let report = args
        .checker()
        .session(&recs, args.key.input())
        .map_err(|e| to_js_error(&e))?;
    out(&report, args.lang)
}

/// Checks the records of one charging session against each other: verdict
/// (`valid`, `incomplete`, `invalid`, `malformed`), billable energy as exact
/// decimal text, start/end, trust and findings (messages in EN and DE).
/// Records may come in any order. Never throws for bad records.
///
/// # Errors
/// Throws `OcmfError` for bad arguments: 702 for wrong types or a freed
/// `Key`/`KeyRegistry`, 701 for an unknown profile or language, the key's
/// 5xx code for an explicit `key` that cannot be decoded.
#[wasm_bindgen(js_name = evaluateSession, unchecked_return_type = "SessionReport")]
pub fn evaluate_session(
    #[wasm_bindgen(unchecked_param_type = "(string | SessionRecordInput)[]")] records: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run(|| run_session(records, options, session_object))
}

/// As `evaluateSession`, returning the core's canonical JSON text unchanged.
///
/// # Errors
/// As `evaluateSession`.
#[wasm_bindgen(js_name = evaluateSessionJson)]
pub fn evaluate_session_json(
    #[wasm_bindgen(unchecked_param_type = "(string | SessionRecordInput)[]")] records: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| run_session(records, options, |r, lang| Ok(r.to_json_string(lang))))
}
