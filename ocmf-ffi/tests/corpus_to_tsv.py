#!/usr/bin/env python3
"""Converts a JSON Lines corpus into the length-prefixed file the C tests
read (tsv.h): per entry a line `id TAB expected TAB value_len TAB key_len`
(key_len -1 for no key), then the value's bytes, the key's bytes and a
newline.

- vectors/real.jsonl (test_corpus.c): the record is `ocmf`, the expected
  verdict the one of vectors/expected.jsonl (written by
  scripts/expected-verdicts) next to it, parse-only for None.
- --formats ocmf-core/tests/data/formats/samples.jsonl (test_formats.c):
  the value is `signed_value`, the expected verdict `independent_check`;
  CHARGEPOINT's two files (`secrrct` and its detached signature) become the
  one object `{"secrrct": ..., "signature": ...}` verify_format takes, and
  its one-digit tamper (end reading 86.6 -> 86.7) is one more entry whose
  expected answer is `tampered` (invalid-signature).

Usage: corpus_to_tsv.py [--formats] in.jsonl out.tsv
"""
import json
import os
import sys


def expected_answers(path):
    """vectors/expected.jsonl (scripts/expected-verdicts): id -> verdict, parse-only for None."""
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["id"]: r["expected_verdict"] or "parse-only" for r in rows}


def entries(src, formats):
    """(id, expected, value, key) of every entry of the corpus."""
    answers = None if formats else expected_answers(os.path.join(os.path.dirname(src), "expected.jsonl"))
    with open(src, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            value = v["signed_value" if formats else "ocmf"]
            expected = v["independent_check"] if formats else answers[v["id"]]
            sig = v.get("detached_signature_hex") if formats else None
            if sig is not None:
                tampered = value.replace("86.6", "86.7", 1)
                assert tampered != value
                both = lambda secrrct: json.dumps({"secrrct": secrrct, "signature": sig}, separators=(",", ":"))
                yield v["id"], expected, both(value), v.get("public_key")
                yield v["id"] + "-tampered", "tampered", both(tampered), v.get("public_key")
                continue
            yield v["id"], expected, value, v.get("public_key")


def main():
    args = sys.argv[1:]
    formats = args[:1] == ["--formats"]
    src, dst = args[1:] if formats else args
    n = 0
    with open(dst, "wb") as out:
        for ident, expected, value, key in entries(src, formats):
            rec = value.encode("utf-8")
            key = key.encode("utf-8") if isinstance(key, str) else None
            assert "\t" not in ident and "\n" not in ident
            head = f"{ident}\t{expected}\t{len(rec)}\t{len(key) if key is not None else -1}\n"
            out.write(head.encode("utf-8") + rec + (key or b"") + b"\n")
            n += 1
    want = 42 if formats else 253
    if n != want:
        sys.exit(f"corpus size changed: {n} entries, not {want}")
    print(f"converted {n} entries")


if __name__ == "__main__":
    main()
