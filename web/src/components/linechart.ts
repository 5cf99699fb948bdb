// Line chart of an indicator series (plain SVG, our own code): observed values, the plan's target
// line and baseline, and the projection on the observed trend with its interval.
// All text goes in via text nodes (dom.ts); no innerHTML.
import { h, s } from '../dom';
import { t } from '../i18n';
import { fmtNum } from '../format';

export interface ChartPoint { period: string; value: number | null; provisional?: boolean; href?: string }
export interface ChartTarget { value: number; year: number; baselineValue?: number | null; baselineYear?: number | null }
export interface ChartProjection { year: number; value: number; lower?: number | null; upper?: number | null }
export interface ChartOpts {
  target?: ChartTarget | null; projection?: ChartProjection | null; unit?: string; ariaLabel?: string;
  /** Drawing width in px (default: fits the window, at most 640). */
  width?: number;
}

/** Period -> position on a time axis in years: 2024 -> 2024, 2024Q3 -> 2024.5, 202403 -> 2024.1667. */
export function periodTime(p: string): number | null {
  let m = /^(\d{4})$/.exec(p);
  if (m) return Number(m[1]);
  m = /^(\d{4})Q([1-4])$/.exec(p);
  if (m) return Number(m[1]) + (Number(m[2]) - 1) / 4;
  m = /^(\d{4})(0[1-9]|1[0-2])$/.exec(p);
  if (m) return Number(m[1]) + (Number(m[2]) - 1) / 12;
  return null;
}

/** About `n` round tick values covering [lo, hi] (1, 2, 2.5 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) { const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1; lo -= d; hi += d; }
  const raw = (hi - lo) / Math.max(1, n);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((st) => st >= raw) ?? 10 * mag;
  const start = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi - step * 1e-9) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

/** Digits worth showing for numbers of this size. */
export function digitsFor(v: number): number {
  const a = Math.abs(v);
  return a >= 100 ? 0 : a >= 10 ? 1 : 2;
}

