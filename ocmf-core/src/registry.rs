//! Trusted keys: meter (and gateway) serial numbers mapped to public keys
//! with validity windows, loaded from JSON or CSV.
