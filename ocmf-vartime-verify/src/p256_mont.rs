//! Montgomery multiplication and squaring in the P-256 field
//! (`p = 2^256 - 2^224 + 2^192 + 2^96 - 1`, `R = 2^256`), on the same
//! representation as fiat-crypto's `p256_64` (four little-endian 64-bit
//! limbs, Montgomery form, fully reduced), so fiat's other operations
//! (add, sub, opp, conversions) work on our results and ours on theirs.
//!
//! Why not fiat's `fiat_p256_mul` / `fiat_p256_square` here: they are
//! generic word-by-word Montgomery code with the carries kept in `u8`s, and
//! compile to about 360 x86-64 instructions each (a callgrind count of
//! `ocmf verify` on P-256: 35% of every instruction of the run was in
//! `fiat_p256_mul`, 22% in `fiat_p256_square`). Multiplication and squaring
//! are more than half of a P-256 verification, and issue 18 asks for a
//! speed that fiat's code cannot reach. This module is the schoolbook
//! product (a dedicated squaring with 10 limb products instead of 16) and
//! a Montgomery reduction that uses the shape of `p`: its lowest limb is
//! `2^64 - 1`, so the reduction factor of each step is the limb itself
//! (`-p^-1 ≡ 1 mod 2^64`), and its third limb is zero.
//!
//! It is variable-time only in the final conditional subtraction (a branch
//! on public data: the engine verifies public signatures only, see the
//! crate's README). fiat-crypto stays the oracle: the tests compare both
//! functions with fiat's on edge values and on a large pseudo-random spread,
//! and every verdict of the engine is compared with RustCrypto's reference
//! verification by the Wycheproof sets, the edge vectors and the
//! `engine_differential` fuzz target.

use fiat_crypto::p256_64::fiat_p256_montgomery_domain_field_element as Mont;

/// The limbs of `p`, least significant first (`P2 = 0`).
const P0: u64 = 0xffff_ffff_ffff_ffff;
const P1: u64 = 0x0000_0000_ffff_ffff;
const P2: u64 = 0;
const P3: u64 = 0xffff_ffff_0000_0001;

/// `a + b·c + d` as (low, high); never overflows (`(2^64-1)^2 + 2(2^64-1) = 2^128 - 1`).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the low and high words of a double word"
)]
const fn mac(a: u64, b: u64, c: u64, d: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) * (c as u128) + (d as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a + b + carry` as (sum, carry out); `carry` may be any `u64`.
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the low and high words of a double word"
)]
const fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = (a as u128) + (b as u128) + (carry as u128);
    (t as u64, (t >> 64) as u64)
}

/// `a - b - borrow` (`borrow` 0 or 1) as (difference, borrow out 0 or 1).
#[inline(always)]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the low and high words of a double word"
)]
const fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let t = (a as u128).wrapping_sub((b as u128) + (borrow as u128));
    (t as u64, (t >> 127) as u64)
}

/// `w · R^-1 mod p` for a 512-bit `w < p·R` (every product of two reduced
/// elements), fully reduced.
///
/// Step `i` adds `m·p·2^(64i)` with `m = w[i]` (the factor that clears limb
/// `i`, since `-p^-1 ≡ 1 mod 2^64`). With `p0 = 2^64 - 1`, `w[i] + m·p0 =
/// m·2^64`: limb `i` becomes zero and carries exactly `m`; `p1·m` and that
/// carry go into limb `i + 1`, nothing but the carry into limb `i + 2`
/// (`p2 = 0`), `p3·m` into limb `i + 3`, and the carry out of limb `i + 4`
/// (0 or 1) is kept for the next step's limb `i + 5`.
#[inline(always)]
#[allow(
    clippy::many_single_char_names,
    reason = "limb names as in the formulas"
)]
fn reduce(w: [u64; 8]) -> [u64; 4] {
    let [r0, r1, r2, r3, r4, r5, r6, r7] = w;
    let (r1, c) = mac(r1, r0, P1, r0);
    let (r2, c) = adc(r2, 0, c);
    let (r3, c) = mac(r3, r0, P3, c);
    let (r4, top) = adc(r4, 0, c);

    let (r2, c) = mac(r2, r1, P1, r1);
    let (r3, c) = adc(r3, 0, c);
    let (r4, c) = mac(r4, r1, P3, c);
    let (r5, top) = adc(r5, top, c);

    let (r3, c) = mac(r3, r2, P1, r2);
    let (r4, c) = adc(r4, 0, c);
    let (r5, c) = mac(r5, r2, P3, c);
    let (r6, top) = adc(r6, top, c);

    let (r4, c) = mac(r4, r3, P1, r3);
    let (r5, c) = adc(r5, 0, c);
    let (r6, c) = mac(r6, r3, P3, c);
    let (r7, top) = adc(r7, top, c);

    // (top, r7, r6, r5, r4) < 2p: subtract p once if it is not below p.
    let (s0, b) = sbb(r4, P0, 0);
    let (s1, b) = sbb(r5, P1, b);
    let (s2, b) = sbb(r6, P2, b);
    let (s3, b) = sbb(r7, P3, b);
    let (_, b) = sbb(top, 0, b);
    if b == 0 {
        [s0, s1, s2, s3]
    } else {
        [r4, r5, r6, r7]
    }
}

