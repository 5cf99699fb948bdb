// Indicators (issue 5): the list, one indicator as a time series (SVG line chart with the plan's
// target line and the projection on the observed trend, a table of the points, a map and a ranking
// of the 34 provinces for one year) and the lineage view (from one figure to the values and the
// registry records behind it). All text goes in via text nodes (dom.ts); no innerHTML.
import type { FeatureCollection, Geometry } from 'geojson';
import { h, replace, type Child } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api, itemsOf, qs, type ListResponse } from '../api';
import { fmtNum } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can } from '../session';
import { badge, empty, errorState, loading, pageHeader, table, type Column } from '../ui';
import { getProvinces, type AdminUnit } from '../refdata';
import { chartLegend, digitsFor, seriesChart, type ChartOpts } from '../components/linechart';
import { provinceMap, valueBreaks, type ProvinceProps } from '../components/map';
import {
  getProvincesPre2025, hrefWith, indicatorName, lineageHref, monitoringTabs, num, progressBadge, seriesHref, unitLabel,
  unitQuery, type DataElement, type Indicator, type Plan, type Scorecard, type ScoreRow, type Target, type UnitRef,
} from './monitoring';

interface Point {
  period: string; value: number | null; numerator: number | null; denominator: number | null;
  parts: number; parts_with_data: number; provisional: boolean; reason?: string;
}
interface Series { indicator: Indicator; unit: UnitRef; points: Point[] }
interface LineageValue { id: number; era: string; level: string; unit: string; period: string; value: number; status: string; source: string | null }
interface LineageElement {
  code: string; kind: 'data_element' | 'indicator'; value: number | null; parts?: number; parts_with_data?: number;
  values?: LineageValue[]; organizations?: number[]; certificates?: number[]; reason?: string;
}
interface Lineage { indicator: Indicator; unit: UnitRef; period: string; value: number | null; provisional: boolean; reason?: string; elements: LineageElement[] }

const thisYear = () => new Date().getFullYear();

/** "RD_STAFF / POPULATION × 10 000". */
export function formulaText(i: Pick<Indicator, 'numerator' | 'denominator' | 'factor'>): string {
  const wrap = (x: string) => (/^[A-Za-z0-9_.]+$/.test(x.trim()) ? x.trim() : `(${x.trim()})`);
  let s = i.denominator ? `${wrap(i.numerator)} / ${wrap(i.denominator)}` : i.numerator.trim();
  if (i.factor != null && i.factor !== 1) s += ` × ${fmtNum(i.factor)}`;
  return s;
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]); } };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

// ---------- list ----------
export function indicatorsPage(ctx: RouteCtx): Node {
  const q = ctx.query.get('q') || '';
  const qInput = h('input', { type: 'search', id: 'ind-q', name: 'q', value: q, placeholder: t('common.searchPlaceholder'), autocomplete: 'off' });
  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => setQuery({ q: qInput.value.trim() }, ctx.path), 350); });
  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());
  const load = () => {
    api.get<ListResponse<Indicator>>('/indicators', { q, limit: 500 }).then((r) => {
      const items = itemsOf<Indicator>(r);
      if (!items.length) { results.replaceChildren(empty()); return; }
      const cols: Column<Indicator>[] = [
        { label: t('mon.indicator'), primary: true, cell: (i) => h('div', null,
          h('a', { href: seriesHref(i.code), class: 'indicator-link' }, indicatorName(i)), h('div', { class: 'muted small mono' }, i.code)) },
        { label: t('mon.unit'), cell: (i) => i.unit || '—' },
        { label: t('mon.formula'), className: 'mono small', cell: (i) => formulaText(i) },
        { label: t('mon.direction'), cell: (i) => t(i.direction === -1 ? 'mon.lowerBetter' : 'mon.higherBetter') },
      ];
      results.replaceChildren(table(items, cols, { caption: t('mon.indicatorsTitle'), rowKey: (i) => i.code }));
    }).catch((e) => results.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page page-monitoring' },
    pageHeader(t('mon.indicatorsTitle'), t('mon.indicatorsLead'),
      can.staff() ? h('div', { class: 'btn-row' },
        h('a', { class: 'btn', href: '#/indicators/new', id: 'indicator-new' }, '+ ', t('mf.indicatorNew')),
        h('a', { class: 'btn btn-primary', href: '#/data-entry', id: 'data-entry-link' }, t('mon.enterData'))) : null),
    monitoringTabs('indicators'),
    h('section', { class: 'card' },
      h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); setQuery({ q: qInput.value.trim() }, ctx.path); } },
        h('div', { class: 'filter filter-q' }, h('label', { for: 'ind-q' }, t('common.search')), qInput)),
      results));
}

