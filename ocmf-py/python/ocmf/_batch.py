"""Batch verification: any iterable, pandas Series or pyarrow array in, columns out.

Records are consumed in chunks of ``chunk_size`` (memory stays bounded for
generators); each chunk is one call of the core's batch
(``ocmf_core::Checker::verify_all``, with the registry when one is given)
without the GIL, on ``threads`` worker threads. A key given as text or bytes
is decoded once into a :class:`Key` here, so that its precomputed tables
serve every chunk; a key that signs 32 or more records of a chunk gets the
wide tables before the chunk is checked.

``progress`` (a callable, or a ``tqdm`` bar) hears about the work at chunk
boundaries only, never per record, so it costs nothing measurable.
"""

from __future__ import annotations

import importlib
import os
import sys
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, List, NamedTuple, Optional, Protocol, Union, overload

from . import _ocmf
from ._errors import InvalidArgumentError, OcmfError
from ._ocmf import Key
from ._registry import Registry, native_registry

__all__ = [
    "BatchRow",
    "TrustedBatchRow",
    "iter_verify",
    "verify_many",
    "COLUMNS",
    "TRUSTED_COLUMNS",
    "Progress",
    "ProgressBar",
]

KeyInput = Union[str, bytes, Key, None]


class ProgressBar(Protocol):
    """What ``progress=`` uses of a bar such as ``tqdm``: ``update(n)`` (and,
    when there, a ``total`` attribute that is None until known, and ``refresh()``)."""

    def update(self, n: int) -> object: ...


Progress = Union[Callable[[int, Optional[int]], object], ProgressBar, None]
"""A ``progress=`` argument: ``callback(done, total)`` (``total`` None while
the number of records is unknown), or a :class:`ProgressBar` such as a
``tqdm`` bar."""
_END = object()


class BatchRow(NamedTuple):
    """One record's summary in a batch."""

    verdict: str
    code: int
    signature_valid: Optional[bool]
    algorithm: Optional[str]


class TrustedBatchRow(NamedTuple):
    """One record's summary in a batch checked against a registry (``registry=``):
    the :class:`BatchRow` fields, then the key decision.

    A type of its own rather than two more :class:`BatchRow` fields, so that
    rows of batches without a registry stay the 4-tuples they always were
    (unpacking, ``tuple(row)``, ``pandas.DataFrame(rows)``).
    """

    verdict: str
    code: int
    signature_valid: Optional[bool]
    algorithm: Optional[str]
    trust: str
    """``trusted``, ``untrusted``, ``mismatch``, ``expired`` or ``unknown``
    (:attr:`ocmf.Trust.status` of ``ocmf.verify(record, key, registry=registry)``)."""
    key_fingerprint: Optional[str]
    """Fingerprint of the key the record was verified with (``ocmf.Key.fingerprint``), or None."""


COLUMNS: tuple[str, ...] = BatchRow._fields
"""The columns of a batch (the fields of :class:`BatchRow`, read by name from the native columns)."""
TRUSTED_COLUMNS: tuple[str, ...] = TrustedBatchRow._fields
"""The columns of a batch checked with ``registry=`` (the fields of :class:`TrustedBatchRow`)."""


def _default_threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _chunks(records: Any, chunk_size: int) -> Iterator[List[Any]]:
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(records, (pa.Array, pa.ChunkedArray)):
        parts = records.chunks if isinstance(records, pa.ChunkedArray) else [records]
        for part in parts:
            for off in range(0, len(part), chunk_size):
                yield part.slice(off, chunk_size).to_pylist()
        return
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(records, (pd.Series, pd.Index)):
        values = records.to_numpy(dtype=object, na_value=None)
        for off in range(0, len(values), chunk_size):
            yield values[off : off + chunk_size].tolist()
        return
    if isinstance(records, (str, bytes, bytearray)):
        raise InvalidArgumentError("records must be an iterable of records, not a single record", 702)
    try:
        it = iter(records)
    except TypeError:
        raise InvalidArgumentError(
            f"records must be iterable, not {type(records).__name__}", 702
        ) from None
    while True:
        chunk = list(islice(it, chunk_size))
        if not chunk:
            return
        yield chunk


def _decode_once(key: Any, cache: dict[Any, Any]) -> Any:
    """A :class:`Key` for text/bytes keys that decode (the core reads both
    the same way); the raw value otherwise, so that the core reports the key
    error (or, for a blank key, uses the record's own key) as for one record."""
    if key is None or isinstance(key, Key):
        return key
    if isinstance(key, (str, bytes)):
        try:
            return cache[key]
        except KeyError:
            pass
        try:
            decoded: Any = Key(key)
        except OcmfError:
            decoded = key
        if len(cache) < 4096:
            cache[key] = decoded
        return decoded
    return key  # the native layer raises InvalidArgumentError


def _total(records: Any) -> Optional[int]:
    """The number of records when the input knows it (a list, Series, Arrow array), else None."""
    try:
        return len(records)
    except TypeError:  # a generator or iterator
        return None


