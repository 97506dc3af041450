//! `verify_chunk`: one chunk of a batch through [`Checker::verify_all`]
//! (keys decoded once, wide tables for busy keys, worker threads), as
//! named columns.

use ocmf_core::registry::Trust;
use ocmf_core::{Checker, Item, Report};
use pyo3::prelude::*;

use crate::boundary::{checker, guarded, invalid_argument, or_internal, record_bytes};
use crate::key::KeyArg;
use crate::registry::Registry;
use crate::verify::Row;

/// The columns of a checked chunk, one entry per record in input order.
/// `trust` and `key_fingerprint` are there exactly when the chunk was
/// checked with a registry.
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct Columns {
    rows: Vec<Row>,
    trust: Option<Vec<(&'static str, Option<String>)>>,
}

#[pymethods]
impl Columns {
    /// The verdicts.
    #[getter]
    fn verdict(&self) -> Vec<&'static str> {
        self.rows.iter().map(|r| r.verdict).collect()
    }

    /// The codes.
    #[getter]
    fn code(&self) -> Vec<u32> {
        self.rows.iter().map(|r| r.code).collect()
    }

    /// Whether each signature verified (None when not checked).
    #[getter]
    fn signature_valid(&self) -> Vec<Option<bool>> {
        self.rows.iter().map(|r| r.signature_valid).collect()
    }

    /// The `SA` each record was checked with.
    #[getter]
    fn algorithm(&self) -> Vec<Option<&'static str>> {
        self.rows.iter().map(|r| r.algorithm).collect()
    }

    /// The key decisions (with a registry), else None.
    #[getter]
    fn trust(&self) -> Option<Vec<&'static str>> {
        self.trust
            .as_ref()
            .map(|t| t.iter().map(|(s, _)| *s).collect())
    }

    /// The fingerprints of the keys used (with a registry), else None.
    #[getter]
    fn key_fingerprint(&self) -> Option<Vec<Option<String>>> {
        self.trust
            .as_ref()
            .map(|t| t.iter().map(|(_, f)| f.clone()).collect())
    }

    fn __len__(&self) -> usize {
        self.rows.len()
    }
}

impl Columns {
    /// The columns of `reports`; the trust columns when `trusted`.
    fn of(reports: &[Report<'_>], trusted: bool) -> Self {
        Self {
            rows: reports.iter().map(Row::of).collect(),
            trust: trusted.then(|| reports.iter().map(trust_of).collect()),
        }
    }
}

fn trust_of(report: &Report<'_>) -> (&'static str, Option<String>) {
    (
        report.trust_status().as_str(),
        report.key_fingerprint().map(str::to_owned),
    )
}

/// Checks the items with the core's batch. Panic boundary: a panic inside
/// the batch (a bug) is caught, and the items are then checked one by one,
/// each behind its own boundary, so that only the record that panics gets
/// the internal row (code 704) and the others keep their answers.
fn checked_columns(checker: &Checker<'_>, items: &[Item<'_>]) -> Columns {
    let trusted = checker.registry_ref().is_some();
    if let Ok(columns) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Columns::of(&checker.verify_all(items), trusted)
    })) {
        return columns;
    }
    let internal = || (Row::INTERNAL, (Trust::Unknown.as_str(), None));
    let (rows, trust): (Vec<Row>, Vec<_>) = items
        .iter()
        .map(|item| {
            or_internal(
                || {
                    let report = checker.verify(item.record, item.key);
                    (Row::of(&report), trust_of(&report))
                },
                internal,
            )
        })
        .unzip();
    Columns {
        rows,
        trust: trusted.then_some(trust),
    }
}

/// The per-record keys of a chunk (`keys`, one per record, or `None`).
fn per_record_keys(
    py: Python<'_>,
    keys: Option<&Bound<'_, PyAny>>,
    records: usize,
) -> PyResult<Option<Vec<KeyArg>>> {
    let Some(keys) = keys.filter(|k| !k.is_none()) else {
        return Ok(None);
    };
    let mut v = Vec::with_capacity(records);
    for k in keys.try_iter()? {
        v.push(KeyArg::from_py(py, Some(&k?))?);
    }
    if v.len() != records {
        return Err(invalid_argument(
            py,
            &format!("{records} records but {} keys", v.len()),
        ));
    }
    Ok(Some(v))
}

/// verify_chunk(records, key=None, keys=None, profile="interop", threads=1, registry=None) -> Columns
///
/// Checks a list of records without the GIL on `threads` worker threads;
/// `key` is one key for every record, `keys` one per record (overrides
/// `key`). With a registry they are the keys carried with the records and
/// the columns include the trust decisions.
#[pyfunction]
#[pyo3(signature = (records, key=None, keys=None, profile="interop", threads=1, registry=None))]
pub(crate) fn verify_chunk(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    keys: Option<&Bound<'_, PyAny>>,
    profile: &str,
    threads: usize,
    registry: Option<&Bound<'_, Registry>>,
) -> PyResult<Columns> {
    let checker = checker(py, profile)?
        .registry(registry.map(|r| r.get().inner()))
        .threads(threads);
    if threads == 0 {
        return Err(invalid_argument(py, "threads must be at least 1"));
    }
    let mut inputs = Vec::new();
    for item in records.try_iter()? {
        inputs.push(record_bytes(py, &item?)?);
    }
    let shared = KeyArg::from_py(py, key)?;
    let per_record = per_record_keys(py, keys, inputs.len())?;
    let items: Vec<Item<'_>> = inputs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let key = per_record
                .as_ref()
                .and_then(|v| v.get(i))
                .unwrap_or(&shared);
            Item::new(r.as_slice()).key(key.input())
        })
        .collect();
    guarded(py, || checked_columns(&checker, &items))
}
