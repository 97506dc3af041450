//! Raw bytes as a record: envelope split, payload typing, every payload
//! accessor, `resolved_readings`, `payload_json`, and `Checker::verify` (text and bytes) under each profile.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::envelope_payload(data));
