// Forms of the monitoring pages for staff (issue 5): plans, their targets, data elements,
// indicators and validation rules. The server is the authority: it refuses formulas that refer to
// themselves or divide by zero, unknown codes, impossible years; its problem+json errors are shown
// next to their fields (ui.ts showProblem). Numbers are typed the Vietnamese way or the English
// way (dataentry.ts parseNumber). All text goes in via text nodes (dom.ts); no innerHTML.
import { h } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtNum } from '../format';
import { navigate, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  clearErrors, confirmDialog, empty, errorState, errorText, formSummary, input, loading, needLogin, pageHeader, select,
  setFieldError, showProblem, showSummary, table, textarea, toast, type Column,
} from '../ui';
import { getProvinces, type AdminUnit } from '../refdata';
import { getProvincesPre2025, monitoringTabs, type DataElement, type Indicator, type Plan, type Target } from './monitoring';
import { parseNumber } from './dataentry';

// ---------- shared ----------
type Errors = [string, string][];

/** Staff only: the sign-in prompt for the anonymous, a refusal for others (the server refuses anyway). */
function staffGate(title: string, tab: Parameters<typeof monitoringTabs>[0]): HTMLElement | null {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  if (!can.staff()) return h('div', { class: 'page' }, pageHeader(title), monitoringTabs(tab), errorState(new ApiError(403, {})));
  return null;
}

function val(fd: FormData, k: string): string { return String(fd.get(k) ?? '').trim(); }

/** A number field: '' -> null; not a number -> an error. */
function numberOf(fd: FormData, k: string, errs: Errors): number | null {
  const s = val(fd, k);
  if (!s) return null;
  const v = parseNumber(s, getLang());
  if (v === null) errs.push([k, t('mon.notANumber')]);
  return v;
}

function yearOf(fd: FormData, k: string, errs: Errors): number | null {
  const s = val(fd, k);
  if (!s) return null;
  const v = Number(s);
  if (!/^\d{4}$/.test(s) || v < 1900 || v > 2100) { errs.push([k, t('mf.errYear')]); return null; }
  return v;
}

/** Reads a submitted form: the text fields `keys` into the body (an empty one as null, or left
 *  out when `omitEmpty`), and a "required" error for each field of `required` left empty. */
function readForm(form: HTMLFormElement, keys: readonly string[], required: readonly string[], omitEmpty = false):
  { fd: FormData; body: Record<string, unknown>; errs: Errors } {
  clearErrors(form);
  const fd = new FormData(form);
  const body: Record<string, unknown> = {};
  for (const k of keys) {
    const v = val(fd, k);
    if (v) body[k] = v; else if (!omitEmpty) body[k] = null;
  }
  const errs: Errors = required.filter((k) => !val(fd, k)).map((k): [string, string] => [k, t('err.required')]);
  return { fd, body, errs };
}

function showErrors(form: HTMLFormElement, errs: Errors): boolean {
  if (!errs.length) return false;
  for (const [f, m] of errs) setFieldError(form, f, m);
  showSummary(form, t('common.formErrors'));
  (form.querySelector('.has-error input, .has-error select, .has-error textarea') as HTMLElement | null)?.focus();
  return true;
}

/** The changed fields of `next` against `old` (null for emptied ones), for a PATCH. */
function changes(old: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next)) {
    const o = old[k] ?? null;
    if ((v ?? null) !== o) out[k] = v ?? null;
  }
  return out;
}

async function save<T>(form: HTMLFormElement, btn: HTMLButtonElement, call: () => Promise<T>, done: (x: T) => void): Promise<void> {
  btn.disabled = true;
  try {
    const x = await call();
    toast(t('common.saved'));
    done(x);
  } catch (err) {
    btn.disabled = false;
    if (err instanceof ApiError && err.status === 409 && !err.problem.field) { showSummary(form, err.problem.detail || t('err.conflict')); return; }
    showProblem(form, err);
  }
}

function numText(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v).replace('.', getLang() === 'vi' ? ',' : '.');
}

