// Type-checked by scripts/ci/wasm with `tsc --noEmit --strict` against the packed package.
import { verify, verifyJson, verifyMany, inspect, sign, Key, messageFor, isOcmfError, version } from 'ocmf';
import type { VerifyReport, Reading, OcmfError, Signed, Verdict, VerifyManyInput, VerifyManyOptions, VerifyManyResult } from 'ocmf';

const record = 'OCMF|{"FV":"1.0","RD":[{"TM":"2019-08-13T10:03:15,000+0000 I","TX":"B","RV":0.2596,"RI":"1-b:1.8.0","RU":"kWh","ST":"G"}]}|{"SD":"00"}';

// One key decoded once, reused for many records.
const key = new Key('3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE');
const report: VerifyReport = verify(record, { key, profile: 'interop', lang: 'de' });
if (report.verdict === 'valid') {
  const readings: Reading[] = report.record?.readings ?? [];
  for (const r of readings) console.log(r.time, r.value /* exact decimal text */, r.unit);
} else {
  console.log(report.code, report.codeName, report.message);
}
for (const f of report.findings) console.log(f.severity, f.name, f.message);
key.free();
const key2 = new Key('3059301306072A8648CE3D020106082A8648CE3D030107034200043AEEB45C392357820A58FDFB0857BD77ADA31585C61C430531DFA53B440AFBFDD95AC887C658EA55260F808F55CA948DF235C2108A0D6DC7D4AB1A5E1A7955BE');

// Many records in one call: compact parallel arrays, full reports on request.
const many: VerifyManyResult = verifyMany([record, new TextEncoder().encode(record), { record, key: key2 }], {
  key: key2.sec1Hex,
  reports: true,
});
const codes: Uint16Array = many.codes;
for (let i = 0; i < many.length; i += 1) {
  const v: Verdict = many.verdicts[i];
  const alg: string | null = many.algorithms[i];
  const sig: boolean | null = many.signatureValid[i];
  console.log(v, codes[i], alg, sig, many.reports?.[i]?.message);
}
const items: VerifyManyInput[] = [record, { record, key: null }];
const opts: VerifyManyOptions = { key: key2, json: true, lang: 'de', profile: 'strict' };
console.log(verifyMany(items, opts).json?.[0], many.validCount);
key2.precompute();
key2.free();

const canonical: string = verifyJson(new TextEncoder().encode(record));
const signed: Signed = sign('{"FV":"1.0","RD":[]}', '1f'.repeat(32), 'brainpoolP256r1');
console.log(canonical.length, signed.publicKey, inspect(signed.record).readings.length, version());

try {
  verify(record, { profile: 'strict' });
  new Key('not a key');
} catch (e: unknown) {
  if (isOcmfError(e)) {
    const err = e as OcmfError;
    console.log(err.code, err.codeName, err.field, err.span, messageFor(err.code, 'en'));
  }
}

// Trusted keys, charging sessions and transports.
import { KeyRegistry, evaluateSession, evaluateSessionJson, extract, toXml } from 'ocmf';
import type {
  SessionReport, GroupSession, SignedValue, TransportError, TrustedVerifyReport, RegistryEntry,
  TrustedVerifyManyResult, TrustStatus,
} from 'ocmf';

declare const logText: string; // e.g. an OCPP-J log, transparency-software XML, or OCMF lines
declare const registryCsv: string; // meter_serial,public_key,source ...

let registry: KeyRegistry | undefined;
try {
  registry = KeyRegistry.load(registryCsv, 'de');
} catch (e: unknown) {
  if (isOcmfError(e)) console.log(e.code /* 802 */, e.line, e.column, e.field, e.message);
}
const entries: RegistryEntry[] = registry?.entries ?? [];
console.log(registry?.size, entries.map((x) => x.fingerprint));

