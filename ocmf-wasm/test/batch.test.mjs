// verifyMany (the core's batch, ocmf_core::batch::check_all, and
// check_all_trusted with a registry) through the PACKED npm package: every
// answer must equal what verify/verifyJson give for the same record alone,
// on the corpus, on a one-key set large enough for the batch to build wide
// tables, on unreadable and over-long records, on a bad key text shared by
// many records, on mixed per-record keys, and with key registries (the
// examples/ocpp demo registry and log, and a registry made from the corpus
// that gives every trust status).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verify, verifyJson, verifyMany, sign, inspect, extract, Key, KeyRegistry, isOcmfError } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const vectors = readFileSync(join(REPO, 'vectors/real.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
const RECORD = readFileSync(join(REPO, 'examples/keba-p256.ocmf'), 'utf8').trim();
const KEY = readFileSync(join(REPO, 'examples/keba-p256.key'), 'utf8').trim();
const REGISTRY_CSV = readFileSync(join(REPO, 'examples/ocpp/registry.csv'), 'utf8');
const LOG = readFileSync(join(REPO, 'examples/ocpp/stations.log'), 'utf8');
const STATUSES = ['trusted', 'untrusted', 'mismatch', 'expired', 'unknown'];

function throwsOcmf(fn, code, field) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, 'expected a throw');
  assert.ok(isOcmfError(caught), `an OcmfError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field);
  return caught;
}

/**
 * Asserts that result entry i equals verify(record, opts_i) for every i.
 * `single[i]` is [record, options] for the one-record call; with a
 * `registry` in them the trust columns must match too, without one they
 * must be absent.
 */
function assertSameAsSingle(res, single, what) {
  assert.equal(res.length, single.length, what);
  assert.equal(res.verdicts.length, single.length, what);
  assert.ok(res.codes instanceof Uint16Array, 'codes is a Uint16Array');
  const trusted = single.length > 0 && single[0][1].registry != null;
  if (trusted) {
    assert.equal(res.trust.length, single.length, what);
    assert.equal(res.keyFingerprint.length, single.length, what);
  } else {
    assert.ok(!('trust' in res) && !('keyFingerprint' in res), `${what}: no trust columns without a registry`);
  }
  let valid = 0;
  single.forEach(([record, opts], i) => {
    const one = verify(record, opts);
    const got = [res.verdicts[i], res.codes[i], res.signatureValid[i], res.algorithms[i]];
    assert.deepEqual(got, [one.verdict, one.code, one.signatureValid, one.algorithm], `${what} #${i}`);
    assert.equal(opts.registry != null, trusted, 'one registry for the whole batch');
    if (trusted) {
      assert.ok(STATUSES.includes(res.trust[i]), `${what} #${i}: ${res.trust[i]}`);
      assert.deepEqual([res.trust[i], res.keyFingerprint[i]], [one.trust.status, one.keyFingerprint], `${what} #${i} trust`);
    }
    if (res.reports) assert.deepEqual(res.reports[i], one, `${what} #${i} report`);
    if (res.json) assert.equal(res.json[i], verifyJson(record, opts), `${what} #${i} json`);
    if (one.verdict === 'valid') valid += 1;
  });
  assert.equal(res.validCount, valid, `${what} validCount`);
}

test('every corpus record: verifyMany equals verify (per-record key texts, both languages)', () => {
  const items = vectors.map((v) => (typeof v.public_key === 'string' ? { record: v.ocmf, key: v.public_key } : v.ocmf));
  for (const lang of ['en', 'de']) {
    const res = verifyMany(items, { lang, reports: true, json: true });
    assertSameAsSingle(res, vectors.map((v) => [v.ocmf, { key: v.public_key ?? undefined, lang }]), `corpus ${lang}`);
  }
  // The corpus has valid, invalid-signature, malformed and unsupported records.
  const res = verifyMany(items);
  assert.deepEqual(new Set(res.verdicts), new Set(['valid', 'invalid-signature', 'malformed', 'unsupported']));
  assert.ok(res.validCount > 150, `only ${res.validCount} valid`);
  assert.equal(res.reports, undefined, 'no reports unless asked');
  assert.equal(res.json, undefined, 'no json unless asked');
});

