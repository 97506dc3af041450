#!/usr/bin/env bash
# Writes the seed corpora fuzz/corpus/<target>/ from vectors/real.jsonl (the
# corpus folders are git-ignored; run this before fuzzing a fresh checkout).
# Idempotent: file names are content hashes. Needs python3.
set -euo pipefail
cd "$(dirname "$0")"
python3 - ../vectors/real.jsonl corpus <<'PY'
import binascii, base64, hashlib, json, os, random, sys

vectors, out = sys.argv[1], sys.argv[2]
counts = {}

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    counts[target] = counts.get(target, 0) + 1

def sections(record):
    """The payload and signature objects (JSON-aware), or (None, None)."""
    if not record.startswith("OCMF|"):
        return None, None
    dec = json.JSONDecoder()
    try:
        p, end = dec.raw_decode(record, 5)
        rest = record[end:].lstrip()
        s = dec.raw_decode(rest[1:].lstrip())[0] if rest.startswith("|") else {}
        return p, s
    except ValueError:
        return None, None

def key_bytes(text):
    t = "".join(text.split())
    try:
        return binascii.unhexlify(t)
    except (binascii.Error, ValueError):
        pass
    if "BEGIN" in text:
        t = "".join(l for l in text.splitlines() if not l.startswith("-----"))
    try:
        return base64.b64decode(t, validate=True)
    except (binascii.Error, ValueError):
        return None

grammar = set()
for line in open(vectors, encoding="utf-8"):
    if not line.strip():
        continue
    v = json.loads(line)
    rec = v["ocmf"]
    key = v.get("public_key") or ""
    put("envelope_payload", rec)
    # One input per vector for the slow targets (every one verifies several
    # times); flags cycle through the profiles, languages and buffer sizes.
    n = counts.get("envelope_payload", 0)
    kb = key_bytes(key) if key else None
    if kb and n % 4 == 3:
        put("verify_arbitrary", bytes([n % 3]) + rec.encode() + b"\0" + kb)
    else:
        put("verify_arbitrary", bytes([n % 3]) + rec.encode() + b"\0" + key.encode())
    if kb:
        put("key_decode", kb)
    if key:
        put("key_decode", key)
    c_flags = (0x10, 0x11 | 0x40, 0x12 | 0x04 | 0x80, 0x10 | 0x20, 0x00)[n % 5]
    put("c_abi", bytes([c_flags]) + rec.encode() + b"\0" + key.encode())
    p, s = sections(rec)
    if isinstance(p, dict):
        for k in ("PG", "FV"):
            if isinstance(p.get(k), str):
                grammar.add(p[k])
        for r in p.get("RD") or []:
            if isinstance(r, dict):
                for k in ("TM", "RI"):
                    if isinstance(r.get(k), str):
                        grammar.add(r[k])
    if isinstance(s, dict) and isinstance(s.get("SA"), str):
        grammar.add(s["SA"])
    for num in __import__("re").findall(r'"(?:RV|CL|LR|LI)"\s*:\s*"?([-+0-9.eE]+)', rec):
        grammar.add(num)
for g in sorted(grammar):
    put("grammar", g)

# Transports: the test fixtures, and the vectors as plain / hex record lists.
from xml.sax.saxutils import escape
def files(d):
    d = os.path.join("..", d)
    return sorted(os.path.join(d, f) for f in os.listdir(d)) if os.path.isdir(d) else []
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<values>\n'
for f in files("ocmf-core/tests/data/ocpp") + files("ocmf-core/tests/data/xml") + ["../examples/ocpp/stations.log"]:
    if os.path.isfile(f) and not f.endswith(".py"):
        data = open(f, "rb").read()
        put("transport_extract", data)
        if f.endswith(".xml"):
            # the xml target supplies the document head itself
            i = data.find(b"<values")
            j = data.find(b">", i)
            if i >= 0 and j >= 0:
                put("xml", data[j + 1:])
by_source = {}
records = []
for line in open(vectors, encoding="utf-8"):
    if line.strip():
        v = json.loads(line)
        records.append(v)
        by_source.setdefault(v["id"].rsplit("-", 1)[0], []).append(v)
for i in range(0, len(records), 16):
    chunk = records[i:i + 16]
    put("transport_extract", "\n".join(v["ocmf"] for v in chunk) + "\n")
    put("transport_extract", "\n".join(v["ocmf"].encode().hex() for v in chunk[:4]) + "\n")
for n, group in enumerate(by_source.values()):
    body = ""
    for k, v in enumerate(group[:8]):
        ctx = "Transaction.Begin" if k == 0 else "Transaction.End"
        body += f'<value transactionId="{n}" context="{ctx}"><signedData format="OCMF" encoding="plain">{escape(v["ocmf"])}</signedData>'
        if v.get("public_key"):
            body += f'<publicKey encoding="plain">{escape(v["public_key"])}</publicKey>'
        body += "</value>\n"
    put("xml", body + "</values>\n")
    sess = b"\0".join(v["ocmf"].encode() + ((b"\x01" + v["public_key"].encode()) if v.get("public_key") else b"") for v in group[:16])
    put("session", bytes([n % 3]) + sess)
    put("batch", bytes([n % 16]) + sess)
for f in files("ocmf-core/tests/data/sessions"):
    try:
        j = json.load(open(f, encoding="utf-8"))
    except ValueError:
        continue
    recs = j.get("records") if isinstance(j, dict) else None
    if isinstance(recs, list):
        parts = []
        for r in recs:
            if isinstance(r, str):
                parts.append(r.encode())
            elif isinstance(r, dict) and isinstance(r.get("record"), str):
                k = r.get("key")
                parts.append(r["record"].encode() + ((b"\x01" + k.encode()) if isinstance(k, str) else b""))
        if parts:
            put("session", b"\x00" + b"\0".join(parts))

# structured_record reads its input through `arbitrary`: seed it with
# deterministic random bytes of several lengths.
rng = random.Random(8)
for n in (0, 16, 64, 256, 1024, 4096):
    for _ in range(4):
        put("structured_record", bytes(rng.getrandbits(8) for _ in range(n)))

# engine_differential reads an EngineSpec through `arbitrary`: random bytes
# of several lengths (its selectors are small numbers mod the kinds, so
# random bytes reach every curve, key and signature kind).
rng = random.Random(17)
for n in (16, 32, 64, 128, 256):
    for _ in range(8):
        put("engine_differential", bytes(rng.getrandbits(8) for _ in range(n)))

# formats: every shared sample of the other formats, as users have them
# (ChargePoint: the secrrct text and its detached signature in one object,
# and the secrrct alone).
with open("../ocmf-core/tests/data/formats/samples.jsonl", encoding="utf-8") as f:
    for line in f:
        if line.strip():
            v = json.loads(line)
            put("formats", v["signed_value"])
            if v.get("detached_signature_hex"):
                put("formats", json.dumps({"secrrct": v["signed_value"],
                                           "signature": v["detached_signature_hex"]}))

for t in sorted(counts):
    print(f"seed: {t}: {counts[t]} files")
PY
