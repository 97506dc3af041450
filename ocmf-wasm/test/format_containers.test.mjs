// The other formats (issue 19) inside the containers through the PACKED npm
// package, on the core's fixtures (ocmf-core/tests/data/containers, written
// by its generate.py from the shared samples): each value's `format`, each
// session's format checks (`formats`), and `toXml` writing them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract, formatSession, toXml, verifyFormat } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const DIR = join(REPO, 'ocmf-core/tests/data/containers');
const MANIFEST = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8'));
const SAMPLES = Object.fromEntries(
  readFileSync(join(REPO, 'ocmf-core/tests/data/formats/samples.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l))
    .map((s) => [s.id, s]),
);

for (const [name, ids] of Object.entries(MANIFEST)) {
  test(`${name}: each value has its sample's format and check`, () => {
    const ex = extract(readFileSync(join(DIR, name)));
    assert.deepEqual(ex.errors, []);
    assert.deepEqual(ex.values.map((v) => v.format), ids.map((i) => SAMPLES[i].format));
    const checks = new Map(ex.sessions().flatMap((s) => s.formats.map((f) => [f.value, f.check])));
    assert.equal(checks.size, ids.length);
    ids.forEach((id, i) => {
      const s = SAMPLES[id];
      const direct = verifyFormat(s.signed_value, s.public_key ? { key: s.public_key } : undefined);
      assert.equal(checks.get(i).verdict, direct.verdict, id);
      assert.equal(checks.get(i).code, direct.code, id);
    });
  });

  test(`${name}: toXml round-trips the format values`, () => {
    const ex = extract(readFileSync(join(DIR, name)));
    const back = extract(toXml(ex.values));
    assert.deepEqual(back.errors, []);
    const f = (v) => [v.record, v.format, v.publicKey, v.context, v.transactionId];
    assert.deepEqual(back.values.map(f), ex.values.map(f));
  });
}

for (const [name, ids, kwh] of [
  ['ocpi_alfen.json', ['alfen-011', 'alfen-012'], '2100.000'],
  ['ocpi_edl40.json', ['edl40-025', 'edl40-026'], '0.0019'],
  ['oicp_sig_only.json', ['sml_signature_only-037', 'sml_signature_only-038'], '1.0451'],
]) {
  test(`${name}: the group's format values are one format session`, () => {
    const ex = extract(readFileSync(join(DIR, name)));
    const [g, ...rest] = ex.sessions();
    assert.equal(rest.length, 0);
    assert.equal(g.verdict, 'valid');
    assert.equal(g.report.verdict, 'malformed', 'no OCMF values: the OCMF session is empty');
    const fs = g.formatSession;
    assert.equal(fs.verdict, 'valid');
    assert.equal(fs.energy.kwh, kwh);
    const direct = formatSession(
      ids.map((i) => SAMPLES[i].signed_value),
      SAMPLES[ids[0]].public_key ? { key: SAMPLES[ids[0]].public_key } : undefined,
    );
    assert.deepEqual([direct.verdict, direct.energy.kwh, direct.meterSerial], [fs.verdict, fs.energy.kwh, fs.meterSerial]);
    assert.deepEqual(JSON.parse(fs.json), JSON.parse(g.json).format_session);
  });
}

test('an OCMF group has no format session; a tampered value fails the group', () => {
  const [g] = extract(readFileSync(join(DIR, '../cdr/ocpi_cdr_base64.json'))).sessions();
  assert.equal(g.formatSession, null);
  assert.equal(g.verdict, g.report.verdict);
  const text = readFileSync(join(DIR, 'ocpi_alfen.json'), 'utf8');
  const line = extract(text).values[0].record;
  const fields = line.split(';');
  const d = fields[4];
  fields[4] = d.slice(0, 10) + (d[10] === 'A' ? 'B' : 'A') + d.slice(11);
  const b64 = (s) => Buffer.from(s).toString('base64');
  assert.ok(text.includes(b64(line)));
  const [t] = extract(text.replace(b64(line), b64(fields.join(';')))).sessions();
  assert.equal(t.verdict, 'invalid');
  assert.equal(t.formatSession.code, 600);
});
