//! The front door: one [`Checker`] for every check the crate makes.
//!
//! A checker holds the options (profile, limits), an optional key
//! [`Registry`], the curve [`Backend`] and a thread count. Everything goes
//! through it, and every binding calls it:
//!
//! | call | input | answer |
//! |---|---|---|
//! | [`Checker::verify`] | one record (text or bytes) and a [`KeyInput`] | [`Report`] |
//! | [`Checker::verify_all`] | a slice of [`Item`]s | one [`Report`] per item, in order |
//! | [`Checker::verify_map`] | a slice of [`Item`]s and a map | one mapped [`Report`] per item, mapped on the workers, in order |
//! | [`Checker::verify_each`] | any iterator of items | [`Report`]s to a callback, in order, in bounded memory |
//! | [`Checker::session`] | the records of one charging session | [`SessionReport`] |
//! | [`Checker::sessions`] | an [`Extraction`] (OCPP log, XML, …) | one [`GroupReport`] per session |
//!
//! With a registry, every [`Report`] carries the key decision in
//! [`Report::trust`]; without one, `trust` is `None`.
//!
//! The rules every entry point shares live here once:
//!
//! * a key given as blank text (or empty bytes) is no key: the record's own
//!   key (4th section) is used, as with [`KeyInput::None`];
//! * key text is any encoding [`PublicKey::parse`] reads; key bytes are
//!   key text when they are UTF-8, else binary SPKI DER, SEC1 or bare `X‖Y`
//!   ([`PublicKey::from_input`]);
//! * record bytes are checked for the size limit and UTF-8 before parsing;
//! * a record that starts with a UTF-8 byte-order mark reads as without it
//!   (the signed bytes never include it), with the finding
//!   `byte_order_mark`; every span stays an offset into the input as given;
//! * an undecodable key never hides the record's own `malformed` or
//!   `unsupported` verdict, and is never an invalid signature.
//!
//! ```
//! use ocmf_core::{Checker, KeyInput, Profile, Verdict};
//!
//! let record = r#"OCMF|{"FV":"1.0","GI":"KEBA_KCP30","GS":"17619300","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"},{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}]}|{"SD":"304502200E2F107C987A300AC1695CA89EA149A8CDFA16188AF0A33EE64B67964AA943F9022100889A72B6D65364BEA8562E7F6A0253157ACFF84FE4929A93B5964D23C4265699"}"#;
//! let key = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";
//! let checker = Checker::new().profile(Profile::Interop);
//! let report = checker.verify(record, KeyInput::Text(key));
//! assert_eq!(report.verdict, Verdict::Valid);
//! assert!(report.trust.is_none()); // no registry given
//! ```

use alloc::vec::Vec;

use crate::batch;
pub use crate::curves::Backend;
use crate::envelope::Limits;
use crate::error::Error;
use crate::finding::Profile;
use crate::key::PublicKey;
use crate::record::{Options, Report, check, check_with_key_error, str_from_bytes};
use crate::registry::{Registry, check_resolved};
use crate::session::{self, SessionContext, SessionRecord, SessionReport};
use crate::transport::{Extraction, GroupReport};

impl Backend {
    /// Every backend, in the order of [`Backend::as_str`]'s names.
    pub const ALL: &'static [Backend] = &[
        Backend::Auto,
        Backend::PureRust,
        Backend::Native,
        Backend::Reference,
    ];

    /// The stable name every binding takes: `auto`, `pure-rust`, `native`,
    /// `reference`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::PureRust => "pure-rust",
            Backend::Native => "native",
            Backend::Reference => "reference",
        }
    }

    /// The backend of a stable name ([`Backend::as_str`]; case-sensitive,
    /// surrounding white space ignored).
    ///
    /// # Errors
    /// [`ErrorCode::InvalidArgument`](crate::ErrorCode::InvalidArgument) with
    /// field `backend` for any other name (never a silent [`Backend::Auto`]).
    pub fn from_name(name: &str) -> Result<Backend, Error> {
        let name = name.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|b| b.as_str() == name)
            .ok_or(Error::new(crate::ErrorCode::InvalidArgument).field("backend"))
    }
}

