//! Signature algorithms (`SA`) and the curves behind them.

use core::fmt;

/// The elliptic curves signatures are verified on: the seven of the OCMF
/// specification ([`Curve::ALL`]) and secp224k1, which only the ChargePoint
/// format uses (no OCMF `SA` names it: [`Curve::is_ocmf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Curve {
    /// secp192k1 (SEC 2).
    Secp192k1,
    /// secp192r1 / NIST P-192 / prime192v1.
    P192,
    /// secp256r1 / NIST P-256 / prime256v1 (the default).
    P256,
    /// secp256k1.
    Secp256k1,
    /// secp384r1 / NIST P-384.
    P384,
    /// brainpoolP256r1.
    BrainpoolP256r1,
    /// brainpoolP384r1.
    BrainpoolP384r1,
    /// secp224k1 (SEC 2; ChargePoint's `secrrct` signatures). Not an OCMF
    /// curve: not in [`Curve::ALL`], and [`Algorithm::from_name`] refuses it.
    Secp224k1,
}

impl Curve {
    /// Every curve of the OCMF specification (every `SA` names one of these).
    pub const ALL: [Curve; 7] = [
        Curve::Secp192k1,
        Curve::P192,
        Curve::P256,
        Curve::Secp256k1,
        Curve::P384,
        Curve::BrainpoolP256r1,
        Curve::BrainpoolP384r1,
    ];

    /// Every curve: [`Curve::ALL`] and the curves of the other formats
    /// (secp224k1).
    pub const EVERY: [Curve; 8] = [
        Curve::Secp192k1,
        Curve::P192,
        Curve::P256,
        Curve::Secp256k1,
        Curve::P384,
        Curve::BrainpoolP256r1,
        Curve::BrainpoolP384r1,
        Curve::Secp224k1,
    ];

    /// Whether OCMF has this curve (an `SA` of [`Algorithm::sa`] names it).
    #[must_use]
    pub const fn is_ocmf(self) -> bool {
        !matches!(self, Self::Secp224k1)
    }

    /// Size of a field element (a coordinate of a SEC1 point) in bytes.
    #[must_use]
    pub const fn field_bytes(self) -> usize {
        match self {
            Self::Secp192k1 | Self::P192 => 24,
            Self::Secp224k1 => 28,
            Self::P256 | Self::Secp256k1 | Self::BrainpoolP256r1 => 32,
            Self::P384 | Self::BrainpoolP384r1 => 48,
        }
    }

    /// Size of a scalar (`r`, `s`) in bytes: [`Curve::field_bytes`], but 29
    /// for secp224k1, whose order has 225 bits.
    #[must_use]
    pub const fn scalar_bytes(self) -> usize {
        match self {
            Self::Secp224k1 => 29,
            other => other.field_bytes(),
        }
    }

