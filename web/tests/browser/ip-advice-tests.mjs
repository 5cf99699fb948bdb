// Browser tests of the IP advice and administration pages (issue 7: knowledge base, advisory
// requests, self-assessment, import of IP office exports, deadline rules and reminder days),
// spliced into tests.mjs's list after ipTests. Each test starts and ends signed in as the admin
// given on the command line; the fixture makes its own organization, member and staff user.

import { assert, open, waitCount, text, login, signOut, apiCall, isoDay } from './helpers.mjs';

function addYears(iso, n) {
  const y = Number(iso.slice(0, 4)) + n, m = iso.slice(5, 7);
  let d = iso.slice(8, 10);
  if (m === '02' && d === '29') d = '28';
  return `${y}-${m}-${d}`;
}

async function asAdmin(page, baseUrl, email, password) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json().catch(() => null));
  if (me?.user?.email === email) return;
  await signOut(page, baseUrl);
  await login(page, baseUrl, email, password);
}

async function as(page, baseUrl, who) {
  await signOut(page, baseUrl);
  await login(page, baseUrl, who.email, who.password);
}

/** An organization with a member, and a staff user (not an admin), made once through the admin API. */
async function adviceFixture({ page, baseUrl, email, password, state }) {
  await asAdmin(page, baseUrl, email, password);
  if (state.ipa) return state.ipa;
  const stamp = 'tv' + Date.now().toString(36);
  const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Gạo Thơm ${stamp}`, province_code: '01' });
  assert(org.status === 201, `organization: ${org.status} ${JSON.stringify(org.body)}`);
  const member = { email: `hoi.${stamp}@example.vn`, password: 'Mật-khẩu-thử-nghiệm-2' };
  const u = await apiCall(page, 'POST', '/users', { email: member.email, display_name: `Doanh nghiệp ${stamp}`, role: 'member', organization_id: org.body.id, password: member.password });
  assert(u.status === 201, `member: ${u.status} ${JSON.stringify(u.body)}`);
  const staff = { email: `canbo.${stamp}@example.vn`, password: 'Mật-khẩu-cán-bộ-3' };
  const s = await apiCall(page, 'POST', '/users', { email: staff.email, display_name: `Cán bộ ${stamp}`, role: 'staff', password: staff.password });
  assert(s.status === 201, `staff: ${s.status} ${JSON.stringify(s.body)}`);
  const org2 = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Khác ${stamp}`, province_code: '79' });
  assert(org2.status === 201, `other organization: ${org2.status}`);
  const other = { email: `khac.${stamp}@example.vn`, password: 'Mật-khẩu-tổ-chức-khác-4' };
  const o = await apiCall(page, 'POST', '/users', { email: other.email, display_name: `Khác ${stamp}`, role: 'member', organization_id: org2.body.id, password: other.password });
  assert(o.status === 201, `other member: ${o.status} ${JSON.stringify(o.body)}`);
  state.ipa = { stamp, orgId: org.body.id, member, staff, other };
  return state.ipa;
}

/** A granted patent of the fixture's organization: its year-2 annuity falls within the next year. */
async function patentOf(page, fx) {
  if (fx.patent) return fx.patent;
  const grant = isoDay(-90);
  const r = await apiCall(page, 'POST', '/ip/assets', {
    kind: 'patent', title: `Máy sấy lúa tiết kiệm điện ${fx.stamp}`, application_number: `1-2022-${fx.stamp}`,
    filing_date: addYears(grant, -2), grant_date: grant, grant_number: `VN-${fx.stamp}`, owner_organization_id: fx.orgId,
    classes: ['F26B'], published: true,
  });
  assert(r.status === 201, `patent: ${r.status} ${JSON.stringify(r.body)}`);
  fx.patent = r.body;
  return r.body;
}

