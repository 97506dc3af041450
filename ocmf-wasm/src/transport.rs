//! `extract`, `Extraction` and `toXml`: signed values found in OCPP
//! messages and logs, transparency-software XML, the PTB container, plain or
//! hex records (the core's [`transport`](ocmf_core::transport)).

use js_sys::{Array, JSON, JsString, Uint8Array};
use ocmf_core::ExactDecimal;
use ocmf_core::transport::{self, Extraction, MAX_INPUT_BYTES, SignedValue, Transport};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::args::{CheckArgs, get, json_text, opt_string, opt_u32, set, to_js_object};
use crate::boundary::{arg_error, internal_error, run, to_js_error, with_json};
use crate::session::session_object;

/// The signed values found in an input (OCPP messages and logs, the
/// transparency software's XML, the PTB container, plain or hex records),
/// made by `extract`. Call `free()` to release it early.
#[wasm_bindgen(js_name = Extraction)]
pub struct JsExtraction {
    inner: Extraction,
}

#[wasm_bindgen(js_class = Extraction)]
impl JsExtraction {
    /// The detected input format.
    ///
    /// # Errors
    /// Throws `OcmfError` 704 after an internal error (see `OcmfError`).
    #[wasm_bindgen(getter, unchecked_return_type = "InputFormat")]
    pub fn format(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.format.as_str().to_owned()))
    }

    /// The signed values in input order, without duplicates.
    ///
    /// # Errors
    /// Throws `OcmfError` 704 only on an internal failure.
    #[wasm_bindgen(getter, unchecked_return_type = "SignedValue[]")]
    pub fn values(&self) -> Result<JsValue, JsValue> {
        run(|| self.member("values"))
    }

    /// What could not be read, with its line.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter, unchecked_return_type = "TransportError[]")]
    pub fn errors(&self) -> Result<JsValue, JsValue> {
        run(|| self.member("errors"))
    }

    /// Whether the input started with a UTF-8 byte-order mark (read as if
    /// it were absent; the JSON's `byte_order_mark`).
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter, js_name = byteOrderMark)]
    pub fn byte_order_mark(&self) -> Result<bool, JsValue> {
        run(|| Ok(self.inner.byte_order_mark))
    }

    /// How many duplicate values (same station and record) were dropped.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter)]
    pub fn duplicates(&self) -> Result<usize, JsValue> {
        run(|| Ok(self.inner.duplicates))
    }

    /// The values sorted into charging sessions.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter, unchecked_return_type = "Group[]")]
    pub fn groups(&self) -> Result<JsValue, JsValue> {
        run(|| self.member("groups"))
    }

    /// The core's canonical JSON of the extraction (`format`, `values`,
    /// `errors`, `duplicates`, `groups`).
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(getter)]
    pub fn json(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.to_json_string()))
    }

    /// The canonical JSON object, for `JSON.stringify`.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "unknown")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        run(|| JSON::parse(&self.inner.to_json_string()).map_err(|_| internal_error()))
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
        run(|| {
            let args = CheckArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
            let groups = args
                .checker()
                .sessions(&self.inner, args.key.input())
                .map_err(|e| to_js_error(&e))?;
            let out = Array::new();
            for g in &groups {
                let value = g.to_json(args.lang);
                let text = json_text(&value)?;
                let obj: js_sys::Object = with_json(to_js_object(value)?, &text).unchecked_into();
                set(&obj, "report", &session_object(&g.report, args.lang)?)?;
                if let Some(fs) = &g.format_session {
                    let session = to_js_object(fs.to_json(args.lang))?;
                    let session = with_json(session, &fs.to_json_string(args.lang));
                    set(&obj, "formatSession", &session)?;
                }
                out.push(&obj);
            }
            Ok(out.into())
        })
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
        run(|| {
            let args = CheckArgs::read(&options.unwrap_or(JsValue::UNDEFINED))?;
            let groups = args
                .checker()
                .sessions(&self.inner, args.key.input())
                .map_err(|e| to_js_error(&e))?;
            json_text(&self.inner.json_with_sessions(&groups, args.lang))
        })
    }

    /// The values as the reference transparency software's XML; `extract`
    /// reads it back into the same values and sessions.
    ///
    /// # Errors
    /// As `values`.
    #[wasm_bindgen(js_name = toXml)]
    pub fn to_xml(&self) -> Result<String, JsValue> {
        run(|| Ok(self.inner.to_xml()))
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
/// logs, the transparency software's XML, the PTB container, OCPI 2.2.1/2.3
/// and OICP 2.3 charge detail records, plain or hex-encoded records. Never
/// throws for bad input: what cannot be read is in `errors` (805 transport,
/// 806 XML, 807 a CDR value in an encoding other than OCMF, 101 too large,
/// 102 not UTF-8).
///
/// # Errors
/// Throws `OcmfError` 702 only when `input` is neither a string nor a `Uint8Array`.
#[wasm_bindgen]
pub fn extract(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: &JsValue,
) -> Result<JsExtraction, JsValue> {
    run(|| {
        // Input over the limit is not copied into wasm memory (UTF-8 is
        // never shorter than UTF-16 code units).
        let over = |n: u32| usize::try_from(n).map_or(true, |n| n > MAX_INPUT_BYTES);
        let inner = if input.is_string() {
            if over(input.unchecked_ref::<JsString>().length()) {
                Extraction::too_large()
            } else {
                transport::extract(&input.as_string().ok_or_else(|| arg_error("input"))?)
            }
        } else if let Some(bytes) = input.dyn_ref::<Uint8Array>() {
            if over(bytes.length()) {
                Extraction::too_large()
            } else {
                transport::extract_bytes(&bytes.to_vec())
            }
        } else {
            return Err(arg_error("input"));
        };
        Ok(JsExtraction { inner })
    })
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
        Some(t) => Transport::from_name(&t).ok_or_else(|| arg_error(F))?,
    };
    let mut v = SignedValue::new(record, transport);
    v.public_key = s("publicKey")?.filter(|k| !k.is_empty());
    v.station = s("station")?;
    v.transaction_id = s("transactionId")?;
    v.context = s("context")?;
    v.timestamp = s("timestamp")?;
    v.evse_id = s("evseId")?;
    v.token = s("token")?;
    v.plain_data = s("plainData")?;
    v.format = match s("format")? {
        None => None,
        Some(f) => Some(ocmf_core::formats::Format::from_name(&f).ok_or_else(|| arg_error(F))?),
    };
    v.billed_kwh = match s("billedKwh")? {
        None => None,
        Some(t) => Some(ExactDecimal::parse(&t).ok_or_else(|| arg_error(F))?),
    };
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
    run(|| {
        if !Array::is_array(values) {
            return Err(arg_error("values"));
        }
        let arr: &Array = values.unchecked_ref();
        let list = arr
            .iter()
            .map(|item| read_signed_value(&item))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(transport::to_xml(&list))
    })
}
