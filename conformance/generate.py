#!/usr/bin/env python3
"""Generates signed OCMF records with Python `cryptography` (OpenSSL) and the
oracle's verdict for each, for the differential test and the conformance run.

    generate.py OUT.jsonl [--count N] [--seed S]

Every line: {"id", "curve", "kind", "ocmf", "public_key", "oracle"} where
`oracle` is "valid" or "invalid": what OpenSSL says about the record's
signature bytes over the record's payload bytes under `public_key`. The
oracle re-reads each finished record (split at the first and last `|`,
decode SD per SE, DER or raw r||s per the spec notes §8 step 4, key loaded by
`cryptography` from the same text our verifier gets) and never uses what the
generator intended; the generator only checks that the two agree, so that a
wrong curve order or a tamper that did nothing stops the run here.

Kinds: valid, tampered (payload changed after signing, JSON still
well-formed), high-s (s replaced by n - s where s <= n/2), raw (SD is hex of
fixed-width r||s instead of DER), wrong-key (checked with another key of the
same curve), random-rs (random r, s in [1, n-1]).

Everything is a function of the seed: private keys come from the seeded RNG
and signatures use RFC 6979 deterministic nonces.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
from typing import Any, Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

# The six OCMF curves OpenSSL has (spec notes §5): OCMF SA spellings, the
# `cryptography` curve, the group order n (SEC 2 / RFC 5639; a wrong n makes
# the high-s self-check below fail) and the field size in bytes.
CURVES: dict[str, dict[str, Any]] = {
    "secp192r1": {
        "sa": ["ECDSA-secp192r1-SHA256"],
        "curve": ec.SECP192R1,
        "n": 0xFFFFFFFFFFFFFFFFFFFFFFFF99DEF836146BC9B1B4D22831,
        "size": 24,
    },
    "secp256r1": {
        # SA absent means secp256r1 (spec notes §6).
        "sa": ["ECDSA-secp256r1-SHA256", None],
        "curve": ec.SECP256R1,
        "n": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        "size": 32,
    },
    "secp256k1": {
        "sa": ["ECDSA-secp256k1-SHA256"],
        "curve": ec.SECP256K1,
        "n": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
        "size": 32,
    },
    "secp384r1": {
        "sa": ["ECDSA-secp384r1-SHA256"],
        "curve": ec.SECP384R1,
        "n": int(
            "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
            "581A0DB248B0A77AECEC196ACCC52973",
            16,
        ),
        "size": 48,
    },
    "brainpoolP256r1": {
        # The spec's spelling and the one seen in the wild (spec notes §5).
        "sa": ["ECDSA-brainpool256r1-SHA256", "ECDSA-brainpoolP256r1-SHA256"],
        "curve": ec.BrainpoolP256R1,
        "n": 0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
        "size": 32,
    },
    "brainpoolP384r1": {
        "sa": ["ECDSA-brainpool384r1-SHA256", "ECDSA-brainpoolP384r1-SHA256"],
        "curve": ec.BrainpoolP384R1,
        "n": int(
            "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7"
            "CF3AB6AF6B7FC3103B883202E9046565",
            16,
        ),
        "size": 48,
    },
}

# The oracle's own SA -> curve map (spec notes §5: case-insensitive curve
# part, `brainpool` and `brainpoolP` both accepted, absent = secp256r1).
SA_CURVE = {
    "secp192r1": "secp192r1",
    "secp256r1": "secp256r1",
    "secp256k1": "secp256k1",
    "secp384r1": "secp384r1",
    "brainpool256r1": "brainpoolP256r1",
    "brainpoolp256r1": "brainpoolP256r1",
    "brainpool384r1": "brainpoolP384r1",
    "brainpoolp384r1": "brainpoolP384r1",
}

KINDS = ["valid", "tampered", "high-s", "raw", "wrong-key", "random-rs"]
# Share of each kind (valid twice as often as each failure kind).
WEIGHTS = [2, 1, 1, 1, 1, 1]
KEYS_PER_CURVE = 4
KEY_FORMS = ["spki-hex", "spki-hex-upper", "spki-hex-spaced", "spki-b64", "pem", "sec1", "sec1-compressed", "bare-xy"]


# ---------------------------------------------------------------- payloads
def payload_text(rng: random.Random) -> str:
    """A well-formed OCMF payload with random but plausible values."""
    fv = rng.choice(["1.0", "1.2", "1.3", "1.4"])
    start_wh = rng.randrange(0, 10_000_000)
    delta = rng.randrange(1, 80_000)
    decimals = rng.choice([0, 1, 2, 3, 4])

    def value(wh: int) -> str:
        kwh = wh / 1000
        return f"{kwh:.{decimals}f}" if decimals else str(wh // 1000)

    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    hh = rng.randrange(0, 20)
    mm = rng.randrange(0, 60)
    tz = rng.choice(["+0000", "+0100", "+0200"])
    status = rng.choice(["S", "U", "I", "R"])
    obis = rng.choice(["01-00:01.08.00*FF", "01-00:01.08.00*FF", "01-00:02.08.00*FF"])
    rt = rng.choice(["AC", "DC"])
    serial = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randrange(8, 16)))
    ident = "".join(rng.choice("0123456789ABCDEF") for _ in range(14))
    readings = [
        {
            "TM": f"2023-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}:{rng.randrange(0, 60):02d},000{tz} {status}",
            "TX": "B",
            "RV": "__RV0__",
            "RI": obis,
            "RU": "kWh",
            "RT": rt,
            "EF": "",
            "ST": "G",
        },
        {
            "TM": f"2023-{month:02d}-{day:02d}T{hh + 3:02d}:{mm:02d}:{rng.randrange(0, 60):02d},000{tz} {status}",
            "TX": "E",
            "RV": "__RV1__",
            "RI": obis,
            "RU": "kWh",
            "RT": rt,
            "EF": "",
            "ST": "G",
        },
    ]
    obj: dict[str, Any] = {
        "FV": fv,
        "GI": rng.choice(["ABL SBC-301", "KEBA P30", "Compleo eBOX", "ocmf-conformance"]),
        "GS": str(rng.randrange(10**9, 10**12)),
        "GV": f"{rng.randrange(1, 5)}.{rng.randrange(0, 10)}",
        "PG": f"T{rng.randrange(1, 100000)}",
        "MV": rng.choice(["Phoenix Contact", "Isabellenhuette", "Carlo Gavazzi", "DZG"]),
        "MM": rng.choice(["EEM-350-D-MCB", "IEM-DCC", "EM580", "DVH4013"]),
        "MS": serial,
        "MF": f"{rng.randrange(1, 3)}.{rng.randrange(0, 10)}",
        "IS": True,
        "IL": rng.choice(["VERIFIED", "TRUSTED", "SECURE"]),
        "IF": ["RFID_PLAIN", "OCPP_RS_TLS"],
        "IT": "ISO14443",
        "ID": ident,
        "RD": readings,
    }
    if rng.random() < 0.3:
        obj["IS"] = False
        obj["IL"] = "NONE"
        obj["IF"] = []
        obj["IT"] = "NONE"
        del obj["ID"]
    sep = rng.choice([(",", ":"), (", ", ": ")])
    text = json.dumps(obj, separators=sep)
    # JSON numbers with a fixed number of decimals (json.dumps would print floats).
    text = text.replace('"__RV0__"', value(start_wh)).replace('"__RV1__"', value(start_wh + delta))
    return text


def tamper(rng: random.Random, payload: str) -> str:
    """Changes the payload so it stays well-formed JSON with valid fields."""
    how = rng.choice(["meter-serial", "space", "reading-digit", "pagination"])
    if how == "space":
        # A whitespace-only change: same JSON value, other signed bytes.
        i = payload.index(",")
        return payload[:i] + " " + payload[i:]
    if how == "meter-serial":
        key = '"MS":'
        i = payload.index(key) + len(key)
        while payload[i] in ' "':
            i += 1
        c = payload[i]
        repl = "7" if c != "7" else "8"
        return payload[:i] + repl + payload[i + 1 :]
    if how == "pagination":
        return payload.replace('"PG":"T', '"PG":"T1', 1).replace('"PG": "T', '"PG": "T1', 1)
    # The last digit of the first reading value.
    key = '"RV":'
    i = payload.index(key) + len(key)
    while payload[i] == " ":
        i += 1
    j = i
    while payload[j] in "0123456789.":
        j += 1
    last = payload[j - 1]
    repl = str((int(last) + 1) % 10)
    return payload[: j - 1] + repl + payload[j:]


# ---------------------------------------------------------------- keys
def key_text(form: str, pub: ec.EllipticCurvePublicKey) -> str:
    """The public key in one of the text forms keys travel in (spec notes §7)."""
    spki = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    point = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    if form == "spki-hex":
        return spki.hex()
    if form == "spki-hex-upper":
        return spki.hex().upper()
    if form == "spki-hex-spaced":
        h = spki.hex()
        return " ".join(h[i : i + 4] for i in range(0, len(h), 4))
    if form == "spki-b64":
        return base64.b64encode(spki).decode()
    if form == "pem":
        return pub.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    if form == "sec1":
        return point.hex()
    if form == "sec1-compressed":
        return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint).hex()
    if form == "bare-xy":
        return point[1:].hex()
    raise ValueError(form)


# ---------------------------------------------------------------- oracle
def oracle_load_key(text: str, curve_name: str) -> ec.EllipticCurvePublicKey:
    curve = CURVES[curve_name]["curve"]()
    t = text.strip()
    if t.startswith("-----BEGIN"):
        k = serialization.load_pem_public_key(t.encode())
    else:
        try:
            raw = bytes.fromhex(t.replace(" ", ""))
        except ValueError:
            raw = base64.b64decode(t, validate=True)
        size = CURVES[curve_name]["size"]
        # By length: SEC1 uncompressed / compressed, bare X||Y, else SPKI DER.
        if len(raw) in (2 * size + 1, size + 1) and raw[:1] in (b"\x02", b"\x03", b"\x04"):
            k = ec.EllipticCurvePublicKey.from_encoded_point(curve, raw)
        elif len(raw) == 2 * size:
            k = ec.EllipticCurvePublicKey.from_encoded_point(curve, b"\x04" + raw)
        else:
            k = serialization.load_der_public_key(raw)
    if not isinstance(k, ec.EllipticCurvePublicKey):
        raise ValueError("not an EC key")
    return k


def oracle(record: str, key: str) -> str:
    """OpenSSL's verdict on the finished record: "valid" or "invalid"."""
    assert record.startswith("OCMF|")
    first = record.index("|")
    last = record.rindex("|")
    payload = record[first + 1 : last].encode("utf-8")
    sig = json.loads(record[last + 1 :])
    sa = sig.get("SA") or "ECDSA-secp256r1-SHA256"
    parts = sa.split("-")
    assert len(parts) == 3 and parts[0] == "ECDSA" and parts[2] == "SHA256", sa
    curve_name = SA_CURVE[parts[1].lower()]
    size = CURVES[curve_name]["size"]
    sd = sig["SD"]
    raw = base64.b64decode(sd) if sig.get("SE", "hex").lower() == "base64" else bytes.fromhex(sd)
    try:
        r, s = decode_dss_signature(raw)
    except ValueError:
        assert len(raw) == 2 * size, "neither DER nor raw r||s"
        r = int.from_bytes(raw[:size], "big")
        s = int.from_bytes(raw[size:], "big")
    pub = oracle_load_key(key, curve_name)
    if pub.curve.name != CURVES[curve_name]["curve"].name:
        return "invalid"
    try:
        pub.verify(encode_dss_signature(r, s), payload, ec.ECDSA(hashes.SHA256()))
        return "valid"
    except InvalidSignature:
        return "invalid"


