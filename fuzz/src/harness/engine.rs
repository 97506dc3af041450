//! Target `engine_differential`: our verification engine on every path
//! against `Backend::Reference` (plain RustCrypto `verify_prehashed`).
//!
//! An [`EngineSpec`] picks a curve, a key, a digest and a signature; the
//! generators below turn it into a case with the reference arithmetic
//! (RustCrypto's point and scalar types; secp192k1 through the core's
//! hidden `Secp192k1Reference`), aiming at the rare branches of the engine:
//!
//! - keys `±G`, `2G`, `3G` and the sub-bases `±(2i+1)·2^(j·L)·G` of the
//!   standard, wide and per-key tables; a scalar key; a raw point (any `x`);
//! - `u1·G + u2·Q` the point at infinity (`r = −z/d`);
//! - `u1·G = u2·Q`, so that the sum is a doubling, as a valid signature
//!   (`Q = (z/r)·G` with `R = 2·u1·G`) and for a given key (`r = z/d`);
//! - valid signatures whose `x(R) ≥ n` (`r = x(R) − n`, the engine's second
//!   comparison), near `n` and near `p`, with `x(R)` itself as `r` (out of
//!   range), and `r = p − n` (where `r + n` is no field element);
//! - `r`, `s` from `{0, 1, n−1, n, n+1, ⌊n/2⌋, ⌊n/2⌋+1, p−n}`; high-S;
//! - digests `≥ n`, `n − 1`, `0`, all ones, and for the 192-bit curves the
//!   truncation of the 256-bit digest to its leftmost 192 bits.
//!
//! Each case is verified with `Reference`, then (`verify_digest`) on a fresh
//! `Auto`, `PureRust` and `Native` key (first use: AWS-LC on P-256/P-384
//! for `Auto` and `Native`, the engine without key tables for `PureRust`),
//! on its second use (standard tables built) and, for `Auto`, its third use,
//! after `precompute` (wide tables) or with wide tables before the first use
//! (`Auto` and `PureRust` share every route once a key has tables). The
//! same construction is then redone for the digest of a record, which is
//! checked inside a batch (`Checker::verify_all`, the key used up to 40
//! times: wide tables from `WIDE_TABLES_FROM` on) with `Auto`, `PureRust` or
//! `Native`, whole report JSON against `Checker::verify` with `Reference`.
//! Any disagreement panics. Where the generator knows the verdict (a
//! signature it built to verify, one out of range, a sum at infinity), the
//! reference must give it too, which checks the generator.

use elliptic_curve::{
    CurveArithmetic, FieldBytes, Group,
    ff::{Field, PrimeField},
    ops::Reduce,
    point::AffineCoordinates,
    sec1::{FromSec1Point, Sec1Point, ToSec1Point},
};
use ocmf_core::{
    Algorithm, Backend, Checker, Curve, Item, KeyInput, Lang, PublicKey, verify_digest,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The input of `engine_differential` (see the module docs). Byte strings
/// are read big-endian and fitted to the curve's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EngineSpec {
    /// The curve: `Curve::ALL[curve % 7]`.
    pub curve: u8,
    /// The key (mod 7): 0 scalar, 1 `G`, 2 `−G`, 3 `2G`, 4 `3G`, 5 a table
    /// sub-base, 6 a raw point. Some signatures build their own key.
    pub key: u8,
    /// The key scalar, the sub-base selector or the raw point's `x`.
    pub scalar: Vec<u8>,
    /// The digest (mod 6): 0 the bytes, 1 their SHA-256, 2 `≥ n`, 3 all
    /// ones, 4 zero, 5 `n − 1`.
    pub digest: u8,
    /// Digest bytes.
    pub digest_bytes: Vec<u8>,
    /// The signature (mod 8): 0 raw, 1 special values, 2 signed with the
    /// key, 3 sum at infinity, 4 sum a doubling, 5 `x(R) ≥ n`, 6 a valid
    /// signature for a key built from it, 7 `r = p − n`.
    pub sig: u8,
    /// First signature number (nonce, `u2`, `r`).
    pub a: Vec<u8>,
    /// Second signature number (`s`, offset).
    pub b: Vec<u8>,
    /// Uses of the key in the batch before this record (mod 40).
    pub uses: u8,
    /// Bit 0: compressed key / odd `y`; bit 1: wide tables before the first
    /// use; bit 2: high-S; bit 3: variant of the signature kind; bit 4:
    /// `x(R)` near `p`; bits 5-6: the batch's backend.
    pub flags: u8,
}

