// Static OCMF transparency page: everything runs locally through the wasm
// build of ocmf-core. The core finds the signed values (`extract`: plain
// records, OCPP messages and logs, transparency-software XML, PTB container,
// OCPI/OICP charge detail records),
// checks every record (`verify`) and every charging session
// (`Extraction.sessions`), with an optional key registry (`KeyRegistry`).
// Input without an OCMF record may be a signed value in another format
// (Alfen, EDL40, SML, Mennekes, PCDF, EMH, BAUER, ChargePoint): `verifyFormat` detects and
// checks it.
// Every verdict, trust and finding text comes from the core (`explainVerdict`,
// `explainTrust`, the reports' messages); `T` holds only the page's own labels.
import init, {
  extract, verify, verifyFormat, explainVerdict, explainTrust, KeyRegistry, isOcmfError,
} from './pkg/ocmf.js';

const T = {
  en: {
    title: 'OCMF verifier', subtitle: 'Checks signed meter values locally in your browser. Nothing is uploaded.',
    language: 'Language', profile: 'Profile',
    recordLabel: 'Signed records (OCMF|…|…), transparency-software XML, OCPP messages or logs, OCPI/OICP charge detail records, or a signed value in another format (Alfen, EDL40, SML, Mennekes, PCDF, EMH, BAUER, ChargePoint)',
    drop: 'Drop a file here or', keyLabel: 'Public key (optional: hex, base64 or PEM)', check: 'Check',
    registryLabel: 'Trusted keys (optional: key registry, CSV or JSON)', export: 'Export XML',
    record: 'Record', found: 'records found', none: 'No OCMF record or other signed meter value found in the input.',
    time: 'Time', reason: 'Type', value: 'Value', unit: 'Unit', obis: 'OBIS', status: 'Status',
    findings: 'Findings', noFindings: 'No findings.', meter: 'Meter', algorithm: 'Algorithm',
    sessions: 'Charging sessions', session: 'Session', station: 'Station', transaction: 'transaction',
    energy: 'Energy', start: 'Start', end: 'End', duration: 'Duration', trust: 'Key', records: 'Records',
    seconds: 's', inputErrors: 'Parts of the input that could not be read', line: 'line',
    registryError: 'The key registry cannot be read', sessionError: 'The sessions cannot be checked',
    recordError: 'The record cannot be checked',
    evseId: 'EVSE', token: 'Token', billed: 'Billed',
    billedAgrees: 'matches the signed energy', billedDiffers: 'differs from the signed energy',
    billedUnchecked: 'no signed energy to compare with',
    format: 'Format', txLabel: 'Transaction', curve: 'Curve', keySource: 'Key used',
    caller: 'the key given above', carried: 'the key inside the value (proves integrity, not origin)',
    registry: 'the key registry\'s key for this meter', noKey: 'none', readError: 'Cannot be read',
  },
  de: {
    title: 'OCMF-Prüfung', subtitle: 'Prüft signierte Messwerte lokal im Browser. Es wird nichts hochgeladen.',
    language: 'Sprache', profile: 'Profil',
    recordLabel: 'Signierte Datensätze (OCMF|…|…), XML der Transparenzsoftware, OCPP-Nachrichten oder -Logs, OCPI/OICP-Ladedatensätze (CDR) oder ein signierter Messwert in einem anderen Format (Alfen, EDL40, SML, Mennekes, PCDF, EMH, BAUER, ChargePoint)',
    drop: 'Datei hierher ziehen oder', keyLabel: 'Öffentlicher Schlüssel (optional: hex, base64 oder PEM)', check: 'Prüfen',
    registryLabel: 'Vertrauenswürdige Schlüssel (optional: Schlüsselverzeichnis, CSV oder JSON)', export: 'Als XML exportieren',
    record: 'Datensatz', found: 'Datensätze gefunden', none: 'Kein OCMF-Datensatz und kein anderer signierter Messwert in der Eingabe gefunden.',
    time: 'Zeit', reason: 'Art', value: 'Wert', unit: 'Einheit', obis: 'OBIS', status: 'Status',
    findings: 'Befunde', noFindings: 'Keine Befunde.', meter: 'Zähler', algorithm: 'Algorithmus',
    sessions: 'Ladevorgänge', session: 'Ladevorgang', station: 'Ladestation', transaction: 'Transaktion',
    energy: 'Energie', start: 'Beginn', end: 'Ende', duration: 'Dauer', trust: 'Schlüssel', records: 'Datensätze',
    seconds: 's', inputErrors: 'Nicht lesbare Teile der Eingabe', line: 'Zeile',
    registryError: 'Das Schlüsselverzeichnis ist nicht lesbar', sessionError: 'Die Ladevorgänge können nicht geprüft werden',
    recordError: 'Der Datensatz kann nicht geprüft werden',
    evseId: 'Ladepunkt (EVSE)', token: 'Token', billed: 'Abgerechnet',
    billedAgrees: 'stimmt mit der signierten Energie überein', billedDiffers: 'weicht von der signierten Energie ab',
    billedUnchecked: 'keine signierte Energie zum Vergleich',
    format: 'Format', txLabel: 'Transaktion', curve: 'Kurve', keySource: 'Verwendeter Schlüssel',
    caller: 'der oben angegebene Schlüssel', carried: 'der Schlüssel im Messwert (belegt die Unversehrtheit, nicht die Herkunft)',
    registry: 'der Schlüssel des Schlüsselverzeichnisses für diesen Zähler', noKey: 'keiner', readError: 'Nicht lesbar',
  },
};

