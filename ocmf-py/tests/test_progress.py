"""The ``progress=`` argument of verify_many / iter_verify: called at chunk
boundaries with (done, total), monotonic, ending at done == total; a tqdm
bar works as the argument."""

from __future__ import annotations

import io
from typing import Any, Optional

import pyarrow as pa
import pytest

import ocmf

from conftest import signed_set


class Calls:
    """A fake progress callback that records what it was told."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, Optional[int]]] = []

    def __call__(self, done: int, total: Optional[int]) -> None:
        self.calls.append((done, total))

    def check(self, n: int, chunk_size: int, known: bool) -> None:
        boundaries = list(range(0, n, chunk_size))[1:] + [n]
        if known:
            want = [(0, n)] + [(b, n) for b in boundaries if n]
        else:
            want = [(0, None)] + [(b, None) for b in boundaries if n] + [(n, n)]
        assert self.calls == want
        dones = [d for d, _ in self.calls]
        assert dones == sorted(dones)
        assert self.calls[-1] == (n, n)


@pytest.mark.parametrize("as_", ["arrow", "pandas", "list"])
@pytest.mark.parametrize("kind", ["list", "generator", "arrow"])
def test_verify_many_reports_each_chunk(corpus: list[dict[str, Any]], kind: str, as_: str) -> None:
    texts = [v["ocmf"] for v in corpus]
    records: Any = {"list": texts, "generator": iter(texts), "arrow": pa.array(texts)}[kind]
    calls = Calls()
    out = ocmf.verify_many(records, keys=[v["public_key"] for v in corpus], chunk_size=40, as_=as_, progress=calls)
    assert len(out) == len(texts)
    calls.check(len(texts), 40, known=kind != "generator")


def test_iter_verify_reports_before_the_rows_of_a_chunk() -> None:
    records, key, tampered = signed_set(25, "a1" * 32)
    calls = Calls()
    it = ocmf.iter_verify(iter(records), key=key, chunk_size=10, progress=calls)
    assert calls.calls == []  # a generator: nothing runs before the first row is asked for
    rows = [next(it)]
    assert calls.calls == [(0, None), (10, None)]
    rows += list(it)
    calls.check(25, 10, known=False)
    assert [r.verdict for r in rows] == ["invalid-signature" if i in tampered else "valid" for i in range(25)]


def test_empty_input_and_exact_multiple() -> None:
    calls = Calls()
    assert ocmf.verify_many([], as_="list", progress=calls) == []
    assert calls.calls == [(0, 0)]
    calls = Calls()
    list(ocmf.iter_verify(iter([]), progress=calls))
    assert calls.calls == [(0, None), (0, 0)]
    calls = Calls()
    ocmf.verify_many(["x"] * 30, chunk_size=10, as_="list", progress=calls)
    calls.check(30, 10, known=True)


def test_with_a_registry() -> None:
    records, key, _ = signed_set(12, "a2" * 32, serial="REG-1")
    registry = ocmf.Registry.load(f'[{{"meter_serial": "REG-1", "public_key": "{key}"}}]')
    calls = Calls()
    rows = ocmf.verify_many(records, registry=registry, chunk_size=5, as_="list", progress=calls)
    assert {r.trust for r in rows} == {"trusted"}
    calls.check(12, 5, known=True)


def test_a_callback_that_raises_stops_the_batch() -> None:
    seen: list[int] = []

    def stop(done: int, total: Optional[int]) -> None:
        seen.append(done)
        if done >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ocmf.verify_many(["x"] * 100, chunk_size=10, progress=stop)
    assert seen == [0, 10, 20]


def test_a_bad_progress_argument() -> None:
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(["x"], progress=42)


class FakeBar:
    """What verify_many uses of a tqdm bar: ``total``, ``update``, ``refresh``."""

    def __init__(self, total: Optional[int] = None) -> None:
        self.total = total
        self.n = 0
        self.updates: list[int] = []

    def update(self, k: int) -> None:
        self.updates.append(k)
        self.n += k

    def refresh(self) -> None:
        pass


def test_a_bar_object_is_advanced_per_chunk() -> None:
    bar = FakeBar()
    ocmf.verify_many(["x"] * 25, chunk_size=10, progress=bar)
    assert (bar.total, bar.n, bar.updates) == (25, 25, [10, 10, 5])
    # A bar shared by two calls keeps its own total and counts both.
    shared = FakeBar(total=40)
    ocmf.verify_many(["x"] * 25, chunk_size=10, progress=shared)
    list(ocmf.iter_verify(iter(["x"] * 15), chunk_size=10, progress=shared))
    assert (shared.total, shared.n) == (40, 40)


def test_tqdm() -> None:
    tqdm = pytest.importorskip("tqdm")
    out = io.StringIO()
    with tqdm.tqdm(file=out, unit="record", mininterval=0) as bar:
        table = ocmf.verify_many(["x"] * 300, chunk_size=100, progress=bar)
    assert table.num_rows == 300
    assert (bar.n, bar.total) == (300, 300)
    assert "300/300" in out.getvalue()
    out = io.StringIO()
    with tqdm.tqdm(file=out, unit="record", mininterval=0) as bar:  # unknown total
        rows = list(ocmf.iter_verify(("x" for _ in range(250)), chunk_size=100, progress=bar))
    assert len(rows) == 250 and (bar.n, bar.total) == (250, 250)
    assert "250/250" in out.getvalue()
