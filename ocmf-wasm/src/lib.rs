//! WebAssembly bindings for `ocmf-core` (the npm package `ocmf`).
//!
//! Thin newtypes over the core with one error converter, [`to_js_error`]:
//! every error thrown to JavaScript is an `OcmfError` (a JS `Error` subclass)
//! carrying the core's stable numeric `code`, `codeName`, `field` and `span`.
//!
//! `verify` never throws for a bad *record*: the verdict says what is wrong.
//! It throws only for bad *arguments* (wrong types, unknown profile or
//! language, a freed key).
//!
//! Not here yet because the core lacks them: key registries and charging
//! sessions (`KeyRegistry`, `evaluateSession`).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use js_sys::{JSON, JsString, Reflect, Uint8Array};
use ocmf_core::{
    Algorithm, Curve, Error, ErrorCode, FindingCode, Lang, Limits, Options, Profile, PublicKey,
    Report, Verdict,
};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export class OcmfError extends Error {
  constructor(message, code, codeName, field, span) {
    super(message);
    this.name = 'OcmfError';
    this.code = code;
    this.codeName = codeName;
    this.field = field;
    this.span = span;
  }
}
export function makeOcmfError(message, code, codeName, field, start, end) {
  return new OcmfError(message, code, codeName, field ?? null, start < 0 ? null : [start, end]);
}
export function isOcmfError(value) {
  return value instanceof OcmfError;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeOcmfError)]
    fn make_ocmf_error(
        message: &str,
        code: u32,
        code_name: &str,
        field: Option<String>,
        start: f64,
        end: f64,
    ) -> JsValue;

    #[wasm_bindgen(js_name = isOcmfError)]
    fn is_ocmf_error_js(value: &JsValue) -> bool;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
export type Profile = "strict" | "interop" | "reference";
export type Lang = "en" | "de";
export type Verdict = "valid" | "invalid-signature" | "malformed" | "unsupported";
/** Options of `verify` / `verifyJson`. */
export interface VerifyOptions {
  /** Public key text (hex, base64, PEM, SPKI, SEC1, ...) or a reusable `Key`. */
  key?: string | Key | null;
  /** Checking profile (default `interop`). */
  profile?: Profile | null;
  /** Language of messages (default `en`). */
  lang?: Lang | null;
}
export interface Finding {
  code: number;
  name: string;
  severity: "info" | "warning" | "error";
  field: string | null;
  reading: number | null;
  span: [number, number] | null;
  message: string;
}
export interface Reading {
  time: string | null;
  timeStatus: string | null;
  unixMs: number | null;
  reason: string | null;
  /** The meter value as exact decimal text, e.g. "0.2597". */
  value: string | null;
  obis: string | null;
  unit: string | null;
  currentType: string | null;
  cumulatedLoss: string | null;
  errorFlags: string | null;
  status: string | null;
}
export interface Payload {
  formatVersion: string | null;
  gatewayId: string | null;
  gatewaySerial: string | null;
  gatewayVersion: string | null;
  pagination: string | null;
  meterVendor: string | null;
  meterModel: string | null;
  meterSerial: string | null;
  meterFirmware: string | null;
  userAssigned: boolean | string | null;
  identificationLevel: string | null;
  identificationFlags: string[] | null;
  identificationType: string | null;
  identificationData: string | null;
  tariffText: string | null;
  chargePointType: string | null;
  chargePointId: string | null;
  readings: Reading[];
}
export interface VerifyReport {
  verdict: Verdict;
  /** 0 when valid, else the core's stable error code. */
  code: number;
  codeName: string;
  message: string;
  field: string | null;
  span: [number, number] | null;
  profile: Profile;
  algorithm: string | null;
  signatureValid: boolean | null;
  keySource: "caller" | "record" | null;
  findings: Finding[];
  record: Payload | null;
}
export interface Signed {
  /** The complete OCMF record. */
  record: string;
  /** The uncompressed SEC1 public key, uppercase hex. */
  publicKey: string;
}
/** What every function of this package throws (`isOcmfError(e)` tells it apart). */
export interface OcmfError extends Error {
  name: "OcmfError";
  code: number;
  codeName: string;
  field: string | null;
  span: [number, number] | null;
}
"#;

