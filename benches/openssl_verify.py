"""OpenSSL (via Python `cryptography`) verify-only throughput per curve.

    python openssl_verify.py RECORDS.jsonl MIN_MS

RECORDS.jsonl is written by the `compare` binary: one line per record with
`curve`, `key` (uncompressed SEC1, hex), `msg` (the signed bytes, hex) and
`sig` (DER, hex). Keys are loaded once; the timed loop is
`key.verify(sig, msg, ECDSA(SHA256()))`, i.e. OpenSSL hashes the message
(not prehashed), as ours does. Prints {"curve name": records_per_second}.
"""
import json
import sys
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

OIDS = {  # named-curve OIDs, DER-encoded contents
    "secp192k1": "2b8104001f",
    "secp192r1": "2a8648ce3d030101",
    "secp256r1": "2a8648ce3d030107",
    "secp256k1": "2b8104000a",
    "secp384r1": "2b81040022",
    "brainpoolP256r1": "2b2403030208010107",
    "brainpoolP384r1": "2b240303020801010b",
}


def der_len(n):
    return bytes([n]) if n < 0x80 else bytes([0x81, n])


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def spki(curve, point):
    alg = tlv(0x30, tlv(0x06, bytes.fromhex("2a8648ce3d0201")) + tlv(0x06, bytes.fromhex(OIDS[curve])))
    return tlv(0x30, alg + tlv(0x03, b"\x00" + point))


def main():
    path, min_ms = sys.argv[1], int(sys.argv[2])
    by_curve = {}
    keys = {}
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        c = r["curve"]
        k = keys.get((c, r["key"]))
        if k is None:
            try:
                k = serialization.load_der_public_key(spki(c, bytes.fromhex(r["key"])))
            except Exception as e:  # curve OpenSSL/cryptography does not offer
                print(f"{c}: {type(e).__name__}: {e}", file=sys.stderr)
                k = False
            keys[(c, r["key"])] = k
        if k is False:
            continue
        by_curve.setdefault(c, []).append((k, bytes.fromhex(r["sig"]), bytes.fromhex(r["msg"])))
    algo = ec.ECDSA(hashes.SHA256())
    out = {}
    for c, items in by_curve.items():
        bad = 0
        for k, s, m in items:
            try:
                k.verify(s, m, algo)
            except InvalidSignature:
                bad += 1
        if bad:
            print(f"{c}: {bad} records do not verify under OpenSSL", file=sys.stderr)
            continue
        n = 0
        t0 = time.perf_counter()
        while True:
            for k, s, m in items:
                k.verify(s, m, algo)
            n += len(items)
            el = time.perf_counter() - t0
            if el * 1000 >= min_ms:
                break
        out[c] = n / el
    print(json.dumps(out))


if __name__ == "__main__":
    main()
