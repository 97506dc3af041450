"""Trusted keys, charging sessions and transports on the demo OCPP log.

The data is examples/ocpp (five stations, every OCPP encoding); the
expectations are those of ocmf-cli/tests/sessions.rs, reached here through
the Python API: CP-1 valid trusted 22.3242 kWh, CP-2 valid trusted 31.2500,
CP-3 valid untrusted 22.6770, CP-4 invalid mismatch, CP-5 incomplete; 9
values, 1 duplicate, 1 unreadable line (14).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ocmf
from ocmf import _ocmf

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ocpp"
LOG = EXAMPLES / "stations.log"
KEYS = EXAMPLES / "registry.csv"

SUMMARY_WITH_KEYS = [
    ("CP-1", "valid", "trusted", Decimal("22.3242")),
    ("CP-2", "valid", "trusted", Decimal("31.2500")),
    ("CP-3", "valid", "untrusted", Decimal("22.6770")),
    ("CP-4", "invalid", "mismatch", Decimal("30.5000")),
    ("CP-5", "incomplete", "trusted", None),
]


@pytest.fixture(scope="module")
def registry() -> ocmf.Registry:
    return ocmf.Registry.load(KEYS)


@pytest.fixture(scope="module")
def extraction() -> ocmf.Extraction:
    return ocmf.extract(LOG)


def summary(sessions: list[ocmf.GroupSession]) -> list[tuple[Optional[str], str, Optional[str], Optional[Decimal]]]:
    return [(s.station, s.result.verdict, s.result.trust, s.result.energy_kwh) for s in sessions]


# --- registry -------------------------------------------------------------


def test_registry_reads_the_demo_csv(registry: ocmf.Registry) -> None:
    text = KEYS.read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines() if line.startswith("DEMO-")]
    assert len(registry) == len(rows) == 4
    for entry, row in zip(registry, rows):
        assert entry.meter_serial == row[0]
        assert entry.gateway_serial is None
        assert entry.public_key == ocmf.Key(row[1])
        assert entry.source == row[2]
        assert entry.fingerprint == ocmf.Key(row[1]).fingerprint
        assert text.splitlines()[entry.line - 1].startswith(row[0])
        assert entry.valid_from is None and entry.valid_until is None
    assert registry[1] == list(registry)[1] == registry.entries[1]
    assert "4 keys" in repr(registry)


def test_registry_from_str_bytes_path_and_json_agree(registry: ocmf.Registry) -> None:
    text = KEYS.read_text(encoding="utf-8")
    as_json = json.dumps(
        {
            "format": "ocmf-key-registry",
            "version": 1,
            "keys": [{"meter_serial": e.meter_serial, "public_key": e.public_key.sec1_hex, "source": e.source}
                     for e in registry],
        },
        indent=2,
    )
    for other in (
        ocmf.Registry.load(text),
        ocmf.Registry.load(text.encode()),
        ocmf.Registry.from_csv(KEYS),
        ocmf.Registry.from_json(as_json),
        ocmf.Registry.load(as_json.encode()),
    ):
        assert [(e.meter_serial, e.public_key, e.source) for e in other] == [
            (e.meter_serial, e.public_key, e.source) for e in registry
        ]
    assert len(ocmf.Registry()) == 0


def test_registry_validity_window_as_datetimes() -> None:
    key = ocmf.Registry.load(KEYS)[0].public_key.sec1_hex
    reg = ocmf.Registry.from_json(
        json.dumps([{"meter_serial": "M1", "public_key": key, "valid_from": "2024-01-31",
                     "valid_until": "2024-02-01T12:00:00+01:00"}])
    )
    e = reg[0]
    assert e.valid_from == datetime(2024, 1, 31, tzinfo=timezone.utc)
    assert e.valid_until == datetime(2024, 2, 1, 11, tzinfo=timezone.utc)
    assert e.valid_until_ms is not None and e.valid_from_ms is not None
    assert e.valid_until_ms - e.valid_from_ms == 35 * 3600 * 1000
    assert e.source == "registry"


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("meter_serial,public_key\nX1,not-a-key\n", 2, "public_key"),
        ("meter_serial,public_key,colour\nX1,04AB\n", 1, None),
        ("meter_serial,public_key\n\n# comment\nX1,\"04AB\n", 4, None),
        ("meter_serial,public_key\nX1\n", 2, None),
        ("meter_serial\nX1\n", 1, "public_key"),
        ('{"keys": [\n  {"meter_serial": "X"\n', 3, None),
        ('{"keys": [{"meter_serial": "X", "public_key": "04AB", "valid_untill": "2024-01-01"}]}', 1, None),
        ('{"format": "other", "keys": []}', 1, None),
        ("", 1, None),
        ("   \n", 1, None),
    ],
)
def test_malformed_registry_raises_registry_error_with_line(text: str, line: int, field: Optional[str]) -> None:
    with pytest.raises(ocmf.RegistryError) as e:
        ocmf.Registry.load(text)
    err = e.value
    assert isinstance(err, ocmf.OcmfError)
    assert err.code == 802 and err.code_name == "registry_format"
    assert err.line == line, str(err)
    assert err.column is not None and err.column >= 1
    assert f"line {line}" in str(err)
    if field is not None:
        assert err.field == field
    assert err.span is not None and err.span[0] <= err.span[1] <= len(text.encode())
    de = pytest.raises(ocmf.RegistryError, ocmf.Registry.load, text, lang="de").value
    assert f"zeile {line}" in str(de) and str(de) != str(err)
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), str(back), back.code, back.line, back.column, back.field, back.span) == (
        type(err), str(err), err.code, err.line, err.column, err.field, err.span)


def test_registry_forced_format_and_encoding_errors(tmp_path: Path) -> None:
    json_text = '[{"meter_serial": "X", "public_key": "' + ocmf.Registry.load(KEYS)[0].public_key.sec1_hex + '"}]'
    assert len(ocmf.Registry.from_json(json_text)) == 1
    with pytest.raises(ocmf.RegistryError):
        ocmf.Registry.from_csv(json_text)
    with pytest.raises(ocmf.RegistryError):
        ocmf.Registry.from_json(KEYS.read_text(encoding="utf-8"))
    # Not UTF-8: the core's code 102 not_utf8 (Registry::load_bytes, as in the C binding), with line and column.
    e = pytest.raises(ocmf.RegistryError, ocmf.Registry.load, b"meter_serial,public_key\nX\xff,04\n").value
    assert (e.code, e.code_name, e.line, e.column) == (102, "not_utf8", 2, 2)
    for read in (ocmf.Registry.from_csv, ocmf.Registry.from_json):
        forced = pytest.raises(ocmf.RegistryError, read, b"meter_serial,public_key\nX\xff,04\n").value
        assert (forced.code, forced.line, forced.column, str(forced)) == (e.code, e.line, e.column, str(e))
    e = pytest.raises(ocmf.RegistryError, ocmf.Registry.load, "meter_serial,public_key\nX,\udc80\n").value
    assert (e.code, e.line, e.column) == (102, 2, 3)
    # A file name given as str is text; the message says how to read the file.
    path = tmp_path / "keys.csv"
    path.write_bytes(KEYS.read_bytes())
    e = pytest.raises(ocmf.RegistryError, ocmf.Registry.load, str(path)).value
    assert "pathlib.Path" in str(e)
    assert len(ocmf.Registry.load(path)) == 4
    with pytest.raises(FileNotFoundError):
        ocmf.Registry.load(tmp_path / "missing.csv")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.Registry.load(42)  # type: ignore[arg-type]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.Registry.load("meter_serial,public_key\n", lang="fr")


def test_registry_pickles(registry: ocmf.Registry) -> None:
    back = pickle.loads(pickle.dumps(registry))
    assert list(back) == list(registry)
    assert len(pickle.loads(pickle.dumps(ocmf.Registry()))) == 0


# --- verify with a registry -----------------------------------------------


def test_verify_with_registry_states_trust(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    results = [ocmf.verify(v.record, v.public_key, registry=registry) for v in extraction.values]
    trust = [r.trust.status if r.trust else None for r in results]
    assert trust == ["trusted"] * 4 + ["untrusted"] * 2 + ["mismatch"] * 2 + ["trusted"]
    by_serial = {e.meter_serial: e for e in registry}
    for v, r in zip(extraction.values, results):
        serial = ocmf.parse(v.record)["meter_serial"]
        assert r.trust is not None
        carried = ocmf.Key(v.public_key).fingerprint if v.public_key else None
        assert r.carried_key_fingerprint == carried
        if r.trust.status == "trusted":
            assert r.verdict == "valid" and r.trust.is_trusted and r.trust.code == 0
            assert r.key_fingerprint == by_serial[serial].fingerprint
            assert r.trust.key_index is not None and registry[r.trust.key_index].meter_serial == serial
            assert r.trust.source == by_serial[serial].source
        elif r.trust.status == "untrusted":
            assert serial not in by_serial and r.trust.code == 803
            assert r.key_fingerprint == carried and r.verdict == "valid"
        else:  # mismatch: verified with the registered key, not the carried one
            assert r.trust.code == 804 and r.trust.code_name == "key_registry_mismatch"
            assert r.key_fingerprint == by_serial[serial].fingerprint != carried
        assert json.loads(r.to_json())["trust"]["status"] == r.trust.status
    # Without a registry there is no key decision.
    plain = ocmf.verify(extraction.values[0].record)
    assert plain.trust is None and plain.key_fingerprint is None
    assert "trust" not in json.loads(plain.to_json())


def test_verify_registry_key_forms_agree(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    v = extraction.values[6]  # CP-4: carries a key that is not the registered one
    assert v.public_key is not None
    key = ocmf.Key(v.public_key)
    want = ocmf.verify(v.record, v.public_key, registry=registry).to_json()
    assert ocmf.verify(v.record, key, registry=registry).to_json() == want
    assert ocmf.verify(v.record, bytes.fromhex(key.sec1_hex), registry=registry).to_json() == want
    assert ocmf.verify(v.record.encode(), v.public_key, registry=registry).to_json() == want
    de = ocmf.verify(v.record, v.public_key, lang="de", registry=registry)
    assert de.trust is not None and "registrierte" in de.trust.message
    # Unreadable input: the record's verdict, no key decision.
    bad = ocmf.verify(b"OCMF|\xff|{}", registry=registry)
    assert (bad.verdict, bad.code) == ("malformed", 102)
    assert bad.trust is not None and bad.trust.status == "unknown"
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify(v.record, registry="keys.csv")  # type: ignore[arg-type]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.verify(v.record, 42, registry=registry)  # type: ignore[arg-type]


# --- extract ----------------------------------------------------------------


def test_extract_the_demo_log(extraction: ocmf.Extraction) -> None:
    ex = extraction
    assert ex.format == "ocpp-log"
    assert len(ex.values) == len(ex) == 9
    assert ex.duplicates == 1
    assert [(e.code, e.name, e.line) for e in ex.errors] == [(805, "transport_format", 14)]
    assert "line 14" in str(ex.errors[0])
    transports = {v.transport for v in ex.values}
    assert {"ocpp16-plain", "ocpp16-envelope", "ocpp20-base64", "ocpp20-raw", "ocpp16-hex"} <= transports
    assert transports <= set(ocmf.TRANSPORTS)
    log_lines = LOG.read_text(encoding="utf-8").splitlines()
    for v in ex.values:
        assert v.record.startswith("OCMF|")
        assert v.line is not None and v.station is not None and v.station in log_lines[v.line - 1]
        assert v.message_id is not None and f'"{v.message_id}"' in log_lines[v.line - 1]
        assert v.action is not None and v.action in log_lines[v.line - 1]
    first = ex.values[0]
    assert (first.station, first.transaction_id, first.connector, first.context) == (
        "CP-1", "1001", 1, "Transaction.Begin")
    # The JSON is the same extraction.
    j = json.loads(ex.to_json())
    assert j["format"] == ex.format and j["duplicates"] == ex.duplicates
    assert [x["record"] for x in j["values"]] == [v.record for v in ex.values]
    assert [x["origin"]["line"] for x in j["values"]] == [v.line for v in ex.values]
    groups = ex.groups()
    assert [(g["station"], g["transaction_id"], g["evse"], tuple(g["values"])) for g in j["groups"]] == [
        (g.station, g.transaction_id, g.evse, g.values) for g in groups
    ]
    assert sorted(i for g in groups for i in g.values) == list(range(9))
    with pytest.raises(ocmf.TransportError) as e:
        ex.raise_for_errors()
    assert (e.value.code, e.value.line) == (805, 14)


def test_extract_input_kinds_agree(tmp_path: Path, extraction: ocmf.Extraction) -> None:
    raw = LOG.read_bytes()
    for data in (raw, raw.decode(), bytearray(raw), memoryview(raw)):
        assert ocmf.extract(data).values == extraction.values
    with pytest.raises(FileNotFoundError):
        ocmf.extract(tmp_path / "missing.log")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.extract(42)  # type: ignore[arg-type]


def test_extract_other_formats(extraction: ocmf.Extraction) -> None:
    records = [v.record for v in extraction.values]
    text = ocmf.extract("\n".join(records) + "\n")
    assert text.format == "ocmf-text" and [v.record for v in text.values] == records
    assert {v.transport for v in text.values} == {"plain"}
    hexed = ocmf.extract("\n".join(r.encode().hex() for r in records))
    assert hexed.format == "hex-text" and [v.record for v in hexed.values] == records
    empty = ocmf.extract("  \n")
    assert (empty.format, empty.values) == ("empty", ())
    assert [e.name for e in empty.errors] == ["empty_input"]
    with pytest.raises(ocmf.MalformedRecordError):
        empty.raise_for_errors()
    assert text.raise_for_errors() is text


@pytest.mark.parametrize(
    ("data", "code", "line"),
    [
        ('<?xml version="1.0"?>\n<values>\n<value transactionId="1">\n<signedData format="OCMF">', 806, None),
        ('<values>\n<value><signedData format="OCMF" encoding="plain">OCMF|{}|{}</signedData></valu>\n</values>', 806, None),
        (b'OCMF|{"FV":"1.0"}|{}\n\xff\xfe\n', 102, 2),
        ("OCMF|{}|{}\n\udc80", 102, 2),
        ('[2,"1","MeterValues",{"connectorId":1,"meterValue":[{"sampledValue":[{"format":"SignedData","value":"zz"', 805, None),
    ],
)
def test_malformed_transport_input_gives_typed_errors(data: Any, code: int, line: Optional[int]) -> None:
    ex = ocmf.extract(data)
    assert ex.errors, ex
    assert ex.errors[0].code == code
    if line is not None:
        assert ex.errors[0].line == line
    with pytest.raises(ocmf.OcmfError) as e:
        ex.raise_for_errors()
    assert e.value.code == code
    if code in (805, 806):
        assert isinstance(e.value, ocmf.TransportError)


def test_extract_too_large_file(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    with open(big, "wb") as f:
        f.truncate(_ocmf.MAX_INPUT_BYTES + 10)
    ex = ocmf.extract(big)
    assert ex.values == () and [e.name for e in ex.errors] == ["too_large"]


# --- XML export -------------------------------------------------------------


def test_xml_export_extracts_back_into_the_same_sessions(
    extraction: ocmf.Extraction, registry: ocmf.Registry
) -> None:
    xml = extraction.to_xml()
    assert xml == ocmf.to_xml(extraction.values)
    assert "<values" in xml and "signedData" in xml
    back = ocmf.extract(xml)
    assert back.format == "tps-xml" and back.errors == ()
    assert [v.record for v in back.values] == [v.record for v in extraction.values]
    assert [v.public_key for v in back.values] == [v.public_key for v in extraction.values]
    assert {v.transport for v in back.values} == {"tps-xml"}
    orig_s = extraction.sessions(registry=registry)
    back_s = back.sessions(registry=registry)
    assert summary(back_s) == summary(orig_s) == SUMMARY_WITH_KEYS
    for a, b in zip(back_s, orig_s):
        assert a.transaction_id == b.transaction_id
        assert a.result.energy == b.result.energy
        assert a.result.findings == b.result.findings


def test_to_xml_of_records_and_bad_values(extraction: ocmf.Extraction) -> None:
    records = [v.record for v in extraction.values]
    back = ocmf.extract(ocmf.to_xml(records))
    assert [v.record for v in back.values] == records
    assert ocmf.extract(ocmf.to_xml([])).values == ()
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.to_xml([ocmf.SignedValue(records[0], transport="carrier-pigeon")])
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.to_xml([42])  # type: ignore[list-item]


# --- sessions ---------------------------------------------------------------


def test_extraction_sessions_with_registry(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    sessions = extraction.sessions(registry=registry)
    assert summary(sessions) == SUMMARY_WITH_KEYS
    cp1 = sessions[0].result
    assert cp1.is_valid and cp1.code == 0
    assert cp1.energy_wh == Decimal("22324.2") and isinstance(cp1.energy_kwh, Decimal)
    assert cp1.energy is not None and cp1.energy.kwh == cp1.energy_kwh and cp1.energy.unit == "kWh"
    assert cp1.energy.end - cp1.energy.begin == cp1.energy.value
    assert cp1.duration_seconds == Decimal("4350.000")
    assert cp1.duration == timedelta(seconds=4350) and cp1.duration_ms == 4_350_000
    assert cp1.start is not None and cp1.end is not None
    assert cp1.end.datetime - cp1.start.datetime == cp1.duration
    assert cp1.start.time.startswith("2026-11-02T08:00:00") and cp1.start.time_status == "S"
    assert cp1.meter_serial == "DEMO-0001"
    assert [r.label for r in cp1.records] == [extraction.values[i].message_id for i in sessions[0].values]
    assert all(r.trust.status == "trusted" and r.verdict == "valid" for r in cp1.records)
    assert "billed" in cp1.explanation
    cp4 = sessions[3].result
    assert cp4.verdict == "invalid" and cp4.code != 0
    assert {r.trust.status for r in cp4.records} == {"mismatch"}
    cp5 = sessions[4].result
    assert cp5.verdict == "incomplete" and cp5.energy is None and cp5.energy_kwh is None
    missing_end = [f for f in cp5.findings if f.name == "session_missing_end"]
    assert missing_end and missing_end[0].severity == "error"
    assert "Endzählerstand" in missing_end[0].message_de and missing_end[0].message("de") == missing_end[0].message_de
    assert missing_end[0].message_en != missing_end[0].message_de
    # Finding positions point into the record they name.
    for s in sessions:
        recs = [extraction.values[i].record for i in s.values]
        for f in s.result.findings:
            if f.record is not None:
                assert 0 <= f.record < len(recs)
                if f.span is not None:
                    assert 0 <= f.span[0] <= f.span[1] <= len(recs[f.record].encode())


def test_sessions_without_registry(extraction: ocmf.Extraction) -> None:
    s = summary(extraction.sessions())
    # CP-1 and CP-5 carry no key at all; CP-4's carried key verifies.
    assert s[0][1] == "incomplete"
    assert s[2] == ("CP-3", "valid", "untrusted", Decimal("22.6770"))
    assert s[3] == ("CP-4", "valid", "untrusted", Decimal("30.5000"))


def test_session_json_is_the_cores_and_consistent(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    for lang in ("en", "de"):
        whole = extraction.sessions_json(registry=registry, lang=lang)
        sessions = extraction.sessions(registry=registry, lang=lang)
        # Each group's JSON embeds its session's JSON byte for byte, and the
        # whole is the extraction's JSON plus the groups' JSON.
        for s in sessions:
            assert s.result.to_json() in s.to_json()
            assert json.loads(s.to_json())["report"] == s.result.to_dict()
            assert s.to_json() in whole
        assert extraction.to_json() in whole
        assert json.loads(whole) == {
            "extraction": json.loads(extraction.to_json()),
            "sessions": [json.loads(s.to_json()) for s in sessions],
        }
    en = extraction.sessions(registry=registry)[0].result
    de = extraction.sessions(registry=registry, lang="de")[0].result
    assert en.explanation != de.explanation and "abgerechnet" in de.explanation


def test_evaluate_session_matches_the_extraction_path(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    for g in extraction.sessions(registry=registry, profile="strict"):
        values = [extraction.values[i] for i in g.values]
        direct = ocmf.evaluate_session(values, registry=registry, profile="strict")
        assert direct.to_json() == g.result.to_json()
        as_tuples = [(v.record, v.public_key, v.message_id) for v in values]
        assert ocmf.evaluate_session(as_tuples, registry=registry, profile="strict").to_json() == direct.to_json()


def test_evaluate_session_from_separate_records(extraction: ocmf.Extraction, registry: ocmf.Registry) -> None:
    recs = [v.record for v in extraction.values]
    # End first, begin second: the session orders by pagination.
    r = ocmf.evaluate_session([recs[1], recs[0]], registry=registry)
    assert (r.verdict, r.energy_kwh, r.trust) == ("valid", Decimal("22.3242"), "trusted")
    assert [x.index for x in r.records] == [1, 0]
    # Bytes records, an explicit key instead of the registry.
    key = registry[0].public_key
    r = ocmf.evaluate_session([recs[0].encode(), recs[1].encode()], key=key)
    assert (r.verdict, r.trust) == ("valid", "untrusted")
    assert ocmf.evaluate_session(recs[:2], key=key.sec1_hex).to_json() == r.to_json()
    # Begin of one meter, end of another: invalid.
    assert ocmf.evaluate_session([recs[0], recs[3]], registry=registry).verdict == "invalid"
    # Only a begin: incomplete.
    only = ocmf.evaluate_session([recs[0]], registry=registry)
    assert only.verdict == "incomplete" and only.energy is None
    # Nothing: malformed, session_empty.
    none = ocmf.evaluate_session([])
    assert (none.verdict, none.code, none.code_name) == ("malformed", 800, "session_empty")
    # A record that cannot be read makes the session malformed.
    bad = ocmf.evaluate_session([recs[0], "OCMF|{"], registry=registry)
    assert bad.verdict == "malformed" and bad.records[1].verdict == "malformed"


def test_evaluate_session_bad_arguments(extraction: ocmf.Extraction) -> None:
    rec = extraction.values[0].record
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.evaluate_session(rec)
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.evaluate_session([42])  # type: ignore[list-item]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.evaluate_session([(rec, 42)])  # type: ignore[list-item]
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.evaluate_session([rec], profile="lenient")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.evaluate_session([rec], lang="fr")
    with pytest.raises(ocmf.InvalidKeyError):
        ocmf.evaluate_session([rec], key="not a key")
    e = pytest.raises(ocmf.MalformedRecordError, ocmf.evaluate_session, [rec, b"OCMF|\xff"]).value
    assert e.code == 102 and "record 1" in str(e)
    with pytest.raises(ocmf.InvalidArgumentError):
        extraction.sessions(registry=object())  # type: ignore[arg-type]


# --- byte for byte the CLI's output ---------------------------------------

CLI = os.environ.get("OCMF_CLI")


@pytest.mark.skipif(not CLI, reason="set OCMF_CLI to an ocmf binary built from the same core to compare")
def test_json_is_byte_identical_to_the_cli(
    tmp_path: Path, extraction: ocmf.Extraction, registry: ocmf.Registry
) -> None:
    assert CLI is not None

    def cli(*args: str) -> str:
        return subprocess.run([CLI, *args], capture_output=True, check=False).stdout.decode("utf-8")

    for lang in ("en", "de"):
        out = cli("extract", "--json", "--lang", lang, "--keys", str(KEYS), str(LOG))
        assert out == extraction.sessions_json(registry=registry, lang=lang) + "\n"
    lines = cli("verify", "--json", "--keys", str(KEYS), str(LOG)).splitlines()
    assert lines[1:] == [ocmf.verify(v.record, v.public_key, registry=registry).to_json() for v in extraction.values]
    assert cli("convert", "--to", "xml", str(LOG)) == extraction.to_xml()
    assert cli("convert", "--to", "json", str(LOG)).rstrip("\n") == extraction.to_json()
    begin, end = tmp_path / "begin.ocmf", tmp_path / "end.ocmf"
    begin.write_text(extraction.values[0].record, encoding="utf-8")
    end.write_text(extraction.values[1].record, encoding="utf-8")
    out = cli("session", "--json", "--profile", "strict", "--keys", str(KEYS), str(end), str(begin))
    mine = ocmf.evaluate_session(
        [(extraction.values[1].record, None, f"{end}:1"), (extraction.values[0].record, None, f"{begin}:1")],
        registry=registry,
        profile="strict",
    )
    assert out == mine.to_json() + "\n"


# --- robustness -------------------------------------------------------------

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ocpp_ish = st.text(alphabet='[]{}",:0123456789 abcdefOCMF|SignedDatavluepKy-\n', max_size=300)


@FUZZ
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400), ocpp_ish, st.just("<values>").map(lambda s: s * 3)))
def test_extract_and_sessions_never_raise(data: Any) -> None:
    ex = ocmf.extract(data)
    for e in ex.errors:
        assert 100 <= e.code < 900
    for s in ex.sessions():
        assert s.result.verdict in {"valid", "incomplete", "invalid", "malformed"}
    back = ocmf.extract(ex.to_xml())  # the writer's output is always readable back
    assert back.errors == () or not ex.values
    assert len(back.values) <= len(ex.values)


@FUZZ
@given(st.one_of(st.text(max_size=300), st.text(alphabet="meter_serial,public_key04ABX\n\"{}[]:", max_size=200)))
def test_registry_load_raises_only_registry_errors(text: str) -> None:
    try:
        reg = ocmf.Registry.load(text)
    except ocmf.RegistryError as e:
        assert e.code == 802 and e.line is not None and e.line >= 1
    else:
        assert len(reg) == len(list(reg))


# --- the GIL ----------------------------------------------------------------


def test_extract_releases_the_gil(extraction: ocmf.Extraction, runs_without_gil: Any) -> None:
    """While the native extract runs, another Python thread keeps running."""
    chunk = "\n".join(v.record for v in extraction.values) + "\n"
    big = chunk * (_ocmf.MAX_INPUT_BYTES // len(chunk.encode()) - 1)  # just under the input limit
    t0 = time.perf_counter()
    found = _ocmf.extract(big)
    alone = time.perf_counter() - t0
    assert len(found.values()) == len(extraction.values)  # the same records, deduplicated
    if alone < 0.2:
        pytest.skip(f"extract took {alone:.3f}s: too fast to observe")
    runs_without_gil(lambda: _ocmf.extract(big), alone)
