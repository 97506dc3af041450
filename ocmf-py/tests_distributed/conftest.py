"""The input of the distributed runs: the shared corpus (vectors/real.jsonl)
plus records generated here with ``ocmf.sign`` on several curves, some
tampered after signing, some checked with no key or the wrong key, and a
few that cannot be read. Written once per session as JSON Lines (``id``,
``ocmf``, ``public_key``), the format the examples read."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Optional

import pytest

import ocmf

VECTORS = Path(os.environ.get("OCMF_VECTORS", Path(__file__).resolve().parents[2] / "vectors"))
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# curve name (as ocmf.sign takes it) -> secret length in bytes
CURVES = {"P-256": 32, "P-384": 48, "brainpoolP256r1": 32, "brainpoolP384r1": 48, "secp256k1": 32}
PER_CURVE = int(os.environ.get("OCMF_DIST_PER_CURVE", "600"))


def _payload(i: int, serial: str) -> str:
    return (
        f'{{"FV":"1.0","GI":"Gen","GS":"G{i}","PG":"T{i}","MS":"{serial}","IS":false,"IT":"NONE",'
        f'"RD":[{{"TM":"2024-03-01T10:{i % 60:02d}:00,000+0100 S","TX":"{"BE"[i % 2]}","RV":{i}.{i % 1000:03d},'
        f'"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}}]}}'
    )


def generated(per_curve: int = PER_CURVE) -> list[dict[str, Any]]:
    """Signed records on every curve of CURVES; the key each is checked with."""
    keys = {}
    out: list[dict[str, Any]] = []
    names = list(CURVES)
    for c, (curve, size) in enumerate(CURVES.items()):
        secret = f"{c + 1:02x}" * size
        for i in range(per_curve):
            signed = ocmf.sign(_payload(i, f"M-{curve}"), secret, curve)
            keys[curve] = signed.public_key
            record = signed.record
            if i % 7 == 3:  # tampered: a value changed after signing
                record = record.replace(f'"RV":{i}.', f'"RV":{i + 1}.', 1)
            key: Optional[str] = signed.public_key
            if i % 11 == 5:
                key = None  # no key: the record carries none either
            out.append({"id": f"gen-{curve}-{i}", "ocmf": record, "public_key": key})
    # The wrong key: each curve's first records under the next curve's key.
    for c, curve in enumerate(names):
        wrong = keys[names[(c + 1) % len(names)]]
        for i in range(3):
            rec = next(r for r in out if r["id"] == f"gen-{curve}-{i}")
            out.append({"id": f"gen-{curve}-{i}-wrong-key", "ocmf": rec["ocmf"], "public_key": wrong})
    for i, bad in enumerate(["", "OCMF|{}|{}", "not a record", "OCMF|" + "{" * 50, "OCMF|{\"FV\":\"1.0\"}|"]):
        out.append({"id": f"gen-unreadable-{i}", "ocmf": bad, "public_key": keys["P-256"]})
    return out


@pytest.fixture(scope="session")
def input_rows() -> list[dict[str, Any]]:
    with open(VECTORS / "real.jsonl", encoding="utf-8") as f:
        real = [json.loads(line) for line in f if line.strip()]
    rows = [{"id": r["id"], "ocmf": r["ocmf"], "public_key": r.get("public_key")} for r in real]
    rows += generated()
    assert len({r["id"] for r in rows}) == len(rows)
    return rows


@pytest.fixture(scope="session")
def input_file(tmp_path_factory: pytest.TempPathFactory, input_rows: list[dict[str, Any]]) -> Path:
    path = tmp_path_factory.mktemp("dist") / "records.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for r in input_rows:
            f.write(json.dumps(r) + "\n")
    return path
