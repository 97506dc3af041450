//! How far a key can be trusted ([`Trust`], [`TrustInfo`]), key
//! fingerprints, and the resolution rule of the module docs
//! ([`check_resolved`]).

use alloc::{string::String, vec::Vec};
use core::fmt;

use sha2::{Digest, Sha256};

use super::{KeyEntry, Registry};
use crate::algorithm::Curve;
use crate::error::{Error, ErrorCode, Lang};
use crate::finding::Profile;
use crate::grammar::TimeStatus;
use crate::key::PublicKey;
use crate::record::{
    Options, Report, Unverified, check, check_parsed, check_with_key_error, parse_with,
};

/// The curve a key is bound to: the curve it names (SPKI), else the only
/// curve its point lies on, else the curve it is used on (the record's
/// `SA`). `None` when none of these decides: a SEC1 or bare key whose point
/// lies on several curves of its size (a compressed point often does) and
/// that is not used on one.
#[must_use]
pub fn key_curve(key: &PublicKey, used_on: Option<Curve>) -> Option<Curve> {
    key.declared_curve
        .or_else(|| {
            let mut on = key.curves();
            let first = on.next()?;
            on.next().is_none().then_some(first)
        })
        .or(used_on)
}

/// The fingerprint of a key: the first 16 hex digits (uppercase) of the
/// SHA-256 of its curve's OID (dotted, then a zero byte) and its compressed
/// SEC1 point (`02|03 ‖ X`), the curve as [`key_curve`] binds it without a
/// record. The same point on the same curve gives the same fingerprint in
/// every encoding; the same point bytes on two curves are two keys and get
/// two fingerprints. When no curve is bound (see [`key_curve`]), the hash
/// is over the point alone.
#[must_use]
pub fn key_fingerprint(key: &PublicKey) -> String {
    key_fingerprint_on(key, None)
}

/// [`key_fingerprint`] of the key as used on `curve` (a record's `SA`):
/// `curve` decides only where the key itself does not (see [`key_curve`]).
/// Reports name their keys this way.
#[must_use]
pub fn key_fingerprint_on(key: &PublicKey, curve: Option<Curve>) -> String {
    let mut h = Sha256::new();
    if let Some(c) = key_curve(key, curve) {
        h.update(c.oid().as_bytes());
        h.update([0u8]);
    }
    h.update(compressed_point(key));
    let digest = h.finalize();
    let mut hex = base16ct::upper::encode_string(&digest);
    hex.truncate(16);
    hex
}

/// The compressed SEC1 form of a key's point (from the uncompressed form
/// without curve arithmetic: the prefix carries the parity of `Y`).
fn compressed_point(key: &PublicKey) -> Vec<u8> {
    let sec1 = key.sec1_bytes();
    match sec1.first() {
        Some(0x04) if sec1.len() >= 3 && sec1.len() % 2 == 1 => {
            let n = (sec1.len() - 1) / 2;
            let parity = sec1.last().map_or(0, |b| b & 1);
            let mut out = Vec::with_capacity(n + 1);
            out.push(0x02 | parity);
            out.extend_from_slice(sec1.get(1..=n).unwrap_or(&[]));
            out
        }
        _ => sec1.to_vec(),
    }
}

/// Whether two keys are the same key as used on `curve`: the same point on
/// the same curve (a key that names another curve is another key).
pub(crate) fn same_key(a: &PublicKey, b: &PublicKey, curve: Option<Curve>) -> bool {
    compressed_point(a) == compressed_point(b) && key_curve(a, curve) == key_curve(b, curve)
}

/// How far the key a record was verified with can be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trust {
    /// A registered key of the record's meter, valid at the record's time.
    Trusted {
        /// The entry's source label.
        source: String,
        /// Index of the entry in [`Registry::entries`].
        key_index: usize,
    },
    /// The registry has no entry for the meter; the key came from the
    /// record, the transport message or the caller.
    Untrusted,
    /// The meter is registered, but the key carried with the record differs;
    /// the record was verified with the registered key.
    Mismatch {
        /// Index in [`Registry::entries`] of the registered key used instead.
        registered: usize,
    },
    /// The registered key was outside its validity window at the record's time.
    Expired {
        /// The entry's source label.
        source: String,
        /// Index of the entry in [`Registry::entries`].
        key_index: usize,
    },
    /// No key at all.
    Unknown,
}

