//! The C ABI (`ocmf-ffi`, lib `ocmf`) called through its Rust functions with
//! raw pointers and lengths taken from the input (`flags, record \0 key`):
//! `ocmf_key_parse`, `ocmf_verify`, `ocmf_verify_report` (first with a
//! buffer that is too small), `ocmf_inspect`, `ocmf_key_free`. Every answer
//! must equal what the core says for the same input (`c_abi_expected`), and
//! no call may report `OCMF_RESULT_INTERNAL` (a caught panic).
#![no_main]

use core::ffi::c_char;
use core::ptr;

use libfuzzer_sys::fuzz_target;
use ocmf::{
    ocmf_inspect, ocmf_key, ocmf_key_free, ocmf_key_parse, ocmf_result, ocmf_verdict, ocmf_verify,
    ocmf_verify_report,
};

/// NULL for an empty input (the ABI accepts NULL with length 0).
fn ptr_or_null(b: &[u8], null_when_empty: bool) -> *const u8 {
    if b.is_empty() && null_when_empty {
        ptr::null()
    } else {
        b.as_ptr()
    }
}

/// Calls a "write text into buf" function twice: with a buffer of `small`
/// bytes, then, on BUFFER_TOO_SMALL, with the size it asked for.
fn two_calls(
    small: usize,
    mut call: impl FnMut(*mut c_char, usize, *mut usize) -> ocmf_result,
) -> (ocmf_result, Option<String>) {
    let mut buf = vec![0u8; small];
    let mut out_len = usize::MAX;
    let buf_ptr = if small == 0 {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let mut r = call(buf_ptr, small, &mut out_len);
    if r == ocmf_result::BufferTooSmall {
        assert!(
            out_len > small || small == 0,
            "BUFFER_TOO_SMALL with a large enough buffer"
        );
        let need = out_len;
        buf = vec![0xAA; need];
        out_len = usize::MAX;
        r = call(buf.as_mut_ptr().cast(), need, &mut out_len);
        assert_ne!(
            r,
            ocmf_result::BufferTooSmall,
            "still too small at the size it asked for"
        );
        assert!(out_len < need);
    }
    assert_ne!(
        r,
        ocmf_result::Internal,
        "a panic was caught at the C boundary"
    );
    let text = (out_len != usize::MAX && out_len < buf.len()).then(|| {
        assert_eq!(buf[out_len], 0, "no NUL after the text");
        String::from_utf8(buf[..out_len].to_vec()).expect("output is not UTF-8")
    });
    (r, text)
}

fuzz_target!(|data: &[u8]| {
    let Some(want) = ocmf_fuzz::c_abi_expected(data) else {
        return;
    };
    let flags = data[0];
    let nulls = flags & 0x20 != 0;
    let small = usize::from(flags >> 6) * 16; // 0, 16, 32, 48 bytes first

    // ocmf_key_parse / free
    let mut key: *mut ocmf_key = ptr::null_mut();
    // SAFETY: the pointer/length pair comes from a live slice.
    let kr = unsafe { ocmf_key_parse(ptr_or_null(&want.key, nulls), want.key.len(), &mut key) };
    assert_ne!(kr, ocmf_result::Internal);
    assert_eq!(kr as u32, want.key_code, "ocmf_key_parse vs core");
    assert_eq!(key.is_null(), kr != ocmf_result::Ok, "key handle vs result");
    // SAFETY: NULL out-param must be refused, not written.
    let kr_null = unsafe { ocmf_key_parse(want.key.as_ptr(), want.key.len(), ptr::null_mut()) };
    assert_eq!(kr_null, ocmf_result::InvalidArgument);

    // ocmf_verify
    let pass = if want.pass_key {
        key.cast_const()
    } else {
        ptr::null()
    };
    let mut verdict = ocmf_verdict::Malformed;
    // SAFETY: live slice, live key or NULL, valid out-param.
    let vr = unsafe {
        ocmf_verify(
            ptr_or_null(&want.record, nulls),
            want.record.len(),
            pass,
            want.profile_arg,
            &mut verdict,
        )
    };
    assert_ne!(vr, ocmf_result::Internal);
    match want.verify {
        Some((v, code)) => {
            assert_eq!(
                (verdict as u32, vr as u32),
                (v, code),
                "ocmf_verify vs core"
            );
        }
        None => assert_eq!(vr, ocmf_result::InvalidArgument),
    }

    // ocmf_verify_report
    let key_text = if want.pass_key {
        ptr_or_null(&want.key, false)
    } else {
        ptr::null()
    };
    let (rr, json) = two_calls(small, |buf, cap, out_len| {
        // SAFETY: live slices; `buf` NULL or valid for `cap` bytes.
        unsafe {
            ocmf_verify_report(
                ptr_or_null(&want.record, nulls),
                want.record.len(),
                key_text,
                want.key.len(),
                want.profile_arg,
                want.lang_arg,
                buf,
                cap,
                out_len,
            )
        }
    });
    match &want.report {
        Some((code, want_json)) => {
            assert_eq!(rr as u32, *code, "ocmf_verify_report code vs core");
            assert_eq!(
                json.as_deref(),
                Some(want_json.as_str()),
                "report JSON vs core"
            );
        }
        None => assert_eq!(rr, ocmf_result::InvalidArgument),
    }

    // ocmf_inspect
    let (ir, json) = two_calls(small, |buf, cap, out_len| {
        // SAFETY: as above.
        unsafe {
            ocmf_inspect(
                ptr_or_null(&want.record, nulls),
                want.record.len(),
                want.lang_arg,
                buf,
                cap,
                out_len,
            )
        }
    });
    match &want.inspect {
        Some(Ok(want_json)) => {
            assert_eq!(
                ir,
                ocmf_result::Ok,
                "ocmf_inspect refused a readable record"
            );
            assert_eq!(
                json.as_deref(),
                Some(want_json.as_str()),
                "inspect JSON vs core"
            );
        }
        Some(Err(code)) => assert_eq!(ir as u32, *code, "ocmf_inspect code vs core"),
        None => assert_eq!(ir, ocmf_result::InvalidArgument),
    }

    // SAFETY: a key from ocmf_key_parse (or NULL), freed once.
    unsafe {
        ocmf_key_free(key);
        ocmf_key_free(ptr::null_mut());
    }
});
