//! Reading JavaScript arguments (options, keys, records) and writing JSON
//! results back as JavaScript values.
//!
//! What a value *means* is the core's business: blank key text is no key,
//! key bytes are key text when UTF-8 (else binary), record bytes are
//! checked for size and UTF-8, all in [`ocmf_core::Checker`]. This module
//! only tells JavaScript types apart and throws `OcmfError` 702/701 for
//! values of the wrong type or unknown names.

use std::borrow::Cow;
use std::rc::Rc;

use js_sys::{JSON, JsString, Reflect, Uint8Array};
use ocmf_core::registry::Registry;
use ocmf_core::{Backend, Checker, KeyInput, Lang, Limits, Options, Profile, PublicKey};
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::boundary::{arg_error, internal_error, to_js_error, usage_error};
use crate::key::KeyData;

/// Whether a value is `undefined` or `null` (an absent option).
pub(crate) fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// Member `name` of `obj`; `None` when absent (undefined or null).
pub(crate) fn get(
    obj: &JsValue,
    name: &str,
    field: &'static str,
) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(name)).map_err(|_| arg_error(field))?;
    Ok(if is_absent(&v) { None } else { Some(v) })
}

/// A language name (`en`, `de`); absent is English.
pub(crate) fn read_lang(v: Option<JsValue>) -> Result<Lang, JsValue> {
    match v.filter(|v| !is_absent(v)) {
        None => Ok(Lang::En),
        Some(v) => {
            let s = v.as_string().ok_or_else(|| arg_error("lang"))?;
            Lang::parse(&s).ok_or_else(|| usage_error("lang"))
        }
    }
}

/// A number that is exactly a `u32` (a handle id, an EVSE number).
pub(crate) fn as_u32(v: &JsValue) -> Option<u32> {
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

/// An optional string member.
pub(crate) fn opt_string(
    v: Option<JsValue>,
    field: &'static str,
) -> Result<Option<String>, JsValue> {
    v.map(|v| v.as_string().ok_or_else(|| arg_error(field)))
        .transpose()
}

/// An optional `u32` member.
pub(crate) fn opt_u32(v: Option<JsValue>, field: &'static str) -> Result<Option<u32>, JsValue> {
    v.map(|v| as_u32(&v).ok_or_else(|| arg_error(field)))
        .transpose()
}

/// The bytes of a `Uint8Array`, when `v` is one.
pub(crate) fn bytes_of(v: &JsValue) -> Option<Vec<u8>> {
    v.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
}

// ---------------------------------------------------------------- keys

/// A key as JavaScript gave it: text, bytes or a live `Key`.
pub(crate) enum KeyArg {
    None,
    Text(String),
    Bytes(Vec<u8>),
    Handle(Rc<KeyData>),
}

impl KeyArg {
    /// The key as the core takes it (the core applies the blank rule).
    pub(crate) fn input(&self) -> KeyInput<'_> {
        match self {
            Self::None => KeyInput::None,
            Self::Text(t) => KeyInput::Text(t),
            Self::Bytes(b) => KeyInput::Bytes(b),
            Self::Handle(k) => KeyInput::Decoded(&k.key),
        }
    }

    /// The key as the text a session record carries (the core's
    /// [`PublicKey::input_as_text`] for bytes; the text a `Key` was made from).
    pub(crate) fn carried_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Self::None => None,
            Self::Text(t) => Some(Cow::Borrowed(t)),
            Self::Bytes(b) => Some(PublicKey::input_as_text(b)),
            Self::Handle(k) => Some(Cow::Borrowed(&k.text)),
        }
    }
}

/// A key given as text, `Uint8Array` or a live `Key`; `field` names it in
/// the 702 thrown for anything else (or a freed `Key`).
pub(crate) fn read_key(k: &JsValue, field: &'static str) -> Result<KeyArg, JsValue> {
    if let Some(s) = k.as_string() {
        return Ok(KeyArg::Text(s));
    }
    if let Some(b) = bytes_of(k) {
        return Ok(KeyArg::Bytes(b));
    }
    if !k.is_object() {
        return Err(arg_error(field));
    }
    let id = get(k, "keyId", field)?
        .as_ref()
        .and_then(as_u32)
        .ok_or_else(|| arg_error(field))?;
    crate::key::lookup(id)
        .map(KeyArg::Handle)
        .ok_or_else(|| arg_error(field))
}

// ---------------------------------------------------------------- options

/// The options every check takes: `{ key, registry, profile, lang, backend }`.
pub(crate) struct CheckArgs {
    pub(crate) key: KeyArg,
    pub(crate) registry: Option<Rc<Registry>>,
    pub(crate) options: Options,
    pub(crate) lang: Lang,
}

