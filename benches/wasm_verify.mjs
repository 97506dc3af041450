// WASM (the npm package, in Node) verify throughput per curve, for
// benches/src/bin/compare.rs, on the records it writes.
//
//     node benches/wasm_verify.mjs PKG_DIR RECORDS.jsonl MIN_MS
//
// PKG_DIR is the nodejs package scripts/ci/wasm builds (ocmf-wasm/pkg).
// RECORDS.jsonl has one line per record with `curve`, `record` (the OCMF
// text) and `key_text`. Two modes per curve, each at least MIN_MS:
//   cached: verify(record, { key }) with a Key decoded once per distinct key;
//   batch:  verifyMany([{ record, key: keyText }, ...]) over the curve's set
//           (keys decoded once per call, busy keys get wide tables).
// Prints {"<curve>/cached": records_per_second, "<curve>/batch": ...}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [pkgDir, path, minMsArg] = process.argv.slice(2);
const minMs = Number(minMsArg ?? 300);
const ocmf = createRequire(import.meta.url)(join(resolve(pkgDir), 'ocmf.js'));

const byCurve = new Map();
for (const line of readFileSync(path, 'utf8').split('\n')) {
  if (!line) continue;
  const r = JSON.parse(line);
  if (!byCurve.has(r.curve)) byCurve.set(r.curve, []);
  byCurve.get(r.curve).push(r);
}

function rate(pass, n) {
  let done = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    pass();
    done += n;
    t = performance.now();
  }
  return (done * 1000) / (t - t0);
}

const out = {};
for (const [curve, recs] of byCurve) {
  const keys = new Map();
  const items = recs.map((r) => {
    if (!keys.has(r.key_text)) keys.set(r.key_text, new ocmf.Key(r.key_text));
    return { record: r.record, key: keys.get(r.key_text), keyText: r.key_text };
  });
  // Warm-up pass: every record must be valid (same records as the others).
  for (const it of items) {
    const v = ocmf.verify(it.record, { key: it.key }).verdict;
    if (v !== 'valid') throw new Error(`${curve}: ${v}`);
  }
  out[`${curve}/cached`] = rate(() => {
    for (const it of items) {
      if (ocmf.verify(it.record, { key: it.key }).verdict !== 'valid') throw new Error('verify');
    }
  }, items.length);
  if (typeof ocmf.verifyMany === 'function') {
    const batch = items.map((it) => ({ record: it.record, key: it.keyText }));
    const check = () => {
      const res = ocmf.verifyMany(batch);
      if (res.validCount !== batch.length) throw new Error(`${curve}: verifyMany ${res.validCount}`);
    };
    check();
    out[`${curve}/batch`] = rate(check, batch.length);
  }
}
console.log(JSON.stringify(out));
