//! Pure-Rust ECDSA group arithmetic tuned for verification, for every curve
//! built on `primeorder` (P-192, P-256, P-384, brainpoolP256r1/P384r1,
//! secp192k1).
//!
//! Field arithmetic is `fiat-crypto`'s for P-256 and P-384 on 64-bit targets
//! (see `src/fiat.rs`) and the curve crate's own (RustCrypto, Montgomery
//! form) for the others;
//! only the point arithmetic and the scalar-multiplication strategy are ours,
//! because `primeorder` offers neither per-key precomputation nor cheap
//! Jacobian formulas (its complete formulas cost about twice as many field
//! multiplications, and every verify there doubles 256 times):
//!
//! - Jacobian coordinates with `a = -3`, `a = 0` and generic-`a` doubling and
//!   mixed (Jacobian + affine) addition;
//! - each point `P` (the generator once per process, the public key once per
//!   decoded key) gets `T` sub-bases `2^(j·L)·P` (`L = bits / T`) with a table
//!   of odd multiples in affine form; a scalar is cut into `T` chunks of `L`
//!   bits, each chunk written in width-`w` NAF, and all chunks of `u1` and `u2`
//!   share one run of `L` doublings (interleaved multi-scalar multiplication);
//! - the final check compares `r·Z² == X` (and `(r + n)·Z² == X` when
//!   `r + n < p`) without inverting `Z`.
//!
//! Everything here works on public data (keys, signatures, digests) and is
//! variable-time on purpose. Signing never comes here.

#![allow(
    unreachable_pub,
    reason = "the traits and types the sealed `EngineCurve` names are nominally public, and unreachable"
)]

use alloc::vec::Vec;

use core::ops::{Add, Mul, MulAssign, Neg, Sub};

use elliptic_curve::{
    CurveArithmetic, FieldBytes,
    ff::{Field, PrimeField},
    hazmat::FieldArithmetic,
    ops::{Invert, Reduce},
    sec1::ToSec1Point,
};
use primeorder::{PrimeCurveParams, PrimeFieldExt};

/// The field arithmetic the engine needs.
pub trait FieldOps:
    Copy
    + core::fmt::Debug
    + Eq
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + MulAssign
    + Neg<Output = Self>
{
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// `self²`.
    fn square(&self) -> Self;
    /// `2·self`.
    fn double(&self) -> Self;
    /// Whether `self = 0`.
    fn is_zero(&self) -> bool;
    /// `1 / self`, `None` for zero.
    fn invert(&self) -> Option<Self>;
    /// Canonical big-endian bytes (tests).
    #[allow(dead_code, reason = "used by tests")]
    fn to_be_vec(&self) -> Vec<u8>;
}

/// RustCrypto field element types serve as they are.
impl<T> FieldOps for T
where
    T: PrimeField + PrimeFieldExt + core::fmt::Debug + Eq,
{
    const ZERO: Self = <T as Field>::ZERO;
    const ONE: Self = <T as Field>::ONE;
    #[inline(always)]
    fn square(&self) -> Self {
        Field::square(self)
    }
    // `self + self`, not `Field::double`: primefield's `Field::double` is
    // not `#[inline]`, and from this crate secp192k1's (a doubling through
    // crypto-bigint's `double_mod`) stayed a call (measured: 4% more
    // instructions per verification; with the addition 1% fewer than
    // before the move). The curve crates' own `double` is this addition
    // (p256, fiat fields) or as fast (P-192, brainpool: same counts).
    #[inline(always)]
    fn double(&self) -> Self {
        *self + *self
    }
    #[inline(always)]
    fn is_zero(&self) -> bool {
        bool::from(Field::is_zero(self))
    }
    fn invert(&self) -> Option<Self> {
        Option::from(Field::invert(self))
    }
    fn to_be_vec(&self) -> Vec<u8> {
        let mut v = AsRef::<[u8]>::as_ref(&self.to_repr()).to_vec();
        if <T as PrimeFieldExt>::REPR_ENDIANNESS == primefield::ByteOrder::LittleEndian {
            v.reverse();
        }
        v
    }
}

/// A curve our engine verifies on: its field type and how to read a
/// canonical big-endian field element.
pub trait Engine: PrimeCurveParams {
    /// The field element type of the engine.
    type F: FieldOps;
    /// The field element of canonical big-endian bytes (`None` unless below `p`).
    fn fe(be: &[u8]) -> Option<Self::F>;
}

