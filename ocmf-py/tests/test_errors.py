"""Exceptions carry the core's codes; verify never raises for a bad record."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import ocmf
from conftest import expected

PAYLOAD = '{"FV":"1.0","PG":"T1","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.0,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}'


def test_hierarchy() -> None:
    for cls in (ocmf.MalformedRecordError, ocmf.UnsupportedError, ocmf.InvalidKeyError,
                ocmf.SignatureError, ocmf.InvalidArgumentError):
        assert issubclass(cls, ocmf.OcmfError)
    assert issubclass(ocmf.OcmfError, ValueError)


@pytest.mark.parametrize(
    ("record", "code"),
    [("", 100), ("not ocmf", 103), ("OCMF|{}", 104), (b"OCMF|\xff|{}", 102), ("x" * 70000, 101)],
)
def test_parse_raises_with_code(record: Any, code: int) -> None:
    with pytest.raises(ocmf.MalformedRecordError) as e:
        ocmf.parse(record)
    assert e.value.code == code
    assert e.value.code_name == ocmf.verify(record).code_name
    assert ocmf.verify(record).code == code  # verify returns the same code instead


def test_verify_never_raises_and_bytes_non_utf8_is_102() -> None:
    r = ocmf.verify(b"OCMF|{\"FV\":\"\xc3\x28\"}|{}")
    assert (r.verdict, r.code, r.code_name) == ("malformed", 102, "not_utf8")
    assert r.record is None and r.findings == []
    assert ocmf.verify("\udc80").code == 102  # lone surrogate: no UTF-8 form


def test_key_errors() -> None:
    with pytest.raises(ocmf.InvalidKeyError) as e:
        ocmf.Key("zz-not-a-key")
    assert 500 <= e.value.code < 600
    with pytest.raises(ocmf.InvalidKeyError) as e2:
        ocmf.Key(b"\x04" + b"\x00" * 64)
    assert e2.value.code in (504, 505)
    with pytest.raises(ocmf.InvalidArgumentError) as e3:
        ocmf.Key(42)  # type: ignore[arg-type]
    assert e3.value.code == 702


def test_sign_errors() -> None:
    with pytest.raises(ocmf.UnsupportedError) as e:
        ocmf.sign(PAYLOAD, "01" * 32, "EdDSA-Ed25519")
    assert e.value.code == 401
    with pytest.raises(ocmf.UnsupportedError) as e:
        ocmf.sign(PAYLOAD, "01" * 32, "RSA-nonsense")
    assert e.value.code == 400
    with pytest.raises(ocmf.InvalidKeyError) as e:
        ocmf.sign(PAYLOAD, "not hex", "ECDSA-secp256r1-SHA256")
    assert e.value.code == 705
    with pytest.raises(ocmf.InvalidKeyError) as e:
        ocmf.sign(PAYLOAD, "00" * 32)
    assert e.value.code == 705
    with pytest.raises(ocmf.MalformedRecordError) as e:
        ocmf.sign('{"a":"|"}', "01" * 32)
    assert e.value.code == 108


def test_bad_arguments_are_invalid_argument() -> None:
    for call in (
        lambda: ocmf.verify(123),  # type: ignore[arg-type]
        lambda: ocmf.verify("x", profile="nope"),
        lambda: ocmf.verify("x", lang="fr"),
        lambda: ocmf.verify("x", key=1.5),  # type: ignore[arg-type]
        lambda: ocmf.verify_many(["x"], threads=0),
        lambda: ocmf.verify_many(["x"], chunk_size=0),
        lambda: ocmf.verify_many("single record"),
        lambda: ocmf.verify_many(["x"], as_="csv"),
        lambda: ocmf.verify_many([1, 2]),
        lambda: ocmf.verify_many(["x", "y"], keys=[None]),
        lambda: ocmf.verify_many(["x"], keys=[None, None]),
    ):
        with pytest.raises(ocmf.InvalidArgumentError) as e:
            call()
        assert e.value.code == 702
        assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)


def test_strict_helpers(corpus: list[dict[str, Any]]) -> None:
    by_verdict = {}
    for v in corpus:
        w = expected(v)
        if w and v.get("public_key"):
            by_verdict.setdefault(w, v)
    ok = by_verdict["valid"]
    assert ocmf.verify_strict(ok["ocmf"], ok["public_key"]).is_valid
    bad = by_verdict["invalid-signature"]
    with pytest.raises(ocmf.SignatureError) as e:
        ocmf.verify_strict(bad["ocmf"], bad["public_key"])
    assert e.value.code == 600
    with pytest.raises(ocmf.MalformedRecordError) as e2:
        ocmf.verify("OCMF|").raise_for_verdict()
    assert e2.value.code == ocmf.verify("OCMF|").code
    with pytest.raises(ocmf.InvalidKeyError) as e3:  # no key anywhere: 500, unsupported
        ocmf.verify(ok["ocmf"]).raise_for_verdict()
    assert e3.value.code == 500
    with pytest.raises(ocmf.UnsupportedError):
        uns = by_verdict["unsupported"]
        ocmf.verify_strict(uns["ocmf"], uns["public_key"])


def test_exceptions_pickle() -> None:
    try:
        ocmf.parse("nope")
    except ocmf.OcmfError as e:
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and back.code == e.code and str(back) == str(e)
    else:
        raise AssertionError("parse accepted garbage")
