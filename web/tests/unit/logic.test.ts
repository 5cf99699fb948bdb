// Unit tests of the pure helpers (run by run.mjs, bundled with esbuild for Node).
import { fold, fmtDate, fmtDateTime, fmtNum, parseDate, unitType } from '../../src/format';
import { orcidValid, dateValid, TAX_CODE_RE } from '../../src/validate';
import { quantileBreaks, density } from '../../src/components/map';
import { validateOrg } from '../../src/pages/organizations';
import { parseSnippet, unescapeEntities, itemHref } from '../../src/search';

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
];
