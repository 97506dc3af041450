//! `verifyFormat`, `verifyFormatJson`, `FormatResult`, `formatSession` and
//! `formatSessionJson`: signed meter values in the formats other than OCMF
//! (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH chargeIT,
//! BAUER BSM-WS36A, ChargePoint) through the core's
//! [`Checker::verify_format`](ocmf_core::Checker::verify_format) and
//! [`Checker::format_session`](ocmf_core::Checker::format_session).
//!
//! Detection, reading, the key rule (caller's, carried or registered key)
//! and trust are the core's; this module maps the answer onto getters.

use js_sys::{JSON, Uint8Array};
use ocmf_core::Lang;
use ocmf_core::formats::FormatCheck;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::args::{CheckArgs, to_js_object};
use crate::boundary::{arg_error, internal_error, run, with_json};

/// The value's bytes: a `string` (its UTF-8) or a `Uint8Array`; 702
/// (`data`) for anything else.
fn read_data(v: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s.into_bytes());
    }
    v.dyn_ref::<Uint8Array>()
        .map(Uint8Array::to_vec)
        .ok_or_else(|| arg_error("data"))
}

/// Checks one value with these options (the core never fails).
fn check(data: &JsValue, options: Option<JsValue>) -> Result<(FormatCheck, Lang), JsValue> {
    let args = CheckArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
    let bytes = read_data(data)?;
    let check = args.checker().verify_format(&bytes, args.key.input());
    Ok((check, args.lang))
}

/// A text or `null`.
fn text_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// The answer of `verifyFormat`: the format detected, the verdict and its
/// code, the key used, the value's readings and, with a registry, the key's
/// trust. `json` / `toJSON()` are the core's canonical JSON. Call `free()`
/// to release it early.
#[wasm_bindgen]
pub struct FormatResult {
    inner: FormatCheck,
    lang: Lang,
}

impl FormatResult {
    /// The canonical JSON's member at `path` (camelCase keys), `null` when
    /// absent.
    fn member(&self, path: &[&str]) -> Result<JsValue, JsValue> {
        let json = self.inner.to_json(self.lang);
        let v = path
            .iter()
            .try_fold(&json, |v, name| v.get(name))
            .cloned()
            .unwrap_or(Value::Null);
        to_js_object(v)
    }
}

#[wasm_bindgen]
impl FormatResult {
    /// The format detected (also when the value could not be read), e.g.
    /// `ALFEN`; `null` when none was recognised.
    ///
    /// # Errors
    /// Throws `OcmfError` 704 after an internal error (see `OcmfError`).
    #[wasm_bindgen(getter, unchecked_return_type = "FormatName | null")]
    pub fn format(&self) -> Result<JsValue, JsValue> {
        run(|| Ok(text_or_null(self.inner.format.map(|f| f.as_str()))))
    }

