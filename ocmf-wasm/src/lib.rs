//! WebAssembly bindings for `ocmf-core` (the npm package `ocmf`).
//!
//! Thin newtypes over the core with one error converter, [`to_js_error`]:
//! every error thrown to JavaScript is an `OcmfError` (a JS `Error` subclass)
//! carrying the core's stable numeric `code`, `codeName`, `field` and `span`
//! (and `line`/`column` for registry files).
//!
//! `verify` never throws for a bad *record*: the verdict says what is wrong.
//! It throws only for bad *arguments* (wrong types, unknown profile or
//! language, a freed key or registry). Likewise `evaluateSession` and
//! `extract` report bad records and unreadable input inside their result.
//!
//! Every report is the core's canonical JSON: `verifyJson`,
//! `evaluateSessionJson`, `Extraction.json`/`sessionsJson` return it
//! unchanged; the typed objects are the same JSON with camelCase keys.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, JSON, JsString, Reflect, Uint8Array, Uint16Array};
use ocmf_core::registry::{Registry, RegistryError, TrustedReport, check_trusted};
use ocmf_core::session::{SessionContext, SessionRecord, evaluate};
use ocmf_core::transport::{
    self, InputFormat, MAX_INPUT_BYTES, SignedValue, Transport, TransportError,
};
use ocmf_core::{
    Algorithm, Curve, Error, ErrorCode, FindingCode, Lang, Limits, Options, Profile, PublicKey,
    Report, Verdict,
};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export class OcmfError extends Error {
  constructor(message, code, codeName, field, span, line, column) {
    super(message);
    this.name = 'OcmfError';
    this.code = code;
    this.codeName = codeName;
    this.field = field;
    this.span = span;
    this.line = line;
    this.column = column;
  }
}
export function makeOcmfError(message, code, codeName, field, start, end, line, column) {
  return new OcmfError(message, code, codeName, field ?? null, start < 0 ? null : [start, end],
    line > 0 ? line : null, column > 0 ? column : null);
}
export function isOcmfError(value) {
  return value instanceof OcmfError;
}
export function withJson(obj, json) {
  Object.defineProperty(obj, 'json', { value: json, enumerable: false });
  Object.defineProperty(obj, 'toJSON', { value: function toJSON() { return JSON.parse(json); }, enumerable: false });
  return obj;
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
        line: f64,
        column: f64,
    ) -> JsValue;

    /// Adds the non-enumerable `json` (canonical text) and `toJSON()` to `obj`.
    #[wasm_bindgen(js_name = withJson)]
    fn with_json(obj: JsValue, json: &str) -> JsValue;

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
  /**
   * Trusted keys: the key registered for the record's meter is used, and
   * the report gains `trust`, `keyFingerprint`, ... (`TrustedVerifyReport`).
   */
  registry?: KeyRegistry | null;
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
  /** Present when a `registry` was given (see `TrustedVerifyReport`). */
  trust?: TrustInfo;
  keyFingerprint?: string | null;
  carriedKeyFingerprint?: string | null;
  carriedKeyError?: string | null;
  recordTimeMs?: number | null;
}
/** One record of `verifyMany`: the record, or the record with its own key. */
export type VerifyManyInput = string | Uint8Array | {
  record: string | Uint8Array;
  /** This record's key; absent or null: the call's `key`, else the key the record carries. */
  key?: string | Key | null;
};
/** Options of `verifyMany`. */
export interface VerifyManyOptions {
  /** The key of every record without its own (text or a reusable `Key`). */
  key?: string | Key | null;
  /** Checking profile (default `interop`). */
  profile?: Profile | null;
  /** Language of messages in `reports` / `json` (default `en`). */
  lang?: Lang | null;
  /** Also return `reports`: one full `VerifyReport` per record. */
  reports?: boolean | null;
  /** Also return `json`: one canonical JSON text per record (as `verifyJson`). */
  json?: boolean | null;
  /**
   * Trusted keys: every record is checked as `verify(record, { key, registry })`
   * checks it (the key registered for its meter wins; the record's own key is
   * compared with it), and the result gains `trust` and `keyFingerprint`
   * (`TrustedVerifyManyResult`).
   */
  registry?: KeyRegistry | null;
}
/** What `verifyMany` returns: parallel arrays, index i = input record i. */
export interface VerifyManyResult {
  /** The number of records (the input's length). */
  length: number;
  /** How many records are valid. */
  validCount: number;
  verdicts: Verdict[];
  /** 0 when valid, else the core's stable error code (as `VerifyReport.code`). */
  codes: Uint16Array;
  /** Whether the signature itself verified (null: not checked). */
  signatureValid: (boolean | null)[];
  /** The `SA` name, e.g. "ECDSA-secp256r1-SHA256", or null when unknown. */
  algorithms: (string | null)[];
  /** Present when a `registry` was given (see `TrustedVerifyManyResult`). */
  trust?: TrustStatus[];
  keyFingerprint?: (string | null)[];
  /** With `reports: true`: the full reports (as `verify` gives them). */
  reports?: VerifyReport[];
  /** With `json: true`: the canonical JSON texts (as `verifyJson` gives them). */
  json?: string[];
}
/** `verifyMany(records, { registry })`: the arrays plus each record's key decision. */
export interface TrustedVerifyManyResult extends VerifyManyResult {
  /** As `TrustedVerifyReport.trust.status`. */
  trust: TrustStatus[];
  /** Fingerprint of the key the record was verified with (null: no key), as `TrustedVerifyReport.keyFingerprint`. */
  keyFingerprint: (string | null)[];
  /** With `reports: true`: the full reports (as `verify(record, { key, registry })` gives them). */
  reports?: TrustedVerifyReport[];
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
  /** 1-based line in a registry file (code 802), else null. */
  line: number | null;
  /** 1-based column (in characters) in a registry file (code 802), else null. */
  column: number | null;
}

