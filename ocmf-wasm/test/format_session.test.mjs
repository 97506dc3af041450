// Sessions in the other formats (issue 19) through the PACKED npm package:
// `formatSession` / `formatSessionJson` on the shared samples that are the
// start and end of one charging session (ocmf-core/tests/data/formats/
// samples.jsonl), as the core's tests/format_session.rs checks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSession, formatSessionJson, isOcmfError } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const BY_ID = new Map(readFileSync(join(REPO, 'ocmf-core/tests/data/formats/samples.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)).map((s) => [s.id, s]));

function session(ids, options = {}) {
  const values = ids.map((id) => BY_ID.get(id).signed_value);
  const key = BY_ID.get(ids[0])?.public_key ?? undefined;
  return { values, options: { key, ...options } };
}

test('real start and stop values are valid sessions with their exact energy', () => {
  const cases = [
    [['alfen-011', 'alfen-012'], 'ALFEN', '2100.000'],
    [['edl40-025', 'edl40-026'], 'EDL40', '0.0019'],
    [['isa_edl40-030', 'isa_edl40-029'], 'ISA_EDL40', '22.3294'],
    [['edl_mennekes-045'], 'EDL_MENNEKES', '0.1419'],
    [['pcdf-054'], 'PCDF', '3.276'],
    [['emh_chargeit-062', 'emh_chargeit-063'], 'EMH_CHARGEIT', '0.6484'],
    [['bsm_ws36a-066', 'bsm_ws36a-067'], 'BSM_WS36A', '0.020'],
  ];
  for (const [ids, format, kwh] of cases) {
    const { values, options } = session(ids);
    const s = formatSession(values, options);
    assert.equal(s.verdict, 'valid', `${ids}: ${s.json}`);
    assert.equal(s.format, format);
    assert.equal(s.energy.kwh, kwh);
    assert.equal(s.values.length, ids.length);
    // The object is the canonical JSON; the text is the core's, byte for byte.
    const text = formatSessionJson(values, options);
    assert.equal(s.json, text);
    assert.equal(JSON.parse(text).energy.kwh, kwh);
    // Bytes give the same answer as text.
    const bytes = values.map((v) => new TextEncoder().encode(v));
    assert.equal(formatSessionJson(bytes, options), text);
  }
});

test('swapped, two meters, a changed value, unreadable, empty', () => {
  let s = formatSession(session(['alfen-012', 'alfen-011']).values);
  assert.equal(s.verdict, 'invalid');
  const names = s.findings.map((f) => f.name);
  assert.ok(names.includes('session_end_before_begin'), names.join());
  s = formatSession(session(['bsm_ws36a-066', 'bsm_ws36a-069']).values);
  assert.ok(s.findings.some((f) => f.name === 'session_meter_changed'));
  s = formatSession(session(['edl_mennekes-048']).values);
  assert.equal(s.verdict, 'invalid');
  assert.equal(s.codeName, 'invalid_signature');
  s = formatSession([BY_ID.get('alfen-011').signed_value, 'not a value']);
  assert.equal(s.verdict, 'malformed');
  assert.equal(s.codeName, 'format_unrecognised');
  s = formatSession([]);
  assert.equal(s.codeName, 'session_empty');
  assert.equal(formatSession(session(['pcdf-054']).values, { lang: 'de' }).explanation.includes('Ladevorgang'), true);
});

test('bad arguments throw OcmfError', () => {
  for (const bad of ['AP;0;3', [42], null]) {
    let caught;
    try { formatSession(bad); } catch (e) { caught = e; }
    assert.ok(caught && isOcmfError(caught), `${bad}: ${caught}`);
  }
});
