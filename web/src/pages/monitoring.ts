// Monitoring of action plans (issue 5): the list of plans and a plan's scorecard, with the plan
// review's questions (legal basis, solutions, budget, data source, duplicates) next to each target.
// Shared types and helpers of the monitoring pages live here too (indicators.ts, dataentry.ts).
// All text goes in via text nodes (dom.ts); no innerHTML.
import { h, replace, type Child } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtNum } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { can } from '../session';
import { badge, confirmDialog, empty, errorState, errorText, loading, pageHeader, table, toast, type Column } from '../ui';
import { getProvinces, type AdminUnit } from '../refdata';
import { digitsFor } from '../components/linechart';

// ---------- types (docs/api.md, "Monitoring") ----------
export interface UnitRef { code: string; era: string; level: string }
export interface Indicator {
  code: string; name_vi: string; name_en?: string | null; numerator: string; denominator?: string | null;
  factor?: number | null; unit?: string | null; direction?: number; definition?: string | null; source?: string | null;
}
export interface DataElement {
  code: string; name_vi: string; name_en?: string | null; unit?: string | null; aggregation?: string;
  value_type?: string; description?: string | null; derived_from?: string | null;
}
export interface Plan {
  id: number; code: string; name: string; issuing_decision?: string | null; period_from: number; period_to: number;
  owner_agency?: string | null; province_code?: string | null; province_era?: string | null; province_name?: string | null;
  source?: string | null; note?: string | null; targets?: number | Target[];
  carried_over_to?: { province_code: string; province_name: string; since: string; note?: string } | null;
}
export interface Target {
  id: number; plan_id: number; code?: string | null; text_vi: string; indicator?: string | null;
  baseline_value?: number | null; baseline_year?: number | null; target_value?: number | null; target_year?: number | null;
  direction?: number | null; legal_basis?: string | null; responsible_agency?: string | null; solutions?: string | null;
  budget_vnd?: number | null; data_source?: string | null; note?: string | null;
}
export interface Projection { year: number; value: number; slope?: number; points?: number; lower?: number | null; upper?: number | null }
export interface Assessment {
  status: string; method?: string | null; progress?: number | null; rate_observed?: number | null; rate_required?: number | null;
  ratio?: number | null; deterioration?: boolean; yearly_effort?: number | null; projection?: Projection | null;
  notes?: string[]; base_value?: number | null; base_year?: number | null; latest_value?: number | null; latest_year?: number | null;
}
export interface ScoreRow { target: Target; observed: { year: number; value: number }[]; assessment: Assessment }
export interface Scorecard { plan: Plan; unit: UnitRef; year: number; summary: Record<string, number>; targets: ScoreRow[] }
export interface Review {
  plan_id: number; targets: number;
  issues: { target_id: number; code?: string | null; problems: string[] }[];
  problem_counts: Record<string, number>;
  duplicates: { kind: string; target_ids: number[]; similarity?: number; indicator?: string }[];
}

export const STATUSES = ['achieved', 'on_track', 'at_risk', 'off_track', 'no_data'] as const;
const STATUS_TONE: Record<string, string> = { achieved: 'ok', on_track: 'ok', at_risk: 'warn', off_track: 'bad', no_data: 'neutral' };
export const PROBLEMS = ['no_legal_basis', 'no_solution', 'no_budget', 'no_data_source', 'no_indicator', 'no_target_value', 'no_baseline'] as const;

export function progressBadge(status: string | null | undefined): HTMLElement {
  const st = status || 'no_data';
  const el = badge(t(('mon.status.' + st) as DictKey) || st, STATUS_TONE[st] ?? 'neutral');
  el.classList.add('status-' + st);
  el.setAttribute('data-status', st);
  return el;
}

/** A number in the precision its size deserves, or "—". */
export function num(v: number | null | undefined, unit?: string | null): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return fmtNum(v, digitsFor(v)) + (unit ? ' ' + unit : '');
}

export function pct(v: number | null | undefined, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return fmtNum(v * 100, digits) + ' %';
}

export function indicatorName(i: { name_vi: string; name_en?: string | null }): string {
  return getLang() === 'en' && i.name_en ? i.name_en : i.name_vi;
}

export function unitQuery(u: UnitRef): Record<string, string> {
  const q: Record<string, string> = { unit: u.code };
  if (u.era && u.era !== '2025') q.era = u.era;
  if (u.level === 'commune') q.level = 'commune';
  return q;
}

