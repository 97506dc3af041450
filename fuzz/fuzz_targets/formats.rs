//! The other signed-value formats (Alfen, EDL40, PCDF, ...): reader, front door, JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::formats(data));