test('every corpus record with a decoded Key per record, and under the strict profile', () => {
  const keys = new Map();
  const items = vectors.map((v) => {
    if (typeof v.public_key !== 'string') return { record: v.ocmf };
    let k;
    try { k = keys.get(v.public_key) ?? new Key(v.public_key); } catch { return { record: v.ocmf, key: v.public_key }; }
    keys.set(v.public_key, k);
    return { record: v.ocmf, key: k };
  });
  assert.ok(keys.size > 50, `only ${keys.size} keys`);
  const res = verifyMany(items, { profile: 'strict', json: true });
  assertSameAsSingle(res, items.map((it) => [it.record, { key: it.key, profile: 'strict' }]), 'corpus Key strict');
  for (const k of keys.values()) k.free();
});

// 48 P-256 records signed by one key (more than the 32 at which the batch
// builds wide tables); every fifth is tampered after signing.
const SECRET = '3a'.repeat(32);
function oneKeySet(n) {
  const records = [];
  const tampered = new Set();
  let publicKey;
  for (let i = 0; i < n; i += 1) {
    const payload = `{"FV":"1.0","GI":"T","GS":"G${i}","PG":"T${i}","MS":"M1","IS":false,"IT":"NONE","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":${i}.125,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}`;
    const s = sign(payload, SECRET, 'ECDSA-secp256r1-SHA256');
    publicKey = s.publicKey;
    if (i % 5 === 3) {
      const bad = s.record.replace(`"RV":${i}.125`, `"RV":${i}.126`);
      assert.notEqual(bad, s.record);
      records.push(bad);
      tampered.add(i);
    } else records.push(s.record);
  }
  return { records, tampered, publicKey };
}

test('48 records under one key (wide tables): key text, Key, precomputed Key, bytes', () => {
  const { records, tampered, publicKey } = oneKeySet(48);
  const enc = new TextEncoder();
  const check = (res, what) => {
    assertSameAsSingle(res, records.map((r) => [r, { key: publicKey }]), what);
    // Independent of verify: the tampered ones are exactly the invalid signatures.
    records.forEach((_, i) => {
      assert.equal(res.verdicts[i], tampered.has(i) ? 'invalid-signature' : 'valid', `${what} #${i}`);
      assert.equal(res.codes[i], tampered.has(i) ? 600 : 0, `${what} #${i}`);
      assert.equal(res.signatureValid[i], !tampered.has(i), `${what} #${i}`);
      assert.equal(res.algorithms[i], 'ECDSA-secp256r1-SHA256');
    });
    assert.equal(res.validCount, records.length - tampered.size, what);
  };
  check(verifyMany(records, { key: publicKey, json: true }), 'key text');
  const key = new Key(publicKey);
  check(verifyMany(records, { key, reports: true }), 'Key');
  // The Key keeps the tables the batch built: a second batch and single calls agree.
  check(verifyMany(records, { key }), 'Key again');
  key.free();
  const pre = new Key(publicKey);
  pre.precompute();
  pre.precompute();
  check(verifyMany(records.map((r, i) => (i % 2 ? enc.encode(r) : r)), { key: pre }), 'precomputed Key, bytes');
  records.forEach((r, i) => assert.equal(verify(r, { key: pre }).verdict, tampered.has(i) ? 'invalid-signature' : 'valid'));
  pre.free();
  // Below the wide-table threshold too.
  const few = records.slice(0, 5);
  assertSameAsSingle(verifyMany(few, { key: publicKey }), few.map((r) => [r, { key: publicKey }]), '5 records');
  // A wrong key for all of them: none valid.
  const other = sign('{"FV":"1.0","RD":[]}', '11'.repeat(32), 'secp256r1').publicKey;
  const wrong = verifyMany(records, { key: other });
  assert.equal(wrong.validCount, 0);
  assertSameAsSingle(wrong, records.map((r) => [r, { key: other }]), 'wrong key');
});