def _reporter(progress: Progress) -> Optional[Callable[[int, Optional[int]], object]]:
    """``report(done, total)`` for a ``progress=`` argument: the callable itself,
    or the updates of a ``tqdm``-like bar (whose ``total`` is set when it has
    none and the total is known; several calls can share one bar)."""
    if progress is None or callable(progress):
        return progress
    update = getattr(progress, "update", None)
    if not callable(update):
        raise InvalidArgumentError(
            "progress must be a callable (done, total) or have an update(n) method (a tqdm bar), "
            f"not {type(progress).__name__}",
            702,
        )
    shown = 0

    def bar(done: int, total: Optional[int]) -> None:
        nonlocal shown
        if total is not None and getattr(progress, "total", 0) is None:
            setattr(progress, "total", total)  # noqa: B010 - not every bar has the attribute
            refresh = getattr(progress, "refresh", None)
            if callable(refresh):
                refresh()
        if done > shown:
            update(done - shown)
            shown = done

    return bar


def _check_args(threads: Optional[int], chunk_size: int) -> int:
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidArgumentError("chunk_size must be a positive int", 702)
    if threads is None:
        return _default_threads()
    if not isinstance(threads, int) or threads < 1:
        raise InvalidArgumentError("threads must be a positive int or None", 702)
    return threads


def _column_chunks(
    records: Any,
    key: KeyInput,
    keys: Optional[Iterable[KeyInput]],
    profile: str,
    threads: Optional[int],
    chunk_size: int,
    registry: Optional[Registry],
    backend: str,
    progress: Progress = None,
) -> Iterator[list[list[Any]]]:
    """One list of columns per chunk: ``COLUMNS``, or ``TRUSTED_COLUMNS`` with a registry.

    ``progress`` is told ``(0, total)`` first, ``(done, total)`` after each
    chunk, and, when the total was unknown, ``(done, done)`` at the end."""
    workers = _check_args(threads, chunk_size)
    total = _total(records)
    report = _reporter(progress)
    native = native_registry(registry)
    names = COLUMNS if native is None else TRUSTED_COLUMNS
    cache: dict[Any, Any] = {}
    shared = _decode_once(key, cache)
    key_iter: Optional[Iterator[Any]] = None
    if keys is not None:
        key_iter = (k for part in _chunks(keys, chunk_size) for k in part)
    done = 0
    if report is not None:
        report(0, total)
    for chunk in _chunks(records, chunk_size):
        chunk_keys = None
        if key_iter is not None:
            chunk_keys = [_decode_once(k, cache) for k in islice(key_iter, len(chunk))]
        columns = _ocmf.verify_chunk(chunk, shared, chunk_keys, profile, workers, registry=native, backend=backend)
        done += len(chunk)
        if report is not None:
            report(done, total)
        yield [getattr(columns, name) for name in names]
    if key_iter is not None and next(key_iter, _END) is not _END:
        raise InvalidArgumentError("more keys than records", 702)
    if report is not None and total is None:
        report(done, done)


@overload
def iter_verify(
    records: Any,
    key: KeyInput = None,
    keys: Optional[Iterable[KeyInput]] = None,
    profile: str = "interop",
    threads: Optional[int] = None,
    chunk_size: int = 65536,
    *,
    registry: None = None,
    backend: str = "auto",
    progress: Progress = None,
) -> Iterator[BatchRow]: ...
@overload
def iter_verify(
    records: Any,
    key: KeyInput = None,
    keys: Optional[Iterable[KeyInput]] = None,
    profile: str = "interop",
    threads: Optional[int] = None,
    chunk_size: int = 65536,
    *,
    registry: Registry,
    backend: str = "auto",
    progress: Progress = None,
) -> Iterator[TrustedBatchRow]: ...
@overload
def iter_verify(
    records: Any,
    key: KeyInput = None,
    keys: Optional[Iterable[KeyInput]] = None,
    profile: str = "interop",
    threads: Optional[int] = None,
    chunk_size: int = 65536,
    *,
    registry: Optional[Registry],
    backend: str = "auto",
    progress: Progress = None,
) -> Iterator[Union[BatchRow, TrustedBatchRow]]: ...
def iter_verify(
    records: Any,
    key: KeyInput = None,
    keys: Optional[Iterable[KeyInput]] = None,
    profile: str = "interop",
    threads: Optional[int] = None,
    chunk_size: int = 65536,
    *,
    registry: Optional[Registry] = None,
    backend: str = "auto",
    progress: Progress = None,
) -> Iterator[Union[BatchRow, TrustedBatchRow]]:
    """Yields one :class:`BatchRow` per record, verifying chunk by chunk (a
    generator); with ``registry`` one :class:`TrustedBatchRow`; ``backend`` and
    ``progress`` as for :func:`verify_many` (``progress`` is called when a chunk
    is verified, before its rows are yielded)."""
    backend = _ocmf.backend_name(backend)
    parts = _column_chunks(records, key, keys, profile, threads, chunk_size, registry, backend, progress)
    return _rows(parts, registry)


