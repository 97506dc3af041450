//! Target `structured_record`: well-formed records built field by field,
//! signed, read back and verified (see [`structured`]).

use ocmf_core::{
    Checker, Curve, ErrorCode, ExactDecimal, KeyInput, ObisGroup, Options, PublicKey, Verdict,
    parse, sign,
};
use serde::{Deserialize, Serialize};

use super::{carry_forward, report_invariants};

/// A decimal number as the meter would print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DecimalSpec {
    /// The digits.
    pub mantissa: u64,
    /// Digits after the point (taken modulo 21).
    pub scale: u8,
    /// A leading minus.
    pub negative: bool,
    /// Sent as a JSON string (a real-world deviation the reader accepts).
    pub quoted: bool,
}

impl DecimalSpec {
    fn scale(self) -> u32 {
        u32::from(self.scale % 21)
    }

    /// The text, e.g. `-2935.600`.
    pub fn text(self) -> String {
        let digits = format!(
            "{:0>width$}",
            self.mantissa,
            width = self.scale() as usize + 1
        );
        let (int, frac) = digits.split_at(digits.len() - self.scale() as usize);
        let sign = if self.negative { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }

    /// The value it stands for, computed independently of the code under test.
    pub fn exact(self) -> ExactDecimal {
        let m = i128::from(self.mantissa);
        ExactDecimal {
            mantissa: if self.negative { -m } else { m },
            scale: self.scale(),
        }
    }

    fn json(self) -> String {
        if self.quoted {
            format!("\"{}\"", self.text())
        } else {
            self.text()
        }
    }
}

/// A timestamp by its components (reduced into range when written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TimeSpec {
    /// Year (mod 10000).
    pub year: u16,
    /// Month (mod 12, +1).
    pub month: u8,
    /// Day (mod 31, +1).
    pub day: u8,
    /// Hour (mod 24).
    pub hour: u8,
    /// Minute (mod 60).
    pub minute: u8,
    /// Second (mod 61: a leap second is allowed).
    pub second: u8,
    /// Milliseconds (mod 1000).
    pub millis: u16,
    /// UTC offset in minutes (mod 24 h).
    pub offset_minutes: i16,
    /// Index into `UIRS`.
    pub status: u8,
}

impl TimeSpec {
    /// `(year, month, day, hour, minute, second, millis, offset, status letter)`.
    fn parts(self) -> (u16, u8, u8, u8, u8, u8, u16, i32, char) {
        let status = ['U', 'I', 'R', 'S'][usize::from(self.status % 4)];
        (
            self.year % 10000,
            self.month % 12 + 1,
            self.day % 31 + 1,
            self.hour % 24,
            self.minute % 60,
            self.second % 61,
            self.millis % 1000,
            i32::from(self.offset_minutes) % (24 * 60),
            status,
        )
    }

    /// The canonical `TM` text.
    pub fn text(self) -> String {
        let (y, mo, d, h, mi, s, ms, off, st) = self.parts();
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.unsigned_abs();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02},{ms:03}{sign}{:02}{:02} {st}",
            a / 60,
            a % 60
        )
    }
}

/// One reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReadingSpec {
    /// `TM`.
    pub tm: Option<TimeSpec>,
    /// `TX`.
    pub tx: Option<String>,
    /// `RV`.
    pub rv: Option<DecimalSpec>,
    /// `RI` as six OBIS groups (written in the spec-1.4 hex notation).
    pub ri: Option<[u8; 6]>,
    /// `RU`.
    pub ru: Option<String>,
    /// `RT`.
    pub rt: Option<String>,
    /// `CL`.
    pub cl: Option<DecimalSpec>,
    /// `EF`.
    pub ef: Option<String>,
    /// `ST`.
    pub st: Option<String>,
}

/// Cable loss `LC`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CableLossSpec {
    /// `LN`.
    pub ln: Option<String>,
    /// `LI`.
    pub li: Option<DecimalSpec>,
    /// `LR`.
    pub lr: Option<DecimalSpec>,
    /// `LU`.
    pub lu: Option<String>,
}