test('unreadable and over-long records are verdicts in place, like verify', () => {
  const items = [
    RECORD,
    new Uint8Array([0x4f, 0x43, 0x4d, 0x46, 0x7c, 0xff, 0xfe]),
    'OCMF|' + 'x'.repeat(10_000_000),
    new Uint8Array(5_000_000),
    'OCMF|' + 'é'.repeat(40_000), // over the limit in UTF-8, not in UTF-16 units
    '',
    'OCMF|{}|{}',
    new TextEncoder().encode(RECORD),
    RECORD.replace('"RV":0.2597', '"RV":0.2598'),
  ];
  const res = verifyMany(items, { key: KEY, reports: true, json: true });
  assertSameAsSingle(res, items.map((r) => [r, { key: KEY }]), 'unreadable');
  assert.deepEqual([...res.codes.slice(1, 5)].map((c, i) => [c, res.reports[i + 1].codeName]),
    [[102, 'not_utf8'], [101, 'too_large'], [101, 'too_large'], [101, 'too_large']].map(([c, n]) => [c, n]));
  assert.deepEqual(res.reports[1].span, [5, 5]);
  assert.deepEqual([res.verdicts[0], res.verdicts[7], res.verdicts[8]], ['valid', 'valid', 'invalid-signature']);
});

test('a bad key text shared by 40 records: the key error per record, the record error where it wins', () => {
  const { records } = oneKeySet(40);
  const items = [...records, 'OCMF|{}|{}', 'nope'];
  for (const text of ['zz', '04', 'AAAA', '', '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----']) {
    let keyCode;
    try { new Key(text); } catch (e) { keyCode = e.code; }
    assert.ok(keyCode >= 500 && keyCode < 600, `${text}: ${keyCode}`);
    const res = verifyMany(items, { key: text, json: true });
    assertSameAsSingle(res, items.map((r) => [r, { key: text }]), `bad key ${JSON.stringify(text)}`);
    assert.equal(res.validCount, 0);
    for (let i = 0; i < records.length; i += 1) assert.equal(res.codes[i], keyCode, `${text} #${i}`);
    assert.equal(res.verdicts[records.length], 'malformed');
    // The same bad key given per record.
    const per = verifyMany(items.map((record) => ({ record, key: text })));
    assert.deepEqual([...per.codes], [...res.codes]);
  }
});

test('mixed per-record keys: texts, Keys, the call key, embedded and none, 7 curves', () => {
  const curves = ['secp192k1', 'secp192r1', 'secp256r1', 'secp256k1', 'secp384r1', 'brainpoolP256r1', 'brainpoolP384r1'];
  const bytes = { secp192k1: 24, secp192r1: 24, secp256r1: 32, secp256k1: 32, secp384r1: 48, brainpoolP256r1: 32, brainpoolP384r1: 48 };
  const signed = curves.map((c, j) => sign(`{"FV":"1.0","GS":"${c}","RD":[{"TM":"2024-01-01T00:00:00,000+0000 S","TX":"B","RV":${j}.5,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}`, '2b'.repeat(bytes[c]), c));
  const keys = signed.map((s) => new Key(s.publicKey));
  const items = [];
  const single = [];
  for (let round = 0; round < 6; round += 1) {
    signed.forEach((s, j) => {
      const rec = round % 3 === 2 ? s.record.replace(`"RV":${j}.5`, `"RV":${j}.6`) : s.record;
      const mode = (round + j) % 5;
      if (mode === 0) { items.push({ record: rec, key: s.publicKey }); single.push([rec, { key: s.publicKey, lang: 'de' }]); }
      if (mode === 1) { items.push({ record: rec, key: keys[j] }); single.push([rec, { key: keys[j], lang: 'de' }]); }
      // No key of its own: the call's key (secp256r1's), right for one curve only.
      if (mode === 2) { items.push(rec); single.push([rec, { key: signed[2].publicKey, lang: 'de' }]); }
      if (mode === 3) { items.push({ record: rec, key: null }); single.push([rec, { key: signed[2].publicKey, lang: 'de' }]); }
      // Another curve's key.
      if (mode === 4) { items.push({ record: rec, key: keys[(j + 1) % 7] }); single.push([rec, { key: keys[(j + 1) % 7], lang: 'de' }]); }
    });
  }
  const res = verifyMany(items, { key: signed[2].publicKey, lang: 'de', reports: true, json: true });
  assertSameAsSingle(res, single, 'mixed');
  assert.ok(res.validCount > 5 && res.validCount < items.length, `${res.validCount}`);
  // Without a call key: records keep their own, the rest are key_missing.
  const res2 = verifyMany(items);
  assertSameAsSingle(res2, items.map((it) => (typeof it === 'string' ? [it, {}] : [it.record, { key: it.key ?? undefined }])), 'mixed, no call key');
  assert.ok(res2.codes.includes(500), 'key_missing where no key');
  for (const k of keys) k.free();
});

