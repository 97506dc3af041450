//! Property tests: no input makes the library panic; signing round-trips on
//! every curve; the signed slice is byte-identical to the payload given.

use ocmf_core::{Algorithm, Checker, Curve, KeyInput, Profile, PublicKey, Verdict, parse};
use proptest::prelude::*;

fn curve() -> impl Strategy<Value = Curve> {
    prop::sample::select(Curve::ALL.to_vec())
}

/// Well-formed-ish payloads: random field values inside a valid skeleton.
fn payload() -> impl Strategy<Value = String> {
    ("[ -~]{0,20}", 0u32..100_000, 0u32..1000, prop::bool::ANY, "[ \n\t]{0,3}").prop_map(|(ms, pg, rv, pretty, ws)| {
        let ms = ms.replace(['"', '\\', '|'], "_");
        let sep = if pretty { ws.as_str() } else { "" };
        format!(
            r#"{{{sep}"FV":"1.0","PG":"T{pg}","MS":"{ms}","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{rv}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]{sep}}}"#
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(s in ".{0,400}", k in proptest::option::of(".{0,120}")) {
        for p in [Profile::Strict, Profile::Interop, Profile::Reference] {
            let r = Checker::new().profile(p).verify(&s, KeyInput::text(k.as_deref()));
            prop_assert!(r.verdict != Verdict::Valid || k.is_some() || r.record.as_ref().is_some_and(|x| x.envelope.key_section.is_some()));
        }
        let _ = PublicKey::parse(&s);
    }

    #[test]
    fn never_panics_on_mutated_records(pos in 0usize..400, byte in any::<u8>(), cut in 0usize..400) {
        let base = include_str!("../../examples/keba-p256.ocmf").trim();
        let mut b = base.as_bytes().to_vec();
        let p = pos % b.len();
        b[p] = byte;
        b.truncate(cut.max(p + 1).min(b.len()));
        if let Ok(s) = std::str::from_utf8(&b) {
            let key = include_str!("../../examples/keba-p256.key");
            let r = Checker::new().verify(s, KeyInput::Text(key));
            // A changed payload never verifies.
            if r.verdict == Verdict::Valid {
                prop_assert_eq!(r.record.unwrap().signed_bytes(), parse(base).unwrap().signed_bytes());
            }
        }
    }

    #[test]
    fn sign_verify_round_trip(c in curve(), p in payload(), secret in 1u64..u64::MAX) {
        let mut sk = vec![0u8; c.field_bytes()];
        sk[c.field_bytes() - 8..].copy_from_slice(&secret.to_be_bytes());
        let signed = ocmf_core::sign(&p, &sk, Algorithm::ecdsa_sha256(c)).unwrap();
        let rec = parse(&signed.record).unwrap();
        prop_assert_eq!(rec.signed_bytes(), p.as_str());
        let key = PublicKey::parse(&signed.public_key_sec1_hex).unwrap();
        let r = Checker::new().verify(&signed.record, KeyInput::Decoded(&key));
        prop_assert_eq!(r.verdict, Verdict::Valid, "{:?}", r.error);
        // One changed digit in the signed bytes breaks the signature.
        let tampered = signed.record.replacen("\"T", "\"T9", 1);
        let r = Checker::new().verify(&tampered, KeyInput::Decoded(&key));
        prop_assert_eq!(r.verdict, Verdict::InvalidSignature);
    }
}
