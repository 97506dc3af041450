//! Up to 16 records (0x00-separated, each with an optional 0x01-separated
//! key) checked as one batch (`Checker::verify_all`, `verify_each`), plain and
//! against a registry of their keys: each report equals `Checker::verify`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::batch(data));
