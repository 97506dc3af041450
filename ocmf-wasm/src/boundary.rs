//! The boundary between JavaScript and the core: the one error converter
//! and the panic boundary.
//!
//! Every error thrown to JavaScript is an `OcmfError` (a JS `Error`
//! subclass) carrying the core's stable numeric `code`, `codeName`, `field`
//! and `span` (and `line`/`column` for registry files), made by
//! [`to_js_error`] (or [`registry_error`]).
//!
//! # Panics
//!
//! The wasm build aborts on panic (`panic_abort`: `catch_unwind` cannot
//! work there), which JavaScript would see as a bare
//! `WebAssembly.RuntimeError: unreachable`. Instead a panic hook, installed
//! once when the module starts ([`start`]), throws an `OcmfError` with code
//! 704 (`internal`) and the panic message to the JavaScript caller before
//! the abort happens. The Rust frames of that call are dropped without
//! running their destructors, so the instance's state may be inconsistent
//! (a table left borrowed, memory leaked). The module therefore marks
//! itself unusable: every later call goes through [`run`] and throws an
//! `OcmfError` 704 naming the first panic, and `free()` releases nothing.
//! Load the module again (a new page, worker or process) to go on. Only
//! `isOcmfError` keeps working, so that error handlers can still tell the
//! error apart.
//!
//! The core and this binding are written not to panic; the boundary is for
//! the bug nobody found yet. A trap that is no panic (wasm memory
//! exhausted) still reaches JavaScript as a `WebAssembly.RuntimeError`.

use std::cell::RefCell;

use ocmf_core::registry::RegistryError;
use ocmf_core::{Error, ErrorCode, Lang};
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
    pub(crate) fn with_json(obj: JsValue, json: &str) -> JsValue;

    #[wasm_bindgen(js_name = isOcmfError)]
    fn is_ocmf_error_js(value: &JsValue) -> bool;
}

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
#[must_use]
pub fn registry_error(e: &RegistryError, lang: Lang) -> JsValue {
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

/// An `OcmfError` 704 (`internal`) with its own message.
fn internal_with(message: &str) -> JsValue {
    let code = ErrorCode::Internal;
    let text = format!("{}: {message}", code.message(Lang::En));
    make_ocmf_error(
        &text,
        code.code(),
        code.name(),
        None,
        -1.0,
        -1.0,
        -1.0,
        -1.0,
    )
}

/// `OcmfError` 704: a conversion that cannot fail did.
pub(crate) fn internal_error() -> JsValue {
    to_js_error(&Error::new(ErrorCode::Internal))
}

/// `OcmfError` 702 (`invalid_argument`) naming the argument.
pub(crate) fn arg_error(field: &'static str) -> JsValue {
    to_js_error(&Error::new(ErrorCode::InvalidArgument).field(field))
}

/// `OcmfError` 701 (`usage`): an unknown profile or language name.
pub(crate) fn usage_error(field: &'static str) -> JsValue {
    to_js_error(&Error::new(ErrorCode::Usage).field(field))
}

#[allow(clippy::cast_precision_loss, reason = "offsets are far below 2^53")]
pub(crate) fn usize_to_f64(n: usize) -> f64 {
    n as f64
}

// ---------------------------------------------------------------- panics

thread_local! {
    /// The first panic's text, once the module has panicked.
    static PANICKED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the panic hook, once, when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(on_panic));
}

/// The panic hook: remember the panic (the module is unusable from now on)
/// and throw it to the JavaScript caller as an `OcmfError` 704.
fn on_panic(info: &std::panic::PanicHookInfo<'_>) {
    let text = panic_text(info.payload(), info.location());
    PANICKED.with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            p.get_or_insert_with(|| text.clone());
        }
    });
    #[cfg(target_arch = "wasm32")]
    wasm_bindgen::throw_val(internal_with(&text));
}

/// "message (at file:line)" from a panic's payload and location.
fn panic_text(
    payload: &(dyn std::any::Any + Send),
    location: Option<&std::panic::Location<'_>>,
) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("panic");
    match location {
        Some(l) => format!("{what} (at {}:{})", l.file(), l.line()),
        None => what.to_owned(),
    }
}

/// The first panic's text, when the module has panicked.
pub(crate) fn panicked() -> Option<String> {
    PANICKED.with(|p| p.try_borrow().ok().and_then(|p| p.clone()))
}

/// The panic boundary every export runs in: after a panic the module is
/// unusable and `f` is not run; the call throws `OcmfError` 704 instead.
///
/// # Errors
/// `f`'s error, or `OcmfError` 704 after an earlier panic.
pub(crate) fn run<T>(f: impl FnOnce() -> Result<T, JsValue>) -> Result<T, JsValue> {
    match panicked() {
        Some(first) => Err(internal_with(&format!(
            "the module stopped after an earlier panic ({first}); load it again"
        ))),
        None => f(),
    }
}

/// Whether `value` is an `OcmfError` thrown by this package. Works after a
/// panic too (see the module documentation), so error handlers can use it.
#[wasm_bindgen(js_name = isOcmfError, unchecked_return_type = "value is OcmfError")]
#[must_use]
pub fn is_ocmf_error(value: &JsValue) -> bool {
    is_ocmf_error_js(value)
}

/// Panics (inside the boundary), for the test of the boundary itself; only
/// in builds with the `panic-test` feature, never in the package.
///
/// # Errors
/// Never returns normally: throws the panic's `OcmfError` 704.
#[cfg(feature = "panic-test")]
#[wasm_bindgen(js_name = panicForTest)]
pub fn panic_for_test(message: &str) -> Result<(), JsValue> {
    run(|| panic!("{message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_text_names_message_and_place() {
        let here = std::panic::Location::caller();
        let text = panic_text(&"boom", Some(here));
        assert!(text.starts_with("boom (at "), "{text}");
        assert!(text.ends_with(&format!(":{})", here.line())), "{text}");
        assert_eq!(panic_text(&String::from("owned"), None), "owned");
        assert_eq!(panic_text(&42_u8, None), "panic");
    }
}
