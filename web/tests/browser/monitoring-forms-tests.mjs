// Browser tests of the monitoring forms, the IOC view and the commune maps (issue 5), spliced into
// tests.mjs's list (run by run.mjs in order, signed in as the admin given on the command line; each
// test ends signed in as that admin). Records get a unique stamp so that reruns do not collide; the
// values they enter are for Nghệ An (40), which the tests of tests.mjs do not chart.

import { assert, open, waitCount, text, login, apiCall } from './helpers.mjs';

async function signedIn({ page, baseUrl, email, password }) {
  if (!page.url().startsWith(baseUrl)) await open(page, baseUrl, '/');
  const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  if (me !== 200) await login(page, baseUrl, email, password);
}

async function submitAndWait(page, button, urlPart, method) {
  const [r] = await Promise.all([
    page.waitForResponse((x) => x.url().includes(urlPart) && x.request().method() === method),
    page.click(button),
  ]);
  return r;
}

const stamp = Date.now().toString(36).toUpperCase();
const thisYear = new Date().getFullYear();

export const monitoringFormsTests = [
  {
    name: 'monitoring forms: staff create a plan and add a target through the forms (Vietnamese numbers); it shows on the scorecard with its review flags; editing the budget clears its flag',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      await signedIn(ctx);
      await open(page, baseUrl, '/plans');
      await page.click('#plan-new');
      await page.waitForSelector('#plan-form');
      await page.fill('#f-code', `KH-40-${stamp}`);
      await page.fill('#f-name', `Kế hoạch chuyển đổi số ${stamp}`);
      await page.fill('#f-issuing_decision', 'Quyết định số 123/QĐ-UBND ngày 15/3/2026');
      await page.fill('#f-period_from', '2026');
      await page.fill('#f-period_to', '2020');
      await page.waitForFunction(() => document.querySelector('#f-province_code option[value="2025:40"]'));
      await page.selectOption('#f-province_code', '2025:40');
      // The end before the start: refused next to the field, before any request.
      await page.click('#plan-save');
      await page.waitForFunction(() => document.querySelector('[data-error-for="period_to"]')?.textContent.length > 0);
      assert((await text(page, '[data-error-for="period_to"]')).includes('không được trước'), await text(page, '[data-error-for="period_to"]'));
      assert(await page.getAttribute('#f-period_to', 'aria-invalid') === 'true', 'period_to marked invalid');
      await page.fill('#f-period_to', '2030');
      const created = await submitAndWait(page, '#plan-save', '/api/v1/plans', 'POST');
      assert(created.status() === 201, `plan: ${created.status()}`);
      const plan = await created.json();
      await page.waitForFunction((id) => location.hash === `#/plans/${id}`, plan.id);
      await page.waitForSelector('#scorecard');
      assert((await text(page, '.page-header h1, h1')).includes(stamp), 'the plan page');

      // A target through the form.
      await page.click('#target-new');
      await page.waitForSelector('#target-form');
      await page.fill('#f-text_vi', `Đến năm 2030 đạt 3 nhân lực R&D trên 1 vạn dân (${stamp})`);
      await page.fill('#f-code', 'CT1');
      await page.waitForFunction(() => document.querySelector('#f-indicator option[value="RD_STAFF_PER_10K"]'));
      await page.selectOption('#f-indicator', 'RD_STAFF_PER_10K');
      await page.fill('#f-baseline_value', '1,5');
      await page.fill('#f-baseline_year', '2024');
      await page.fill('#f-target_value', 'ba');
      await page.fill('#f-target_year', '2030');
      await page.fill('#f-legal_basis', 'Nghị quyết số 57-NQ/TW ngày 22/12/2024');
      await page.fill('#f-responsible_agency', 'Sở Khoa học và Công nghệ');
      await page.click('#target-save');
      await page.waitForFunction(() => document.querySelector('[data-error-for="target_value"]')?.textContent.length > 0);
      await page.fill('#f-target_value', '3');
      const tr = await submitAndWait(page, '#target-save', `/api/v1/plans/${plan.id}/targets`, 'POST');
      assert(tr.status() === 201, `target: ${tr.status()} ${await tr.text()}`);
      const target = await tr.json();
      assert(target.baseline_value === 1.5, `1,5 read as 1.5: ${target.baseline_value}`);
      await page.waitForFunction((id) => location.hash === `#/plans/${id}`, plan.id);
      await page.waitForSelector(`#target-${target.id}`);
      const detail = page.locator(`#target-${target.id} + tr.target-detail`);
      assert(await detail.locator('[data-flag="no_legal_basis"]').getAttribute('class') === 'flag flag-ok', 'legal basis given');
      assert((await detail.locator('[data-flag="no_budget"]').getAttribute('class')).includes('flag-missing'), 'no budget flagged');
      assert((await detail.locator('[data-flag="no_data_source"]').getAttribute('class')).includes('flag-missing'), 'no data source flagged');
      assert(await page.getAttribute('#q-budget', 'data-count') === '1', 'the review lists it without a budget');
      assert(await page.getAttribute('#q-legal', 'data-count') === '0', 'nothing lacks a legal basis');
      assert(await page.locator(`#target-${target.id} [data-status]`).count() === 1, 'a status badge');

      // Edit: a budget typed the Vietnamese way.
      await detail.locator(`[data-edit-target="${target.id}"]`).click();
      await page.waitForSelector('#target-form');
      assert(await page.inputValue('#f-baseline_value') === '1,5', 'baseline shown the Vietnamese way');
      await page.fill('#f-budget_vnd', '1.500.000.000');
      await page.fill('#f-data_source', 'Cục Thống kê tỉnh Nghệ An');
      const patched = await submitAndWait(page, '#target-save', `/api/v1/targets/${target.id}`, 'PATCH');
      assert(patched.status() === 200, `patch: ${patched.status()} ${await patched.text()}`);
      assert((await patched.json()).budget_vnd === 1500000000, 'budget 1.5e9');
      await page.waitForSelector(`#target-${target.id}`);
      const after = page.locator(`#target-${target.id} + tr.target-detail`);
      assert((await after.locator('[data-flag="no_budget"]').getAttribute('class')) === 'flag flag-ok', 'budget flag cleared');
      assert((await after.locator('[data-flag="no_budget"]').textContent()).includes('1.500.000.000'), 'budget shown');
      assert(await page.getAttribute('#q-budget', 'data-count') === '0', 'no target lacks a budget');
      ctx.state.monPlan = { id: plan.id, target: target.id };
    },
  },
  {
    name: 'monitoring forms: an indicator whose formula refers to itself, or divides by zero, is refused next to its field; a good one is created',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      await signedIn(ctx);
      await open(page, baseUrl, '/indicators');
      await page.click('#indicator-new');
      await page.waitForSelector('#indicator-form');
      const code = `SELF_${stamp}`;
      await page.fill('#f-code', code);
      await page.fill('#f-name_vi', `Chỉ số thử ${stamp}`);
      await page.fill('#f-numerator', `${code} * 2`);
      let r = await submitAndWait(page, '#indicator-save', '/api/v1/indicators', 'POST');
      assert(r.status() === 400, `self-reference refused: ${r.status()}`);
      await page.waitForFunction(() => document.querySelector('[data-error-for="numerator"]')?.textContent.length > 0);
      const err = await text(page, '[data-error-for="numerator"]');
      assert(err.includes(`${code} -> ${code}`), `the chain is named: ${err}`);
      assert(err.startsWith('Không hợp lệ'), `said in Vietnamese first: ${err}`);
      assert(await page.getAttribute('#f-numerator', 'aria-invalid') === 'true', 'numerator marked invalid');
      // Division by zero in the denominator.
      await page.fill('#f-numerator', 'RD_STAFF');
      await page.fill('#f-denominator', 'POPULATION * 0');
      r = await submitAndWait(page, '#indicator-save', '/api/v1/indicators', 'POST');
      assert(r.status() === 400, `zero denominator refused: ${r.status()}`);
      await page.waitForFunction(() => document.querySelector('[data-error-for="denominator"]')?.textContent.length > 0);
      assert((await text(page, '[data-error-for="denominator"]')).includes('zero'), await text(page, '[data-error-for="denominator"]'));
      assert(!(await text(page, '[data-error-for="numerator"]')), 'the numerator error is gone');
      const none = await apiCall(page, 'GET', `/indicators/${code}`);
      assert(none.status === 404, 'nothing written');
      // A good one: R&D staff per 10 000 inhabitants, the factor typed the Vietnamese way.
      await page.fill('#f-denominator', 'POPULATION');
      await page.fill('#f-factor', '10.000');
      await page.fill('#f-unit', 'người/vạn dân');
      r = await submitAndWait(page, '#indicator-save', '/api/v1/indicators', 'POST');
      assert(r.status() === 201, `created: ${r.status()} ${await r.text()}`);
      assert((await r.json()).factor === 10000, 'factor 10 000');
      await page.waitForFunction((c) => location.hash.startsWith(`#/indicators/${c}`), code);
      await page.waitForSelector('p.formula code');
      assert((await text(page, 'p.formula code')).includes('RD_STAFF / POPULATION × 10.000'), await text(page, 'p.formula code'));
      // Editing it into a self-reference is refused too.
      await page.click('#indicator-edit');
      await page.waitForSelector('#indicator-form');
      assert(await page.getAttribute('#f-code', 'readonly') !== null, 'the code cannot be changed');
      await page.fill('#f-denominator', `${code}`);
      r = await submitAndWait(page, '#indicator-save', `/api/v1/indicators/${code}`, 'PATCH');
      assert(r.status() === 400, `self-reference on edit: ${r.status()}`);
      await page.waitForFunction(() => document.querySelector('[data-error-for="denominator"]')?.textContent.includes('->'));
    },
  },
  {
    name: 'monitoring forms: a validation rule with the minimum above the maximum is refused by field; a good rule is listed, enforced on entry, and removed',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      await signedIn(ctx);
      await open(page, baseUrl, '/data-elements');
      await page.waitForSelector('#rule-form');
      await waitCount(page, 'section.card table tbody tr', 5);
      const code = `R_${stamp}`;
      await page.fill('#rule-form #f-code', code);
      await page.selectOption('#rule-form #f-data_element', 'RESEARCHERS');
      await page.fill('#rule-form #f-min_value', '10');
      await page.fill('#rule-form #f-max_value', '1');
      let r = await submitAndWait(page, '#rule-save', '/api/v1/validation-rules', 'POST');
      assert(r.status() === 400, `min > max refused: ${r.status()}`);
      await page.waitForFunction(() => document.querySelector('#rule-form [data-error-for="max_value"]')?.textContent.length > 0);
      await page.fill('#rule-form #f-min_value', '0');
      await page.fill('#rule-form #f-max_value', '50.000');
      await page.fill('#rule-form #f-message', 'Số nhà nghiên cứu của một tỉnh không quá 50.000');
      r = await submitAndWait(page, '#rule-save', '/api/v1/validation-rules', 'POST');
      assert(r.status() === 201, `rule: ${r.status()} ${await r.text()}`);
      await page.waitForSelector(`#rules-list button[data-delete-rule="${code}"]`);
      assert((await text(page, '#rules-list')).includes('RESEARCHERS ≤ 50.000'), await text(page, '#rules-list'));
      const refused = await apiCall(page, 'POST', '/data-values', { data_element: 'RESEARCHERS', unit: '40', period: '2018', value: 60000 });
      assert(refused.status === 400 && refused.body.field === 'value', `enforced: ${JSON.stringify(refused.body)}`);
      await page.click(`#rules-list button[data-delete-rule="${code}"]`);
      await page.click('dialog [data-confirm]');
      await page.waitForFunction((c) => !document.querySelector(`#rules-list button[data-delete-rule="${c}"]`), code);
      const list = await apiCall(page, 'GET', '/validation-rules?data_element=RESEARCHERS');
      assert(!list.body.items.some((x) => x.code === code), 'removed');
    },
  },
  {
    name: 'monitoring forms: a data element with an unknown registry source is refused next to that field; a good one is listed and edited',
    async run(ctx) {
      const { page, baseUrl } = ctx;
      await signedIn(ctx);
      await open(page, baseUrl, '/data-elements');
      await page.click('#element-new');
      await page.waitForSelector('#element-form');
      const code = `SPIN_OFFS_${stamp}`;
      await page.fill('#f-code', code);
      await page.fill('#f-name_vi', `Doanh nghiệp spin-off từ viện, trường ${stamp}`);
      await page.fill('#f-unit', 'doanh nghiệp');
      await page.selectOption('#f-aggregation', 'last');
      await page.selectOption('#f-value_type', 'integer');
      await page.fill('#f-derived_from', 'registry:spin_offs');
      let r = await submitAndWait(page, '#element-save', '/api/v1/data-elements', 'POST');
      assert(r.status() === 400, `unknown source refused: ${r.status()}`);
      await page.waitForFunction(() => document.querySelector('[data-error-for="derived_from"]')?.textContent.length > 0);
      await page.fill('#f-derived_from', '');
      r = await submitAndWait(page, '#element-save', '/api/v1/data-elements', 'POST');
      assert(r.status() === 201, `created: ${r.status()} ${await r.text()}`);
      await page.waitForSelector(`[data-edit-element="${code}"]`);
      await page.click(`[data-edit-element="${code}"]`);
      await page.waitForSelector('#element-form');
      assert(await page.inputValue('#f-aggregation') === 'last', 'aggregation kept');
      await page.fill('#f-name_en', 'Spin-off enterprises');
      r = await submitAndWait(page, '#element-save', `/api/v1/data-elements/${code}`, 'PATCH');
      assert(r.status() === 200, `edited: ${r.status()} ${await r.text()}`);
      assert((await r.json()).name_en === 'Spin-off enterprises', 'name_en saved');
      await page.waitForSelector(`[data-edit-element="${code}"]`);
    },
  },
  {
    name: 'IOC: the KPI wall shows each indicator with value, period, target and status, freshness (stale flagged) and completeness, linking to series and lineage',
    async run(ctx) {
      const { page, baseUrl, outDir } = ctx;
      await signedIn(ctx);
      for (const [el, v] of [['RD_STAFF', 900], ['POPULATION', 3600000]]) {
        const r = await apiCall(page, 'POST', '/data-values', { data_element: el, unit: '40', period: '2019', value: v });
        assert(r.status === 200, `${el}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      const feed = await apiCall(page, 'GET', '/ioc/kpis?unit=40&indicators=RD_STAFF_PER_10K');
      const k = feed.body.items[0];
      await open(page, baseUrl, '/ioc?unit=40');
      await page.waitForSelector('.kpi-tile[data-code="RD_STAFF_PER_10K"]');
      const tile = page.locator('.kpi-tile[data-code="RD_STAFF_PER_10K"]');
      const n = await waitCount(page, '.kpi-tile', 5);
      assert(n >= 5, `tiles: ${n}`);
      const number = (await tile.locator('.kpi-number').textContent()).trim();
      assert(number !== '—' && /\d/.test(number), `a big number: ${number}`);
      assert((await tile.locator('.kpi-period').textContent()).includes(k.period), `period ${k.period}`);
      const stale = Number(k.period.slice(0, 4)) < thisYear - 1;
      assert(await tile.getAttribute('data-stale') === String(stale), `stale flag (${k.period})`);
      if (stale) assert((await tile.locator('.kpi-fresh').textContent()).includes('Số liệu cũ'), 'stale badge');
      assert(/\d+\/\d+ đơn vị/.test(await tile.locator('.kpi-complete').textContent()), 'units reporting');
      if (ctx.state.monPlan) {
        const target = await tile.locator('.kpi-target').textContent();
        assert(target.includes('Mục tiêu 3') && target.includes('2030'), `our plan's target: ${target}`);
        assert(await tile.locator('.kpi-target [data-status]').count() === 1, 'target status');
      }
      const series = await tile.locator('a.kpi-series').getAttribute('href');
      assert(series.startsWith('#/indicators/RD_STAFF_PER_10K') && series.includes('unit=40'), series);
      const lineage = await tile.locator('a.kpi-lineage').getAttribute('href');
      assert(lineage.startsWith('#/lineage/RD_STAFF_PER_10K') && lineage.includes(`period=${k.period}`), lineage);
      assert((await text(page, '#ioc-summary')).includes('chỉ số có số liệu'), 'summary');
      await page.screenshot({ path: `${outDir}/ioc-wall.png`, fullPage: true });
      // Chosen KPIs only, kept in the address.
      await open(page, baseUrl, '/ioc?unit=40&indicators=RD_STAFF_PER_10K');
      await page.waitForSelector('.kpi-tile[data-code="RD_STAFF_PER_10K"]');
      assert(await waitCount(page, '.kpi-tile', 1, true) === 1, 'one chosen KPI');
      await page.click('#kpi-chooser summary');
      await page.waitForSelector('#kpi-choices input[value="ST_ENTERPRISES_N"]');
      assert(await page.isChecked('#kpi-choices input[value="RD_STAFF_PER_10K"]'), 'the chosen one is ticked');
      await page.check('#kpi-choices input[value="ST_ENTERPRISES_N"]');
      await page.click('#kpi-apply');
      await page.waitForFunction(() => decodeURIComponent(location.hash).includes('indicators=RD_STAFF_PER_10K,ST_ENTERPRISES_N'));
      assert(await waitCount(page, '.kpi-tile', 2, true) === 2, 'two chosen KPIs');
      // The nation, from the picker.
      await page.selectOption('#ioc-unit', 'VN');
      await page.waitForFunction(() => !location.hash.includes('unit=40'));
      await page.waitForSelector('.kpi-tile');
    },
  },
  {
    name: 'commune map: a province\'s series page colours its communes by value (rates per commune) and ranks them',
    async run(ctx) {
      const { page, baseUrl, outDir } = ctx;
      await signedIn(ctx);
      const values = [['17110', 'RD_STAFF', 30], ['17110', 'POPULATION', 20000], ['17128', 'RD_STAFF', 10], ['17128', 'POPULATION', 80000]];
      for (const [unit, el, v] of values) {
        const r = await apiCall(page, 'POST', '/data-values', { data_element: el, unit, level: 'commune', period: '2017', value: v });
        assert(r.status === 200, `${unit} ${el}: ${r.status} ${JSON.stringify(r.body)}`);
      }
      await open(page, baseUrl, '/indicators/RD_STAFF_PER_10K?unit=40&from=2016&to=2024&year=2017');
      const paths = await waitCount(page, '#commune-ranking svg.province-map path.province', 100);
      assert(paths === 130, `Nghệ An's 130 communes: ${paths}`);
      await page.waitForSelector('#commune-list');
      assert((await text(page, '#communes-with-value')).includes('2/130'), await text(page, '#communes-with-value'));
      const coloured = await page.locator('#commune-ranking path.province[data-code="17110"]').getAttribute('fill');
      assert(coloured.startsWith('#'), `Hoàng Mai coloured: ${coloured}`);
      const hatched = await page.locator('#commune-ranking path.province[data-code="17125"]').getAttribute('fill');
      assert(hatched.startsWith('url('), `no data hatched: ${hatched}`);
      const first = await text(page, '#commune-list tbody tr:first-child');
      assert(first.includes('Hoàng Mai') && first.includes('15'), `Hoàng Mai first (30 / 20 000 × 10 000 = 15): ${first}`);
      const second = await text(page, '#commune-list tbody tr:nth-child(2)');
      assert(second.includes('Tân Mai') && second.includes('1,25'), `Tân Mai second (1,25): ${second}`);
      assert(await page.locator('#commune-ranking text.map-label').count() === 0, 'no archipelago labels on a province map');
      // The provinces' map stays above it.
      await waitCount(page, '#province-ranking svg.province-map path.province', 34, true);
      await page.screenshot({ path: `${outDir}/commune-map.png`, fullPage: true });
      // A click on a commune with a value opens its lineage.
      await page.locator('#commune-ranking path.province[data-code="17110"]').click();
      await page.waitForFunction(() => location.hash.startsWith('#/lineage/RD_STAFF_PER_10K') && location.hash.includes('unit=17110'));
      await page.waitForSelector('#lineage-value');
      assert((await text(page, '#lineage-value')) === '15', await text(page, '#lineage-value'));
    },
  },
];
