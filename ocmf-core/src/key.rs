//! Public keys in every shape they travel in.
//!
//! Text: hex (any case, with spaces, newlines or colons), base64, PEM, the
//! OCPP application note's `oca:<encoding>:<content-type>:<key>` wrapper,
//! and KEBA's JSON container `{"UK": "<key>"}` (OCPP 2.0.1 `publicKey` is
//! base64 over it; non-standard, so a report that uses such a key says so
//! with the finding `nonstandard_key_container`).
//! Bytes: DER SubjectPublicKeyInfo, SEC1 compressed/uncompressed, or bare
//! `X‖Y` (curve from `SA`). A key is decoded once; every curve it can be on
//! is decoded up front, so verifying many records under it costs nothing more.

use alloc::{string::String, vec::Vec};

use base64ct::{Base64, Base64Unpadded, Encoding};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef, der::Decode};

use crate::algorithm::Curve;
use crate::curves::{Backend, CurveKey};
use crate::error::{Error, ErrorCode};

/// How the key text was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyEncoding {
    /// Hexadecimal (any case, separators ignored).
    Hex,
    /// Base64.
    Base64,
    /// PEM (`-----BEGIN PUBLIC KEY-----`).
    Pem,
    /// The OCPP application note's `oca:` wrapper.
    Oca,
    /// KEBA's non-standard JSON container `{"UK": "<key text>"}` (also
    /// base64 over it, as KEBA's OCPP 2.0.1 `publicKey` carries it).
    UkContainer,
    /// Raw bytes (given as bytes, not text).
    Binary,
}

/// The form of the key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyForm {
    /// DER SubjectPublicKeyInfo (names its curve).
    Spki,
    /// SEC1 `04‖X‖Y`.
    Sec1Uncompressed,
    /// SEC1 `02/03‖X`.
    Sec1Compressed,
    /// Bare `X‖Y` without the `04` prefix.
    BareXy,
}

/// A decoded public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    /// The curve the key itself names (SPKI only); `None` for SEC1 / bare keys.
    pub declared_curve: Option<Curve>,
    /// How the text was encoded.
    pub encoding: KeyEncoding,
    /// The form of the bytes.
    pub form: KeyForm,
    sec1: Vec<u8>,
    decoded: [Option<CurveKey>; 8],
}

const ID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");

fn curve_index(c: Curve) -> usize {
    Curve::EVERY.iter().position(|x| *x == c).unwrap_or(0)
}

fn err(code: ErrorCode) -> Error {
    Error::new(code).field("key")
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != ':')
        .collect();
    let cleaned = cleaned
        .strip_prefix("0x")
        .or_else(|| cleaned.strip_prefix("0X"))
        .unwrap_or(&cleaned);
    if cleaned.is_empty()
        || cleaned.len() % 2 != 0
        || !cleaned.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return None;
    }
    base16ct::mixed::decode_vec(cleaned).ok()
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    Base64::decode_vec(&cleaned)
        .or_else(|_| Base64Unpadded::decode_vec(cleaned.trim_end_matches('=')))
        .ok()
}

