//! `flags, record \0 key \0 signature`: `Checker::verify` with the key as
//! text, as bytes and decoded (`PublicKey::parse`, `from_input`,
//! `from_bytes`), `Unverified::verify` and `verify_digest` with arbitrary
//! keys and signatures.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::verify_arbitrary(data));
