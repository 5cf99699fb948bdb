// Intellectual property (issue 7): the deadline calendar (#/ip/deadlines), the free-to-use finder
// (#/ip/free) and the statistics with the map of geographical indications and collective and
// certification marks (#/ip/stats). All text via text nodes (dom.ts); no innerHTML.
import type { FeatureCollection, Geometry } from 'geojson';
import { h, type Child } from '../dom';
import { t, tx, getLang } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtNum } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { can } from '../session';
import { badge, empty, errorState, loading, pageHeader, pager, table, type Column } from '../ui';
import { getProvinces, type AdminUnit } from '../refdata';
import { provinceMap, valueBreaks, type ProvinceProps } from '../components/map';
import { barChart, hBars } from '../components/barchart';
import {
  IP_KINDS, ORIGIN_KINDS, addMonths, rateDigits, byKind, byYear, freeReason, groupByMonth, monthRange, per10k, todayIso, validMonth,
  type Calendar, type CalendarItem, type IpAsset, type StatItem,
} from '../ip';
import { matchedBy } from './ip-origin';
import { daysLeftText, deadlineLabel, exchangeBlock, ipTabs, orgSelect, ownerCell, provinceMapOf, provinceName, riskBadge, scheduleBadge } from './ip';

// ---------- deadline calendar ----------
function monthTitle(ym: string): string {
  const [y, m] = ym.split('-');
  if (getLang() === 'en') return new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(y), Number(m) - 1, 1)));
  return t('ip.monthTitle', { m: String(Number(m)), y });
}

