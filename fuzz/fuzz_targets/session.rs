//! Up to 16 records (0x00-separated) checked together as one charging session
//! (`Checker::session`, without and with a key given for every record).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| ocmf_fuzz::session(data));
