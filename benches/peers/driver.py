#!/usr/bin/env python3
"""Runs every implementation of benches/peers over the same records, several
rounds, and prints records/s per curve (median of the rounds) and the ratio
to raw OpenSSL verify (Python `cryptography`).

    driver.py RECORDS.jsonl RECORDS.tsv ROUNDS NAME=COMMAND [NAME=COMMAND ...]

Each COMMAND (a shell command line where {jsonl} and {tsv} stand for the
records in either form) prints one
JSON line per curve: {"curve", "n", "ok", "seconds"}. A curve where an
implementation verified fewer records than it was given is marked: its rate
is printed with `!ok/n` (it did not verify them all, so its time is not
comparable) and `n/a` when it verified none.
"""

from __future__ import annotations

import json
import shlex
import statistics
import subprocess
import sys

CURVES = ["secp192r1", "secp256r1", "secp256k1", "secp384r1", "brainpoolP256r1", "brainpoolP384r1"]
REFERENCE = "openssl"


def run_once(cmd: str, files: dict[str, str]) -> dict[str, dict]:
    cmd = cmd.format(**{k: shlex.quote(v) for k, v in files.items()})
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd!r} exited {p.returncode}: {p.stderr[-400:]}")
    out = {}
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            j = json.loads(line)
            out[j["curve"]] = j
    return out


def main() -> int:
    files = {"jsonl": sys.argv[1], "tsv": sys.argv[2]}
    rounds = int(sys.argv[3])
    impls = [a.partition("=")[::2] for a in sys.argv[4:]]
    results: dict[str, dict[str, list[dict]]] = {name: {} for name, _ in impls}
    for r in range(rounds):
        # Interleave implementations within a round so a burst of load from
        # elsewhere on the machine spreads over all of them.
        for name, cmd in impls:
            try:
                res = run_once(cmd, files)
            except RuntimeError as e:
                print(f"round {r + 1}: {name} failed: {e}", file=sys.stderr)
                continue
            for curve, j in res.items():
                results[name].setdefault(curve, []).append(j)
        print(f"round {r + 1}/{rounds} done", file=sys.stderr, flush=True)

    def rate(name: str, curve: str) -> tuple[float | None, str]:
        runs = results.get(name, {}).get(curve, [])
        if not runs:
            return None, "n/a"
        n, ok = runs[0]["n"], min(j["ok"] for j in runs)
        med = statistics.median(j["n"] / j["seconds"] for j in runs if j["seconds"] > 0)
        if ok == 0:
            return None, "n/a (0 ok)"
        mark = "" if ok == n else f" !{ok}/{n}"
        return med, f"{med:,.0f}{mark}"

    names = [n for n, _ in impls]
    w = max(len(n) for n in names) + 2
    print(f"records/s, median of {rounds} rounds ({results[names[0]] and next(iter(results[names[0]].values()))[0]['n']} "
          f"records per curve); (xR) = ratio to {REFERENCE}")
    print(f"{'implementation':<{w}}" + "".join(f"{c:>24}" for c in CURVES))
    for name in names:
        cells = []
        for c in CURVES:
            v, text = rate(name, c)
            ref, _ = rate(REFERENCE, c)
            ratio = f" ({v / ref:.2f}x)" if v and ref else ""
            cells.append(f"{text + ratio:>24}")
        print(f"{name:<{w}}" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
