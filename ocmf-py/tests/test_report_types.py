"""The generated TypedDicts (ocmf.report_types) describe what the wheel writes.

`scripts/gen-types` generates them from the core's JSON views; here every
corpus report, plain and under a registry, is held against them: the members
are exactly the required keys (plus the optional ones a registry adds), and
every word-list value is one of the generated literals.
"""

from __future__ import annotations

import json
import typing
from typing import Any

import ocmf
from ocmf import report_types as rt


def literal_words(alias: Any) -> set[str]:
    return set(typing.get_args(alias))


def check_object(value: dict[str, Any], cls: Any, optional_present: bool) -> None:
    keys = set(value)
    required = set(cls.__required_keys__)
    optional = set(cls.__optional_keys__)
    assert required <= keys, (cls.__name__, required - keys)
    extra = keys - required
    assert extra <= optional, (cls.__name__, extra - optional)
    if optional_present:
        assert extra == optional, (cls.__name__, optional - extra)


def test_reports_match_the_generated_types(corpus: list[dict[str, Any]]) -> None:
    verdicts = literal_words(rt.Verdict)
    severities = literal_words(rt.Severity)
    statuses = literal_words(rt.TrustStatus)
    registry = ocmf.Registry.load("meter_serial,public_key\n")  # empty: carried keys are untrusted
    seen_trust = set()
    for v in corpus:
        for reg in (None, registry):
            report = json.loads(ocmf.verify(v["ocmf"], v.get("public_key"), registry=reg).to_json())
            check_object(report, rt.ReportDict, optional_present=reg is not None)
            assert report["verdict"] in verdicts
            for f in report["findings"]:
                check_object(f, rt.FindingDict, False)
                assert f["severity"] in severities
            if report["record"] is not None:
                check_object(report["record"], rt.PayloadDict, False)
                for r in report["record"]["readings"]:
                    check_object(r, rt.ReadingDict, False)
            if reg is not None:
                check_object(report["trust"], rt.TrustDict, False)
                assert report["trust"]["status"] in statuses
                seen_trust.add(report["trust"]["status"])
    assert seen_trust, "the registry runs gave trust objects"
