//! `KeyRegistry`: trusted keys (meter and gateway serials mapped to keys
//! with validity windows), read by the core's registry reader.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use ocmf_core::Lang;
use ocmf_core::registry::{Registry, RegistryError};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::args::{as_u32, bytes_of, get, read_lang, to_js_object};
use crate::boundary::{arg_error, panicked, registry_error, run};
use crate::key::next_handle;

thread_local! {
    static REGISTRIES: RefCell<HashMap<u32, Rc<Registry>>> = RefCell::new(HashMap::new());
}

/// The live registry an options' `registry` member names (a `KeyRegistry`).
///
/// # Errors
/// `OcmfError` 702 (`registry`) for anything else or a freed registry.
pub(crate) fn read_registry(r: &JsValue) -> Result<Rc<Registry>, JsValue> {
    if !r.is_object() {
        return Err(arg_error("registry"));
    }
    let id = get(r, "registryId", "registry")?
        .as_ref()
        .and_then(as_u32)
        .ok_or_else(|| arg_error("registry"))?;
    handle(id)
}

fn handle(id: u32) -> Result<Rc<Registry>, JsValue> {
    REGISTRIES
        .with(|m| m.borrow().get(&id).cloned())
        .ok_or_else(|| arg_error("registry"))
}

/// Trusted keys: meter (and gateway) serial numbers mapped to public keys
/// with validity windows (JSON or CSV, see docs/registry-formats.md). Pass
/// it as `registry` to `verify`, `verifyMany`, `evaluateSession` or
/// `Extraction.sessions`. Call `free()` to release it early.
#[wasm_bindgen]
pub struct KeyRegistry {
    id: u32,
    len: usize,
}

impl KeyRegistry {
    /// Keeps a registry the core read, or throws its error in `lang`.
    fn keep(read: Result<Registry, RegistryError>, lang: Lang) -> Result<Self, JsValue> {
        let reg = read.map_err(|e| registry_error(&e, lang))?;
        let id = next_handle();
        let len = reg.len();
        REGISTRIES.with(|m| m.borrow_mut().insert(id, Rc::new(reg)));
        Ok(Self { id, len })
    }

    /// Reads a text-only format (`fromJson`, `fromCsv`).
    fn read_text(
        text: &JsValue,
        lang: Option<JsValue>,
        parse: fn(&str) -> Result<Registry, RegistryError>,
    ) -> Result<Self, JsValue> {
        let lang = read_lang(lang)?;
        let text = text.as_string().ok_or_else(|| arg_error("registry"))?;
        Self::keep(parse(&text), lang)
    }
}

#[wasm_bindgen]
impl KeyRegistry {
    /// Reads a registry file, JSON or CSV (told apart by the first
    /// character), as text or bytes. `lang` selects the language of the
    /// error message.
    ///
    /// # Errors
    /// Throws `OcmfError` 802 with `line`, `column`, `field` and `span` for a
    /// file that cannot be read (bytes that are not UTF-8 included); 702 for
    /// anything but a string or `Uint8Array`, 701 for an unknown language.
    pub fn load(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        run(|| {
            let lang = read_lang(lang)?;
            if let Some(text) = input.as_string() {
                return Self::keep(Registry::load(&text), lang);
            }
            let bytes = bytes_of(input).ok_or_else(|| arg_error("registry"))?;
            Self::keep(Registry::load_bytes(&bytes), lang)
        })
    }

    /// Reads the JSON format (`{"format": "ocmf-key-registry", "keys": [...]}`).
    ///
    /// # Errors
    /// As `load` (text only).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        run(|| Self::read_text(text, lang, Registry::from_json))
    }

    /// Reads the CSV format (header `meter_serial,public_key,...`).
    ///
    /// # Errors
    /// As `load` (text only).
    #[wasm_bindgen(js_name = fromCsv)]
    pub fn from_csv(
        #[wasm_bindgen(unchecked_param_type = "string")] text: &JsValue,
        #[wasm_bindgen(unchecked_param_type = "Lang | void")] lang: Option<JsValue>,
    ) -> Result<KeyRegistry, JsValue> {
        run(|| Self::read_text(text, lang, Registry::from_csv))
    }

    /// The number of registered keys.
    ///
    /// # Errors
    /// Throws `OcmfError` 704 after an internal error (see `OcmfError`).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> Result<usize, JsValue> {
        run(|| Ok(self.len))
    }

    /// The registered keys, in file order (`keyIndex` in trust reports
    /// indexes this list).
    ///
    /// # Errors
    /// Throws `OcmfError` 702 when the registry was freed.
    #[wasm_bindgen(getter, unchecked_return_type = "RegistryEntry[]")]
    pub fn entries(&self) -> Result<JsValue, JsValue> {
        run(|| {
            let reg = handle(self.id)?;
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
        })
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
        // After a panic the table may be left borrowed: release nothing.
        if panicked().is_none() {
            REGISTRIES.with(|m| m.borrow_mut().remove(&self.id));
        }
    }
}
