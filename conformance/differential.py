#!/usr/bin/env python3
"""Differential test: our verdicts against OpenSSL's (Python `cryptography`).

    differential.py GENERATED.jsonl OCMF_BIN

GENERATED.jsonl comes from generate.py (records, keys and the oracle's
verdict). The installed Python wheel (`import ocmf`) and the Rust CLI each
decide every record; both must agree with the oracle on every record:
oracle "valid" -> verdict "valid" (code 0); oracle "invalid" -> verdict
"invalid-signature" (code 600). Any other answer (including malformed or
unsupported) counts as a disagreement. Prints a table per curve and kind and
exits 1 on any disagreement.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import ocmf

from emit_cli import SKIPPED, cli_reports

WANT = {"valid": ("valid", 0), "invalid": ("invalid-signature", 600)}


def main() -> int:
    gen_path, ocmf_bin = sys.argv[1], sys.argv[2]
    if "site-packages" not in (ocmf.__file__ or ""):
        print(f"ocmf is not the installed wheel: {ocmf.__file__}", file=sys.stderr)
        return 2
    with open(gen_path, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f if line.strip()]
    cases = [{"ocmf": r["ocmf"], "key": r["public_key"], "profile": "interop", "lang": "en"} for r in recs]
    cli = cli_reports(ocmf_bin, cases)

    total: Counter[tuple[str, str]] = Counter()
    bad: Counter[tuple[str, str]] = Counter()
    oracle_valid = 0
    examples: list[str] = []
    for rec, cli_line in zip(recs, cli):
        want = WANT[rec["oracle"]]
        oracle_valid += rec["oracle"] == "valid"
        py = ocmf.verify(rec["ocmf"], rec["public_key"])
        answers = {"python": (py.verdict, py.code)}
        if cli_line == SKIPPED:
            answers["cli"] = ("skipped", -1)
        else:
            j = json.loads(cli_line)
            answers["cli"] = (j["verdict"], j["code"])
        k = (rec["curve"], rec["kind"])
        total[k] += 1
        wrong = {b: a for b, a in answers.items() if a != want}
        if wrong:
            bad[k] += 1
            if len(examples) < 10:
                examples.append(
                    f"  {rec['id']} ({rec['kind']}, key {rec['key_form']}): oracle {rec['oracle']}, "
                    + ", ".join(f"{b} {v}/{c}" for b, (v, c) in answers.items())
                    + f"\n    record: {rec['ocmf'][:160]}...\n    key: {rec['public_key'][:80]}"
                )

    kinds = sorted({k for _, k in total})
    curves = list(dict.fromkeys(c for c, _ in total))
    print(f"{'curve':<17}" + "".join(f"{k:>12}" for k in kinds) + f"{'total':>8}")
    for c in curves:
        row = "".join(f"{total[(c, k)] - bad[(c, k)]:>6}/{total[(c, k)]:<5}" for k in kinds)
        print(f"{c:<17}{row}{sum(total[(c, k)] for k in kinds):>8}")
    n = sum(total.values())
    nbad = sum(bad.values())
    print(f"(agreeing/total per cell; oracle says valid for {oracle_valid} of {n})")
    if n < 10_000:
        print(f"FAILED: only {n} records; the differential test needs at least 10000")
        return 1
    if nbad:
        print(f"FAILED: {nbad} of {n} records where python or the CLI disagree with OpenSSL; first ones:")
        print("\n".join(examples))
        return 1
    print(f"differential: {n} records, python wheel and CLI agree with OpenSSL on all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
