//! The SML "signature only" XML `<signedMeterValue>` (SAFE `EDL_40_SIG`):
//! the 320-byte EDL40 block itself (`encodedMeterValue`), its signature and
//! the key (`notes/formats/sml_signature_only.md`).
//!
//! The block is hashed exactly as received. SAFE re-builds it from bytes
//! 0-172 and so zeroes bytes 173-319; hashing the received bytes verifies
//! the newer EMH meters too, and never re-serialises signed bytes.

use alloc::{vec, vec::Vec};

use super::block::Edl40Block;
use super::codec;
use super::{
    CurveRule, Format, FormatError, FormatErrorKind as K, FormatValue, ReadingKind, SignedPart,
};
use crate::algorithm::Curve;

const F: Format = Format::SmlSignatureOnly;

pub(super) fn read(text: &str) -> Result<FormatValue, FormatError> {
    let doc = codec::xml(text, F)?;
    let root = doc.root_element();
    if root.tag_name().name() != "signedMeterValue" {
        return Err(FormatError::new(K::Xml, F, "root element"));
    }
    let field = |name: &'static str| -> Result<Vec<u8>, FormatError> {
        let node = root
            .children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .ok_or(FormatError::new(K::MissingField, F, name))?;
        codec::by_name(
            node.attribute("encoding"),
            node.text().unwrap_or(""),
            F,
            name,
        )
    };
    let key = field("publicKey")?;
    let sig = field("meterValueSignature")?;
    let bytes = field("encodedMeterValue")?;
    let method = root
        .children()
        .find(|c| c.is_element() && c.tag_name().name() == "signatureMethod")
        .and_then(|n| n.text())
        .map(str::trim);
    let curve = match method {
        Some("ECDSA192SHA256") => CurveRule::Fixed(Curve::P192),
        Some("ECDSA256SHA256") => CurveRule::Fixed(Curve::P256),
        None => CurveRule::P192OrP256,
        Some(_) => return Err(FormatError::new(K::BadField, F, "signatureMethod")),
    };
    let block = Edl40Block::from_bytes(&bytes).ok_or(FormatError::new(
        K::Length,
        F,
        "encodedMeterValue",
    ))?;
    let signature = match sig.len() {
        48 | 64 => sig,
        50 | 66 => sig[..sig.len() - 2].to_vec(),
        _ => return Err(FormatError::new(K::Length, F, "meterValueSignature")),
    };
    Ok(FormatValue {
        format: F,
        meter_serial: block.serial(),
        readings: vec![block.reading(ReadingKind::Unknown, None)],
        transaction: None,
        contract: block.contract_text(),
        carried_key: Some(key),
        signed: vec![SignedPart {
            label: "value",
            signed_bytes: bytes,
            signature,
            curve,
        }],
        findings: Vec::new(),
    })
}
