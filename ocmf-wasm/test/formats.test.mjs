// The other signed meter value formats (issue 19: Alfen, EDL40, ISA-EDL40,
// SML signature-only, Mennekes, PCDF, EMH chargeIT, BAUER BSM-WS36A,
// ChargePoint) through
// the PACKED npm package: `verifyFormat` / `verifyFormatJson` on the shared
// samples (ocmf-core/tests/data/formats/samples.jsonl), as the core's
// tests/formats.rs and tests/format_check.rs check them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chargePointValue, verifyFormat, verifyFormatJson, FormatResult, KeyRegistry, Key, isOcmfError } from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const SAMPLES = readFileSync(join(REPO, 'ocmf-core/tests/data/formats/samples.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l))
  // ChargePoint is two files (`secrrct` and its detached signature): the
  // value is the object holding both.
  .map((s) => (s.detached_signature_hex === undefined ? s : {
    ...s, signed_value: JSON.stringify({ secrrct: s.signed_value, signature: s.detached_signature_hex }),
  }));

const keyOf = (s) => s.public_key ?? undefined;

function throwsOcmf(fn, code, field) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, 'expected a throw');
  assert.ok(isOcmfError(caught), `an OcmfError, got ${caught}`);
  if (code !== undefined) assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field, caught.message);
  return caught;
}

/** Whether a result says what the sample's `independent_check` says. */
function agrees(check, r) {
  switch (check) {
    case 'valid': return r.verdict === 'valid';
    // The signature does not verify, an acceptance rule rejects a validly
    // signed value (PCDF), or the given key is not a point on the curve.
    case 'invalid': return r.verdict === 'invalid-signature'
      || (r.verdict === 'malformed' && (r.signatureVerified || r.code === 'key_invalid_point'));
    case 'no-key': return r.verdict === 'unsupported' && r.code === 'key_missing';
    default: throw new Error(`unknown independent_check ${check}`);
  }
}

test('every sample gives its independent verdict', () => {
  assert.equal(SAMPLES.length, 41);
  const seen = new Set();
  const differ = [];
  for (const s of SAMPLES) {
    const r = verifyFormat(s.signed_value, { key: keyOf(s) });
    assert.ok(r instanceof FormatResult, s.id);
    assert.equal(r.format, s.format, `${s.id}: detected format`);
    assert.ok(r.meterSerial, `${s.id}: meter serial`);
    assert.ok(r.readings.length > 0, `${s.id}: readings`);
    assert.equal(r.trust, null, `${s.id}: no registry, no trust`);
    assert.equal(r.error, null, s.id);
    if (!agrees(s.independent_check, r)) differ.push(`${s.id}: ${r.verdict} ${r.code}`);
    seen.add(`${s.independent_check}->${r.verdict}`);
    r.free();
  }
  assert.deepEqual(differ, []);
  // The samples cover every answer (so the mapping above is exercised).
  for (const want of ['valid->valid', 'invalid->invalid-signature', 'no-key->unsupported']) {
    assert.ok(seen.has(want), `${want} in ${[...seen]}`);
  }
});

test('verifyFormatJson is the canonical JSON, and the getters say what it says', () => {
  for (const s of SAMPLES) {
    const options = { key: keyOf(s) };
    const text = verifyFormatJson(s.signed_value, options);
    const r = verifyFormat(s.signed_value, options);
    assert.equal(r.json, text, s.id);
    const j = JSON.parse(text);
    assert.deepEqual(r.toJSON(), j, s.id);
    assert.equal(JSON.stringify(r), JSON.stringify(j), s.id);
    assert.equal(r.verdict, j.verdict, s.id);
    assert.equal(r.code, j.code, s.id);
    assert.equal(r.format, j.format, s.id);
    assert.equal(r.message, j.message, s.id);
    assert.equal(r.signatureVerified, j.signature_verified, s.id);
    assert.equal(r.keySec1, j.key?.sec1 ?? null, s.id);
    assert.equal(r.keySource, j.key?.source ?? null, s.id);
    // No key when the given key is not a point (ISA sign-fail) or none is given.
    if (j.key) assert.equal(r.keySource, s.public_key ? 'caller' : 'carried', s.id);
    assert.equal(r.curve, j.curve, s.id);
    assert.equal(r.meterSerial, j.value.meter_serial, s.id);
    assert.equal(r.transaction, j.value.transaction, s.id);
    assert.equal(r.contract, j.value.contract, s.id);
    assert.equal(r.readings.length, j.value.readings.length, s.id);
    r.readings.forEach((rd, i) => {
      const w = j.value.readings[i];
      assert.deepEqual(
        [rd.kind, rd.timeUtcS, rd.offsetMinutes, rd.timeStatus, rd.value, rd.unit, rd.obis, rd.status, rd.pagination, rd.signed],
        [w.kind, w.time_utc_s, w.offset_minutes, w.time_status, w.value, w.unit, w.obis, w.status, w.pagination, w.signed],
        `${s.id} reading ${i}`,
      );
      assert.match(rd.value, /^-?\d+(\.\d+)?$/, `${s.id}: exact decimal text`);
    });
    assert.deepEqual(r.findings, j.value.findings, s.id);
    // Bytes in, same answer.
    assert.equal(verifyFormatJson(new TextEncoder().encode(s.signed_value), options), text, s.id);
    r.free();
  }
});

