//! Our ECDSA engine on every path (first use, standard tables, wide tables,
//! a batch, native) against `Backend::Reference` (plain RustCrypto), on
//! keys, digests and signatures built to reach its rare branches (see
//! `fuzz/src/harness/engine.rs`). Any disagreement panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocmf_fuzz::EngineInput;

fuzz_target!(|input: EngineInput| ocmf_fuzz::engine_differential(&input.0));
