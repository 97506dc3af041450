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
