#!/usr/bin/env python3
"""Peer benchmark, Python paths, on the same records.

    bench_py.py IMPL RECORDS.jsonl

IMPL: `ours` (the ocmf wheel, ocmf.verify per record with a decoded Key),
`ours-batch` (ocmf.verify_many, one thread), `pyocmf` (PyPI pyocmf:
OCMF.from_string + verify_signature; brainpool SA respelled, see below) or `openssl` (Python `cryptography`:
split the record, decode SD, ECDSA verify of the payload bytes: the raw
OpenSSL cost, the speed reference). The key of a curve is decoded once where
the API allows; the first 5 records of each curve run once untimed first. Input: JSON lines {"curve", "ocmf", "key"} (SPKI DER hex).
Prints one JSON line per curve: {"curve", "n", "ok", "seconds"}.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Callable


def ours(key: str, records: list[str]) -> int:
    import ocmf

    k = ocmf.Key(key)
    return sum(ocmf.verify(r, k).verdict == "valid" for r in records)


def ours_batch(key: str, records: list[str]) -> int:
    import ocmf

    rows = ocmf.verify_many(records, key=key, threads=1, as_="list")
    return sum(r.verdict == "valid" for r in rows)


def pyocmf_impl(key: str, records: list[str]) -> int:
    from pyocmf import OCMF

    # pyocmf 0.6 refuses the specification's spelling `ECDSA-brainpool256r1-SHA256`
    # ("curve mismatch") and takes `brainpoolP256r1`: respell before timing (a
    # change of the signature section only, the signed payload is unchanged).
    records = [r.replace("-brainpool256r1-", "-brainpoolP256r1-").replace("-brainpool384r1-", "-brainpoolP384r1-")
               for r in records]
    ok = 0
    for r in records:
        try:
            ok += bool(OCMF.from_string(r).verify_signature(key))
        except Exception:  # noqa: BLE001 - a record it cannot read is not verified
            pass
    return ok


def openssl(key: str, records: list[str]) -> int:
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pub = serialization.load_der_public_key(bytes.fromhex(key))
    assert isinstance(pub, ec.EllipticCurvePublicKey)
    algo = ec.ECDSA(hashes.SHA256())
    ok = 0
    for r in records:
        first = r.index("|")
        last = r.rindex("|")
        sig = json.loads(r[last + 1 :])
        sd = sig["SD"]
        der = base64.b64decode(sd) if sig.get("SE") == "base64" else bytes.fromhex(sd)
        try:
            pub.verify(der, r[first + 1 : last].encode(), algo)
            ok += 1
        except InvalidSignature:
            pass
    return ok


WARMUP = 5
IMPLS: dict[str, Callable[[str, list[str]], int]] = {
    "ours": ours,
    "ours-batch": ours_batch,
    "pyocmf": pyocmf_impl,
    "openssl": openssl,
}


def main() -> int:
    impl = IMPLS[sys.argv[1]]
    by_curve: dict[str, tuple[str, list[str]]] = {}
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                by_curve.setdefault(r["curve"], (r["key"], []))[1].append(r["ocmf"])
    for curve, (key, records) in by_curve.items():
        impl(key, records[:WARMUP])  # imports, lazy initialisation: not timed
        t0 = time.perf_counter()
        ok = impl(key, records)
        secs = time.perf_counter() - t0
        print(json.dumps({"curve": curve, "n": len(records), "ok": ok, "seconds": secs}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