test('an empty batch', () => {
  const res = verifyMany([], { key: KEY, reports: true, json: true });
  assert.equal(res.length, 0);
  assert.equal(res.validCount, 0);
  assert.equal(res.codes.length, 0);
  assert.deepEqual(res.reports, []);
  assert.deepEqual(res.json, []);
});

test('bad arguments throw OcmfError 702/701, never a trap', () => {
  for (const bad of [undefined, null, 42, 'OCMF|{}|{}', {}, new Uint8Array(3)]) throwsOcmf(() => verifyMany(bad), 702, 'records');
  for (const item of [42, null, true, {}, { record: 5 }, { key: KEY }, [RECORD], { record: RECORD, key: 42 }]) {
    throwsOcmf(() => verifyMany([RECORD, item]), 702, 'records');
  }
  const k = new Key(KEY);
  k.free();
  throwsOcmf(() => verifyMany([{ record: RECORD, key: k }]), 702, 'records');
  throwsOcmf(() => verifyMany([RECORD], { key: k }), 702, 'key');
  throwsOcmf(() => verifyMany([RECORD], 'options'), 702, 'options');
  throwsOcmf(() => verifyMany([RECORD], { key: 42 }), 702, 'key');
  throwsOcmf(() => verifyMany([RECORD], { reports: 'yes' }), 702, 'reports');
  throwsOcmf(() => verifyMany([RECORD], { json: 1 }), 702, 'json');
  for (const registry of ['examples/ocpp/registry.csv', 1, true, { registryId: 987654 }, {}, new Key(KEY)]) {
    throwsOcmf(() => verifyMany([RECORD], { registry }), 702, 'registry');
  }
  throwsOcmf(() => verifyMany([RECORD], { profile: 'lenient' }), 701, 'profile');
  throwsOcmf(() => verifyMany([RECORD], { lang: 'fr' }), 701, 'lang');
  // The module still works after all of that.
  assert.equal(verifyMany([RECORD], { key: KEY }).verdicts[0], 'valid');
});

// ---------------------------------------------------------------- with a key registry

// START verify-many-registry
test('demo registry + OCPP log: each row equals verify(record, { key, registry })', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const values = extract(LOG).values;
  // Each value with the key its OCPP message carried (compared with the registered one).
  const items = values.map((v) => ({ record: v.record, key: v.publicKey }));
  const res = verifyMany(items, { registry });
  assert.deepEqual(res.trust, ['trusted', 'trusted', 'trusted', 'trusted', 'untrusted', 'untrusted', 'mismatch', 'mismatch', 'trusted']);
  // The registered key wins: trusted and mismatch rows name a registry entry's key.
  const registered = registry.entries.map((e) => e.fingerprint);
  res.trust.forEach((t, i) => {
    if (t === 'trusted' || t === 'mismatch') assert.ok(registered.includes(res.keyFingerprint[i]), `#${i}`);
    else assert.equal(res.keyFingerprint[i], new Key(values[i].publicKey).fingerprint, `#${i}`);
  });
  registry.free();
});
// END verify-many-registry

