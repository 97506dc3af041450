//! Python bindings for ocmf-core: the native module `ocmf._ocmf`.
//!
//! This module is the thin, fast layer; the public Python API (result
//! objects, exceptions, batch input/output adapters) lives in the
//! `ocmf` package under `python/`. Every function here either returns a
//! value or raises an `ocmf.OcmfError` subclass carrying the core's stable
//! code; panics are caught and reported as code 704 (`internal`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use ocmf_core::batch::{BatchItem, BatchOptions, check_all, check_all_trusted};
use ocmf_core::registry::{self as reg, RegistryError, Trust, TrustedReport};
use ocmf_core::session::{self as sess, SessionContext, SessionRecord};
use ocmf_core::transport::{self as tr, SignedValue, Transport};
use ocmf_core::{
    Error, ErrorCode, Lang, Options, Profile, PublicKey, Report, Verdict, check,
    check_with_key_text, parse_algorithm, parse_with, payload_json, sign_hex, str_from_bytes,
};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};

/// Raises the `ocmf` exception class that matches `code`.
fn py_error(py: Python<'_>, code: ErrorCode, message: &str) -> PyErr {
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

fn core_error(py: Python<'_>, e: &Error) -> PyErr {
    py_error(py, e.code, &e.message(Lang::En))
}

fn invalid_argument(py: Python<'_>, message: &str) -> PyErr {
    py_error(py, ErrorCode::InvalidArgument, message)
}

fn parse_profile(py: Python<'_>, profile: &str) -> PyResult<Options> {
    Profile::parse(profile)
        .map(Options::with_profile)
        .ok_or_else(|| {
            invalid_argument(
                py,
                &format!("unknown profile {profile:?} (expected strict, interop or reference)"),
            )
        })
}

fn parse_lang(py: Python<'_>, lang: &str) -> PyResult<Lang> {
    Lang::parse(lang).ok_or_else(|| {
        invalid_argument(
            py,
            &format!("unknown language {lang:?} (expected en or de)"),
        )
    })
}

/// A decoded public key, reusable across many records (decode once).
#[pyclass(module = "ocmf._ocmf", frozen)]
struct Key {
    /// Shared, not copied, into every check: the key's precomputed tables are
    /// built inside it on its second use and must survive between calls.
    key: Arc<PublicKey>,
}

#[pymethods]
impl Key {
    /// Decodes a key from text (hex, base64, PEM, `oca:`…) or raw bytes
    /// (SEC1, SubjectPublicKeyInfo DER, bare X‖Y).
    #[new]
    fn new(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let parsed = if let Ok(s) = key.cast::<PyString>() {
            s.to_cow()
                .map_err(|_| Error::new(ErrorCode::KeyEncoding).field("key"))
                .and_then(|t| PublicKey::parse(&t))
        } else if let Ok(b) = key.cast::<PyBytes>() {
            PublicKey::from_bytes(b.as_bytes())
        } else {
            return Err(invalid_argument(py, "key must be str or bytes"));
        };
        parsed
            .map(|key| Self { key: Arc::new(key) })
            .map_err(|e| core_error(py, &e))
    }

    /// The uncompressed SEC1 point, uppercase hex.
    #[getter]
    fn sec1_hex(&self) -> String {
        self.key.sec1_hex()
    }

    /// The curve named by the key itself (SubjectPublicKeyInfo only), else None.
    #[getter]
    fn declared_curve(&self) -> Option<&'static str> {
        self.key.declared_curve.map(|c| c.name())
    }

    /// The key's fingerprint (16 uppercase hex digits of the SHA-256 of the
    /// compressed point; the same in every encoding).
    #[getter]
    fn fingerprint(&self) -> String {
        reg::key_fingerprint(&self.key)
    }

    /// Builds the key's wide verification tables now, for a key about to
    /// verify many records (about a fifth faster per record afterwards; the
    /// batch functions do it themselves for a key used by 32 records or
    /// more). Built once, kept by this `Key`; verdicts never change.
    fn precompute(&self, py: Python<'_>) {
        py.detach(|| self.key.precompute());
    }

    fn __repr__(&self) -> String {
        format!("Key('{}')", self.key.sec1_hex())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Key>()
            .is_ok_and(|o| o.get().key.sec1_bytes() == self.key.sec1_bytes())
    }

    fn __hash__(&self) -> u64 {
        // FNV-1a over the SEC1 bytes: stable and cheap.
        self.key
            .sec1_bytes()
            .iter()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            })
    }
}

/// A record taken from Python: text, bytes (UTF-8 checked by the core) or
/// missing (`None`, read as the empty record).
enum Input {
    Text(String),
    Bytes(Vec<u8>),
    /// A `str` with lone surrogates: it has no UTF-8 form.
    NotUtf8,
}

