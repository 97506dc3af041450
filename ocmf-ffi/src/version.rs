//! The library version: the `OCMF_VERSION_*` macros and `ocmf_version()`.

use core::ffi::{CStr, c_char};

use crate::boundary::boundary;

/// The major version of this library (matches Cargo's; see `ocmf_version()`).
pub const OCMF_VERSION_MAJOR: u32 = 0;
/// The minor version of this library.
pub const OCMF_VERSION_MINOR: u32 = 1;
/// The patch version of this library.
pub const OCMF_VERSION_PATCH: u32 = 0;

/// The library version, e.g. `"0.1.0"`: a static NUL-terminated string
/// (never free it), equal to `OCMF_VERSION_MAJOR.MINOR.PATCH`.
#[unsafe(no_mangle)]
pub extern "C" fn ocmf_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    boundary(VERSION.as_ptr(), || VERSION.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_macros_match_cargo() {
        assert_eq!(
            OCMF_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            OCMF_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            OCMF_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        // SAFETY: a static C string.
        let v = unsafe { CStr::from_ptr(ocmf_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