/// The one converter from a core error to the thrown JS value: an `OcmfError`
/// with `code`, `codeName`, `field` and `span` (English message).
#[must_use]
pub fn to_js_error(e: &Error) -> JsValue {
    let (start, end) = e.span.map_or((-1.0, -1.0), |s| {
        (usize_to_f64(s.start), usize_to_f64(s.end))
    });
    make_ocmf_error(
        &e.message(Lang::En),
        e.code.code(),
        e.code.name(),
        e.field.map(str::to_owned),
        start,
        end,
    )
}

#[allow(clippy::cast_precision_loss, reason = "offsets are far below 2^53")]
fn usize_to_f64(n: usize) -> f64 {
    n as f64
}

fn arg_error(field: &'static str) -> JsValue {
    to_js_error(&Error::new(ErrorCode::InvalidArgument).field(field))
}

fn usage_error(field: &'static str) -> JsValue {
    to_js_error(&Error::new(ErrorCode::Usage).field(field))
}

/// Whether `value` is an `OcmfError` thrown by this package.
#[wasm_bindgen(js_name = isOcmfError, unchecked_return_type = "value is OcmfError")]
#[must_use]
pub fn is_ocmf_error(value: &JsValue) -> bool {
    is_ocmf_error_js(value)
}

/// The package version (same as the Rust workspace).
#[wasm_bindgen]
#[must_use]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

// ---------------------------------------------------------------- keys

thread_local! {
    static KEYS: RefCell<HashMap<u32, PublicKey>> = RefCell::new(HashMap::new());
    static NEXT_KEY: Cell<u32> = const { Cell::new(1) };
}

/// A public key decoded once and reusable for many `verify` calls
/// (`verify(record, { key })`). Call `free()` to release it early.
#[wasm_bindgen]
pub struct Key {
    id: u32,
    sec1_hex: String,
    curves: Vec<String>,
    declared_curve: Option<String>,
}

#[wasm_bindgen]
impl Key {
    /// Decodes a key: hex (any case, spaces), base64, PEM, `oca:`, SPKI, SEC1 or bare XY.
    ///
    /// # Errors
    /// Throws `OcmfError` with the key code (5xx) or 702 for a non-string.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &JsValue) -> Result<Key, JsValue> {
        let text = text.as_string().ok_or_else(|| arg_error("key"))?;
        let key = PublicKey::parse(&text).map_err(|e| to_js_error(&e))?;
        let id = NEXT_KEY.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1).max(1));
            id
        });
        let out = Key {
            id,
            sec1_hex: key.sec1_hex(),
            curves: key.curves().map(|c| c.name().to_owned()).collect(),
            declared_curve: key.declared_curve.map(|c| c.name().to_owned()),
        };
        KEYS.with(|k| k.borrow_mut().insert(id, key));
        Ok(out)
    }

    /// The SEC1 point as uppercase hex (a stable fingerprint).
    #[wasm_bindgen(getter, js_name = sec1Hex)]
    #[must_use]
    pub fn sec1_hex(&self) -> String {
        self.sec1_hex.clone()
    }

    /// The curves this key is a valid point on.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn curves(&self) -> Vec<String> {
        self.curves.clone()
    }

    /// The curve the key names itself (SPKI keys only), else `undefined`.
    #[wasm_bindgen(getter, js_name = declaredCurve)]
    #[must_use]
    pub fn declared_curve(&self) -> Option<String> {
        self.declared_curve.clone()
    }

    /// Opaque handle `verify` uses to find the decoded key.
    #[wasm_bindgen(getter, js_name = keyId)]
    #[must_use]
    pub fn key_id(&self) -> u32 {
        self.id
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        KEYS.with(|k| k.borrow_mut().remove(&self.id));
    }
}

// ---------------------------------------------------------------- inputs

enum KeyArg {
    None,
    Text(String),
    Handle(u32),
}

struct VerifyArgs {
    key: KeyArg,
    options: Options,
    lang: Lang,
}

fn get(obj: &JsValue, name: &str, field: &'static str) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(name)).map_err(|_| arg_error(field))?;
    Ok(if v.is_undefined() || v.is_null() {
        None
    } else {
        Some(v)
    })
}