    /// `valid`, `invalid-signature`, `malformed`, `unsupported`, ...
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "Verdict")]
    pub fn verdict(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.verdict().as_str().to_owned()))
    }

    /// The stable code of the verdict's reason (`ok` when valid; `format_*`
    /// when the value cannot be read).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter)]
    pub fn code(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.code().to_owned()))
    }

    /// The verdict's sentence, or why the value cannot be read, in `lang`.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> Result<JsValue, JsValue> {
        run(|| self.member(&["message"]))
    }

    /// Whether every signature verified under the key used.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, js_name = signatureVerified)]
    pub fn signature_verified(&self) -> Result<bool, JsValue> {
        run(|| Ok(self.inner.report.signature_verified))
    }

    /// The key used, SEC1 in uppercase hex (`null`: none).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, js_name = keySec1, unchecked_return_type = "string | null")]
    pub fn key_sec1(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(text_or_null(
                self.inner.report.key.as_ref().map(|k| k.0.as_str()),
            ))
        })
    }

    /// Where the key used came from: `caller`, `carried` (inside the value:
    /// proves integrity, not origin) or `registry`.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, js_name = keySource, unchecked_return_type = "FormatKeySource | null")]
    pub fn key_source(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(text_or_null(
                self.inner.report.key.as_ref().map(|k| k.1.as_str()),
            ))
        })
    }

    /// The curve of the signatures, e.g. `secp192r1` (`null`: not known).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn curve(&self) -> Result<JsValue, JsValue> {
        run(|| Ok(text_or_null(self.inner.report.curve.map(|c| c.name()))))
    }

    /// With a `registry`: `trusted`, `untrusted`, `mismatch`, `expired` or
    /// `unknown`; without one `null`.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "TrustStatus | null")]
    pub fn trust(&self) -> Result<JsValue, JsValue> {
        run(|| {
            Ok(text_or_null(
                self.inner.trust.as_ref().map(|t| t.trust.as_str()),
            ))
        })
    }

    /// With a `registry`: the fingerprint of the key verified with.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, js_name = keyFingerprint, unchecked_return_type = "string | null")]
    pub fn key_fingerprint(&self) -> Result<JsValue, JsValue> {
        run(|| {
            let t = self.inner.trust.as_ref();
            Ok(text_or_null(t.and_then(|t| t.key_fingerprint.as_deref())))
        })
    }

    /// The meter's serial number (`null` when the value could not be read).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, js_name = meterSerial, unchecked_return_type = "string | null")]
    pub fn meter_serial(&self) -> Result<JsValue, JsValue> {
        run(|| {
            let v = self.inner.value.as_ref();
            Ok(text_or_null(v.map(|v| v.meter_serial.as_str())))
        })
    }

    /// The transaction or session id the value carries, if any.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn transaction(&self) -> Result<JsValue, JsValue> {
        run(|| {
            let v = self.inner.value.as_ref();
            Ok(text_or_null(v.and_then(|v| v.transaction.as_deref())))
        })
    }

    /// The contract / customer id the value carries, if any.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "string | null")]
    pub fn contract(&self) -> Result<JsValue, JsValue> {
        run(|| {
            let v = self.inner.value.as_ref();
            Ok(text_or_null(v.and_then(|v| v.contract.as_deref())))
        })
    }

    /// The readings (value as exact decimal text in `unit`); empty when the
    /// value could not be read.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "FormatReading[]")]
    pub fn readings(&self) -> Result<JsValue, JsValue> {
        run(|| self.list(&["value", "readings"]))
    }

    /// What the format's rules found (`rejects`: it makes the value fail).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "FormatFinding[]")]
    pub fn findings(&self) -> Result<JsValue, JsValue> {
        run(|| self.list(&["value", "findings"]))
    }

    /// Why the value could not be read (verdict `malformed`), else `null`.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter, unchecked_return_type = "FormatError | null")]
    pub fn error(&self) -> Result<JsValue, JsValue> {
        run(|| self.member(&["error"]))
    }

    /// The core's canonical JSON text (as `verifyFormatJson` returns it).
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.to_json_string(self.lang)))
    }

    /// The canonical JSON object (snake_case keys), for `JSON.stringify`.
    ///
    /// # Errors
    /// As `format`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "FormatCheckJson")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        run(|| JSON::parse(&self.inner.to_json_string(self.lang)).map_err(|_| internal_error()))
    }
}

impl FormatResult {
    /// An array member of the canonical JSON; `[]` when the value is absent.
    fn list(&self, path: &[&str]) -> Result<JsValue, JsValue> {
        let v = self.member(path)?;
        Ok(if v.is_null() {
            js_sys::Array::new().into()
        } else {
            v
        })
    }
}

