// Verify throughput per curve in Node (not part of the tests).
//   node ocmf-wasm/bench/bench.mjs [--one-key] [path/to/ocmf-wasm/pkg] [dir with node_modules/@road-labs]
// `--one-key` runs only the one-key table: the largest group of valid P-256
// corpus records under one key, `verify` record by record vs `verifyMany`
// (n/a for a package without it, e.g. an older build to compare with).
// Compares with @road-labs/ocmf + @road-labs/ocmf-crypto-noble on the same
// records (those whose key is an SPKI key both libraries read and which both
// call valid) when that package is installed in the given directory.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const REPO = resolve(new URL('../..', import.meta.url).pathname);
const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const ONE_KEY_ONLY = process.argv.includes('--one-key');
const PKG = resolve(ARGS[0] ?? join(REPO, 'ocmf-wasm/pkg'));
const RL = ARGS[1];
const require = createRequire(import.meta.url);
const ocmf = require(join(PKG, 'ocmf.js'));

const vectors = readFileSync(join(REPO, 'vectors/real.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const MIN_MS = Number(process.env.OCMF_BENCH_MS ?? 400); // per measurement

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

// One key, many records: the largest group of valid P-256 corpus records
// whose key text is the same (a meter's records).
{
  const groups = new Map();
  for (const { v } of byCurve.get('ECDSA-secp256r1-SHA256') ?? []) {
    const g = groups.get(v.public_key) ?? [];
    g.push(v.ocmf);
    groups.set(v.public_key, g);
  }
  const [keyText, records] = [...groups].sort((a, b) => b[1].length - a[1].length)[0];
  const n = records.length;
  const batchRate = (fn) => rate(() => { if (fn().validCount !== n) throw new Error('verifyMany: not all valid'); }, [0]) * n;
  const fresh = new ocmf.Key(keyText);
  const single = rate((r) => { if (ocmf.verify(r, { key: fresh }).verdict !== 'valid') throw new Error('verify'); }, records);
  fresh.free();
  let pre = 'n/a';
  let manyText = 'n/a';
  let manyKey = 'n/a';
  if (typeof ocmf.verifyMany === 'function') {
    // Key text: decoded and its wide tables built in every call.
    manyText = batchRate(() => ocmf.verifyMany(records, { key: keyText })).toFixed(0);
    // A Key: the first call builds its wide tables, later calls reuse them.
    const key = new ocmf.Key(keyText);
    manyKey = batchRate(() => ocmf.verifyMany(records, { key })).toFixed(0);
    key.free();
    const k2 = new ocmf.Key(keyText);
    k2.precompute();
    pre = rate((r) => { if (ocmf.verify(r, { key: k2 }).verdict !== 'valid') throw new Error('verify'); }, records).toFixed(0);
    k2.free();
  }
  console.log(`one key, ${n} P-256 corpus records (records/s, Node ${process.version}, ocmf ${ocmf.version()} at ${PKG}):`);
  console.log('verify+Key  verify+precomputed Key  verifyMany(key text)  verifyMany(Key)');
  console.log(`${single.toFixed(0).padStart(10)}  ${pre.padStart(22)}  ${manyText.padStart(20)}  ${manyKey.padStart(15)}`);
}
if (ONE_KEY_ONLY) process.exit(0);

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
