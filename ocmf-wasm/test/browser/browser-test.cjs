// Headless Chromium test of the static page (web/): valid and tampered records,
// EN/DE switch, XML and OCPP extraction, and no request leaves 127.0.0.1.
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
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

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

    let r = await verdictOf(RECORD, KEY);
    check('valid record shows valid', r.length === 1 && r[0].verdict === 'valid', JSON.stringify(r));
    check('valid verdict in plain words', /^Valid:/.test(r[0]?.text ?? ''), r[0]?.text);
    check('readings table shows exact decimals', JSON.stringify(r[0]?.values) === '["0.2596","0.2597"]', JSON.stringify(r[0]?.values));
    check('findings are listed', (r[0]?.findings ?? 0) > 0);
    await page.screenshot({ path: path.join(OUT, 'wasm-web-valid.png'), fullPage: true });

    r = await verdictOf(TAMPERED, KEY);
    check('tampered record shows invalid-signature', r.length === 1 && r[0].verdict === 'invalid-signature', JSON.stringify(r));
    await page.screenshot({ path: path.join(OUT, 'wasm-web-tampered.png'), fullPage: true });

    await page.selectOption('#lang', 'de');
    await page.waitForFunction(() => document.documentElement.lang === 'de');
    const de = await page.$eval('#results .verdict', (e) => e.textContent);
    check('DE switch translates the verdict', /^Signatur ungültig/.test(de), de);
    check('DE switch translates the button', (await page.textContent('#check')) === 'Prüfen');
    await page.screenshot({ path: path.join(OUT, 'wasm-web-de.png'), fullPage: true });
    await page.selectOption('#lang', 'en');

    const xml = `<?xml version="1.0"?><values><value transactionId="1" context="Transaction.Begin"><signedData format="OCMF" encoding="plain">${RECORD.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</signedData><publicKey encoding="plain">${KEY}</publicKey></value><value><signedData format="OCMF" encoding="plain">${TAMPERED}</signedData></value></values>`;
    r = await verdictOf(xml, KEY);
    check('reference-tool XML: two records extracted', r.length === 2, JSON.stringify(r));
    check('reference-tool XML verdicts', r[0]?.verdict === 'valid' && r[1]?.verdict === 'invalid-signature', JSON.stringify(r));

    const ocpp = `2024-01-01T10:00:00Z [2,"42","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2019-08-13T10:03:36Z","sampledValue":[{"value":"0.2597","format":"SignedData","signedMeterData":${JSON.stringify(RECORD)}}]}]}]`;
    r = await verdictOf(ocpp, KEY);
    check('OCPP log line: record extracted and valid', r.length === 1 && r[0].verdict === 'valid', JSON.stringify(r));

    r = await verdictOf(RECORD, '');
    check('no key: unsupported, not a crash', r.length === 1 && r[0].verdict === 'unsupported', JSON.stringify(r));
    r = await verdictOf('hello', KEY);
    check('no record in input: message shown', r.length === 0 && (await page.$('#results .none')) !== null);

    check('no page errors', errors.length === 0, errors.join('; '));
    const foreign = requests.filter((u) => { const h = new URL(u).hostname; return h !== '127.0.0.1' && h !== 'localhost'; });
    check(`every request stays on 127.0.0.1 (${requests.length} requests)`, requests.length > 0 && foreign.length === 0, foreign.join(' '));
  } finally {
    await browser.close();
    server.close();
  }
}

main().then(() => process.exit(failed ? 1 : 0), (e) => { console.log(`not ok browser test crashed: ${e.stack}`); process.exit(1); });