test('German messages come from the core', () => {
  const s = SAMPLES.find((x) => x.independent_check === 'valid');
  const en = verifyFormat(s.signed_value, { key: keyOf(s) });
  const de = verifyFormat(s.signed_value, { key: keyOf(s), lang: 'de' });
  assert.equal(de.verdict, en.verdict);
  assert.notEqual(de.message, en.message);
  assert.equal(de.message, JSON.parse(verifyFormatJson(s.signed_value, { key: keyOf(s), lang: 'de' })).message);
});

test('a caller key as a Key handle or bytes answers as the key text does', () => {
  const withKey = SAMPLES.filter((s) => s.public_key);
  assert.ok(withKey.length >= 10);
  for (const s of withKey) {
    const want = verifyFormatJson(s.signed_value, { key: s.public_key });
    let key;
    try { key = new Key(s.public_key); } catch { continue; } // not a point: the text case says so
    assert.equal(verifyFormatJson(s.signed_value, { key }), want, s.id);
    key.free();
    assert.equal(verifyFormatJson(s.signed_value, { key: new TextEncoder().encode(s.public_key) }), want, s.id);
  }
});

/** The valid samples whose key travels inside the value. */
const carriedValid = () => SAMPLES.filter((s) => !s.public_key).map((s) => [s, verifyFormat(s.signed_value)])
  .filter(([, r]) => r.verdict === 'valid');

const registryFor = (serial, keyHex) => KeyRegistry.fromCsv(`meter_serial,public_key,source\n${serial},${keyHex},test\n`);

test('a carried key is untrusted until the registry names it for the meter', () => {
  const valid = carriedValid();
  assert.ok(valid.length >= 15, `${valid.length} valid samples with a carried key`);
  for (const [s, plain] of valid) {
    assert.equal(plain.keySource, 'carried', s.id);
    const carried = plain.toJSON().value.carried_key;
    assert.ok(carried, s.id);

    const other = registryFor('SOME-OTHER-METER', carried);
    const u = verifyFormat(s.signed_value, { registry: other });
    assert.equal(u.verdict, 'valid', s.id);
    assert.equal(u.trust, 'untrusted', s.id);
    assert.equal(u.keySource, 'carried', s.id);
    assert.equal(u.toJSON().trust.status, 'untrusted', s.id);

    const reg = registryFor(plain.meterSerial, carried);
    const t = verifyFormat(s.signed_value, { registry: reg });
    assert.equal(t.verdict, 'valid', s.id);
    assert.equal(t.trust, 'trusted', s.id);
    assert.equal(t.keySource, 'registry', s.id);
    assert.equal(t.keySec1, plain.keySec1, s.id);
    const j = JSON.parse(verifyFormatJson(s.signed_value, { registry: reg }));
    assert.equal(j.trust.status, 'trusted', s.id);
    assert.equal(j.key.source, 'registry', s.id);
    // The fingerprint of the key as used on the value's curve (the core's
    // rule; for a point on both 192-bit curves it is not the registry
    // entry's curve-less fingerprint): trusted means it is the carried key's.
    assert.ok(t.keyFingerprint, s.id);
    assert.equal(j.key_fingerprint, t.keyFingerprint, s.id);
    assert.equal(j.carried_key_fingerprint, t.keyFingerprint, s.id);
    for (const x of [u, t, plain]) x.free();
    other.free(); reg.free();
  }
});

test('unreadable input is malformed with a format_* code, never an invalid signature', () => {
  const inputs = ['', 'hello', 'AP;0;3;', '{"not": "a meter value"}', '<foo/>', new Uint8Array([0xff, 0xfe, 0x00, 0x01])];
  for (const input of inputs) {
    const r = verifyFormat(input);
    assert.equal(r.verdict, 'malformed', String(input));
    assert.match(r.code, /^format_/, String(input));
    assert.equal(r.signatureVerified, false);
    assert.ok(r.error, String(input));
    assert.equal(r.error.code, r.code);
    assert.equal(typeof r.error.field, 'string');
    assert.ok(r.error.message.length > 0);
    assert.deepEqual(r.readings, []);
    assert.deepEqual(r.findings, []);
    assert.equal(r.meterSerial, null);
    const j = JSON.parse(verifyFormatJson(input));
    assert.equal(j.verdict, 'malformed');
    assert.equal(j.code, r.code);
    assert.deepEqual(j.error, r.error);
  }
  // A detected format that cannot be read names its format.
  const alfen = SAMPLES.find((s) => s.format === 'ALFEN').signed_value;
  const bad = verifyFormat(alfen.replace('BJKG', 'BJ1G'));
  assert.equal(bad.verdict, 'malformed');
  assert.equal(bad.format, 'ALFEN');
  assert.match(bad.code, /^format_/);
  // With a registry: malformed, trust unknown.
  const reg = registryFor('X', SAMPLES.find((s) => s.format === 'EDL40' && s.public_key).public_key);
  const u = verifyFormat('hello', { registry: reg });
  assert.equal(u.verdict, 'malformed');
  assert.equal(u.trust, 'unknown');
});

