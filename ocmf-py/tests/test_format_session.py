"""ocmf.format_session: the start and end values of one charging session in
the other formats through the core's ``Checker::format_session`` (issue 19),
via the installed wheel, on the shared real samples
(ocmf-core/tests/data/formats/samples.jsonl).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import pytest

import ocmf

SAMPLES = Path(__file__).resolve().parents[2] / "ocmf-core" / "tests" / "data" / "formats" / "samples.jsonl"

with open(SAMPLES, encoding="utf-8") as _f:
    BY_ID: dict[str, dict[str, Any]] = {r["id"]: r for r in (json.loads(line) for line in _f if line.strip())}


def session(*ids: str, **kw: Any) -> ocmf.FormatSessionResult:
    values = [BY_ID[i]["signed_value"] for i in ids]
    key: Optional[str] = BY_ID[ids[0]]["public_key"] if ids else None
    return ocmf.format_session(values, key, **kw)


@pytest.mark.parametrize(
    ("ids", "fmt", "kwh"),
    [
        (("alfen-011", "alfen-012"), "ALFEN", "2100.000"),
        (("edl40-025", "edl40-026"), "EDL40", "0.0019"),
        (("isa_edl40-030", "isa_edl40-029"), "ISA_EDL40", "22.3294"),
        (("sml_signature_only-037", "sml_signature_only-038"), "SML_SIGNATURE_ONLY", "1.0451"),
        (("edl_mennekes-045",), "EDL_MENNEKES", "0.1419"),
        (("pcdf-054",), "PCDF", "3.276"),
        (("emh_chargeit-062", "emh_chargeit-063"), "EMH_CHARGEIT", "0.6484"),
        (("bsm_ws36a-068", "bsm_ws36a-069"), "BSM_WS36A", "0.030"),
    ],
)
def test_real_sessions_are_valid_with_their_exact_energy(ids: tuple[str, ...], fmt: str, kwh: str) -> None:
    s = session(*ids)
    assert s.verdict == "valid", s.to_json()
    assert s.is_valid and s.code == 0 and s.code_name == "ok"
    assert s.format == fmt
    assert s.energy_kwh == Decimal(kwh) and isinstance(s.energy_kwh, Decimal)
    assert str(s.energy_kwh) == kwh, "exact text, never a float"
    e = s.energy
    assert e is not None and e.end - e.begin == e.value
    assert [v.index for v in s.values] == list(range(len(ids)))
    assert all(v.verdict == "valid" and v.format == fmt for v in s.values)
    assert s.to_dict()["energy"]["kwh"] == kwh
    assert repr(s).startswith("FormatSessionResult(")


def test_swapped_two_starts_two_meters_and_a_changed_value() -> None:
    s = session("alfen-012", "alfen-011")
    assert s.verdict == "invalid"
    names = {f.name for f in s.findings}
    assert {"session_end_before_begin", "session_value_decreasing"} <= names
    assert s.code_name == "session_inconsistent"

    s = session("alfen-011", "alfen-000")
    assert {"session_multiple_begin", "session_meter_changed"} <= {f.name for f in s.findings}

    s = session("sml_signature_only-035", "edl40-020")
    assert "session_format_changed" in {f.name for f in s.findings}
    assert s.verdict == "invalid"

    s = session("edl_mennekes-048")
    assert (s.verdict, s.code_name) == ("invalid", "invalid_signature")
    assert s.values[0].verdict == "invalid-signature"

    s = ocmf.format_session([BY_ID["alfen-011"]["signed_value"], "not a value"])
    assert (s.verdict, s.code_name) == ("malformed", "format_unrecognised")

    s = ocmf.format_session([])
    assert (s.verdict, s.code_name) == ("malformed", "session_empty")


def test_the_json_is_the_cores_and_german_on_request() -> None:
    s = session("pcdf-054", lang="de")
    d = json.loads(s.to_json())
    assert d["verdict"] == "valid" and d["energy"]["wh"] == "3276"
    assert "Ladevorgang" in s.explanation
    assert s.findings[0].message("de") != s.findings[0].message("en")


def test_bad_arguments_raise() -> None:
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.format_session("AP;0;3;...")  # type: ignore[arg-type]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.format_session([42])  # type: ignore[list-item]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.format_session([], lang="fr")
    # A key that cannot be read is every value's answer (as verify_format), not an exception.
    s = ocmf.format_session([BY_ID["alfen-011"]["signed_value"]], "zz-not-a-key")
    assert s.verdict != "valid" and s.code_name == s.values[0].code
