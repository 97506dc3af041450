"""The shared base of result objects read lazily from the core's canonical JSON."""

from __future__ import annotations

import json
from typing import Any, Optional

__all__ = ["LazyReport"]


class LazyReport:
    """A verdict and code, plus the core's canonical JSON text; everything
    else is decoded from that JSON on first access (and kept).

    Subclasses add their typed properties on top of :meth:`_details`;
    :meth:`_decode` is the hook that turns the freshly parsed dict into the
    form the properties read (e.g. exact decimals).
    """

    __slots__ = ("verdict", "code", "_json", "_data")

    verdict: str
    code: int

    def __init__(self, verdict: str, code: int, json_text: str) -> None:
        self.verdict = verdict
        self.code = code
        self._json = json_text
        self._data: Optional[dict[str, Any]] = None

    def _decode(self, data: dict[str, Any]) -> dict[str, Any]:
        """Post-processes the parsed JSON once (default: unchanged)."""
        return data

    def _details(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self._decode(json.loads(self._json))
        return self._data

    @property
    def is_valid(self) -> bool:
        """Whether the verdict is ``valid``."""
        return self.verdict == "valid"

    @property
    def code_name(self) -> str:
        """The code's stable identifier, e.g. ``invalid_signature``."""
        return str(self._details()["code_name"])

    @property
    def message(self) -> str:
        """The human-readable message, in the language asked for."""
        return str(self._details()["message"])

    @property
    def profile(self) -> str:
        """The profile it was checked with."""
        return str(self._details()["profile"])

    def to_json(self) -> str:
        """The core's canonical JSON (one line), byte for byte."""
        return self._json
