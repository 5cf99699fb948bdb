// Provincial Innovation Index (PII): map of the 34 provinces by the latest published score, a
// ranking with sources, a province profile (history across editions as an SVG line chart, with the
// 2025 map change marked) and a what-if panel posting to /api/v1/index/whatif.
// All text goes in via text nodes (dom.ts); no innerHTML.
import { geoArea, geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { h, replace, s } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api } from '../api';
import { fmtNum } from '../format';
import type { RouteCtx } from '../router';
import { badge, errorState, errorText, loading, pageHeader, table, type Column } from '../ui';
import { clearComputation, loadComputation, medianAndBest, pillarLabel, treeOrder } from '../pii';
import type { ComputeResult } from './pii-compute';

interface Figure {
  edition: number; map: number; province_code: string | null; province_name: string;
  province_code_2025: string | null; score: number | null; rank: number | null;
  input_score: number | null; output_score: number | null; source_url: string; note: string;
  former_province?: boolean;
}
interface Published {
  editions: number[]; caveat: string; map_change: string; figures: Figure[];
  provinces_2025: { code: string; name: string; latest: Figure | null }[];
}
interface ProvinceHistory {
  code: string; name: string; predecessors: { code: string; name: string }[];
  history: Figure[]; map_change: { year: number; note: string };
}
interface GeoProps { code: string; name: string; full_name?: string }

const PALETTE = ['#fde0c5', '#facba6', '#f8b58b', '#f59e72', '#f2855d', '#ef6a4c', '#c94a3a'];
const fmt2 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmtNum(v, 2));

function hostOf(url: string): string {
  try { return new URL(url).hostname.replace(/^www\./, ''); } catch { return url; }
}

function caveat(): HTMLElement {
  return h('p', { class: 'pii-caveat', role: 'note', id: 'pii-caveat' }, t('pii.caveat'));
}

function sourceLink(f: Figure, label: string): HTMLElement {
  return h('a', { href: f.source_url, target: '_blank', rel: 'noopener noreferrer', class: 'pii-source' }, label);
}

function rewind(f: Feature<Geometry, GeoProps>): Feature<Geometry, GeoProps> {
  const g = f.geometry;
  const fix = (c: Polygon['coordinates']) => (geoArea({ type: 'Polygon', coordinates: c }) > 2 * Math.PI ? c.map((r) => r.slice().reverse()) : c);
  if (g.type === 'Polygon') return { ...f, geometry: { type: 'Polygon', coordinates: fix(g.coordinates) } };
  if (g.type === 'MultiPolygon') return { ...f, geometry: { type: 'MultiPolygon', coordinates: (g as MultiPolygon).coordinates.map(fix) } };
  return f;
}

/** Equal-width classes between the lowest and highest published score. */
export function scoreClass(v: number, lo: number, hi: number, n = PALETTE.length): number {
  if (hi <= lo) return n - 1;
  return Math.min(n - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * n)));
}