/// A generated case: SEC1 key, digest, `r`, `s` and, when the generator
/// knows it, the verdict.
#[derive(Debug)]
struct Case {
    key: Vec<u8>,
    digest: [u8; 32],
    r: Vec<u8>,
    s: Vec<u8>,
    expect: Option<bool>,
}

/// The reference arithmetic of one curve.
trait RefCurve: CurveArithmetic {
    const CURVE: Curve;
    /// The field modulus `p`, big-endian hex.
    const P_HEX: &'static str;
    fn sec1(p: &Self::AffinePoint, compressed: bool) -> Vec<u8>;
    fn from_sec1(b: &[u8]) -> Option<Self::AffinePoint>;
}

macro_rules! ref_curve {
    ($($t:ty => $c:expr, $p:expr;)*) => {$(
        impl RefCurve for $t {
            const CURVE: Curve = $c;
            const P_HEX: &'static str = $p;
            fn sec1(p: &Self::AffinePoint, compressed: bool) -> Vec<u8> {
                p.to_sec1_point(compressed).as_bytes().to_vec()
            }
            fn from_sec1(b: &[u8]) -> Option<Self::AffinePoint> {
                let e = Sec1Point::<Self>::from_bytes(b).ok()?;
                Option::from(<Self as CurveArithmetic>::AffinePoint::from_sec1_point(&e))
            }
        }
    )*};
}

ref_curve! {
    ocmf_core::Secp192k1Reference => Curve::Secp192k1,
        "fffffffffffffffffffffffffffffffffffffffeffffee37";
    p192::NistP192 => Curve::P192,
        "fffffffffffffffffffffffffffffffeffffffffffffffff";
    p256::NistP256 => Curve::P256,
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
    k256::Secp256k1 => Curve::Secp256k1,
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
    p384::NistP384 => Curve::P384,
        "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff";
    bp256::r1::BrainpoolP256r1 => Curve::BrainpoolP256r1,
        "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377";
    bp384::r1::BrainpoolP384r1 => Curve::BrainpoolP384r1,
        "8cb91e82a3386d280f5d6f7e50e641df152f7109ed5456b412b1da197fb71123acd3a729901d1a71874700133107ec53";
}

// ---------------------------------------------------------------- integers

/// `b` right-aligned in `len` bytes (its low bytes if longer).
fn fit(b: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    let take = b.len().min(len);
    out[len - take..].copy_from_slice(&b[b.len() - take..]);
    out
}

/// `a + b` (equal lengths); `None` on overflow.
fn add(a: &[u8], b: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; a.len()];
    let mut carry = 0u16;
    for i in (0..a.len()).rev() {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = (v & 0xff) as u8;
        carry = v >> 8;
    }
    (carry == 0).then_some(out)
}

/// `a − b` (equal lengths); `None` when negative.
fn sub(a: &[u8], b: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = false;
    for i in (0..a.len()).rev() {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(u8::from(borrow));
        out[i] = d;
        borrow = b1 || b2;
    }
    (!borrow).then_some(out)
}

fn small(v: u64, len: usize) -> Vec<u8> {
    fit(&v.to_be_bytes(), len)
}

/// `v mod m` for `m > 0` (`v`, `m` of equal length), bit by bit: `acc =
/// 2·acc + bit`, less `m` when it reaches `m`.
fn rem(v: &[u8], m: &[u8]) -> Vec<u8> {
    let mut acc = vec![0u8; v.len()];
    for bit in (0..v.len() * 8).rev() {
        // acc < m, so 2·acc + 1 < 2m: one subtraction suffices, but 2·acc
        // may not fit the bytes; keep the carry out.
        let mut carry = u8::from(v[v.len() - 1 - bit / 8] >> (bit % 8) & 1 == 1);
        for b in acc.iter_mut().rev() {
            let next = *b >> 7;
            *b = (*b << 1) | carry;
            carry = next;
        }
        if carry == 1 {
            // acc + 2^bits − m, which is below m.
            let not_m: Vec<u8> = m.iter().map(|b| !b).collect();
            let neg_m = add_wrapping(&not_m, &small(1, m.len()));
            acc = add_wrapping(&acc, &neg_m);
        } else if let Some(d) = sub(&acc, m) {
            acc = d;
        }
    }
    acc
}

