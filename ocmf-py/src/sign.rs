//! `sign`: a record signed with a secret scalar (the core's `sign_hex`),
//! the algorithm named as every binding names it (`Algorithm::from_name`).

use ocmf_core::{Algorithm, Error, ErrorCode, Lang, sign_hex};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::boundary::{core_error, guarded, py_error};

/// A signed record and the public key (SEC1 hex) that verifies it.
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
pub(crate) struct Signed {
    record: String,
    public_key: String,
}

/// sign(payload, secret_hex, algorithm=None) -> Signed
///
/// `algorithm` is a curve name (`secp256r1`, `P-256`, `brainpoolP384r1`, …)
/// or an `SA` value; None is `ECDSA-secp256r1-SHA256`. An unknown name is
/// code 400 `unknown_algorithm`, EdDSA/ML-DSA 401 `algorithm_not_in_spec`.
#[pyfunction]
#[pyo3(signature = (payload, secret_hex, algorithm=None))]
pub(crate) fn sign(
    py: Python<'_>,
    payload: &Bound<'_, PyString>,
    secret_hex: &Bound<'_, PyString>,
    algorithm: Option<&Bound<'_, PyString>>,
) -> PyResult<Signed> {
    // Text without UTF-8 form (lone surrogates) is the code of what it was meant to be.
    let text = |s: &Bound<'_, PyString>, code: ErrorCode| {
        s.to_cow()
            .map(std::borrow::Cow::into_owned)
            .map_err(|_| py_error(py, code, &Error::new(code).message(Lang::En)))
    };
    let payload = text(payload, ErrorCode::PayloadJson)?;
    let secret_hex = zeroize::Zeroizing::new(text(secret_hex, ErrorCode::SecretKey)?);
    let algorithm = match algorithm {
        Some(a) => Algorithm::from_name(&text(a, ErrorCode::UnknownAlgorithm)?)
            .map_err(|e| core_error(py, &e))?,
        None => Algorithm::DEFAULT,
    };
    let signed = guarded(py, || sign_hex(&payload, &secret_hex, algorithm))?
        .map_err(|e| core_error(py, &e))?;
    Ok(Signed {
        record: signed.record,
        public_key: signed.public_key_sec1_hex,
    })
}
