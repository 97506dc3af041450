//! Tests of the secp224k1 definition. Every expected value was computed
//! independently of this crate, with plain Python integers (affine
//! double-and-add, `pow(x, -1, m)`, RFC 6979 with `hmac`), and every
//! signature was also checked with `openssl dgst -sha256 -verify`.

use super::{
    AffinePoint, FieldElement, ProjectivePoint, Scalar, Secp224k1, Signature, prehash,
    sec1_from_standard, sec1_standard,
};
use alloc::{vec, vec::Vec};
use ecdsa::hazmat::verify_prehashed;
use elliptic_curve::{
    Group as _, PrimeField as _,
    point::AffineCoordinates as _,
    sec1::{FromSec1Point as _, Sec1Point},
};
use sha2::{Digest as _, Sha256};

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("test hex")
}

/// A point from its standard SEC1 hex (57 or 29 bytes).
fn point(sec1_hex: &str) -> ProjectivePoint {
    let wide = sec1_from_standard(&unhex(sec1_hex)).expect("standard length");
    let encoded = Sec1Point::<Secp224k1>::from_bytes(&wide).expect("sec1");
    AffinePoint::from_sec1_point(&encoded)
        .expect("on curve")
        .into()
}

fn sig(r: &str, s: &str) -> Signature {
    let (r, s) = (unhex(r), unhex(s));
    Signature::from_scalars(
        <[u8; 29]>::try_from(r.as_slice()).expect("29 bytes"),
        <[u8; 29]>::try_from(s.as_slice()).expect("29 bytes"),
    )
    .expect("in range")
}

fn verifies(q: &ProjectivePoint, msg: &[u8], sig: &Signature) -> bool {
    let digest: [u8; 32] = Sha256::digest(msg).into();
    verify_prehashed::<Secp224k1>(q, &prehash(&digest), sig).is_ok()
}

// primefield's own checks of the `PrimeField` constants (multiplicative
// generator, roots of unity), identities, inversion and square roots.
mod field_element {
    use super::super::{FieldElement, U256};
    primefield::test_primefield!(FieldElement, U256);
}

mod scalar {
    use super::super::{Scalar, U256};
    primefield::test_primefield!(Scalar, U256);
}

const G_STANDARD: &str = concat!(
    "04a1455b334df099df30fc28a169a467e9e47075a90f7e650eb6b7a45c",
    "7e089fed7fba344282cafbd6f7e319f7c0b0bd59e2ca4bdb556d61a5"
);

#[test]
fn generator_on_curve_and_order_n() {
    let g = AffinePoint::GENERATOR;
    let (x, y) = (
        FieldElement::from_repr(g.x()).expect("x"),
        FieldElement::from_repr(g.y()).expect("y"),
    );
    assert_eq!(y.square(), x.square() * x + FieldElement::from_u64(5));
    // n·G = O, (n-1)·G = -G, and n itself is no scalar.
    let n_minus_1 = -Scalar::ONE;
    assert_eq!(
        ProjectivePoint::GENERATOR * n_minus_1,
        -ProjectivePoint::GENERATOR
    );
    let n_g = ProjectivePoint::GENERATOR * n_minus_1 + ProjectivePoint::GENERATOR;
    assert!(bool::from(n_g.is_identity()));
    let mut n = unhex("010000000000000000000000000001dce8d2ec6184caf0a971769fb1f7");
    assert!(bool::from(
        Scalar::from_repr(n.as_slice().try_into().expect("29")).is_none()
    ));
    n[28] -= 1;
    assert_eq!(
        Scalar::from_repr(n.as_slice().try_into().expect("29")).into_option(),
        Some(n_minus_1)
    );
    // The standard encodings of G (SEC 2), both ways.
    assert_eq!(sec1_standard(&g, false), unhex(G_STANDARD));
    assert_eq!(ProjectivePoint::from(g), point(G_STANDARD));
    let compressed = sec1_standard(&g, true);
    assert_eq!(compressed.len(), 29);
    assert_eq!(point(&hex::encode(&compressed)), ProjectivePoint::from(g));
}

#[test]
fn scalar_mul_matches_independent_computation() {
    let g = ProjectivePoint::GENERATOR;
    let two_g = point(concat!(
        "0486c0deb56aeb9712390999a0232b9bf596b9639fa1ce8cf426749e60",
        "8f598c954e1085555b474a79906b855c539ed633dbf4a9fa9f06b69a"
    ));
    let three_g = point(concat!(
        "04fa182dc268cc40ad9fc1976af6f1b667d9701679b3d03ec4f7a0dd28",
        "dde2c5f5ae938e863c6f383d2340638959a80a613ba39dd0c121661f"
    ));
    let k_g = point(concat!(
        "04ba26e9e67dde6f79c3f016ce7f089a0dbe3b3b8a5a6553f6d1a81090",
        "6b68fc77c049cf31c960fd9acfafa3fe66742bfdecfeb424005bbb6e"
    ));
    assert_eq!(g.double(), two_g);
    assert_eq!(g * Scalar::from(3u64), three_g);
    assert_eq!(two_g + g, three_g);
    let k = Scalar::from_repr(
        unhex("000123456789abcdef0123456789abcdef0123456789abcdef01234567")
            .as_slice()
            .try_into()
            .expect("29"),
    )
    .expect("canonical");
    assert_eq!(g * k, k_g);
}

