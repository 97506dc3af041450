// `backend` in the options, through the PACKED npm package imported as a user
// would: the reference backend (RustCrypto's own ECDSA) answers the corpus,
// batches and sessions as the default does, and an unknown name throws
// OcmfError 702 on every entry point (never a silent `auto`). Also
// `Extraction.byteOrderMark`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  verify, verifyJson, verifyMany, evaluateSession, evaluateSessionJson, extract, KeyRegistry, Key, isOcmfError,
} from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const vectors = readFileSync(join(REPO, 'vectors/real.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const LOG = readFileSync(join(REPO, 'examples/ocpp/stations.log'), 'utf8');
const REGISTRY_CSV = readFileSync(join(REPO, 'examples/ocpp/registry.csv'), 'utf8');
const BACKENDS = ['auto', 'pure-rust', 'native', 'reference'];

test('every backend answers the corpus as the default does', () => {
  const verdicts = new Set();
  for (const v of vectors) {
    const key = v.public_key || undefined;
    const want = verifyJson(v.ocmf, { key });
    verdicts.add(JSON.parse(want).verdict);
    for (const backend of BACKENDS) {
      assert.equal(verifyJson(v.ocmf, { key, backend }), want, `${v.id} ${backend}`);
    }
    assert.deepEqual(
      JSON.parse(JSON.stringify(verify(v.ocmf, { key, backend: 'reference' }))),
      JSON.parse(JSON.stringify(verify(v.ocmf, { key }))),
      v.id,
    );
    let decoded = null;
    try { decoded = key ? new Key(key) : null; } catch { decoded = null; }
    if (decoded) {
      assert.equal(verifyJson(v.ocmf, { key: decoded, backend: 'reference' }), verifyJson(v.ocmf, { key: decoded }), v.id);
      decoded.free();
    }
  }
  // Not a comparison of identical answers: the corpus has all four verdicts.
  assert.deepEqual([...verdicts].sort(), ['invalid-signature', 'malformed', 'unsupported', 'valid']);
});

test('a batch on the reference backend is the default batch', () => {
  const items = vectors.map((v) => ({ record: v.ocmf, key: v.public_key || null }));
  const want = verifyMany(items, { json: true });
  const got = verifyMany(items, { json: true, backend: 'reference' });
  assert.deepEqual(got.json, want.json);
  assert.deepEqual(got.verdicts, want.verdicts);
  assert.deepEqual([...got.codes], [...want.codes]);
  assert.ok(want.validCount > 0 && want.validCount < items.length);
});

test('sessions and trusted checks on the reference backend are the default ones', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ex = extract(LOG);
  for (const reg of [registry, null]) {
    assert.equal(ex.sessionsJson({ registry: reg, backend: 'reference' }), ex.sessionsJson({ registry: reg }));
    assert.deepEqual(
      JSON.parse(JSON.stringify(ex.sessions({ registry: reg, backend: 'reference' }))),
      JSON.parse(JSON.stringify(ex.sessions({ registry: reg }))),
    );
  }
  const recs = ex.values.slice(0, 3).map((v) => ({ record: v.record, key: v.publicKey }));
  assert.equal(
    evaluateSessionJson(recs, { registry, backend: 'reference' }),
    evaluateSessionJson(recs, { registry }),
  );
  const records = ex.values.map((v) => v.record);
  const trusted = verifyMany(records, { registry, json: true });
  assert.deepEqual(verifyMany(records, { registry, json: true, backend: 'reference' }).json, trusted.json);
  assert.ok(trusted.trust.includes('trusted'));
  registry.free();
  ex.free();
});

function throws702(fn, what) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught && isOcmfError(caught), `${what}: an OcmfError, got ${caught}`);
  assert.equal(caught.code, 702, `${what}: ${caught.message}`);
  return caught;
}

test('an unknown backend name throws OcmfError 702 on every entry point', () => {
  const ex = extract(LOG);
  const calls = {
    verify: (backend) => verify('OCMF|{}|{}', { backend }),
    verifyJson: (backend) => verifyJson('OCMF|{}|{}', { backend }),
    verifyMany: (backend) => verifyMany([], { backend }),
    evaluateSession: (backend) => evaluateSession(['OCMF|{}|{}'], { backend }),
    evaluateSessionJson: (backend) => evaluateSessionJson(['OCMF|{}|{}'], { backend }),
    sessions: (backend) => ex.sessions({ backend }),
    sessionsJson: (backend) => ex.sessionsJson({ backend }),
  };
  for (const [name, call] of Object.entries(calls)) {
    for (const bad of ['constant-time', 'Reference', '', 'pure_rust']) {
      const e = throws702(() => call(bad), `${name}(${JSON.stringify(bad)})`);
      assert.match(e.message, /backend/, name);
    }
    throws702(() => call(3), `${name}(3)`);
  }
  ex.free();
});

test('Extraction.byteOrderMark says whether the input started with a BOM', () => {
  const plain = readFileSync(join(REPO, 'ocmf-core/tests/data/ocpp/16_meter_values_plain.json'), 'utf8');
  assert.ok(!plain.startsWith('\ufeff'));
  const without = extract(plain);
  const withBom = extract('\ufeff' + plain);
  assert.equal(without.byteOrderMark, false);
  assert.equal(withBom.byteOrderMark, true);
  assert.equal(extract(new TextEncoder().encode('\ufeff' + plain)).byteOrderMark, true);
  assert.ok(without.values.length > 0);
  assert.deepEqual(withBom.values.map((v) => v.record), without.values.map((v) => v.record));
  assert.equal(JSON.parse(withBom.json).byte_order_mark, true);
});
