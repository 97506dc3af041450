#!/usr/bin/env node
// npm-package emitter: one line per case, in case order (see cases.py).
//
//   NODE_PATH=<project>/node_modules node emit_node.cjs OUTDIR/cases.jsonl > node.txt
//
// `require("ocmf")` must resolve to the package installed from the packed
// tarball. Calls (as the package README documents them):
//
//   verify           verifyJson(record, { key, profile, lang })
//   verify-registry  verifyJson(record, { key, registry: KeyRegistry.load(text), profile, lang })
//   batch            verifyMany([{ record, key }...], { profile, lang, json: true [, registry] })
//                      (a `shared_key` call: verifyMany(records, { key: new Key(text), ... })),
//   batch-trusted      one call per batch call: {"node": arrays at i, "json": json[i]}
//                      (WebAssembly has one thread: `threads` does not apply)
//   session          evaluateSessionJson([{ record, key, label }...], { key, registry, profile, lang })
//   extract          extract(bytes).sessionsJson({ registry, profile, lang })
//   xml              extract(bytes).toXml(), as a JSON string
//   sign-verify      sign(payload, secret, algorithm), then verifyJson(record, { key: publicKey })
//   format           verifyFormatJson(bytes, { key, registry, lang })
//   format-session   formatSessionJson([bytes, ...], { key, registry, profile, lang })
//
// A case with `backend` passes it in the options of every call above that verifies.
"use strict";
const fs = require("fs");
const path = require("path");
const ocmf = require("ocmf");

if (!require.resolve("ocmf").includes("node_modules")) {
  console.error(`ocmf is not an installed package: ${require.resolve("ocmf")}`);
  process.exit(2);
}

const casesPath = path.resolve(process.argv[2]);
const base = path.dirname(casesPath);
const registries = new Map();
function registry(name) {
  if (!name) return null;
  if (!registries.has(name)) registries.set(name, ocmf.KeyRegistry.load(fs.readFileSync(path.join(base, name), "utf8")));
  return registries.get(name);
}
const input = (name) => new Uint8Array(fs.readFileSync(path.join(base, name)));

function one(c) {
  switch (c.entry) {
    case "verify":
    case "verify-registry":
      return ocmf.verifyJson(c.ocmf, { key: c.key, profile: c.profile, lang: c.lang, registry: registry(c.registry), backend: c.backend });
    case "session": {
      const records = c.records.map(([record, key, label]) => ({ record, key, label }));
      return ocmf.evaluateSessionJson(records, { key: c.key, registry: registry(c.registry), profile: c.profile, lang: c.lang, backend: c.backend });
    }
    case "extract": {
      const ex = ocmf.extract(input(c.input));
      try {
        return ex.sessionsJson({ registry: registry(c.registry), profile: c.profile, lang: c.lang, backend: c.backend });
      } finally {
        ex.free();
      }
    }
    case "format":
      return ocmf.verifyFormatJson(input(c.input), { key: c.key, registry: registry(c.registry), lang: c.lang, backend: c.backend });
    case "format-session":
      return ocmf.formatSessionJson(c.inputs.map(input), { key: c.key, registry: registry(c.registry), profile: c.profile, lang: c.lang, backend: c.backend });
    case "xml": {
      const ex = ocmf.extract(input(c.input));
      try {
        return JSON.stringify(ex.toXml());
      } finally {
        ex.free();
      }
    }
    case "sign-verify": {
      let signed;
      try {
        signed = ocmf.sign(c.payload, c.secret, c.algorithm);
      } catch (e) {
        if (!ocmf.isOcmfError(e)) throw e;
        return JSON.stringify({ sign_error: e.code });
      }
      const report = ocmf.verifyJson(signed.record, { key: signed.publicKey, profile: c.profile, lang: c.lang });
      return JSON.stringify({ record: signed.record, public_key: signed.publicKey, report });
    }
    default:
      throw new Error(`unknown entry ${c.entry}`);
  }
}

function batch(items) {
  const c = items[0];
  const reg = registry(c.registry);
  const shared = c.shared_key ? new ocmf.Key(c.key) : null; // one decoded key for the call
  const records = shared ? items.map((i) => i.ocmf) : items.map((i) => ({ record: i.ocmf, key: i.key }));
  const res = ocmf.verifyMany(records, { key: shared, profile: c.profile, lang: c.lang, json: true, registry: reg, backend: c.backend });
  if (shared) shared.free();
  return items.map((_, i) => {
    const row = { verdict: res.verdicts[i], code: res.codes[i], signatureValid: res.signatureValid[i], algorithm: res.algorithms[i] };
    if (reg) {
      row.trust = res.trust[i];
      row.keyFingerprint = res.keyFingerprint[i];
    }
    return JSON.stringify({ node: row, json: res.json[i] });
  });
}

const cases = fs.readFileSync(casesPath, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
const out = [];
const flush = () => {
  if (out.length) fs.writeSync(1, out.join("\n") + "\n");
  out.length = 0;
};
for (let i = 0; i < cases.length; ) {
  const call = cases[i].call;
  if (call !== undefined) {
    let j = i;
    while (j < cases.length && cases[j].call === call) j++;
    out.push(...batch(cases.slice(i, j)));
    i = j;
  } else {
    out.push(one(cases[i]));
    i++;
  }
  if (out.length >= 1024) flush();
}
flush();