test('demo registry: reports, JSON, both languages, Keys and the call key equal verify', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const values = extract(LOG).values;
  assert.equal(values.length, 9);
  for (const lang of ['en', 'de']) {
    const res = verifyMany(values.map((v) => ({ record: v.record, key: v.publicKey })), { registry, lang, reports: true, json: true });
    assertSameAsSingle(res, values.map((v) => [v.record, { key: v.publicKey ?? undefined, registry, lang }]), `demo ${lang}`);
    assert.equal(res.reports[0].trust.status, 'trusted');
    assert.equal(typeof res.reports[0].recordTimeMs, 'number');
  }
  // Decoded Keys per record; then no carried key at all.
  const keys = values.map((v) => (v.publicKey ? new Key(v.publicKey) : null));
  const byKey = verifyMany(values.map((v, i) => ({ record: v.record, key: keys[i] })), { registry, reports: true });
  assertSameAsSingle(byKey, values.map((v, i) => [v.record, { key: keys[i] ?? undefined, registry }]), 'demo Keys');
  const bare = verifyMany(values.map((v) => v.record), { registry, json: true });
  assertSameAsSingle(bare, values.map((v) => [v.record, { registry }]), 'demo no key');
  // One call key for every record (DEMO-0001's): it is that meter's registered key only.
  const first = new Key(registry.entries[0].publicKey);
  const call = verifyMany(values.map((v) => v.record), { key: first, registry, json: true });
  assertSameAsSingle(call, values.map((v) => [v.record, { key: first, registry }]), 'demo call key');
  assert.deepEqual(call.trust, ['trusted', 'trusted', 'mismatch', 'mismatch', 'untrusted', 'untrusted', 'mismatch', 'mismatch', 'mismatch']);
  first.free();
  for (const k of keys) k?.free();
  registry.free();
});

/**
 * A JSON registry made from the corpus, so that the real records meet every
 * trust decision: per keyed record in turn its own key, another key, its own
 * key with a window that ended in 2000, or no entry.
 */
function corpusRegistry() {
  const other = sign('{"FV":"1.0","RD":[]}', '5c'.repeat(32), 'secp256r1').publicKey;
  const keys = [];
  let n = 0;
  for (const v of vectors) {
    if (typeof v.public_key !== 'string') continue;
    let payload; let key;
    try { payload = inspect(v.ocmf); key = new Key(v.public_key); } catch { continue; }
    const serial = payload.meterSerial ? { meter_serial: payload.meterSerial } : payload.gatewaySerial ? { gateway_serial: payload.gatewaySerial } : null;
    if (!serial) { key.free(); continue; }
    const own = key.sec1Hex;
    key.free();
    switch (n++ % 4) {
      case 0: keys.push({ ...serial, public_key: own, source: 'own key' }); break;
      case 1: keys.push({ ...serial, public_key: other, source: 'other key' }); break;
      case 2: keys.push({ ...serial, public_key: own, valid_until: '2000-12-31', source: 'expired' }); break;
      default: break;
    }
  }
  assert.ok(keys.length > 100, `only ${keys.length} entries`);
  return KeyRegistry.fromJson(JSON.stringify({ format: 'ocmf-key-registry', version: 1, keys }));
}

test('every corpus record against a corpus registry: all five trust statuses, rows equal verify', () => {
  const registry = corpusRegistry();
  const items = vectors.map((v) => (typeof v.public_key === 'string' ? { record: v.ocmf, key: v.public_key } : v.ocmf));
  for (const lang of ['en', 'de']) {
    const res = verifyMany(items, { registry, lang, reports: true, json: true });
    assertSameAsSingle(res, vectors.map((v) => [v.ocmf, { key: v.public_key ?? undefined, registry, lang }]), `corpus registry ${lang}`);
  }
  const res = verifyMany(items, { registry });
  assert.deepEqual(new Set(res.trust), new Set(STATUSES));
  // A fingerprint exactly where a key was used; unknown rows have none.
  res.trust.forEach((t, i) => assert.equal(res.keyFingerprint[i] === null, t === 'unknown', `#${i} ${t}`));
  // Under the strict profile, with decoded Keys where they decode.
  const keys = new Map();
  const keyed = vectors.map((v) => {
    if (typeof v.public_key !== 'string') return { record: v.ocmf };
    try {
      const k = keys.get(v.public_key) ?? new Key(v.public_key);
      keys.set(v.public_key, k);
      return { record: v.ocmf, key: k };
    } catch { return { record: v.ocmf, key: v.public_key }; }
  });
  const strict = verifyMany(keyed, { registry, profile: 'strict', json: true });
  assertSameAsSingle(strict, keyed.map((it) => [it.record, { key: it.key, registry, profile: 'strict' }]), 'corpus registry Keys strict');
  for (const k of keys.values()) k.free();
  registry.free();
});