impl Trust {
    /// `trusted`, `untrusted`, `mismatch`, `expired` or `unknown`.
    #[must_use]
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::Trusted { .. } => "trusted",
            Self::Untrusted => "untrusted",
            Self::Mismatch { .. } => "mismatch",
            Self::Expired { .. } => "expired",
            Self::Unknown => "unknown",
        }
    }

    /// The code: `Ok` (trusted), [`ErrorCode::KeyUntrusted`] (untrusted,
    /// expired), [`ErrorCode::KeyRegistryMismatch`], [`ErrorCode::KeyMissing`] (unknown).
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            Self::Trusted { .. } => ErrorCode::Ok,
            Self::Untrusted | Self::Expired { .. } => ErrorCode::KeyUntrusted,
            Self::Mismatch { .. } => ErrorCode::KeyRegistryMismatch,
            Self::Unknown => ErrorCode::KeyMissing,
        }
    }

    /// Strength, for "the weakest wins": unknown 0, expired 1, untrusted 2,
    /// mismatch 3 (verified with the registered key), trusted 4.
    #[must_use]
    pub const fn rank(&self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Expired { .. } => 1,
            Self::Untrusted => 2,
            Self::Mismatch { .. } => 3,
            Self::Trusted { .. } => 4,
        }
    }

    /// A sentence for a driver.
    #[must_use]
    pub const fn explain(&self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::Trusted { .. }, Lang::En) => {
                "The key used is the one registered for this meter."
            }
            (Self::Trusted { .. }, Lang::De) => {
                "Der verwendete Schlüssel ist der für diesen Zähler registrierte."
            }
            (Self::Untrusted, Lang::En) => {
                "The key is not registered for this meter: the signature shows the data is unchanged, but not who signed it."
            }
            (Self::Untrusted, Lang::De) => {
                "Der Schlüssel ist für diesen Zähler nicht registriert: Die Signatur zeigt, dass die Daten unverändert sind, aber nicht, wer sie signiert hat."
            }
            (Self::Mismatch { .. }, Lang::En) => {
                "The key delivered with the data differs from the key registered for this meter; the registered key was used."
            }
            (Self::Mismatch { .. }, Lang::De) => {
                "Der mit den Daten gelieferte Schlüssel weicht vom für diesen Zähler registrierten ab; der registrierte Schlüssel wurde verwendet."
            }
            (Self::Expired { .. }, Lang::En) => {
                "The key registered for this meter was not valid at the time of the reading."
            }
            (Self::Expired { .. }, Lang::De) => {
                "Der für diesen Zähler registrierte Schlüssel war zum Zeitpunkt der Messung nicht gültig."
            }
            (Self::Unknown, Lang::En) => "No key is available for this meter.",
            (Self::Unknown, Lang::De) => "Für diesen Zähler ist kein Schlüssel verfügbar.",
        }
    }
}

impl Trust {
    /// One decision of each kind, in the order of [`Trust::as_str`]'s list
    /// (`trusted`, `untrusted`, `mismatch`, `expired`, `unknown`): what a
    /// caller that holds only a status word maps it through.
    pub(crate) fn one_of_each() -> [Self; 5] {
        [
            Self::Trusted {
                source: String::new(),
                key_index: 0,
            },
            Self::Untrusted,
            Self::Mismatch { registered: 0 },
            Self::Expired {
                source: String::new(),
                key_index: 0,
            },
            Self::Unknown,
        ]
    }

    /// [`Trust::explain`] for a status word ([`Trust::as_str`]), for a
    /// caller that holds only the word (a session's weakest trust); `None`
    /// for a word that is no status.
    #[must_use]
    pub fn explain_status(status: &str, lang: Lang) -> Option<&'static str> {
        let status = status.trim();
        Self::one_of_each()
            .into_iter()
            .find(|t| t.as_str() == status)
            .map(|t| t.explain(lang))
    }
}