/// Base32 (RFC 4648) as the `oca:` wrapper allows it.
///
/// Hand-written because it is ten lines and only this wrapper uses it; no
/// RustCrypto crate offers base32.
fn decode_b32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c.to_ascii_uppercase() {
            b'A'..=b'Z' => c.to_ascii_uppercase() - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

/// The text after an `oca:` prefix (case-insensitive), if there is one.
fn strip_oca(t: &str) -> Option<&str> {
    t.get(..4)
        .filter(|p| p.eq_ignore_ascii_case("oca:"))
        .and_then(|_| t.get(4..))
}

/// The key text inside KEBA's container: a JSON object whose one member
/// `UK` is a string (which must not be another container).
fn uk_container(t: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Uk {
        #[serde(rename = "UK")]
        uk: String,
    }
    let Uk { uk } = serde_json::from_str::<Uk>(t).ok()?;
    (!uk.trim_start().starts_with('{')).then_some(uk)
}

fn plausible_key_bytes(b: &[u8]) -> bool {
    matches!(b.first(), Some(0x30 | 0x04 | 0x02 | 0x03)) || matches!(b.len(), 48 | 64 | 96)
}

impl PublicKey {
    /// Decodes a key given as text.
    ///
    /// # Errors
    /// [`ErrorCode::KeyEncoding`] when the text is none of the encodings,
    /// [`ErrorCode::KeyDer`], [`ErrorCode::KeyUnknownCurve`],
    /// [`ErrorCode::KeyLength`] or [`ErrorCode::KeyInvalidPoint`] for the bytes.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::parse_depth(text, 0)
    }

    fn parse_depth(text: &str, depth: u8) -> Result<Self, Error> {
        let t = text.trim();
        if t.is_empty() {
            return Err(err(ErrorCode::KeyMissing));
        }
        if depth > 2 {
            return Err(err(ErrorCode::KeyEncoding));
        }
        if t.starts_with("-----BEGIN") {
            let body: String = t.lines().filter(|l| !l.starts_with("-----")).collect();
            let bytes = decode_b64(&body).ok_or_else(|| err(ErrorCode::KeyEncoding))?;
            return Self::from_bytes_with(&bytes, KeyEncoding::Pem);
        }
        if let Some(body) = strip_oca(t) {
            let mut parts = body.splitn(3, ':');
            let (enc, _content_type, key) = (parts.next(), parts.next(), parts.next());
            let key = key.ok_or_else(|| err(ErrorCode::KeyEncoding))?;
            let bytes = match enc.map(str::to_ascii_lowercase).as_deref() {
                Some("base16") => {
                    let k = key.strip_prefix("0x").unwrap_or(key);
                    let hex: String = k.chars().filter(char::is_ascii_hexdigit).collect();
                    decode_hex(&hex)
                }
                Some("base32") => decode_b32(key),
                Some("base64") => decode_b64(key),
                _ => None,
            }
            .ok_or_else(|| err(ErrorCode::KeyEncoding))?;
            return Self::from_bytes_with(&bytes, KeyEncoding::Oca);
        }
        if t.starts_with('{') {
            let inner = uk_container(t).ok_or_else(|| err(ErrorCode::KeyEncoding))?;
            let mut key = Self::parse_depth(&inner, depth + 1)?;
            key.encoding = KeyEncoding::UkContainer;
            return Ok(key);
        }
        if let Some(bytes) = decode_hex(t).filter(|b| plausible_key_bytes(b)) {
            return Self::from_bytes_with(&bytes, KeyEncoding::Hex);
        }
        if let Some(bytes) = decode_b64(t) {
            // OCPP carries base64 over an `oca:` string or over printed hex.
            if let Ok(inner) = core::str::from_utf8(&bytes) {
                let inner = inner.trim();
                if strip_oca(inner).is_some()
                    || decode_hex(inner).is_some()
                    || inner.starts_with('{')
                {
                    return Self::parse_depth(inner, depth + 1);
                }
            }
            return Self::from_bytes_with(&bytes, KeyEncoding::Base64);
        }
        Err(err(ErrorCode::KeyEncoding))
    }

    /// Decodes a key given as bytes (SPKI DER, SEC1, or bare `X‖Y`).
    ///
    /// # Errors
    /// As [`PublicKey::parse`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_with(bytes, KeyEncoding::Binary)
    }

    fn from_bytes_with(bytes: &[u8], encoding: KeyEncoding) -> Result<Self, Error> {
        let (declared, form, sec1): (Option<Curve>, KeyForm, Vec<u8>) = match bytes.first() {
            // A bare X‖Y whose X starts with the SPKI tag (1 key in 256): SPKI
            // first, then bare.
            Some(0x30)
                if matches!(bytes.len(), 48 | 64 | 96)
                    && SubjectPublicKeyInfoRef::from_der(bytes).is_err() =>
            {
                let mut v = Vec::with_capacity(bytes.len() + 1);
                v.push(0x04);
                v.extend_from_slice(bytes);
                (None, KeyForm::BareXy, v)
            }
            Some(0x30) => {
                let spki =
                    SubjectPublicKeyInfoRef::from_der(bytes).map_err(|_| err(ErrorCode::KeyDer))?;
                if spki.algorithm.oid != ID_EC_PUBLIC_KEY {
                    return Err(err(ErrorCode::KeyUnknownCurve));
                }
                let params = spki
                    .algorithm
                    .parameters
                    .ok_or_else(|| err(ErrorCode::KeyDer))?;
                let oid: ObjectIdentifier = params
                    .decode_as()
                    .map_err(|_| err(ErrorCode::KeyUnknownCurve))?;
                let mut buf = [0u8; 64];
                let name = oid_to_str(&oid, &mut buf);
                let curve = Curve::from_oid(name).ok_or_else(|| err(ErrorCode::KeyUnknownCurve))?;
                let point = spki
                    .subject_public_key
                    .as_bytes()
                    .ok_or_else(|| err(ErrorCode::KeyDer))?;
                // SEC1 has the tags 02/03 and 04 only; the "compact" 05 the
                // point decoder would take is refused, as OpenSSL does.
                if !matches!(point.first(), Some(0x02..=0x04)) {
                    return Err(err(ErrorCode::KeyInvalidPoint));
                }
                (Some(curve), KeyForm::Spki, point.to_vec())
            }
            Some(0x04) if bytes.len() % 2 == 1 => (None, KeyForm::Sec1Uncompressed, bytes.to_vec()),
            Some(0x02 | 0x03) if bytes.len() % 2 == 1 && bytes.len() >= 25 => {
                (None, KeyForm::Sec1Compressed, bytes.to_vec())
            }
            _ if matches!(bytes.len(), 48 | 64 | 96) => {
                let mut v = Vec::with_capacity(bytes.len() + 1);
                v.push(0x04);
                v.extend_from_slice(bytes);
                (None, KeyForm::BareXy, v)
            }
            _ => return Err(err(ErrorCode::KeyLength)),
        };
        let mut decoded = [const { None }; 8];
        let candidates: &[Curve] = match declared {
            Some(ref c) => core::slice::from_ref(c),
            None => &Curve::EVERY,
        };
        let coord = match sec1.first() {
            Some(0x04) => (sec1.len() - 1) / 2,
            _ => sec1.len().saturating_sub(1),
        };
        let mut any = false;
        let mut size_fits = false;
        for &c in candidates {
            if c.field_bytes() != coord {
                continue;
            }
            size_fits = true;
            if let Some(k) = CurveKey::decode(c, &sec1) {
                decoded[curve_index(c)] = Some(k);
                any = true;
            }
        }
        if !size_fits {
            return Err(err(ErrorCode::KeyLength));
        }
        if !any {
            return Err(err(ErrorCode::KeyInvalidPoint));
        }
        Ok(Self {
            declared_curve: declared,
            encoding,
            form,
            sec1,
            decoded,
        })
    }

    /// The decoded point for `curve`.
    ///
    /// # Errors
    /// [`ErrorCode::KeyCurveMismatch`] when the key names another curve;
    /// [`ErrorCode::KeyInvalidPoint`] when a SEC1/bare key is not on `curve`.
    pub(crate) fn for_curve(&self, curve: Curve) -> Result<&CurveKey, Error> {
        if let Some(d) = self.declared_curve {
            if d != curve {
                return Err(err(ErrorCode::KeyCurveMismatch));
            }
        }
        self.decoded[curve_index(curve)].as_ref().ok_or_else(|| {
            let fits = self
                .decoded
                .iter()
                .flatten()
                .any(|k| k.curve().field_bytes() == curve.field_bytes());
            err(if fits {
                ErrorCode::KeyInvalidPoint
            } else {
                ErrorCode::KeyCurveMismatch
            })
        })
    }

    /// Builds this key's wide verification tables now, for a key about to
    /// verify many records ([`Checker::verify_all`](crate::Checker::verify_all)
    /// calls it for every key that signs at least
    /// [`WIDE_TABLES_FROM`](crate::WIDE_TABLES_FROM) records).
    ///
    /// Without it a key gets standard tables from its second verification
    /// on (2 KiB for P-256); the wide ones take 32 KiB (48 KiB for P-384),
    /// cost about ten verifications to build and make each further
    /// verification about a fifth faster. Built once; later calls, and
    /// clones made after it, share them. Verdicts never change. Without
    /// `std` this does nothing.
    pub fn precompute(&self) {
        for k in self.decoded.iter().flatten() {
            k.precompute(false);
        }
    }

    /// Builds the wide and the large verification tables now, for a key
    /// known to verify thousands of records (a meter's key over a long
    /// export). Without it a key that has its wide tables gets the large
    /// ones after `ocmf_vartime_verify::LARGE_FROM` (1,024) verifications
    /// with them. They take 256 KiB (384 KiB for P-384), cost about a
    /// hundred verifications to build (the generator's, once per process,
    /// about two hundred) and save about a sixth of the point additions of
    /// each verification. Verdicts never change; secp256k1 has no tables;
    /// without `std` this does nothing.
    pub fn precompute_large(&self) {
        for k in self.decoded.iter().flatten() {
            k.precompute(true);
        }
    }

    /// Whether every decoded form of the key has its wide tables.
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn is_wide(&self) -> bool {
        let mut forms = self.decoded.iter().flatten().peekable();
        forms.peek().is_some() && forms.all(CurveKey::is_wide)
    }

    /// This key, verifying with `backend` (default [`Backend::Auto`]).
    ///
    /// The verdict never depends on the backend; the choice exists for
    /// cross-checking and benchmarking.
    #[must_use]
    pub fn with_backend(mut self, backend: Backend) -> Self {
        for k in self.decoded.iter_mut().flatten() {
            k.set_backend(backend);
        }
        self
    }

    /// The backend this key verifies with.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.decoded
            .iter()
            .flatten()
            .next()
            .map_or(Backend::Auto, CurveKey::backend)
    }

    /// The curves this key can be used with.
    pub fn curves(&self) -> impl Iterator<Item = Curve> + '_ {
        self.decoded.iter().flatten().map(CurveKey::curve)
    }

    /// The SEC1 point bytes as given (uncompressed or compressed).
    #[must_use]
    pub fn sec1_bytes(&self) -> &[u8] {
        &self.sec1
    }

    /// The SEC1 point as uppercase hex (a stable fingerprint for display and registries).
    #[must_use]
    pub fn sec1_hex(&self) -> String {
        base16ct::upper::encode_string(&self.sec1)
    }
}

