//! Signed values in the other formats (issue 19) inside the containers:
//! which reader a value is for, the names the containers give the formats,
//! and the value text a format reader reads.
//!
//! * [`value_format`] is the one routing rule: a value with no `OCMF|` that
//!   the format detection names is a [`Format`] value; anything else goes
//!   to the OCMF reader (which then gives its own answer).
//! * S.A.F.E. XML names a format in `<signedData format=…>`
//!   ([`safe_format`]); OCPI `encoding_method`, OICP
//!   `MeteringSignatureEncodingFormat` and OCPP `encodingMethod` use the
//!   roaming names ([`encoding_format`]).
//! * The value text kept is the carried text when a format reader reads it
//!   as it is (an `AP;` line, hex or base64 SML, the vendor's XML or JSON);
//!   else its hex or base64 decoding when that is UTF-8 text a reader
//!   reads. Nothing is re-serialised.

use alloc::{
    format,
    string::{String, ToString},
};

use super::MAX_ENCODED_BYTES;
use super::decode::{Enc, decode_base64, is_hex};
use crate::formats::{self, Format};

/// The format of a signed value, or `None` for OCMF (and for anything no
/// format reader recognises, which the OCMF reader then answers).
///
/// The rule every caller shares: a value that holds `OCMF|` anywhere is
/// OCMF, and so is a S.A.F.E. XML container (root `<values>` or `<value>`:
/// [`extract`](super::extract) reads the values inside it, whichever
/// format they are in); otherwise the value is a [`Format`] value exactly
/// when the format detection ([`formats::read`]) names a format for it,
/// also when that format's reader then finds it broken (so the answer is
/// that format's typed error, not a missing OCMF header). The other
/// containers (OCPP, CDRs, PTB) are never named a format by the detection.
#[must_use]
pub fn value_format(input: &[u8]) -> Option<Format> {
    if input.windows(5).any(|w| w == b"OCMF|") {
        return None;
    }
    // A vendor's XML (`<ChargingProcess>`, `<signedMeterValue>`) is a value;
    // a S.A.F.E. XML holding such values is not.
    if core::str::from_utf8(input).is_ok_and(|t| t.trim_start().starts_with('<') && safe_root(t)) {
        return None;
    }
    named(input)
}

/// Whether the first element of an XML text is `<values>` or `<value>`
/// (with or without a prefix), after the declaration, comments and white
/// space.
fn safe_root(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") || rest.starts_with("<!") {
            let Some(end) = rest.find('>') else {
                return false;
            };
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        let Some(tag) = rest.strip_prefix('<') else {
            return false;
        };
        let name: &str = tag
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name);
        return local == "values" || local == "value";
    }
}

/// The format [`formats::read`] names for `input` (read or not).
fn named(input: &[u8]) -> Option<Format> {
    match formats::read(input) {
        Ok(v) => Some(v.format),
        Err(e) => e.format,
    }
}

/// What a container's format name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    /// OCMF.
    Ocmf,
    /// One of the other formats.
    Format(Format),
}

/// The S.A.F.E. `signedData format` names (S.A.F.E.'s `VerificationType`,
/// plus `SML_EDL40_P` as S.A.F.E.'s own test files and Chargy write it),
/// and this crate's stable names ([`Format::as_str`]); case-insensitive.
pub(crate) fn safe_format(name: &str) -> Option<Named> {
    let n = name.trim();
    let is = |s: &str| n.eq_ignore_ascii_case(s);
    if is("OCMF") {
        Some(Named::Ocmf)
    } else if is("ALFEN") {
        Some(Named::Format(Format::Alfen))
    } else if is("EDL_40_P") || is("SML_EDL40_P") {
        Some(Named::Format(Format::Edl40))
    } else if is("ISA_EDL_40_P") {
        Some(Named::Format(Format::IsaEdl40))
    } else if is("EDL_40_SIG") {
        Some(Named::Format(Format::SmlSignatureOnly))
    } else if is("EDL_40_MENNEKES") {
        Some(Named::Format(Format::EdlMennekes))
    } else {
        Format::from_name(n).map(Named::Format)
    }
}

/// The `format` [`to_xml`](super::to_xml) writes for a format value: the
/// S.A.F.E. name where S.A.F.E. has one, else the stable name.
pub(crate) const fn safe_name(format: Format) -> &'static str {
    match format {
        Format::Alfen => "ALFEN",
        Format::Edl40 => "EDL_40_P",
        Format::IsaEdl40 => "ISA_EDL_40_P",
        Format::SmlSignatureOnly => "EDL_40_SIG",
        Format::EdlMennekes => "EDL_40_MENNEKES",
        other => other.as_str(),
    }
}