/// RustCrypto's own field for a curve.
macro_rules! rustcrypto_engine {
    ($($c:ty),*) => {$(
        impl Engine for $c {
            type F = <$c as FieldArithmetic>::FieldElement;
            fn fe(be: &[u8]) -> Option<Self::F> {
                rc_fe_from_be::<$c>(be)
            }
        }
    )*};
}

rustcrypto_engine!(
    crate::secp192k1::Secp192k1,
    p192::NistP192,
    bp256::r1::BrainpoolP256r1,
    bp384::r1::BrainpoolP384r1
);

#[cfg(target_pointer_width = "64")]
impl Engine for p256::NistP256 {
    type F = crate::fiat::p256::Fe;
    fn fe(be: &[u8]) -> Option<Self::F> {
        crate::fiat::p256::Fe::from_be(be)
    }
}

#[cfg(target_pointer_width = "64")]
impl Engine for p384::NistP384 {
    type F = crate::fiat::p384::Fe;
    fn fe(be: &[u8]) -> Option<Self::F> {
        crate::fiat::p384::Fe::from_be(be)
    }
}

// On 32-bit targets (wasm32) RustCrypto's own 32-bit field code measured as
// fast as fiat's on P-256 and 1.6x faster on P-384 (in Node), so it stays.
#[cfg(not(target_pointer_width = "64"))]
rustcrypto_engine!(p256::NistP256, p384::NistP384);

/// Field element type of curve `C` in the engine.
pub type Fe<C> = <C as Engine>::F;
/// RustCrypto's field element type of curve `C`.
type RcFe<C> = <C as FieldArithmetic>::FieldElement;

/// The engine's element for a RustCrypto field element of the same curve.
fn from_rc<C: Engine>(x: &RcFe<C>) -> Option<Fe<C>> {
    let mut be = x.to_repr();
    if <RcFe<C> as PrimeFieldExt>::REPR_ENDIANNESS == primefield::ByteOrder::LittleEndian {
        AsMut::<[u8]>::as_mut(&mut be).reverse();
    }
    C::fe(be.as_ref())
}
/// Scalar type of curve `C`.
type Sc<C> = <C as CurveArithmetic>::Scalar;

/// Sub-bases per point of the standard tables: the number of doublings per
/// verify is `bits / T`.
const T: usize = 8;
/// wNAF width of the per-key tables: `T · 2^(W_KEY-2)` points per key.
pub(crate) const W_KEY: usize = 5;
/// wNAF width of the generator tables (built once per process).
pub(crate) const W_GEN: usize = 7;
/// Sub-bases of the wide tables, for a key that verifies a whole batch:
/// half the doublings of the standard tables.
const T_WIDE: usize = 16;
/// wNAF width of a key's wide tables (`16 · 32` points: 32 KiB per P-256 key).
#[cfg_attr(not(feature = "std"), allow(dead_code))]
pub(crate) const W_KEY_WIDE: usize = 7;
/// wNAF width of the wide generator tables (built once per process when
/// the first wide key is used).
pub(crate) const W_GEN_WIDE: usize = 8;
/// wNAF width of a key's large tables, built for a key that has verified
/// [`LARGE_FROM`](crate::LARGE_FROM) signatures with its wide tables
/// (`16 · 256` points: 256 KiB per P-256 key, 384 KiB per P-384 key).
#[cfg_attr(not(feature = "std"), allow(dead_code))]
pub(crate) const W_KEY_LARGE: usize = 10;
/// wNAF width of the large generator tables (`16 · 512` points, built once
/// per process when the first key gets its large tables).
pub(crate) const W_GEN_LARGE: usize = 11;
/// Most sub-bases of any table.
const T_MAX: usize = T_WIDE;
/// Largest chunk: 384 / 8 = 48 bits; a wNAF has at most `L + 1` digits.
const MAX_DIGITS: usize = 50;

/// An affine point (never the identity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine<F> {
    x: F,
    y: F,
}

/// A Jacobian point `(X / Z², Y / Z³)`; `Z = 0` is the identity.
#[derive(Clone, Copy, Debug)]
struct Jac<F> {
    x: F,
    y: F,
    z: F,
}

/// The shape of the curve coefficient `a`, which picks the doubling formula.
#[derive(Clone, Copy, Debug)]
enum CoeffA<F> {
    Zero,
    MinusThree,
    Other(F),
}

