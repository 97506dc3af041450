//! Python bindings for ocmf-core: the native module `ocmf._ocmf`.
//!
//! An adapter only: every check is the core's [`ocmf_core::Checker`];
//! this crate maps Python arguments to the core's types and the core's
//! answers to named Python objects, and raises `ocmf.OcmfError` subclasses
//! carrying the core's stable codes (a caught panic is code 704,
//! `internal`). The public Python API lives in the `ocmf` package under
//! `python/`. One module per domain object:
//!
//! | module | Python |
//! |---|---|
//! | [`boundary`] | exceptions, panic boundary, profile/lang/record arguments |
//! | [`key`] | `Key`, the `key=` argument |
//! | [`verify`] | `verify`, `parse` |
//! | [`formats`] | `verify_format`, `format_session`, `chargepoint_value` and their results (the other formats) |
//! | [`batch`] | `verify_chunk` |
//! | [`registry`] | `Registry` and its entries |
//! | [`session`] | `evaluate_session` |
//! | [`transport`] | `extract`, `Extraction`, `to_xml` |
//! | [`sign`] | `sign` |

use ocmf_core::{ErrorCode, Lang, Verdict};
use pyo3::prelude::*;

mod batch;
mod boundary;
mod formats;
mod key;
mod registry;
mod session;
mod sign;
mod transport;
mod verify;

/// What the core says about a code.
#[pyclass(module = "ocmf._ocmf", frozen, get_all)]
struct CodeInfo {
    /// The stable identifier, e.g. `not_utf8`.
    name: &'static str,
    /// The English message.
    message: &'static str,
    /// The verdict the code gives a record.
    verdict: &'static str,
}

/// code_info(code) -> CodeInfo, or None for an unassigned number.
#[pyfunction]
fn code_info(code: u32) -> Option<CodeInfo> {
    ErrorCode::from_code(code).map(|c| CodeInfo {
        name: c.name(),
        message: c.message(Lang::En),
        verdict: Verdict::of_code(c).as_str(),
    })
}

/// The native module.
#[pymodule]
fn _ocmf(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<key::Key>()?;
    m.add_class::<registry::Registry>()?;
    m.add_class::<registry::Entry>()?;
    m.add_class::<verify::VerifyOutcome>()?;
    m.add_class::<batch::Columns>()?;
    m.add_class::<session::SessionOutcome>()?;
    m.add_class::<transport::Extraction>()?;
    m.add_class::<transport::Value>()?;
    m.add_class::<transport::Issue>()?;
    m.add_class::<transport::GroupInfo>()?;
    m.add_class::<transport::GroupSession>()?;
    m.add_class::<sign::Signed>()?;
    m.add_class::<CodeInfo>()?;
    m.add_class::<formats::FormatResult>()?;
    m.add_class::<formats::Reading>()?;
    m.add_class::<formats::Finding>()?;
    m.add_class::<formats::ErrorInfo>()?;
    m.add_function(wrap_pyfunction!(verify::verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify::parse, m)?)?;
    m.add_function(wrap_pyfunction!(formats::verify_format, m)?)?;
    m.add_function(wrap_pyfunction!(formats::chargepoint_value, m)?)?;
    m.add_function(wrap_pyfunction!(formats::format_session, m)?)?;
    m.add_function(wrap_pyfunction!(verify::backend_name, m)?)?;
    m.add_function(wrap_pyfunction!(batch::verify_chunk, m)?)?;
    m.add_function(wrap_pyfunction!(session::evaluate_session, m)?)?;
    m.add_function(wrap_pyfunction!(transport::extract, m)?)?;
    m.add_function(wrap_pyfunction!(transport::to_xml, m)?)?;
    m.add_function(wrap_pyfunction!(sign::sign, m)?)?;
    m.add_function(wrap_pyfunction!(code_info, m)?)?;
    m.add("MAX_INPUT_BYTES", ocmf_core::transport::MAX_INPUT_BYTES)?;
    m.add("TRANSPORTS", transport::transport_names())?;
    m.add(
        "BACKENDS",
        ocmf_core::Backend::ALL
            .iter()
            .map(|b| b.as_str())
            .collect::<Vec<_>>(),
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
