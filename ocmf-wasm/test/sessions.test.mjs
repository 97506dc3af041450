// Key registries, charging sessions and transports through the PACKED npm
// package, on the demo data of examples/ocpp (the same expectations as
// ocmf-cli/tests/sessions.rs): five stations, 9 values, 1 duplicate, 1 bad line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KeyRegistry, Key, extract, evaluateSession, evaluateSessionJson, toXml, verify, verifyJson,
  isOcmfError, explainTrust,
} from 'ocmf';

const REPO = process.env.OCMF_REPO ?? new URL('../..', import.meta.url).pathname;
const LOG = readFileSync(join(REPO, 'examples/ocpp/stations.log'), 'utf8');
const REGISTRY_CSV = readFileSync(join(REPO, 'examples/ocpp/registry.csv'), 'utf8');

function throwsOcmf(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught, 'expected a throw');
  assert.ok(isOcmfError(caught), `an OcmfError, got ${caught}`);
  if (code !== undefined) assert.equal(caught.code, code, caught.message);
  return caught;
}

/** [station, verdict, trust, kWh] per session, as the CLI test summarises them. */
const summary = (sessions) => sessions.map((s) => [
  s.station ?? '-', s.report.verdict, s.report.trust ?? '-', s.report.energy?.kwh ?? '-',
]);

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
function camelize(v) {
  if (Array.isArray(v)) return v.map(camelize);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), camelize(x)]));
  }
  return v;
}

const EXPECTED = [
  ['CP-1', 'valid', 'trusted', '22.3242'],
  ['CP-2', 'valid', 'trusted', '31.2500'],
  ['CP-3', 'valid', 'untrusted', '22.6770'],
  ['CP-4', 'invalid', 'mismatch', '30.5000'],
  ['CP-5', 'incomplete', 'trusted', '-'],
];

// START sessions-example
test('extract + sessions on the demo log: five stations with verdict, energy and trust', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ex = extract(LOG);
  assert.equal(ex.format, 'ocpp-log');
  assert.equal(ex.values.length, 9);
  assert.equal(ex.duplicates, 1, 'the retried TransactionEvent');
  assert.equal(ex.errors.length, 1);
  assert.equal(ex.errors[0].line, 14);
  assert.equal(ex.errors[0].code, 805);
  const sessions = ex.sessions({ registry });
  assert.deepEqual(summary(sessions), EXPECTED);
  const cp1 = sessions[0].report;
  assert.equal(cp1.energy.wh, '22324.2');
  assert.equal(cp1.durationSeconds, '4350.000');
  assert.equal(sessions[0].transactionId, '1001');
  registry.free();
});
// END sessions-example

test('the transports of the demo log are detected', () => {
  const transports = extract(LOG).values.map((v) => v.transport);
  for (const t of ['ocpp16-plain', 'ocpp16-envelope', 'ocpp20-base64', 'ocpp20-raw', 'ocpp16-hex']) {
    assert.ok(transports.includes(t), `${t} not in ${transports}`);
  }
});

test('without a registry keys are untrusted and the mismatch disappears', () => {
  const s = summary(extract(LOG).sessions());
  assert.equal(s[0][1], 'incomplete', 'CP-1 carries no key');
  assert.deepEqual(s[2], ['CP-3', 'valid', 'untrusted', '22.6770']);
  assert.deepEqual(s[3], ['CP-4', 'valid', 'untrusted', '30.5000']);
});

test('session JSON is the canonical text; typed objects are the same data', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ex = extract(LOG);
  for (const lang of ['en', 'de']) {
    const text = ex.sessionsJson({ registry, lang });
    const parsed = JSON.parse(text);
    assert.equal(JSON.stringify(parsed), text, 'compact canonical text');
    const sessions = ex.sessions({ registry, lang });
    assert.equal(parsed.sessions.length, sessions.length);
    assert.equal(JSON.stringify(parsed.extraction), ex.json);
    sessions.forEach((s, i) => {
      assert.equal(JSON.stringify(parsed.sessions[i]), s.json);
      assert.equal(JSON.stringify(parsed.sessions[i].report), s.report.json);
      assert.deepEqual(s.report.toJSON(), parsed.sessions[i].report);
      assert.equal(JSON.stringify(s.report), s.report.json, 'JSON.stringify uses toJSON');
      assert.equal(s.report.explanation, parsed.sessions[i].report.explanation);
      assert.deepEqual({ ...s.report }, camelize(parsed.sessions[i].report), 'typed object = camelCase canonical JSON');
    });
  }
  assert.deepEqual(JSON.parse(ex.json).groups.map((g) => g.station), ['CP-1', 'CP-2', 'CP-3', 'CP-4', 'CP-5']);
  assert.deepEqual(ex.toJSON(), JSON.parse(ex.json));
});