impl Input {
    fn from_py(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        if let Ok(s) = obj.cast::<PyString>() {
            Ok(s.to_cow()
                .map_or(Self::NotUtf8, |t| Self::Text(t.into_owned())))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(Self::Bytes(b.as_bytes().to_vec()))
        } else if obj.is_none() {
            Ok(Self::Text(String::new()))
        } else {
            Err(invalid_argument(
                py,
                &format!(
                    "a record must be str or bytes, not {}",
                    obj.get_type().name()?
                ),
            ))
        }
    }
}

/// The key for one record.
enum KeyArg {
    None,
    Text(String),
    Decoded(Arc<PublicKey>),
    Bad(Error),
}

impl KeyArg {
    fn from_py(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(obj) = obj else {
            return Ok(Self::None);
        };
        if obj.is_none() {
            Ok(Self::None)
        } else if let Ok(k) = obj.cast::<Key>() {
            Ok(Self::Decoded(Arc::clone(&k.get().key)))
        } else if let Ok(s) = obj.cast::<PyString>() {
            Ok(s.to_cow().map_or(
                Self::Bad(Error::new(ErrorCode::KeyEncoding).field("key")),
                |t| Self::Text(t.into_owned()),
            ))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(match PublicKey::from_bytes(b.as_bytes()) {
                Ok(k) => Self::Decoded(Arc::new(k)),
                Err(e) => Self::Bad(e),
            })
        } else {
            Err(invalid_argument(
                py,
                "key must be str, bytes, ocmf.Key or None",
            ))
        }
    }
}

/// A report for input that never reached the parser (bytes that are not UTF-8 or too large).
fn error_report(error: Error, options: &Options) -> Report<'static> {
    Report::from_error(error, options.profile)
}

fn run<R>(record: &Input, key: &KeyArg, options: &Options, f: impl FnOnce(&Report<'_>) -> R) -> R {
    let text = match record {
        Input::Text(s) => Ok(s.as_str()),
        Input::Bytes(b) => str_from_bytes(b, &options.limits),
        Input::NotUtf8 => Err(Error::new(ErrorCode::NotUtf8)),
    };
    let report = match text {
        Err(e) => error_report(e, options),
        Ok(text) => match key {
            KeyArg::None => check(text, None, options),
            KeyArg::Text(k) => check_with_key_text(text, Some(k), options),
            KeyArg::Decoded(k) => check(text, Some(k), options),
            KeyArg::Bad(e) => ocmf_core::check_with_key_error(text, *e, options),
        },
    };
    f(&report)
}

/// One record's summary, computed without the GIL.
#[derive(Clone, Copy)]
struct Row {
    verdict: &'static str,
    code: u32,
    signature_valid: Option<bool>,
    algorithm: Option<&'static str>,
}

impl Row {
    fn of(report: &Report<'_>) -> Self {
        Self {
            verdict: report.verdict.as_str(),
            code: report.code().code(),
            signature_valid: report.signature_valid,
            algorithm: report.algorithm.map(|a| a.sa()),
        }
    }

    const INTERNAL: Self = Self {
        verdict: "malformed",
        code: ErrorCode::Internal as u32,
        signature_valid: None,
        algorithm: None,
    };
}

/// verify's result: verdict, code, signature_valid, algorithm, canonical JSON.
type VerifyOut = (
    &'static str,
    u32,
    Option<bool>,
    Option<&'static str>,
    String,
);

/// verify(record, key=None, profile="interop", lang="en", registry=None)
/// -> (verdict, code, signature_valid, algorithm, json)
///
/// Never raises for a bad record; raises only for a bad argument type,
/// profile or language. With a registry the JSON is the core's
/// `TrustedReport` (the report plus `trust` and the key fingerprints).
#[pyfunction]
#[pyo3(signature = (record, key=None, profile="interop", lang="en", registry=None))]
fn verify(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    profile: &str,
    lang: &str,
    registry: Option<&Bound<'_, Registry>>,
) -> PyResult<VerifyOut> {
    let options = parse_profile(py, profile)?;
    let lang = parse_lang(py, lang)?;
    let input = Input::from_py(py, record)?;
    if let Some(registry) = registry {
        let carried = carried_key_text(py, key)?;
        let registry = &registry.get().inner;
        let out = py.detach(|| {
            catch_unwind(AssertUnwindSafe(|| {
                run_trusted(&input, carried.as_deref(), registry, &options, |t| {
                    let row = Row::of(&t.report);
                    (
                        row.verdict,
                        row.code,
                        row.signature_valid,
                        row.algorithm,
                        t.to_json_string(lang),
                    )
                })
            }))
        });
        return out.map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"));
    }
    let key = KeyArg::from_py(py, key)?;
    let out = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| {
            run(&input, &key, &options, |r| {
                let row = Row::of(r);
                (
                    row.verdict,
                    row.code,
                    row.signature_valid,
                    row.algorithm,
                    r.to_json_string(lang),
                )
            })
        }))
    });
    out.map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"))
}

