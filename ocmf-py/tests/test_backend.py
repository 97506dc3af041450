"""``backend=`` through the installed wheel: the reference backend (RustCrypto's
own ECDSA) answers the corpus, batches, sessions and extractions as the
default does, and an unknown name is ``InvalidArgumentError`` (702) on every
entry point, never a silent ``auto``. Also ``Extraction.byte_order_mark``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

import ocmf
from ocmf import _ocmf

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "ocpp"
OCPP = ROOT / "ocmf-core" / "tests" / "data" / "ocpp"
BACKENDS = ["auto", "pure-rust", "native", "reference"]


def test_the_wheel_names_the_core_backends() -> None:
    assert _ocmf.BACKENDS == BACKENDS
    for name in BACKENDS:
        assert _ocmf.backend_name(name) == name


def test_reference_verify_matches_the_default_over_the_corpus(corpus: list[dict[str, Any]]) -> None:
    verdicts = set()
    for v in corpus:
        key = v.get("public_key") or None
        default = ocmf.verify(v["ocmf"], key)
        verdicts.add(default.verdict)
        for backend in BACKENDS:
            other = ocmf.verify(v["ocmf"], key, backend=backend)
            assert other.to_json() == default.to_json(), (v["id"], backend)
        if key is not None:
            decoded = ocmf.Key(key) if _decodes(key) else None
            if decoded is not None:
                on_ref = ocmf.verify(v["ocmf"], decoded, backend="reference")
                assert on_ref.to_json() == ocmf.verify(v["ocmf"], decoded).to_json(), v["id"]
    # Not a comparison of identical answers: the corpus has all four verdicts.
    assert verdicts == {"valid", "invalid-signature", "malformed", "unsupported"}


def _decodes(key: str) -> bool:
    try:
        ocmf.Key(key)
    except ocmf.OcmfError:
        return False
    return True


def test_reference_batch_matches_the_default(corpus: list[dict[str, Any]]) -> None:
    records = [v["ocmf"] for v in corpus]
    keys = [v.get("public_key") or None for v in corpus]
    default = ocmf.verify_many(records, keys=keys, as_="list", threads=2)
    reference = ocmf.verify_many(records, keys=keys, as_="list", threads=2, backend="reference")
    assert reference == default
    assert list(ocmf.iter_verify(records, keys=keys, backend="reference", chunk_size=50)) == default
    assert {r.verdict for r in default} >= {"valid", "invalid-signature"}


def test_reference_sessions_match_the_default() -> None:
    registry = ocmf.Registry.load(EXAMPLES / "registry.csv")
    extraction = ocmf.extract(EXAMPLES / "stations.log")
    for reg in (registry, None):
        default = extraction.sessions_json(registry=reg)
        assert extraction.sessions_json(registry=reg, backend="reference") == default
        on_ref = [s.result.to_json() for s in extraction.sessions(registry=reg, backend="reference")]
        assert on_ref == [s.result.to_json() for s in extraction.sessions(registry=reg)]
    values = extraction.values[:3]
    assert ocmf.evaluate_session(values, registry=registry, backend="reference").to_json() == (
        ocmf.evaluate_session(values, registry=registry).to_json()
    )
    rows = ocmf.verify_many([v.record for v in values], registry=registry, as_="list")
    assert ocmf.verify_many([v.record for v in values], registry=registry, as_="list", backend="reference") == rows
    assert any(r.trust == "trusted" for r in rows)


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "verify": lambda b: ocmf.verify("OCMF|{}|{}", backend=b),
    "verify_strict": lambda b: ocmf.verify_strict("OCMF|{}|{}", backend=b),
    "verify_many": lambda b: ocmf.verify_many([], as_="list", backend=b),
    "iter_verify": lambda b: ocmf.iter_verify([], backend=b),
    "evaluate_session": lambda b: ocmf.evaluate_session(["OCMF|{}|{}"], backend=b),
    "sessions": lambda b: ocmf.extract(EXAMPLES / "stations.log").sessions(backend=b),
    "sessions_json": lambda b: ocmf.extract(EXAMPLES / "stations.log").sessions_json(backend=b),
    "backend_name": lambda b: _ocmf.backend_name(b),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("name", ["constant-time", "Reference", "", "pure_rust"])
def test_an_unknown_backend_is_a_typed_error(entry: str, name: str) -> None:
    # Raised at the call, before anything is checked (even for an empty batch).
    with pytest.raises(ocmf.InvalidArgumentError) as e:
        ENTRY_POINTS[entry](name)
    assert e.value.code == 702
    assert "backend" in str(e.value)


def test_a_backend_that_is_not_a_str_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ocmf.verify("OCMF|{}|{}", backend=3)  # type: ignore[arg-type]


def test_the_extraction_reports_a_byte_order_mark() -> None:
    plain = (OCPP / "16_meter_values_plain.json").read_text(encoding="utf-8")
    assert not plain.startswith("\ufeff")
    without = ocmf.extract(plain)
    with_bom = ocmf.extract("\ufeff" + plain)
    assert without.byte_order_mark is False
    assert with_bom.byte_order_mark is True
    assert ocmf.extract(("\ufeff" + plain).encode()).byte_order_mark is True
    # The same values are read either way.
    assert [v.record for v in with_bom.values] == [v.record for v in without.values]
    assert len(without.values) > 0
    assert '"byte_order_mark":true' in with_bom.to_json()
