//! WebAssembly bindings for ocmf-core (filled by the WASM issue).
