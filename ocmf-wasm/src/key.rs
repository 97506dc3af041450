//! `Key`: a public key decoded once and reused for many checks.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use ocmf_core::PublicKey;
use ocmf_core::registry::key_fingerprint;
use wasm_bindgen::prelude::*;

use crate::args::bytes_of;
use crate::boundary::{arg_error, panicked, run, to_js_error};

/// A decoded key and its text: a session record carries key *text*
/// (`SessionRecord::key`), so a `Key` given as a record's key passes the
/// text it was made from (key bytes as the core's
/// [`PublicKey::input_as_text`]).
pub(crate) struct KeyData {
    pub(crate) key: PublicKey,
    pub(crate) text: String,
}

thread_local! {
    static KEYS: RefCell<HashMap<u32, Rc<KeyData>>> = RefCell::new(HashMap::new());
    static NEXT_HANDLE: Cell<u32> = const { Cell::new(1) };
}

/// A fresh handle id (shared by keys and registries, never 0).
pub(crate) fn next_handle() -> u32 {
    NEXT_HANDLE.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

/// The live key of a handle id.
pub(crate) fn lookup(id: u32) -> Option<Rc<KeyData>> {
    KEYS.with(|m| m.borrow().get(&id).cloned())
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
    /// Decodes a key: text (hex in any case and with spaces, base64, PEM,
    /// `oca:`) or bytes (UTF-8 key text, else SPKI DER, SEC1 or bare XY).
    ///
    /// # Errors
    /// Throws `OcmfError` with the key code (5xx; 500 for blank text or
    /// empty bytes) or 702 for anything but a string or `Uint8Array`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: &JsValue,
    ) -> Result<Key, JsValue> {
        run(|| {
            let (key, text) = if let Some(text) = input.as_string() {
                (PublicKey::parse(&text), text)
            } else if let Some(bytes) = bytes_of(input) {
                let text = PublicKey::input_as_text(&bytes).into_owned();
                (PublicKey::from_input(&bytes), text)
            } else {
                return Err(arg_error("key"));
            };
            let key = key.map_err(|e| to_js_error(&e))?;
            let id = next_handle();
            let out = Key {
                id,
                sec1_hex: key.sec1_hex(),
                curves: key.curves().map(|c| c.name().to_owned()).collect(),
                declared_curve: key.declared_curve.map(|c| c.name().to_owned()),
                fingerprint: key_fingerprint(&key),
            };
            KEYS.with(|k| k.borrow_mut().insert(id, Rc::new(KeyData { key, text })));
            Ok(out)
        })
    }

    /// The key's fingerprint: the first 16 hex digits of SHA-256 over the
    /// compressed point (what registry reports name keys by).
    ///
    /// # Errors
    /// Throws `OcmfError` 704 after an internal error (see `OcmfError`).
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> Result<String, JsValue> {
        run(|| Ok(self.fingerprint.clone()))
    }

    /// The SEC1 point as uppercase hex (a stable fingerprint).
    ///
    /// # Errors
    /// As `fingerprint`.
    #[wasm_bindgen(getter, js_name = sec1Hex)]
    pub fn sec1_hex(&self) -> Result<String, JsValue> {
        run(|| Ok(self.sec1_hex.clone()))
    }

    /// The curves this key is a valid point on.
    ///
    /// # Errors
    /// As `fingerprint`.
    #[wasm_bindgen(getter)]
    pub fn curves(&self) -> Result<Vec<String>, JsValue> {
        run(|| Ok(self.curves.clone()))
    }

    /// The curve the key names itself (SPKI keys only), else `undefined`.
    ///
    /// # Errors
    /// As `fingerprint`.
    #[wasm_bindgen(getter, js_name = declaredCurve)]
    pub fn declared_curve(&self) -> Result<Option<String>, JsValue> {
        run(|| Ok(self.declared_curve.clone()))
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
        run(|| {
            lookup(self.id)
                .ok_or_else(|| arg_error("key"))?
                .key
                .precompute();
            Ok(())
        })
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        // After a panic the table may be left borrowed: release nothing.
        if panicked().is_none() {
            KEYS.with(|k| k.borrow_mut().remove(&self.id));
        }
    }
}
