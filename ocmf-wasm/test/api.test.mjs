// API behaviour of the packed package: errors are OcmfError with numeric
// codes, bad records are verdicts, sign -> verify round trips on all 7 curves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as ocmf from 'ocmf';

const {
  verify, verifyJson, inspect, sign, Key, messageFor, version, isOcmfError, explainVerdict, explainTrust, verdicts,
} = ocmf;
const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const RECORD = readFileSync(join(REPO, 'examples/keba-p256.ocmf'), 'utf8').trim();
const KEY = readFileSync(join(REPO, 'examples/keba-p256.key'), 'utf8').trim();
const VERDICTS = ['valid', 'invalid-signature', 'malformed', 'unsupported'];

function throwsOcmf(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, 'expected a throw');
  assert.ok(caught instanceof Error, 'an Error');
  assert.ok(isOcmfError(caught), `an OcmfError, got ${caught}`);
  assert.equal(caught.name, 'OcmfError');
  assert.equal(typeof caught.code, 'number');
  assert.equal(typeof caught.codeName, 'string');
  if (code !== undefined) assert.equal(caught.code, code, caught.message);
  return caught;
}

// Deterministic PRNG so failures reproduce.
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

test('version matches package.json', () => {
  const require = createRequire(import.meta.url);
  assert.equal(version(), require('ocmf/package.json').version);
});

test('the example record verifies with its key; value is exact decimal text', () => {
  const r = verify(RECORD, { key: KEY });
  assert.equal(r.verdict, 'valid');
  assert.equal(r.code, 0);
  assert.equal(r.signatureValid, true);
  assert.equal(r.algorithm, 'ECDSA-secp256r1-SHA256');
  assert.equal(r.keySource, 'caller');
  assert.deepEqual(r.record.readings.map((x) => x.value), ['0.2596', '0.2597']);
  assert.ok(Array.isArray(r.findings) && r.findings.every((f) => typeof f.code === 'number'));
  assert.equal(inspect(RECORD).readings[1].value, '0.2597');
});

test('a tampered digit gives invalid-signature, not a throw', () => {
  const bad = RECORD.replace('"RV":0.2597', '"RV":0.2598');
  assert.notEqual(bad, RECORD);
  const r = verify(bad, { key: KEY });
  assert.equal(r.verdict, 'invalid-signature');
  assert.equal(r.code, 600);
  assert.equal(r.signatureValid, false);
});

test('no key: unsupported with key_missing', () => {
  const r = verify(RECORD);
  assert.equal(r.verdict, 'unsupported');
  assert.equal(r.codeName, 'key_missing');
});

test('lang de changes messages', () => {
  const en = verify(RECORD.replace('0.2597', '0.2598'), { key: KEY, lang: 'en' });
  const de = verify(RECORD.replace('0.2597', '0.2598'), { key: KEY, lang: 'de' });
  assert.equal(en.code, de.code);
  assert.notEqual(en.message, de.message);
  assert.equal(messageFor(600, 'de'), de.message);
  assert.notEqual(messageFor(600, 'en'), messageFor(600, 'de'));
});

test('profiles are accepted and unknown ones throw 701', () => {
  for (const profile of ['strict', 'interop', 'reference']) {
    assert.equal(verify(RECORD, { key: KEY, profile }).profile, profile);
  }
  const e = throwsOcmf(() => verify(RECORD, { key: KEY, profile: 'lenient' }), 701);
  assert.equal(e.field, 'profile');
  throwsOcmf(() => verify(RECORD, { lang: 'fr' }), 701);
  throwsOcmf(() => verifyJson(RECORD, { profile: 'lenient' }), 701);
});

test('wrong argument types throw OcmfError 702', () => {
  for (const bad of [42, null, undefined, {}, [], true, 1n, Symbol('x'), () => RECORD]) {
    throwsOcmf(() => verify(bad), 702);
    throwsOcmf(() => inspect(bad), 702);
  }
  throwsOcmf(() => verify(RECORD, 'not an object'), 702);
  throwsOcmf(() => verify(RECORD, { key: 42 }), 702);
  throwsOcmf(() => verify(RECORD, { key: { keyId: 123456 } }), 702);
  throwsOcmf(() => verify(RECORD, { profile: 3 }), 702);
  throwsOcmf(() => sign(1, '11'), 702);
  throwsOcmf(() => sign('{}', '11', 42), 702);
  throwsOcmf(() => messageFor(123456, 'en'), 702);
  throwsOcmf(() => messageFor('600', 'en'), 702);
});

