//! `extract` and `to_xml`: signed values in and out of OCPP messages and
//! logs, XML and containers (the core's `transport`), as named objects;
//! an extraction's sessions through [`Checker::sessions`].

use ocmf_core::ExactDecimal;
use ocmf_core::transport::{self as tr, GroupReport, SignedValue, Transport};
use pyo3::prelude::*;

use crate::boundary::{core_error, guarded, invalid_argument, text_or_bytes};
use crate::formats::FormatResult;
use crate::registry::Registry;
use crate::session::{SessionArgs, SessionOutcome};
use ocmf_core::formats::Format;

/// One signed value found in the input.
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
pub(crate) struct Value {
    record: String,
    public_key: Option<String>,
    transport: &'static str,
    station: Option<String>,
    transaction_id: Option<String>,
    transaction_inferred: bool,
    evse: Option<u32>,
    connector: Option<u32>,
    context: Option<String>,
    timestamp: Option<String>,
    line: Option<usize>,
    message_id: Option<String>,
    action: Option<String>,
    /// The EVSE id as text (CDRs: OCPI `evse_id`, OICP `EvseID`).
    evse_id: Option<String>,
    /// The token that started the session (CDRs).
    token: Option<String>,
    /// The billed energy in kWh, exactly as the CDR wrote it (decimal text).
    billed_kwh: Option<String>,
    /// What the CDR shows as the value's plain text (OCPI `plain_data`).
    plain_data: Option<String>,
    /// The format of the value: None for OCMF, else `ALFEN`, `EDL40`, ...
    format: Option<&'static str>,
}

impl Value {
    fn of(v: &SignedValue) -> Self {
        Self {
            record: v.record.clone(),
            public_key: v.public_key.clone(),
            transport: v.transport.as_str(),
            station: v.station.clone(),
            transaction_id: v.transaction_id.clone(),
            transaction_inferred: v.transaction_inferred,
            evse: v.evse,
            connector: v.connector,
            context: v.context.clone(),
            timestamp: v.timestamp.clone(),
            line: v.origin.line,
            message_id: v.origin.message_id.clone(),
            action: v.origin.action.clone(),
            evse_id: v.evse_id.clone(),
            token: v.token.clone(),
            billed_kwh: v.billed_kwh.map(|d| d.to_string()),
            plain_data: v.plain_data.clone(),
            format: v.format.map(Format::as_str),
        }
    }
}

/// Something in the input that could not be read.
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
pub(crate) struct Issue {
    code: u32,
    name: &'static str,
    line: Option<usize>,
    message: String,
}

/// The values of one session: station, transaction id, EVSE, value indices.
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
pub(crate) struct GroupInfo {
    station: Option<String>,
    transaction_id: Option<String>,
    evse: Option<u32>,
    /// The EVSE id as text (CDRs).
    evse_id: Option<String>,
    /// The token (CDRs).
    token: Option<String>,
    values: Vec<usize>,
}

impl GroupInfo {
    fn of(g: tr::Group) -> Self {
        Self {
            station: g.station,
            transaction_id: g.transaction_id,
            evse: g.evse,
            evse_id: g.evse_id,
            token: g.token,
            values: g.values,
        }
    }
}

/// A group and its session: the group's members, the session outcome
/// (`session`) and the group's JSON (`{station, transaction_id, evse, values, report}`).
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct GroupSession {
    #[pyo3(get)]
    group: Py<GroupInfo>,
    #[pyo3(get)]
    session: Py<SessionOutcome>,
    /// The format check of each value in another format: (value index, result).
    #[pyo3(get)]
    formats: Vec<(usize, Py<FormatResult>)>,
    /// The values in other formats checked as one session, when the group has such values.
    #[pyo3(get)]
    format_session: Option<Py<SessionOutcome>>,
    /// The group's verdict (its OCMF session's, its format session's, or the worse).
    #[pyo3(get)]
    verdict: &'static str,
    #[pyo3(get)]
    json: String,
}

