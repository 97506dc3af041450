"""Throughput of ocmf (this wheel) vs pyocmf (PyPI) on the same P-256 corpus records,
and peak RSS of a 1,000,000-record streaming verify_many run from a generator.

    python ocmf-py/bench/bench.py [--n 20000] [--stream 1000000]

Not part of the tests: numbers depend on the machine. Needs `pip install "pyocmf[crypto]"`
for the comparison (skipped with a note when it is missing).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import ocmf

ROOT = Path(__file__).resolve().parents[2]


def corpus_p256() -> list[dict[str, Any]]:
    out = []
    for line in open(ROOT / "vectors" / "real.jsonl", encoding="utf-8"):
        v = json.loads(line)
        if v.get("curve") == "secp256r1" and v.get("public_key") and v.get("expected") == "valid":
            if ocmf.verify(v["ocmf"], v["public_key"]).is_valid:
                out.append(v)
    return out


def rate(label: str, n: int, seconds: float) -> float:
    r = n / seconds
    print(f"{label:<48} {n:>8} records {seconds:8.2f} s {r:>10.0f} records/s")
    return r


def stream_child(total: int) -> None:
    """Runs in a fresh process: verify_many over a generator, prints peak RSS."""
    recs = corpus_p256()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gen_records = (recs[i % len(recs)]["ocmf"] for i in range(total))
    gen_keys = (recs[i % len(recs)]["public_key"] for i in range(total))
    t = time.perf_counter()
    table = ocmf.verify_many(gen_records, keys=gen_keys, threads=2, chunk_size=65536, as_="arrow")
    dt = time.perf_counter() - t
    valid = table.column("verdict").to_pylist().count("valid")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": table.num_rows, "valid": valid, "seconds": dt,
                      "maxrss_before_kib": before, "maxrss_peak_kib": after}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--stream", type=int, default=1_000_000)
    ap.add_argument("--stream-child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stream_child:
        stream_child(args.stream_child)
        return

    base = corpus_p256()
    warnings.simplefilter("ignore")  # pyocmf warns about spec deviations on every parse
    try:
        import pyocmf
    except ImportError:
        pyocmf = None
    if pyocmf is not None:
        # Same records for both: the P-256 records both libraries verify as valid.
        def pyocmf_ok(v: dict[str, Any]) -> bool:
            try:
                return bool(pyocmf.OCMF.from_string(v["ocmf"]).verify_signature(v["public_key"]))
            except Exception:
                return False

        both = [v for v in base if pyocmf_ok(v)]
        print(f"P-256 valid corpus records: {len(base)}; pyocmf also verifies {len(both)} of them (its key parser lacks PEM, spaced hex, bare X||Y)")
        base = both
    reps = -(-args.n // len(base))
    recs = (base * reps)[: args.n]
    texts = [v["ocmf"] for v in recs]
    keys = [v["public_key"] for v in recs]
    print(f"benchmark set: {len(texts)} records ({len(base)} distinct), ocmf {ocmf.__version__}, Python {sys.version.split()[0]}")

    t = time.perf_counter()
    ok = sum(ocmf.verify(r, k).is_valid for r, k in zip(texts, keys))
    rate("ocmf.verify (key text)", len(texts), time.perf_counter() - t)
    assert ok == len(texts), ok

    decoded = {k: ocmf.Key(k) for k in set(keys)}
    dkeys = [decoded[k] for k in keys]
    t = time.perf_counter()
    ok = sum(ocmf.verify(r, k).is_valid for r, k in zip(texts, dkeys))
    rate("ocmf.verify (decoded ocmf.Key)", len(texts), time.perf_counter() - t)
    assert ok == len(texts), ok

    for threads in (1, 2):
        t = time.perf_counter()
        table = ocmf.verify_many(texts, keys=keys, threads=threads, as_="arrow")
        rate(f"ocmf.verify_many threads={threads} (arrow out)", len(texts), time.perf_counter() - t)
        assert table.column("verdict").to_pylist().count("valid") == len(texts)

    if pyocmf is not None:
        t = time.perf_counter()
        ok = 0
        for r, k in zip(texts, keys):
            ok += bool(pyocmf.OCMF.from_string(r).verify_signature(k))
        rate("pyocmf OCMF.from_string().verify_signature()", len(texts), time.perf_counter() - t)
        assert ok == len(texts), ok
    else:
        print("pyocmf not installed: comparison skipped (pip install pyocmf)")

    if args.stream:
        out = subprocess.run([sys.executable, __file__, "--stream-child", str(args.stream)],
                             check=True, capture_output=True, text=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        rate(f"streaming verify_many threads=2 from a generator", res["n"], res["seconds"])
        print(f"streaming: peak RSS {res['maxrss_peak_kib'] / 1024:.1f} MiB "
              f"(after imports and corpus load: {res['maxrss_before_kib'] / 1024:.1f} MiB), "
              f"{res['valid']} valid of {res['n']}")


if __name__ == "__main__":
    main()
