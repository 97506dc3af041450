//! `verifyMany`: many records in one call through the core's batch
//! ([`Checker::verify_all`](ocmf_core::Checker::verify_all)), answered as
//! parallel arrays.

use std::collections::HashMap;

use js_sys::{Array, Uint16Array};
use ocmf_core::{Item, Lang, Limits, Report};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::args::{CheckArgs, KeyArg, RecordArg, flag, get, read_key, set, to_js_object};
use crate::boundary::{arg_error, run, usize_to_f64};

/// One item as read from JS; `None` as key: the call's `key` option.
type OwnedItem = (RecordArg, Option<KeyArg>);

/// Reads `(string | Uint8Array | {record, key?})[]`.
fn read_items(v: &JsValue, limits: &Limits) -> Result<Vec<OwnedItem>, JsValue> {
    if !Array::is_array(v) {
        return Err(arg_error("records"));
    }
    let arr: &Array = v.unchecked_ref();
    let mut out = Vec::with_capacity(usize::try_from(arr.length()).unwrap_or(0));
    for item in arr.iter() {
        if item.is_string() || item.is_instance_of::<js_sys::Uint8Array>() {
            out.push((RecordArg::read(&item, limits, "records")?, None));
            continue;
        }
        if !item.is_object() {
            return Err(arg_error("records"));
        }
        let record = get(&item, "record", "records")?.ok_or_else(|| arg_error("records"))?;
        let record = RecordArg::read(&record, limits, "records")?;
        let key = get(&item, "key", "records")?
            .map(|k| read_key(&k, "records"))
            .transpose()?;
        out.push((record, key));
    }
    Ok(out)
}

/// A JS array of `n` values from a small set of distinct ones (verdict,
/// algorithm and trust names, key fingerprints), so each distinct string
/// crosses into JS once.
#[derive(Default)]
struct Interned<'a> {
    seen: HashMap<&'a str, JsValue>,
}

impl<'a> Interned<'a> {
    fn get(&mut self, s: &'a str) -> JsValue {
        self.seen
            .entry(s)
            .or_insert_with(|| JsValue::from_str(s))
            .clone()
    }

    fn get_or_null(&mut self, s: Option<&'a str>) -> JsValue {
        s.map_or(JsValue::NULL, |s| self.get(s))
    }
}

/// The columns every result has; with a registry also `trust` and
/// `keyFingerprint`.
fn columns(out: &js_sys::Object, reports: &[Report<'_>], trusted: bool) -> Result<(), JsValue> {
    let mut names = Interned::default();
    let verdicts = Array::new();
    let signature_valid = Array::new();
    let algorithms = Array::new();
    let mut codes: Vec<u16> = Vec::with_capacity(reports.len());
    let mut valid = 0usize;
    for r in reports {
        verdicts.push(&names.get(r.verdict.as_str()));
        codes.push(u16::try_from(r.code().code()).unwrap_or(u16::MAX));
        signature_valid.push(&r.signature_valid.map_or(JsValue::NULL, JsValue::from_bool));
        algorithms.push(&names.get_or_null(r.algorithm.map(|a| a.sa())));
        valid += usize::from(r.is_valid());
    }
    set(
        out,
        "length",
        &JsValue::from_f64(usize_to_f64(reports.len())),
    )?;
    set(out, "validCount", &JsValue::from_f64(usize_to_f64(valid)))?;
    set(out, "verdicts", &verdicts)?;
    set(out, "codes", &Uint16Array::from(codes.as_slice()))?;
    set(out, "signatureValid", &signature_valid)?;
    set(out, "algorithms", &algorithms)?;
    if trusted {
        let trust = Array::new();
        let fingerprints = Array::new();
        for r in reports {
            trust.push(&names.get(r.trust_status().as_str()));
            fingerprints.push(&names.get_or_null(r.key_fingerprint()));
        }
        set(out, "trust", &trust)?;
        set(out, "keyFingerprint", &fingerprints)?;
    }
    Ok(())
}

/// The per-record outputs asked for: `json` texts and `reports` objects.
fn full_answers(
    out: &js_sys::Object,
    reports: &[Report<'_>],
    lang: Lang,
    (want_reports, want_json): (bool, bool),
) -> Result<(), JsValue> {
    if want_json {
        let texts = Array::new();
        for r in reports {
            texts.push(&JsValue::from_str(&r.to_json_string(lang)));
        }
        set(out, "json", &texts)?;
    }
    if want_reports {
        // One JSON.parse for the whole array, not one per record.
        let values = reports.iter().map(|r| r.to_json(lang)).collect();
        set(out, "reports", &to_js_object(Value::Array(values))?)?;
    }
    Ok(())
}

/// Checks many records in one call with the core's batch
/// (`Checker::verify_all`): each distinct key text or key bytes is decoded
/// once, and a key that signs 32 or more of the records gets its wide
/// precomputed tables first (about a fifth faster per record after that).
/// Every answer equals what `verify` gives for that record alone with the
/// same `key` and `registry`.
///
/// `records` holds strings, `Uint8Array`s, or `{ record, key? }` objects for
/// per-record keys; a record without its own key uses `options.key`, else
/// the key it carries. The result is compact: parallel arrays `verdicts`,
/// `codes` (`Uint16Array`), `signatureValid`, `algorithms`, plus `length`
/// and `validCount`; with a `registry` also `trust` (the trust status) and
/// `keyFingerprint` (the key each record was verified with: the registered
/// one wins over the record's key). `reports: true` adds `reports` (one
/// `VerifyReport` per record) and `json: true` adds `json` (one canonical
/// JSON text per record, as `verifyJson`). Never throws for a bad record
/// or key.
///
/// # Errors
/// Throws `OcmfError` only for bad arguments: 702 when `records` is not an
/// array of those, for a freed `Key` or `KeyRegistry`, a `registry` that is
/// not a `KeyRegistry`, a non-boolean `reports`/`json`; 701 for an unknown
/// profile or language.
#[wasm_bindgen(js_name = verifyMany, unchecked_return_type = "VerifyManyResult")]
pub fn verify_many(
    #[wasm_bindgen(unchecked_param_type = "VerifyManyInput[]")] records: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyManyOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run(|| {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let args = CheckArgs::read(&options)?;
        let wanted = (flag(&options, "reports")?, flag(&options, "json")?);
        let limits = args.options.limits;
        let owned = read_items(records, &limits)?;
        let stand_in = RecordArg::stand_in(owned.iter().map(|(r, _)| r), &limits);
        let items: Vec<Item<'_>> = owned
            .iter()
            .map(|(record, key)| {
                let key = key.as_ref().unwrap_or(&args.key);
                Item::new(record.as_bytes(&stand_in)).key(key.input())
            })
            .collect();
        let reports = args.checker().verify_all(&items);
        let out = js_sys::Object::new();
        columns(&out, &reports, args.registry.is_some())?;
        full_answers(&out, &reports, args.lang, wanted)?;
        Ok(out.into())
    })
}