fn oid_to_str<'b>(oid: &ObjectIdentifier, buf: &'b mut [u8; 64]) -> &'b str {
    use core::fmt::Write;
    struct W<'c> {
        b: &'c mut [u8; 64],
        n: usize,
    }
    impl Write for W<'_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let end = self.n + s.len();
            if end > self.b.len() {
                return Err(core::fmt::Error);
            }
            self.b[self.n..end].copy_from_slice(s.as_bytes());
            self.n = end;
            Ok(())
        }
    }
    let mut w = W { b: buf, n: 0 };
    let ok = write!(w, "{oid}").is_ok();
    let n = if ok { w.n } else { 0 };
    core::str::from_utf8(&buf[..n]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPKI_HEX: &str = "3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE";

    #[test]
    fn every_shape_decodes_to_the_same_point() {
        let a = PublicKey::parse(SPKI_HEX).unwrap();
        assert_eq!(a.declared_curve, Some(Curve::P256));
        let spaced: String = SPKI_HEX
            .as_bytes()
            .chunks(4)
            .map(|c| core::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        let b = PublicKey::parse(&spaced.to_lowercase()).unwrap();
        assert_eq!(a.sec1_bytes(), b.sec1_bytes());
        let der = decode_hex(SPKI_HEX).unwrap();
        let b64 = Base64::encode_string(&der);
        let c = PublicKey::parse(&b64).unwrap();
        assert_eq!(c.encoding, KeyEncoding::Base64);
        let pem = alloc::format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
            &b64[..64],
            &b64[64..]
        );
        let d = PublicKey::parse(&pem).unwrap();
        assert_eq!(d.encoding, KeyEncoding::Pem);
        let point = &SPKI_HEX[SPKI_HEX.len() - 130..];
        let e = PublicKey::parse(point).unwrap();
        assert_eq!(e.form, KeyForm::Sec1Uncompressed);
        assert!(e.curves().any(|c| c == Curve::P256));
        let f = PublicKey::parse(&point[2..]).unwrap();
        assert_eq!(f.form, KeyForm::BareXy);
        let oca = alloc::format!("oca:base16:asn1-spki:{SPKI_HEX}");
        assert_eq!(PublicKey::parse(&oca).unwrap().sec1_bytes(), a.sec1_bytes());
        let oca64 = Base64::encode_string(oca.as_bytes());
        assert_eq!(PublicKey::parse(&oca64).unwrap().encoding, KeyEncoding::Oca);
        for k in [&a, &b, &c, &d, &e, &f] {
            assert_eq!(k.sec1_bytes(), a.sec1_bytes());
        }
    }

    #[test]
    fn mismatches_and_garbage() {
        let a = PublicKey::parse(SPKI_HEX).unwrap();
        assert_eq!(
            a.for_curve(Curve::Secp256k1).unwrap_err().code,
            ErrorCode::KeyCurveMismatch
        );
        assert_eq!(
            PublicKey::parse("zzzz!!").unwrap_err().code,
            ErrorCode::KeyEncoding
        );
        assert_eq!(
            PublicKey::parse("").unwrap_err().code,
            ErrorCode::KeyMissing
        );
        assert_eq!(
            PublicKey::parse("04ABCD").unwrap_err().code,
            ErrorCode::KeyLength
        );
        let mut bad = String::from(&SPKI_HEX[..SPKI_HEX.len() - 2]);
        bad.push_str("BF");
        assert_eq!(
            PublicKey::parse(&bad).unwrap_err().code,
            ErrorCode::KeyInvalidPoint
        );
    }
}