function buttons(id: string, cancelHref: string): HTMLElement {
  return h('div', { class: 'btn-row' },
    h('button', { type: 'submit', class: 'btn btn-primary', id }, t('common.save')),
    h('a', { class: 'btn btn-ghost', href: cancelHref }, t('common.cancel')));
}

// ---------- plan ----------
export function planFormPage(ctx: RouteCtx): Node {
  const id = ctx.params.id;
  const gate = staffGate(t(id ? 'mf.planEdit' : 'mf.planNew'), 'plans');
  if (gate) return gate;
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const build = (p: Plan & { version?: number } | null) => {
    const provKey = p?.province_code ? `${p.province_era ?? '2025'}:${p.province_code}` : '';
    const form: HTMLFormElement = h('form', { class: 'form', id: 'plan-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        input({ name: 'code', label: t('mf.code'), required: true, value: p?.code, maxlength: 60, hint: t('mf.planCodeHint') }),
        input({ name: 'name', label: t('mf.planName'), required: true, value: p?.name, maxlength: 500 }),
        input({ name: 'issuing_decision', label: t('mon.decision'), value: p?.issuing_decision, hint: t('mf.decisionHint') }),
        input({ name: 'owner_agency', label: t('mon.owner'), value: p?.owner_agency }),
        input({ name: 'period_from', label: t('mf.periodFrom'), required: true, value: p ? String(p.period_from) : '', inputmode: 'numeric', maxlength: 4 }),
        input({ name: 'period_to', label: t('mf.periodTo'), required: true, value: p ? String(p.period_to) : '', inputmode: 'numeric', maxlength: 4 }),
        select({ name: 'province_code', label: t('common.province'), value: provKey, options: [['', t('mf.noProvince')]], hint: t('mf.provinceHint') })),
      textarea({ name: 'source', label: t('mon.source'), value: p?.source }),
      textarea({ name: 'note', label: t('mon.note'), value: p?.note }),
      buttons('plan-save', p ? `#/plans/${p.id}` : '#/plans'));
    const provSel = form.querySelector('select[name="province_code"]') as HTMLSelectElement;
    Promise.all([getProvinces(), getProvincesPre2025().catch(() => [] as AdminUnit[])]).then(([ps, old]) => {
      const g25 = h('optgroup', { label: t('mon.provinces2025') });
      const gOld = h('optgroup', { label: t('mon.provincesPre2025') });
      for (const x of ps) g25.appendChild(h('option', { value: `2025:${x.code}`, selected: provKey === `2025:${x.code}` }, x.full_name || x.name));
      for (const x of old) gOld.appendChild(h('option', { value: `pre2025:${x.code}`, selected: provKey === `pre2025:${x.code}` }, x.full_name || x.name));
      provSel.append(g25, gOld);
    }).catch(() => undefined);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const { fd, body, errs } = readForm(form, ['code', 'name', 'issuing_decision', 'owner_agency', 'source', 'note'], ['code', 'name']);
      body.period_from = yearOf(fd, 'period_from', errs);
      body.period_to = yearOf(fd, 'period_to', errs);
      if (!val(fd, 'period_from')) errs.push(['period_from', t('err.required')]);
      if (!val(fd, 'period_to')) errs.push(['period_to', t('err.required')]);
      if (typeof body.period_from === 'number' && typeof body.period_to === 'number' && body.period_to < body.period_from) {
        errs.push(['period_to', t('mf.errPeriodOrder')]);
      }
      const [era, code] = val(fd, 'province_code') ? val(fd, 'province_code').split(':') : ['2025', ''];
      body.province_code = code || null;
      body.province_era = era;
      if (showErrors(form, errs)) return;
      const btn = form.querySelector('#plan-save') as HTMLButtonElement;
      void save(form, btn, () => {
        if (p) return api.patch<Plan>('/plans/' + p.id, { version: p.version, ...changes(p as unknown as Record<string, unknown>, body) });
        const post: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== null) post[k] = v;
        return api.post<Plan>('/plans', post);
      }, (saved) => navigate('/plans/' + saved.id));
    });
    host.replaceChildren(pageHeader(t(p ? 'mf.planEdit' : 'mf.planNew'), p?.name), monitoringTabs('plans'), h('section', { class: 'card' }, form));
    (form.querySelector('input') as HTMLElement | null)?.focus();
  };
  if (id) api.get<Plan & { version: number }>('/plans/' + encodeURIComponent(id)).then(build).catch((e) => host.replaceChildren(errorState(e)));
  else build(null);
  return host;
}

