//! P-256 and P-384 field elements for our verification engine
//! ([`vartime`](crate::vartime)), on `fiat-crypto`'s formally verified Montgomery
//! arithmetic.
//!
//! Why not the curve crates' own field types: in `p256` 0.14 a field
//! multiplication goes through `crypto-bigint`'s generic widening
//! multiplication and an out-of-line Montgomery reduction, and additions are
//! out-of-line calls too; a profile of our P-256 verify showed about two
//! thirds of the time in those calls. `fiat-crypto` generates one fused,
//! inlined word-by-word Montgomery multiplication per prime (the code
//! `p384` itself can use). Only on 64-bit targets: on wasm32, fiat's 32-bit
//! code measured no faster than RustCrypto's on P-256 and slower on P-384. Only the
//! field arithmetic comes from there; the values are checked on the way in
//! (`from_be` takes canonical big-endian bytes below the modulus only).

#![allow(
    unreachable_pub,
    reason = "the element types are nominally public (the sealed `EngineCurve` names them), and unreachable"
)]

/// One field: a newtype over fiat's Montgomery-domain element with the
/// operations [`FieldOps`](crate::vartime::FieldOps) needs.
macro_rules! fiat_field {
    (
        $name:ident, $bytes:expr, $m64:ident,
        p_minus_2: $pm2:expr,
        mont: $mont:ident, non_mont: $non:ident,
        mul: $mul:path, square: $sq:path, add: $add:ident, sub: $sub:ident, opp: $opp:ident,
        nonzero: $nz:ident, from_bytes: $fb:ident, to_bytes: $tb:ident,
        to_mont: $tm:ident, from_mont: $fm:ident, one: $one:ident
    ) => {
        use fiat_crypto::$m64 as f;

        /// A field element in Montgomery form, always fully reduced (fiat's
        /// outputs are below the modulus), so limb equality is value equality.
        #[derive(Clone, Copy)]
        pub struct $name(f::$mont);

        impl core::fmt::Debug for $name {
            fn fmt(&self, out: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(out, "{}({:02x?})", stringify!($name), self.to_be())
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                (self.0).0 == (other.0).0
            }
        }

        impl Eq for $name {}

        impl $name {
            /// The element of canonical big-endian bytes, `None` unless
            /// exactly `$bytes` long and below the modulus.
            pub(crate) fn from_be(be: &[u8]) -> Option<Self> {
                let mut le: [u8; $bytes] = be.try_into().ok()?;
                le.reverse();
                let mut limbs = Default::default();
                f::$fb(&mut limbs, &le);
                // fiat's arithmetic is only specified on values below the
                // modulus.
                if !below(be, &P_BE) {
                    return None;
                }
                let mut m = f::$mont(Default::default());
                f::$tm(&mut m, &f::$non(limbs));
                Some(Self(m))
            }

            /// Canonical big-endian bytes.
            pub(crate) fn to_be(self) -> [u8; $bytes] {
                let mut n = f::$non(Default::default());
                f::$fm(&mut n, &self.0);
                let mut le = [0u8; $bytes];
                f::$tb(&mut le, &n.0);
                le.reverse();
                le
            }
        }

        /// The modulus, big-endian (`p - 2` plus 2).
        const P_BE: [u8; $bytes] = {
            let mut p = $pm2;
            let mut i = $bytes;
            let mut carry = 2u16;
            while i > 0 && carry > 0 {
                i -= 1;
                let s = p[i] as u16 + carry;
                p[i] = (s & 0xff) as u8;
                carry = s >> 8;
            }
            p
        };

        impl core::ops::Add for $name {
            type Output = Self;
            #[inline(always)]
            fn add(self, rhs: Self) -> Self {
                let mut o = f::$mont(Default::default());
                f::$add(&mut o, &self.0, &rhs.0);
                Self(o)
            }
        }

        impl core::ops::Sub for $name {
            type Output = Self;
            #[inline(always)]
            fn sub(self, rhs: Self) -> Self {
                let mut o = f::$mont(Default::default());
                f::$sub(&mut o, &self.0, &rhs.0);
                Self(o)
            }
        }

        impl core::ops::Mul for $name {
            type Output = Self;
            #[inline(always)]
            fn mul(self, rhs: Self) -> Self {
                let mut o = f::$mont(Default::default());
                $mul(&mut o, &self.0, &rhs.0);
                Self(o)
            }
        }

        impl core::ops::MulAssign for $name {
            #[inline(always)]
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }

        impl core::ops::Neg for $name {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                let mut o = f::$mont(Default::default());
                f::$opp(&mut o, &self.0);
                Self(o)
            }
        }

        impl crate::vartime::FieldOps for $name {
            const ZERO: Self = Self(f::$mont([0; $bytes / 8]));
            const ONE: Self = {
                let mut o = f::$mont([0; $bytes / 8]);
                f::$one(&mut o);
                Self(o)
            };

            #[inline(always)]
            fn square(&self) -> Self {
                let mut o = f::$mont(Default::default());
                $sq(&mut o, &self.0);
                Self(o)
            }

            #[inline(always)]
            fn double(&self) -> Self {
                *self + *self
            }

            #[inline(always)]
            fn is_zero(&self) -> bool {
                let mut nz = 0;
                f::$nz(&mut nz, &(self.0).0);
                nz == 0
            }

            /// `self^(p-2)` (Fermat), `None` for zero; variable time, public
            /// data only (used when tables are built).
            fn invert(&self) -> Option<Self> {
                if self.is_zero() {
                    return None;
                }
                let mut acc = Self::ONE;
                for byte in $pm2 {
                    for bit in (0..8).rev() {
                        acc = acc.square();
                        if (byte >> bit) & 1 == 1 {
                            acc *= *self;
                        }
                    }
                }
                Some(acc)
            }

            fn to_be_vec(&self) -> alloc::vec::Vec<u8> {
                self.to_be().to_vec()
            }
        }
    };
}