test('findings carry code, severity, record, span and EN+DE messages', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const sessions = extract(LOG).sessions({ registry, lang: 'de' });
  const cp5 = sessions[4].report;
  assert.equal(cp5.verdict, 'incomplete');
  assert.ok(cp5.findings.length > 0);
  for (const f of cp5.findings) {
    assert.equal(typeof f.code, 'number');
    assert.ok(['info', 'warning', 'error'].includes(f.severity));
    assert.equal(typeof f.message.en, 'string');
    assert.equal(typeof f.message.de, 'string');
    assert.notEqual(f.message.en, f.message.de);
    assert.ok(f.span === null || (Array.isArray(f.span) && f.span.length === 2));
  }
  assert.ok(cp5.findings.some((f) => f.severity === 'error' && /Endzählerstand/.test(f.message.de)),
    JSON.stringify(cp5.findings));
  assert.match(sessions[0].report.explanation, /Die angezeigte Energie darf abgerechnet werden/);
  const en = extract(LOG).sessions({ registry, lang: 'en' });
  assert.match(en[0].report.explanation, /The energy shown may be billed/);
  // Per-record reports inside the session carry the registry decision.
  assert.equal(en[3].report.records[0].report.trust.status, 'mismatch');
  assert.equal(en[0].report.records[0].report.trust.source, 'PTB key database');
});

test('evaluateSession on records in any order, with keys, labels and hex-free strings', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const recs = extract(LOG).values.map((v) => v.record);
  // End first, begin second: the session orders by pagination.
  const r = evaluateSession([recs[1], recs[0]], { registry });
  assert.equal(r.verdict, 'valid');
  assert.equal(r.energy.kwh, '22.3242');
  assert.equal(r.energy.wh, '22324.2');
  assert.equal(r.trust, 'trusted');
  assert.equal(r.start.record, 1, 'begin is the second input');
  assert.equal(r.end.record, 0);
  assert.equal(typeof r.start.unixMs, 'number');
  assert.equal(r.durationSeconds, '4350.000');
  assert.equal(evaluateSessionJson([recs[1], recs[0]], { registry }), r.json);
  // Labels are echoed; begin of one meter, end of another: invalid.
  const mixed = evaluateSession([{ record: recs[0], label: 'begin.ocmf' }, { record: recs[3], label: 'other' }], { registry });
  assert.equal(mixed.verdict, 'invalid');
  assert.deepEqual(mixed.records.map((x) => x.label).sort(), ['begin.ocmf', 'other']);
  // Only a begin: incomplete, no energy.
  const begin = evaluateSession([recs[0]], { registry });
  assert.equal(begin.verdict, 'incomplete');
  assert.equal(begin.energy, null);
  // No records: malformed (800).
  const empty = evaluateSession([]);
  assert.equal(empty.verdict, 'malformed');
  assert.equal(empty.code, 800);
  // A record that is not OCMF: malformed, not a throw.
  assert.equal(evaluateSession(['nope', recs[1]], { registry }).verdict, 'malformed');
});

test('session keys: explicit text, Key handle, carried per record; bad keys throw their code', () => {
  const ex = extract(LOG);
  const [b, e] = ex.values.slice(0, 2).map((v) => v.record);
  const reg = KeyRegistry.load(REGISTRY_CSV);
  const keyText = reg.entries.find((x) => x.meterSerial === 'DEMO-0001').publicKey;
  assert.equal(evaluateSession([b, e]).verdict, 'incomplete', 'no key at all');
  const withText = evaluateSession([b, e], { key: keyText });
  assert.equal(withText.verdict, 'valid');
  assert.equal(withText.trust, 'untrusted');
  const key = new Key(keyText);
  const withHandle = evaluateSession([b, e], { key });
  assert.equal(withHandle.json, withText.json);
  const carried = evaluateSession([{ record: b, key: keyText }, { record: e, key }]);
  assert.equal(carried.verdict, 'valid');
  // The key registered for another meter: the signature fails.
  const other = reg.entries.find((x) => x.meterSerial === 'DEMO-0002').publicKey;
  assert.equal(evaluateSession([b, e], { key: other }).verdict, 'invalid');
  key.free();
  throwsOcmf(() => evaluateSession([b, e], { key }), 702);
  const bad = throwsOcmf(() => evaluateSession([b, e], { key: 'zz' }));
  assert.ok(bad.code >= 500 && bad.code < 600, String(bad.code));
});