// ---------- target ----------
const TARGET_TEXT = ['code', 'text_vi', 'legal_basis', 'responsible_agency', 'solutions', 'data_source', 'note'] as const;

export function targetFormPage(ctx: RouteCtx): Node {
  const planId = ctx.params.id;
  const targetId = ctx.params.target;
  const gate = staffGate(t(targetId ? 'mf.targetEdit' : 'mf.targetNew'), 'plans');
  if (gate) return gate;
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const build = (plan: Plan, tg: (Target & { version?: number }) | null, indicators: Indicator[]) => {
    const form: HTMLFormElement = h('form', { class: 'form', id: 'target-form', novalidate: true },
      formSummary(),
      textarea({ name: 'text_vi', label: t('mf.targetText'), required: true, value: tg?.text_vi, hint: t('mf.targetTextHint') }),
      h('div', { class: 'form-grid' },
        input({ name: 'code', label: t('mf.code'), value: tg?.code, maxlength: 40 }),
        select({ name: 'indicator', label: t('mon.indicator'), value: tg?.indicator ?? '', hint: t('mf.indicatorHint'),
          options: [['', t('mon.noIndicator')], ...indicators.map((i): [string, string] => [i.code, `${i.code} — ${i.name_vi}${i.unit ? ' (' + i.unit + ')' : ''}`])] }),
        input({ name: 'baseline_value', label: t('mf.baselineValue'), value: numText(tg?.baseline_value), inputmode: 'decimal' }),
        input({ name: 'baseline_year', label: t('mf.baselineYear'), value: tg?.baseline_year ? String(tg.baseline_year) : '', inputmode: 'numeric', maxlength: 4 }),
        input({ name: 'target_value', label: t('mf.targetValue'), value: numText(tg?.target_value), inputmode: 'decimal' }),
        input({ name: 'target_year', label: t('mf.targetYear'), value: tg?.target_year ? String(tg.target_year) : '', inputmode: 'numeric', maxlength: 4 }),
        select({ name: 'direction', label: t('mon.direction'), value: tg?.direction != null ? String(tg.direction) : '',
          options: [['', t('mf.directionDefault')], ['1', t('mon.higherBetter')], ['-1', t('mon.lowerBetter')]] }),
        input({ name: 'budget_vnd', label: t('mf.budgetVnd'), value: numText(tg?.budget_vnd), inputmode: 'decimal', hint: t('mf.budgetHint') }),
        input({ name: 'responsible_agency', label: t('mf.responsible'), value: tg?.responsible_agency }),
        input({ name: 'data_source', label: t('mon.dataSource'), value: tg?.data_source, hint: t('mf.dataSourceHint') })),
      textarea({ name: 'legal_basis', label: t('mon.legalBasis'), value: tg?.legal_basis, hint: t('mf.legalHint') }),
      textarea({ name: 'solutions', label: t('mf.solutionsTasks'), value: tg?.solutions }),
      textarea({ name: 'note', label: t('mon.note'), value: tg?.note }),
      buttons('target-save', `#/plans/${plan.id}`));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const { fd, body, errs } = readForm(form, TARGET_TEXT, ['text_vi']);
      body.indicator = val(fd, 'indicator') || null;
      body.baseline_value = numberOf(fd, 'baseline_value', errs);
      body.baseline_year = yearOf(fd, 'baseline_year', errs);
      body.target_value = numberOf(fd, 'target_value', errs);
      body.target_year = yearOf(fd, 'target_year', errs);
      body.budget_vnd = numberOf(fd, 'budget_vnd', errs);
      if (typeof body.budget_vnd === 'number' && body.budget_vnd < 0) errs.push(['budget_vnd', t('mf.errNegative')]);
      const dir = val(fd, 'direction');
      if (showErrors(form, errs)) return;
      const btn = form.querySelector('#target-save') as HTMLButtonElement;
      void save(form, btn, () => {
        if (tg) {
          const patch = changes(tg as unknown as Record<string, unknown>, body);
          if (dir && Number(dir) !== tg.direction) patch.direction = Number(dir);
          return api.patch<Target>('/targets/' + tg.id, { version: tg.version, ...patch });
        }
        const post: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== null) post[k] = v;
        if (dir) post.direction = Number(dir);
        return api.post<Target>(`/plans/${plan.id}/targets`, post);
      }, () => navigate('/plans/' + plan.id));
    });
    host.replaceChildren(pageHeader(t(tg ? 'mf.targetEdit' : 'mf.targetNew'), plan.name), monitoringTabs('plans'), h('section', { class: 'card' }, form));
    (form.querySelector('textarea') as HTMLElement | null)?.focus();
  };
  Promise.all([
    api.get<Plan>('/plans/' + encodeURIComponent(planId)),
    api.get<ListResponse<Indicator>>('/indicators', { limit: 500 }).then((r) => itemsOf<Indicator>(r)),
  ]).then(([plan, inds]) => {
    let tg: Target | null = null;
    if (targetId) {
      tg = (Array.isArray(plan.targets) ? plan.targets : []).find((x) => String(x.id) === targetId) ?? null;
      if (!tg) { host.replaceChildren(errorState(new ApiError(404, { title: t('mf.noSuchTarget') }))); return; }
    }
    build(plan, tg, inds);
  }).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

