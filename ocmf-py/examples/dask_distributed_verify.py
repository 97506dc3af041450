"""Verify OCMF records on a dask.distributed cluster: the workers read a JSON
Lines file of records and keys block by block, every block goes through
``ocmf.verify_many``, and the results travel back to the client pickled.

    python dask_distributed_verify.py records.jsonl [--scheduler tcp://host:8786] [--json] [--out results.jsonl]

Without ``--scheduler`` a ``LocalCluster`` of 2 worker *processes* (one
thread each) is started, so records and results cross a process boundary
just as on a cluster of machines. Each input line is an object with ``id``,
``ocmf`` and ``public_key`` (key text, or null: the record's own key).

What comes back per record is ``(id, ocmf.BatchRow, worker pid, report)``:
the row and, with ``--json``, the ``ocmf.VerifyResult`` of ``ocmf.verify``
on the worker (both pickle). The client then checks every row (and report
JSON) against ``ocmf.verify`` one by one and exits non-zero on any
difference.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Optional

import dask.bag as db
from dask.distributed import Client, LocalCluster

import ocmf

Result = tuple[str, ocmf.BatchRow, int, Optional[ocmf.VerifyResult]]


def verify_block(lines: list[str], with_json: bool) -> list[Result]:
    """Runs on a worker: one block of the file, one ``verify_many`` chunk."""
    rows = [json.loads(line) for line in lines if line.strip()]
    records = [r["ocmf"] for r in rows]
    keys = [r.get("public_key") for r in rows]
    checked = ocmf.verify_many(records, keys=keys, threads=1, as_="list")
    pid = os.getpid()
    return [
        (r["id"], row, pid, ocmf.verify(rec, key) if with_json else None)
        for r, row, rec, key in zip(rows, checked, records, keys)
    ]


def run(client: Client, path: str, with_json: bool, blocksize: str) -> list[Result]:
    """Verifies the file on the cluster; returns the results (gathered by the client)."""
    lines = db.read_text(path, blocksize=blocksize)
    return list(lines.map_partitions(verify_block, with_json).compute())


def differences(path: str, results: list[Result], with_json: bool) -> int:
    """Compares every result with ``ocmf.verify`` in this process; prints and counts the differences."""
    with open(path, encoding="utf-8") as f:
        rows = {r["id"]: r for r in (json.loads(line) for line in f if line.strip())}
    got = {rid: (row, report) for rid, row, _, report in results}
    diffs = len(rows.keys() ^ got.keys()) + (len(results) - len(got))
    for rid in sorted(rows.keys() & got.keys()):
        r, (row, report) = rows[rid], got[rid]
        want = ocmf.verify(r["ocmf"], r.get("public_key"))
        same = tuple(row) == (want.verdict, want.code, want.signature_valid, want.algorithm)
        if with_json and (report is None or report.to_json() != want.to_json()):
            same = False
        if not same:
            diffs += 1
            print(f"DIFFERENCE {rid}: dask {row.verdict}/{row.code} vs verify {want.verdict}/{want.code}")
    return diffs


def write(path: str, results: list[Result]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for rid, row, pid, report in results:
            out: dict[str, Any] = {"id": rid, **row._asdict(), "pid": pid}
            out["json"] = report.to_json() if report is not None else None
            f.write(json.dumps(out) + "\n")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", help="JSON Lines: id, ocmf, public_key")
    ap.add_argument("--scheduler", help="address of a running dask scheduler (default: a LocalCluster)")
    ap.add_argument("--blocksize", default="256kB", help="bytes of the file per task")
    ap.add_argument("--json", action="store_true", help="also return each record's VerifyResult")
    ap.add_argument("--out", help="write the results as JSON Lines here")
    args = ap.parse_args(argv)
    path = os.path.abspath(args.path)

    if args.scheduler:
        with Client(args.scheduler) as client:
            results = run(client, path, args.json, args.blocksize)
    else:
        with LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster, Client(cluster) as client:
            results = run(client, path, args.json, args.blocksize)
    if args.out:
        write(args.out, results)
    counts: dict[str, int] = {}
    for _, row, _, _ in results:
        counts[row.verdict] = counts.get(row.verdict, 0) + 1
    print(", ".join(f"{k}: {n}" for k, n in sorted(counts.items())))
    pids = {pid for _, _, pid, _ in results}
    diffs = differences(path, results, args.json)
    print(f"dask: {len(results)} records in {len(pids)} worker processes, {diffs} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