fn coeff_a<C: Engine>() -> Option<CoeffA<Fe<C>>> {
    let a = from_rc::<C>(&C::EQUATION_A)?;
    let three = Fe::<C>::ONE.double() + Fe::<C>::ONE;
    Some(if a.is_zero() {
        CoeffA::Zero
    } else if a == -three {
        CoeffA::MinusThree
    } else {
        CoeffA::Other(a)
    })
}

impl<F: FieldOps> Jac<F> {
    const IDENTITY: Self = Self {
        x: F::ONE,
        y: F::ONE,
        z: F::ZERO,
    };

    fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    fn from_affine(p: &Affine<F>) -> Self {
        Self {
            x: p.x,
            y: p.y,
            z: F::ONE,
        }
    }

    /// `2·self` (the identity doubles to itself: `Z3` is a multiple of `Z1`).
    fn double(&self, a: &CoeffA<F>) -> Self {
        let (x1, y1, z1) = (self.x, self.y, self.z);
        match a {
            // dbl-2001-b: 3M + 5S.
            CoeffA::MinusThree => {
                let delta = z1.square();
                let gamma = y1.square();
                let beta = x1 * gamma;
                let t = (x1 - delta) * (x1 + delta);
                let alpha = t.double() + t;
                let beta4 = beta.double().double();
                let x3 = alpha.square() - beta4.double();
                let z3 = (y1 + z1).square() - gamma - delta;
                let g2 = gamma.square().double();
                let y3 = alpha * (beta4 - x3) - g2.double().double();
                Self {
                    x: x3,
                    y: y3,
                    z: z3,
                }
            }
            // dbl-2009-l: 2M + 5S.
            CoeffA::Zero => {
                let a2 = x1.square();
                let b = y1.square();
                let c = b.square();
                let d = ((x1 + b).square() - a2 - c).double();
                let e = a2.double() + a2;
                let x3 = e.square() - d.double();
                let y3 = e * (d - x3) - c.double().double().double();
                let z3 = (y1 * z1).double();
                Self {
                    x: x3,
                    y: y3,
                    z: z3,
                }
            }
            // dbl-2007-bl: 1M + 8S + 1·a.
            CoeffA::Other(a) => {
                let xx = x1.square();
                let yy = y1.square();
                let yyyy = yy.square();
                let zz = z1.square();
                let s = ((x1 + yy).square() - xx - yyyy).double();
                let m = xx.double() + xx + *a * zz.square();
                let x3 = m.square() - s.double();
                let y3 = m * (s - x3) - yyyy.double().double().double();
                let z3 = (y1 + z1).square() - yy - zz;
                Self {
                    x: x3,
                    y: y3,
                    z: z3,
                }
            }
        }
    }

