//! Exact decimal numbers: `RV` keeps the text the meter sent.

use core::cmp::Ordering;
use core::fmt;

/// An exact decimal value: `mantissa × 10^-scale`.
///
/// Built from the exact text of a reading (`2935.600` has mantissa 2935600
/// and scale 3); arithmetic never rounds, so billed energy is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExactDecimal {
    /// The digits as an integer.
    pub mantissa: i128,
    /// The number of digits after the decimal point.
    pub scale: u32,
}

const MAX_SCALE: u32 = 30;

impl ExactDecimal {
    /// Parses decimal text: optional sign, digits, optional fraction, optional
    /// exponent (`1.606848e7`). Surrounding spaces are allowed (they occur in
    /// real records as padding). Returns `None` for anything else or for
    /// numbers beyond 30 fractional digits or i128.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        let (neg, t) = match t.as_bytes().first()? {
            b'-' => (true, &t[1..]),
            b'+' => (false, &t[1..]),
            _ => (false, t),
        };
        let (num, exp) = match t.find(['e', 'E']) {
            Some(p) => (&t[..p], Some(&t[p + 1..])),
            None => (t, None),
        };
        let (int, frac) = match num.find('.') {
            Some(p) => (&num[..p], &num[p + 1..]),
            None => (num, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut m: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            m = m.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let mut scale = i64::try_from(frac.len()).ok()?;
        if let Some(e) = exp {
            let e: i64 = e.parse().ok()?;
            scale = scale.checked_sub(e)?;
        }
        if scale < 0 {
            // One multiplication, not a loop: a zero mantissa never
            // overflows, so `0e999999999999999` would spin for hours (found
            // by the `grammar` fuzz target).
            if m != 0 {
                let f = 10i128.checked_pow(u32::try_from(scale.unsigned_abs()).ok()?)?;
                m = m.checked_mul(f)?;
            }
            scale = 0;
        }
        let scale = u32::try_from(scale).ok().filter(|s| *s <= MAX_SCALE)?;
        Some(Self {
            mantissa: if neg { -m } else { m },
            scale,
        })
    }

    /// The value with `scale` fractional digits (only ever widens).
    #[must_use]
    pub fn rescale(self, scale: u32) -> Option<Self> {
        if scale < self.scale || scale > MAX_SCALE {
            return None;
        }
        let f = 10i128.checked_pow(scale - self.scale)?;
        Some(Self {
            mantissa: self.mantissa.checked_mul(f)?,
            scale,
        })
    }

    /// `self - other`, exactly.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        let s = self.scale.max(other.scale);
        let (a, b) = (self.rescale(s)?, other.rescale(s)?);
        Some(Self {
            mantissa: a.mantissa.checked_sub(b.mantissa)?,
            scale: s,
        })
    }

    /// `self + other`, exactly.
    #[must_use]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let s = self.scale.max(other.scale);
        let (a, b) = (self.rescale(s)?, other.rescale(s)?);
        Some(Self {
            mantissa: a.mantissa.checked_add(b.mantissa)?,
            scale: s,
        })
    }

    /// Multiplies by `10^exp` (unit conversion kWh → Wh is `exp = 3`), exactly.
    #[must_use]
    pub fn shift(self, exp: i32) -> Option<Self> {
        if exp >= 0 {
            let e = u32::try_from(exp).ok()?;
            if self.scale >= e {
                Some(Self {
                    mantissa: self.mantissa,
                    scale: self.scale - e,
                })
            } else {
                Some(Self {
                    mantissa: self
                        .mantissa
                        .checked_mul(10i128.checked_pow(e - self.scale)?)?,
                    scale: 0,
                })
            }
        } else {
            let s = self.scale.checked_add(exp.unsigned_abs())?;
            (s <= MAX_SCALE).then_some(Self {
                mantissa: self.mantissa,
                scale: s,
            })
        }
    }

    /// Whether the value is below zero.
    #[must_use]
    pub const fn is_negative(self) -> bool {
        self.mantissa < 0
    }

    /// An approximate float, for display and statistics only.
    #[must_use]
    #[allow(clippy::cast_precision_loss, reason = "documented as approximate")]
    pub fn to_f64(self) -> f64 {
        let mut v = self.mantissa as f64;
        for _ in 0..self.scale {
            v /= 10.0;
        }
        v
    }
}

impl PartialOrd for ExactDecimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ExactDecimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let s = self.scale.max(other.scale);
        match (self.rescale(s), other.rescale(s)) {
            (Some(a), Some(b)) => a.mantissa.cmp(&b.mantissa),
            _ => self.to_f64().total_cmp(&other.to_f64()),
        }
    }
}

impl fmt::Display for ExactDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = self.scale as usize;
        let digits = alloc::format!(
            "{:0>width$}",
            self.mantissa.unsigned_abs(),
            width = scale + 1
        );
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        let (int, frac) = digits.split_at(digits.len() - scale);
        f.write_str(int)?;
        if scale > 0 {
            f.write_str(".")?;
            f.write_str(frac)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn parses_and_prints_exactly() {
        for (t, s) in [
            ("2935.600", "2935.600"),
            ("0.000", "0.000"),
            ("       9.038", "9.038"),
            ("00000000.000", "0.000"),
            ("1.606848e7", "16068480"),
            ("-1.5", "-1.5"),
            ("0.2596", "0.2596"),
            ("12", "12"),
            ("1e-3", "0.001"),
        ] {
            assert_eq!(ExactDecimal::parse(t).unwrap().to_string(), s, "{t}");
        }
        for bad in ["", "abc", "1.2.3", ".", "1e", "--1", "1e999"] {
            assert!(ExactDecimal::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        let a = ExactDecimal::parse("2965.100").unwrap();
        let b = ExactDecimal::parse("2935.6").unwrap();
        assert_eq!(a.checked_sub(b).unwrap().to_string(), "29.500");
        assert_eq!(
            a.checked_sub(b).unwrap().shift(3).unwrap().to_string(),
            "29500"
        );
        assert_eq!(
            ExactDecimal::parse("29500")
                .unwrap()
                .shift(-3)
                .unwrap()
                .to_string(),
            "29.500"
        );
        assert!(b < a);
    }
}