/// `a + b` mod `2^bits`.
fn add_wrapping(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut carry = 0u16;
    for i in (0..a.len()).rev() {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = (v & 0xff) as u8;
        carry = v >> 8;
    }
    out
}

fn unhex(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex constant"))
        .collect()
}

fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

// ---------------------------------------------------------------- the generator

type Sc<C> = <C as CurveArithmetic>::Scalar;
type Pt<C> = <C as CurveArithmetic>::ProjectivePoint;

/// The reference arithmetic's numbers for curve `C`.
struct Ref<C: RefCurve> {
    len: usize,
    n: Vec<u8>,
    p: Vec<u8>,
    _c: core::marker::PhantomData<C>,
}

impl<C: RefCurve> Ref<C> {
    fn new() -> Self {
        let n_minus_1: FieldBytes<C> = (-Sc::<C>::ONE).to_repr();
        let len = n_minus_1.len();
        let n = add(&n_minus_1, &small(1, len)).expect("n fits its bytes");
        let p = unhex(C::P_HEX);
        assert_eq!(p.len(), len, "{:?}: p and n of one size", C::CURVE);
        Self {
            len,
            n,
            p,
            _c: core::marker::PhantomData,
        }
    }

    /// Big-endian bytes mod `n` as a scalar.
    fn sc(&self, be: &[u8]) -> Sc<C> {
        let mut fb = FieldBytes::<C>::default();
        fb.copy_from_slice(&fit(be, self.len));
        <Sc<C> as Reduce<FieldBytes<C>>>::reduce(&fb)
    }

    /// A non-zero scalar from bytes (1 for zero).
    fn sc_nz(&self, be: &[u8]) -> Sc<C> {
        let s = self.sc(be);
        if bool::from(s.is_zero()) {
            Sc::<C>::ONE
        } else {
            s
        }
    }

    fn be(s: &Sc<C>) -> Vec<u8> {
        s.to_repr().to_vec()
    }

    /// ECDSA's `z`: the digest's leftmost `bits(n)` bits, reduced mod `n`.
    fn z(&self, digest: &[u8; 32]) -> Sc<C> {
        if self.len >= 32 {
            self.sc(digest)
        } else {
            self.sc(&digest[..self.len])
        }
    }

    /// `x(P)` as big-endian field bytes (`None`: the identity).
    fn x(p: &Pt<C>) -> Option<Vec<u8>> {
        if bool::from(p.is_identity()) {
            return None;
        }
        let a: C::AffinePoint = (*p).into();
        Some(a.x().to_vec())
    }

    fn sec1(p: &Pt<C>, compressed: bool) -> Option<Vec<u8>> {
        if bool::from(p.is_identity()) {
            return None;
        }
        Some(C::sec1(&(*p).into(), compressed))
    }

    /// The point with this `x` (and `y` odd or even), if there is one.
    fn lift(&self, x: &[u8], odd: bool) -> Option<Pt<C>> {
        let mut enc = vec![if odd { 3 } else { 2 }];
        enc.extend_from_slice(&fit(x, self.len));
        C::from_sec1(&enc).map(Into::into)
    }

