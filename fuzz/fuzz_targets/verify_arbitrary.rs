//! `flags, record \0 key \0 signature`: `check_with_key_text`,
//! `PublicKey::from_bytes`, `verify` and `verify_digest` with arbitrary keys
//! and signatures.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::verify_arbitrary(data));