# ---------------------------------------------------------------- records
def sig_section(sa: str | None, sd: str, se: str | None) -> str:
    sig: dict[str, str] = {}
    if sa is not None:
        sig["SA"] = sa
    if se is not None:
        sig["SE"] = se
    sig["SD"] = sd
    return json.dumps(sig, separators=(",", ":"))


def encode_sd(rng: random.Random, raw: bytes) -> tuple[str, str | None]:
    u = rng.random()
    if u < 0.1:
        return base64.b64encode(raw).decode(), "base64"
    if u < 0.3:
        return raw.hex().upper(), None
    if u < 0.4:
        return raw.hex(), "hex"
    return raw.hex(), None


def make_record(rng: random.Random, curve_name: str, kind: str, keys: list[Any]) -> dict[str, Any]:
    c = CURVES[curve_name]
    n = c["n"]
    size = c["size"]
    sa = rng.choice(c["sa"])
    ki = rng.randrange(len(keys))
    priv, key_forms = keys[ki]
    ecdsa = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    while True:
        payload = payload_text(rng)
        der = priv.sign(payload.encode(), ecdsa)
        r, s = decode_dss_signature(der)
        verify_key = key_forms
        signed_payload = payload
        if kind == "tampered":
            payload = tamper(rng, payload)
            assert payload != signed_payload
        elif kind == "high-s":
            if s <= n // 2:
                s = n - s
            der = encode_dss_signature(r, s)
        elif kind == "raw":
            raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
            if raw[0] == 0x30:
                continue  # could read as DER: ambiguous by the spec's rule, draw again
            der = raw
        elif kind == "wrong-key":
            other = (ki + 1 + rng.randrange(len(keys) - 1)) % len(keys)
            verify_key = keys[other][1]
        elif kind == "random-rs":
            r = rng.randrange(1, n)
            s = rng.randrange(1, n)
            if rng.random() < 0.5:
                der = encode_dss_signature(r, s)
            else:
                der = r.to_bytes(size, "big") + s.to_bytes(size, "big")
                if der[0] == 0x30:
                    continue
        break
    sd, se = encode_sd(rng, der) if kind != "raw" else (der.hex(), None)
    record = f"OCMF|{payload}|{sig_section(sa, sd, se)}"
    form, text = verify_key[rng.randrange(len(verify_key))]
    return {"curve": curve_name, "kind": kind, "key_form": form, "ocmf": record, "public_key": text}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=10_200, help="records in total (default 10200)")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--stop-after", type=int, default=None, help="write only the first N of those records")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    per_curve = -(-args.count // len(CURVES))
    expected = {"valid": "valid", "high-s": "valid", "raw": "valid"}
    tally: dict[str, int] = {}  # records per kind
    written = 0
    stop = args.count if args.stop_after is None else min(args.count, args.stop_after)
    with open(args.out, "w", encoding="utf-8") as out:
        for curve_name, c in CURVES.items():
            keys: list[Any] = []
            for _ in range(KEYS_PER_CURVE):
                priv = ec.derive_private_key(rng.randrange(1, c["n"]), c["curve"]())
                pub = priv.public_key()
                keys.append((priv, [(f, key_text(f, pub)) for f in KEY_FORMS]))
            total_w = sum(WEIGHTS)
            plan: list[str] = []
            for kind, w in zip(KINDS, WEIGHTS):
                plan += [kind] * (per_curve * w // total_w)
            while len(plan) < per_curve:
                plan.append("valid")
            rng.shuffle(plan)
            for i, kind in enumerate(plan):
                if written >= stop:
                    break
                rec = make_record(rng, curve_name, kind, keys)
                verdict = oracle(rec["ocmf"], rec["public_key"])
                want = expected.get(kind, "invalid")
                if verdict != want:
                    print(f"generator self-check: {curve_name} {kind} gave {verdict}, meant {want}", file=sys.stderr)
                    return 1
                rec = {"id": f"gen-{curve_name}-{i:05d}", **rec, "oracle": verdict}
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                written += 1
                tally[kind] = tally.get(kind, 0) + 1
    kinds = ", ".join(f"{k} {tally.get(k, 0)}" for k in KINDS)
    print(f"generated {written} records (seed {args.seed}; {kinds}) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