impl fmt::Display for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The key decision of a record checked against a registry: the `trust`
/// part of a [`Report`] ([`Report::trust`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustInfo {
    /// How far the key the record was verified with can be trusted.
    pub trust: Trust,
    /// Fingerprint of the key the record was verified with ([`key_fingerprint`]).
    pub key_fingerprint: Option<String>,
    /// Fingerprint of the key carried with the record (caller, message or
    /// 4th section), when one was given and readable.
    pub carried_key_fingerprint: Option<String>,
    /// The carried key's decoding error, when it could not be read and the
    /// registered key was used instead.
    pub carried_key_error: Option<Error>,
    /// The record time the validity windows were checked against.
    pub record_time_ms: Option<i64>,
}

impl TrustInfo {
    /// No decision yet: `unknown`, nothing known about the keys.
    pub(crate) const fn unknown() -> Self {
        Self {
            trust: Trust::Unknown,
            key_fingerprint: None,
            carried_key_fingerprint: None,
            carried_key_error: None,
            record_time_ms: None,
        }
    }
}

impl Report<'_> {
    /// The key's trust ([`TrustInfo::trust`]); `unknown` when the record was
    /// checked without a registry.
    #[must_use]
    pub fn trust_status(&self) -> &Trust {
        static UNKNOWN: Trust = Trust::Unknown;
        self.trust.as_ref().map_or(&UNKNOWN, |t| &t.trust)
    }

    /// The fingerprint of the key the record was verified with, when it was
    /// checked against a registry ([`TrustInfo::key_fingerprint`]).
    #[must_use]
    pub fn key_fingerprint(&self) -> Option<&str> {
        self.trust
            .as_ref()
            .and_then(|t| t.key_fingerprint.as_deref())
    }
}

impl Report<'static> {
    /// The answer under a registry for record bytes that never reach the
    /// parser (not UTF-8, or over the size limit: `error`): the error's
    /// report, the trust `unknown`, and the fingerprint of the carried key
    /// when it can be read.
    pub(crate) fn unread_trusted(
        error: Error,
        carried: Option<&PublicKey>,
        profile: Profile,
    ) -> Self {
        let mut report = Report::from_error(error, profile);
        let mut trust = TrustInfo::unknown();
        trust.carried_key_fingerprint = carried.map(key_fingerprint);
        report.trust = Some(trust);
        report
    }
}

fn present<'t>(t: Option<&'t crate::payload::Text<'_>>) -> Option<&'t str> {
    t.map(|t| t.as_str().trim()).filter(|s| !s.is_empty())
}

/// The record time for validity windows: the first reading time whose
/// status is not `U`.
pub(crate) fn record_time(rec: &Unverified<'_>) -> Option<i64> {
    rec.payload
        .resolved_readings()
        .iter()
        .filter_map(crate::payload::Reading::timestamp)
        .find(|t| t.status != TimeStatus::Unknown)
        .map(|t| t.unix_millis())
}

/// A registry entry with its index.
pub(crate) type Candidate<'r> = (usize, &'r KeyEntry);