function piiMap(fc: FeatureCollection<Geometry, GeoProps>, pub: Published): HTMLElement {
  const W = 560, H = 860;
  const features = fc.features.map(rewind);
  const coll = { type: 'FeatureCollection', features } as FeatureCollection<Geometry, GeoProps>;
  const proj = geoMercator().fitExtent([[8, 8], [W - 8, H - 8]], coll);
  const path = geoPath(proj);
  const [[x0, y0], [x1, y1]] = path.bounds(coll);
  const latest = new Map(pub.provinces_2025.map((p) => [p.code, p.latest]));
  const scores = pub.provinces_2025.map((p) => p.latest?.score).filter((x): x is number => typeof x === 'number');
  const lo = Math.min(...scores), hi = Math.max(...scores);
  const svg = s('svg', {
    class: 'province-map pii-map', viewBox: `${Math.floor(x0 - 6)} ${Math.floor(y0 - 6)} ${Math.ceil(x1 - x0 + 12)} ${Math.ceil(y1 - y0 + 12)}`,
    role: 'group', 'aria-label': t('pii.mapAria'),
  },
  s('defs', null, s('pattern', { id: 'pii-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    s('rect', { width: 6, height: 6, fill: '#e4e6ea' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#a9afb8', 'stroke-width': 2 }))));
  const g = s('g', { class: 'provinces' });
  for (const f of features) {
    const p = f.properties;
    const fig = latest.get(p.code) ?? null;
    const has = fig && typeof fig.score === 'number';
    const label = has
      ? `${p.name}: ${fmt2(fig!.score)} (${t('pii.rank')} ${fig!.rank ?? '—'}, ${fig!.edition})`
      : `${p.name}: ${t('pii.noData')}`;
    const a = s('a', { href: '#/pii/' + encodeURIComponent(p.code), 'aria-label': label },
      s('path', {
        class: 'province' + (has ? '' : ' pii-nodata'), d: path(f) ?? '', 'data-code': p.code,
        fill: has ? PALETTE[scoreClass(fig!.score!, lo, hi)] : 'url(#pii-hatch)',
      }, s('title', null, label)));
    g.appendChild(a);
  }
  svg.appendChild(g);
  const legend = h('div', { class: 'pii-legend', 'aria-hidden': 'true' },
    h('span', { class: 'pii-legend-title' }, t('pii.legend')),
    h('span', { class: 'pii-legend-scale' }, fmt2(lo), PALETTE.map((c) => h('span', { class: 'pii-swatch', style: `background:${c}` })), fmt2(hi)),
    h('span', { class: 'pii-legend-nodata' }, h('span', { class: 'pii-swatch pii-swatch-hatch' }), t('pii.noData')));
  return h('figure', { class: 'pii-map-fig' }, svg, h('figcaption', null, legend));
}

function rankingTable(pub: Published, edition: number): HTMLElement {
  const rows = pub.figures.filter((f) => f.edition === edition)
    .sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
  const cols: Column<Figure>[] = [
    { label: t('pii.rank'), className: 'num', cell: (f) => f.rank ?? '—' },
    {
      label: t('pii.province'), primary: true,
      cell: (f) => f.province_code_2025 ? h('a', { href: '#/pii/' + encodeURIComponent(f.province_code_2025) }, f.province_name) : f.province_name,
    },
    { label: t('pii.score'), className: 'num', cell: (f) => (f.score === null ? '—' : sourceLink(f, fmt2(f.score))) },
    { label: t('pii.input'), className: 'num', cell: (f) => fmt2(f.input_score) },
    { label: t('pii.output'), className: 'num', cell: (f) => fmt2(f.output_score) },
    { label: t('pii.source'), className: 'pii-src-cell', cell: (f) => sourceLink(f, hostOf(f.source_url)) },
  ];
  return h('div', { id: 'pii-ranking' }, table(rows, cols, { caption: t('pii.rankingTitle'), rowKey: (f) => `${f.edition}-${f.province_code ?? f.province_name}` }));
}

/** One CSV field: quoted when needed; a leading = + - @ is defused (spreadsheet formulas). */
export function csvField(v: string | number | null | undefined): string {
  let x = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(x) && !/^-?\d/.test(x)) x = "'" + x;
  return /[",\n\r]/.test(x) ? '"' + x.replace(/"/g, '""') + '"' : x;
}

export function figuresCsv(rows: Figure[]): string {
  const head = ['edition', 'map', 'province_code', 'province_name', 'province_code_2025', 'score', 'rank', 'input_score', 'output_score', 'source_url', 'note'];
  const lines = rows.map((f) => [f.edition, f.map, f.province_code, f.province_name, f.province_code_2025, f.score, f.rank, f.input_score, f.output_score, f.source_url, f.note].map(csvField).join(','));
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}

function csvLink(pub: Published, edition: () => number): HTMLAnchorElement {
  const a = h('a', { class: 'btn btn-ghost', id: 'pii-csv', href: '#', download: 'pii.csv' }, t('pii.csv'));
  a.addEventListener('click', () => {
    const y = edition();
    const blob = new Blob(['\ufeff' + figuresCsv(pub.figures.filter((f) => f.edition === y))], { type: 'text/csv;charset=utf-8' });
    a.setAttribute('download', `pii-${y}.csv`);
    a.href = URL.createObjectURL(blob);
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  });
  return a;
}

/** The edition's ranking as an Excel workbook, written by the server (GET /index/published?format=xlsx). */
export function xlsxHref(edition: number, lang: string): string {
  return `/api/v1/index/published?edition=${encodeURIComponent(String(edition))}&format=xlsx&lang=${encodeURIComponent(lang)}`;
}

function xlsxLink(edition: () => number): HTMLAnchorElement {
  const a = h('a', { class: 'btn btn-ghost', id: 'pii-xlsx', href: xlsxHref(edition(), getLang()), download: `pii-${edition()}.xlsx` }, t('pii.xlsx'));
  a.addEventListener('click', () => {
    a.href = xlsxHref(edition(), getLang());
    a.setAttribute('download', `pii-${edition()}.xlsx`);
  });
  return a;
}

export function piiPage(ctx: RouteCtx): Node {
  const host = h('div', null, loading());
  const load = () => {
    host.replaceChildren(loading());
    Promise.all([
      api.get<Published>('/index/published'),
      api.get<FeatureCollection<Geometry, GeoProps>>('/geo/provinces'),
    ]).then(([pub, geo]) => {
      const editions = pub.editions.slice().sort((a, b) => b - a);
      let edition = Number(ctx.query.get('edition')) || editions[0];
      if (!editions.includes(edition)) edition = editions[0];
      const tableHost = h('div', null, rankingTable(pub, edition));
      const mapNote = () => t(Number(sel.value) >= 2025 ? 'pii.map34' : 'pii.map63');
      const mapNoteEl = h('span', { class: 'badge', id: 'pii-map-note' });
      const sel = h('select', { id: 'pii-edition', 'aria-label': t('pii.edition') },
        editions.map((y) => h('option', { value: String(y), selected: y === edition }, String(y))));
      mapNoteEl.textContent = mapNote();
      sel.addEventListener('change', () => {
        tableHost.replaceChildren(rankingTable(pub, Number(sel.value)));
        mapNoteEl.textContent = mapNote();
      });
      host.replaceChildren(
        h('div', { class: 'grid-2 pii-top' },
          h('section', { class: 'card' }, h('h2', null, t('pii.mapTitle')), piiMap(geo, pub)),
          h('section', { class: 'card' },
            h('h2', null, t('pii.rankingTitle')),
            h('div', { class: 'pii-edition-row' }, h('label', { class: 'pii-edition-label' }, t('pii.edition'), ' ', sel), mapNoteEl,
              csvLink(pub, () => Number(sel.value)), xlsxLink(() => Number(sel.value))),
            h('p', { class: 'muted' }, t('pii.mapChange')),
            tableHost)),
        whatIfPanel());
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page' }, pageHeader(t('pii.title'), t('pii.lead'), h('a', { class: 'btn', href: '#/pii/compute', id: 'pii-compute-link' }, t('piic.link'))), caveat(), host);
}

/** History chart: plain SVG, one point per edition with a score, the 2025 map change marked. */
export function historyChart(history: Figure[]): SVGSVGElement {
  const pts = history.filter((f) => typeof f.score === 'number').sort((a, b) => a.edition - b.edition);
  const W = 420, H = 220, L = 44, R = 16, T = 16, B = 36;
  const years = [2023, 2024, 2025];
  const x = (y: number) => L + ((y - years[0]) / (years[years.length - 1] - years[0])) * (W - L - R);
  const vals = pts.map((p) => p.score as number);
  const lo = Math.floor(Math.min(30, ...vals) / 10) * 10, hi = Math.ceil(Math.max(70, ...vals) / 10) * 10;
  const y = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const svg = s('svg', { class: 'pii-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('pii.chartAria', { n: pts.length }) });
  for (let v = lo; v <= hi; v += 10) {
    svg.appendChild(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'pii-grid' }));
    svg.appendChild(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'pii-axis' }, String(v)));
  }
  for (const yr of years) svg.appendChild(s('text', { x: x(yr), y: H - B + 18, 'text-anchor': 'middle', class: 'pii-axis' }, String(yr)));
  const mx = (x(2024) + x(2025)) / 2;
  svg.appendChild(s('line', { x1: mx, x2: mx, y1: T, y2: H - B, class: 'pii-mapchange', 'data-testid': 'map-change' }));
  svg.appendChild(s('text', { x: mx + 4, y: T + 10, class: 'pii-axis pii-mapchange-label' }, t('pii.chartMapChange')));
  // 63-map and 34-map points are not joined across the change.
  for (const m of [63, 34]) {
    const seg = pts.filter((p) => p.map === m);
    if (seg.length > 1) svg.appendChild(s('polyline', { points: seg.map((p) => `${x(p.edition)},${y(p.score as number)}`).join(' '), class: 'pii-line' }));
  }
  for (const p of pts) {
    svg.appendChild(s('circle', { cx: x(p.edition), cy: y(p.score as number), r: 4.5, class: 'pii-point' + (p.map === 63 ? ' pii-point-63' : '') },
      s('title', null, `${p.edition}: ${fmt2(p.score)} — ${p.province_name} (${t(p.map === 63 ? 'pii.map63' : 'pii.map34')})`)));
    svg.appendChild(s('text', { x: x(p.edition), y: y(p.score as number) - 9, 'text-anchor': 'middle', class: 'pii-label' }, fmt2(p.score)));
  }
  return svg;
}

interface ProfileNode { code: string; level: string; name: string; score: number | null; rank: number | null }
interface SW { indicator: string; indicator_rank: number; overall_rank: number }
interface Profile {
  unit: string; edition: number; nodes: ProfileNode[]; strengths: SW[]; weaknesses: SW[];
  notes: { kind: string; indicator: string; before: number | null; after: number | null; detail: string }[];
  values: { indicator: string; raw: number | null; source: string }[];
}
interface Computed extends ComputeResult { profile: Profile }

/** Pillar chart: one horizontal bar per pillar (0–100), the median province and the best marked. Plain SVG. */
export function pillarChart(pillars: { code: string; label: string; score: number | null; rank: number | null; median: number | null; best: number | null }[],
  ranked: number, name: string): SVGSVGElement {
  const W = 520, L = 8, R = 56, T = 8, row = 42, B = 26;
  const H = T + row * pillars.length + B;
  const x = (v: number) => L + (Math.max(0, Math.min(100, v)) / 100) * (W - L - R);
  const svg = s('svg', { class: 'pii-pillars', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('piip.chartAria', { name }) });
  for (const v of [0, 25, 50, 75, 100]) {
    svg.appendChild(s('line', { x1: x(v), x2: x(v), y1: T, y2: H - B, class: 'pii-grid' }));
    svg.appendChild(s('text', { x: x(v), y: H - B + 16, 'text-anchor': 'middle', class: 'pii-axis' }, String(v)));
  }
  pillars.forEach((p, i) => {
    const y = T + i * row;
    svg.appendChild(s('text', { x: L, y: y + 12, class: 'pii-pillar-label' }, `${p.code} ${p.label}`));
    const tip = `${p.code} ${p.label}: ${fmt2(p.score)}` + (p.rank ? ` (${t('pii.rank')} ${p.rank}/${ranked})` : '') +
      `; ${t('piip.legendMedian')} ${fmt2(p.median)}; ${t('piip.legendBest')} ${fmt2(p.best)}`;
    if (p.score === null) {
      svg.appendChild(s('text', { x: L, y: y + 30, class: 'pii-axis pii-pillar-none', 'data-code': p.code }, t('piip.noScore'), s('title', null, tip)));
      return;
    }
    svg.appendChild(s('rect', { x: L, y: y + 18, width: Math.max(1, x(p.score) - L), height: 14, rx: 2, class: 'pii-bar', 'data-code': p.code }, s('title', null, tip)));
    svg.appendChild(s('text', { x: x(p.score) + 4, y: y + 29, class: 'pii-label' }, fmt2(p.score)));
    if (p.median !== null) svg.appendChild(s('line', { x1: x(p.median), x2: x(p.median), y1: y + 15, y2: y + 35, class: 'pii-median' }, s('title', null, tip)));
    if (p.best !== null) svg.appendChild(s('path', { d: `M${x(p.best)},${y + 14} l-4,-5 h8 z`, class: 'pii-best' }, s('title', null, tip)));
  });
  return svg;
}

function computedSection(code: string, name: string): HTMLElement {
  const host = h('section', { class: 'card', id: 'pii-computed' }, h('h2', null, t('piip.computedTitle'), ' ', badge(t('piip.computedBadge'))));
  const body = h('div', { 'aria-live': 'polite' });
  host.appendChild(body);
  const saved = loadComputation();
  const offer = (msg: string) => body.replaceChildren(h('p', { id: 'pii-computed-none' }, msg, ' ', h('a', { href: '#/pii/compute', id: 'pii-compute-link' }, t('piic.link'))));
  if (!saved) { offer(t('piip.none')); return host; }
  if (!saved.values.some((v) => v.unit === code)) { offer(t('piip.notInData')); return host; }
  body.replaceChildren(loading());
  Promise.all([
    api.post<Computed>('/index/compute', { framework: 'PII', values: saved.values, edition: saved.year, unit: code }),
    api.get<{ root: string; tree: { code: string; parent: string | null }[] }>('/index/frameworks/PII'),
  ]).then(([r, fw]) => {
    const pr = r.profile;
    const depth = treeOrder(fw.root, fw.tree);
    const included = r.units.filter((u) => u.included);
    const ranked = included.length;
    const me = r.units.find((u) => u.unit === code);
    const nodes = pr.nodes.filter((n) => n.level !== 'indicator' && depth.has(n.code))
      .sort((a, b) => depth.get(a.code)!.pos - depth.get(b.code)!.pos);
    const indicatorName = new Map(pr.nodes.filter((n) => n.level === 'indicator').map((n) => [n.code, n.name]));
    const lang = getLang();
    const pillars = nodes.filter((n) => n.level === 'pillar').map((n) => ({
      code: n.code, label: pillarLabel(n.name, lang), score: n.score, rank: n.rank,
      ...medianAndBest(included.map((u) => u.scores[n.code])),
    }));
    const cols: Column<ProfileNode>[] = [
      { label: t('piip.colLevel'), cell: (n) => { const k = `piip.level.${n.level}` as DictKey; const v = t(k); return v === k ? n.level : v; } },
      {
        label: t('piip.colNode'), primary: true,
        cell: (n) => h('span', { class: `pii-depth-${Math.min(3, depth.get(n.code)!.depth)}` },
          `${n.code} — ${n.level === 'pillar' || n.level === 'sub-index' ? pillarLabel(n.name, lang) : n.name}`),
      },
      { label: t('pii.score'), className: 'num', cell: (n) => fmt2(n.score) },
      { label: t('pii.rank'), className: 'num', cell: (n) => (n.rank ? `${n.rank}/${ranked}` : '—') },
    ];
    const swList = (id: string, list: SW[], none: string) => (list.length
      ? h('ul', { id }, list.map((x) => h('li', { 'data-indicator': x.indicator },
        t('piip.swItem', { ind: `${x.indicator} ${indicatorName.get(x.indicator) ?? ''}`.trim(), r: x.indicator_rank, o: x.overall_rank }))))
      : h('p', { id, class: 'muted' }, none));
    const valueCols: Column<Profile['values'][number]>[] = [
      { label: t('piic.colIndicator'), primary: true, cell: (v) => `${v.indicator} ${indicatorName.get(v.indicator) ?? ''}` },
      { label: t('piic.colValue'), className: 'num', cell: (v) => (v.raw === null ? '—' : fmtNum(v.raw, 2)) },
      { label: t('piic.colSource'), className: 'pii-src-cell', cell: (v) => v.source || '—' },
    ];
    const clear = h('button', { type: 'button', class: 'btn btn-ghost', id: 'pii-clear' }, t('piip.clear'));
    clear.addEventListener('click', () => { clearComputation(); offer(t('piip.none')); });
    replace(body,
      h('p', null, t('piip.computedLead', { n: saved.values.length, year: saved.year, stio: saved.counts.stio, imp: saved.counts.imported })),
      me && !me.included ? h('p', { class: 'pii-warning', role: 'note' }, t('piip.excluded')) : null,
      h('div', { class: 'grid-2' },
        h('div', { id: 'pii-pillars' }, h('h3', null, t('piip.pillarChart')), pillarChart(pillars, ranked, name),
          h('p', { class: 'pii-chart-legend' },
            h('span', { class: 'pii-swatch pii-swatch-bar', 'aria-hidden': 'true' }), ' ', name, '   ',
            h('span', { class: 'pii-key-median', 'aria-hidden': 'true' }), ' ', t('piip.legendMedian'), '   ',
            h('span', { class: 'pii-key-best', 'aria-hidden': 'true' }, '▼'), ' ', t('piip.legendBest'))),
        h('div', { id: 'pii-sw' },
          h('p', { class: 'muted' }, t('piip.swLead')),
          h('h3', null, t('piip.strengths')), swList('pii-strengths', pr.strengths, t('piip.noStrengths')),
          h('h3', null, t('piip.weaknesses')), swList('pii-weaknesses', pr.weaknesses, t('piip.noWeaknesses')))),
      h('h3', null, t('piip.scores')),
      h('div', { id: 'pii-scores' }, table(nodes, cols, { caption: t('piip.scores'), rowKey: (n) => n.code })),
      pr.notes.length ? h('details', { id: 'pii-unit-notes' }, h('summary', null, t('piip.unitNotes'), ` (${pr.notes.length})`),
        h('ul', null, pr.notes.map((n) => h('li', null, `${n.indicator || '—'}: ${n.detail}`)))) : null,
      h('details', { id: 'pii-values' }, h('summary', null, t('piip.values')), table(pr.values, valueCols, { caption: t('piip.values'), rowKey: (v) => v.indicator })),
      h('div', { class: 'btn-row' }, h('a', { class: 'btn btn-ghost', href: '#/pii/compute' }, t('piic.link')), clear));
  }).catch((e) => body.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e)), h('p', null, h('a', { href: '#/pii/compute' }, t('piic.link')))));
  return host;
}

export function piiProvincePage(ctx: RouteCtx): Node {
  const host = h('div', null, loading());
  api.get<ProvinceHistory>('/index/provinces/' + encodeURIComponent(ctx.params.code)).then((p) => {
    const cols: Column<Figure>[] = [
      { label: t('pii.edition'), cell: (f) => String(f.edition) },
      { label: t('pii.province'), primary: true, cell: (f) => f.province_name + (f.former_province ? ` (${t('pii.former')})` : '') },
      { label: t('pii.map'), cell: (f) => t(f.map === 63 ? 'pii.map63short' : 'pii.map34short') },
      { label: t('pii.score'), className: 'num', cell: (f) => fmt2(f.score) },
      { label: t('pii.rank'), className: 'num', cell: (f) => (f.rank === null ? '—' : `${f.rank}/${f.map}`) },
      { label: t('pii.source'), className: 'pii-src-cell', cell: (f) => sourceLink(f, hostOf(f.source_url)) },
    ];
    const preds = p.predecessors.filter((x) => x.code !== p.code).map((x) => x.name);
    const latest = p.history.filter((f) => typeof f.score === 'number' && !f.former_province)
      .sort((a, b) => b.edition - a.edition)[0];
    host.replaceChildren(
      pageHeader(p.name, t('pii.profileLead'), h('div', { class: 'btn-row' },
        h('a', { class: 'btn btn-ghost', href: '#/pii' }, '‹ ', t('pii.title')),
        h('a', { class: 'btn btn-ghost', href: '#/pii/compute' }, t('piic.link')))),
      caveat(),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card', id: 'pii-history' },
          h('h2', null, t('pii.history')),
          latest ? h('p', { id: 'pii-latest' }, sourceLink(latest, t('piip.latest', { edition: latest.edition, score: fmt2(latest.score), rank: latest.rank === null ? '—' : `${latest.rank}/${latest.map}` })),
            latest.input_score !== null ? [' · ', t('piip.latestIo', { in: fmt2(latest.input_score), out: fmt2(latest.output_score) })] : null) : null,
          p.history.length ? historyChart(p.history) : h('p', { class: 'empty' }, t('pii.noData')),
          h('p', { class: 'pii-chart-legend' },
            h('span', { class: 'pii-dot pii-dot-63', 'aria-hidden': 'true' }), ' ', t('pii.map63'), '   ',
            h('span', { class: 'pii-dot', 'aria-hidden': 'true' }), ' ', t('pii.map34')),
          h('p', { class: 'muted' }, t('pii.mapChange')),
          preds.length ? h('p', null, t('pii.mergedFrom'), ' ', preds.join(', ')) : null),
        h('section', { class: 'card' },
          h('h2', null, t('pii.figures')),
          p.history.length ? table(p.history, cols, { caption: t('pii.figures') }) : h('p', { class: 'empty' }, t('pii.noData')),
          h('p', { class: 'muted', id: 'pii-published-only' }, t('piip.publishedOnly')),
          p.history.some((f) => f.note) ? h('details', { id: 'pii-source-notes' }, h('summary', null, t('piip.sourceNotes')),
            h('ul', null, p.history.filter((f) => f.note).map((f) => h('li', null, `${f.edition} (${hostOf(f.source_url)}): ${f.note}`)))) : null)),
      computedSection(p.code, p.name));
  }).catch((e) => host.replaceChildren(errorState(e)));
  return h('div', { class: 'page' }, host);
}

