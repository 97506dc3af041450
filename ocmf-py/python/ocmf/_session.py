"""Charging sessions: :func:`evaluate_session` and :class:`SessionResult`.

The session check is the core's (``ocmf_core::Checker::session``); the
result objects here are read from the core's canonical JSON, which
:meth:`SessionResult.to_json` returns unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime as _datetime
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple, Optional, Tuple, Union

from . import _ocmf
from ._errors import InvalidArgumentError
from ._ocmf import Key
from ._lazy import LazyReport
from ._registry import Registry, Trust, datetime_from_ms, native_registry
from ._result import decimalize_payload

if TYPE_CHECKING:
    from ._transport import SignedValue

__all__ = [
    "BilledEnergy",
    "Energy",
    "RegisterSummary",
    "SessionFinding",
    "SessionRecordResult",
    "SessionResult",
    "SessionTime",
    "SessionView",
    "evaluate_session",
]

KeyInput = Union[str, bytes, Key, None]
SessionItem = Union[
    str,
    bytes,
    "SignedValue",
    Tuple[Union[str, bytes], Union[str, bytes, Key, None]],
    Tuple[Union[str, bytes], Union[str, bytes, Key, None], Optional[str]],
]
"""One record of a session: the record alone, ``(record, carried_key)``,
``(record, carried_key, label)``, or a :class:`ocmf.SignedValue`."""


def _dec(text: Optional[str]) -> Optional[Decimal]:
    return None if text is None else Decimal(text)


@dataclass(frozen=True)
class Energy:
    """The billable energy of a session, exact (never a float)."""

    register: Optional[str]
    """The register (``RI`` as written) it was read from."""
    unit: str
    """The meter's unit, ``kWh`` or ``Wh``."""
    value: Decimal
    """End minus begin, in ``unit``."""
    kwh: Decimal
    wh: Decimal
    begin: Decimal
    end: Decimal
    cable_loss: Optional[Decimal]
    """The cumulated cable loss at the end (``CL``), in ``unit``, when stated."""


@dataclass(frozen=True)
class BilledEnergy:
    """A charge detail record's billed energy against the energy the meter signed, exact."""

    billed_kwh: Decimal
    """The energy billed, in kWh, exactly as the CDR wrote it."""
    signed_kwh: Optional[Decimal]
    """The session's signed energy in kWh, when there is one."""
    agrees: Optional[bool]
    """Whether the signed energy, rounded to the billed value's decimals, is
    the billed value (``billed_energy_mismatch`` when not); None without signed energy."""


@dataclass(frozen=True)
class RegisterSummary:
    """One billing register of the session."""

    register: Optional[str]
    compensated: bool
    unit: Optional[str]
    begin: Optional[Decimal]
    end: Optional[Decimal]
    energy_wh: Optional[Decimal]
    begin_record: Optional[int]
    end_record: Optional[int]
    end_reason: Optional[str]


@dataclass(frozen=True)
class SessionTime:
    """The begin or end time of the billing register."""

    time: str
    """``TM`` as written by the meter."""
    unix_ms: int
    time_status: str
    """The time status letter: ``U`` unknown, ``I`` informative, ``R`` relative, ``S`` synchronised."""
    record: int
    """Input index of the record it is in."""

    @property
    def datetime(self) -> _datetime:
        """``unix_ms`` as an aware UTC datetime."""
        return datetime_from_ms(self.unix_ms)


@dataclass(frozen=True)
class SessionFinding:
    """A finding about the session, with its position and both languages."""

    code: int
    name: str
    severity: str
    """``error``, ``warning`` or ``info`` under the profile; only errors decide the verdict."""
    record: Optional[int]
    """Input index of the record concerned, when one is."""
    reading: Optional[int]
    field: Optional[str]
    span: Optional[Tuple[int, int]]
    """Byte range inside that record's text."""
    detail: Optional[str]
    """A technical detail (untranslated), e.g. ``T5 -> T7``."""
    message_en: str
    message_de: str

    def message(self, lang: str = "en") -> str:
        """The driver explanation in ``en`` or ``de``."""
        if lang == "en":
            return self.message_en
        if lang == "de":
            return self.message_de
        raise InvalidArgumentError(f"unknown language {lang!r} (expected en or de)", 702)


@dataclass(frozen=True)
class SessionRecordResult:
    """One record's outcome inside a session."""

    index: int
    """Position in the input."""
    label: Optional[str]
    pagination: Optional[str]
    """``PG`` as read, e.g. ``T17``."""
    duplicate_of: Optional[int]
    """The input index of an identical earlier record (this copy was ignored)."""
    verdict: str
    """The record's own verdict (as :attr:`ocmf.VerifyResult.verdict`)."""
    code: int
    trust: Trust
    key_fingerprint: Optional[str]
    """Fingerprint of the key the record was verified with."""
    report: dict[str, Any]
    """The record's full report (the core's JSON, decimals as :class:`~decimal.Decimal`)."""


