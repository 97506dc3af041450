"""Transports: signed values out of OCPP messages and logs, transparency-software
XML, PTB containers and hex text (:func:`extract`), and back to XML (:func:`to_xml`).

Detection, decoding, grouping and the XML writer are the core's
(``ocmf_core::transport``); records are kept byte-exact as signed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Optional, Tuple, Union

from . import _ocmf
from ._errors import InvalidArgumentError, TransportError, error_class_for_code
from ._ocmf import FormatResult, Key
from ._registry import Registry, native_registry
from ._format_session import FormatSessionResult
from ._session import SessionResult

__all__ = [
    "Extraction",
    "ExtractionIssue",
    "Group",
    "GroupSession",
    "SignedValue",
    "TRANSPORTS",
    "extract",
    "to_xml",
]

KeyInput = Union[str, bytes, Key, None]
ExtractInput = Union[str, bytes, bytearray, memoryview, "os.PathLike[str]"]

TRANSPORTS: Tuple[str, ...] = tuple(_ocmf.TRANSPORTS)
"""The names :attr:`SignedValue.transport` takes."""


@dataclass(frozen=True)
class SignedValue:
    """One signed value found in the input.

    ``record`` is the OCMF record text byte-exact as signed; ``public_key``
    the key text carried with it (OCPP ``publicKey``, XML ``<publicKey>``),
    ready for :func:`ocmf.verify`. ``line``, ``message_id`` and ``action``
    tell where it came from; ``evse_id``, ``token``, ``billed_kwh`` and
    ``plain_data`` are what an OCPI or OICP charge detail record says
    about it.
    """

    record: str
    public_key: Optional[str] = None
    transport: str = "plain"
    """How it was carried, one of :data:`TRANSPORTS`."""
    station: Optional[str] = None
    transaction_id: Optional[str] = None
    transaction_inferred: bool = False
    """Whether ``transaction_id`` was inferred from the open transaction rather than carried."""
    evse: Optional[int] = None
    connector: Optional[int] = None
    context: Optional[str] = None
    """The OCPP ``ReadingContext`` (or XML ``context``), e.g. ``Transaction.Begin``."""
    timestamp: Optional[str] = None
    """The OCPP meter-value timestamp as carried."""
    line: Optional[int] = None
    message_id: Optional[str] = None
    action: Optional[str] = None
    evse_id: Optional[str] = None
    """The EVSE id as text (OCPI ``cdr_location.evse_id``, OICP ``EvseID``)."""
    token: Optional[str] = None
    """The token that started the session (OCPI ``cdr_token.uid``, OICP ``Identification``)."""
    billed_kwh: Optional[Decimal] = None
    """The energy the CDR bills, in kWh, exactly as written (never a float)."""
    plain_data: Optional[str] = None
    """What the CDR shows as the value's plain text (OCPI ``plain_data``)."""
    format: Optional[str] = None
    """None for OCMF, else the other format (``ALFEN``, ``EDL40``, ...): then
    ``record`` is the value text its reader reads (:func:`ocmf.verify_format`)."""


@dataclass(frozen=True)
class ExtractionIssue:
    """Something in the input that could not be read (the value is skipped, the rest goes on).

    ``code`` is 805 ``transport_format``, 806 ``xml_format``, 807
    ``unsupported_encoding`` (a CDR's signed value in an encoding other than
    OCMF; that CDR is skipped), 102 ``not_utf8`` or 103 ``too_large``;
    ``line`` is 1-based when known.
    """

    code: int
    name: str
    line: Optional[int]
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.name}: {self.message}"


@dataclass(frozen=True)
class Group:
    """The values of one charging session (or of one meter outside any transaction)."""

    station: Optional[str]
    transaction_id: Optional[str]
    evse: Optional[int]
    """The EVSE (OCPP 1.6: connector)."""
    values: Tuple[int, ...]
    """Indices into :attr:`Extraction.values`, in session order."""
    evse_id: Optional[str] = None
    """The EVSE id as text (a CDR's), from the first value that has one."""
    token: Optional[str] = None
    """The token (a CDR's), from the first value that has one."""


