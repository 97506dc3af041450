#!/usr/bin/env python3
"""CLI emitter: runs the real `ocmf verify --json` binary over the cases and
prints one canonical JSON report per case, one per line, in case order.

    emit_cli.py OCMF_BIN CASES.jsonl > reports.txt

The CLI takes one key, profile and language per run, so cases are grouped by
(key, profile, lang) and each group goes through one run with one record per
line (how the CLI reads a file of records). A record the CLI's line framing
cannot carry verbatim (line breaks inside, surrounding white space, a second
`OCMF|`) gets a run of its own, where the CLI reads the whole input as one
record. The CLI trims its input, so a record with surrounding white space or
empty cannot be given to it unchanged: such cases print the line
`SKIPPED-BY-CLI` and are counted by the caller, never compared as equal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Iterable, Optional

SKIPPED = "SKIPPED-BY-CLI"


def _line_safe(rec: str) -> bool:
    return (
        rec.startswith("OCMF")
        and "\n" not in rec
        and "\r" not in rec
        and rec == rec.strip()
        and rec.count("OCMF|") <= 1
    )


def _whole_safe(rec: str) -> bool:
    return rec != "" and rec == rec.strip() and rec.count("OCMF|") <= 1


def _run(ocmf_bin: str, records: list[str], key: Optional[str], profile: str, lang: str, tmp: str) -> list[str]:
    path = os.path.join(tmp, "records.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(records))
        f.write("\n")
    cmd = [ocmf_bin, "verify", "--json", f"--profile={profile}", f"--lang={lang}"]
    if key is not None:
        cmd.append(f"--key={key}")
    cmd.append(path)
    p = subprocess.run(cmd, capture_output=True, check=False)
    # Exit 0/1/2 are verdicts (valid / invalid signature / malformed or
    # unsupported); 3 is an I/O error and anything else a crash.
    if p.returncode not in (0, 1, 2):
        raise RuntimeError(f"ocmf exited {p.returncode}: {p.stderr.decode(errors='replace')[:500]}")
    lines = p.stdout.decode("utf-8").splitlines()
    if len(lines) != len(records):
        raise RuntimeError(
            f"ocmf printed {len(lines)} reports for {len(records)} records "
            f"(stderr: {p.stderr.decode(errors='replace')[:300]})"
        )
    return lines


def cli_reports(ocmf_bin: str, cases: Iterable[dict]) -> list[str]:
    """The CLI's report for each case (or SKIPPED), in case order."""
    cases = list(cases)
    out: list[Optional[str]] = [None] * len(cases)
    groups: dict[tuple, list[int]] = {}
    singles: list[int] = []
    for i, c in enumerate(cases):
        if _line_safe(c["ocmf"]):
            groups.setdefault((c["key"], c["profile"], c["lang"]), []).append(i)
        elif _whole_safe(c["ocmf"]):
            singles.append(i)
        else:
            out[i] = SKIPPED
    with tempfile.TemporaryDirectory() as tmp:
        for (key, profile, lang), idx in groups.items():
            lines = _run(ocmf_bin, [cases[i]["ocmf"] for i in idx], key, profile, lang, tmp)
            for i, line in zip(idx, lines):
                out[i] = line
        for i in singles:
            c = cases[i]
            try:
                (out[i],) = _run(ocmf_bin, [c["ocmf"]], c["key"], c["profile"], c["lang"], tmp)
            except RuntimeError as e:
                raise RuntimeError(f"case {c.get('id', i)}, given alone as a file: {e}") from None
    assert all(o is not None for o in out)
    return [o for o in out if o is not None]


def main() -> int:
    with open(sys.argv[2], encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    try:
        lines = cli_reports(sys.argv[1], cases)
    except RuntimeError as e:
        print(f"emit_cli: {e}", file=sys.stderr)
        return 1
    for line in lines:
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