/// A well-formed record, field by field. `structured_record` derives one
/// from the fuzz input with `arbitrary`; regression files hold it as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RecordSpec {
    /// Index into `Curve::ALL`.
    pub curve: u8,
    /// Pretty-print the payload (white space inside the signed bytes).
    pub pretty: bool,
    /// `FV`.
    pub fv: Option<String>,
    /// `GI`.
    pub gi: Option<String>,
    /// `GS`.
    pub gs: Option<String>,
    /// `GV`.
    pub gv: Option<String>,
    /// `PG` as `T<n>` / `F<n>`: (fiscal, n mod 10^19).
    pub pg: Option<(bool, u64)>,
    /// `MV`.
    pub mv: Option<String>,
    /// `MM`.
    pub mm: Option<String>,
    /// `MS`.
    pub ms: Option<String>,
    /// `MF`.
    pub mf: Option<String>,
    /// `IS`.
    pub is: Option<bool>,
    /// `IL`.
    pub il: Option<String>,
    /// `IF`.
    pub if_: Option<Vec<String>>,
    /// `IT`.
    pub it: Option<String>,
    /// `ID`.
    pub id: Option<String>,
    /// `TT`.
    pub tt: Option<String>,
    /// `CF`.
    pub cf: Option<String>,
    /// `LC`.
    pub lc: Option<CableLossSpec>,
    /// `CT`.
    pub ct: Option<String>,
    /// `CI`.
    pub ci: Option<String>,
    /// `RD` (at most 64 are written).
    pub rd: Vec<ReadingSpec>,
    /// Which byte of the payload to flip afterwards.
    pub flip_at: u32,
    /// The XOR mask for that byte (0 counts as 1).
    pub flip_mask: u8,
}

/// The fixed test secret: 16 bytes, below the order of every supported curve.
pub const TEST_SECRET: [u8; 16] = [
    0x3c, 0x1f, 0x5a, 0x77, 0x02, 0x9e, 0x41, 0xd0, 0x6b, 0x13, 0xa8, 0x55, 0xee, 0x90, 0x27, 0x4d,
];

/// `PG` counters are written below 10^19: the reader takes at most 19
/// digits (so that every value fits a `u64`).
pub const PG_LIMIT: u64 = 10_000_000_000_000_000_000;

/// The most readings a structured record writes.
pub const MAX_SPEC_READINGS: usize = 64;

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

