//! `ocmf sign`: a payload signed with a secret key (for simulators and tests).

use ocmf_core::{Algorithm, Error};

use crate::{EXIT_IO, EXIT_MALFORMED, read_input};

/// Prints `ocmf: <what>message (code_name, code N)`; returns the exit code.
fn fail(what: &str, e: &Error) -> u8 {
    eprintln!(
        "ocmf: {what}{e} ({}, code {})",
        e.code.name(),
        e.code.code()
    );
    EXIT_MALFORMED
}

/// Signs the payload of `file` with `secret` (hex) on `algorithm` (a curve
/// name or an `SA` value, [`Algorithm::from_name`]); prints the record on
/// standard output and the public key on standard error.
pub(crate) fn run(secret: &str, algorithm: &str, file: &str) -> u8 {
    let payload = match read_input(file).map(String::from_utf8) {
        Ok(Ok(s)) => s,
        Ok(Err(_)) => {
            eprintln!("ocmf: {file} is not UTF-8");
            return EXIT_MALFORMED;
        }
        Err(e) => {
            eprintln!("ocmf: cannot read {file}: {e}");
            return EXIT_IO;
        }
    };
    let alg = match Algorithm::from_name(algorithm) {
        Ok(a) => a,
        Err(e) => return fail(&format!("algorithm {algorithm:?}: "), &e),
    };
    // The payload is signed byte for byte; only a final newline from the file is dropped.
    let payload = payload.strip_suffix('\n').unwrap_or(&payload);
    match ocmf_core::sign_hex(payload, secret, alg) {
        Ok(s) => {
            println!("{}", s.record);
            eprintln!("public key (SEC1): {}", s.public_key_sec1_hex);
            0
        }
        Err(e) => fail("", &e),
    }
}
