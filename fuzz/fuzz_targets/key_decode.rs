//! `PublicKey::parse` (text) and `PublicKey::from_bytes` (binary), with
//! round trips of every key that decodes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::key_decode(data));