// ---------- indicator ----------
export function indicatorFormPage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const gate = staffGate(t(code ? 'mf.indicatorEdit' : 'mf.indicatorNew'), 'indicators');
  if (gate) return gate;
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const build = (ind: (Indicator & { version?: number }) | null, elements: DataElement[], indicators: Indicator[]) => {
    const list = h('datalist', { id: 'formula-codes' },
      elements.map((d) => h('option', { value: d.code }, d.name_vi)),
      indicators.filter((i) => i.code !== ind?.code).map((i) => h('option', { value: i.code }, i.name_vi)));
    const form: HTMLFormElement = h('form', { class: 'form', id: 'indicator-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        input({ name: 'code', label: t('mf.code'), required: true, value: ind?.code, maxlength: 40, hint: t('mf.codeHint') }),
        input({ name: 'name_vi', label: t('mf.nameVi'), required: true, value: ind?.name_vi, maxlength: 300 }),
        input({ name: 'name_en', label: t('mf.nameEn'), value: ind?.name_en, maxlength: 300 }),
        input({ name: 'unit', label: t('mon.unit'), value: ind?.unit, maxlength: 50, placeholder: t('mf.unitPlaceholder') }),
        input({ name: 'numerator', label: t('mon.numerator'), required: true, value: ind?.numerator, hint: t('mf.formulaHint') }),
        input({ name: 'denominator', label: t('mon.denominator'), value: ind?.denominator, hint: t('mf.denominatorHint') }),
        input({ name: 'factor', label: t('mf.factor'), value: ind?.factor != null ? numText(ind.factor) : '', inputmode: 'decimal', hint: t('mf.factorHint') }),
        select({ name: 'direction', label: t('mon.direction'), value: String(ind?.direction ?? 1), options: [['1', t('mon.higherBetter')], ['-1', t('mon.lowerBetter')]] })),
      textarea({ name: 'definition', label: t('mf.definition'), value: ind?.definition }),
      input({ name: 'source', label: t('mon.source'), value: ind?.source }),
      list,
      buttons('indicator-save', ind ? '#/indicators/' + encodeURIComponent(ind.code) : '#/indicators'));
    for (const n of ['numerator', 'denominator']) {
      const el = form.querySelector(`input[name="${n}"]`) as HTMLInputElement;
      el.setAttribute('list', 'formula-codes');
      el.classList.add('mono');
    }
    if (ind) (form.querySelector('input[name="code"]') as HTMLInputElement).readOnly = true;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const { fd, body, errs } = readForm(form, ['code', 'name_vi', 'name_en', 'unit', 'numerator', 'denominator', 'definition', 'source'], ['code', 'name_vi', 'numerator']);
      const factor = numberOf(fd, 'factor', errs);
      if (factor !== null && factor <= 0) errs.push(['factor', t('mf.errPositive')]);
      body.factor = factor;
      body.direction = Number(val(fd, 'direction') || 1);
      if (showErrors(form, errs)) return;
      const btn = form.querySelector('#indicator-save') as HTMLButtonElement;
      void save(form, btn, () => {
        if (ind) {
          const patch = changes(ind as unknown as Record<string, unknown>, body);
          delete patch.code;
          if (patch.factor === null) delete patch.factor;  // the server keeps a factor; 1 is "none"
          return api.patch<Indicator>('/indicators/' + encodeURIComponent(ind.code), { version: ind.version, ...patch });
        }
        const post: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== null) post[k] = v;
        return api.post<Indicator>('/indicators', post);
      }, (saved) => navigate('/indicators/' + encodeURIComponent(saved.code)));
    });
    host.replaceChildren(pageHeader(t(ind ? 'mf.indicatorEdit' : 'mf.indicatorNew'), ind ? ind.name_vi : t('mf.indicatorLead')),
      monitoringTabs('indicators'), h('section', { class: 'card' }, form));
    (form.querySelector('input:not([readonly])') as HTMLElement | null)?.focus();
  };
  Promise.all([
    code ? api.get<Indicator & { version: number }>('/indicators/' + encodeURIComponent(code)) : Promise.resolve(null),
    api.get<ListResponse<DataElement>>('/data-elements', { limit: 500 }).then((r) => itemsOf<DataElement>(r)),
    api.get<ListResponse<Indicator>>('/indicators', { limit: 500 }).then((r) => itemsOf<Indicator>(r)),
  ]).then(([ind, des, inds]) => build(ind, des, inds)).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

