"""Exceptions raised by :mod:`ocmf`; each carries the core's stable numeric ``code``."""

from __future__ import annotations

__all__ = [
    "OcmfError",
    "MalformedRecordError",
    "UnsupportedError",
    "InvalidKeyError",
    "SignatureError",
    "InvalidArgumentError",
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
        return info[0] if info is not None else "unknown"

    def __reduce__(self) -> tuple[type[OcmfError], tuple[str, int]]:
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


def error_class_for_code(code: int) -> type[OcmfError]:
    """The exception class for a core code."""
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
