//! The CSV registry form (`docs/registry-formats.md`).

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use super::entry::RawEntry;
use super::error::{RegistryError, RegistryErrorKind};
use super::{DEFAULT_SOURCE, Registry};
#[cfg(doc)]
use crate::error::ErrorCode;
use crate::error::Span;

/// CSV columns, in the order the documentation lists them.
const CSV_COLUMNS: [&str; 7] = [
    "meter_serial",
    "gateway_serial",
    "public_key",
    "valid_from",
    "valid_until",
    "source",
    "comment",
];

/// Splits one CSV line (without its line break) into fields with their byte
/// spans relative to the line. Strict RFC 4180 subset: a field is either
/// unquoted (no `"` inside) or wholly quoted, with `""` for a quote; a quoted
/// field ends at its closing quote, which a comma or the end of the line must
/// follow. Unquoted fields are trimmed of spaces and tabs.
///
/// Hand-written because the `csv` crate needs `std` and this crate is
/// `no_std`; the subset (one record per line) keeps line numbers exact.
fn csv_fields(line: &str) -> Result<Vec<(String, Span)>, Span> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        // Leading blanks before a quoted field are tolerated.
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if b.get(j) == Some(&b'"') {
            let start = j;
            let mut val = String::new();
            let mut k = j + 1;
            let mut seg = k;
            loop {
                match b.get(k) {
                    None => return Err(Span::new(start, b.len())),
                    Some(b'"') if b.get(k + 1) == Some(&b'"') => {
                        val.push_str(line.get(seg..=k).unwrap_or(""));
                        k += 2;
                        seg = k;
                    }
                    Some(b'"') => {
                        val.push_str(line.get(seg..k).unwrap_or(""));
                        k += 1;
                        break;
                    }
                    Some(_) => k += 1,
                }
            }
            let end = k;
            while k < b.len() && (b[k] == b' ' || b[k] == b'\t') {
                k += 1;
            }
            out.push((val, Span::new(start, end)));
            match b.get(k) {
                None => return Ok(out),
                Some(b',') => i = k + 1,
                Some(_) => return Err(Span::new(k, k + 1)),
            }
        } else {
            let end = b[i..]
                .iter()
                .position(|c| *c == b',')
                .map_or(b.len(), |p| i + p);
            let raw = line.get(i..end).unwrap_or("");
            if let Some(q) = raw.find('"') {
                return Err(Span::new(i + q, i + q + 1));
            }
            let trimmed = raw.trim_matches([' ', '\t']);
            let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
            out.push((
                trimmed.to_owned(),
                Span::new(i + lead, i + lead + trimmed.len()),
            ));
            if end >= b.len() {
                return Ok(out);
            }
            i = end + 1;
        }
    }
}

impl Registry {
    /// Reads the CSV form: a header line naming the columns (any order;
    /// `public_key` and one of `meter_serial`/`gateway_serial` required;
    /// also `valid_from`, `valid_until`, `source`, `comment`), then one entry
    /// per line. Blank lines and lines starting with `#` are skipped. Fields
    /// follow a strict RFC 4180 subset (see `docs/registry-formats.md`).
    ///
    /// # Errors
    /// [`RegistryError`] ([`ErrorCode::RegistryFormat`]) with line and column.
    pub fn from_csv(text: &str) -> Result<Self, RegistryError> {
        let mut header: Option<Vec<usize>> = None;
        let mut reg = Self::new();
        let mut offset = 0;
        for raw_line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += raw_line.len();
            let mut line = raw_line.strip_suffix('\n').unwrap_or(raw_line);
            line = line.strip_suffix('\r').unwrap_or(line);
            if line_start == 0 {
                if let Some(rest) = line.strip_prefix('\u{feff}') {
                    line = rest;
                }
            }
            let base = Span::of(text, line).start;
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let fields = csv_fields(line).map_err(|sp| {
                RegistryError::at(RegistryErrorKind::Quote, text, sp.shift(base), None)
            })?;
            let Some(cols) = &header else {
                let mut cols = Vec::with_capacity(fields.len());
                for (name, sp) in &fields {
                    let name = name.to_ascii_lowercase();
                    let Some(c) = CSV_COLUMNS.iter().position(|k| *k == name) else {
                        return Err(RegistryError::at(
                            RegistryErrorKind::UnknownColumn,
                            text,
                            sp.shift(base),
                            None,
                        ));
                    };
                    if cols.contains(&c) {
                        return Err(RegistryError::at(
                            RegistryErrorKind::DuplicateColumn,
                            text,
                            sp.shift(base),
                            CSV_COLUMNS.get(c).copied(),
                        ));
                    }
                    cols.push(c);
                }
                let has = |n: &str| {
                    CSV_COLUMNS
                        .iter()
                        .position(|k| *k == n)
                        .is_some_and(|c| cols.contains(&c))
                };
                let whole = Span::new(base, base + line.len());
                if !has("public_key") {
                    return Err(RegistryError::at(
                        RegistryErrorKind::Missing,
                        text,
                        whole,
                        Some("public_key"),
                    ));
                }
                if !has("meter_serial") && !has("gateway_serial") {
                    return Err(RegistryError::at(
                        RegistryErrorKind::Missing,
                        text,
                        whole,
                        Some("meter_serial"),
                    ));
                }
                header = Some(cols);
                continue;
            };
            if fields.len() != cols.len() {
                return Err(RegistryError::at(
                    RegistryErrorKind::FieldCount,
                    text,
                    Span::new(base, base + line.len()),
                    None,
                ));
            }
            let mut entry = RawEntry {
                meter_serial: None,
                gateway_serial: None,
                public_key: None,
                valid_from: None,
                valid_until: None,
                source: None,
                at: Span::new(base, base + line.len()),
                text,
            };
            for (c, (value, sp)) in cols.iter().zip(fields) {
                let v = Some((value, sp.shift(base)));
                match c {
                    0 => entry.meter_serial = v,
                    1 => entry.gateway_serial = v,
                    2 => entry.public_key = v,
                    3 => entry.valid_from = v,
                    4 => entry.valid_until = v,
                    5 => entry.source = v.map(|x| x.0),
                    _ => {}
                }
            }
            reg.add(entry.build(DEFAULT_SOURCE)?);
        }
        if header.is_none() {
            return Err(RegistryError::at(
                RegistryErrorKind::Empty,
                text,
                Span::new(0, 0),
                None,
            ));
        }
        Ok(reg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_follow_the_subset() {
        let f = csv_fields(r#"a, "b,c" ,"d""e",,"#).unwrap();
        let vals: Vec<&str> = f.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(vals, ["a", "b,c", "d\"e", "", ""]);
        assert!(csv_fields(r#"a"b"#).is_err());
        assert!(csv_fields(r#""abc"#).is_err());
        assert!(csv_fields(r#""a"b"#).is_err());
    }
}