    /// The SEC 2 / RFC 5639 name, e.g. `secp256r1`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Secp192k1 => "secp192k1",
            Self::P192 => "secp192r1",
            Self::P256 => "secp256r1",
            Self::Secp256k1 => "secp256k1",
            Self::P384 => "secp384r1",
            Self::BrainpoolP256r1 => "brainpoolP256r1",
            Self::BrainpoolP384r1 => "brainpoolP384r1",
            Self::Secp224k1 => "secp224k1",
        }
    }

    /// The name as the OCMF `SA` table spells it (`brainpool256r1` without `P`).
    #[must_use]
    pub const fn ocmf_name(self) -> &'static str {
        match self {
            Self::BrainpoolP256r1 => "brainpool256r1",
            Self::BrainpoolP384r1 => "brainpool384r1",
            other => other.name(),
        }
    }

    /// The named-curve OID in dotted form.
    #[must_use]
    pub const fn oid(self) -> &'static str {
        match self {
            Self::Secp192k1 => "1.3.132.0.31",
            Self::P192 => "1.2.840.10045.3.1.1",
            Self::P256 => "1.2.840.10045.3.1.7",
            Self::Secp256k1 => "1.3.132.0.10",
            Self::P384 => "1.3.132.0.34",
            Self::BrainpoolP256r1 => "1.3.36.3.3.2.8.1.1.7",
            Self::BrainpoolP384r1 => "1.3.36.3.3.2.8.1.1.11",
            Self::Secp224k1 => "1.3.132.0.32",
        }
    }

    /// The curve of a named-curve OID.
    #[must_use]
    pub fn from_oid(oid: &str) -> Option<Self> {
        Self::EVERY.into_iter().find(|c| c.oid() == oid)
    }

    /// Parses a curve name (SEC 2, NIST, RFC 5639 or OCMF spelling; case-insensitive).
    #[must_use]
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.trim();
        let eq = |x: &str| s.eq_ignore_ascii_case(x);
        Self::EVERY
            .into_iter()
            .find(|c| eq(c.name()) || eq(c.ocmf_name()))
            .or_else(|| {
                if eq("P-256") || eq("prime256v1") || eq("p256") {
                    Some(Self::P256)
                } else if eq("P-384") || eq("p384") {
                    Some(Self::P384)
                } else if eq("P-192") || eq("prime192v1") || eq("p192") {
                    Some(Self::P192)
                } else if eq("k256") {
                    Some(Self::Secp256k1)
                } else {
                    None
                }
            })
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A signature algorithm: ECDSA on a curve with SHA-256 (the only hash OCMF defines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Algorithm {
    /// The curve.
    pub curve: Curve,
}

impl Algorithm {
    /// ECDSA with SHA-256 on `curve`.
    #[must_use]
    pub const fn ecdsa_sha256(curve: Curve) -> Self {
        Self { curve }
    }

    /// The algorithm a user names for signing or checking: a curve name
    /// ([`Curve::from_name`]: `secp256r1`, `P-256`, `brainpoolP384r1`, …) or
    /// an `SA` value (`ECDSA-secp256r1-SHA256`, vendor spellings too).
    ///
    /// # Errors
    /// [`ErrorCode::UnknownAlgorithm`](crate::ErrorCode::UnknownAlgorithm), or
    /// [`ErrorCode::AlgorithmNotInSpec`](crate::ErrorCode::AlgorithmNotInSpec)
    /// for an algorithm OCMF does not define (EdDSA, ML-DSA, secp224k1).
    pub fn from_name(name: &str) -> Result<Self, crate::Error> {
        use crate::{Error, ErrorCode};
        let name = name.trim();
        if let Some(curve) = Curve::from_name(name) {
            if !curve.is_ocmf() {
                return Err(Error::new(ErrorCode::AlgorithmNotInSpec));
            }
            return Ok(Self::ecdsa_sha256(curve));
        }
        crate::grammar::parse_algorithm(name)
            .map(|(a, _)| a)
            .map_err(|not_in_spec| {
                Error::new(if not_in_spec {
                    ErrorCode::AlgorithmNotInSpec
                } else {
                    ErrorCode::UnknownAlgorithm
                })
            })
    }

    /// The default when `SA` is absent: `ECDSA-secp256r1-SHA256`.
    pub const DEFAULT: Self = Self::ecdsa_sha256(Curve::P256);

    /// The `SA` identifier as the specification spells it (for secp224k1,
    /// which OCMF does not have, the same pattern: no record carries it).
    #[must_use]
    pub const fn sa(self) -> &'static str {
        match self.curve {
            Curve::Secp192k1 => "ECDSA-secp192k1-SHA256",
            Curve::P192 => "ECDSA-secp192r1-SHA256",
            Curve::P256 => "ECDSA-secp256r1-SHA256",
            Curve::Secp256k1 => "ECDSA-secp256k1-SHA256",
            Curve::P384 => "ECDSA-secp384r1-SHA256",
            Curve::BrainpoolP256r1 => "ECDSA-brainpool256r1-SHA256",
            Curve::BrainpoolP384r1 => "ECDSA-brainpool384r1-SHA256",
            Curve::Secp224k1 => "ECDSA-secp224k1-SHA256",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.sa())
    }
}
