"""verify_many / iter_verify agree with verify, for every input kind and thread count."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

import ocmf
from ocmf import _ocmf

from conftest import P256, chunk_rows, signed_set


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


# --- the core batch (ocmf_core::batch::check_all) under verify_many -----------

def _rows(table: Any) -> list[tuple[Any, ...]]:
    return list(zip(*(table.column(c).to_pylist() for c in table.column_names)))


def _single(records: list[Any], keys: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for r, k in zip(records, keys):
        v = ocmf.verify(r if r is not None else "", k)
        out.append((v.verdict, v.code, v.signature_valid, v.algorithm))
    return out


@pytest.mark.parametrize("threads", [1, 2])
def test_one_key_set_wide_tables_with_tampered_records(threads: int) -> None:
    # 48 records >= 32 under one key: the batch builds the key's wide tables.
    records, key, tampered = signed_set(48, "11" * 32)
    want = _single(records, [key] * len(records))
    assert [w[0] for w in want] == [
        "invalid-signature" if i in tampered else "valid" for i in range(len(records))
    ]
    decoded = ocmf.Key(key)
    for shared in (key, decoded):
        assert _rows(ocmf.verify_many(records, key=shared, threads=threads, chunk_size=1000)) == want
    # Per-record keys: text, a decoded Key, and the native call with text
    # (the core decodes the text once for the whole chunk).
    assert _rows(ocmf.verify_many(records, keys=[key] * len(records), threads=threads)) == want
    assert _rows(ocmf.verify_many(records, keys=[decoded] * len(records), threads=threads)) == want
    native = _ocmf.verify_chunk(records, None, [key] * len(records), "interop", threads)
    assert chunk_rows(native) == want
    native = _ocmf.verify_chunk(records, key, None, "interop", threads)
    assert chunk_rows(native) == want
    # Several profiles go through the same options.
    for profile in ("strict", "reference"):
        got = ocmf.verify_many(records, key=key, threads=threads, profile=profile, as_="list")
        assert [(r.verdict, r.code) for r in got] == [
            (v.verdict, v.code) for v in (ocmf.verify(r, key, profile=profile) for r in records)
        ]


def test_every_corpus_record_through_the_native_batch_with_key_text(corpus: list[dict[str, Any]]) -> None:
    # verify_many decodes text keys into Key objects first; the native call
    # with text keys exercises the core's own key-text decoding (BatchKey::Text).
    texts = [v["ocmf"] for v in corpus]
    keys = [v["public_key"] for v in corpus]
    want = _single(texts, keys)
    for threads in (1, 2):
        got = _ocmf.verify_chunk(texts, None, keys, "interop", threads)
        assert chunk_rows(got) == want
        got = _ocmf.verify_chunk([t.encode() for t in texts], None, keys, "interop", threads)
        assert chunk_rows(got) == want


@pytest.mark.parametrize("threads", [1, 2])
def test_bad_utf8_and_oversize_records(threads: int) -> None:
    records, key, _ = signed_set(40, "22" * 32)
    bad: list[Any] = [
        b'OCMF|{"FV":"\xc3\x28"}|{}',  # bytes, not UTF-8
        "OCMF|{\udc80}|{}",  # str with a lone surrogate: no UTF-8 form
        "x" * 70000,  # over the record size limit
        b"x" * 70000,
        b"\xff" * 70000,
        "\ud800" * 70000,
        records[0].encode(),
        None,
    ]
    mixed = records[:20] + bad + records[20:]
    want = _single(mixed, [key] * len(mixed))
    codes = {w[1] for w in want[20:28]}
    assert {102, 101} <= codes  # not_utf8 and too_large are among them
    assert want[21][1] == 102 and want[22][1] == 101
    for shared in (key, ocmf.Key(key)):
        assert _rows(ocmf.verify_many(mixed, key=shared, threads=threads)) == want
    got = _ocmf.verify_chunk(mixed, key, None, "interop", threads)
    assert chunk_rows(got) == want


@pytest.mark.parametrize("threads", [1, 2])
def test_bad_key_text_shared_by_many_records(threads: int) -> None:
    records, _, _ = signed_set(40, "33" * 32)
    records += ["garbage", "OCMF|{}", None]
    for bad_key in ("zz!!", "04" + "00" * 64, "", "\udc80"):
        want = _single(records, [bad_key] * len(records))
        assert {w[0] for w in want[:40]} != {"valid"}
        assert _rows(ocmf.verify_many(records, key=bad_key, threads=threads)) == want
        assert _rows(ocmf.verify_many(records, keys=[bad_key] * len(records), threads=threads)) == want
        got = _ocmf.verify_chunk(records, None, [bad_key] * len(records), "interop", threads)
        assert chunk_rows(got) == want
    bad_bytes = b"\x04" + b"\x00" * 64  # raw bytes: not a point on any curve
    want = _single(records, [bad_bytes] * len(records))
    assert _rows(ocmf.verify_many(records, key=bad_bytes, threads=threads)) == want


@pytest.mark.parametrize("threads", [1, 2])
def test_mixed_per_record_keys(threads: int) -> None:
    sets = [
        signed_set(36, "44" * 32, P256),
        signed_set(12, "55" * 48, "ECDSA-secp384r1-SHA256"),
        signed_set(7, "66" * 32, "ECDSA-brainpool256r1-SHA256"),
    ]
    decoded = [ocmf.Key(k) for _, k, _ in sets]
    records: list[Any] = []
    keys: list[Any] = []
    for i in range(max(len(s[0]) for s in sets)):
        for j, (recs, key, _) in enumerate(sets):
            if i < len(recs):
                records.append(recs[i])
                # Each key in several forms: text, decoded Key, SEC1 bytes.
                keys.append([key, decoded[j], bytes.fromhex(decoded[j].sec1_hex)][i % 3])
    # Wrong keys, no key, a bad key and a bad record among them.
    records += [sets[0][0][0], sets[1][0][0], sets[0][0][1], "garbage", b"\xff"]
    keys += [sets[1][1], decoded[0], None, sets[0][1], decoded[2]]
    want = _single(records, keys)
    assert sum(w[0] == "valid" for w in want) == sum(len(r) - len(t) for r, _, t in sets)
    assert want[-5][0] != "valid" and want[-4][0] != "valid"
    got = _rows(ocmf.verify_many(records, keys=keys, threads=threads, chunk_size=40))
    assert got == want
    got_native = _ocmf.verify_chunk(records, None, keys, "interop", threads)
    assert chunk_rows(got_native) == want


def test_key_precompute_keeps_verdicts() -> None:
    records, key, tampered = signed_set(12, "77" * 32)
    k = ocmf.Key(key)
    assert k.precompute() is None
    k.precompute()  # idempotent
    for i, r in enumerate(records):
        assert ocmf.verify(r, k).verdict == ("invalid-signature" if i in tampered else "valid")
    other = ocmf.Key(signed_set(1, "78" * 32)[1])
    other.precompute()
    assert {ocmf.verify(r, other).verdict for r in records} == {"invalid-signature"}


def test_threads_argument() -> None:
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(["x"], threads=0)
    with pytest.raises(ocmf.InvalidArgumentError):
        _ocmf.verify_chunk(["x"], None, None, "interop", 0)
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(["x"], profile="nope")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(["x", "y"], keys=["k"])
    # More threads than records, and the default (None: every core).
    recs, key, _ = signed_set(3, "88" * 32)
    want = _single(recs, [key] * 3)
    assert _rows(ocmf.verify_many(recs, key=key, threads=16)) == want
    assert _rows(ocmf.verify_many(recs, key=key, threads=None)) == want


def test_verify_many_releases_the_gil(runs_without_gil: Any) -> None:
    """While the native batch runs, another Python thread keeps running."""
    records, key, _ = signed_set(50, "99" * 32)
    big = records * 40
    k = ocmf.Key(key)
    t0 = time.perf_counter()
    _ocmf.verify_chunk(big, k, None, "interop", 1)
    alone = time.perf_counter() - t0
    if alone < 0.05:
        pytest.skip(f"the batch took {alone:.3f}s: too fast to observe")
    runs_without_gil(lambda: _ocmf.verify_chunk(big, k, None, "interop", 1), alone)
