"""What ocmf returns per record pickles, so that it can come back from
worker processes (multiprocessing, dask.distributed, Spark): the copy gives
the same answers and the same canonical JSON as the original."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

import ocmf

from conftest import signed_set

OCPP = Path(__file__).resolve().parents[2] / "examples" / "ocpp"


def _roundtrip(obj: Any) -> Any:
    copy = pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(copy) is type(obj)
    return copy


@pytest.mark.parametrize("decoded_first", [False, True])
def test_verify_results(corpus: list[dict[str, Any]], decoded_first: bool) -> None:
    for v in corpus:
        r = ocmf.verify(v["ocmf"], v["public_key"])
        if decoded_first:
            r.findings  # the lazily decoded details travel too
        c = _roundtrip(r)
        assert (c.verdict, c.code, c.signature_valid, c.algorithm) == (
            r.verdict, r.code, r.signature_valid, r.algorithm)
        assert c.to_json() == r.to_json()
        assert c.findings == r.findings and c.message == r.message


def test_batch_rows_and_trusted_results() -> None:
    registry = ocmf.Registry.load(OCPP / "registry.csv")
    ex = ocmf.extract(OCPP / "stations.log")
    records, keys = [v.record for v in ex.values], [v.public_key for v in ex.values]
    rows = ocmf.verify_many(records, keys=keys, as_="list")
    trusted = ocmf.verify_many(records, keys=keys, registry=registry, as_="list")
    assert [_roundtrip(r) for r in rows] == rows
    assert [_roundtrip(r) for r in trusted] == trusted
    assert {r.trust for r in trusted} >= {"trusted", "untrusted"}
    for rec, key in zip(records, keys):
        r = ocmf.verify(rec, key, registry=registry)
        c = _roundtrip(r)
        assert c.trust == r.trust and c.key_fingerprint == r.key_fingerprint
        assert c.to_json() == r.to_json()
    assert [_roundtrip(v) for v in ex.values] == list(ex.values)


def test_sessions_and_signed_records() -> None:
    registry = ocmf.Registry.load(OCPP / "registry.csv")
    ex = ocmf.extract(OCPP / "stations.log")
    for s in ex.sessions(registry=registry):
        c = _roundtrip(s.result)
        assert (c.verdict, c.code, c.energy_kwh, c.trust) == (
            s.result.verdict, s.result.code, s.result.energy_kwh, s.result.trust)
        assert c.to_json() == s.result.to_json()
    records, key, _ = signed_set(2, "b1" * 32)
    signed = ocmf.sign('{"FV":"1.0","RD":[]}', "b2" * 32)
    assert _roundtrip(signed) == signed
    assert ocmf.verify(records[0], _roundtrip(ocmf.SignedRecord(records[0], key)).public_key).is_valid