#[test]
fn standard_sec1_lengths_only() {
    assert!(sec1_from_standard(&unhex(G_STANDARD)[..56]).is_none());
    assert!(sec1_from_standard(&[0x04; 59]).is_none());
    assert!(sec1_from_standard(&[0x05; 29]).is_none());
    assert!(sec1_from_standard(&[]).is_none());
    // Off the curve: x = 1 has no y (1 + 5 = 6 is no square mod p).
    let mut off = vec![0x02];
    off.extend_from_slice(&[0; 27]);
    off.push(1);
    let wide = sec1_from_standard(&off).expect("length");
    let encoded = Sec1Point::<Secp224k1>::from_bytes(&wide).expect("sec1");
    assert!(bool::from(AffinePoint::from_sec1_point(&encoded).is_none()));
}

#[test]
fn prehash_is_the_leftmost_225_bits() {
    let digest: [u8; 32] = Sha256::digest(b"sample").into();
    assert_eq!(
        prehash(&digest).to_vec(),
        unhex("015e57b7c35536dd83c55bc3ad29e83f8e35063a04d1d3122ac4227b14")
    );
    assert_eq!(prehash(&[0xff; 32])[0], 1);
    assert_eq!(prehash(&[0xff; 32])[1..], [0xff; 28]);
    assert_eq!(prehash(&[0; 32]), [0; 29]);
}

/// Key of the RFC 6979 vectors: x = SHA-256("ocmf-rs secp224k1 test key") mod n.
const KEY: &str = concat!(
    "04fddc22cbfe11882fcea5c8ab58681c37843d25c209085c172f764f7c",
    "05e544f4336d9eeb6112665242d8cfc8954fe9c5c012fcbfbfb40ad8"
);

#[test]
fn rfc6979_signatures_verify() {
    let q = point(KEY);
    // The compressed form of the same key.
    assert_eq!(
        point("02fddc22cbfe11882fcea5c8ab58681c37843d25c209085c172f764f7c"),
        q
    );
    let sample = sig(
        "00c517a1461149f0d8ea51e9684a2b7461cf94972ae099ac5d6927391e",
        "002160a3e3440db036bac0bce16e763408c1ef152c5e23d83d5e4535ae",
    );
    // High S (s > n/2): accepted, as on every curve here.
    let test = sig(
        "0031a29f2d27485a474a5c1d7c38faa9c4ad6a67f2d722e01f2e5ec78d",
        "008fd6290d7272bc8407adee099e0f2df34f36cd01900f0e13f061f069",
    );
    assert!(verifies(&q, b"sample", &sample));
    assert!(verifies(&q, b"test", &test));
    assert!(!verifies(&q, b"test", &sample));
    assert!(!verifies(&q, b"sample", &test));
    assert!(!verifies(&q, b"samplf", &sample));
    assert!(!verifies(&ProjectivePoint::GENERATOR, b"sample", &sample));
    // The low-S twin (r, n - s) verifies too.
    let (r, s) = test.split_scalars();
    let twin = Signature::from_scalars(r.to_repr(), (-*s).to_repr()).expect("sig");
    assert!(verifies(&q, b"test", &twin));
}

#[test]
fn a_225_bit_s_verifies() {
    // s = n - 1 (29 significant bytes): a key made for it (x = (s·k - e)/r).
    let q = point(concat!(
        "04e6f332da74ca94ef05f79cf05893a33eb7ffa92e6069de8daf041cca",
        "0d9907f76ba0b150af0e57b158206766ae1a1c1022eb2fc5cbb2d87d"
    ));
    let msg = br#"{"meter_serial":"T1","meter_startreading":1.5,"meter_endreading":2.5}"#;
    let s = sig(
        "0013aa2e193fe7cf694f7cc4d37dc081a2ca83dd3524030e6e61ca5619",
        "010000000000000000000000000001dce8d2ec6184caf0a971769fb1f6",
    );
    assert!(verifies(&q, msg, &s));
    assert!(!verifies(&q, &msg[1..], &s));
}

/// The shared sample `chargepoint-076`: the `secrrct` file, its key
/// (`0024b1000002e300_2.pem`) and `secrrct.sign`.
#[test]
fn chargepoint_sample_verifies_with_the_225_bit_cut_only() {
    let secrrct = "{\n \"outlet\": 2,\n \"session_id\": 55,\n \"station_mac\": \"0024b1000002e300\",\n \"driver_info\": \"b2dd852e99433cab70ccd45dad5aff55\",\n \"meter_serial\": \"240008S\",\n \"meter_startreading\": 74.6,\n \"meter_endreading\": 86.6,\n \"total_energy\": 12.0,\n \"energy_units\": \"kWh\",\n \"start_time\": 1581763758,\n \"end_time\": 1581772802\n}";
    let q = point(concat!(
        "04d4c176108baa683125247c8af51eb84858c9e50d8753a745e3fd299a",
        "a044826c9c9d49ce3904cd9bdc68b3b09fb39ebeaac0b9ec0ab9ad76"
    ));
    let der = unhex(concat!(
        "303c021c2340aa91eca87ab5eb31ecfcbfec657f008a08579fa3fa4af1fbdd1b",
        "021c46122b7b1baac16fd33f51efd9ba4379e69e610758a103edcc57dc0d"
    ));
    let s = Signature::from_der(&der).expect("der");
    assert!(verifies(&q, secrrct.as_bytes(), &s));
    // One digit changed: no longer.
    let tampered = secrrct.replace("86.6", "87.6");
    assert!(!verifies(&q, tampered.as_bytes(), &s));
    // The plain byte cut (leftmost 28 or 29 bytes, as ecdsa's own prehash
    // handling would take them) does not verify: the 225-bit cut is needed.
    let digest: [u8; 32] = Sha256::digest(secrrct.as_bytes()).into();
    let mut bytes28 = [0u8; 29];
    bytes28[1..].copy_from_slice(&digest[..28]);
    assert!(verify_prehashed::<Secp224k1>(&q, &bytes28, &s).is_err());
    assert!(verify_prehashed::<Secp224k1>(&q, &digest, &s).is_err());
}
