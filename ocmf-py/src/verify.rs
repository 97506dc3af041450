//! `verify` (one record, through [`Checker::verify`]) and `parse`.

use ocmf_core::{Checker, ErrorCode, Options, Report, parse_with, payload_json, str_from_bytes};
use pyo3::prelude::*;

use crate::boundary::{checker, core_error, guarded, lang, record_bytes};
use crate::key::KeyArg;
use crate::registry::Registry;

/// One record's summary: the columns of a batch row.
#[derive(Clone, Copy)]
pub(crate) struct Row {
    pub(crate) verdict: &'static str,
    pub(crate) code: u32,
    pub(crate) signature_valid: Option<bool>,
    pub(crate) algorithm: Option<&'static str>,
}

impl Row {
    pub(crate) fn of(report: &Report<'_>) -> Self {
        Self {
            verdict: report.verdict.as_str(),
            code: report.code().code(),
            signature_valid: report.signature_valid,
            algorithm: report.algorithm.map(|a| a.sa()),
        }
    }

    /// The row of a record whose check panicked (code 704).
    pub(crate) const INTERNAL: Self = Self {
        verdict: "malformed",
        code: ErrorCode::Internal as u32,
        signature_valid: None,
        algorithm: None,
    };
}

/// What `verify` returns: the summary and the core's canonical JSON.
#[pyclass(module = "ocmf._ocmf", frozen, name = "VerifyOutcome")]
pub(crate) struct VerifyOutcome {
    row: Row,
    json: String,
}

#[pymethods]
impl VerifyOutcome {
    /// `valid`, `invalid-signature`, `malformed` or `unsupported`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.row.verdict
    }

    /// The core's code (0 when valid).
    #[getter]
    fn code(&self) -> u32 {
        self.row.code
    }

    /// Whether the signature verified (None when it was not checked).
    #[getter]
    fn signature_valid(&self) -> Option<bool> {
        self.row.signature_valid
    }

    /// The `SA` the record was checked with, when known.
    #[getter]
    fn algorithm(&self) -> Option<&'static str> {
        self.row.algorithm
    }

    /// The canonical JSON report (with a registry: with the trust members).
    #[getter]
    fn json(&self) -> &str {
        &self.json
    }
}

/// verify(record, key=None, profile="interop", lang="en", registry=None, *, backend="auto") -> VerifyOutcome
///
/// Never raises for a bad record; raises only for a bad argument type,
/// profile, language or backend. With a registry `key` is the carried key
/// and the JSON has the trust members.
#[pyfunction]
#[pyo3(signature = (record, key=None, profile="interop", lang="en", registry=None, *, backend="auto"))]
pub(crate) fn verify(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    profile: &str,
    lang: &str,
    registry: Option<&Bound<'_, Registry>>,
    backend: &str,
) -> PyResult<VerifyOutcome> {
    let checker: Checker<'_> =
        checker(py, profile, backend)?.registry(registry.map(|r| r.get().inner()));
    let lang = self::lang(py, lang)?;
    let record = record_bytes(py, record)?;
    let key = KeyArg::from_py(py, key)?;
    guarded(py, || {
        let report = checker.verify(&record, key.input());
        VerifyOutcome {
            row: Row::of(&report),
            json: report.to_json_string(lang),
        }
    })
}

/// backend_name(name) -> str: the core's name of a backend (`auto`,
/// `pure-rust`, `native`, `reference`); raises `InvalidArgumentError` (702)
/// for any other name.
#[pyfunction]
pub(crate) fn backend_name(py: Python<'_>, name: &str) -> PyResult<&'static str> {
    crate::boundary::backend(py, name).map(ocmf_core::Backend::as_str)
}

/// parse(record) -> str: the payload as canonical JSON text; raises for
/// unreadable records (the core's code).
#[pyfunction]
pub(crate) fn parse(py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<String> {
    let record = record_bytes(py, record)?;
    let options = Options::default();
    let text = str_from_bytes(&record, &options.limits).map_err(|e| core_error(py, &e))?;
    let parsed = parse_with(text, &options).map_err(|e| core_error(py, &e))?;
    Ok(payload_json(&parsed.payload).to_string())
}