/// The key carried with a record as text, for the registry check (which
/// compares it with the registered keys): a `Key` as its SEC1 hex, raw bytes
/// as hex (the text parser reads SEC1, SPKI DER and bare X‖Y hex), a `str`
/// as given (lone surrogates replaced: such text is no key in any form).
fn carried_key_text(py: Python<'_>, key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<String>> {
    let Some(obj) = key.filter(|k| !k.is_none()) else {
        return Ok(None);
    };
    if let Ok(k) = obj.cast::<Key>() {
        Ok(Some(k.get().key.sec1_hex()))
    } else if let Ok(s) = obj.cast::<PyString>() {
        Ok(Some(s.to_string_lossy().into_owned()))
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        Ok(Some(hex_upper(b.as_bytes())))
    } else {
        Err(invalid_argument(
            py,
            "key must be str, bytes, ocmf.Key or None",
        ))
    }
}

fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// One record checked against a registry (`check_trusted`); `f` reads the
/// trusted report.
fn run_trusted<R>(
    record: &Input,
    carried: Option<&str>,
    registry: &reg::Registry,
    options: &Options,
    f: impl FnOnce(&TrustedReport<'_>) -> R,
) -> R {
    let text = match record {
        Input::Text(s) => Ok(s.as_str()),
        Input::Bytes(b) => str_from_bytes(b, &options.limits),
        Input::NotUtf8 => Err(Error::new(ErrorCode::NotUtf8)),
    };
    let checked = match text {
        Ok(text) => reg::check_trusted(text, carried, registry, options),
        // Bytes that never reach the parser (`check_trusted` needs text).
        Err(e) => TrustedReport::from_error(e, carried, options.profile),
    };
    f(&checked)
}

/// One record's summary with a registry: its row and the key decision.
struct TrustedRow {
    row: Row,
    /// `Trust::as_str`: trusted, untrusted, mismatch, expired or unknown.
    trust: &'static str,
    /// The key the record was verified with, when one was.
    key_fingerprint: Option<String>,
}

impl TrustedRow {
    fn of(checked: &TrustedReport<'_>) -> Self {
        Self {
            row: Row::of(&checked.report),
            trust: checked.trust.as_str(),
            key_fingerprint: checked.key_fingerprint.clone(),
        }
    }

    /// The row of a record whose check panicked: no key decision either.
    fn internal() -> Self {
        Self {
            row: Row::INTERNAL,
            trust: Trust::Unknown.as_str(),
            key_fingerprint: None,
        }
    }
}

/// The batch item of a record without its key, or `None` for a `str`
/// without UTF-8 form (the core batch takes bytes; such text has none).
fn record_item(record: &Input) -> Option<BatchItem<'_>> {
    match record {
        Input::Text(s) => Some(BatchItem::new(s)),
        Input::Bytes(b) => Some(BatchItem::bytes(b)),
        Input::NotUtf8 => None,
    }
}

/// The batch item of one record, or `None` for what the core batch cannot
/// take (a `str` without UTF-8 form, a key that failed to decode on the
/// Python side): those are checked one by one, with the same answer.
fn batch_item<'a>(record: &'a Input, key: &'a KeyArg) -> Option<BatchItem<'a>> {
    let item = record_item(record)?;
    match key {
        KeyArg::None => Some(item),
        KeyArg::Text(t) => Some(item.key_text(t)),
        KeyArg::Decoded(k) => Some(item.key(k)),
        KeyArg::Bad(_) => None,
    }
}

