"""Verify OCMF (Open Charge Metering Format) records.

Python bindings for the Rust crate ``ocmf-core``::

    import ocmf
    result = ocmf.verify(record, key)
    result.verdict        # "valid" | "invalid-signature" | "malformed" | "unsupported"
    result.code           # the core's stable code (0 when valid)
    result.to_json()      # the canonical JSON report

    registry = ocmf.Registry.load(pathlib.Path("keys.csv"))   # trusted keys
    ocmf.verify(record, registry=registry).trust.status      # "trusted", "mismatch", ...
    ocmf.verify_many(records, registry=registry)             # the same per row: + trust, key_fingerprint

    extraction = ocmf.extract(pathlib.Path("central-system.log"))  # OCPP log, XML, ...
    for s in extraction.sessions(registry=registry):
        s.station, s.result.verdict, s.result.energy_kwh       # Decimal, exact

    ocmf.evaluate_session([begin, end], key=key).verdict     # "valid" | "incomplete" | ...

    r = ocmf.verify_format(alfen_value)  # Alfen, EDL40, ISA-EDL40, SML, Mennekes, PCDF, EMH, BSM, ChargePoint
    r.format, r.verdict, r.code, r.key_source, r.readings[0].value

:func:`verify`, :func:`verify_format`, :func:`evaluate_session` and :func:`extract` never raise
for bad records or input: the verdict (or ``Extraction.errors``) says what
happened. :func:`parse`, :func:`sign`, :class:`Key` and :class:`Registry`
raise :class:`OcmfError` subclasses carrying the same codes.
"""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING, Any, Optional, Union

from . import _ocmf
from ._batch import BatchRow, TrustedBatchRow, iter_verify, verify_many
from ._errors import (
    InvalidArgumentError,
    InvalidKeyError,
    MalformedRecordError,
    OcmfError,
    RegistryError,
    SignatureError,
    TransportError,
    UnsupportedError,
)
from ._ocmf import FormatErrorInfo, FormatFinding, FormatReading, FormatResult, Key
from ._registry import Registry, RegistryEntry, Trust, native_registry
from ._result import Finding, SignedRecord, VerifyResult, decimalize_payload

# Sessions and transports (evaluate_session, extract, ...) load on first use
# (PEP 562 ``__getattr__`` below): they are a quarter of the import time, and
# ``ocmf.verify`` / ``verify_many`` need neither.
if TYPE_CHECKING:
    from ._session import (
        BilledEnergy,
        Energy,
        RegisterSummary,
        SessionFinding,
        SessionRecordResult,
        SessionResult,
        SessionTime,
        evaluate_session,
    )
    from ._format_session import FormatSessionResult, FormatSessionValue, format_session
    from ._transport import (
        TRANSPORTS,
        Extraction,
        ExtractionIssue,
        Group,
        GroupSession,
        SignedValue,
        extract,
        to_xml,
    )