export function hrefWith(path: string, q: Record<string, string | number | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== null && v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return '#' + path + (s ? '?' + s : '');
}

export function lineageHref(code: string, u: UnitRef, period: string | number): string {
  return hrefWith('/lineage/' + encodeURIComponent(code), { ...unitQuery(u), period: String(period) });
}

export function seriesHref(code: string, q: Record<string, string | number | null | undefined> = {}): string {
  return hrefWith('/indicators/' + encodeURIComponent(code), q);
}

/** Pre-2025 provinces (63), cached. */
let pre2025: Promise<AdminUnit[]> | null = null;
export function getProvincesPre2025(): Promise<AdminUnit[]> {
  if (!pre2025) {
    pre2025 = api.get<unknown>('/admin-units', { level: 'province', era: 'pre2025', limit: 100, sort: 'name' })
      .then((r) => itemsOf<AdminUnit>(r))
      .catch((e) => { pre2025 = null; throw e; });
  }
  return pre2025;
}

/** "Thanh Hóa", "Sóc Trăng (before 2025)", "Viet Nam", or the code while names load. */
export function unitLabel(u: UnitRef): HTMLElement {
  const el = h('span', { class: 'unit-label' }, u.code === 'VN' ? t('mon.nation') : u.code);
  if (u.code === 'VN') return el;
  if (u.level === 'commune') {
    api.get<AdminUnit>('/admin-units/' + encodeURIComponent(u.code), { level: 'commune' })
      .then((c) => { el.textContent = c.full_name || c.name; }).catch(() => undefined);
    return el;
  }
  (u.era === 'pre2025' ? getProvincesPre2025() : getProvinces()).then((ps) => {
    const p = ps.find((x) => x.code === u.code);
    if (p) el.textContent = (p.full_name || p.name) + (u.era === 'pre2025' ? ` (${t('mon.pre2025')})` : '');
  }).catch(() => undefined);
  return el;
}

/** Tabs shared by the monitoring pages. */
export function monitoringTabs(active: 'plans' | 'indicators' | 'entry' | 'setup' | 'ioc'): HTMLElement {
  const tabs: [typeof active, string, DictKey][] = [
    ['plans', '#/plans', 'mon.tabPlans'],
    ['indicators', '#/indicators', 'mon.tabIndicators'],
    ['ioc', '#/ioc', 'ioc.tab'],
    ['setup', '#/data-elements', 'mf.tabSetup'],
  ];
  if (can.staff()) tabs.push(['entry', '#/data-entry', 'mon.tabEntry']);
  return h('nav', { class: 'mon-tabs', 'aria-label': t('mon.tabsAria') },
    tabs.map(([k, href, key]) => h('a', { href, class: 'mon-tab', id: 'mon-tab-' + k, 'aria-current': k === active ? 'page' : null }, t(key))));
}

// ---------- plans list ----------
export function plansPage(ctx: RouteCtx): Node {
  const province = ctx.query.get('province') || '';
  const provSel = h('select', { id: 'plans-province', name: 'province' }, h('option', { value: '' }, t('common.all')));
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: p.code === province }, p.name));
  }).catch(() => undefined);
  provSel.addEventListener('change', () => setQuery({ province: provSel.value }, ctx.path));
  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<Plan>>('/plans', { province_code: province, limit: 100 }).then((r) => {
      const items = itemsOf<Plan>(r);
      if (!items.length) { results.replaceChildren(empty(t('mon.noPlans'))); return; }
      const cols: Column<Plan>[] = [
        { label: t('mon.plan'), primary: true, cell: (p) => h('div', null,
          h('a', { href: '#/plans/' + p.id, class: 'plan-link' }, p.name),
          h('div', { class: 'muted small mono' }, p.code)) },
        { label: t('common.province'), cell: (p) => h('span', null, p.province_name || p.province_code || '—',
          p.province_era === 'pre2025' ? h('span', { class: 'muted small' }, ` (${t('mon.pre2025')})`) : null) },
        { label: t('mon.period'), cell: (p) => `${p.period_from}–${p.period_to}` },
        { label: t('mon.owner'), cell: (p) => p.owner_agency || '—' },
        { label: t('mon.targets'), className: 'num', cell: (p) => (typeof p.targets === 'number' ? fmtNum(p.targets) : '—') },
      ];
      results.replaceChildren(table(items, cols, { caption: t('mon.plansTitle'), rowKey: (p) => String(p.id) }));
    }).catch((e) => results.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page page-monitoring' },
    pageHeader(t('mon.plansTitle'), t('mon.plansLead'),
      can.staff() ? h('a', { class: 'btn btn-primary', href: '#/plans/new', id: 'plan-new' }, '+ ', t('mf.planNew')) : null),
    monitoringTabs('plans'),
    h('section', { class: 'card' },
      h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => e.preventDefault() },
        h('div', { class: 'filter' }, h('label', { for: 'plans-province' }, t('common.province')), provSel)),
      province ? h('p', { class: 'muted small' }, t('mon.provinceHint')) : null,
      results));
}