export type TrustStatus = "trusted" | "untrusted" | "mismatch" | "expired" | "unknown";
/** How far the key a record was verified with can be trusted. */
export interface TrustInfo {
  status: TrustStatus;
  /** 0 trusted, 803 untrusted/expired, 804 mismatch, 500 unknown. */
  code: number;
  codeName: string;
  /** The registry entry's source label (trusted, expired). */
  source: string | null;
  /** Index into `KeyRegistry.entries` of the key used (trusted, expired, mismatch). */
  keyIndex: number | null;
  /** A sentence for a driver, in the requested language. */
  message: string;
}
/** `verify(record, { registry })`: the report plus the key decision. */
export interface TrustedVerifyReport extends VerifyReport {
  trust: TrustInfo;
  /** Fingerprint of the key the record was verified with. */
  keyFingerprint: string | null;
  /** Fingerprint of the key given with the record, when readable. */
  carriedKeyFingerprint: string | null;
  /** Why the given key could not be read (the registered key was used). */
  carriedKeyError: string | null;
  /** The record time the validity windows were checked against (ms since 1970). */
  recordTimeMs: number | null;
}
/** One registered key. */
export interface RegistryEntry {
  meterSerial: string | null;
  gatewaySerial: string | null;
  /** First 16 hex digits of SHA-256 over the compressed point. */
  fingerprint: string;
  /** Uncompressed SEC1 point, uppercase hex. */
  publicKey: string;
  /** Start of the validity window (ms since 1970, inclusive), or null. */
  validFrom: number | null;
  /** End of the validity window (ms since 1970, inclusive), or null. */
  validUntil: number | null;
  source: string;
  /** 1-based line in the file. */
  line: number;
}

export type SessionVerdict = "valid" | "incomplete" | "invalid" | "malformed";
/** Options of `evaluateSession`, `Extraction.sessions`. */
export interface SessionOptions {
  /** A key used for every record (compared with the registry like a carried key). */
  key?: string | Key | null;
  /** Trusted keys. */
  registry?: KeyRegistry | null;
  profile?: Profile | null;
  /** Language of `message`, `explanation` and the record reports (findings carry both). */
  lang?: Lang | null;
}
/** One record of a session as received. */
export interface SessionRecordInput {
  record: string;
  /** The key text carried with it (e.g. the OCPP message's `publicKey`). */
  key?: string | Key | null;
  /** Echoed in the report (file name, message id). */
  label?: string | null;
}
export interface SessionFinding {
  code: number;
  name: string;
  severity: "info" | "warning" | "error";
  /** Input index of the record concerned. */
  record: number | null;
  reading: number | null;
  field: string | null;
  /** Byte range in that record's text. */
  span: [number, number] | null;
  detail: string | null;
  message: { en: string; de: string };
}
/** Billable energy: exact decimal text, never a float. */
export interface Energy {
  register: string | null;
  unit: "kWh" | "Wh";
  value: string;
  kwh: string;
  wh: string;
  begin: string;
  end: string;
  cableLoss: string | null;
}
export interface RegisterSummary {
  register: string | null;
  compensated: boolean;
  unit: "kWh" | "Wh" | null;
  begin: string | null;
  end: string | null;
  energyWh: string | null;
  beginRecord: number | null;
  endRecord: number | null;
  endReason: string | null;
}
export interface SessionTime {
  /** `TM` as written. */
  time: string;
  unixMs: number;
  timeStatus: string;
  record: number;
}
export interface SessionRecordOutcome {
  index: number;
  label: string | null;
  pagination: string | null;
  duplicateOf: number | null;
  report: TrustedVerifyReport;
}
/** The verdict on a charging session (the core's canonical JSON, camelCase keys). */
export interface SessionReport {
  verdict: SessionVerdict;
  code: number;
  codeName: string;
  message: string;
  /** A sentence for a driver, in the requested language. */
  explanation: string;
  profile: Profile;
  meterSerial: string | null;
  gatewaySerial: string | null;
  identificationLevel: string | null;
  energy: Energy | null;
  registers: RegisterSummary[];
  start: SessionTime | null;
  end: SessionTime | null;
  durationMs: number | null;
  /** Exact decimal text, e.g. "4350.000". */
  durationSeconds: string | null;
  timeStatus: string | null;
  /** The weakest trust of all records. */
  trust: TrustStatus | null;
  findings: SessionFinding[];
  records: SessionRecordOutcome[];
  /** The canonical JSON text (byte-identical in every binding). */
  readonly json: string;
  /** The canonical JSON object (snake_case keys), for `JSON.stringify`. */
  toJSON(): unknown;
}
export type InputFormat = "empty" | "ocmf-text" | "hex-text" | "ocpp-message" | "ocpp-log" | "tps-xml" | "ptb-json" | "unknown";
export type TransportName = "plain" | "hex" | "ocpp16-plain" | "ocpp16-hex" | "ocpp16-base64" | "ocpp16-envelope"
  | "ocpp16-energised" | "ocpp20-base64" | "ocpp20-raw" | "ocpp20-hex" | "tps-xml" | "ptb-container";