    /// `self + q` with `q` affine (madd-2007-bl: 7M + 4S), every special case handled.
    fn add_affine(&self, q: &Affine<F>, a: &CoeffA<F>) -> Self {
        if self.is_identity() {
            return Self::from_affine(q);
        }
        let (x1, y1, z1) = (self.x, self.y, self.z);
        let z1z1 = z1.square();
        let u2 = q.x * z1z1;
        let s2 = q.y * z1 * z1z1;
        let h = u2 - x1;
        let r = (s2 - y1).double();
        if h.is_zero() {
            return if r.is_zero() {
                self.double(a)
            } else {
                Self::IDENTITY
            };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h * i;
        let v = x1 * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (y1 * j).double();
        let z3 = (z1 + h).square() - z1z1 - hh;
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `self + q`, both Jacobian (add-2007-bl: 11M + 5S); only for building tables.
    fn add(&self, q: &Self, a: &CoeffA<F>) -> Self {
        if self.is_identity() {
            return *q;
        }
        if q.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x * z2z2;
        let u2 = q.x * z1z1;
        let s1 = self.y * q.z * z2z2;
        let s2 = q.y * self.z * z1z1;
        let h = u2 - u1;
        let r = (s2 - s1).double();
        if h.is_zero() {
            return if r.is_zero() {
                self.double(a)
            } else {
                Self::IDENTITY
            };
        }
        let i = h.double().square();
        let j = h * i;
        let v = u1 * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (s1 * j).double();
        let z3 = ((self.z + q.z).square() - z1z1 - z2z2) * h;
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }
}

/// Affine forms of Jacobian points with one field inversion (Montgomery's
/// trick). `None` if any point is the identity.
fn normalize_all<F: FieldOps>(pts: &[Jac<F>]) -> Option<Vec<Affine<F>>> {
    let mut prefix = Vec::with_capacity(pts.len());
    let mut acc = F::ONE;
    for p in pts {
        if p.is_identity() {
            return None;
        }
        prefix.push(acc);
        acc *= p.z;
    }
    let mut inv: F = acc.invert()?;
    let mut out = Vec::with_capacity(pts.len());
    out.resize(
        pts.len(),
        Affine {
            x: F::ZERO,
            y: F::ZERO,
        },
    );
    for ((p, pre), slot) in pts.iter().zip(prefix.iter()).zip(out.iter_mut()).rev() {
        let zinv = inv * *pre;
        inv *= p.z;
        let zinv2 = zinv.square();
        *slot = Affine {
            x: p.x * zinv2,
            y: p.y * zinv2 * zinv,
        };
    }
    Some(out)
}

/// Bits of the field / scalar (all curves here have `n` and `p` of the same byte size).
fn bits<C: Engine>() -> usize {
    FieldBytes::<C>::default().len() * 8
}

/// Precomputed odd multiples of one point: `t` sub-bases `2^(j·L)·P`
/// (`L = bits / t`), each with `2^(w-2)` odd multiples.
#[derive(Clone, Debug)]
pub struct Tables<F> {
    /// `(2i + 1)·2^(j·L)·P` at `[j · 2^(w-2) + i]`.
    points: Vec<Affine<F>>,
    /// Sub-bases.
    t: usize,
    /// wNAF width.
    w: usize,
}

impl<F> Tables<F> {
    /// Which tier these tables are (the sub-bases and width tell).
    pub(crate) const fn tier(&self) -> Tier {
        if self.t != T_WIDE {
            Tier::Standard
        } else if self.w >= W_KEY_LARGE {
            Tier::Large
        } else {
            Tier::Wide
        }
    }
}

/// The size of a set of tables: a key's tables are used with the
/// generator tables of the same tier (same sub-bases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// `T` sub-bases.
    Standard,
    /// `T_WIDE` sub-bases.
    Wide,
    /// `T_WIDE` sub-bases and wider windows.
    Large,
}

/// The tables of `p` with `t` sub-bases and width `w`.
fn build_table<C: Engine>(p: &Affine<Fe<C>>, t: usize, w: usize) -> Option<Tables<Fe<C>>> {
    let a = coeff_a::<C>()?;
    let l = bits::<C>() / t;
    let per = 1usize << (w - 2);
    let mut jac = Vec::with_capacity(t * per);
    let mut base = Jac::from_affine(p);
    for j in 0..t {
        if j > 0 {
            for _ in 0..l {
                base = base.double(&a);
            }
        }
        let twice = base.double(&a);
        let mut m = base;
        jac.push(m);
        for _ in 1..per {
            m = m.add(&twice, &a);
            jac.push(m);
        }
    }
    normalize_all(&jac).map(|points| Tables { points, t, w })
}

/// The generator tables of curve `C` for keys of `tier`.
pub(crate) fn generator_table<C: Engine>(tier: Tier) -> Option<Tables<Fe<C>>> {
    let (x, y) = C::GENERATOR;
    let (x, y) = (from_rc::<C>(&x)?, from_rc::<C>(&y)?);
    let (t, w) = match tier {
        Tier::Standard => (T, W_GEN),
        Tier::Wide => (T_WIDE, W_GEN_WIDE),
        Tier::Large => (T_WIDE, W_GEN_LARGE),
    };
    build_table::<C>(&Affine { x, y }, t, w)
}

/// Width-`w` NAF of `k` (at most 63 bits) into `out`, least significant digit first.
#[inline]
fn wnaf(mut k: u64, w: usize, out: &mut [i16; MAX_DIGITS]) {
    *out = [0; MAX_DIGITS];
    let window = 1u64 << w;
    let half = 1u64 << (w - 1);
    let mask = window - 1;
    let mut i = 0;
    while k != 0 {
        // Skip the run of zero digits at once.
        let zeros = k.trailing_zeros() as usize;
        k >>= zeros;
        i += zeros;
        if i >= MAX_DIGITS {
            break;
        }
        let m = k & mask;
        if m >= half {
            // Digit m - 2^w (negative); k + (2^w - m) has its low w bits zero.
            k += window - m;
            out[i] = -i16::try_from(window - m).unwrap_or(0);
        } else {
            k -= m;
            out[i] = i16::try_from(m).unwrap_or(0);
        }
        k >>= 1;
        i += 1;
    }
}

/// The `t` chunks of `L` bits of a big-endian scalar (at most 48 bytes),
/// each as a wNAF.
#[inline]
fn recode(be: &[u8], l: usize, w: usize, out: &mut [[i16; MAX_DIGITS]]) {
    // Little-endian limbs, one spare: a chunk (at most 48 bits) may straddle two.
    let mut limbs = [0u64; 7];
    for (i, b) in be.iter().rev().enumerate().take(48) {
        if let Some(limb) = limbs.get_mut(i / 8) {
            *limb |= u64::from(*b) << (8 * (i % 8));
        }
    }
    let mask = if l >= 64 { u64::MAX } else { (1u64 << l) - 1 };
    for (j, digits) in out.iter_mut().enumerate() {
        let (q, r) = ((j * l) / 64, (j * l) % 64);
        let mut chunk = limbs.get(q).copied().unwrap_or(0) >> r;
        if r > 0 && r + l > 64 {
            chunk |= limbs.get(q + 1).copied().unwrap_or(0) << (64 - r);
        }
        wnaf(chunk & mask, w, digits);
    }
}

/// Most digits of a full-scalar wNAF (384 bits + carry).
const MAX_BIG_DIGITS: usize = 386;
/// wNAF width for a key without tables (first use): 8 odd multiples.
const W_PLAIN: usize = 5;

/// Width-`w` NAF of a big-endian scalar (at most 48 bytes), least
/// significant digit first; returns the number of digits.
#[inline]
fn wnaf_big(be: &[u8], w: usize, out: &mut [i8; MAX_BIG_DIGITS]) -> usize {
    let mut k = [0u64; 7];
    for (i, b) in be.iter().rev().enumerate() {
        if let Some(limb) = k.get_mut(i / 8) {
            *limb |= u64::from(*b) << (8 * (i % 8));
        }
    }
    let window = 1u64 << w;
    let half = 1u64 << (w - 1);
    let mut len = 0;
    while k.iter().any(|l| *l != 0) && len < MAX_BIG_DIGITS {
        let mut d = 0i8;
        if k[0] & 1 == 1 {
            let m = k[0] & (window - 1);
            if m >= half {
                d = -i8::try_from(window - m).unwrap_or(0);
                // k += 2^w - m (carry through the limbs).
                let mut carry = window - m;
                for l in &mut k {
                    let (v, o) = l.overflowing_add(carry);
                    *l = v;
                    carry = u64::from(o);
                    if carry == 0 {
                        break;
                    }
                }
            } else {
                d = i8::try_from(m).unwrap_or(0);
                k[0] -= m; // m is the low bits of k[0]: no borrow
            }
        }
        if let Some(slot) = out.get_mut(len) {
            *slot = d;
        }
        // k >>= 1
        for i in 0..k.len() {
            let hi = k.get(i + 1).map_or(0, |n| n << 63);
            k[i] = (k[i] >> 1) | hi;
        }
        len += 1;
    }
    len
}

/// A public key ready for fast verification: the point and its tables.
#[derive(Clone, Debug)]
pub(crate) struct KeyTables<C: Engine> {
    table: Tables<Fe<C>>,
}

impl<C: Engine> KeyTables<C> {
    /// Builds the standard tables for `q` (a point of the curve, not the
    /// identity); `None` only if a table entry were the identity, which a
    /// prime-order group excludes.
    pub(crate) fn from_affine(q: &Affine<Fe<C>>) -> Option<Self> {
        build_table::<C>(q, T, W_KEY).map(|table| Self { table })
    }

