//! `verify_chunk`: one chunk of a batch through [`Checker::verify_all`]
//! (keys decoded once, wide tables for busy keys, worker threads), as
//! named columns.

use std::panic::{AssertUnwindSafe, catch_unwind};

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
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
pub(crate) struct Columns {
    verdict: Vec<&'static str>,
    code: Vec<u32>,
    signature_valid: Vec<Option<bool>>,
    algorithm: Vec<Option<&'static str>>,
    trust: Option<Vec<&'static str>>,
    key_fingerprint: Option<Vec<Option<String>>>,
}

#[pymethods]
impl Columns {
    fn __len__(&self) -> usize {
        self.verdict.len()
    }
}

/// One record's columns: its row, and its key decision.
type Checked = (Row, (&'static str, Option<String>));

impl Columns {
    /// The columns of the checked records; the trust columns when `trusted`.
    fn of(checked: Vec<Checked>, trusted: bool) -> Self {
        let (rows, trust): (Vec<Row>, Vec<_>) = checked.into_iter().unzip();
        let (trust, key_fingerprint) = trust.into_iter().unzip();
        Self {
            verdict: rows.iter().map(|r| r.verdict).collect(),
            code: rows.iter().map(|r| r.code).collect(),
            signature_valid: rows.iter().map(|r| r.signature_valid).collect(),
            algorithm: rows.iter().map(|r| r.algorithm).collect(),
            trust: trusted.then_some(trust),
            key_fingerprint: trusted.then_some(key_fingerprint),
        }
    }
}

fn checked(report: &Report<'_>) -> Checked {
    let trust = (
        report.trust_status().as_str(),
        report.key_fingerprint().map(str::to_owned),
    );
    (Row::of(report), trust)
}

/// Checks the items with the core's batch. Panic boundary: a panic inside
/// the batch (a bug) is caught, and the items are then checked one by one,
/// each behind its own boundary, so that only the record that panics gets
/// the internal row (code 704) and the others keep their answers.
fn checked_columns(checker: &Checker<'_>, items: &[Item<'_>]) -> Columns {
    let trusted = checker.registry_ref().is_some();
    let batch = catch_unwind(AssertUnwindSafe(|| {
        checker.verify_all(items).iter().map(checked).collect()
    }));
    let rows = batch.unwrap_or_else(|_| {
        let internal = || (Row::INTERNAL, (Trust::Unknown.as_str(), None));
        let one = |item: &Item<'_>| checked(&checker.verify(item.record, item.key));
        items
            .iter()
            .map(|item| or_internal(|| one(item), internal))
            .collect()
    });
    Columns::of(rows, trusted)
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

/// verify_chunk(records, key=None, keys=None, profile="interop", threads=1, registry=None, *, backend="auto") -> Columns
///
/// Checks a list of records without the GIL on `threads` worker threads;
/// `key` is one key for every record, `keys` one per record (overrides
/// `key`). With a registry they are the keys carried with the records and
/// the columns include the trust decisions.
#[pyfunction]
#[pyo3(signature = (records, key=None, keys=None, profile="interop", threads=1, registry=None, *, backend="auto"))]
#[allow(clippy::too_many_arguments, reason = "the Python signature")]
pub(crate) fn verify_chunk(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    keys: Option<&Bound<'_, PyAny>>,
    profile: &str,
    threads: usize,
    registry: Option<&Bound<'_, Registry>>,
    backend: &str,
) -> PyResult<Columns> {
    let checker = checker(py, profile, backend)?
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