test('unreadable keys: Key throws a 5xx OcmfError, verify gives a verdict', () => {
  for (const text of ['', 'zz', '04', 'AAAA', '-----BEGIN PUBLIC KEY-----\nxx\n-----END PUBLIC KEY-----']) {
    const e = throwsOcmf(() => new Key(text));
    assert.ok(e.code >= 500 && e.code < 600, `${text}: ${e.code}`);
    const r = verify(RECORD, { key: text });
    assert.equal(r.code, e.code, text);
    // 500 key_missing / 503 unknown curve are `unsupported`, the rest `malformed`.
    assert.equal(r.verdict, [500, 503].includes(e.code) ? 'unsupported' : 'malformed', text);
  }
  throwsOcmf(() => new Key(5), 702);
});

test('a freed Key is refused with 702, a live one is reusable', () => {
  const k = new Key(KEY);
  assert.deepEqual(k.curves, ['secp256r1']);
  for (let i = 0; i < 3; i += 1) assert.equal(verify(RECORD, { key: k }).verdict, 'valid');
  k.free();
  throwsOcmf(() => verify(RECORD, { key: k }), 702);
});

test('huge strings and byte arrays are too_large verdicts, not crashes', () => {
  const huge = 'OCMF|' + 'x'.repeat(10_000_000);
  const r = verify(huge, { key: KEY });
  assert.equal(r.verdict, 'malformed');
  assert.equal(r.codeName, 'too_large');
  assert.equal(verify(new Uint8Array(5_000_000)).codeName, 'too_large');
  // Just over the limit in UTF-8 but not in UTF-16 code units.
  const r2 = verify('OCMF|' + 'é'.repeat(40_000));
  assert.equal(r2.codeName, 'too_large');
  throwsOcmf(() => inspect(huge), r.code);
});

test('invalid UTF-8 bytes: malformed not_utf8', () => {
  const r = verify(new Uint8Array([0x4f, 0x43, 0x4d, 0x46, 0x7c, 0xff, 0xfe]));
  assert.equal(r.verdict, 'malformed');
  assert.equal(r.codeName, 'not_utf8');
  assert.deepEqual(r.span, [5, 5]);
});

test('random bytes and mutated records always give one of the four verdicts', () => {
  const rand = rng(0x0c3f);
  const seen = new Set();
  for (let i = 0; i < 400; i += 1) {
    const n = Math.floor(rand() * 300);
    const bytes = new Uint8Array(n).map(() => Math.floor(rand() * 256));
    if (i % 2) bytes.set(new TextEncoder().encode('OCMF|{').subarray(0, n));
    const r = verify(bytes, { key: KEY });
    assert.ok(VERDICTS.includes(r.verdict));
    assert.equal(typeof r.code, 'number');
    seen.add(r.verdict);
    // The same input as a (lossy) string.
    const t = new TextDecoder().decode(bytes);
    assert.ok(VERDICTS.includes(verify(t).verdict));
  }
  for (let i = 0; i < 400; i += 1) {
    const chars = [...RECORD];
    const k = Math.floor(rand() * chars.length);
    chars[k] = String.fromCharCode(Math.floor(rand() * 128));
    const mutated = chars.join('');
    const r = verify(mutated, { key: KEY });
    assert.ok(VERDICTS.includes(r.verdict));
    seen.add(r.verdict);
    if (r.verdict === 'malformed' && r.record === null) {
      throwsOcmf(() => inspect(mutated), r.code);
    }
  }
  assert.ok(seen.has('malformed') && seen.has('invalid-signature'), [...seen].join());
});

test('inspect throws the parse code verify reports for unreadable records', () => {
  let thrown = 0;
  for (const bad of ['', 'OCMF|', 'OCMF|{}|{}', 'nope', 'OCMF|{"FV":1}|{"SD":"00"}', 'OCMF|{"RD":[]}|{"SD":"00"}']) {
    const r = verify(bad);
    assert.equal(r.verdict, 'malformed', bad);
    if (r.record === null) {
      const e = throwsOcmf(() => inspect(bad));
      assert.equal(e.code, r.code, bad);
      assert.equal(e.codeName, r.codeName, bad);
      thrown += 1;
    } else {
      // Readable but rejected later (profile or signature section): inspect shows it.
      assert.deepEqual(inspect(bad), r.record, bad);
    }
  }
  assert.ok(thrown >= 3, `only ${thrown} parse errors`);
});

const CURVES = ['secp192k1', 'secp192r1', 'secp256r1', 'secp256k1', 'secp384r1', 'brainpoolP256r1', 'brainpoolP384r1'];
const FIELD_BYTES = { secp192k1: 24, secp192r1: 24, secp256r1: 32, secp256k1: 32, secp384r1: 48, brainpoolP256r1: 32, brainpoolP384r1: 48 };

