//! C ABI for ocmf-core (filled by the C ABI issue).
