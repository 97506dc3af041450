// Every record of vectors/real.jsonl gets the verdict of the corpus rule
// (ported from ocmf-core/tests/corpus.rs `expected`, see vectors/README.md),
// through the PACKED npm package imported as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verify, verifyJson, Key } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const vectors = readFileSync(join(REPO, 'vectors/real.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));

/** The one expected answer per record: vectors/expected.jsonl (scripts/expected-verdicts). */
const EXPECTED = new Map(
  readFileSync(join(REPO, 'vectors/expected.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)).map((e) => [e.id, e.expected_verdict]),
);

/** The verdict the corpus expects, or null for parse-only records. */
function expected(v) {
  if (!EXPECTED.has(v.id)) throw new Error(`${v.id}: not in vectors/expected.jsonl (stale?)`);
  return EXPECTED.get(v.id);
}

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
function camelize(v) {
  if (Array.isArray(v)) return v.map(camelize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), camelize(x)]));
  }
  return v;
}

test('corpus size', () => {
  assert.equal(vectors.length, 253);
});

test('every corpus record gets its expected verdict', () => {
  const failures = [];
  const perCurve = new Map();
  let parseOnly = 0;
  let agree = 0;
  for (const v of vectors) {
    const want = expected(v);
    if (want === null) {
      parseOnly += 1;
      const r = verify(v.ocmf);
      if (r.record === null) failures.push(`${v.id}: parse-only record did not parse: ${r.codeName}`);
      continue;
    }
    const r = verify(v.ocmf, { key: v.public_key ?? undefined });
    const curve = v.curve ?? v.sa ?? 'secp256r1(default)';
    const e = perCurve.get(curve) ?? [0, 0];
    e[1] += 1;
    if (r.verdict === want) { e[0] += 1; agree += 1; } else failures.push(`${v.id}: got ${r.verdict} (${r.codeName}), expected ${want}`);
    perCurve.set(curve, e);
  }
  for (const [c, [ok, n]] of [...perCurve].sort()) console.log(`# corpus ${c}: ${ok}/${n}`);
  console.log(`# corpus agreement: ${agree}/${vectors.length - parseOnly} (+${parseOnly} parse-only)`);
  assert.deepEqual(failures, [], `${failures.length} disagreements`);
});

test('verify object is the camelCase view of verifyJson for every record', () => {
  let n = 0;
  for (const v of vectors) {
    const opts = { key: v.public_key ?? undefined, lang: n % 2 ? 'de' : 'en' };
    assert.deepEqual(verify(v.ocmf, opts), camelize(JSON.parse(verifyJson(v.ocmf, opts))), v.id);
    n += 1;
  }
  assert.equal(n, vectors.length);
});

test('a Key decoded once gives the same verdicts as key text', () => {
  let compared = 0;
  for (const v of vectors) {
    if (typeof v.public_key !== 'string') continue;
    let key;
    try { key = new Key(v.public_key); } catch (e) {
      // An unreadable key: verify with the text must then not be valid.
      assert.equal(typeof e.code, 'number');
      assert.notEqual(verify(v.ocmf, { key: v.public_key }).verdict, 'valid', v.id);
      continue;
    }
    assert.equal(verify(v.ocmf, { key }).verdict, verify(v.ocmf, { key: v.public_key }).verdict, v.id);
    key.free();
    compared += 1;
  }
  assert.ok(compared > 100, `only ${compared} keys compared`);
});

test('bytes and string input agree on the corpus', () => {
  const enc = new TextEncoder();
  for (const v of vectors.slice(0, 60)) {
    const opts = { key: v.public_key ?? undefined };
    assert.equal(verifyJson(enc.encode(v.ocmf), opts), verifyJson(v.ocmf, opts), v.id);
  }
});

test('reference profile predicts the reference tool green tick on every record', () => {
  const safe = new Map(readFileSync(join(REPO, 'vectors/safe-reference.jsonl'), 'utf8')
    .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).map((s) => [s.id, s]));
  const failures = [];
  let agree = 0;
  for (const v of vectors) {
    const s = safe.get(v.id);
    assert.ok(s, `${v.id} missing from safe-reference.jsonl`);
    let key;
    if (typeof v.public_key === 'string') {
      try { key = new Key(v.public_key); } catch { key = undefined; }
    }
    const r = verify(v.ocmf, { key, profile: 'reference' });
    // The tool needs a key pasted in; a record-embedded key does not count.
    const ours = r.verdict === 'valid' && key !== undefined;
    if (ours === s.safe_gui_green) agree += 1;
    else failures.push(`${v.id}: reference tool green=${s.safe_gui_green}, ours=${r.verdict} ${r.codeName}`);
    key?.free();
  }
  console.log(`# reference profile agrees on ${agree}/${vectors.length}`);
  assert.deepEqual(failures, []);
});
