#!/usr/bin/env python3
"""Cross-binding conformance runner: every entry point, every binding.

    run.py cases OUTDIR CORPUS.jsonl GENERATED.jsonl --ocmf OCMF_BIN [--stations LOG --registry CSV] [--cdr DIR]
            [--formats SAMPLES.jsonl]
        Writes OUTDIR/cases.jsonl (one case per line, each with an `entry`),
        OUTDIR/cases.tsv (the same for the C emitter, hex fields) and the
        inputs the cases name under OUTDIR/inputs/ (registries, session
        files, the corpus as one text file; with --cdr, the CDR fixtures
        `DIR/*.json*` and `DIR/registry.csv`; with --formats, the signed
        values in the other formats and their registries). See cases.py for what each
        entry point gets. OCMF_BIN reads the session files once (`ocmf
        convert --to json`), so that the bindings that take records get
        the records, carried keys and labels the CLI's `session` reads.

    run.py compare OUTDIR NAME=OUTPUT [NAME=OUTPUT ...]
        Compares the emitters' outputs, one line per case. The canonical
        JSON texts (verify, verify-registry, session, extract, format,
        format-session) byte for byte; XML and signed records as the JSON strings they are emitted
        as; batch rows projected to one compact form (see project.py) for
        all bindings, and their full JSON reports byte for byte among the
        bindings whose batch API gives them (the projection is below, here
        only; emitters print what their binding returns). Prints per entry point and per
        binding how many cases were compared and fails on any difference,
        showing the first few with the byte offset. A line `SKIPPED-BY-CLI`
        (a record the CLI cannot be given verbatim) is counted and left out;
        every case must be answered by at least two bindings.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict

from cases import make_cases

SKIPPED = "SKIPPED-BY-CLI"
SHOW = 5
# How each entry point's line is compared.
RAW = {"verify", "verify-registry", "session", "extract", "format", "format-session"}  # the canonical JSON text itself
WRAPPED = {"xml", "sign-verify"}  # a JSON value (string / object of strings)
BATCH = {"batch", "batch-trusted"}

# ---------------------------------------------------------------- batch projection
# A batch line is a JSON object holding what the binding's batch call gave
# for that item, in the binding's own form (emitters do not convert):
#   "json":     the full canonical report text (CLI, npm `json: true`)
#   "c":        ocmf_batch_result as numbers, plus "trust" (ocmf_trust) for
#               ocmf_verify_batch_trusted
#   "python":   the BatchRow / TrustedBatchRow fields of verify_many
#   "node":     the verifyMany arrays at the item's index
# Each form is projected to the compact fields below (a form that lacks a
# field leaves it out); the fields are compared across bindings wherever
# two or more give them, and the forms one binding gives must agree too.
BATCH_FORMS = ("json", "c", "python", "node")
BATCH_FIELDS = ("code", "verdict", "signature_valid", "curve", "key_source", "findings", "trust", "key_fingerprint")
VERDICTS = ["valid", "invalid-signature", "malformed", "unsupported"]  # ocmf_verdict
SIGNATURE = [None, True, False]  # ocmf_signature
CURVES = [None, "secp192k1", "secp192r1", "secp256r1", "secp256k1", "secp384r1",
          "brainpoolP256r1", "brainpoolP384r1"]  # ocmf_curve
KEY_SOURCES = [None, "caller", "record"]  # ocmf_key_source
TRUSTS = ["trusted", "untrusted", "mismatch", "expired", "unknown"]  # ocmf_trust


# The `algorithm` the reports and rows give (the core's `Algorithm::sa`) -> ocmf_curve's name.
SA_CURVE = {"ECDSA-brainpool256r1-SHA256": "brainpoolP256r1", "ECDSA-brainpool384r1-SHA256": "brainpoolP384r1"}


def curve_of(sa: str | None) -> str | None:
    """The curve named by an `SA` value, ECDSA-<curve>-SHA256."""
    if sa is None:
        return None
    if sa in SA_CURVE:
        return SA_CURVE[sa]
    parts = sa.split("-")
    return parts[1] if len(parts) == 3 else sa


def _enum(table: list, n: object) -> object:
    return table[n] if isinstance(n, int) and 0 <= n < len(table) else f"out of range: {n!r}"


def project_form(form: str, v: dict | str) -> dict:
    if form == "json":
        r = json.loads(v)
        p = {"code": r["code"], "verdict": r["verdict"], "signature_valid": r["signature_valid"],
             "curve": curve_of(r["algorithm"]), "key_source": r["key_source"], "findings": len(r["findings"])}
        if "trust" in r:
            p["trust"] = r["trust"]["status"]
            p["key_fingerprint"] = r["key_fingerprint"]
        return p
    if form == "c":
        p = {"code": v["code"], "verdict": _enum(VERDICTS, v["verdict"]),
             "signature_valid": _enum(SIGNATURE, v["signature"]), "curve": _enum(CURVES, v["curve"]),
             "key_source": _enum(KEY_SOURCES, v["key_source"]), "findings": v["findings"]}
        if "trust" in v:
            p["trust"] = _enum(TRUSTS, v["trust"])
        return p
    if form == "python":
        p = {"code": v["code"], "verdict": v["verdict"], "signature_valid": v["signature_valid"],
             "curve": curve_of(v["algorithm"])}
        for k in ("trust", "key_fingerprint"):
            if k in v:
                p[k] = v[k]
        return p
    if form == "node":
        p = {"code": v["code"], "verdict": v["verdict"], "signature_valid": v["signatureValid"],
             "curve": curve_of(v["algorithm"])}
        if "trust" in v:
            p["trust"] = v["trust"]
            p["key_fingerprint"] = v["keyFingerprint"]
        return p
    raise ValueError(f"unknown batch form {form!r}")


def project_batch_line(line: str) -> tuple[dict, str | None, str | None]:
    """(compact fields, full report text or None, disagreement between the line's own forms or None)."""
    forms = json.loads(line)
    merged: dict = {}
    inner = None
    for form, v in forms.items():
        for k, x in project_form(form, v).items():
            if k in merged and merged[k] != x and inner is None:
                inner = f"{k}: {merged[k]!r} vs {x!r} ({form})"
            merged.setdefault(k, x)
    return merged, forms.get("json"), inner


def read_lines(path: str) -> list[str]:
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    return [line.decode("utf-8", errors="replace") for line in data.split(b"\n")[:-1]]


def first_difference(texts: list[str]) -> int:
    return next((k for k, chars in enumerate(zip(*texts)) if len(set(chars)) > 1), min(map(len, texts)))


def check_shape(entry: str, line: str) -> str | None:
    """Why a line is not an answer of its entry point (None when it is)."""
    try:
        j = json.loads(line)
    except ValueError:
        return "not JSON"
    if entry in RAW and not (isinstance(j, dict) and "verdict" in j or entry == "extract" and "sessions" in j):
        return "not a JSON report"
    if entry in BATCH and not (isinstance(j, dict) and j and set(j) <= set(BATCH_FORMS)):
        return "not a batch row"
    return None


def comparable(entry: str, line: str) -> str:
    """The text compared across bindings for one line."""
    if entry in RAW:
        return line
    return json.dumps(json.loads(line), ensure_ascii=False, sort_keys=True)


def answer(entry: str, line: str) -> str:
    """A short name of what one line says (for the summary of what the cases cover)."""
    if line == SKIPPED or check_shape(entry, line):
        return "?"
    if entry in BATCH:
        p = project_batch_line(line)[0]
        return "/".join(str(p[k]) for k in ("verdict", "trust") if k in p)
    j = json.loads(line)
    if entry == "extract":
        return "+".join(s["report"]["verdict"] for s in j["sessions"]) or "no session"
    if entry == "sign-verify":
        return json.loads(j["report"])["verdict"] if "report" in j else "sign error"
    if entry == "xml":
        return "xml"
    if entry == "format-session":
        return f"{j['format']} {j['verdict']}" + (f"/{j['trust']}" if j.get("trust") else "")
    if entry == "format":
        t = j.get("trust")
        trust = f"/{t['status'] if isinstance(t, dict) else t}" if t else ""
        return f"{j['format']} {j['verdict']}{trust}"
    trust = j.get("trust")
    return j["verdict"] + (f"/{trust['status'] if isinstance(trust, dict) else trust}" if "trust" in j else "")


def compare(outdir: str, specs: list[str]) -> int:
    with open(f"{outdir}/cases.jsonl", encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    outputs: dict[str, list[str]] = {}
    for spec in specs:
        name, _, path = spec.partition("=")
        outputs[name] = read_lines(path)
    names = list(outputs)
    ok = True
    for name, lines in outputs.items():
        if len(lines) != len(cases):
            print(f"FAILED: {name} printed {len(lines)} lines for {len(cases)} cases")
            ok = False
    if not ok:
        return 1
    entries = list(dict.fromkeys(c["entry"] for c in cases))
    compared: dict[str, Counter[str]] = defaultdict(Counter)  # entry -> binding -> cases
    full_json: dict[str, Counter[str]] = defaultdict(Counter)  # batch: full reports compared
    skipped: dict[str, Counter[str]] = defaultdict(Counter)
    diffs: list[tuple[int, str, dict[str, str]]] = []
    # A case on another backend (`same_as`) must repeat, in every binding,
    # the default-backend case's line byte for byte.
    index = {c["id"]: i for i, c in enumerate(cases)}
    same: dict[str, Counter[str]] = defaultdict(Counter)  # backend -> binding -> cases
    for i, case in enumerate(cases):
        if "same_as" not in case:
            continue
        j = index.get(case["same_as"])
        if j is None:
            diffs.append((i, f"no case {case['same_as']!r} to repeat", {}))
            continue
        for n in names:
            if SKIPPED in (outputs[n][i], outputs[n][j]):
                continue
            same[case["backend"]][n] += 1
            if outputs[n][i] != outputs[n][j]:
                diffs.append((i, f"{n}: differs from the default backend's case {j + 1}",
                              {f"{n} {case['backend']}": outputs[n][i], f"{n} default": outputs[n][j]}))
    for i, case in enumerate(cases):
        entry = case["entry"]
        present = {n: outputs[n][i] for n in names if outputs[n][i] != SKIPPED}
        for n in names:
            if n not in present:
                skipped[entry][n] += 1
        bad = {n: why for n, l in present.items() if (why := check_shape(entry, l))}
        if bad:
            diffs.append((i, "not an answer: " + ", ".join(f"{n} {w}" for n, w in bad.items()), present))
            continue
        if entry in BATCH:
            projected = {n: project_batch_line(l) for n, l in present.items()}
            for n, (_, _, inner) in projected.items():
                if inner:
                    diffs.append((i, f"{n}'s own forms disagree: {inner}", {n: present[n]}))
            for field in BATCH_FIELDS:
                vals = {n: p[0][field] for n, p in projected.items() if field in p[0]}
                if len(set(map(json.dumps, vals.values()))) > 1:
                    diffs.append((i, f"projected field {field}", {n: json.dumps(v) for n, v in vals.items()}))
            fulls = {n: p[1] for n, p in projected.items() if p[1] is not None}
            if len(set(fulls.values())) > 1:
                diffs.append((i, "full JSON report", fulls))
            for n in projected:
                compared[entry][n] += 1
            for n in fulls:
                full_json[entry][n] += 1
            continue
        texts = {n: comparable(entry, l) for n, l in present.items()}
        for n in texts:
            compared[entry][n] += 1
        if len(set(texts.values())) > 1:
            diffs.append((i, "output", texts))
    print(f"{len(cases)} cases; per entry point and binding, cases compared:")
    width = max(map(len, entries))
    print(f"  {'entry point':<{width}}  " + "  ".join(f"{n:>8}" for n in names))
    for e in entries:
        print(f"  {e:<{width}}  " + "  ".join(f"{compared[e][n]:>8}" for n in names))
        if e in BATCH:
            print(f"  {'  full JSON':<{width}}  " + "  ".join(f"{full_json[e][n]:>8}" for n in names))
        for n in names:
            if skipped[e][n]:
                print(f"    {n}: {skipped[e][n]} {e} records it cannot be given verbatim (skipped)")
    print(f"  answers (of {names[0]}, or the next binding where it skipped):")
    for e in entries:
        seen = Counter(answer(e, next((outputs[n][i] for n in names if outputs[n][i] != SKIPPED), SKIPPED))
                       for i, c in enumerate(cases) if c["entry"] == e)
        print(f"    {e}: " + ", ".join(f"{a} {n}" for a, n in seen.most_common()))
    print(f"  batch rows compared on: {', '.join(BATCH_FIELDS)} (each field among the bindings that give it)")
    for b, per in same.items():
        print(f"  on backend {b}, identical to the default backend's line: "
              + ", ".join(f"{n} {per[n]}" for n in names))
    alone = [i for i in range(len(cases)) if sum(outputs[n][i] != SKIPPED for n in names) < 2]
    if len(names) > 1 and alone:
        print(f"FAILED: {len(alone)} cases that fewer than two bindings answered, e.g. {cases[alone[0]]['id']}")
        return 1
    if diffs:
        print(f"FAILED: {len(diffs)} differences; first {min(SHOW, len(diffs))}:")
        for i, what, texts in diffs[:SHOW]:
            case = cases[i]
            print(f"--- case {i + 1}: {case['id']} ({case['entry']}): {what}")
            groups: dict[str, list[str]] = {}
            for n, t in texts.items():
                groups.setdefault(t, []).append(n)
            at = first_difference(list(groups)) if len(groups) > 1 else 0
            print(f"    first difference at byte {at}:")
            for t, ns in groups.items():
                print(f"    {'+'.join(ns)}: ...{t[max(0, at - 80) : at + 160]}")
        return 1
    print(f"conformance: {', '.join(names)} agree on all {len(cases)} cases of {len(entries)} entry points, 0 differences")
    return 0


def main() -> int:
    args = sys.argv[1:]
    if len(args) >= 4 and args[0] == "cases":
        opts = {}
        pos = []
        it = iter(args[1:])
        for a in it:
            if a.startswith("--"):
                opts[a[2:]] = next(it)
            else:
                pos.append(a)
        if len(pos) != 3 or "ocmf" not in opts:
            print(__doc__, file=sys.stderr)
            return 2
        return make_cases(pos[0], pos[1], pos[2], opts["ocmf"], opts.get("stations"), opts.get("registry"),
                          opts.get("cdr"), opts.get("formats"))
    if len(args) >= 3 and args[0] == "compare":
        return compare(args[1], args[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