export function ipDeadlinesPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const today = todayIso();
  const st = {
    from: validMonth(q.get('from')) ? q.get('from')! : today.slice(0, 7),
    months: ['3', '6', '12', '24'].includes(q.get('months') || '') ? Number(q.get('months')) : 12,
    org: q.get('org') || '', risk: q.get('risk') === '1',
  };
  const cur = () => ({ from: st.from, months: st.months === 12 ? '' : String(st.months), org: st.org, risk: st.risk ? '1' : '' });
  const update = (patch: Record<string, string>) => setQuery({ ...cur(), ...patch }, ctx.path);
  const fromInput = h('input', { type: 'month', id: 'ip-cal-from', name: 'from', value: st.from });
  fromInput.addEventListener('change', () => { if (validMonth(fromInput.value)) update({ from: fromInput.value }); });
  const monthsSel = h('select', { id: 'ip-cal-months', name: 'months' }, [3, 6, 12, 24].map((n) => h('option', { value: String(n), selected: n === st.months }, t('ip.nMonths', { n }))));
  monthsSel.addEventListener('change', () => update({ months: monthsSel.value === '12' ? '' : monthsSel.value }));
  const orgSel = orgSelect('ip-cal-org', st.org, t('common.all'));
  orgSel.addEventListener('change', () => update({ org: orgSel.value }));
  const risk = h('input', { type: 'checkbox', id: 'ip-cal-risk', name: 'risk', checked: st.risk });
  risk.addEventListener('change', () => update({ risk: risk.checked ? '1' : '' }));
  const shift = (n: number) => update({ from: addMonths(`${st.from}-01`, n).slice(0, 7) });
  const filters = h('div', { class: 'filters ip-cal-filters' },
    h('div', { class: 'filter' }, h('label', { for: 'ip-cal-from' }, t('ip.calFrom')), fromInput),
    h('div', { class: 'filter' }, h('label', { for: 'ip-cal-months' }, t('ip.calSpan')), monthsSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-cal-org' }, t('ip.owner')), orgSel),
    h('div', { class: 'filter filter-check' }, h('label', { class: 'check' }, risk, ' ', t('ip.riskOnly'))),
    h('div', { class: 'filter ip-cal-nav' },
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', id: 'ip-cal-prev', onclick: () => shift(-st.months) }, '‹ ', t('ip.calPrev')),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', id: 'ip-cal-next', onclick: () => shift(st.months) }, t('ip.calNext'), ' ›')));
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'ip-calendar' }, loading());
  const range = monthRange(st.from, st.months);
  const load = () => {
    results.replaceChildren(loading());
    api.get<Calendar>('/ip/deadlines', { from: range.from, to: range.to, at_risk: st.risk || null, owner_organization_id: st.org }).then((c) => {
      if (signal.aborted) return;
      const out: Child[] = [
        h('p', { class: 'result-count', id: 'ip-cal-summary', role: 'status' },
          t('ip.calSummary', { n: fmtNum(c.items.length), from: fmtDate(c.from), to: fmtDate(c.to) }), ' ',
          c.assets_at_risk ? h('strong', { class: 'ip-risk-count', 'data-n': String(c.assets_at_risk) }, t('ip.calRisk', { n: fmtNum(c.assets_at_risk) })) : null),
      ];
      if (!c.items.length) out.push(empty(st.risk ? t('ip.calNoneRisk') : t('ip.calNone')));
      for (const [month, items] of groupByMonth(c.items)) {
        out.push(h('section', { class: 'ip-month', 'data-month': month },
          h('h2', { class: 'ip-month-title' }, monthTitle(month), h('span', { class: 'muted small' }, ' · ', t('ip.nDeadlines', { n: items.length }))),
          h('ol', { class: 'ip-cal-list' }, items.map((it) => calItem(it)))));
      }
      results.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-ip-deadlines' },
    pageHeader(t('ip.calTitle'), t('ip.calLead')),
    ipTabs('deadlines'),
    h('section', { class: 'card' }, filters, results));
}

function calItem(it: CalendarItem): HTMLElement {
  const inGrace = it.days_left < 0;
  const [y, m, d] = it.due.split('-');
  return h('li', { class: 'ip-cal-item' + (it.at_risk ? ' at-risk' : '') + (inGrace ? ' in-grace' : ''), 'data-asset': String(it.asset.id), 'data-type': it.type, 'data-due': it.due },
    h('span', { class: 'ip-cal-day', 'aria-hidden': 'true' }, h('strong', null, d), h('span', null, `${m}/${y}`)),
    h('div', { class: 'ip-cal-body' },
      h('div', { class: 'ip-cal-head' },
        h('strong', { class: 'ip-cal-type' }, deadlineLabel(it)),
        it.at_risk ? riskBadge() : null,
        it.owner_action === false ? badge(t('ip.officeStepShort'), 'neutral') : null),
      h('a', { href: `#/ip/${it.asset.id}`, class: 'ip-cal-asset' }, it.asset.title),
      h('div', { class: 'muted small' }, tx('ip.kind.', it.asset.kind), ' · ', it.asset.grant_number || it.asset.application_number, ' · ', fmtDate(it.due),
        it.grace_ends ? [' · ', t('ip.graceEnds', { date: fmtDate(it.grace_ends) })] : null)),
    h('span', { class: 'ip-cal-days' + (it.days_left < 0 ? ' over' : it.days_left <= 30 ? ' soon' : ''), 'data-days': String(it.days_left) }, daysLeftText(it.days_left)));
}

// ---------- free-to-use finder ----------
export function ipFreePage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const st = {
    ipc: q.get('ipc') || '', province: q.get('province') || '', offset: Math.max(0, Number(q.get('offset') || 0) || 0),
    // Relevance to a province's plans: all its priorities (for), or one priority.
    for: q.get('for') || '', priority: /^\d+$/.test(q.get('priority') || '') ? q.get('priority')! : '',
  };
  const cur = () => ({ ipc: st.ipc, province: st.province, for: st.for, priority: st.priority });
  const update = (patch: Record<string, string>) => setQuery({ ...cur(), ...patch }, ctx.path);
  const ipcInput = h('input', { type: 'search', id: 'ip-free-ipc', name: 'ipc', value: st.ipc, placeholder: 'A01, C02F, A23L 3/00', autocomplete: 'off' });
  let timer = 0;
  ipcInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ ipc: ipcInput.value.trim() }), 400); });
  const provSel = h('select', { id: 'ip-free-province', name: 'province' }, h('option', { value: '' }, t('common.all')));
  provSel.addEventListener('change', () => update({ province: provSel.value }));
  const forSel = h('select', { id: 'ip-free-for', name: 'for' }, h('option', { value: '' }, t('ipo.freeForNone')));
  forSel.addEventListener('change', () => update({ for: forSel.value, priority: '', offset: '' }));
  getProvinces().then((ps) => {
    for (const p of ps) {
      const name = getLang() === 'en' ? p.name_en || p.name : p.name;
      provSel.appendChild(h('option', { value: p.code, selected: p.code === st.province }, name));
      forSel.appendChild(h('option', { value: p.code, selected: p.code === st.for }, name));
    }
  }).catch(() => undefined);
  const filters = h('form', { class: 'filters ip-free-filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); update({ ipc: ipcInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'ip-free-ipc' }, t('ip.ipcPrefix')), ipcInput),
    h('div', { class: 'filter' }, h('label', { for: 'ip-free-province' }, t('common.province')), provSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-free-for' }, t('ipo.freeFor')), forSel),
    h('p', { class: 'small' }, h('a', { href: `#/ip/priorities${st.for ? '?province=' + encodeURIComponent(st.for) : ''}`, id: 'ip-free-priorities' }, t('ipo.managePriorities'))));
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'ip-free-results' }, loading());
  const PAGE = 20;
  const load = () => {
    results.replaceChildren(loading());
    const params = { ipc: st.ipc, province_code: st.province, priorities_of: st.for, priority: st.priority, limit: PAGE, offset: st.offset };
    Promise.all([api.get<ListResponse<IpAsset>>('/ip/free-to-use', params), provinceMapOf()]).then(([r, provs]) => {
      if (signal.aborted) return;
      const items = itemsOf<IpAsset>(r);
      const out: Child[] = [h('p', { class: 'result-count', id: 'ip-free-count', role: 'status' }, t('ip.freeCount', { n: fmtNum(r.total) }))];
      if (!items.length) out.push(empty(t('ip.freeNone')));
      else {
        out.push(h('ol', { class: 'result-list', start: st.offset + 1 }, items.map((a) => h('li', null, freeCard(a, provs)))));
        if (r.total > PAGE) out.push(pager(r.total, PAGE, st.offset, (off) => setQuery({ ...cur(), offset: off || '' }, ctx.path)));
      }
      results.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-ip-free' },
    pageHeader(t('ip.freeTitle'), t('ip.freeLead')),
    ipTabs('free'),
    h('section', { class: 'card' }, filters, results),
    h('p', { class: 'muted small' }, t('ip.freeNote')));
}

function freeCard(a: IpAsset, provs: Map<string, AdminUnit>): HTMLElement {
  const s = a.schedule;
  const why = freeReason(s);
  const reason = why === 'lapsed' ? t('ip.freeWhyLapsed') : s?.term_ends ? t('ip.freeWhyExpired', { date: fmtDate(s.term_ends) }) : t('ip.freeWhyEnded');
  return h('article', { class: 'result ip-free-card', 'data-id': String(a.id) },
    h('div', { class: 'result-meta' }, h('span', { class: 'badge badge-info' }, tx('ip.kind.', a.kind)), scheduleBadge(s, a.status),
      h('span', { class: 'result-sub' }, provinceName(a.province_code, provs))),
    h('h3', { class: 'result-title' }, h('a', { href: `#/ip/${a.id}`, class: 'ip-link' }, a.title)),
    h('p', { class: 'ip-free-reason', 'data-reason': why ?? '' }, reason),
    h('p', { class: 'muted small' },
      t('ip.grantNo'), ' ', a.grant_number || '—', ' · ', t('ip.filingDate'), ' ', fmtDate(a.filing_date), ' · ', t('ip.grantDate'), ' ', fmtDate(a.grant_date),
      a.classes.length ? [' · IPC ', a.classes.join('; ')] : null),
    h('p', { class: 'small' }, t('ip.owner'), ': ', ownerCell(a)),
    a.priorities?.length ? h('p', { class: 'small ip-free-matched' }, h('strong', null, t('ipo.matched'), ': '),
      a.priorities.map((p, i) => [i ? '; ' : '', h('a', { href: `#/ip/free?priority=${p.id}`, 'data-priority': String(p.id) }, p.name), ' (', p.by.map(matchedBy).join(', '), ')'])) : null,
    can.staff() ? exchangeBlock(a, `ip-free-${a.id}`) : null);
}

// ---------- statistics ----------
const C_APP = '#0b4f7c', C_GRANT = '#1e7b47';

let geoCache: Promise<FeatureCollection<Geometry, ProvinceProps>> | null = null;
function getGeo() {
  if (!geoCache) geoCache = api.get<FeatureCollection<Geometry, ProvinceProps>>('/geo/provinces').catch((e) => { geoCache = null; throw e; });
  return geoCache;
}

export function ipStatsPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const year = Number(todayIso().slice(0, 4));
  const yr = (s: string | null) => (s && /^\d{4}$/.test(s) ? Number(s) : null);
  const st = { province: q.get('province') || '', kind: q.get('kind') || '', from: yr(q.get('from')) ?? year - 9, to: yr(q.get('to')) ?? year };
  const update = (patch: Record<string, string | number>) => setQuery({ province: st.province, kind: st.kind, from: st.from, to: st.to, ...patch }, ctx.path);
  const provSel = h('select', { id: 'ip-st-province', name: 'province' }, h('option', { value: '' }, t('ip.allProvinces')));
  provSel.addEventListener('change', () => update({ province: provSel.value }));
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: p.code === st.province }, getLang() === 'en' ? p.name_en || p.name : p.name));
  }).catch(() => undefined);
  const kindSel = h('select', { id: 'ip-st-kind', name: 'kind' }, h('option', { value: '' }, t('common.all')),
    IP_KINDS.map((k) => h('option', { value: k, selected: k === st.kind }, tx('ip.kind.', k))));
  kindSel.addEventListener('change', () => update({ kind: kindSel.value }));
  const yearInput = (id: string, value: number, key: 'from' | 'to') => {
    const el = h('input', { type: 'number', id, name: key, value: String(value), min: 1900, max: 2200, inputmode: 'numeric' });
    el.addEventListener('change', () => { if (/^\d{4}$/.test(el.value)) update({ [key]: el.value }); });
    return el;
  };
  const filters = h('div', { class: 'filters ip-st-filters' },
    h('div', { class: 'filter' }, h('label', { for: 'ip-st-province' }, t('common.province')), provSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-st-kind' }, t('ip.kindLabel')), kindSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-st-from' }, t('ip.yearFrom')), yearInput('ip-st-from', st.from, 'from')),
    h('div', { class: 'filter' }, h('label', { for: 'ip-st-to' }, t('ip.yearTo')), yearInput('ip-st-to', st.to, 'to')));
  const body = h('div', { 'aria-live': 'polite', id: 'ip-stats' }, loading());
  const load = () => {
    Promise.all([
      api.get<{ items: StatItem[] }>('/ip/stats', { province_code: st.province, kind: st.kind, year_from: st.from, year_to: st.to }),
      getProvinces().catch(() => [] as AdminUnit[]),
    ]).then(([r, ps]) => {
      if (signal.aborted) return;
      const items = r.items ?? [];
      const pop = st.province ? ps.find((p) => p.code === st.province)?.population ?? null : ps.reduce((s, p) => s + (p.population ?? 0), 0) || null;
      const years = byYear(items, st.from <= st.to ? st.from : null, st.from <= st.to ? st.to : null);
      const apps = years.reduce((s, y) => s + y.applications, 0), grants = years.reduce((s, y) => s + y.grants, 0);
      const rate = (n: number) => { const r = per10k(n, pop); return r === null ? '—' : fmtNum(r, rateDigits(r)); };
      const cards: [string, string, string][] = [
        ['applications', t('ip.st.applications'), fmtNum(apps)],
        ['grants', t('ip.st.grants'), fmtNum(grants)],
        ['applications_per_10k', t('ip.st.appsPer10k'), rate(apps)],
        ['grants_per_10k', t('ip.st.grantsPer10k'), rate(grants)],
      ];
      const out: Child[] = [h('section', { class: 'stats ip-stats-cards', 'aria-label': t('ip.st.totals') }, cards.map(([k, label, v]) =>
        h('div', { class: 'stat', 'data-stat': k }, h('span', { class: 'stat-value' }, v), h('span', { class: 'stat-label' }, label))))];
      out.push(h('p', { class: 'muted small' }, pop ? t('ip.st.popNote', { pop: fmtNum(pop) }) : t('ip.st.noPop')));
      const yearCols: Column<(typeof years)[number]>[] = [
        { label: t('ip.st.year'), primary: true, cell: (y) => String(y.year) },
        { label: t('ip.st.applications'), className: 'num', cell: (y) => fmtNum(y.applications) },
        { label: t('ip.st.grants'), className: 'num', cell: (y) => fmtNum(y.grants) },
        { label: t('ip.st.appsPer10k'), className: 'num', cell: (y) => rate(y.applications) },
        { label: t('ip.st.grantsPer10k'), className: 'num', cell: (y) => rate(y.grants) },
      ];
      out.push(h('section', { class: 'card', id: 'ip-stats-year' }, h('h2', null, t('ip.st.byYear')),
        years.length ? [
          barChart(years.map((y) => String(y.year)), [
            { key: 'applications', label: t('ip.st.applications'), values: years.map((y) => y.applications), color: C_APP },
            { key: 'grants', label: t('ip.st.grants'), values: years.map((y) => y.grants), color: C_GRANT },
          ], { ariaLabel: t('ip.st.byYearAria'), format: (v) => fmtNum(v), integer: true }),
          h('h3', null, t('ip.st.per10kTitle')),
          barChart(years.map((y) => String(y.year)), [
            { key: 'applications_per_10k', label: t('ip.st.appsPer10k'), values: years.map((y) => per10k(y.applications, pop) ?? 0), color: C_APP },
            { key: 'grants_per_10k', label: t('ip.st.grantsPer10k'), values: years.map((y) => per10k(y.grants, pop) ?? 0), color: C_GRANT },
          ], { ariaLabel: t('ip.st.per10kAria'), format: (v) => fmtNum(v, rateDigits(v)), minTop: 1e-9 }),
          h('details', { class: 'stats-table' }, h('summary', null, t('ip.st.asTable')), table([...years].reverse(), yearCols, { caption: t('ip.st.byYear') })),
        ] : empty(t('ip.st.noData'))));
      const kinds = byKind(items);
      const kindCols: Column<(typeof kinds)[number]>[] = [
        { label: t('ip.kindLabel'), primary: true, cell: (k) => tx('ip.kind.', k.kind) },
        { label: t('ip.st.applications'), className: 'num', cell: (k) => fmtNum(k.applications) },
        { label: t('ip.st.grants'), className: 'num', cell: (k) => fmtNum(k.grants) },
        { label: t('ip.st.appsPer10k'), className: 'num', cell: (k) => rate(k.applications) },
        { label: t('ip.st.grantsPer10k'), className: 'num', cell: (k) => rate(k.grants) },
      ];
      out.push(h('div', { class: 'grid-2' },
        h('section', { class: 'card', id: 'ip-stats-kind' }, h('h2', null, t('ip.st.byKind')),
          kinds.length ? [
            hBars(kinds.map((k) => ({ label: tx('ip.kind.', k.kind), values: [k.applications, k.grants] })),
              [{ label: t('ip.st.applications'), color: C_APP }, { label: t('ip.st.grants'), color: C_GRANT }], (v) => fmtNum(v)),
            table(kinds, kindCols, { caption: t('ip.st.byKind') }),
          ] : empty(t('ip.st.noData'))),
        originMap(ps)));
      body.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) body.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-ip-stats' },
    pageHeader(t('ip.st.title'), t('ip.st.lead')),
    ipTabs('stats'),
    h('section', { class: 'card' }, filters),
    body);
}

