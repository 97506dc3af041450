//! Shared harness code of the `ocmf-core` fuzz targets (see `harness.rs`;
//! `ocmf-core/tests/fuzz_regressions.rs` includes the same file, without
//! `arbitrary`, which is why the `Arbitrary` impls live here).

pub mod harness;

use core::fmt;

use arbitrary::{Arbitrary, Unstructured};

pub use harness::*;

macro_rules! arbitrary_struct {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl<'a> Arbitrary<'a> for $t {
            fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
                Ok($t { $($f: u.arbitrary()?),* })
            }
        }
    )*};
}

arbitrary_struct! {
    DecimalSpec { mantissa, scale, negative, quoted }
    TimeSpec { year, month, day, hour, minute, second, millis, offset_minutes, status }
    ReadingSpec { tm, tx, rv, ri, ru, rt, cl, ef, st }
    CableLossSpec { ln, li, lr, lu }
    EngineSpec { curve, key, scalar, digest, digest_bytes, sig, a, b, uses, flags }
    RecordSpec {
        curve, pretty, fv, gi, gs, gv, pg, mv, mm, ms, mf, is, il, if_, it, id, tt, cf, lc,
        ct, ci, rd, flip_at, flip_mask,
    }
}

/// The input of `structured_record`. Its `Debug` output is the spec as JSON,
/// so `cargo fuzz fmt structured_record <file>` prints exactly what goes into
/// `fuzz/regressions/structured_record/<name>.json`.
pub struct StructuredInput(pub RecordSpec);

impl<'a> Arbitrary<'a> for StructuredInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        u.arbitrary().map(Self)
    }
}

impl fmt::Debug for StructuredInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string_pretty(&self.0).map_err(|_| fmt::Error)?;
        f.write_str(&json)
    }
}

/// The input of `engine_differential`; its `Debug` output is the spec as
/// JSON (what goes into `fuzz/regressions/engine_differential/<name>.json`).
pub struct EngineInput(pub EngineSpec);

impl<'a> Arbitrary<'a> for EngineInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        u.arbitrary().map(Self)
    }
}

impl fmt::Debug for EngineInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let json = serde_json::to_string_pretty(&self.0).map_err(|_| fmt::Error)?;
        f.write_str(&json)
    }
}
