// Choropleth of the 34 provinces (SVG, d3-geo Mercator): by population density by default, or by
// any value per province (an indicator's figures on the monitoring pages).
import { geoArea, geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, Polygon, MultiPolygon } from 'geojson';
import { h, s } from '../dom';
import { t, getLang } from '../i18n';
import { fmtNum } from '../format';
import { navigate } from '../router';

export interface ProvinceProps {
  code: string; name: string; full_name: string; name_en?: string;
  area_km2: number | null; population: number | null;
}
type PFeature = Feature<Geometry, ProvinceProps>;

export const PALETTE = ['#eaf2fa', '#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c', '#08306b'];

export function density(p: ProvinceProps): number | null {
  return p.population && p.area_km2 ? p.population / p.area_km2 : null;
}

/** d3-geo wants clockwise exterior rings; RFC 7946 files are counter-clockwise. Fix per polygon. */
function rewind(f: PFeature): PFeature {
  const g = f.geometry;
  const fixPoly = (coords: Polygon['coordinates']): Polygon['coordinates'] => {
    const area = geoArea({ type: 'Polygon', coordinates: coords });
    return area > 2 * Math.PI ? coords.map((ring) => ring.slice().reverse()) : coords;
  };
  if (g.type === 'Polygon') return { ...f, geometry: { type: 'Polygon', coordinates: fixPoly(g.coordinates) } };
  if (g.type === 'MultiPolygon') {
    return { ...f, geometry: { type: 'MultiPolygon', coordinates: (g as MultiPolygon).coordinates.map(fixPoly) } };
  }
  return f;
}

/** Class breaks: quantiles of the values, rounded to "nice" numbers. */
export function quantileBreaks(values: number[], classes: number): number[] {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const q = v[Math.min(v.length - 1, Math.floor((i * v.length) / classes))];
    const mag = Math.pow(10, Math.max(0, Math.floor(Math.log10(q)) - 1));
    const nice = Math.round(q / mag) * mag;
    if (!breaks.length || nice > breaks[breaks.length - 1]) breaks.push(nice);
  }
  return breaks;
}

function classOf(v: number | null, breaks: number[]): number {
  if (v === null) return -1;
  let i = 0;
  while (i < breaks.length && v >= breaks[i]) i++;
  return i;
}

/** What a choropleth shows; the default is population density linking to the province page. */
export interface ChoroplethOpts {
  value: (p: ProvinceProps) => number | null;
  /** Legend caption. */
  legend: string;
  /** Accessible name of the whole map. */
  aria: string;
  /** Rows of the tooltip (label, value text). */
  tip: (p: ProvinceProps) => [string, string][];
  /** Accessible name of one province's shape (after its name). */
  label: (p: ProvinceProps) => string;
  /** Where a click or Enter goes (a path for navigate()). */
  target: (p: ProvinceProps) => string;
  /** Class breaks for the values (default: quantileBreaks). */
  breaks?: (values: number[], classes: number) => number[];
  /** Digits in the legend. */
  digits?: number;
  /** Legend label of provinces without a value. */
  noData?: string;
  /** Label the Hoàng Sa and Trường Sa archipelagos (default true; off for a map of one province's communes). */
  archipelagos?: boolean;
}

function densityOpts(): ChoroplethOpts {
  return {
    value: density,
    legend: t('map.legend'),
    aria: t('map.aria'),
    tip: (p) => [
      [t('map.population'), `${fmtNum(p.population)} ${t('map.unitPeople')}`],
      [t('map.area'), `${fmtNum(p.area_km2, 1)} ${t('map.unitArea')}`],
      [t('map.density'), `${fmtNum(density(p))} ${t('map.unitDensity')}`],
    ],
    label: (p) => `${fmtNum(density(p))} ${t('map.unitDensity')}`,
    target: (p) => '/units/' + encodeURIComponent(p.code),
  };
}

/** Quantile breaks for any values (also small or fractional ones), rounded to 2 significant digits. */
export function valueBreaks(values: number[], classes: number): number[] {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const breaks: number[] = [];
  if (v.length < 2) return breaks;
  for (let i = 1; i < classes; i++) {
    const q = v[Math.min(v.length - 1, Math.floor((i * v.length) / classes))];
    const nice = q === 0 ? 0 : Number(q.toPrecision(2));
    if (nice > v[0] && (!breaks.length || nice > breaks[breaks.length - 1])) breaks.push(nice);
  }
  return breaks;
}

