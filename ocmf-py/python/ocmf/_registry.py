"""Trusted keys: :class:`Registry` (meter serial → public key) and :class:`Trust`.

The registry formats (JSON and CSV) are described in the repository's
``docs/registry-formats.md``; reading and the key decision are the core's
(``ocmf_core::registry``), this module only carries them into Python.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Optional, Tuple, Union

from . import _ocmf
from ._errors import InvalidArgumentError, RegistryError
from ._ocmf import Key

__all__ = ["Registry", "RegistryEntry", "RegistrySource", "Trust", "datetime_from_ms"]

RegistrySource = Union[str, bytes, bytearray, "os.PathLike[str]"]
"""Registry text (``str`` or UTF-8 ``bytes``) or a path (``pathlib.Path``, any ``os.PathLike``)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def datetime_from_ms(ms: int) -> datetime:
    """Milliseconds since 1970 as an aware UTC :class:`~datetime.datetime`.

    Raises :class:`OverflowError` outside the years 1–9999 that ``datetime`` can hold.
    """
    return _EPOCH + timedelta(milliseconds=ms)


@dataclass(frozen=True)
class RegistryEntry:
    """One registered key: which meter (and/or gateway) it belongs to and when it is valid."""

    meter_serial: Optional[str]
    gateway_serial: Optional[str]
    public_key: Key
    valid_from_ms: Optional[int]
    """Start of the validity window, milliseconds since 1970 UTC (inclusive), or None."""
    valid_until_ms: Optional[int]
    """End of the validity window, milliseconds since 1970 UTC (inclusive), or None."""
    source: str
    """Where the binding comes from, e.g. ``PTB key database`` (default ``registry``)."""
    line: int
    """The 1-based line of the file the entry was read from."""
    fingerprint: str
    """The key's fingerprint (the same as ``public_key.fingerprint``)."""

    @property
    def valid_from(self) -> Optional[datetime]:
        """``valid_from_ms`` as an aware UTC datetime."""
        return None if self.valid_from_ms is None else datetime_from_ms(self.valid_from_ms)

    @property
    def valid_until(self) -> Optional[datetime]:
        """``valid_until_ms`` as an aware UTC datetime."""
        return None if self.valid_until_ms is None else datetime_from_ms(self.valid_until_ms)


@dataclass(frozen=True)
class Trust:
    """How far the key a record was verified with can be trusted.

    ``status`` is ``trusted`` (the key registered for the meter, valid at the
    record's time), ``untrusted`` (the meter is not registered; the carried
    key was used), ``mismatch`` (the carried key differs from the registered
    one, which was used instead), ``expired`` (the registered key was outside
    its validity window) or ``unknown`` (no key at all). ``code`` is 0, 803
    ``key_untrusted``, 804 ``key_registry_mismatch`` or 500 ``key_missing``;
    ``key_index`` points into :attr:`Registry.entries`.
    """

    status: str
    code: int
    code_name: str
    source: Optional[str]
    key_index: Optional[int]
    message: str
    """A sentence for a driver, in the language asked for."""

    @property
    def is_trusted(self) -> bool:
        """Whether ``status`` is ``trusted``."""
        return self.status == "trusted"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Trust":
        """From the core's JSON object ``{status, code, code_name, source, key_index, message}``."""
        return cls(
            status=d["status"],
            code=d["code"],
            code_name=d["code_name"],
            source=d["source"],
            key_index=d["key_index"],
            message=d["message"],
        )


def _read_source(source: RegistrySource) -> Union[str, bytes]:
    """The registry text or bytes of ``source`` (a path is read); the core
    checks that bytes are UTF-8 and says where they are not."""
    if isinstance(source, (str, bytes)):
        return source
    if isinstance(source, os.PathLike):
        with open(source, "rb") as f:
            return f.read()
    if isinstance(source, (bytearray, memoryview)):
        return bytes(source)
    raise InvalidArgumentError(
        f"a registry must be str, bytes or a path, not {type(source).__name__}", 702
    )


def _restore(kind: str, data: Optional[Union[str, bytes]]) -> "Registry":
    """Unpickles a registry by reading its text again."""
    if data is None:
        return Registry()
    return Registry._read(data, "en", kind)


