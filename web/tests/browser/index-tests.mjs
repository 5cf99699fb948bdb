// Browser tests of the innovation index (issue 6): the "compute from stio + import" flow at
// /pii/compute and the computed part of the province profile (pillar chart, strengths and
// weaknesses). Spliced into tests.mjs's list (run by run.mjs in order, signed in as the admin given
// on the command line). The values they upload are illustrative, not official PII figures.

import { assert, open, waitCount, text, login, apiCall } from './helpers.mjs';

const YEAR = 2024;
// Fourteen 2025 provinces; Hà Nội (01) is made strong on three indicators and weak on three, middling
// elsewhere, so that its profile has both strengths and weaknesses (5 places from its overall rank).
const UNITS = ['01', '79', '22', '31', '46', '75', '25', '86', '52', '48', '92', '38', '24', '40'];
const INDICATORS = ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.2.1', '1.2.2', '1.2.3', '2.1.1', '4.1.1', '4.2.1', '4.2.2', '4.3.1',
  '5.1.1', '6.1.1', '6.1.2', '6.1.3', '6.2.1', '6.2.2', '6.2.3', '6.3.1', '7.1.1'];
const STRONG = ['1.1.1', '1.2.1', '2.1.1'];
const WEAK = ['1.1.3', '1.2.2', '5.1.1'];

/** The illustrative import: every indicator for the fourteen provinces, plus GRDP and enterprises (stio has the population). */
function importCsv() {
  const out = ['unit,indicator,year,value,source'];
  UNITS.forEach((u, ui) => {
    INDICATORS.forEach((c, i) => {
      let v = 1 + ((ui * 5 + i * 7) % 12) * (8 / 11);
      if (u === '01') v = STRONG.includes(c) ? 10 : WEAK.includes(c) ? 0.5 : 4.5;
      out.push(`${u},${c},${YEAR},${v.toFixed(3)},minh hoạ kiểm thử`);
    });
    out.push(`${u},GRDP,${YEAR},${100000 * (ui + 1)},minh hoạ kiểm thử`, `${u},ENTERPRISES,${YEAR},${2000 * (ui + 1)},minh hoạ kiểm thử`);
  });
  return out.join('\n') + '\n';
}

async function signedIn(page, baseUrl, email, password) {
  await open(page, baseUrl, '/');
  await page.waitForSelector('#user-menu, #login-link');
  if (!(await page.locator('#user-menu').count())) await login(page, baseUrl, email, password);
}

/** A patent filed in YEAR by an organization in Hà Nội: stio then holds 6.1.1 for 01 (a conflict with the import). */
async function hanoiPatent(page, state) {
  if (state.indexPatent) return;
  const stamp = 'pii' + Date.now().toString(36);
  const org = await apiCall(page, 'POST', '/organizations', { kind: 'enterprise', name: `Công ty Đổi Mới ${stamp}`, province_code: '01' });
  assert(org.status === 201, `organization: ${org.status} ${JSON.stringify(org.body)}`);
  const asset = await apiCall(page, 'POST', '/ip/assets', {
    kind: 'patent', title: `Thiết bị lọc nước ${stamp}`, application_number: `1-${YEAR}-${stamp}`,
    filing_date: `${YEAR}-05-06`, owner_organization_id: org.body.id, published: true,
  });
  assert(asset.status === 201, `patent: ${asset.status} ${JSON.stringify(asset.body)}`);
  state.indexPatent = true;
}