def _rows(parts: Iterator[list[list[Any]]], registry: Optional[Registry]) -> Iterator[Any]:
    """The rows of column chunks: :class:`BatchRow`, or :class:`TrustedBatchRow` with a registry."""
    row_type = BatchRow if registry is None else TrustedBatchRow
    for cols in parts:
        for row in zip(*cols):
            yield row_type(*row)


def verify_many(
    records: Any,
    key: KeyInput = None,
    keys: Optional[Iterable[KeyInput]] = None,
    profile: str = "interop",
    threads: Optional[int] = None,
    chunk_size: int = 65536,
    as_: Optional[str] = None,
    *,
    registry: Optional[Registry] = None,
    backend: str = "auto",
    progress: Progress = None,
) -> Any:
    """Verifies many records; returns the columns ``verdict``, ``code``,
    ``signature_valid``, ``algorithm`` (and with ``registry`` also ``trust``
    and ``key_fingerprint``).

    ``records``: any iterable of str/bytes (None counts as an empty record), a
    pandas Series, or a pyarrow (Large)String/Binary Array or ChunkedArray.
    ``key``: one key for all records; ``keys``: one key per record (parallel
    iterable; overrides ``key``). ``threads``: worker threads per chunk
    (default: the available cores; ``1`` checks on the calling thread). The
    GIL is released while a chunk is checked. ``as_``: ``"arrow"`` (a ``pyarrow.Table``,
    the default when pyarrow is installed), ``"pandas"`` (a DataFrame) or
    ``"list"`` (a list of :class:`BatchRow`, the default without pyarrow).

    ``registry`` (an :class:`ocmf.Registry`): every record is checked as
    ``ocmf.verify(record, key, registry=registry)`` checks it (the core's
    batch with the registry): the key registered for the record's meter is
    used, and ``key``/``keys`` are the keys *carried* with the records,
    compared with the registered ones (None: the record's 4th section). The
    rows gain ``trust`` (``trusted``, ``untrusted``, ``mismatch``,
    ``expired`` or ``unknown``: :attr:`ocmf.Trust.status`) and
    ``key_fingerprint`` (the key verified with, or None); ``"list"`` then
    gives :class:`TrustedBatchRow` objects. Without a registry the output is
    what it always was.

    ``backend``: the group arithmetic (``"auto"``, ``"pure-rust"``,
    ``"native"``, ``"reference"``), as for :func:`ocmf.verify`; the rows are
    the same on every backend. An unknown name raises
    :class:`InvalidArgumentError` (702) before any record is read.

    ``progress``: ``callback(done, total)``, called at chunk boundaries (never
    per record): ``(0, total)`` first, then after each verified chunk; ``total``
    is ``len(records)``, or None for an input without a length (a generator),
    in which case a last call ``(done, done)`` follows the last chunk. So the
    last call always has ``done == total``. Or an object with ``update(n)``,
    such as a ``tqdm`` bar: it is advanced by each chunk's records (and its
    ``total`` set when known). An exception raised by the callback stops the
    batch and propagates.
    """
    backend = _ocmf.backend_name(backend)
    if as_ is None:
        try:
            importlib.import_module("pyarrow")
        except ImportError:
            as_ = "list"
        else:
            as_ = "arrow"
    if as_ not in ("arrow", "pandas", "list"):
        raise InvalidArgumentError(f"as_ must be 'arrow', 'pandas' or 'list', not {as_!r}", 702)
    parts = _column_chunks(records, key, keys, profile, threads, chunk_size, registry, backend, progress)
    names = COLUMNS if registry is None else TRUSTED_COLUMNS
    if as_ == "list":
        return list(_rows(parts, registry))
    if as_ == "arrow":
        pa: Any = importlib.import_module("pyarrow")
        arrow_types = {
            "verdict": pa.string(),
            "code": pa.uint32(),
            "signature_valid": pa.bool_(),
            "algorithm": pa.string(),
            "trust": pa.string(),
            "key_fingerprint": pa.string(),
        }
        schema = pa.schema([(name, arrow_types[name]) for name in names])
        batches = [
            pa.RecordBatch.from_arrays(
                [pa.array(col, type=field.type) for col, field in zip(cols, schema)], schema=schema
            )
            for cols in parts
        ]
        return pa.Table.from_batches(batches, schema=schema)
    pd: Any = importlib.import_module("pandas")
    pandas_dtypes = {
        "verdict": object,
        "code": "uint32",
        "signature_valid": "boolean",
        "algorithm": object,
        "trust": object,
        "key_fingerprint": object,
    }
    columns: tuple[list[Any], ...] = tuple([] for _ in names)
    for cols in parts:
        for acc, col in zip(columns, cols):
            acc.extend(col)
    return pd.DataFrame(
        {name: pd.Series(col, dtype=pandas_dtypes[name]) for name, col in zip(names, columns)}
    )