/** One signed value found by `extract`. */
export interface SignedValue {
  /** The OCMF record, byte-exact as signed. */
  record: string;
  publicKey: string | null;
  transport: TransportName;
  station: string | null;
  transactionId: string | null;
  transactionInferred: boolean;
  evse: number | null;
  connector: number | null;
  context: string | null;
  timestamp: string | null;
  origin: { line: number | null; messageId: string | null; action: string | null };
}
/** What `toXml` accepts per value: a record, or a value (as `extract` gives). */
export type SignedValueInput = string | {
  record: string;
  publicKey?: string | null;
  transport?: TransportName | null;
  station?: string | null;
  transactionId?: string | null;
  transactionInferred?: boolean | null;
  evse?: number | null;
  connector?: number | null;
  context?: string | null;
  timestamp?: string | null;
};
/** Something in the input that could not be read (805 transport, 806 XML, too large, not UTF-8). */
export interface TransportError {
  code: number;
  name: string;
  line: number | null;
  message: string;
}
export interface Group {
  station: string | null;
  transactionId: string | null;
  evse: number | null;
  /** Indices into `values`, in session order. */
  values: number[];
}
/** One group of an extraction with its session verdict. */
export interface GroupSession extends Group {
  report: SessionReport;
  /** The canonical JSON of this group and report. */
  readonly json: string;
  toJSON(): unknown;
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
        -1.0,
        -1.0,
    )
}

/// A registry file error as an `OcmfError` (code 802) with `line`, `column`,
/// `field`, `span` and the core's message in `lang`.
fn registry_error(e: &RegistryError, lang: Lang) -> JsValue {
    make_ocmf_error(
        &e.message(lang),
        e.code().code(),
        e.code().name(),
        e.field.map(str::to_owned),
        usize_to_f64(e.span.start),
        usize_to_f64(e.span.end),
        usize_to_f64(e.line),
        usize_to_f64(e.column),
    )
}

fn internal_error() -> JsValue {
    to_js_error(&Error::new(ErrorCode::Internal))
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

/// A decoded key and the text it came from (the registry check compares
/// the text the caller gave with the registered keys).
struct KeyData {
    key: PublicKey,
    text: String,
}

thread_local! {
    static KEYS: RefCell<HashMap<u32, Rc<KeyData>>> = RefCell::new(HashMap::new());
    static REGISTRIES: RefCell<HashMap<u32, Rc<Registry>>> = RefCell::new(HashMap::new());
    static NEXT_HANDLE: Cell<u32> = const { Cell::new(1) };
}

/// A fresh handle id (shared by keys and registries, never 0).
fn next_handle() -> u32 {
    NEXT_HANDLE.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

/// A public key decoded once and reusable for many `verify` calls
/// (`verify(record, { key })`). Call `free()` to release it early.
#[wasm_bindgen]
pub struct Key {
    id: u32,
    sec1_hex: String,
    curves: Vec<String>,
    declared_curve: Option<String>,
    fingerprint: String,
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
        let id = next_handle();
        let out = Key {
            id,
            sec1_hex: key.sec1_hex(),
            curves: key.curves().map(|c| c.name().to_owned()).collect(),
            declared_curve: key.declared_curve.map(|c| c.name().to_owned()),
            fingerprint: ocmf_core::registry::key_fingerprint(&key),
        };
        KEYS.with(|k| k.borrow_mut().insert(id, Rc::new(KeyData { key, text })));
        Ok(out)
    }

    /// The key's fingerprint: the first 16 hex digits of SHA-256 over the
    /// compressed point (what registry reports name keys by).
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
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

    /// Builds this key's wide verification tables now, for a key about to
    /// verify many records (`verify` calls with it, or `verifyMany`, which
    /// does this by itself for a key signing 32 or more of its records).
    /// Costs about ten verifications once and 32 KiB (48 KiB for P-384) of
    /// wasm memory; every later verification with this key is about a
    /// fifth faster. Verdicts never change. Calling it again does nothing.
    ///
    /// # Errors
    /// Throws `OcmfError` 702 when the key was freed.
    pub fn precompute(&self) -> Result<(), JsValue> {
        let data = KEYS
            .with(|m| m.borrow().get(&self.id).cloned())
            .ok_or_else(|| arg_error("key"))?;
        data.key.precompute();
        Ok(())
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        KEYS.with(|k| k.borrow_mut().remove(&self.id));
    }
}

// ---------------------------------------------------------------- key registry

/// Trusted keys: meter (and gateway) serial numbers mapped to public keys
/// with validity windows (JSON or CSV, see docs/registry-formats.md). Pass
/// it as `registry` to `verify`, `evaluateSession` or `Extraction.sessions`.
/// Call `free()` to release it early.
#[wasm_bindgen]
pub struct KeyRegistry {
    id: u32,
    len: usize,
}

fn lang_arg(lang: Option<JsValue>) -> Result<Lang, JsValue> {
    read_lang(lang.filter(|l| !l.is_undefined() && !l.is_null()))
}

impl KeyRegistry {
    fn from_result(r: Result<Registry, RegistryError>, lang: Lang) -> Result<Self, JsValue> {
        let reg = r.map_err(|e| registry_error(&e, lang))?;
        let id = next_handle();
        let len = reg.len();
        REGISTRIES.with(|m| m.borrow_mut().insert(id, Rc::new(reg)));
        Ok(Self { id, len })
    }

    fn read(
        text: &JsValue,
        lang: Option<JsValue>,
        parse: fn(&str) -> Result<Registry, RegistryError>,
    ) -> Result<Self, JsValue> {
        let lang = lang_arg(lang)?;
        let text = text.as_string().ok_or_else(|| arg_error("registry"))?;
        Self::from_result(parse(&text), lang)
    }
}

#[wasm_bindgen]
impl KeyRegistry {
    /// Reads a registry file, JSON or CSV (told apart by the first character).
    /// `lang` selects the language of the error message.
    ///
    /// # Errors
    /// Throws `OcmfError` 802 with `line`, `column`, `field` and `span` for a
    /// file that cannot be read; 702 for a non-string, 701 for an unknown language.
    pub fn load(
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        Self::read(text, lang, Registry::load)
    }

    /// Reads the JSON format (`{"format": "ocmf-key-registry", "keys": [...]}`).
    ///
    /// # Errors
    /// As `load`.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        Self::read(text, lang, Registry::from_json)
    }

    /// Reads the CSV format (header `meter_serial,public_key,...`).
    ///
    /// # Errors
    /// As `load`.
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        Self::read(text, lang, Registry::from_csv)
    }

    /// The number of registered keys.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn size(&self) -> usize {
        self.len
    }

    /// The registered keys, in file order (`keyIndex` in trust reports
    /// indexes this list).
    ///
    /// # Errors
    /// Throws `OcmfError` 702 when the registry was freed.
    #[wasm_bindgen(getter, unchecked_return_type = "RegistryEntry[]")]
    pub fn entries(&self) -> Result<JsValue, JsValue> {
        let reg = registry_handle(self.id)?;
        let list: Vec<Value> = reg
            .entries()
            .iter()
            .map(|e| {
                serde_json::json!({
                    "meter_serial": e.meter_serial,
                    "gateway_serial": e.gateway_serial,
                    "fingerprint": e.fingerprint(),
                    "public_key": e.key.sec1_hex(),
                    "valid_from": e.valid_from,
                    "valid_until": e.valid_until,
                    "source": e.source,
                    "line": e.line,
                })
            })
            .collect();
        to_js_object(Value::Array(list))
    }

    /// Opaque handle the checking functions use to find the registry.
    #[wasm_bindgen(getter, js_name = registryId)]
    #[must_use]
    pub fn registry_id(&self) -> u32 {
        self.id
    }
}

