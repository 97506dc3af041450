"""Every corpus record gets the verdict the corpus rule defines, through the installed wheel."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import ocmf
from conftest import expected

PLAIN = re.compile(r"-?\d+(\.\d+)?")


def test_every_vector_gets_its_expected_verdict(corpus: list[dict[str, Any]]) -> None:
    failures = []
    agree = 0
    parse_only = 0
    for v in corpus:
        want = expected(v)
        if want is None:
            parse_only += 1
            r = ocmf.verify(v["ocmf"])
            if r.record is None:
                failures.append(f"{v['id']}: parse-only record did not parse: {r.code_name}")
            continue
        r = ocmf.verify(v["ocmf"], v["public_key"])
        if r.verdict == want:
            agree += 1
        else:
            failures.append(f"{v['id']}: got {r.verdict} ({r.code} {r.code_name}), expected {want}")
    print(f"corpus agreement: {agree}/{len(corpus) - parse_only} (+{parse_only} parse-only)")
    assert not failures, "\n".join(failures)
    assert agree + parse_only == len(corpus)


def test_bytes_and_decoded_key_give_the_same_report(corpus: list[dict[str, Any]]) -> None:
    for v in corpus:
        if not v.get("public_key"):
            continue
        by_text = ocmf.verify(v["ocmf"], v["public_key"])
        by_bytes = ocmf.verify(v["ocmf"].encode("utf-8"), v["public_key"])
        assert by_bytes.to_json() == by_text.to_json(), v["id"]
        try:
            key = ocmf.Key(v["public_key"])
        except ocmf.InvalidKeyError:
            continue
        assert ocmf.verify(v["ocmf"], key).to_json() == by_text.to_json(), v["id"]


def test_result_view_matches_canonical_json(corpus: list[dict[str, Any]]) -> None:
    for v in corpus:
        r = ocmf.verify(v["ocmf"], v["public_key"])
        j = json.loads(r.to_json())
        assert sorted(j) == sorted([
            "verdict", "code", "code_name", "message", "field", "span", "profile",
            "algorithm", "signature_valid", "key_source", "findings", "record",
        ])
        assert (r.verdict, r.code, r.code_name, r.message) == (j["verdict"], j["code"], j["code_name"], j["message"])
        assert (r.signature_valid, r.algorithm, r.profile, r.key_source) == (
            j["signature_valid"], j["algorithm"], j["profile"], j["key_source"])
        assert r.is_valid == (j["verdict"] == "valid") == (r.code == 0)
        assert [(f.code, f.name, f.severity, f.field, f.reading, f.message) for f in r.findings] == [
            (f["code"], f["name"], f["severity"], f["field"], f["reading"], f["message"]) for f in j["findings"]
        ]
        assert [list(f.span) if f.span else None for f in r.findings] == [f["span"] for f in j["findings"]]
        if j["record"] is None:
            assert r.record is None
        else:
            assert r.record is not None
            assert len(r.record["readings"]) == len(j["record"]["readings"])


def test_decimal_values_keep_their_exact_text(corpus: list[dict[str, Any]]) -> None:
    seen_trailing_zero = 0
    for v in corpus:
        r = ocmf.verify(v["ocmf"], v["public_key"])
        j = json.loads(r.to_json())
        if j["record"] is None:
            continue
        assert r.record is not None
        parsed = ocmf.parse(v["ocmf"])
        for ours, theirs, again in zip(r.record["readings"], j["record"]["readings"], parsed["readings"]):
            for field in ("value", "cumulated_loss"):
                text = theirs[field]
                if text is None:
                    assert ours[field] is None
                    continue
                assert isinstance(ours[field], Decimal) and isinstance(again[field], Decimal)
                # Decimal keeps every digit and the exponent (only leading zeros are not significant).
                exact = Decimal(text)
                assert ours[field] == exact == again[field], (v["id"], text)
                assert ours[field].as_tuple() == exact.as_tuple() == again[field].as_tuple(), (v["id"], text)
                plain = PLAIN.fullmatch(text) is not None
                if plain and "." in text:
                    assert ours[field].as_tuple().exponent == -len(text.split(".")[1]), (v["id"], text)
                if plain and (not text.lstrip("-").startswith("0") or text.lstrip("-").startswith("0.")):
                    assert str(ours[field]) == text, (v["id"], text)
                if "." in text and text.endswith("0"):
                    seen_trailing_zero += 1
    assert seen_trailing_zero > 0, "corpus has no value like 2935.600 any more"


def test_spec_example_value_text() -> None:
    from conftest import load

    spec = next(v for v in load("real.jsonl") if v["id"] == "spec-ex14-001")
    readings = ocmf.parse(spec["ocmf"])["readings"]
    assert str(readings[0]["value"]) == "2935.600"
    assert readings[0]["value"].as_tuple().exponent == -3


def test_profiles_and_lang(corpus: list[dict[str, Any]]) -> None:
    v = next(v for v in corpus if expected(v) == "valid" and v.get("public_key"))
    for profile in ("strict", "interop", "reference"):
        assert ocmf.verify(v["ocmf"], v["public_key"], profile=profile).profile == profile
    bad = ocmf.verify("garbage", lang="de")
    assert bad.verdict == "malformed" and bad.code == 103
    assert bad.message != ocmf.verify("garbage").message


def test_sign_round_trip() -> None:
    payload = '{"FV":"1.0","PG":"T1","MS":"X","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":1.250,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}'
    for alg in ("ECDSA-secp256r1-SHA256", "ECDSA-secp384r1-SHA256", "ECDSA-brainpool256r1-SHA256"):
        signed = ocmf.sign(payload, "01" * 20, alg)
        assert isinstance(signed, ocmf.SignedRecord)
        good = ocmf.verify(signed.record, signed.public_key)
        assert good.signature_valid is True, (alg, good.to_json())
        assert good.algorithm == alg
        assert str(ocmf.parse(signed.record)["readings"][0]["value"]) == "1.250"
        tampered = signed.record.replace('"RV":1.250', '"RV":1.251')
        assert ocmf.verify(tampered, signed.public_key).verdict == "invalid-signature"
        other = ocmf.sign(payload, "02" * 20, alg)
        assert ocmf.verify(signed.record, other.public_key).verdict == "invalid-signature"
