#!/usr/bin/env python3
"""Cross-binding conformance runner.

    run.py cases OUTDIR CORPUS.jsonl [GENERATED.jsonl]
        Writes OUTDIR/cases.jsonl ({"id","ocmf","key","profile","lang"} per
        line) and OUTDIR/cases.tsv (the same for the C emitter, hex fields).
        Corpus records go through three settings (interop/en, strict/de,
        reference/en); generated ones through interop/en.

    run.py compare OUTDIR NAME=REPORTS [NAME=REPORTS ...]
        Compares the emitters' outputs byte for byte, line by line (one line
        per case). Fails on any difference, on a missing or extra line, and
        when an output is not a JSON report; prints the first differing
        cases. A line `SKIPPED-BY-CLI` (a record the CLI cannot be given
        verbatim) is left out of the comparison and counted.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

SKIPPED = "SKIPPED-BY-CLI"
SETTINGS_CORPUS = [("interop", "en"), ("strict", "de"), ("reference", "en")]
PROFILE_NUM = {"interop": 0, "strict": 1, "reference": 2}  # ocmf_profile in ocmf.h
LANG_NUM = {"en": 0, "de": 1}  # ocmf_lang in ocmf.h
SHOW = 5


def make_cases(outdir: str, corpus: str, generated: str | None) -> int:
    cases = []
    with open(corpus, encoding="utf-8") as f:
        corpus_recs = [json.loads(line) for line in f if line.strip()]
    for profile, lang in SETTINGS_CORPUS:
        for r in corpus_recs:
            cases.append({"id": f"{r['id']}@{profile}/{lang}", "ocmf": r["ocmf"], "key": r.get("public_key"),
                          "profile": profile, "lang": lang})
    if generated:
        with open(generated, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    cases.append({"id": r["id"], "ocmf": r["ocmf"], "key": r["public_key"],
                                  "profile": "interop", "lang": "en"})
    with open(f"{outdir}/cases.jsonl", "w", encoding="utf-8") as j, open(f"{outdir}/cases.tsv", "w") as t:
        for c in cases:
            j.write(json.dumps(c, ensure_ascii=False) + "\n")
            key = "-" if c["key"] is None else c["key"].encode("utf-8").hex()
            t.write(f"{c['id']}\t{c['ocmf'].encode('utf-8').hex()}\t{key}\t"
                    f"{PROFILE_NUM[c['profile']]}\t{LANG_NUM[c['lang']]}\n")
    print(f"{len(cases)} cases ({len(corpus_recs)} corpus records x {len(SETTINGS_CORPUS)} settings"
          f" + {len(cases) - len(corpus_recs) * len(SETTINGS_CORPUS)} generated) -> {outdir}/cases.jsonl")
    return 0


def read_lines(path: str) -> list[str]:
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return [line.decode("utf-8", errors="replace") for line in data.split(b"\n")[:-1]]


def compare(outdir: str, specs: list[str]) -> int:
    with open(f"{outdir}/cases.jsonl", encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    outputs: dict[str, list[str]] = {}
    for spec in specs:
        name, _, path = spec.partition("=")
        outputs[name] = read_lines(path)
    ok = True
    for name, lines in outputs.items():
        if len(lines) != len(cases):
            print(f"FAILED: {name} printed {len(lines)} lines for {len(cases)} cases")
            ok = False
        for i, line in enumerate(lines[: len(cases)]):
            if line == SKIPPED:
                continue
            try:
                j = json.loads(line)
                assert isinstance(j, dict) and "verdict" in j and "code" in j
            except (ValueError, AssertionError):
                print(f"FAILED: {name} line {i + 1} ({cases[i]['id']}) is not a JSON report: {line[:200]}")
                ok = False
                break
    if not ok:
        return 1
    names = list(outputs)
    ref = names[0]
    diffs = []
    compared: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    for i, case in enumerate(cases):
        lines = {n: outputs[n][i] for n in names}
        present = {n: l for n, l in lines.items() if l != SKIPPED}
        for n in names:
            if n in present:
                compared[n] += 1
            else:
                skipped[n] += 1
        if len(set(present.values())) > 1:
            diffs.append((i, case, present))
        verdicts[json.loads(lines[ref])["verdict"] if lines[ref] != SKIPPED else "?"] += 1
    print(f"{len(cases)} cases; verdicts: " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    for n in names:
        extra = f", {skipped[n]} records it cannot be given verbatim" if skipped[n] else ""
        print(f"  {n}: {compared[n]} reports compared{extra}")
    if skipped[ref]:
        print(f"FAILED: the reference output {ref} skipped cases")
        return 1
    if diffs:
        print(f"FAILED: {len(diffs)} cases where the outputs differ; first {min(SHOW, len(diffs))}:")
        for i, case, present in diffs[:SHOW]:
            print(f"--- case {i + 1}: {case['id']} ({case['profile']}/{case['lang']})")
            print(f"    record: {case['ocmf'][:200]!r}")
            print(f"    key: {str(case['key'])[:100]!r}")
            groups: dict[str, list[str]] = {}
            for n, l in present.items():
                groups.setdefault(l, []).append(n)
            texts = list(groups)
            at = next((k for k, chars in enumerate(zip(*texts)) if len(set(chars)) > 1), min(map(len, texts)))
            print(f"    first difference at byte {at}:")
            for l, ns in groups.items():
                print(f"    {'+'.join(ns)}: ...{l[max(0, at - 80) : at + 160]}")
        return 1
    print(f"conformance: {', '.join(names)} byte-identical on all {len(cases)} cases")
    return 0


def main() -> int:
    if len(sys.argv) >= 4 and sys.argv[1] == "cases":
        return make_cases(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    if len(sys.argv) >= 4 and sys.argv[1] == "compare":
        return compare(sys.argv[2], sys.argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