// ---------- data elements and validation rules ----------
interface Rule {
  id: number; code: string; data_element: string; other_element?: string | null; operator?: string | null;
  min_value?: number | null; max_value?: number | null; message?: string | null;
}
const DERIVED = ['registry:st_enterprises_active', 'registry:organizations', 'registry:transfer_contracts', 'registry:transfer_contracts_value',
  'registry:ip_applications', 'registry:ip_grants'];

function ruleText(r: Rule): string {
  const parts: string[] = [];
  if (r.min_value != null && r.max_value != null) parts.push(`${fmtNum(r.min_value)} ≤ ${r.data_element} ≤ ${fmtNum(r.max_value)}`);
  else if (r.min_value != null) parts.push(`${r.data_element} ≥ ${fmtNum(r.min_value)}`);
  else if (r.max_value != null) parts.push(`${r.data_element} ≤ ${fmtNum(r.max_value)}`);
  if (r.operator && r.other_element) parts.push(`${r.data_element} ${r.operator} ${r.other_element}`);
  return parts.join(' · ');
}

export function dataElementsPage(): Node {
  const host = h('div', { class: 'results' }, loading());
  const rulesHost = h('div', { id: 'rules-list' }, loading());
  const load = () => {
    api.get<ListResponse<DataElement>>('/data-elements', { limit: 500 }).then((r) => {
      const items = itemsOf<DataElement>(r);
      if (!items.length) { host.replaceChildren(empty()); return; }
      const cols: Column<DataElement>[] = [
        { label: t('mon.dataElement'), primary: true, cell: (d) => h('div', null, h('span', null, d.name_vi), h('div', { class: 'muted small mono' }, d.code)) },
        { label: t('mon.unit'), cell: (d) => d.unit || '—' },
        { label: t('mf.aggregation'), cell: (d) => (d.aggregation ? t(('mon.agg.' + d.aggregation) as DictKey) : '—') },
        { label: t('mf.derivedCol'), cell: (d) => (d.derived_from ? h('code', null, d.derived_from) : '—') },
      ];
      if (can.staff()) cols.push({ label: t('common.actions'), cell: (d) => h('a', { class: 'btn btn-small', href: '#/data-elements/' + encodeURIComponent(d.code) + '/edit', 'data-edit-element': d.code }, t('common.edit')) });
      host.replaceChildren(table(items, cols, { caption: t('mf.elementsTitle'), rowKey: (d) => d.code }));
      if (can.staff()) ruleFormHost.replaceChildren(ruleForm(items, loadRules));
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  const loadRules = () => {
    api.get<{ items: Rule[] }>('/validation-rules').then((r) => {
      const rules = r.items;
      if (!rules.length) { rulesHost.replaceChildren(empty(t('mf.noRules'))); return; }
      const cols: Column<Rule>[] = [
        { label: t('mf.code'), primary: true, className: 'mono', cell: (x) => x.code },
        { label: t('mf.rule'), className: 'mono small', cell: (x) => ruleText(x) },
        { label: t('mf.ruleMessage'), cell: (x) => x.message || '—' },
      ];
      if (can.staff()) {
        cols.push({ label: t('common.actions'), cell: (x) => h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-delete-rule': x.code, onclick: async () => {
          if (!(await confirmDialog(t('mf.ruleDeleteConfirm', { code: x.code }), t('common.delete')))) return;
          try { await api.del('/validation-rules/' + encodeURIComponent(x.code)); toast(t('common.deleted')); loadRules(); } catch (e) { toast(errorText(e), 'bad'); }
        } }, t('common.delete')) });
      }
      rulesHost.replaceChildren(table(rules, cols, { caption: t('mf.rulesTitle'), rowKey: (x) => x.code }));
    }).catch((e) => rulesHost.replaceChildren(errorState(e, loadRules)));
  };
  const ruleFormHost = h('div', null);
  load();
  loadRules();
  return h('div', { class: 'page page-monitoring' },
    pageHeader(t('mf.elementsTitle'), t('mf.elementsLead'),
      can.staff() ? h('div', { class: 'btn-row' },
        h('a', { class: 'btn btn-primary', href: '#/data-elements/new', id: 'element-new' }, '+ ', t('mf.elementNew')),
        h('a', { class: 'btn', href: '#/indicators/new' }, '+ ', t('mf.indicatorNew'))) : null),
    monitoringTabs('setup'),
    h('section', { class: 'card' }, host),
    h('section', { class: 'card', id: 'rules' }, h('h2', null, t('mf.rulesTitle')), h('p', { class: 'muted' }, t('mf.rulesLead')), rulesHost, ruleFormHost));
}