class Registry:
    """A set of trusted keys: meter (and gateway) serials mapped to public
    keys with validity windows and a source label.

    Read one with :meth:`load` (JSON or CSV, picked by the first non-blank
    character), :meth:`from_json` or :meth:`from_csv`. ``source`` is the
    text (``str`` or UTF-8 ``bytes``) or a **path object**
    (``pathlib.Path``): a plain ``str`` is always read as registry text,
    never as a file name. A file that cannot be read raises
    :class:`RegistryError` (code 802, or 102 when it is not UTF-8) with its
    ``line`` and ``column``.

    ``len(registry)`` is the number of keys; iterating yields
    :class:`RegistryEntry` objects in file order. Registries pickle (by
    their text), so they can be shipped to worker processes.
    """

    __slots__ = ("_native", "_kind", "_text", "_entries")

    _native: _ocmf.Registry
    _kind: str
    _text: Optional[Union[str, bytes]]
    _entries: Optional[Tuple[RegistryEntry, ...]]

    def __init__(self) -> None:
        """An empty registry (every key then counts as untrusted)."""
        self._native = _ocmf.Registry()
        self._kind = "load"
        self._text = None
        self._entries = None

    @classmethod
    def _read(cls, text: Union[str, bytes], lang: str, kind: str) -> "Registry":
        readers: dict[str, Callable[[Union[str, bytes], str], _ocmf.Registry]] = {
            "load": _ocmf.Registry.load,
            "json": _ocmf.Registry.from_json,
            "csv": _ocmf.Registry.from_csv,
        }
        native = readers[kind](text, lang)
        reg = cls.__new__(cls)
        reg._native = native
        reg._kind = kind
        reg._text = text
        reg._entries = None
        return reg

    @classmethod
    def _open(cls, source: RegistrySource, lang: str, kind: str) -> "Registry":
        text = _read_source(source)
        try:
            return cls._read(text, lang, kind)
        except RegistryError as e:
            # A file name given as str is read as text; say how to read the file.
            if isinstance(source, str) and "\n" not in source and len(source) < 4096 and os.path.isfile(source):
                raise RegistryError(
                    f"{e} (a str is registry text; to read the file {source!r} pass pathlib.Path({source!r}))",
                    e.code,
                    e.line,
                    e.column,
                    e.field,
                    e.span,
                ) from None
            raise

    @classmethod
    def load(cls, source: RegistrySource, *, lang: str = "en") -> "Registry":
        """Reads a registry, JSON (first non-blank character ``{`` or ``[``) or CSV.

        ``lang`` (``en``/``de``) is the language of the error message.
        """
        return cls._open(source, lang, "load")

    @classmethod
    def from_json(cls, source: RegistrySource, *, lang: str = "en") -> "Registry":
        """Reads the JSON form (``{"keys": [...]}`` or a bare array of entries)."""
        return cls._open(source, lang, "json")

    @classmethod
    def from_csv(cls, source: RegistrySource, *, lang: str = "en") -> "Registry":
        """Reads the CSV form (header ``meter_serial,public_key,...``)."""
        return cls._open(source, lang, "csv")

    @property
    def entries(self) -> Tuple[RegistryEntry, ...]:
        """Every entry in file order (``Trust.key_index`` indexes this)."""
        if self._entries is None:
            self._entries = tuple(
                RegistryEntry(
                    meter_serial=e.meter_serial,
                    gateway_serial=e.gateway_serial,
                    public_key=e.public_key,
                    valid_from_ms=e.valid_from_ms,
                    valid_until_ms=e.valid_until_ms,
                    source=e.source,
                    line=e.line,
                    fingerprint=e.fingerprint,
                )
                for e in self._native.entries()
            )
        return self._entries

    def __len__(self) -> int:
        return len(self._native)

    def __iter__(self) -> Iterator[RegistryEntry]:
        return iter(self.entries)

    def __getitem__(self, index: int) -> RegistryEntry:
        return self.entries[index]

    def __reduce__(
        self,
    ) -> Tuple[Callable[[str, Optional[Union[str, bytes]]], "Registry"], Tuple[str, Optional[Union[str, bytes]]]]:
        return (_restore, (self._kind, self._text))

    def __repr__(self) -> str:
        return f"<ocmf.Registry with {len(self)} keys>"


def native_registry(registry: Optional[Registry]) -> Optional[_ocmf.Registry]:
    """The native registry of a ``registry=`` argument."""
    if registry is None:
        return None
    if isinstance(registry, Registry):
        return registry._native
    raise InvalidArgumentError(
        f"registry must be an ocmf.Registry or None, not {type(registry).__name__}"
        " (read one with ocmf.Registry.load)",
        702,
    )