/// The roaming names of the formats: OCPI's `encoding_method` table
/// ("Alfen Eichrecht", "EDL40 E-Mobility Extension", "EDL40 Mennekes"),
/// the S.A.F.E. and stable names, and a name that starts with one of them
/// followed by a version (`EDL40 Mennekes: V1`, as OICP's free text has
/// it). `None` for a name that is none of them.
pub(crate) fn encoding_format(name: &str) -> Option<Named> {
    let n = name.trim();
    if let Some(named) = safe_format(n) {
        return Some(named);
    }
    let upper = n.to_ascii_uppercase();
    let table = [
        ("ALFEN EICHRECHT", Format::Alfen),
        ("EDL40 E-MOBILITY EXTENSION", Format::Edl40),
        ("EDL40 MENNEKES", Format::EdlMennekes),
    ];
    table.iter().find_map(|&(prefix, f)| {
        upper
            .strip_prefix(prefix)
            .filter(|rest| rest.is_empty() || rest.starts_with([':', ' ', ';', '/', '-']))
            .map(|_| Named::Format(f))
    })
}

/// The value text a format reader reads from a carried `text`, its format,
/// and how it was carried.
///
/// The trimmed text itself when the detection names a format for it (SML
/// hex or base64 text is read as it is: its transport is hex or base64);
/// else its hex or base64 decoding when that is UTF-8 text the detection
/// names; else, when the container `declared` a format, the text as it is
/// (the format check then says the value is unrecognised).
///
/// # Errors
/// A lowercase message when the text is empty, too large, or neither read
/// as a format nor declared one.
pub(crate) fn format_value(
    text: &str,
    declared: Option<Format>,
) -> Result<(String, Format, Enc), String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("signed value is empty".to_string());
    }
    if t.len() > MAX_ENCODED_BYTES {
        return Err(format!(
            "signed value is {} bytes, more than {MAX_ENCODED_BYTES}",
            t.len()
        ));
    }
    if let Some(f) = named(t.as_bytes()) {
        return Ok((t.to_string(), f, carried_enc(t, f)));
    }
    let compact: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let decoded = if is_hex(&compact) {
        base16ct::mixed::decode_vec(&compact)
            .ok()
            .map(|b| (b, Enc::Hex))
    } else {
        decode_base64(t).map(|b| (b, Enc::Base64))
    };
    if let Some((bytes, enc)) = decoded {
        if let Ok(inner) = String::from_utf8(bytes) {
            let inner = inner.trim();
            if let Some(f) = value_format(inner.as_bytes()) {
                return Ok((inner.to_string(), f, enc));
            }
        }
    }
    match declared {
        Some(f) => Ok((t.to_string(), f, Enc::Plain)),
        None => Err("signed value is no OCMF record and no value of another format".to_string()),
    }
}

/// How a value read as it is was carried: SML frames as hex or base64
/// text, everything else as plain text.
fn carried_enc(t: &str, f: Format) -> Enc {
    match f {
        Format::Edl40 | Format::IsaEdl40
            if t.bytes()
                .all(|c| c.is_ascii_hexdigit() || c.is_ascii_whitespace()) =>
        {
            Enc::Hex
        }
        Format::Edl40 | Format::IsaEdl40 if t.is_ascii() => Enc::Base64,
        _ => Enc::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(safe_format(" ocmf "), Some(Named::Ocmf));
        assert_eq!(
            safe_format("SML_EDL40_P"),
            Some(Named::Format(Format::Edl40))
        );
        assert_eq!(safe_format("EDL_40_P"), Some(Named::Format(Format::Edl40)));
        assert_eq!(
            safe_format("bsm_ws36a"),
            Some(Named::Format(Format::BsmWs36a))
        );
        assert_eq!(safe_format("XYZ"), None);
        for &f in Format::ALL {
            assert_eq!(safe_format(safe_name(f)), Some(Named::Format(f)), "{f}");
        }
        assert_eq!(
            encoding_format("Alfen Eichrecht"),
            Some(Named::Format(Format::Alfen))
        );
        assert_eq!(
            encoding_format("EDL40 Mennekes: V1"),
            Some(Named::Format(Format::EdlMennekes))
        );
        assert_eq!(
            encoding_format("edl40 e-mobility extension"),
            Some(Named::Format(Format::Edl40))
        );
        assert_eq!(encoding_format("EDL40 MennekesX"), None);
        assert_eq!(encoding_format("GraphDefined"), None);
    }

    #[test]
    fn values() {
        assert_eq!(value_format(b"OCMF|{}|{}"), None);
        assert_eq!(value_format(b"AP;0;3;x"), Some(Format::Alfen));
        assert_eq!(value_format(b"hello"), None);
        assert_eq!(
            value_format(b"<ChargingProcess><ServerId>09"),
            Some(Format::EdlMennekes)
        );
        assert_eq!(
            value_format(
                b"<?xml version=\"1.0\"?>\n<!-- x --><t:values xmlns:t=\"u\"><ChargingProcess/>"
            ),
            None
        );
        let line = "AP;0;3;A;B;C;";
        let hex = base16ct::upper::encode_string(line.as_bytes());
        let (text, f, enc) = format_value(&hex, None).unwrap();
        assert_eq!((text.as_str(), f, enc), (line, Format::Alfen, Enc::Hex));
        assert!(format_value("hello", None).is_err());
        let (text, f, _) = format_value("hello", Some(Format::Pcdf)).unwrap();
        assert_eq!((text.as_str(), f), ("hello", Format::Pcdf));
        assert!(format_value("  ", Some(Format::Pcdf)).is_err());
    }
}