function ruleForm(elements: DataElement[], reload: () => void): HTMLElement {
  const entered = elements.filter((d) => !d.derived_from);
  const opts: [string, string][] = [['', '—'], ...entered.map((d): [string, string] => [d.code, `${d.code} — ${d.name_vi}`])];
  const form: HTMLFormElement = h('form', { class: 'mini-form', id: 'rule-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      input({ name: 'code', label: t('mf.code'), required: true, maxlength: 40, hint: t('mf.codeHint') }),
      select({ name: 'data_element', label: t('mon.dataElement'), required: true, options: opts }),
      input({ name: 'min_value', label: t('mf.minValue'), inputmode: 'decimal' }),
      input({ name: 'max_value', label: t('mf.maxValue'), inputmode: 'decimal' }),
      select({ name: 'operator', label: t('mf.operator'), options: [['', '—'], ['<=', '≤'], ['<', '<'], ['>=', '≥'], ['>', '>']], hint: t('mf.operatorHint') }),
      select({ name: 'other_element', label: t('mf.otherElement'), options: opts }),
      input({ name: 'message', label: t('mf.ruleMessage'), maxlength: 500 })),
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'rule-save' }, t('mf.ruleAdd')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const { fd, body, errs } = readForm(form, ['code', 'data_element', 'operator', 'other_element', 'message'], ['code', 'data_element'], true);
    const lo = numberOf(fd, 'min_value', errs), hi = numberOf(fd, 'max_value', errs);
    if (lo !== null) body.min_value = lo;
    if (hi !== null) body.max_value = hi;
    if (showErrors(form, errs)) return;
    const btn = form.querySelector('#rule-save') as HTMLButtonElement;
    void save(form, btn, () => api.post<Rule>('/validation-rules', body), () => { form.reset(); btn.disabled = false; reload(); });
  });
  return h('details', { class: 'rule-new', open: true }, h('summary', null, '+ ', t('mf.ruleAdd')), form);
}

