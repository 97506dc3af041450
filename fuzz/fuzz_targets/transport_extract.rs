//! Any input through transport detection and extraction (OCPP, hex, PTB, XML),
//! every value through `Checker::verify`, every group through
//! `Checker::sessions` (equal to `Checker::session` per group).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::transport_extract(data));
