//! The TypeScript types of the objects the package passes (written by hand;
//! wasm-bindgen adds the function and class signatures). Keep them equal to
//! the core's JSON: the typed objects are that JSON with camelCase keys.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
export type Profile = "strict" | "interop" | "reference";
export type Lang = "en" | "de";
export type Verdict = "valid" | "invalid-signature" | "malformed" | "unsupported";
/** Options of `verify` / `verifyJson`. */
export interface VerifyOptions {
  /**
   * Public key text (hex, base64, PEM, `oca:`), key bytes (UTF-8 key text,
   * else SPKI DER, SEC1 or bare XY) or a reusable `Key`. Blank text or empty
   * bytes: no key (the record's own key is used).
   */
  key?: string | Uint8Array | Key | null;
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
  key?: string | Uint8Array | Key | null;
};
/** Options of `verifyMany`. */
export interface VerifyManyOptions {
  /** The key of every record without its own (text, bytes or a reusable `Key`). */
  key?: string | Uint8Array | Key | null;
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
/**
 * What every function of this package throws (`isOcmfError(e)` tells it apart).
 * Code 704 (`internal`) is a bug in this package (a Rust panic): the module is
 * unusable after it, and every later call throws 704 too; load it again.
 */
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
  key?: string | Uint8Array | Key | null;
  /** Trusted keys. */
  registry?: KeyRegistry | null;
  profile?: Profile | null;
  /** Language of `message`, `explanation` and the record reports (findings carry both). */
  lang?: Lang | null;
}
/** One record of a session as received. */
export interface SessionRecordInput {
  record: string;
  /** The key carried with it (e.g. the OCPP message's `publicKey`): text, bytes or a `Key`. */
  key?: string | Uint8Array | Key | null;
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
