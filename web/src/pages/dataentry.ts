// Data entry for staff (issue 5): enter a value of a data element for a unit and period (a draft),
// then move it through the workflow: submit -> approve -> lock, or reopen with a reason.
// The server validates (periods, units, ranges, rules, outliers); its problem+json errors are shown
// next to their fields. All text goes in via text nodes (dom.ts); no innerHTML.
import { h } from '../dom';
import { t, getLang, type Lang } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDateTime, fmtNum } from '../format';
import { type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  clearErrors, empty, errorState, errorText, formSummary, input, loading, needLogin, pageHeader, select, setFieldError,
  showProblem, showSummary, table, textarea, toast, type Column,
} from '../ui';
import { getCommunes, getProvinces, type AdminUnit } from '../refdata';
import { getProvincesPre2025, hrefWith, monitoringTabs, num, type DataElement } from './monitoring';
import { valueStatusBadge } from './indicators';

interface Approval { action: string; actor_email: string; at: string; from_status: string; to_status: string; reason: string | null }
export interface DataValue {
  id: number; data_element: string; unit_code: string; level: string; era: string; period: string; value: number;
  status: string; source: string | null; note: string | null; entered_by?: string; outlier?: boolean; warnings?: string[];
  approvals?: Approval[]; created_at?: string; updated_at?: string; version?: number;
}

/** A number typed the Vietnamese way ("1.234,5") or the English way ("1,234.5"); null if it is not one.
 *  A lone separator followed by exactly three digits is a thousands separator in the given language. */