class SessionView(LazyReport):
    """What every charging session result has: the verdict, the energy, the
    times, the trust and the findings, read from the core's canonical JSON
    (:class:`SessionResult` for OCMF, :class:`ocmf.FormatSessionResult` for
    the other formats)."""

    __slots__ = ()

    @property
    def explanation(self) -> str:
        """A sentence for a driver about the verdict."""
        return str(self._details()["explanation"])

    @property
    def meter_serial(self) -> Optional[str]:
        """The meter serial (``MS``)."""
        v: Optional[str] = self._details()["meter_serial"]
        return v

    @property
    def energy(self) -> Optional[Energy]:
        """The billable energy (bill it only when the verdict is ``valid``)."""
        e = self._details()["energy"]
        if e is None:
            return None
        return Energy(
            register=e["register"],
            unit=e["unit"],
            value=Decimal(e["value"]),
            kwh=Decimal(e["kwh"]),
            wh=Decimal(e["wh"]),
            begin=Decimal(e["begin"]),
            end=Decimal(e["end"]),
            cable_loss=_dec(e["cable_loss"]),
        )

    @property
    def energy_kwh(self) -> Optional[Decimal]:
        """The energy in kWh, exactly."""
        e = self._details()["energy"]
        return None if e is None else Decimal(e["kwh"])

    @property
    def energy_wh(self) -> Optional[Decimal]:
        """The energy in Wh, exactly."""
        e = self._details()["energy"]
        return None if e is None else Decimal(e["wh"])

    @property
    def registers(self) -> list[RegisterSummary]:
        """Every billing register."""
        return [
            RegisterSummary(
                register=r["register"],
                compensated=r["compensated"],
                unit=r["unit"],
                begin=_dec(r["begin"]),
                end=_dec(r["end"]),
                energy_wh=_dec(r["energy_wh"]),
                begin_record=r["begin_record"],
                end_record=r["end_record"],
                end_reason=r["end_reason"],
            )
            for r in self._details()["registers"]
        ]

    def _time(self, which: str) -> Optional[SessionTime]:
        t = self._details()[which]
        if t is None:
            return None
        return SessionTime(time=t["time"], unix_ms=t["unix_ms"], time_status=t["time_status"], record=t["record"])

    @property
    def start(self) -> Optional[SessionTime]:
        """Begin time of the billing register."""
        return self._time("start")

    @property
    def end(self) -> Optional[SessionTime]:
        """End time of the billing register."""
        return self._time("end")

    @property
    def duration_ms(self) -> Optional[int]:
        """End minus begin, in milliseconds."""
        v: Optional[int] = self._details()["duration_ms"]
        return v

    @property
    def duration(self) -> Optional[timedelta]:
        """End minus begin."""
        ms = self.duration_ms
        return None if ms is None else timedelta(milliseconds=ms)

    @property
    def duration_seconds(self) -> Optional[Decimal]:
        """End minus begin in seconds, exactly (3 decimals)."""
        return _dec(self._details()["duration_seconds"])

    @property
    def time_status(self) -> Optional[str]:
        """The weakest time status of all billing readings (``U`` < ``I`` < ``R`` < ``S``)."""
        v: Optional[str] = self._details()["time_status"]
        return v

    @property
    def trust(self) -> Optional[str]:
        """The weakest key trust of all records (``trusted``, ``mismatch``,
        ``untrusted``, ``expired``, ``unknown``), or None without records."""
        v: Optional[str] = self._details()["trust"]
        return v

    @property
    def findings(self) -> list[SessionFinding]:
        """Every session finding, in the order found."""
        return [
            SessionFinding(
                code=f["code"],
                name=f["name"],
                severity=f["severity"],
                record=f["record"],
                reading=f["reading"],
                field=f["field"],
                span=(f["span"][0], f["span"][1]) if f["span"] is not None else None,
                detail=f["detail"],
                message_en=f["message"]["en"],
                message_de=f["message"]["de"],
            )
            for f in self._details()["findings"]
        ]

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON as a dict (decimal values stay strings, as in the JSON)."""
        d: dict[str, Any] = json.loads(self._json)
        return d


class SessionResult(SessionView):
    """The verdict on a charging session: ``valid`` (the energy may be
    billed), ``incomplete`` (something needed is missing), ``invalid``
    (something is wrong) or ``malformed`` (nothing could be checked).

    ``to_json()`` is the core's canonical JSON, byte for byte what the CLI
    (``ocmf session --json``) and the other bindings print. The typed
    attributes are read from it on first access.
    """

    __slots__ = ()

    @property
    def gateway_serial(self) -> Optional[str]:
        """The gateway serial (``GS``)."""
        v: Optional[str] = self._details()["gateway_serial"]
        return v

    @property
    def identification_level(self) -> Optional[str]:
        """``IL`` of the first record stating one."""
        v: Optional[str] = self._details()["identification_level"]
        return v

    @property
    def billed(self) -> Optional[BilledEnergy]:
        """The CDR's billed energy against the signed energy; None for a
        session that does not come from a charge detail record."""
        b = self._details()["billed"]
        if b is None:
            return None
        return BilledEnergy(billed_kwh=Decimal(b["billed_kwh"]), signed_kwh=_dec(b["signed_kwh"]), agrees=b["agrees"])

    @property
    def records(self) -> list[SessionRecordResult]:
        """The records, sorted by pagination (unreadable ``PG`` last)."""
        out = []
        for r in self._details()["records"]:
            rep = dict(r["report"])
            decimalize_payload(rep.get("record"))
            out.append(
                SessionRecordResult(
                    index=r["index"],
                    label=r["label"],
                    pagination=r["pagination"],
                    duplicate_of=r["duplicate_of"],
                    verdict=rep["verdict"],
                    code=rep["code"],
                    trust=Trust.from_dict(rep["trust"]),
                    key_fingerprint=rep["key_fingerprint"],
                    report=rep,
                )
            )
        return out

    def __repr__(self) -> str:
        kwh = self.energy_kwh
        return f"SessionResult(verdict={self.verdict!r}, code={self.code}, energy_kwh={kwh!r}, trust={self.trust!r})"


class _SessionItems(NamedTuple):
    """The records of a session and, in parallel, their carried keys and labels."""

    records: list[Any]
    carried: list[Any]
    labels: list[Optional[str]]


def _session_items(records: Iterable[SessionItem]) -> _SessionItems:
    """Splits the accepted item shapes into parallel lists (the native layer
    reads the keys and records as the core takes them)."""
    from ._transport import SignedValue

    if isinstance(records, (str, bytes, bytearray)):
        raise InvalidArgumentError("records must be an iterable of records, not a single record", 702)
    items = _SessionItems([], [], [])
    for i, item in enumerate(records):
        record: Any
        carried: Any = None
        label: Optional[str] = None
        if isinstance(item, (str, bytes)):
            record = item
        elif isinstance(item, SignedValue):
            record, carried, label = item.record, item.public_key, item.message_id
        elif isinstance(item, tuple) and len(item) in (2, 3):
            record, carried, *rest = item
            label = rest[0] if rest else None
            if label is not None and not isinstance(label, str):
                raise InvalidArgumentError(f"session record {i}: a label must be str or None", 702)
        else:
            raise InvalidArgumentError(
                f"session record {i}: expected a record (str or bytes), (record, key[, label]) or a SignedValue,"
                f" not {type(item).__name__}",
                702,
            )
        items.records.append(record)
        items.carried.append(carried)
        items.labels.append(label)
    return items


def evaluate_session(
    records: Iterable[SessionItem],
    key: KeyInput = None,
    registry: Optional[Registry] = None,
    profile: str = "interop",
    lang: str = "en",
    *,
    backend: str = "auto",
) -> SessionResult:
    """Checks the records of one charging session against each other.

    ``records`` may come in any order (they are sorted by pagination); each
    is a record (``str`` or UTF-8 ``bytes``), a tuple ``(record,
    carried_key)`` or ``(record, carried_key, label)`` — the carried key is
    the one that came with the record, e.g. the OCPP message's
    ``publicKey`` — or a :class:`ocmf.SignedValue` from :func:`ocmf.extract`.

    ``key`` is a key for every record (compared with the registry like a
    carried key); ``registry`` the trusted keys. Never raises for bad
    records (the verdict says what happened); raises
    :class:`InvalidArgumentError` for a wrong argument, :class:`InvalidKeyError`
    for an unreadable ``key`` and :class:`MalformedRecordError` (102) for a
    ``bytes`` record that is not UTF-8. ``backend`` as for :func:`ocmf.verify`.
    """
    items = _session_items(records)
    out = _ocmf.evaluate_session(
        items.records,
        items.carried,
        items.labels,
        key,
        native_registry(registry),
        profile,
        lang,
        backend=backend,
    )
    return SessionResult(out.verdict, out.code, out.json)