/// A public key as a caller has it.
#[derive(Debug, Clone, Copy, Default)]
pub enum KeyInput<'k> {
    /// No key given: the record's own key (4th section) is used, if any.
    #[default]
    None,
    /// Key text in any encoding [`PublicKey::parse`] reads (hex, base64,
    /// PEM, `oca:`). Blank text is [`KeyInput::None`].
    Text(&'k str),
    /// Key bytes: key text when they are UTF-8, else SPKI DER, SEC1 or bare
    /// `X‖Y` ([`PublicKey::from_input`]). Empty bytes, or bytes of ASCII
    /// white space only (a key file holding a newline), are [`KeyInput::None`].
    Bytes(&'k [u8]),
    /// A key decoded once by the caller (its tables are reused).
    Decoded(&'k PublicKey),
}

impl<'k> KeyInput<'k> {
    /// `Text` for `Some`, `None` for `None`.
    #[must_use]
    pub const fn text(text: Option<&'k str>) -> Self {
        match text {
            Some(t) => Self::Text(t),
            None => Self::None,
        }
    }

    /// The input with the blank rule applied: blank text and blank bytes
    /// are no key.
    #[must_use]
    pub fn normalized(self) -> Self {
        match self {
            Self::Text(t) if t.trim().is_empty() => Self::None,
            Self::Bytes(b) if b.iter().all(u8::is_ascii_whitespace) => Self::None,
            other => other,
        }
    }

    /// Whether no key is given (after the blank rule).
    #[must_use]
    pub fn is_none(self) -> bool {
        matches!(self.normalized(), Self::None)
    }

    /// Decodes the key with `backend` (`None` for no key). A decoded key is
    /// returned as it is.
    ///
    /// # Errors
    /// The key's decoding error ([`PublicKey::parse`]).
    pub fn decode(self, backend: Backend) -> Option<Result<Decoded<'k>, Error>> {
        match self.normalized() {
            Self::None => None,
            Self::Decoded(k) => Some(Ok(Decoded::Borrowed(k))),
            Self::Text(t) => {
                Some(PublicKey::parse(t).map(|k| Decoded::Owned(k.with_backend(backend))))
            }
            Self::Bytes(b) => {
                Some(PublicKey::from_input(b).map(|k| Decoded::Owned(k.with_backend(backend))))
            }
        }
    }
}

/// A key decoded from a [`KeyInput`]: the caller's, or one decoded for the call.
// Lives on the stack for one call; boxing the owned key would cost an
// allocation per decoded key for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Decoded<'k> {
    /// The caller's decoded key.
    Borrowed(&'k PublicKey),
    /// A key decoded from text or bytes.
    Owned(PublicKey),
}

impl core::ops::Deref for Decoded<'_> {
    type Target = PublicKey;
    fn deref(&self) -> &PublicKey {
        match self {
            Self::Borrowed(k) => k,
            Self::Owned(k) => k,
        }
    }
}

impl<'k> From<Option<&'k str>> for KeyInput<'k> {
    fn from(text: Option<&'k str>) -> Self {
        Self::text(text)
    }
}

impl<'k> From<&'k str> for KeyInput<'k> {
    fn from(text: &'k str) -> Self {
        Self::Text(text)
    }
}

impl<'k> From<&'k PublicKey> for KeyInput<'k> {
    fn from(key: &'k PublicKey) -> Self {
        Self::Decoded(key)
    }
}

/// One record of a batch and its key.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    /// The record as bytes (a `&str`'s bytes, or raw input: size limit and
    /// UTF-8 are checked first).
    pub record: &'a [u8],
    /// Its key.
    pub key: KeyInput<'a>,
}

