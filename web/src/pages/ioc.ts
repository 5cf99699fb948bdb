// The provincial operations centre (IOC) view (issue 5): the KPI feed (GET /ioc/kpis) as big tiles
// for a wall screen: each indicator's latest value and period, its plan target and status, how old
// the figure is (stale ones flagged), how many units reported of those expected, and links to its
// series and lineage. Refreshes itself every five minutes. All text goes in via text nodes.
import { h } from '../dom';
import { t } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDateTime, fmtNum } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { badge, empty, errorState, loading, pageHeader } from '../ui';
import { getProvinces } from '../refdata';
import { indicatorName, lineageHref, monitoringTabs, num, pct, progressBadge, seriesHref, unitLabel, unitQuery, type Indicator, type UnitRef } from './monitoring';

export interface Kpi {
  code: string; name_vi: string; name_en?: string | null; unit?: string | null; direction?: number;
  value: number | null; period: string | null; provisional?: boolean;
  completeness?: { parts: number; parts_with_data: number; ratio: number };
  freshness?: { stale: boolean; updated_at: string | null; days_since_update: number | null; period_ended: boolean; days_since_period_end: number | null };
  target?: {
    id: number; code?: string | null; text_vi: string; target_value: number; target_year: number; baseline_value?: number | null;
    baseline_year?: number | null; plan_id: number; plan_code: string; plan_name: string; status: string; progress?: number | null;
  } | null;
}
interface KpiFeed { generated_at: string; unit: UnitRef; items: Kpi[] }

const REFRESH_MS = 5 * 60 * 1000;

function age(days: number | null | undefined): string {
  if (days === null || days === undefined) return t('ioc.ageUnknown');
  if (days <= 0) return t('ioc.today');
  return t('ioc.daysAgo', { n: fmtNum(days) });
}

function tile(k: Kpi, unit: UnitRef): HTMLElement {
  const f = k.freshness, c = k.completeness, tg = k.target;
  const hasValue = k.value !== null && k.value !== undefined;
  const stale = !!f?.stale;
  return h('article', { class: 'kpi-tile' + (stale ? ' kpi-stale' : '') + (hasValue ? '' : ' kpi-empty'), 'data-code': k.code, 'data-stale': String(stale) },
    h('h2', { class: 'kpi-name' }, indicatorName(k)),
    h('p', { class: 'kpi-value' },
      h('strong', { class: 'kpi-number' }, hasValue ? num(k.value) : '—'),
      hasValue && k.unit ? h('span', { class: 'kpi-unit' }, ' ', k.unit) : null),
    h('p', { class: 'kpi-period' },
      hasValue ? [t('ioc.period'), ' ', h('strong', null, k.period ?? '')] : t('mon.noValue'),
      k.provisional ? [' ', badge(t('mon.provisional'), 'warn')] : null),
    tg ? h('div', { class: 'kpi-target' },
      h('span', null, t('ioc.target', { value: num(tg.target_value, k.unit), year: tg.target_year })), ' ',
      progressBadge(tg.status),
      tg.progress != null ? h('span', { class: 'muted' }, ' · ', t('mon.progress'), ' ', pct(tg.progress)) : null,
      h('div', { class: 'kpi-plan small' }, h('a', { href: `#/plans/${tg.plan_id}` }, tg.plan_name)))
      : h('div', { class: 'kpi-target muted' }, t('ioc.noTarget')),
    h('dl', { class: 'kpi-meta' },
      h('div', { class: 'kpi-fresh' }, h('dt', null, t('ioc.freshness')),
        h('dd', null, hasValue ? age(f?.days_since_update) : '—', stale ? [' ', badge(t('ioc.stale'), 'bad')] : null,
          hasValue && f && !f.period_ended ? [' ', badge(t('ioc.soFar'), 'info')] : null)),
      h('div', { class: 'kpi-complete' }, h('dt', null, t('ioc.completeness')),
        h('dd', null, c ? [t('ioc.reporting', { n: fmtNum(c.parts_with_data), total: fmtNum(c.parts) }),
          h('span', { class: 'kpi-bar', role: 'img', 'aria-label': pct(c.ratio) },
            h('span', { class: 'kpi-bar-fill', style: `width:${(Math.max(0, Math.min(1, c.ratio)) * 100).toFixed(0)}%` }))] : '—'))),
    h('p', { class: 'kpi-links' },
      h('a', { href: seriesHref(k.code, unitQuery(unit)), class: 'kpi-series' }, t('ioc.series'), ' ›'),
      hasValue && k.period ? [' · ', h('a', { href: lineageHref(k.code, unit, k.period), class: 'kpi-lineage' }, t('ioc.lineage'), ' ›')] : null));
}