class GroupSession:
    """One group of an extraction and its session verdict: ``verdict`` is the
    group's (the OCMF session's ``result``, the ``format_session`` of its
    values in other formats, or the worse of the two)."""

    __slots__ = (
        "station",
        "transaction_id",
        "evse",
        "evse_id",
        "token",
        "values",
        "result",
        "formats",
        "format_session",
        "verdict",
        "_json",
    )

    station: Optional[str]
    transaction_id: Optional[str]
    evse: Optional[int]
    evse_id: Optional[str]
    token: Optional[str]
    values: Tuple[int, ...]
    result: SessionResult
    formats: Tuple[Tuple[int, "FormatResult"], ...]
    """The format check of each value in another format: ``(value index, result)``."""
    format_session: Optional["FormatSessionResult"]
    """The group's values in other formats checked as one session (None when it has none)."""
    verdict: str
    """The group's verdict: ``valid``, ``incomplete``, ``invalid`` or ``malformed``."""

    def __init__(
        self,
        station: Optional[str],
        transaction_id: Optional[str],
        evse: Optional[int],
        values: Tuple[int, ...],
        result: SessionResult,
        json_text: str,
        evse_id: Optional[str] = None,
        token: Optional[str] = None,
        formats: Tuple[Tuple[int, "FormatResult"], ...] = (),
        format_session: Optional["FormatSessionResult"] = None,
        verdict: Optional[str] = None,
    ) -> None:
        self.formats = formats
        self.format_session = format_session
        self.verdict = verdict if verdict is not None else result.verdict
        self.station = station
        self.transaction_id = transaction_id
        self.evse = evse
        self.evse_id = evse_id
        self.token = token
        self.values = values
        self.result = result
        self._json = json_text

    @property
    def group(self) -> Group:
        """The group alone."""
        return Group(
            station=self.station,
            transaction_id=self.transaction_id,
            evse=self.evse,
            values=self.values,
            evse_id=self.evse_id,
            token=self.token,
        )

    def to_json(self) -> str:
        """The core's JSON ``{station, transaction_id, evse, evse_id, token, values, report, formats, format_session, verdict}`` (one element of the CLI's ``sessions``)."""
        return self._json

    def __repr__(self) -> str:
        return (
            f"GroupSession(station={self.station!r}, transaction_id={self.transaction_id!r},"
            f" evse={self.evse!r}, verdict={self.verdict!r}, result={self.result!r})"
        )


def _group(g: _ocmf.GroupInfo) -> Group:
    return Group(
        station=g.station,
        transaction_id=g.transaction_id,
        evse=g.evse,
        values=tuple(g.values),
        evse_id=g.evse_id,
        token=g.token,
    )


