// Peer benchmark, Node paths: our npm package (WASM) and @road-labs/ocmf with
// its noble backend, on the same records.
//
//   node bench_node.mjs ours|road-labs-noble RECORDS.jsonl MODULES_DIR
//
// MODULES_DIR is a folder whose node_modules holds the package(s). Input:
// JSON lines {"curve", "ocmf", "key"} (SPKI DER hex). The key of a curve is
// decoded once; the first 5 records of a curve run once untimed first. Prints one JSON line per curve: {"curve","n","ok","seconds"}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const [impl, file, dir] = process.argv.slice(2);
const req = createRequire(join(resolve(dir), 'package.json'));
const byCurve = new Map();
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line) continue;
  const r = JSON.parse(line);
  if (!byCurve.has(r.curve)) byCurve.set(r.curve, { key: r.key, records: [] });
  byCurve.get(r.curve).records.push(r.ocmf);
}
const hexToBytes = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));

let run;
if (impl === 'ours') {
  const ocmf = req('ocmf');
  run = async (keyText, records) => {
    const key = new ocmf.Key(keyText);
    let ok = 0;
    for (const rec of records) if (ocmf.verify(rec, { key }).verdict === 'valid') ok++;
    key.free?.();
    return ok;
  };
} else if (impl === 'road-labs-noble') {
  const { Verifier } = req('@road-labs/ocmf');
  const { Crypto } = req('@road-labs/ocmf-crypto-noble');
  const crypto = new Crypto();
  const verifier = new Verifier(crypto);
  run = async (keyText, records) => {
    let key;
    try {
      key = await crypto.decodeEcPublicKey(hexToBytes(keyText), 'spki-der');
    } catch {
      return 0; // curve not supported by this backend
    }
    let ok = 0;
    for (const rec of records) {
      try {
        if ((await verifier.parseAndVerify(rec, key)).verified) ok++;
      } catch {
        // a record it cannot read counts as not verified
      }
    }
    return ok;
  };
} else {
  console.error(`unknown implementation ${impl}`);
  process.exit(2);
}

for (const [curve, { key, records }] of byCurve) {
  await run(key, records.slice(0, 5)); // warm-up (JIT, lazy init): not timed
  const t0 = performance.now();
  const ok = await run(key, records);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ curve, n: records.length, ok, seconds }));
}