// ---------- unit picker (nation, 34 provinces, 63 pre-2025 provinces) ----------
function unitSelect(id: string, cur: UnitRef): HTMLSelectElement {
  const key = (u: { code: string; era: string }) => `${u.era}:${u.code}`;
  const sel = h('select', { id, name: 'unit' },
    h('option', { value: '2025:VN', selected: cur.code === 'VN' }, t('mon.nation')));
  const g25 = h('optgroup', { label: t('mon.provinces2025') });
  const gPre = h('optgroup', { label: t('mon.provincesPre2025') });
  sel.append(g25, gPre);
  if (cur.code !== 'VN') sel.appendChild(h('option', { value: key(cur), selected: true }, cur.code));
  Promise.all([getProvinces(), getProvincesPre2025().catch(() => [] as AdminUnit[])]).then(([ps, old]) => {
    sel.querySelector(`option[value="${CSS.escape(key(cur))}"]:not([data-real])`)?.remove();
    for (const p of ps) g25.appendChild(h('option', { value: `2025:${p.code}`, 'data-real': '1', selected: cur.era === '2025' && cur.code === p.code }, p.name));
    for (const p of old) gPre.appendChild(h('option', { value: `pre2025:${p.code}`, 'data-real': '1', selected: cur.era === 'pre2025' && cur.code === p.code }, p.name));
  }).catch(() => undefined);
  return sel;
}

// ---------- series ----------
interface TargetRef { plan: Plan; target: Target }

/** Targets of any plan that use this indicator (plans are few: one request per plan). */
async function targetsFor(code: string): Promise<TargetRef[]> {
  const plans = itemsOf<Plan>(await api.get<ListResponse<Plan>>('/plans', { limit: 100 }));
  const full = await pool(plans.slice(0, 30), 4, (p) => api.get<Plan>('/plans/' + p.id).catch(() => null));
  const out: TargetRef[] = [];
  for (const p of full) {
    if (!p || !Array.isArray(p.targets)) continue;
    for (const tg of p.targets) if (tg.indicator === code) out.push({ plan: p, target: tg });
  }
  return out;
}