export function seriesChart(points: ChartPoint[], opts: ChartOpts = {}): SVGSVGElement {
  // Narrow screens get a narrower drawing (same font size in pixels) rather than a scaled-down one.
  const W = opts.width ?? (typeof window !== 'undefined' ? Math.max(320, Math.min(640, window.innerWidth - 48)) : 640);
  const H = W < 480 ? 240 : 300, L = 48, R = 16, T = 18, B = 40;
  const obs = points.map((p) => ({ ...p, x: periodTime(p.period) })).filter((p): p is ChartPoint & { x: number } => p.x !== null);
  const withValue = obs.filter((p) => typeof p.value === 'number') as (ChartPoint & { x: number; value: number })[];
  const tg = opts.target ?? null;
  const pr = opts.projection ?? null;

  const xs = obs.map((p) => p.x);
  const ys = withValue.map((p) => p.value);
  if (tg) { xs.push(tg.year); ys.push(tg.value); }
  if (tg && typeof tg.baselineValue === 'number' && typeof tg.baselineYear === 'number') { xs.push(tg.baselineYear); ys.push(tg.baselineValue); }
  if (pr) {
    xs.push(pr.year); ys.push(pr.value);
    if (typeof pr.lower === 'number') ys.push(pr.lower);
    if (typeof pr.upper === 'number') ys.push(pr.upper);
  }
  let x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
  if (x1 === x0) { x0 -= 1; x1 += 1; }
  const allPositive = ys.length > 0 && ys.every((v) => v >= 0);
  const ticks = niceTicks(allPositive ? 0 : Math.min(...ys, 0), ys.length ? Math.max(...ys) : 1, 5);
  const y0 = ticks[0] ?? 0, y1 = ticks[ticks.length - 1] ?? 1;
  const X = (v: number) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
  const Y = (v: number) => T + (1 - (v - y0) / (y1 - y0 || 1)) * (H - T - B);
  const f = (n: number) => n.toFixed(1);

  const svg = s('svg', {
    class: 'series-chart', viewBox: `0 0 ${W} ${H}`, role: 'group', preserveAspectRatio: 'xMidYMid meet',
    'aria-label': opts.ariaLabel ?? t('mon.chartAria', { n: withValue.length }),
  });
  const tickDigits = ticks.length > 1 ? Math.max(0, -Math.floor(Math.log10(Math.abs(ticks[1] - ticks[0]) || 1))) : 0;
  for (const v of ticks) {
    svg.appendChild(s('line', { class: 'chart-grid', x1: L, x2: W - R, y1: f(Y(v)), y2: f(Y(v)) }));
    svg.appendChild(s('text', { class: 'chart-axis', x: L - 6, y: f(Y(v) + 4), 'text-anchor': 'end' }, fmtNum(v, tickDigits)));
  }
  // Year labels: every year if they fit, else every 2nd/5th.
  const firstYear = Math.ceil(x0), lastYear = Math.floor(x1);
  const perYear = (W - L - R) / (x1 - x0);
  const every = [1, 2, 5, 10, 20].find((e) => e * perYear >= 36) ?? 50;
  for (let yr = firstYear; yr <= lastYear; yr++) {
    if ((yr - firstYear) % every) continue;
    svg.appendChild(s('text', { class: 'chart-axis', x: f(X(yr)), y: H - B + 18, 'text-anchor': 'middle' }, String(yr)));
    svg.appendChild(s('line', { class: 'chart-tick', x1: f(X(yr)), x2: f(X(yr)), y1: H - B, y2: H - B + 4 }));
  }
  svg.appendChild(s('line', { class: 'chart-baseline-axis', x1: L, x2: W - R, y1: H - B, y2: H - B }));

  if (tg) {
    const ty = f(Y(tg.value));
    svg.appendChild(s('line', { class: 'chart-target', 'data-testid': 'target-line', x1: L, x2: W - R, y1: ty, y2: ty }));
    const tx = X(tg.year);
    svg.appendChild(s('path', { class: 'chart-target-mark', d: `M${f(tx)} ${f(Y(tg.value) - 7)}l7 7l-7 7l-7 -7z` },
      s('title', null, t('mon.chartTarget', { value: fmtNum(tg.value, digitsFor(tg.value)), year: tg.year }))));
    svg.appendChild(s('text', { class: 'chart-target-label', x: f(Math.min(tx, W - R - 4)), y: f(Y(tg.value) - 10), 'text-anchor': tx > W - 120 ? 'end' : 'middle' },
      t('mon.chartTarget', { value: fmtNum(tg.value, digitsFor(tg.value)), year: tg.year })));
    if (typeof tg.baselineValue === 'number' && typeof tg.baselineYear === 'number') {
      svg.appendChild(s('rect', { class: 'chart-baseline-mark', x: f(X(tg.baselineYear) - 5), y: f(Y(tg.baselineValue) - 5), width: 10, height: 10 },
        s('title', null, t('mon.chartBaseline', { value: fmtNum(tg.baselineValue, digitsFor(tg.baselineValue)), year: tg.baselineYear }))));
    }
  }

  // Observed line: broken where a period has no value.
  let d = '';
  let pen = false;
  for (const p of obs) {
    if (typeof p.value !== 'number') { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${f(X(p.x))} ${f(Y(p.value))}`;
    pen = true;
  }
  if (d) svg.appendChild(s('path', { class: 'chart-line', d, 'data-testid': 'series-line' }));

  if (pr && withValue.length) {
    const last = withValue[withValue.length - 1];
    svg.appendChild(s('path', { class: 'chart-projection', 'data-testid': 'projection', d: `M${f(X(last.x))} ${f(Y(last.value))}L${f(X(pr.year))} ${f(Y(pr.value))}` }));
    if (typeof pr.lower === 'number' && typeof pr.upper === 'number') {
      const px = f(X(pr.year));
      svg.appendChild(s('path', { class: 'chart-interval', d: `M${px} ${f(Y(pr.lower))}L${px} ${f(Y(pr.upper))}M${f(X(pr.year) - 5)} ${f(Y(pr.lower))}h10M${f(X(pr.year) - 5)} ${f(Y(pr.upper))}h10` }));
    }
    const dg = digitsFor(pr.value);
    svg.appendChild(s('circle', { class: 'chart-projection-point', cx: f(X(pr.year)), cy: f(Y(pr.value)), r: 4 },
      s('title', null, t('mon.chartProjection', { value: fmtNum(pr.value, dg), year: pr.year,
        lower: typeof pr.lower === 'number' ? fmtNum(pr.lower, dg) : '—', upper: typeof pr.upper === 'number' ? fmtNum(pr.upper, dg) : '—' }))));
  }

  for (const p of withValue) {
    const label = `${p.period}: ${fmtNum(p.value, digitsFor(p.value))}${opts.unit ? ' ' + opts.unit : ''}${p.provisional ? ' (' + t('mon.provisional') + ')' : ''}`;
    const dot = s('circle', { class: 'chart-point' + (p.provisional ? ' chart-point-provisional' : ''), cx: f(X(p.x)), cy: f(Y(p.value)), r: 4.5, 'data-period': p.period },
      s('title', null, label));
    svg.appendChild(p.href ? s('a', { href: p.href, 'aria-label': label + ' — ' + t('mon.lineageOpen') }, dot) : dot);
  }
  return svg;
}

/** The chart's key, as HTML under it. */
export function chartLegend(opts: ChartOpts): HTMLElement {
  return h('p', { class: 'chart-legend' },
    h('span', { class: 'lg lg-line', 'aria-hidden': 'true' }), ' ', t('mon.legendObserved'), ' ',
    h('span', { class: 'lg lg-hollow', 'aria-hidden': 'true' }), ' ', t('mon.legendProvisional'),
    opts.target ? [' ', h('span', { class: 'lg lg-target', 'aria-hidden': 'true' }), ' ', t('mon.legendTarget')] : null,
    opts.projection ? [' ', h('span', { class: 'lg lg-projection', 'aria-hidden': 'true' }), ' ', t('mon.legendProjection')] : null);
}