/// Runs `batch` once over the records `item_of` turns into batch items and
/// `single` over each of the others; one result per record, in input order.
///
/// Panic boundary: a panic inside the batch (a bug) is caught, and the
/// records are then checked one by one by `single`, each behind its own
/// boundary, so that only the record that panics gets `internal()` (code
/// 704) and the rest keep their answers.
fn batch_or_single<'a, T>(
    records: &'a [Input],
    item_of: impl Fn(usize, &'a Input) -> Option<BatchItem<'a>>,
    batch: impl FnOnce(&[BatchItem<'a>]) -> Vec<T>,
    single: impl Fn(usize, &Input) -> T,
    internal: impl Fn() -> T,
) -> Vec<T> {
    let items: Vec<Option<BatchItem<'a>>> = records
        .iter()
        .enumerate()
        .map(|(i, r)| item_of(i, r))
        .collect();
    let one = |i: usize, record: &Input| {
        catch_unwind(AssertUnwindSafe(|| single(i, record))).unwrap_or_else(|_| internal())
    };
    let taken: Vec<BatchItem<'a>> = items.iter().flatten().copied().collect();
    let Ok(checked) = catch_unwind(AssertUnwindSafe(|| batch(&taken))) else {
        return records.iter().enumerate().map(|(i, r)| one(i, r)).collect();
    };
    let mut checked = checked.into_iter();
    records
        .iter()
        .zip(&items)
        .enumerate()
        .map(|(i, (record, item))| match item {
            // The batch returns one result per item: `next` is always Some.
            Some(_) => checked.next().unwrap_or_else(&internal),
            None => one(i, record),
        })
        .collect()
}

/// Checks every record with `ocmf_core::batch::check_all` (each key text
/// decoded once, wide tables for busy keys, `threads` workers) and returns
/// one row per record in input order (panic boundary: `batch_or_single`).
fn check_rows<'k>(
    records: &[Input],
    key_of: impl Fn(usize) -> &'k KeyArg + Sync,
    options: &Options,
    threads: usize,
) -> Vec<Row> {
    let opts = BatchOptions::new(*options).threads(threads);
    batch_or_single(
        records,
        |i, r| batch_item(r, key_of(i)),
        |items| check_all(items, &opts).iter().map(Row::of).collect(),
        |i, r| run(r, key_of(i), options, Row::of),
        || Row::INTERNAL,
    )
}

/// Checks every record against `registry` with
/// `ocmf_core::batch::check_all_trusted`; `carried_of(i)` is the key that
/// came with record `i`, as text (see `carried_key_text`: the text `verify`
/// hands to `check_trusted`, so that both give the same answer). One row per
/// record in input order (panic boundary: `batch_or_single`).
fn check_trusted_rows<'k>(
    records: &[Input],
    carried_of: impl Fn(usize) -> Option<&'k str> + Sync,
    registry: &reg::Registry,
    options: &Options,
    threads: usize,
) -> Vec<TrustedRow> {
    let opts = BatchOptions::new(*options).threads(threads);
    batch_or_single(
        records,
        |i, r| {
            let item = record_item(r)?;
            Some(carried_of(i).map_or(item, |t| item.key_text(t)))
        },
        |items| {
            check_all_trusted(items, registry, &opts)
                .iter()
                .map(TrustedRow::of)
                .collect()
        },
        |i, r| run_trusted(r, carried_of(i), registry, options, TrustedRow::of),
        TrustedRow::internal,
    )
}

/// The per-record keys of a batch (`keys`, one per record, or `None`),
/// each read by `read`.
fn per_record_keys<T>(
    py: Python<'_>,
    keys: Option<&Bound<'_, PyAny>>,
    records: usize,
    mut read: impl FnMut(&Bound<'_, PyAny>) -> PyResult<T>,
) -> PyResult<Option<Vec<T>>> {
    let Some(keys) = keys.filter(|k| !k.is_none()) else {
        return Ok(None);
    };
    let mut v = Vec::with_capacity(records);
    for k in keys.try_iter()? {
        v.push(read(&k?)?);
    }
    if v.len() != records {
        return Err(invalid_argument(
            py,
            &format!("{records} records but {} keys", v.len()),
        ));
    }
    Ok(Some(v))
}

/// Verifies a list of records without the GIL, with the core's batch
/// (`ocmf_core::batch::check_all`) on `threads` worker threads.
///
/// Returns four equally long lists: verdicts, codes, signature_valid,
/// algorithms. With a registry the batch is `check_all_trusted`, `key` and
/// `keys` are the keys carried with the records (read as `verify` reads
/// them with a registry), and two more lists follow: the trust statuses and
/// the fingerprints of the keys used.
#[pyfunction]
#[pyo3(signature = (records, key=None, keys=None, profile="interop", threads=1, registry=None))]
fn verify_chunk<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    keys: Option<&Bound<'py, PyAny>>,
    profile: &str,
    threads: usize,
    registry: Option<&Bound<'py, Registry>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let options = parse_profile(py, profile)?;
    let mut inputs = Vec::new();
    if threads == 0 {
        return Err(invalid_argument(py, "threads must be at least 1"));
    }
    for item in records.try_iter()? {
        inputs.push(Input::from_py(py, &item?)?);
    }
    if let Some(registry) = registry {
        let shared = carried_key_text(py, key)?;
        let per_record =
            per_record_keys(py, keys, inputs.len(), |k| carried_key_text(py, Some(k)))?;
        let carried_of = |i: usize| {
            per_record
                .as_ref()
                .and_then(|v| v.get(i))
                .unwrap_or(&shared)
                .as_deref()
        };
        let registry = &registry.get().inner;
        let rows: Vec<TrustedRow> =
            py.detach(|| check_trusted_rows(&inputs, carried_of, registry, &options, threads));
        let mut columns = row_columns(py, rows.iter().map(|r| &r.row))?;
        columns.push(PyList::new(py, rows.iter().map(|r| r.trust))?.into_any());
        columns
            .push(PyList::new(py, rows.iter().map(|r| r.key_fingerprint.as_deref()))?.into_any());
        return PyTuple::new(py, columns);
    }
    let shared = KeyArg::from_py(py, key)?;
    let per_record = per_record_keys(py, keys, inputs.len(), |k| KeyArg::from_py(py, Some(k)))?;
    let key_of = |i: usize| {
        per_record
            .as_ref()
            .and_then(|v| v.get(i))
            .unwrap_or(&shared)
    };
    let rows: Vec<Row> = py.detach(|| check_rows(&inputs, key_of, &options, threads));
    PyTuple::new(py, row_columns(py, rows.iter())?)
}

