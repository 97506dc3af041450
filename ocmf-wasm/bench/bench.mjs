// Verify throughput per curve in Node (not part of the tests).
//   node ocmf-wasm/bench/bench.mjs [path/to/ocmf-wasm/pkg] [dir with node_modules/@road-labs]
// Compares with @road-labs/ocmf + @road-labs/ocmf-crypto-noble on the same
// records (those whose key is an SPKI key both libraries read and which both
// call valid) when that package is installed in the given directory.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const REPO = resolve(new URL('../..', import.meta.url).pathname);
const PKG = resolve(process.argv[2] ?? join(REPO, 'ocmf-wasm/pkg'));
const RL = process.argv[3];
const require = createRequire(import.meta.url);
const ocmf = require(join(PKG, 'ocmf.js'));

const vectors = readFileSync(join(REPO, 'vectors/real.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const MIN_MS = 400;

function rate(fn, items) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MIN_MS) { for (const it of items) fn(it); n += items.length; t = performance.now(); }
  return (n * 1000) / (t - t0);
}
async function rateAsync(fn, items) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MIN_MS) { for (const it of items) await fn(it); n += items.length; t = performance.now(); }
  return (n * 1000) / (t - t0);
}

// Valid records with a key, grouped by algorithm.
const byCurve = new Map();
for (const v of vectors) {
  if (typeof v.public_key !== 'string') continue;
  const r = ocmf.verify(v.ocmf, { key: v.public_key });
  if (r.verdict !== 'valid') continue;
  const list = byCurve.get(r.algorithm) ?? [];
  list.push({ v, key: new ocmf.Key(v.public_key) });
  byCurve.set(r.algorithm, list);
}

let rl = null;
if (RL) {
  const req = createRequire(join(resolve(RL), 'package.json'));
  const { Verifier } = req('@road-labs/ocmf');
  const { Crypto } = req('@road-labs/ocmf-crypto-noble');
  const crypto = new Crypto();
  rl = { verifier: new Verifier(crypto), crypto };
}
const hexToBytes = (h) => Uint8Array.from(h.match(/../g).map((b) => parseInt(b, 16)));

console.log(`ocmf ${ocmf.version()} (wasm) vs @road-labs/ocmf 0.0.9 + noble, Node ${process.version}`);
console.log('algorithm                      records  wasm text-key/s  wasm Key/s  road-labs/s  (road-labs records)');
for (const [alg, list] of [...byCurve].sort()) {
  const textRate = rate(({ v }) => { if (ocmf.verify(v.ocmf, { key: v.public_key }).verdict !== 'valid') throw new Error(v.id); }, list);
  const keyRate = rate(({ v, key }) => { if (ocmf.verify(v.ocmf, { key }).verdict !== 'valid') throw new Error(v.id); }, list);
  let rlCell = 'n/a';
  let rlCount = 0;
  if (rl) {
    const ok = [];
    for (const { v } of list) {
      const h = v.public_key.replace(/\s/g, '');
      if (!/^30[0-9a-fA-F]+$/.test(h)) continue;
      try {
        const pk = await rl.crypto.decodeEcPublicKey(hexToBytes(h), 'spki-der');
        const res = await rl.verifier.parseAndVerify(v.ocmf, pk);
        if (res.verified) ok.push({ v, pk });
      } catch { /* record or key road-labs cannot read */ }
    }
    rlCount = ok.length;
    if (ok.length) {
      const r1 = await rateAsync(async ({ v, pk }) => { if (!(await rl.verifier.parseAndVerify(v.ocmf, pk)).verified) throw new Error(v.id); }, ok);
      const w1 = rate(({ v }) => ocmf.verify(v.ocmf, { key: v.public_key }), ok);
      rlCell = `${r1.toFixed(0)} (wasm same set ${w1.toFixed(0)})`;
    }
  }
  console.log(`${alg.padEnd(30)} ${String(list.length).padStart(7)}  ${textRate.toFixed(0).padStart(15)}  ${keyRate.toFixed(0).padStart(10)}  ${rlCell}  (${rlCount})`);
  for (const { key } of list) key.free();
}
