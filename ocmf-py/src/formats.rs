//! `verify_format` and `format_session`: the other signed meter value formats (Alfen, EDL40,
//! ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH chargeIT, BAUER
//! BSM-WS36A, ChargePoint) through the core's [`Checker::verify_format`] and
//! [`Checker::format_session`].
//!
//! An adapter only: the core detects the format, reads the value, picks the
//! key (the caller's, the carried one, or the registry's) and decides the
//! verdict and the trust; this module maps its [`FormatCheck`] to frozen
//! Python objects and keeps the core's canonical JSON text.

use ocmf_core::formats::{FormatCheck, FormatFinding, FormatReading};
use ocmf_core::{Checker, Lang};
use pyo3::prelude::*;

use crate::boundary::{backend, guarded, invalid_argument, lang, text_or_bytes};
use crate::key::KeyArg;
use crate::registry::Registry;

/// One meter reading of a value (the core's `FormatReading`).
#[pyclass(module = "ocmf._ocmf", frozen, name = "FormatReading")]
pub(crate) struct Reading {
    inner: FormatReading,
}

#[pymethods]
impl Reading {
    /// `start`, `stop`, `intermediate` or `unknown`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// Seconds since 1970-01-01 UTC, when the reading has a time.
    #[getter]
    fn time_utc_s(&self) -> Option<i64> {
        self.inner.time.map(|t| t.utc_seconds)
    }

    /// The zone offset the value states, in minutes, if any.
    #[getter]
    fn offset_minutes(&self) -> Option<i32> {
        self.inner.time.and_then(|t| t.offset_minutes)
    }

    /// The time status letter (`S`, `U`, `I`, `R`), when there is a time.
    #[getter]
    fn time_status(&self) -> Option<char> {
        self.inner.time.map(|t| t.status.letter())
    }

    /// The value as an exact decimal text in `unit`.
    #[getter]
    fn value(&self) -> &str {
        &self.inner.value
    }

    /// `Wh` or `kWh`.
    #[getter]
    fn unit(&self) -> &'static str {
        self.inner.unit
    }

    /// The OBIS code, where the format has one.
    #[getter]
    fn obis(&self) -> Option<&str> {
        self.inner.obis.as_deref()
    }

    /// The meter's status word, where the format has one.
    #[getter]
    fn status(&self) -> Option<u64> {
        self.inner.status
    }

    /// The pagination / register counter, where the format has one.
    #[getter]
    fn pagination(&self) -> Option<u64> {
        self.inner.pagination
    }

    /// Whether this reading is covered by one of the value's signatures.
    #[getter]
    fn signed(&self) -> bool {
        self.inner.signed
    }

    fn __repr__(&self) -> String {
        format!(
            "FormatReading(kind={:?}, value={:?}, unit={:?})",
            self.kind(),
            self.inner.value,
            self.inner.unit
        )
    }
}

/// A note on a value (the core's `FormatFinding`).
#[pyclass(module = "ocmf._ocmf", frozen, name = "FormatFinding")]
pub(crate) struct Finding {
    inner: FormatFinding,
}

#[pymethods]
impl Finding {
    /// Stable code, e.g. `unsigned_field_differs`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code
    }

    /// Whether it makes the value unacceptable (verdict `malformed`).
    #[getter]
    fn rejects(&self) -> bool {
        self.inner.rejects
    }

    /// What it is about (a field name).
    #[getter]
    fn detail(&self) -> &str {
        &self.inner.detail
    }

    fn __repr__(&self) -> String {
        format!(
            "FormatFinding(code={:?}, rejects={}, detail={:?})",
            self.inner.code,
            if self.inner.rejects { "True" } else { "False" },
            self.inner.detail
        )
    }
}

/// Why a value could not be read (the core's `FormatError`).
#[pyclass(module = "ocmf._ocmf", frozen, get_all, name = "FormatErrorInfo")]
pub(crate) struct ErrorInfo {
    /// The stable code, `format_*`.
    code: &'static str,
    /// The field concerned (empty when none).
    field: &'static str,
    /// The message, in the language asked for.
    message: String,
}

#[pymethods]
impl ErrorInfo {
    fn __repr__(&self) -> String {
        format!(
            "FormatErrorInfo(code={:?}, field={:?}, message={:?})",
            self.code, self.field, self.message
        )
    }
}

/// What `verify_format` returns: the core's answer and its canonical JSON.
#[pyclass(module = "ocmf._ocmf", frozen, name = "FormatResult")]
pub(crate) struct FormatResult {
    check: FormatCheck,
    json: String,
    message: String,
    error_message: Option<String>,
}

