#!/usr/bin/env python3
"""Converts vectors/real.jsonl into the length-prefixed file test_corpus.c reads.

The expected verdict is the one of vectors/expected.jsonl (written by
scripts/expected-verdicts), next to the corpus file.
Usage: corpus_to_tsv.py vectors/real.jsonl out.tsv
"""
import json
import os
import sys

def expected_answers(path):
    """vectors/expected.jsonl (scripts/expected-verdicts): id -> verdict, parse-only for None."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["id"]: r["expected_verdict"] or "parse-only" for r in rows}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    answers = expected_answers(os.path.join(os.path.dirname(src), "expected.jsonl"))
    n = 0
    with open(src, encoding="utf-8") as f, open(dst, "wb") as out:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            rec = v["ocmf"].encode("utf-8")
            key = v.get("public_key")
            key = key.encode("utf-8") if isinstance(key, str) else None
            ident = v["id"]
            assert "\t" not in ident and "\n" not in ident
            head = f"{ident}\t{answers[ident]}\t{len(rec)}\t{len(key) if key is not None else -1}\n"
            out.write(head.encode("utf-8") + rec + (key or b"") + b"\n")
            n += 1
    if n != 253:
        sys.exit(f"corpus size changed: {n} records")
    print(f"converted {n} records")


if __name__ == "__main__":
    main()