const ex = extract(logText);
const errors: TransportError[] = ex.errors;
for (const err of errors) console.log(err.line, err.code, err.message);
const values: SignedValue[] = ex.values;
const sessions: GroupSession[] = ex.sessions({ registry, profile: 'interop', lang: 'en' });
for (const s of sessions) {
  const r: SessionReport = s.report;
  console.log(s.station, s.transactionId, r.verdict, r.energy?.kwh, r.energy?.wh, r.trust, r.durationSeconds);
  console.log(r.start?.time, r.end?.time, r.explanation);
  for (const f of r.findings) console.log(f.code, f.severity, f.record, f.span, f.message.en, f.message.de);
  const canonical: string = r.json; // identical in every binding
  console.log(canonical.length, JSON.stringify(r) === canonical);
}
const xml: string = ex.toXml();
console.log(xml === toXml(values), ex.sessionsJson({ registry }).length, ex.json.length, ex.duplicates, ex.format);
ex.free();

const session: SessionReport = evaluateSession(
  [values[1]?.record ?? '', { record: values[0]?.record ?? '', key: values[0]?.publicKey, label: 'begin' }],
  { registry, lang: 'de' },
);
console.log(session.verdict, evaluateSessionJson(values.map((v) => v.record)).length);
if (registry) {
  const trusted = verify(record, { registry }) as TrustedVerifyReport;
  console.log(trusted.trust.status, trusted.trust.message, trusted.keyFingerprint);
  // Many records against the registry, each with the key its message carried.
  const batch = verifyMany(values.map((v) => ({ record: v.record, key: v.publicKey })), { registry, reports: true });
  if (batch.trust && batch.keyFingerprint) {
    const status: TrustStatus | undefined = batch.trust[0];
    const fingerprint: string | null | undefined = batch.keyFingerprint[0];
    console.log(status, fingerprint, batch.verdicts[0]);
  }
  const typed = verifyMany(values.map((v) => v.record), { registry }) as TrustedVerifyManyResult;
  typed.trust.forEach((t, i) => console.log(t, typed.keyFingerprint[i], typed.reports?.[i]?.trust.status));
  registry.free();
}

// Keys as bytes (binary SPKI DER, SEC1 or bare XY; UTF-8 key text), and the
// core's sentences for a verdict and a trust status.
import { explainVerdict, explainTrust, verdicts } from 'ocmf';
declare const spkiDer: Uint8Array;
const fromBytes = new Key(spkiDer);
const r2: VerifyReport = verify(record, { key: spkiDer, lang: 'en' });
console.log(explainVerdict(r2.verdict, 'de'), fromBytes.fingerprint, verdicts().length);
const status: TrustStatus = 'mismatch';
console.log(explainTrust(status, 'en'));
const reg2: KeyRegistry = KeyRegistry.load(new TextEncoder().encode('meter_serial,public_key\n'));
reg2.free();
fromBytes.free();

// The other formats (Alfen, EDL40, ..., BAUER): typed getters and the canonical JSON.
import { verifyFormat, verifyFormatJson, FormatResult } from 'ocmf';
import type { FormatName, FormatReading, FormatCheckJson, FormatError, FormatKeySource } from 'ocmf';
declare const alfenLine: string;
const fr: FormatResult = verifyFormat(alfenLine, { lang: 'de' });
const fmt: FormatName | null = fr.format;
const fv: Verdict = fr.verdict;
const src: FormatKeySource | null = fr.keySource;
const first: FormatReading | undefined = fr.readings[0];
const why: FormatError | null = fr.error;
const fReg = KeyRegistry.fromCsv('meter_serial,public_key\n');
const ts: TrustStatus | null = verifyFormat(alfenLine, { registry: fReg }).trust;
fReg.free();
const fj: FormatCheckJson = fr.toJSON();
const sameText: boolean = fr.json === verifyFormatJson(new TextEncoder().encode(alfenLine));
console.log(fmt, fv, fr.code, fr.signatureVerified, fr.keySec1, src, fr.curve, fr.keyFingerprint, fr.meterSerial,
  fr.transaction, fr.contract, first?.value, first?.timeStatus, fr.findings.length, why?.code, ts, fj.value?.carried_key, sameText);
fr.free();