// ---------- plan scorecard ----------
function flag(ok: boolean, key: DictKey, detail: string | null | undefined, problem: string): HTMLElement {
  return h('li', { class: 'flag ' + (ok ? 'flag-ok' : 'flag-missing'), 'data-flag': problem },
    h('span', { class: 'flag-icon', 'aria-hidden': 'true' }, ok ? '✓' : '✗'), ' ',
    h('span', { class: 'flag-name' }, t(key)), ': ',
    h('span', { class: 'flag-value' }, ok ? (detail || t('common.yes')) : t('mon.missing')));
}

function targetFlags(tg: Target, problems: Set<string>): HTMLElement {
  return h('ul', { class: 'flags' },
    flag(!problems.has('no_legal_basis'), 'mon.legalBasis', tg.legal_basis, 'no_legal_basis'),
    flag(!problems.has('no_solution'), 'mon.solutions', tg.solutions, 'no_solution'),
    flag(!problems.has('no_budget'), 'mon.budget', tg.budget_vnd != null ? fmtNum(tg.budget_vnd) + ' ' + t('mon.vnd') : null, 'no_budget'),
    flag(!problems.has('no_data_source'), 'mon.dataSource', tg.data_source, 'no_data_source'));
}

function valueYear(v: number | null | undefined, y: number | null | undefined, unit?: string | null): Child {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, t('mon.missing'));
  return h('span', { class: 'value-year' }, h('strong', null, num(v, unit)), y ? h('span', { class: 'muted small year' }, String(y)) : null);
}

function progressBar(p: number | null | undefined): Child {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const w = Math.max(0, Math.min(1, p));
  return h('div', { class: 'progress', role: 'img', 'aria-label': t('mon.progress') + ': ' + pct(p) },
    h('div', { class: 'progress-track', 'aria-hidden': 'true' }, h('div', { class: 'progress-fill', style: `width:${(w * 100).toFixed(1)}%` })),
    h('span', { class: 'progress-text' }, pct(p)));
}

