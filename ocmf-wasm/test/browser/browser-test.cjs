// Headless Chromium test of the static page (web/): valid and tampered records,
// EN/DE switch, XML and OCPP extraction by the core, the demo OCPP log of
// examples/ocpp with its key registry (five sessions), the XML export read
// back into the same sessions, OCPI charge detail records (EVSE id, token,
// billed against signed energy, the 807 entry), signed values in the other
// formats (Alfen, EDL40: verdict, key source, registry trust), and no request
// leaves 127.0.0.1.
// Prints `ok ...` / `not ok ...` lines; exits non-zero on any failure.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const REPO = process.env.OCMF_REPO;
const DIST = process.env.OCMF_WEB_DIST;
const OUT = process.env.OCMF_TEST_OUT;
const RECORD = fs.readFileSync(path.join(REPO, 'examples/keba-p256.ocmf'), 'utf8').trim();
const KEY = fs.readFileSync(path.join(REPO, 'examples/keba-p256.key'), 'utf8').trim();
const TAMPERED = RECORD.replace('"RV":0.2597', '"RV":0.2598');
const LOG = fs.readFileSync(path.join(REPO, 'examples/ocpp/stations.log'), 'utf8');
const REGISTRY = fs.readFileSync(path.join(REPO, 'examples/ocpp/registry.csv'), 'utf8');
// (station, verdict, trust, kWh) as in ocmf-cli/tests/sessions.rs.
const EXPECTED = [
  ['CP-1', 'valid', 'trusted', '22.3242'],
  ['CP-2', 'valid', 'trusted', '31.2500'],
  ['CP-3', 'valid', 'untrusted', '22.6770'],
  ['CP-4', 'invalid', 'mismatch', '30.5000'],
  ['CP-5', 'incomplete', 'trusted', ''],
];
const CDR_DIR = path.join(REPO, 'ocmf-core/tests/data/cdr');
const OCPI_PAGE = fs.readFileSync(path.join(CDR_DIR, 'ocpi_cdrs_page.json'), 'utf8');
const OCPI_MISMATCH = fs.readFileSync(path.join(CDR_DIR, 'ocpi_cdr_billed_mismatch.json'), 'utf8');
const OCPI_EDL40 = fs.readFileSync(path.join(CDR_DIR, '../containers/ocpi_edl40.json'), 'utf8');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const SAMPLES = fs.readFileSync(path.join(REPO, 'ocmf-core/tests/data/formats/samples.jsonl'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
/** RFC 4648 base32 text as uppercase hex. */
function base32Hex(text) {
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return bytes.map((b) => parseInt(b, 2).toString(16).padStart(2, '0')).join('').toUpperCase();
}

let failed = 0;
function check(name, cond, detail = '') {
  if (cond) console.log(`ok ${name}`);
  else { failed += 1; console.log(`not ok ${name} ${detail}`); }
}

async function main() {
  if (RECORD === TAMPERED) throw new Error('tampering did not change the record');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const file = path.normalize(path.join(DIST, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404); res.end(); return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const requests = [];
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(base);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
    check('page loads the wasm module', true);

    const verdictOf = async (record, key) => {
      await page.fill('#record', record);
      await page.fill('#key', key);
      await page.click('#check');
      await page.waitForSelector('#results .result, #results .none');
      return page.$$eval('#results .result', (els) => els.map((e) => ({
        verdict: e.dataset.verdict,
        text: e.querySelector('.verdict').textContent,
        values: [...e.querySelectorAll('table.readings td.num')].map((td) => td.textContent),
        findings: e.querySelectorAll('ul.findings li').length,
      })));
    };

    const sessionsOf = () => page.$$eval('#sessions .session', (els) => els.map((e) => ({
      station: e.dataset.station,
      verdict: e.dataset.verdict,
      trust: e.dataset.trust,
      kwh: e.dataset.kwh,
      energy: e.querySelector('.energy')?.textContent,
      explanation: e.querySelector('.verdict').textContent,
      findings: e.querySelectorAll('ul.findings li').length,
      findingTexts: [...e.querySelectorAll('ul.findings li')].map((li) => li.textContent),
    })));

    let r = await verdictOf(RECORD, KEY);
    check('valid record shows valid', r.length === 1 && r[0].verdict === 'valid', JSON.stringify(r));
    // The verdict sentences are the core's (Verdict::explain through explainVerdict).
    check('valid verdict in plain words', /^The signature is valid:/.test(r[0]?.text ?? ''), r[0]?.text);
    check('readings table shows exact decimals', JSON.stringify(r[0]?.values) === '["0.2596","0.2597"]', JSON.stringify(r[0]?.values));
    check('findings are listed', (r[0]?.findings ?? 0) > 0);
    await page.screenshot({ path: path.join(OUT, 'wasm-web-valid.png'), fullPage: true });

    r = await verdictOf(TAMPERED, KEY);
    check('tampered record shows invalid-signature', r.length === 1 && r[0].verdict === 'invalid-signature', JSON.stringify(r));
    await page.screenshot({ path: path.join(OUT, 'wasm-web-tampered.png'), fullPage: true });

    await page.selectOption('#lang', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    const de = await page.$eval('#results .verdict', (e) => e.textContent);
    check('DE switch translates the verdict', /^Die Signatur passt nicht/.test(de), de);
    check('DE switch translates the button', (await page.textContent('#check')) === 'Prüfen');
    await page.screenshot({ path: path.join(OUT, 'wasm-web-de.png'), fullPage: true });
    await page.selectOption('#lang', 'en');

    const xml = `<?xml version="1.0"?><values><value transactionId="1" context="Transaction.Begin"><signedData format="OCMF" encoding="plain">${RECORD.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</signedData><publicKey encoding="plain">${KEY}</publicKey></value><value><signedData format="OCMF" encoding="plain">${TAMPERED}</signedData></value></values>`;
    r = await verdictOf(xml, KEY);
    check('reference-tool XML: two records extracted', r.length === 2, JSON.stringify(r));
    check('reference-tool XML verdicts', r[0]?.verdict === 'valid' && r[1]?.verdict === 'invalid-signature', JSON.stringify(r));

    const signedMeterValue = { signedMeterData: Buffer.from(RECORD).toString('base64'), signingMethod: '', encodingMethod: 'OCMF', publicKey: '' };
    const ocpp = `2024-01-01T10:00:00Z CP7 -> [2,"42","MeterValues",{"evseId":1,"meterValue":[{"timestamp":"2019-08-13T10:03:36Z","sampledValue":[{"value":0.2597,"context":"Transaction.End","signedMeterValue":${JSON.stringify(signedMeterValue)}}]}]}]`;
    r = await verdictOf(ocpp, KEY);
    check('OCPP 2.0.1 log line: record extracted and valid', r.length === 1 && r[0].verdict === 'valid', JSON.stringify(r));
    const one = await sessionsOf();
    check('OCPP 2.0.1 log line: one session for station CP7', one.length === 1 && one[0].station === 'CP7', JSON.stringify(one));

    r = await verdictOf(RECORD, '');
    check('no key: unsupported, not a crash', r.length === 1 && r[0].verdict === 'unsupported', JSON.stringify(r));

    // The demo OCPP log with its key registry: five sessions.
    await page.fill('#registry', REGISTRY);
    r = await verdictOf(LOG, '');
    check('demo log: nine records checked', r.length === 9, String(r.length));
    let s = await sessionsOf();
    check('demo log: five sessions with verdict, trust and exact kWh',
      JSON.stringify(s.map((x) => [x.station, x.verdict, x.trust, x.kwh])) === JSON.stringify(EXPECTED), JSON.stringify(s));
    check('demo log: energy shown as exact decimal', s[0]?.energy === '22.3242 kWh', s[0]?.energy);
    check('demo log: the truncated frame is reported with its line',
      JSON.stringify(await page.$$eval('ul.transport-errors li', (els) => els.map((e) => e.dataset.line))) === '["14"]');
    check('demo log: invalid and incomplete sessions list their findings',
      s.filter((x) => x.verdict !== 'valid').every((x) => x.findings > 0) && s.some((x) => x.verdict !== 'valid'),
      JSON.stringify(s.map((x) => [x.verdict, x.findings])));
    check('demo log: record trust from the registry', (await page.$$eval('#results .trust', (els) => els.map((e) => e.dataset.trust)))
      .join() === 'trusted,trusted,trusted,trusted,untrusted,untrusted,mismatch,mismatch,trusted');
    await page.screenshot({ path: path.join(OUT, 'wasm-web-sessions.png'), fullPage: true });

    await page.selectOption('#lang', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    s = await sessionsOf();
    check('DE: session explanation in German', /Die angezeigte Energie darf abgerechnet werden/.test(s[0]?.explanation ?? ''), s[0]?.explanation);
    check('DE: session key trust explained in German (the core\'s Trust::explain)',
      /registrierte/.test(await page.$eval('#sessions .session dl.facts', (e) => e.textContent).catch(() => '')));
    check('DE: missing end reading explained in German', s[4]?.findingTexts.some((x) => /Endzählerstand/.test(x)), JSON.stringify(s[4]?.findingTexts));
    await page.screenshot({ path: path.join(OUT, 'wasm-web-sessions-de.png'), fullPage: true });
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    s = await sessionsOf();
    check('EN: session explanation in English', /The energy shown may be billed/.test(s[0]?.explanation ?? ''), s[0]?.explanation);

    // Export XML, read it back: the same five sessions.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click('#export')]);
    check('XML export is offered as a download', download.suggestedFilename() === 'ocmf-values.xml', download.suggestedFilename());
    const xmlOut = await page.inputValue('#xml-out');
    check('XML export holds the nine values', (xmlOut.match(/<signedData/g) ?? []).length === 9);
    fs.writeFileSync(path.join(OUT, 'wasm-web-export.xml'), xmlOut);
    r = await verdictOf(xmlOut, '');
    s = await sessionsOf();
    check('XML export read back: nine records', r.length === 9, String(r.length));
    check('XML export read back: the same five sessions',
      JSON.stringify(s.map((x) => [x.station, x.verdict, x.trust, x.kwh])) === JSON.stringify(EXPECTED), JSON.stringify(s));
    check('XML export read back: no input errors', (await page.$('ul.transport-errors')) === null);

    // A malformed registry: a typed error with its line, the rest still works.
    await page.fill('#registry', 'meter_serial,public_key\nX1,zz\n');
    r = await verdictOf(LOG, '');
    const regErr = await page.textContent('.registry-error').catch(() => '');
    check('malformed registry: 802 with its line shown', /802/.test(regErr) && /line 2/.test(regErr), regErr);
    s = await sessionsOf();
    check('malformed registry: sessions still checked without it', s.length === 5 && s[2].trust === 'untrusted', JSON.stringify(s));
    // An unreadable explicit key: a session error, records still shown.
    await page.fill('#registry', '');
    r = await verdictOf(LOG, 'zz');
    check('unreadable key: session error shown, records still listed',
      (await page.$('.session-error')) !== null && r.length === 9, String(r.length));
    // Malformed XML: an 806 entry, no crash.
    r = await verdictOf('<values><value><signedData>', '');
    check('malformed XML: error entry 806, no record', r.length === 0
      && /806/.test(await page.textContent('ul.transport-errors').catch(() => '')));
    await page.fill('#registry', '');
    r = await verdictOf('hello', KEY);
    check('no record in input: message shown', r.length === 0 && (await page.$('#results .none')) !== null);

    // Signed values in the other formats (verifyFormat): detected, verdict shown.
    const formatOf = () => page.$$eval('#results .format-result', (els) => els.map((e) => ({
      verdict: e.dataset.verdict, format: e.dataset.format, trust: e.dataset.trust, keySource: e.dataset.keySource,
      values: [...e.querySelectorAll('table.readings td.num')].map((td) => td.textContent),
    })));
    const alfen = SAMPLES.find((x) => x.id === 'alfen-000');
    r = await verdictOf(alfen.signed_value, '');
    let f = await formatOf();
    check('Alfen value: detected and valid, with the carried key',
      f.length === 1 && f[0].format === 'ALFEN' && f[0].verdict === 'valid' && f[0].keySource === 'carried', JSON.stringify(f));
    check('Alfen value: readings as exact decimals', f[0]?.values.length > 0 && f[0].values.every((v) => /^\d+(\.\d+)?$/.test(v)),
      JSON.stringify(f[0]?.values));
    await page.screenshot({ path: path.join(OUT, 'wasm-web-format.png'), fullPage: true });
    const data = alfen.signed_value.split(';')[4];
    const changed = data.slice(0, 10) + (data[10] === 'A' ? 'B' : 'A') + data.slice(11);
    r = await verdictOf(alfen.signed_value.replace(data, changed), '');
    f = await formatOf();
    check('Alfen value, one character changed: invalid-signature', f.length === 1 && f[0].verdict === 'invalid-signature', JSON.stringify(f));
    const edl = SAMPLES.find((x) => x.format === 'EDL40' && x.independent_check === 'valid' && x.public_key);
    r = await verdictOf(edl.signed_value, edl.public_key);
    f = await formatOf();
    check('EDL40 value with its key: valid', f.length === 1 && f[0].format === 'EDL40' && f[0].verdict === 'valid'
      && f[0].keySource === 'caller', JSON.stringify(f));
    // The registry names the key the Alfen line carries (field 3, base32) for its meter.
    r = await verdictOf(alfen.signed_value, '');
    const meter = await page.$eval('#results .format-result', (e) => e.dataset.meter);
    await page.fill('#registry', `meter_serial,public_key,source\n${meter},${base32Hex(alfen.signed_value.split(';')[3])},test\n`);
    r = await verdictOf(alfen.signed_value, '');
    f = await formatOf();
    check('Alfen value with a registry naming its key: trusted', f[0]?.trust === 'trusted' && f[0]?.keySource === 'registry', JSON.stringify(f));
    await page.fill('#registry', '');

    // OCPI charge detail records: a GET /cdrs page (one CDR in another
    // encoding: 807) and a CDR whose billed energy is not the signed one.
    const cdrOf = () => page.$$eval('#sessions .session', (els) => els.map((e) => ({
      evseId: e.dataset.evseId,
      billed: e.dataset.billed,
      billedText: e.querySelector('dd.billed')?.textContent ?? '',
      differs: e.querySelector('dd.billed-differs') !== null,
      facts: e.querySelector('dl.facts').textContent,
      codes: [...e.querySelectorAll('ul.findings li')].map((li) => li.dataset.code),
    })));
    const pageEvse = new Set(JSON.parse(OCPI_PAGE).data.map((c) => c.cdr_location.evse_id));
    const pageToken = JSON.parse(OCPI_PAGE).data[0].cdr_token.uid;
    r = await verdictOf(OCPI_PAGE, '');
    let c = await cdrOf();
    check('OCPI page: two sessions, each with its EVSE id from the CDR',
      c.length === 2 && c.every((x) => pageEvse.has(x.evseId)) && new Set(c.map((x) => x.evseId)).size === 2, JSON.stringify(c));
    check('OCPI page: the token is shown', c.every((x) => x.facts.includes(`Token${pageToken}`)), JSON.stringify(c.map((x) => x.facts)));
    check('OCPI page: billed energy agrees with the signed energy, marked',
      c.every((x) => x.billed === 'true' && x.billedText.includes('✓') && !x.differs), JSON.stringify(c));
    check('OCPI page: the CDR in another encoding is error entry 807',
      /807/.test(await page.textContent('ul.transport-errors').catch(() => '')) && r.length === 3, String(r.length));
    r = await verdictOf(OCPI_MISMATCH, '');
    c = await cdrOf();
    const billedKwh = String(JSON.parse(OCPI_MISMATCH).total_energy);
    check('OCPI billed != signed: marked as differing, with both values',
      c.length === 1 && c[0].billed === 'false' && c[0].differs && c[0].billedText.includes(`${billedKwh} kWh ≠`), JSON.stringify(c));
    check('OCPI billed != signed: billed_energy_mismatch (1190) listed', c[0]?.codes.includes('1190'), JSON.stringify(c[0]?.codes));
    check('OCPI billed != signed: session invalid', (await sessionsOf())[0]?.verdict === 'invalid');
    // An OCPI CDR whose two values are EDL40 (key carried by the CDR): one
    // format session with its energy, each value checked with the carried key.
    r = await verdictOf(OCPI_EDL40, '');
    const fsess = await page.$$eval('#sessions .session', (els) => els.map((e) => ({
      verdict: e.dataset.verdict, format: e.dataset.format, kwh: e.dataset.kwh,
    })));
    check('OCPI EDL40 CDR: one valid EDL40 format session of 0.0019 kWh',
      fsess.length === 1 && fsess[0].verdict === 'valid' && fsess[0].format === 'EDL40' && fsess[0].kwh === '0.0019',
      JSON.stringify(fsess));
    f = await formatOf();
    check('OCPI EDL40 CDR: both values valid with the carried key',
      f.length === 2 && f.every((x) => x.format === 'EDL40' && x.verdict === 'valid' && x.keySource === 'carried'),
      JSON.stringify(f));
    r = await verdictOf(OCPI_MISMATCH, '');
    await page.screenshot({ path: path.join(OUT, 'wasm-web-cdr.png'), fullPage: true });
    await page.selectOption('#lang', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    c = await cdrOf();
    check('DE: billed fact in German', /Abgerechnet/.test(c[0]?.facts ?? '') && /weicht von der signierten Energie ab/.test(c[0]?.billedText ?? ''),
      JSON.stringify(c[0]));
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => document.documentElement.lang === 'en');

    check('no page errors', errors.length === 0, errors.join('; '));
    const foreign = requests.filter((u) => { const h = new URL(u).hostname; return h !== '127.0.0.1' && h !== 'localhost'; });
    check(`every request stays on 127.0.0.1 (${requests.length} requests)`, requests.length > 0 && foreign.length === 0, foreign.join(' '));
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(() => process.exit(failed ? 1 : 0), (e) => { console.log(`not ok browser test crashed: ${e.stack}`); process.exit(1); });
