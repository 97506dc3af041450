//! TPS XML (a fixed document head + the input), with the to_xml round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::xml(data));
