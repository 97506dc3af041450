//! The panic boundary and the pointer rules every export follows: borrowed
//! inputs (`const` pointer + length, NULL only with length 0), caller
//! arrays, text written into a caller's buffer with its capacity, and
//! handles made by [`give_handle`] and released by [`free_handle`].

use core::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::ocmf_result;

/// The panic boundary every export runs in: a panic yields `fallback`.
pub(crate) fn boundary<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// [`boundary`] for functions returning a result code.
pub(crate) fn guard(f: impl FnOnce() -> Result<ocmf_result, ocmf_result>) -> ocmf_result {
    boundary(ocmf_result::Internal, || f().unwrap_or_else(|e| e))
}

/// `OCMF_RESULT_INVALID_ARGUMENT` for a NULL out-parameter the call must
/// write: checked before any work, so such a call writes nothing.
pub(crate) fn required<T>(out: *mut T) -> Result<(), ocmf_result> {
    if out.is_null() {
        Err(ocmf_result::InvalidArgument)
    } else {
        Ok(())
    }
}

/// Borrows `len` bytes at `ptr`; NULL is accepted only with `len == 0`.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], ocmf_result> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || isize::try_from(len).is_err() {
        return Err(ocmf_result::InvalidArgument);
    }
    // SAFETY: non-null, and the caller guarantees `len` readable bytes.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Like [`input`], but NULL (with any length) means "not given".
///
/// # Safety
/// As [`input`].
pub(crate) unsafe fn optional_input<'a>(
    ptr: *const u8,
    len: usize,
) -> Result<Option<&'a [u8]>, ocmf_result> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    unsafe { input(ptr, len) }.map(Some)
}

/// Whether `out` (an output buffer) can take `text` plus a NUL.
pub(crate) fn fits(text: &str, cap: usize, buf: *mut c_char) -> bool {
    !buf.is_null() && text.len() < cap
}

/// Copies `text` and a NUL into `buf`.
///
/// # Safety
/// `buf` must be valid for `text.len() + 1` writes (checked by [`fits`] against `cap`).
pub(crate) unsafe fn copy_out(text: &str, buf: *mut c_char) {
    // SAFETY: the caller checked the capacity; the regions cannot overlap
    // because `text` is owned by Rust.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        *buf.add(text.len()) = 0;
    }
}

/// Writes `text` + NUL to `buf` (capacity `cap`) and its length (without
/// the NUL) to `*out_len`; on a too small (or NULL) buffer writes the needed
/// capacity (length + 1) to `*out_len` and returns `BufferTooSmall`.
///
/// # Safety
/// `buf` must be NULL or valid for `cap` writes; `out_len` must be valid.
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> Result<(), ocmf_result> {
    if out_len.is_null() {
        return Err(ocmf_result::InvalidArgument);
    }
    if !fits(text, cap, buf) {
        // SAFETY: checked non-null; the caller guarantees validity.
        unsafe { *out_len = text.len() + 1 };
        return Err(ocmf_result::BufferTooSmall);
    }
    // SAFETY: `fits` checked the capacity; `out_len` is valid.
    unsafe {
        copy_out(text, buf);
        *out_len = text.len();
    }
    Ok(())
}

/// Borrows `count` items of a caller's array at `ptr`; NULL is accepted
/// only with `count == 0`, and a misaligned pointer or a size beyond
/// `isize::MAX` bytes is `OCMF_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `ptr` must be NULL or point to `count` readable, initialised items that
/// stay valid and unmodified for `'a`.
pub(crate) unsafe fn array_in<'a, T>(ptr: *const T, count: usize) -> Result<&'a [T], ocmf_result> {
    if count == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() || !array_fits::<T>(count) || !ptr.is_aligned() {
        return Err(ocmf_result::InvalidArgument);
    }
    // SAFETY: non-null, aligned, size checked; the caller guarantees validity.
    Ok(unsafe { core::slice::from_raw_parts(ptr, count) })
}

/// Whether `count` items of `T` fit in one allocation (at most `isize::MAX` bytes).
pub(crate) fn array_fits<T>(count: usize) -> bool {
    count
        .checked_mul(core::mem::size_of::<T>())
        .is_some_and(|n| isize::try_from(n).is_ok())
}

/// Checks a caller's output array of `count` items at `out` (NULL only with
/// `count == 0`, aligned, size within `isize::MAX`) before any work is done.
pub(crate) fn array_out<T>(out: *mut T, count: usize) -> Result<(), ocmf_result> {
    if count == 0 || (!out.is_null() && array_fits::<T>(count) && out.is_aligned()) {
        Ok(())
    } else {
        Err(ocmf_result::InvalidArgument)
    }
}

/// Moves `value` into a new handle and writes it to `*out`.
///
/// # Safety
/// `out` must be valid for one pointer write (checked non-null by the caller).
pub(crate) unsafe fn give_handle<T>(value: T, out: *mut *mut T) {
    // SAFETY: the caller's contract.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// The body of every `ocmf_*_free`: releases a handle from
/// [`give_handle`] inside the panic boundary; NULL is ignored.
///
/// # Safety
/// `handle` must be NULL or a handle from [`give_handle`] of the same type,
/// not yet freed and no longer used by any thread.
pub(crate) unsafe fn free_handle<T>(handle: *mut T) {
    boundary((), || {
        if !handle.is_null() {
            // SAFETY: the caller passes a pointer from `Box::into_raw` once.
            drop(unsafe { Box::from_raw(handle) });
        }
    });
}

/// Writes `values` to the caller's array `out` of `count` slots, in order.
/// Fails with `OCMF_RESULT_INTERNAL`, writing nothing, when there are not
/// exactly `count` values.
///
/// # Safety
/// `out` must have passed [`array_out`] for `count` and be valid for that
/// many writes.
pub(crate) unsafe fn write_each<T>(
    out: *mut T,
    count: usize,
    values: impl ExactSizeIterator<Item = T>,
) -> Result<(), ocmf_result> {
    if values.len() != count {
        return Err(ocmf_result::Internal);
    }
    for (i, value) in values.enumerate() {
        // SAFETY: `out` holds `count` writable, aligned slots (the caller's
        // contract, checked by `array_out`); `write` never reads the
        // (possibly uninitialised) old value.
        unsafe { out.add(i).write(value) };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal() {
        let r = guard(|| panic!("test panic"));
        assert_eq!(r, ocmf_result::Internal);
        assert_eq!(boundary(7, || panic!("test panic")), 7);
    }
}