export function parseNumber(input: string, lang: Lang): number | null {
  let s = input.trim().replace(/[\s\u00a0]/g, '');
  if (!s) return null;
  if (!/^[+-]?[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  const lastDot = s.lastIndexOf('.'), lastComma = s.lastIndexOf(',');
  const esc = (c: string) => (c === '.' ? '\\.' : c);
  if (lastDot >= 0 && lastComma >= 0) {
    const dec = lastDot > lastComma ? '.' : ',';
    const thou = dec === '.' ? ',' : '.';
    const parts = s.split(dec);
    if (parts.length !== 2 || !/^\d+$/.test(parts[1])) return null;
    if (!new RegExp(`^[+-]?\\d{1,3}(${esc(thou)}\\d{3})+$`).test(parts[0])) return null;
    s = parts[0].split(thou).join('') + '.' + parts[1];
  } else if (lastDot >= 0 || lastComma >= 0) {
    const sep = lastDot >= 0 ? '.' : ',';
    const groups = new RegExp(`^[+-]?\\d{1,3}(${esc(sep)}\\d{3})+$`);
    if (sep === (lang === 'vi' ? '.' : ',') && groups.test(s)) s = s.split(sep).join('');
    else if (s.split(sep).length === 2 && /\d$/.test(s)) s = s.replace(sep, '.');
    else return null;
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

const ACTIONS: Record<string, string[]> = {
  draft: ['submit'], submitted: ['approve', 'reopen'], approved: ['lock', 'reopen'], locked: ['reopen'],
};

/** Ask for the reason of a reopening; the server's field error (reason) is shown in the dialog. */
function reopenDialog(v: DataValue, done: (saved: DataValue) => void): void {
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'reopen-title' }) as HTMLDialogElement;
  const form: HTMLFormElement = h('form', { id: 'reopen-form', novalidate: true },
    h('h2', { id: 'reopen-title', class: 'dialog-msg' }, t('mon.reopenTitle', { period: v.period, value: num(v.value) })),
    formSummary(),
    textarea({ name: 'reason', label: t('mon.reopenReason'), hint: t('mon.reopenHint') }),
    h('div', { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { dlg.close(); dlg.remove(); } }, t('common.cancel')),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'reopen-confirm' }, t('mon.action.reopen'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const reason = String(new FormData(form).get('reason') || '').trim();
    try {
      const saved = await api.post<DataValue>(`/data-values/${v.id}/reopen`, reason ? { reason } : {});
      dlg.close(); dlg.remove();
      done(saved);
    } catch (err) { showProblem(form, err); }
  });
  dlg.addEventListener('cancel', () => dlg.remove());
  dlg.append(form);
  document.body.appendChild(dlg);
  dlg.showModal();
  (form.querySelector('textarea') as HTMLElement).focus();
}

function actionButtons(v: DataValue, after: (saved: DataValue) => void, onError: (msg: string) => void): HTMLElement {
  return h('span', { class: 'wf-actions' }, (ACTIONS[v.status] ?? []).map((a) => h('button', {
    type: 'button', class: 'btn btn-small' + (a === 'reopen' ? ' btn-ghost' : ''), 'data-action': a, 'data-id': String(v.id),
    onclick: async (e: Event) => {
      if (a === 'reopen') { reopenDialog(v, after); return; }
      const b = e.currentTarget as HTMLButtonElement;
      b.disabled = true;
      try { after(await api.post<DataValue>(`/data-values/${v.id}/${a}`)); } catch (err) { b.disabled = false; onError(errorText(err)); }
    },
  }, t(('mon.action.' + a) as 'mon.action.submit'))));
}

export function dataEntryPage(ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  if (!can.staff()) return h('div', { class: 'page' }, pageHeader(t('mon.entryTitle')), monitoringTabs('entry'), errorState(new ApiError(403, {})));
  const q = ctx.query;
  const init = {
    data_element: q.get('data_element') || '', era: q.get('era') || '2025', unit: q.get('unit') || '',
    level: q.get('level') || '', period: q.get('period') || '',
  };
  const provinceInit = init.level === 'commune' ? '' : init.unit;

  const form: HTMLFormElement = h('form', { class: 'form', id: 'entry-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      select({ name: 'data_element', label: t('mon.dataElement'), required: true, value: init.data_element, options: [['', '—']] }),
      select({ name: 'era', label: t('mon.map'), value: init.era, options: [['2025', t('mon.era2025')], ['pre2025', t('mon.eraPre2025')]], hint: t('mon.eraHint') }),
      select({ name: 'unit', label: t('mon.unitLabel'), required: true, value: provinceInit, options: [['', '—'], ['VN', t('mon.nation')]] }),
      select({ name: 'commune', label: t('mon.commune'), value: '', options: [['', t('mon.wholeProvince')]] }),
      input({ name: 'period', label: t('mon.periodLabel'), required: true, value: init.period, placeholder: '2024, 2024Q1, 202403', hint: t('mon.periodHint'), maxlength: 7 }),
      input({ name: 'value', label: t('mon.value'), required: true, inputmode: 'decimal', hint: t('mon.valueHint') }),
      input({ name: 'source', label: t('mon.source'), hint: t('mon.sourceHint') }),
      input({ name: 'note', label: t('mon.note') })),
    h('p', { class: 'muted small', id: 'value-preview', 'aria-live': 'polite' }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'entry-save' }, t('mon.saveDraft'))));
  const deSel = form.querySelector('select[name="data_element"]') as HTMLSelectElement;
  const eraSel = form.querySelector('select[name="era"]') as HTMLSelectElement;
  const unitSel = form.querySelector('select[name="unit"]') as HTMLSelectElement;
  const communeSel = form.querySelector('select[name="commune"]') as HTMLSelectElement;
  const valueIn = form.querySelector('input[name="value"]') as HTMLInputElement;
  const preview = form.querySelector('#value-preview') as HTMLElement;
  const result = h('div', { id: 'entry-result', 'aria-live': 'polite' });
  const listHost = h('div', { id: 'entry-values' });
  const elements = new Map<string, DataElement>();

  valueIn.addEventListener('input', () => {
    const v = parseNumber(valueIn.value, getLang());
    preview.textContent = valueIn.value.trim() ? (v === null ? t('mon.notANumber') : t('mon.willSave', { value: fmtNum(v, 6) })) : '';
  });

  api.get<ListResponse<DataElement>>('/data-elements', { limit: 500 }).then((r) => {
    for (const d of itemsOf<DataElement>(r)) {
      elements.set(d.code, d);
      const derived = !!d.derived_from;
      deSel.appendChild(h('option', { value: d.code, disabled: derived, selected: d.code === init.data_element },
        `${d.code} — ${d.name_vi}${d.unit ? ' (' + d.unit + ')' : ''}${derived ? ' — ' + t('mon.derived') : ''}`));
    }
    refreshList();
  }).catch(() => undefined);

  const fillUnits = (keep: string) => {
    unitSel.replaceChildren(h('option', { value: '' }, '—'));
    if (eraSel.value === '2025') unitSel.appendChild(h('option', { value: 'VN', selected: keep === 'VN' }, t('mon.nation')));
    (eraSel.value === 'pre2025' ? getProvincesPre2025() : getProvinces()).then((ps: AdminUnit[]) => {
      for (const p of ps) unitSel.appendChild(h('option', { value: p.code, selected: p.code === keep }, p.name));
      fillCommunes(init.level === 'commune' ? init.unit : '');
      refreshList();
    }).catch(() => undefined);
  };
  const fillCommunes = (keep: string) => {
    communeSel.replaceChildren(h('option', { value: '' }, t('mon.wholeProvince')));
    const pc = unitSel.value;
    communeSel.disabled = eraSel.value !== '2025' || !pc || pc === 'VN';
    if (communeSel.disabled) return;
    getCommunes(pc).then((cs) => {
      if (unitSel.value !== pc) return;
      for (const c of cs) communeSel.appendChild(h('option', { value: c.code, selected: c.code === keep }, c.full_name || c.name));
    }).catch(() => undefined);
  };
  // A commune given in the URL: pick its province first.
  if (init.level === 'commune' && init.unit) {
    api.get<AdminUnit>('/admin-units/' + encodeURIComponent(init.unit), { level: 'commune' })
      .then((c) => fillUnits(c.province_code ?? '')).catch(() => fillUnits(''));
  } else {
    fillUnits(provinceInit);
  }
  eraSel.addEventListener('change', () => { fillUnits(''); });
  unitSel.addEventListener('change', () => { fillCommunes(''); refreshList(); });
  communeSel.addEventListener('change', () => refreshList());
  deSel.addEventListener('change', () => refreshList());

  const chosenUnit = () => {
    if (communeSel.value) return { unit: communeSel.value, level: 'commune', era: '2025' };
    const u = unitSel.value;
    return { unit: u, level: u === 'VN' ? 'nation' : 'province', era: eraSel.value };
  };

  const showResult = (v: DataValue, verb: string) => {
    result.replaceChildren(h('div', { class: 'entry-saved card-inset', 'data-id': String(v.id), 'data-status': v.status },
      h('p', null, h('strong', null, verb), ' ', t('mon.savedValue', { id: v.id, element: v.data_element, unit: v.unit_code, period: v.period }), ' ',
        h('strong', { class: 'saved-value' }, num(v.value)), ' ', valueStatusBadge(v.status)),
      v.outlier ? h('p', { class: 'warn-text', id: 'entry-outlier' }, t('mon.outlier')) : null,
      (v.warnings ?? []).length ? h('ul', { class: 'warn-text small', id: 'entry-warnings' }, (v.warnings ?? []).map((w) => h('li', null, w))) : null,
      (v.approvals ?? []).length ? h('ol', { class: 'approvals small' }, (v.approvals ?? []).map((a) =>
        h('li', null, `${fmtDateTime(a.at)} · ${a.actor_email} · ${t(('mon.vstatus.' + a.from_status) as 'mon.vstatus.draft')} → ${t(('mon.vstatus.' + a.to_status) as 'mon.vstatus.draft')}`,
          a.reason ? ` · ${a.reason}` : ''))) : null,
      h('p', null, actionButtons(v, (s) => { showResult(s, t(('mon.done.' + (s.status)) as 'mon.done.draft')); refreshList(); },
        (msg) => toast(msg, 'bad')))));
  };

  let listSeq = 0;
  function refreshList(): void {
    const de = deSel.value;
    const u = chosenUnit();
    if (!de || !u.unit) { listHost.replaceChildren(h('p', { class: 'muted' }, t('mon.chooseToList'))); return; }
    const seq = ++listSeq;
    listHost.replaceChildren(loading());
    api.get<ListResponse<DataValue>>('/data-values', { data_element: de, unit: u.unit, limit: 200 }).then((r) => {
      if (seq !== listSeq) return;
      const items = itemsOf<DataValue>(r).filter((v) => v.era === u.era || u.level === 'nation')
        .sort((a, b) => b.period.localeCompare(a.period));
      if (!items.length) { listHost.replaceChildren(empty(t('mon.noValuesYet'))); return; }
      const rowMsg = new Map<number, HTMLElement>();
      const cols: Column<DataValue>[] = [
        { label: t('mon.periodLabel'), primary: true, cell: (v) => v.period },
        { label: t('mon.value'), className: 'num', cell: (v) => h('span', null, num(v.value), v.outlier ? h('span', { class: 'badge badge-warn', title: t('mon.outlier') }, ' !') : null) },
        { label: t('mon.vstatusLabel'), cell: (v) => valueStatusBadge(v.status) },
        { label: t('mon.source'), cell: (v) => v.source || h('span', { class: 'muted' }, t('mon.missing')) },
        { label: t('mon.enteredBy'), cell: (v) => h('span', { class: 'small' }, v.entered_by ?? '—', v.updated_at ? h('div', { class: 'muted' }, fmtDateTime(v.updated_at)) : null) },
        { label: t('common.actions'), cell: (v) => {
          const msg = h('span', { class: 'row-error', role: 'alert' });
          rowMsg.set(v.id, msg);
          return h('span', null, actionButtons(v, (s) => { toast(t(('mon.done.' + s.status) as 'mon.done.draft')); showResult(s, t(('mon.done.' + s.status) as 'mon.done.draft')); refreshList(); },
            (m) => { msg.textContent = m; }), msg);
        } },
      ];
      listHost.replaceChildren(table(items, cols, { caption: t('mon.valuesList'), rowKey: (v) => String(v.id) }));
    }).catch((e) => { if (seq === listSeq) listHost.replaceChildren(errorState(e, refreshList)); });
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const u = chosenUnit();
    const body: Record<string, unknown> = { data_element: String(fd.get('data_element') || ''), unit: u.unit, period: String(fd.get('period') || '').trim() };
    if (u.level === 'commune') body.level = 'commune';
    if (u.era !== '2025') body.era = u.era;
    let ok = true;
    if (!body.data_element) { setFieldError(form, 'data_element', t('err.required')); ok = false; }
    if (!u.unit) { setFieldError(form, 'unit', t('err.required')); ok = false; }
    if (!body.period) { setFieldError(form, 'period', t('err.required')); ok = false; }
    const raw = String(fd.get('value') || '');
    const v = parseNumber(raw, getLang());
    if (!raw.trim()) { setFieldError(form, 'value', t('err.required')); ok = false; } else if (v === null) { setFieldError(form, 'value', t('mon.notANumber')); ok = false; }
    if (!ok) { showSummary(form, t('common.formErrors')); (form.querySelector('.has-error input, .has-error select') as HTMLElement | null)?.focus(); return; }
    body.value = v;
    for (const k of ['source', 'note']) { const x = String(fd.get(k) || '').trim(); if (x) body[k] = x; }
    const btn = form.querySelector('#entry-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      const saved = await api.post<DataValue>('/data-values', body);
      toast(t('common.saved'));
      showResult(saved, t('mon.done.draft'));
      refreshList();
    } catch (err) {
      // The server names the unit field "unit"; a commune was chosen in the commune select.
      if (err instanceof ApiError && err.problem.field === 'unit' && u.level === 'commune') err.problem.field = 'commune';
      if (err instanceof ApiError && err.problem.errors) for (const x of err.problem.errors) if (x.field === 'unit' && u.level === 'commune') x.field = 'commune';
      showProblem(form, err);
    } finally {
      btn.disabled = false;
    }
  });

  return h('div', { class: 'page page-monitoring' },
    pageHeader(t('mon.entryTitle'), t('mon.entryLead')),
    monitoringTabs('entry'),
    h('div', { class: 'grid-2 entry-grid' },
      h('section', { class: 'card' }, h('h2', null, t('mon.enterValue')), form, result),
      h('section', { class: 'card' }, h('h2', null, t('mon.valuesList')), h('p', { class: 'muted small' }, t('mon.workflowHelp')), listHost,
        h('p', { class: 'small' }, h('a', { href: hrefWith('/indicators', {}) }, t('mon.indicatorsTitle'), ' ›')))));
}
