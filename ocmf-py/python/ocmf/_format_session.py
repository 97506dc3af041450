"""Charging sessions in the other formats: :func:`format_session` and
:class:`FormatSessionResult`.

The session check is the core's (``ocmf_core::Checker::format_session``):
the same verdicts, codes and energy as an OCMF session; the result objects
here are read from the core's canonical JSON, which
:meth:`FormatSessionResult.to_json` returns unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union

from . import _ocmf
from ._errors import InvalidArgumentError
from ._ocmf import Key
from ._registry import Registry, native_registry
from ._session import SessionView

__all__ = ["FormatSessionResult", "FormatSessionValue", "format_session"]

KeyInput = Union[str, bytes, Key, None]


@dataclass(frozen=True)
class FormatSessionValue:
    """One value of a session in the other formats, as given."""

    index: int
    """Position in the input."""
    duplicate_of: Optional[int]
    """The input index of an earlier copy (the same signatures over the same bytes); this copy was left out."""
    format: Optional[str]
    verdict: str
    """The value's own verdict (as :attr:`ocmf.FormatResult.verdict`)."""
    code: str
    """The value's own code (as :attr:`ocmf.FormatResult.code`)."""
    check: dict[str, Any]
    """The value's full answer (the core's FormatCheck JSON)."""


class FormatSessionResult(SessionView):
    """The verdict on a charging session in one of the other formats:
    ``valid`` (the energy may be billed), ``incomplete``, ``invalid`` or
    ``malformed``, as for :class:`ocmf.SessionResult`.

    ``to_json()`` is the core's canonical JSON, byte for byte what the CLI
    (``ocmf session --json`` on such values) and the other bindings print.
    """

    __slots__ = ()

    @property
    def format(self) -> Optional[str]:
        """The format of the first value that could be read, e.g. ``ALFEN``."""
        v: Optional[str] = self._details()["format"]
        return v

    @property
    def values(self) -> list[FormatSessionValue]:
        """Every value, in input order."""
        return [
            FormatSessionValue(
                index=v["index"],
                duplicate_of=v["duplicate_of"],
                format=v["check"]["format"],
                verdict=v["check"]["verdict"],
                code=v["check"]["code"],
                check=v["check"],
            )
            for v in self._details()["values"]
        ]

    def __repr__(self) -> str:
        return (
            f"FormatSessionResult(format={self.format!r}, verdict={self.verdict!r}, code={self.code},"
            f" energy_kwh={self.energy_kwh!r})"
        )


def format_session(
    values: Iterable[Union[str, bytes]],
    key: KeyInput = None,
    registry: Optional[Registry] = None,
    profile: str = "interop",
    lang: str = "en",
    *,
    backend: str = "auto",
) -> FormatSessionResult:
    """Checks the values of one charging session in one of the other formats
    (Alfen, EDL40, ISA-EDL40, SML signature-only, Mennekes, PCDF, EMH,
    BAUER) together: each as :func:`ocmf.verify_format` checks it, then one
    format, one meter and one key, exactly one start and one stop reading,
    values and times that never go back, and the energy as an exact decimal.

    ``values`` are in session order (``str`` or ``bytes`` each; a value that
    carries both its start and its stop, e.g. ISA-EDL40 or Mennekes, is a
    session alone). ``key``, ``registry``, ``profile``, ``lang`` and
    ``backend`` as for :func:`ocmf.evaluate_session`. Never raises for a bad
    value or key (the verdict says what happened: a key that cannot be read
    is every value's answer, as for :func:`ocmf.verify_format`); raises
    :class:`InvalidArgumentError` (702) only for a wrong argument.
    """
    if isinstance(values, (str, bytes, bytearray)):
        raise InvalidArgumentError("values must be an iterable of signed values, not a single value", 702)
    out = _ocmf.format_session(list(values), key, native_registry(registry), profile, lang, backend=backend)
    return FormatSessionResult(out.verdict, out.code, out.json)
