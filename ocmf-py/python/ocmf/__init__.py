"""Verify OCMF (Open Charge Metering Format) records.

Python bindings for the Rust crate ``ocmf-core``::

    import ocmf
    result = ocmf.verify(record, key)
    result.verdict        # "valid" | "invalid-signature" | "malformed" | "unsupported"
    result.code           # the core's stable code (0 when valid)
    result.to_json()      # the canonical JSON report

:func:`verify` never raises for a bad record: the verdict says what happened.
:func:`parse`, :func:`sign` and :class:`Key` raise :class:`OcmfError`
subclasses carrying the same codes.
"""

from __future__ import annotations

import json
from typing import Any, Optional, Union

from . import _ocmf
from ._batch import iter_verify, verify_many
from ._errors import (
    InvalidArgumentError,
    InvalidKeyError,
    MalformedRecordError,
    OcmfError,
    SignatureError,
    UnsupportedError,
)
from ._ocmf import Key
from ._result import Finding, SignedRecord, VerifyResult, decimalize_payload

__version__: str = _ocmf.__version__

__all__ = [
    "Finding",
    "InvalidArgumentError",
    "InvalidKeyError",
    "Key",
    "MalformedRecordError",
    "OcmfError",
    "SignatureError",
    "SignedRecord",
    "UnsupportedError",
    "VerifyResult",
    "__version__",
    "iter_verify",
    "parse",
    "sign",
    "verify",
    "verify_many",
    "verify_strict",
]

RecordInput = Union[str, bytes]
KeyInput = Union[str, bytes, Key, None]


def verify(
    record: RecordInput,
    key: KeyInput = None,
    profile: str = "interop",
    lang: str = "en",
) -> VerifyResult:
    """Checks one record and returns its verdict; never raises for a bad record.

    ``key`` is the out-of-band public key: text (hex, base64, PEM, ``oca:``),
    raw bytes (SEC1 / SubjectPublicKeyInfo DER), a decoded :class:`Key`, or
    None (then a key in the record's 4th section is used, else the verdict
    is ``unsupported`` with code 500). ``bytes`` records are checked for size
    and UTF-8 first (code 102 for non-UTF-8). Raises
    :class:`InvalidArgumentError` (702) only for a wrong argument type or an
    unknown ``profile``/``lang``.
    """
    verdict, code, signature_valid, algorithm, json_text = _ocmf.verify(record, key, profile, lang)
    return VerifyResult(verdict, code, signature_valid, algorithm, json_text)


def verify_strict(record: RecordInput, key: KeyInput = None, profile: str = "interop") -> VerifyResult:
    """Like :func:`verify`, but raises unless the verdict is ``valid``
    (:class:`SignatureError` for a signature that does not verify)."""
    return verify(record, key, profile).raise_for_verdict()


def parse(record: RecordInput) -> dict[str, Any]:
    """Reads a record without checking its signature and returns the payload
    (readable names, readings resolved, values as :class:`decimal.Decimal`).

    Raises :class:`MalformedRecordError` (or another :class:`OcmfError`) with
    the core's code when the record cannot be read.
    """
    payload = decimalize_payload(json.loads(_ocmf.parse(record)))
    assert payload is not None
    return payload


def sign(payload: str, secret_hex: str, algorithm: str = "ECDSA-secp256r1-SHA256") -> SignedRecord:
    """Signs ``payload`` (a JSON object, used byte for byte) with a secret scalar
    given as hex; returns the record and the public key (SEC1 hex).

    Raises :class:`UnsupportedError` (400/401) for an unknown algorithm,
    :class:`InvalidKeyError` (705) for an unusable secret and
    :class:`MalformedRecordError` for a payload that cannot form a record.
    """
    record, public_key = _ocmf.sign(payload, secret_hex, algorithm)
    return SignedRecord(record, public_key)
