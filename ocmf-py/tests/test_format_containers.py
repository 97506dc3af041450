"""The other formats (issue 19) inside the containers through the wheel:
each value's ``format``, each session's format checks (``formats``), and
``to_xml`` writing them back so that extracting again gives the same values.

The fixtures are the core's (ocmf-core/tests/data/containers, written by its
generate.py from the shared samples; manifest.json names each value's sample).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ocmf

DIR = Path(__file__).resolve().parents[2] / "ocmf-core" / "tests" / "data" / "containers"
SAMPLES = {
    s["id"]: s
    for s in map(json.loads, (DIR.parent / "formats" / "samples.jsonl").read_text().splitlines())
}
MANIFEST = json.loads((DIR / "manifest.json").read_text())


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_value_has_its_samples_format_and_check(name: str) -> None:
    ex = ocmf.extract(DIR / name)
    assert not ex.errors
    ids = MANIFEST[name]
    assert [v.format for v in ex.values] == [SAMPLES[i]["format"] for i in ids]
    checks = {i: r for s in ex.sessions() for i, r in s.formats}
    assert sorted(checks) == list(range(len(ids)))
    for i, sid in enumerate(ids):
        s = SAMPLES[sid]
        direct = ocmf.verify_format(s["signed_value"], s["public_key"])
        assert (checks[i].verdict, checks[i].code) == (direct.verdict, direct.code), sid
    # The JSON names the format and holds the same checks.
    whole = json.loads(ex.sessions_json())
    assert [v["format"] for v in whole["extraction"]["values"]] == [v.format for v in ex.values]
    got = {f["value"]: f["check"]["verdict"] for s in whole["sessions"] for f in s["formats"]}
    assert got == {i: r.verdict for i, r in checks.items()}


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_to_xml_round_trips_the_format_values(name: str) -> None:
    ex = ocmf.extract(DIR / name)
    back = ocmf.extract(ocmf.to_xml(ex.values))
    assert not back.errors
    fields = lambda v: (v.record, v.format, v.public_key, v.context, v.transaction_id)  # noqa: E731
    assert [fields(v) for v in back.values] == [fields(v) for v in ex.values]


def test_an_unknown_format_name_is_an_invalid_argument() -> None:
    v = ocmf.SignedValue("AP;0;3;", format="NOPE")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.to_xml([v])


@pytest.mark.parametrize(
    "name, ids, kwh",
    [
        ("ocpi_alfen.json", ["alfen-011", "alfen-012"], "2100.000"),
        ("ocpi_edl40.json", ["edl40-025", "edl40-026"], "0.0019"),
        ("oicp_sig_only.json", ["sml_signature_only-037", "sml_signature_only-038"], "1.0451"),
    ],
)
def test_a_groups_format_values_are_one_format_session(name: str, ids: list[str], kwh: str) -> None:
    ex = ocmf.extract(DIR / name)
    (g,) = ex.sessions()
    fs = g.format_session
    assert isinstance(fs, ocmf.FormatSessionResult)
    assert (g.verdict, fs.verdict) == ("valid", "valid")
    # The OCMF session of a group without OCMF values stays empty.
    assert g.result.verdict == "malformed"
    assert str(fs.energy_kwh) == kwh
    # The same session as format_session on the raw samples with their keys.
    direct = ocmf.format_session([SAMPLES[i]["signed_value"] for i in ids], SAMPLES[ids[0]]["public_key"])
    assert (direct.verdict, direct.energy_kwh, direct.meter_serial) == (fs.verdict, fs.energy_kwh, fs.meter_serial)
    # The group's JSON holds it.
    j = json.loads(g.to_json())
    assert j["verdict"] == "valid"
    assert json.loads(fs.to_json()) == j["format_session"]


def test_an_ocmf_group_has_no_format_session_and_a_tampered_value_fails_the_group() -> None:
    ocmf_cdr = DIR.parent / "cdr" / "ocpi_cdr_base64.json"
    (g,) = ocmf.extract(ocmf_cdr).sessions()
    assert g.format_session is None
    assert g.verdict == g.result.verdict
    # One base32 letter of an Alfen data set changed inside the container: the group is invalid.
    text = (DIR / "ocpi_alfen.json").read_text()
    ex = ocmf.extract(DIR / "ocpi_alfen.json")
    line = ex.values[0].record
    fields = line.split(";")
    data = fields[4]
    data = data[:10] + ("B" if data[10] == "A" else "A") + data[11:]
    tampered = ";".join(fields[:4] + [data] + fields[5:])
    import base64

    enc = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    assert enc(line) in text
    (g,) = ocmf.extract(text.replace(enc(line), enc(tampered))).sessions()
    assert g.verdict == "invalid"
    assert g.format_session is not None and g.format_session.code == 600