/** Map of the geographical indications and collective and certification marks per province (from
 *  /ip/origin-map): signs held in each province, with their holders and active users listed under it. */
interface OriginSign {
  id: number; kind: string; title: string; status: string; province_code: string | null; holder: string | null;
  owner_organization_id: number | null; active_users: number; users_by_province: Record<string, number>;
}
interface OriginMapResponse { items: OriginSign[]; total: number; provinces: Record<string, { signs: number; users: number }> }

function originMap(ps: AdminUnit[]): HTMLElement {
  const host = h('div', { class: 'map-host' }, loading());
  const provs = new Map(ps.map((p) => [p.code, p]));
  Promise.all([api.get<OriginMapResponse>('/ip/origin-map'), getGeo()]).then(([om, geo]) => {
    const signs = (code: string) => om.provinces[code]?.signs ?? 0;
    const users = (code: string) => om.provinces[code]?.users ?? 0;
    const per = (code: string, kind: string) => om.items.filter((a) => a.province_code === code && a.kind === kind).length;
    const map = provinceMap(geo, {
      value: (p) => (signs(p.code) ? signs(p.code) : null),
      legend: t('ip.st.mapLegend'),
      aria: t('ip.st.mapAria'),
      tip: (p) => [...ORIGIN_KINDS.map((k): [string, string] => [tx('ip.kind.', k), fmtNum(per(p.code, k))]),
        [t('ipo.mapUsers'), fmtNum(users(p.code))]],
      label: (p) => (signs(p.code) ? t('ip.st.mapCount', { n: fmtNum(signs(p.code)) }) : t('ip.st.mapNone')),
      target: (p) => '/ip?province=' + encodeURIComponent(p.code) + '&kind=geographical_indication',
      breaks: valueBreaks,
      noData: t('ip.st.mapNone'),
    });
    const sorted = [...om.items].sort((a, b) => (a.province_code ?? '').localeCompare(b.province_code ?? '') || a.title.localeCompare(b.title, 'vi'));
    host.replaceChildren(map,
      sorted.length ? h('details', { class: 'stats-table', id: 'ip-origin-list', open: sorted.length <= 12 },
        h('summary', null, t('ip.st.originList', { n: fmtNum(sorted.length) })),
        h('ul', { class: 'ip-origin-list' }, sorted.map((a) => h('li', { 'data-kind': a.kind, 'data-id': String(a.id) },
          h('a', { href: `#/ip/${a.id}` }, a.title), ' ',
          h('span', { class: 'muted small' }, tx('ip.kind.', a.kind), ' · ', provinceName(a.province_code, provs), ' · ', t('ip.holder'), ': ', a.holder ?? '—', ' · '),
          h('span', { class: 'small ip-origin-users' }, t('ipo.activeUsersN', { n: fmtNum(a.active_users) })),
          Object.keys(a.users_by_province).length ? h('span', { class: 'muted small' }, ' (',
            Object.entries(a.users_by_province).map(([code, n], i) => `${i ? ', ' : ''}${provinceName(code, provs)}: ${fmtNum(n)}`), ')') : null)))) : '',
      h('p', { class: 'muted small' }, t('ip.st.mapHint')));
  }).catch((e) => host.replaceChildren(errorState(e)));
  return h('section', { class: 'card', id: 'ip-stats-map' }, h('h2', null, t('ip.st.mapTitle')), host);
}