export function seriesPage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const q = ctx.query;
  const planId = q.get('plan') || '';
  const targetId = q.get('target') || '';
  const host = h('div', { class: 'page page-monitoring' }, loading());

  const load = async () => {
    host.replaceChildren(loading());
    try {
      // The plan's scorecard gives the target, its unit and the projection.
      let row: ScoreRow | null = null;
      let sc: Scorecard | null = null;
      if (planId && targetId) {
        sc = await api.get<Scorecard>(`/plans/${encodeURIComponent(planId)}/scorecard`);
        row = sc.targets.find((r) => String(r.target.id) === targetId) ?? null;
      }
      const unit: UnitRef = q.get('unit')
        ? { code: q.get('unit')!, era: q.get('era') || '2025', level: q.get('level') || (q.get('unit') === 'VN' ? 'nation' : q.get('unit')!.length <= 2 ? 'province' : 'commune') }
        : sc ? sc.unit : { code: 'VN', era: '2025', level: 'nation' };
      const tgt = row?.target ?? null;
      const years = [thisYear() - 10];
      if (tgt?.baseline_year) years.push(tgt.baseline_year);
      if (sc) years.push(sc.plan.period_from - 1);
      const from = Number(q.get('from')) || Math.min(...years);
      const to = Number(q.get('to')) || thisYear();
      const series = await api.get<Series>(`/indicators/${encodeURIComponent(code)}/series`, { ...unitQuery(unit), from, to });
      render(series, unit, from, to, sc, row);
    } catch (e) {
      host.replaceChildren(errorState(e, () => void load()));
    }
  };

  const render = (series: Series, unit: UnitRef, from: number, to: number, sc: Scorecard | null, row: ScoreRow | null) => {
    const ind = series.indicator;
    const tgt = row?.target ?? null;
    const opts: ChartOpts = { unit: ind.unit ?? undefined };
    if (tgt && typeof tgt.target_value === 'number' && typeof tgt.target_year === 'number') {
      opts.target = { value: tgt.target_value, year: tgt.target_year, baselineValue: tgt.baseline_value, baselineYear: tgt.baseline_year };
    }
    const proj = row?.assessment.projection;
    if (proj) opts.projection = { year: proj.year, value: proj.value, lower: proj.lower, upper: proj.upper };
    const withValue = series.points.filter((p) => p.value !== null);
    opts.ariaLabel = t('mon.chartAriaFull', { name: indicatorName(ind), n: withValue.length, from, to });
    const chartPts = series.points.map((p) => ({ period: p.period, value: p.value, provisional: p.provisional,
      href: p.value !== null ? lineageHref(ind.code, unit, p.period) : undefined }));

    // Controls
    const unitSel = unitSelect('series-unit', unit);
    const fromIn = h('input', { id: 'series-from', name: 'from', type: 'number', min: 1990, max: 2100, value: String(from), inputmode: 'numeric' });
    const toIn = h('input', { id: 'series-to', name: 'to', type: 'number', min: 1990, max: 2100, value: String(to), inputmode: 'numeric' });
    const targetSel = h('select', { id: 'series-target', name: 'target' }, h('option', { value: '' }, t('mon.noTargetChosen')));
    if (sc && tgt) targetSel.appendChild(h('option', { value: `${sc.plan.id}:${tgt.id}`, selected: true }, `${tgt.code ?? '#' + tgt.id} — ${sc.plan.name}`));
    targetsFor(ind.code).then((refs) => {
      for (const r of refs) {
        const v = `${r.plan.id}:${r.target.id}`;
        if (targetSel.querySelector(`option[value="${CSS.escape(v)}"]`)) continue;
        targetSel.appendChild(h('option', { value: v }, `${r.target.code ?? '#' + r.target.id} — ${r.plan.name}`));
      }
    }).catch(() => undefined);
    const apply = (e?: Event) => {
      e?.preventDefault();
      const [era, c] = unitSel.value.split(':');
      setQuery({ unit: c, era: era !== '2025' ? era : '', from: fromIn.value, to: toIn.value, plan: planId, target: targetId }, ctx.path);
    };
    targetSel.addEventListener('change', () => {
      // A chosen target brings its plan's unit and years.
      const [p, tg] = targetSel.value ? targetSel.value.split(':') : ['', ''];
      setQuery({ from: '', to: '', plan: p, target: tg, unit: p ? '' : unit.code, era: p ? '' : (unit.era !== '2025' ? unit.era : '') }, ctx.path);
    });
    const controls = h('form', { class: 'filters series-controls', id: 'series-form', onsubmit: apply },
      h('div', { class: 'filter' }, h('label', { for: 'series-unit' }, t('mon.unitLabel')), unitSel),
      h('div', { class: 'filter filter-year' }, h('label', { for: 'series-from' }, t('mon.from')), fromIn),
      h('div', { class: 'filter filter-year' }, h('label', { for: 'series-to' }, t('mon.to')), toIn),
      h('div', { class: 'filter filter-target' }, h('label', { for: 'series-target' }, t('mon.targetOfPlan')), targetSel),
      h('div', { class: 'filter filter-submit' }, h('button', { type: 'submit', class: 'btn', id: 'series-apply' }, t('mon.show'))));

    const csvHref = `/api/v1/indicators/${encodeURIComponent(ind.code)}/series${qs({ ...unitQuery(unit), from, to, format: 'csv' })}`;
    const xlsxHref = `/api/v1/indicators/${encodeURIComponent(ind.code)}/series${qs({ ...unitQuery(unit), from, to, format: 'xlsx', lang: getLang() })}`;
    const targetInfo: Child = row && tgt ? h('div', { class: 'target-info', id: 'target-info' },
      h('p', null, h('strong', null, tgt.code ? tgt.code + ' — ' : '', tgt.text_vi), ' ', progressBadge(row.assessment.status)),
      h('p', { class: 'small' },
        opts.target ? t('mon.chartTarget', { value: num(opts.target.value), year: opts.target.year }) : t('mon.noTargetValue'),
        proj ? [' · ', t('mon.chartProjection', { value: num(proj.value), year: proj.year, lower: num(proj.lower), upper: num(proj.upper) })] : null,
        row.assessment.yearly_effort != null ? [' · ', t('mon.yearlyEffort'), ': ', (row.assessment.yearly_effort >= 0 ? '+' : ''), num(row.assessment.yearly_effort, ind.unit), ' ', t('mon.perYear')] : null),
      sc ? h('p', { class: 'small' }, h('a', { href: `#/plans/${sc.plan.id}` }, '‹ ', sc.plan.name)) : null) : null;

    const pointCols: Column<Point>[] = [
      { label: t('mon.periodLabel'), primary: true, cell: (p) => p.period },
      { label: t('mon.value'), className: 'num', cell: (p) => p.value === null ? h('span', { class: 'muted' }, '—')
        : h('a', { href: lineageHref(ind.code, unit, p.period), class: 'value-link', title: t('mon.lineageOpen') }, num(p.value)) },
      { label: t('mon.numerator'), className: 'num', cell: (p) => num(p.numerator) },
      { label: t('mon.denominator'), className: 'num', cell: (p) => num(p.denominator) },
      { label: t('mon.coverage'), className: 'num', cell: (p) => `${fmtNum(p.parts_with_data)}/${fmtNum(p.parts)}` },
      { label: t('mon.remark'), cell: (p) => h('span', null, p.provisional ? badge(t('mon.provisional'), 'warn') : null, p.reason ? h('span', { class: 'muted small' }, ' ', p.reason) : null) },
    ];

    const lastYear = withValue.length ? withValue[withValue.length - 1].period.slice(0, 4) : String(to);
    replace(host,
      pageHeader(indicatorName(ind), `${ind.code} · ${ind.unit ?? ''}`.replace(/ · $/, ''),
        h('div', { class: 'btn-row' },
          h('a', { class: 'btn btn-ghost', href: '#/indicators' }, '‹ ', t('mon.indicatorsTitle')),
          can.staff() ? h('a', { class: 'btn', id: 'indicator-edit', href: '#/indicators/' + encodeURIComponent(ind.code) + '/edit' }, t('common.edit')) : null,
          h('a', { class: 'btn btn-ghost', id: 'series-csv', href: csvHref, download: `${ind.code}-${unit.code}.csv` }, t('mon.csv')),
          h('a', { class: 'btn btn-ghost', id: 'series-xlsx', href: xlsxHref, download: `${ind.code}-${unit.code}.xlsx` }, t('mon.xlsx')))),
      monitoringTabs('indicators'),
      h('section', { class: 'card' },
        h('p', { class: 'formula' }, h('span', { class: 'muted' }, t('mon.formula'), ': '), h('code', null, formulaText(ind)),
          ' · ', t(ind.direction === -1 ? 'mon.lowerBetter' : 'mon.higherBetter')),
        ind.definition ? h('p', { class: 'small' }, ind.definition) : null,
        controls),
      h('section', { class: 'card', id: 'series-chart' },
        h('h2', null, t('mon.seriesTitle'), ' — ', unitLabel(unit)),
        targetInfo,
        withValue.length || opts.target ? seriesChart(chartPts, opts) : null,
        withValue.length ? chartLegend(opts) : h('p', { class: 'empty-series muted', id: 'series-empty' }, t('mon.noValues', { from, to })),
        h('details', { class: 'series-table', open: withValue.length > 0 && withValue.length <= 12 },
          h('summary', null, t('mon.seriesTable')),
          table(series.points, pointCols, { caption: t('mon.seriesTable'), rowKey: (p) => p.period }))),
      unitsSection(ind, lastYear, from, to, ctx, null),
      unit.level === 'province' && unit.era === '2025' ? unitsSection(ind, lastYear, from, to, ctx, unit) : null);
  };

  void load();
  return host;
}