function scoreTable(sc: Scorecard, review: Review, indicators: Map<string, Indicator>, reload: () => void): HTMLElement {
  const problemsOf = new Map(review.issues.map((i) => [i.target_id, new Set(i.problems)]));
  const unitOf = (r: ScoreRow) => (r.target.indicator ? indicators.get(r.target.indicator)?.unit : null) ?? null;
  const cols: Column<ScoreRow>[] = [
    { label: t('mon.target'), primary: true, className: 'col-target', cell: (r) => h('div', null,
      h('div', null, r.target.code ? h('span', { class: 'mono target-code' }, r.target.code, ' ') : null, h('span', { class: 'target-text' }, r.target.text_vi)),
      r.target.indicator
        ? h('a', { class: 'small', href: seriesHref(r.target.indicator, { plan: sc.plan.id, target: r.target.id }), 'data-testid': 'series-link' },
          indicators.get(r.target.indicator) ? indicatorName(indicators.get(r.target.indicator)!) : r.target.indicator,
          unitOf(r) ? ` (${unitOf(r)})` : '', ' ›')
        : h('span', { class: 'muted small' }, t('mon.noIndicator')),
      r.target.responsible_agency ? h('div', { class: 'muted small' }, r.target.responsible_agency) : null) },
    { label: t('mon.status'), cell: (r) => progressBadge(r.assessment.status) },
    { label: t('mon.baseline'), className: 'num', cell: (r) => valueYear(r.target.baseline_value, r.target.baseline_year) },
    { label: t('mon.latest'), className: 'num', cell: (r) => {
      const a = r.assessment;
      if (a.latest_value === null || a.latest_value === undefined || !a.latest_year) return h('span', { class: 'muted' }, t('mon.noValue'));
      return r.target.indicator
        ? h('a', { href: lineageHref(r.target.indicator, sc.unit, a.latest_year), class: 'latest-link value-year', title: t('mon.lineageOpen') },
          h('strong', null, num(a.latest_value)), h('span', { class: 'muted small year' }, String(a.latest_year)))
        : valueYear(a.latest_value, a.latest_year);
    } },
    { label: t('mon.targetValue'), className: 'num', cell: (r) => valueYear(r.target.target_value, r.target.target_year) },
    { label: t('mon.progress'), cell: (r) => progressBar(r.assessment.progress) },
    { label: t('mon.projection'), className: 'num', cell: (r) => {
      const p = r.assessment.projection;
      if (!p) return '—';
      return h('span', { class: 'value-year' }, h('strong', null, num(p.value)), h('span', { class: 'muted small year' }, String(p.year)),
        typeof p.lower === 'number' && typeof p.upper === 'number' ? h('div', { class: 'muted small' }, `${num(p.lower)} – ${num(p.upper)}`) : null);
    } },
  ];
  const tbl = table(sc.targets, cols, { caption: t('mon.scorecard'), rowKey: (r) => String(r.target.id) });
  // Each row gets an anchor (the review's questions link to it) and a detail row below it.
  tbl.querySelectorAll('tbody tr').forEach((tr, i) => {
    const r = sc.targets[i];
    tr.id = 'target-' + r.target.id;
    tr.classList.add('target-row');
    const detail = h('tr', { class: 'target-detail' }, h('td', { colspan: String(cols.length), 'data-label': '' },
      h('div', { class: 'target-review' }, h('span', { class: 'flags-label' }, t('mon.reviewFlags'), ':'), targetFlags(r.target, problemsOf.get(r.target.id) ?? new Set())),
      targetDetail(r, unitOf(r)), targetActions(sc.plan.id, r.target, reload)));
    tr.after(detail);
  });
  return tbl;
}

/** Edit and remove buttons of a target on the scorecard (staff). */
function targetActions(planId: number, tg: Target, reload: () => void): HTMLElement | null {
  if (!can.staff()) return null;
  return h('div', { class: 'btn-row target-actions' },
    h('a', { class: 'btn btn-small', href: `#/plans/${planId}/targets/${tg.id}/edit`, 'data-edit-target': String(tg.id) }, t('common.edit')),
    h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-delete-target': String(tg.id), onclick: async () => {
      if (!(await confirmDialog(t('mf.targetDeleteConfirm', { name: tg.code || tg.text_vi.slice(0, 60) }), t('common.delete')))) return;
      try { await api.del('/targets/' + tg.id); toast(t('common.deleted')); reload(); } catch (e) { toast(errorText(e), 'bad'); }
    } }, t('common.delete')));
}

function targetDetail(r: ScoreRow, unit: string | null): HTMLElement {
  const a = r.assessment;
  const rows: [string, Child][] = [
    [t('mon.method'), a.method ? t(('mon.method.' + a.method) as DictKey) : '—'],
    [t('mon.rateObserved'), a.method === 'linear' ? num(a.rate_observed, unit) : pct(a.rate_observed, 1)],
    [t('mon.rateRequired'), a.method === 'linear' ? num(a.rate_required, unit) : pct(a.rate_required, 1)],
    [t('mon.ratio'), a.ratio == null ? '—' : fmtNum(a.ratio, 2)],
    [t('mon.yearlyEffort'), a.yearly_effort == null ? '—' : (a.yearly_effort >= 0 ? '+' : '') + num(a.yearly_effort, unit) + ' ' + t('mon.perYear')],
    [t('mon.observed'), r.observed.length ? r.observed.map((o) => `${o.year}: ${num(o.value)}`).join(' · ') : '—'],
  ];
  return h('details', { class: 'target-more' },
    h('summary', null, t('mon.feasibility')),
    h('dl', { class: 'kv kv-compact' }, rows.map(([k, v]) => h('div', { class: 'kv-row' }, h('dt', null, k), h('dd', null, v)))),
    a.deterioration ? h('p', { class: 'warn-text' }, t('mon.deterioration')) : null,
    (a.notes ?? []).length ? h('ul', { class: 'notes small' }, (a.notes ?? []).map((n) => h('li', null, n))) : null,
    r.target.note ? h('p', { class: 'muted small' }, t('mon.note'), ': ', r.target.note) : null);
}