    /// `v` as a special value: 0, 1, n−1, n, n+1, ⌊n/2⌋, ⌊n/2⌋+1, p−n, or
    /// (selector ≥ 8) the bytes themselves.
    fn special(&self, v: &[u8]) -> Vec<u8> {
        let one = small(1, self.len);
        let half = {
            let mut h = self.n.clone();
            let mut carry = 0u8;
            for b in &mut h {
                let next = *b & 1;
                *b = (*b >> 1) | (carry << 7);
                carry = next;
            }
            h
        };
        match v.first().map_or(0, |b| b % 12) {
            0 => small(0, self.len),
            1 => one,
            2 => sub(&self.n, &one).expect("n > 1"),
            3 => self.n.clone(),
            4 => add(&self.n, &one).expect("n + 1 fits"),
            5 => half,
            6 => add(&half, &one).expect("fits"),
            7 => sub(&self.p, &self.n).expect("p > n on every curve here"),
            _ => fit(v.get(1..).unwrap_or_default(), self.len),
        }
    }

    fn digest(&self, spec: &EngineSpec) -> [u8; 32] {
        let bytes = &spec.digest_bytes;
        let mut d = [0u8; 32];
        let head = self.len.min(32);
        match spec.digest % 6 {
            0 => d.copy_from_slice(&fit(bytes, 32)),
            1 => d = Sha256::digest(bytes).into(),
            2 => {
                // n + t (t from the bytes) where it fits the digest's head,
                // the tail (192-bit curves: cut off) from the bytes.
                d.copy_from_slice(&fit(bytes, 32));
                if self.len <= 32 {
                    let t = small(u64::from(bytes.first().copied().unwrap_or(0)), self.len);
                    let v = add(&self.n, &t).unwrap_or_else(|| self.n.clone());
                    d[..head].copy_from_slice(&v);
                }
            }
            3 => d = [0xff; 32],
            4 => {}
            _ => {
                d.copy_from_slice(&fit(bytes, 32));
                if self.len <= 32 {
                    d[..head].copy_from_slice(&sub(&self.n, &small(1, self.len)).expect("n > 1"));
                }
            }
        }
        d
    }

    /// The spec's key: the point and, when known, its discrete log.
    fn key(&self, spec: &EngineSpec) -> Option<(Pt<C>, Option<Sc<C>>)> {
        let g = Pt::<C>::generator();
        let d = match spec.key % 7 {
            0 => self.sc_nz(&spec.scalar),
            1 => Sc::<C>::ONE,
            2 => -Sc::<C>::ONE,
            3 => Sc::<C>::from(2),
            4 => Sc::<C>::from(3),
            5 => {
                // An entry (2i+1)·2^(j·L)·G of the tables (t sub-bases, width w).
                let sel = fit(&spec.scalar, 3);
                let (t, w) = [(8usize, 7usize), (16, 8), (8, 5), (16, 7)][usize::from(sel[0] % 4)];
                let l = self.len * 8 / t;
                let j = usize::from(sel[1]) % t;
                let i = u64::from(sel[2]) % (1 << (w - 2));
                let mut d = Sc::<C>::from(2 * i + 1);
                for _ in 0..j * l {
                    d = d.double();
                }
                if sel[0] & 0x80 != 0 { -d } else { d }
            }
            _ => {
                let p = self.lift(&spec.scalar, spec.flags & 1 != 0)?;
                return Some((p, None));
            }
        };
        Some((g * d, Some(d)))
    }

    /// A point `R` with `x(R) ≥ n` (`x = n + t`, or near `p` with bit 4).
    fn high_x(&self, spec: &EngineSpec) -> Option<(Pt<C>, Vec<u8>)> {
        let gap = sub(&self.p, &self.n)?; // p − n ≥ 1
        let mut t = rem(&fit(&spec.b, self.len), &gap);
        for _ in 0..256 {
            let x = if spec.flags & 16 != 0 {
                sub(&sub(&self.p, &small(1, self.len))?, &t)?
            } else {
                add(&self.n, &t)?
            };
            if sub(&x, &self.n).is_some_and(|r| r.iter().any(|b| *b != 0))
                && sub(&self.p, &x).is_some_and(|d| d.iter().any(|b| *b != 0))
            {
                if let Some(p) = self.lift(&x, spec.flags & 1 != 0) {
                    return Some((p, x));
                }
            }
            t = add(&t, &small(1, self.len))?;
            if sub(&t, &gap).is_some() {
                t = small(0, self.len);
            }
        }
        None
    }