/// Reads and verifies a signed meter value in one of the other formats
/// (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH
/// chargeIT, BAUER BSM-WS36A), detecting which. The key is the `key`
/// option, else the key the value carries; with a `registry`, the key
/// registered for the value's meter is used and `trust` says whether the
/// given or carried key is that key. Never throws for a bad value: a value
/// that cannot be read is `malformed` with a `format_*` code.
///
/// # Errors
/// Throws `OcmfError` only for bad arguments: 702 for a wrong type, an
/// unknown backend or a freed `Key`/`KeyRegistry`, 701 for an unknown
/// profile or language.
#[wasm_bindgen(js_name = verifyFormat)]
pub fn verify_format(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions | void")] options: Option<JsValue>,
) -> Result<FormatResult, JsValue> {
    run(|| {
        let (inner, lang) = check(data, options)?;
        Ok(FormatResult { inner, lang })
    })
}

/// A ChargePoint value made of its two files as users have them: the
/// `secrrct` file and its `secrrct.sign` (binary DER, hex or base64), each
/// a string or a `Uint8Array`, joined by the core's rule into the value
/// `verifyFormat` takes. A wrong file is the check's typed answer.
///
/// # Errors
/// Throws `OcmfError` 702 only when an argument is neither a string nor a
/// `Uint8Array`.
#[wasm_bindgen(js_name = chargePointValue)]
pub fn chargepoint_value(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] secrrct: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] signature: &JsValue,
) -> Result<String, JsValue> {
    run(|| {
        let document = read_data(secrrct).map_err(|_| arg_error("secrrct"))?;
        let signature = read_data(signature).map_err(|_| arg_error("signature"))?;
        Ok(ocmf_core::formats::chargepoint_value(&document, &signature))
    })
}

/// As `verifyFormat`, returning the core's canonical JSON text unchanged.
///
/// # Errors
/// As `verifyFormat`.
#[wasm_bindgen(js_name = verifyFormatJson)]
pub fn verify_format_json(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] data: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions | void")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        let (check, lang) = check(data, options)?;
        Ok(check.to_json_string(lang))
    })
}

/// The values of a session (an array of `string | Uint8Array`), checked
/// together by the core with the options.
fn session_of(
    values: &JsValue,
    options: Option<JsValue>,
) -> Result<(ocmf_core::formats::FormatSession, Lang), JsValue> {
    if !js_sys::Array::is_array(values) {
        return Err(arg_error("values"));
    }
    let args = CheckArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
    let owned: Vec<Vec<u8>> = js_sys::Array::from(values)
        .iter()
        .map(|v| read_data(&v).map_err(|_| arg_error("values")))
        .collect::<Result<_, _>>()?;
    let bytes: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
    Ok((
        args.checker().format_session(&bytes, args.key.input()),
        args.lang,
    ))
}

/// Checks the values of one charging session in one of the other formats
/// together, in session order: each as `verifyFormat` checks it, then one
/// format, one meter and one key, exactly one start and one stop reading,
/// values and times that never go back, and the energy as exact decimal
/// text (the same verdicts, codes and energy as `evaluateSession`). Never
/// throws for a bad value or key: the verdict says what happened.
///
/// # Errors
/// Throws `OcmfError` for bad arguments: 702 for wrong types (`values` not
/// an array of `string | Uint8Array`) or a freed `Key`/`KeyRegistry`, 701
/// for an unknown profile or language.
#[wasm_bindgen(js_name = formatSession, unchecked_return_type = "FormatSession")]
pub fn format_session(
    #[wasm_bindgen(unchecked_param_type = "(string | Uint8Array)[]")] values: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    run(|| {
        let (session, lang) = session_of(values, options)?;
        let obj = to_js_object(session.to_json(lang))?;
        Ok(with_json(obj, &session.to_json_string(lang)))
    })
}

/// As `formatSession`, returning the core's canonical JSON text unchanged.
///
/// # Errors
/// As `formatSession`.
#[wasm_bindgen(js_name = formatSessionJson)]
pub fn format_session_json(
    #[wasm_bindgen(unchecked_param_type = "(string | Uint8Array)[]")] values: &JsValue,
    #[wasm_bindgen(unchecked_param_type = "SessionOptions | void")] options: Option<JsValue>,
) -> Result<String, JsValue> {
    run(|| {
        let (session, lang) = session_of(values, options)?;
        Ok(session.to_json_string(lang))
    })
}
