#!/usr/bin/env python3
"""Bench records for benches/peers/run: N valid records per OpenSSL curve,
signed by Python `cryptography` (one key per curve, SPKI DER hex, DER
signatures as hex, natural mix of low and high s), each checked by the
OpenSSL oracle of conformance/generate.py before it is written.

    make_records.py OUT.jsonl OUT.tsv [--per-curve N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conformance"))
import generate  # noqa: E402  (conformance/generate.py: payloads, curves, oracle)
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("tsv")
    ap.add_argument("--per-curve", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    ecdsa = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    with open(args.jsonl, "w", encoding="utf-8") as j, open(args.tsv, "w", encoding="utf-8") as t:
        for name, c in generate.CURVES.items():
            priv = ec.derive_private_key(rng.randrange(1, c["n"]), c["curve"]())
            key = generate.key_text("spki-hex", priv.public_key())
            sa = c["sa"][0]
            for _ in range(args.per_curve):
                payload = generate.payload_text(rng)
                sd = priv.sign(payload.encode(), ecdsa).hex()
                rec = f"OCMF|{payload}|{generate.sig_section(sa, sd, None)}"
                if generate.oracle(rec, key) != "valid":
                    print(f"oracle rejects a bench record on {name}", file=sys.stderr)
                    return 1
                j.write(json.dumps({"curve": name, "ocmf": rec, "key": key}) + "\n")
                t.write(f"{name}\t{rec}\t{key}\n")
    print(f"{args.per_curve} valid records on each of {len(generate.CURVES)} curves -> {args.jsonl}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
