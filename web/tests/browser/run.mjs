#!/usr/bin/env node
// Browser tests for the stio portal, driven by playwright-core and the system Chromium.
// Usage: node web/tests/browser/run.mjs --base-url http://127.0.0.1:PORT --email E --password P [--only substr]
// Prints one line per test and a final line "N passed, M failed"; exit status 1 if any failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tests } from './tests.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.indexOf('--' + name); return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def; };
const baseUrl = opt('base-url', process.env.STIO_BASE_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const email = opt('email', process.env.STIO_EMAIL || 'admin@example.vn');
const password = opt('password', process.env.STIO_PASSWORD || 'Passw0rd!x');
const only = opt('only', '');
const executablePath = opt('chromium', process.env.CHROMIUM || '/usr/bin/chromium');
const outDir = path.resolve(here, '..', '..', 'test-results');
fs.mkdirSync(outDir, { recursive: true });

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stio-chromium-'));
const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath, headless: true, args: launchArgs, viewport: { width: 1366, height: 900 },
    locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh',
  });
} catch (e) {
  console.error('cannot launch Chromium:', e.message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
context.setDefaultTimeout(15000);

const shared = { baseUrl, email, password, outDir, context, state: {} };
let passed = 0, failed = 0;
const started = Date.now();
for (const t of tests) {
  if (only && !only.split(',').some((o) => t.name.includes(o))) continue;
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) pageErrors.push('CSP: ' + m.text()); });
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  if (process.env.STIO_TEST_DEBUG) {
    page.on('request', (r) => { if (r.method() !== 'GET') console.log('  >', r.method(), r.url(), r.postData() ?? ''); });
    page.on('response', (r) => { if (r.request().method() !== 'GET') console.log('  <', r.status(), r.url()); });
  }
  const t0 = Date.now();
  try {
    await t.run({ ...shared, page });
    if (pageErrors.length) throw new Error('uncaught page error: ' + pageErrors.join(' | '));
    passed++;
    console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name} (${Date.now() - t0} ms): ${String(e && e.message || e).split('\n').slice(0, 6).join('\n     ')}`);
    const shot = path.join(outDir, 'fail-' + t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase() + '.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  } finally {
    await page.close().catch(() => {});
  }
}
await context.close().catch(() => {});
fs.rmSync(userDataDir, { recursive: true, force: true });
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s, against ${baseUrl})`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