/** One indicator for many units (GET /indicators/{code}/units). */
interface UnitFigure {
  code: string; name: string; value: number | null; numerator: number | null; denominator: number | null;
  parts: number; parts_with_data: number; provisional: boolean; reason?: string;
}
interface UnitFigures {
  indicator: Indicator; level: string; era: string; province: { code: string; name: string } | null; period: string;
  total: number; with_value: number; min: number | null; max: number | null; items: UnitFigure[];
}

/** A map and a ranking of many units for one year: the 34 provinces, or the communes of one province
 *  (when the series is a 2025 province's). One request for the figures, one for the boundaries. */
function unitsSection(ind: Indicator, defYear: string, from: number, to: number, ctx: RouteCtx, communesOf: UnitRef | null): HTMLElement {
  const communes = communesOf !== null;
  const unit: UnitRef = communesOf ?? { code: 'VN', era: '2025', level: 'nation' };
  const yearId = communes ? 'commune-map-year' : 'map-year';
  const year = ctx.query.get('year') || defYear;
  const yearSel = h('select', { id: yearId, name: 'year' });
  for (let y = Math.max(to, Number(year)); y >= Math.min(from, Number(year)); y--) yearSel.appendChild(h('option', { value: String(y), selected: String(y) === year }, String(y)));
  yearSel.addEventListener('change', () => {
    const cur = Object.fromEntries(ctx.query.entries());
    setQuery({ ...cur, year: yearSel.value }, ctx.path);
  });
  const body = h('div', { class: 'province-body', 'aria-live': 'polite' }, loading());
  const sec = h('section', { class: 'card', id: communes ? 'commune-ranking' : 'province-ranking' },
    h('h2', null, communes ? [t('mf.communesTitle'), ' — ', unitLabel(unit)] : t('mon.provincesTitle')),
    communes ? h('p', { class: 'muted small' }, t('mf.communesLead')) : null,
    h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: yearId }, t('mon.year')), yearSel)),
    body);
  const figuresQ: Record<string, string> = communes ? { level: 'commune', province: unit.code, period: year } : { period: year };
  Promise.all([
    api.get<FeatureCollection<Geometry, ProvinceProps>>(communes ? '/geo/communes' : '/geo/provinces', communes ? { province: unit.code } : {}),
    api.get<UnitFigures>(`/indicators/${encodeURIComponent(ind.code)}/units`, figuresQ),
  ]).then(([geo, figs]) => {
    const byCode = new Map(figs.items.map((f) => [f.code, f]));
    const maxAbs = Math.max(Math.abs(figs.min ?? 0), Math.abs(figs.max ?? 0));
    const level = communes ? 'commune' : 'province';
    const unitRef = (code: string): UnitRef => ({ code, era: '2025', level });
    const map = provinceMap(geo, {
      value: (p) => byCode.get(p.code)?.value ?? null,
      legend: `${indicatorName(ind)}${ind.unit ? ' (' + ind.unit + ')' : ''}, ${year}`,
      aria: t(communes ? 'mf.communeMapAria' : 'mon.mapAria', { name: indicatorName(ind), year, province: figs.province?.name ?? '' }),
      tip: (p) => {
        const pt = byCode.get(p.code);
        const rows: [string, string][] = [[t('mon.value'), pt?.value != null ? num(pt.value, ind.unit) : t('mon.noValue')]];
        if (pt?.value != null && pt.denominator != null) rows.push([t('mon.numerator') + ' / ' + t('mon.denominator'), `${num(pt.numerator)} / ${num(pt.denominator)}`]);
        if (pt?.value != null) rows.push([t('mon.coverage'), `${fmtNum(pt.parts_with_data)}/${fmtNum(pt.parts)}`]);
        if (pt?.provisional) rows.push([t('mon.remark'), t('mon.provisional')]);
        return rows;
      },
      label: (p) => { const v = byCode.get(p.code)?.value; return v != null ? num(v, ind.unit) : t('mon.noValue'); },
      target: (p) => byCode.get(p.code)?.value != null
        ? lineageHref(ind.code, unitRef(p.code), year).slice(1)
        : communes ? '/communes/' + encodeURIComponent(p.code) : seriesHref(ind.code, { unit: p.code }).slice(1),
      breaks: valueBreaks,
      noData: t('mon.noValue'),
      digits: digitsFor(maxAbs),
      archipelagos: !communes,
    });
    map.classList.add(communes ? 'commune-map' : 'province-values-map');
    const ranked = figs.items.filter((f) => typeof f.value === 'number')
      .sort((a, b) => ((ind.direction === -1 ? 1 : -1) * ((a.value as number) - (b.value as number))) || a.name.localeCompare(b.name, 'vi'));
    const missing = figs.items.length - ranked.length;
    const cols: Column<UnitFigure>[] = [
      { label: t('mon.rank'), className: 'num', cell: (f) => ranked.indexOf(f) + 1 },
      { label: communes ? t('mon.commune') : t('common.province'), primary: true, cell: (f) => communes
        ? h('a', { href: '#/communes/' + encodeURIComponent(f.code) }, f.name)
        : h('a', { href: seriesHref(ind.code, { unit: f.code }) }, f.name) },
      { label: t('mon.value'), className: 'num', cell: (f) => h('a', { href: lineageHref(ind.code, unitRef(f.code), year), class: 'value-link' }, num(f.value)) },
      { label: t('mon.coverage'), className: 'num', cell: (f) => `${fmtNum(f.parts_with_data)}/${fmtNum(f.parts)}` },
      { label: t('mon.remark'), cell: (f) => (f.provisional ? badge(t('mon.provisional'), 'warn') : '') },
    ];
    body.replaceChildren(h('div', { class: 'grid-2 mon-map-grid' },
      h('div', null, map),
      h('div', { id: communes ? 'commune-list' : 'ranking' },
        h('p', { class: 'small', id: communes ? 'communes-with-value' : 'provinces-with-value' },
          t(communes ? 'mf.communesWithValue' : 'mf.provincesWithValue', { n: fmtNum(figs.with_value), total: fmtNum(figs.total) })),
        ranked.length
          ? table(ranked, cols, { caption: communes ? t('mf.communeRankingCaption', { year }) : t('mon.rankingCaption', { year }), rowKey: (f) => f.code })
          : empty(communes ? t('mf.noCommuneValues', { year }) : t('mon.noProvinceValues', { year })),
        missing && !communes ? h('p', { class: 'muted small' }, t('mon.provincesMissing', { n: missing })) : null)));
  }).catch((e) => body.replaceChildren(errorState(e)));
  return sec;
}

