//! C ABI for [`ocmf_core`]: verify, inspect and sign OCMF records from C.
//!
//! The header `include/ocmf.h` is generated from this crate by cbindgen
//! (`scripts/ci/c` regenerates it and fails when the committed copy differs).
//!
//! This crate is an adapter: every check is one call of the core's single
//! entry point, [`ocmf_core::Checker`] (`verify`, `verify_all`, `session`,
//! `sessions`), and every rule (key bytes, blank keys, record bytes,
//! registry bytes, algorithm names, unreadable input) is the core's. What
//! lives here is the C side only: pointers and lengths, handles, result
//! codes, enums passed as `uint32_t`, and caller buffers.
//!
//! One module per domain object, as rustls-ffi does:
//!
//! | module | C API |
//! |---|---|
//! | `boundary` | panic boundary, pointer and buffer rules (no exports) |
//! | `error` | `ocmf_result`, `ocmf_result_message` |
//! | `version` | `OCMF_VERSION_*`, `ocmf_version` |
//! | `options` | `ocmf_profile`, `ocmf_lang` |
//! | `key` | `ocmf_key` (`_parse`, `_free`, `_precompute`, `_fingerprint`) |
//! | `registry` | `ocmf_registry` (`_load`, `_error_message`, `_len`, `_free`), `ocmf_trust` |
//! | `verify` | `ocmf_verify`, `ocmf_verify_report`, `ocmf_verify_trusted`, `ocmf_inspect` |
//! | `batch` | `ocmf_verify_batch`, `_batch_items`, `_batch_trusted` |
//! | `session` | `ocmf_session_evaluate` |
//! | `transport` | `ocmf_extract`, `ocmf_to_xml` |
//! | `sign` | `ocmf_sign` |
//!
//! Conventions, enforced by the helpers in `boundary`:
//! - every symbol is prefixed `ocmf_`; handles are opaque;
//! - inputs are `const uint8_t *ptr, size_t len` (never NUL-terminated; a NULL
//!   pointer is accepted only with `len == 0`);
//! - outputs go through out-params that are written only on success (the
//!   exceptions, `*out_len` on `OCMF_RESULT_BUFFER_TOO_SMALL` and the verdict
//!   of a non-valid report, are documented per function);
//! - every `_free` accepts NULL;
//! - every export runs inside `boundary`: a Rust panic becomes
//!   `OCMF_RESULT_INTERNAL` (704) and never unwinds into C;
//! - there is no global or thread-local state: every function is thread-safe,
//!   and an `ocmf_key` is immutable, so one key may be shared by many threads;
//! - every call blocks until done; only `ocmf_verify_batch*` with
//!   `threads != 1` starts worker threads (the core's
//!   `Checker::verify_all` on rayon), whose panics reach the same boundary;
//! - handles are made by `give_handle` and released by `free_handle`.
//!
//! Trusted keys, sessions and transports (the 8xx codes) follow the same
//! rules: an `ocmf_registry` (from `ocmf_registry_load`) is immutable and may
//! be shared by any number of threads; `ocmf_verify_trusted`,
//! `ocmf_session_evaluate`, `ocmf_extract` and `ocmf_to_xml` write the
//! core's canonical JSON / XML text with the same buffer protocol as
//! `ocmf_verify_report`.

#![allow(unsafe_code, reason = "C ABI")]
#![allow(non_camel_case_types, reason = "C type names follow C conventions")]

mod boundary;
mod error;
mod options;
mod version;

mod key;
mod registry;

mod verify;

mod batch;
mod session;
mod transport;

mod sign;

#[cfg(test)]
mod test_util;

pub use batch::*;
pub use error::*;
pub use key::*;
pub use options::*;
pub use registry::*;
pub use session::*;
pub use sign::*;
pub use transport::*;
pub use verify::*;
pub use version::*;