export function provinceMap(fc: FeatureCollection<Geometry, ProvinceProps>, options?: ChoroplethOpts): HTMLElement {
  const o = options ?? densityOpts();
  const W = 560, H = 860;
  const features = fc.features.map(rewind);
  const coll = { type: 'FeatureCollection', features } as FeatureCollection<Geometry, ProvinceProps>;
  const projection = geoMercator().fitExtent([[8, 8], [W - 8, H - 8]], coll);
  const path = geoPath(projection);
  const [[x0, y0], [x1, y1]] = path.bounds(coll);
  const vb = [Math.floor(x0 - 6), Math.floor(y0 - 6), Math.ceil(x1 - x0 + 12), Math.ceil(y1 - y0 + 12)];

  const values = features.map((f) => o.value(f.properties)).filter((x): x is number => x !== null);
  const breaks = (o.breaks ?? quantileBreaks)(values, PALETTE.length);
  // One class only (a single value, or all equal): a middle tone, not the palest.
  const colors = breaks.length ? PALETTE.slice(0, breaks.length + 1) : [PALETTE[4]];
  const lo0 = values.length ? Math.min(...values) : null, hi0 = values.length ? Math.max(...values) : null;

  const tip = h('div', { class: 'map-tip', role: 'tooltip', id: 'map-tip', hidden: true });
  const wrap = h('div', { class: 'map-wrap' });
  const svg = s('svg', {
    class: 'province-map', viewBox: vb.join(' '), role: 'group', 'aria-label': o.aria,
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.appendChild(s('defs', null, s('pattern', { id: 'map-nodata', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
    s('rect', { width: 6, height: 6, fill: '#e4e6ea' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#a9afb8', 'stroke-width': 2 }))));
  const g = s('g', { class: 'provinces' });
  const vi = getLang() === 'vi';

  const showTip = (f: PFeature, x: number, y: number) => {
    const p = f.properties;
    tip.replaceChildren(
      h('strong', { class: 'map-tip-title' }, vi ? p.full_name || p.name : (p.name_en || p.name)),
      h('dl', null, o.tip(p).map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v)))));
    tip.hidden = false;
    const r = wrap.getBoundingClientRect();
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    let left = x - r.left + 14, top = y - r.top + 14;
    if (left + tw > r.width) left = Math.max(0, x - r.left - tw - 14);
    if (top + th > r.height) top = Math.max(0, y - r.top - th - 14);
    tip.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  };
  const hideTip = () => { tip.hidden = true; };
  let tappedCode = '';

  for (const f of features) {
    const p = f.properties;
    const ci = classOf(o.value(p), breaks);
    const name = vi ? p.full_name || p.name : (p.name_en || p.name);
    const el = s('path', {
      class: 'province' + (ci < 0 ? ' province-nodata' : ''), d: path(f) ?? '', fill: ci < 0 ? 'url(#map-nodata)' : colors[ci], 'data-code': p.code,
      tabindex: '0', role: 'link', 'aria-label': `${name}: ${o.label(p)}`,
    });
    el.addEventListener('pointermove', (ev: PointerEvent) => showTip(f, ev.clientX, ev.clientY));
    el.addEventListener('pointerleave', (ev: PointerEvent) => { if (ev.pointerType !== 'touch') hideTip(); });
    el.addEventListener('focus', () => {
      const b = el.getBoundingClientRect();
      showTip(f, b.left + b.width / 2, b.top + b.height / 2);
    });
    el.addEventListener('blur', hideTip);
    // Touch screens have no hover: the first tap shows the figures, a second tap opens the page.
    let touch = false;
    el.addEventListener('pointerdown', (ev: PointerEvent) => { touch = ev.pointerType === 'touch'; });
    el.addEventListener('click', (ev: MouseEvent) => {
      if (touch && tappedCode !== p.code) {
        tappedCode = p.code;
        showTip(f, ev.clientX, ev.clientY);
        return;
      }
      navigate(o.target(p));
    });
    el.addEventListener('keydown', (ev: KeyboardEvent) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); navigate(o.target(p)); }
    });
    g.appendChild(el);
  }
  svg.appendChild(g);
  // Label the archipelagos, as an official map of Viet Nam does.
  const labels: [number, number, string][] = vi
    ? [[112.2, 17.2, 'QĐ. Hoàng Sa'], [114.2, 11.3, 'QĐ. Trường Sa']]
    : [[112.2, 17.2, 'Hoang Sa Is.'], [114.2, 11.3, 'Truong Sa Is.']];
  for (const [lon, lat, label] of o.archipelagos === false ? [] : labels) {
    const pt = projection([lon, lat]);
    if (pt) svg.appendChild(s('text', { class: 'map-label', x: pt[0].toFixed(1), y: pt[1].toFixed(1), 'text-anchor': 'middle', 'aria-hidden': 'true' }, label));
  }
  wrap.append(svg, tip);

  const legendItems = colors.map((c, i) => {
    const lo = i === 0 ? null : breaks[i - 1];
    const hi = i < breaks.length ? breaks[i] : null;
    const dg = o.digits ?? 0;
    const label = !breaks.length ? (lo0 === hi0 ? fmtNum(lo0, dg) : `${fmtNum(lo0, dg)} – ${fmtNum(hi0, dg)}`)
      : lo === null ? `< ${fmtNum(hi, dg)}` : hi === null ? `≥ ${fmtNum(lo, dg)}` : `${fmtNum(lo, dg)} – ${fmtNum(hi, dg)}`;
    return h('li', null, h('span', { class: 'swatch', style: `background:${c}`, 'aria-hidden': 'true' }), h('span', null, label));
  });
  const missing = features.length - values.length;
  const legend = h('figure', { class: 'map-legend', 'aria-label': o.legend },
    h('figcaption', null, o.legend),
    h('ol', null, values.length ? legendItems : null,
      missing ? h('li', { class: 'legend-nodata' }, h('span', { class: 'swatch swatch-nodata', 'aria-hidden': 'true' }), h('span', null, o.noData ?? '—')) : null));

  return h('div', { class: 'map-block' }, wrap, legend);
}
