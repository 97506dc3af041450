//! Signature bytes: `SD` decoded per `SE`, then DER (read leniently) or raw `r‖s`.
//!
//! The DER reader is hand-written rather than taken from the `der` crate on
//! purpose: real meters emit INTEGERs that strict DER rejects (fixed-width
//! values with the high bit set and no sign byte, superfluous leading zero
//! bytes). We read INTEGER contents as unsigned big-endian and record every
//! deviation so the profiles can decide.

use base64ct::{Base64, Base64Unpadded, Encoding};

use crate::error::{Error, ErrorCode, Span};

/// Largest decoded signature we accept (DER of P-384 is at most 104 bytes).
const MAX_SIG: usize = 160;

/// The shape the signature bytes had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureShape {
    /// Canonical DER.
    Der,
    /// DER with non-minimal INTEGERs (see the flags).
    DerLenient {
        /// An INTEGER whose first content byte has the high bit set (no `00` sign byte).
        unsigned_high_bit: bool,
        /// An INTEGER with superfluous leading zero bytes.
        superfluous_zero: bool,
        /// A non-minimal length encoding.
        long_length: bool,
    },
    /// Raw `r‖s` of twice the field size.
    Raw,
}

/// Decoded signature integers, stored inline (no heap).
#[derive(Clone, Copy)]
pub(crate) struct SignatureBytes {
    buf: [u8; MAX_SIG],
    r: (usize, usize),
    s: (usize, usize),
    /// How the bytes were shaped.
    pub(crate) shape: SignatureShape,
}

impl core::fmt::Debug for SignatureBytes {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignatureBytes")
            .field("shape", &self.shape)
            .field("r_len", &self.r().len())
            .finish()
    }
}

impl SignatureBytes {
    /// `r` as unsigned big-endian, leading zeros stripped.
    #[must_use]
    pub(crate) fn r(&self) -> &[u8] {
        &self.buf[self.r.0..self.r.1]
    }

    /// `s` as unsigned big-endian, leading zeros stripped.
    #[must_use]
    pub(crate) fn s(&self) -> &[u8] {
        &self.buf[self.s.0..self.s.1]
    }
}

fn strip_zeros(b: &[u8], start: usize, end: usize) -> (usize, usize) {
    let mut s = start;
    while s < end && b[s] == 0 {
        s += 1;
    }
    (s, end)
}

struct DerInfo {
    r: (usize, usize),
    s: (usize, usize),
    high: bool,
    zero: bool,
    long: bool,
}

fn read_len(b: &[u8], pos: &mut usize, long: &mut bool) -> Option<usize> {
    let first = *b.get(*pos)?;
    *pos += 1;
    if first < 0x80 {
        return Some(usize::from(first));
    }
    if first != 0x81 {
        return None; // nothing in an ECDSA signature needs more than one length byte
    }
    let l = *b.get(*pos)?;
    *pos += 1;
    if l < 0x80 {
        *long = true;
    }
    Some(usize::from(l))
}

fn read_int(b: &[u8], pos: &mut usize, info: &mut DerInfo) -> Option<(usize, usize)> {
    if *b.get(*pos)? != 0x02 {
        return None;
    }
    *pos += 1;
    let len = read_len(b, pos, &mut info.long)?;
    let start = *pos;
    let end = start.checked_add(len)?;
    if len == 0 || end > b.len() {
        return None;
    }
    if b[start] & 0x80 != 0 {
        info.high = true;
    }
    if len > 1 && b[start] == 0 && b[start + 1] & 0x80 == 0 {
        info.zero = true;
    }
    *pos = end;
    Some(strip_zeros(b, start, end))
}

fn parse_der(b: &[u8]) -> Option<DerInfo> {
    let mut info = DerInfo {
        r: (0, 0),
        s: (0, 0),
        high: false,
        zero: false,
        long: false,
    };
    let mut pos = 0;
    if *b.first()? != 0x30 {
        return None;
    }
    pos += 1;
    let len = read_len(b, &mut pos, &mut info.long)?;
    if pos + len != b.len() {
        return None;
    }
    info.r = read_int(b, &mut pos, &mut info)?;
    info.s = read_int(b, &mut pos, &mut info)?;
    (pos == b.len()).then_some(info)
}

