// Browser tests of the intellectual property pages (issue 7), spliced into tests.mjs's list (run by
// run.mjs in order, signed in as the admin given on the command line; each test ends signed in as
// that admin again). They make their own organization and member through the admin API.

import { assert, open, waitCount, text, login, signOut, apiCall, isoDay, dmy } from './helpers.mjs';

function addYears(iso, n) {
  const y = Number(iso.slice(0, 4)) + n, m = iso.slice(5, 7);
  let d = iso.slice(8, 10);
  if (m === '02' && d === '29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) d = '28';
  return `${y}-${m}-${d}`;
}

/** An organization (in Hà Nội) and a member of it, created once through the admin API. */
async function ipFixture({ page, baseUrl, state }) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  if (state.ip) return state.ip;
  const stamp = 'ip' + Date.now().toString(36);
  const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Nông Sản Sạch ${stamp}`, province_code: '01' });
  assert(org.status === 201, `organization: ${org.status} ${JSON.stringify(org.body)}`);
  const member = { email: `shtt.${stamp}@example.vn`, password: 'Mật-khẩu-thử-nghiệm-1' };
  const u = await apiCall(page, 'POST', '/users', { email: member.email, display_name: `Thành viên ${stamp}`, role: 'member', organization_id: org.body.id, password: member.password });
  assert(u.status === 201, `member: ${u.status} ${JSON.stringify(u.body)}`);
  state.ip = { stamp, orgId: org.body.id, member };
  return state.ip;
}

export const ipTests = [
  {
    name: 'IP: a member registers a patent via the form (class field by kind, server error by field); the schedule timeline shows the annuity; a fee payment moves the next due date; a <script> title is text',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await ipFixture(ctx);
      const title = `Chế phẩm vi sinh xử lý phụ phẩm ${fx.stamp} <script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
      const grant = isoDay(-90), filing = addYears(grant, -2);
      const due1 = addYears(grant, 1), due2 = addYears(grant, 2);
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.member.email, fx.member.password);
      await open(page, baseUrl, '/ip/new');
      await page.waitForSelector('#ip-form');
      // The class field follows the kind: Nice for marks, Locarno for designs, none for GIs, IPC for patents.
      await page.selectOption('#f-kind', 'trademark');
      assert(await page.getAttribute('[data-field="classes"]', 'data-scheme') === 'nice', 'Nice for a trademark');
      assert((await text(page, '[data-field="classes"] label')).includes('Nice'), 'the label names Nice');
      assert(await page.locator('#f-renewals_done').isVisible() && !(await page.locator('#f-paid_up_to').isVisible()), 'renewals for a mark');
      await page.selectOption('#f-kind', 'industrial_design');
      assert((await text(page, '[data-field="classes"] label')).includes('Locarno'), 'Locarno for a design');
      await page.selectOption('#f-kind', 'geographical_indication');
      assert(!(await page.locator('#f-classes').isVisible()), 'no class field for a geographical indication');
      await page.selectOption('#f-kind', 'patent');
      assert(await page.getAttribute('[data-field="classes"]', 'data-scheme') === 'ipc', 'IPC for a patent');
      assert(await page.locator('#f-paid_up_to').isVisible(), 'annuities for a patent');
      await page.fill('#f-title', title);
      await page.fill('#f-application_number', `1-2024-${fx.stamp}`);
      await page.fill('#f-classes', 'A01N 63/00, C05F');
      await page.fill('#f-inventors', 'Nguyễn Văn Lúa, Trần Thị Mạ');
      // A filing date in the future: the server's error lands next to the field.
      await page.fill('#f-filing_date', dmy(isoDay(3)));
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/assets') && r.request().method() === 'POST'),
        page.click('#ip-save'),
      ]);
      assert(bad.status() === 400, `future filing date: HTTP ${bad.status()}`);
      await page.waitForFunction(() => (document.querySelector('[data-error-for="filing_date"]')?.textContent || '').length > 0);
      await page.fill('#f-filing_date', dmy(filing));
      await page.fill('#f-grant_date', dmy(grant));
      await page.fill('#f-grant_number', `VN-${fx.stamp}`);
      const [ok] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/assets') && r.request().method() === 'POST'),
        page.click('#ip-save'),
      ]);
      assert(ok.status() === 201, `create patent: HTTP ${ok.status()} ${await ok.text()}`);
      await page.waitForFunction(() => /^#\/ip\/\d+$/.test(location.hash));
      const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
      fx.patentId = id; fx.patentTitle = title; fx.due2 = due2;
      await page.waitForSelector('#ip-timeline');
      assert((await text(page, 'h1')).includes('<script>'), 'the title shows its <script> as text');
      // The timeline: filing, grant, the annuity of year 2 with its grace and surcharge, the end of the term.
      const ann = page.locator('#ip-timeline li[data-type="annuity"]');
      assert(await ann.getAttribute('data-number') === '2', `annuity year ${await ann.getAttribute('data-number')}`);
      assert(await ann.getAttribute('data-date') === due1, `annuity due ${await ann.getAttribute('data-date')} != ${due1}`);
      const annText = await ann.textContent();
      assert(annText.toLowerCase().includes('ân hạn đến') && annText.includes('10%'), `grace and surcharge: ${annText}`);
      assert(await page.locator('#ip-timeline li[data-type="filing"]').count() === 1 && await page.locator('#ip-timeline li[data-type="grant"]').count() === 1, 'filing and grant');
      assert(await page.getAttribute('#ip-timeline li[data-type="expiry"]', 'data-date') === addYears(filing, 20), 'term end 20 years from filing');
      assert(await page.getAttribute('.ip-badges .ip-status', 'data-status') === 'in_force', 'in force');
      // Record a fee payment: a date in the future is refused next to the field, then today's is accepted.
      await page.click('#ip-event-details summary');
      await page.selectOption('#ip-event-form select[name="type"]', 'fee_payment');
      assert(await page.inputValue('#ip-event-form input[name="paid_up_to"]') === '2', 'paying the annuity of year 2');
      assert(!(await page.locator('#ip-event-form input[name="grant_number"]').isVisible()), 'no grant number for a fee');
      await page.fill('#ip-event-form input[name="date"]', dmy(isoDay(2)));
      const [bad2] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/ip/assets/${id}/events`) && r.request().method() === 'POST'),
        page.click('#ip-event-save'),
      ]);
      assert(bad2.status() === 400, `future event: HTTP ${bad2.status()}`);
      await page.waitForFunction(() => (document.querySelector('#ip-event-form [data-error-for="date"]')?.textContent || '').length > 0);
      await page.fill('#ip-event-form input[name="date"]', dmy(isoDay(0)));
      await page.fill('#ip-event-form input[name="document_ref"]', 'Biên lai 123/BL');
      const [ev] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/ip/assets/${id}/events`) && r.request().method() === 'POST'),
        page.click('#ip-event-save'),
      ]);
      assert(ev.status() === 201, `fee payment: HTTP ${ev.status()} ${await ev.text()}`);
      await page.waitForSelector('#ip-timeline li[data-type="annuity"][data-number="3"]');
      assert(await page.getAttribute('#ip-timeline li[data-type="annuity"]', 'data-date') === due2, 'the next due date moved a year');
      assert((await text(page, '#ip-events li[data-type="fee_payment"]')).includes('123/BL'), 'the payment is listed');
      // The portfolio lists it with its next deadline; the title stays text.
      await open(page, baseUrl, `/ip?org=${fx.orgId}`);
      const row = page.locator(`#ip-results tr[data-key="${id}"]`);
      await row.waitFor();
      assert((await row.locator('.ip-link').textContent()).includes('<script>window.__xss=1</script>'), 'list title as text');
      assert(await row.locator('.ip-next').getAttribute('data-due') === due2, 'next deadline in the list');
      assert(await page.evaluate(() => window.__xss) === undefined, 'window.__xss was set: script injection!');
      assert(await page.locator('main img').count() === 0, 'an <img> was injected');
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
    },
  },
  {
    name: 'IP: an unpublished application is shown to its owner organization and staff, not to the public',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await ipFixture(ctx);
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.member.email, fx.member.password);
      const app = await apiCall(page, 'POST', '/ip/assets', {
        kind: 'utility_solution', title: `Quy trình sấy nông sản ${fx.stamp} chưa công bố`, application_number: `2-2026-${fx.stamp}`,
        filing_date: isoDay(-40), owner_organization_id: fx.orgId, classes: ['F26B'],
      });
      assert(app.status === 201 && app.body.published === false, `application: ${app.status} ${JSON.stringify(app.body)}`);
      await open(page, baseUrl, `/ip?org=${fx.orgId}`);
      const row = page.locator(`#ip-results tr[data-key="${app.body.id}"]`);
      await row.waitFor();
      assert(await row.locator('.ip-unpublished').count() === 1, 'marked unpublished for its owner');
      assert(await row.locator('[data-status="application"]').count() === 1, 'an application');
      // The public: not in the list, and its page does not exist.
      await signOut(page, baseUrl);
      await open(page, baseUrl, `/ip?q=${fx.stamp}`);
      await page.waitForSelector('#ip-count');
      if (fx.patentId) await page.locator(`#ip-results tr[data-key="${fx.patentId}"]`).waitFor();
      assert(await page.locator(`#ip-results tr[data-key="${app.body.id}"]`).count() === 0, 'the public does not see the application');
      assert(!(await page.textContent('main')).includes('Quy trình sấy nông sản'), 'its title is nowhere');
      await open(page, baseUrl, `/ip/${app.body.id}`);
      await page.waitForSelector('main .state-error');
      const direct = await page.evaluate(async (i) => (await fetch(`/api/v1/ip/assets/${i}`)).status, app.body.id);
      assert(direct === 404, `public GET: ${direct}`);
      // Staff see it.
      await login(page, baseUrl, email, password);
      await open(page, baseUrl, `/ip/${app.body.id}`);
      await page.waitForSelector('#ip-timeline');
      assert((await text(page, 'h1')).includes('chưa công bố'), 'staff see the application');
      assert(await page.locator('#ip-timeline li[data-type="examination_request"]').count() === 1, 'the examination request deadline');
    },
  },
  {
    name: 'IP: the deadline calendar lists deadlines by month with days left; at risk highlighted; "at risk only" and the owner filter',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await ipFixture(ctx);
      // Staff register a patent whose annuity is due in about 30 days: at risk.
      const grant = addYears(isoDay(30), -1);
      const risk = await apiCall(page, 'POST', '/ip/assets', {
        kind: 'patent', title: `Máy gieo hạt ${fx.stamp}`, application_number: `1-2023-R${fx.stamp}`, filing_date: addYears(grant, -2),
        grant_date: grant, owner_organization_id: fx.orgId, classes: ['A01C 7/00'],
      });
      assert(risk.status === 201 && risk.body.schedule.at_risk === true, `at-risk patent: ${risk.status} ${JSON.stringify(risk.body.schedule ?? risk.body)}`);
      const due = addYears(grant, 1);
      await open(page, baseUrl, `/ip/deadlines?org=${fx.orgId}&months=24`);
      const item = page.locator(`.ip-month[data-month="${due.slice(0, 7)}"] .ip-cal-item[data-asset="${risk.body.id}"][data-type="annuity"]`);
      await item.waitFor();
      assert(await item.evaluate((e) => e.classList.contains('at-risk')), 'highlighted as at risk');
      assert(await item.locator('.ip-risk').count() === 1, 'at-risk badge');
      const days = Number(await item.locator('.ip-cal-days').getAttribute('data-days'));
      assert(days >= 25 && days <= 35 && (await item.locator('.ip-cal-days').textContent()).includes('còn'), `days left ${days}`);
      assert(await page.locator('#ip-cal-summary .ip-risk-count').count() === 1, 'assets at risk counted');
      if (fx.patentId) {
        const other = page.locator(`.ip-cal-item[data-asset="${fx.patentId}"][data-type="annuity"]`);
        await other.waitFor();
        assert(!(await other.evaluate((e) => e.classList.contains('at-risk'))), 'a paid-up patent is not at risk');
      }
      assert((await text(page, `.ip-month[data-month="${due.slice(0, 7)}"] .ip-month-title`)).startsWith('Tháng'), 'month heading');
      await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/ip/deadlines') && r.url().includes('at_risk=true')),
        page.check('#ip-cal-risk'),
      ]);
      await page.waitForFunction(() => location.hash.includes('risk=1'));
      await page.locator(`.ip-cal-item[data-asset="${risk.body.id}"]`).waitFor();
      if (fx.patentId) assert(await page.locator(`.ip-cal-item[data-asset="${fx.patentId}"]`).count() === 0, 'at risk only');
      // Another owner's filter: nothing of this organization.
      await open(page, baseUrl, '/ip/deadlines?org=999999999');
      await page.waitForSelector('#ip-cal-summary');
      assert(await page.locator(`.ip-cal-item[data-asset="${risk.body.id}"]`).count() === 0, 'owner filter');
    },
  },
  {
    name: 'IP: the free-to-use finder lists a patent filed in 2000 with its reason; staff list it on the exchange and follow the link',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await ipFixture(ctx);
      const title = `Phương pháp bảo quản vải thiều ${fx.stamp}`;
      const old = await apiCall(page, 'POST', '/ip/assets', {
        kind: 'patent', title, application_number: `1-2000-${fx.stamp}`, filing_date: '2000-03-15', grant_date: '2003-06-02',
        grant_number: `1-0003-${fx.stamp}`, paid_up_to: 19, owner_organization_id: fx.orgId, province_code: '01', classes: ['A23B 7/00'],
      });
      assert(old.status === 201 && old.body.schedule.free_to_use === true, `old patent: ${old.status} ${JSON.stringify(old.body.schedule ?? old.body)}`);
      const id = old.body.id;
      await open(page, baseUrl, '/ip/free?ipc=A23B&province=01');
      const card = page.locator(`.ip-free-card[data-id="${id}"]`);
      await card.waitFor();
      const reason = await card.locator('.ip-free-reason').textContent();
      assert(reason.includes('15/03/2020'), `reason: ${reason}`);
      await open(page, baseUrl, '/ip/free?ipc=H04');
      await page.waitForSelector('#ip-free-count');
      assert(await page.locator(`.ip-free-card[data-id="${id}"]`).count() === 0, 'the IPC filter leaves it out');
      await open(page, baseUrl, '/ip/free?ipc=A23B&province=01');
      await card.waitFor();
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/ip/assets/${id}/exchange-listing`)),
        card.locator('.ip-exchange-btn').click(),
      ]);
      assert(resp.status() === 201, `exchange listing: HTTP ${resp.status()} ${await resp.text()}`);
      const link = card.locator('.ip-exchange-link');
      await link.waitFor();
      const href = await link.getAttribute('href');
      assert(/^#\/exchange\/\d+$/.test(href), `link ${href}`);
      await link.click();
      await page.waitForFunction((h) => location.hash === h, href);
      await page.waitForFunction((s) => (document.querySelector('h1')?.textContent || '').includes(s), fx.stamp);
      // Listing it again names the existing listing.
      await open(page, baseUrl, `/ip/${id}`);
      await page.waitForSelector('#ip-exchange-card .ip-exchange-btn');
      await page.click('#ip-exchange-card .ip-exchange-btn');
      await page.waitForSelector('#ip-exchange-card .ip-exchange-link');
      assert(await page.getAttribute('#ip-exchange-card .ip-exchange-link', 'href') === href, 'the same listing');
    },
  },
  {
    name: 'IP statistics: SVG bar charts by year and per 10,000 inhabitants, by kind, province map of geographical indications with holders',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await ipFixture(ctx);
      const gi = await apiCall(page, 'POST', '/ip/assets', {
        kind: 'geographical_indication', title: `Chỉ dẫn địa lý Cam ${fx.stamp}`, application_number: `6-2024-${fx.stamp}`,
        filing_date: isoDay(-400), grant_date: isoDay(-100), owner_organization_id: fx.orgId, province_code: '01',
      });
      assert(gi.status === 201, `GI: ${gi.status} ${JSON.stringify(gi.body)}`);
      await open(page, baseUrl, '/ip/stats');
      await waitCount(page, '#ip-stats-year svg.bar-chart rect.bar[data-series="applications"]', 1);
      await waitCount(page, '#ip-stats-year svg.bar-chart rect.bar[data-series="applications_per_10k"]', 1);
      await waitCount(page, '#ip-stats-kind .hbar-row', 1);
      await waitCount(page, '#ip-stats-map svg.province-map path.province', 34, true);
      const fill = await page.getAttribute('#ip-stats-map path.province[data-code="01"]', 'fill');
      assert(fill && !fill.includes('nodata'), `Hà Nội has a count: ${fill}`);
      assert((await text(page, '#ip-origin-list')).includes(`Cam ${fx.stamp}`), 'the GI is listed with its holder');
      const apps = Number((await text(page, '.ip-stats-cards [data-stat="applications"] .stat-value')).replace(/\D/g, ''));
      assert(apps >= 2, `applications ${apps}`);
      // One province and kind.
      await open(page, baseUrl, '/ip/stats?province=01&kind=geographical_indication');
      await waitCount(page, '#ip-stats-year svg.bar-chart rect.bar', 1);
      const n = Number((await text(page, '.ip-stats-cards [data-stat="applications"] .stat-value')).replace(/\D/g, ''));
      assert(n >= 1, `GI applications in Hà Nội ${n}`);
      assert((await text(page, '.ip-stats-cards [data-stat="applications_per_10k"] .stat-value')) !== '—', 'a rate per 10,000');
    },
  },
];