test('evaluateSession argument errors are OcmfError 702/701', () => {
  for (const bad of ['OCMF|{}|{}', 42, null, undefined, {}, [42], [{}], [{ record: 1 }], [{ record: 'x', label: 3 }], [{ record: 'x', key: 5 }]]) {
    throwsOcmf(() => evaluateSession(bad), 702);
  }
  throwsOcmf(() => evaluateSession([], { profile: 'lenient' }), 701);
  throwsOcmf(() => evaluateSession([], { lang: 'fr' }), 701);
  throwsOcmf(() => evaluateSession([], { registry: 'file.csv' }), 702);
  throwsOcmf(() => evaluateSession([], { registry: { registryId: 987654 } }), 702);
  throwsOcmf(() => extract(LOG).sessions({ registry: 1 }), 702);
});

test('KeyRegistry: load/fromCsv/fromJson, size, entries, free', () => {
  const csv = KeyRegistry.load(REGISTRY_CSV);
  assert.equal(csv.size, 4);
  assert.deepEqual(csv.entries.map((e) => e.meterSerial), ['DEMO-0001', 'DEMO-0002', 'DEMO-0004', 'DEMO-0005']);
  assert.deepEqual(csv.entries.map((e) => e.source), ['PTB key database', 'station label', 'manufacturer', 'PTB key database']);
  for (const e of csv.entries) {
    assert.match(e.fingerprint, /^[0-9A-F]{16}$/);
    assert.equal(new Key(e.publicKey).fingerprint, e.fingerprint);
  }
  assert.equal(KeyRegistry.fromCsv(REGISTRY_CSV).size, 4);
  const json = JSON.stringify({
    format: 'ocmf-key-registry', version: 1, source: 'test',
    keys: csv.entries.map((e) => ({ meter_serial: e.meterSerial, public_key: e.publicKey, valid_from: '2026-01-01', valid_until: '2026-12-31' })),
  });
  const fromJson = KeyRegistry.fromJson(json);
  assert.equal(fromJson.size, 4);
  assert.equal(KeyRegistry.load(json).size, 4);
  assert.equal(fromJson.entries[0].validFrom, Date.UTC(2026, 0, 1));
  assert.equal(fromJson.entries[0].validUntil, Date.UTC(2027, 0, 1) - 1);
  // JSON and CSV registries give the same sessions (windows cover the log).
  const a = extract(LOG).sessions({ registry: fromJson }).map((s) => [s.report.verdict, s.report.trust]);
  const b = extract(LOG).sessions({ registry: csv }).map((s) => [s.report.verdict, s.report.trust]);
  assert.deepEqual(a, b);
  // A window that ends before the log: expired keys make sessions invalid.
  const old = KeyRegistry.fromJson(json.replaceAll('2026-12-31', '2026-01-31'));
  const expired = extract(LOG).sessions({ registry: old });
  assert.equal(expired[0].report.trust, 'expired');
  assert.equal(expired[0].report.verdict, 'invalid');
  csv.free();
  throwsOcmf(() => extract(LOG).sessions({ registry: csv }), 702);
  throwsOcmf(() => verify('x', { registry: csv }), 702);
});