/// The four columns of batch rows: verdicts, codes, signature_valid, algorithms.
fn row_columns<'py, 'r>(
    py: Python<'py>,
    rows: impl ExactSizeIterator<Item = &'r Row> + Clone,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    Ok(vec![
        PyList::new(py, rows.clone().map(|r| r.verdict))?.into_any(),
        PyList::new(py, rows.clone().map(|r| r.code))?.into_any(),
        PyList::new(py, rows.clone().map(|r| r.signature_valid))?.into_any(),
        PyList::new(py, rows.map(|r| r.algorithm))?.into_any(),
    ])
}

/// parse(record) -> str: the payload as canonical JSON text; raises for unreadable records.
#[pyfunction]
fn parse(py: Python<'_>, record: &Bound<'_, PyAny>) -> PyResult<String> {
    let input = Input::from_py(py, record)?;
    let options = Options::default();
    let text = match &input {
        Input::Text(s) => s.as_str(),
        Input::Bytes(b) => str_from_bytes(b, &options.limits).map_err(|e| core_error(py, &e))?,
        Input::NotUtf8 => return Err(core_error(py, &Error::new(ErrorCode::NotUtf8))),
    };
    let parsed = parse_with(text, &options).map_err(|e| core_error(py, &e))?;
    Ok(payload_json(&parsed.payload).to_string())
}

/// sign(payload, secret_hex, algorithm=None) -> (record, public_key_sec1_hex); None is ECDSA-secp256r1-SHA256.
#[pyfunction]
#[pyo3(signature = (payload, secret_hex, algorithm=None))]
fn sign(
    py: Python<'_>,
    payload: &Bound<'_, PyString>,
    secret_hex: &Bound<'_, PyString>,
    algorithm: Option<&Bound<'_, PyString>>,
) -> PyResult<(String, String)> {
    let text = |s: &Bound<'_, PyString>, code: ErrorCode| {
        s.to_cow()
            .map(std::borrow::Cow::into_owned)
            .map_err(|_| py_error(py, code, &Error::new(code).message(Lang::En)))
    };
    let payload = text(payload, ErrorCode::PayloadJson)?;
    let secret_hex = text(secret_hex, ErrorCode::SecretKey)?;
    let algorithm = match algorithm {
        Some(a) => text(a, ErrorCode::UnknownAlgorithm)?,
        None => ocmf_core::Algorithm::DEFAULT.sa().to_owned(),
    };
    let (payload, secret_hex, algorithm) =
        (payload.as_str(), secret_hex.as_str(), algorithm.as_str());
    let alg = match parse_algorithm(algorithm) {
        Ok((alg, _exact)) => alg,
        Err(not_in_spec) => {
            let code = if not_in_spec {
                ErrorCode::AlgorithmNotInSpec
            } else {
                ErrorCode::UnknownAlgorithm
            };
            return Err(py_error(py, code, &Error::new(code).message(Lang::En)));
        }
    };
    let signed = catch_unwind(|| sign_hex(payload, secret_hex, alg))
        .map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"))?
        .map_err(|e| core_error(py, &e))?;
    Ok((signed.record, signed.public_key_sec1_hex))
}

/// Raises `ocmf.RegistryError` (code 802) with line, column, field and span.
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

/// One registry entry: meter serial, gateway serial, key, valid from/until
/// (ms since 1970), source, line, fingerprint.
type EntryOut = (
    Option<String>,
    Option<String>,
    Key,
    Option<i64>,
    Option<i64>,
    String,
    usize,
    String,
);

