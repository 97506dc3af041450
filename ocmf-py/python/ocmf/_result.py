"""Result objects of :func:`ocmf.verify`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, Optional, Tuple

from ._errors import (
    InvalidKeyError,
    MalformedRecordError,
    OcmfError,
    SignatureError,
    UnsupportedError,
    error_class_for_code,
)
from ._lazy import LazyReport
from ._registry import Trust

__all__ = ["Finding", "VerifyResult", "SignedRecord", "decimalize_payload"]

_DECIMAL_FIELDS = ("value", "cumulated_loss")


def decimalize_payload(payload: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """Turns the exact decimal texts of readings into :class:`decimal.Decimal` (never float)."""
    if payload is None:
        return None
    for reading in payload.get("readings") or ():
        for field in _DECIMAL_FIELDS:
            text = reading.get(field)
            if isinstance(text, str):
                reading[field] = Decimal(text)
    return payload


@dataclass(frozen=True)
class Finding:
    """One finding about a record under the chosen profile."""

    code: int
    name: str
    severity: str
    field: Optional[str]
    reading: Optional[int]
    span: Optional[Tuple[int, int]]
    message: str


class SignedRecord(NamedTuple):
    """A record made by :func:`ocmf.sign` and the public key (SEC1 hex) that verifies it."""

    record: str
    public_key: str


class VerifyResult(LazyReport):
    """The outcome of checking one record: exactly one verdict and its code.

    ``to_json()`` is the canonical JSON report, byte for byte the same as the
    CLI's and the other bindings'. The details (``findings``, ``record``,
    ``message`` …) are decoded from it on first access.
    """

    __slots__ = ("signature_valid", "algorithm")

    signature_valid: Optional[bool]
    algorithm: Optional[str]

    def __init__(
        self,
        verdict: str,
        code: int,
        signature_valid: Optional[bool],
        algorithm: Optional[str],
        json_text: str,
    ) -> None:
        super().__init__(verdict, code, json_text)
        self.signature_valid = signature_valid
        self.algorithm = algorithm

    def _decode(self, data: dict[str, Any]) -> dict[str, Any]:
        decimalize_payload(data.get("record"))
        return data

    @property
    def field(self) -> Optional[str]:
        """The field the error concerns, if any."""
        value: Optional[str] = self._details()["field"]
        return value

    @property
    def span(self) -> Optional[Tuple[int, int]]:
        """Byte range of the error in the record, if known."""
        s = self._details()["span"]
        return (s[0], s[1]) if s is not None else None

    @property
    def key_source(self) -> Optional[str]:
        """``"caller"``, ``"record"`` (a key from the record's 4th section) or None."""
        value: Optional[str] = self._details()["key_source"]
        return value

    @property
    def trust(self) -> Optional[Trust]:
        """How far the key used can be trusted (checked with ``registry=``), else None."""
        t = self._details().get("trust")
        return Trust.from_dict(t) if t is not None else None

    @property
    def key_fingerprint(self) -> Optional[str]:
        """Fingerprint of the key the record was verified with (checked with ``registry=``), else None."""
        value: Optional[str] = self._details().get("key_fingerprint")
        return value

    @property
    def carried_key_fingerprint(self) -> Optional[str]:
        """Fingerprint of the key given with the record (``key=`` or its 4th
        section), when readable (checked with ``registry=``), else None."""
        value: Optional[str] = self._details().get("carried_key_fingerprint")
        return value

    @property
    def findings(self) -> list[Finding]:
        """Findings under the profile."""
        return [
            Finding(
                code=f["code"],
                name=f["name"],
                severity=f["severity"],
                field=f["field"],
                reading=f["reading"],
                span=(f["span"][0], f["span"][1]) if f["span"] is not None else None,
                message=f["message"],
            )
            for f in self._details()["findings"]
        ]

    @property
    def record(self) -> Optional[dict[str, Any]]:
        """The parsed payload (readings' values as :class:`decimal.Decimal`), or None when unreadable."""
        value: Optional[dict[str, Any]] = self._details()["record"]
        return value

    def to_dict(self) -> dict[str, Any]:
        """The canonical report as a dict (decimal values as :class:`decimal.Decimal`)."""
        return self._details()

    def raise_for_verdict(self) -> "VerifyResult":
        """Returns ``self`` when valid, else raises the matching :class:`OcmfError` subclass."""
        if self.verdict == "valid":
            return self
        cls: type[OcmfError]
        if self.verdict == "invalid-signature":
            cls = SignatureError
        else:
            cls = error_class_for_code(self.code)
            if cls not in (MalformedRecordError, UnsupportedError, InvalidKeyError):
                cls = MalformedRecordError if self.verdict == "malformed" else UnsupportedError
        raise cls(self.message, self.code)

    def __repr__(self) -> str:
        return f"VerifyResult(verdict={self.verdict!r}, code={self.code}, algorithm={self.algorithm!r})"