test('malformed registries throw 802 with line, column and field; never crash', () => {
  const cases = [
    ['meter_serial,public_key\nX1,not-a-key\n', 2, 'public_key'],
    ['meter_serial,public_key\nX1\n', 2, null],
    ['meter_serial,public_key,colour\nX1,04AA,red\n', 1, null],
    ['meter_serial,public_key\n"X1,04AA\n', 2, null],
    ['{"keys": [', 1, null],
    ['{"format": "something-else", "keys": []}', 1, null],
    ['{"keys": [{"meter_serial": "X", "public_key": "04", "valid_from": "yesterday"}]}', 1, null],
    ['', 1, null],
  ];
  for (const [text, line, field] of cases) {
    const e = throwsOcmf(() => KeyRegistry.load(text), 802);
    assert.equal(e.codeName, 'registry_format');
    assert.equal(e.line, line, `${JSON.stringify(text)}: ${e.message}`);
    assert.equal(typeof e.column, 'number');
    if (field) assert.equal(e.field, field);
    assert.ok(Array.isArray(e.span), 'span');
  }
  const de = throwsOcmf(() => KeyRegistry.load('meter_serial,public_key\nX1,zz\n', 'de'), 802);
  assert.match(de.message, /zeile 2/);
  throwsOcmf(() => KeyRegistry.fromJson(REGISTRY_CSV), 802);
  throwsOcmf(() => KeyRegistry.fromCsv('{"keys":[]}'), 802);
  throwsOcmf(() => KeyRegistry.load(42), 702);
  throwsOcmf(() => KeyRegistry.load('', 'fr'), 701);
  // Random garbage: always 802, never anything else.
  let s = 7;
  const rand = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2 ** 32; };
  const alphabet = 'meter_serial,public_key"{}[]:\n04AB ';
  for (let i = 0; i < 300; i += 1) {
    const t = Array.from({ length: Math.floor(rand() * 60) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    try { KeyRegistry.load(t).free(); } catch (e) { assert.equal(e.code, 802, `${JSON.stringify(t)}: ${e}`); }
  }
});

test('verify with a registry adds the trust decision; verifyJson is canonical', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const values = extract(LOG).values;
  const trust = values.map((v) => verify(v.record, { key: v.publicKey ?? undefined, registry }).trust.status);
  assert.deepEqual(trust, ['trusted', 'trusted', 'trusted', 'trusted', 'untrusted', 'untrusted', 'mismatch', 'mismatch', 'trusted']);
  const r = verify(values[0].record, { registry, lang: 'de' });
  assert.equal(r.verdict, 'valid');
  assert.equal(r.trust.source, 'PTB key database');
  assert.equal(r.trust.keyIndex, 0);
  assert.equal(r.keyFingerprint, registry.entries[0].fingerprint);
  assert.match(r.trust.message, /registrierte/);
  // The session's trust word explained with the same sentence the record reports carry.
  assert.equal(explainTrust(r.trust.status, 'de'), r.trust.message);
  const text = verifyJson(values[6].record, { key: values[6].publicKey, registry });
  const parsed = JSON.parse(text);
  assert.equal(JSON.stringify(parsed), text);
  assert.equal(parsed.trust.status, 'mismatch');
  assert.equal(parsed.trust.code, 804);
  // Without a registry there is no trust member.
  assert.equal(verify(values[0].record).trust, undefined);
  // Unreadable bytes with a registry: malformed, trust unknown.
  const bytes = verify(new Uint8Array([0x4f, 0x43, 0x4d, 0x46, 0x7c, 0xff]), { registry });
  assert.equal(bytes.codeName, 'not_utf8');
  assert.equal(bytes.trust.status, 'unknown');
});

test('XML export -> extract gives back the same sessions', () => {
  const registry = KeyRegistry.load(REGISTRY_CSV);
  const ex = extract(LOG);
  const xml = ex.toXml();
  assert.match(xml, /<values/);
  assert.match(xml, /signedData/);
  assert.equal(toXml(ex.values), xml, 'toXml(values) = Extraction.toXml()');
  const back = extract(xml);
  assert.equal(back.format, 'tps-xml');
  assert.equal(back.errors.length, 0);
  assert.deepEqual(back.values.map((v) => v.record), ex.values.map((v) => v.record));
  const a = back.sessions({ registry });
  const b = ex.sessions({ registry });
  assert.deepEqual(summary(a), EXPECTED);
  a.forEach((s, i) => {
    assert.equal(s.transactionId, b[i].transactionId);
    assert.deepEqual(s.report.energy, b[i].report.energy);
    assert.deepEqual(s.report.findings, b[i].report.findings);
  });
  // Bytes in, same answer.
  assert.equal(extract(new TextEncoder().encode(xml)).json, back.json);
  // Plain record strings are values too.
  const recs = ex.values.map((v) => v.record);
  assert.deepEqual(extract(toXml(recs)).values.map((v) => v.record), recs);
});