    /// A valid signature `(r, s)` for digest `z` with `R` given and the key
    /// built from it: `u2` from the bytes, `s = r/u2`, `u1 = z/s`,
    /// `Q = (R − u1·G)/u2`.
    fn for_point(&self, r_pt: &Pt<C>, z: &Sc<C>, u2_bytes: &[u8]) -> Option<(Pt<C>, Sc<C>, Sc<C>)> {
        let x = Self::x(r_pt)?;
        let r = self.sc(&x);
        if bool::from(r.is_zero()) {
            return None;
        }
        let u2 = self.sc_nz(u2_bytes);
        let s = r * Option::<Sc<C>>::from(u2.invert())?;
        let u1 = *z * Option::<Sc<C>>::from(s.invert())?;
        let q = (*r_pt - Pt::<C>::generator() * u1) * Option::<Sc<C>>::from(u2.invert())?;
        (!bool::from(q.is_identity())).then_some((q, r, s))
    }

    /// The case for `spec` with this digest (`None`: no key on the curve).
    fn case(&self, spec: &EngineSpec, digest: [u8; 32]) -> Option<Case> {
        let z = self.z(&digest);
        let g = Pt::<C>::generator();
        let compressed = spec.flags & 1 != 0;
        let variant = spec.flags & 8 != 0;
        let (mut q, d) = match self.key(spec) {
            Some(k) => k,
            None => {
                // A raw x that is no point: every backend must refuse the key.
                let mut key = vec![if compressed { 3 } else { 2 }];
                key.extend_from_slice(&fit(&spec.scalar, self.len));
                let raw = [fit(&spec.a, self.len), fit(&spec.b, self.len)];
                let [r, s] = raw;
                return Some(Case {
                    key,
                    digest,
                    r,
                    s,
                    expect: None,
                });
            }
        };
        let raw = (fit(&spec.a, self.len), fit(&spec.b, self.len));
        let mut expect = None;
        let (r, s) = match (spec.sig % 8, d) {
            (1, _) => {
                let (r, s) = (self.special(&spec.a), self.special(&spec.b));
                let in_range = |v: &[u8]| v.iter().any(|b| *b != 0) && sub(v, &self.n).is_none();
                if !in_range(&r) || !in_range(&s) {
                    expect = Some(false);
                }
                (r, s)
            }
            (2, Some(d)) => {
                let k = self.sc_nz(&spec.a);
                let r = self.sc(&Self::x(&(g * k))?);
                let s = (z + r * d) * Option::<Sc<C>>::from(k.invert())?;
                let s = if spec.flags & 4 != 0 { -s } else { s };
                if !bool::from(r.is_zero()) && !bool::from(s.is_zero()) {
                    expect = Some(true);
                }
                (Self::be(&r), Self::be(&s))
            }
            (3, Some(d)) => {
                // z + r·d = 0: u1·G + u2·Q is the identity.
                let r = -z * Option::<Sc<C>>::from(d.invert())?;
                expect = Some(false);
                (Self::be(&r), Self::be(&self.sc_nz(&spec.b)))
            }
            (4, Some(d)) if variant => {
                // r = z/d: u1·G = u2·Q for the given key.
                let r = z * Option::<Sc<C>>::from(d.invert())?;
                (Self::be(&r), Self::be(&self.sc_nz(&spec.b)))
            }
            (4, _) => {
                // Valid, with u1·G = u2·Q: s free, u1 = z/s, R = 2·u1·G,
                // r = x(R), and the key Q = (z/r)·G so that u2·Q = u1·G.
                if bool::from(z.is_zero()) {
                    raw
                } else {
                    let s = self.sc_nz(&spec.b);
                    let u1 = z * Option::<Sc<C>>::from(s.invert())?;
                    let r = self.sc(&Self::x(&(g * u1.double()))?);
                    if bool::from(r.is_zero()) {
                        raw
                    } else {
                        q = g * (z * Option::<Sc<C>>::from(r.invert())?);
                        expect = Some(true);
                        (Self::be(&r), Self::be(&s))
                    }
                }
            }
            (5, _) => match self.high_x(spec) {
                Some((r_pt, x)) => match self.for_point(&r_pt, &z, &spec.a) {
                    Some((key, r, s)) => {
                        q = key;
                        if variant {
                            // r = x(R) itself: not below n, so out of range.
                            expect = Some(false);
                            (x, Self::be(&s))
                        } else {
                            expect = Some(true);
                            (Self::be(&r), Self::be(&s))
                        }
                    }
                    None => raw,
                },
                None => raw,
            },
            (6, _) => {
                let r_pt = g * self.sc_nz(&spec.b);
                match self.for_point(&r_pt, &z, &spec.a) {
                    Some((key, r, s)) => {
                        q = key;
                        let s = if spec.flags & 4 != 0 { -s } else { s };
                        expect = Some(true);
                        (Self::be(&r), Self::be(&s))
                    }
                    None => raw,
                }
            }
            (7, _) => (sub(&self.p, &self.n)?, Self::be(&self.sc_nz(&spec.b))),
            _ => raw,
        };
        Some(Case {
            key: Self::sec1(&q, compressed)?,
            digest,
            r: fit(&r, self.len),
            s: fit(&s, self.len),
            expect,
        })
    }
}

