// Browser tests of the exchange after the handshake (issue 4): transfer contracts with their
// registration, status and follow-up; task order proposals from needs; the bulk import of listings.
// Spliced into tests.mjs's list (run by run.mjs in order, signed in as the admin given on the
// command line; each test ends signed in as that admin again). They make their own organization and
// member through the admin API.

import { assert, open, text, login, signOut, apiCall, isoDay, dmy } from './helpers.mjs';

const errorOf = (page, form, field) => page.waitForFunction(([f, n]) =>
  (document.querySelector(`${f} [data-error-for="${n}"]`)?.textContent || '').length > 0, [form, field]);

/** An organization (in Hà Nội) and a member of it, created once through the admin API. */
async function dealsFixture({ page, baseUrl, state }) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  if (state.deals) return state.deals;
  const stamp = 'hd' + Date.now().toString(36);
  const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Xử Lý Nước ${stamp}`, province_code: '01' });
  assert(org.status === 201, `organization: ${org.status} ${JSON.stringify(org.body)}`);
  const member = { email: `hopdong.${stamp}@example.vn`, password: 'Mật-khẩu-thử-nghiệm-1' };
  const u = await apiCall(page, 'POST', '/users', { email: member.email, display_name: `Thành viên ${stamp}`, role: 'member', organization_id: org.body.id, password: member.password });
  assert(u.status === 201, `member: ${u.status} ${JSON.stringify(u.body)}`);
  state.deals = { stamp, orgId: org.body.id, member };
  return state.deals;
}

export const dealsTests = [
  {
    name: 'exchange contracts: a member records a transfer into Vietnam (bad values by field), sees the registration overdue, registers it, puts it into effect and reports a period of follow-up; staff filter the list',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await dealsFixture(ctx);
      await signOut(page, baseUrl);
      await login(page, baseUrl, fx.member.email, fx.member.password);
      await open(page, baseUrl, '/exchange/contracts');
      await page.waitForSelector('#ex-tab-contracts[aria-current="page"]');
      await page.click('#contract-new');
      await page.waitForSelector('#contract-form');
      const partner = `Fraunhofer IGB ${fx.stamp} <script>window.__xss=1</script>`;
      await page.fill('#f-transferor_name', partner);
      await page.waitForFunction((id) => document.querySelector('#f-transferee_organization_id')?.value === String(id), fx.orgId);
      await page.fill('#f-object', `Công nghệ màng lọc sinh học MBR ${fx.stamp}`);
      await page.selectOption('#f-form', 'ip_rights');
      await page.selectOption('#f-direction', 'into_vietnam');
      await page.waitForSelector('#reg-hint:not(.hidden)');
      const signed = isoDay(-100);
      await page.fill('#f-signed_date', dmy(signed));
      // A value the client can tell is wrong, then one only the server refuses: both next to the field.
      await page.fill('#f-value_vnd', '1,5 tỷ');
      await page.click('#contract-save');
      await errorOf(page, '#contract-form', 'value_vnd');
      await page.fill('#f-value_vnd', '9.999.999.999.999.999');
      const [bad] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/contracts') && r.request().method() === 'POST'),
        page.click('#contract-save'),
      ]);
      assert(bad.status() === 400, `too large a value: HTTP ${bad.status()}`);
      await errorOf(page, '#contract-form', 'value_vnd');
      assert(await page.getAttribute('#f-value_vnd', 'aria-invalid') === 'true', 'the value field is marked invalid');
      await page.fill('#f-value_vnd', '1.500.000.000');
      const [ok] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/exchange/contracts') && r.request().method() === 'POST'),
        page.click('#contract-save'),
      ]);
      assert(ok.status() === 201, `create contract: HTTP ${ok.status()} ${await ok.text()}`);
      await page.waitForFunction(() => /^#\/exchange\/contracts\/\d+$/.test(location.hash));
      const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
      // Overdue: signed 100 days ago, due 90 days after signing, not registered.
      await page.waitForSelector('#reg-flag[data-reg="overdue"]');
      const due = new Date(Date.parse(signed + 'T00:00:00Z') + 90 * 86400000).toISOString().slice(0, 10);
      assert((await text(page, '#reg-flag')).includes(dmy(due)), `overdue flag names the due date ${dmy(due)}: ${await text(page, '#reg-flag')}`);
      assert((await text(page, '#reg-due')) === dmy(due), 'due date in the registration card');
      assert((await text(page, '#contract-value')).replace(/\s/g, '') === '1.500.000.000đồng', `value: ${await text(page, '#contract-value')}`);
      assert((await text(page, '#contract-details')).includes('<script>'), 'the partner name shows its <script> as text');
      assert(await page.evaluate(() => window.__xss === undefined), 'no script ran');
      // Forward only, registration first: no "in effect" before it is registered.
      assert(await page.locator('#contract-status [data-next="in_effect"]').count() === 0, 'no in_effect before registration');
      assert(await page.locator('#contract-status [data-next="registered"]').count() === 1, 'register offered');
      await page.click('#contract-status [data-next="registered"]');
      await page.fill('#f-registration_number', `123/GCN-CGCN-${fx.stamp}`);
      await page.fill('#f-registration_date', dmy(isoDay(2)));
      await page.click('#register-confirm');
      await errorOf(page, '#status-form', 'registration_date');
      await page.fill('#f-registration_date', dmy(isoDay(-1)));
      const [reg] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/contracts/${id}`) && r.request().method() === 'PATCH'),
        page.click('#register-confirm'),
      ]);
      assert(reg.status() === 200, `register: HTTP ${reg.status()} ${await reg.text()}`);
      await page.waitForSelector('#contract-status .badge[data-status="registered"]');
      assert(await page.locator('#reg-flag').count() === 0, 'no overdue flag once registered');
      assert((await text(page, '#reg-number')).includes(fx.stamp), 'registration number shown');
      assert(await page.locator('#contract-status [data-next="signed"]').count() === 0, 'never backwards');
      const [eff] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/contracts/${id}`) && r.request().method() === 'PATCH'),
        page.click('#contract-status [data-next="in_effect"]'),
      ]);
      assert(eff.status() === 200, `in effect: HTTP ${eff.status()}`);
      await page.waitForSelector('#contract-status .badge[data-status="in_effect"]');
      // Follow-up: this month; a bad percentage first, then the row in the table; the same period twice is refused by the server.
      const period = isoDay(0).slice(0, 7).replace('-', '');
      await page.fill('#f-period', period);
      await page.fill('#f-revenue_change_vnd', '+350.000.000');
      await page.fill('#f-productivity_change_pct', '-150');
      await page.fill('#f-jobs_created', '8');
      await page.fill('#f-products', 'Màng MBR 20 m³/ngày');
      await page.click('#followup-save');
      await errorOf(page, '#followup-form', 'productivity_change_pct');
      await page.fill('#f-productivity_change_pct', '12,5');
      const [fu] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/contracts/${id}/followups`)),
        page.click('#followup-save'),
      ]);
      assert(fu.status() === 201, `follow-up: HTTP ${fu.status()} ${await fu.text()}`);
      const row = page.locator(`#followups tr[data-key="${period}"]`);
      await row.waitFor();
      const cells = (await row.textContent()).replace(/\s/g, '');
      assert(cells.includes(`Tháng${period.slice(4)}/${period.slice(0, 4)}`) && cells.includes('+350.000.000') && cells.includes('+12,5%') && cells.includes('8'),
        `follow-up row: ${cells}`);
      await page.fill('#f-period', period);
      await page.fill('#f-jobs_created', '1');
      const [dup] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/contracts/${id}/followups`)),
        page.click('#followup-save'),
      ]);
      assert(dup.status() === 409, `same period twice: HTTP ${dup.status()}`);
      await errorOf(page, '#followup-form', 'period');
      // A second contract, domestic with state capital, signed today: registration due, not overdue (API), in the list.
      const k2 = await apiCall(page, 'POST', '/exchange/contracts', {
        transferor_name: `Viện Công nghệ Môi trường ${fx.stamp}`, transferee_organization_id: fx.orgId, object: `Quy trình xử lý bùn ${fx.stamp}`,
        form: 'independent', rights: 'use', state_capital: true, signed_date: isoDay(0), value_vnd: 200000000,
      });
      assert(k2.status === 201 && k2.body.registration_required === true, `second contract: ${k2.status} ${JSON.stringify(k2.body)}`);
      await open(page, baseUrl, '/exchange/contracts');
      await page.waitForSelector(`#contracts-list tr[data-key="${k2.body.id}"] .reg-badge[data-reg="due"]`);
      await page.waitForSelector(`#contracts-list tr[data-key="${id}"] .reg-badge[data-reg="registered"]`);
      await page.click(`#contracts-list tr[data-key="${k2.body.id}"] a.contract-link`);
      await page.waitForSelector('#reg-flag[data-reg="due"]');
      assert((await text(page, '#reg-flag')).includes('90'), `due flag counts the days left: ${await text(page, '#reg-flag')}`);
      // Staff see every contract and filter by status and province.
      await signOut(page, baseUrl);
      await login(page, baseUrl, email, password);
      await open(page, baseUrl, '/exchange/contracts?status=in_effect&province=01');
      await page.waitForSelector(`#contracts-list tr[data-key="${id}"]`);
      assert(await page.locator(`#contracts-list tr[data-key="${k2.body.id}"]`).count() === 0, 'the signed contract is filtered out');
      assert(await page.inputValue('#k-status') === 'in_effect', 'status filter kept');
      await page.selectOption('#k-status', 'signed');
      await page.waitForSelector(`#contracts-list tr[data-key="${k2.body.id}"]`);
      fx.contractId = id;
    },
  },
  {
    name: 'exchange task proposal: staff turn a published need into a proposal, see it under its headings, download the JSON; the need links to it',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await dealsFixture(ctx);
      const title = `Cần công nghệ sấy thanh long bằng bơm nhiệt ${fx.stamp}`;
      const need = await apiCall(page, 'POST', '/exchange/listings', {
        kind: 'need', organization_id: fx.orgId, title, summary: `Hợp tác xã cần sấy 2 tấn thanh long mỗi ngày ${fx.stamp}`,
        fields: ['401'], trl_min: 6, budget_min_vnd: 300000000, budget_max_vnd: 800000000, accepted_result: 'Máy sấy chạy thử một tháng', submit: true,
      });
      assert(need.status === 201, `need: ${need.status} ${JSON.stringify(need.body)}`);
      const pub = await apiCall(page, 'POST', `/exchange/listings/${need.body.id}/publish`, {});
      assert(pub.status === 200, `publish: ${pub.status}`);
      await open(page, baseUrl, `/exchange/${need.body.id}`);
      await page.waitForSelector('#task-proposal [data-action="task-proposal"]');
      const [created] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/exchange/listings/${need.body.id}/task-proposal`)),
        page.click('#task-proposal [data-action="task-proposal"]'),
      ]);
      assert(created.status() === 201, `proposal: HTTP ${created.status()} ${await created.text()}`);
      await page.waitForFunction(() => /^#\/exchange\/task-proposals\/\d+$/.test(location.hash));
      const pid = Number((await page.evaluate(() => location.hash)).split('/').pop());
      await page.waitForSelector('#proposal-doc');
      const heading = async (k) => ({ dt: await text(page, `#proposal-doc [data-key="${k}"] dt`), dd: await text(page, `#proposal-doc [data-key="${k}"] dd`) });
      const name = await heading('ten_nhiem_vu');
      assert(name.dt === 'Tên nhiệm vụ' && name.dd === title, `name: ${JSON.stringify(name)}`);
      assert((await heading('tinh_cap_thiet')).dt === 'Tính cấp thiết', 'urgency heading');
      const budget = (await heading('kinh_phi_du_kien_vnd')).dd.replace(/\s/g, '');
      assert(budget.includes('300.000.000') && budget.includes('800.000.000'), `budget: ${budget}`);
      assert((await heading('trl_toi_thieu')).dd === 'TRL 6', 'minimum TRL');
      assert((await heading('linh_vuc')).dd.startsWith('401'), 'field of science');
      assert(await page.getAttribute('#proposal-source', 'href') === `#/exchange/${need.body.id}`, 'source links to the need');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#proposal-json')]);
      assert(dl.suggestedFilename() === `de-xuat-dat-hang-${pid}.json`, `file name ${dl.suggestedFilename()}`);
      const fs = await import('node:fs');
      const doc = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
      assert(doc.id === pid && doc.proposal.ten_nhiem_vu === title && doc.proposal.nguon.listing_id === need.body.id, `JSON: ${JSON.stringify(doc).slice(0, 200)}`);
      // The need now links to its proposal; the list has it.
      await open(page, baseUrl, `/exchange/${need.body.id}`);
      await page.waitForSelector('#task-proposal-link');
      assert(await page.getAttribute('#task-proposal-link', 'href') === `#/exchange/task-proposals/${pid}`, 'link to the proposal');
      await open(page, baseUrl, '/exchange/task-proposals');
      await page.waitForSelector('#ex-tab-proposals[aria-current="page"]');
      await page.waitForSelector(`#proposals-list tr[data-key="${pid}"] a.proposal-link`);
    },
  },
  {
    name: 'exchange import (staff): a CSV with one bad row is reported by line and column, nothing imported; a good one is; the example CSV downloads',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await dealsFixture(ctx);
      await open(page, baseUrl, '/exchange/import');
      await page.waitForSelector('#ex-import-form');
      assert((await text(page, '#ex-import-help')).includes('organization_id'), 'help names the columns');
      const [ex] = await Promise.all([page.waitForEvent('download'), page.click('#ex-import-example')]);
      const fs = await import('node:fs');
      const example = fs.readFileSync(await ex.path(), 'utf8').replace(/^\ufeff/, '');
      assert(example.startsWith('kind,title,summary') && example.includes('(ví dụ)'), `example CSV: ${example.slice(0, 80)}`);
      const header = 'kind,title,summary,fields,trl,price_vnd,organization_id,province_code,submit';
      const row = (n, trl) => `offer,Công nghệ nhập thử ${n} ${fx.stamp},Tóm tắt ${n},207,${trl},"1.500.000.000",${fx.orgId},01,có`;
      const bad = [header, row(1, 7), row(2, 12), row(3, 5)].join('\n') + '\n';
      await page.setInputFiles('#f-ex-file', { name: 'danh-muc.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      const [r1] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/exchange/import?format=csv')),
        page.click('#ex-import-submit'),
      ]);
      assert(r1.status() === 422, `bad file: HTTP ${r1.status()}`);
      const errRow = page.locator('#ex-import-errors tbody tr');
      await errRow.first().waitFor();
      assert(await errRow.count() === 1, `one bad row, got ${await errRow.count()}`);
      const cells = await errRow.first().locator('td').allTextContents();
      assert(cells[0].trim() === '3' && cells[1].trim() === 'trl' && cells[2].length > 0, `report: ${JSON.stringify(cells)}`);
      const none = await apiCall(page, 'GET', `/exchange/listings?q=${encodeURIComponent(fx.stamp)}&kind=offer&organization_id=${fx.orgId}`);
      assert(none.status === 200 && none.body.total === 0, `nothing imported: ${JSON.stringify(none.body).slice(0, 200)}`);
      const good = [header, row(1, 7), row(2, 8)].join('\n') + '\n';
      await page.setInputFiles('#f-ex-file', { name: 'danh-muc.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      const [r2] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/exchange/import?format=csv')),
        page.click('#ex-import-submit'),
      ]);
      assert(r2.status() === 200, `good file: HTTP ${r2.status()} ${await r2.text()}`);
      await page.waitForSelector('#ex-import-ok');
      assert((await text(page, '#ex-import-ok')).includes('Đã nhập 2 tin'), `done: ${await text(page, '#ex-import-ok')}`);
      assert(await page.locator('#ex-import-errors').count() === 0, 'the old report is gone');
    },
  },
];
