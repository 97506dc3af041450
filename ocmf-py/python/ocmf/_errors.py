"""Exceptions raised by :mod:`ocmf`; each carries the core's stable numeric ``code``."""

from __future__ import annotations

from typing import Any, Optional, Tuple

__all__ = [
    "OcmfError",
    "MalformedRecordError",
    "UnsupportedError",
    "InvalidKeyError",
    "SignatureError",
    "InvalidArgumentError",
    "RegistryError",
    "TransportError",
    "error_class_for_code",
]


class OcmfError(ValueError):
    """Base class of every error :mod:`ocmf` raises.

    ``code`` is the core's stable number (the same in the C, WASM and CLI
    bindings), ``code_name`` its identifier (e.g. ``"not_utf8"``).
    """

    code: int

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code

    @property
    def code_name(self) -> str:
        from ._ocmf import code_info

        info = code_info(self.code)
        return info.name if info is not None else "unknown"

    def __reduce__(self) -> tuple[type[OcmfError], tuple[Any, ...]]:
        return (type(self), (str(self), self.code))


class MalformedRecordError(OcmfError):
    """The record (envelope 1xx, payload 2xx, signature section 3xx) cannot be read."""


class UnsupportedError(OcmfError):
    """The record or call asks for something not supported (4xx: algorithm, format version, curve)."""


class InvalidKeyError(OcmfError):
    """A public key (5xx) or secret key (705) cannot be read or used."""


class SignatureError(OcmfError):
    """The signature does not verify (600).

    Only raised by :func:`ocmf.verify_strict` and
    :meth:`ocmf.VerifyResult.raise_for_verdict`; :func:`ocmf.verify` returns
    the verdict instead.
    """


class InvalidArgumentError(OcmfError, TypeError):
    """A caller error (7xx): wrong argument type, unknown profile, internal error."""


class RegistryError(OcmfError):
    """A key registry (JSON or CSV) cannot be read: code 802 ``registry_format``,
    or 102 ``not_utf8`` for a file that is not UTF-8 text (the core's codes).

    ``line`` and ``column`` are 1-based, ``field`` names the column or member
    concerned (``public_key``, ``valid_from`` …) when known, ``span`` is the
    byte range in the file.
    """

    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    span: Optional[Tuple[int, int]]

    def __init__(
        self,
        message: str,
        code: int = 802,
        line: Optional[int] = None,
        column: Optional[int] = None,
        field: Optional[str] = None,
        span: Optional[Tuple[int, int]] = None,
    ) -> None:
        super().__init__(message, code)
        self.line = line
        self.column = column
        self.field = field
        self.span = span

    def __reduce__(self) -> tuple[type[OcmfError], tuple[Any, ...]]:
        # Pickled with every attribute (the base class keeps only message and code).
        return (type(self), (str(self), self.code, self.line, self.column, self.field, self.span))


class TransportError(OcmfError):
    """Input that :func:`ocmf.extract` could not read: 805 ``transport_format``
    (OCPP message, container or CDR), 806 ``xml_format`` or 807
    ``unsupported_encoding`` (a CDR's signed value in an encoding other than OCMF).

    :func:`ocmf.extract` never raises it for bad input (the problems are listed
    in :attr:`ocmf.Extraction.errors`); :meth:`ocmf.Extraction.raise_for_errors`
    does. ``line`` is the 1-based input line when known.
    """

    line: Optional[int]

    def __init__(self, message: str, code: int = 805, line: Optional[int] = None) -> None:
        super().__init__(message, code)
        self.line = line

    def __reduce__(self) -> tuple[type[OcmfError], tuple[Any, ...]]:
        return (type(self), (str(self), self.code, self.line))


def error_class_for_code(code: int) -> type[OcmfError]:
    """The exception class for a core code."""
    if code == 802:
        return RegistryError
    if code in (805, 806, 807):
        return TransportError
    if 100 <= code < 400:
        return MalformedRecordError
    if 400 <= code < 500:
        return UnsupportedError
    if 500 <= code < 600 or code == 705:
        return InvalidKeyError
    if code == 600:
        return SignatureError
    if 700 <= code < 800:
        return InvalidArgumentError
    return OcmfError