impl RecordSpec {
    /// The payload JSON text, written by hand so that numbers keep their
    /// exact spelling and members their order.
    pub fn payload(&self) -> String {
        let (open, sep, close, colon) = if self.pretty {
            ("{\n  ", ",\n  ", "\n}", ": ")
        } else {
            ("{", ",", "}", ":")
        };
        let mut members: Vec<String> = Vec::new();
        let mut put = |name: &str, value: String| members.push(format!("\"{name}\"{colon}{value}"));
        for (name, v) in [
            ("FV", &self.fv),
            ("GI", &self.gi),
            ("GS", &self.gs),
            ("GV", &self.gv),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some((fiscal, n)) = self.pg {
            let n = n % PG_LIMIT;
            put(
                "PG",
                json_str(&format!("{}{n}", if fiscal { 'F' } else { 'T' })),
            );
        }
        for (name, v) in [
            ("MV", &self.mv),
            ("MM", &self.mm),
            ("MS", &self.ms),
            ("MF", &self.mf),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some(b) = self.is {
            put("IS", b.to_string());
        }
        if let Some(v) = &self.il {
            put("IL", json_str(v));
        }
        if let Some(flags) = &self.if_ {
            let items: Vec<String> = flags.iter().map(|f| json_str(f)).collect();
            put("IF", format!("[{}]", items.join(",")));
        }
        for (name, v) in [
            ("IT", &self.it),
            ("ID", &self.id),
            ("TT", &self.tt),
            ("CF", &self.cf),
        ] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        if let Some(lc) = &self.lc {
            let mut m = Vec::new();
            if let Some(v) = &lc.ln {
                m.push(format!("\"LN\":{}", json_str(v)));
            }
            if let Some(v) = lc.li {
                m.push(format!("\"LI\":{}", v.json()));
            }
            if let Some(v) = lc.lr {
                m.push(format!("\"LR\":{}", v.json()));
            }
            if let Some(v) = &lc.lu {
                m.push(format!("\"LU\":{}", json_str(v)));
            }
            put("LC", format!("{{{}}}", m.join(",")));
        }
        for (name, v) in [("CT", &self.ct), ("CI", &self.ci)] {
            if let Some(v) = v {
                put(name, json_str(v));
            }
        }
        let readings: Vec<String> = self
            .rd
            .iter()
            .take(MAX_SPEC_READINGS)
            .map(|r| {
                let mut m = Vec::new();
                if let Some(t) = r.tm {
                    m.push(format!("\"TM\":{}", json_str(&t.text())));
                }
                if let Some(v) = &r.tx {
                    m.push(format!("\"TX\":{}", json_str(v)));
                }
                if let Some(v) = r.rv {
                    m.push(format!("\"RV\":{}", v.json()));
                }
                if let Some(g) = r.ri {
                    let ri = format!(
                        "{:02X}-{:02X}:{:02X}.{:02X}.{:02X}*{:02X}",
                        g[0], g[1], g[2], g[3], g[4], g[5]
                    );
                    m.push(format!("\"RI\":{}", json_str(&ri)));
                }
                for (name, v) in [("RU", &r.ru), ("RT", &r.rt)] {
                    if let Some(v) = v {
                        m.push(format!("\"{name}\":{}", json_str(v)));
                    }
                }
                if let Some(v) = r.cl {
                    m.push(format!("\"CL\":{}", v.json()));
                }
                for (name, v) in [("EF", &r.ef), ("ST", &r.st)] {
                    if let Some(v) = v {
                        m.push(format!("\"{name}\":{}", json_str(v)));
                    }
                }
                format!("{{{}}}", m.join(","))
            })
            .collect();
        put("RD", format!("[{}]", readings.join(",")));
        format!("{open}{}{close}", members.join(sep))
    }
}

fn same_text(got: Option<&ocmf_core::Text<'_>>, want: Option<&String>, name: &str) {
    assert_eq!(
        got.map(|t| t.as_str()),
        want.map(String::as_str),
        "{name} read back differently"
    );
}

/// Every field of `spec` reads back from the parsed payload as written.
fn read_back(spec: &RecordSpec, p: &ocmf_core::Payload<'_>) {
    same_text(p.format_version.as_ref(), spec.fv.as_ref(), "FV");
    same_text(p.gateway_id.as_ref(), spec.gi.as_ref(), "GI");
    same_text(p.gateway_serial.as_ref(), spec.gs.as_ref(), "GS");
    same_text(p.meter_serial.as_ref(), spec.ms.as_ref(), "MS");
    same_text(p.identification_data.as_ref(), spec.id.as_ref(), "ID");
    same_text(p.charge_point_id.as_ref(), spec.ci.as_ref(), "CI");
    if let Some((fiscal, n)) = spec.pg {
        let pg = p.pagination().expect("PG does not parse");
        assert_eq!(
            (pg.context(), pg.number()),
            (if fiscal { 'F' } else { 'T' }, n % PG_LIMIT)
        );
    }
    let want_flags: Option<Vec<&str>> = spec
        .if_
        .as_ref()
        .map(|f| f.iter().map(String::as_str).collect());
    let got_flags: Option<Vec<&str>> = p
        .identification_flags
        .as_ref()
        .map(|f| f.iter().map(|t| t.as_str()).collect());
    assert_eq!(got_flags, want_flags, "IF read back differently");
    let written = spec.rd.len().min(MAX_SPEC_READINGS);
    assert_eq!(p.readings.len(), written, "reading count");
    for (r, s) in p.readings.iter().zip(&spec.rd) {
        if let Some(t) = s.tm {
            let ts = r
                .timestamp()
                .unwrap_or_else(|| panic!("TM {:?} does not parse", t.text()));
            let (y, mo, d, h, mi, sec, ms, off, st) = t.parts();
            assert_eq!(
                (ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second),
                (
                    u32::from(y),
                    u32::from(mo),
                    u32::from(d),
                    u32::from(h),
                    u32::from(mi),
                    u32::from(sec)
                ),
                "TM fields of {:?}",
                t.text()
            );
            assert_eq!(
                (ts.millis, ts.offset_minutes, ts.status.letter()),
                (u32::from(ms), off, st)
            );
            assert!(ts.canonical, "canonical TM {:?} not recognised", t.text());
        } else {
            assert!(r.time.is_none());
        }
        match (s.rv, &r.value) {
            (Some(v), Some(got)) => {
                assert_eq!(got.as_str(), v.text(), "RV text");
                assert_eq!(got.quoted, v.quoted, "RV quoting");
                assert_eq!(got.exact(), Some(v.exact()), "RV value of {}", v.text());
            }
            (None, None) => {}
            (want, got) => panic!("RV: wanted {want:?}, read {got:?}"),
        }
        if let Some(g) = s.ri {
            let o = r.obis_code().expect("RI does not parse");
            let v = |b: u8| ObisGroup::Value(u16::from(b));
            assert_eq!(
                (o.a, o.b, o.c, o.d, o.e, o.f),
                (v(g[0]), v(g[1]), v(g[2]), v(g[3]), v(g[4]), Some(v(g[5]))),
                "RI groups"
            );
        }
        same_text(r.reason.as_ref(), s.tx.as_ref(), "TX");
        same_text(r.unit.as_ref(), s.ru.as_ref(), "RU");
        same_text(r.status.as_ref(), s.st.as_ref(), "ST");
    }
    carry_forward(&p.readings, &p.resolved_readings());
}

/// Target `structured_record`: sign a well-formed record with the fixed
/// test key, read it back field by field, verify it, then flip one byte of
/// the signed payload (must not be valid) and one hex digit of the
/// signature (must fail the signature check).
pub fn structured(spec: &RecordSpec) {
    let curve = Curve::ALL[usize::from(spec.curve) % Curve::ALL.len()];
    let algorithm = ocmf_core::Algorithm::ecdsa_sha256(curve);
    let payload = spec.payload();
    let signed = match sign(&payload, &TEST_SECRET, algorithm) {
        Ok(s) => s,
        Err(e) => {
            // The only payloads `sign` refuses: a `|` anywhere (the envelope
            // could not be split unambiguously by every reader) or a record
            // beyond the size limit.
            let too_large = payload.len() + 300 > Options::default().limits.max_record_bytes;
            assert!(
                (e.code == ErrorCode::PipeInString && payload.contains('|'))
                    || (too_large && e.code == ErrorCode::TooLarge),
                "sign refused a well-formed payload: {e:?}\n{payload}"
            );
            return;
        }
    };
    assert!(!payload.contains('|'), "signed a payload with a pipe");
    let record = signed.record.as_str();
    assert!(record.starts_with("OCMF|") && record[5..].starts_with(&payload));
    let key = PublicKey::parse(&signed.public_key_sec1_hex).expect("signer's key does not parse");
    assert!(
        key.curves().any(|c| c == curve),
        "signer's key is not on {curve:?}"
    );

    // Read back.
    let rec =
        parse(record).unwrap_or_else(|e| panic!("signed record does not parse: {e:?}\n{record}"));
    assert_eq!(
        rec.signed_bytes(),
        payload,
        "signed bytes differ from the payload"
    );
    assert_eq!(rec.algorithm().ok(), Some(algorithm));
    read_back(spec, &rec.payload);

    // Verify.
    let verified = rec.verify(&key);
    assert!(
        verified.is_ok(),
        "a freshly signed record does not verify: {verified:?}\n{record}"
    );
    let checker = Checker::new();
    let report = checker.verify(record, KeyInput::Decoded(&key));
    report_invariants(&report, record);
    assert_eq!(
        report.signature_valid,
        Some(true),
        "Checker::verify rejects the signature"
    );
    assert_ne!(report.verdict, Verdict::InvalidSignature);
    let from_hex = checker.verify(record, KeyInput::Text(&signed.public_key_sec1_hex));
    assert_eq!(
        (from_hex.verdict, from_hex.code()),
        (report.verdict, report.code())
    );

    // Flip one byte of the signed payload: never valid.
    let mut bytes = record.as_bytes().to_vec();
    let at = 5 + spec.flip_at as usize % payload.len();
    bytes[at] ^= spec.flip_mask.max(1);
    // Bytes that are no longer UTF-8 are checked as bytes (never readable).
    let r = checker.verify(&bytes, KeyInput::Decoded(&key));
    report_invariants(&r, &bytes);
    let flipped_valid = r.is_valid() || r.signature_valid == Some(true);
    assert!(
        !flipped_valid,
        "flipping byte {at} of the payload still verifies\n{record}"
    );

    // Change the signature's last hex digit to another value: the signature check fails.
    let sd_end = record.rfind('"').expect("SD is the last member");
    let last = record.as_bytes()[sd_end - 1];
    let other = if last == b'0' { b'1' } else { b'0' };
    let mut bytes = record.as_bytes().to_vec();
    bytes[sd_end - 1] = other;
    let text = std::str::from_utf8(&bytes).expect("ASCII edit");
    let r = checker.verify(text, KeyInput::Decoded(&key));
    report_invariants(&r, text);
    assert_eq!(
        r.signature_valid,
        Some(false),
        "a changed signature still verifies\n{text}"
    );
    if report.is_valid() {
        assert_eq!(r.verdict, Verdict::InvalidSignature);
    }
}
