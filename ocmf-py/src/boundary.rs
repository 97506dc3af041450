//! The boundary between Python and the core: the `ocmf` exceptions, the
//! panic boundary, and the reading of arguments every entry point shares
//! (profile, language, record and input bytes).
//!
//! Nothing here decides a verdict: record bytes go to the core as they are
//! (the core checks their size and UTF-8), and every error is the core's
//! code mapped to the `ocmf` exception class of that code.

use std::panic::{AssertUnwindSafe, catch_unwind};

use ocmf_core::{Backend, Checker, Error, ErrorCode, Lang, Profile};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

/// Raises the `ocmf` exception class that matches `code`.
pub(crate) fn py_error(py: Python<'_>, code: ErrorCode, message: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let module = py.import("ocmf._errors")?;
        let class = module
            .getattr("error_class_for_code")?
            .call1((code.code(),))?;
        let exc = class.call1((message, code.code()))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// A core error as its `ocmf` exception (English message).
pub(crate) fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    py_error(py, e.code, &e.message(Lang::En))
}

/// `ocmf.InvalidArgumentError` (702).
pub(crate) fn invalid_argument(py: Python<'_>, message: &str) -> PyErr {
    py_error(py, ErrorCode::InvalidArgument, message)
}

/// `ocmf.InvalidArgumentError` with code 704 (`internal`): a caught panic.
pub(crate) fn internal(py: Python<'_>) -> PyErr {
    py_error(py, ErrorCode::Internal, "internal error (caught panic)")
}

/// Runs `f` without the GIL, behind the panic boundary: a panic (a bug)
/// becomes code 704 instead of unwinding into Python.
///
/// # Errors
/// The `internal` error when `f` panics.
pub(crate) fn guarded<R: Send>(py: Python<'_>, f: impl FnOnce() -> R + Send) -> PyResult<R> {
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|_| internal(py))
}

/// `f()`, or `fallback()` when it panics (for one row of a batch).
pub(crate) fn or_internal<R>(f: impl FnOnce() -> R, fallback: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| fallback())
}

/// The profile named by `profile` (the core's names).
///
/// # Errors
/// `InvalidArgumentError` for an unknown name.
pub(crate) fn profile(py: Python<'_>, profile: &str) -> PyResult<Profile> {
    Profile::parse(profile).ok_or_else(|| {
        invalid_argument(
            py,
            &format!("unknown profile {profile:?} (expected strict, interop or reference)"),
        )
    })
}

/// The language named by `lang` (the core's names).
///
/// # Errors
/// `InvalidArgumentError` for an unknown name.
pub(crate) fn lang(py: Python<'_>, lang: &str) -> PyResult<Lang> {
    Lang::parse(lang).ok_or_else(|| {
        invalid_argument(
            py,
            &format!("unknown language {lang:?} (expected en or de)"),
        )
    })
}

/// The backend named by `name` (the core's names: `auto`, `pure-rust`,
/// `native`, `reference`).
///
/// # Errors
/// `InvalidArgumentError` (702) for an unknown name.
pub(crate) fn backend(py: Python<'_>, name: &str) -> PyResult<Backend> {
    Backend::from_name(name).map_err(|e| {
        py_error(
            py,
            e.code,
            &format!("unknown backend {name:?} (expected auto, pure-rust, native or reference)"),
        )
    })
}

/// A checker with the profile and the backend named (no registry yet).
///
/// # Errors
/// As [`profile`] and [`backend`].
pub(crate) fn checker(py: Python<'_>, profile: &str, backend: &str) -> PyResult<Checker<'static>> {
    Ok(Checker::new()
        .profile(self::profile(py, profile)?)
        .backend(self::backend(py, backend)?))
}

/// The bytes of a `str`: its UTF-8, or for a `str` with lone surrogates
/// (which has no UTF-8 form) its `surrogatepass` encoding, bytes that are
/// not UTF-8 and that the core reports as such (code 102).
///
/// # Errors
/// A Python error of the encoding call (none is expected).
pub(crate) fn str_bytes(s: &Bound<'_, PyString>) -> PyResult<Vec<u8>> {
    match s.to_cow() {
        Ok(t) => Ok(t.into_owned().into_bytes()),
        Err(_) => Ok(s
            .call_method1("encode", ("utf-8", "surrogatepass"))?
            .cast::<PyBytes>()?
            .as_bytes()
            .to_vec()),
    }
}

/// The bytes of a `str`, `bytes` or `bytearray` argument, else `None`.
///
/// # Errors
/// As [`str_bytes`].
pub(crate) fn text_or_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Option<Vec<u8>>> {
    if let Ok(s) = obj.cast::<PyString>() {
        str_bytes(s).map(Some)
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        Ok(Some(b.as_bytes().to_vec()))
    } else if let Ok(b) = obj.cast::<PyByteArray>() {
        Ok(Some(b.to_vec()))
    } else {
        Ok(None)
    }
}

/// A record argument as bytes for the core: `str`, `bytes` or `None` (the
/// empty record).
///
/// # Errors
/// `InvalidArgumentError` for another type.
pub(crate) fn record_bytes(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if obj.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return str_bytes(s);
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    Err(invalid_argument(
        py,
        &format!(
            "a record must be str or bytes, not {}",
            obj.get_type().name()?
        ),
    ))
}