export const indexTests = [
  {
    name: 'PII compute: stio values loaded with sources, an uploaded CSV merged (conflict shown, stio by default, then the import chosen), computed with notes and downloads; the province profile shows the pillar chart and strengths/weaknesses',
    async run({ page, baseUrl, email, password, state, outDir }) {
      await signedIn(page, baseUrl, email, password);
      await hanoiPatent(page, state);
      // Before any computation the profile says what is published and offers the flow.
      await open(page, baseUrl, '/pii/01');
      await page.waitForSelector('#pii-computed-none');
      assert((await text(page, '#pii-published-only')).includes('điểm PII tổng'), 'published figures: overall only');
      await page.click('#pii-compute-link');
      await page.waitForFunction(() => location.hash === '#/pii/compute');

      await page.selectOption('#piic-year', String(YEAR));
      await page.click('#piic-load');
      await page.waitForSelector('#piic-stio-summary');
      const stioRows = await text(page, '#piic-stio tbody');
      assert(stioRows.includes('6.1.1') && stioRows.includes('IP_PATENT_APPS_N'), `stio mapping listed: ${stioRows.slice(0, 300)}`);
      assert(stioRows.includes('34/34'), 'population for the 34 provinces');
      const toImport = await text(page, '#piic-toimport');
      assert(toImport.includes('ENTERPRISES') && toImport.includes('1.1.1'), `to import: ${toImport}`);
      assert(!toImport.includes('6.1.1'), 'a mapped indicator is not listed to import');

      await page.setInputFiles('#piic-file', { name: 'pii-nhap.csv', mimeType: 'text/csv', buffer: Buffer.from(importCsv()) });
      await page.waitForFunction(() => document.querySelector('#piic-csv').value.includes('ENTERPRISES'));
      await page.click('#piic-merge');
      await page.waitForSelector('#piic-merge-summary');
      const summary = await text(page, '#piic-merge-summary');
      assert(/\d+ giá trị từ stio, 322 giá trị nhập, [1-9]\d* giá trị trùng/.test(summary), `merge summary: ${summary}`);
      // The Hà Nội patent cell is in both: stio's value is used by default, and it is shown.
      const conflict = page.locator('#piic-conflicts fieldset[data-key="01|6.1.1|2024"]');
      assert(await conflict.count() === 1, 'the 01/6.1.1 conflict is listed');
      assert(await conflict.locator('input[value="stio"]').isChecked(), 'stio by default');
      await conflict.locator('input[value="import"]').check();
      await page.waitForFunction(() => document.querySelector('#piic-conflicts fieldset[data-key="01|6.1.1|2024"] input[value="import"]')?.checked);
      const merged = await text(page, '#piic-merged tbody');
      assert(merged.includes('tệp nhập (thay giá trị stio)'), 'the choice is shown in the merged table');
      assert(merged.includes('minh hoạ kiểm thử') && merged.includes('stio reference data'), 'each value keeps its source');

      await page.click('#piic-compute');
      const ranked = await waitCount(page, '#piic-ranking tbody tr', 14);
      assert(ranked >= 14, `rows: ${ranked}`);
      const first = await text(page, '#piic-ranking tbody tr:first-child');
      assert(/^1\D/.test(first), `rank 1 first: ${first}`);
      // stio holds the population of all 34 provinces: the 20 without indicators are reported, not ranked silently.
      const counts = await text(page, '#piic-note-counts');
      assert(counts.includes('Tỉnh không xếp hạng: 20'), `notes: ${counts}`);
      assert((await text(page, '#piic-ranking')).includes('không xếp hạng'), 'unranked provinces marked');
      const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#piic-dl-csv')]);
      assert(csv.suggestedFilename() === `pii-${YEAR}.csv`, `csv name: ${csv.suggestedFilename()}`);
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#piic-dl-xlsx')]);
      assert(xlsx.suggestedFilename() === `pii-${YEAR}.xlsx`, `xlsx name: ${xlsx.suggestedFilename()}`);
      await page.screenshot({ path: `${outDir}/pii-compute.png`, fullPage: true });

      // The profile of Hà Nội now shows the computed part, marked as computed.
      await page.click('#piic-ranking a[href="#/pii/01"]');
      await page.waitForFunction(() => location.hash === '#/pii/01');
      const bars = await waitCount(page, '#pii-pillars svg.pii-pillars rect.pii-bar', 5);
      assert(bars >= 5 && bars <= 7, `pillar bars: ${bars}`);
      assert(await page.locator('#pii-pillars svg.pii-pillars line.pii-median').count() === bars, 'median marked on every bar');
      assert(await page.locator('#pii-pillars [data-code="P3"]').count() === 1, 'Infrastructure shown (no public indicator: no bar)');
      const label = await page.locator('svg.pii-pillars').getAttribute('aria-label');
      assert(label.includes('Hà Nội'), `chart label: ${label}`);
      const strengths = await page.$$eval('#pii-strengths li', (li) => li.map((x) => x.getAttribute('data-indicator')));
      const weaknesses = await page.$$eval('#pii-weaknesses li', (li) => li.map((x) => x.getAttribute('data-indicator')));
      assert(STRONG.every((c) => strengths.includes(c)), `strengths: ${strengths}`);
      assert(WEAK.every((c) => weaknesses.includes(c)), `weaknesses: ${weaknesses}`);
      assert((await text(page, '#pii-computed h2')).includes('Số tính toán'), 'computed figures are labelled');
      const scores = await text(page, '#pii-scores tbody');
      assert(/\/14/.test(scores) && scores.includes('Trụ cột'), `scores with ranks of 14: ${scores.slice(0, 200)}`);
      assert(await page.locator('#pii-history svg.pii-chart').count() === 1, 'published history still shown');
      await page.screenshot({ path: `${outDir}/pii-profile-computed.png`, fullPage: true });
    },
  },
  {
    name: 'PII compute: a bad CSV line and a duplicate cell are named; a value outside its range is the server\'s problem; nothing is computed',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/pii/compute');
      await page.waitForSelector('#piic-merge');
      await page.fill('#piic-csv', 'unit,indicator,year,value\n01,1.1.1,2024,7\n\n01,1.1.2,2024,nhiều');
      await page.click('#piic-merge');
      await page.waitForSelector('#piic-merge-out .error');
      assert((await text(page, '#piic-merge-out .error')).includes('Dòng 4'), 'the bad line is named by its line in the file');
      await page.fill('#piic-csv', '01,1.1.1,2024,7\n79,1.1.1,2024,6\n01,1.1.1,2024,8');
      await page.click('#piic-merge');
      await page.waitForSelector('#piic-merge-out .error');
      const dup = await text(page, '#piic-merge-out .error');
      assert(dup.includes('1.1.1') && dup.includes('dòng 1 và 3'), `duplicate named: ${dup}`);
      assert(await page.locator('#piic-compute').count() === 0, 'no compute button after an error');
      // 1.1.1 is a PCI sub-index on 0..10: 55 is refused by the server, naming the row.
      await page.fill('#piic-csv', '01,1.1.1,2024,55\n79,1.1.1,2024,6\n<script>alert(1)</script>,1.1.2,2024,5');
      await page.click('#piic-merge');
      await page.waitForSelector('#piic-compute');
      assert((await text(page, '#piic-merged tbody')).includes('<script>'), 'hostile text shown as text');
      await page.click('#piic-compute');
      await page.waitForSelector('#piic-result .error');
      const problem = await text(page, '#piic-result .error');
      assert(problem.includes('values['), `server problem names the row: ${problem}`);
      assert(await page.locator('#piic-ranking').count() === 0, 'no result shown');
    },
  },
  {
    name: 'PII profile without a computation: published figures only, the pillar scores a source printed are shown as its note, and the compute flow is offered',
    async run({ page, baseUrl }) {
      await open(page, baseUrl, '/pii/37');
      await page.waitForSelector('#pii-computed-none');
      await page.click('#pii-source-notes summary');
      const notes = await text(page, '#pii-source-notes');
      assert(notes.includes('Infrastructure 64.05'), `Ninh Bình's source notes: ${notes.slice(0, 200)}`);
      assert(await page.locator('#pii-pillars').count() === 0, 'no pillar chart without computed values');
      assert((await page.locator('#pii-compute-link').getAttribute('href')) === '#/pii/compute', 'the flow is offered');
    },
  },
];
