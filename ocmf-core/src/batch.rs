//! Batch verification: many records, each key decoded (and its tables
//! built) once.
//!
//! OCMF verifies many records per meter key, so a batch groups its inputs by
//! key text: every distinct key is decoded once (building its per-key
//! precomputed tables, see [`Backend`]), then every record is checked with
//! [`check`](crate::check) exactly as one-at-a-time checking would, and the
//! reports come back in input order. With the `rayon` feature,
//! [`BatchOptions::parallel`] spreads the records over rayon's thread pool.
//!
//! ```
//! use ocmf_core::batch::{BatchItem, BatchOptions, check_all};
//! let key = "04..."; // key text in any encoding PublicKey::parse reads
//! let items = [BatchItem { record: "OCMF|{}|{}", key: Some(key) }];
//! let reports = check_all(&items, &BatchOptions::default());
//! assert_eq!(reports.len(), 1);
//! assert!(!reports[0].is_valid());
//! ```

use alloc::{collections::BTreeMap, vec::Vec};

pub use crate::curves::Backend;
use crate::error::Error;
use crate::key::PublicKey;
use crate::record::{Options, Report, check, check_with_key_error};

/// One record to check and the text of its key (`None`: use the key in the
/// record's 4th section, as [`check`](crate::check) does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchItem<'a> {
    /// The record text.
    pub record: &'a str,
    /// The key text (hex, base64, PEM, `oca:`...), shared by many items.
    pub key: Option<&'a str>,
}

/// Options of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct BatchOptions {
    /// The options every record is checked with.
    pub options: Options,
    /// The group arithmetic (the verdicts never depend on it).
    pub backend: Backend,
    /// Check records on rayon's thread pool (only with the `rayon` feature;
    /// ignored without it).
    pub parallel: bool,
}

impl BatchOptions {
    /// Options with the given record options, the default backend, sequential.
    #[must_use]
    pub fn new(options: Options) -> Self {
        Self {
            options,
            backend: Backend::Auto,
            parallel: false,
        }
    }

    /// The same options, parallel or not.
    #[must_use]
    pub fn parallel(mut self, parallel: bool) -> Self {
        self.parallel = parallel;
        self
    }

    /// The same options with another backend.
    #[must_use]
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }
}

/// Checks every item; one [`Report`] per item, in input order.
///
/// Each distinct key text is decoded once; an undecodable key gives every
/// record under it the answer [`check_with_key_error`](crate::check_with_key_error)
/// gives (the record's own `malformed`/`unsupported` verdict wins). The
/// reports are the ones [`check_with_key_text`](crate::check_with_key_text)
/// would give item by item.
#[must_use]
pub fn check_all<'a>(items: &[BatchItem<'a>], options: &BatchOptions) -> Vec<Report<'a>> {
    let keys = decode_keys(items.iter().filter_map(|i| i.key), options.backend);
    let one = |item: &BatchItem<'a>| -> Report<'a> {
        match item.key {
            None => check(item.record, None, &options.options),
            Some(text) => match keys.get(text) {
                Some(Ok(k)) => check(item.record, Some(k), &options.options),
                Some(Err(e)) => check_with_key_error(item.record, *e, &options.options),
                // Every key text was decoded above.
                None => check_with_key_error(
                    item.record,
                    Error::new(crate::error::ErrorCode::KeyMissing),
                    &options.options,
                ),
            },
        }
    };
    #[cfg(feature = "rayon")]
    if options.parallel {
        use rayon::prelude::*;
        return items.par_iter().map(one).collect();
    }
    items.iter().map(one).collect()
}

/// Checks many records under one key (decoded once).
#[must_use]
pub fn check_all_with_key<'a>(
    records: &[&'a str],
    key: &PublicKey,
    options: &BatchOptions,
) -> Vec<Report<'a>> {
    let key = key.clone().with_backend(options.backend);
    let one = |r: &&'a str| check(r, Some(&key), &options.options);
    #[cfg(feature = "rayon")]
    if options.parallel {
        use rayon::prelude::*;
        return records.par_iter().map(one).collect();
    }
    records.iter().map(one).collect()
}

/// Decodes each distinct key text once.
fn decode_keys<'a>(
    texts: impl Iterator<Item = &'a str>,
    backend: Backend,
) -> BTreeMap<&'a str, Result<PublicKey, Error>> {
    let mut keys = BTreeMap::new();
    for t in texts {
        keys.entry(t)
            .or_insert_with(|| PublicKey::parse(t).map(|k| k.with_backend(backend)));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Algorithm, Curve, ErrorCode, check_with_key_text, sign};
    use alloc::{format, string::String, vec};

    fn signed(i: u8, secret: u8, curve: Curve) -> (String, String) {
        let p = format!(
            r#"{{"FV":"1.0","GI":"B","GS":"{i}","PG":"T{i}","MS":"M","IS":false,"IT":"NONE","RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}"#
        );
        let mut sk = vec![0x11u8; curve.field_bytes()];
        sk[3] = secret;
        let s = sign(&p, &sk, Algorithm::ecdsa_sha256(curve)).unwrap();
        (s.record, s.public_key_sec1_hex)
    }

    #[test]
    fn same_reports_as_one_by_one_in_input_order() {
        let mut owned = Vec::new();
        for i in 0..12u8 {
            let curve = [Curve::P256, Curve::P384, Curve::BrainpoolP256r1][usize::from(i % 3)];
            let (mut rec, key) = signed(i, i % 2, curve);
            if i % 4 == 1 {
                rec = rec.replacen(&format!("\"RV\":{i}.000"), "\"RV\":9.999", 1);
            }
            owned.push((rec, key));
        }
        owned.push(("OCMF|{}".into(), owned[0].1.clone()));
        owned.push((owned[0].0.clone(), "zz!!".into()));
        let mut items: Vec<BatchItem<'_>> = owned
            .iter()
            .map(|(r, k)| BatchItem {
                record: r,
                key: Some(k),
            })
            .collect();
        items.push(BatchItem {
            record: &owned[0].0,
            key: None,
        });
        for parallel in [false, true] {
            for backend in [Backend::Auto, Backend::PureRust, Backend::Reference] {
                let opts = BatchOptions::default().parallel(parallel).backend(backend);
                let got = check_all(&items, &opts);
                assert_eq!(got.len(), items.len());
                for (item, rep) in items.iter().zip(&got) {
                    let want = check_with_key_text(item.record, item.key, &Options::default());
                    assert_eq!((rep.verdict, rep.code()), (want.verdict, want.code()));
                    assert_eq!(rep.signature_valid, want.signature_valid);
                }
                let valid = got.iter().filter(|r| r.is_valid()).count();
                assert_eq!(valid, 9, "{backend:?}");
                assert_eq!(got[13].code(), ErrorCode::KeyEncoding);
                assert_eq!(got[14].code(), ErrorCode::KeyMissing);
            }
        }
    }

    #[test]
    fn one_key_many_records() {
        let recs: Vec<(String, String)> = (0..5).map(|i| signed(i, 7, Curve::P384)).collect();
        let key = PublicKey::parse(&recs[0].1).unwrap();
        let mut texts: Vec<&str> = recs.iter().map(|(r, _)| r.as_str()).collect();
        let other = signed(1, 8, Curve::P384).0;
        texts.push(&other);
        let got = check_all_with_key(&texts, &key, &BatchOptions::default());
        let v: Vec<bool> = got.iter().map(Report::is_valid).collect();
        assert_eq!(v, [true, true, true, true, true, false]);
    }
}