/** The reviewers' questions, answered from the review and the scorecard. */
function reviewQuestions(sc: Scorecard, review: Review): HTMLElement {
  const codeOf = new Map(sc.targets.map((r) => [r.target.id, r.target.code || '#' + r.target.id]));
  const total = sc.targets.length;
  const targetLinks = (ids: number[]) => h('span', { class: 'target-links' },
    ids.map((id, i) => [i ? ', ' : '', h('a', { href: '#target-' + id, 'data-target': String(id),
      onclick: (e: Event) => { e.preventDefault(); document.getElementById('target-' + id)?.scrollIntoView({ block: 'center' }); } }, codeOf.get(id) ?? '#' + id)]));
  const withProblem = (p: string) => review.issues.filter((i) => i.problems.includes(p)).map((i) => i.target_id);
  const item = (id: string, q: DictKey, ids: number[], okKey: DictKey, missKey: DictKey) =>
    h('li', { class: 'question ' + (ids.length ? 'question-open' : 'question-ok'), id: 'q-' + id, 'data-count': String(ids.length) },
      h('strong', { class: 'question-text' }, t(q)),
      h('div', { class: 'question-answer' },
        h('span', { class: 'flag-icon', 'aria-hidden': 'true' }, ids.length ? '✗' : '✓'), ' ',
        ids.length ? [t(missKey, { n: ids.length, total }), ' ', targetLinks(ids)] : t(okKey)));
  const risky = sc.targets.filter((r) => r.assessment.status === 'off_track' || r.assessment.status === 'at_risk').map((r) => r.target.id);
  const noData = sc.targets.filter((r) => r.assessment.status === 'no_data').map((r) => r.target.id);
  const dupIds = review.duplicates.flatMap((d) => d.target_ids);
  return h('section', { class: 'card', id: 'review' },
    h('h2', null, t('mon.reviewTitle')),
    h('p', { class: 'muted' }, t('mon.reviewLead')),
    h('ol', { class: 'questions' },
      h('li', { class: 'question ' + (risky.length ? 'question-open' : 'question-ok'), id: 'q-realistic', 'data-count': String(risky.length) },
        h('strong', { class: 'question-text' }, t('mon.qRealistic')),
        h('div', { class: 'question-answer' },
          h('span', { class: 'flag-icon', 'aria-hidden': 'true' }, risky.length ? '✗' : '✓'), ' ',
          risky.length ? [t('mon.aRisky', { n: risky.length, total }), ' ', targetLinks(risky)] : t('mon.aNoneRisky'),
          noData.length ? h('div', { class: 'muted small' }, t('mon.aNoData', { n: noData.length, total }), ' ', targetLinks(noData)) : null)),
      item('legal', 'mon.qLegal', withProblem('no_legal_basis'), 'mon.aAllHave', 'mon.aLacking'),
      item('solution', 'mon.qSolution', withProblem('no_solution'), 'mon.aAllHave', 'mon.aLacking'),
      item('budget', 'mon.qBudget', withProblem('no_budget'), 'mon.aAllHave', 'mon.aLacking'),
      item('source', 'mon.qSource', withProblem('no_data_source'), 'mon.aAllHave', 'mon.aLacking'),
      h('li', { class: 'question ' + (dupIds.length ? 'question-open' : 'question-ok'), id: 'q-duplicates', 'data-count': String(review.duplicates.length) },
        h('strong', { class: 'question-text' }, t('mon.qDuplicates')),
        h('div', { class: 'question-answer' },
          h('span', { class: 'flag-icon', 'aria-hidden': 'true' }, dupIds.length ? '✗' : '✓'), ' ',
          review.duplicates.length
            ? h('ul', { class: 'dups' }, review.duplicates.map((d) => h('li', null,
              t(d.kind === 'same_indicator' ? 'mon.dupSameIndicator' : 'mon.dupSimilar', { indicator: d.indicator ?? '', similarity: d.similarity != null ? fmtNum(d.similarity * 100) + ' %' : '' }),
              ' ', targetLinks(d.target_ids))))
            : t('mon.aNoDuplicates'))),
      item('indicator', 'mon.qIndicator', withProblem('no_indicator'), 'mon.aAllHave', 'mon.aLacking'),
      item('targetvalue', 'mon.qTargetValue', withProblem('no_target_value'), 'mon.aAllHave', 'mon.aLacking'),
      item('baseline', 'mon.qBaseline', withProblem('no_baseline'), 'mon.aAllHave', 'mon.aLacking')));
}

