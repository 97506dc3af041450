//! `Registry`: trusted keys read by the core (`Registry::load_bytes`,
//! `from_json`, `from_csv`), and its entries as named objects.

use std::sync::Arc;

use ocmf_core::Lang;
use ocmf_core::registry::{self as reg, RegistryError};
use pyo3::prelude::*;

use crate::boundary::{guarded, invalid_argument, lang, text_or_bytes};
use crate::key::Key;

/// Raises `ocmf.RegistryError` with the core's code (802, or 102 for bytes
/// that are not UTF-8), line, column, field and span.
fn registry_error(py: Python<'_>, e: &RegistryError, lang: Lang) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("ocmf._errors")?.getattr("RegistryError")?;
        let exc = class.call1((
            e.message(lang),
            e.code().code(),
            e.line,
            e.column,
            e.field,
            (e.span.start, e.span.end),
        ))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// How the registry text is read.
#[derive(Clone, Copy)]
enum Form {
    /// JSON or CSV, by the first non-blank character.
    Any,
    Json,
    Csv,
}

impl Form {
    /// The core's reading of `bytes`; bytes that are not UTF-8 are the
    /// core's `not_utf8` error for every form (`Registry::load_bytes`).
    fn read(self, bytes: &[u8]) -> Result<reg::Registry, RegistryError> {
        let reader = match self {
            Self::Any => return reg::Registry::load_bytes(bytes),
            Self::Json => reg::Registry::from_json,
            Self::Csv => reg::Registry::from_csv,
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => reader(text),
            // Not UTF-8: `load_bytes` reports where, before any reading.
            Err(_) => reg::Registry::load_bytes(bytes),
        }
    }
}

/// A set of trusted keys (serial → public key, validity window, source).
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct Registry {
    inner: reg::Registry,
}

impl Registry {
    /// The core's registry.
    pub(crate) const fn inner(&self) -> &reg::Registry {
        &self.inner
    }

    fn read(py: Python<'_>, data: &Bound<'_, PyAny>, lang: &str, form: Form) -> PyResult<Self> {
        let lang = self::lang(py, lang)?;
        let Some(bytes) = text_or_bytes(data)? else {
            return Err(invalid_argument(
                py,
                &format!(
                    "a registry must be str or bytes, not {}",
                    data.get_type().name()?
                ),
            ));
        };
        match guarded(py, || form.read(&bytes))? {
            Ok(inner) => Ok(Self { inner }),
            Err(e) => Err(registry_error(py, &e, lang)),
        }
    }
}

#[pymethods]
impl Registry {
    /// An empty registry.
    #[new]
    fn new() -> Self {
        Self {
            inner: reg::Registry::new(),
        }
    }

    /// Reads JSON (first non-blank character `{` or `[`) or CSV, from text
    /// or bytes.
    #[staticmethod]
    #[pyo3(signature = (data, lang="en"))]
    fn load(py: Python<'_>, data: &Bound<'_, PyAny>, lang: &str) -> PyResult<Self> {
        Self::read(py, data, lang, Form::Any)
    }

    /// Reads the JSON form.
    #[staticmethod]
    #[pyo3(signature = (data, lang="en"))]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>, lang: &str) -> PyResult<Self> {
        Self::read(py, data, lang, Form::Json)
    }

    /// Reads the CSV form.
    #[staticmethod]
    #[pyo3(signature = (data, lang="en"))]
    fn from_csv(py: Python<'_>, data: &Bound<'_, PyAny>, lang: &str) -> PyResult<Self> {
        Self::read(py, data, lang, Form::Csv)
    }

    /// The entries in file order.
    fn entries(&self) -> Vec<Entry> {
        self.inner.entries().iter().map(Entry::of).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<Registry with {} keys>", self.inner.len())
    }
}

/// One registry entry, read by name.
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct Entry {
    /// The meter serial it binds, if any.
    #[pyo3(get)]
    meter_serial: Option<String>,
    /// The gateway serial it binds, if any.
    #[pyo3(get)]
    gateway_serial: Option<String>,
    /// Start of the validity window (ms since 1970 UTC), if any.
    #[pyo3(get)]
    valid_from_ms: Option<i64>,
    /// End of the validity window (ms since 1970 UTC), if any.
    #[pyo3(get)]
    valid_until_ms: Option<i64>,
    /// The source label.
    #[pyo3(get)]
    source: String,
    /// The 1-based line of the file.
    #[pyo3(get)]
    line: usize,
    /// The key's fingerprint.
    #[pyo3(get)]
    fingerprint: String,
    key: Arc<ocmf_core::PublicKey>,
}

impl Entry {
    fn of(e: &reg::KeyEntry) -> Self {
        Self {
            meter_serial: e.meter_serial.clone(),
            gateway_serial: e.gateway_serial.clone(),
            valid_from_ms: e.valid_from,
            valid_until_ms: e.valid_until,
            source: e.source.clone(),
            line: e.line,
            fingerprint: e.fingerprint(),
            key: Arc::new(e.key.clone()),
        }
    }
}

#[pymethods]
impl Entry {
    /// The registered key.
    #[getter]
    fn public_key(&self) -> Key {
        Key {
            key: Arc::clone(&self.key),
        }
    }
}
