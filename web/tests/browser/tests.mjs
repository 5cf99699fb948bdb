// The browser test cases (run by run.mjs, in order; later ones rely on the login test's session).
import fs from 'node:fs';
import path from 'node:path';
import { assert, open, waitCount, text, login, signOut, apiCall } from './helpers.mjs';
import { ipTests } from './ip-tests.mjs';
import { ipOriginTests } from './ip-origin-tests.mjs';
import { dealsTests } from './exchange-deals-tests.mjs';
import { ipAdviceTests } from './ip-advice-tests.mjs';
import { indexTests } from './index-tests.mjs';
import { monitoringFormsTests } from './monitoring-forms-tests.mjs';

/** A random tax code with a valid check digit (weights 31 29 23 19 17 13 7 5 3). */
function validTaxCode() {
  for (;;) {
    const d = Array.from({ length: 9 }, (_, i) => (i === 0 ? 1 + Math.floor(Math.random() * 8) : Math.floor(Math.random() * 10)));
    const s = [31, 29, 23, 19, 17, 13, 7, 5, 3].reduce((a, w, i) => a + w * d[i], 0);
    const c = 10 - (s % 11);
    if (c < 10) return d.join('') + c;
  }
}

/** A random ORCID iD with a valid ISO 7064 MOD 11-2 check character. */
function validOrcid() {
  const d = '0000' + String(Math.floor(Math.random() * 1e11)).padStart(11, '0');
  let total = 0;
  for (const c of d) total = (total + Number(c)) * 2;
  const r = (12 - (total % 11)) % 11;
  const all = d + (r === 10 ? 'X' : String(r));
  return all.replace(/(.{4})(?=.)/g, '$1-');
}

async function logout(page) {
  await page.click('#user-menu');
  await page.click('#logout');
  await page.waitForSelector('#login-link');
}

async function createOrgViaForm(page, baseUrl, { name, kind = 'research_institute', tax = '', province = '01', founded = '' }) {
  await open(page, baseUrl, '/organizations/new');
  await page.waitForSelector('#org-form');
  await page.selectOption('#f-kind', kind);
  await page.fill('#f-name', name);
  if (tax) await page.fill('#f-tax_code', tax);
  if (founded) await page.fill('#f-founded_on', founded);
  await page.waitForFunction(() => document.querySelectorAll('#f-province_code option').length > 1);
  if (province) await page.selectOption('#f-province_code', province);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/organizations') && r.request().method() === 'POST'),
    page.click('#org-save'),
  ]);
  if (resp.status() !== 201 && resp.status() !== 200) throw new Error(`create organization: HTTP ${resp.status()} ${await resp.text()}`);
  await page.waitForFunction(() => /^#\/organizations\/\d+$/.test(location.hash));
  await page.waitForSelector('h1.page-title');
  const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
  return id;
}

async function deleteOrgViaUi(page, baseUrl, id) {
  await open(page, baseUrl, `/organizations/${id}`);
  await page.waitForSelector('#org-delete');
  await page.click('#org-delete');
  await page.waitForSelector('dialog[open] [data-confirm]');
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/v1/organizations/${id}`) && r.request().method() === 'DELETE'),
    page.click('dialog[open] [data-confirm]'),
  ]);
  assert(resp.status() === 204 || resp.status() === 200, `delete: HTTP ${resp.status()}`);
  await page.waitForFunction(() => location.hash.startsWith('#/organizations') && !/\d/.test(location.hash));
}

/** Two organizations, a member of each and a reviewer, created once through the admin API. */
async function exchangeFixture({ page, baseUrl, state }) {
  if (state.exchange) return state.exchange;
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  const stamp = 'sx' + Date.now().toString(36);
  const pw = 'Mật-khẩu-thử-nghiệm-1';
  const orgA = await apiCall(page, 'POST', '/organizations', { kind: 'research_institute', name: `Viện Màng Lọc ${stamp}`, province_code: '01' });
  const orgB = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Thủy Sản ${stamp}`, province_code: '79' });
  assert(orgA.status === 201 && orgB.status === 201, `organizations: ${orgA.status} ${orgB.status}`);
  const user = async (who, role, org) => {
    const u = { email: `${who}.${stamp}@example.vn`, password: pw };
    const r = await apiCall(page, 'POST', '/users', { email: u.email, display_name: `${who} ${stamp}`, role, organization_id: org ?? undefined, password: pw });
    assert(r.status === 201, `user ${who}: ${r.status} ${JSON.stringify(r.body)}`);
    return u;
  };
  state.exchange = {
    stamp, contactEmail: `lienhe.${stamp}@example.vn`,
    memberA: await user('thanhvien-a', 'member', orgA.body.id),
    memberB: await user('thanhvien-b', 'member', orgB.body.id),
    reviewer: await user('thamdinh', 'reviewer', null),
  };
  return state.exchange;
}

const foldText = (x) => x.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();

