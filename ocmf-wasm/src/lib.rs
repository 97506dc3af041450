//! WebAssembly bindings for `ocmf-core` (the npm package `ocmf`).
//!
//! An adapter over the core's one entry point, [`ocmf_core::Checker`]: each
//! module maps one kind of JavaScript object onto the core's types and
//! holds no rule of its own (which key counts as none, how key or record
//! bytes are read, what an unreadable record's report says: the core
//! decides). Every error thrown to JavaScript is an `OcmfError` made by
//! [`boundary::to_js_error`], and every export runs inside the panic
//! boundary ([`boundary::run`]).
//!
//! `verify` never throws for a bad *record*: the verdict says what is wrong.
//! It throws only for bad *arguments* (wrong types, unknown profile or
//! language, a freed key or registry). Likewise `evaluateSession` and
//! `extract` report bad records and unreadable input inside their result.
//!
//! Every report is the core's canonical JSON: `verifyJson`,
//! `evaluateSessionJson`, `Extraction.json`/`sessionsJson` return it
//! unchanged; the typed objects are the same JSON with camelCase keys.
//!
//! | module | JavaScript |
//! |---|---|
//! | [`boundary`] | `OcmfError`, `isOcmfError`, the panic boundary |
//! | [`args`] | reading options, keys and records; JSON out |
//! | [`key`] | `Key` |
//! | [`registry`] | `KeyRegistry` |
//! | [`verify`] | `verify`, `verifyJson`, `inspect` |
//! | [`batch`] | `verifyMany` |
//! | [`session`] | `evaluateSession`, `evaluateSessionJson` |
//! | [`formats`] | `verifyFormat`, `verifyFormatJson`, `FormatResult` |
//! | [`transport`] | `extract`, `Extraction`, `toXml` |
//! | [`sign`] | `sign` |
//! | [`text`] | `messageFor`, `explainVerdict`, `explainTrust`, `verdicts`, `version` |
//! | [`types`] | the TypeScript types of the objects |

pub mod args;
pub mod batch;
pub mod boundary;
pub mod formats;
pub mod key;
pub mod registry;
pub mod session;
pub mod sign;
pub mod text;
pub mod transport;
pub mod types;
pub mod verify;
