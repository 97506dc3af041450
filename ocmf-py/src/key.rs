//! `ocmf.Key` and the reading of a `key=` argument into the core's
//! [`KeyInput`].
//!
//! The key rules are the core's: key text is any encoding
//! [`PublicKey::parse`] reads, key bytes are key text when they are UTF-8,
//! else binary ([`PublicKey::from_input`]), and a blank key is no key.

use std::sync::Arc;

use ocmf_core::registry::key_fingerprint;
use ocmf_core::{KeyInput, PublicKey};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::boundary::{core_error, invalid_argument};

/// A decoded public key, reusable across many records (decode once).
#[pyclass(module = "ocmf._ocmf", frozen)]
pub(crate) struct Key {
    /// Shared, not copied, into every check: the key's precomputed tables are
    /// built inside it on its second use and must survive between calls.
    pub(crate) key: Arc<PublicKey>,
}

#[pymethods]
impl Key {
    /// Decodes a key from text (hex, base64, PEM, `oca:`…) or bytes (key
    /// text when UTF-8, else SEC1, SubjectPublicKeyInfo DER, bare X‖Y).
    #[new]
    fn new(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let parsed = match KeyArg::from_py(py, Some(key))? {
            KeyArg::Text(t) => PublicKey::parse(&t),
            KeyArg::Bytes(b) => PublicKey::from_input(&b),
            KeyArg::None | KeyArg::Decoded(_) => {
                return Err(invalid_argument(py, "key must be str or bytes"));
            }
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
        key_fingerprint(&self.key)
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

/// A `key=` argument as Python gave it, owned so that it can cross into
/// code that runs without the GIL.
pub(crate) enum KeyArg {
    /// `None` (or no argument).
    None,
    /// A `str`: key text. A `str` with lone surrogates has no UTF-8 form;
    /// it is read with U+FFFD in their place, which no key encoding
    /// contains, so it stays a key that cannot be decoded.
    Text(String),
    /// `bytes` or `bytearray`.
    Bytes(Vec<u8>),
    /// An `ocmf.Key`.
    Decoded(Arc<PublicKey>),
}

impl KeyArg {
    /// Reads `str`, `bytes`, `bytearray`, `ocmf.Key` or `None`.
    ///
    /// # Errors
    /// `InvalidArgumentError` for another type.
    pub(crate) fn from_py(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(Self::None);
        };
        if let Ok(k) = obj.cast::<Key>() {
            Ok(Self::Decoded(Arc::clone(&k.get().key)))
        } else if let Ok(s) = obj.cast::<PyString>() {
            Ok(Self::Text(s.to_string_lossy().into_owned()))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(Self::Bytes(b.as_bytes().to_vec()))
        } else if let Ok(b) = obj.cast::<PyByteArray>() {
            Ok(Self::Bytes(b.to_vec()))
        } else {
            Err(invalid_argument(
                py,
                "key must be str, bytes, ocmf.Key or None",
            ))
        }
    }

    /// The key as the core takes it.
    pub(crate) fn input(&self) -> KeyInput<'_> {
        match self {
            Self::None => KeyInput::None,
            Self::Text(t) => KeyInput::Text(t),
            Self::Bytes(b) => KeyInput::Bytes(b),
            Self::Decoded(k) => KeyInput::Decoded(k),
        }
    }

    /// The key as key text, for the inputs that take text only (the carried
    /// key of a session record): text as given, bytes as the core writes
    /// them ([`PublicKey::input_as_text`]), a decoded key as its SEC1 hex.
    pub(crate) fn into_text(self) -> Option<String> {
        match self {
            Self::None => None,
            Self::Text(t) => Some(t),
            Self::Bytes(b) => Some(PublicKey::input_as_text(&b).into_owned()),
            Self::Decoded(k) => Some(k.sec1_hex()),
        }
    }
}
