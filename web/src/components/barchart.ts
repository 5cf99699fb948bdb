// Grouped bar chart (plain SVG, our own code): a few series over categories such as months, with
// round ticks from linechart.ts. Each bar carries a <title> with its figure; a key under the chart.
// All text goes in via text nodes (dom.ts); no innerHTML.
import { h, s } from '../dom';
import { niceTicks } from './linechart';

export interface BarSeries { key: string; label: string; values: number[]; color: string }
export interface BarChartOpts {
  ariaLabel: string;
  /** Number format for ticks and tooltips. */
  format: (v: number) => string;
  width?: number;
  height?: number;
  /** Counts: whole-number ticks only. */
  integer?: boolean;
  /** The axis reaches at least this value (default 1, or 4 for counts); small rates need less. */
  minTop?: number;
}

export function barChart(categories: string[], series: BarSeries[], opts: BarChartOpts): HTMLElement {
  const W = opts.width ?? (typeof window !== 'undefined' ? Math.max(320, Math.min(720, window.innerWidth - 48)) : 720);
  const H = opts.height ?? (W < 480 ? 220 : 260);
  const all = series.flatMap((x) => x.values).filter((v) => Number.isFinite(v));
  const max = Math.max(opts.minTop ?? (opts.integer ? 4 : 1), ...all);
  const ticks = niceTicks(0, max, 4).filter((v) => !opts.integer || Number.isInteger(v));
  // Room on the left for the longest tick label (about 7 px a character at this size).
  const L = Math.max(36, Math.max(...ticks.map((v) => opts.format(v).length)) * 7 + 12), R = 12, T = 14, B = 40;
  const top = ticks[ticks.length - 1] || 1;
  const Y = (v: number) => T + (1 - v / top) * (H - T - B);
  const band = (W - L - R) / Math.max(1, categories.length);
  const inner = Math.min(band * 0.8, 18 * series.length + 8);
  const barW = Math.max(2, inner / Math.max(1, series.length));
  const f = (n: number) => n.toFixed(1);
  const svg = s('svg', { class: 'bar-chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.ariaLabel, preserveAspectRatio: 'xMidYMid meet' });
  for (const v of ticks) {
    svg.appendChild(s('line', { class: 'chart-grid', x1: L, x2: W - R, y1: f(Y(v)), y2: f(Y(v)) }));
    svg.appendChild(s('text', { class: 'chart-axis', x: L - 6, y: f(Y(v) + 4), 'text-anchor': 'end' }, opts.format(v)));
  }
  svg.appendChild(s('line', { class: 'chart-baseline-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));
  // Category labels: all of them if they fit, else every 2nd, 3rd, ...
  const every = Math.max(1, Math.ceil(52 / band));
  categories.forEach((c, i) => {
    const x0 = L + i * band + (band - inner) / 2;
    series.forEach((se, j) => {
      const v = se.values[i] ?? 0;
      const y = Y(Math.max(0, v));
      svg.appendChild(s('rect', {
        class: 'bar', 'data-series': se.key, 'data-category': c, x: f(x0 + j * barW), y: f(y), width: f(Math.max(1, barW - 1)),
        height: f(Math.max(0, H - B - y)), fill: se.color,
      }, s('title', null, `${c} — ${se.label}: ${opts.format(v)}`)));
    });
    if (i % every === 0) {
      svg.appendChild(s('text', { class: 'chart-axis', x: f(L + i * band + band / 2), y: H - B + 18, 'text-anchor': 'middle' }, c));
    }
  });
  const key = h('p', { class: 'chart-legend' }, series.map((se) => h('span', { class: 'bar-key' },
    h('span', { class: 'bar-swatch', style: `background:${se.color}`, 'aria-hidden': 'true' }), ' ', se.label)));
  return h('figure', { class: 'bar-figure' }, svg, key);
}

/** Horizontal bars, one row per label (e.g. fields of science), two series side by side. */
export function hBars(rows: { label: string; values: number[] }[], series: { label: string; color: string }[], format: (v: number) => string): HTMLElement {
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  return h('div', { class: 'hbars' },
    h('p', { class: 'chart-legend' }, series.map((se) => h('span', { class: 'bar-key' },
      h('span', { class: 'bar-swatch', style: `background:${se.color}`, 'aria-hidden': 'true' }), ' ', se.label))),
    h('ul', { class: 'hbar-list' }, rows.map((r) => h('li', { class: 'hbar-row' },
      h('span', { class: 'hbar-label' }, r.label),
      h('span', { class: 'hbar-bars' }, r.values.map((v, i) => h('span', { class: 'hbar-line' },
        h('span', { class: 'hbar', style: `width:${((v / max) * 100).toFixed(1)}%;background:${series[i]?.color ?? '#888'}`, 'aria-hidden': 'true' }),
        h('span', { class: 'hbar-value' }, `${series[i]?.label ?? ''}: ${format(v)}`))))))));
}
