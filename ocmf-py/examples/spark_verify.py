"""Verify OCMF records with PySpark: Spark reads a JSON Lines file of records
and keys, and every Arrow batch of it goes through ``ocmf.verify_many`` in
Spark's Python worker processes (``mapInArrow``).

    python spark_verify.py records.jsonl [--master local[2]] [--json] [--out results.jsonl] [--save results.parquet]

Each input line is an object with ``id``, ``ocmf`` (the record) and
``public_key`` (the key text, or null: the record's own key). The result has
one row per record: ``id``, ``verdict``, ``code``, ``signature_valid``,
``algorithm``, the pid of the worker that checked it and, with ``--json``,
the record's canonical JSON report (``ocmf.verify(...).to_json()``, one call
per record on the worker).

The driver then checks every row against ``ocmf.verify`` one by one and exits
non-zero on any difference. On a real cluster the same script runs under
``spark-submit`` (see the README: the wheel must be installed on every
executor, since a native extension cannot be imported from ``--py-files``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Iterator, Optional

import pyarrow as pa
from pyspark.sql import SparkSession

import ocmf

INPUT_SCHEMA = "id string, ocmf string, public_key string"
OUTPUT = pa.schema(
    [
        ("id", pa.string()),
        ("verdict", pa.string()),
        ("code", pa.int32()),  # Spark has no unsigned ints; codes are < 1000
        ("signature_valid", pa.bool_()),
        ("algorithm", pa.string()),
        ("pid", pa.int32()),
        ("json", pa.string()),
    ]
)
OUTPUT_DDL = (
    "id string, verdict string, code int, signature_valid boolean, algorithm string, pid int, json string"
)


def verifier(with_json: bool) -> Any:
    """The ``mapInArrow`` function: runs in the Python workers, one Arrow batch at a time."""

    def verify_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        pid = os.getpid()
        for batch in batches:
            records, keys = batch.column("ocmf"), batch.column("public_key")
            # One chunk per batch, on the worker's own thread: Spark runs one
            # worker process per task slot, so parallelism comes from Spark.
            table = ocmf.verify_many(records, keys=keys, threads=1, as_="arrow")
            reports = pa.nulls(batch.num_rows, pa.string())
            if with_json:
                reports = pa.array(
                    [ocmf.verify(r, k).to_json() for r, k in zip(records.to_pylist(), keys.to_pylist())],
                    pa.string(),
                )
            yield pa.RecordBatch.from_arrays(
                [
                    batch.column("id").cast(pa.string()),
                    table.column("verdict").combine_chunks(),
                    table.column("code").combine_chunks().cast(pa.int32()),
                    table.column("signature_valid").combine_chunks(),
                    table.column("algorithm").combine_chunks(),
                    pa.array([pid] * batch.num_rows, pa.int32()),
                    reports,
                ],
                schema=OUTPUT,
            )

    return verify_batches


def run(spark: SparkSession, path: str, with_json: bool, partitions: int, save: Optional[str]) -> Any:
    """The verified DataFrame of the file. With ``save``, the executors write
    it as Parquet there first (what a job on a real cluster does instead of
    collecting everything on the driver)."""
    df = spark.read.schema(INPUT_SCHEMA).json(path).repartition(partitions)
    out = df.mapInArrow(verifier(with_json), OUTPUT_DDL)
    if save:
        out = out.cache()
        out.write.mode("overwrite").parquet(save)
    return out


def differences(path: str, result: pa.Table, with_json: bool) -> int:
    """Compares every row with ``ocmf.verify`` in this process; prints and counts the differences."""
    with open(path, encoding="utf-8") as f:
        rows = {r["id"]: r for r in (json.loads(line) for line in f if line.strip())}
    got = {r["id"]: r for r in result.to_pylist()}
    diffs = len(rows.keys() ^ got.keys())
    for rid in sorted(rows.keys() & got.keys()):
        r, g = rows[rid], got[rid]
        want = ocmf.verify(r["ocmf"], r.get("public_key"))
        same = (g["verdict"], g["code"], g["signature_valid"], g["algorithm"]) == (
            want.verdict,
            want.code,
            want.signature_valid,
            want.algorithm,
        )
        if with_json and g["json"] != want.to_json():
            same = False
        if not same:
            diffs += 1
            print(f"DIFFERENCE {rid}: spark {g['verdict']}/{g['code']} vs verify {want.verdict}/{want.code}")
    return diffs


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", help="JSON Lines: id, ocmf, public_key")
    ap.add_argument("--master", default=None, help="Spark master (default: spark-submit's, else local[2])")
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--json", action="store_true", help="also return each record's canonical JSON report")
    ap.add_argument("--out", help="write the results as JSON Lines here (from the driver)")
    ap.add_argument("--save", help="the executors write the results as Parquet here (a directory or URL)")
    args = ap.parse_args(argv)

    builder = SparkSession.builder.appName("ocmf-verify")
    master = args.master
    # Under spark-submit (which starts the JVM and says where in
    # PYSPARK_GATEWAY_PORT) the master is spark-submit's; plain python: local[2].
    if not master and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = "local[2]"
    if master:
        builder = builder.master(master)
    if (master or "").startswith("local"):
        # Local workers run this interpreter (the one with the wheel), not
        # whatever `python3` is first on PATH. On a cluster, the executors'
        # interpreter is spark.pyspark.python / PYSPARK_PYTHON (README).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # listen on loopback only
    spark = (
        builder.config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(args.partitions))
        .getOrCreate()
    )
    local = "://" not in args.path  # a URL (hdfs://, s3a://, ...) is read by the executors only
    try:
        out = run(spark, os.path.abspath(args.path) if local else args.path, args.json, args.partitions, args.save)
        if args.save and not (local or args.out):
            # The results stay on the cluster's storage: only counts come back.
            counts = {r["verdict"]: r["count"] for r in out.groupBy("verdict").count().collect()}
            print(", ".join(f"{k}: {n}" for k, n in sorted(counts.items())))
            print(f"spark: {sum(counts.values())} records written to {args.save} (not compared)")
            return 0
        result = out.toArrow()
    finally:
        spark.stop()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            for row in result.to_pylist():
                f.write(json.dumps(row) + "\n")
    verdicts: dict[str, int] = {}
    for v in result.column("verdict").to_pylist():
        verdicts[v] = verdicts.get(v, 0) + 1
    print(", ".join(f"{k}: {n}" for k, n in sorted(verdicts.items())))
    pids = set(result.column("pid").to_pylist())
    if not local:  # the driver cannot read the input to compare
        print(f"spark: {result.num_rows} records in {len(pids)} worker processes (not compared)")
        return 0
    diffs = differences(args.path, result, args.json)
    print(f"spark: {result.num_rows} records in {len(pids)} worker processes, {diffs} differences")
    return 1 if diffs else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