/// `a·b·R^-1 mod p`: fiat's `fiat_p256_mul`, same signature and result.
#[inline]
#[allow(
    clippy::many_single_char_names,
    reason = "limb names as in the formulas"
)]
pub(crate) fn mul(out: &mut Mont, a: &Mont, b: &Mont) {
    let [a0, a1, a2, a3] = a.0;
    let [b0, b1, b2, b3] = b.0;
    let (w0, c) = mac(0, a0, b0, 0);
    let (w1, c) = mac(0, a0, b1, c);
    let (w2, c) = mac(0, a0, b2, c);
    let (w3, w4) = mac(0, a0, b3, c);

    let (w1, c) = mac(w1, a1, b0, 0);
    let (w2, c) = mac(w2, a1, b1, c);
    let (w3, c) = mac(w3, a1, b2, c);
    let (w4, w5) = mac(w4, a1, b3, c);

    let (w2, c) = mac(w2, a2, b0, 0);
    let (w3, c) = mac(w3, a2, b1, c);
    let (w4, c) = mac(w4, a2, b2, c);
    let (w5, w6) = mac(w5, a2, b3, c);

    let (w3, c) = mac(w3, a3, b0, 0);
    let (w4, c) = mac(w4, a3, b1, c);
    let (w5, c) = mac(w5, a3, b2, c);
    let (w6, w7) = mac(w6, a3, b3, c);

    out.0 = reduce([w0, w1, w2, w3, w4, w5, w6, w7]);
}

/// `a²·R^-1 mod p`: fiat's `fiat_p256_square`, same signature and result.
/// The six cross products once, doubled by a shift, plus the four squares.
#[inline]
#[allow(
    clippy::many_single_char_names,
    reason = "limb names as in the formulas"
)]
pub(crate) fn square(out: &mut Mont, a: &Mont) {
    let [a0, a1, a2, a3] = a.0;
    let (w1, c) = mac(0, a0, a1, 0);
    let (w2, c) = mac(0, a0, a2, c);
    let (w3, w4) = mac(0, a0, a3, c);
    let (w3, c) = mac(w3, a1, a2, 0);
    let (w4, w5) = mac(w4, a1, a3, c);
    let (w5, w6) = mac(w5, a2, a3, 0);

    let w7 = w6 >> 63;
    let w6 = (w6 << 1) | (w5 >> 63);
    let w5 = (w5 << 1) | (w4 >> 63);
    let w4 = (w4 << 1) | (w3 >> 63);
    let w3 = (w3 << 1) | (w2 >> 63);
    let w2 = (w2 << 1) | (w1 >> 63);
    let w1 = w1 << 1;

    let (w0, c) = mac(0, a0, a0, 0);
    let (w1, c) = adc(w1, 0, c);
    let (w2, c) = mac(w2, a1, a1, c);
    let (w3, c) = adc(w3, 0, c);
    let (w4, c) = mac(w4, a2, a2, c);
    let (w5, c) = adc(w5, 0, c);
    let (w6, c) = mac(w6, a3, a3, c);
    let (w7, _) = adc(w7, 0, c);

    out.0 = reduce([w0, w1, w2, w3, w4, w5, w6, w7]);
}