impl<'a> Item<'a> {
    /// A record given as text or bytes, with the key it carries.
    #[must_use]
    pub fn new(record: &'a (impl AsRef<[u8]> + ?Sized)) -> Self {
        Self {
            record: record.as_ref(),
            key: KeyInput::None,
        }
    }

    /// The same record with a key.
    #[must_use]
    pub const fn key(mut self, key: KeyInput<'a>) -> Self {
        self.key = key;
        self
    }
}

/// Something [`Checker::verify_each`] can check: a record with its key.
pub trait AsItem {
    /// The record and its key.
    fn as_item(&self) -> Item<'_>;
}

impl AsItem for Item<'_> {
    fn as_item(&self) -> Item<'_> {
        *self
    }
}

impl AsItem for &str {
    fn as_item(&self) -> Item<'_> {
        Item::new(*self)
    }
}

impl AsItem for alloc::string::String {
    fn as_item(&self) -> Item<'_> {
        Item::new(self.as_str())
    }
}

impl AsItem for Vec<u8> {
    fn as_item(&self) -> Item<'_> {
        Item::new(self.as_slice())
    }
}

impl<R: AsRef<[u8]>, K: AsRef<str>> AsItem for (R, Option<K>) {
    fn as_item(&self) -> Item<'_> {
        Item::new(self.0.as_ref()).key(KeyInput::text(self.1.as_ref().map(AsRef::as_ref)))
    }
}

/// Records [`Checker::verify_each`] holds at once, per worker thread.
pub const CHUNK_PER_THREAD: usize = 4096;

/// The one entry point: options, an optional registry, the backend and the
/// thread count. Cheap to build and to copy; build one per call or keep it.
#[derive(Debug, Clone, Copy)]
pub struct Checker<'r> {
    /// Profile, limits and the backend (`options.backend`).
    options: Options,
    registry: Option<&'r Registry>,
    threads: usize,
}

