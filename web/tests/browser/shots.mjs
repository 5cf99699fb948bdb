#!/usr/bin/env node
// Design review aid: screenshots of the main pages at desktop and phone sizes into web/test-results/.
// Usage: node web/tests/browser/shots.mjs --base-url URL --email E --password P
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (n, d) => { const i = argv.indexOf('--' + n); return i >= 0 ? argv[i + 1] : d; };
const base = opt('base-url', 'http://127.0.0.1:18081');
const out = path.resolve(here, '..', '..', 'test-results', 'shots');
fs.mkdirSync(out, { recursive: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stio-shots-'));
const ctx = await chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', headless: true, locale: opt('locale', 'vi-VN'),
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await ctx.newPage();
await page.goto(base + '/#/login');
await page.fill('#f-email', opt('email', 'admin@example.vn'));
await page.fill('#f-password', opt('password', 'Passw0rd!x'));
await page.click('#login-submit');
await page.waitForSelector('#user-menu');
await page.evaluate((l) => localStorage.setItem('stio.lang', l), opt('lang', 'vi'));
await page.reload();
await page.waitForSelector('#user-menu');
const pages = (opt('pages', '') || '/,/units,/units/01,/communes/00004,/units/convert?old=Phúc Xá,/organizations,/organizations/4,/organizations/new,/people,/people/1,/people/new,/audit,/search?q=cong nghe sinh hoc,/tokens,/import').split(',');
for (const [label, vp] of [['desktop', { width: 1366, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
  await page.setViewportSize(vp);
  for (const p of pages) {
    await page.goto(base + '/#' + p);
    await page.waitForTimeout(700);
    const name = `${opt('lang', 'vi')}-${label}-${p.replace(/[^a-z0-9]+/gi, '_') || 'home'}.png`;
    await page.screenshot({ path: path.join(out, name), fullPage: label === 'desktop' });
  }
}
await ctx.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log('screenshots in', out);
