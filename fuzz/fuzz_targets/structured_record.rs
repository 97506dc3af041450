//! Well-formed records built field by field (`arbitrary`), signed with a
//! fixed test key on one of the seven curves: they must read back as
//! written and verify; with one payload byte flipped they must not be
//! valid, and with the signature changed the signature check must fail.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocmf_fuzz::StructuredInput;

fuzz_target!(|input: StructuredInput| ocmf_fuzz::structured(&input.0));