/// A record checked against a registry (the [`Checker`](crate::Checker) with
/// a registry, and every record of a session): `carried` is the key that
/// came with the record (already decoded, or its error). The report carries
/// the key decision in [`Report::trust`].
pub(crate) fn check_resolved<'a>(
    record: &'a str,
    carried: Option<Result<&PublicKey, Error>>,
    registry: Option<&Registry>,
    options: &Options,
) -> Report<'a> {
    let mut out = TrustInfo::unknown();
    let report: Report<'a>;
    let Ok(rec) = parse_with(record, options) else {
        // `check` says why the record cannot be read.
        report = check(record, None, options);
        if let Some(Ok(k)) = &carried {
            out.carried_key_fingerprint = Some(key_fingerprint(k));
        }
        return with_trust(report, out);
    };
    let ms = present(rec.payload.meter_serial.as_ref());
    let gs = present(rec.payload.gateway_serial.as_ref());
    let at = record_time(&rec);
    // Keys are named and compared as used on the record's curve.
    let curve = rec.algorithm().ok().map(|a| a.curve);
    out.record_time_ms = at;
    let candidates: Vec<Candidate<'_>> = registry
        .map(|r| r.matching(ms, gs).collect())
        .unwrap_or_default();
    // The carried key, else the record's own 4th section.
    let embedded = carried.is_none();
    let own = if embedded { rec.embedded_key() } else { None };
    let carried = carried.or_else(|| own.as_ref().map(|r| r.as_ref().map_err(|e| *e)));

    if candidates.is_empty() {
        match carried {
            Some(Ok(k)) => {
                let fp = key_fingerprint_on(k, curve);
                // A key from the 4th section: let `check` take it itself, so
                // the report names it (key source `record`).
                report = check_parsed(rec, (!embedded).then_some(k), options);
                out.trust = Trust::Untrusted;
                out.key_fingerprint = Some(fp.clone());
                out.carried_key_fingerprint = Some(fp);
            }
            Some(Err(e)) => {
                report = check_with_key_error(record, e, options);
                out.carried_key_error = Some(e);
            }
            None => report = check_parsed(rec, None, options),
        }
        return with_trust(report, out);
    }

    let (carried_key, carried_error) = match carried {
        Some(Ok(k)) => (Some(k), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    out.carried_key_error = carried_error;
    out.carried_key_fingerprint = carried_key.map(|k| key_fingerprint_on(k, curve));
    let Some((i, trust)) = choose(&candidates, at, carried_key, curve, |k| {
        rec.verify(k).is_ok()
    }) else {
        report = check_parsed(rec, None, options);
        return with_trust(report, out);
    };
    let Some(entry) = registry.and_then(|r| r.entries.get(i)) else {
        report = check_parsed(rec, None, options);
        return with_trust(report, out);
    };
    out.trust = trust;
    report = check_parsed(rec, Some(&entry.key), options);
    out.key_fingerprint = Some(key_fingerprint_on(&entry.key, curve));
    with_trust(report, out)
}

/// The registry entry a value is verified with, among the `candidates` of
/// its meter, and the trust that gives: the entry equal to the `carried` key
/// (as used on `curve`) inside its validity window at `at`, else one outside
/// it (`expired`), else the first entry valid at `at` (or, with none, any)
/// whose key `verifies` the value (else the first), which is a `mismatch`
/// when a key was carried. `None` without candidates. The one rule for
/// OCMF records and the other formats.
pub(crate) fn choose(
    candidates: &[Candidate<'_>],
    at: Option<i64>,
    carried: Option<&PublicKey>,
    curve: Option<Curve>,
    verifies: impl Fn(&PublicKey) -> bool,
) -> Option<(usize, Trust)> {
    let (in_window, outside): (Vec<Candidate<'_>>, Vec<Candidate<'_>>) =
        candidates.iter().partition(|(_, e)| e.valid_at(at));
    // With one candidate there is nothing to choose: the caller verifies once.
    let first_verifying = |set: &[Candidate<'_>]| -> Option<usize> {
        if let [(i, _)] = set {
            return Some(*i);
        }
        set.iter()
            .find(|(_, e)| verifies(&e.key))
            .or_else(|| set.first())
            .map(|(i, _)| *i)
    };
    let same = |set: &[Candidate<'_>], k: &PublicKey| -> Option<usize> {
        set.iter()
            .find(|(_, e)| same_key(&e.key, k, curve))
            .map(|(i, _)| *i)
    };
    let fallback = if in_window.is_empty() {
        &outside
    } else {
        &in_window
    };
    // (index, in window, equal to the carried key)
    let (i, valid, equal) = match carried {
        Some(ck) => same(&in_window, ck)
            .map(|i| (i, true, true))
            .or_else(|| same(&outside, ck).map(|i| (i, false, true)))
            .or_else(|| first_verifying(fallback).map(|i| (i, !in_window.is_empty(), false))),
        None => first_verifying(fallback).map(|i| (i, !in_window.is_empty(), true)),
    }?;
    let source = || {
        candidates
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, e)| e.source.clone())
            .unwrap_or_default()
    };
    let trust = match (valid, equal) {
        (_, false) => Trust::Mismatch { registered: i },
        (true, true) => Trust::Trusted {
            source: source(),
            key_index: i,
        },
        (false, true) => Trust::Expired {
            source: source(),
            key_index: i,
        },
    };
    Some((i, trust))
}

/// The report with its key decision.
fn with_trust(mut report: Report<'_>, trust: TrustInfo) -> Report<'_> {
    report.trust = Some(trust);
    report
}
