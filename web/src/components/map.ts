// Choropleth of the 34 provinces by population density (SVG, d3-geo Mercator).
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

export function provinceMap(fc: FeatureCollection<Geometry, ProvinceProps>): HTMLElement {
  const W = 560, H = 860;
  const features = fc.features.map(rewind);
  const coll = { type: 'FeatureCollection', features } as FeatureCollection<Geometry, ProvinceProps>;
  const projection = geoMercator().fitExtent([[8, 8], [W - 8, H - 8]], coll);
  const path = geoPath(projection);
  const [[x0, y0], [x1, y1]] = path.bounds(coll);
  const vb = [Math.floor(x0 - 6), Math.floor(y0 - 6), Math.ceil(x1 - x0 + 12), Math.ceil(y1 - y0 + 12)];

  const values = features.map((f) => density(f.properties)).filter((x): x is number => x !== null);
  const breaks = quantileBreaks(values, PALETTE.length);
  const colors = PALETTE.slice(0, breaks.length + 1);

  const tip = h('div', { class: 'map-tip', role: 'tooltip', id: 'map-tip', hidden: true });
  const wrap = h('div', { class: 'map-wrap' });
  const svg = s('svg', {
    class: 'province-map', viewBox: vb.join(' '), role: 'group', 'aria-label': t('map.aria'),
    preserveAspectRatio: 'xMidYMid meet',
  });
  const g = s('g', { class: 'provinces' });
  const vi = getLang() === 'vi';

  const showTip = (f: PFeature, x: number, y: number) => {
    const p = f.properties;
    const d = density(p);
    tip.replaceChildren(
      h('strong', { class: 'map-tip-title' }, vi ? p.full_name || p.name : (p.name_en || p.name)),
      h('dl', null,
        h('div', null, h('dt', null, t('map.population')), h('dd', null, fmtNum(p.population), ' ', t('map.unitPeople'))),
        h('div', null, h('dt', null, t('map.area')), h('dd', null, fmtNum(p.area_km2, 1), ' ', t('map.unitArea'))),
        h('div', null, h('dt', null, t('map.density')), h('dd', null, fmtNum(d), ' ', t('map.unitDensity')))));
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
    const d = density(p);
    const ci = classOf(d, breaks);
    const name = vi ? p.full_name || p.name : (p.name_en || p.name);
    const el = s('path', {
      class: 'province', d: path(f) ?? '', fill: ci < 0 ? '#ddd' : colors[ci], 'data-code': p.code,
      tabindex: '0', role: 'link', 'aria-label': `${name}: ${fmtNum(d)} ${t('map.unitDensity')}`,
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
      navigate('/units/' + encodeURIComponent(p.code));
    });
    el.addEventListener('keydown', (ev: KeyboardEvent) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); navigate('/units/' + encodeURIComponent(p.code)); }
    });
    g.appendChild(el);
  }
  svg.appendChild(g);
  // Label the archipelagos, as an official map of Viet Nam does.
  const labels: [number, number, string][] = vi
    ? [[112.2, 17.2, 'QĐ. Hoàng Sa'], [114.2, 11.3, 'QĐ. Trường Sa']]
    : [[112.2, 17.2, 'Hoang Sa Is.'], [114.2, 11.3, 'Truong Sa Is.']];
  for (const [lon, lat, label] of labels) {
    const pt = projection([lon, lat]);
    if (pt) svg.appendChild(s('text', { class: 'map-label', x: pt[0].toFixed(1), y: pt[1].toFixed(1), 'text-anchor': 'middle', 'aria-hidden': 'true' }, label));
  }
  wrap.append(svg, tip);

  const legendItems = colors.map((c, i) => {
    const lo = i === 0 ? null : breaks[i - 1];
    const hi = i < breaks.length ? breaks[i] : null;
    const label = lo === null ? `< ${fmtNum(hi)}` : hi === null ? `≥ ${fmtNum(lo)}` : `${fmtNum(lo)} – ${fmtNum(hi)}`;
    return h('li', null, h('span', { class: 'swatch', style: `background:${c}`, 'aria-hidden': 'true' }), h('span', null, label));
  });
  const legend = h('figure', { class: 'map-legend', 'aria-label': t('map.legend') },
    h('figcaption', null, t('map.legend')),
    h('ol', null, legendItems));

  return h('div', { class: 'map-block' }, wrap, legend);
}