fn read_lang(v: Option<JsValue>) -> Result<Lang, JsValue> {
    match v {
        None => Ok(Lang::En),
        Some(v) => {
            let s = v.as_string().ok_or_else(|| arg_error("lang"))?;
            Lang::parse(&s).ok_or_else(|| usage_error("lang"))
        }
    }
}

fn read_options(options: &JsValue) -> Result<VerifyArgs, JsValue> {
    let mut args = VerifyArgs {
        key: KeyArg::None,
        options: Options::default(),
        lang: Lang::En,
    };
    if options.is_undefined() || options.is_null() {
        return Ok(args);
    }
    if !options.is_object() {
        return Err(arg_error("options"));
    }
    if let Some(p) = get(options, "profile", "profile")? {
        let s = p.as_string().ok_or_else(|| arg_error("profile"))?;
        args.options.profile = Profile::parse(&s).ok_or_else(|| usage_error("profile"))?;
    }
    args.lang = read_lang(get(options, "lang", "lang")?)?;
    if let Some(k) = get(options, "key", "key")? {
        args.key = if let Some(s) = k.as_string() {
            KeyArg::Text(s)
        } else if k.is_object() {
            let id = get(&k, "keyId", "key")?
                .and_then(|v| v.as_f64())
                .ok_or_else(|| arg_error("key"))?;
            let id = KEYS
                .with(|m| m.borrow().keys().copied().find(|i| f64::from(*i) == id))
                .ok_or_else(|| arg_error("key"))?;
            KeyArg::Handle(id)
        } else {
            return Err(arg_error("key"));
        };
    }
    Ok(args)
}

/// Reads a record argument (string or `Uint8Array`). The outer error is a
/// bad argument (thrown); the inner one a bad record (a verdict).
fn read_record(v: &JsValue, limits: &Limits) -> Result<Result<String, Error>, JsValue> {
    let too_large = || Error::new(ErrorCode::TooLarge).at_offset(limits.max_record_bytes);
    if v.is_string() {
        // UTF-8 is never shorter than UTF-16 code units: refuse huge strings
        // before copying them into wasm memory.
        let len = v.unchecked_ref::<JsString>().length();
        if usize::try_from(len).map_or(true, |n| n > limits.max_record_bytes) {
            return Ok(Err(too_large()));
        }
        return v.as_string().ok_or_else(|| arg_error("record")).map(Ok);
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        if usize::try_from(bytes.length()).map_or(true, |n| n > limits.max_record_bytes) {
            return Ok(Err(too_large()));
        }
        let bytes = bytes.to_vec();
        return Ok(ocmf_core::str_from_bytes(&bytes, limits).map(str::to_owned));
    }
    Err(arg_error("record"))
}

// ---------------------------------------------------------------- verify

fn report_json(record: &JsValue, options: &JsValue) -> Result<(Value, Lang), JsValue> {
    let args = read_options(options)?;
    let opts = args.options;
    let text = match read_record(record, &opts.limits)? {
        Ok(t) => t,
        Err(e) => {
            let report = Report {
                verdict: e.verdict(),
                error: Some(e),
                findings: Vec::new(),
                record: None,
                algorithm: None,
                signature_valid: None,
                key_source: None,
                profile: opts.profile,
            };
            return Ok((report.to_json(args.lang), args.lang));
        }
    };
    let json = match &args.key {
        KeyArg::None => ocmf_core::check(&text, None, &opts).to_json(args.lang),
        KeyArg::Text(k) => ocmf_core::check_with_key_text(&text, Some(k), &opts).to_json(args.lang),
        KeyArg::Handle(id) => KEYS
            .with(|m| {
                m.borrow()
                    .get(id)
                    .map(|key| ocmf_core::check(&text, Some(key), &opts).to_json(args.lang))
            })
            .ok_or_else(|| arg_error("key"))?,
    };
    Ok((json, args.lang))
}

fn camel_key(k: &str) -> String {
    let mut out = String::with_capacity(k.len());
    let mut up = false;
    for c in k.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn camel(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (camel_key(&k), camel(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(camel).collect()),
        other => other,
    }
}

fn to_js_object(v: Value) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(&camel(v))
        .map_err(|_| to_js_error(&Error::new(ErrorCode::Internal)))?;
    JSON::parse(&text).map_err(|_| to_js_error(&Error::new(ErrorCode::Internal)))
}

