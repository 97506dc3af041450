"""ocmf.verify_format: the other signed meter value formats through the core's
``Checker::verify_format`` (issue 19), via the installed wheel.

Every shared sample (ocmf-core/tests/data/formats/samples.jsonl; ChargePoint's
two files, ``secrrct`` and its detached signature, given as the one object
``{"secrrct": ..., "signature": ...}``) must give its ``independent_check`` verdict, the
registry must decide trust as for OCMF, and what cannot be read is
``malformed`` with a ``format_*`` code, never an invalid signature.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import ocmf

SAMPLES = Path(__file__).resolve().parents[2] / "ocmf-core" / "tests" / "data" / "formats" / "samples.jsonl"


def _samples() -> list[dict[str, Any]]:
    with open(SAMPLES, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [_as_given(r) for r in rows]


def _as_given(row: dict[str, Any]) -> dict[str, Any]:
    """The sample with its value as verify_format takes it."""
    sig = row.get("detached_signature_hex")
    if sig is None:
        return row
    return dict(row, signed_value=json.dumps({"secrrct": row["signed_value"], "signature": sig}))


ALL = _samples()


def check(sample: dict[str, Any], **kw: Any) -> ocmf.FormatResult:
    return ocmf.verify_format(sample["signed_value"], sample["public_key"], **kw)


def agrees(result: ocmf.FormatResult, independent: str) -> bool:
    """Whether a result is the answer of the independent check."""
    if independent == "valid":
        return result.verdict == "valid" and result.signature_verified
    if independent == "invalid":
        return result.verdict == "invalid-signature" or (
            result.verdict == "malformed"
            and (result.signature_verified or result.code == "key_invalid_point")
        )
    if independent == "no-key":
        return result.verdict == "unsupported" and result.code == "key_missing"
    raise AssertionError(f"unknown independent_check {independent!r}")


def test_the_sample_set_is_the_one_the_core_reads() -> None:
    assert len(ALL) == 41
    assert {s["independent_check"] for s in ALL} == {"valid", "invalid", "no-key"}


@pytest.mark.parametrize("sample", ALL, ids=[s["id"] for s in ALL])
def test_every_sample_gives_its_independent_verdict(sample: dict[str, Any]) -> None:
    r = check(sample)
    assert agrees(r, sample["independent_check"]), (r, r.to_json())
    assert r.format == sample["format"]
    assert r.error is None and r.readings, "a readable value has readings"
    assert r.trust_status is None and r.trust is None and r.key_fingerprint is None
    if r.key_sec1 is not None:
        expected_source = "caller" if sample["public_key"] else "carried"
        assert r.key_source == expected_source
        assert ocmf.Key(r.key_sec1).sec1_hex == r.key_sec1


@pytest.mark.parametrize("sample", ALL, ids=[s["id"] for s in ALL])
def test_to_json_is_the_core_json_of_the_getters(sample: dict[str, Any]) -> None:
    r = check(sample)
    assert r.to_json() == r.json
    data = json.loads(r.to_json())
    assert "\n" not in r.to_json()
    assert (data["format"], data["verdict"], data["code"]) == (r.format, r.verdict, r.code)
    assert data["signature_verified"] == r.signature_verified
    assert data["message"] == r.message and r.message
    assert data["curve"] == r.curve
    key = data["key"]
    assert (key and (key["sec1"], key["source"])) == (r.key_sec1 and (r.key_sec1, r.key_source))
    assert "trust" in data and data["trust"] is None
    value = data["value"]
    assert value["meter_serial"] == r.meter_serial
    assert (value["transaction"], value["contract"]) == (r.transaction, r.contract)
    assert len(value["readings"]) == len(r.readings)
    for got, want in zip(r.readings, value["readings"]):
        assert (got.kind, got.time_utc_s, got.offset_minutes, got.time_status) == (
            want["kind"], want["time_utc_s"], want["offset_minutes"], want["time_status"])
        assert (got.value, got.unit, got.obis, got.status, got.pagination, got.signed) == (
            want["value"], want["unit"], want["obis"], want["status"], want["pagination"],
            want["signed"])
    assert [(f.code, f.rejects, f.detail) for f in r.findings] == [
        (f["code"], f["rejects"], f["detail"]) for f in value["findings"]]


def test_the_messages_follow_lang() -> None:
    sample = next(s for s in ALL if s["independent_check"] == "valid")
    en, de = check(sample), check(sample, lang="de")
    assert en.verdict == de.verdict and en.message != de.message
    assert json.loads(de.to_json())["message"] == de.message
    bad_en, bad_de = ocmf.verify_format("hello"), ocmf.verify_format("hello", lang="de")
    assert bad_en.error is not None and bad_de.error is not None
    assert bad_en.error.code == bad_de.error.code and bad_en.error.message != bad_de.error.message


def _carried_valid() -> list[tuple[dict[str, Any], ocmf.FormatResult]]:
    out = []
    for s in ALL:
        if s["public_key"] is None:
            r = check(s)
            if r.verdict == "valid":
                assert r.key_source == "carried"
                out.append((s, r))
    return out


def test_a_registry_decides_the_trust_of_a_carried_key() -> None:
    carried = _carried_valid()
    assert len(carried) >= 15, len(carried)
    for sample, plain in carried:
        assert plain.meter_serial and plain.key_sec1
        trusted = ocmf.Registry.load(f"meter_serial,public_key\n{plain.meter_serial},{plain.key_sec1}\n")
        r = check(sample, registry=trusted)
        assert (r.verdict, r.trust_status, r.key_source) == ("valid", "trusted", "registry"), sample["id"]
        assert r.trust is not None and r.trust.is_trusted and r.trust.key_index == 0
        # The same key, fingerprinted on the value's curve both times.
        assert r.key_fingerprint == r.carried_key_fingerprint is not None
        assert json.loads(r.to_json())["trust"]["status"] == "trusted"

        other = ocmf.Registry.load(f"meter_serial,public_key\nSOME-OTHER-METER,{plain.key_sec1}\n")
        r = check(sample, registry=other)
        assert (r.verdict, r.trust_status, r.key_source) == ("valid", "untrusted", "carried"), sample["id"]
        assert r.trust is not None and r.trust.status == "untrusted"
        assert r.key_fingerprint == r.carried_key_fingerprint is not None


def test_a_registered_key_of_another_meter_value_is_a_mismatch() -> None:
    carried = _carried_valid()
    checked = 0
    for sample, plain in carried:
        foreign = next((r.key_sec1 for _, r in carried
                        if r.key_sec1 != plain.key_sec1 and r.curve == plain.curve), None)
        if foreign is None:
            continue
        reg = ocmf.Registry.load(f"meter_serial,public_key\n{plain.meter_serial},{foreign}\n")
        r = check(sample, registry=reg)
        assert (r.verdict, r.trust_status) == ("invalid-signature", "mismatch"), sample["id"]
        checked += 1
    assert checked >= 10, checked


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", "AP;0;3;NOTBASE32!;;;", b"<signedMeterValue><broken",
     '{"signedMeterValues": []}', bytes([0x1B] * 4 + [0x01] * 4 + [0x76]), b"\xff\xfe\x00garbage"],
)
def test_unreadable_input_is_malformed_with_a_format_code(data: Any) -> None:
    empty = ocmf.Registry.load("meter_serial,public_key\n")
    plain, trusted = ocmf.verify_format(data), ocmf.verify_format(data, registry=empty)
    assert plain.trust_status is None and json.loads(plain.to_json())["trust"] is None
    assert trusted.trust_status == "unknown"
    for r in (plain, trusted):
        assert r.verdict == "malformed" and r.code.startswith("format_"), (data, r.code)
        assert not r.signature_verified
        assert r.error is not None and r.error.code == r.code and r.error.message
        assert r.readings == [] and r.meter_serial is None
        data_json = json.loads(r.to_json())
        assert data_json["error"]["code"] == r.code and data_json["value"] is None


def test_a_bad_caller_key_is_the_key_error_not_the_value_error() -> None:
    sample, _ = _carried_valid()[0]
    r = ocmf.verify_format(sample["signed_value"], "04ABCD")
    assert r.verdict == "malformed" and r.code.startswith("key_"), r.code
    assert r.error is None and r.format == sample["format"]


def test_one_changed_character_in_an_alfen_value_is_an_invalid_signature() -> None:
    changed = 0
    for sample, _ in _carried_valid():
        value: str = sample["signed_value"]
        if not value.startswith("AP;"):
            continue
        data = value.split(";")[4]  # AP;type;blob;key;DATA;signature
        flipped = data[:10] + ("B" if data[10] == "A" else "A") + data[11:]
        r = ocmf.verify_format(value.replace(data, flipped, 1))
        assert r.verdict == "invalid-signature", (sample["id"], r.code)
        assert not r.signature_verified and r.format == "ALFEN"
        changed += 1
    assert changed >= 4, changed


def test_one_changed_digit_in_the_chargepoint_secrrct_is_an_invalid_signature() -> None:
    (sample,) = [s for s in ALL if s["format"] == "CHARGEPOINT"]
    r = check(sample)
    assert (r.verdict, r.curve, r.key_source) == ("valid", "secp224k1", "caller")
    assert [x.value for x in r.readings] == ["74.6", "86.6"]
    tampered = sample["signed_value"].replace("86.6", "86.7", 1)
    assert tampered != sample["signed_value"]
    t = ocmf.verify_format(tampered, sample["public_key"])
    assert (t.verdict, t.code, t.format) == ("invalid-signature", "invalid_signature", "CHARGEPOINT")
    # The secrrct file alone: its signature is missing, not invalid.
    alone = json.loads(sample["signed_value"])["secrrct"]
    m = ocmf.verify_format(alone, sample["public_key"])
    assert (m.verdict, m.code, m.format) == ("malformed", "format_missing_field", "CHARGEPOINT")


def test_chargepoint_value_joins_the_two_files_as_users_have_them() -> None:
    (sample,) = [s for s in ALL if s["format"] == "CHARGEPOINT"]
    both = json.loads(sample["signed_value"])
    document, der = both["secrrct"], bytes.fromhex(both["signature"])
    key = sample["public_key"]
    import base64

    for sig in (der, bytearray(der), der.hex() + "\n", base64.b64encode(der) + b"\r\n"):
        value = ocmf.chargepoint_value(document.encode(), sig)
        r = ocmf.verify_format(value, key)
        assert (r.verdict, r.format) == ("valid", "CHARGEPOINT"), type(sig)
        t = ocmf.verify_format(ocmf.chargepoint_value(document.replace("86.6", "86.7", 1), sig), key)
        assert t.verdict == "invalid-signature"
    # The key file given as the signature file: a typed answer, not a raise.
    wrong = ocmf.verify_format(ocmf.chargepoint_value(document, key), key)
    assert (wrong.verdict, wrong.code) == ("malformed", "format_bad_encoding")
    with pytest.raises(ocmf.InvalidArgumentError):
        ocmf.chargepoint_value(document, 42)  # type: ignore[arg-type]


def test_str_bytes_and_a_key_object_give_the_same_answer() -> None:
    for sample in ALL:
        text = check(sample)
        raw = ocmf.verify_format(sample["signed_value"].encode(), sample["public_key"])
        assert raw.to_json() == text.to_json(), sample["id"]
        if sample["public_key"]:
            try:
                key = ocmf.Key(sample["public_key"])
            except ocmf.InvalidKeyError as e:  # the core's key error, as verify_format says
                assert text.verdict == "malformed" and text.code == e.code_name, sample["id"]
                continue
            assert ocmf.verify_format(sample["signed_value"], key).to_json() == text.to_json()


def test_every_backend_gives_the_same_json() -> None:
    for sample in ALL:
        want = check(sample).to_json()
        for backend in ocmf._ocmf.BACKENDS:
            assert check(sample, backend=backend).to_json() == want, (sample["id"], backend)


def test_bad_arguments_raise_typed_errors() -> None:
    value = ALL[0]["signed_value"]
    for call in (
        lambda: ocmf.verify_format(42),  # type: ignore[arg-type]
        lambda: ocmf.verify_format(None),  # type: ignore[arg-type]
        lambda: ocmf.verify_format(value, 42),  # type: ignore[arg-type]
        lambda: ocmf.verify_format(value, backend="fast"),
        lambda: ocmf.verify_format(value, lang="fr"),
        lambda: ocmf.verify_format(value, registry="keys.csv"),  # type: ignore[arg-type]
    ):
        with pytest.raises(ocmf.InvalidArgumentError) as e:
            call()
        assert e.value.code == 702


def test_results_are_frozen() -> None:
    r = check(ALL[0])
    with pytest.raises(AttributeError):
        r.verdict = "valid"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        r.readings[0].value = "0"  # type: ignore[misc]
