"""The conformance cases: one per line of OUTDIR/cases.jsonl, each with an `entry`.

| entry | what each case holds |
|---|---|
| verify | `ocmf`, `key`, `profile`, `lang`: the corpus under three settings, the generated records |
| verify-registry | as verify, plus `registry` (a file under inputs/): the corpus with its carried key and without one, against the CSV and the JSON registry |
| batch | `call`, `threads`, `ocmf`, `key`, `profile`, `lang`: one item of one batch call (the corpus plus a sample of the generated records, per-item keys; or, with `shared_key`, one key for the whole call) |
| batch-trusted | as batch, plus `registry` |
| session | `files` (what the CLI reads), `records` ([record, key, label] for the bindings that take records), `key`, `registry`, `profile`, `lang` |
| extract | `input` (a file under inputs/), `registry`, `profile`, `lang`: the corpus and OCPP log, and every OCPI/OICP CDR fixture (with and without its registry), every container fixture of the other formats |
| xml | `input` |
| sign-verify | `payload`, `secret`, `algorithm` (SA or curve name), `profile`, `lang` |
| format | `input` (a file under inputs/formats/), `key`, `registry`, `lang`: a signed value in another format (issue 19): the samples, with registries naming the carried key, and unreadable values |
| format-session | `inputs` (files under inputs/formats/, one value each, in session order), `key`, `registry`, `profile`, `lang`: the values of one charging session in another format (FORMAT_SESSIONS: start/stop pairs and single start+stop values of the samples, and honest changes: swapped, two meters, two formats, a changed value, unreadable) |

A case may also hold `backend` (`reference`: RustCrypto's own ECDSA
verification for every key of the call) and `same_as`, the id of the case
on the default backend that must get the identical line in every binding
(`run.py compare` checks it): the verify, verify-registry, batch,
batch-trusted, session, extract, format and format-session entry points run
once more that way.

Every path is relative to OUTDIR, where every emitter runs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections import Counter

SETTINGS_CORPUS = [("interop", "en"), ("strict", "de"), ("reference", "en")]
PROFILE_NUM = {"interop": 0, "strict": 1, "reference": 2}  # ocmf_profile in ocmf.h
# ocmf_backend in ocmf.h: OR-ed into the profile number of the C emitter.
BACKEND_FLAG = {"auto": 0x000, "pure-rust": 0x100, "native": 0x200, "reference": 0x300}
ALT_BACKEND = "reference"  # the backend the verifying entry points run on once more
LANG_NUM = {"en": 0, "de": 1}  # ocmf_lang in ocmf.h
REGISTRIES = ("inputs/registry.csv", "inputs/registry.json")
BATCH_GENERATED = 300  # generated records added to each batch call
BATCH_KEYS = 40  # ... drawn from the records of this many key texts (CLI: one run per key)
# secp192k1 and the six curves OpenSSL has; (SA, curve name, secret bytes).
CURVES = [
    ("ECDSA-secp192k1-SHA256", "secp192k1", 24),
    ("ECDSA-secp192r1-SHA256", "secp192r1", 24),
    ("ECDSA-secp256r1-SHA256", "secp256r1", 32),
    ("ECDSA-secp256k1-SHA256", "secp256k1", 32),
    ("ECDSA-secp384r1-SHA256", "secp384r1", 48),
    ("ECDSA-brainpoolP256r1-SHA256", "brainpoolP256r1", 32),
    ("ECDSA-brainpoolP384r1-SHA256", "brainpoolP384r1", 48),
]
_READING = '{{"TM":"2026-11-02T08:{m:02d}:00,000+0100 S","TX":"{tx}","RV":{rv},"RI":"1-b:1.8.0","RU":"kWh","RT":"AC","EF":"","ST":"G"}}'
SIGN_PAYLOADS = [
    '{"FV":"1.0","GI":"CONFORMANCE","GS":"GW-1","GV":"1.0","PG":"T1","MV":"Demo","MM":"M1","MS":"CONF-0001",'
    '"MF":"1.0","IS":false,"IL":"NONE","IF":["RFID_NONE"],"IT":"NONE","ID":"","RD":['
    + _READING.format(m=0, tx="B", rv="12.3450") + "]}",
    '{"FV":"1.0","GI":"Prüfstand Süd","GS":"GW-2","GV":"1.0","PG":"T2","MV":"Zähler GmbH","MM":"M2","MS":"CONF-0002",'
    '"MF":"1.0","IS":true,"IL":"VERIFIED","IF":["RFID_PLAIN","OCPP_RS_TLS"],"IT":"ISO14443","ID":"04A1B2C3","RD":['
    + _READING.format(m=0, tx="B", rv="100.0000") + "," + _READING.format(m=42, tx="E", rv="122.3242") + "]}",
    '{"FV":"1.0","GI":"CONFORMANCE","GS":"GW-3","GV":"1.0","PG":"T3","MS":"CONF-0003","IS":false,"IL":"NONE",'
    '"IF":[],"IT":"NONE","ID":"","RD":[' + _READING.format(m=5, tx="T", rv="0.0010") + "]}",
]


def _read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _serials(record: str) -> tuple[str | None, str | None]:
    """(MS, GS) of a record whose payload is readable JSON, else (None, None)."""
    first, last = record.find("|"), record.rfind("|")
    try:
        p = json.loads(record[first + 1 : last])
    except ValueError:
        return None, None
    if not isinstance(p, dict):
        return None, None
    ms, gs = p.get("MS"), p.get("GS")
    return (ms if isinstance(ms, str) and ms.strip() else None, gs if isinstance(gs, str) and gs.strip() else None)


def _one_line(key: str) -> str:
    """A PEM key as its base64 body (the CSV form holds no line breaks)."""
    if "-----BEGIN" not in key:
        return key
    return "".join(l.strip() for l in key.splitlines() if l.strip() and not l.startswith("-----"))


def _decodable(r: dict) -> bool:
    return bool(r.get("public_key")) and r.get("public_key_format") not in (None, "unparseable")


def make_registry(outdir: str, corpus: list[dict]) -> Counter:
    """The corpus meters as a registry, in CSV and JSON form: most meters with
    their own keys, every 6th unregistered (untrusted), every 6th from the 5th on
    bound to another meter's key (mismatch), every 12th from the 4th on with a
    window that ended in 2000 (expired)."""
    meters: dict[tuple[str | None, str | None], list[str]] = {}
    for r in corpus:
        ms, gs = _serials(r["ocmf"])
        if (ms or gs) and _decodable(r):
            keys = meters.setdefault((ms, gs if ms is None else None), [])
            if r["public_key"] not in keys:
                keys.append(r["public_key"])
    entries, kinds = [], Counter()
    serials = list(meters)
    for i, serial in enumerate(serials):
        if i % 6 == 5:
            kinds["unregistered"] += 1
            continue
        keys, until = meters[serial], None
        if i % 6 == 4:
            own = {_one_line(k) for k in keys}
            others = [k for s in serials[i + 1 :] + serials[:i] for k in meters[s] if _one_line(k) not in own]
            keys = others[:1] or keys
            kinds["other meter's key"] += 1
        elif i % 12 == 3:
            until = "2000-01-01"
            kinds["expired window"] += 1
        else:
            kinds["own keys"] += 1
        for k in keys:
            entries.append({"meter_serial": serial[0], "gateway_serial": serial[1], "public_key": k,
                            "valid_until": until, "source": f"conformance {i}"})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    buf.write("# conformance registry from vectors/real.jsonl (run.py cases)\n")
    w.writerow(["meter_serial", "gateway_serial", "public_key", "valid_until", "source"])
    for e in entries:
        w.writerow([e["meter_serial"] or "", e["gateway_serial"] or "", _one_line(e["public_key"]),
                    e["valid_until"] or "", e["source"]])
    with open(f"{outdir}/{REGISTRIES[0]}", "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())
    doc = {"format": "ocmf-key-registry", "version": 1, "source": "conformance",
           "keys": [{k: v for k, v in e.items() if v is not None} for e in entries]}
    with open(f"{outdir}/{REGISTRIES[1]}", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    kinds["entries"] = len(entries)
    return kinds


def _batch_sample(generated: list[dict]) -> list[dict]:
    """BATCH_GENERATED generated records whose key texts are among the BATCH_KEYS most common."""
    common = {k for k, _ in Counter(r["public_key"] for r in generated).most_common(BATCH_KEYS)}
    pool = [r for r in generated if r["public_key"] in common]
    step = max(1, len(pool) // BATCH_GENERATED)
    return pool[::step][:BATCH_GENERATED]


def _values(ocmf_bin: str, outdir: str, path: str) -> list[list]:
    """[record, carried key, label] of every value the CLI reads from a session file,
    labelled as `ocmf session` labels them (FILE:LINE, or FILE)."""
    p = subprocess.run([ocmf_bin, "convert", "--to", "json", path], cwd=outdir, capture_output=True, check=False)
    ex = json.loads(p.stdout.decode("utf-8"))
    out = []
    for v in ex["values"]:
        line = v["origin"]["line"]
        out.append([v["record"], v["public_key"], path if line is None else f"{path}:{line}"])
    return out


def _key_decodes(ocmf_bin: str, outdir: str, key: str, path: str, seen: dict[str, bool]) -> bool:
    """Whether the CLI decodes `key` (the C binding's `ocmf_key_parse`): `ocmf
    session` fails before any report when it cannot; memoised in `seen`."""
    if key not in seen:
        p = subprocess.run([ocmf_bin, "session", "--json", f"--key={key}", path], cwd=outdir,
                           capture_output=True, check=False)
        seen[key] = p.stdout.strip() != b""
    return seen[key]


def _session_cases(outdir: str, corpus: list[dict], ocmf_bin: str, stations: str | None,
                   registry: str | None) -> list[dict]:
    os.makedirs(f"{outdir}/inputs/session", exist_ok=True)
    files: list[tuple[str, str | None]] = []  # (file, explicit session key)
    for n, r in enumerate(corpus):
        path = f"inputs/session/corpus-{n:04d}.ocmf"
        with open(f"{outdir}/{path}", "w", encoding="utf-8", newline="") as f:
            f.write(r["ocmf"])
        files.append((path, r["public_key"] if _decodable(r) else None))
    if stations:
        by_station: dict[str, list[str]] = {}
        with open(stations, encoding="utf-8") as f:
            for line in f:
                parts = line.split(" ", 2)
                by_station.setdefault(parts[1] if len(parts) > 2 else "-", []).append(line)
        for station, lines in by_station.items():
            path = f"inputs/session/stations-{station}.log"
            with open(f"{outdir}/{path}", "w", encoding="utf-8", newline="") as f:
                f.writelines(lines)
            files.append((path, None))
    # A session key the CLI cannot decode fails the whole call (no report in
    # any binding): such a corpus record's session gets no key.
    readable: dict[str, bool] = {}
    for i, (path, key) in enumerate(files):
        if key is not None and "stations" not in path:
            if not _key_decodes(ocmf_bin, outdir, key, path, readable):
                files[i] = (path, None)
    unreadable = sum(not ok for ok in readable.values())
    print(f"session keys: {len(readable)} distinct, {unreadable} the CLI cannot decode (those sessions get no key)")
    regs = [None, REGISTRIES[0]] + ([f"inputs/ocpp-{os.path.basename(registry)}"] if registry else [])
    cases = []
    for path, key in files:
        records = _values(ocmf_bin, outdir, path)
        for reg in regs:
            if reg and reg != REGISTRIES[0] and "stations" not in path:
                continue  # the demo registry is for the demo log
            if reg == REGISTRIES[0] and "stations" in path:
                continue
            cases.append({"id": f"{path}@{reg or 'no registry'}", "entry": "session", "files": [path],
                          "records": records, "key": key, "registry": reg, "profile": "interop", "lang": "en"})
    return cases


def _cdr_inputs(outdir: str, cdr_dir: str) -> tuple[list[str], str | None]:
    """The CDR fixtures (`*.json`, `*.jsonl`) copied under inputs/cdr/, and
    their registry (`registry.csv`) when the folder has one."""
    os.makedirs(f"{outdir}/inputs/cdr", exist_ok=True)
    paths = []
    for name in sorted(os.listdir(cdr_dir)):
        if name.endswith((".json", ".jsonl")):
            shutil.copyfile(f"{cdr_dir}/{name}", f"{outdir}/inputs/cdr/{name}")
            paths.append(f"inputs/cdr/{name}")
    reg = None
    if os.path.isfile(f"{cdr_dir}/registry.csv"):
        reg = "inputs/cdr-registry.csv"
        shutil.copyfile(f"{cdr_dir}/registry.csv", f"{outdir}/{reg}")
    return paths, reg


# Values no reader can read, each of a format that detection names (so that
# the CLI answers with the format's JSON, not as if it were OCMF).
FORMAT_UNREADABLE = [
    ("alfen-field-count", b"AP;0;3;NOT-BASE32;;;"),
    ("alfen-not-base32", b"AP;0;3;NOT-BASE32;NOT-BASE32;NOT-BASE32;"),
    ("edl40-sml-escape-truncated", b"1B1B1B1B0101010176"),
    ("sml-signature-only-xml-escape-truncated", b"&lt;signedMeterValue&gt;&lt;publicKey encoding=&quot;base64&quot;&gt;"),
    ("mennekes-xml-truncated", b"<ChargingProcess><ServerId>0901454D4800005BAE2F</ServerId>"),
    ("pcdf-truncated", b"128.8.0(ST:200501162017)(CT:2005"),
    ("emh-chargeit-no-values", b'{"meterInfo":{"meterId":"0901454D4800007F9F3E","manufacturer":"EMH"},'
                               b'"measuredValue":{},"additionalInfo":{},"signature":""}'),
    ("bsm-no-values", b'{"additionalValues":[]}'),
]
# Left out: a chargeIT container with no snapshot (`{"signedMeterValues":[]}`)
# names no format (the core's `read` says missing field, format null), so the
# CLI's `verify` takes it for OCMF input (a JSON transport error) while the
# other bindings print the format JSON with format null.
FORMAT_OTHER_METER = "CONFORMANCE-OTHER-METER"  # the meter the other-meter registry names


def _registry_csv(outdir: str, path: str, rows: list[tuple[str, str]], what: str) -> None:
    with open(f"{outdir}/{path}", "w", encoding="utf-8", newline="") as f:
        f.write(f"# conformance registry for the other formats: {what} (run.py cases)\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["meter_serial", "gateway_serial", "public_key", "valid_until", "source"])
        for serial, key in rows:
            w.writerow([serial, "", key, "", "conformance formats"])


def _format_cases(outdir: str, samples_path: str, ocmf_bin: str) -> list[dict]:
    """The other formats (issue 19): every sample of `samples_path` in en
    and de, with its key where it has one (CHARGEPOINT's two files, `secrrct`
    and its detached signature, as the one object verify_format takes, and
    its one-digit tamper as one more value); every valid sample whose key travels inside the
    value against a registry naming that key for its meter (trusted) and
    one naming it for another meter only (untrusted); FORMAT_UNREADABLE in
    en and de, and once with a registry (trust unknown)."""
    os.makedirs(f"{outdir}/inputs/formats", exist_ok=True)
    samples = []
    for s in _read_jsonl(samples_path):
        sig = s.get("detached_signature_hex")
        if sig is None:
            samples.append(s)
            continue
        tampered = s["signed_value"].replace("86.6", "86.7", 1)
        assert tampered != s["signed_value"], s["id"]
        for id_, secrrct in ((s["id"], s["signed_value"]), (f"{s['id']}-tampered", tampered)):
            both = json.dumps({"secrrct": secrrct, "signature": sig})
            samples.append(dict(s, id=id_, signed_value=both))
    # Any OCMF file will do for asking whether the CLI decodes a key.
    probe = "inputs/formats/key-probe.ocmf"
    with open(f"{outdir}/{probe}", "w", encoding="utf-8") as f:
        f.write("OCMF|{}|{}\n")
    decodes: dict[str, bool] = {}
    cases, left_out, carried = [], [], []
    for s in samples:
        path = f"inputs/formats/{s['id']}.txt"
        with open(f"{outdir}/{path}", "wb") as f:
            f.write(s["signed_value"].encode("utf-8"))
        key = s["public_key"] or None
        # C takes a decoded key (ocmf_key_parse), so a key that does not
        # decode never reaches ocmf_verify_format there; the other bindings
        # would answer with the key's error code. Such samples are left out.
        if key is not None and not _key_decodes(ocmf_bin, outdir, key, probe, decodes):
            left_out.append(s["id"])
            continue
        for lang in ("en", "de"):
            cases.append({"id": f"{s['id']}@{lang}", "entry": "format", "input": path, "key": key,
                          "registry": None, "lang": lang})
        # Without the caller's key: does the value verify under the key it carries?
        p = subprocess.run([ocmf_bin, "verify", "--json", path], cwd=outdir, capture_output=True, check=False)
        j = json.loads(p.stdout.decode("utf-8"))
        if j["verdict"] == "valid" and (j.get("key") or {}).get("source") == "carried":
            carried.append((s["id"], path, j["value"]["meter_serial"], j["value"]["carried_key"]))
    own, other = "inputs/formats-registry.csv", "inputs/formats-registry-other-meter.csv"
    _registry_csv(outdir, own, sorted({(m, k) for _, _, m, k in carried}), "each carried key for its meter")
    _registry_csv(outdir, other, sorted({(FORMAT_OTHER_METER, k) for _, _, _, k in carried}),
                  f"each carried key for meter {FORMAT_OTHER_METER} only")
    for id_, path, _, _ in carried:
        for reg in (own, other):
            cases.append({"id": f"{id_}@{reg}", "entry": "format", "input": path, "key": None,
                          "registry": reg, "lang": "en"})
    for name, data in FORMAT_UNREADABLE:
        path = f"inputs/formats/unreadable-{name}.txt"
        with open(f"{outdir}/{path}", "wb") as f:
            f.write(data)
        for lang, reg in (("en", None), ("de", None), ("en", own)):
            cases.append({"id": f"unreadable-{name}@{reg or 'no registry'}/{lang}", "entry": "format",
                          "input": path, "key": None, "registry": reg, "lang": lang})
    print(f"formats: {len(samples)} samples, {len(carried)} valid with a carried key (registry cases), "
          f"{len(left_out)} left out (key does not decode: {', '.join(left_out) or '-'})")
    return cases


# Sessions of the other formats: sample ids in session order.
FORMAT_SESSIONS = [
    ["alfen-011", "alfen-012"],
    ["alfen-000", "alfen-001"],  # each verifies, under two different carried keys
    ["alfen-012", "alfen-011"],  # swapped
    ["alfen-011", "alfen-000"],  # two starts, two meters
    ["edl40-025", "edl40-026"],
    ["edl40-026", "edl40-025"],  # reversed: the value goes down
    ["isa_edl40-029"],
    ["isa_edl40-030"],  # a start only
    ["isa_edl40-030", "isa_edl40-029"],
    ["sml_signature_only-035", "sml_signature_only-036"],
    ["sml_signature_only-035", "edl40-020"],  # two formats
    ["edl_mennekes-045"],
    ["edl_mennekes-048"],  # a changed value
    ["pcdf-054"],
    ["pcdf-056"],  # refused by its acceptance rule (BV:0)
    ["emh_chargeit-062", "emh_chargeit-063"],
    ["bsm_ws36a-066", "bsm_ws36a-067"],
    ["bsm_ws36a-066", "bsm_ws36a-069"],  # two meters
    ["edl40-022"],  # no key
]


def _format_session_cases(outdir: str, samples_path: str) -> list[dict]:
    """FORMAT_SESSIONS in en and de (the first sample's key, where it has
    one), once with the registry naming each carried key for its meter, and
    one session with an unreadable value."""
    samples = {s["id"]: s for s in _read_jsonl(samples_path)}
    cases = []
    for ids in FORMAT_SESSIONS + [["alfen-011", "unreadable"]]:
        inputs = []
        for id_ in ids:
            path = f"inputs/formats/{id_}.txt" if id_ != "unreadable" else "inputs/formats/session-unreadable.txt"
            if id_ == "unreadable":
                with open(f"{outdir}/{path}", "wb") as f:
                    f.write(b"not a signed meter value")
            inputs.append(path)
        key = samples.get(ids[0], {}).get("public_key") or None
        name = "+".join(ids)
        for lang, reg in (("en", None), ("de", None), ("en", "inputs/formats-registry.csv")):
            cases.append({"id": f"{name}@{reg or 'no registry'}/{lang}", "entry": "format-session", "inputs": inputs,
                          "key": key, "registry": reg, "profile": "interop", "lang": lang})
    return cases


def make_cases(outdir: str, corpus_path: str, generated_path: str, ocmf_bin: str,
               stations: str | None, registry: str | None, cdr: str | None = None,
               formats: str | None = None) -> int:
    shutil.rmtree(f"{outdir}/inputs", ignore_errors=True)
    os.makedirs(f"{outdir}/inputs")
    ocmf_bin = os.path.abspath(ocmf_bin)
    corpus, generated = _read_jsonl(corpus_path), _read_jsonl(generated_path)
    kinds = make_registry(outdir, corpus)
    cases: list[dict] = []

    def add(entry: str, id_: str, **fields: object) -> None:
        cases.append({"id": id_, "entry": entry, **fields})

    for profile, lang in SETTINGS_CORPUS:
        for r in corpus:
            add("verify", f"{r['id']}@{profile}/{lang}", ocmf=r["ocmf"], key=r.get("public_key"),
                profile=profile, lang=lang)
    for r in generated:
        add("verify", r["id"], ocmf=r["ocmf"], key=r["public_key"], profile="interop", lang="en")

    for reg, carried, profile, lang in [(REGISTRIES[0], True, "interop", "en"), (REGISTRIES[0], False, "interop", "en"),
                                        (REGISTRIES[1], True, "interop", "en"), (REGISTRIES[1], False, "interop", "en"),
                                        (REGISTRIES[0], True, "strict", "de")]:
        for r in corpus:
            add("verify-registry", f"{r['id']}@{reg}/{'carried' if carried else 'no key'}/{profile}/{lang}",
                ocmf=r["ocmf"], key=r.get("public_key") if carried else None, registry=reg, profile=profile, lang=lang)

    items = corpus + _batch_sample(generated)
    calls = [("batch", None, 1), ("batch", None, 2), ("batch-trusted", REGISTRIES[0], 1),
             ("batch-trusted", REGISTRIES[0], 2), ("batch-trusted", REGISTRIES[1], 1)]
    for n, (entry, reg, threads) in enumerate(calls):
        call = f"{entry}-{n}"
        for r in items:
            fields = {"call": call, "threads": threads, "ocmf": r["ocmf"], "key": r.get("public_key"),
                      "profile": "interop", "lang": "en"}
            if reg:
                fields["registry"] = reg
            add(entry, f"{r['id']}@{call}/threads={threads}", **fields)
    # One key for every record (`shared_key`): the bindings' one-key batch
    # (a decoded key handle), on the records of the most common generated key.
    top = Counter(r["public_key"] for r in generated).most_common(1)[0][0]
    for r in [g for g in generated if g["public_key"] == top]:
        add("batch", f"{r['id']}@batch-one-key/threads=2", call="batch-one-key", threads=2, shared_key=True,
            ocmf=r["ocmf"], key=top, profile="interop", lang="en")

    if registry:
        shutil.copyfile(registry, f"{outdir}/inputs/ocpp-{os.path.basename(registry)}")
    cases += _session_cases(outdir, corpus, ocmf_bin, stations, registry)

    inputs = ["inputs/corpus.txt"]
    with open(f"{outdir}/inputs/corpus.txt", "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(r["ocmf"] for r in corpus) + "\n")
    if stations:
        shutil.copyfile(stations, f"{outdir}/inputs/{os.path.basename(stations)}")
        inputs.insert(0, f"inputs/{os.path.basename(stations)}")
    demo_reg = f"inputs/ocpp-{os.path.basename(registry)}" if registry else None
    for path in inputs:
        reg = demo_reg if "corpus" not in path else REGISTRIES[0]
        for r, (profile, lang) in [(None, ("interop", "en")), (reg, ("interop", "en")), (reg, ("strict", "de"))]:
            add("extract", f"{path}@{r or 'no registry'}/{profile}/{lang}", input=path, registry=r,
                profile=profile, lang=lang)
    cdr_inputs, cdr_reg = _cdr_inputs(outdir, cdr) if cdr else ([], None)
    for path in cdr_inputs:
        for r in [None] + ([cdr_reg] if cdr_reg else []):
            for profile, lang in [("interop", "en"), ("strict", "de")]:
                add("extract", f"{path}@{r or 'no registry'}/{profile}/{lang}", input=path, registry=r,
                    profile=profile, lang=lang)
    for path in inputs + sorted({c["files"][0] for c in cases if c["entry"] == "session" and "stations" in c["files"][0]}):
        add("xml", path, input=path)
    for path in cdr_inputs:
        add("xml", path, input=path)
    # The other formats inside the containers (issue 19): the core's
    # fixtures next to the CDR ones (the real samples in S.A.F.E. XML, OCPP,
    # OCPI, OICP), extracted and written back as XML.
    containers = os.path.join(os.path.dirname(os.path.abspath(cdr)), "containers") if cdr else ""
    if os.path.isdir(containers):
        os.makedirs(f"{outdir}/inputs/containers", exist_ok=True)
        for name in sorted(os.listdir(containers)):
            if not name.endswith((".json", ".xml")) or name == "manifest.json":
                continue
            shutil.copyfile(f"{containers}/{name}", f"{outdir}/inputs/containers/{name}")
            path = f"inputs/containers/{name}"
            for profile, lang in [("interop", "en"), ("strict", "de")]:
                add("extract", f"{path}@no registry/{profile}/{lang}", input=path, registry=None,
                    profile=profile, lang=lang)
            add("xml", path, input=path)
    if formats:
        cases += _format_cases(outdir, formats, ocmf_bin)
        cases += _format_session_cases(outdir, formats)

    for sa, name, size in CURVES:
        for p, payload in enumerate(SIGN_PAYLOADS):
            # A fixed secret below every curve's order (top byte < 0x80).
            digest = hashlib.sha512(f"conformance {name} {p}".encode()).digest()[:size]
            secret = bytes([digest[0] & 0x7F | 0x01]) + digest[1:]
            for alg in (sa, name):
                add("sign-verify", f"{name}/payload-{p}/{alg}", payload=payload, secret=secret.hex(),
                    algorithm=alg, profile="interop", lang="en")

    cases = with_backend_cases(cases)
    write_cases(outdir, cases)
    counts = Counter(c["entry"] for c in cases)
    print(f"{len(cases)} cases -> {outdir}/cases.jsonl: " + ", ".join(f"{e} {n}" for e, n in counts.items()))
    print("registry from the corpus: " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    return 0


def _on_alt(c: dict, **extra: object) -> dict:
    return {**c, "id": f"{c['id']}#backend={ALT_BACKEND}", "backend": ALT_BACKEND, "same_as": c["id"], **extra}


def with_backend_cases(cases: list[dict]) -> list[dict]:
    """The cases plus the verifying entry points once more on ALT_BACKEND, each
    naming (`same_as`) the default-backend case whose line it must repeat:
    verify and verify-registry (corpus, interop/en; the CSV registry with the
    carried key), one batch and one trusted batch call (threads 2), the
    sessions with a registry, the extractions with one (interop/en) and the
    other formats' cases in en."""
    extra: list[dict] = []
    for c in cases:
        e, reg = c["entry"], c.get("registry")
        if e == "verify" and (c["profile"], c["lang"]) == ("interop", "en") and "@" in c["id"]:
            extra.append(_on_alt(c))
        elif e == "verify-registry" and c["id"].endswith(f"@{REGISTRIES[0]}/carried/interop/en"):
            extra.append(_on_alt(c))
        elif e == "session" and reg:
            extra.append(_on_alt(c))
        elif e == "extract" and reg and (c["profile"], c["lang"]) == ("interop", "en"):
            extra.append(_on_alt(c))
        elif e in ("format", "format-session") and c["lang"] == "en":
            extra.append(_on_alt(c))
    # Whole batch calls (a call is one run of consecutive items).
    for call in ("batch-1", "batch-trusted-3"):
        extra += [_on_alt(c, call=f"{call}#backend={ALT_BACKEND}") for c in cases if c.get("call") == call]
    return cases + extra


def _hex(s: str | None) -> str:
    return "-" if s is None else s.encode("utf-8").hex()


def _file_hex(outdir: str, path: str | None) -> str:
    if path is None:
        return "-"
    with open(f"{outdir}/{path}", "rb") as f:
        return f.read().hex()


def write_cases(outdir: str, cases: list[dict]) -> None:
    """cases.jsonl for the emitters in Python and Node, cases.tsv for emit_c
    (one command line per case, hex fields; `R` lines define registries, `I`
    and `S` lines are the items of the batch or session line before them)."""
    with open(f"{outdir}/cases.jsonl", "w", encoding="utf-8") as j, open(f"{outdir}/cases.tsv", "w") as t:
        for reg in REGISTRIES + tuple({c["registry"] for c in cases if c.get("registry")} - set(REGISTRIES)):
            t.write(f"R\t{reg}\t{_file_hex(outdir, reg)}\n")
        prev_call = None
        for i, c in enumerate(cases):
            j.write(json.dumps(c, ensure_ascii=False) + "\n")
            e = c["entry"]
            profile = PROFILE_NUM[c.get("profile", "interop")] | BACKEND_FLAG[c.get("backend", "auto")]
            pl = [str(profile), str(LANG_NUM.get(c.get("lang", "en")))]
            if e == "verify":
                t.write("\t".join([e, _hex(c["ocmf"]), _hex(c["key"]), *pl]) + "\n")
            elif e == "verify-registry":
                t.write("\t".join([e, _hex(c["ocmf"]), _hex(c["key"]), c["registry"], *pl]) + "\n")
            elif e in ("batch", "batch-trusted"):
                if c["call"] != prev_call:
                    n = sum(1 for d in cases[i:] if d.get("call") == c["call"])
                    if c.get("shared_key"):
                        t.write("\t".join(["batch-key", str(n), str(c["threads"]), pl[0], _hex(c["key"])]) + "\n")
                    else:
                        t.write("\t".join([e, str(n), str(c["threads"]), pl[0], c.get("registry") or "-"]) + "\n")
                t.write(f"I\t{_hex(c['ocmf'])}\t{'-' if c.get('shared_key') else _hex(c['key'])}\n")
            elif e == "session":
                t.write("\t".join([e, str(len(c["records"])), _hex(c["key"]), c["registry"] or "-", *pl]) + "\n")
                for rec, key, label in c["records"]:
                    t.write(f"S\t{_hex(rec)}\t{_hex(key)}\t{_hex(label)}\n")
            elif e == "extract":
                t.write("\t".join([e, _file_hex(outdir, c["input"]), c["registry"] or "-", *pl]) + "\n")
            elif e == "xml":
                t.write(f"{e}\t{_file_hex(outdir, c['input'])}\n")
            elif e == "format":
                t.write("\t".join([e, _file_hex(outdir, c["input"]), _hex(c["key"]), c["registry"] or "-", *pl]) + "\n")
            elif e == "format-session":
                t.write("\t".join([e, str(len(c["inputs"])), _hex(c["key"]), c["registry"] or "-", *pl]) + "\n")
                for path in c["inputs"]:
                    t.write(f"V\t{_file_hex(outdir, path)}\n")
            elif e == "sign-verify":
                t.write("\t".join([e, _hex(c["payload"]), _hex(c["secret"]), _hex(c["algorithm"]), *pl]) + "\n")
            prev_call = c.get("call")
