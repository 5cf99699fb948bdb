// Unit tests of the pure helpers (run by run.mjs, bundled with esbuild for Node).
import { fold, fmtDate, fmtDateTime, fmtNum, parseDate, unitType } from '../../src/format';
import { orcidValid, dateValid, TAX_CODE_RE } from '../../src/validate';
import { quantileBreaks, density, valueBreaks } from '../../src/components/map';
import { niceTicks, periodTime, digitsFor } from '../../src/components/linechart';
import { parseNumber } from '../../src/pages/dataentry';
import { formulaText } from '../../src/pages/indicators';
import { validateOrg } from '../../src/pages/organizations';
import { parseSnippet, unescapeEntities, itemHref } from '../../src/search';
import {
  bilingual, catalogueHref, compactVnd, connectionActions, contractParties, fillMonths, listingActions, listingBody, listingPatch,
  monthLabel, nextStep, notificationHref, parseVnd, reasonText, scorePct, shareUrl, type MonthStat,
} from '../../src/exchange';

type Case = [string, () => void];
function eq(a: unknown, b: unknown, msg = ''): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

export const cases: Case[] = [
  ['fold strips diacritics and đ', () => {
    eq(fold('Thanh Hoá'), 'thanh hoa');
    eq(fold('Thanh Hóa'), 'thanh hoa');
    eq(fold('  Đà   Nẵng '), 'da nang');
  }],
  ['numbers are vi-VN formatted', () => {
    eq(fmtNum(1234567), '1.234.567');
    eq(fmtNum(3359.8, 1), '3.359,8');
    eq(fmtNum(null), '—');
  }],
  ['dates are dd/mm/yyyy, timestamps in Vietnam time', () => {
    eq(fmtDate('2026-11-22'), '22/11/2026');
    eq(fmtDateTime('2026-11-22T16:30:00Z'), '22/11/2026 23:30');
    eq(fmtDateTime('2026-11-22T18:00:00Z'), '23/11/2026 01:00');
    eq(fmtDate(null), '—');
  }],
  ['parseDate accepts dd/mm/yyyy and ISO, rejects impossible dates', () => {
    eq(parseDate('15/03/2001'), '2001-03-15');
    eq(parseDate('5/3/2001'), '2001-03-05');
    eq(parseDate('2001-03-15'), '2001-03-15');
    eq(parseDate(''), '');
    eq(parseDate('31/02/2024'), null);
    eq(parseDate('29/02/2024'), '2024-02-29');
    eq(parseDate('hôm qua'), null);
  }],
  ['tax code format (check digit left to the server)', () => {
    eq(TAX_CODE_RE.test('0100109106'), true);
    eq(TAX_CODE_RE.test('0100109106-001'), true);
    eq(TAX_CODE_RE.test('0100109107'), true);
    eq(TAX_CODE_RE.test('010010910'), false);
    eq(TAX_CODE_RE.test('0100109106-1'), false);
  }],
  ['ORCID MOD 11-2', () => {
    eq(orcidValid('0000-0002-1825-0097'), true);
    eq(orcidValid('0000-0001-5109-3700'), true);
    eq(orcidValid('0000-0002-1694-233X'), true);
    eq(orcidValid('0000-0002-1825-0098'), false);
    eq(orcidValid('0000000218250097'), false);
  }],
  ['dateValid', () => { eq(dateValid('2024-02-30'), false); eq(dateValid('2024-12-31'), true); }],
  ['organization form validation mirrors the server', () => {
    eq(validateOrg({ kind: '', name: '' }).map(([f]) => f), ['kind', 'name']);
    eq(validateOrg({ kind: 'enterprise', name: 'A', tax_code: '123' }).map(([f]) => f), ['tax_code']);
    eq(validateOrg({ kind: 'enterprise', name: 'A', email: 'x@', website: 'example.vn' }).map(([f]) => f), ['email', 'website']);
    eq(validateOrg({ kind: 'enterprise', name: 'A', tax_code: '0100109106-001', founded_on: '2001-03-15' }), []);
  }],
  ['map classes: increasing quantile breaks, density', () => {
    const v = [55, 68, 83, 94, 98, 120, 160, 230, 330, 500, 1100, 1460, 2068, 2595];
    const b = quantileBreaks(v, 7);
    for (let i = 1; i < b.length; i++) if (!(b[i] > b[i - 1])) throw new Error('breaks not increasing: ' + b);
    if (b.length < 4) throw new Error('too few classes: ' + b);
    eq(density({ code: '01', name: 'x', full_name: 'x', population: 8718000, area_km2: 3359.8 })?.toFixed(1), '2594.8');
    eq(density({ code: '01', name: 'x', full_name: 'x', population: null, area_km2: 1 }), null);
  }],
  ['unit types', () => { eq(unitType('thành phố trực thuộc trung ương'), 'Thành phố trực thuộc trung ương'); }],
  ['search snippets: only literal <mark> tokens are markup, entities unescaped once', () => {
    eq(parseSnippet('Viện <mark>Công</mark> <mark>nghệ</mark> &amp; vi sinh &lt;b&gt;'),
      [{ text: 'Viện ', mark: false }, { text: 'Công', mark: true }, { text: ' ', mark: false }, { text: 'nghệ', mark: true }, { text: ' & vi sinh <b>', mark: false }]);
    eq(parseSnippet('&lt;img src=x onerror=alert(1)&gt; <mark>x</mark>'), [{ text: '<img src=x onerror=alert(1)> ', mark: false }, { text: 'x', mark: true }]);
    eq(parseSnippet('&lt;mark&gt;no&lt;/mark&gt;'), [{ text: '<mark>no</mark>', mark: false }]);
    eq(unescapeEntities('&amp;lt; &quot;a&quot; &#39;b&#39; &nbsp;'), '&lt; "a" \'b\' &nbsp;');
    eq(parseSnippet(''), []);
  }],
  ['search result links stay inside the app', () => {
    eq(itemHref({ type: 'organization', id: 3, title: '', url: '#/organizations/3' }), '#/organizations/3');
    eq(itemHref({ type: 'person', id: 4, title: '', url: 'javascript:alert(1)' }), '#/people/4');
  }],
  ['chart: periods on a time axis, round ticks', () => {
    eq(periodTime('2024'), 2024);
    eq(periodTime('2024Q3'), 2024.5);
    eq(periodTime('202401'), 2024);
    eq(periodTime('2024Q5'), null);
    eq(periodTime('202413'), null);
    eq(niceTicks(0, 7.3), [0, 2, 4, 6, 8]);
    eq(niceTicks(0, 100), [0, 20, 40, 60, 80, 100]);
    eq(niceTicks(4.3, 4.3).length > 1, true);
    eq(digitsFor(5.14), 2); eq(digitsFor(45.9), 1); eq(digitsFor(3700000), 0);
  }],
  ['indicator map classes work for small values too', () => {
    const b = valueBreaks([0.4, 0.9, 1.3, 2.2, 4.3, 5.1, 7.7], 5);
    for (let i = 1; i < b.length; i++) if (!(b[i] > b[i - 1])) throw new Error('breaks not increasing: ' + b);
    if (b.length < 3) throw new Error('too few classes: ' + b);
    eq(valueBreaks([5.14], 7), []);
  }],
  ['numbers typed the Vietnamese or the English way', () => {
    eq(parseNumber('1.900', 'vi'), 1900);
    eq(parseNumber('1.900', 'en'), 1.9);
    eq(parseNumber('4,5', 'vi'), 4.5);
    eq(parseNumber('1,234', 'en'), 1234);
    eq(parseNumber('1.234.567,8', 'vi'), 1234567.8);
    eq(parseNumber('1,234,567.8', 'en'), 1234567.8);
    eq(parseNumber(' -12 ', 'vi'), -12);
    eq(parseNumber('90.6', 'vi'), 90.6);
    eq(parseNumber('abc', 'vi'), null);
    eq(parseNumber('1.2.3', 'en'), null);
    eq(parseNumber('', 'vi'), null);
  }],
  ['formula text', () => {
    eq(formulaText({ numerator: 'RD_STAFF', denominator: 'POPULATION', factor: 10000 }), 'RD_STAFF / POPULATION × 10.000');
    eq(formulaText({ numerator: 'ST_ENTERPRISES', denominator: null, factor: 1 }), 'ST_ENTERPRISES');
    eq(formulaText({ numerator: 'A + B', denominator: 'C', factor: 100 }), '(A + B) / C × 100');
  }],
  ['exchange: sums in dong as typed (vi and en separators), short money', () => {
    eq(parseVnd('1.500.000.000'), 1500000000);
    eq(parseVnd('1,500,000,000'), 1500000000);
    eq(parseVnd(' 2 000 000 đ'), 2000000);
    eq(parseVnd('250000'), 250000);
    eq(parseVnd(''), null);
    eq(Number.isNaN(parseVnd('1,5 tỷ')), true);
    eq(Number.isNaN(parseVnd('1.50.000')), true);
    eq(Number.isNaN(parseVnd('-5')), true);
    eq(compactVnd(1500000000, 'vi'), '1,5 tỷ đ');
    eq(compactVnd(250000000, 'en'), '250 m VND');
    eq(compactVnd(null, 'vi'), '—');
  }],
  ['exchange: lifecycle actions by status and role', () => {
    eq(listingActions('draft', { owner: true, reviewer: false }), ['submit', 'withdraw']);
    eq(listingActions('returned', { owner: true, reviewer: false }), ['submit', 'withdraw']);
    eq(listingActions('published', { owner: true, reviewer: false }), ['renew', 'withdraw']);
    eq(listingActions('expired', { owner: true, reviewer: true }), ['renew', 'withdraw']);
    eq(listingActions('submitted', { owner: false, reviewer: true }), ['publish', 'return']);
    eq(listingActions('withdrawn', { owner: true, reviewer: true }), []);
    eq(listingActions('published', { owner: false, reviewer: false }), []);
  }],
  ['exchange: connection steps cannot be skipped; who may do what', () => {
    eq(['requested', 'accepted', 'meeting', 'nda', 'contract', 'closed'].map(nextStep), [null, 'meeting', 'nda', 'contract', 'close', null]);
    const c = { status: 'requested', requester_user_id: 7, owner_organization_id: 3 };
    eq(connectionActions(c, { userId: 1, orgId: 3, staff: false }), ['accept', 'decline']);
    eq(connectionActions(c, { userId: 7, orgId: 5, staff: false }), ['cancel']);
    eq(connectionActions(c, { userId: 9, orgId: 5, staff: false }), []);
    eq(connectionActions({ ...c, status: 'nda' }, { userId: 7, orgId: 5, staff: false }), ['contract', 'cancel']);
    eq(connectionActions({ ...c, status: 'contract' }, { userId: 1, orgId: 3, staff: false }), ['close']);
    eq(connectionActions({ ...c, status: 'declined' }, { userId: 1, orgId: null, staff: true }), []);
  }],
  ['exchange: contract parties follow the kind of listing', () => {
    eq(contractParties({ listing_kind: 'offer', owner_organization_id: 1, requester_organization_id: 2 }), { transferor_organization_id: 1, transferee_organization_id: 2 });
    eq(contractParties({ listing_kind: 'need', owner_organization_id: 1, requester_organization_id: 2 }), { transferor_organization_id: 2, transferee_organization_id: 1 });
    eq(contractParties({ listing_kind: 'offer', owner_organization_id: 1, requester_organization_id: null }), { transferor_organization_id: 1, transferee_organization_id: null });
  }],
  ['exchange: bilingual notification texts, links, reasons, scores', () => {
    eq(bilingual('Tin "A / B" cần chỉnh sửa / Listing returned for changes', 'vi'), 'Tin "A / B" cần chỉnh sửa');
    eq(bilingual('Tin "A / B" cần chỉnh sửa / Listing returned for changes', 'en'), 'Listing returned for changes');
    eq(bilingual('Chỉ tiếng Việt', 'en'), 'Chỉ tiếng Việt');
    eq(notificationHref({ subject_type: 'listing', subject_id: '12' }), '#/exchange/12');
    eq(notificationHref({ subject_type: 'connection', subject_id: '5' }), '#/exchange/mine?tab=connections&connection=5');
    eq(notificationHref({ subject_type: 'listing', subject_id: '1/../x' }), '#/notifications');
    eq(reasonText({ code: 'trl_ok', vi: 'TRL đạt', en: 'TRL meets' }, 'en'), 'TRL meets');
    eq(reasonText({ code: 'x', vi: 'Việt', en: '' }, 'en'), 'Việt');
    eq([scorePct(0.913), scorePct(1.4), scorePct(-1), scorePct(NaN)], [91, 100, 0, 0]);
    eq(shareUrl('https://stio.example.vn/', 42), 'https://stio.example.vn/#/exchange/42');
    eq(catalogueHref({ q: 'màng', kind: '', offset: 0, trl: '6' }), '#/exchange?q=m%C3%A0ng&trl=6');
  }],
  ['exchange: listing body by kind, client errors, patch of changes only', () => {
    const offer = listingBody('offer', { title: ' Màng lọc ', summary: 'Tóm tắt', trl: '7', price_vnd: '1.000.000', budget_max_vnd: '5' }, { fields: ['207'] }, false);
    eq(offer.errors, []);
    eq([offer.body.title, offer.body.trl, offer.body.price_vnd, offer.body.price_negotiable, 'budget_max_vnd' in offer.body], ['Màng lọc', 7, 1000000, false, false]);
    const both = listingBody('offer', { title: 'a', summary: 'b', price_vnd: '5' }, {}, true);
    eq(both.errors, [['price_negotiable', 'ex.err.priceBoth']]);
    const need = listingBody('need', { title: '', summary: 'b', trl_min: '12', budget_min_vnd: '9', budget_max_vnd: '3', trl: '5' }, {}, false);
    eq(need.errors, [['title', 'err.required'], ['trl_min', 'ex.err.trl'], ['budget_min_vnd', 'ex.err.budgetOrder']]);
    eq('trl' in need.body, false);
    const bad = listingBody('need', { title: 'a', summary: 'b', budget_max_vnd: '1,5 tỷ' }, {}, false);
    eq(bad.errors, [['budget_max_vnd', 'ex.err.money']]);
    eq(listingPatch({ title: 'A', summary: 'S', fields: ['207'], description: null, price_negotiable: false },
      { kind: 'offer', title: 'A', summary: 'S2', fields: ['207'], description: null, keywords: [], price_negotiable: true }),
    { summary: 'S2', price_negotiable: true });
  }],
  ['exchange: months filled between the first and the last, labels', () => {
    const z = { offers_published: 0, needs_published: 0, introductions: 0, introductions_accepted: 0, contracts: 0, contract_value_vnd: 0 };
    const rows: MonthStat[] = [{ ...z, month: '2026-02', contracts: 1 }, { ...z, month: '2025-11', offers_published: 2 }];
    const f = fillMonths(rows);
    eq(f.map((m) => m.month), ['2025-11', '2025-12', '2026-01', '2026-02']);
    eq(f.map((m) => m.offers_published + m.contracts), [2, 0, 0, 1]);
    eq(fillMonths([]), []);
    eq(monthLabel('2026-02'), '02/2026');
  }],
];