export function iocPage(ctx: RouteCtx): Node {
  const unitCode = ctx.query.get('unit') || 'VN';
  const indicators = ctx.query.get('indicators') || '';
  const unit: UnitRef = { code: unitCode, era: '2025', level: unitCode === 'VN' ? 'nation' : 'province' };
  const unitSel = h('select', { id: 'ioc-unit', name: 'unit' }, h('option', { value: 'VN', selected: unitCode === 'VN' }, t('mon.nation')));
  getProvinces().then((ps) => {
    for (const p of ps) unitSel.appendChild(h('option', { value: p.code, selected: p.code === unitCode }, p.name));
  }).catch(() => undefined);
  unitSel.addEventListener('change', () => setQuery({ unit: unitSel.value === 'VN' ? '' : unitSel.value, indicators }, ctx.path));
  // Which KPIs the wall shows (all by default): a list of checkboxes, kept in the address.
  const chosen = new Set(indicators.split(',').map((x) => x.trim()).filter(Boolean));
  const boxes = h('div', { class: 'kpi-choices', id: 'kpi-choices' }, loading());
  api.get<ListResponse<Indicator>>('/indicators', { limit: 500 }).then((r) => {
    boxes.replaceChildren(...itemsOf<Indicator>(r).map((i) => h('label', { class: 'kpi-choice' },
      h('input', { type: 'checkbox', name: 'kpi', value: i.code, checked: !chosen.size || chosen.has(i.code) }), ' ', indicatorName(i))));
  }).catch((e) => boxes.replaceChildren(errorState(e)));
  const chooser = h('details', { class: 'kpi-chooser', id: 'kpi-chooser' },
    h('summary', null, t('ioc.choose'), chosen.size ? ` (${fmtNum(chosen.size)})` : ''),
    h('form', { onsubmit: (e: Event) => {
      e.preventDefault();
      const all = [...boxes.querySelectorAll<HTMLInputElement>('input[name="kpi"]')];
      const on = all.filter((b) => b.checked).map((b) => b.value);
      setQuery({ unit: unitCode === 'VN' ? '' : unitCode, indicators: on.length === all.length ? '' : on.join(',') }, ctx.path);
    } }, boxes, h('button', { type: 'submit', class: 'btn', id: 'kpi-apply' }, t('mon.show'))));
  const grid = h('div', { class: 'kpi-grid', id: 'kpi-grid', 'aria-live': 'polite' }, loading());
  const stamp = h('p', { class: 'muted small', id: 'ioc-generated' });
  const page = h('div', { class: 'page page-monitoring page-ioc' });
  const load = () => {
    api.get<KpiFeed>('/ioc/kpis', { ...unitQuery(unit), indicators }).then((feed) => {
      stamp.textContent = t('ioc.generated', { at: fmtDateTime(feed.generated_at) });
      if (!feed.items.length) { grid.replaceChildren(empty()); return; }
      // Figures first, then those without a value; each group in the feed's order.
      const items = [...feed.items.filter((k) => k.value !== null), ...feed.items.filter((k) => k.value === null)];
      grid.replaceChildren(...items.map((k) => tile(k, unit)));
      const stale = feed.items.filter((k) => k.freshness?.stale).length;
      summary.replaceChildren(
        h('span', null, t('ioc.summary', { n: fmtNum(feed.items.filter((k) => k.value !== null).length), total: fmtNum(feed.items.length) })),
        ...(stale ? [' · ', h('span', { class: 'warn-text', id: 'ioc-stale' }, t('ioc.staleCount', { n: fmtNum(stale) }))] : []));
    }).catch((e) => grid.replaceChildren(errorState(e, load)));
  };
  const summary = h('p', { class: 'ioc-summary', id: 'ioc-summary' });
  load();
  const timer = window.setInterval(() => { if (!page.isConnected) { window.clearInterval(timer); return; } load(); }, REFRESH_MS);
  const full = h('button', { type: 'button', class: 'btn btn-ghost', id: 'ioc-fullscreen', onclick: () => {
    if (document.fullscreenElement) void document.exitFullscreen(); else void page.requestFullscreen?.().catch(() => undefined);
  } }, t('ioc.fullscreen'));
  page.append(
    pageHeader(t('ioc.title'), t('ioc.lead'), full),
    monitoringTabs('ioc'),
    h('section', { class: 'card ioc-controls' },
      h('form', { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
        h('div', { class: 'filter' }, h('label', { for: 'ioc-unit' }, t('mon.unitLabel')), unitSel)),
      h('p', { class: 'ioc-where' }, unitLabel(unit)),
      summary, stamp,
      h('p', { class: 'muted small' }, t('ioc.staleRule')),
      chooser),
    grid);
  return page;
}