const $ = (id) => document.getElementById(id);
const lang = () => $('lang').value;
const t = (k) => T[lang()][k] ?? k;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function errorText(e) {
  return isOcmfError(e) ? `${e.message} [${e.code} ${e.codeName}]` : String(e);
}

/** One record's report (from `verify`). */
function renderRecord(report, index, total) {
  const box = el('section', { class: 'result', 'data-verdict': report.verdict });
  if (total > 1) box.append(el('h2', {}, `${t('record')} ${index + 1}`));
  box.append(el('div', { class: `verdict ${report.verdict}` }, explainVerdict(report.verdict, lang())));
  if (report.verdict !== 'valid') {
    box.append(el('div', { class: 'code' }, `${report.message} [${report.code} ${report.codeName}]`));
  }
  if (report.trust) {
    box.append(el('p', { class: 'trust', 'data-trust': report.trust.status }, `${t('trust')}: ${report.trust.message}`));
  }
  const rec = report.record;
  if (rec) {
    const meter = [rec.meterVendor, rec.meterModel, rec.meterSerial].filter(Boolean).join(' ');
    box.append(el('p', {}, `${t('meter')}: ${meter || '–'} · ${t('algorithm')}: ${report.algorithm ?? '–'}`));
    const head = el('tr', {}, ...['time', 'reason', 'value', 'unit', 'obis', 'status'].map((k) => el('th', {}, t(k))));
    const table = el('table', { class: 'readings' }, head);
    for (const r of rec.readings) {
      table.append(el('tr', {},
        el('td', {}, r.time ?? ''), el('td', {}, r.reason ?? ''), el('td', { class: 'num' }, r.value ?? ''),
        el('td', {}, r.unit ?? ''), el('td', {}, r.obis ?? ''), el('td', {}, r.status ?? '')));
    }
    box.append(table);
  }
  box.append(el('h3', {}, t('findings')));
  if (report.findings.length === 0) box.append(el('p', {}, t('noFindings')));
  const ul = el('ul', { class: 'findings' });
  for (const f of report.findings) {
    const where = [f.field, f.reading !== null ? `RD[${f.reading}]` : null].filter(Boolean).join(' ');
    ul.append(el('li', { class: `sev-${f.severity}` }, `${f.severity}: ${f.message}${where ? ` (${where})` : ''} [${f.code} ${f.name}]`));
  }
  box.append(ul);
  return box;
}

/** A signed value in another format (from `verifyFormat`). */
function renderFormat(r) {
  const box = el('section', {
    class: 'result format-result', 'data-verdict': r.verdict, 'data-format': r.format ?? '',
    'data-trust': r.trust ?? '', 'data-key-source': r.keySource ?? '', 'data-meter': r.meterSerial ?? '',
  });
  box.append(el('div', { class: `verdict ${r.verdict}` }, explainVerdict(r.verdict, lang())));
  if (r.verdict !== 'valid') box.append(el('div', { class: 'code' }, `${r.message} [${r.code}]`));
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v) => { if (v) facts.append(el('dt', {}, t(k)), el('dd', {}, v)); };
  fact('format', r.format);
  fact('meter', r.meterSerial);
  fact('txLabel', r.transaction);
  fact('curve', r.curve);
  fact('keySource', r.keySource ? t(r.keySource) : t('noKey'));
  fact('trust', r.trust ? explainTrust(r.trust, lang()) : null);
  fact('readError', r.error ? `${r.error.message} [${r.error.code}]` : null);
  box.append(facts);
  if (r.readings.length) {
    const head = el('tr', {}, ...['time', 'reason', 'value', 'unit', 'obis', 'status'].map((k) => el('th', {}, t(k))));
    const table = el('table', { class: 'readings' }, head);
    for (const x of r.readings) {
      const time = x.timeUtcS === null ? '' : `${new Date(x.timeUtcS * 1000).toISOString()} ${x.timeStatus ?? ''}`;
      table.append(el('tr', {},
        el('td', {}, time), el('td', {}, x.kind), el('td', { class: 'num' }, x.value),
        el('td', {}, x.unit), el('td', {}, x.obis ?? ''), el('td', {}, x.status === null ? '' : String(x.status))));
    }
    box.append(table);
  }
  box.append(el('h3', {}, t('findings')));
  if (r.findings.length === 0) box.append(el('p', {}, t('noFindings')));
  const ul = el('ul', { class: 'findings' });
  for (const f of r.findings) {
    ul.append(el('li', { class: f.rejects ? 'sev-error' : 'sev-info' }, `${f.code}${f.detail ? ` (${f.detail})` : ''}`));
  }
  box.append(ul);
  return box;
}

