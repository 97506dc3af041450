#!/usr/bin/env python3
"""Python-wheel emitter: one canonical JSON report per case, one per line.

    emit_python.py CASES.jsonl > reports.txt

Each case line is {"id", "ocmf", "key", "profile", "lang"}; the report is
`ocmf.verify(ocmf, key, profile, lang).to_json()` from the installed wheel.
"""

from __future__ import annotations

import json
import sys

import ocmf


def main() -> int:
    if "site-packages" not in (ocmf.__file__ or ""):
        print(f"ocmf is not the installed wheel: {ocmf.__file__}", file=sys.stderr)
        return 2
    out = sys.stdout
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            case = json.loads(line)
            result = ocmf.verify(case["ocmf"], case["key"], case["profile"], case["lang"])
            out.write(result.to_json())
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