/// Whether big-endian `a < b` (equal lengths).
#[inline]
fn below(a: &[u8], b: &[u8]) -> bool {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// The P-256 field, `p = 2^256 - 2^224 + 2^192 + 2^96 - 1`.
pub(crate) mod p256 {
    use super::below;
    fiat_field!(
        Fe, 32, p256_64,
        p_minus_2: [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xfd,
        ],
        mont: fiat_p256_montgomery_domain_field_element,
        non_mont: fiat_p256_non_montgomery_domain_field_element,
        mul: crate::p256_mont::mul, square: crate::p256_mont::square, add: fiat_p256_add,
        sub: fiat_p256_sub, opp: fiat_p256_opp, nonzero: fiat_p256_nonzero,
        from_bytes: fiat_p256_from_bytes, to_bytes: fiat_p256_to_bytes,
        to_mont: fiat_p256_to_montgomery, from_mont: fiat_p256_from_montgomery,
        one: fiat_p256_set_one
    );
}

/// The P-384 field, `p = 2^384 - 2^128 - 2^96 + 2^32 - 1`.
pub(crate) mod p384 {
    use super::below;
    fiat_field!(
        Fe, 48, p384_64,
        p_minus_2: [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0xff, 0xff, 0xff, 0xfd,
        ],
        mont: fiat_p384_montgomery_domain_field_element,
        non_mont: fiat_p384_non_montgomery_domain_field_element,
        mul: fiat_crypto::p384_64::fiat_p384_mul, square: fiat_crypto::p384_64::fiat_p384_square,
        add: fiat_p384_add,
        sub: fiat_p384_sub, opp: fiat_p384_opp, nonzero: fiat_p384_nonzero,
        from_bytes: fiat_p384_from_bytes, to_bytes: fiat_p384_to_bytes,
        to_mont: fiat_p384_to_montgomery, from_mont: fiat_p384_from_montgomery,
        one: fiat_p384_set_one
    );
}

#[cfg(test)]
mod tests {
    use crate::vartime::FieldOps;
    use alloc::vec::Vec;
    use elliptic_curve::ff::PrimeField;

    /// Values to test on: edge values and a deterministic pseudo-random spread.
    fn values(n: usize, p_minus_2: &[u8]) -> Vec<Vec<u8>> {
        let mut p_minus_1 = p_minus_2.to_vec();
        *p_minus_1.last_mut().unwrap() += 1;
        let mut out = alloc::vec![alloc::vec![0u8; n], p_minus_1];
        let mut one = alloc::vec![0u8; n];
        one[n - 1] = 1;
        out.push(one);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for k in 0..64 {
            let mut v: Vec<u8> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x.to_le_bytes()[3]
                })
                .collect();
            if k % 4 == 0 {
                v[0] &= 0x7f;
            }
            if v.as_slice() < p_minus_2 {
                out.push(v);
            }
        }
        out
    }

    macro_rules! agrees_with_rustcrypto {
        ($name:ident, $fiat:ty, $rc:ty, $pm2:expr, $n:expr) => {
            #[test]
            fn $name() {
                let pm2: &[u8] = &$pm2;
                let rc = |b: &[u8]| {
                    let mut r = <$rc as PrimeField>::Repr::default();
                    r.copy_from_slice(b);
                    <$rc>::from_repr(r).unwrap()
                };
                let vals = values($n, pm2);
                for a in &vals {
                    let fa = <$fiat>::from_be(a).unwrap();
                    assert_eq!(&fa.to_be()[..], &a[..]);
                    let ra = rc(a);
                    assert_eq!(&(-fa).to_be()[..], &(-ra).to_repr()[..]);
                    assert_eq!(&fa.square().to_be()[..], &ra.square().to_repr()[..]);
                    assert_eq!(&fa.double().to_be()[..], &ra.double().to_repr()[..]);
                    assert_eq!(fa.is_zero(), bool::from(ra.is_zero()));
                    match fa.invert() {
                        None => assert!(bool::from(ra.is_zero())),
                        Some(i) => {
                            assert_eq!(i * fa, <$fiat as FieldOps>::ONE);
                            assert_eq!(&i.to_be()[..], &ra.invert().unwrap().to_repr()[..]);
                        }
                    }
                    for b in vals.iter().step_by(7) {
                        let (fb, rb) = (<$fiat>::from_be(b).unwrap(), rc(b));
                        assert_eq!(&(fa * fb).to_be()[..], &(ra * rb).to_repr()[..]);
                        assert_eq!(&(fa + fb).to_be()[..], &(ra + rb).to_repr()[..]);
                        assert_eq!(&(fa - fb).to_be()[..], &(ra - rb).to_repr()[..]);
                    }
                }
                // p and everything above it is refused; p - 1 is accepted.
                let mut p = pm2.to_vec();
                *p.last_mut().unwrap() += 2;
                assert!(<$fiat>::from_be(&p).is_none());
                assert!(<$fiat>::from_be(&[0xff; $n]).is_none());
                assert!(<$fiat>::from_be(&[0; 3]).is_none());
                assert_eq!(<$fiat as FieldOps>::ONE.to_be()[$n - 1], 1);
                assert!(<$fiat as FieldOps>::ZERO.is_zero());
            }
        };
    }

    agrees_with_rustcrypto!(
        p256_agrees,
        super::p256::Fe,
        <p256::NistP256 as elliptic_curve::hazmat::FieldArithmetic>::FieldElement,
        [
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xfd,
        ],
        32
    );
    agrees_with_rustcrypto!(
        p384_agrees,
        super::p384::Fe,
        <p384::NistP384 as elliptic_curve::hazmat::FieldArithmetic>::FieldElement,
        [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0xff, 0xff, 0xff, 0xfd,
        ],
        48
    );
}
