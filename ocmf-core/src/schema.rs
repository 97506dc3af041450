//! The JSON Schema of the canonical JSON (feature `schema`).
//!
//! The typed views the JSON is written from (`json.rs`, and the session
//! views) are the one definition of its shape. This module turns them into
//! one JSON Schema document (draft 2020-12) whose `$defs` name every object:
//! `Report`, `Trust`, `Finding`, `Payload`, `Reading`, `Extraction`, … .
//! `scripts/gen-types` generates the TypeScript types of the npm package and
//! the Python `TypedDict`s of the wheel from it, and the rust CI job checks
//! that the committed files are what the views say (`docs/report.schema.json`,
//! `ocmf-wasm/src/report_types.d.ts`, `ocmf-py/python/ocmf/report_types.py`).

use alloc::string::String;

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use crate::formats::check::FormatCheckJson;
use crate::formats::session::FormatSessionJson;
use crate::json::{ExtractionJson, ReportJson};
use crate::session::json::SessionJson;
use crate::transport::sessions::{GroupReportJson, SessionsJson};

/// The schema document: `$defs` with every object of the canonical JSON,
/// and `properties` naming the top-level objects a caller meets.
#[must_use]
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let report = generator.subschema_for::<ReportJson<'static>>();
    let extraction = generator.subschema_for::<ExtractionJson<'static>>();
    let session = generator.subschema_for::<SessionJson<'static>>();
    let group = generator.subschema_for::<GroupReportJson<'static>>();
    let with_sessions = generator.subschema_for::<SessionsJson<'static>>();
    let format = generator.subschema_for::<FormatCheckJson<'static>>();
    let format_session = generator.subschema_for::<FormatSessionJson<'static>>();
    let defs: serde_json::Map<String, Value> =
        generator.take_definitions(true).into_iter().collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/ocmf/report.schema.json",
        "title": "ocmf canonical JSON",
        "description": "The canonical JSON objects written by ocmf-core and every binding (generated from the Rust views; do not edit).",
        "type": "object",
        "properties": {
            "Report": report,
            "Extraction": extraction,
            "SessionReport": session,
            "GroupSession": group,
            "ExtractionWithSessions": with_sessions,
            "FormatCheck": format,
            "FormatSession": format_session,
        },
        "$defs": defs,
    })
}

/// A JSON string that is one of a fixed list of words, named in the schema
/// (`Verdict`, `Profile`, …). The list comes from the core's own tables, so
/// the generated types cannot drift from what the core writes.
macro_rules! word_list {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $words:expr) => {
        $(#[$doc])*
        pub(crate) struct $ty;

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> alloc::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let words: alloc::vec::Vec<String> = $words;
                schemars::json_schema!({ "type": "string", "enum": words })
            }
        }
    };
}

word_list!(
    /// `ALFEN`, `EDL40`, … ([`crate::formats::Format`]).
    FormatWord,
    "FormatName",
    crate::formats::Format::ALL
        .iter()
        .map(|f| f.as_str().into())
        .collect()
);
word_list!(
    /// `caller`, `carried`, `registry` ([`crate::formats::KeyOrigin`]).
    FormatKeySourceWord,
    "FormatKeySource",
    {
        use crate::formats::KeyOrigin::{Caller, Carried, Registry};
        [Caller, Carried, Registry].iter().map(|k| k.as_str().into()).collect()
    }
);
word_list!(
    /// `start`, `stop`, `intermediate`, `unknown` ([`crate::formats::ReadingKind`]).
    ReadingKindWord,
    "FormatReadingKind",
    {
        use crate::formats::ReadingKind::{Intermediate, Start, Stop, Unknown};
        [Start, Stop, Intermediate, Unknown]
            .iter()
            .map(|k| k.as_str().into())
            .collect()
    }
);
word_list!(
    /// `valid`, `invalid-signature`, `malformed`, `unsupported`.
    VerdictWord,
    "Verdict",
    crate::Verdict::ALL.iter().map(|v| v.as_str().into()).collect()
);
word_list!(
    /// `plain`, `hex`, `ocpp16-plain`, … ([`crate::transport::Transport`]).
    TransportWord,
    "TransportName",
    crate::transport::Transport::ALL
        .iter()
        .map(|t| t.as_str().into())
        .collect()
);
word_list!(
    /// `valid`, `incomplete`, `invalid`, `malformed`.
    SessionVerdictWord,
    "SessionVerdict",
    crate::session::SessionVerdict::ALL
        .iter()
        .map(|v| v.as_str().into())
        .collect()
);
word_list!(
    /// `strict`, `interop`, `reference`.
    ProfileWord,
    "Profile",
    [crate::Profile::Strict, crate::Profile::Interop, crate::Profile::Reference]
        .iter()
        .map(|p| p.as_str().into())
        .collect()
);
word_list!(
    /// `info`, `warning`, `error`.
    SeverityWord,
    "Severity",
    [crate::Severity::Info, crate::Severity::Warning, crate::Severity::Error]
        .iter()
        .map(|s| s.as_str().into())
        .collect()
);
word_list!(
    /// `caller`, `record`.
    KeySourceWord,
    "KeySource",
    crate::KeySource::ALL.iter().map(|k| k.as_str().into()).collect()
);
word_list!(
    /// `trusted`, `untrusted`, `mismatch`, `expired`, `unknown`.
    TrustWord,
    "TrustStatus",
    crate::registry::Trust::one_of_each()
        .iter()
        .map(|t| t.as_str().into())
        .collect()
);
word_list!(
    /// `U`, `I`, `R`, `S`.
    TimeStatusWord,
    "TimeStatus",
    {
        use crate::TimeStatus::{Informative, Relative, Synchronised, Unknown};
        [Unknown, Informative, Relative, Synchronised]
            .iter()
            .map(|t| alloc::string::ToString::to_string(&t.letter()))
            .collect()
    }
);
