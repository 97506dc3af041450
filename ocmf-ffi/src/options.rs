//! The enum parameters C passes as `uint32_t` (`ocmf_profile`, `ocmf_lang`),
//! validated here, and the core [`Checker`] a call's profile selects.

use ocmf_core::{Checker, Lang, Profile};

use crate::error::ocmf_result;

/// Checking profile, passed as a `uint32_t` (any other value is `OCMF_RESULT_INVALID_ARGUMENT`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_profile {
    /// Default: tolerates the documented real-world deviations and reports each.
    Interop = 0,
    /// The specification to the letter.
    Strict = 1,
    /// Predicts the S.A.F.E. reference transparency software's green tick.
    Reference = 2,
}

/// An `ocmf_profile` as passed by C: any `u32`, validated by `profile_of`
/// (a Rust enum parameter would make an out-of-range value undefined behaviour).
/// The header names it `ocmf_profile` (see `cbindgen.toml`).
pub type ProfileArg = u32;

/// An `ocmf_lang` as passed by C, validated by `lang_of`; `ocmf_lang` in the header.
pub type LangArg = u32;

/// Language of messages, passed as a `uint32_t` (any other value is `OCMF_RESULT_INVALID_ARGUMENT`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_lang {
    /// English.
    En = 0,
    /// German.
    De = 1,
}

pub(crate) fn profile_of(p: ProfileArg) -> Result<Profile, ocmf_result> {
    match p {
        x if x == ocmf_profile::Interop as u32 => Ok(Profile::Interop),
        x if x == ocmf_profile::Strict as u32 => Ok(Profile::Strict),
        x if x == ocmf_profile::Reference as u32 => Ok(Profile::Reference),
        _ => Err(ocmf_result::InvalidArgument),
    }
}

pub(crate) fn lang_of(l: LangArg) -> Result<Lang, ocmf_result> {
    match l {
        x if x == ocmf_lang::En as u32 => Ok(Lang::En),
        x if x == ocmf_lang::De as u32 => Ok(Lang::De),
        _ => Err(ocmf_result::InvalidArgument),
    }
}

/// The core's checker for a call's profile (no registry, default limits,
/// on the calling thread): every check of this crate goes through one.
pub(crate) fn checker(profile: ProfileArg) -> Result<Checker<'static>, ocmf_result> {
    Ok(Checker::new().profile(profile_of(profile)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_enum_values_are_invalid_arguments() {
        assert_eq!(profile_of(ocmf_profile::Strict as u32), Ok(Profile::Strict));
        assert_eq!(profile_of(3), Err(ocmf_result::InvalidArgument));
        assert_eq!(lang_of(ocmf_lang::De as u32), Ok(Lang::De));
        assert_eq!(lang_of(2), Err(ocmf_result::InvalidArgument));
    }
}
