"""The PySpark and dask.distributed examples, run as a user runs them, on the
corpus plus generated records: every row they return (verdict, code,
signature_valid, algorithm and the report's canonical JSON) must equal
``ocmf.verify`` here, record by record, and the work must have been done in
worker processes other than the driver's."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import ocmf

from conftest import EXAMPLES


def _run_example(script: str, input_file: Path, out: Path, *extra: str) -> tuple[int, str]:
    """Runs an example; returns the driver's pid and what it printed."""
    proc = subprocess.Popen(
        [sys.executable, str(EXAMPLES / script), str(input_file), "--json", "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, _ = proc.communicate(timeout=900)
    print(output[-3000:])
    assert proc.returncode == 0, output[-3000:]
    return proc.pid, output


def _differences(rows: list[dict[str, Any]], out: Path) -> tuple[int, int, set[int]]:
    """(records compared, differences, worker pids): the example's rows
    against ocmf.verify in this process, one by one."""
    with open(out, encoding="utf-8") as f:
        got = [json.loads(line) for line in f]
    by_id = {g["id"]: g for g in got}
    diffs = abs(len(got) - len(rows)) + len(got) - len(by_id)
    compared = 0
    for r in rows:
        g = by_id.get(r["id"])
        if g is None:
            diffs += 1
            continue
        want = ocmf.verify(r["ocmf"], r["public_key"])
        compared += 1
        if (g["verdict"], g["code"], g["signature_valid"], g["algorithm"], g["json"]) != (
            want.verdict,
            want.code,
            want.signature_valid,
            want.algorithm,
            want.to_json(),
        ):
            diffs += 1
    return compared, diffs, {g["pid"] for g in got}


def _check(name: str, rows: list[dict[str, Any]], out: Path, driver: int) -> None:
    compared, diffs, pids = _differences(rows, out)
    verdicts = Counter(ocmf.verify(r["ocmf"], r["public_key"]).verdict for r in rows)
    print(f"{name}: {compared} of {len(rows)} records compared, {diffs} differences, "
          f"{len(pids)} worker processes, verdicts {dict(verdicts)}")
    # The input has every kind of answer, so a run that says "valid" to all cannot pass.
    assert set(verdicts) == {"valid", "invalid-signature", "malformed", "unsupported"}
    assert compared == len(rows) and diffs == 0
    assert driver not in pids and len(pids) >= 2, pids


def test_spark_local_2_matches_verify(input_rows: list[dict[str, Any]], input_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    out, saved = tmp_path / "spark.jsonl", tmp_path / "spark.parquet"
    driver, printed = _run_example("spark_verify.py", input_file, out, "--master", "local[2]", "--save", str(saved))
    assert f"spark: {len(input_rows)} records" in printed and ", 0 differences" in printed
    _check("spark", input_rows, out, driver)
    # What the executors wrote (--save) is the same rows.
    pq = pytest.importorskip("pyarrow.parquet")
    with open(out, encoding="utf-8") as f:
        collected = sorted((json.loads(line) for line in f), key=lambda r: r["id"])
    written = sorted(pq.read_table(saved).to_pylist(), key=lambda r: r["id"])
    assert written == collected


def test_dask_local_cluster_of_processes_matches_verify(
    input_rows: list[dict[str, Any]], input_file: Path, tmp_path: Path
) -> None:
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask.jsonl"
    driver, printed = _run_example("dask_distributed_verify.py", input_file, out, "--blocksize", "128kB")
    assert f"dask: {len(input_rows)} records" in printed and ", 0 differences" in printed
    _check("dask", input_rows, out, driver)