impl Drop for KeyRegistry {
    fn drop(&mut self) {
        REGISTRIES.with(|m| m.borrow_mut().remove(&self.id));
    }
}

fn registry_handle(id: u32) -> Result<Rc<Registry>, JsValue> {
    REGISTRIES
        .with(|m| m.borrow().get(&id).cloned())
        .ok_or_else(|| arg_error("registry"))
}

// ---------------------------------------------------------------- inputs

enum KeyArg {
    None,
    Text(String),
    Handle(Rc<KeyData>),
}

impl KeyArg {
    /// The key text, as given or as the `Key` was made from.
    fn text(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Text(t) => Some(t),
            Self::Handle(k) => Some(&k.text),
        }
    }
}

struct VerifyArgs {
    key: KeyArg,
    registry: Option<Rc<Registry>>,
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

/// A number that is exactly a `u32` (a handle id).
fn as_u32(v: &JsValue) -> Option<u32> {
    let n = v.as_f64()?;
    (n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n)).then(|| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "range checked above"
        )]
        let id = n as u32;
        id
    })
}

/// A key given as text or as a live `Key`.
fn read_key(k: &JsValue, field: &'static str) -> Result<KeyArg, JsValue> {
    if let Some(s) = k.as_string() {
        return Ok(KeyArg::Text(s));
    }
    if !k.is_object() {
        return Err(arg_error(field));
    }
    let id = get(k, "keyId", field)?
        .as_ref()
        .and_then(as_u32)
        .ok_or_else(|| arg_error(field))?;
    KEYS.with(|m| m.borrow().get(&id).cloned())
        .map(KeyArg::Handle)
        .ok_or_else(|| arg_error(field))
}