test('toXml argument errors', () => {
  for (const bad of ['OCMF|', 42, null, [42], [{}], [{ record: 'x', transport: 'pigeon' }], [{ record: 'x', evse: -1 }], [{ record: 'x', evse: 1.5 }], [{ record: 'x', transactionInferred: 'yes' }]]) {
    throwsOcmf(() => toXml(bad), 702);
  }
});

test('malformed XML, logs and bytes: typed error entries, never a throw', () => {
  const xml = extract('<values><value><signedData format="OCMF" encoding="plain">OCMF|{}|{}</signedData></value>');
  assert.equal(xml.format, 'tps-xml');
  assert.ok(xml.errors.length >= 1);
  assert.equal(xml.errors[0].code, 806);
  assert.equal(xml.errors[0].name, 'xml_format');
  const dtd = extract('<?xml version="1.0"?><!DOCTYPE values [<!ENTITY a "b">]><values/>');
  assert.ok(dtd.errors.some((e) => e.code === 806), JSON.stringify(dtd.errors));
  const log = extract('2024-01-01T00:00:00Z CP1 -> [2,"1","MeterValues",{"connectorId":1,\n2024-01-01T00:00:01Z CP1 -> [2,"2","Heartbeat",{}]\n');
  assert.equal(log.errors[0].code, 805);
  assert.equal(log.errors[0].line, 1);
  const bytes = extract(new Uint8Array([0x4f, 0x43, 0x4d, 0x46, 0x7c, 0xff, 0xfe]));
  assert.equal(bytes.errors[0].name, 'not_utf8');
  assert.equal(extract('').format, 'empty');
  assert.equal(extract('   \n').values.length, 0);
  assert.deepEqual(extract('').sessions(), []);
  const huge = extract(new Uint8Array(64 * 1024 * 1024 + 1));
  assert.equal(huge.errors[0].name, 'too_large');
  throwsOcmf(() => extract(42), 702);
  throwsOcmf(() => extract(null), 702);
  // Random mutations of the log: never a throw, always an Extraction.
  let s = 99;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  for (let i = 0; i < 60; i += 1) {
    const chars = [...LOG];
    for (let j = 0; j < 5; j += 1) chars[Math.floor(rand() * chars.length)] = '[]{}",:<>\n'[Math.floor(rand() * 10)];
    const ex = extract(chars.join(''));
    assert.equal(typeof ex.format, 'string');
    for (const g of ex.sessions()) assert.ok(['valid', 'incomplete', 'invalid', 'malformed'].includes(g.report.verdict));
    ex.free();
  }
});

test('KeyRegistry.load reads bytes too; bytes that are not UTF-8 are the core\'s not_utf8 error with line and column', () => {
  const enc = new TextEncoder();
  const fromBytes = KeyRegistry.load(enc.encode(REGISTRY_CSV));
  const fromText = KeyRegistry.load(REGISTRY_CSV);
  assert.deepEqual(fromBytes.entries, fromText.entries);
  const bad = enc.encode('meter_serial,public_key\nX1,04');
  const withFf = new Uint8Array([...bad, 0xff, 0x0a]);
  const e = throwsOcmf(() => KeyRegistry.load(withFf));
  assert.equal(e.codeName, 'not_utf8');
  assert.equal(e.line, 2);
  assert.equal(e.column, 6);
  throwsOcmf(() => KeyRegistry.load(new Uint8Array(0)), 802);
  throwsOcmf(() => KeyRegistry.fromCsv(enc.encode(REGISTRY_CSV)), 702);
  fromBytes.free();
  fromText.free();
});

test('session record keys as bytes or Key equal the key text (the core reads bytes as key text)', () => {
  const reg = KeyRegistry.load(REGISTRY_CSV);
  const [b, e] = extract(LOG).values.slice(0, 2).map((v) => v.record);
  const keyText = reg.entries.find((x) => x.meterSerial === 'DEMO-0001').publicKey;
  const bytes = Uint8Array.from(keyText.match(/../g).map((h) => parseInt(h, 16)));
  const text = evaluateSession([{ record: b, key: keyText }, { record: e, key: keyText }], { registry: reg });
  const bin = evaluateSession([{ record: b, key: bytes }, { record: e, key: new Key(bytes) }], { registry: reg });
  assert.equal(text.verdict, 'valid');
  assert.equal(bin.json, text.json);
  // And the session's own key option as bytes.
  assert.equal(evaluateSession([b, e], { key: bytes }).json, evaluateSession([b, e], { key: keyText }).json);
  reg.free();
});