_LAZY = {
    **dict.fromkeys(
        ("BilledEnergy", "Energy", "RegisterSummary", "SessionFinding", "SessionRecordResult",
         "SessionResult", "SessionTime", "evaluate_session"),
        "._session",
    ),
    **dict.fromkeys(("FormatSessionResult", "FormatSessionValue", "format_session"), "._format_session"),
    **dict.fromkeys(
        ("TRANSPORTS", "Extraction", "ExtractionIssue", "Group", "GroupSession", "SignedValue",
         "extract", "to_xml"),
        "._transport",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__version__: str = _ocmf.__version__

__all__ = [
    "TRANSPORTS",
    "BatchRow",
    "BilledEnergy",
    "Energy",
    "Extraction",
    "ExtractionIssue",
    "Finding",
    "FormatErrorInfo",
    "FormatFinding",
    "FormatReading",
    "FormatResult",
    "FormatSessionResult",
    "FormatSessionValue",
    "Group",
    "GroupSession",
    "InvalidArgumentError",
    "InvalidKeyError",
    "Key",
    "MalformedRecordError",
    "OcmfError",
    "RegisterSummary",
    "Registry",
    "RegistryEntry",
    "RegistryError",
    "SessionFinding",
    "SessionRecordResult",
    "SessionResult",
    "SessionTime",
    "SignatureError",
    "SignedRecord",
    "SignedValue",
    "TransportError",
    "Trust",
    "TrustedBatchRow",
    "UnsupportedError",
    "VerifyResult",
    "__version__",
    "chargepoint_value",
    "evaluate_session",
    "extract",
    "format_session",
    "iter_verify",
    "parse",
    "sign",
    "to_xml",
    "verify",
    "verify_format",
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
    registry: Optional[Registry] = None,
    *,
    backend: str = "auto",
) -> VerifyResult:
    """Checks one record and returns its verdict; never raises for a bad record.

    ``key`` is the out-of-band public key: text (hex, base64, PEM, ``oca:``),
    raw bytes (SEC1 / SubjectPublicKeyInfo DER), a decoded :class:`Key`, or
    None (then a key in the record's 4th section is used, else the verdict
    is ``unsupported`` with code 500). ``bytes`` records are checked for size
    and UTF-8 first (code 102 for non-UTF-8). Raises
    :class:`InvalidArgumentError` (702) only for a wrong argument type or an
    unknown ``profile``/``lang``/``backend``.

    ``backend`` is the group arithmetic every signature is verified with:
    ``"auto"`` (default), ``"pure-rust"``, ``"native"`` or ``"reference"``
    (RustCrypto's own ECDSA verification). The answer is the same on all four;
    none is constant-time, nor needs to be, as the inputs are public (see
    ``docs/constant-time.md``).

    With ``registry`` (an :class:`ocmf.Registry`) the record is verified
    with the key registered for its meter; ``key`` (else a key in the
    record's 4th section) is then the key that *came with* the record and is
    compared with the registered one. The result's :attr:`~VerifyResult.trust`
    says how far the key used can be trusted and
    :attr:`~VerifyResult.key_fingerprint` names it; ``to_json()`` is the
    core's trusted report (the report plus ``trust``, ``key_fingerprint``,
    ``carried_key_fingerprint``, ``carried_key_error``, ``record_time_ms``),
    as ``ocmf verify --json --keys`` prints it.
    """
    out = _ocmf.verify(record, key, profile, lang, native_registry(registry), backend=backend)
    return VerifyResult(out.verdict, out.code, out.signature_valid, out.algorithm, out.json)


def verify_format(
    data: RecordInput,
    key: KeyInput = None,
    *,
    registry: Optional[Registry] = None,
    backend: str = "auto",
    lang: str = "en",
) -> FormatResult:
    """Checks one signed meter value in one of the other formats (Alfen,
    EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH chargeIT,
    BAUER BSM-WS36A, ChargePoint), detecting which; never raises for a bad
    value. A ChargePoint value is its two files in one JSON object:
    ``{"secrrct": <the file's text>, "signature": <secrrct.sign, hex>}``.

    ``key`` is the caller's public key (as for :func:`verify`); without one
    the key the value carries is used (it proves integrity only). With
    ``registry`` the registered key of the value's meter is used and
    :attr:`FormatResult.trust_status` says how far the key can be trusted,
    exactly as for OCMF records. A value that cannot be read is verdict
    ``malformed`` with a ``format_*`` code (and :attr:`FormatResult.error`),
    never an invalid signature. ``lang`` (``en``/``de``) is the language of
    the messages. ``to_json()`` is the core's canonical JSON, byte for byte.

    Raises :class:`InvalidArgumentError` (702) only for a wrong argument
    type or an unknown ``backend``/``lang``.
    """
    return _ocmf.verify_format(
        data, key, registry=native_registry(registry), backend=backend, lang=lang
    )


def chargepoint_value(
    secrrct: Union[str, bytes, bytearray], signature: Union[str, bytes, bytearray]
) -> str:
    """A ChargePoint value made of its two files as users have them: the
    ``secrrct`` file and its ``secrrct.sign`` (binary DER, hex or base64),
    joined by the core's rule into what :func:`verify_format` takes::

        value = ocmf.chargepoint_value(open("secrrct", "rb").read(),
                                       open("secrrct.sign", "rb").read())
        ocmf.verify_format(value, key)

    A wrong file is the check's typed answer (``malformed``, ``format_*``).
    Raises :class:`InvalidArgumentError` (702) only for an argument that is
    not str, bytes or bytearray.
    """
    return _ocmf.chargepoint_value(secrrct, signature)


def verify_strict(
    record: RecordInput,
    key: KeyInput = None,
    profile: str = "interop",
    registry: Optional[Registry] = None,
    *,
    backend: str = "auto",
) -> VerifyResult:
    """Like :func:`verify`, but raises unless the verdict is ``valid``
    (:class:`SignatureError` for a signature that does not verify).

    With ``registry`` only the signature is judged; check
    ``result.trust.is_trusted`` for the key decision."""
    return verify(record, key, profile, registry=registry, backend=backend).raise_for_verdict()


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

    ``algorithm`` is an ``SA`` value (``ECDSA-secp256r1-SHA256``, ...) or a
    curve name (``secp256r1``, ``P-256``, ``brainpoolP384r1``, ...).

    Raises :class:`UnsupportedError` (400 ``unknown_algorithm``, 401
    ``algorithm_not_in_spec``) for an unknown algorithm,
    :class:`InvalidKeyError` (705) for an unusable secret and
    :class:`MalformedRecordError` for a payload that cannot form a record.
    """
    signed = _ocmf.sign(payload, secret_hex, algorithm)
    return SignedRecord(record=signed.record, public_key=signed.public_key)