fn read_options(options: &JsValue) -> Result<VerifyArgs, JsValue> {
    let mut args = VerifyArgs {
        key: KeyArg::None,
        registry: None,
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
        args.key = read_key(&k, "key")?;
    }
    if let Some(r) = get(options, "registry", "registry")? {
        if !r.is_object() {
            return Err(arg_error("registry"));
        }
        let id = get(&r, "registryId", "registry")?
            .as_ref()
            .and_then(as_u32)
            .ok_or_else(|| arg_error("registry"))?;
        args.registry = Some(registry_handle(id)?);
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
    let lang = args.lang;
    let text = match read_record(record, &opts.limits)? {
        Ok(t) => t,
        Err(e) => {
            let json = match &args.registry {
                None => Report::from_error(e, opts.profile).to_json(lang),
                // What `check_trusted` gives for a record it cannot read.
                Some(_) => {
                    TrustedReport::from_error(e, args.key.text(), opts.profile).to_json(lang)
                }
            };
            return Ok((json, lang));
        }
    };
    let json = if let Some(reg) = &args.registry {
        check_trusted(&text, args.key.text(), reg, &opts).to_json(lang)
    } else {
        match &args.key {
            KeyArg::None => ocmf_core::check(&text, None, &opts).to_json(lang),
            KeyArg::Text(k) => ocmf_core::check_with_key_text(&text, Some(k), &opts).to_json(lang),
            KeyArg::Handle(k) => ocmf_core::check(&text, Some(&k.key), &opts).to_json(lang),
        }
    };
    Ok((json, lang))
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

// ---------------------------------------------------------------- verifyMany

/// The key of one `verifyMany` item as read from JS.
enum ItemKey {
    /// No key of its own: the call's `key` option (or the record's own key).
    Default,
    Text(String),
    Handle(Rc<KeyData>),
}

/// One `verifyMany` record as read from JS (owned: the batch borrows it).
enum ItemRecord {
    Text(String),
    Bytes(Vec<u8>),
    /// Longer than `max_record_bytes`: not copied into wasm memory.
    TooLarge,
}

/// Reads one record (`string | Uint8Array`), refusing over-long input
/// before copying it into wasm memory (as `verify` does).
fn read_batch_record(v: &JsValue, limits: &Limits) -> Result<ItemRecord, JsValue> {
    let too_large = |n: u32| usize::try_from(n).map_or(true, |n| n > limits.max_record_bytes);
    if v.is_string() {
        // UTF-8 is never shorter than UTF-16 code units.
        if too_large(v.unchecked_ref::<JsString>().length()) {
            return Ok(ItemRecord::TooLarge);
        }
        return v
            .as_string()
            .map(ItemRecord::Text)
            .ok_or_else(|| arg_error("records"));
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        if too_large(bytes.length()) {
            return Ok(ItemRecord::TooLarge);
        }
        return Ok(ItemRecord::Bytes(bytes.to_vec()));
    }
    Err(arg_error("records"))
}

/// Reads `(string | Uint8Array | {record, key?})[]`.
fn read_batch_items(v: &JsValue, limits: &Limits) -> Result<Vec<(ItemRecord, ItemKey)>, JsValue> {
    if !Array::is_array(v) {
        return Err(arg_error("records"));
    }
    let arr: &Array = v.unchecked_ref();
    let mut out = Vec::with_capacity(usize::try_from(arr.length()).unwrap_or(0));
    for item in arr.iter() {
        if item.is_string() || item.is_instance_of::<Uint8Array>() {
            out.push((read_batch_record(&item, limits)?, ItemKey::Default));
            continue;
        }
        if !item.is_object() {
            return Err(arg_error("records"));
        }
        let record = get(&item, "record", "records")?.ok_or_else(|| arg_error("records"))?;
        let record = read_batch_record(&record, limits)?;
        let key = match get(&item, "key", "records")? {
            None => ItemKey::Default,
            Some(k) => match read_key(&k, "records")? {
                KeyArg::None => ItemKey::Default,
                KeyArg::Text(t) => ItemKey::Text(t),
                KeyArg::Handle(h) => ItemKey::Handle(h),
            },
        };
        out.push((record, key));
    }
    Ok(out)
}

/// `verifyMany`'s options: those of `verify`, plus which per-record outputs
/// to add.
struct ManyArgs {
    args: VerifyArgs,
    reports: bool,
    json: bool,
}

fn read_many_options(options: &JsValue) -> Result<ManyArgs, JsValue> {
    let args = read_options(options)?;
    let flag = |name: &'static str| -> Result<bool, JsValue> {
        if options.is_undefined() || options.is_null() {
            return Ok(false);
        }
        get(options, name, name)?.map_or(Ok(false), |v| v.as_bool().ok_or_else(|| arg_error(name)))
    };
    Ok(ManyArgs {
        reports: flag("reports")?,
        json: flag("json")?,
        args,
    })
}

/// A JS array of `n` values from a small set of distinct ones (verdict,
/// algorithm and trust names, key fingerprints), so each distinct string
/// crosses into JS once.
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
}

fn set(obj: &js_sys::Object, name: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(name), value)
        .map(|_| ())
        .map_err(|_| internal_error())
}

/// The batch's answers: plain reports, or reports with the registry's
/// decision when `verifyMany` got a `registry`.
enum ManyReports<'a> {
    Plain(Vec<Report<'a>>),
    Trusted(Vec<TrustedReport<'a>>),
}

impl ManyReports<'_> {
    fn reports(&self) -> Vec<&Report<'_>> {
        match self {
            Self::Plain(r) => r.iter().collect(),
            Self::Trusted(t) => t.iter().map(|t| &t.report).collect(),
        }
    }

    /// One canonical JSON value per record, as `verifyJson` gives it.
    fn to_json(&self, lang: Lang) -> Vec<Value> {
        match self {
            Self::Plain(r) => r.iter().map(|r| r.to_json(lang)).collect(),
            Self::Trusted(t) => t.iter().map(|t| t.to_json(lang)).collect(),
        }
    }
}

