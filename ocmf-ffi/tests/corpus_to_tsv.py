#!/usr/bin/env python3
"""Converts vectors/real.jsonl into the length-prefixed file test_corpus.c reads.

The expected verdict is computed here by the rule of
ocmf-core/tests/corpus.rs (`expected`) and vectors/README.md; keep them in step.
Usage: corpus_to_tsv.py vectors/real.jsonl out.tsv
"""
import json
import sys

NOT_IN_SPEC = {"EdDSA-Ed25519", "EdDSA-Ed448", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"}


def expected(v):
    s = lambda k: v.get(k) if isinstance(v.get(k), str) else ""
    if s("id") == "tps-dzg-2key-002" or s("sa") in NOT_IN_SPEC:
        return "unsupported"
    e = s("expected")
    if e in ("valid", "invalid-signature"):
        return e
    if e == "parse-error":
        return "malformed"
    c = s("checked")
    if c == "valid":
        return "valid"
    if c == "invalid":
        return "invalid-signature"
    if c.startswith("error: no public key"):
        return "parse-only"
    sys.exit(f"{s('id')}: unexpected checked {c}")


def main():
    src, dst = sys.argv[1], sys.argv[2]
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
            head = f"{ident}\t{expected(v)}\t{len(rec)}\t{len(key) if key is not None else -1}\n"
            out.write(head.encode("utf-8") + rec + (key or b"") + b"\n")
            n += 1
    if n != 253:
        sys.exit(f"corpus size changed: {n} records")
    print(f"converted {n} records")


if __name__ == "__main__":
    main()
