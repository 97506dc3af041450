#!/usr/bin/env python3
"""CLI emitter: runs the real `ocmf` binary over the cases and prints one
line per case, in case order (see cases.py for the entry points).

    emit_cli.py OCMF_BIN OUTDIR/cases.jsonl > cli.txt

| entry | command (cwd = OUTDIR) | line |
|---|---|---|
| verify | `ocmf verify --json --profile P --lang L [--key=K] FILE` | the report |
| verify-registry | the same with `--keys REGISTRY` | the report |
| batch, batch-trusted | the same with `--threads N` (and `--keys`) | `{"json": report}` |
| session | `ocmf session --json [--key=K] [--keys R] --profile P --lang L FILES` | the session report |
| extract | `ocmf extract --json [--keys R] --profile P --lang L FILE` | extraction + sessions |
| xml | `ocmf convert --to xml FILE` | the XML as a JSON string |
| sign-verify | `ocmf sign --secret S --algorithm A FILE`, then `ocmf verify --json --key=PUB` | `{"record", "public_key", "report"}` |
| format | `ocmf verify --json --lang L [--key=K] [--keys R] FILE` (FILE holds one value in another format) | the format's JSON answer |
| format-session | `ocmf session --json --profile P --lang L [--key=K] [--keys R] FILE...` (one value in another format per file) | the format session's JSON answer |

A case with `backend` adds `--backend=B` to every command above that verifies.

The CLI takes one key, registry, profile and language per run, so the
verify and batch cases are grouped by them (per batch call) and each group
goes through one run with one record per line (how the CLI reads a file of
records). A record the CLI's line framing cannot carry verbatim (line
breaks inside, surrounding white space, a second `OCMF|`) gets a run of its
own, where the CLI reads the whole input as one record
(`transport::split_records`: blank lines inside an unfinished record are
part of it). The CLI trims its input, so a record with surrounding white
space, or an empty one, cannot be given to it unchanged: such cases print
the line `SKIPPED-BY-CLI` and are counted by the caller, never compared as
equal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Optional

SKIPPED = "SKIPPED-BY-CLI"
GROUPED = {"verify", "verify-registry", "batch", "batch-trusted"}


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


def _backend(c: dict) -> list[str]:
    return [f"--backend={c['backend']}"] if c.get("backend") else []


class Cli:
    def __init__(self, ocmf_bin: str, base: str, tmp: str) -> None:
        self.bin, self.base, self.tmp = ocmf_bin, base, tmp

    def run(self, args: list[str], ok: tuple[int, ...] = (0, 1, 2)) -> subprocess.CompletedProcess:
        p = subprocess.run([self.bin, *args], cwd=self.base, capture_output=True, check=False)
        # 0/1/2 are verdicts (valid / invalid / malformed, unsupported or
        # incomplete); 3 is an I/O error and anything else a crash.
        if p.returncode not in ok:
            raise RuntimeError(f"ocmf {args[0]} exited {p.returncode}: {p.stderr.decode(errors='replace')[:500]}")
        return p

    def verify(self, records: list[str], c: dict) -> list[str]:
        path = os.path.join(self.tmp, "records.txt")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(records) + "\n")
        args = ["verify", "--json", f"--profile={c['profile']}", f"--lang={c['lang']}", *_backend(c)]
        if c.get("key") is not None:
            args.append(f"--key={c['key']}")
        if c.get("registry"):
            args.append(f"--keys={c['registry']}")
        if "threads" in c:
            args.append(f"--threads={c['threads']}")
        p = self.run([*args, path])
        lines = p.stdout.decode("utf-8").splitlines()
        if len(lines) != len(records):
            raise RuntimeError(
                f"ocmf printed {len(lines)} reports for {len(records)} records "
                f"(stderr: {p.stderr.decode(errors='replace')[:300]})"
            )
        return lines

    def session(self, c: dict) -> str:
        args = ["session", "--json", f"--profile={c['profile']}", f"--lang={c['lang']}", *_backend(c)]
        if c["key"] is not None:
            args.append(f"--key={c['key']}")
        if c["registry"]:
            args.append(f"--keys={c['registry']}")
        return self.run([*args, *c["files"]]).stdout.decode("utf-8").rstrip("\n")

    def extract(self, c: dict) -> str:
        args = ["extract", "--json", f"--profile={c['profile']}", f"--lang={c['lang']}", *_backend(c)]
        if c["registry"]:
            args.append(f"--keys={c['registry']}")
        return self.run([*args, c["input"]]).stdout.decode("utf-8").rstrip("\n")

    def format(self, c: dict) -> str:
        args = ["verify", "--json", f"--lang={c['lang']}", *_backend(c)]
        if c["key"] is not None:
            args.append(f"--key={c['key']}")
        if c["registry"]:
            args.append(f"--keys={c['registry']}")
        return self.run([*args, c["input"]]).stdout.decode("utf-8").rstrip("\n")

    def format_session(self, c: dict) -> str:
        args = ["session", "--json", f"--profile={c['profile']}", f"--lang={c['lang']}", *_backend(c)]
        if c["key"] is not None:
            args.append(f"--key={c['key']}")
        if c["registry"]:
            args.append(f"--keys={c['registry']}")
        return self.run([*args, *c["inputs"]]).stdout.decode("utf-8").rstrip("\n")

    def xml(self, c: dict) -> str:
        return json.dumps(self.run(["convert", "--to", "xml", c["input"]]).stdout.decode("utf-8"), ensure_ascii=False)

    def sign_verify(self, c: dict) -> str:
        path = os.path.join(self.tmp, "payload.json")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(c["payload"])
        p = self.run(["sign", f"--secret={c['secret']}", f"--algorithm={c['algorithm']}", path], ok=(0, 2))
        if p.returncode != 0:
            return json.dumps({"sign_error": p.stderr.decode(errors="replace").strip()})
        record = p.stdout.decode("utf-8").rstrip("\n")
        prefix = "public key (SEC1): "
        pub = next(l[len(prefix) :] for l in p.stderr.decode().splitlines() if l.startswith(prefix))
        (report,) = self.verify([record], {**c, "key": pub})
        return json.dumps({"record": record, "public_key": pub, "report": report}, ensure_ascii=False)


def cli_lines(ocmf_bin: str, base: str, cases: list[dict]) -> list[str]:
    """The CLI's line for each case (or SKIPPED), in case order."""
    out: list[Optional[str]] = [None] * len(cases)
    groups: dict[tuple, list[int]] = {}
    singles: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        cli = Cli(ocmf_bin, base, tmp)
        for i, c in enumerate(cases):
            e = c["entry"]
            if e not in GROUPED:
                out[i] = {"session": cli.session, "extract": cli.extract, "xml": cli.xml,
                          "sign-verify": cli.sign_verify, "format": cli.format,
                          "format-session": cli.format_session}[e](c)
            elif _line_safe(c["ocmf"]):
                setting = (e, c.get("call"), c["key"], c.get("registry"), c["profile"], c["lang"], c.get("backend"))
                groups.setdefault(setting, []).append(i)
            elif _whole_safe(c["ocmf"]):
                singles.append(i)
            else:
                out[i] = SKIPPED
        for idx in groups.values():
            for i, line in zip(idx, cli.verify([cases[i]["ocmf"] for i in idx], cases[idx[0]])):
                out[i] = line
        for i in singles:
            try:
                (out[i],) = cli.verify([cases[i]["ocmf"]], cases[i])
            except RuntimeError as e:
                # Not a report: run.py compare counts it as a difference.
                out[i] = json.dumps({"cli_error": f"given alone as a file: {e}"})
    for i, c in enumerate(cases):
        if c["entry"] in ("batch", "batch-trusted") and out[i] != SKIPPED and not out[i].startswith('{"cli_error"'):
            out[i] = json.dumps({"json": out[i]}, ensure_ascii=False)
    assert all(o is not None for o in out)
    return [o for o in out if o is not None]


def cli_reports(ocmf_bin: str, cases: list[dict]) -> list[str]:
    """`ocmf verify --json` reports (or SKIPPED) for verify cases {ocmf, key, profile, lang}."""
    return cli_lines(ocmf_bin, os.getcwd(), [{"entry": "verify", **c} for c in cases])


def main() -> int:
    path = os.path.abspath(sys.argv[2])
    with open(path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    try:
        lines = cli_lines(os.path.abspath(sys.argv[1]), os.path.dirname(path), cases)
    except RuntimeError as e:
        print(f"emit_cli: {e}", file=sys.stderr)
        return 1
    for line in lines:
        sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
