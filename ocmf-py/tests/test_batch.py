"""verify_many / iter_verify agree with verify, for every input kind and thread count."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import ocmf


def _one_by_one(corpus: list[dict[str, Any]], keyed: bool) -> list[tuple[Any, ...]]:
    out = []
    for v in corpus:
        r = ocmf.verify(v["ocmf"], v["public_key"] if keyed else None)
        out.append((r.verdict, r.code, r.signature_valid, r.algorithm))
    return out


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("kind", ["list", "generator", "bytes", "series", "arrow", "large_arrow", "chunked"])
def test_verify_many_matches_verify(corpus: list[dict[str, Any]], kind: str, threads: int) -> None:
    texts = [v["ocmf"] for v in corpus]
    keys = [v["public_key"] for v in corpus]
    records: Any = {
        "list": texts,
        "generator": (t for t in texts),
        "bytes": [t.encode() for t in texts],
        "series": pd.Series(texts),
        "arrow": pa.array(texts, pa.string()),
        "large_arrow": pa.array(texts, pa.large_string()),
        "chunked": pa.chunked_array([texts[:100], texts[100:]], pa.string()),
    }[kind]
    # chunk_size 37 makes chunks straddle the chunked array's boundary.
    table = ocmf.verify_many(records, keys=keys, threads=threads, chunk_size=37)
    assert isinstance(table, pa.Table)
    assert table.column_names == ["verdict", "code", "signature_valid", "algorithm"]
    got = list(zip(*(table.column(c).to_pylist() for c in table.column_names)))
    assert got == _one_by_one(corpus, keyed=True)


@pytest.mark.parametrize("threads", [1, 2])
def test_output_kinds_and_shared_key(corpus: list[dict[str, Any]], threads: int) -> None:
    texts = [v["ocmf"] for v in corpus]
    want = _one_by_one(corpus, keyed=False)
    rows = ocmf.verify_many(texts, threads=threads, as_="list")
    assert [tuple(r) for r in rows] == want
    df = ocmf.verify_many(pd.Series(texts), threads=threads, as_="pandas")
    assert isinstance(df, pd.DataFrame) and len(df) == len(texts)
    assert list(df["verdict"]) == [w[0] for w in want]
    assert list(df["code"]) == [w[1] for w in want]
    assert [None if pd.isna(x) else bool(x) for x in df["signature_valid"]] == [w[2] for w in want]
    assert [tuple(r) for r in ocmf.iter_verify(iter(texts), threads=threads, chunk_size=10)] == want

    # One shared key, given as text and as a decoded Key, over records of that key.
    v0 = next(v for v in corpus if v["public_key"] and ocmf.verify(v["ocmf"], v["public_key"]).is_valid)
    same = [v for v in corpus if v["public_key"] == v0["public_key"]]
    for key in (v0["public_key"], ocmf.Key(v0["public_key"])):
        t = ocmf.verify_many([v["ocmf"] for v in same], key=key, threads=threads)
        assert t.column("verdict").to_pylist() == [ocmf.verify(v["ocmf"], v0["public_key"]).verdict for v in same]


def test_bad_shared_key_follows_verify_rules(corpus: list[dict[str, Any]]) -> None:
    texts = [v["ocmf"] for v in corpus[:50]] + ["garbage", None]
    got = ocmf.verify_many(texts, key="not a key", as_="list")
    for t, row in zip(texts, got):
        r = ocmf.verify(t if t is not None else "", "not a key")
        assert (row.verdict, row.code) == (r.verdict, r.code)
    assert got[-1].code == 100  # None is the empty record


def test_empty_and_nulls() -> None:
    t = ocmf.verify_many([], as_="arrow")
    assert t.num_rows == 0
    assert ocmf.verify_many([], as_="list") == []
    assert len(ocmf.verify_many([], as_="pandas")) == 0
    arr = pa.array(["OCMF|x", None], pa.string())
    assert [r.code for r in ocmf.verify_many(arr, as_="list")] == [ocmf.verify("OCMF|x").code, 100]


def test_streaming_is_lazy() -> None:
    consumed = 0

    def gen():
        nonlocal consumed
        for _ in range(10_000):
            consumed += 1
            yield "garbage"

    it = ocmf.iter_verify(gen(), chunk_size=100)
    first = next(it)
    assert first.code == 103
    assert consumed == 100  # only one chunk read so far