class Extraction:
    """Everything :func:`extract` found: the detected ``format``, the signed
    ``values`` in input order, the ``errors`` (one :class:`ExtractionIssue`
    per thing that could not be read), the number of ``duplicates`` dropped
    and whether the input started with a UTF-8 ``byte_order_mark``.
    """

    __slots__ = ("_native", "format", "values", "errors", "duplicates", "byte_order_mark")

    format: str
    """``ocmf-text``, ``hex-text``, ``ocpp-message``, ``ocpp-log``, ``tps-xml``, ``ptb-json``, ``ocpi-cdr``,
    ``oicp-cdr``, ``empty`` or ``unknown``."""
    values: Tuple[SignedValue, ...]
    errors: Tuple[ExtractionIssue, ...]
    duplicates: int
    byte_order_mark: bool
    """True when the input started with a UTF-8 byte-order mark (read as without it)."""

    def __init__(self, native: _ocmf.Extraction) -> None:
        self._native = native
        self.format = native.format
        self.duplicates = native.duplicates
        self.byte_order_mark = native.byte_order_mark
        self.values = tuple(
            SignedValue(
                record=v.record,
                public_key=v.public_key,
                transport=v.transport,
                station=v.station,
                transaction_id=v.transaction_id,
                transaction_inferred=v.transaction_inferred,
                evse=v.evse,
                connector=v.connector,
                context=v.context,
                timestamp=v.timestamp,
                line=v.line,
                message_id=v.message_id,
                action=v.action,
                evse_id=v.evse_id,
                token=v.token,
                billed_kwh=None if v.billed_kwh is None else Decimal(v.billed_kwh),
                plain_data=v.plain_data,
                format=v.format,
            )
            for v in native.values()
        )
        self.errors = tuple(
            ExtractionIssue(code=e.code, name=e.name, line=e.line, message=e.message) for e in native.errors()
        )

    def groups(self) -> list[Group]:
        """The values sorted into sessions: one group per (station, transaction),
        plus one per (station, EVSE) for values outside any transaction."""
        return [_group(g) for g in self._native.groups()]

    def sessions(
        self,
        key: KeyInput = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
        *,
        backend: str = "auto",
    ) -> list[GroupSession]:
        """Every group evaluated as one charging session (each value's carried
        key goes with it; its OCPP message id is the record label).

        ``key``, ``registry`` and ``backend`` as for :func:`ocmf.evaluate_session`.
        """
        out = []
        for g in self._native.sessions(key, native_registry(registry), profile, lang, backend=backend):
            group, session = g.group, g.session
            out.append(
                GroupSession(
                    station=group.station,
                    transaction_id=group.transaction_id,
                    evse=group.evse,
                    values=tuple(group.values),
                    result=SessionResult(session.verdict, session.code, session.json),
                    json_text=g.json,
                    evse_id=group.evse_id,
                    token=group.token,
                    formats=tuple(g.formats),
                    format_session=(
                        None
                        if g.format_session is None
                        else FormatSessionResult(g.format_session.verdict, g.format_session.code, g.format_session.json)
                    ),
                    verdict=g.verdict,
                )
            )
        return out

    def sessions_json(
        self,
        key: KeyInput = None,
        registry: Optional[Registry] = None,
        profile: str = "interop",
        lang: str = "en",
        *,
        backend: str = "auto",
    ) -> str:
        """``{"extraction": …, "sessions": […]}``: the core's JSON, as ``ocmf extract --json`` prints it."""
        return self._native.sessions_json(key, native_registry(registry), profile, lang, backend=backend)

    def to_xml(self) -> str:
        """The values as the reference transparency software's XML (which :func:`extract` reads back)."""
        return self._native.to_xml()

    def to_json(self) -> str:
        """The core's JSON ``{format, values, errors, duplicates, groups}`` (``ocmf convert --to json``)."""
        return self._native.to_json()

    def raise_for_errors(self) -> "Extraction":
        """Returns ``self`` when everything could be read, else raises the first
        error as :class:`TransportError` (805/806/807) or the matching :class:`OcmfError`."""
        if not self.errors:
            return self
        e = self.errors[0]
        cls = error_class_for_code(e.code)
        if cls is TransportError:
            raise TransportError(str(e), e.code, e.line)
        raise cls(str(e), e.code)

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return (
            f"<ocmf.Extraction format={self.format!r} values={len(self.values)}"
            f" errors={len(self.errors)} duplicates={self.duplicates}>"
        )


def extract(data: ExtractInput) -> Extraction:
    """Detects the input format and extracts every signed value.

    ``data`` is the input itself (``str``, or ``bytes`` that must be UTF-8)
    or a **path object** (``pathlib.Path``, any ``os.PathLike``) to read; a
    plain ``str`` is always input text, never a file name. Accepted inputs:
    OCMF records one per line (also hex-encoded), one OCPP 1.6/2.0.1/2.1
    message or an OCPP-J log, the transparency software's XML, the PTB
    container JSON, OCPI 2.2.1/2.3 and OICP 2.3 charge detail records (one
    CDR, a page of them, or JSON Lines).

    Never raises for bad input: what cannot be read is listed in
    :attr:`Extraction.errors` with its line (use
    :meth:`Extraction.raise_for_errors` to raise instead). Raises
    :class:`OSError` when a path cannot be read and
    :class:`InvalidArgumentError` for another argument type.
    """
    if isinstance(data, os.PathLike):
        with open(data, "rb") as f:
            # One byte more than the core reads, so that it reports the size.
            raw: Union[str, bytes] = f.read(_ocmf.MAX_INPUT_BYTES + 1)
    elif isinstance(data, (str, bytes)):
        raw = data
    elif isinstance(data, (bytearray, memoryview)):
        raw = bytes(data)
    else:
        raise InvalidArgumentError(
            f"data must be str, bytes or a path, not {type(data).__name__}", 702
        )
    return Extraction(_ocmf.extract(raw))


def to_xml(values: Iterable[Union[SignedValue, str]]) -> str:
    """Signed values (or bare record texts) as the reference transparency
    software's XML: ``<values><value …><signedData …>…</signedData>…</value></values>``."""
    items: list[SignedValue] = []
    for i, v in enumerate(values):
        if isinstance(v, str):
            v = SignedValue(v)
        if not isinstance(v, SignedValue):
            raise InvalidArgumentError(f"value {i}: expected a SignedValue or a record str, not {type(v).__name__}", 702)
        items.append(v)
    return _ocmf.to_xml(items)