// ---------- lineage ----------
export function lineagePage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const q = ctx.query;
  const unitCode = q.get('unit') || 'VN';
  const unit: UnitRef = { code: unitCode, era: q.get('era') || '2025', level: q.get('level') || (unitCode === 'VN' ? 'nation' : unitCode.length <= 2 ? 'province' : 'commune') };
  const period = q.get('period') || String(thisYear() - 1);
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const load = () => {
    host.replaceChildren(loading());
    Promise.all([
      api.get<Lineage>(`/indicators/${encodeURIComponent(code)}/lineage`, { ...unitQuery(unit), period }),
      api.get<ListResponse<DataElement>>('/data-elements', { limit: 500 }).catch(() => ({ items: [] as DataElement[] })),
    ]).then(([lin, des]) => {
      const elements = new Map(itemsOf<DataElement>(des).map((d) => [d.code, d]));
      const ind = lin.indicator;
      const periodForm = h('form', { class: 'filters', id: 'lineage-form', onsubmit: (e: Event) => {
        e.preventDefault();
        navigate(lineageHref(code, unit, (periodIn.value || period).trim()).slice(1));
      } });
      const periodIn = h('input', { id: 'lineage-period', name: 'period', value: lin.period, maxlength: 7, inputmode: 'numeric' });
      periodForm.append(
        h('div', { class: 'filter' }, h('label', { for: 'lineage-period' }, t('mon.periodLabel')), periodIn),
        h('div', { class: 'filter filter-submit' }, h('button', { type: 'submit', class: 'btn' }, t('mon.show'))));
      replace(host,
        pageHeader(t('mon.lineageTitle'), t('mon.lineageLead'),
          h('a', { class: 'btn btn-ghost', href: seriesHref(ind.code, unitQuery(unit)) }, '‹ ', t('mon.seriesTitle'))),
        monitoringTabs('indicators'),
        h('section', { class: 'card lineage-figure', id: 'lineage-figure' },
          h('p', { class: 'muted' }, indicatorName(ind), ' · ', unitLabel(unit), ' · ', lin.period),
          h('p', { class: 'figure-value' }, h('strong', { id: 'lineage-value' }, num(lin.value)), ind.unit ? h('span', { class: 'muted' }, ' ', ind.unit) : null,
            lin.provisional ? [' ', badge(t('mon.provisional'), 'warn')] : null),
          lin.reason ? h('p', { class: 'warn-text' }, lin.reason) : null,
          h('p', { class: 'formula' }, h('span', { class: 'muted' }, t('mon.formula'), ': '), h('code', null, formulaText(ind))),
          lin.provisional ? h('p', { class: 'muted small' }, t('mon.provisionalHelp')) : null,
          periodForm),
        lin.elements.length ? lin.elements.map((e) => elementCard(e, elements.get(e.code), unit, lin.period)) : empty());
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  load();
  return host;
}

const STATUS_TONE: Record<string, string> = { draft: 'neutral', submitted: 'info', approved: 'ok', locked: 'ok' };
export function valueStatusBadge(st: string): HTMLElement {
  const b = badge(t(('mon.vstatus.' + st) as DictKey) || st, STATUS_TONE[st] ?? 'neutral');
  b.setAttribute('data-status', st);
  return b;
}

function elementCard(e: LineageElement, de: DataElement | undefined, unit: UnitRef, period: string): HTMLElement {
  if (e.kind === 'indicator') {
    return h('section', { class: 'card lineage-element', 'data-code': e.code },
      h('h2', null, h('span', { class: 'mono' }, e.code)),
      h('p', null, t('mon.value'), ': ', num(e.value), ' · ',
        h('a', { href: lineageHref(e.code, unit, period) }, t('mon.lineageOpen'), ' ›')));
  }
  const values = e.values ?? [];
  const orgs = e.organizations ?? [];
  const certs = e.certificates ?? [];
  const valueCols: Column<LineageValue>[] = [
    { label: t('mon.record'), className: 'mono', cell: (v) => '#' + v.id },
    { label: t('mon.unitLabel'), primary: true, cell: (v) => h('span', null,
      v.level === 'commune' ? h('a', { href: '#/communes/' + encodeURIComponent(v.unit) }, unitLabel({ code: v.unit, era: v.era, level: v.level }))
        : unitLabel({ code: v.unit, era: v.era, level: v.level })) },
    { label: t('mon.periodLabel'), cell: (v) => v.period },
    { label: t('mon.value'), className: 'num', cell: (v) => num(v.value) },
    { label: t('mon.vstatusLabel'), cell: (v) => valueStatusBadge(v.status) },
    { label: t('mon.source'), cell: (v) => v.source || h('span', { class: 'muted' }, t('mon.missing')) },
  ];
  const orgList = h('ul', { class: 'lineage-orgs' }, orgs.slice(0, 100).map((id) => {
    const a = h('a', { href: '#/organizations/' + id }, '#' + id);
    api.get<{ name: string }>('/organizations/' + id).then((o) => { a.textContent = o.name; }).catch(() => undefined);
    return h('li', null, a);
  }));
  return h('section', { class: 'card lineage-element', 'data-code': e.code },
    h('h2', null, de ? (de.name_vi) : e.code, ' ', h('span', { class: 'muted small mono' }, e.code)),
    h('p', null, t('mon.value'), ': ', h('strong', null, num(e.value)), de?.unit ? ' ' + de.unit : '',
      e.parts ? h('span', { class: 'muted' }, ' · ', t('mon.partsWithData', { n: fmtNum(e.parts_with_data ?? 0), total: fmtNum(e.parts) })) : null,
      de?.aggregation ? h('span', { class: 'muted' }, ' · ', t(('mon.agg.' + de.aggregation) as DictKey)) : null),
    e.reason ? h('p', { class: 'warn-text' }, e.reason) : null,
    de?.derived_from ? h('p', { class: 'small' }, t('mon.derivedFrom'), ' ', h('code', null, de.derived_from)) : null,
    values.length ? table(values, valueCols, { caption: t('mon.records'), rowKey: (v) => String(v.id) }) : null,
    orgs.length ? h('div', { class: 'lineage-registry' },
      h('h3', null, t('mon.registryRecords', { n: fmtNum(orgs.length), c: fmtNum(certs.length) })),
      orgList, orgs.length > 100 ? h('p', { class: 'muted small' }, t('mon.moreRecords', { n: orgs.length - 100 })) : null) : null,
    !values.length && !orgs.length ? h('p', { class: 'muted' }, t('mon.noRecords')) : null,
    can.staff() && !de?.derived_from
      ? h('p', { class: 'small' }, h('a', { href: hrefWith('/data-entry', { data_element: e.code, ...unitQuery(unit), period }) }, t('mon.enterThis'), ' ›')) : null);
}
