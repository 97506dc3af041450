"""OCPI and OICP charge detail records through the wheel: extraction, the
CDR's EVSE id, token and billed energy, sessions, and the core's JSON byte
for byte as the CLI prints it (with OCMF_CLI set).

The fixtures are the core's (ocmf-core/tests/data/cdr, written by its
generate.py); each test checks what its fixture was made to show.
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import ocmf

CDR = Path(__file__).resolve().parents[2] / "ocmf-core" / "tests" / "data" / "cdr"
REGISTRY = CDR / "registry.csv"
FIXTURES = sorted(p.name for p in CDR.iterdir() if p.suffix in (".json", ".jsonl"))
CLI = os.environ.get("OCMF_CLI")


def _registry() -> ocmf.Registry:
    return ocmf.Registry.from_csv(REGISTRY.read_bytes())


def _sessions(name: str, registry: bool = False) -> tuple[ocmf.Extraction, list[ocmf.GroupSession], dict[str, Any]]:
    ex = ocmf.extract(CDR / name)
    reg = _registry() if registry else None
    sessions = ex.sessions(registry=reg)
    doc = json.loads(ex.sessions_json(registry=reg))
    return ex, sessions, doc


def test_fixtures_are_there() -> None:
    assert len(FIXTURES) >= 19, FIXTURES
    assert REGISTRY.is_file()


def test_cdr_transports_are_known() -> None:
    for t in ("ocpi-raw", "ocpi-base64", "ocpi-hex", "oicp-raw", "oicp-base64", "oicp-hex"):
        assert t in ocmf.TRANSPORTS


@pytest.mark.parametrize("name", FIXTURES)
def test_typed_members_match_the_core_json(name: str) -> None:
    """Every value, group and session member the wheel types is the core's JSON member."""
    ex, sessions, doc = _sessions(name)
    want = doc["extraction"]
    assert ex.format == want["format"] == ("ocpi-cdr" if name.startswith("ocpi") else "oicp-cdr")
    assert len(ex.values) == len(want["values"])
    for v, w in zip(ex.values, want["values"]):
        assert v.transport == w["transport"] and v.transport.split("-")[0] == name.split("_")[0]
        assert v.record == w["record"]
        assert (v.evse_id, v.token, v.plain_data) == (w["evse_id"], w["token"], w["plain_data"])
        assert v.billed_kwh == (None if w["billed_kwh"] is None else Decimal(w["billed_kwh"]))
        if v.billed_kwh is not None:
            assert str(v.billed_kwh) == w["billed_kwh"]  # exact, as written
    assert [(e.code, e.name, e.line) for e in ex.errors] == [(e["code"], e["name"], e["line"]) for e in want["errors"]]
    groups = ex.groups()
    assert [(g.evse_id, g.token, list(g.values)) for g in groups] == [
        (g["evse_id"], g["token"], g["values"]) for g in want["groups"]
    ]
    assert len(sessions) == len(doc["sessions"]) == len(groups)
    for s, w in zip(sessions, doc["sessions"]):
        assert (s.evse_id, s.token) == (w["evse_id"], w["token"])
        assert s.group == groups[sessions.index(s)]
        assert json.loads(s.to_json()) == w
        b, wb = s.result.billed, w["report"]["billed"]
        assert wb is not None, "every CDR session has a billed energy"
        assert isinstance(b, ocmf.BilledEnergy)
        assert b.billed_kwh == Decimal(wb["billed_kwh"]) and str(b.billed_kwh) == wb["billed_kwh"]
        assert b.signed_kwh == (None if wb["signed_kwh"] is None else Decimal(wb["signed_kwh"]))
        assert b.agrees is wb["agrees"]
        if b.signed_kwh is not None:
            assert b.signed_kwh == s.result.energy_kwh


def test_ocpi_page_with_a_non_ocmf_encoding() -> None:
    """A GET /cdrs page: one CDR in another encoding is error 807 for that CDR, the others are sessions."""
    ex, sessions, _ = _sessions("ocpi_cdrs_page.json")
    assert ex.format == "ocpi-cdr"
    assert [(e.code, e.name) for e in ex.errors] == [(807, "unsupported_encoding")]
    assert ex.errors[0].line is not None
    assert len(sessions) == 2
    assert all(s.result.billed is not None and s.result.billed.agrees for s in sessions)
    assert len({s.evse_id for s in sessions}) == 2 and all(s.token for s in sessions)
    with pytest.raises(ocmf.TransportError) as e:
        ex.raise_for_errors()
    assert e.value.code == 807 and e.value.code_name == "unsupported_encoding" and e.value.line == ex.errors[0].line