/// Checks many records in one call with the core's batch
/// (`ocmf_core::batch::check_all`, or `check_all_trusted` with a
/// `registry`): each distinct key text is decoded once, and a key that signs
/// 32 or more of the records gets its wide precomputed tables first (about a
/// fifth faster per record after that; a registered key gets them once it
/// has verified 32 records). Every answer equals what `verify` gives for
/// that record alone with the same `key` and `registry`.
///
/// `records` holds strings, `Uint8Array`s, or `{ record, key? }` objects for
/// per-record keys; a record without its own key uses `options.key`, else
/// the key it carries. The result is compact: parallel arrays `verdicts`,
/// `codes` (`Uint16Array`), `signatureValid`, `algorithms`, plus `length`
/// and `validCount`; with a `registry` also `trust` (the trust status) and
/// `keyFingerprint` (the key each record was verified with: the registered
/// one wins over the record's key). `reports: true` adds `reports` (one
/// `VerifyReport`, or `TrustedVerifyReport` with a registry, per record)
/// and `json: true` adds `json` (one canonical JSON text per record, as
/// `verifyJson`). Never throws for a bad record or key text.
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
    use ocmf_core::batch::{BatchItem, BatchOptions, check_all, check_all_trusted};

    let many = read_many_options(&options.unwrap_or(JsValue::UNDEFINED))?;
    let opts = many.args.options;
    let lang = many.args.lang;
    let owned = read_batch_items(records, &opts.limits)?;
    // Over-long records were not copied in: they stand in the batch as this
    // one buffer of `max_record_bytes + 1` bytes, which the core answers
    // with the same `too_large` report `verify` gives.
    let too_large: Vec<u8> = if owned.iter().any(|(r, _)| matches!(r, ItemRecord::TooLarge)) {
        vec![0; opts.limits.max_record_bytes.saturating_add(1)]
    } else {
        Vec::new()
    };
    let items: Vec<BatchItem<'_>> = owned
        .iter()
        .map(|(record, key)| {
            let item = match record {
                ItemRecord::Text(t) => BatchItem::new(t),
                ItemRecord::Bytes(b) => BatchItem::bytes(b),
                ItemRecord::TooLarge => BatchItem::bytes(&too_large),
            };
            let key = match key {
                ItemKey::Default => match &many.args.key {
                    KeyArg::None => return item,
                    KeyArg::Text(t) => return item.key_text(t),
                    KeyArg::Handle(h) => &h.key,
                },
                ItemKey::Text(t) => return item.key_text(t),
                ItemKey::Handle(h) => &h.key,
            };
            item.key(key)
        })
        .collect();
    // wasm has one thread: the batch runs on the calling one.
    let batch = BatchOptions::new(opts).threads(1);
    let answers = match &many.args.registry {
        None => ManyReports::Plain(check_all(&items, &batch)),
        Some(registry) => ManyReports::Trusted(check_all_trusted(&items, registry, &batch)),
    };

    let reports = answers.reports();
    let n = reports.len();
    let mut names = Interned {
        seen: HashMap::new(),
    };
    let verdicts = Array::new();
    let signature_valid = Array::new();
    let algorithms = Array::new();
    let mut codes: Vec<u16> = Vec::with_capacity(n);
    let mut valid = 0usize;
    for r in &reports {
        verdicts.push(&names.get(r.verdict.as_str()));
        codes.push(u16::try_from(r.code().code()).unwrap_or(u16::MAX));
        signature_valid.push(&r.signature_valid.map_or(JsValue::NULL, JsValue::from_bool));
        algorithms.push(&r.algorithm.map_or(JsValue::NULL, |a| names.get(a.sa())));
        valid += usize::from(r.is_valid());
    }
    let out = js_sys::Object::new();
    set(&out, "length", &JsValue::from_f64(usize_to_f64(n)))?;
    set(&out, "validCount", &JsValue::from_f64(usize_to_f64(valid)))?;
    set(&out, "verdicts", &verdicts)?;
    set(&out, "codes", &Uint16Array::from(codes.as_slice()))?;
    set(&out, "signatureValid", &signature_valid)?;
    set(&out, "algorithms", &algorithms)?;
    if let ManyReports::Trusted(trusted) = &answers {
        let trust = Array::new();
        let fingerprints = Array::new();
        for t in trusted {
            trust.push(&names.get(t.trust.as_str()));
            fingerprints.push(
                &t.key_fingerprint
                    .as_deref()
                    .map_or(JsValue::NULL, |f| names.get(f)),
            );
        }
        set(&out, "trust", &trust)?;
        set(&out, "keyFingerprint", &fingerprints)?;
    }
    if many.reports || many.json {
        let values = answers.to_json(lang);
        if many.json {
            let texts = Array::new();
            for v in &values {
                let text = serde_json::to_string(v).map_err(|_| internal_error())?;
                texts.push(&JsValue::from_str(&text));
            }
            set(&out, "json", &texts)?;
        }
        if many.reports {
            // One JSON.parse for the whole array, not one per record.
            set(&out, "reports", &to_js_object(Value::Array(values))?)?;
        }
    }
    Ok(out.into())
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

// ---------------------------------------------------------------- sessions

/// The session context's owned parts (the core's `SessionContext` borrows them).
struct SessionArgs {
    key: Option<Rc<KeyData>>,
    parsed_key: Option<PublicKey>,
    registry: Option<Rc<Registry>>,
    options: Options,
    lang: Lang,
}