impl Default for Checker<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'r> Checker<'r> {
    /// The default checker: profile `interop`, default limits, no registry,
    /// [`Backend::Auto`], on the calling thread.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            options: Options {
                profile: Profile::Interop,
                limits: Limits::DEFAULT,
                backend: Backend::Auto,
            },
            registry: None,
            threads: 1,
        }
    }

    /// The same checker with these options.
    #[must_use]
    pub const fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The same checker with another profile.
    #[must_use]
    pub const fn profile(mut self, profile: Profile) -> Self {
        self.options.profile = profile;
        self
    }

    /// The same checker with other limits.
    #[must_use]
    pub const fn limits(mut self, limits: Limits) -> Self {
        self.options.limits = limits;
        self
    }

    /// The same checker with a key registry (`None`: without one). With a
    /// registry the key given with a record is the *carried* key, and the
    /// report says how far the key used can be trusted.
    #[must_use]
    pub const fn registry<'s>(self, registry: Option<&'s Registry>) -> Checker<'s> {
        Checker {
            options: self.options,
            registry,
            threads: self.threads,
        }
    }

    /// The same checker with another group arithmetic (the verdicts never
    /// depend on it): every signature it checks is verified with `backend`,
    /// whichever key it is under (given as text, bytes or decoded, carried,
    /// the record's own, from the registry). [`Backend::Auto`], the default,
    /// leaves a decoded key's own backend. See `docs/constant-time.md` for
    /// what [`Backend::Reference`] is for.
    #[must_use]
    pub const fn backend(mut self, backend: Backend) -> Self {
        self.options.backend = backend;
        self
    }

    /// The same checker on `threads` workers for batches: `1` checks on the
    /// calling thread; `0` uses one thread per core (rayon's global pool);
    /// `n > 1` a pool of `n` threads, kept for later batches of that size.
    /// Without the `rayon` feature every batch runs on the calling thread.
    #[must_use]
    pub const fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// The options.
    #[must_use]
    pub const fn options_ref(&self) -> &Options {
        &self.options
    }

    /// The registry, if any.
    #[must_use]
    pub const fn registry_ref(&self) -> Option<&'r Registry> {
        self.registry
    }

    /// The backend.
    #[must_use]
    pub const fn backend_kind(&self) -> Backend {
        self.options.backend
    }

    /// The thread count (see [`Checker::threads`]).
    #[must_use]
    pub const fn thread_count(&self) -> usize {
        self.threads
    }

    /// Checks one record (text or bytes) with its key. Never fails: the
    /// report's verdict says what happened (`valid`, `invalid-signature`,
    /// `malformed`, `unsupported`) and why.
    #[must_use]
    pub fn verify<'a>(
        &self,
        record: &'a (impl AsRef<[u8]> + ?Sized),
        key: KeyInput<'_>,
    ) -> Report<'a> {
        let key = key.decode(self.options.backend);
        self.verify_decoded(
            record.as_ref(),
            key.as_ref().map(|r| r.as_deref().map_err(|e| *e)),
        )
    }

    /// [`Checker::verify`] with the key already decoded (`None`: no key;
    /// `Some(Err)`: the key's decoding error). The one-record rule every
    /// path runs.
    pub(crate) fn verify_decoded<'a>(
        &self,
        record: &'a [u8],
        key: Option<Result<&PublicKey, Error>>,
    ) -> Report<'a> {
        let opts = &self.options;
        let text = match str_from_bytes(record, &opts.limits) {
            Ok(t) => t,
            Err(e) => {
                return match self.registry {
                    None => Report::from_error(e, opts.profile),
                    Some(_) => Report::unread_trusted(e, key.and_then(Result::ok), opts.profile),
                };
            }
        };
        match (self.registry, key) {
            (Some(registry), key) => check_resolved(text, key, Some(registry), opts),
            (None, None) => check(text, None, opts),
            (None, Some(Ok(k))) => check(text, Some(k), opts),
            (None, Some(Err(e))) => check_with_key_error(text, e, opts),
        }
    }

    /// Checks every item; one [`Report`] per item, in input order, on the
    /// checker's threads. Each distinct key text or key bytes is decoded
    /// once, and a key that verifies many records of the batch gets its
    /// wide tables ([`PublicKey::precompute`]). The reports are the ones
    /// [`Checker::verify`] gives item by item.
    #[must_use]
    pub fn verify_all<'a>(&self, items: &[Item<'a>]) -> Vec<Report<'a>> {
        batch::verify_all(self, items)
    }

    /// [`Checker::verify_all`], each report handed to `map` with its index
    /// on the worker thread that made it (to render it or keep only what is
    /// needed, in parallel); the answers in input order. `verify_all` is
    /// `verify_map(items, |_, report| report)`.
    pub fn verify_map<'a, R: Send>(
        &self,
        items: &[Item<'a>],
        map: impl Fn(usize, Report<'a>) -> R + Sync,
    ) -> Vec<R> {
        batch::verify_map(self, items, map)
    }

    /// Test hook (issue 17: every engine path under Wycheproof and the edge
    /// vectors): [`verify_digest`](crate::verify_digest) of every case under
    /// one key, run as [`Checker::verify_all`] runs a batch of records under
    /// one decoded key: with [`WIDE_TABLES_FROM`](crate::WIDE_TABLES_FROM)
    /// cases or more the key's wide tables are built first, and the cases
    /// are spread over the checker's threads. Answers in input order. Not a
    /// verdict API: records go through [`Checker::verify_all`].
    #[doc(hidden)]
    #[must_use]
    pub fn verify_digests(
        &self,
        algorithm: crate::Algorithm,
        key: &PublicKey,
        cases: &[([u8; 32], &[u8])],
    ) -> Vec<Result<(crate::SignatureShape, bool), Error>> {
        batch::verify_digests(self, algorithm, key, cases)
    }

    /// Checks the items of any iterator (a file read line by line, a
    /// database cursor) and hands each report, in input order, to `sink`
    /// with its item. At most [`CHUNK_PER_THREAD`] items per worker are held
    /// at once, so memory stays bounded whatever the input size.
    pub fn verify_each<T, I>(&self, items: I, mut sink: impl FnMut(&T, Report<'_>))
    where
        I: IntoIterator<Item = T>,
        T: AsItem + Sync,
    {
        let chunk = CHUNK_PER_THREAD * self.threads.max(1);
        let mut held: Vec<T> = Vec::with_capacity(chunk.min(1 << 16));
        let mut flush = |held: &mut Vec<T>| {
            let items: Vec<Item<'_>> = held.iter().map(AsItem::as_item).collect();
            for (t, report) in held.iter().zip(self.verify_all(&items)) {
                sink(t, report);
            }
            drop(items);
            held.clear();
        };
        for item in items {
            held.push(item);
            if held.len() == chunk {
                flush(&mut held);
            }
        }
        if !held.is_empty() {
            flush(&mut held);
        }
    }

    /// Checks the records of one charging session against each other (see
    /// [`session`](crate::session)): `key` is a key the user gives for every
    /// record (without one, each record's carried key, then its 4th section).
    ///
    /// # Errors
    /// The decoding error of `key`, when it is given and cannot be read
    /// (a session is never checked with a key the user did not mean).
    pub fn session<'a>(
        &self,
        records: &[SessionRecord<'a>],
        key: KeyInput<'_>,
    ) -> Result<SessionReport<'a>, Error> {
        let key = key.decode(self.options.backend).transpose()?;
        Ok(session::evaluate(
            records,
            &self.session_context(key.as_deref()),
        ))
    }

    /// Every session of an extraction (one per station and transaction),
    /// each checked as [`Checker::session`] does, with each value's carried
    /// key and its OCPP message id as label.
    ///
    /// # Errors
    /// As [`Checker::session`].
    pub fn sessions<'e>(
        &self,
        extraction: &'e Extraction,
        key: KeyInput<'_>,
    ) -> Result<Vec<GroupReport<'e>>, Error> {
        let key = key.decode(self.options.backend).transpose()?;
        Ok(extraction.sessions(&self.session_context(key.as_deref())))
    }

    /// [`Checker::verify_format`] for a value found in a container
    /// ([`SignedValue::format`](crate::transport::SignedValue::format)):
    /// the user's `key`, else the key the container `carried` with the
    /// value (reported as carried: it proves integrity, not origin), else
    /// the key inside the value.
    #[must_use]
    pub fn verify_format_carried(
        &self,
        input: &[u8],
        key: KeyInput<'_>,
        carried: Option<&str>,
    ) -> crate::formats::FormatCheck {
        match carried.filter(|c| !c.trim().is_empty()) {
            Some(c) if key.is_none() => {
                self.verify_format_as(input, KeyInput::Text(c), crate::formats::KeyOrigin::Carried)
            }
            _ => self.verify_format(input, key),
        }
    }

    fn session_context<'k>(&self, key: Option<&'k PublicKey>) -> SessionContext<'k>
    where
        'r: 'k,
    {
        SessionContext {
            key,
            registry: self.registry,
            options: self.options,
        }
    }
}

