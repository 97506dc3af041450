//! The enum parameters C passes as `uint32_t` (`ocmf_profile`, `ocmf_lang`),
//! validated here, and the core [`Checker`] a call's profile selects (with
//! the `ocmf_backend` flag OR-ed into it, if any).

use ocmf_core::{Backend, Checker, KeyInput, Lang, Profile};

use crate::boundary::{guard, input};
use crate::error::ocmf_result;
use crate::key::{key_input, ocmf_key};
use crate::registry::{ocmf_registry, registry_ref};

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

/// The group arithmetic that verifies the signatures, OR-ed into the
/// `profile` argument of every verifying call (`OCMF_PROFILE_STRICT |
/// OCMF_BACKEND_REFERENCE`); without one, `OCMF_BACKEND_AUTO`. The verdicts
/// are the same on every backend. None is constant-time, nor needs to be
/// (verification inputs are public); `REFERENCE` is RustCrypto's own ECDSA
/// verification, for a policy that asks for it: see `docs/constant-time.md`.
/// Any other bits are `OCMF_RESULT_INVALID_ARGUMENT`.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ocmf_backend {
    /// Default: the fastest measured (our engine, native for a key's first use).
    Auto = 0x000,
    /// Our pure-Rust engine with per-key tables.
    PureRust = 0x100,
    /// AWS-LC where the build has it for the curve (P-256, P-384), else `PURE_RUST`.
    Native = 0x200,
    /// Plain RustCrypto `ecdsa` verification, no tables.
    Reference = 0x300,
}

/// An `ocmf_backend` as C passes it, validated by `backend_of`;
/// `ocmf_backend` in the header.
pub type BackendArg = u32;

/// Looks a backend up by its name, as the other bindings take it: `auto`,
/// `pure-rust`, `native` or `reference` (surrounding white space ignored).
/// On success `*out` receives the `ocmf_backend` flag to OR into a verifying
/// call's `profile`. Returns `OCMF_RESULT_INVALID_ARGUMENT` (702) for any
/// other name (nothing is written), NULL `out`, or NULL `name` with a
/// non-zero length.
///
/// # Safety
/// `name` must be NULL (with `len == 0`) or point to `len` readable bytes;
/// `out` must be NULL or valid for one write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ocmf_backend_from_name(
    name: *const u8,
    len: usize,
    out: *mut BackendArg,
) -> ocmf_result {
    guard(|| {
        if out.is_null() {
            return Err(ocmf_result::InvalidArgument);
        }
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(name, len) }?;
        let name = core::str::from_utf8(bytes).map_err(|_| ocmf_result::InvalidArgument)?;
        let flag = backend_flag(Backend::from_name(name)?).ok_or(ocmf_result::Internal)?;
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { out.write(flag as u32) };
        Ok(ocmf_result::Ok)
    })
}

/// The bits of a `profile` argument that hold an `ocmf_backend`.
const BACKEND_BITS: u32 = 0xff00;

const BACKENDS: [(ocmf_backend, Backend); 4] = [
    (ocmf_backend::Auto, Backend::Auto),
    (ocmf_backend::PureRust, Backend::PureRust),
    (ocmf_backend::Native, Backend::Native),
    (ocmf_backend::Reference, Backend::Reference),
];

pub(crate) fn backend_of(bits: u32) -> Result<Backend, ocmf_result> {
    BACKENDS
        .iter()
        .find(|(c, _)| *c as u32 == bits)
        .map(|(_, b)| *b)
        .ok_or(ocmf_result::InvalidArgument)
}

/// The `ocmf_backend` of a core backend.
pub(crate) fn backend_flag(backend: Backend) -> Option<ocmf_backend> {
    BACKENDS
        .iter()
        .find(|(_, b)| *b == backend)
        .map(|(c, _)| *c)
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

/// The core's checker for a call's profile and backend flag (no registry,
/// default limits, on the calling thread): every check of this crate goes
/// through one.
pub(crate) fn checker(profile: ProfileArg) -> Result<Checker<'static>, ocmf_result> {
    let backend = backend_of(profile & BACKEND_BITS)?;
    Ok(Checker::new()
        .profile(profile_of(profile & !BACKEND_BITS)?)
        .backend(backend))
}

/// What every call that checks with the caller's key and registry sets up
/// from its arguments, in one order (the language, the checker of the
/// profile's backend with the registry, the key), so that the same bad
/// argument gives the same code in every such call.
pub(crate) struct Call<'a> {
    pub(crate) lang: Lang,
    pub(crate) key: KeyInput<'a>,
    pub(crate) checker: Checker<'a>,
}

/// The [`Call`] of these arguments.
///
/// # Safety
/// `key` and `registry` must be NULL or live handles, unmodified for `'a`.
pub(crate) unsafe fn call<'a>(
    key: *const ocmf_key,
    registry: *const ocmf_registry,
    profile: ProfileArg,
    lang: LangArg,
) -> Result<Call<'a>, ocmf_result> {
    let lang = lang_of(lang)?;
    // SAFETY: NULL or live handles (the caller's contract).
    let (key, registry) = unsafe { (key_input(key), registry_ref(registry)) };
    Ok(Call {
        lang,
        key,
        checker: checker(profile)?.registry(registry),
    })
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

    #[test]
    fn a_backend_flag_is_ored_into_the_profile() {
        let strict = ocmf_profile::Strict as u32;
        let c = checker(strict | ocmf_backend::Reference as u32).unwrap();
        assert_eq!(c.backend_kind(), Backend::Reference);
        assert_eq!(c.options_ref().profile, Profile::Strict);
        let c = checker(ocmf_profile::Reference as u32).unwrap();
        assert_eq!(c.backend_kind(), Backend::Auto);
        assert_eq!(c.options_ref().profile, Profile::Reference);
        for &b in Backend::ALL {
            let flag = backend_flag(b).unwrap() as u32;
            assert_eq!(checker(flag).unwrap().backend_kind(), b);
        }
        for bad in [0x400, 0x0f00, 0x1_0000, 0x8000_0000, 0x303] {
            assert_eq!(
                checker(bad).err(),
                Some(ocmf_result::InvalidArgument),
                "{bad:#x}"
            );
        }
    }
}
