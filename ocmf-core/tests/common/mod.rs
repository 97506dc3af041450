//! Byte helpers the ECDSA test suites share: big-endian arithmetic and
//! minimal DER signatures built by hand (independent of the code under test).

#![allow(dead_code, reason = "each test crate uses a subset")]
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

/// `a - b` for big-endian unsigned integers of equal length (a >= b).
pub(crate) fn sub_be(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let mut d = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(d < 0);
        if d < 0 {
            d += 256;
        }
        out[i] = u8::try_from(d).unwrap();
    }
    assert_eq!(borrow, 0);
    out
}

pub(crate) fn pad(v: &[u8], n: usize) -> Vec<u8> {
    let v = &v[v.iter().position(|b| *b != 0).unwrap_or(v.len())..];
    let mut out = vec![0u8; n.saturating_sub(v.len())];
    out.extend_from_slice(v);
    out
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` (minimal, with sign bytes).
pub(crate) fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    fn int(v: &[u8]) -> Vec<u8> {
        let v = &v[v
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(v.len().saturating_sub(1))..];
        let v = if v.is_empty() { &[0u8][..] } else { v };
        let mut o = vec![2u8];
        let pad = v[0] & 0x80 != 0;
        o.push(u8::try_from(v.len() + usize::from(pad)).unwrap());
        if pad {
            o.push(0);
        }
        o.extend_from_slice(v);
        o
    }
    let body = [int(r), int(s)].concat();
    let mut o = vec![0x30u8];
    if body.len() >= 0x80 {
        o.push(0x81);
    }
    o.push(u8::try_from(body.len()).unwrap());
    o.extend(body);
    o
}

/// r and s of a DER signature we produced (minimal DER).
pub(crate) fn split_der(d: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut i = if d[1] == 0x81 { 3 } else { 2 };
    let rl = usize::from(d[i + 1]);
    let r = d[i + 2..i + 2 + rl].to_vec();
    i += 2 + rl;
    let sl = usize::from(d[i + 1]);
    let s = d[i + 2..i + 2 + sl].to_vec();
    (r, s)
}
