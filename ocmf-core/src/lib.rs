#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod algorithm;
mod batch;
mod checker;
mod curves;
mod decimal;
mod envelope;
mod error;
mod finding;
pub mod formats;
mod grammar;
mod json;
mod key;
mod lint;
mod payload;
mod record;
pub mod registry;
#[cfg(feature = "schema")]
pub mod schema;
pub mod session;
mod sigdata;
mod sign;
pub mod transport;

pub use algorithm::{Algorithm, Curve};
pub use batch::WIDE_TABLES_FROM;
pub use checker::{AsItem, Backend, CHUNK_PER_THREAD, Checker, Decoded, Item, KeyInput};
pub use decimal::ExactDecimal;
pub use envelope::{Envelope, EnvelopeQuirks, Limits};
pub use error::{Error, ErrorCode, Lang, Span, Verdict};
pub use finding::{Finding, FindingCode, Profile, Severity};
pub use grammar::{
    Obis, ObisGroup, Pagination, TimeStatus, Timestamp, parse_algorithm, parse_obis,
    parse_pagination, parse_timestamp,
};
pub use json::payload_json;
pub use key::{KeyEncoding, KeyForm, PublicKey};
pub use payload::{
    CableLoss, Decimal, Payload, RawMember, Reading, SignatureSection, Text, UserAssigned,
};
pub use record::{
    KeySource, Options, Report, Unverified, Verified, parse, parse_bytes, parse_with,
    str_from_bytes, verify_digest,
};
pub use sigdata::SignatureShape;
pub use sign::{Signed, sign, sign_hex};

/// Not part of the API: the secp192k1 curve type (RustCrypto traits over
/// `primeorder`), so that the `engine_differential` fuzz target can compute
/// keys and signatures with the reference arithmetic on all seven curves
/// (no published crate has this curve).
#[doc(hidden)]
pub use ocmf_vartime_verify::Secp192k1 as Secp192k1Reference;