impl FormatResult {
    pub(crate) fn new(check: FormatCheck, lang: Lang) -> Self {
        let value = check.to_json(lang);
        Self {
            message: value["message"].as_str().unwrap_or_default().to_owned(),
            error_message: value["error"]["message"].as_str().map(String::from),
            json: check.to_json_string(lang),
            check,
        }
    }
}

#[pymethods]
impl FormatResult {
    /// The format detected (`ALFEN`, `EDL40`, ...), None when none was.
    #[getter]
    fn format(&self) -> Option<&'static str> {
        self.check.format.map(ocmf_core::formats::Format::as_str)
    }

    /// `valid`, `invalid-signature`, `malformed` or `unsupported`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.check.verdict().as_str()
    }

    /// The stable code of the verdict's reason (`ok` when valid).
    #[getter]
    fn code(&self) -> &'static str {
        self.check.code()
    }

    /// The sentence on the verdict (or the reading error), in the language asked for.
    #[getter]
    fn message(&self) -> &str {
        &self.message
    }

    /// Whether every signature verified (true also when an acceptance rule
    /// then rejects the value).
    #[getter]
    fn signature_verified(&self) -> bool {
        self.check.report.signature_verified
    }

    /// The key used, uncompressed SEC1, uppercase hex.
    #[getter]
    fn key_sec1(&self) -> Option<&str> {
        self.check.report.key.as_ref().map(|(k, _)| k.as_str())
    }

    /// Where the key used came from: `caller`, `carried` or `registry`.
    #[getter]
    fn key_source(&self) -> Option<&'static str> {
        self.check.report.key.as_ref().map(|(_, o)| o.as_str())
    }

    /// The curve verified on.
    #[getter]
    fn curve(&self) -> Option<&'static str> {
        self.check.report.curve.map(ocmf_core::Curve::name)
    }

    /// The key's trust (`trusted`, `untrusted`, `mismatch`, `expired`,
    /// `unknown`) when checked with a registry, else None.
    #[getter]
    fn trust_status(&self) -> Option<&'static str> {
        self.check.trust.as_ref().map(|t| t.trust.as_str())
    }

    /// The key's trust as an `ocmf.Trust` (from the core's JSON) when
    /// checked with a registry, else None.
    #[getter]
    fn trust<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        if self.check.trust.is_none() {
            return Ok(None);
        }
        let data = py.import("json")?.call_method1("loads", (&self.json,))?;
        let trust = data.get_item("trust")?;
        let class = py.import("ocmf._registry")?.getattr("Trust")?;
        class.call_method1("from_dict", (trust,)).map(Some)
    }

    /// Fingerprint of the key the value was verified with (with a registry).
    #[getter]
    fn key_fingerprint(&self) -> Option<&str> {
        self.check.trust.as_ref()?.key_fingerprint.as_deref()
    }

    /// Fingerprint of the caller's or carried key (with a registry).
    #[getter]
    fn carried_key_fingerprint(&self) -> Option<&str> {
        self.check
            .trust
            .as_ref()?
            .carried_key_fingerprint
            .as_deref()
    }

    /// The meter's serial / server id, when the value could be read.
    #[getter]
    fn meter_serial(&self) -> Option<&str> {
        self.check.value.as_ref().map(|v| v.meter_serial.as_str())
    }

    /// The transaction / session id, where there is one.
    #[getter]
    fn transaction(&self) -> Option<&str> {
        self.check.value.as_ref()?.transaction.as_deref()
    }

    /// The contract / authorisation id, where there is one.
    #[getter]
    fn contract(&self) -> Option<&str> {
        self.check.value.as_ref()?.contract.as_deref()
    }

    /// The readings, in the value's order (empty when unreadable).
    #[getter]
    fn readings(&self) -> Vec<Reading> {
        self.check.value.as_ref().map_or_else(Vec::new, |v| {
            v.readings
                .iter()
                .map(|r| Reading { inner: r.clone() })
                .collect()
        })
    }

    /// The notes found while reading (empty when unreadable).
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        self.check.value.as_ref().map_or_else(Vec::new, |v| {
            v.findings
                .iter()
                .map(|f| Finding { inner: f.clone() })
                .collect()
        })
    }

    /// Why the value could not be read (verdict `malformed`), else None.
    #[getter]
    fn error(&self) -> Option<ErrorInfo> {
        self.check.error.as_ref().map(|e| ErrorInfo {
            code: e.code(),
            field: e.field,
            message: self.error_message.clone().unwrap_or_default(),
        })
    }

    /// Whether the verdict is `valid`.
    #[getter]
    fn is_valid(&self) -> bool {
        self.verdict() == "valid"
    }

    /// The core's canonical JSON (one line), byte for byte.
    #[getter]
    fn json(&self) -> &str {
        &self.json
    }

    /// The core's canonical JSON (one line), byte for byte.
    fn to_json(&self) -> &str {
        &self.json
    }

    fn __repr__(&self) -> String {
        format!(
            "FormatResult(format={:?}, verdict={:?}, code={:?})",
            self.format().unwrap_or("None"),
            self.verdict(),
            self.code()
        )
    }
}

