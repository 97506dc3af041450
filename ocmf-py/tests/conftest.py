"""Shared corpus loading and the corpus' expected-verdict rule.

``expected`` is a port of ``expected`` in ocmf-core/tests/corpus.rs: it
computes each record's verdict from the corpus fields (see
vectors/README.md), nothing is hard-coded per record.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

VECTORS = Path(os.environ.get("OCMF_VECTORS", Path(__file__).resolve().parents[2] / "vectors"))

def load(name: str) -> list[dict[str, Any]]:
    with open(VECTORS / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _expected_answers() -> dict[str, Optional[str]]:
    """vectors/expected.jsonl (scripts/expected-verdicts): id -> verdict, None for parse-only."""
    return {e["id"]: e["expected_verdict"] for e in load("expected.jsonl")}


_EXPECTED: dict[str, Optional[str]] = {}


def expected(v: dict[str, Any]) -> Optional[str]:
    """The verdict the corpus expects (vectors/expected.jsonl), or None for parse-only records."""
    if not _EXPECTED:
        _EXPECTED.update(_expected_answers())
    return _EXPECTED[v["id"]]


@pytest.fixture(scope="session")
def corpus() -> list[dict[str, Any]]:
    vectors = load("real.jsonl")
    assert len(vectors) == 253, "corpus size changed"
    return vectors


@pytest.fixture(scope="session")
def p256_valid(corpus: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        v
        for v in corpus
        if expected(v) == "valid" and v.get("curve") == "secp256r1" and v.get("public_key")
    ]


def _runs_without_gil(call: Callable[[], object], alone: float) -> None:
    """Asserts that `call` (which alone took `alone` seconds) lets another
    Python thread run: this loop keeps ticking while `call` runs on a
    thread. Holding the GIL would stall the loop for (nearly) the whole call
    on every attempt; a busy machine can stall it once, so three tries."""

    def attempt() -> tuple[float, float, int]:
        done = threading.Event()
        gaps: list[float] = []

        def work() -> None:
            call()
            done.set()

        th = threading.Thread(target=work)
        start = last = time.perf_counter()
        th.start()
        while not done.is_set():
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        th.join()
        return time.perf_counter() - start, max(gaps, default=0.0), len(gaps)

    tries = [attempt() for _ in range(3)]
    assert any(n > 10 and gap < 0.6 * total for total, gap, n in tries), (alone, tries)


@pytest.fixture(scope="session")
def runs_without_gil() -> Callable[[Callable[[], object], float], None]:
    """The GIL check of `_runs_without_gil`, for the tests of long native calls."""
    return _runs_without_gil


P256 = "ECDSA-secp256r1-SHA256"


def _payload(i: int, serial: str) -> str:
    return (
        f'{{"FV":"1.0","GI":"B","GS":"G{i}","PG":"T{i}","MS":"{serial}","IS":false,"IT":"NONE",'
        f'"RD":[{{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":{i}.000,'
        f'"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}'
    )


def signed_set(
    n: int, secret: str, alg: str = P256, serial: str = "M"
) -> tuple[list[str], str, set[int]]:
    """n records of meter `serial` signed by one key, the key, and the indices
    of the records whose value was changed after signing (every 5th from 2)."""
    import ocmf

    records = []
    key = ""
    tampered = set()
    for i in range(n):
        signed = ocmf.sign(_payload(i, serial), secret, alg)
        key = signed.public_key
        rec = signed.record
        if i % 5 == 2:
            rec = rec.replace(f'"RV":{i}.000', '"RV":99.999', 1)
            assert rec != signed.record
            tampered.add(i)
        records.append(rec)
    return records, key, tampered


def chunk_rows(columns: Any) -> list[tuple[Any, ...]]:
    """The rows of a native chunk (``_ocmf.verify_chunk``), read from its
    columns by name: the four of every batch, then the trust columns when
    the chunk was checked with a registry."""
    names = ["verdict", "code", "signature_valid", "algorithm"]
    if columns.trust is not None:
        names += ["trust", "key_fingerprint"]
    return list(zip(*(getattr(columns, name) for name in names)))