#[cfg(test)]
mod encoding_edges {
    use super::*;
    use crate::{Algorithm, Checker, KeyInput, sign};
    use alloc::format;

    const PAYLOAD: &str = r#"{"FV":"1.0","GI":"X","GS":"G","PG":"T1","MS":"M","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}"#;

    fn unhex(h: &str) -> Vec<u8> {
        (0..h.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn a_bare_key_whose_x_starts_with_0x30_is_read_as_bare() {
        // 1 in 256 bare X‖Y keys starts with the SPKI tag byte: find one.
        let (signed, xy) = (1u8..=255)
            .flat_map(|a| (1u8..=255).map(move |b| (a, b)))
            .find_map(|(a, b)| {
                let mut sk = [0x11u8; 32];
                sk[0] = a;
                sk[1] = b;
                let s = sign(PAYLOAD, &sk, Algorithm::DEFAULT).unwrap();
                let xy = unhex(&s.public_key_sec1_hex[2..]);
                (xy[0] == 0x30).then_some((s, xy))
            })
            .expect("a key with X starting 0x30");
        let key = PublicKey::from_bytes(&xy).expect("bare X‖Y after SPKI fails");
        assert_eq!(key.sec1_hex(), signed.public_key_sec1_hex);
        let hex: String = xy.iter().map(|b| format!("{b:02X}")).collect();
        let report = Checker::new().verify(&signed.record, KeyInput::Text(&hex));
        assert!(report.is_valid(), "{:?}", report.error);
        // A real SPKI that is damaged stays a DER error, not a bare key.
        let mut spki = unhex("3059301306072A8648CE3D020106082A8648CE3D030107034200");
        spki.extend_from_slice(&unhex(&signed.public_key_sec1_hex));
        spki[1] = 0x58;
        assert_eq!(
            PublicKey::from_bytes(&spki).unwrap_err().code,
            ErrorCode::KeyDer
        );
    }

    #[test]
    fn sec1_compact_points_are_refused() {
        // SEC1 knows tags 02/03 (compressed) and 04 (uncompressed); 05 is
        // the "compact" form of draft-jivsov, which OpenSSL refuses too.
        let s = sign(PAYLOAD, &[0x22; 32], Algorithm::DEFAULT).unwrap();
        let x = &s.public_key_sec1_hex[2..66];
        let compressed = format!("3039301306072A8648CE3D020106082A8648CE3D03010703220002{x}");
        let compact = format!("3039301306072A8648CE3D020106082A8648CE3D03010703220005{x}");
        // The same point compressed reads (either parity may be wrong, so
        // only the compact one is asserted to fail).
        let _ = PublicKey::parse(&compressed);
        assert_eq!(
            PublicKey::parse(&compact).unwrap_err().code,
            ErrorCode::KeyInvalidPoint
        );
        assert_eq!(
            PublicKey::from_bytes(&unhex(&format!("05{x}")))
                .unwrap_err()
                .code,
            ErrorCode::KeyLength
        );
    }
}