    /// Builds the wide tables for `q` (a key that verifies a whole batch).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn wide(q: &Affine<Fe<C>>) -> Option<Self> {
        build_table::<C>(q, T_WIDE, W_KEY_WIDE).map(|table| Self { table })
    }

    /// Builds the large tables for `q` (a key that verifies many records).
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn large(q: &Affine<Fe<C>>) -> Option<Self> {
        build_table::<C>(q, T_WIDE, W_KEY_LARGE).map(|table| Self { table })
    }

    /// The tier of these tables (they need the generator tables of the same tier).
    pub(crate) const fn tier(&self) -> Tier {
        self.table.tier()
    }
}

/// The affine coordinates of a point (not the identity) in our form.
pub(crate) fn affine_of<C: Engine>(q: &primeorder::AffinePoint<C>) -> Option<Affine<Fe<C>>> {
    let enc = q.to_sec1_point(false);
    let b = enc.as_bytes();
    let n = FieldBytes::<C>::default().len();
    Some(Affine {
        x: C::fe(b.get(1..1 + n)?)?,
        y: C::fe(b.get(1 + n..1 + 2 * n)?)?,
    })
}

/// The key side of a verification: per-key tables, or just the point (a
/// key used once does not pay for tables).
#[derive(Clone, Copy, Debug)]
pub(crate) enum KeySide<'k, C: Engine> {
    /// Tables built by [`KeyTables::new`].
    Tabled(&'k KeyTables<C>),
    /// The bare point.
    Plain(&'k Affine<Fe<C>>),
}

fn rc_fe_from_be<C: PrimeCurveParams>(be: &[u8]) -> Option<RcFe<C>> {
    let mut repr = <RcFe<C> as PrimeField>::Repr::default();
    if AsRef::<[u8]>::as_ref(&repr).len() != be.len() {
        return None;
    }
    AsMut::<[u8]>::as_mut(&mut repr).copy_from_slice(be);
    if <RcFe<C> as PrimeFieldExt>::REPR_ENDIANNESS == primefield::ByteOrder::LittleEndian {
        AsMut::<[u8]>::as_mut(&mut repr).reverse();
    }
    Option::from(RcFe::<C>::from_repr(repr))
}

/// Adds big-endian `a + b` of equal length; `None` on overflow.
#[inline]
fn add_be(a: &[u8], b: &[u8], out: &mut [u8]) -> Option<()> {
    let mut carry = 0u16;
    for ((x, y), o) in a.iter().zip(b).zip(out.iter_mut()).rev() {
        let s = u16::from(*x) + u16::from(*y) + carry;
        *o = (s & 0xFF) as u8;
        carry = s >> 8;
    }
    (carry == 0).then_some(())
}

impl<C: Engine> KeySide<'_, C> {
    /// The tier of generator tables this key side needs.
    pub(crate) fn tier(&self) -> Tier {
        match self {
            Self::Tabled(t) => t.tier(),
            Self::Plain(_) => Tier::Standard,
        }
    }
}