test('a one-character change in the signed part of a valid Alfen line is invalid-signature', () => {
  const valid = SAMPLES.filter((s) => s.format === 'ALFEN' && s.independent_check === 'valid');
  assert.ok(valid.length >= 2);
  for (const s of valid) {
    const fields = s.signed_value.split(';');
    const data = fields[4];
    const i = 10;
    const changed = data.slice(0, i) + (data[i] === 'A' ? 'B' : 'A') + data.slice(i + 1);
    const tampered = s.signed_value.replace(`;${data};`, `;${changed};`);
    assert.notEqual(tampered, s.signed_value);
    assert.equal(verifyFormat(s.signed_value).verdict, 'valid', s.id);
    const r = verifyFormat(tampered);
    assert.equal(r.verdict, 'invalid-signature', `${s.id}: ${r.code}`);
    assert.equal(r.signatureVerified, false, s.id);
  }
});

test('a one-digit change in the ChargePoint secrrct is invalid-signature', () => {
  const s = SAMPLES.find((x) => x.format === 'CHARGEPOINT');
  const ok = verifyFormat(s.signed_value, { key: s.public_key });
  assert.equal(ok.verdict, 'valid', ok.code);
  assert.equal(ok.curve, 'secp224k1');
  assert.deepEqual(ok.readings.map((r) => r.value), ['74.6', '86.6']);
  const tampered = s.signed_value.replace('86.6', '86.7');
  assert.notEqual(tampered, s.signed_value);
  const r = verifyFormat(tampered, { key: s.public_key });
  assert.equal(r.verdict, 'invalid-signature', r.code);
  assert.equal(r.format, 'CHARGEPOINT');
  // The secrrct file alone: the signature is missing, not invalid.
  const alone = verifyFormat(JSON.parse(s.signed_value).secrrct, { key: s.public_key });
  assert.equal(alone.verdict, 'malformed');
  assert.equal(alone.code, 'format_missing_field');
});

test('chargePointValue joins the two files as users have them', () => {
  const s = SAMPLES.find((x) => x.format === 'CHARGEPOINT');
  const { secrrct, signature } = JSON.parse(s.signed_value);
  const der = Uint8Array.from(Buffer.from(signature, 'hex'));
  const enc = new TextEncoder();
  for (const sig of [der, `${signature}\n`, `${Buffer.from(der).toString('base64')}\r\n`]) {
    const ok = verifyFormat(chargePointValue(enc.encode(secrrct), sig), { key: s.public_key });
    assert.equal(ok.verdict, 'valid', ok.code);
    const bad = verifyFormat(chargePointValue(secrrct.replace('86.6', '86.7'), sig), { key: s.public_key });
    assert.equal(bad.verdict, 'invalid-signature', bad.code);
  }
  // The key file given as the signature file: a typed answer.
  const wrong = verifyFormat(chargePointValue(secrrct, s.public_key), { key: s.public_key });
  assert.deepEqual([wrong.verdict, wrong.code], ['malformed', 'format_bad_encoding']);
  throwsOcmf(() => chargePointValue(secrrct, 42), 702, 'signature');
  throwsOcmf(() => chargePointValue(undefined, der), 702, 'secrrct');
});

test('bad arguments throw OcmfError', () => {
  const s = SAMPLES[0].signed_value;
  throwsOcmf(() => verifyFormat(42), 702, 'data');
  throwsOcmf(() => verifyFormat(null), 702, 'data');
  throwsOcmf(() => verifyFormat({ record: s }), 702, 'data');
  throwsOcmf(() => verifyFormatJson([s]), 702, 'data');
  throwsOcmf(() => verifyFormat(s, 'de'), 702, 'options');
  throwsOcmf(() => verifyFormat(s, { backend: 'fastest' }), 702, 'backend');
  throwsOcmf(() => verifyFormatJson(s, { backend: 7 }), 702, 'backend');
  throwsOcmf(() => verifyFormat(s, { lang: 'fr' }), 701, 'lang');
  throwsOcmf(() => verifyFormat(s, { key: 5 }), 702, 'key');
  throwsOcmf(() => verifyFormat(s, { registry: {} }), 702, 'registry');
  const key = new Key(SAMPLES.find((x) => x.format === 'EDL40' && x.public_key).public_key);
  key.free();
  throwsOcmf(() => verifyFormat(s, { key }), 702, 'key');
  // Every backend by name is accepted and answers alike.
  for (const backend of ['auto', 'pure-rust', 'native', 'reference']) {
    assert.equal(verifyFormatJson(s, { backend }), verifyFormatJson(s));
  }
});