// ---------- what-if ----------
interface Row { unit: string; indicator: string; year: number; value: number; source?: string; line?: number }
interface Robust {
  runs: number; units: { unit: string; nominal_rank: number; median_rank: number; p5_rank: number; p95_rank: number }[];
  indicators: { indicator: string; mean_abs_shift: number }[];
}
interface WhatIfOut {
  score_before: number | null; rank_before: number; score_after: number | null; rank_after: number; units: number;
  gain?: { reached: boolean; target_rank: number; rank_after: number; steps: { indicator: string; from: number | null; to: number; cost: number; rank_after: number }[] } | null;
  gain_note?: string;
}

/** Parses unit,indicator,year,value[,source] CSV (header optional; quoted fields allowed); each row keeps its line number. */
export function parseValuesCsv(text: string): Row[] {
  const rows: Row[] = [];
  let first = true;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const header = first;
    first = false;
    const f = (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"').trim());
    if (header && /unit/i.test(f[0] ?? '')) return;
    const value = Number(f[3]);
    if (f.length < 4 || !f[0] || !f[1] || !/^\d{4}$/.test(f[2] ?? '') || f[3] === '' || !Number.isFinite(value)) {
      throw new Error(t('pii.csvBadLine', { n: i + 1 }));
    }
    rows.push({ unit: f[0], indicator: f[1], year: Number(f[2]), value, source: f[4] || undefined, line: i + 1 });
  });
  return rows;
}

