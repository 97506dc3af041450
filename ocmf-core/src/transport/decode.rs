//! Decoding signed values (raw, hex, base64) and key texts.

use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};

use base64ct::{Base64, Base64Unpadded, Encoding};

use super::{MAX_ENCODED_BYTES, MAX_RECORD_BYTES, Transport};

/// How a signed value was encoded in its carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Enc {
    Plain,
    Hex,
    Base64,
}

impl Enc {
    /// The transport of a value read this way from a carrier whose three
    /// transports are `[plain, hex, base64]`.
    pub(crate) const fn transport(self, [plain, hex, base64]: [Transport; 3]) -> Transport {
        match self {
            Self::Plain => plain,
            Self::Hex => hex,
            Self::Base64 => base64,
        }
    }
}

/// `OCMF|` as the first bytes of a record.
const MAGIC: &str = "OCMF|";

/// Whether `t` starts with `OCMF|`.
pub(crate) fn is_ocmf(t: &str) -> bool {
    t.starts_with(MAGIC)
}

/// Whether `t` is non-empty, even-length hex.
pub(crate) fn is_hex(t: &str) -> bool {
    !t.is_empty() && t.len() % 2 == 0 && t.bytes().all(|c| c.is_ascii_hexdigit())
}

/// Whether `t` is hex that decodes to text starting `OCMF|` (checks only the prefix).
pub(crate) fn is_hex_record(t: &str) -> bool {
    is_hex(t)
        && t.get(..10)
            .is_some_and(|p| p.eq_ignore_ascii_case("4F434D467C"))
}

fn decode_hex(t: &str) -> Option<Vec<u8>> {
    base16ct::mixed::decode_vec(t).ok()
}

/// Base64 (padded or not), ignoring ASCII white space (line breaks).
pub(crate) fn decode_base64(t: &str) -> Option<Vec<u8>> {
    let cleaned: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if cleaned.is_empty() {
        return None;
    }
    Base64::decode_vec(&cleaned)
        .or_else(|_| Base64Unpadded::decode_vec(cleaned.trim_end_matches('=')))
        .ok()
}

/// Decodes a carried signed value to the record text.
///
/// The text is trimmed; raw `OCMF|…` is taken as is, else hex, else base64
/// (in that order: base64 of a record always starts `T0NNRn`, never hex).
///
/// # Errors
/// A lowercase message naming what is wrong.
pub(crate) fn decode_record(text: &str) -> Result<(String, Enc), String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("signed value is empty".to_string());
    }
    if t.len() > MAX_ENCODED_BYTES {
        return Err(format!(
            "signed value is {} bytes, more than {MAX_ENCODED_BYTES}",
            t.len()
        ));
    }
    if is_ocmf(t) {
        return check_size(t.to_string()).map(|r| (r, Enc::Plain));
    }
    let (bytes, enc) = if is_hex(t) {
        (decode_hex(t), Enc::Hex)
    } else {
        (decode_base64(t), Enc::Base64)
    };
    let Some(bytes) = bytes else {
        return Err("signed value is neither an OCMF record nor hex or base64".to_string());
    };
    let what = if enc == Enc::Hex { "hex" } else { "base64" };
    let s = String::from_utf8(bytes)
        .map_err(|_| format!("{what}-decoded signed value is not utf-8 text"))?;
    let r = s.trim();
    if !is_ocmf(r) {
        return Err(format!(
            "{what}-decoded signed value does not start with OCMF|"
        ));
    }
    check_size(r.to_string()).map(|r| (r, enc))
}

fn check_size(r: String) -> Result<String, String> {
    if r.len() > MAX_RECORD_BYTES {
        Err(format!(
            "record is {} bytes, more than {MAX_RECORD_BYTES}",
            r.len()
        ))
    } else {
        Ok(r)
    }
}

/// Hex digits and white space only (printed keys: `3059 3013 …`), with an optional `0x`.
fn is_loose_hex(t: &str) -> bool {
    let t = t.strip_prefix("0x").unwrap_or(t);
    t.bytes().any(|c| c.is_ascii_hexdigit())
        && t.bytes()
            .all(|c| c.is_ascii_hexdigit() || c.is_ascii_whitespace() || c == b':')
}

fn is_oca(t: &str) -> bool {
    t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("oca:"))
}

/// The key text to hand to `PublicKey::parse`, from a carried `publicKey`.
///
/// Empty gives `None`. Base64 over an `oca:` key, over printed hex or over
/// PEM is decoded to that text (the OCPP application note and its example);
/// everything else is kept as carried (trimmed).
///
/// # Errors
/// A message when the key text exceeds [`MAX_ENCODED_BYTES`].
pub(crate) fn key_text(text: &str) -> Result<Option<String>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.len() > MAX_ENCODED_BYTES {
        return Err(format!(
            "public key is {} bytes, more than {MAX_ENCODED_BYTES}",
            t.len()
        ));
    }
    if is_oca(t) || is_loose_hex(t) || t.starts_with("-----BEGIN") {
        return Ok(Some(t.to_string()));
    }
    if let Some(inner) = decode_base64(t).and_then(|b| String::from_utf8(b).ok()) {
        let i = inner.trim();
        if is_oca(i) || is_loose_hex(i) || i.starts_with("-----BEGIN") {
            return Ok(Some(i.to_string()));
        }
    }
    Ok(Some(t.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_every_encoding() {
        let rec = "OCMF|{\"a\":1}|{\"SD\":\"00\"}";
        let hex = base16ct::upper::encode_string(rec.as_bytes());
        let b64 = Base64::encode_string(rec.as_bytes());
        assert_eq!(decode_record(rec).unwrap(), (rec.to_string(), Enc::Plain));
        assert_eq!(decode_record(&hex).unwrap(), (rec.to_string(), Enc::Hex));
        assert_eq!(
            decode_record(&hex.to_lowercase()).unwrap(),
            (rec.to_string(), Enc::Hex)
        );
        assert_eq!(decode_record(&b64).unwrap(), (rec.to_string(), Enc::Base64));
        assert!(is_hex_record(&hex));
        assert!(!is_hex_record(&b64));
        assert!(decode_record("").is_err());
        assert!(decode_record("4142").unwrap_err().contains("OCMF|"));
        assert!(decode_record("not an ocmf value").is_err());
        assert!(decode_record("FFFE").unwrap_err().contains("utf-8"));
        let big = "A".repeat(MAX_ENCODED_BYTES + 1);
        assert!(decode_record(&big).unwrap_err().contains("more than"));
    }

    #[test]
    fn keys() {
        assert_eq!(key_text("  ").unwrap(), None);
        let oca = "oca:base16:asn1-spki:3059";
        let b = Base64::encode_string(oca.as_bytes());
        assert_eq!(key_text(&b).unwrap().as_deref(), Some(oca));
        let hex = "3059301306072A8648CE3D0201";
        assert_eq!(key_text(hex).unwrap().as_deref(), Some(hex));
        let b = Base64::encode_string(hex.as_bytes());
        assert_eq!(key_text(&b).unwrap().as_deref(), Some(hex));
        // Base64 SPKI stays base64: its bytes are binary, not text.
        let spki = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE";
        assert_eq!(key_text(spki).unwrap().as_deref(), Some(spki));
    }
}