export function dataElementFormPage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const gate = staffGate(t(code ? 'mf.elementEdit' : 'mf.elementNew'), 'setup');
  if (gate) return gate;
  const host = h('div', { class: 'page page-monitoring' }, loading());
  const build = (d: (DataElement & { version?: number }) | null) => {
    const form: HTMLFormElement = h('form', { class: 'form', id: 'element-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        input({ name: 'code', label: t('mf.code'), required: true, value: d?.code, maxlength: 40, hint: t('mf.codeHint') }),
        input({ name: 'name_vi', label: t('mf.nameVi'), required: true, value: d?.name_vi, maxlength: 300 }),
        input({ name: 'name_en', label: t('mf.nameEn'), value: d?.name_en, maxlength: 300 }),
        input({ name: 'unit', label: t('mon.unit'), value: d?.unit, maxlength: 50, placeholder: t('mf.unitPlaceholder') }),
        select({ name: 'aggregation', label: t('mf.aggregation'), required: true, value: d?.aggregation ?? 'sum', hint: t('mf.aggregationHint'),
          options: ['sum', 'average', 'last'].map((a): [string, string] => [a, t(('mon.agg.' + a) as DictKey)]) }),
        select({ name: 'value_type', label: t('mf.valueType'), required: true, value: d?.value_type ?? 'number',
          options: ['number', 'integer', 'percent'].map((a): [string, string] => [a, t(('mf.vt.' + a) as DictKey)]) }),
        input({ name: 'derived_from', label: t('mf.derivedCol'), value: d?.derived_from, hint: t('mf.derivedHint') })),
      textarea({ name: 'description', label: t('mf.description'), value: d?.description }),
      h('datalist', { id: 'derived-options' }, DERIVED.map((x) => h('option', { value: x }))),
      buttons('element-save', '#/data-elements'));
    (form.querySelector('input[name="derived_from"]') as HTMLInputElement).setAttribute('list', 'derived-options');
    if (d) (form.querySelector('input[name="code"]') as HTMLInputElement).readOnly = true;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const { body, errs } = readForm(form, ['code', 'name_vi', 'name_en', 'unit', 'aggregation', 'value_type', 'derived_from', 'description'], ['code', 'name_vi']);
      if (showErrors(form, errs)) return;
      const btn = form.querySelector('#element-save') as HTMLButtonElement;
      void save(form, btn, () => {
        if (d) {
          const patch = changes(d as unknown as Record<string, unknown>, body);
          delete patch.code;
          return api.patch<DataElement>('/data-elements/' + encodeURIComponent(d.code), { version: d.version, ...patch });
        }
        const post: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== null) post[k] = v;
        return api.post<DataElement>('/data-elements', post);
      }, () => navigate('/data-elements'));
    });
    host.replaceChildren(pageHeader(t(d ? 'mf.elementEdit' : 'mf.elementNew'), d?.name_vi), monitoringTabs('setup'), h('section', { class: 'card' }, form));
    (form.querySelector('input:not([readonly])') as HTMLElement | null)?.focus();
  };
  if (code) api.get<DataElement & { version: number }>('/data-elements/' + encodeURIComponent(code)).then(build).catch((e) => host.replaceChildren(errorState(e)));
  else build(null);
  return host;
}
