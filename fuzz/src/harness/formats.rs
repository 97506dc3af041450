//! Target `formats`: the other signed-value formats (issue 19). Every input
//! gives a value or a typed error, never a panic; the front door
//! (`Checker::verify_format`) says what the format's own verifier says; a
//! verdict never confuses "cannot read" with "does not verify".

use ocmf_core::formats::{self, FormatCheck};
use ocmf_core::{Checker, KeyInput, Lang, Limits, Verdict};

fn check_invariants(c: &FormatCheck) {
    let r = &c.report;
    match r.verdict {
        Verdict::Valid => assert!(r.signature_verified && r.code == "ok", "{r:?}"),
        Verdict::InvalidSignature => assert!(!r.signature_verified, "{r:?}"),
        _ => assert!(r.code != "ok", "{r:?}"),
    }
    // What could not be read is never a signature answer.
    if c.error.is_some() {
        assert!(
            c.value.is_none() && r.verdict == Verdict::Malformed,
            "{c:?}"
        );
    }
    for lang in [Lang::En, Lang::De] {
        let text = c.to_json_string(lang);
        let back: serde_json::Value = serde_json::from_str(&text).expect("JSON of a FormatCheck");
        assert_eq!(back["verdict"], r.verdict.as_str());
        assert_eq!(back["code"], r.code);
    }
}

/// Target `formats`.
pub fn formats(data: &[u8]) {
    let read = formats::read(data);
    let front = Checker::new().verify_format(data, KeyInput::None);
    check_invariants(&front);
    if data.len() > Limits::DEFAULT.max_record_bytes {
        assert_eq!(front.code(), "too_large");
        return;
    }
    match read {
        Ok(value) => {
            assert_eq!(
                front.report,
                value.verify(None),
                "front door vs the format verifier"
            );
            assert_eq!(front.value.as_ref(), Some(&value));
        }
        Err(e) => {
            assert_eq!(front.error.as_ref(), Some(&e));
            assert_eq!(front.code(), e.code());
        }
    }
}