function summaryStats(sc: Scorecard): HTMLElement {
  return h('div', { class: 'status-summary', id: 'status-summary' }, STATUSES.map((st) =>
    h('div', { class: `status-stat tone-${STATUS_TONE[st]}`, 'data-status': st },
      h('span', { class: 'status-count' }, fmtNum(sc.summary[st] ?? 0)),
      h('span', { class: 'status-name' }, t(('mon.status.' + st) as DictKey)))));
}

export function planPage(ctx: RouteCtx): Node {
  const id = ctx.params.id;
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const load = () => {
    host.replaceChildren(loading());
    Promise.all([
      api.get<Scorecard>(`/plans/${encodeURIComponent(id)}/scorecard`),
      api.get<Review>(`/plans/${encodeURIComponent(id)}/review`),
      api.get<Plan>(`/plans/${encodeURIComponent(id)}`),
      api.get<ListResponse<Indicator>>('/indicators', { limit: 500 }).catch(() => ({ items: [] as Indicator[] })),
    ]).then(([sc, review, plan, inds]) => {
      const indicators = new Map(itemsOf<Indicator>(inds).map((i) => [i.code, i]));
      const carried = plan.carried_over_to;
      replace(host,
        pageHeader(plan.name, [plan.code, `${plan.period_from}–${plan.period_to}`].join(' · '),
          h('div', { class: 'btn-row' },
            h('a', { class: 'btn btn-ghost', href: '#/plans' }, '‹ ', t('mon.plansTitle')),
            can.staff() ? h('a', { class: 'btn', href: `#/plans/${encodeURIComponent(id)}/edit`, id: 'plan-edit' }, t('mf.planEdit')) : null,
            can.staff() ? h('a', { class: 'btn btn-primary', href: `#/plans/${encodeURIComponent(id)}/targets/new`, id: 'target-new' }, '+ ', t('mf.targetNew')) : null,
            h('a', { class: 'btn btn-ghost', id: 'scorecard-xlsx', href: `/api/v1/plans/${encodeURIComponent(id)}/scorecard?format=xlsx&lang=${getLang()}`,
              download: `scorecard-${plan.code || id}.xlsx` }, t('mon.xlsx')))),
        monitoringTabs('plans'),
        carried ? h('div', { class: 'carried-over', role: 'note', id: 'carried-over' },
          h('strong', null, t('mon.carriedOver', { from: plan.province_name ?? plan.province_code ?? '', to: carried.province_name, since: fmtDate(carried.since) })), ' ',
          h('a', { href: hrefWith('/plans', { province: carried.province_code }) }, t('mon.carriedOverPlans', { to: carried.province_name })),
          carried.note ? h('p', { class: 'small muted' }, carried.note) : null) : null,
        h('section', { class: 'card plan-info' },
          h('dl', { class: 'kv' },
            ([
              [t('mon.decision'), plan.issuing_decision || h('span', { class: 'missing-text' }, t('mon.missing'))],
              [t('common.province'), h('span', null, plan.province_name || plan.province_code || '—', plan.province_era === 'pre2025' ? ` (${t('mon.pre2025')})` : '')],
              [t('mon.owner'), plan.owner_agency || '—'],
              [t('mon.assessedAt'), h('span', null, String(sc.year), ' · ', unitLabel(sc.unit))],
              [t('mon.source'), plan.source || '—'],
              [t('mon.note'), plan.note || null],
            ] as [string, Child][]).filter(([, v]) => v !== null).map(([k, v]) => h('div', { class: 'kv-row' }, h('dt', null, k), h('dd', null, v))))),
        h('section', { class: 'card', id: 'scorecard' },
          h('h2', null, t('mon.scorecard')),
          summaryStats(sc),
          sc.targets.length ? scoreTable(sc, review, indicators, load) : empty(t('mon.noTargets')),
          h('p', { class: 'muted small' }, t('mon.methodNote'))),
        reviewQuestions(sc, review));
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  load();
  return host;
}