/** A CDR's billed energy against the signed energy: text and class. */
function billedFact(b) {
  if (!b) return null;
  if (b.agrees === null) return [`${b.billedKwh} kWh (${t('billedUnchecked')})`, 'billed'];
  if (b.agrees) return [`${b.billedKwh} kWh ✓ ${t('billedAgrees')} (${b.signedKwh} kWh)`, 'billed billed-agrees'];
  return [`${b.billedKwh} kWh ≠ ${b.signedKwh} kWh ✗ ${t('billedDiffers')}`, 'billed billed-differs'];
}

/** A value's check inside a session (`GroupSession.formats[].check`, the
 * core's FormatCheck data) in the shape `renderFormat` reads. */
function checkView(c) {
  return {
    verdict: c.verdict, format: c.format, curve: c.curve, message: c.message, code: c.code, error: c.error,
    trust: c.trust?.status ?? null, keySource: c.key?.source ?? null,
    meterSerial: c.value?.meterSerial ?? null, transaction: c.value?.transaction ?? null,
    readings: c.value?.readings ?? [], findings: c.value?.findings ?? [],
  };
}

/** One charging session (from `Extraction.sessions`): its OCMF session, or
 * for a group of values in other formats only, their format session. */
function renderSession(group, index) {
  const onlyFormats = group.formatSession !== null && group.values.length === group.formats.length;
  const r = onlyFormats ? group.formatSession : group.report;
  const kwh = r.energy?.kwh ?? '';
  const billed = r.billed ? (r.billed.agrees === null ? 'unchecked' : String(r.billed.agrees)) : '';
  const box = el('section', {
    class: 'session', 'data-station': group.station ?? '', 'data-verdict': group.verdict,
    'data-format': onlyFormats ? (r.format ?? '') : '',
    'data-trust': r.trust ?? '', 'data-kwh': kwh, 'data-evse-id': group.evseId ?? '', 'data-billed': billed,
  });
  const title = [
    group.station ? `${t('station')} ${group.station}` : `${t('session')} ${index + 1}`,
    group.transactionId ? `${t('transaction')} ${group.transactionId}` : null,
  ].filter(Boolean).join(' · ');
  box.append(el('h2', {}, title));
  box.append(el('div', { class: `verdict ${r.verdict}` }, r.explanation));
  if (r.verdict !== 'valid') box.append(el('div', { class: 'code' }, `${r.message} [${r.code} ${r.codeName}]`));
  const facts = el('dl', { class: 'facts' });
  const fact = (k, v, cls) => { if (v) facts.append(el('dt', {}, t(k)), el('dd', cls ? { class: cls } : {}, v)); };
  fact('energy', r.energy ? `${r.energy.kwh} kWh` : '–', 'energy');
  const b = billedFact(r.billed);
  if (b) fact('billed', b[0], b[1]);
  fact('evseId', group.evseId);
  fact('token', group.token);
  fact('start', r.start?.time);
  fact('end', r.end?.time);
  fact('duration', r.durationSeconds ? `${r.durationSeconds} ${t('seconds')}` : null);
  fact('meter', [r.meterSerial, r.gatewaySerial].filter(Boolean).join(' / '));
  fact('trust', r.trust ? explainTrust(r.trust, lang()) : null);
  fact('records', String(group.values.length));
  box.append(facts);
  box.append(el('h3', {}, t('findings')));
  if (r.findings.length === 0) box.append(el('p', {}, t('noFindings')));
  const ul = el('ul', { class: 'findings' });
  for (const f of r.findings) {
    const where = [f.record !== null ? `${t('record')} ${f.record + 1}` : null, f.field, f.detail].filter(Boolean).join(', ');
    ul.append(el('li', { class: `sev-${f.severity}`, 'data-code': String(f.code) },
      `${f.severity}: ${f.message[lang()]}${where ? ` (${where})` : ''} [${f.code} ${f.name}]`));
  }
  box.append(ul);
  return box;
}