export const ipAdviceTests = [
  {
    name: 'IP advice: staff write a guidance article (draft, then published); the public finds it by an unaccented search; the body is text in paragraphs',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await adviceFixture(ctx);
      const title = `Gia hạn văn bằng nhãn hiệu tập thể ${fx.stamp}`;
      await open(page, baseUrl, '/ip/articles');
      await page.click('#ipa-article-new');
      await page.waitForSelector('#ipa-article-form');
      // Required fields are checked by field before asking the server.
      await page.click('#ipa-article-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="title"]')?.textContent || '').length > 0);
      assert(await page.getAttribute('#f-title', 'aria-invalid') === 'true', 'the title is marked invalid');
      await page.fill('#f-title', title);
      await page.fill('#f-summary', 'Nhãn hiệu tập thể được bảo hộ 10 năm và gia hạn nhiều lần.');
      await page.fill('#f-body', 'Chủ văn bằng nộp đơn gia hạn trong 6 tháng trước ngày hết hạn.\nCó thể nộp muộn 6 tháng, chịu lệ phí.\n\n<script>window.__xss=1</script><b>Không in đậm</b>');
      await page.fill('#f-tags', 'gia hạn, nhãn hiệu, gia hạn');
      await page.check('input[name="kinds"][value="collective_mark"]');
      const [created] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/articles') && r.request().method() === 'POST'),
        page.click('#ipa-article-save'),
      ]);
      assert(created.status() === 201, `create: HTTP ${created.status()} ${await created.text()}`);
      const art = await created.json();
      assert(JSON.stringify(art.tags) === '["gia hạn","nhãn hiệu"]', `tags: ${JSON.stringify(art.tags)}`);
      await page.waitForFunction((id) => location.hash === `#/ip/articles/${id}`, art.id);
      await page.waitForSelector('#ipa-article');
      assert((await text(page, '#ipa-article .ipa-meta')).includes('Bản nháp'), 'a draft');
      // The public cannot read the draft.
      await signOut(page, baseUrl);
      await open(page, baseUrl, `/ip/articles/${art.id}`);
      await page.waitForSelector('main .state-error');
      // Staff publish it.
      await login(page, baseUrl, email, password);
      await open(page, baseUrl, `/ip/articles/${art.id}`);
      await page.click('#ipa-article-edit');
      await page.waitForSelector('#ipa-article-form');
      assert(await page.inputValue('#f-title') === title, 'the form holds the article');
      await page.check('input[name="published"]');
      const [patched] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/api/v1/ip/articles/${art.id}`) && r.request().method() === 'PATCH'),
        page.click('#ipa-article-save'),
      ]);
      assert(patched.status() === 200, `publish: HTTP ${patched.status()} ${await patched.text()}`);
      // The public: an unaccented search finds it.
      await signOut(page, baseUrl);
      await open(page, baseUrl, '/ip/articles');
      await page.waitForSelector('#ipa-q');
      await page.waitForSelector('#ipa-articles .result-count');
      await page.fill('#ipa-q', `gia han nhan hieu tap the ${fx.stamp}`);
      await page.waitForFunction(() => /[?&]q=/.test(location.hash));
      // Only that article (the unfiltered list before the search showed others).
      await page.waitForFunction((id) => {
        const items = [...document.querySelectorAll('#ipa-articles li.ipa-item')];
        return items.length === 1 && items[0].getAttribute('data-id') === String(id);
      }, art.id);
      assert(await page.inputValue('#ipa-q') === `gia han nhan hieu tap the ${fx.stamp}`, 'the search box keeps its text');
      assert(await page.locator(`#ipa-articles li[data-id="${art.id}"] [data-kind="collective_mark"]`).count() === 1, 'its kind is shown');
      await page.click(`#ipa-articles li[data-id="${art.id}"] a`);
      await page.waitForSelector('#ipa-article .ipa-body');
      assert(await page.locator('#ipa-article .ipa-body p').count() === 2, 'two paragraphs');
      assert(await page.locator('#ipa-article .ipa-body p').first().locator('br').count() === 1, 'a line break kept');
      assert((await text(page, '#ipa-article .ipa-body')).includes('<script>window.__xss=1</script>'), 'HTML shown as text');
      assert(await page.locator('#ipa-article b').count() === 0 && await page.evaluate(() => window.__xss) === undefined, 'HTML injected');
      assert(await page.locator('#ipa-article-edit').count() === 0, 'no edit button for the public');
      await login(page, baseUrl, email, password);
    },
  },
  {
    name: 'IP advice: a member asks, staff answer from the queue, the member sees the answer (inbox links to it), staff close it with an outcome',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await adviceFixture(ctx);
      const subject = `Đăng ký nhãn hiệu gạo ở Nhật Bản ${fx.stamp}`;
      const patent = await patentOf(page, fx);
      // Signed out: asked to sign in.
      await signOut(page, baseUrl);
      await open(page, baseUrl, '/ip/advice');
      await page.waitForSelector('main a[href^="#/login"]');
      await login(page, baseUrl, fx.member.email, fx.member.password);
      await open(page, baseUrl, '/ip/advice');
      await page.click('#ipa-ask');
      await page.waitForSelector('#ipa-ask-form');
      assert(await page.locator('#f-organization_id').count() === 0, 'a member asks for their own organization');
      await page.fill('#f-subject', subject);
      await page.selectOption('#f-topic', 'trademark');
      await page.click('#ipa-ask-submit');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="question"]')?.textContent || '').length > 0);
      await page.fill('#f-question', 'Chúng tôi xuất khẩu gạo sang Nhật.\nCần đăng ký nhãn hiệu thế nào?');
      // The organization's own assets can be named.
      await page.check(`input[name="asset_ids"][value="${patent.id}"]`);
      const [asked] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/advice') && r.request().method() === 'POST'),
        page.click('#ipa-ask-submit'),
      ]);
      assert(asked.status() === 201, `ask: HTTP ${asked.status()} ${await asked.text()}`);
      const id = (await asked.json()).id;
      await page.waitForSelector('#ipa-thread li.ipa-msg');
      assert(await page.locator('#ipa-thread li[data-from="organization"]').count() === 1, 'the question opens the thread');
      assert((await text(page, '#ipa-thread .ipa-msg-author')) === fx.member.email, 'who asked');
      assert(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/.test(await text(page, '#ipa-thread .ipa-msg-time')), 'when, as dd/mm/yyyy HH:mm');
      assert(await page.getAttribute('.ipa-request-info .ipa-status', 'data-status') === 'open', 'open');
      await page.waitForFunction((t) => (document.querySelector('.ipa-linked-assets')?.textContent || '').includes(t), patent.title);
      // Another organization's member cannot read it, in the page or the API.
      await as(page, baseUrl, fx.other);
      await open(page, baseUrl, `/ip/advice/${id}`);
      await page.waitForSelector('main .state-error');
      assert(await page.locator('#ipa-thread').count() === 0, 'no thread for another organization');
      assert((await apiCall(page, 'GET', `/ip/advice/${id}`)).status === 403, 'the API refuses too');
      await open(page, baseUrl, '/ip/advice');
      await page.waitForSelector('#ipa-requests .result-count');
      assert(await page.locator(`#ipa-requests tr[data-key="${id}"]`).count() === 0, 'not in another organization\'s list');
      // Staff (not an admin) answer from the queue of open requests.
      await as(page, baseUrl, fx.staff);
      await open(page, baseUrl, '/ip/advice?status=open');
      const row = page.locator(`#ipa-requests tr[data-key="${id}"]`);
      await row.waitFor();
      assert((await row.textContent()).includes(`Công ty Gạo Thơm ${fx.stamp}`), 'the queue names the organization');
      await row.locator('a').click();
      await page.waitForSelector('#ipa-reply-form');
      const answer = `Nộp đơn quốc tế theo Hệ thống Madrid, chỉ định Nhật Bản ${fx.stamp}.`;
      await page.fill('#ipa-reply-form textarea[name="body"]', answer);
      const [replied] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/api/v1/ip/advice/${id}/messages`)),
        page.click('#ipa-reply-send'),
      ]);
      assert(replied.status() === 201, `answer: HTTP ${replied.status()}`);
      await page.waitForSelector('#ipa-thread li[data-from="staff"]');
      assert(await page.getAttribute('.ipa-request-info .ipa-status', 'data-status') === 'answered', 'answered');
      await open(page, baseUrl, '/ip/advice?status=open');
      await page.waitForSelector('#ipa-requests .result-count');
      assert(await page.locator(`#ipa-requests tr[data-key="${id}"]`).count() === 0, 'no longer in the open queue');
      // The member sees the answer, from the inbox too.
      await as(page, baseUrl, fx.member);
      await open(page, baseUrl, '/notifications');
      const note = page.locator(`a[href="#/ip/advice/${id}"]`).first();
      await note.waitFor();
      await note.click();
      await page.waitForSelector('#ipa-thread li[data-from="staff"]');
      const staffMsg = page.locator('#ipa-thread li[data-from="staff"]');
      assert((await staffMsg.textContent()).includes(answer) && (await staffMsg.textContent()).includes('Cán bộ Sở'), 'the answer and who gave it');
      // Staff close it with an outcome: no more messages.
      await as(page, baseUrl, fx.staff);
      await open(page, baseUrl, `/ip/advice/${id}`);
      await page.waitForSelector('#ipa-close-form');
      await page.click('#ipa-close-submit');
      await page.waitForFunction(() => (document.querySelector('#ipa-close-form [data-error-for="outcome"]')?.textContent || '').length > 0);
      await page.fill('#ipa-close-form textarea[name="outcome"]', 'Doanh nghiệp đã nộp đơn Madrid.');
      await page.click('#ipa-close-submit');
      await page.waitForSelector('#ipa-outcome');
      assert((await text(page, '#ipa-outcome')).includes('đã nộp đơn Madrid'), 'the outcome is kept');
      assert(await page.getAttribute('.ipa-request-info .ipa-status', 'data-status') === 'closed', 'closed');
      assert(await page.locator('#ipa-reply-form').count() === 0, 'a closed request takes no messages');
      await asAdmin(page, baseUrl, email, password);
    },
  },
  {
    name: 'IP advice: the self-assessment report names the organization\'s asset and its deadline, recommends a trademark with its article of the law; it prints without the page chrome',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await adviceFixture(ctx);
      const patent = await patentOf(page, fx);
      await as(page, baseUrl, fx.member);
      await open(page, baseUrl, '/ip/self-assessment');
      await page.waitForSelector('#ipa-assess-form fieldset[data-question="has_brand"]');
      const n = await page.locator('#ipa-assess-form fieldset.ipa-question').count();
      assert(n >= 10, `yes/no questions: ${n}`);
      await page.check('#q-has_brand-yes');
      await page.check('#q-exports-yes');
      await page.check('#q-technical_innovation-yes');
      await page.check('#q-trade_secrets-no');
      await page.fill('#f-markets', 'Nhật Bản');
      const [made] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/self-assessment') && r.request().method() === 'POST'),
        page.click('#ipa-assess-submit'),
      ]);
      assert(made.status() === 201, `report: HTTP ${made.status()} ${await made.text()}`);
      await page.waitForSelector('#ipa-report');
      assert((await text(page, '#ipa-report-assets')).includes(patent.title), 'what they own, by name');
      // Two trademark steps: register the mark at home (first to file), then in the export market named.
      const tm = page.locator('#ipa-recs li[data-kind="trademark"]');
      assert(await tm.count() === 2, `trademark advice: ${await tm.count()}`);
      assert(await tm.first().getAttribute('data-priority') === 'high', 'high priority first');
      assert(/Điều \d+/.test(await tm.first().locator('.ipa-basis-text').textContent()), 'the article of the law');
      assert((await tm.nth(1).textContent()).includes('Nhật Bản'), 'the export market is named');
      assert(await page.locator('#ipa-recs li[data-kind="patent"]').count() === 0, 'a patent is owned already: no patent advice');
      const due = page.locator(`#ipa-report tr:has(a.ipa-deadline-asset[href="#/ip/${patent.id}"])`).first();
      assert((await due.textContent()).includes('Phí duy trì hiệu lực năm thứ 2'), `the patent's year-2 annuity is a deadline ahead: ${await due.textContent()}`);
      // Printing: only the report.
      await page.emulateMedia({ media: 'print' });
      assert(await page.locator('#ipa-report').isVisible(), 'the report prints');
      assert(!(await page.locator('.site-header').isVisible()) && !(await page.locator('#ipa-assess-form').isVisible()) && !(await page.locator('#ipa-print').isVisible()), 'no chrome, form or button in print');
      await page.emulateMedia({ media: 'screen' });
      // It is kept: the list of earlier assessments shows it and opens it again.
      await waitCount(page, '#ipa-history tbody tr', 1);
      await page.reload();
      await page.click('#ipa-history button[data-report]');
      await page.waitForSelector('#ipa-report-assets');
      assert((await text(page, '#ipa-report-assets')).includes(patent.title), 'the stored report');
      // Staff assess for an organization they choose (required).
      await as(page, baseUrl, fx.staff);
      await open(page, baseUrl, '/ip/self-assessment');
      await page.waitForSelector('#ipa-assess-form #f-organization_id');
      await page.check('#q-product_design-yes');
      await page.click('#ipa-assess-submit');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="organization_id"]')?.textContent || '').length > 0);
      await page.waitForSelector(`#f-organization_id option[value="${fx.orgId}"]`, { state: 'attached' });
      await page.selectOption('#f-organization_id', String(fx.orgId));
      await page.click('#ipa-assess-submit');
      await page.waitForSelector('#ipa-recs li[data-kind="industrial_design"]');
      // In English, the questions and the report come in English.
      await page.click('#lang-switch');
      await page.waitForSelector('#ipa-tab-assessment');
      assert((await text(page, '#ipa-tab-assessment')) === 'Self-assessment', await text(page, '#ipa-tab-assessment'));
      assert((await text(page, '#ipa-assess-form fieldset[data-question="has_brand"] legend')).startsWith('Do you use a trade name'), 'English question');
      await page.click('#lang-switch');
      await page.waitForSelector('#ipa-assess-form fieldset[data-question="has_brand"]');
      assert((await text(page, '#ipa-tab-assessment')) === 'Tự đánh giá', 'back in Vietnamese');
      await asAdmin(page, baseUrl, email, password);
    },
  },
  {
    name: 'IP import: an export with one bad row lists that row (line, column, reason) and writes nothing; the good file imports',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await adviceFixture(ctx);
      await open(page, baseUrl, '/ip');
      await page.click('#ip-tab-import');
      await page.waitForSelector('#ip-import-form');
      assert((await text(page, '#ip-import-help')).includes('Số đơn'), 'help names the office headings');
      const head = 'Loại,Số đơn,Ngày nộp đơn,Số bằng,Ngày cấp,Tên,Chủ đơn,Phân loại IPC,Tác giả\r\n';
      const good1 = `Sáng chế,1-2019-${fx.stamp}1,05/03/2019,1-00${fx.stamp},12/08/2021,Quy trình ủ phân ${fx.stamp},Công ty A,"C05F 11/08, A01B",Nguyễn Văn An; Trần Thị Bình\r\n`;
      const good2 = `Nhãn hiệu tập thể,4-2020-${fx.stamp}2,01/02/2020,,,Gạo thơm ${fx.stamp},Hội Nông dân,30,\r\n`;
      const bad = `Bằng lạ,1-2019-${fx.stamp}9,01/03/2019,,,Không rõ ${fx.stamp},Y,,\r\n`;
      await page.setInputFiles('#f-ip-file', { name: 'cuc-shtt.csv', mimeType: 'text/csv', buffer: Buffer.from(head + good1 + bad + good2) });
      const [r1] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/api/v1/import/ip-assets')),
        page.click('#ip-import-submit'),
      ]);
      assert(r1.status() === 422, `bad file: HTTP ${r1.status()}`);
      const rows = page.locator('#ip-import-errors tbody tr');
      await rows.first().waitFor();
      assert(await rows.count() === 1, `one row in error: ${await rows.count()}`);
      const cells = (await rows.first().locator('td').allTextContents()).map((s) => s.trim());
      assert(cells[0] === '3' && cells[1] === 'kind' && cells[2].length > 0, `line, column, reason: ${cells.join(' | ')}`);
      const none = await apiCall(page, 'GET', `/ip/assets?q=${fx.stamp}`);
      assert(none.body.total === (fx.patent ? 1 : 0), `nothing written: ${none.body.total}`);
      await page.setInputFiles('#f-ip-file', { name: 'cuc-shtt.csv', mimeType: 'text/csv', buffer: Buffer.from(head + good1 + good2) });
      await page.click('#ip-import-submit');
      await page.waitForSelector('#ip-import-ok');
      assert((await text(page, '#ip-import-ok')).includes('Đã nhập 2 tài sản'), await text(page, '#ip-import-ok'));
      assert(await page.locator('#ip-import-errors').count() === 0, 'the old report is gone');
      const found = await apiCall(page, 'GET', `/ip/assets?q=${fx.stamp}&kind=collective_mark`);
      assert(found.body.total === 1 && found.body.items[0].classes[0] === '30', `imported: ${JSON.stringify(found.body)}`);
      for (const it of (await apiCall(page, 'GET', `/ip/assets?q=${fx.stamp}`)).body.items) {
        if (!fx.patent || it.id !== fx.patent.id) await apiCall(page, 'DELETE', `/ip/assets/${it.id}`);
      }
    },
  },
  {
    name: 'IP rules: everyone reads the table; an admin changes the reminder days (persisted) and sees the server refuse rules that leave an asset without a schedule; staff cannot edit',
    async run(ctx) {
      const { page, baseUrl, email, password } = ctx;
      const fx = await adviceFixture(ctx);
      const patent = await patentOf(page, fx);
      const original = (await apiCall(page, 'GET', '/ip/rules')).body;
      await open(page, baseUrl, '/ip/rules');
      await waitCount(page, '#ipr-kinds tbody tr', 9, true);
      assert((await text(page, '#ipr-kinds tr[data-key="patent"]')).includes('20 năm kể từ ngày nộp đơn'), 'the patent term, readable');
      assert((await text(page, '#ipr-kinds tr[data-key="trademark"]')).includes('không giới hạn'), 'trademark renewals');
      // Reminder days: checked in the page, then saved and still there after a reload.
      await page.fill('#f-reminder_days', '60, ba mươi');
      await page.click('#ipr-reminders-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="reminder_days"]')?.textContent || '').includes('số nguyên'));
      await page.fill('#f-reminder_days', '14, 90, 14');
      const [saved] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/settings') && r.request().method() === 'PATCH'),
        page.click('#ipr-reminders-save'),
      ]);
      assert(saved.status() === 200, `settings: HTTP ${saved.status()} ${await saved.text()}`);
      await page.reload();
      await page.waitForSelector('#f-reminder_days');
      assert(await page.inputValue('#f-reminder_days') === '90, 14', `persisted: ${await page.inputValue('#f-reminder_days')}`);
      assert((await text(page, '#ipr-reminders-now')).includes('90, 14'), 'shown as the current setting');
      // The rules: invalid JSON is caught in the page; rules without the patent kind are refused by the server.
      await page.fill('#ipr-rules-form textarea', '{ "kinds": [');
      await page.click('#ipr-rules-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="rules"]')?.textContent || '').includes('JSON'));
      const noPatent = { ...original, kinds: original.kinds.filter((k) => k.kind !== 'patent') };
      await page.fill('#ipr-rules-form textarea', JSON.stringify(noPatent, null, 2));
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/v1/ip/rules') && r.request().method() === 'PUT'),
        page.click('#ipr-rules-save'),
      ]);
      assert(refused.status() === 400, `rules without patents: HTTP ${refused.status()}`);
      await page.waitForFunction(() => (document.querySelector('[data-error-for="rules"]')?.textContent || '').includes('no schedule'));
      assert(await page.locator('#ipr-asset-link a').count() === 1, 'a link to the asset named');
      assert((await apiCall(page, 'GET', '/ip/rules')).body.kinds.length === 9, 'nothing changed');
      // A valid change is saved and shown.
      const note = `Đã đối chiếu Thông tư ${fx.stamp}`;
      await page.fill('#ipr-rules-form textarea', JSON.stringify({ ...original, note }, null, 2));
      await page.click('#ipr-rules-save');
      await page.waitForFunction((n) => (document.querySelector('#ipr-general')?.textContent || '').includes(n), note);
      assert(patent.id > 0, 'the patent exists');
      // Staff (not an admin): read-only, and the server refuses.
      await as(page, baseUrl, fx.staff);
      await open(page, baseUrl, '/ip/rules');
      await page.waitForSelector('#ipr-readonly');
      assert(await page.locator('#ipr-rules-form').count() === 0 && await page.locator('#ipr-reminders-form').count() === 0, 'no editors for staff');
      assert((await text(page, '#ipr-reminders-now')).includes('90, 14'), 'staff see the setting');
      const put = await apiCall(page, 'PUT', '/ip/rules', original);
      assert(put.status === 403, `staff PUT rules: HTTP ${put.status}`);
      const patch = await apiCall(page, 'PATCH', '/settings', { 'ip.reminder_days': [1] });
      assert(patch.status === 403, `staff PATCH settings: HTTP ${patch.status}`);
      // Put things back for the other tests.
      await asAdmin(page, baseUrl, email, password);
      assert((await apiCall(page, 'PUT', '/ip/rules', original)).status === 200, 'rules restored');
      assert((await apiCall(page, 'PATCH', '/settings', { 'ip.reminder_days': [60, 30, 7] })).status === 200, 'reminders restored');
    },
  },
];