impl SessionArgs {
    /// Reads `{key, registry, profile, lang}`.
    ///
    /// The core's session context takes a decoded key, so an explicit key
    /// text that cannot be decoded is thrown (its 5xx code) rather than
    /// reported per record.
    fn read(options: &JsValue) -> Result<Self, JsValue> {
        let a = read_options(options)?;
        let (key, parsed_key) = match a.key {
            KeyArg::None => (None, None),
            KeyArg::Text(t) if t.trim().is_empty() => (None, None),
            KeyArg::Text(t) => (
                None,
                Some(PublicKey::parse(&t).map_err(|e| to_js_error(&e))?),
            ),
            KeyArg::Handle(k) => (Some(k), None),
        };
        Ok(Self {
            key,
            parsed_key,
            registry: a.registry,
            options: a.options,
            lang: a.lang,
        })
    }

    fn context(&self) -> SessionContext<'_> {
        SessionContext {
            key: self
                .key
                .as_deref()
                .map(|k| &k.key)
                .or(self.parsed_key.as_ref()),
            registry: self.registry.as_deref(),
            options: self.options,
        }
    }
}

/// One record of a session as read from JS.
struct OwnedRecord {
    record: String,
    key: Option<String>,
    label: Option<String>,
}

fn opt_string(v: Option<JsValue>, field: &'static str) -> Result<Option<String>, JsValue> {
    v.map(|v| v.as_string().ok_or_else(|| arg_error(field)))
        .transpose()
}

/// Reads `string[] | {record, key?, label?}[]`.
fn read_session_records(v: &JsValue) -> Result<Vec<OwnedRecord>, JsValue> {
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
            Some(k) => read_key(&k, "records")?.text().map(str::to_owned),
        };
        let label = opt_string(get(&item, "label", "records")?, "records")?;
        out.push(OwnedRecord { record, key, label });
    }
    Ok(out)
}

/// The session report as a typed object with the canonical `json` text.
fn session_object(
    report: &ocmf_core::session::SessionReport<'_>,
    lang: Lang,
) -> Result<JsValue, JsValue> {
    let obj = to_js_object(report.to_json(lang))?;
    Ok(with_json(obj, &report.to_json_string(lang)))
}

fn run_session<T>(
    records: &JsValue,
    options: Option<JsValue>,
    out: impl FnOnce(&ocmf_core::session::SessionReport<'_>, Lang) -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    let owned = read_session_records(records)?;
    let args = SessionArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
    let recs: Vec<SessionRecord<'_>> = owned
        .iter()
        .map(|r| SessionRecord {
            record: &r.record,
            key: r.key.as_deref(),
            label: r.label.as_deref(),
        })
        .collect();
    let report = evaluate(&recs, &args.context());
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
/// 5xx code for an explicit `key` text that cannot be decoded.
#[wasm_bindgen(js_name = evaluateSession, unchecked_return_type = "SessionReport")]
pub fn evaluate_session(
    #[wasm_bindgen(unchecked_param_type = "(string | SessionRecordInput)[]")] records: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run_session(records, options, session_object)
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
    run_session(records, options, |r, lang| Ok(r.to_json_string(lang)))
}

// ---------------------------------------------------------------- transports

/// The signed values found in an input (OCPP messages and logs, the
/// transparency software's XML, the PTB container, plain or hex records),
/// made by `extract`. Call `free()` to release it early.
#[wasm_bindgen(js_name = Extraction)]
pub struct JsExtraction {
    inner: transport::Extraction,
}

#[wasm_bindgen(js_class = Extraction)]
impl JsExtraction {
    /// The detected input format.
    #[wasm_bindgen(getter, unchecked_return_type = "InputFormat")]
    #[must_use]
    pub fn format(&self) -> String {
        self.inner.format.as_str().to_owned()
    }

    /// The signed values in input order, without duplicates.
    ///
    /// # Errors
    /// Throws `OcmfError` 704 only on an internal conversion failure.
    #[wasm_bindgen(getter, unchecked_return_type = "SignedValue[]")]
    pub fn values(&self) -> Result<JsValue, JsValue> {
        self.member("values")
    }

    /// What could not be read, with its line.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter, unchecked_return_type = "TransportError[]")]
    pub fn errors(&self) -> Result<JsValue, JsValue> {
        self.member("errors")
    }

    /// How many duplicate values (same station and record) were dropped.
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn duplicates(&self) -> usize {
        self.inner.duplicates
    }

    /// The values sorted into charging sessions.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter, unchecked_return_type = "Group[]")]
    pub fn groups(&self) -> Result<JsValue, JsValue> {
        self.member("groups")
    }

    /// The core's canonical JSON of the extraction (`format`, `values`,
    /// `errors`, `duplicates`, `groups`).
    #[wasm_bindgen(getter)]
    #[must_use]
    pub fn json(&self) -> String {
        self.inner.to_json_string()
    }

    /// The canonical JSON object, for `JSON.stringify`.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "unknown")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        JSON::parse(&self.inner.to_json_string()).map_err(|_| internal_error())
    }

    /// Every group evaluated as one charging session (each value's carried
    /// key goes with it; its OCPP message id is the label).
    ///
    /// # Errors
    /// As `evaluateSession`.
    #[wasm_bindgen(unchecked_return_type = "GroupSession[]")]
    pub fn sessions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let args = SessionArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
        let out = Array::new();
        for g in self.inner.sessions(&args.context()) {
            let value = g.to_json(args.lang);
            let text = serde_json::to_string(&value).map_err(|_| internal_error())?;
            let obj = with_json(to_js_object(value)?, &text);
            let report = session_object(&g.report, args.lang)?;
            Reflect::set(&obj, &JsValue::from_str("report"), &report)
                .map_err(|_| internal_error())?;
            out.push(&obj);
        }
        Ok(out.into())
    }

    /// The core's canonical JSON `{extraction, sessions}` text.
    ///
    /// # Errors
    /// As `evaluateSession`.
    #[wasm_bindgen(js_name = sessionsJson)]
    pub fn sessions_json(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let args = SessionArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
        Ok(self.inner.sessions_json_string(&args.context(), args.lang))
    }

    /// The values as the reference transparency software's XML; `extract`
    /// reads it back into the same values and sessions.
    #[wasm_bindgen(js_name = toXml)]
    #[must_use]
    pub fn to_xml(&self) -> String {
        self.inner.to_xml()
    }
}