let current = null; // the last Extraction, for the XML export

function loadRegistry() {
  const text = $('registry').value;
  if (text.trim() === '') return null;
  return KeyRegistry.load(text, lang());
}

function run() {
  const results = $('results');
  const sessions = $('sessions');
  const notes = $('notes');
  results.replaceChildren();
  sessions.replaceChildren();
  notes.replaceChildren();
  $('xml-out').hidden = true;
  current?.free();
  current = extract($('record').value);
  const values = current.values;
  $('export').disabled = values.length === 0;
  $('count').textContent = values.length > 1 ? `${values.length} ${t('found')}` : '';

  let registry = null;
  try {
    registry = loadRegistry();
  } catch (e) {
    notes.append(el('div', { class: 'error-box registry-error' }, `${t('registryError')}: ${errorText(e)}`));
  }
  try {
    const typedKey = $('key').value.trim() || undefined;
    if (values.length === 0) {
      // Not OCMF: perhaps a signed value in another format.
      const other = verifyFormat($('record').value, { key: typedKey, registry, lang: lang() });
      try {
        if (other.format !== null) { results.append(renderFormat(other)); return; }
      } finally {
        other.free();
      }
    }
    const errors = current.errors;
    if (errors.length) {
      const ul = el('ul', { class: 'transport-errors' });
      for (const e of errors) {
        ul.append(el('li', { 'data-line': String(e.line ?? '') }, `${e.line ? `${t('line')} ${e.line}: ` : ''}${e.message} [${e.code} ${e.name}]`));
      }
      notes.append(el('h3', {}, t('inputErrors')), ul);
    }
    if (values.length === 0) { results.append(el('p', { class: 'none' }, t('none'))); return; }

    const profile = $('profile').value;
    let groups = [];
    try {
      groups = current.sessions({ key: typedKey, registry, profile, lang: lang() });
    } catch (e) {
      sessions.append(el('div', { class: 'error-box session-error' }, `${t('sessionError')}: ${errorText(e)}`));
    }
    if (groups.length) {
      sessions.append(el('h2', {}, t('sessions')));
      groups.forEach((g, i) => sessions.append(renderSession(g, i)));
    }
    // A value in another format: its check as the session made it (with
    // the key its container carried).
    const checks = new Map(groups.flatMap((g) => g.formats.map((f) => [f.value, f.check])));
    values.forEach((v, i) => {
      if (v.format !== null && checks.has(i)) {
        results.append(renderFormat(checkView(checks.get(i))));
        return;
      }
      try {
        const report = verify(v.record, { key: typedKey ?? v.publicKey ?? undefined, registry, profile, lang: lang() });
        results.append(renderRecord(report, i, values.length));
      } catch (e) {
        // Only a bad argument or an internal error (OcmfError 704) throws.
        results.append(el('div', { class: 'error-box record-error' }, `${t('recordError')} ${i + 1}: ${errorText(e)}`));
      }
    });
  } finally {
    registry?.free();
  }
}

function exportXml() {
  if (!current || current.values.length === 0) return;
  const xml = current.toXml();
  const out = $('xml-out');
  out.value = xml;
  out.hidden = false;
  const url = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
  const a = el('a', { href: url, download: 'ocmf-values.xml' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function applyLang() {
  document.documentElement.lang = lang();
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  if ($('results').childElementCount || $('sessions').childElementCount) run();
}

async function readInto(id, file) {
  $(id).value = await file.text();
  run();
}

await init({ module_or_path: new URL('./pkg/ocmf_bg.wasm', import.meta.url) });
$('check').addEventListener('click', run);
$('export').addEventListener('click', exportXml);
$('lang').addEventListener('change', applyLang);
$('profile').addEventListener('change', () => { if ($('results').childElementCount) run(); });
$('file').addEventListener('change', (e) => { if (e.target.files[0]) readInto('record', e.target.files[0]); });
$('registry-file').addEventListener('change', (e) => { if (e.target.files[0]) readInto('registry', e.target.files[0]); });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault(); drop.classList.remove('over');
  if (e.dataTransfer.files[0]) readInto('record', e.dataTransfer.files[0]);
});
document.body.dataset.ready = '1';