/// Checks one record and returns the report as a plain object (camelCase keys;
/// reading values as exact decimal text). Never throws for a bad record.
///
/// # Errors
/// Throws `OcmfError` only for bad arguments: 702 for a wrong type, 701 for an
/// unknown profile or language, 702 for a freed `Key`.
#[wasm_bindgen(unchecked_return_type = "VerifyReport")]
pub fn verify(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] record: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let (json, _) = report_json(record, &options.unwrap_or(JsValue::UNDEFINED))?;
    to_js_object(json)
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
    let (json, _) = report_json(record, &options.unwrap_or(JsValue::UNDEFINED))?;
    serde_json::to_string(&json).map_err(|_| to_js_error(&Error::new(ErrorCode::Internal)))
}

/// Parses a record without verifying it and returns the payload object.
///
/// # Errors
/// Throws `OcmfError` with the parse code (1xx/2xx/3xx) or 702 for a wrong type.
#[wasm_bindgen(unchecked_return_type = "Payload")]
pub fn inspect(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] record: &JsValue,
) -> Result<JsValue, JsValue> {
    let opts = Options::default();
    let text = read_record(record, &opts.limits)?.map_err(|e| to_js_error(&e))?;
    let rec = ocmf_core::parse_with(&text, &opts).map_err(|e| to_js_error(&e))?;
    to_js_object(ocmf_core::payload_json(&rec.payload))
}

fn read_algorithm(v: &JsValue) -> Result<Algorithm, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(Algorithm::DEFAULT);
    }
    let s = v.as_string().ok_or_else(|| arg_error("algorithm"))?;
    if let Some(c) = Curve::from_name(&s) {
        return Ok(Algorithm::ecdsa_sha256(c));
    }
    ocmf_core::parse_algorithm(&s)
        .map(|(a, _)| a)
        .map_err(|_| arg_error("algorithm"))
}

/// Signs a payload (a JSON object text, signed byte for byte) with a secret
/// scalar in hex. `algorithm` is an `SA` value (`ECDSA-secp256r1-SHA256`) or a
/// curve name (`P-256`, `brainpoolP384r1`, ...); default secp256r1.
///
/// # Errors
/// Throws `OcmfError`: 705 for a bad secret, 702 for a wrong type or unknown
/// algorithm, or the parse code when the payload cannot form a record.
#[wasm_bindgen(unchecked_return_type = "Signed")]
pub fn sign(
    #[wasm_bindgen(unchecked_param_type = "string")] payload: &JsValue,
    #[wasm_bindgen(js_name = secretHex, unchecked_param_type = "string")] secret_hex: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | void")] algorithm: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let payload = payload.as_string().ok_or_else(|| arg_error("payload"))?;
    let secret = secret_hex
        .as_string()
        .ok_or_else(|| arg_error("secretHex"))?;
    let alg = read_algorithm(&algorithm.unwrap_or(JsValue::UNDEFINED))?;
    let signed = ocmf_core::sign_hex(&payload, &secret, alg).map_err(|e| to_js_error(&e))?;
    to_js_object(serde_json::json!({
        "record": signed.record,
        "public_key": signed.public_key_sec1_hex,
    }))
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
    let lang = read_lang(lang.filter(|l| !l.is_undefined() && !l.is_null()))?;
    let n = code.as_f64().ok_or_else(|| arg_error("code"))?;
    let found = ErrorCode::ALL
        .iter()
        .find(|c| f64::from(c.code()) == n)
        .map(|c| c.message(lang))
        .or_else(|| {
            FindingCode::ALL
                .iter()
                .find(|c| f64::from(c.code()) == n)
                .map(|c| c.message(lang))
        });
    found.map(str::to_owned).ok_or_else(|| arg_error("code"))
}

/// The verdict words, for UIs: `valid`, `invalid-signature`, `malformed`, `unsupported`.
#[wasm_bindgen]
#[must_use]
pub fn verdicts() -> Vec<String> {
    [
        Verdict::Valid,
        Verdict::InvalidSignature,
        Verdict::Malformed,
        Verdict::Unsupported,
    ]
    .iter()
    .map(|v| v.as_str().to_owned())
    .collect()
}
