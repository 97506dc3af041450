"""Arbitrary text and bytes: every entry point returns a result or raises an OcmfError, nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ocmf

VERDICTS = {"valid", "invalid-signature", "malformed", "unsupported"}

# Text near the grammar finds deeper paths than uniform noise.
ocmfish = st.builds(
    lambda a, b, c: f"OCMF|{a}|{b}{c}",
    st.text(alphabet='{}[]":,0123456789.eE-+ FVRDTMXSAP|abc', max_size=80),
    st.text(alphabet='{}":,SDAEM0123456789ABCDEFabcdef-|', max_size=60),
    st.sampled_from(["", "|", "|04AB", "|{}"]),
)
records = st.one_of(st.text(max_size=300), st.binary(max_size=300), ocmfish, ocmfish.map(str.encode))
keys = st.one_of(st.none(), st.text(max_size=200), st.binary(max_size=140),
                 st.text(alphabet="0123456789abcdefABCDEF ", min_size=60, max_size=200))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ocmf_error_or(f: Callable[[], Any]) -> Any:
    try:
        return f()
    except ocmf.OcmfError as e:
        assert isinstance(e.code, int) and 100 <= e.code < 900, e.code
        return e


@SETTINGS
@given(records, keys, st.sampled_from(["strict", "interop", "reference"]))
def test_verify_always_returns_a_verdict(record: Any, key: Any, profile: str) -> None:
    r = ocmf.verify(record, key, profile)
    assert r.verdict in VERDICTS
    assert (r.code == 0) == (r.verdict == "valid")
    assert r.code_name and r.message is not None
    _ = (r.findings, r.record)  # the lazy view decodes


@SETTINGS
@given(records)
def test_parse_returns_or_raises_malformed(record: Any) -> None:
    out = ocmf_error_or(lambda: ocmf.parse(record))
    if isinstance(out, ocmf.OcmfError):
        assert ocmf.verify(record).code == out.code
        assert isinstance(out, ocmf.MalformedRecordError)
    else:
        assert isinstance(out, dict) and "readings" in out


@SETTINGS
@given(st.one_of(st.text(max_size=200), st.binary(max_size=140)))
def test_key_decodes_or_raises_invalid_key(text: Any) -> None:
    out = ocmf_error_or(lambda: ocmf.Key(text))
    if isinstance(out, ocmf.OcmfError):
        assert isinstance(out, ocmf.InvalidKeyError) and 500 <= out.code < 600
    else:
        assert ocmf.Key(out.sec1_hex) == out


@SETTINGS
@given(st.text(max_size=200), st.text(max_size=70), st.text(max_size=40))
def test_sign_returns_or_raises(payload: str, secret: str, alg: str) -> None:
    for a in (alg, "ECDSA-secp256r1-SHA256"):
        out = ocmf_error_or(lambda: ocmf.sign(payload, secret, a))
        if not isinstance(out, ocmf.OcmfError):
            assert ocmf.verify(out.record, out.public_key).signature_valid is True


@settings(max_examples=60, deadline=None)
@given(st.lists(records, max_size=40), st.one_of(st.none(), keys), st.integers(1, 3), st.integers(1, 7))
def test_verify_many_agrees_with_verify(recs: list[Any], key: Any, threads: int, chunk: int) -> None:
    rows = ocmf.verify_many(recs, key=key, threads=threads, chunk_size=chunk, as_="list")
    assert len(rows) == len(recs)
    for rec, row in zip(recs, rows):
        r = ocmf.verify(rec, key)
        assert (row.verdict, row.code, row.signature_valid, row.algorithm) == (
            r.verdict, r.code, r.signature_valid, r.algorithm)


# Demo records and keys among the noise, so that the registry has meters to decide on.
DEMO = Path(__file__).resolve().parents[2] / "examples" / "ocpp"
DEMO_VALUES = ocmf.extract(DEMO / "stations.log").values
DEMO_REGISTRY = ocmf.Registry.load(DEMO / "registry.csv")
demo_records = st.sampled_from([v.record for v in DEMO_VALUES])
demo_keys = st.sampled_from([v.public_key for v in DEMO_VALUES if v.public_key])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.one_of(records, demo_records), st.one_of(keys, demo_keys)), max_size=30),
    st.integers(1, 3),
    st.integers(1, 7),
)
def test_verify_many_with_registry_agrees_with_verify(pairs: list[tuple[Any, Any]], threads: int, chunk: int) -> None:
    recs = [r for r, _ in pairs]
    ks = [k for _, k in pairs]
    rows = ocmf.verify_many(recs, keys=ks, threads=threads, chunk_size=chunk, as_="list", registry=DEMO_REGISTRY)
    assert len(rows) == len(recs)
    for rec, key, row in zip(recs, ks, rows):
        r = ocmf.verify(rec, key, registry=DEMO_REGISTRY)
        assert r.trust is not None
        assert tuple(row) == (r.verdict, r.code, r.signature_valid, r.algorithm, r.trust.status, r.key_fingerprint)
