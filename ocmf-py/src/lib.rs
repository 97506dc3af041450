//! Python bindings for ocmf-core: the native module `ocmf._ocmf`.
//!
//! This module is the thin, fast layer; the public Python API (result
//! objects, exceptions, batch input/output adapters) lives in the
//! `ocmf` package under `python/`. Every function here either returns a
//! value or raises an `ocmf.OcmfError` subclass carrying the core's stable
//! code; panics are caught and reported as code 704 (`internal`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use ocmf_core::{
    Error, ErrorCode, Lang, Options, Profile, PublicKey, Report, Verdict, check,
    check_with_key_text, parse_algorithm, parse_with, payload_json, sign_hex, str_from_bytes,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};

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
    key: PublicKey,
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
            .map(|key| Self { key })
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
    Decoded(Box<PublicKey>),
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
            Ok(Self::Decoded(Box::new(k.get().key.clone())))
        } else if let Ok(s) = obj.cast::<PyString>() {
            Ok(s.to_cow().map_or(
                Self::Bad(Error::new(ErrorCode::KeyEncoding).field("key")),
                |t| Self::Text(t.into_owned()),
            ))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(match PublicKey::from_bytes(b.as_bytes()) {
                Ok(k) => Self::Decoded(Box::new(k)),
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
    Report {
        verdict: error.verdict(),
        error: Some(error),
        findings: Vec::new(),
        record: None,
        algorithm: None,
        signature_valid: None,
        key_source: None,
        profile: options.profile,
    }
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

/// verify(record, key=None, profile="interop", lang="en") -> (verdict, code, signature_valid, algorithm, json)
///
/// Never raises for a bad record; raises only for a bad argument type,
/// profile or language.
#[pyfunction]
#[pyo3(signature = (record, key=None, profile="interop", lang="en"))]
fn verify(
    py: Python<'_>,
    record: &Bound<'_, PyAny>,
    key: Option<&Bound<'_, PyAny>>,
    profile: &str,
    lang: &str,
) -> PyResult<VerifyOut> {
    let options = parse_profile(py, profile)?;
    let lang = parse_lang(py, lang)?;
    let input = Input::from_py(py, record)?;
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

/// Verifies a list of records on `threads` worker threads without the GIL.
///
/// Returns four equally long lists: verdicts, codes, signature_valid, algorithms.
#[pyfunction]
#[pyo3(signature = (records, key=None, keys=None, profile="interop", threads=1))]
fn verify_chunk<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
    key: Option<&Bound<'py, PyAny>>,
    keys: Option<&Bound<'py, PyAny>>,
    profile: &str,
    threads: usize,
) -> PyResult<Bound<'py, PyTuple>> {
    let options = parse_profile(py, profile)?;
    let mut inputs = Vec::new();
    for item in records.try_iter()? {
        inputs.push(Input::from_py(py, &item?)?);
    }
    let shared = KeyArg::from_py(py, key)?;
    let per_record: Option<Vec<KeyArg>> = match keys {
        None => None,
        Some(ks) if ks.is_none() => None,
        Some(ks) => {
            let mut v = Vec::with_capacity(inputs.len());
            for k in ks.try_iter()? {
                v.push(KeyArg::from_py(py, Some(&k?))?);
            }
            if v.len() != inputs.len() {
                return Err(invalid_argument(
                    py,
                    &format!("{} records but {} keys", inputs.len(), v.len()),
                ));
            }
            Some(v)
        }
    };
    if threads == 0 {
        return Err(invalid_argument(py, "threads must be at least 1"));
    }
    let rows: Vec<Row> = py.detach(|| {
        let work = |start: usize, part: &[Input]| -> Vec<Row> {
            part.iter()
                .enumerate()
                .map(|(i, rec)| {
                    let k = per_record.as_ref().map_or(&shared, |v| &v[start + i]);
                    catch_unwind(AssertUnwindSafe(|| run(rec, k, &options, Row::of)))
                        .unwrap_or(Row::INTERNAL)
                })
                .collect()
        };
        let n = inputs.len();
        let workers = threads.min(n.max(1));
        if workers <= 1 {
            return work(0, &inputs);
        }
        let per = n.div_ceil(workers);
        std::thread::scope(|s| {
            let handles: Vec<_> = inputs
                .chunks(per)
                .enumerate()
                .map(|(w, part)| {
                    let work = &work;
                    (part.len(), s.spawn(move || work(w * per, part)))
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|(len, h)| h.join().unwrap_or_else(|_| vec![Row::INTERNAL; len]))
                .collect()
        })
    });
    let verdicts = PyList::new(py, rows.iter().map(|r| r.verdict))?;
    let codes = PyList::new(py, rows.iter().map(|r| r.code))?;
    let sig = PyList::new(py, rows.iter().map(|r| r.signature_valid))?;
    let alg = PyList::new(py, rows.iter().map(|r| r.algorithm))?;
    PyTuple::new(
        py,
        [
            verdicts.into_any(),
            codes.into_any(),
            sig.into_any(),
            alg.into_any(),
        ],
    )
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
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(sign, m)?)?;
    m.add_function(wrap_pyfunction!(code_info, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