// ---------------------------------------------------------------- the paths

/// A payload the batch signs (the `GS` carries a nonce).
fn payload(nonce: &[u8]) -> String {
    format!(
        r#"{{"FV":"1.0","GI":"KEBA_KCP30","GS":"{}","GV":"2.8.5","PG":"T32","IS":false,"IL":"NONE","IF":["RFID_NONE","OCPP_NONE","ISO15118_NONE","PLMN_NONE"],"IT":"NONE","ID":"","RD":[{{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","EF":"","ST":"G","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh"}},{{"TM":"2019-08-13T10:03:36,000+0000 R","TX":"E","EF":"","ST":"G","RV":0.2597,"RI":"1-b:1.8.0","RU":"kWh"}}]}}"#,
        hex_upper(nonce.get(..nonce.len().min(8)).unwrap_or_default())
    )
}

const ENGINES: [Backend; 3] = [Backend::Auto, Backend::PureRust, Backend::Native];

/// Every direct path (`verify_digest` on a key in each state) against the
/// reference; returns the reference's verdict (`None`: no key).
fn direct(curve: Curve, case: &Case, wide_first: bool, large: bool) -> Option<bool> {
    let alg = Algorithm::ecdsa_sha256(curve);
    let sig = [case.r.as_slice(), case.s.as_slice()].concat();
    let decode = |b: Backend| PublicKey::from_bytes(&case.key).map(|k| k.with_backend(b));
    let Ok(reference) = decode(Backend::Reference) else {
        for b in ENGINES {
            assert!(
                decode(b).is_err(),
                "{curve:?} {b:?}: decodes a key Reference refuses"
            );
        }
        return None;
    };
    let want = verify_digest(alg, &reference, &case.digest, &sig);
    if let Some(e) = case.expect {
        assert_eq!(
            want.is_ok(),
            e,
            "{curve:?}: Reference gives {want:?} for {case:?}"
        );
    }
    let check = |key: &PublicKey, path: &str| {
        let got = verify_digest(alg, key, &case.digest, &sig);
        let b = key.backend();
        assert_eq!(
            got, want,
            "{curve:?} {b:?} {path}: differs from Reference for {case:?}"
        );
    };
    // Auto and PureRust take the same route once a key has tables (the
    // engine with standard or wide tables), and Native ignores tables: so
    // every state is checked on an Auto key, and the first use (where the
    // routes differ: native or the engine without key tables) on all three.
    let auto = decode(Backend::Auto).expect("decodes as with Reference");
    if wide_first {
        auto.precompute();
        check(&auto, "wide tables before the first use");
        check(&auto, "wide tables");
    } else {
        check(&auto, "first use");
        check(&auto, "second use (standard tables built)");
        check(&auto, "third use");
        auto.precompute();
        check(&auto, "wide tables");
    }
    if large {
        // The large tables (a key that verifies thousands of records):
        // about a hundred verifications to build, so on some inputs only.
        auto.precompute_large();
        check(&auto, "large tables");
    }
    for b in [Backend::PureRust, Backend::Native] {
        let key = decode(b).expect("decodes as with Reference");
        check(&key, "first use");
        if !wide_first {
            check(&key, "second use (standard tables built)");
        }
    }
    Some(want.is_ok())
}

