// The other formats (issue 19) inside the containers through the PACKED npm
// package, on the core's fixtures (ocmf-core/tests/data/containers, written
// by its generate.py from the shared samples): each value's `format`, each
// session's format checks (`formats`), and `toXml` writing them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract, toXml, verifyFormat } from 'ocmf';

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