const EXAMPLE_UNITS = ['01', '79', '22', '31', '46', '75', '25', '86'];
const EXAMPLE_INDICATORS = ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.2.1', '1.2.2', '1.2.3', '2.1.1', '4.1.1', '4.2.1', '4.2.2', '4.3.1', '5.1.1', '6.1.1', '6.1.2', '6.1.3', '6.2.1', '6.2.2', '6.2.3', '6.3.1', '7.1.1'];
/** Illustrative values (not official), for trying the panel. */
function exampleCsv(): string {
  const out = ['unit,indicator,year,value,source'];
  EXAMPLE_UNITS.forEach((u, ui) => {
    EXAMPLE_INDICATORS.forEach((c, i) => out.push(`${u},${c},2025,${Math.min(10, ((ui * 7 + i * 3) % 10) + 1 + 0.1 * ui).toFixed(1)},minh hoạ`));
    out.push(`${u},POP,2025,${1e6 * (ui + 1)},minh hoạ`, `${u},GRDP,2025,${1e5 * (ui + 1)},minh hoạ`, `${u},ENTERPRISES,2025,${1e3 * (ui + 1)},minh hoạ`);
  });
  return out.join('\n');
}

function whatIfPanel(): HTMLElement {
  const csv = h('textarea', { id: 'wi-csv', rows: 6, class: 'mono', spellcheck: 'false', 'aria-describedby': 'wi-csv-hint' });
  const file = h('input', { type: 'file', id: 'wi-file', accept: '.csv,text/csv' });
  file.addEventListener('change', async () => { const f = file.files?.[0]; if (f) csv.value = await f.text(); });
  const example = h('button', { type: 'button', class: 'btn btn-ghost', id: 'wi-example' }, t('pii.wiExample'));
  example.addEventListener('click', () => { csv.value = exampleCsv(); if (!unit.value) unit.value = '46'; });
  const unit = h('input', { id: 'wi-unit', maxlength: 8, size: 6 });
  const indicator = h('input', { id: 'wi-indicator', maxlength: 20, size: 8, list: 'wi-indicators' });
  const names = new Map<string, string>();
  const datalist = h('datalist', { id: 'wi-indicators' });
  api.get<{ tree: { code: string; name: string; is_indicator: boolean }[] }>('/index/frameworks/PII').then((fw) => {
    for (const n of fw.tree) {
      if (!n.is_indicator) continue;
      names.set(n.code, n.name);
      datalist.appendChild(h('option', { value: n.code }, `${n.code} — ${n.name}`));
    }
  }).catch(() => { /* names are a convenience: codes still work */ });
  const named = (code: string) => (names.has(code) ? `${code} (${names.get(code)})` : code);
  const value = h('input', { id: 'wi-value', inputmode: 'decimal', size: 8 });
  const gain = h('input', { id: 'wi-gain', type: 'number', min: 1, max: 40, value: '2', size: 4 });
  const out = h('div', { id: 'wi-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn', id: 'wi-submit' }, t('pii.wiRun'));
  const robustBtn = h('button', { type: 'button', class: 'btn btn-ghost', id: 'wi-robust' }, t('pii.rbRun'));
  const robustOut = h('div', { id: 'wi-robust-result', 'aria-live': 'polite' });
  robustBtn.addEventListener('click', () => {
    let base: Row[];
    try { base = parseValuesCsv(csv.value).map(({ line: _line, ...r }) => r); } catch (e) { robustOut.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    robustOut.replaceChildren(loading());
    robustBtn.disabled = true;
    api.post<Robust>('/index/robustness', { framework: 'PII', values: base, runs: 200, seed: 1 })
      .then((r) => {
        const cols: Column<Robust['units'][number]>[] = [
          { label: t('pii.wiUnit'), primary: true, cell: (u) => u.unit },
          { label: t('pii.rbNominal'), className: 'num', cell: (u) => u.nominal_rank },
          { label: t('pii.rbMedian'), className: 'num', cell: (u) => fmtNum(u.median_rank, 1) },
          { label: t('pii.rbInterval'), className: 'num', cell: (u) => `${u.p5_rank}–${u.p95_rank}` },
        ];
        replace(robustOut,
          h('h3', null, t('pii.rbTitle', { n: r.runs })),
          table(r.units, cols, { caption: t('pii.rbTitle', { n: r.runs }), rowKey: (u) => u.unit }),
          r.indicators.length ? h('p', null, t('pii.rbSensitive'), ' ',
            r.indicators.slice(0, 3).map((i) => named(i.indicator)).join('; ')) : null);
      })
      .catch((e) => robustOut.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e))))
      .finally(() => { robustBtn.disabled = false; });
  });
  const form = h('form', { id: 'wi-form', class: 'pii-whatif', novalidate: true },
    h('p', { class: 'muted', id: 'wi-csv-hint' }, t('pii.wiHint')),
    h('label', { for: 'wi-csv' }, t('pii.wiValues')), csv,
    h('div', { class: 'btn-row' }, h('label', null, t('pii.wiUpload'), ' ', file), example),
    h('div', { class: 'pii-wi-fields' },
      h('label', null, t('pii.wiUnit'), ' ', unit),
      h('label', null, t('pii.wiIndicator'), ' ', indicator, datalist),
      h('label', null, t('pii.wiNewValue'), ' ', value),
      h('label', null, t('pii.wiGain'), ' ', gain)),
    h('div', { class: 'btn-row' }, submit, robustBtn), out, robustOut);
  form.addEventListener('submit', (ev: Event) => {
    ev.preventDefault();
    let base: Row[];
    try { base = parseValuesCsv(csv.value).map(({ line: _line, ...r }) => r); } catch (e) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, (e as Error).message)); return; }
    const changes = indicator.value.trim() ? [{ indicator: indicator.value.trim(), value: Number(value.value.replace(',', '.')) }] : [];
    if (changes.length && !Number.isFinite(changes[0].value)) { out.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('pii.wiBadValue'))); return; }
    const g = Number(gain.value);
    out.replaceChildren(loading());
    submit.disabled = true;
    api.post<WhatIfOut>('/index/whatif', { framework: 'PII', base, unit: unit.value.trim(), changes, gain: g >= 1 ? g : undefined })
      .then((r) => {
        const steps = r.gain?.steps ?? [];
        replace(out,
          h('dl', { class: 'kv', id: 'wi-scores' },
            h('div', { class: 'kv-row' }, h('dt', null, t('pii.wiBefore')), h('dd', null, `${fmt2(r.score_before)} — ${t('pii.rank')} ${r.rank_before}/${r.units}`)),
            h('div', { class: 'kv-row' }, h('dt', null, t('pii.wiAfter')), h('dd', { id: 'wi-after' }, `${fmt2(r.score_after)} — ${t('pii.rank')} ${r.rank_after}/${r.units}`))),
          r.gain_note ? h('p', null, r.gain_note) : null,
          steps.length ? h('div', null, h('h3', null, t('pii.wiCheapest', { n: g })),
            h('ol', { id: 'wi-steps' }, steps.map((st) => h('li', null,
              t('pii.wiStep', { ind: named(st.indicator), from: fmt2(st.from), to: fmt2(st.to), rank: st.rank_after }))))) : null,
          h('p', { class: 'muted' }, t('pii.wiApprox')));
      })
      .catch((e) => out.replaceChildren(h('p', { class: 'error', role: 'alert' }, errorText(e))))
      .finally(() => { submit.disabled = false; });
  });
  return h('section', { class: 'card', id: 'pii-whatif' }, h('h2', null, t('pii.wiTitle')), form);
}