/// The case inside a batch of `uses + 1` records under its key, against
/// `Checker::verify` with `Backend::Reference`, whole report JSON.
fn batched(curve: Curve, case: &Case, record: &str, uses: usize, backend: Backend) {
    let key = hex_upper(&case.key);
    let item = Item::new(record).key(KeyInput::Text(&key));
    let items = vec![item; uses + 1];
    let want = Checker::new()
        .backend(Backend::Reference)
        .verify(record, KeyInput::Text(&key));
    if case.expect == Some(true) {
        assert_eq!(want.signature_valid, Some(true), "{curve:?}: {record}");
    }
    let want = want.to_json_string(Lang::En);
    let reports = Checker::new().backend(backend).verify_all(&items);
    assert_eq!(reports.len(), items.len());
    for (i, got) in reports.iter().enumerate() {
        assert_eq!(
            got.to_json_string(Lang::En),
            want,
            "{curve:?} {backend:?}: record {i} of a batch of {} differs from Reference",
            items.len()
        );
    }
}

fn run<C: RefCurve>(spec: &EngineSpec) {
    let arith = Ref::<C>::new();
    let wide_first = spec.flags & 2 != 0;
    let large = spec.uses % 8 == 5;
    if let Some(case) = arith.case(spec, arith.digest(spec)) {
        direct(C::CURVE, &case, wide_first, large);
    }
    // The same construction for the digest of a record the batch checks.
    let payload = payload(&spec.digest_bytes);
    let digest: [u8; 32] = Sha256::digest(payload.as_bytes()).into();
    let Some(case) = arith.case(spec, digest) else {
        return;
    };
    if direct(C::CURVE, &case, wide_first, large).is_none() {
        return;
    }
    let sd = hex_upper(&[case.r.as_slice(), case.s.as_slice()].concat());
    let alg = Algorithm::ecdsa_sha256(C::CURVE);
    let record = format!(r#"OCMF|{payload}|{{"SA":"{}","SD":"{sd}"}}"#, alg.sa());
    let backend = ENGINES[usize::from(spec.flags >> 5) % 3];
    batched(
        C::CURVE,
        &case,
        &record,
        usize::from(spec.uses % 40),
        backend,
    );
}

/// Target `engine_differential` (see the module docs).
pub fn engine_differential(spec: &EngineSpec) {
    match Curve::ALL[usize::from(spec.curve % 7)] {
        Curve::Secp192k1 => run::<ocmf_core::Secp192k1Reference>(spec),
        Curve::P192 => run::<p192::NistP192>(spec),
        Curve::P256 => run::<p256::NistP256>(spec),
        Curve::Secp256k1 => run::<k256::Secp256k1>(spec),
        Curve::P384 => run::<p384::NistP384>(spec),
        Curve::BrainpoolP256r1 => run::<bp256::r1::BrainpoolP256r1>(spec),
        Curve::BrainpoolP384r1 => run::<bp384::r1::BrainpoolP384r1>(spec),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator's big-integer helpers against `u128` arithmetic.
    #[test]
    fn integer_helpers_agree_with_u128() {
        let mut x = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834_u128;
        for _ in 0..2000 {
            x = x
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(0x1234_5678_9abc);
            let (v, m) = (x, (x >> (x % 97)) | 1);
            let be = |n: u128| n.to_be_bytes().to_vec();
            assert_eq!(rem(&be(v), &be(m)), be(v % m), "{v:x} mod {m:x}");
            assert_eq!(add(&be(v >> 1), &be(m >> 1)), Some(be((v >> 1) + (m >> 1))));
            assert_eq!(sub(&be(v), &be(m)), v.checked_sub(m).map(be));
        }
        assert_eq!(
            rem(&be_max(), &[0, 0, 0, 7]),
            vec![0, 0, 0, (u32::MAX % 7) as u8]
        );
    }

    fn be_max() -> Vec<u8> {
        vec![0xff; 4]
    }
}