impl CheckArgs {
    /// Reads the options object (absent: the defaults).
    pub(crate) fn read(options: &JsValue) -> Result<Self, JsValue> {
        let mut args = Self {
            key: KeyArg::None,
            registry: None,
            options: Options::default(),
            lang: Lang::En,
        };
        if is_absent(options) {
            return Ok(args);
        }
        if !options.is_object() {
            return Err(arg_error("options"));
        }
        if let Some(p) = get(options, "profile", "profile")? {
            let s = p.as_string().ok_or_else(|| arg_error("profile"))?;
            args.options.profile = Profile::parse(&s).ok_or_else(|| usage_error("profile"))?;
        }
        if let Some(b) = get(options, "backend", "backend")? {
            let s = b.as_string().ok_or_else(|| arg_error("backend"))?;
            // The core's names; an unknown one is its 702 (`backend`).
            args.options.backend = Backend::from_name(&s).map_err(|e| to_js_error(&e))?;
        }
        args.lang = read_lang(get(options, "lang", "lang")?)?;
        if let Some(k) = get(options, "key", "key")? {
            args.key = read_key(&k, "key")?;
        }
        if let Some(r) = get(options, "registry", "registry")? {
            args.registry = Some(crate::registry::read_registry(&r)?);
        }
        Ok(args)
    }

    /// The core's checker for these options (one thread: wasm has one).
    pub(crate) fn checker(&self) -> Checker<'_> {
        Checker::new()
            .with_options(self.options)
            .registry(self.registry.as_deref())
    }
}

/// A boolean option (absent: false).
pub(crate) fn flag(options: &JsValue, name: &'static str) -> Result<bool, JsValue> {
    if is_absent(options) {
        return Ok(false);
    }
    get(options, name, name)?.map_or(Ok(false), |v| v.as_bool().ok_or_else(|| arg_error(name)))
}

// ---------------------------------------------------------------- records

/// A record as JavaScript gave it.
pub(crate) enum RecordArg {
    Text(String),
    Bytes(Vec<u8>),
    /// Longer than the size limit even in UTF-16 units or bytes: not
    /// copied into wasm memory.
    TooLarge,
}

impl RecordArg {
    /// Reads a `string | Uint8Array`; `field` names it in the 702 thrown for
    /// anything else. Input over `limits` is not copied in.
    pub(crate) fn read(v: &JsValue, limits: &Limits, field: &'static str) -> Result<Self, JsValue> {
        let over = |n: u32| usize::try_from(n).map_or(true, |n| n > limits.max_record_bytes);
        if v.is_string() {
            // UTF-8 is never shorter than UTF-16 code units.
            if over(v.unchecked_ref::<JsString>().length()) {
                return Ok(Self::TooLarge);
            }
            return v
                .as_string()
                .map(Self::Text)
                .ok_or_else(|| arg_error(field));
        }
        if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
            if over(bytes.length()) {
                return Ok(Self::TooLarge);
            }
            return Ok(Self::Bytes(bytes.to_vec()));
        }
        Err(arg_error(field))
    }

    /// The stand-in for over-long records among `records`: one buffer a
    /// byte over the limit, which the core answers as it answers any
    /// over-long record (empty when no record needs it).
    pub(crate) fn stand_in<'a>(
        records: impl IntoIterator<Item = &'a RecordArg>,
        limits: &Limits,
    ) -> Vec<u8> {
        if records.into_iter().any(|r| matches!(r, Self::TooLarge)) {
            vec![0; limits.max_record_bytes.saturating_add(1)]
        } else {
            Vec::new()
        }
    }

    /// The record's bytes for the core (`stand_in` for an over-long one).
    pub(crate) fn as_bytes<'a>(&'a self, stand_in: &'a [u8]) -> &'a [u8] {
        match self {
            Self::Text(t) => t.as_bytes(),
            Self::Bytes(b) => b,
            Self::TooLarge => stand_in,
        }
    }
}

// ---------------------------------------------------------------- JSON out

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

/// The core's JSON with camelCase member names.
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

/// The core's JSON as a plain JS object with camelCase keys.
pub(crate) fn to_js_object(v: Value) -> Result<JsValue, JsValue> {
    JSON::parse(&json_text(&camel(v))?).map_err(|_| internal_error())
}

/// The compact JSON text of a value.
pub(crate) fn json_text(v: &Value) -> Result<String, JsValue> {
    serde_json::to_string(v).map_err(|_| internal_error())
}

/// Sets `obj[name] = value`.
pub(crate) fn set(obj: &js_sys::Object, name: &str, value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(obj, &JsValue::from_str(name), value)
        .map(|_| ())
        .map_err(|_| internal_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_members_become_camel_case() {
        let v =
            serde_json::json!({"code_name": "x", "rd": [{"time_status": 1}], "a": {"b_c_d": null}});
        assert_eq!(
            camel(v),
            serde_json::json!({"codeName": "x", "rd": [{"timeStatus": 1}], "a": {"bCD": null}})
        );
    }
}