def test_oicp_cdr() -> None:
    ex, sessions, _ = _sessions("oicp_cdr_base64.json")
    assert ex.format == "oicp-cdr" and not ex.errors
    assert {v.transport for v in ex.values} == {"oicp-base64"}
    (s,) = sessions
    assert s.evse_id and s.token
    assert s.result.billed is not None and s.result.billed.agrees is True
    assert "billed_energy_mismatch" not in {f.name for f in s.result.findings}


@pytest.mark.parametrize("name", ["ocpi_cdr_billed_mismatch.json", "oicp_cdr_billed_mismatch.json"])
def test_billed_is_not_signed(name: str) -> None:
    _, (s,), _ = _sessions(name)
    b = s.result.billed
    assert b is not None and b.agrees is False and b.signed_kwh is not None and b.billed_kwh != b.signed_kwh
    found = [f for f in s.result.findings if f.name == "billed_energy_mismatch"]
    assert len(found) == 1 and found[0].code == 1190 and found[0].severity == "error"
    assert s.result.verdict == "invalid"


def test_plain_data_mismatch_is_a_warning() -> None:
    ex, (s,), _ = _sessions("ocpi_cdr_plain_mismatch.json")
    assert any(v.plain_data for v in ex.values)
    found = [f for f in s.result.findings if f.name == "plain_data_mismatch"]
    assert found and all(f.code == 1191 and f.severity == "warning" for f in found)


@pytest.mark.parametrize("name", ["ocpi_cdrs.jsonl", "oicp_notifications.jsonl"])
def test_json_lines_with_a_bad_line(name: str) -> None:
    """JSON Lines: the malformed line is a 805 error with its line, the other lines are read."""
    ex, sessions, _ = _sessions(name)
    assert [e.code for e in ex.errors] == [805]
    lines = (CDR / name).read_text(encoding="utf-8").splitlines()
    bad = ex.errors[0].line
    assert bad is not None
    with pytest.raises(ValueError):
        json.loads(lines[bad - 1])
    assert ex.values and sessions


def test_registry_decides_trust() -> None:
    _, without, _ = _sessions("ocpi_cdr_base64.json")
    _, trusted, _ = _sessions("ocpi_cdr_base64.json", registry=True)
    assert without[0].result.trust != "trusted"
    assert trusted[0].result.trust == "trusted"
    assert "session_key_untrusted" in {f.name for f in without[0].result.findings}
    assert "session_key_untrusted" not in {f.name for f in trusted[0].result.findings}


def test_to_xml_takes_cdr_values() -> None:
    """CDR values written as XML read back as the same records (the XML holds no CDR fields)."""
    ex = ocmf.extract(CDR / "ocpi_cdrs_page.json")
    back = ocmf.extract(ocmf.to_xml(ex.values))
    assert back.format == "tps-xml"
    assert [v.record for v in back.values] == [v.record for v in ex.values]
    assert ocmf.to_xml(ex.values) == ex.to_xml()


def test_to_xml_refuses_a_billed_kwh_that_is_no_decimal() -> None:
    v = ocmf.extract(CDR / "ocpi_cdr_single_be.json").values[0]
    bad = ocmf.SignedValue(record=v.record, transport=v.transport, billed_kwh="lots")  # type: ignore[arg-type]
    with pytest.raises(ocmf.InvalidArgumentError, match="billed_kwh"):
        ocmf.to_xml([bad])


@pytest.mark.skipif(not CLI, reason="set OCMF_CLI to an ocmf binary built from the same core to compare")
@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("registry", [False, True])
def test_same_json_as_the_cli(name: str, registry: bool) -> None:
    assert CLI is not None
    args = [CLI, "extract", "--json", "--profile=strict", "--lang=de"]
    if registry:
        args.append(f"--keys={REGISTRY}")
    out = subprocess.run([*args, str(CDR / name)], capture_output=True, check=False).stdout.decode("utf-8")
    ex = ocmf.extract(CDR / name)
    mine = ex.sessions_json(registry=_registry() if registry else None, profile="strict", lang="de")
    assert out.strip() == mine.strip()
    xml = subprocess.run([CLI, "convert", "--to", "xml", str(CDR / name)], capture_output=True, check=False)
    assert xml.stdout.decode("utf-8") == ex.to_xml()