/// Reads one attribute of a Python signed value.
fn attr<'py, T: FromPyObjectOwned<'py>>(
    py: Python<'py>,
    i: usize,
    item: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<T> {
    let value = item.getattr(name).ok().and_then(|a| a.extract::<T>().ok());
    value
        .ok_or_else(|| invalid_argument(py, &format!("value {i}: expected a SignedValue ({name})")))
}

/// The billed energy of a Python signed value: None, or a decimal (`str`,
/// `Decimal`, `int`) read exactly from its text.
fn billed_in(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyResult<Option<ExactDecimal>> {
    let bad = || {
        invalid_argument(
            py,
            &format!("value {i}: billed_kwh must be a decimal or None"),
        )
    };
    let value = item.getattr("billed_kwh").map_err(|_| bad())?;
    if value.is_none() {
        return Ok(None);
    }
    let text = value.str().map_err(|_| bad())?.to_string();
    ExactDecimal::parse(&text).map(Some).ok_or_else(bad)
}

/// A Python `ocmf.SignedValue` (read by attribute name) as the core's.
fn value_in(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyResult<SignedValue> {
    let name: String = attr(py, i, item, "transport")?;
    let Some(transport) = Transport::from_name(&name) else {
        return Err(invalid_argument(
            py,
            &format!("value {i}: unknown transport {name:?}"),
        ));
    };
    let mut v = SignedValue::new(attr(py, i, item, "record")?, transport);
    v.public_key = attr(py, i, item, "public_key")?;
    v.station = attr(py, i, item, "station")?;
    v.transaction_id = attr(py, i, item, "transaction_id")?;
    v.transaction_inferred = attr(py, i, item, "transaction_inferred")?;
    v.evse = attr(py, i, item, "evse")?;
    v.connector = attr(py, i, item, "connector")?;
    v.context = attr(py, i, item, "context")?;
    v.timestamp = attr(py, i, item, "timestamp")?;
    v.origin.line = attr(py, i, item, "line")?;
    v.origin.message_id = attr(py, i, item, "message_id")?;
    v.origin.action = attr(py, i, item, "action")?;
    v.evse_id = attr(py, i, item, "evse_id")?;
    v.token = attr(py, i, item, "token")?;
    v.billed_kwh = billed_in(py, i, item)?;
    v.plain_data = attr(py, i, item, "plain_data")?;
    // `format` is optional (a value built before it existed is OCMF).
    let format: Option<String> = item
        .getattr("format")
        .ok()
        .and_then(|a| a.extract().ok())
        .flatten();
    v.format =
        match format {
            None => None,
            Some(name) => Some(Format::from_name(&name).ok_or_else(|| {
                invalid_argument(py, &format!("value {i}: unknown format {name:?}"))
            })?),
        };
    Ok(v)
}

/// What `extract` found in an input (the core's `Extraction`).
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct Extraction {
    inner: tr::Extraction,
}

impl Extraction {
    /// Every group checked as one session, with what `f` makes of them.
    fn with_sessions<R: Send>(
        &self,
        py: Python<'_>,
        (key, registry, profile, lang, backend): SessionsArgs<'_, '_>,
        f: impl FnOnce(&[GroupReport<'_>], ocmf_core::Lang) -> R + Send,
    ) -> PyResult<R> {
        let args = SessionArgs::from_py(py, key, profile, lang, backend)?;
        let checker = args.checker.registry(registry.map(|r| r.get().inner()));
        let out = guarded(py, || {
            checker
                .sessions(&self.inner, args.key.input())
                .map(|groups| f(&groups, args.lang))
        })?;
        out.map_err(|e| core_error(py, &e))
    }
}

/// The arguments of `Extraction.sessions` and `sessions_json`.
type SessionsArgs<'a, 'py> = (
    Option<&'a Bound<'py, PyAny>>,
    Option<&'a Bound<'py, Registry>>,
    &'a str,
    &'a str,
    &'a str,
);

#[pymethods]
impl Extraction {
    /// The detected input format, e.g. `ocpp-log`.
    #[getter]
    fn format(&self) -> &'static str {
        self.inner.format.as_str()
    }

    /// Whether the input started with a UTF-8 byte-order mark (the core's
    /// `byte_order_mark`; the values' spans still count it).
    #[getter]
    fn byte_order_mark(&self) -> bool {
        self.inner.byte_order_mark
    }

    /// How many duplicate values were dropped.
    #[getter]
    fn duplicates(&self) -> usize {
        self.inner.duplicates
    }

    /// The signed values.
    fn values(&self) -> Vec<Value> {
        self.inner.values.iter().map(Value::of).collect()
    }

    /// What could not be read.
    fn errors(&self) -> Vec<Issue> {
        self.inner
            .errors
            .iter()
            .map(|e| Issue {
                code: e.code.code(),
                name: e.code.name(),
                line: e.line,
                message: e.message.clone(),
            })
            .collect()
    }

    /// The values sorted into sessions.
    fn groups(&self, py: Python<'_>) -> Vec<GroupInfo> {
        let groups = py.detach(|| self.inner.groups());
        groups.into_iter().map(GroupInfo::of).collect()
    }

    /// The values as the transparency software's XML.
    fn to_xml(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || self.inner.to_xml())
    }

    /// The extraction as canonical JSON.
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || self.inner.to_json_string())
    }

    /// Every group evaluated as one session.
    #[pyo3(signature = (key=None, registry=None, profile="interop", lang="en", *, backend="auto"))]
    fn sessions(
        &self,
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        registry: Option<&Bound<'_, Registry>>,
        profile: &str,
        lang: &str,
        backend: &str,
    ) -> PyResult<Vec<GroupSession>> {
        let args = (key, registry, profile, lang, backend);
        let checked = self.with_sessions(py, args, |groups, lang| {
            groups
                .iter()
                .map(|g| {
                    let outcome = SessionOutcome::of(&g.report, lang);
                    let formats: Vec<(usize, FormatResult)> = g
                        .formats
                        .iter()
                        .map(|f| (f.value, FormatResult::new(f.check.clone(), lang)))
                        .collect();
                    let format_session = g
                        .format_session
                        .as_ref()
                        .map(|f| SessionOutcome::of_format(f, lang));
                    let json = g.to_json_string(lang);
                    (
                        g.group.clone(),
                        outcome,
                        formats,
                        format_session,
                        g.verdict(),
                        json,
                    )
                })
                .collect::<Vec<_>>()
        })?;
        checked
            .into_iter()
            .map(|(group, session, formats, format_session, verdict, json)| {
                Ok(GroupSession {
                    group: Py::new(py, GroupInfo::of(group))?,
                    session: Py::new(py, session)?,
                    formats: formats
                        .into_iter()
                        .map(|(i, r)| Ok((i, Py::new(py, r)?)))
                        .collect::<PyResult<_>>()?,
                    format_session: format_session.map(|f| Py::new(py, f)).transpose()?,
                    verdict: verdict.as_str(),
                    json,
                })
            })
            .collect()
    }

    /// `{extraction, sessions}` as canonical JSON (the CLI's `extract --json`).
    #[pyo3(signature = (key=None, registry=None, profile="interop", lang="en", *, backend="auto"))]
    fn sessions_json(
        &self,
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        registry: Option<&Bound<'_, Registry>>,
        profile: &str,
        lang: &str,
        backend: &str,
    ) -> PyResult<String> {
        let args = (key, registry, profile, lang, backend);
        self.with_sessions(py, args, |groups, lang| {
            self.inner.json_with_sessions(groups, lang).to_string()
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "<Extraction {} values={} errors={} duplicates={}>",
            self.inner.format.as_str(),
            self.inner.values.len(),
            self.inner.errors.len(),
            self.inner.duplicates
        )
    }
}

/// extract(data) -> Extraction: `str`, `bytes` or `bytearray` (any input
/// format; the core checks size and UTF-8).
#[pyfunction]
pub(crate) fn extract(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Extraction> {
    let Some(bytes) = text_or_bytes(data)? else {
        return Err(invalid_argument(py, "data must be str or bytes"));
    };
    guarded(py, || Extraction {
        inner: tr::extract_bytes(&bytes),
    })
}

/// to_xml(values) -> str: signed values (`ocmf.SignedValue`, read by
/// attribute name) as the transparency software's XML.
#[pyfunction]
pub(crate) fn to_xml(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<String> {
    let mut vs = Vec::new();
    for (i, item) in values.try_iter()?.enumerate() {
        vs.push(value_in(py, i, &item?)?);
    }
    guarded(py, || tr::to_xml(&vs))
}

/// The transport names (`Transport::as_str`), in the core's order.
pub(crate) fn transport_names() -> Vec<&'static str> {
    Transport::ALL.iter().map(|t| t.as_str()).collect()
}
