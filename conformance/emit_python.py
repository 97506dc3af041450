#!/usr/bin/env python3
"""Python-wheel emitter: one line per case, in case order (see cases.py).

    emit_python.py OUTDIR/cases.jsonl > python.txt

| entry | call of the installed wheel | line |
|---|---|---|
| verify | `ocmf.verify(record, key, profile, lang).to_json()` | the report |
| verify-registry | `ocmf.verify(record, key, profile, lang, registry=Registry.load(text)).to_json()` | the report |
| batch | `ocmf.verify_many(records, keys=keys, profile=P, threads=N, as_="list")`, one call per batch call (`key=ocmf.Key(text)` for a `shared_key` call) | `{"python": row fields}` |
| batch-trusted | the same with `registry=` | `{"python": row fields}` |
| session | `ocmf.evaluate_session([(record, key, label)...], key=K, registry=R, profile=P, lang=L).to_json()` | the session report |
| extract | `ocmf.extract(bytes).sessions_json(registry=R, profile=P, lang=L)` | extraction + sessions |
| xml | `ocmf.extract(bytes).to_xml()` | the XML as a JSON string |
| sign-verify | `ocmf.sign(payload, secret, algorithm)`, then `ocmf.verify(record, public_key, ...)` | `{"record", "public_key", "report"}` |
| format | `ocmf.verify_format(bytes, key, registry=R, lang=L).to_json()` | the format's JSON answer |
| format-session | `ocmf.format_session([bytes, ...], key, registry=R, profile=P, lang=L).to_json()` | the format session's JSON answer |

A case with `backend` passes it as `backend=` to every call above that verifies.
"""

from __future__ import annotations

import json
import os
import sys
from itertools import groupby
from typing import Any, Iterator

import ocmf

ROW_FIELDS = ("verdict", "code", "signature_valid", "algorithm", "trust", "key_fingerprint")


class Emitter:
    def __init__(self, base: str) -> None:
        self.base = base
        self.registries: dict[str, ocmf.Registry] = {}

    def registry(self, name: Any) -> Any:
        if not name:
            return None
        if name not in self.registries:
            with open(os.path.join(self.base, name), encoding="utf-8") as f:
                self.registries[name] = ocmf.Registry.load(f.read())
        return self.registries[name]

    def read(self, name: str) -> bytes:
        with open(os.path.join(self.base, name), "rb") as f:
            return f.read()

    def one(self, c: dict) -> str:
        e = c["entry"]
        if e in ("verify", "verify-registry"):
            return ocmf.verify(c["ocmf"], c["key"], c["profile"], c["lang"], registry=self.registry(c.get("registry")),
                               backend=c.get("backend", "auto")).to_json()
        if e == "session":
            records = [tuple(r) for r in c["records"]]
            return ocmf.evaluate_session(records, key=c["key"], registry=self.registry(c["registry"]),
                                         profile=c["profile"], lang=c["lang"], backend=c.get("backend", "auto")).to_json()
        if e == "extract":
            ex = ocmf.extract(self.read(c["input"]))
            return ex.sessions_json(registry=self.registry(c["registry"]), profile=c["profile"], lang=c["lang"],
                                    backend=c.get("backend", "auto"))
        if e == "format":
            return ocmf.verify_format(self.read(c["input"]), c["key"], registry=self.registry(c["registry"]),
                                      lang=c["lang"], backend=c.get("backend", "auto")).to_json()
        if e == "format-session":
            values = [self.read(p) for p in c["inputs"]]
            return ocmf.format_session(values, c["key"], registry=self.registry(c["registry"]), profile=c["profile"],
                                       lang=c["lang"], backend=c.get("backend", "auto")).to_json()
        if e == "xml":
            return json.dumps(ocmf.extract(self.read(c["input"])).to_xml(), ensure_ascii=False)
        if e == "sign-verify":
            try:
                signed = ocmf.sign(c["payload"], c["secret"], c["algorithm"])
            except ocmf.OcmfError as err:
                return json.dumps({"sign_error": err.code})
            report = ocmf.verify(signed.record, signed.public_key, c["profile"], c["lang"]).to_json()
            return json.dumps({"record": signed.record, "public_key": signed.public_key, "report": report},
                              ensure_ascii=False)
        raise ValueError(f"unknown entry {e!r}")

    def batch(self, items: list[dict]) -> Iterator[str]:
        c = items[0]
        records = [i["ocmf"] for i in items]
        backend = c.get("backend", "auto")
        if c.get("shared_key"):  # one decoded key for the call
            rows = ocmf.verify_many(records, key=ocmf.Key(c["key"]), profile=c["profile"], threads=c["threads"],
                                    as_="list", backend=backend)
        else:
            rows = ocmf.verify_many(records, keys=[i["key"] for i in items], profile=c["profile"],
                                    threads=c["threads"], as_="list", registry=self.registry(c.get("registry")),
                                    backend=backend)
        for row in rows:
            yield json.dumps({"python": {f: getattr(row, f) for f in ROW_FIELDS if hasattr(row, f)}})


def main() -> int:
    if "site-packages" not in (ocmf.__file__ or ""):
        print(f"ocmf is not the installed wheel: {ocmf.__file__}", file=sys.stderr)
        return 2
    path = os.path.abspath(sys.argv[1])
    with open(path, encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    em = Emitter(os.path.dirname(path))
    out = sys.stdout
    for call, group in groupby(cases, key=lambda c: c.get("call")):
        if call is not None:
            for line in em.batch(list(group)):
                out.write(line + "\n")
            continue
        for c in group:
            out.write(em.one(c) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