/// Decodes `SD` (`hex` or `base64` per `SE`) and reads the integers.
///
/// `raw_len` is twice the field size of the algorithm's curve: a signature
/// of exactly that length that is not DER is taken as raw `r‖s`.
///
/// # Errors
/// [`ErrorCode::SignatureEncoding`] for bad hex/base64,
/// [`ErrorCode::SignatureDer`] when the bytes are neither DER nor raw,
/// [`ErrorCode::SignatureLength`] when an integer is longer than the field.
pub(crate) fn decode(
    sd: &str,
    base64: bool,
    raw_len: usize,
    span: Span,
) -> Result<SignatureBytes, Error> {
    let mut out = SignatureBytes {
        buf: [0; MAX_SIG],
        r: (0, 0),
        s: (0, 0),
        shape: SignatureShape::Der,
    };
    let e = |c| Error::new(c).field("SD").at(span);
    let n = if base64 {
        let t = sd.trim();
        let padded = Base64::decode(t, &mut out.buf).map(|b| b.len());
        match padded {
            Ok(n) => n,
            Err(_) => Base64Unpadded::decode(t.trim_end_matches('='), &mut out.buf)
                .map_err(|_| e(ErrorCode::SignatureEncoding))?
                .len(),
        }
    } else {
        if sd.len() % 2 != 0 || sd.len() / 2 > MAX_SIG {
            return Err(e(if sd.len() / 2 > MAX_SIG {
                ErrorCode::SignatureDer
            } else {
                ErrorCode::SignatureEncoding
            }));
        }
        base16ct::mixed::decode(sd, &mut out.buf)
            .map_err(|_| e(ErrorCode::SignatureEncoding))?
            .len()
    };
    let b = &out.buf[..n];
    if let Some(d) = parse_der(b) {
        out.r = d.r;
        out.s = d.s;
        out.shape = if d.high || d.zero || d.long {
            SignatureShape::DerLenient {
                unsigned_high_bit: d.high,
                superfluous_zero: d.zero,
                long_length: d.long,
            }
        } else {
            SignatureShape::Der
        };
    } else if n == raw_len {
        let half = n / 2;
        out.r = strip_zeros(b, 0, half);
        out.s = strip_zeros(b, half, n);
        out.shape = SignatureShape::Raw;
    } else {
        return Err(e(ErrorCode::SignatureDer));
    }
    let field = raw_len / 2;
    if out.r().len() > field || out.s().len() > field {
        return Err(e(ErrorCode::SignatureLength));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_and_lenient_der() {
        let der = "3006020101020102";
        let s = decode(der, false, 64, Span::default()).unwrap();
        assert_eq!(s.shape, SignatureShape::Der);
        assert_eq!((s.r(), s.s()), (&[1u8][..], &[2u8][..]));
        let s = decode("30060201FF020102", false, 64, Span::default()).unwrap();
        assert!(matches!(
            s.shape,
            SignatureShape::DerLenient {
                unsigned_high_bit: true,
                ..
            }
        ));
        assert_eq!(s.r(), &[0xFF]);
        let s = decode("3007020200010201 02", false, 64, Span::default());
        assert!(s.is_err());
        let s = decode("300702020001020102", false, 64, Span::default()).unwrap();
        assert!(matches!(
            s.shape,
            SignatureShape::DerLenient {
                superfluous_zero: true,
                ..
            }
        ));
    }

    #[test]
    fn raw_and_errors() {
        let raw = "11".repeat(32) + &"22".repeat(32);
        let s = decode(&raw, false, 64, Span::default()).unwrap();
        assert_eq!(s.shape, SignatureShape::Raw);
        assert_eq!(s.r().len(), 32);
        assert_eq!(
            decode("zz", false, 64, Span::default()).unwrap_err().code,
            ErrorCode::SignatureEncoding
        );
        assert_eq!(
            decode("abc", false, 64, Span::default()).unwrap_err().code,
            ErrorCode::SignatureEncoding
        );
        assert_eq!(
            decode("3000", false, 64, Span::default()).unwrap_err().code,
            ErrorCode::SignatureDer
        );
        assert_eq!(
            decode("MAYCAQECAQI=", true, 64, Span::default())
                .unwrap()
                .s(),
            &[2]
        );
        let long = alloc::format!("3026022100{}020102", "11".repeat(32));
        assert_eq!(
            decode(&long, false, 48, Span::default()).unwrap_err().code,
            ErrorCode::SignatureLength
        );
    }
}
