// Technology exchange: the staff review queue (#/exchange/review: publish, or return with a reason)
// and the exchange statistics (#/exchange/stats: by month, field and province, as charts and a map).
// All text via text nodes (dom.ts); no innerHTML.
import type { FeatureCollection, Geometry } from 'geojson';
import { h, type Child } from '../dom';
import { t, getLang } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDateTime, fmtNum } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { currentUser } from '../session';
import { empty, errorState, loading, needLogin, pageHeader, pager, table, type Column } from '../ui';
import { provinceMap, valueBreaks, type ProvinceProps } from '../components/map';
import { barChart, hBars } from '../components/barchart';
import { compactVnd, fillMonths, monthLabel, type ExchangeStats, type Listing } from '../exchange';
import { actionButtons, exchangeTabs, fieldLabel, isReviewer, kindBadge, provinceLabel, refMaps } from './exchange';

// ---------- review queue ----------
export function reviewPage(ctx: RouteCtx, signal: AbortSignal): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  if (!isReviewer()) return h('div', { class: 'page' }, exchangeTabs('review'), errorState({}), h('p', null, t('ex.reviewOnly')));
  const kind = ctx.query.get('kind') || '';
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0) || 0);
  const kindSel = h('select', { id: 'review-kind', name: 'kind' }, h('option', { value: '' }, t('common.all')),
    h('option', { value: 'offer', selected: kind === 'offer' }, t('ex.kind.offer')), h('option', { value: 'need', selected: kind === 'need' }, t('ex.kind.need')));
  kindSel.addEventListener('change', () => setQuery({ kind: kindSel.value }, ctx.path));
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'review-list' }, loading());
  const load = () => {
    Promise.all([api.get<ListResponse<Listing>>('/exchange/review-queue', { kind, limit: 20, offset }), refMaps()]).then(([r, refs]) => {
      if (signal.aborted) return;
      const items = itemsOf<Listing>(r);
      if (!items.length) { results.replaceChildren(empty(t('ex.reviewEmpty'))); return; }
      results.replaceChildren(
        h('p', { class: 'result-count' }, t('ex.reviewCount', { n: fmtNum(r.total) })),
        h('ol', { class: 'result-list', start: offset + 1 }, items.map((l) => h('li', null,
          h('article', { class: 'result review-item', 'data-id': String(l.id) },
            h('div', { class: 'result-meta' }, kindBadge(l.kind),
              h('span', { class: 'result-sub' }, l.organization_name, ' · ', provinceLabel(l.province_code, refs.provinces),
                ' · ', t('ex.submittedAt'), ' ', fmtDateTime(l.submitted_at))),
            h('h3', { class: 'result-title' }, h('a', { href: `#/exchange/${l.id}` }, l.title)),
            h('p', { class: 'pre listing-summary' }, l.summary),
            (l.fields ?? []).length ? h('p', { class: 'muted small' }, l.fields.map((c) => fieldLabel(c, refs.fields)).join('; ')) : null,
            l.contact_email || l.contact_name ? h('p', { class: 'muted small' }, t('ex.contact'), ': ', [l.contact_name, l.contact_email, l.contact_phone].filter(Boolean).join(' · ')) : null,
            actionButtons(l, () => load()))))),
        r.total > 20 ? pager(r.total, 20, offset, (off) => setQuery({ kind, offset: off || '' }, ctx.path)) : '');
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-review' },
    pageHeader(t('ex.reviewTitle'), t('ex.reviewLead')),
    exchangeTabs('review'),
    h('section', { class: 'card' },
      h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'review-kind' }, t('ex.kindLabel')), kindSel)),
      results));
}

// ---------- statistics ----------
const C_OFFER = '#0b4f7c', C_NEED = '#e08a00', C_INTRO = '#6baed6', C_CONTRACT = '#1e7b47';

let geoCache: Promise<FeatureCollection<Geometry, ProvinceProps>> | null = null;
function getGeo() {
  if (!geoCache) geoCache = api.get<FeatureCollection<Geometry, ProvinceProps>>('/geo/provinces').catch((e) => { geoCache = null; throw e; });
  return geoCache;
}

