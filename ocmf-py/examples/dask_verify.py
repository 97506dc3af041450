"""Verify OCMF records with Dask (local mode): each partition goes through
``ocmf.verify_many`` (GIL released, threads inside), then results are summarised.

    python dask_verify.py vectors/real.jsonl

Exits non-zero when Dask's verdicts differ from ``ocmf.verify`` one by one.
"""

from __future__ import annotations

import json
import sys

import dask
import dask.dataframe as dd
import pandas as pd

import ocmf


def verify_partition(part: pd.DataFrame) -> pd.DataFrame:
    out = ocmf.verify_many(part["ocmf"], keys=part["public_key"], threads=1, as_="pandas")
    out.index = part.index
    out["id"] = part["id"]
    return out


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    pdf = pd.DataFrame(
        {
            "id": pd.Series([r["id"] for r in rows], dtype=object),
            "ocmf": pd.Series([r["ocmf"] for r in rows], dtype=object),
            "public_key": pd.Series([r.get("public_key") for r in rows], dtype=object),
        }
    )
    ddf = dd.from_pandas(pdf, npartitions=4)
    meta = pd.DataFrame(
        {
            "verdict": pd.Series(dtype=object),
            "code": pd.Series(dtype="uint32"),
            "signature_valid": pd.Series(dtype="boolean"),
            "algorithm": pd.Series(dtype=object),
            "id": pd.Series(dtype=object),
        }
    )
    with dask.config.set(scheduler="threads", num_workers=2):
        result = ddf.map_partitions(verify_partition, meta=meta).compute()
    result = result.sort_index()
    print(result["verdict"].value_counts().to_string())
    mismatches = 0
    for r, (_, got) in zip(rows, result.iterrows()):
        want = ocmf.verify(r["ocmf"], r.get("public_key"))
        if (got["verdict"], int(got["code"])) != (want.verdict, want.code) or got["id"] != r["id"]:
            mismatches += 1
            print(f"MISMATCH {r['id']}: dask {got['verdict']}/{got['code']} vs verify {want.verdict}/{want.code}")
    print(f"dask: {len(result)} records over {ddf.npartitions} partitions, {mismatches} mismatches")
    return 1 if mismatches or len(result) != len(rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "vectors/real.jsonl"))