impl JsExtraction {
    /// One member of the core's extraction JSON as a camelCase JS value.
    fn member(&self, name: &str) -> Result<JsValue, JsValue> {
        let mut v = self.inner.to_json();
        let member = v
            .get_mut(name)
            .map(Value::take)
            .ok_or_else(internal_error)?;
        to_js_object(member)
    }
}

/// Finds every signed value in an input: OCPP 1.6/2.0.1/2.1 messages and
/// logs, the transparency software's XML, the PTB container, plain or
/// hex-encoded records. Never throws for bad input: what cannot be read is
/// in `errors` (805 transport, 806 XML, 101 too large, 102 not UTF-8).
///
/// # Errors
/// Throws `OcmfError` 702 only when `input` is neither a string nor a `Uint8Array`.
#[wasm_bindgen]
pub fn extract(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: &JsValue,
) -> Result<JsExtraction, JsValue> {
    let too_large = |n: u32| usize::try_from(n).map_or(true, |n| n > MAX_INPUT_BYTES);
    let inner = if input.is_string() {
        // UTF-8 is never shorter than UTF-16: refuse before copying into wasm memory.
        if too_large(input.unchecked_ref::<JsString>().length()) {
            too_large_extraction()
        } else {
            let text = input.as_string().ok_or_else(|| arg_error("input"))?;
            transport::extract(&text)
        }
    } else if let Some(bytes) = input.dyn_ref::<Uint8Array>() {
        if too_large(bytes.length()) {
            too_large_extraction()
        } else {
            transport::extract_bytes(&bytes.to_vec())
        }
    } else {
        return Err(arg_error("input"));
    };
    Ok(JsExtraction { inner })
}

/// The core's answer for input above `MAX_INPUT_BYTES`, without copying it
/// into wasm memory (the same entry `transport::extract` makes).
fn too_large_extraction() -> transport::Extraction {
    transport::Extraction {
        format: InputFormat::Unknown,
        values: Vec::new(),
        errors: vec![TransportError {
            code: ErrorCode::TooLarge,
            line: None,
            message: format!("input exceeds {MAX_INPUT_BYTES} bytes"),
        }],
        duplicates: 0,
    }
}

fn opt_u32(v: Option<JsValue>, field: &'static str) -> Result<Option<u32>, JsValue> {
    v.map(|v| as_u32(&v).ok_or_else(|| arg_error(field)))
        .transpose()
}

/// A `toXml` argument item: a record string or a value object.
fn read_signed_value(item: &JsValue) -> Result<SignedValue, JsValue> {
    const F: &str = "values";
    if let Some(record) = item.as_string() {
        return Ok(SignedValue::new(record, Transport::Plain));
    }
    if !item.is_object() {
        return Err(arg_error(F));
    }
    let s = |name: &str| -> Result<Option<String>, JsValue> { opt_string(get(item, name, F)?, F) };
    let record = s("record")?.ok_or_else(|| arg_error(F))?;
    let transport = match s("transport")? {
        None => Transport::Plain,
        Some(t) => Transport::ALL
            .iter()
            .copied()
            .find(|x| x.as_str() == t)
            .ok_or_else(|| arg_error(F))?,
    };
    let mut v = SignedValue::new(record, transport);
    v.public_key = s("publicKey")?.filter(|k| !k.is_empty());
    v.station = s("station")?;
    v.transaction_id = s("transactionId")?;
    v.context = s("context")?;
    v.timestamp = s("timestamp")?;
    v.evse = opt_u32(get(item, "evse", F)?, F)?;
    v.connector = opt_u32(get(item, "connector", F)?, F)?;
    v.transaction_inferred = match get(item, "transactionInferred", F)? {
        None => false,
        Some(b) => b.as_bool().ok_or_else(|| arg_error(F))?,
    };
    Ok(v)
}

/// Writes signed values (records, or values as `extract` gives them) as the
/// reference transparency software's XML.
///
/// # Errors
/// Throws `OcmfError` 702 when `values` is not an array of records or values
/// (a value needs a string `record`; `transport` must be a known name).
#[wasm_bindgen(js_name = toXml)]
pub fn to_xml(
    #[wasm_bindgen(unchecked_param_type = "SignedValueInput[]")] values: &JsValue,
) -> Result<String, JsValue> {
    if !Array::is_array(values) {
        return Err(arg_error("values"));
    }
    let arr: &Array = values.unchecked_ref();
    let list = arr
        .iter()
        .map(|item| read_signed_value(&item))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(transport::to_xml(&list))
}