test('48 records of one registered meter (wide tables): trusted, or mismatch under a wrong carried key', () => {
  const { records, tampered, publicKey } = oneKeySet(48);
  const fingerprint = new Key(publicKey).fingerprint;
  const registry = KeyRegistry.load(`meter_serial,public_key,source\nM1,${publicKey},test\n`);
  const other = sign('{"FV":"1.0","RD":[]}', '11'.repeat(32), 'secp256r1').publicKey;
  const enc = new TextEncoder();
  for (const [key, status] of [[undefined, 'trusted'], [publicKey, 'trusted'], [new Key(publicKey), 'trusted'], [other, 'mismatch'], [new Key(other), 'mismatch']]) {
    const res = verifyMany(records.map((r, i) => (i % 3 ? r : enc.encode(r))), { key, registry, reports: true });
    assertSameAsSingle(res, records.map((r) => [r, { key, registry }]), `one meter, ${status}`);
    // Independent of verify: the registered key verified every record.
    records.forEach((_, i) => {
      assert.equal(res.verdicts[i], tampered.has(i) ? 'invalid-signature' : 'valid', `${status} #${i}`);
      assert.equal(res.trust[i], status);
      assert.equal(res.keyFingerprint[i], fingerprint);
    });
    if (typeof key === 'object') key.free();
  }
  registry.free();
});

test('unreadable, over-long and blank-key records with a registry are rows like verify gives', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const items = [
    RECORD,
    new Uint8Array([0x4f, 0x43, 0x4d, 0x46, 0x7c, 0xff, 0xfe]),
    'OCMF|' + 'x'.repeat(10_000_000),
    new Uint8Array(5_000_000),
    'OCMF|' + 'é'.repeat(40_000),
    '',
    'OCMF|{}|{}',
    new TextEncoder().encode(RECORD),
  ];
  const key = new Key(KEY);
  for (const k of [KEY, key, '', '   ', 'zz', undefined]) {
    const res = verifyMany(items, { key: k, registry, reports: true, json: true });
    assertSameAsSingle(res, items.map((r) => [r, { key: k, registry }]), `unreadable, key ${typeof k === 'string' ? JSON.stringify(k) : typeof k}`);
    assert.deepEqual(res.trust.slice(1, 6), Array(5).fill('unknown'));
    // The carried key when it can be read, also for records that cannot be.
    const carried = k === KEY || k === key ? key.fingerprint : null;
    for (let i = 1; i < 7; i += 1) assert.equal(res.reports[i].carriedKeyFingerprint, carried, `#${i}`);
  }
  // Per-record keys, including blank texts (no key, as verify reads them).
  const per = items.map((record, i) => ({ record, key: [KEY, key, '', ' ', null][i % 5] }));
  const res = verifyMany(per, { registry, reports: true, json: true });
  assertSameAsSingle(res, per.map((it) => [it.record, { key: it.key ?? undefined, registry }]), 'unreadable per record');
  key.free();
  registry.free();
});

test('a freed or foreign registry throws the OcmfError verify throws', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ok = verifyMany([{ record: RECORD, key: KEY }], { registry });
  assert.deepEqual([ok.verdicts[0], ok.trust[0]], ['valid', 'untrusted']);
  registry.free();
  const single = throwsOcmf(() => verify(RECORD, { registry }), 702, 'registry');
  for (const records of [[RECORD], [], [{ record: RECORD, key: KEY }]]) {
    const many = throwsOcmf(() => verifyMany(records, { registry, reports: true }), 702, 'registry');
    assert.deepEqual([many.name, many.codeName, many.message], [single.name, single.codeName, single.message]);
  }
  // null / undefined registry: no trust step, the plain result.
  for (const r of [null, undefined]) {
    const res = verifyMany([RECORD], { key: KEY, registry: r });
    assert.ok(!('trust' in res) && !('keyFingerprint' in res));
    assert.equal(res.verdicts[0], 'valid');
  }
});
