// Static OCMF verifier page: everything runs locally through the wasm build.
import init, { verify, messageFor } from './pkg/ocmf.js';

const T = {
  en: {
    title: 'OCMF verifier', subtitle: 'Checks signed meter values locally in your browser. Nothing is uploaded.',
    language: 'Language', profile: 'Profile', recordLabel: 'Signed record (OCMF|…|…), reference-tool XML or OCPP log line',
    drop: 'Drop a file here or', keyLabel: 'Public key (optional: hex, base64 or PEM)', check: 'Check',
    valid: 'Valid: the signature matches and the record is in order.',
    'invalid-signature': 'Invalid signature: the data were changed or signed with another key.',
    malformed: 'Cannot be read: the record or key is malformed.',
    unsupported: 'Cannot be checked: something needed is missing or unsupported.',
    record: 'Record', found: 'records found', none: 'No OCMF record found in the input.',
    time: 'Time', reason: 'Type', value: 'Value', unit: 'Unit', obis: 'OBIS', status: 'Status',
    findings: 'Findings', noFindings: 'No findings.', meter: 'Meter', algorithm: 'Algorithm',
  },
  de: {
    title: 'OCMF-Prüfung', subtitle: 'Prüft signierte Messwerte lokal im Browser. Es wird nichts hochgeladen.',
    language: 'Sprache', profile: 'Profil', recordLabel: 'Signierter Datensatz (OCMF|…|…), XML der Transparenzsoftware oder OCPP-Logzeile',
    drop: 'Datei hierher ziehen oder', keyLabel: 'Öffentlicher Schlüssel (optional: hex, base64 oder PEM)', check: 'Prüfen',
    valid: 'Gültig: Die Signatur passt und der Datensatz ist in Ordnung.',
    'invalid-signature': 'Signatur ungültig: Die Daten wurden verändert oder mit einem anderen Schlüssel signiert.',
    malformed: 'Nicht lesbar: Datensatz oder Schlüssel ist fehlerhaft.',
    unsupported: 'Nicht prüfbar: Etwas Nötiges fehlt oder wird nicht unterstützt.',
    record: 'Datensatz', found: 'Datensätze gefunden', none: 'Kein OCMF-Datensatz in der Eingabe gefunden.',
    time: 'Zeit', reason: 'Art', value: 'Wert', unit: 'Einheit', obis: 'OBIS', status: 'Status',
    findings: 'Befunde', noFindings: 'Keine Befunde.', meter: 'Zähler', algorithm: 'Algorithmus',
  },
};

const $ = (id) => document.getElementById(id);
const lang = () => $('lang').value;
const t = (k) => T[lang()][k] ?? k;

/** Finds OCMF records in pasted text or a file: plain lines, reference-tool XML, OCPP logs. */
export function extractRecords(text) {
  const out = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('<')) {
    const doc = new DOMParser().parseFromString(trimmed, 'application/xml');
    for (const v of doc.querySelectorAll('value')) {
      const sd = v.querySelector('signedData');
      const pk = v.querySelector('publicKey');
      if (sd) out.push({ record: sd.textContent.trim(), key: pk ? pk.textContent.trim() : '' });
    }
    if (out.length) return out;
  }
  // OCPP: "signedMeterData": "OCMF|..." or "SignedData": "..." (JSON-escaped strings).
  const re = /"(?:signedMeterData|SignedData|signedData)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (const m of text.matchAll(re)) {
    let s;
    try { s = JSON.parse(`"${m[1]}"`); } catch { continue; }
    if (!s.startsWith('OCMF|')) {
      try { s = atob(s); } catch { /* not base64 */ }
    }
    if (s.startsWith('OCMF|')) out.push({ record: s, key: '' });
  }
  if (out.length) return out;
  if (trimmed.startsWith('OCMF|') && !/\nOCMF\|/.test(trimmed)) return [{ record: trimmed, key: '' }];
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf('OCMF|');
    if (i >= 0) out.push({ record: line.slice(i).trim(), key: '' });
  }
  return out;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function render(report, index, total) {
  const box = el('section', { class: 'result', 'data-verdict': report.verdict });
  if (total > 1) box.append(el('h2', {}, `${t('record')} ${index + 1}`));
  const v = el('div', { class: `verdict ${report.verdict}` }, t(report.verdict));
  box.append(v);
  if (report.verdict !== 'valid') {
    box.append(el('div', { class: 'code' }, `${report.message} [${report.code} ${report.codeName}]`));
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

function run() {
  const results = $('results');
  results.replaceChildren();
  const found = extractRecords($('record').value);
  $('count').textContent = found.length > 1 ? `${found.length} ${t('found')}` : '';
  if (found.length === 0) { results.append(el('p', { class: 'none' }, t('none'))); return; }
  const typedKey = $('key').value.trim();
  found.forEach((item, i) => {
    const key = typedKey || item.key || undefined;
    let report;
    try {
      report = verify(item.record, { key, profile: $('profile').value, lang: lang() });
    } catch (e) {
      report = { verdict: 'malformed', code: e.code ?? 704, codeName: e.codeName ?? 'internal', message: e.message, findings: [], record: null };
    }
    results.append(render(report, i, found.length));
  });
}

function applyLang() {
  document.documentElement.lang = lang();
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  if ($('results').childElementCount) run();
}

async function readFile(file) {
  $('record').value = await file.text();
  run();
}

await init({ module_or_path: new URL('./pkg/ocmf_bg.wasm', import.meta.url) });
void messageFor; // available for custom messages
$('check').addEventListener('click', run);
$('lang').addEventListener('change', applyLang);
$('profile').addEventListener('change', () => { if ($('results').childElementCount) run(); });
$('file').addEventListener('change', (e) => { if (e.target.files[0]) readFile(e.target.files[0]); });
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault(); drop.classList.remove('over');
  if (e.dataTransfer.files[0]) readFile(e.dataTransfer.files[0]);
});
document.body.dataset.ready = '1';
