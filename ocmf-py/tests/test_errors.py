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
        ocmf.Key(b"\x04" + b"\xff" * 64)  # binary (not UTF-8), not a point on any curve
    assert e2.value.code in (504, 505)
    # Bytes that happen to be UTF-8 are read as key text first (the core's
    # PublicKey::from_input); when neither form reads, the text error is the answer.
    with pytest.raises(ocmf.InvalidKeyError) as e4:
        ocmf.Key(b"\x04" + b"\x00" * 64)
    assert e4.value.code == 501
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


@pytest.mark.parametrize(
    ("name", "secret", "sa"),
    [
        ("secp256r1", "01" * 32, "ECDSA-secp256r1-SHA256"),
        ("P-256", "01" * 32, "ECDSA-secp256r1-SHA256"),
        ("brainpoolP384r1", "01" * 48, "ECDSA-brainpool384r1-SHA256"),
        ("ECDSA-secp384r1-SHA256", "01" * 48, "ECDSA-secp384r1-SHA256"),
    ],
)
def test_sign_takes_curve_names_and_sa(name: str, secret: str, sa: str) -> None:
    signed = ocmf.sign(PAYLOAD, secret, name)
    r = ocmf.verify(signed.record, signed.public_key)
    assert (r.verdict, r.algorithm) == ("valid", sa)


def test_sign_unknown_algorithm_is_typed() -> None:
    for name in ("P-999", "", "secp256r1-SHA1"):
        with pytest.raises(ocmf.UnsupportedError) as e:
            ocmf.sign(PAYLOAD, "01" * 32, name)
        assert (e.value.code, e.value.code_name) == (400, "unknown_algorithm")


def test_key_bytes_and_blank_keys_follow_the_core() -> None:
    signed = ocmf.sign(PAYLOAD, "01" * 32)
    # UTF-8 key bytes are key text; binary bytes are the key itself.
    assert ocmf.Key(signed.public_key.encode()) == ocmf.Key(signed.public_key)
    assert ocmf.Key(bytes.fromhex(signed.public_key)) == ocmf.Key(signed.public_key)
    for key in (signed.public_key, signed.public_key.encode(), bytes.fromhex(signed.public_key)):
        assert ocmf.verify(signed.record, key).verdict == "valid"
    # A blank key is no key: the same answer as without one (no key anywhere: 500).
    none = ocmf.verify(signed.record)
    assert none.code == 500
    for blank in ("", "   ", b""):
        assert ocmf.verify(signed.record, blank).to_json() == none.to_json()
