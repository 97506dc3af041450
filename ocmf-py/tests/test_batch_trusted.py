"""verify_many / iter_verify with ``registry=`` agree with ``verify(..., registry=)`` row by row.

The batch goes through the core's ``check_all_trusted``; the one-by-one
answer through ``check_trusted``. Each row (verdict, code, signature_valid,
algorithm, trust, key_fingerprint) must equal what ``ocmf.verify(record,
key, registry=registry)`` says about that record, on the corpus (a registry
built from the corpus' own keys: some meters registered with their key, some
with another meter's key, some with a window that has ended, some absent),
on the examples/ocpp demo, and on generated records.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

import pandas as pd
import pyarrow as pa
import pytest

import ocmf
from ocmf import _ocmf
from ocmf._registry import native_registry

from conftest import P256, chunk_rows, signed_set

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ocpp"
STATUSES = {"trusted", "untrusted", "mismatch", "expired", "unknown"}


def _one(record: Any, key: Any, registry: ocmf.Registry, profile: str = "interop") -> tuple[Any, ...]:
    r = ocmf.verify(record if record is not None else "", key, profile, registry=registry)
    assert r.trust is not None  # with a registry every report has a key decision
    return (r.verdict, r.code, r.signature_valid, r.algorithm, r.trust.status, r.key_fingerprint)


def _single(records: list[Any], keys: list[Any], registry: ocmf.Registry, profile: str = "interop") -> list[tuple[Any, ...]]:
    return [_one(r, k, registry, profile) for r, k in zip(records, keys)]


def _rows(table: Any) -> list[tuple[Any, ...]]:
    return list(zip(*(table.column(c).to_pylist() for c in table.column_names)))


def _key_or_none(text: Optional[str]) -> Optional[ocmf.Key]:
    try:
        return ocmf.Key(text) if text else None
    except ocmf.OcmfError:
        return None


# --- a registry built from the corpus ---------------------------------------


class CorpusRegistry:
    """Every meter (or, without `MS`, gateway) serial of the corpus, sorted; by
    position: registered with its own key, with the next serial's key
    (mismatch), with its own key and a window that ended in 2000 (expired),
    or absent."""

    def __init__(self, corpus: list[dict[str, Any]]) -> None:
        own: dict[tuple[str, str], str] = {}
        for v in corpus:
            try:
                payload = ocmf.parse(v["ocmf"])
            except ocmf.OcmfError:
                continue
            serial = ("meter_serial", payload.get("meter_serial") or "")
            if not serial[1]:
                serial = ("gateway_serial", payload.get("gateway_serial") or "")
            if serial[1] and serial not in own and _key_or_none(v.get("public_key")) is not None:
                own[serial] = v["public_key"]
        serials = sorted(own)
        entries = []
        self.kind: dict[tuple[str, str], str] = {}
        for n, serial in enumerate(serials):
            kind = ("own", "other", "expired", "absent")[n % 4]
            self.kind[serial] = kind
            if kind == "absent":
                continue
            key = own[serials[(n + 1) % len(serials)]] if kind == "other" else own[serial]
            entry = {serial[0]: serial[1], "public_key": key, "source": f"corpus {kind}"}
            if kind == "expired":
                entry["valid_until"] = "2000-01-01"
            entries.append(entry)
        self.registry = ocmf.Registry.load(json.dumps({"keys": entries}))
        assert len(self.registry) == len(entries) > 20
        self.fingerprints = {e.fingerprint for e in self.registry}


@pytest.fixture(scope="module")
def corpus_registry(corpus: list[dict[str, Any]]) -> CorpusRegistry:
    return CorpusRegistry(corpus)


def _carried(corpus: list[dict[str, Any]], form: str) -> list[Any]:
    """The corpus keys as carried keys: text, decoded Key, SEC1 bytes, or none."""
    out: list[Any] = []
    for v in corpus:
        text = v.get("public_key")
        key = _key_or_none(text)
        if form == "none":
            out.append(None)
        elif form == "text" or key is None:
            out.append(text)  # undecodable text stays text: verify's rules apply
        elif form == "key":
            out.append(key)
        else:
            out.append(bytes.fromhex(key.sec1_hex))
    return out


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("form", ["text", "key", "bytes", "none"])
def test_corpus_rows_match_verify_with_registry(
    corpus: list[dict[str, Any]], corpus_registry: CorpusRegistry, form: str, threads: int
) -> None:
    reg = corpus_registry.registry
    texts = [v["ocmf"] for v in corpus]
    keys = _carried(corpus, form)
    want = _single(texts, keys, reg)
    # chunk_size 37: several chunks, each its own core batch.
    table = ocmf.verify_many(texts, keys=keys, threads=threads, chunk_size=37, registry=reg)
    assert table.column_names == list(ocmf._batch.TRUSTED_COLUMNS)
    got = _rows(table)
    assert got == want
    statuses = {w[4] for w in want}
    if form == "none":
        # No carried keys: registered meters decide, the rest have no key
        # (or the one in their 4th section).
        assert {"trusted", "expired", "unknown"} <= statuses
    else:
        assert statuses == STATUSES, statuses
    # What the rows say, checked against the registry itself (not only against verify).
    for v, key, row in zip(corpus, keys, got):
        trust, fingerprint = row[4], row[5]
        k = _key_or_none(v["public_key"]) if form != "none" else None
        if trust in ("trusted", "mismatch", "expired"):
            assert fingerprint in corpus_registry.fingerprints
            # A mismatching carried key is never the key verified with.
            assert (trust == "mismatch") == (k is not None and fingerprint != k.fingerprint)
        elif trust == "untrusted":
            # The carried key (or the record's own) was used.
            assert fingerprint is not None and (k is None or fingerprint == k.fingerprint)
        else:
            assert fingerprint is None


def test_corpus_input_kinds_and_shared_key(corpus: list[dict[str, Any]], corpus_registry: CorpusRegistry) -> None:
    reg = corpus_registry.registry
    texts = [v["ocmf"] for v in corpus]
    keys = _carried(corpus, "text")
    want = _single(texts, keys, reg)
    for records in (
        [t.encode() for t in texts],
        pd.Series(texts),
        pa.array(texts, pa.large_string()),
        pa.chunked_array([texts[:100], texts[100:]], pa.string()),
    ):
        assert _rows(ocmf.verify_many(records, keys=pd.Series(keys), chunk_size=50, registry=reg)) == want
    # The native chunk call with key texts (the core decodes each text once).
    native = _ocmf.verify_chunk(texts, None, keys, "interop", 2, registry=native_registry(reg))
    assert chunk_rows(native) == want
    # One carried key for every record: right for some meters, wrong for the others.
    shared = next(e.public_key.sec1_hex for e in reg if e.source == "corpus own")
    want_shared = _single(texts, [shared] * len(texts), reg)
    assert {w[4] for w in want_shared} >= {"trusted", "mismatch", "untrusted"}
    for key in (shared, ocmf.Key(shared)):
        got = ocmf.verify_many(texts, key=key, threads=2, as_="list", registry=reg)
        assert [tuple(r) for r in got] == want_shared
    for profile in ("strict", "reference"):
        got = ocmf.verify_many(texts, keys=keys, profile=profile, as_="list", registry=reg)
        assert [tuple(r) for r in got] == _single(texts, keys, reg, profile)


# --- the examples/ocpp demo -------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> tuple[ocmf.Registry, list[str], list[Optional[str]]]:
    ex = ocmf.extract(EXAMPLES / "stations.log")
    return (
        ocmf.Registry.load(EXAMPLES / "registry.csv"),
        [v.record for v in ex.values],
        [v.public_key for v in ex.values],
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_demo_every_output_form(demo: tuple[ocmf.Registry, list[str], list[Optional[str]]], threads: int) -> None:
    reg, records, keys = demo
    want = _single(records, keys, reg)
    # The demo's known answers (see test_sessions.py): DEMO-0003 is absent,
    # DEMO-0004 is registered with another key.
    assert [w[4] for w in want] == ["trusted"] * 4 + ["untrusted"] * 2 + ["mismatch"] * 2 + ["trusted"]
    by_serial = {e.meter_serial: e.fingerprint for e in reg}
    for record, w in zip(records, want):
        serial = ocmf.parse(record)["meter_serial"]
        if w[4] != "untrusted":
            assert w[5] == by_serial[serial]

    table = ocmf.verify_many(records, keys=keys, threads=threads, registry=reg)
    assert isinstance(table, pa.Table)
    assert table.schema == pa.schema(
        [
            ("verdict", pa.string()),
            ("code", pa.uint32()),
            ("signature_valid", pa.bool_()),
            ("algorithm", pa.string()),
            ("trust", pa.string()),
            ("key_fingerprint", pa.string()),
        ]
    )
    assert _rows(table) == want

    rows = ocmf.verify_many(records, keys=keys, threads=threads, as_="list", registry=reg)
    assert all(type(r) is ocmf.TrustedBatchRow for r in rows)
    assert [tuple(r) for r in rows] == want
    assert [(r.trust, r.key_fingerprint) for r in rows] == [w[4:] for w in want]

    df = ocmf.verify_many(pd.Series(records), keys=keys, threads=threads, as_="pandas", registry=reg)
    assert list(df.columns) == list(ocmf._batch.TRUSTED_COLUMNS)
    assert list(df["trust"]) == [w[4] for w in want]
    assert list(df["key_fingerprint"]) == [w[5] for w in want]
    assert list(df["code"]) == [w[1] for w in want] and str(df["code"].dtype) == "uint32"

    it = ocmf.iter_verify(iter(records), keys=iter(keys), threads=threads, chunk_size=2, registry=reg)
    assert [tuple(r) for r in it] == want

    # Without the carried keys: the registered key decides; DEMO-0003 has none.
    want_bare = _single(records, [None] * len(records), reg)
    assert [w[4] for w in want_bare] == ["trusted"] * 4 + ["unknown"] * 2 + ["trusted"] * 3
    assert _rows(ocmf.verify_many(records, threads=threads, registry=reg)) == want_bare


def test_without_registry_the_output_is_unchanged(demo: tuple[ocmf.Registry, list[str], list[Optional[str]]]) -> None:
    _, records, keys = demo
    assert ocmf.verify_many(records, keys=keys).column_names == list(ocmf._batch.COLUMNS)
    rows = ocmf.verify_many(records, keys=keys, as_="list")
    assert all(type(r) is ocmf.BatchRow and len(r) == 4 for r in rows)
    verdict, code, signature_valid, algorithm = rows[0]  # 4-tuples unpack as before
    assert (verdict, code) == (rows[0].verdict, rows[0].code)
    assert list(ocmf.verify_many(records, keys=keys, as_="pandas").columns) == list(ocmf._batch.COLUMNS)
    assert all(len(r) == 4 for r in ocmf.iter_verify(records, keys=keys))
    for native in (
        _ocmf.verify_chunk(records, None, keys, "interop", 1),
        _ocmf.verify_chunk(records, None, keys, "interop", 1, registry=None),
    ):
        assert native.trust is None and native.key_fingerprint is None
        assert all(len(r) == 4 for r in chunk_rows(native)) and len(native) == len(records)
    assert ocmf.verify_many(records, keys=keys, registry=None).column_names == list(ocmf._batch.COLUMNS)


def test_empty_batches_with_registry(demo: tuple[ocmf.Registry, list[str], list[Optional[str]]]) -> None:
    reg = demo[0]
    t = ocmf.verify_many([], registry=reg)
    assert t.num_rows == 0 and t.column_names == list(ocmf._batch.TRUSTED_COLUMNS)
    assert list(ocmf.verify_many([], as_="pandas", registry=reg).columns) == list(ocmf._batch.TRUSTED_COLUMNS)
    assert ocmf.verify_many([], as_="list", registry=reg) == []
    assert ocmf.verify_many(["x"], as_="list", registry=ocmf.Registry())[0].trust == "unknown"


# --- generated records --------------------------------------------------------

def _meter(serial: str, n: int, secret: str, alg: str = P256) -> tuple[list[str], str]:
    """n records of one meter (see `signed_set`) and their key."""
    records, key, _ = signed_set(n, secret, alg, serial)
    return records, key


@pytest.fixture(scope="module")
def meters() -> dict[str, tuple[list[str], str]]:
    return {
        # 40 records: the registered key is used by >= 32 records of a chunk.
        "M-OWN": _meter("M-OWN", 40, "a1" * 32),
        "M-OTHER": _meter("M-OTHER", 12, "a2" * 32),
        "M-ABSENT": _meter("M-ABSENT", 12, "a3" * 48, "ECDSA-secp384r1-SHA256"),
        "M-OLD": _meter("M-OLD", 6, "a4" * 32),
        "M-NEW": _meter("M-NEW", 6, "a5" * 32, "ECDSA-brainpool256r1-SHA256"),
    }


@pytest.fixture(scope="module")
def meters_registry(meters: dict[str, tuple[list[str], str]]) -> ocmf.Registry:
    k = {m: key for m, (_, key) in meters.items()}
    return ocmf.Registry.load(
        "meter_serial,public_key,valid_from,valid_until,source\n"
        f"M-OWN,{k['M-OWN']},,,label\n"
        f"M-OTHER,{k['M-OWN']},,,label\n"  # another meter's key
        f"M-OLD,{k['M-OLD']},,2023-12-31,ptb\n"  # ended before the records' time
        f"M-NEW,{k['M-OWN']},,2023-12-31,ptb\n"  # rotation: old key ended,
        f"M-NEW,{k['M-NEW']},2024-01-01,,ptb\n"  # the new one valid
    )


@pytest.mark.parametrize("threads", [1, 2])
def test_generated_meters_every_key_form(
    meters: dict[str, tuple[list[str], str]], meters_registry: ocmf.Registry, threads: int
) -> None:
    records: list[Any] = []
    carried: list[Any] = []
    for n, (recs, key) in enumerate(meters.values()):
        decoded = ocmf.Key(key)
        for i, r in enumerate(recs):
            records.append(r if i % 2 else r.encode())
            carried.append([key, decoded, bytes.fromhex(decoded.sec1_hex), None, "", "  "][(i + n) % 6])
    own, own_key = meters["M-OWN"]
    other_key = meters["M-ABSENT"][1]
    bad: list[tuple[Any, Any]] = [
        (own[0], other_key),  # a wrong carried key for a registered meter
        (meters["M-ABSENT"][0][0], own_key),  # a wrong key for an unregistered meter
        (own[1], "zz!!"),  # undecodable key text
        (meters["M-ABSENT"][0][1], "zz!!"),
        (own[3], "\udc80"),  # key text without UTF-8 form
        (own[4], b"\x04" + b"\x00" * 64),  # bytes, not a point
        (b'OCMF|{"FV":"\xc3\x28"}|{}', own_key),  # not UTF-8
        ("OCMF|{\udc80}|{}", own_key),  # str without UTF-8 form
        ("x" * 70000, own_key),  # over the size limit
        (b"\xff" * 70000, None),
        (None, own_key),  # the empty record
        ("garbage", None),
        (own[5].encode(), ocmf.Key(own_key)),
    ]
    records += [r for r, _ in bad]
    carried += [k for _, k in bad]
    want = _single(records, carried, meters_registry)
    assert {w[4] for w in want} == STATUSES
    assert want[-13][4] == "mismatch" and want[-13][0] == "valid"  # the registered key verifies
    assert want[-12][4] == "untrusted" and want[-12][0] != "valid"
    codes = [w[1] for w in want[-7:-2]]
    assert codes[0] == 102 and codes[1] == 102 and codes[2] == 101 and codes[3] == 101
    table = ocmf.verify_many(records, keys=carried, threads=threads, chunk_size=45, registry=meters_registry)
    assert _rows(table) == want
    native = _ocmf.verify_chunk(records, None, carried, "interop", threads, registry=native_registry(meters_registry))
    assert chunk_rows(native) == want
    # A shared carried key, and none.
    for shared in (own_key, ocmf.Key(own_key), None, "zz!!"):
        want_shared = _single(records, [shared] * len(records), meters_registry)
        got = ocmf.verify_many(records, key=shared, threads=threads, registry=meters_registry)
        assert _rows(got) == want_shared


def test_generated_trust_answers(meters: dict[str, tuple[list[str], str]], meters_registry: ocmf.Registry) -> None:
    """The key decision per meter, stated outright (not only as verify's answer)."""
    fp = {m: ocmf.Key(key).fingerprint for m, (_, key) in meters.items()}
    for meter, trust, used in [
        ("M-OWN", "trusted", "M-OWN"),
        ("M-OTHER", "mismatch", "M-OWN"),
        ("M-ABSENT", "untrusted", "M-ABSENT"),
        ("M-OLD", "expired", "M-OLD"),
        ("M-NEW", "trusted", "M-NEW"),
    ]:
        recs, key = meters[meter]
        rows = ocmf.verify_many(recs, key=key, as_="list", registry=meters_registry)
        assert {(r.trust, r.key_fingerprint) for r in rows} == {(trust, fp[used])}, meter
        valid = {r.verdict for r in rows}
        assert valid == ({"invalid-signature"} if meter == "M-OTHER" else {"valid", "invalid-signature"})


def test_registry_argument_errors(demo: tuple[ocmf.Registry, list[str], list[Optional[str]]]) -> None:
    reg, records, keys = demo
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, registry="registry.csv")  # type: ignore[call-overload]
    with pytest.raises(ocmf.InvalidArgumentError):
        next(ocmf.iter_verify(records, registry=reg._native))  # type: ignore[call-overload]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, key=42, registry=reg)  # type: ignore[arg-type]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, keys=[42] * len(records), registry=reg)  # type: ignore[list-item]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, keys=keys[:-1], registry=reg)
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, keys=keys + [None], registry=reg)
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, threads=0, registry=reg)
    with pytest.raises(ocmf.InvalidArgumentError):
        _ocmf.verify_chunk(records, None, keys, "interop", 0, registry=reg._native)
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify_many(records, profile="nope", registry=reg)
    with pytest.raises(TypeError):
        ocmf.verify_many(records, None, None, "interop", 1, 100, "list", reg)  # type: ignore[misc]


def test_verify_many_with_registry_releases_the_gil(
    meters: dict[str, tuple[list[str], str]], meters_registry: ocmf.Registry, runs_without_gil: Any
) -> None:
    recs, key = meters["M-OWN"]
    big = recs * 50
    native = native_registry(meters_registry)
    t0 = time.perf_counter()
    _ocmf.verify_chunk(big, key, None, "interop", 1, registry=native)
    alone = time.perf_counter() - t0
    if alone < 0.05:
        pytest.skip(f"the batch took {alone:.3f}s: too fast to observe")
    runs_without_gil(lambda: _ocmf.verify_chunk(big, key, None, "interop", 1, registry=native), alone)