/// ECDSA group check: `x(u1·G + u2·Q) ≡ r (mod n)` with `u1 = z/s`,
/// `u2 = r/s`. `r`, `s` are already range-checked non-zero scalars; `z` is
/// the digest reduced as ECDSA prescribes. The caller owns every other
/// decision (encoding, high-S, verdict). `gen` must have as many sub-bases
/// as a tabled key (wide with wide); a mismatch is refused (`false` is
/// never reached: the caller picks the generator tables by the key side).
pub(crate) fn verify<C: Engine>(
    gens: &Tables<Fe<C>>,
    key: KeySide<'_, C>,
    z: &Sc<C>,
    r: &Sc<C>,
    s: &Sc<C>,
) -> bool {
    let Some(s_inv) = Option::<Sc<C>>::from(Invert::invert_vartime(s)) else {
        return false;
    };
    let u1 = *z * s_inv;
    let u2 = *r * s_inv;
    let Some(a) = coeff_a::<C>() else {
        return false;
    };
    let t = gens.t;
    if t > T_MAX || matches!(key, KeySide::Tabled(k) if k.tier() != gens.tier()) {
        return false;
    }
    let l = bits::<C>() / t;
    let mut n1 = [[0i16; MAX_DIGITS]; T_MAX];
    let n1 = n1.get_mut(..t).unwrap_or_default();
    recode(u1.to_be_repr().as_ref(), l, gens.w, n1);
    let per_g = 1usize << (gens.w - 2);
    let add_gen = |acc: Jac<Fe<C>>, i: usize| -> Option<Jac<Fe<C>>> {
        let mut acc = acc;
        for (digits, tbl) in n1.iter().zip(gens.points.chunks(per_g)) {
            let d = digits.get(i).copied().unwrap_or(0);
            if d != 0 {
                let p = tbl.get(usize::from(d.unsigned_abs() >> 1))?;
                acc = if d > 0 {
                    acc.add_affine(p, &a)
                } else {
                    acc.add_affine(&Affine { x: p.x, y: -p.y }, &a)
                };
            }
        }
        Some(acc)
    };
    let mut acc = Jac::<Fe<C>>::IDENTITY;
    match key {
        KeySide::Tabled(key) => {
            let mut n2 = [[0i16; MAX_DIGITS]; T_MAX];
            let n2 = n2.get_mut(..t).unwrap_or_default();
            recode(u2.to_be_repr().as_ref(), l, key.table.w, n2);
            let per_q = 1usize << (key.table.w - 2);
            for i in (0..=l).rev() {
                if !acc.is_identity() {
                    acc = acc.double(&a);
                }
                let Some(next) = add_gen(acc, i) else {
                    return false;
                };
                acc = next;
                for (digits, tbl) in n2.iter().zip(key.table.points.chunks(per_q)) {
                    let d = digits.get(i).copied().unwrap_or(0);
                    if d == 0 {
                        continue;
                    }
                    let Some(p) = tbl.get(usize::from(d.unsigned_abs() >> 1)) else {
                        return false;
                    };
                    acc = if d > 0 {
                        acc.add_affine(p, &a)
                    } else {
                        acc.add_affine(&Affine { x: p.x, y: -p.y }, &a)
                    };
                }
            }
        }
        KeySide::Plain(q) => {
            // Odd multiples Q, 3Q, ..., in Jacobian form (no inversion).
            let mut odd = [Jac::<Fe<C>>::IDENTITY; 1 << (W_PLAIN - 2)];
            let q1 = Jac::from_affine(q);
            let q2 = q1.double(&a);
            let mut m = q1;
            for slot in &mut odd {
                *slot = m;
                m = m.add(&q2, &a);
            }
            let mut n2 = [0i8; MAX_BIG_DIGITS];
            let len = wnaf_big(u2.to_be_repr().as_ref(), W_PLAIN, &mut n2);
            for i in (0..len.max(l + 1)).rev() {
                if !acc.is_identity() {
                    acc = acc.double(&a);
                }
                let d = n2.get(i).copied().unwrap_or(0);
                if d != 0 {
                    let Some(p) = odd.get(usize::from(d.unsigned_abs() >> 1)) else {
                        return false;
                    };
                    acc = if d > 0 {
                        acc.add(p, &a)
                    } else {
                        acc.add(
                            &Jac {
                                x: p.x,
                                y: -p.y,
                                z: p.z,
                            },
                            &a,
                        )
                    };
                }
                if i <= l {
                    let Some(next) = add_gen(acc, i) else {
                        return false;
                    };
                    acc = next;
                }
            }
        }
    }
    if acc.is_identity() {
        return false;
    }
    let zz = acc.z.square();
    let r_be = r.to_be_repr();
    let r_be = r_be.as_ref();
    if C::fe(r_be).is_some_and(|rf| rf * zz == acc.x) {
        return true;
    }
    // x ≡ r (mod n) also when x = r + n < p.
    let n_minus_1 = (-<Sc<C> as Field>::ONE).to_be_repr();
    let mut buf = [0u8; 48];
    let Some(rn) = buf.get_mut(..r_be.len()) else {
        return false;
    };
    let mut one = [0u8; 48];
    let Some(one) = one.get_mut(..r_be.len()) else {
        return false;
    };
    if let Some(last) = one.last_mut() {
        *last = 1;
    }
    let mut r1 = [0u8; 48];
    let Some(r1) = r1.get_mut(..r_be.len()) else {
        return false;
    };
    if add_be(r_be, one, r1).is_none() || add_be(r1, n_minus_1.as_ref(), rn).is_none() {
        return false;
    }
    C::fe(rn).is_some_and(|rf| rf * zz == acc.x)
}

