//! Shared by the unit tests: the demo OCPP log and registry, a registry
//! handle, and the two-call buffer protocol.

use core::ffi::c_char;

use crate::error::ocmf_result;
use crate::registry::{ocmf_registry, ocmf_registry_load};

pub(crate) const LOG: &str = include_str!("../../examples/ocpp/stations.log");
pub(crate) const KEYS: &str = include_str!("../../examples/ocpp/registry.csv");

/// Calls a buffer writer twice (size query, then exact fit) and returns
/// the result code and the text; checks the NUL and the length.
pub(crate) fn text_of(
    mut f: impl FnMut(*mut c_char, usize, *mut usize) -> ocmf_result,
) -> (ocmf_result, String) {
    let mut need = 0usize;
    assert_eq!(
        f(core::ptr::null_mut(), 0, &raw mut need),
        ocmf_result::BufferTooSmall
    );
    let mut buf = vec![0x5a_u8; need];
    let mut len = usize::MAX;
    let code = f(buf.as_mut_ptr().cast(), need, &raw mut len);
    assert_eq!(len + 1, need, "length without the NUL");
    assert_eq!(buf[len], 0, "NUL-terminated");
    buf.truncate(len);
    (code, String::from_utf8(buf).unwrap())
}

pub(crate) fn load(text: &str) -> *mut ocmf_registry {
    let mut reg = core::ptr::null_mut();
    let mut line = 99;
    // SAFETY: valid slices and out-params.
    let r = unsafe { ocmf_registry_load(text.as_ptr(), text.len(), &raw mut reg, &raw mut line) };
    assert_eq!((r, line), (ocmf_result::Ok, 0));
    reg
}