export function statsPage(_ctx: RouteCtx, signal: AbortSignal): Node {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const load = () => {
    Promise.all([api.get<ExchangeStats>('/exchange/stats'), refMaps()]).then(([st, refs]) => {
      if (signal.aborted) return;
      const lang = getLang();
      const tot = st.totals;
      const cards: [string, string, string][] = [
        ['offers_published', t('ex.st.offers'), fmtNum(tot.offers_published)],
        ['needs_published', t('ex.st.needs'), fmtNum(tot.needs_published)],
        ['introductions', t('ex.st.intros'), fmtNum(tot.introductions)],
        ['introductions_accepted', t('ex.st.accepted'), fmtNum(tot.introductions_accepted)],
        ['contracts', t('ex.st.contracts'), fmtNum(tot.contracts)],
        ['contract_value_vnd', t('ex.st.value'), compactVnd(tot.contract_value_vnd, lang)],
      ];
      const months = fillMonths(st.by_month);
      const cats = months.map((m) => monthLabel(m.month));
      const out: Child[] = [h('section', { class: 'stats ex-stats', 'aria-label': t('ex.st.totals') }, cards.map(([k, label, v]) =>
        h('div', { class: 'stat', 'data-stat': k }, h('span', { class: 'stat-value' }, v), h('span', { class: 'stat-label' }, label))))];
      out.push(h('section', { class: 'card', id: 'stats-month' }, h('h2', null, t('ex.st.byMonth')),
        months.length ? [
          barChart(cats, [
            { key: 'offers', label: t('ex.st.offersPublished'), values: months.map((m) => m.offers_published), color: C_OFFER },
            { key: 'needs', label: t('ex.st.needsPublished'), values: months.map((m) => m.needs_published), color: C_NEED },
            { key: 'intros', label: t('ex.st.intros'), values: months.map((m) => m.introductions), color: C_INTRO },
            { key: 'contracts', label: t('ex.st.contracts'), values: months.map((m) => m.contracts), color: C_CONTRACT },
          ], { ariaLabel: t('ex.st.byMonthAria'), format: (v) => fmtNum(v), integer: true }),
          h('h3', null, t('ex.st.valueByMonth')),
          barChart(cats, [{ key: 'value', label: t('ex.st.value'), values: months.map((m) => m.contract_value_vnd), color: C_CONTRACT }],
            { ariaLabel: t('ex.st.valueAria'), format: (v) => compactVnd(v, lang) }),
          monthTable(months),
        ] : empty(t('ex.st.noData'))));
      const fieldRows = st.by_field.map((f) => ({ label: fieldLabel(f.field, refs.fields), values: [f.offers, f.needs] }));
      out.push(h('div', { class: 'grid-2' },
        h('section', { class: 'card', id: 'stats-field' }, h('h2', null, t('ex.st.byField')),
          fieldRows.length ? hBars(fieldRows, [{ label: t('ex.st.offers'), color: C_OFFER }, { label: t('ex.st.needs'), color: C_NEED }], (v) => fmtNum(v)) : empty(t('ex.st.noData'))),
        h('section', { class: 'card', id: 'stats-province' }, h('h2', null, t('ex.st.byProvince')), provinceBlock(st, refs))));
      body.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) body.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-exchange-stats' },
    pageHeader(t('ex.st.title'), t('ex.st.lead'),
      h('a', { class: 'btn btn-ghost', id: 'stats-xlsx', href: `/api/v1/exchange/stats?format=xlsx&lang=${getLang()}`, download: 'exchange-stats.xlsx' }, t('ex.st.xlsx'))),
    exchangeTabs('stats'), body);
}

function monthTable(months: ReturnType<typeof fillMonths>): HTMLElement {
  const lang = getLang();
  const cols: Column<(typeof months)[number]>[] = [
    { label: t('ex.st.month'), primary: true, cell: (m) => monthLabel(m.month) },
    { label: t('ex.st.offersPublished'), className: 'num', cell: (m) => fmtNum(m.offers_published) },
    { label: t('ex.st.needsPublished'), className: 'num', cell: (m) => fmtNum(m.needs_published) },
    { label: t('ex.st.intros'), className: 'num', cell: (m) => fmtNum(m.introductions) },
    { label: t('ex.st.accepted'), className: 'num', cell: (m) => fmtNum(m.introductions_accepted) },
    { label: t('ex.st.contracts'), className: 'num', cell: (m) => fmtNum(m.contracts) },
    { label: t('ex.st.value'), className: 'num', cell: (m) => compactVnd(m.contract_value_vnd, lang) },
  ];
  return h('details', { class: 'stats-table' }, h('summary', null, t('ex.st.asTable')), table([...months].reverse(), cols, { caption: t('ex.st.byMonth') }));
}

function provinceBlock(st: ExchangeStats, refs: Awaited<ReturnType<typeof refMaps>>): HTMLElement {
  const host = h('div', { class: 'map-host' }, loading());
  const by = new Map(st.by_province.map((p) => [p.province_code, p]));
  getGeo().then((geo) => {
    const map = provinceMap(geo, {
      value: (p) => { const x = by.get(p.code); return x ? x.offers + x.needs : null; },
      legend: t('ex.st.mapLegend'),
      aria: t('ex.st.mapAria'),
      tip: (p) => { const x = by.get(p.code); return [[t('ex.st.offers'), fmtNum(x?.offers ?? 0)], [t('ex.st.needs'), fmtNum(x?.needs ?? 0)]]; },
      label: (p) => { const x = by.get(p.code); return x ? `${fmtNum(x.offers)} ${t('ex.st.offers').toLowerCase()}, ${fmtNum(x.needs)} ${t('ex.st.needs').toLowerCase()}` : t('ex.st.none'); },
      target: (p) => '/exchange?province=' + encodeURIComponent(p.code),
      breaks: valueBreaks,
      noData: t('ex.st.none'),
    });
    const rows = [...st.by_province].sort((a, b) => (b.offers + b.needs) - (a.offers + a.needs));
    host.replaceChildren(map, rows.length ? h('ol', { class: 'rank' }, rows.slice(0, 10).map((r) => h('li', null,
      h('a', { href: `#/exchange?province=${encodeURIComponent(r.province_code)}` }, provinceLabel(r.province_code, refs.provinces)),
      h('span', { class: 'num' }, `${fmtNum(r.offers)} / ${fmtNum(r.needs)}`)))) : '',
      h('p', { class: 'muted small' }, t('ex.st.mapHint')));
  }).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