export const tests = [
  {
    name: 'home page map renders 34 provinces, legend, stats and tooltip (screenshots)',
    async run({ page, baseUrl, outDir }) {
      await page.setViewportSize({ width: 1366, height: 900 });
      await open(page, baseUrl, '/');
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      const n = await waitCount(page, 'svg.province-map path.province', 34, true);
      assert(n === 34, `expected 34 province paths, got ${n}`);
      const swatches = await waitCount(page, '.map-legend li', 3);
      assert(swatches >= 3, 'legend has too few classes');
      const cap = await text(page, '.map-legend figcaption');
      assert(cap.includes('người/km²'), `legend caption: ${cap}`);
      await waitCount(page, '.stats .stat', 6, true);
      const fills = await page.$$eval('path.province', (ps) => new Set(ps.map((p) => p.getAttribute('fill'))).size);
      assert(fills >= 3, `map should use several colours, got ${fills}`);
      // Numbers are vi-VN formatted (dot thousands separators) in the ranking list.
      const rank = await text(page, '.rank li .num');
      assert(/\d\.\d{3}|^\d{1,3} /.test(rank), `vi-VN number format expected: ${rank}`);
      const hn = page.locator('path.province[data-code="01"]');
      await hn.hover();
      await page.waitForSelector('#map-tip:not([hidden])', { timeout: 5000 }).catch(async () => {
        // pointer events can be missed when the pointer already sits there: move off and back
        await page.mouse.move(0, 0);
        await hn.hover();
        await page.waitForSelector('#map-tip:not([hidden])', { timeout: 5000 });
      }).catch(() => { throw new Error('tooltip did not appear on hover'); });
      const tip = await text(page, '#map-tip');
      assert(tip.includes('Hà Nội') && tip.includes('người/km²'), `tooltip: ${tip}`);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(outDir, 'home-desktop.png'), fullPage: true });
      await hn.click();
      await page.waitForFunction(() => location.hash === '#/units/01');
      // keyboard: a province is focusable and Enter opens it
      await page.goBack();
      await waitCount(page, 'svg.province-map path.province', 34, true);
      await page.mouse.move(0, 0);
      await page.focus('path.province[data-code="79"]');
      await page.waitForSelector('#map-tip:not([hidden])', { timeout: 5000 }).catch(() => { throw new Error('tooltip did not appear on keyboard focus'); });
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#/units/79');
      await page.setViewportSize({ width: 390, height: 844 });
      await open(page, baseUrl, '/');
      await waitCount(page, 'svg.province-map path.province', 34, true);
      await waitCount(page, '.stats .stat', 6, true);
      await page.screenshot({ path: path.join(outDir, 'home-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'language switch changes labels and is remembered',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/organizations');
      await page.waitForSelector('.nav-link[data-route="organizations"]');
      assert(await text(page, '.nav-link[data-route="organizations"]') === 'Tổ chức', 'default language should be Vietnamese');
      assert(await page.evaluate(() => document.documentElement.lang) === 'vi', 'html lang vi');
      await page.click('#lang-switch');
      await page.waitForFunction(() => document.querySelector('.nav-link[data-route="organizations"]')?.textContent === 'Organizations');
      assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang en');
      assert((await text(page, 'h1')).includes('Organizations'), 'page title translated');
      await page.reload();
      await page.waitForFunction(() => document.querySelector('.nav-link[data-route="organizations"]')?.textContent === 'Organizations');
      await page.click('#lang-switch');
      await page.waitForFunction(() => document.querySelector('.nav-link[data-route="organizations"]')?.textContent === 'Tổ chức');
      assert((await text(page, '.nav-link[data-route="units"]')) === 'Đơn vị hành chính', 'units label');
    },
  },
  {
    name: 'unit browser: provinces, a province\'s communes with search, commune predecessors, converter',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/units');
      const rows = await waitCount(page, 'table.data-table tbody tr', 34, true);
      assert(rows === 34, `34 provinces expected, got ${rows}`);
      await page.click('th button[data-sort="density"]');
      await page.waitForFunction(() => location.hash.includes('sort=density'));
      await page.click('th button[data-sort="density"]');
      await page.waitForFunction(() => location.hash.includes('sort=-density'));
      await page.waitForFunction(() => document.querySelector('table.data-table tbody tr td a')?.textContent?.includes('Hồ Chí Minh')
        || document.querySelector('table.data-table tbody tr td a')?.textContent?.includes('Hà Nội'));
      await open(page, baseUrl, '/units/01');
      await page.waitForSelector('[data-testid="merged-from"]');
      const n = await waitCount(page, '.communes-host tbody tr', 10);
      assert(n >= 10, `communes of Hà Nội: ${n}`);
      await page.fill('#commune-search', 'ba dinh');
      await page.waitForFunction(() => {
        const rows = [...document.querySelectorAll('.communes-host tbody tr')];
        return rows.length > 0 && rows.length < 10 && rows.every((r) => /Ba Đình/i.test(r.textContent || ''));
      });
      await page.click('.communes-host tbody tr a:has-text("Ba Đình")');
      await page.waitForFunction(() => /^#\/communes\/\d{5}$/.test(location.hash));
      const preds = await waitCount(page, '[data-testid="predecessors"] tbody tr', 2);
      assert(preds >= 2, `predecessors of Ba Đình: ${preds}`);
      const t = await text(page, '[data-testid="predecessors"] tbody');
      assert(/Nhập (toàn bộ|một phần)/.test(t), `merge type shown: ${t.slice(0, 200)}`);
      assert(t.includes('Quán Thánh') || t.includes('Trúc Bạch'), 'known predecessor listed');
      await open(page, baseUrl, '/units/convert?old=00013');
      await page.waitForSelector('.conv-item');
      assert((await text(page, '.conv-item')).includes('Ba Đình'), 'converter 00013 -> Ba Đình');
    },
  },
  {
    name: 'login with the given account shows the user menu',
    async run({ page, baseUrl, email, password }) {
      await open(page, baseUrl, '/login');
      await page.waitForSelector('#login-form');
      await page.fill('#f-email', email);
      await page.fill('#f-password', password + 'wrong');
      await page.click('#login-submit');
      await page.waitForFunction(() => (document.querySelector('.form-summary')?.textContent || '').length > 0);
      await page.fill('#f-password', password);
      await page.click('#login-submit');
      await page.waitForSelector('#user-menu');
      await page.waitForFunction(() => location.hash === '#/');
      await page.click('#user-menu');
      await page.waitForSelector('#user-dropdown:not([hidden]) #logout');
      assert((await text(page, '#user-dropdown')).includes(email), 'menu shows e-mail');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'organization: create via form, find in list, edit, server tax-code error next to field, soft delete',
    async run({ page, baseUrl, state }) {
      const stamp = Date.now().toString(36);
      const name = `Viện Thử nghiệm Tự động ${stamp}`;
      const id = await createOrgViaForm(page, baseUrl, { name, tax: validTaxCode(), founded: '15/03/2001' });
      state.orgId = id;
      assert((await text(page, 'h1.page-title')) === name, 'detail title');
      await page.waitForFunction(() => document.querySelector('main .kv')?.textContent?.includes('15/03/2001'));
      // list + search box
      await open(page, baseUrl, '/organizations');
      await page.waitForSelector('#org-q');
      await page.fill('#org-q', `Thử nghiệm Tự động ${stamp}`);
      await page.waitForFunction(() => location.hash.includes('q='));
      await page.waitForFunction((n) => [...document.querySelectorAll('.results a.org-link')].some((a) => a.textContent === n), name);
      assert(await page.evaluate(() => document.activeElement?.id) === 'org-q', 'search box keeps the focus while results update');
      // edit
      await page.click(`.results a.org-link:text-is("${name}")`);
      await page.waitForSelector('#org-edit');
      await page.click('#org-edit');
      await page.waitForSelector('#org-form');
      await page.fill('#f-short_name', 'VTNTĐ');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/api/v1/organizations/${id}`) && r.request().method() === 'PATCH' && r.status() === 200),
        page.click('#org-save'),
      ]);
      await page.waitForFunction((i) => location.hash === `#/organizations/${i}`, id);
      await page.waitForFunction(() => (document.querySelector('.page-header .lead')?.textContent || '').includes('VTNTĐ'));
      // client-side validation: bad format never reaches the server
      await open(page, baseUrl, `/organizations/${id}/edit`);
      await page.waitForSelector('#org-form');
      await page.fill('#f-tax_code', '12345');
      await page.click('#org-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="tax_code"]')?.textContent || '').length > 0);
      // server-side validation: right format, wrong check digit
      await page.fill('#f-tax_code', '0100109107');
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/api/v1/organizations/${id}`) && r.request().method() === 'PATCH'),
        page.click('#org-save'),
      ]);
      assert(resp.status() === 400 || resp.status() === 422, `invalid tax code should be rejected, got HTTP ${resp.status()}`);
      const prob = await resp.json().catch(() => ({}));
      await page.waitForFunction(() => (document.querySelector('[data-error-for="tax_code"]')?.textContent || '').length > 0);
      const msg = await text(page, '[data-error-for="tax_code"]');
      const expected = [prob.detail, ...(prob.errors || []).filter((e) => e.field === 'tax_code').map((e) => e.message)].filter(Boolean);
      assert(expected.some((m) => msg.includes(m)), `field error "${msg}" should show the server's message (${JSON.stringify(prob)})`);
      assert(await page.locator('.field[data-field="tax_code"].has-error').count() === 1, 'tax_code field marked invalid');
      assert(await page.evaluate(() => document.activeElement?.getAttribute('name')) === 'tax_code', 'focus moved to the invalid field');
      // soft delete
      await deleteOrgViaUi(page, baseUrl, id);
      await page.waitForSelector('#org-q');
      await page.fill('#org-q', `Thử nghiệm Tự động ${stamp}`);
      await page.waitForFunction(() => document.querySelector('.results .state-empty') !== null);
      const left = await page.locator(`.results a.org-link:text-is("${name}")`).count();
      assert(left === 0, 'deleted organization still listed');
    },
  },
  {
    name: 'certificates: issue, suspend, reinstate, with dated history',
    async run({ page, baseUrl }) {
      const stamp = Date.now().toString(36);
      const name = `Doanh nghiệp KH&CN Thử nghiệm ${stamp}`;
      const id = await createOrgViaForm(page, baseUrl, { name, kind: 'enterprise', tax: validTaxCode() });
      await page.waitForSelector('#certificates details.cert-issue');
      const day = (n) => new Date(Date.now() + 7 * 3600000 - n * 86400000).toISOString().slice(0, 10); // Vietnam's date
      const dmy = (d) => d.split('-').reverse().join('/');
      await page.click('#certificates details.cert-issue summary');
      const issue = page.locator('#certificates details.cert-issue form');
      await issue.locator('input[name="number"]').fill(`${stamp}/ĐK-KHCN`);
      await issue.locator('input[name="issued_on"]').fill(dmy(day(30)));
      await issue.locator('input[name="issuer"]').fill('Sở Khoa học và Công nghệ');
      const [r1] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/organizations/${id}/certificates`) && r.request().method() === 'POST'),
        issue.locator('button[type="submit"]').click(),
      ]);
      assert(r1.status() === 201 || r1.status() === 200, `issue certificate: HTTP ${r1.status()} ${await r1.text()}`);
      await page.waitForSelector('#certificates li.cert .badge-ok');
      const act = async (action, date) => {
        await page.click('#certificates li.cert details.cert-actions summary');
        const f = page.locator('#certificates li.cert details.cert-actions form');
        await f.locator('select[name="action"]').selectOption(action);
        await f.locator('input[name="date"]').fill(dmy(date));
        await f.locator('input[name="reason"]').fill(`Kiểm thử ${action}`);
        const [r] = await Promise.all([
          page.waitForResponse((x) => /\/certificates\/\d+\/events$/.test(new URL(x.url()).pathname) && x.request().method() === 'POST'),
          f.locator('button[type="submit"]').click(),
        ]);
        assert(r.status() < 300, `${action}: HTTP ${r.status()} ${await r.text()}`);
      };
      await act('suspend', day(10));
      await page.waitForSelector('#certificates li.cert .badge-warn');
      await act('reinstate', day(2));
      await page.waitForSelector('#certificates li.cert .badge-ok');
      const items = await page.locator('#certificates .timeline li').count();
      assert(items >= 3, `history should list issue, suspend and reinstate (${items})`);
      const hist = await text(page, '#certificates .timeline');
      assert(hist.includes(dmy(day(30))) && hist.includes(dmy(day(10))) && hist.includes(dmy(day(2))), `dates dd/mm/yyyy in history: ${hist}`);
      assert(hist.includes('Tạm đình chỉ') && hist.includes('Khôi phục hiệu lực'), `event names: ${hist}`);
      await deleteOrgViaUi(page, baseUrl, id);
    },
  },
  {
    name: 'XSS probe in an organization name is shown as text',
    async run({ page, baseUrl }) {
      const probe = '<img src=x onerror=window.__xss=1>';
      const id = await createOrgViaForm(page, baseUrl, { name: probe, kind: 'other', province: '' });
      await page.waitForFunction((p) => document.querySelector('h1.page-title')?.textContent === p, probe);
      await open(page, baseUrl, '/organizations?sort=-created_at');
      await page.waitForFunction((p) => [...document.querySelectorAll('.results a.org-link')].some((a) => a.textContent === p), probe);
      await open(page, baseUrl, '/audit');
      await page.waitForSelector('.audit-table, .state-empty, .state-error');
      if (await page.locator('.audit-table').count()) {
        await page.click('.audit-table tbody tr:first-child button');
        await page.waitForSelector('.audit-table .diff');
      }
      await page.waitForTimeout(300);
      const xss = await page.evaluate(() => window.__xss);
      assert(xss === undefined, 'window.__xss was set: script injection!');
      assert(await page.locator('main img').count() === 0, 'an <img> was injected');
      await deleteOrgViaUi(page, baseUrl, id);
      assert(await page.evaluate(() => window.__xss) === undefined, 'window.__xss set after delete');
    },
  },
  {
    name: 'people: create an expert with fields, keywords and ORCID; edit; contact hidden from the public; delete',
    async run({ page, baseUrl, email, password }) {
      const stamp = Date.now().toString(36);
      const name = `Nguyễn Thử Nghiệm ${stamp}`;
      await open(page, baseUrl, '/people/new');
      await page.waitForSelector('#person-form');
      await page.fill('#f-full_name', name);
      await page.fill('#f-title', 'TS.');
      await page.check('#person-form input[name="fields"][value="102"]');
      await page.fill('#f-keywords', 'học máy');
      await page.keyboard.press('Enter');
      await page.fill('#f-keywords', 'dữ liệu lớn');
      await page.keyboard.press('Enter');
      await page.fill('#f-orcid', '0000-0002-1825-0098');
      await page.fill('#f-email', `thu.nghiem.${stamp}@example.vn`);
      await page.check('#person-form input[name="is_expert"]');
      await page.click('#person-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="orcid"]')?.textContent || '').length > 0);
      const orcid = validOrcid();
      await page.fill('#f-orcid', orcid);
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/people') && r.request().method() === 'POST'),
        page.click('#person-save'),
      ]);
      assert(resp.status() === 201 || resp.status() === 200, `create person: HTTP ${resp.status()} ${await resp.text()}`);
      await page.waitForFunction(() => /^#\/people\/\d+$/.test(location.hash));
      const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
      await page.waitForSelector('#contact');
      assert((await text(page, 'h1')).includes(name), 'detail title');
      const tags = await page.locator('ul.tags li.tag').allTextContents();
      assert(tags.includes('học máy') && tags.includes('dữ liệu lớn'), `keywords as tags: ${tags}`);
      assert(await page.locator(`a.orcid[href="https://orcid.org/${orcid}"]`).count() === 1, 'ORCID link');
      assert((await text(page, '#contact')).includes(`thu.nghiem.${stamp}@example.vn`), 'staff/admin sees the contact');
      // edit
      await page.click(`a[href="#/people/${id}/edit"]`);
      await page.waitForSelector('#person-form');
      await page.fill('#f-position', 'Nghiên cứu viên cao cấp');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/api/v1/people/${id}`) && r.request().method() === 'PATCH' && r.status() === 200),
        page.click('#person-save'),
      ]);
      await page.waitForFunction(() => (document.querySelector('.page-header .lead')?.textContent || '').includes('Nghiên cứu viên cao cấp'));
      // the public does not see a non-public contact
      await logout(page);
      await open(page, baseUrl, `/people/${id}`);
      await page.waitForSelector('#contact');
      const c = await text(page, '#contact');
      assert(c.includes('Thông tin liên hệ bị ẩn') && !c.includes('@'), `contact should be hidden: ${c}`);
      await login(page, baseUrl, email, password);
      await open(page, baseUrl, `/people/${id}`);
      await page.waitForSelector('#contact');
      await page.click('.page-header .btn-danger');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/api/v1/people/${id}`) && r.request().method() === 'DELETE' && r.status() < 300),
        page.click('dialog[open] [data-confirm]'),
      ]);
      await page.waitForFunction(() => location.hash === '#/people');
    },
  },
  {
    name: 'people list, filters and contact privacy on detail',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/people');
      await page.waitForSelector('#people-field');
      await page.waitForFunction(() => document.querySelectorAll('#people-field option').length > 5);
      await page.waitForSelector('.results table, .results .state-empty');
      const links = page.locator('.results tbody a[href^="#/people/"]');
      if (await links.count()) {
        await links.first().click();
        await page.waitForSelector('#contact');
        const c = await text(page, '#contact');
        assert(c.includes('@') || c.includes('Thông tin liên hệ bị ẩn') || /\d{3}/.test(c), `contact section: ${c}`);
      }
    },
  },
  {
    name: 'audit log (admin) lists changes with an expandable before/after diff',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/audit?entity_type=organization');
      await page.waitForSelector('.audit-table, .state-empty');
      const n = await page.locator('.audit-table tbody tr:not(.diff-row)').count();
      assert(n > 0, 'audit log should list the organization changes made by the earlier tests');
      const btn = page.locator('.audit-table tbody tr:not(.diff-row) button').first();
      await btn.click();
      assert(await btn.getAttribute('aria-expanded') === 'true', 'aria-expanded');
      await page.waitForSelector('.diff-row:not([hidden]) .diff, .diff-row:not([hidden]) .state-empty');
      const dates = await page.locator('.audit-table tbody td').first().textContent();
      assert(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(dates.trim()), `dd/mm/yyyy HH:mm expected: ${dates}`);
    },
  },
  {
    name: 'accounts (admin): create a staff account, set its password, disable it',
    async run({ page, baseUrl }) {
      const stamp = Date.now().toString(36);
      const email = `canbo.${stamp}@example.vn`;
      await open(page, baseUrl, '/users');
      await page.waitForSelector('.user-list, .results .state-empty');
      await page.click('details.create-user summary');
      await page.fill('#user-form #f-email', email);
      await page.fill('#user-form #f-display_name', `Cán bộ ${stamp}`);
      await page.selectOption('#user-form #f-role', 'staff');
      await page.fill('#user-form #f-password', 'short');
      await page.click('#user-form button[type="submit"]');
      await page.waitForFunction(() => (document.querySelector('#user-form [data-error-for="password"]')?.textContent || '').length > 0);
      await page.fill('#user-form #f-password', 'Mật-khẩu-đủ-dài-1');
      const [r] = await Promise.all([
        page.waitForResponse((x) => x.url().endsWith('/api/v1/users') && x.request().method() === 'POST'),
        page.click('#user-form button[type="submit"]'),
      ]);
      assert(r.status() === 201 || r.status() === 200, `create user: HTTP ${r.status()} ${await r.text()}`);
      const card = page.locator('li.user-card', { hasText: email });
      await card.waitFor();
      await card.locator('input[name="password"]').fill('Một-mật-khẩu-mới-2');
      const [r2] = await Promise.all([
        page.waitForResponse((x) => /\/api\/v1\/users\/\d+$/.test(x.url()) && x.request().method() === 'PATCH'),
        card.locator('form.inline-form button').click(),
      ]);
      assert(r2.status() === 200, `set password: HTTP ${r2.status()}`);
      await Promise.all([
        page.waitForResponse((x) => /\/api\/v1\/users\/\d+$/.test(x.url()) && x.request().method() === 'PATCH' && x.status() === 200),
        card.locator('.btn-row .btn-danger').click(),
      ]);
      await page.locator('li.user-card.is-disabled', { hasText: email }).waitFor();
    },
  },
  {
    name: 'search: no-diacritics query via the header combobox, did-you-mean, <mark> highlights, facets, XSS probe as text (screenshots)',
    async run({ page, baseUrl, outDir }) {
      await page.setViewportSize({ width: 1366, height: 900 });
      await open(page, baseUrl, '/');
      await page.waitForSelector('#user-menu');
      const stamp = 'qz' + Date.now().toString(36);
      const made = [];
      const mk = async (kind, body) => {
        const r = await apiCall(page, 'POST', kind === 'person' ? '/people' : '/organizations', body);
        assert(r.status === 201, `fixture ${body.name || body.full_name}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
        made.push([kind === 'person' ? '/people/' : '/organizations/', r.body.id]);
        return r.body.id;
      };
      const probe = '<img src=x onerror=window.__xss=1>';
      try {
        const vien = await mk('org', { kind: 'research_institute', name: `Viện Công nghệ Sinh học ${stamp}`, province_code: '01', description: 'Nghiên cứu & ứng dụng công nghệ sinh học' });
        await mk('org', { kind: 'enterprise', name: `Công ty Công nghệ Sinh học Phương Nam ${stamp}`, province_code: '79' });
        await mk('person', { full_name: `Nguyễn Thị Sinh ${stamp}`, fields: ['106'], keywords: ['công nghệ sinh học', stamp], is_expert: true, province_code: '92', contact_public: false });
        await mk('org', { kind: 'other', name: `${probe} Công nghệ sinh học ${stamp}`, province_code: '79' });
        const query = `cong nghe sinh hoc ${stamp}`;

        // Header combobox: suggestions as you type, arrows, Escape, Enter to the results page.
        await page.click('#header-q');
        await page.keyboard.type(query, { delay: 5 });
        await page.waitForSelector('#header-q-list:not([hidden]) [role="option"]');
        assert(await page.getAttribute('#header-q', 'aria-expanded') === 'true', 'combobox aria-expanded=true');
        const opts = await page.locator('#header-q-list [role="option"]').allTextContents();
        assert(opts.some((o) => o.includes(`Viện Công nghệ Sinh học ${stamp}`)), `suggestions: ${opts.join(' | ')}`);
        assert(await page.locator('#header-q-list [role="option"]').count() <= 7, 'at most 5 records + did-you-mean + see-all');
        await page.keyboard.press('ArrowDown');
        const ad = await page.getAttribute('#header-q', 'aria-activedescendant');
        assert(ad && await page.getAttribute('#' + ad, 'aria-selected') === 'true', 'ArrowDown selects an option');
        await page.keyboard.press('Escape');
        await page.waitForSelector('#header-q-list', { state: 'hidden' });
        assert(await page.getAttribute('#header-q', 'aria-expanded') === 'false', 'Escape closes');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => location.hash.startsWith('#/search?'));
        const hq = await page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('q'));
        assert(hq === query, `results page query: ${hq}`);

        // Results: all four records, found without diacritics; highlights are <mark> elements.
        await page.waitForSelector('.result-list .result');
        const titles = await page.locator('.result-title').allTextContents();
        assert(titles.length === 4, `4 results expected: ${titles.join(' | ')}`);
        assert(titles.includes(`Viện Công nghệ Sinh học ${stamp}`), `diacritics record found: ${titles.join(' | ')}`);
        const marks = await page.locator('.result mark').allTextContents();
        assert(marks.length >= 4 && marks.every((m) => ['cong', 'nghe', 'sinh', 'hoc', stamp].includes(foldText(m))), `marks: ${marks.join(',')}`);
        assert(await page.locator('.result-title mark').count() > 0, 'titles are highlighted');
        // The probe is text: a title shows it literally and no <img> exists.
        assert(titles.some((x) => x.startsWith(probe)), 'XSS probe shown as text');
        assert(await page.locator('main img, .result img').count() === 0, 'an <img> was injected');
        assert(await page.evaluate(() => window.__xss) === undefined, 'window.__xss was set');
        // Did you mean.
        const dym = await text(page, '#did-you-mean');
        assert(dym.includes('Có phải bạn muốn tìm') && dym.includes('công nghệ sinh học'), `did-you-mean: ${dym}`);
        await page.screenshot({ path: path.join(outDir, 'search-desktop.png'), fullPage: true });

        // Facets narrow the results: type=person, then province Hồ Chí Minh (names, not codes).
        await page.click('a.facet-link[data-facet="type"][data-value="person"]');
        await page.waitForFunction(() => location.hash.includes('type=person'));
        await page.waitForFunction(() => document.querySelectorAll('.result').length === 1);
        assert(await page.locator('.result[data-type="person"]').count() === 1, 'only the person left');
        await page.click('.active-filters a[data-remove="type"]');
        await page.waitForFunction(() => !location.hash.includes('type=') && document.querySelectorAll('.result').length === 4);
        const hcm = page.locator('a.facet-link[data-facet="province"][data-value="79"]');
        assert((await hcm.textContent()).includes('Hồ Chí Minh'), `province facet label: ${await hcm.textContent()}`);
        await hcm.click();
        await page.waitForFunction(() => location.hash.includes('province=79') && document.querySelectorAll('.result').length === 2);
        assert(await page.locator('a.facet-link.on[data-facet="province"][aria-current="true"]').count() === 1, 'chosen facet marked');
        const kinds = await page.locator('a.facet-link[data-facet="kind"]').count();
        assert(kinds === 2, `kind facet within the province: ${kinds}`);
        await page.click('a.facet-link[data-facet="kind"][data-value="enterprise"]');
        await page.waitForFunction(() => location.hash.includes('kind=enterprise') && document.querySelectorAll('.result').length === 1);

        // Clicking the suggestion searches with it (filters kept).
        await page.click('#did-you-mean a');
        await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('q')?.startsWith('công nghệ sinh học'));
        await page.waitForFunction(() => document.querySelectorAll('.result').length === 1);
        assert((await text(page, 'h1')).includes('công nghệ sinh học'), 'title shows the new query');

        // Keyboard: choose a record among the suggestions and open it.
        await open(page, baseUrl, '/');
        await page.waitForSelector('#home-q');
        await page.click('#home-q');
        await page.keyboard.type(`vien cong nghe ${stamp}`, { delay: 5 });
        await page.waitForSelector('#home-q-list:not([hidden]) [role="option"][data-href^="#/organizations/"]');
        const hrefs = await page.$$eval('#home-q-list [role="option"]', (os) => os.map((o) => o.getAttribute('data-href')));
        const idx = hrefs.indexOf(`#/organizations/${vien}`);
        assert(idx >= 0, `record among suggestions: ${hrefs.join(' ')}`);
        for (let i = 0; i <= idx; i++) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await page.waitForFunction((h) => location.hash === h, `#/organizations/${vien}`);
      } finally {
        for (const [p, id] of made) await apiCall(page, 'DELETE', p + id);
      }
    },
  },
  {
    name: 'search on a phone (390x844): search in the menu, collapsible filters, no sideways scrolling (screenshot)',
    async run({ page, baseUrl, outDir }) {
      await page.setViewportSize({ width: 390, height: 844 });
      await open(page, baseUrl, '/units');
      await waitCount(page, 'table.data-table tbody tr', 34, true);
      assert(!(await page.locator('#header-q').isVisible()), 'header search is inside the collapsed menu');
      await page.click('#menu-toggle');
      await page.waitForSelector('#header-q', { state: 'visible' });
      await page.fill('#header-q', 'ha noi');
      await page.press('#header-q', 'Enter');
      await page.waitForFunction(() => location.hash.startsWith('#/search?q=ha'));
      await page.waitForSelector('#site-nav', { state: 'hidden' });
      await page.waitForSelector('.result-list .result, .search-empty');
      assert(!(await page.locator('#search-facets').evaluate((d) => d.open)), 'filters start collapsed on a phone');
      await page.click('#search-facets summary');
      assert(await page.locator('#search-facets').evaluate((d) => d.open), 'filters open on tap');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page wider than the screen by ${overflow}px`);
      await page.click('#search-facets summary');
      await page.screenshot({ path: path.join(outDir, 'search-phone.png'), fullPage: false });
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'search results page through: 12 matches, 10 per page, next page, keyboard focus stays on a facet',
    async run({ page, baseUrl }) {
      await page.setViewportSize({ width: 1366, height: 900 });
      await open(page, baseUrl, '/');
      await page.waitForSelector('#user-menu');
      const stamp = 'pg' + Date.now().toString(36);
      const ids = [];
      try {
        for (let i = 1; i <= 12; i++) {
          const r = await apiCall(page, 'POST', '/organizations', { kind: i % 2 ? 'university' : 'startup', name: `Trường Thử Phân Trang ${i} ${stamp}`, province_code: '01' });
          assert(r.status === 201, `fixture ${i}: HTTP ${r.status}`);
          ids.push(r.body.id);
        }
        await open(page, baseUrl, '/search?q=' + stamp);
        await waitCount(page, '.result', 10, true);
        assert((await text(page, '.pager-info')).includes('1–10 trên 12'), `pager: ${await text(page, '.pager-info')}`);
        await page.click('.pager button:has-text("Trang sau")');
        await page.waitForFunction(() => location.hash.includes('offset=10'));
        await waitCount(page, '.result', 2, true);
        // Facet by keyboard: focus it, press Enter; focus comes back to the same (now ticked) facet.
        await page.focus('a.facet-link[data-facet="kind"][data-value="startup"]');
        await page.keyboard.press('Enter');
        await page.waitForFunction(() => location.hash.includes('kind=startup') && !location.hash.includes('offset='));
        await waitCount(page, '.result', 6, true);
        await page.waitForFunction(() => document.activeElement?.matches('a.facet-link.on[data-value="startup"]'));
      } finally {
        for (const id of ids) await apiCall(page, 'DELETE', '/organizations/' + id);
      }
    },
  },
  {
    name: 'API tokens: create (shown once, copy button), use it as a Bearer token, revoke',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/tokens');
      await page.waitForSelector('#token-form');
      const name = 'Kịch bản thử ' + Date.now().toString(36);
      await page.fill('#f-name', name);
      await page.click('#token-create');
      await page.waitForSelector('#token-value');
      const tok = await page.inputValue('#token-value');
      assert(tok.length >= 20, `token shown: ${tok}`);
      await page.click('#token-copy');
      await page.waitForFunction(() => document.querySelector('#token-copy')?.textContent !== 'Sao chép');
      const row = page.locator('table.data-table tbody tr', { hasText: name });
      await row.waitFor();
      const ok = await fetch(`${baseUrl}/api/v1/tokens`, { headers: { Authorization: 'Bearer ' + tok } });
      assert(ok.status === 200, `the token works: HTTP ${ok.status}`);
      await row.locator('button[data-revoke]').click();
      await page.click('dialog[open] [data-confirm]');
      await page.waitForFunction((n) => [...document.querySelectorAll('table.data-table tbody tr')].some((r) => r.textContent.includes(n) && r.textContent.includes('Đã thu hồi'))
        || ![...document.querySelectorAll('table.data-table tbody tr')].some((r) => r.textContent.includes(n)), name);
      const gone = await fetch(`${baseUrl}/api/v1/tokens`, { headers: { Authorization: 'Bearer ' + tok } });
      assert(gone.status === 401, `revoked token refused: HTTP ${gone.status}`);
      await page.reload();
      await page.waitForSelector('#token-form');
      assert(await page.locator('#token-value').count() === 0, 'the token is shown only once');
    },
  },
  {
    name: 'import (admin): a bad CSV row is reported by line and column, nothing written; a good file is imported',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/import');
      await page.waitForSelector('#import-form');
      const stamp = 'nhap' + Date.now().toString(36);
      await page.selectOption('#f-entity', 'organizations');
      const bad = `kind,name,province_code\nenterprise,Công ty Nhập Một ${stamp},01\nkhong-hop-le,Công ty Nhập Hai ${stamp},79\n`;
      await page.setInputFiles('#f-file', { name: 'to-chuc.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.click('#import-submit');
      await page.waitForSelector('.import-errors table tbody tr');
      const cells = await page.locator('.import-errors tbody tr').first().locator('td').allTextContents();
      assert(cells[0].trim() === '3' && cells[1].trim() === 'kind', `error row: ${cells.join(' | ')}`);
      const none = await (await fetch(`${baseUrl}/api/v1/search?q=${stamp}`)).json();
      assert(none.total === 0, `nothing imported: ${none.total}`);
      const good = `kind,name,province_code\nenterprise,Công ty Nhập Một ${stamp},01\n`;
      await page.setInputFiles('#f-file', { name: 'to-chuc.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await page.click('#import-submit');
      await page.waitForSelector('.import-ok');
      assert((await text(page, '.import-ok')).includes('Đã nhập 1 bản ghi'), await text(page, '.import-ok'));
      const found = await (await fetch(`${baseUrl}/api/v1/search?q=${stamp}`)).json();
      assert(found.total === 1, `imported record is searchable: ${found.total}`);
      await apiCall(page, 'DELETE', '/organizations/' + found.items[0].id);
    },
  },
  {
    name: 'a late search debounce does not pull the user back to the list',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/organizations');
      await page.waitForSelector('#org-q');
      await page.fill('#org-q', 'vien');
      await page.evaluate(() => { location.hash = '#/units'; });
      await page.waitForTimeout(900);
      const h = await page.evaluate(() => location.hash);
      assert(h === '#/units', `hash changed behind the user's back: ${h}`);
      await waitCount(page, 'table.data-table tbody tr', 34, true);
    },
  },
  {
    name: 'PII: map of 34 provinces by published score (no-data hatched), ranking with source links (screenshots)',
    async run({ page, baseUrl, outDir }) {
      await page.setViewportSize({ width: 1366, height: 900 });
      await open(page, baseUrl, '/pii');
      const n = await waitCount(page, 'svg.pii-map path.province', 34, true);
      assert(n === 34, `expected 34 provinces, got ${n}`);
      const hatched = await page.locator('svg.pii-map path.pii-nodata').count();
      assert(hatched > 0 && hatched < 34, `some provinces without a published score: ${hatched}`);
      const hue = await page.locator('svg.pii-map path[data-code="46"]').getAttribute('fill');
      assert(hue && hue.startsWith('#'), `Huế has a published 2025 score: ${hue}`);
      const noData = await page.locator('svg.pii-map a:has(path.pii-nodata)').first().getAttribute('aria-label');
      assert(noData.includes('chưa có số liệu công bố'), `no-data label: ${noData}`);
      assert((await text(page, '#pii-caveat')).includes('52 chỉ số'), 'caveat about the unpublished inputs');
      await waitCount(page, '#pii-ranking tbody tr', 5);
      const first = await text(page, '#pii-ranking tbody tr:first-child');
      assert(first.includes('Hà Nội') && first.includes('65,68'), `2025 leader: ${first}`);
      const hrefs = await page.$$eval('#pii-ranking a.pii-source', (as) => as.map((a) => a.getAttribute('href')));
      assert(hrefs.length >= 5 && hrefs.every((h) => /^https?:\/\//.test(h)), `source links: ${hrefs.slice(0, 3)}`);
      await page.selectOption('#pii-edition', '2023');
      await page.waitForFunction(() => document.querySelector('#pii-ranking tbody tr')?.textContent.includes('62,86'));
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#pii-csv')]);
      assert(dl.suggestedFilename() === 'pii-2023.csv', `csv name: ${dl.suggestedFilename()}`);
      const csv = fs.readFileSync(await dl.path(), 'utf8');
      assert(csv.includes('edition,map,province_code') && csv.includes('2023,63,01,Hà Nội') && csv.includes('https://'), `csv: ${csv.slice(0, 200)}`);
      await page.screenshot({ path: path.join(outDir, 'pii-desktop.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await open(page, baseUrl, '/pii');
      await waitCount(page, 'svg.pii-map path.province', 34, true);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(sideways <= 1, `no sideways scrolling on a phone (${sideways}px)`);
      await page.screenshot({ path: path.join(outDir, 'pii-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'PII province profile: history chart across editions with the 2025 map change marked',
    async run({ page, baseUrl, outDir }) {
      await open(page, baseUrl, '/pii');
      await waitCount(page, 'svg.pii-map path.province', 34, true);
      // keyboard: the province link is focusable and Enter opens the profile
      await page.focus('svg.pii-map a[href="#/pii/31"]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#/pii/31');
      await waitCount(page, '#pii-history svg.pii-chart circle.pii-point', 2);
      const pts = await page.locator('svg.pii-chart circle.pii-point').count();
      assert(pts >= 2, `Hải Phòng has several editions: ${pts}`);
      assert(await page.locator('svg.pii-chart [data-testid="map-change"]').count() === 1, 'map change marked');
      const label = await page.locator('svg.pii-chart').getAttribute('aria-label');
      assert(label.includes('2025'), `chart label: ${label}`);
      const rows = await text(page, '.page table tbody');
      assert(rows.includes('2023') && rows.includes('2025'), `history table: ${rows}`);
      await page.screenshot({ path: path.join(outDir, 'pii-profile.png'), fullPage: true });
    },
  },
  {
    name: 'PII what-if: illustrative values round trip, new score and rank, cheapest changes, robustness; bad CSV named',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/pii');
      await page.waitForSelector('#wi-form');
      await page.fill('#wi-csv', 'unit,indicator,year,value\n01,1.1.1,2025,abc');
      await page.click('#wi-submit');
      await page.waitForSelector('#wi-result .error');
      assert((await text(page, '#wi-result')).includes('Dòng 2'), 'bad CSV line named');
      await page.click('#wi-example');
      await page.fill('#wi-unit', '86');
      await page.fill('#wi-indicator', '1.1.1');
      await page.fill('#wi-value', '10');
      await page.fill('#wi-gain', '2');
      await page.click('#wi-submit');
      await page.waitForSelector('#wi-after');
      const after = await text(page, '#wi-after');
      assert(/Hạng \d+\/8/.test(after), `new rank: ${after}`);
      const steps = await text(page, '#wi-steps');
      assert(/\d\.\d\.\d \(/.test(steps), `steps name their indicators: ${steps.slice(0, 120)}`);
      const res = await text(page, '#wi-result');
      assert(res.includes('Trước'), `before/after: ${res}`);
      await page.click('#wi-robust');
      const rr = await waitCount(page, '#wi-robust-result tbody tr', 8, true);
      assert(rr === 8, `robustness rows: ${rr}`);
      assert(/\d+–\d+/.test(await text(page, '#wi-robust-result tbody')), 'rank intervals shown');
      // unknown unit: the server's problem is shown
      await page.fill('#wi-unit', '99');
      await page.click('#wi-submit');
      await page.waitForSelector('#wi-result .error');
      assert((await text(page, '#wi-result .error')).includes('99'), 'unknown unit named');
    },
  },
  {
    name: 'monitoring data entry: server errors by field, a value entered then shown, submit → approve → lock, reopen needs a reason',
    async run({ page, baseUrl, state }) {
      await open(page, baseUrl, '/data-entry');
      await page.waitForSelector('#entry-form');
      await page.waitForFunction(() => document.querySelector('#f-data_element option[value="RD_STAFF"]'));
      await page.waitForFunction(() => document.querySelector('#f-unit option[value="38"]'));
      // registry-derived elements cannot be entered: offered but disabled
      assert(await page.locator('#f-data_element option[value="ST_ENTERPRISES"]').isDisabled(), 'registry-derived element disabled');
      await page.selectOption('#f-data_element', 'RD_STAFF');
      await page.selectOption('#f-unit', '38');
      // a value that is not a number is caught before sending
      await page.fill('#f-period', '2024');
      await page.fill('#f-value', 'nhiều');
      await page.click('#entry-save');
      await page.waitForFunction(() => document.querySelector('[data-error-for="value"]')?.textContent.trim());
      assert((await text(page, '[data-error-for="value"]')).includes('số'), 'value error in Vietnamese');
      // an impossible period: the server's problem+json is shown next to the period field
      await page.fill('#f-period', '2024Q7');
      await page.fill('#f-value', '1.900');
      assert((await text(page, '#value-preview')).includes('1.900'), 'preview of the parsed number');
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/data-values') && r.request().method() === 'POST'),
        page.click('#entry-save'),
      ]);
      assert(bad.status() === 400, `impossible period: HTTP ${bad.status()}`);
      await page.waitForFunction(() => document.querySelector('[data-error-for="period"]')?.textContent.trim());
      const perr = await text(page, '[data-error-for="period"]');
      assert(perr.includes('2024Q7'), `period error next to the field: ${perr}`);
      assert(await page.locator('#f-period').getAttribute('aria-invalid') === 'true', 'period marked invalid');
      assert((await text(page, '[data-error-for="value"]')) === '', 'no stale value error');
      // a good value (the source is a probe: shown as text)
      await page.fill('#f-period', '2024');
      await page.fill('#f-source', '<img src=x onerror="window.__xssMon=1">Niên giám thống kê');
      const [ok] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/data-values') && r.request().method() === 'POST'),
        page.click('#entry-save'),
      ]);
      assert(ok.status() === 200 || ok.status() === 201, `enter value: HTTP ${ok.status()} ${await ok.text()}`);
      const saved = await ok.json();
      assert(saved.value === 1900 && saved.status === 'draft', `saved as a draft of 1900: ${JSON.stringify(saved)}`);
      state.rdValueId = saved.id;
      await page.waitForSelector(`#entry-result .entry-saved[data-id="${saved.id}"]`);
      assert((await text(page, '#entry-result .saved-value')) === '1.900', 'saved value shown');
      await page.waitForSelector('#entry-values tr[data-key="' + saved.id + '"]');
      const row = await text(page, `#entry-values tr[data-key="${saved.id}"]`);
      assert(row.includes('2024') && row.includes('1.900') && row.includes('Bản nháp') && row.includes('<img src=x'), `value listed: ${row}`);
      assert(await page.locator('#entry-values img').count() === 0 && !(await page.evaluate(() => window.__xssMon)), 'source shown as text');
      // the workflow, from the saved value's panel
      for (const [action, label] of [['submit', 'Chờ duyệt'], ['approve', 'Đã duyệt'], ['lock', 'Đã khóa']]) {
        const [r] = await Promise.all([
          page.waitForResponse((x) => x.url().endsWith(`/data-values/${saved.id}/${action}`)),
          page.click(`#entry-result button[data-action="${action}"]`),
        ]);
        assert(r.status() === 200, `${action}: HTTP ${r.status()}`);
        await page.waitForFunction((l) => document.querySelector('#entry-result .entry-saved .badge')?.textContent === l, label);
      }
      await page.waitForFunction((id) => document.querySelector(`#entry-values tr[data-key="${id}"]`)?.textContent.includes('Đã khóa'), saved.id);
      // a locked value cannot be overwritten: the server's 409 is shown
      await page.fill('#f-value', '2000');
      await page.click('#entry-save');
      await page.waitForSelector('#entry-form .form-summary:not(.hidden)');
      assert((await text(page, '#entry-form .form-summary')).includes('reopen'), 'locked value refused');
      // reopen: without a reason the server names the field inside the dialog
      await page.click(`#entry-values tr[data-key="${saved.id}"] button[data-action="reopen"]`);
      await page.waitForSelector('dialog[open] #reopen-form');
      await page.click('#reopen-confirm');
      await page.waitForFunction(() => document.querySelector('dialog[open] [data-error-for="reason"]')?.textContent.trim());
      assert((await text(page, 'dialog[open] [data-error-for="reason"]')).includes('reason'), 'reason required, by field');
      await page.fill('dialog[open] textarea[name="reason"]', 'Sửa theo niên giám chính thức');
      await page.click('#reopen-confirm');
      await page.waitForSelector('dialog[open]', { state: 'detached' });
      await page.waitForFunction(() => document.querySelector('#entry-result .entry-saved')?.dataset.status === 'draft');
      assert((await text(page, '#entry-result .approvals')).includes('Sửa theo niên giám chính thức'), 'reopening reason in the history');
      // submit and approve again, for the scorecard and the lineage below
      for (const a of ['submit', 'approve']) {
        await Promise.all([page.waitForResponse((x) => x.url().endsWith(`/data-values/${saved.id}/${a}`)), page.click(`#entry-result button[data-action="${a}"]`)]);
        await page.waitForSelector(`#entry-result button[data-action="${a === 'submit' ? 'approve' : 'lock'}"]`);
      }
      // Earlier years and the population, as fixtures through the API.
      for (const [y, v] of [[2021, 1600], [2022, 1700], [2023, 1800]]) {
        const r = await apiCall(page, 'POST', '/data-values', { data_element: 'RD_STAFF', unit: '38', period: String(y), value: v, source: 'Cục Thống kê Thanh Hóa' });
        assert(r.status === 200, `fixture RD_STAFF ${y}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      for (const y of [2021, 2022, 2023, 2024]) {
        const r = await apiCall(page, 'POST', '/data-values', { data_element: 'POPULATION', unit: '38', period: String(y), value: 3700000, source: 'Niên giám thống kê' });
        assert(r.status === 200, `fixture POPULATION ${y}: ${r.status}`);
      }
      const pop = await apiCall(page, 'POST', '/data-values', { data_element: 'POPULATION', unit: '01', period: '2024', value: 8700000 });
      const rd = await apiCall(page, 'POST', '/data-values', { data_element: 'RD_STAFF', unit: '01', period: '2024', value: 40000 });
      assert(pop.status === 200 && rd.status === 200, 'fixtures for Hà Nội');
    },
  },
  {
    name: 'plan scorecard: targets with baseline, latest, target and status; review flags and the reviewers\' questions; Sóc Trăng carried over to Cần Thơ',
    async run({ page, baseUrl, outDir }) {
      await open(page, baseUrl, '/plans');
      await waitCount(page, '.results tbody tr', 2);
      const list = await text(page, '.results tbody');
      assert(list.includes('Thanh Hóa') && list.includes('Sóc Trăng'), `both shipped plans listed: ${list.slice(0, 200)}`);
      await page.click('.results a.plan-link:has-text("Thanh Hóa")');
      await page.waitForSelector('#scorecard tr.target-row');
      assert(await page.locator('#scorecard tr.target-row').count() === 11, 'eleven targets');
      const th4 = page.locator('#scorecard tr.target-row', { hasText: 'TH4' });
      const th4Text = (await th4.textContent()) ?? '';
      assert(th4Text.includes('7 người trên 1 vạn dân') && th4Text.includes('5,14') && th4Text.includes('2024') && th4Text.includes('2025'), `TH4 row: ${th4Text}`);
      assert(await th4.locator('[data-status]').getAttribute('data-status') === 'off_track', 'TH4 off track');
      assert((await th4.locator('[data-status]').textContent()) === 'Chậm, khó đạt', 'status label in Vietnamese');
      const th3 = page.locator('#scorecard tr.target-row', { hasText: 'TH3' });
      assert(await th3.locator('[data-status]').getAttribute('data-status') === 'no_data', 'TH3 has no data');
      // review flags next to each target
      const th4Id = (await th4.getAttribute('id')).replace('target-', '');
      const detail = page.locator(`#target-${th4Id} + tr.target-detail`);
      assert((await detail.locator('[data-flag="no_legal_basis"]').getAttribute('class')).includes('flag-missing'), 'no legal basis flagged');
      assert((await detail.locator('[data-flag="no_budget"]').textContent()).includes('chưa có'), 'no budget flagged');
      const th2 = page.locator('#scorecard tr.target-row', { hasText: 'TH2' });
      const th2Id = (await th2.getAttribute('id')).replace('target-', '');
      assert((await page.locator(`#target-${th2Id} + tr.target-detail [data-flag="no_data_source"]`).getAttribute('class')).includes('flag-ok'), 'TH2 has a data source');
      await page.click(`#target-${th4Id} + tr.target-detail details.target-more summary`);
      const more = await text(page, `#target-${th4Id} + tr.target-detail details.target-more`);
      assert(more.includes('CAGR') && more.includes('/năm'), `feasibility detail: ${more}`);
      // the reviewers' questions
      assert(await page.locator('#q-legal').getAttribute('data-count') === '11', 'all 11 lack a legal basis');
      assert((await text(page, '#q-legal')).includes('11/11'), 'legal basis question answered');
      const dup = await text(page, '#q-duplicates');
      assert(dup.includes('ST_ENTERPRISES_N') && dup.includes('TH1') && dup.includes('TH2'), `duplicates: ${dup}`);
      assert((await text(page, '#q-realistic')).includes('TH4'), 'off-track target named under "realistic?"');
      assert(await page.locator('#status-summary [data-status="off_track"] .status-count').textContent() !== '0', 'summary counts off track');
      await page.screenshot({ path: path.join(outDir, 'plan-scorecard.png'), fullPage: true });
      // Sóc Trăng's plan is carried over to Cần Thơ
      await open(page, baseUrl, '/plans?province=92');
      await waitCount(page, '.results tbody tr', 1);
      assert((await text(page, '.results tbody')).includes('Sóc Trăng'), 'Cần Thơ lists Sóc Trăng\'s plan');
      await page.click('.results a.plan-link');
      await page.waitForSelector('#carried-over');
      assert((await text(page, '#carried-over')).includes('Cần Thơ'), 'carried over to Cần Thơ');
      await page.waitForSelector('#scorecard tr.target-row');
      assert((await text(page, '#scorecard')).includes('12'), 'Sóc Trăng target of 12 researchers shown');
      // phone width: cards, no sideways scrolling
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.waitForSelector('#scorecard tr.target-row');
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(sideways <= 1, `scorecard on a phone: ${sideways}px sideways`);
      await page.screenshot({ path: path.join(outDir, 'plan-scorecard-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'indicator series: SVG line chart with target line and projection from the scorecard, province map and ranking',
    async run({ page, baseUrl, outDir }) {
      await open(page, baseUrl, '/plans');
      await page.click('.results a.plan-link:has-text("Thanh Hóa")');
      await page.waitForSelector('#scorecard tr.target-row');
      await page.locator('#scorecard tr.target-row', { hasText: 'TH4' }).locator('a[data-testid="series-link"]').click();
      await page.waitForFunction(() => location.hash.startsWith('#/indicators/RD_STAFF_PER_10K?') && location.hash.includes('target='));
      await page.waitForSelector('svg.series-chart path.chart-line');
      const d = await page.locator('svg.series-chart path.chart-line').getAttribute('d');
      assert(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){3,}/.test(d), `a line through 4 years: ${d}`);
      assert(await page.locator('svg.series-chart circle.chart-point').count() === 4, '4 observed points');
      assert(await page.locator('svg.series-chart [data-testid="target-line"]').count() === 1, 'target line');
      assert(await page.locator('svg.series-chart [data-testid="projection"]').count() === 1, 'projection on trend');
      assert((await text(page, '#target-info')).includes('Mục tiêu 2025: 7'), 'target named');
      assert((await text(page, '#target-info')).includes('Dự báo 2025'), 'projection named');
      assert((await page.locator('svg.series-chart').getAttribute('aria-label')).includes('Nhân lực R&D'), 'chart labelled');
      const rows = await text(page, '#series-chart table tbody');
      assert(rows.includes('5,14') && rows.includes('1.900'), `series table: ${rows.slice(0, 200)}`);
      // map and ranking of the provinces
      await waitCount(page, '#province-ranking svg.province-map path.province', 34, true);
      await waitCount(page, '#ranking tbody tr', 2);
      const first = await text(page, '#ranking tbody tr:first-child');
      assert(first.includes('Hà Nội') && first.includes('46'), `Hà Nội first (40000 / 8.7M × 10 000): ${first}`);
      assert((await text(page, '#ranking tbody tr:nth-child(2)')).includes('Thanh Hóa'), 'Thanh Hóa second');
      const fill = await page.locator('#province-ranking path.province[data-code="38"]').getAttribute('fill');
      assert(fill.startsWith('#'), `Thanh Hóa coloured: ${fill}`);
      assert((await page.locator('#province-ranking path.province[data-code="92"]').getAttribute('fill')).startsWith('url('), 'no-data hatched');
      // CSV of the series
      const href = await page.locator('#series-csv').getAttribute('href');
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
      assert(csv.startsWith('indicator,unit,period,value') && csv.includes('RD_STAFF_PER_10K,38,2024,5.13'), `csv: ${csv.slice(0, 160)}`);
      await page.screenshot({ path: path.join(outDir, 'indicator-series.png'), fullPage: true });
      // the whole nation, from the unit picker
      await page.selectOption('#series-unit', '2025:VN');
      await page.click('#series-apply');
      await page.waitForFunction(() => location.hash.includes('unit=VN'));
      await page.waitForFunction(() => document.querySelector('#series-chart h2')?.textContent.includes('Cả nước'));
      await page.waitForSelector('svg.series-chart path.chart-line');
      // phone
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.waitForSelector('svg.series-chart path.chart-line');
      await waitCount(page, '#province-ranking svg.province-map path.province', 34, true);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(sideways <= 1, `series on a phone: ${sideways}px sideways`);
      await page.screenshot({ path: path.join(outDir, 'indicator-series-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  {
    name: 'lineage: from a figure to the value records and the registry records behind it',
    async run({ page, baseUrl, state }) {
      await open(page, baseUrl, '/indicators/RD_STAFF_PER_10K?unit=38&from=2020&to=2025');
      await page.waitForSelector('#series-chart a.value-link');
      await page.locator('#series-chart tr[data-key="2024"] a.value-link').click();
      await page.waitForFunction(() => location.hash.startsWith('#/lineage/RD_STAFF_PER_10K') && location.hash.includes('period=2024'));
      await page.waitForSelector('#lineage-value');
      assert((await text(page, '#lineage-value')) === '5,14', `figure: ${await text(page, '#lineage-value')}`);
      const rd = page.locator('section.lineage-element[data-code="RD_STAFF"]');
      await rd.locator('tbody tr').first().waitFor();
      const rec = (await rd.locator(`tr[data-key="${state.rdValueId}"]`).textContent()) ?? '';
      assert(rec.includes('#' + state.rdValueId) && rec.includes('1.900') && rec.includes('Đã duyệt') && rec.includes('Thanh Hóa'), `record behind the figure: ${rec}`);
      assert(rec.includes('<img src=x'), 'source shown as text');
      const popText = (await page.locator('section.lineage-element[data-code="POPULATION"]').textContent()) ?? '';
      assert(popText.includes('3.700.000') && popText.includes('Niên giám thống kê'), `population record: ${popText.slice(0, 200)}`);
      // a registry-derived count lists the organizations behind it
      const stamp = Date.now().toString(36);
      const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty KH&CN Nguồn Gốc ${stamp}`, province_code: '38' });
      assert(org.status === 201, `org fixture: ${org.status}`);
      const day = new Date(Date.now() + 7 * 3600000 - 40 * 86400000).toISOString().slice(0, 10);
      const cert = await apiCall(page, 'POST', `/organizations/${org.body.id}/certificates`, { number: `${stamp}/DNKHCN`, issued_on: day });
      assert(cert.status === 201 || cert.status === 200, `certificate fixture: ${cert.status}`);
      const year = new Date().getFullYear();
      await open(page, baseUrl, `/lineage/ST_ENTERPRISES_N?unit=38&period=${year}`);
      await page.waitForSelector('section.lineage-element[data-code="ST_ENTERPRISES"] .lineage-orgs a');
      await page.waitForFunction((n) => [...document.querySelectorAll('.lineage-orgs a')].some((a) => a.textContent.includes(n)), `Nguồn Gốc ${stamp}`);
      assert((await page.locator('.lineage-orgs a', { hasText: stamp }).getAttribute('href')) === `#/organizations/${org.body.id}`, 'links to the organization');
      assert(Number(await text(page, '#lineage-value')) >= 1, 'count at least 1');
    },
  },
  // ---------- technology exchange (issue 4) ----------
  {
    name: 'exchange: a member creates an offer via the form (server error by field, attachment) and submits it; a reviewer publishes it; the public catalogue shows it without contacts; a <script> title is text',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await exchangeFixture(ctx);
      const stamp = fx.stamp;
      const title = `Màng lọc sinh học MBR ${stamp} <script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberA.email, fx.memberA.password);
      await open(page, baseUrl, '/exchange/new?kind=offer');
      await page.waitForSelector('#listing-form[data-kind="offer"]');
      await page.fill('#f-title', title);
      await page.fill('#f-summary', `Hệ thống màng sinh học MBR xử lý nước thải công nghiệp ${stamp}`);
      await page.selectOption('#f-trl', '7');
      await page.check('#listing-form input[name="price_negotiable"]');
      await page.check('#listing-form input[name="transfer_modes"][value="licence"]');
      await page.check('#listing-form input[name="fields"][value="207"]');
      await page.fill('#f-contact_name', 'Ông Liên Hệ');
      await page.fill('#f-contact_email', 'khong-phai-email');
      await page.fill('#f-contact_phone', '0912345678');
      // The server's error comes back next to its field.
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/listings') && r.request().method() === 'POST'),
        page.click('#listing-submit'),
      ]);
      assert(bad.status() === 400, `bad e-mail: HTTP ${bad.status()}`);
      await page.waitForFunction(() => (document.querySelector('[data-error-for="contact_email"]')?.textContent || '').length > 0);
      await page.fill('#f-contact_email', fx.contactEmail);
      const [ok] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/listings') && r.request().method() === 'POST'),
        page.click('#listing-submit'),
      ]);
      assert(ok.status() === 201, `create offer: HTTP ${ok.status()} ${await ok.text()}`);
      await page.waitForFunction(() => /^#\/exchange\/\d+$/.test(location.hash));
      const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
      fx.offerId = id;
      await page.waitForSelector('.listing-badges [data-status="submitted"]');
      assert((await text(page, 'h1')).includes('<script>'), 'the title shows its <script> as text');
      // Attach a PNG (judged by content); a text file called .pdf is refused.
      const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/exchange/listings/${id}/attachments`) && r.request().method() === 'POST' && r.status() === 201),
        page.setInputFiles('#ex-file', { name: 'sơ đồ.png', mimeType: 'image/png', buffer: png }),
      ]);
      await page.waitForSelector('#attachments a.attachment-link');
      const href = await page.getAttribute('#attachments a.attachment-link', 'href');
      assert(new RegExp(`/api/v1/exchange/listings/${id}/attachments/\\d+$`).test(href), `download link: ${href}`);
      await page.setInputFiles('#ex-file', { name: 'gia.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not really a pdf') });
      await page.waitForFunction(() => (document.getElementById('ex-file-error')?.textContent || '').length > 0);
      assert(await page.locator('#attachments a.attachment-link').count() === 1, 'the refused file is not listed');
      // The reviewer publishes it from the queue.
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.reviewer.email, fx.reviewer.password);
      await open(page, baseUrl, '/exchange/review');
      const item = page.locator(`.review-item[data-id="${id}"]`);
      await item.waitFor();
      assert((await item.locator('.result-title').textContent()).includes('<img src=x'), 'queue shows the title as text');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/listings/${id}/publish`) && r.status() === 200),
        item.locator('button[data-action="publish"]').click(),
      ]);
      // The public catalogue: found by a word of its title, no contact details, share link.
      await signOut(page, baseUrl);
      await open(page, baseUrl, `/exchange?q=${stamp}`);
      const card = page.locator(`.listing-card[data-id="${id}"]`);
      await card.waitFor();
      assert((await card.locator('.listing-link').textContent()).includes('<script>window.__xss=1</script>'), 'card title as text');
      assert(await card.locator('.share-link').getAttribute('href') === `#/exchange/${id}`, 'share link is the listing address');
      assert((await card.locator('.share-link').getAttribute('data-share')).endsWith(`/#/exchange/${id}`), 'share URL');
      let body = await page.textContent('main');
      assert(!body.includes(fx.contactEmail) && !body.includes('0912345678') && !body.includes('Ông Liên Hệ'), 'no contact details in the catalogue');
      // Filters: kind and field keep it; "needs" only does not.
      await open(page, baseUrl, `/exchange?q=${stamp}&kind=offer&field=2&trl=6&mode=licence`);
      await page.locator(`.listing-card[data-id="${id}"]`).waitFor();
      await open(page, baseUrl, `/exchange?q=${stamp}&kind=need`);
      await page.waitForSelector('#ex-count');
      assert(await page.locator(`.listing-card[data-id="${id}"]`).count() === 0, 'kind=need filters the offer out');
      await open(page, baseUrl, `/exchange/${id}`);
      await page.waitForSelector('#contact .contact-hidden');
      await page.waitForSelector('#intro');
      body = await page.textContent('main');
      assert(!body.includes(fx.contactEmail) && !body.includes('0912345678'), 'no contact details on the public page');
      assert(await page.evaluate(() => window.__xss) === undefined, 'window.__xss was set: script injection!');
      assert(await page.locator('main img').count() === 0, 'an <img> was injected');
      await login(page, baseUrl, email, password);
    },
  },
  {
    name: 'exchange: a need lists the offer among its matches with reasons; another member asks for an introduction; the owner sees it in the bell and accepts; contacts then show',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await exchangeFixture(ctx);
      assert(fx.offerId, 'needs the offer of the previous test');
      // Member B writes a need (API), staff publishes it.
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberB.email, fx.memberB.password);
      const need = await apiCall(page, 'POST', '/exchange/listings', {
        kind: 'need', title: `Cần màng sinh học MBR xử lý nước thải ${fx.stamp}`, summary: `Nhà máy cần công nghệ màng sinh học xử lý nước thải ${fx.stamp}`,
        fields: ['207'], trl_min: 6, budget_max_vnd: 2000000000, transfer_modes: ['licence'], submit: true,
      });
      assert(need.status === 201, `create need: ${need.status} ${JSON.stringify(need.body)}`);
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
      const pub = await apiCall(page, 'POST', `/exchange/listings/${need.body.id}/publish`, {});
      assert(pub.status === 200, `publish need: ${pub.status}`);
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberB.email, fx.memberB.password);
      // The need's page: the offer among the matches, with a score bar and reasons in words.
      await open(page, baseUrl, `/exchange/${need.body.id}`);
      const m = page.locator(`#matches .match[data-id="${fx.offerId}"]`);
      await m.waitFor();
      const pct = Number(await m.locator('[role="meter"]').getAttribute('aria-valuenow'));
      assert(pct > 0 && pct <= 100, `score bar ${pct}`);
      const reasons = await m.locator('.reason').allTextContents();
      assert(reasons.some((r) => r.includes('TRL 7')) && reasons.some((r) => r.includes('207')), `reasons: ${reasons}`);
      assert((await m.locator('.match-link').textContent()).includes('<script>'), 'matched title as text');
      // Ask for an introduction to the offer.
      await open(page, baseUrl, `/exchange/${fx.offerId}`);
      await page.waitForSelector('#intro-form');
      await page.fill('#intro-form textarea[name="message"]', 'Chúng tôi muốn tìm hiểu <b>công nghệ</b> này');
      await page.waitForFunction((nid) => !!document.querySelector(`#intro-form select option[value="${nid}"]`), need.body.id);
      await page.selectOption('#intro-form select[name="requester_listing_id"]', String(need.body.id));
      const [req] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/listings/${fx.offerId}/introductions`)),
        page.click('#intro-send'),
      ]);
      assert(req.status() === 201, `introduction: HTTP ${req.status()} ${await req.text()}`);
      await page.waitForSelector('#intro-sent');
      // The owner: the bell counts it, the connection is accepted from "my connections".
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberA.email, fx.memberA.password);
      await page.waitForFunction(() => { const c = document.querySelector('#bell .bell-count'); return c && !c.hidden && Number(c.textContent) >= 1; });
      await page.click('#bell');
      await page.waitForSelector('#bell-panel .notif[data-kind="exchange.intro_requested"]');
      const notif = await text(page, '#bell-panel .notif[data-kind="exchange.intro_requested"] .notif-title');
      assert(notif.includes('Yêu cầu kết nối') && !notif.includes('New introduction'), `notification in Vietnamese: ${notif}`);
      await page.click('#bell-panel .notif[data-kind="exchange.intro_requested"] a');
      await page.waitForFunction(() => location.hash.startsWith('#/exchange/mine?tab=connections'));
      const conn = page.locator('.conn-card[data-status="requested"]', { hasText: fx.stamp });
      await conn.waitFor();
      assert((await conn.locator('.conn-message').textContent()).includes('<b>công nghệ</b>'), 'message as text');
      assert(!(await conn.textContent()).includes(fx.memberB.email), 'requester e-mail hidden before acceptance');
      await Promise.all([
        page.waitForResponse((r) => /\/exchange\/connections\/\d+\/accept$/.test(r.url()) && r.status() === 200),
        conn.locator('button[data-action="accept"]').click(),
      ]);
      const accepted = page.locator('.conn-card[data-status="accepted"]', { hasText: fx.stamp });
      await accepted.waitFor();
      assert((await accepted.locator('.conn-contacts').textContent()).includes(fx.memberB.email), 'requester contact after acceptance');
      assert(await accepted.locator('button[data-action="meeting"]').count() === 1, 'next step: meeting');
      // The requester now sees the owner's contact on the offer page.
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberB.email, fx.memberB.password);
      await open(page, baseUrl, `/exchange/${fx.offerId}`);
      await page.waitForSelector('#contact dl');
      assert((await text(page, '#contact')).includes(fx.contactEmail), 'contact shown to the accepted requester');
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
    },
  },
  {
    name: 'exchange: a connection goes meeting → NDA → contract (form, value) → closed; declining needs a reason',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await exchangeFixture(ctx);
      assert(fx.offerId, 'needs the offer of the earlier tests');
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberA.email, fx.memberA.password);
      await open(page, baseUrl, '/exchange/mine?tab=connections&box=received');
      const card = () => page.locator('.conn-card', { hasText: fx.memberB.email });
      await card().waitFor();
      for (const [action, next] of [['meeting', 'meeting'], ['nda', 'nda']]) {
        await Promise.all([
          page.waitForResponse((r) => r.url().endsWith(`/${action}`) && r.status() === 200),
          card().locator(`button[data-action="${action}"]`).click(),
        ]);
        await page.locator(`.conn-card[data-status="${next}"]`, { hasText: fx.memberB.email }).waitFor();
      }
      await card().locator('button[data-action="contract"]').click();
      const form = card().locator('form.contract-form');
      await form.waitFor();
      await form.locator('input[name="value_vnd"]').fill('1,5 tỷ');
      await form.locator('button[data-action="contract-confirm"]').click();
      await page.waitForFunction(() => (document.querySelector('.contract-form [data-error-for="value_vnd"]')?.textContent || '').length > 0);
      await form.locator('input[name="value_vnd"]').fill('1.500.000.000');
      const [k] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/contract')),
        form.locator('button[data-action="contract-confirm"]').click(),
      ]);
      assert(k.status() === 200, `contract step: HTTP ${k.status()} ${await k.text()}`);
      await page.locator('.conn-card[data-status="contract"]', { hasText: fx.memberB.email }).waitFor();
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/close') && r.status() === 200),
        card().locator('button[data-action="close"]').click(),
      ]);
      await page.locator('.conn-card[data-status="closed"]', { hasText: fx.memberB.email }).waitFor();
      // Staff ask too; the owner declines, and "other" needs a note.
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
      const r = await apiCall(page, 'POST', `/exchange/listings/${fx.offerId}/introductions`, { message: 'Sở KH&CN đề nghị kết nối' });
      assert(r.status === 201, `staff introduction: ${r.status} ${JSON.stringify(r.body)}`);
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.memberA.email, fx.memberA.password);
      await open(page, baseUrl, '/exchange/mine?tab=connections&box=received&status=requested');
      const req = page.locator(`.conn-card[data-connection="${r.body.id}"]`);
      await req.waitFor();
      await req.locator('button[data-action="decline"]').click();
      const df = req.locator('form.decline-form');
      await df.locator('select[name="reason"]').selectOption('other');
      await df.locator('button[data-action="decline-confirm"]').click();
      await page.waitForFunction(() => (document.querySelector('.decline-form [data-error-for="note"]')?.textContent || '').length > 0);
      await df.locator('textarea[name="note"]').fill('Đã chuyển giao độc quyền cho đơn vị khác');
      await Promise.all([
        page.waitForResponse((x) => x.url().endsWith(`/connections/${r.body.id}/decline`) && x.status() === 200),
        df.locator('button[data-action="decline-confirm"]').click(),
      ]);
      await open(page, baseUrl, '/exchange/mine?tab=connections&box=received&status=declined');
      const d = page.locator(`.conn-card[data-connection="${r.body.id}"] .decline-info`);
      await d.waitFor();
      assert((await d.textContent()).includes('Lý do khác') && (await d.textContent()).includes('độc quyền'), `decline shown: ${await d.textContent()}`);
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
    },
  },
  {
    name: 'exchange statistics: SVG bar charts by month, bars by field, province map; header fits with the bell',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/exchange/stats');
      await waitCount(page, '#stats-month svg.bar-chart rect.bar', 4);
      await waitCount(page, '#stats-province svg.province-map path.province', 34, true);
      await waitCount(page, '#stats-field .hbar-row', 1);
      const offers = Number((await text(page, '.ex-stats [data-stat="offers_published"] .stat-value')).replace(/\D/g, ''));
      assert(offers >= 1, `offers published: ${offers}`);
      const contracts = Number((await text(page, '.ex-stats [data-stat="contracts"] .stat-value')).replace(/\D/g, ''));
      assert(contracts >= 1, `contracts: ${contracts}`);
      assert(await page.locator('#bell').count() === 1, 'the bell is in the header');
      for (const width of [1181, 1280, 1366]) {
        await page.setViewportSize({ width, height: 900 });
        const over = await page.evaluate(() => {
          const n = document.querySelector('.nav-list');
          const hd = document.querySelector('.header-inner');
          return Math.max(n.scrollWidth - n.clientWidth, hd.scrollWidth - hd.clientWidth);
        });
        assert(over <= 1, `header overflows by ${over}px at ${width}px`);
      }
      await page.setViewportSize({ width: 1366, height: 900 });
    },
  },
  // ---------- exchange contracts, task proposals, import (issue 4): exchange-deals-tests.mjs ----------
  ...dealsTests,
  // ---------- intellectual property (issue 7): ip-tests.mjs ----------
  ...ipTests,
  ...ipOriginTests,
  // ---------- IP advice, import, rules and reminders (issue 7): ip-advice-tests.mjs ----------
  ...ipAdviceTests,
  // ---------- innovation index: compute from stio + import, computed profile (issue 6): index-tests.mjs ----------
  ...indexTests,
  // ---------- monitoring forms, IOC view, commune maps (issue 5): monitoring-forms-tests.mjs ----------
  ...monitoringFormsTests,
  {
    name: 'phone viewport (390x844): collapsed menu, tables as cards',
    async run({ page, baseUrl }) {
      await page.setViewportSize({ width: 390, height: 844 });
      await open(page, baseUrl, '/units');
      await waitCount(page, 'table.data-table tbody tr', 34, true);
      assert(await page.locator('#menu-toggle').isVisible(), 'menu button visible');
      assert(!(await page.locator('#site-nav').isVisible()), 'nav collapsed');
      assert(await page.locator('#menu-toggle').getAttribute('aria-expanded') === 'false', 'aria-expanded=false');
      const display = await page.$eval('table.data-table tbody td', (td) => getComputedStyle(td).display);
      assert(display !== 'table-cell', `table cells should be stacked as cards, display=${display}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page wider than the screen by ${overflow}px`);
      await page.click('#menu-toggle');
      await page.waitForSelector('#site-nav', { state: 'visible' });
      assert(await page.locator('#menu-toggle').getAttribute('aria-expanded') === 'true', 'aria-expanded=true');
      await page.click('#site-nav a[data-route="organizations"]');
      await page.waitForFunction(() => location.hash === '#/organizations');
      await page.waitForSelector('#site-nav', { state: 'hidden' });
      await page.waitForSelector('.results table, .results .state-empty');
    },
  },
  {
    name: 'logout returns to anonymous view',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/');
      await page.waitForSelector('#user-menu');
      await page.click('#user-menu');
      await page.click('#logout');
      await page.waitForSelector('#login-link');
      await open(page, baseUrl, '/organizations');
      await page.waitForSelector('.results table, .results .state-empty');
      assert(await page.locator('#org-new').count() === 0, 'anonymous users see no create button');
    },
  },
];
