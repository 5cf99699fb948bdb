// Browser tests of the province's priorities and the free-to-use finder filtered by them, the users
// of a geographical indication, and IP assets in the site search (issue 7). Spliced into
// tests.mjs's list; run signed in as the admin given on the command line, and end so.

import { assert, open, waitCount, text, apiCall, isoDay, dmy } from './helpers.mjs';

const yearsAgo = (n) => `${Number(isoDay().slice(0, 4)) - n}${isoDay().slice(4, 10).replace('-02-29', '-02-28')}`;

async function fixture({ page, baseUrl, state }) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  if (state.ipo) return state.ipo;
  const stamp = 'ipo' + Date.now().toString(36);
  const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Hiệp hội Chè ${stamp}`, province_code: '01' });
  assert(org.status === 201, `organization: ${org.status} ${JSON.stringify(org.body)}`);
  state.ipo = { stamp, orgId: org.body.id };
  return state.ipo;
}

async function asset(page, body) {
  const r = await apiCall(page, 'POST', '/ip/assets', body);
  assert(r.status === 201, `asset: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const ipOriginTests = [
  {
    name: "IP: staff declare a province's priority (errors by field), and the free-to-use finder keeps only the patents it matches, saying why",
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await fixture(ctx);
      const word = `chè xanh ${fx.stamp}`;
      const tea = await asset(page, {
        kind: 'patent', title: `Quy trình sao ${word}`, application_number: `1-2004-${fx.stamp}1`, filing_date: yearsAgo(21),
        grant_date: yearsAgo(18), paid_up_to: 18, owner_organization_id: fx.orgId, classes: ['A23F 3/06'], published: true,
      });
      const other = await asset(page, {
        kind: 'patent', title: `Mạch khuếch đại ${fx.stamp}`, application_number: `1-2004-${fx.stamp}2`, filing_date: yearsAgo(21),
        grant_date: yearsAgo(18), paid_up_to: 18, owner_organization_id: fx.orgId, classes: ['H03F 3/00'], published: true,
      });
      await open(page, baseUrl, '/ip/priorities?province=01');
      await page.waitForSelector('#ipo-prio-form');
      await page.fill('#f-name', `Chè (minh họa) ${fx.stamp}`);
      // Neither IPC nor keyword: refused in the page.
      await page.click('#ipo-prio-save');
      await page.waitForSelector('[data-error-for="ipc_prefixes"]:not(:empty)');
      // A prefix that is not IPC: the server's message next to the field.
      await page.fill('#f-ipc_prefixes', 'Z99');
      await page.click('#ipo-prio-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="ipc_prefixes"]')?.textContent ?? '').includes('Z99'));
      await page.selectOption('#f-kind', 'key_product');
      await page.fill('#f-ipc_prefixes', '');
      await page.fill('#f-keywords', word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd'));
      await page.click('#ipo-prio-save');
      await page.waitForFunction((n) => [...document.querySelectorAll('#ipo-prio-list .ipo-prio h3')].some((e) => e.textContent.includes(n)), fx.stamp);

      await open(page, baseUrl, '/ip/free?for=01');
      await waitCount(page, `.ip-free-card[data-id="${tea.id}"]`);
      assert(await page.locator(`.ip-free-card[data-id="${other.id}"]`).count() === 0, 'the circuit matches no priority of Hà Nội');
      const why = await text(page, `.ip-free-card[data-id="${tea.id}"] .ip-free-matched`);
      assert(why.includes(fx.stamp) && why.includes('từ khóa'), `the reason names the priority and the keyword: ${why}`);
      assert(await page.inputValue('#ip-free-for') === '01', 'the province filter shows its value');
      // Without the filter both are listed.
      await page.selectOption('#ip-free-for', '');
      await waitCount(page, `.ip-free-card[data-id="${other.id}"]`);
    },
  },
  {
    name: 'IP: the holder of a geographical indication records an authorised user (a date before the grant is refused by field), suspends it; the origin map lists the sign with its users',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await fixture(ctx);
      const gi = await asset(page, {
        kind: 'geographical_indication', title: `Chè Shan tuyết ${fx.stamp} (minh họa)`, application_number: `6-2020-${fx.stamp}`,
        filing_date: yearsAgo(5), grant_date: yearsAgo(3), owner_organization_id: fx.orgId, published: true,
      });
      await open(page, baseUrl, `/ip/${gi.id}`);
      await page.waitForSelector('#ipo-users #ipo-users-count');
      assert((await text(page, '#ipo-users-count')).startsWith('0'), 'no user yet');
      await page.click('#ipo-add summary');
      await page.fill('#f-name', `Hợp tác xã ${fx.stamp}`);
      await page.selectOption('#f-province_code', '01');
      await page.fill('#f-products', 'Chè búp');
      await page.fill('#f-authorised_on', dmy(yearsAgo(4)));
      await page.click('#ipo-user-save');
      await page.waitForFunction(() => (document.querySelector('[data-error-for="authorised_on"]')?.textContent ?? '').length > 0);
      assert((await text(page, '#ipo-users-count')).startsWith('0'), 'nothing written');
      await page.fill('#f-authorised_on', dmy(yearsAgo(1)));
      await page.click('#ipo-user-save');
      await page.waitForFunction(() => (document.querySelector('#ipo-users-count')?.textContent ?? '').startsWith('1'));
      assert((await text(page, '#ipo-users [data-status]')) === 'Đang sử dụng', 'active');

      await open(page, baseUrl, '/ip/stats');
      await page.waitForSelector(`#ip-origin-list li[data-id="${gi.id}"]`, { state: 'attached' });
      const line = await page.locator(`#ip-origin-list li[data-id="${gi.id}"]`).textContent();
      assert(line.includes('1 người sử dụng') && line.includes(`Hiệp hội Chè ${fx.stamp}`), `holder and users listed: ${line}`);

      await open(page, baseUrl, `/ip/${gi.id}`);
      await page.waitForSelector('#ipo-users [data-action="suspend"]');
      await page.click('#ipo-users [data-action="suspend"]');
      await page.waitForFunction(() => document.querySelector('#ipo-users [data-status]')?.getAttribute('data-status') === 'suspended');
      assert((await text(page, '#ipo-users-count')).startsWith('0'), 'a suspended user is not counted as active');

      // The holder's page shows its portfolio by kind, linking to the filtered list.
      await open(page, baseUrl, `/organizations/${fx.orgId}`);
      await page.waitForSelector('#org-ip-total');
      assert(await page.locator('#org-ip [data-kind="geographical_indication"]').count() === 1, 'the GI is counted by kind');
      await page.click('#org-ip-link');
      await page.waitForFunction((id) => location.hash.includes(`org=${id}`), fx.orgId);
    },
  },
  {
    name: 'Search: a published IP asset is found without diacritics and labelled as an IP asset; an unpublished one is not',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      const fx = await fixture(ctx);
      const pub = await asset(page, {
        kind: 'patent', title: `Máy bóc vỏ hạt điều ${fx.stamp}`, application_number: `1-2019-${fx.stamp}`, filing_date: yearsAgo(6),
        grant_date: yearsAgo(2), owner_organization_id: fx.orgId,
      });
      await asset(page, {
        kind: 'patent', title: `Máy bóc vỏ hạt điều bí mật ${fx.stamp}`, application_number: `1-2026-${fx.stamp}`, filing_date: isoDay(),
        owner_organization_id: fx.orgId, published: false,
      });
      await open(page, baseUrl, `/search?q=${encodeURIComponent('may boc vo hat dieu ' + fx.stamp)}&type=ip_asset`);
      await page.waitForSelector('.result');
      const results = await page.locator('.result').count();
      assert(results === 1, `one published asset, got ${results}`);
      const first = await page.locator('.result').first().textContent();
      assert(first.includes('Tài sản trí tuệ') && first.includes(fx.stamp), `labelled: ${first}`);
      assert(await page.locator(`.result a[href="#/ip/${pub.id}"]`).count() === 1, 'links to the asset');
    },
  },
];