test('sign -> verify round trip on all 7 curves', () => {
  const payload = RECORD.split('|')[1];
  for (const curve of CURVES) {
    const secret = '1f'.repeat(FIELD_BYTES[curve]);
    const signed = sign(payload, secret, curve);
    assert.equal(typeof signed.record, 'string');
    assert.match(signed.publicKey, /^04[0-9A-F]+$/);
    assert.equal(signed.publicKey.length, 2 + 4 * FIELD_BYTES[curve], curve);
    const r = verify(signed.record, { key: signed.publicKey, profile: 'strict' });
    assert.equal(r.signatureValid, true, `${curve}: ${r.codeName}`);
    assert.equal(r.algorithm, JSON.parse(signed.record.split('|')[2]).SA);
    const iv = verify(signed.record, { key: signed.publicKey });
    assert.equal(iv.verdict, 'valid', `${curve}: ${iv.codeName}`);
    const key = new Key(signed.publicKey);
    assert.ok(key.curves.includes(curve), `${curve} in ${key.curves}`);
    assert.equal(verify(signed.record, { key }).verdict, 'valid');
    const tampered = signed.record.replace('0.2597', '0.2598');
    assert.equal(verify(tampered, { key }).verdict, 'invalid-signature', curve);
    key.free();
    // The SA name works as well and signs deterministically (RFC 6979).
    assert.equal(sign(payload, secret, r.algorithm).record, signed.record);
  }
});

test('sign refuses bad secrets with 705', () => {
  const payload = RECORD.split('|')[1];
  throwsOcmf(() => sign(payload, '00'), 705);
  throwsOcmf(() => sign(payload, 'not hex'), 705);
  throwsOcmf(() => sign(payload, 'ff'.repeat(32)), 705);
  assert.equal(sign(payload, '01').publicKey.slice(0, 2), '04');
});

test('sign: an algorithm it cannot sign with is the core\'s algorithm error (Algorithm::from_name)', () => {
  const payload = RECORD.split('|')[1];
  assert.equal(throwsOcmf(() => sign(payload, '11', 'ECDSA-nope-SHA256'), 400).codeName, 'unknown_algorithm');
  assert.equal(throwsOcmf(() => sign(payload, '11', 'EdDSA-Ed25519'), 401).codeName, 'algorithm_not_in_spec');
  // Curve names in any spelling the core reads, and SA names.
  assert.equal(sign(payload, '11', 'P-256').record, sign(payload, '11', 'ECDSA-secp256r1-SHA256').record);
  assert.equal(sign(payload, '11', ' prime256v1 ').record, sign(payload, '11').record);
});

test('keys as bytes: binary SPKI, UTF-8 key text, empty bytes = no key; a Key from bytes', () => {
  const der = Uint8Array.from(KEY.match(/../g).map((h) => parseInt(h, 16)));
  assert.equal(der[0], 0x30, 'the example key is SPKI DER hex');
  const text = new TextEncoder().encode(KEY);
  for (const key of [der, text]) {
    assert.equal(verify(RECORD, { key }).verdict, 'valid');
    assert.equal(verifyJson(RECORD, { key }), verifyJson(RECORD, { key: KEY }));
  }
  // Empty bytes and blank text are no key: the record's own (none here).
  for (const key of [new Uint8Array(0), '', '  \n']) {
    assert.equal(verify(RECORD, { key }).codeName, 'key_missing', JSON.stringify(key));
  }
  // Undecodable bytes: the key's error as the verdict, as for text.
  const r = verify(RECORD, { key: new Uint8Array([0x30, 0x01, 0xff]) });
  assert.equal(r.verdict, 'malformed');
  assert.ok(r.code >= 500 && r.code < 600, String(r.code));
  const k = new Key(der);
  assert.equal(k.fingerprint, new Key(KEY).fingerprint);
  assert.equal(k.declaredCurve, 'secp256r1');
  assert.equal(verify(RECORD, { key: k }).verdict, 'valid');
  k.free();
  throwsOcmf(() => new Key(new Uint8Array(0)), 500);
});

test('verdict and trust sentences come from the core, in both languages', () => {
  assert.deepEqual(verdicts(), VERDICTS);
  for (const v of VERDICTS) {
    const en = explainVerdict(v, 'en');
    const de = explainVerdict(v, 'de');
    assert.ok(en.length > 20 && de.length > 20 && en !== de, v);
    assert.equal(explainVerdict(v), en, 'English by default');
  }
  assert.notEqual(explainVerdict('valid'), explainVerdict('invalid-signature'));
  const statuses = ['trusted', 'untrusted', 'mismatch', 'expired', 'unknown'];
  const texts = statuses.map((s) => explainTrust(s, 'de'));
  assert.equal(new Set(texts).size, statuses.length, 'one sentence per status');
  for (const s of statuses) assert.notEqual(explainTrust(s, 'en'), explainTrust(s, 'de'), s);
  throwsOcmf(() => explainVerdict('fine'), 702);
  throwsOcmf(() => explainVerdict(1), 702);
  throwsOcmf(() => explainTrust('maybe'), 702);
  throwsOcmf(() => explainTrust('trusted', 'fr'), 701);
});