/// A set of trusted keys (serial → public key, validity window, source).
#[pyclass(module = "ocmf._ocmf", frozen)]
struct Registry {
    inner: reg::Registry,
}

impl Registry {
    fn read(
        py: Python<'_>,
        text: &str,
        lang: &str,
        f: fn(&str) -> Result<reg::Registry, RegistryError>,
    ) -> PyResult<Self> {
        let lang = parse_lang(py, lang)?;
        let parsed = py.detach(|| catch_unwind(|| f(text)));
        match parsed {
            Ok(Ok(inner)) => Ok(Self { inner }),
            Ok(Err(e)) => Err(registry_error(py, &e, lang)),
            Err(_) => Err(py_error(
                py,
                ErrorCode::Internal,
                "internal error (caught panic)",
            )),
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

    /// Reads JSON (first non-blank character `{` or `[`) or CSV text.
    #[staticmethod]
    #[pyo3(signature = (text, lang="en"))]
    fn load(py: Python<'_>, text: &str, lang: &str) -> PyResult<Self> {
        Self::read(py, text, lang, reg::Registry::load)
    }

    /// Reads the JSON form.
    #[staticmethod]
    #[pyo3(signature = (text, lang="en"))]
    fn from_json(py: Python<'_>, text: &str, lang: &str) -> PyResult<Self> {
        Self::read(py, text, lang, reg::Registry::from_json)
    }

    /// Reads the CSV form.
    #[staticmethod]
    #[pyo3(signature = (text, lang="en"))]
    fn from_csv(py: Python<'_>, text: &str, lang: &str) -> PyResult<Self> {
        Self::read(py, text, lang, reg::Registry::from_csv)
    }

    /// The entries in file order.
    fn entries(&self) -> Vec<EntryOut> {
        self.inner
            .entries()
            .iter()
            .map(|e| {
                (
                    e.meter_serial.clone(),
                    e.gateway_serial.clone(),
                    Key {
                        key: Arc::new(e.key.clone()),
                    },
                    e.valid_from,
                    e.valid_until,
                    e.source.clone(),
                    e.line,
                    e.fingerprint(),
                )
            })
            .collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<Registry with {} keys>", self.inner.len())
    }
}

/// The registry argument's inner registry.
fn registry_of<'a>(registry: Option<&'a Bound<'_, Registry>>) -> Option<&'a reg::Registry> {
    registry.map(|r| &r.get().inner)
}

/// The arguments every session entry point takes, read once.
struct SessionArgs {
    options: Options,
    lang: Lang,
    key: Option<PublicKey>,
}

impl SessionArgs {
    fn from_py(
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        profile: &str,
        lang: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            options: parse_profile(py, profile)?,
            lang: parse_lang(py, lang)?,
            key: session_key(py, key)?,
        })
    }