/// The ECDSA integer `z` of a SHA-256 digest: its leftmost `bits(n)` bits, reduced mod `n`.
pub(crate) fn digest_scalar<C: PrimeCurveParams>(digest: &[u8; 32]) -> Sc<C> {
    let mut fb = FieldBytes::<C>::default();
    let n = fb.len();
    if n >= digest.len() {
        if let Some(tail) = fb.get_mut(n - digest.len()..) {
            tail.copy_from_slice(digest);
        }
    } else if let Some(head) = digest.get(..n) {
        fb.copy_from_slice(head);
    }
    <Sc<C> as Reduce<FieldBytes<C>>>::reduce(&fb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recode_cuts_the_scalar_into_its_chunks() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in [24usize, 32, 48] {
            for k in 0..64 {
                let be: Vec<u8> = (0..len)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        match k % 4 {
                            0 => 0xff,
                            1 if i % 3 == 0 => 0,
                            _ => x.to_le_bytes()[5],
                        }
                    })
                    .collect();
                for (t, w) in [
                    (T, W_KEY),
                    (T, W_GEN),
                    (T_WIDE, W_KEY_WIDE),
                    (T_WIDE, W_GEN_LARGE),
                ] {
                    let l = len * 8 / t;
                    let mut out = [[0i16; MAX_DIGITS]; T_MAX];
                    recode(&be, l, w, &mut out[..t]);
                    for (j, digits) in out[..t].iter().enumerate() {
                        // The chunk's bits, one at a time.
                        let mut want: i128 = 0;
                        for b in 0..l {
                            let bit = j * l + b;
                            if (be[len - 1 - bit / 8] >> (bit % 8)) & 1 == 1 {
                                want |= 1 << b;
                            }
                        }
                        let got: i128 = digits
                            .iter()
                            .enumerate()
                            .map(|(i, d)| i128::from(*d) << i)
                            .sum();
                        assert_eq!(got, want, "len={len} t={t} w={w} chunk {j}");
                    }
                }
            }
        }
    }

    #[test]
    fn wnaf_reconstructs() {
        let mut d = [0i16; MAX_DIGITS];
        for w in [4usize, 5, 6, 7, 8, 9, 10, 11, 12] {
            for k in [
                0u64,
                1,
                2,
                3,
                0x7f,
                0xdead_beef,
                (1 << 48) - 1,
                0x8000_0000_0000,
            ] {
                wnaf(k, w, &mut d);
                let mut v: i128 = 0;
                for (i, x) in d.iter().enumerate() {
                    v += i128::from(*x) << i;
                    if *x != 0 {
                        assert!(x % 2 != 0 && i32::from(x.unsigned_abs()) < (1 << (w - 1)));
                    }
                }
                assert_eq!(v, i128::from(k), "k={k:x} w={w}");
            }
        }
    }

    #[test]
    fn big_wnaf_reconstructs() {
        let mut d = [0i8; MAX_BIG_DIGITS];
        let cases: [&[u8]; 4] = [
            &[0xff; 48],
            &[0x80, 0, 0, 0, 0, 0, 0, 0, 1],
            &[1],
            &[0x7f; 32],
        ];
        for be in cases {
            let len = wnaf_big(be, 5, &mut d);
            // Rebuild the value as big-endian bytes from the digits (i128 per step is
            // too small: accumulate as a little-endian signed digit sum in u16 lanes).
            let mut acc = alloc::vec![0i64; 60];
            for (i, x) in d[..len].iter().enumerate() {
                acc[i / 8] += i64::from(*x) << (i % 8);
            }
            // Normalise carries into bytes.
            let mut bytes = alloc::vec![0u8; 60];
            let mut carry = 0i64;
            for (i, v) in acc.iter().enumerate() {
                let t = v + carry;
                bytes[i] = u8::try_from(t.rem_euclid(256)).unwrap();
                carry = t.div_euclid(256);
            }
            assert_eq!(carry, 0);
            let want: Vec<u8> = be.iter().rev().copied().collect();
            assert_eq!(&bytes[..want.len()], &want[..]);
            assert!(bytes[want.len()..].iter().all(|b| *b == 0));
        }
    }

    #[test]
    fn table_entries_match_rustcrypto_multiples() {
        type C = p256::NistP256;
        let g = p256::ProjectivePoint::GENERATOR;
        for (tier, t, w) in [
            (Tier::Standard, T, W_GEN),
            (Tier::Wide, T_WIDE, W_GEN_WIDE),
            (Tier::Large, T_WIDE, W_GEN_LARGE),
        ] {
            let tbl = generator_table::<C>(tier).unwrap();
            assert_eq!(tbl.tier(), tier);
            assert_eq!((tbl.t, tbl.w), (t, w));
            let tbl = tbl.points;
            let l = 256 / t;
            let per = 1usize << (w - 2);
            for (j, i) in [(0usize, 0usize), (0, 5), (3, 7), (t - 1, per - 1)] {
                let mut k = p256::Scalar::from(u64::try_from(2 * i + 1).unwrap());
                for _ in 0..j * l {
                    k = k.double();
                }
                let want = (g * k).to_affine();
                let want = want.to_sec1_point(false);
                let got = tbl[j * per + i];
                let mut enc = alloc::vec![4u8];
                enc.extend_from_slice(&got.x.to_be_vec());
                enc.extend_from_slice(&got.y.to_be_vec());
                assert_eq!(enc.as_slice(), want.as_bytes(), "j={j} i={i}");
            }
        }
    }
}