/// verify_format(data, key=None, *, registry=None, backend="auto", lang="en") -> FormatResult
///
/// Never raises for a bad value (unreadable is verdict `malformed` with a
/// `format_*` code); raises `InvalidArgumentError` (702) only for a bad
/// argument type, backend or language.
#[pyfunction]
#[pyo3(signature = (data, key=None, *, registry=None, backend="auto", lang="en"))]
pub(crate) fn verify_format(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, Registry>>,
    backend: &str,
    lang: &str,
) -> PyResult<FormatResult> {
    let checker = Checker::new()
        .backend(self::backend(py, backend)?)
        .registry(registry.map(|r| r.get().inner()));
    let lang = self::lang(py, lang)?;
    let Some(bytes) = text_or_bytes(data)? else {
        return Err(invalid_argument(
            py,
            &format!(
                "a signed value must be str or bytes, not {}",
                data.get_type().name()?
            ),
        ));
    };
    let key = KeyArg::from_py(py, key)?;
    guarded(py, || {
        FormatResult::new(checker.verify_format(&bytes, key.input()), lang)
    })
}

/// chargepoint_value(secrrct, signature) -> str: a ChargePoint value made
/// of its two files as users have them (`secrrct`, and `secrrct.sign` as
/// binary DER, hex or base64), the core's join: what `verify_format` takes.
///
/// Raises `InvalidArgumentError` (702) only when an argument is not str,
/// bytes or bytearray; a wrong file is the check's typed answer.
#[pyfunction]
pub(crate) fn chargepoint_value(
    py: Python<'_>,
    secrrct: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let file = |name: &str, obj: &Bound<'_, PyAny>| -> PyResult<Vec<u8>> {
        text_or_bytes(obj)?.ok_or_else(|| {
            let kind = obj
                .get_type()
                .name()
                .map_or_else(|_| "?".into(), |n| n.to_string());
            invalid_argument(py, &format!("{name} must be str or bytes, not {kind}"))
        })
    };
    let (document, signature) = (file("secrrct", secrrct)?, file("signature", signature)?);
    guarded(py, || {
        ocmf_core::formats::chargepoint_value(&document, &signature)
    })
}

/// format_session(values, key=None, registry=None, profile="interop", lang="en",
/// *, backend="auto") -> SessionOutcome
///
/// The values of one charging session in the other formats, in session
/// order (`str` or `bytes` each), checked together by the core. Never
/// raises for a bad value (the verdict says what happened); raises
/// `InvalidArgumentError` (702) only for a wrong argument type, profile,
/// backend or language.
#[pyfunction]
#[pyo3(signature = (values, key=None, registry=None, profile="interop", lang="en", *, backend="auto"))]
#[allow(clippy::too_many_arguments, reason = "the Python signature")]
pub(crate) fn format_session(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, Registry>>,
    profile: &str,
    lang: &str,
    backend: &str,
) -> PyResult<crate::session::SessionOutcome> {
    let args = crate::session::SessionArgs::from_py(py, key, profile, lang, backend)?;
    if values.is_instance_of::<pyo3::types::PyString>()
        || values.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Err(invalid_argument(
            py,
            "values must be an iterable of signed values, not a single value",
        ));
    }
    let mut owned = Vec::new();
    for (i, v) in values.try_iter()?.enumerate() {
        let v = v?;
        let Some(bytes) = text_or_bytes(&v)? else {
            return Err(invalid_argument(
                py,
                &format!(
                    "session value {i}: a signed value must be str or bytes, not {}",
                    v.get_type().name()?
                ),
            ));
        };
        owned.push(bytes);
    }
    let checker = args.checker.registry(registry.map(|r| r.get().inner()));
    guarded(py, || {
        let values: Vec<&[u8]> = owned.iter().map(Vec::as_slice).collect();
        let session = checker.format_session(&values, args.key.input());
        crate::session::SessionOutcome::of_format(&session, args.lang)
    })
}