    /// Runs `f` with the session context, without the GIL and behind the
    /// panic boundary (a caught panic is code 704).
    fn run<R: Send>(
        &self,
        py: Python<'_>,
        registry: Option<&reg::Registry>,
        f: impl FnOnce(&SessionContext<'_>, Lang) -> R + Send,
    ) -> PyResult<R> {
        let out = py.detach(|| {
            catch_unwind(AssertUnwindSafe(|| {
                let ctx = SessionContext {
                    key: self.key.as_ref(),
                    registry,
                    options: self.options,
                };
                f(&ctx, self.lang)
            }))
        });
        out.map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"))
    }
}

/// An explicit key for a whole session: decoded once; undecodable raises.
fn session_key(py: Python<'_>, key: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PublicKey>> {
    match KeyArg::from_py(py, key)? {
        KeyArg::None => Ok(None),
        KeyArg::Text(t) => PublicKey::parse(&t)
            .map(Some)
            .map_err(|e| core_error(py, &e)),
        KeyArg::Decoded(k) => Ok(Some(Arc::unwrap_or_clone(k))),
        KeyArg::Bad(e) => Err(core_error(py, &e)),
    }
}

/// A session's verdict, code and canonical JSON.
type SessionOut = (&'static str, u32, String);

/// evaluate_session(records, key=None, registry=None, profile="interop", lang="en")
/// -> (verdict, code, json)
///
/// `records` holds `(record, key_text, label)` tuples; a record is `str`
/// or UTF-8 `bytes` (other bytes raise code 102 with the record's index).
#[pyfunction]
#[pyo3(signature = (records, key=None, registry=None, profile="interop", lang="en"))]
fn evaluate_session(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    registry: Option<&Bound<'_, Registry>>,
    profile: &str,
    lang: &str,
) -> PyResult<SessionOut> {
    let args = SessionArgs::from_py(py, key, profile, lang)?;
    let mut owned: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for (i, item) in records.try_iter()?.enumerate() {
        let item = item?;
        let (rec, key_text, label): (Bound<'_, PyAny>, Option<String>, Option<String>) =
            item.extract().map_err(|_| {
                invalid_argument(
                    py,
                    &format!(
                        "session record {i}: expected (record, key text or None, label or None)"
                    ),
                )
            })?;
        let text = match Input::from_py(py, &rec)? {
            Input::Text(s) => Some(s),
            Input::Bytes(b) => String::from_utf8(b).ok(),
            Input::NotUtf8 => None,
        };
        let Some(text) = text else {
            let code = ErrorCode::NotUtf8;
            return Err(py_error(
                py,
                code,
                &format!("session record {i}: {}", Error::new(code).message(Lang::En)),
            ));
        };
        owned.push((text, key_text, label));
    }
    args.run(py, registry_of(registry), |ctx, lang| {
        let recs: Vec<SessionRecord<'_>> = owned
            .iter()
            .map(|(r, k, l)| SessionRecord {
                record: r,
                key: k.as_deref(),
                label: l.as_deref(),
            })
            .collect();
        let report = sess::evaluate(&recs, ctx);
        (
            report.verdict.as_str(),
            report.code().code(),
            report.to_json_string(lang),
        )
    })
}

/// A signed value as a tuple: record, public_key, transport, station,
/// transaction_id, transaction_inferred, evse, connector, context,
/// timestamp, (line, message_id, action).
type ValueOut = (
    String,
    Option<String>,
    &'static str,
    Option<String>,
    Option<String>,
    bool,
    Option<u32>,
    Option<u32>,
    Option<String>,
    Option<String>,
    (Option<usize>, Option<String>, Option<String>),
);

fn value_out(v: &SignedValue) -> ValueOut {
    (
        v.record.clone(),
        v.public_key.clone(),
        v.transport.as_str(),
        v.station.clone(),
        v.transaction_id.clone(),
        v.transaction_inferred,
        v.evse,
        v.connector,
        v.context.clone(),
        v.timestamp.clone(),
        (
            v.origin.line,
            v.origin.message_id.clone(),
            v.origin.action.clone(),
        ),
    )
}

/// A signed value as Python hands it back (`ValueOut` with an owned transport name).
type ValueIn = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<u32>,
    Option<u32>,
    Option<String>,
    Option<String>,
    (Option<usize>, Option<String>, Option<String>),
);

fn value_in(py: Python<'_>, i: usize, item: &Bound<'_, PyAny>) -> PyResult<SignedValue> {
    let bad = |what: &str| invalid_argument(py, &format!("value {i}: {what}"));
    let (record, key, transport, station, tx, inferred, evse, connector, context, ts, origin): ValueIn =
        item.extract().map_err(|_| bad("expected a SignedValue"))?;
    let Some(&t) = Transport::ALL.iter().find(|t| t.as_str() == transport) else {
        return Err(bad(&format!("unknown transport {transport:?}")));
    };
    let mut v = SignedValue::new(record, t);
    v.public_key = key;
    v.station = station;
    v.transaction_id = tx;
    v.transaction_inferred = inferred;
    v.evse = evse;
    v.connector = connector;
    v.context = context;
    v.timestamp = ts;
    (v.origin.line, v.origin.message_id, v.origin.action) = origin;
    Ok(v)
}

/// A group: station, transaction id, EVSE, value indices.
type GroupOut = (Option<String>, Option<String>, Option<u32>, Vec<usize>);

/// A group's session: the group, verdict, code, the session's canonical
/// JSON and the group's (`{station, transaction_id, evse, values, report}`).
type GroupSessionOut = (GroupOut, &'static str, u32, String, String);

/// What `extract` found in an input (the core's `Extraction`).
#[pyclass(module = "ocmf._ocmf", frozen)]
struct Extraction {
    inner: tr::Extraction,
}

#[pymethods]
impl Extraction {
    /// The detected input format, e.g. `ocpp-log`.
    #[getter]
    fn format(&self) -> &'static str {
        self.inner.format.as_str()
    }

    /// How many duplicate values were dropped.
    #[getter]
    fn duplicates(&self) -> usize {
        self.inner.duplicates
    }

    /// The signed values as tuples (see `ValueOut`).
    fn values(&self) -> Vec<ValueOut> {
        self.inner.values.iter().map(value_out).collect()
    }

    /// What could not be read: (code, code name, line, message).
    fn errors(&self) -> Vec<(u32, &'static str, Option<usize>, String)> {
        self.inner
            .errors
            .iter()
            .map(|e| (e.code.code(), e.code.name(), e.line, e.message.clone()))
            .collect()
    }

    /// The values sorted into sessions.
    fn groups(&self, py: Python<'_>) -> Vec<GroupOut> {
        let groups = py.detach(|| self.inner.groups());
        groups
            .into_iter()
            .map(|g| (g.station, g.transaction_id, g.evse, g.values))
            .collect()
    }

    /// The values as the transparency software's XML.
    fn to_xml(&self, py: Python<'_>) -> String {
        py.detach(|| self.inner.to_xml())
    }

    /// The extraction as canonical JSON.
    fn to_json(&self, py: Python<'_>) -> String {
        py.detach(|| self.inner.to_json_string())
    }

    /// Every group evaluated as one session.
    #[pyo3(signature = (key=None, registry=None, profile="interop", lang="en"))]
    fn sessions(
        &self,
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        registry: Option<&Bound<'_, Registry>>,
        profile: &str,
        lang: &str,
    ) -> PyResult<Vec<GroupSessionOut>> {
        let args = SessionArgs::from_py(py, key, profile, lang)?;
        args.run(py, registry_of(registry), |ctx, lang| {
            self.inner
                .sessions(ctx)
                .into_iter()
                .map(|g| {
                    let group_json = g.to_json(lang).to_string();
                    let r = &g.report;
                    let (verdict, code, json) =
                        (r.verdict.as_str(), r.code().code(), r.to_json_string(lang));
                    let grp = g.group;
                    (
                        (grp.station, grp.transaction_id, grp.evse, grp.values),
                        verdict,
                        code,
                        json,
                        group_json,
                    )
                })
                .collect::<Vec<_>>()
        })
    }

    /// `{extraction, sessions}` as canonical JSON (the CLI's `extract --json`).
    #[pyo3(signature = (key=None, registry=None, profile="interop", lang="en"))]
    fn sessions_json(
        &self,
        py: Python<'_>,
        key: Option<&Bound<'_, PyAny>>,
        registry: Option<&Bound<'_, Registry>>,
        profile: &str,
        lang: &str,
    ) -> PyResult<String> {
        let args = SessionArgs::from_py(py, key, profile, lang)?;
        args.run(py, registry_of(registry), |ctx, lang| {
            self.inner.sessions_json_string(ctx, lang)
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

/// extract(data) -> Extraction: `str` or `bytes` (any input format).
#[pyfunction]
fn extract(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Extraction> {
    enum Data {
        Text(String),
        Bytes(Vec<u8>),
    }
    let data = if let Ok(s) = data.cast::<PyString>() {
        match s.to_cow() {
            Ok(t) => Data::Text(t.into_owned()),
            // Lone surrogates: the core reports the input as not UTF-8.
            Err(_) => Data::Bytes(
                s.call_method1("encode", ("utf-8", "surrogatepass"))?
                    .cast::<PyBytes>()?
                    .as_bytes()
                    .to_vec(),
            ),
        }
    } else if let Ok(b) = data.cast::<PyBytes>() {
        Data::Bytes(b.as_bytes().to_vec())
    } else if let Ok(b) = data.cast::<PyByteArray>() {
        Data::Bytes(b.to_vec())
    } else {
        return Err(invalid_argument(py, "data must be str or bytes"));
    };
    let out = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| match &data {
            Data::Text(s) => tr::extract(s),
            Data::Bytes(b) => tr::extract_bytes(b),
        }))
    });
    out.map(|inner| Extraction { inner })
        .map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"))
}

/// to_xml(values) -> str: signed values (tuples as `Extraction.values`) as
/// the transparency software's XML.
#[pyfunction]
fn to_xml(py: Python<'_>, values: &Bound<'_, PyAny>) -> PyResult<String> {
    let mut vs = Vec::new();
    for (i, item) in values.try_iter()?.enumerate() {
        vs.push(value_in(py, i, &item?)?);
    }
    let out = py.detach(|| catch_unwind(AssertUnwindSafe(|| tr::to_xml(&vs))));
    out.map_err(|_| py_error(py, ErrorCode::Internal, "internal error (caught panic)"))
}

/// code_info(code) -> (name, message_en, verdict) or None for an unassigned number.
#[pyfunction]
fn code_info(code: u32) -> Option<(&'static str, &'static str, &'static str)> {
    ErrorCode::from_code(code)
        .map(|c| (c.name(), c.message(Lang::En), Verdict::of_code(c).as_str()))
}

/// The native module.
#[pymodule]
fn _ocmf(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Key>()?;
    m.add_class::<Registry>()?;
    m.add_class::<Extraction>()?;
    m.add_function(wrap_pyfunction!(evaluate_session, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(to_xml, m)?)?;
    m.add("MAX_INPUT_BYTES", tr::MAX_INPUT_BYTES)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(code_info, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
