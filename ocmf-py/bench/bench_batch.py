"""verify_many on P-256 records under one key, against the OpenSSL yardstick,
and one build of the wheel against another (before/after a change).

    python ocmf-py/bench/bench_batch.py make RECORDS.jsonl [--n 10000]
    python ocmf-py/bench/bench_batch.py run IMPL RECORDS.jsonl
    python ocmf-py/bench/bench_batch.py compare RECORDS.jsonl [--rounds 5] \\
        [--build before=/path/to/unpacked/wheel] [--build after=/other/path]

``make`` signs N valid P-256 records with Python ``cryptography`` (one key,
SPKI DER hex; DER signatures as hex), each checked by ``cryptography``.
``run`` times one implementation in this process: ``batch1`` / ``batch2``
(``ocmf.verify_many(records, key=key_text, threads=1|2, as_="list")``),
``trusted1`` / ``trusted2`` (the same with ``registry=``: a registry that
binds every meter serial of ``make`` to the key, so every row must come out
``valid`` and ``trusted``), ``verify`` (``ocmf.verify(record, Key)`` per
record) or ``openssl`` (the ``cryptography`` loop of
benches/peers/bench_py.py: split the record, decode ``SD``, ECDSA verify; no
OCMF parsing). The first 5 records run once untimed.
``compare`` runs every implementation of every build as its own process per
round, interleaved (build A, build B, build A, ... in each round), and prints
the median records/s per implementation and its ratio to ``openssl``. A
``--build NAME=DIR`` puts DIR first on ``PYTHONPATH`` (an unpacked wheel);
without ``--build`` the installed ``ocmf`` is measured.

Not part of the tests: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Callable

WARMUP = 5


def make(path: str, n: int) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    priv = ec.derive_private_key(0x1F2E3D4C5B6A7988, ec.SECP256R1())
    pub = priv.public_key()
    key = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo).hex()
    algo = ec.ECDSA(hashes.SHA256())
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            payload = (
                f'{{"FV":"1.0","GI":"BENCH","GS":"G{i % 97}","GV":"1.0","PG":"T{i + 1}","MV":"V","MM":"M",'
                f'"MS":"S{i % 13}","IS":false,"IT":"NONE","CT":"EVSEID","CI":"C{i}","RD":[{{"TM":'
                f'"2024-01-01T{i // 3600 % 24:02}:{i // 60 % 60:02}:{i % 60:02},000+0000 S","TX":"B",'
                f'"RV":{i / 7:.3f},"RI":"1-b:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}}]}}'
            )
            sd = priv.sign(payload.encode(), algo)
            pub.verify(sd, payload.encode(), algo)  # raises if it does not verify
            sig = json.dumps({"SA": "ECDSA-secp256r1-SHA256", "SD": sd.hex()}, separators=(",", ":"))
            f.write(json.dumps({"curve": "secp256r1", "ocmf": f"OCMF|{payload}|{sig}", "key": key}) + "\n")
    print(f"{n} P-256 records -> {path}")


def _batch(threads: int) -> Callable[[str, list[str]], int]:
    def run(key: str, records: list[str]) -> int:
        import ocmf

        rows = ocmf.verify_many(records, key=key, threads=threads, as_="list")
        return sum(r.verdict == "valid" for r in rows)

    return run


def _trusted(threads: int) -> Callable[[str, list[str]], int]:
    def run(key: str, records: list[str]) -> int:
        import ocmf

        # `make` writes the meter serials S0..S12.
        registry = ocmf.Registry.load("meter_serial,public_key\n" + "".join(f"S{m},{key}\n" for m in range(13)))
        rows = ocmf.verify_many(records, key=key, threads=threads, as_="list", registry=registry)
        return sum(r.verdict == "valid" and r.trust == "trusted" for r in rows)

    return run


def _verify(key: str, records: list[str]) -> int:
    import ocmf

    k = ocmf.Key(key)
    return sum(ocmf.verify(r, k).verdict == "valid" for r in records)


def _openssl(key: str, records: list[str]) -> int:
    """The OpenSSL yardstick of the peer benchmark (benches/peers/bench_py.py),
    loaded from there so both benchmarks time the same loop."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benches" / "peers" / "bench_py.py"
    spec = importlib.util.spec_from_file_location("peer_bench_py", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    loop: Callable[[str, list[str]], int] = module.openssl
    return loop(key, records)


IMPLS: dict[str, Callable[[str, list[str]], int]] = {
    "openssl": _openssl,
    "verify": _verify,
    "batch1": _batch(1),
    "batch2": _batch(2),
    "trusted1": _trusted(1),
    "trusted2": _trusted(2),
}


def run(impl: str, path: str) -> None:
    f = IMPLS[impl]
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    key = rows[0]["key"]
    records = [r["ocmf"] for r in rows]
    f(key, records[:WARMUP])
    t0 = time.perf_counter()
    ok = f(key, records)
    secs = time.perf_counter() - t0
    print(json.dumps({"impl": impl, "n": len(records), "ok": ok, "seconds": secs}), flush=True)


def compare(path: str, rounds: int, builds: list[str], impls: list[str]) -> None:
    named = [b.split("=", 1) for b in builds] or [["installed", ""]]
    rates: dict[tuple[str, str], list[float]] = {}
    for rnd in range(rounds):
        order = named if rnd % 2 == 0 else named[::-1]  # alternate which build runs first
        for impl in impls:
            for name, where in order if impl != "openssl" else order[:1]:
                env = dict(os.environ)
                if where:
                    env["PYTHONPATH"] = where + os.pathsep + env.get("PYTHONPATH", "")
                out = subprocess.run([sys.executable, __file__, "run", impl, path], env=env,
                                     check=True, capture_output=True, text=True)
                res = json.loads(out.stdout.strip().splitlines()[-1])
                label = "openssl" if impl == "openssl" else f"{name}:{impl}"
                ok = "" if res["ok"] == res["n"] else f" !ok {res['ok']}/{res['n']}"
                rate = res["n"] / res["seconds"]
                rates.setdefault(("" if impl == "openssl" else name, impl), []).append(rate)
                print(f"round {rnd + 1} {label:<20} {rate:>10,.0f} records/s{ok}", flush=True)
    base = statistics.median(rates[("", "openssl")]) if ("", "openssl") in rates else None
    print(f"\nmedian of {rounds} rounds, {path}, load {os.getloadavg()[0]:.2f} at the end")
    for (name, impl), rs in rates.items():
        med = statistics.median(rs)
        ratio = f"({med / base:.2f}x openssl)" if base else ""
        label = "openssl" if impl == "openssl" else f"{name}:{impl}"
        print(f"{label:<20} {med:>10,.0f} records/s {ratio}")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("out")
    m.add_argument("--n", type=int, default=10_000)
    r = sub.add_parser("run")
    r.add_argument("impl", choices=sorted(IMPLS))
    r.add_argument("records")
    c = sub.add_parser("compare")
    c.add_argument("records")
    c.add_argument("--rounds", type=int, default=5)
    c.add_argument("--build", action="append", default=[], help="NAME=DIR (an unpacked wheel)")
    c.add_argument("--impl", action="append", default=[], choices=sorted(IMPLS))
    args = ap.parse_args()
    if args.cmd == "make":
        make(args.out, args.n)
    elif args.cmd == "run":
        run(args.impl, args.records)
    else:
        compare(args.records, args.rounds, args.build, args.impl or ["openssl", "batch1", "batch2", "verify"])


if __name__ == "__main__":
    main()
