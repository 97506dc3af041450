// OCPI and OICP charge detail records through the PACKED npm package, on the
// core's fixtures (ocmf-core/tests/data/cdr): the CDR's EVSE id, token,
// billed energy and plain data reach JS in camelCase, sessions carry
// `billed`, and each fixture shows what it was made to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyRegistry, extract, toXml, isOcmfError } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const CDR = join(REPO, 'ocmf-core/tests/data/cdr');
const FIXTURES = readdirSync(CDR).filter((f) => /\.jsonl?$/.test(f)).sort();
const read = (name) => readFileSync(join(CDR, name));
const REGISTRY_CSV = readFileSync(join(CDR, 'registry.csv'), 'utf8');

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
function camelize(v) {
  if (Array.isArray(v)) return v.map(camelize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), camelize(x)]));
  }
  return v;
}
const names = (report) => report.findings.map((f) => f.name);

test('the CDR fixtures are there', () => {
  assert.ok(FIXTURES.length >= 19, FIXTURES.join(' '));
});

for (const name of FIXTURES) {
  test(`${name}: values, groups and sessions are the core's JSON in camelCase`, () => {
    const ex = extract(read(name));
    const doc = JSON.parse(ex.sessionsJson());
    assert.equal(ex.format, name.startsWith('ocpi') ? 'ocpi-cdr' : 'oicp-cdr');
    assert.deepEqual(ex.values, camelize(doc.extraction.values));
    assert.deepEqual(ex.errors, camelize(doc.extraction.errors));
    assert.deepEqual(ex.groups, camelize(doc.extraction.groups));
    for (const v of ex.values) {
      assert.ok(v.transport.startsWith(name.split('_')[0] + '-'), v.transport);
      for (const k of ['evseId', 'token', 'billedKwh', 'plainData']) assert.ok(k in v, `${k} missing`);
    }
    const sessions = ex.sessions();
    assert.equal(sessions.length, doc.sessions.length);
    sessions.forEach((s, i) => {
      assert.equal(s.json, JSON.stringify(doc.sessions[i]));
      assert.equal(s.evseId, doc.sessions[i].evse_id);
      assert.equal(s.token, doc.sessions[i].token);
      const b = s.report.billed;
      assert.ok(b, 'every CDR session has a billed energy');
      assert.deepEqual(b, camelize(doc.sessions[i].report.billed));
      assert.equal(typeof b.billedKwh, 'string', 'exact decimal text');
      if (b.signedKwh !== null) assert.equal(b.signedKwh, s.report.energy.kwh);
    });
  });
}

test('an OCPI page: the CDR in another encoding is error 807, the others are sessions', () => {
  const ex = extract(read('ocpi_cdrs_page.json'));
  assert.deepEqual(ex.errors.map((e) => [e.code, e.name]), [[807, 'unsupported_encoding']]);
  assert.equal(typeof ex.errors[0].line, 'number');
  const sessions = ex.sessions();
  assert.equal(sessions.length, 2);
  assert.equal(new Set(sessions.map((s) => s.evseId)).size, 2);
  for (const s of sessions) {
    assert.ok(s.token);
    assert.equal(s.report.billed.agrees, true);
  }
});

test('an OICP CDR: one session with its EVSE id, token and billed energy', () => {
  const ex = extract(read('oicp_cdr_base64.json'));
  assert.equal(ex.errors.length, 0);
  assert.deepEqual([...new Set(ex.values.map((v) => v.transport))], ['oicp-base64']);
  const [s] = ex.sessions();
  assert.ok(s.evseId && s.token);
  assert.equal(s.report.billed.agrees, true);
  assert.ok(!names(s.report).includes('billed_energy_mismatch'));
});

for (const name of ['ocpi_cdr_billed_mismatch.json', 'oicp_cdr_billed_mismatch.json']) {
  test(`${name}: billed is not signed (billed_energy_mismatch, an error)`, () => {
    const [s] = extract(read(name)).sessions();
    const b = s.report.billed;
    assert.equal(b.agrees, false);
    assert.notEqual(b.billedKwh, b.signedKwh);
    const f = s.report.findings.filter((x) => x.name === 'billed_energy_mismatch');
    assert.equal(f.length, 1);
    assert.equal(f[0].code, 1190);
    assert.equal(f[0].severity, 'error');
    assert.equal(s.report.verdict, 'invalid');
  });
}

test('plain_data that differs from the signed payload is a warning (1191)', () => {
  const ex = extract(read('ocpi_cdr_plain_mismatch.json'));
  assert.ok(ex.values.some((v) => v.plainData));
  const f = ex.sessions()[0].report.findings.filter((x) => x.name === 'plain_data_mismatch');
  assert.ok(f.length > 0);
  for (const x of f) assert.deepEqual([x.code, x.severity], [1191, 'warning']);
});

for (const name of ['ocpi_cdrs.jsonl', 'oicp_notifications.jsonl']) {
  test(`${name}: the malformed line is 805 with its line, the others are read`, () => {
    const ex = extract(read(name));
    assert.deepEqual(ex.errors.map((e) => e.code), [805]);
    const line = read(name).toString('utf8').split('\n')[ex.errors[0].line - 1];
    assert.throws(() => JSON.parse(line));
    assert.ok(ex.values.length > 0 && ex.sessions().length > 0);
  });
}

test('with the registry the CDR key is trusted', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ex = extract(read('ocpi_cdr_base64.json'));
  const [without] = ex.sessions();
  const [trusted] = ex.sessions({ registry });
  assert.notEqual(without.report.trust, 'trusted');
  assert.equal(trusted.report.trust, 'trusted');
  assert.equal(ex.sessionsJson({ registry, profile: 'strict', lang: 'de' }),
    JSON.stringify({ extraction: JSON.parse(ex.json), sessions: ex.sessions({ registry, profile: 'strict', lang: 'de' }).map((s) => JSON.parse(s.json)) }));
  registry.free();
});

test('toXml takes CDR values as extract gives them and refuses a billedKwh that is no decimal', () => {
  const ex = extract(read('ocpi_cdrs_page.json'));
  assert.equal(toXml(ex.values), ex.toXml());
  const back = extract(toXml(ex.values));
  assert.equal(back.format, 'tps-xml');
  assert.deepEqual(back.values.map((v) => v.record), ex.values.map((v) => v.record));
  let caught;
  try { toXml([{ ...ex.values[0], billedKwh: 'lots' }]); } catch (e) { caught = e; }
  assert.ok(caught && isOcmfError(caught));
  assert.equal(caught.code, 702);
});