#[cfg(test)]
mod tests {
    use super::{Mont, P0, P1, P2, P3};
    use alloc::vec::Vec;
    use fiat_crypto::p256_64 as f;

    /// Whether limbs `v` are below `p` (fiat's functions are specified there only).
    fn reduced(v: &[u64; 4]) -> bool {
        let p = [P0, P1, P2, P3];
        for i in (0..4).rev() {
            if v[i] != p[i] {
                return v[i] < p[i];
            }
        }
        false
    }

    /// Edge values and limb patterns, and `n` pseudo-random reduced values.
    fn values(n: usize) -> Vec<Mont> {
        let mut out: Vec<[u64; 4]> = Vec::new();
        let p = [P0, P1, P2, P3];
        let pats = [
            0,
            1,
            2,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
            (1 << 32) - 1,
            1 << 32,
        ];
        for &a in &pats {
            for &b in &pats {
                out.push([a, b, a, b]);
                out.push([b, a, 0, a]);
                out.push([a, 0, b, 0]);
            }
        }
        // p - k for small k, and values just below 2^255 and 2^256 - 2^224.
        for k in 1..=8u64 {
            let (l0, b) = super::sbb(p[0], k, 0);
            let (l1, b) = super::sbb(p[1], 0, b);
            let (l2, b) = super::sbb(p[2], 0, b);
            let (l3, _) = super::sbb(p[3], 0, b);
            out.push([l0, l1, l2, l3]);
        }
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for k in 0..n {
            let mut v = [next(), next(), next(), next()];
            // Some values with a sparse or saturated limb.
            match k % 8 {
                0 => v[1] = 0,
                1 => v[2] = u64::MAX,
                2 => v[0] = u64::MAX,
                3 => v[3] >>= 1,
                _ => {}
            }
            out.push(v);
        }
        out.into_iter()
            .filter(reduced)
            .map(|limbs| {
                // Into Montgomery form with fiat, as the engine holds them.
                let mut m = f::fiat_p256_montgomery_domain_field_element([0; 4]);
                f::fiat_p256_to_montgomery(
                    &mut m,
                    &f::fiat_p256_non_montgomery_domain_field_element(limbs),
                );
                // Also the raw limbs as a Montgomery value (any reduced
                // value is one): both spreads.
                [m, Mont(limbs)]
            })
            .flatten()
            .collect()
    }

    #[test]
    fn mul_and_square_equal_fiat() {
        let vals = values(4000);
        assert!(vals.len() > 7000, "{}", vals.len());
        let mut checked = 0usize;
        for (i, a) in vals.iter().enumerate() {
            let (mut ours, mut theirs) = (Mont([0; 4]), Mont([0; 4]));
            super::square(&mut ours, a);
            f::fiat_p256_square(&mut theirs, a);
            assert_eq!(ours.0, theirs.0, "square {:x?}", a.0);
            super::mul(&mut ours, a, a);
            assert_eq!(ours.0, theirs.0, "mul a·a {:x?}", a.0);
            // Every value against a stride of the others (about 4 million pairs).
            for b in vals.iter().skip(i % 13).step_by(13) {
                super::mul(&mut ours, a, b);
                f::fiat_p256_mul(&mut theirs, a, b);
                assert_eq!(ours.0, theirs.0, "mul {:x?} {:x?}", a.0, b.0);
                checked += 1;
            }
        }
        assert!(checked > 3_000_000, "{checked}");
    }

    #[test]
    fn results_are_reduced_and_chain() {
        // A long chain of products stays reduced and equal to fiat's.
        let mut ours = Mont([3, 5, 7, 11]);
        let mut theirs = ours;
        let step = Mont([P0 - 1, P1, P2, P3]);
        for _ in 0..100_000 {
            let (mut o, mut t) = (Mont([0; 4]), Mont([0; 4]));
            super::mul(&mut o, &ours, &step);
            super::square(&mut ours, &o);
            f::fiat_p256_mul(&mut t, &theirs, &step);
            f::fiat_p256_square(&mut theirs, &t);
            assert_eq!(ours.0, theirs.0);
            assert!(reduced(&ours.0));
        }
    }
}
