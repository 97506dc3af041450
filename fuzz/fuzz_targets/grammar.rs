//! The small grammars: timestamps, OBIS codes, pagination, algorithm names,
//! exact decimals.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::grammar(data));