impl PublicKey {
    /// Decodes a key given as bytes the way every binding takes them: key
    /// text ([`PublicKey::parse`]) when the bytes are UTF-8, else binary
    /// ([`PublicKey::from_bytes`]). UTF-8 bytes that are no key text are
    /// tried as binary too (a bare `X‖Y` can happen to be valid UTF-8); the
    /// text error is reported when both fail.
    ///
    /// # Errors
    /// As [`PublicKey::parse`] / [`PublicKey::from_bytes`].
    pub fn from_input(bytes: &[u8]) -> Result<Self, Error> {
        match core::str::from_utf8(bytes) {
            Ok(text) => {
                PublicKey::parse(text).or_else(|e| PublicKey::from_bytes(bytes).map_err(|_| e))
            }
            Err(_) => PublicKey::from_bytes(bytes),
        }
    }

    /// Key bytes as key text, for the inputs that take key text only (the
    /// carried key of a [`SessionRecord`]): UTF-8 bytes as they are, any
    /// other bytes (binary SPKI DER, SEC1, bare `X‖Y`) as uppercase hex,
    /// which [`PublicKey::parse`] reads back as the same binary key. Empty
    /// bytes give empty text, which is no key.
    #[must_use]
    pub fn input_as_text(bytes: &[u8]) -> alloc::borrow::Cow<'_, str> {
        match core::str::from_utf8(bytes) {
            Ok(text) => alloc::borrow::Cow::Borrowed(text),
            Err(_) => alloc::borrow::Cow::Owned(base16ct::upper::encode_string(bytes)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_names_round_trip_and_unknown_names_are_typed_errors() {
        let names: Vec<&str> = Backend::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(names, ["auto", "pure-rust", "native", "reference"]);
        for &b in Backend::ALL {
            assert_eq!(Backend::from_name(b.as_str()), Ok(b));
            assert_eq!(
                Backend::from_name(&alloc::format!(" {} ", b.as_str())),
                Ok(b)
            );
        }
        for bad in ["", "Reference", "pure_rust", "constant-time", "auto2"] {
            let e = Backend::from_name(bad).unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidArgument, "{bad:?}");
            assert_eq!(e.field, Some("backend"));
        }
    }

    #[test]
    fn the_backend_is_part_of_the_options_and_survives_other_settings() {
        let c = Checker::new()
            .backend(Backend::Reference)
            .profile(Profile::Strict)
            .registry(None);
        assert_eq!(c.backend_kind(), Backend::Reference);
        assert_eq!(c.options_ref().backend, Backend::Reference);
        assert_eq!(Checker::new().backend_kind(), Backend::Auto);
    }

    #[test]
    fn too_large_extraction_is_what_extract_answers() {
        let over = alloc::vec![b'x'; crate::transport::MAX_INPUT_BYTES + 1];
        assert_eq!(
            Extraction::too_large(),
            crate::transport::extract_bytes(&over)
        );
    }

    #[test]
    fn trust_explanations_by_status_word() {
        use crate::error::Lang;
        use crate::registry::Trust;
        for (t, word) in [
            (Trust::Untrusted, "untrusted"),
            (Trust::Unknown, "unknown"),
            (Trust::Mismatch { registered: 3 }, "mismatch"),
        ] {
            for lang in [Lang::En, Lang::De] {
                assert_eq!(Trust::explain_status(word, lang), Some(t.explain(lang)));
            }
        }
        let trusted = Trust::explain_status("trusted", Lang::En);
        assert!(trusted.is_some() && trusted != Trust::explain_status("expired", Lang::En));
        assert_eq!(Trust::explain_status("nope", Lang::En), None);
    }

    #[test]
    fn key_bytes_as_text_read_back_as_the_same_key() {
        assert_eq!(
            PublicKey::input_as_text(&[0x30, 0x59, 0xff, 0x00]),
            "3059FF00"
        );
        assert_eq!(PublicKey::input_as_text(b"abc"), "abc");
        assert_eq!(PublicKey::input_as_text(b""), "");
        let hex = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";
        let der = base16ct::mixed::decode_vec(hex).unwrap();
        let text = PublicKey::input_as_text(&der);
        assert_eq!(text, hex);
        let (from_text, from_der) = (
            PublicKey::parse(&text).unwrap(),
            PublicKey::from_input(&der).unwrap(),
        );
        assert_eq!(from_text.sec1_bytes(), from_der.sec1_bytes());
        assert!(from_text.curves().eq(from_der.curves()));
    }
}
