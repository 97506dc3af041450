//! `evaluate_session`: the records of one charging session through
//! [`Checker::session`].

use ocmf_core::session::{SessionRecord, SessionReport};
use ocmf_core::{Error, ErrorCode, Lang};
use pyo3::prelude::*;

use crate::boundary::{
    checker, core_error, guarded, invalid_argument, lang, py_error, record_bytes,
};
use crate::key::KeyArg;
use crate::registry::Registry;

/// A session's verdict, code and canonical JSON.
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct SessionOutcome {
    /// `valid`, `incomplete`, `invalid` or `malformed`.
    #[pyo3(get)]
    verdict: &'static str,
    /// The core's code (0 when valid).
    #[pyo3(get)]
    code: u32,
    /// The canonical JSON report.
    #[pyo3(get)]
    json: String,
}

impl SessionOutcome {
    /// The outcome of a session in the other formats (the same three members).
    pub(crate) fn of_format(session: &ocmf_core::formats::FormatSession, lang: Lang) -> Self {
        Self {
            verdict: session.verdict.as_str(),
            code: session.code().code(),
            json: session.to_json_string(lang),
        }
    }

    pub(crate) fn of(report: &SessionReport<'_>, lang: Lang) -> Self {
        Self {
            verdict: report.verdict.as_str(),
            code: report.code().code(),
            json: report.to_json_string(lang),
        }
    }
}

/// The arguments every session entry point takes, read once.
pub(crate) struct SessionArgs {
    pub(crate) checker: ocmf_core::Checker<'static>,
    pub(crate) lang: Lang,
    pub(crate) key: KeyArg,
}

impl SessionArgs {
    pub(crate) fn from_py(
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        profile: &str,
        lang: &str,
        backend: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            checker: checker(py, profile, backend)?,
            lang: self::lang(py, lang)?,
            key: KeyArg::from_py(py, key)?,
        })
    }
}

/// One session record as text: `str`, or `bytes` that are UTF-8.
fn session_text(py: Python<'_>, i: usize, record: &Bound<'_, PyAny>) -> PyResult<String> {
    String::from_utf8(record_bytes(py, record)?).map_err(|_| {
        let code = ErrorCode::NotUtf8;
        py_error(
            py,
            code,
            &format!("session record {i}: {}", Error::new(code).message(Lang::En)),
        )
    })
}

/// The `i`-th entry of an optional parallel list.
fn nth<'a, 'py>(list: Option<&'a [Bound<'py, PyAny>]>, i: usize) -> Option<&'a Bound<'py, PyAny>> {
    list.and_then(|l| l.get(i))
}

/// An optional parallel list, as long as the records.
fn parallel<'py>(
    py: Python<'py>,
    list: Option<&Bound<'py, PyAny>>,
    what: &str,
    records: usize,
) -> PyResult<Option<Vec<Bound<'py, PyAny>>>> {
    let Some(list) = list.filter(|l| !l.is_none()) else {
        return Ok(None);
    };
    let v: Vec<Bound<'py, PyAny>> = list.try_iter()?.collect::<PyResult<_>>()?;
    if v.len() != records {
        return Err(invalid_argument(
            py,
            &format!("{records} session records but {} {what}", v.len()),
        ));
    }
    Ok(Some(v))
}

/// evaluate_session(records, carried=None, labels=None, key=None, registry=None,
/// profile="interop", lang="en", *, backend="auto") -> SessionOutcome
///
/// `records` are `str` or UTF-8 `bytes` (other bytes raise code 102 with
/// the record's index); `carried` holds the key carried with each record
/// (`str`, `bytes`, `ocmf.Key` or None), `labels` a label (`str` or None)
/// per record; `key` is a key for every record.
#[pyfunction]
#[pyo3(signature = (records, carried=None, labels=None, key=None, registry=None, profile="interop", lang="en", *, backend="auto"))]
#[allow(clippy::too_many_arguments, reason = "the Python signature")]
pub(crate) fn evaluate_session(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    carried: Option<&Bound<'_, PyAny>>,
    labels: Option<&Bound<'_, PyAny>>,
    key: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, Registry>>,
    profile: &str,
    lang: &str,
    backend: &str,
) -> PyResult<SessionOutcome> {
    let args = SessionArgs::from_py(py, key, profile, lang, backend)?;
    let records: Vec<Bound<'_, PyAny>> = records.try_iter()?.collect::<PyResult<_>>()?;
    let carried = parallel(py, carried, "carried keys", records.len())?;
    let labels = parallel(py, labels, "labels", records.len())?;
    let mut owned: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let key = KeyArg::from_py(py, nth(carried.as_deref(), i)).map_err(|_| {
            invalid_argument(
                py,
                &format!("session record {i}: a key must be str, bytes, ocmf.Key or None"),
            )
        })?;
        let label = match nth(labels.as_deref(), i).filter(|l| !l.is_none()) {
            None => None,
            Some(l) => Some(l.extract::<String>().map_err(|_| {
                invalid_argument(
                    py,
                    &format!("session record {i}: a label must be str or None"),
                )
            })?),
        };
        owned.push((session_text(py, i, record)?, key.into_text(), label));
    }
    let checker = args.checker.registry(registry.map(|r| r.get().inner()));
    let out = guarded(py, || {
        let recs: Vec<SessionRecord<'_>> = owned
            .iter()
            .map(|(r, k, l)| SessionRecord {
                record: r,
                key: k.as_deref(),
                label: l.as_deref(),
            })
            .collect();
        checker
            .session(&recs, args.key.input())
            .map(|report| SessionOutcome::of(&report, args.lang))
    })?;
    out.map_err(|e| core_error(py, &e))
}
