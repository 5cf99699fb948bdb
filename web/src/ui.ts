// Shared UI components: states, tables that turn into cards, pager, badges, dialogs, form fields.
import { h, type Child } from './dom';
import { t, getLang, type DictKey } from './i18n';
import { ApiError } from './api';
import { fmtDate, fmtNum } from './format';

export function loading(): HTMLElement {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('state.loading'));
}

export function empty(msg?: string): HTMLElement {
  return h('div', { class: 'state state-empty' }, msg ?? t('state.empty'));
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('err.network');
    if (e.status === 404) return t('state.notFound');
    if (e.status === 403) return t('state.forbidden');
    if (e.status === 401) return t('state.needLogin');
    if (e.status === 409 && !e.problem.detail) return t('err.conflict');
    return e.problem.detail || e.problem.title || t('err.generic');
  }
  return t('err.generic');
}

export function errorState(e: unknown, retry?: () => void): HTMLElement {
  return h('div', { class: 'state state-error', role: 'alert' },
    h('p', null, errorText(e)),
    retry ? h('button', { class: 'btn', type: 'button', onclick: retry }, t('state.retry')) : null);
}

export function pageHeader(title: string, lead?: string, actions?: Child): HTMLElement {
  return h('div', { class: 'page-header' },
    h('div', null, h('h1', { tabindex: '-1', class: 'page-title' }, title), lead ? h('p', { class: 'lead' }, lead) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null);
}

export function badge(text: string, tone = 'neutral'): HTMLElement {
  return h('span', { class: `badge badge-${tone}` }, text);
}

export function statusBadge(status: string | null | undefined): HTMLElement | string {
  if (!status) return '—';
  const tone = status === 'active' ? 'ok' : status === 'suspended' ? 'warn' : status === 'revoked' ? 'bad' : 'neutral';
  return badge(t(('status.' + status) as DictKey) || status, tone);
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  sortKey?: string;
  className?: string;
  primary?: boolean;
}

/** A table that CSS turns into cards on narrow screens (each cell carries data-label). */
export function table<T>(rows: T[], cols: Column<T>[], opts: {
  sort?: string; onSort?: (key: string) => void; caption?: string; rowKey?: (r: T) => string;
} = {}): HTMLElement {
  const head = h('tr', null, cols.map((c) => {
    if (!c.sortKey || !opts.onSort) return h('th', { scope: 'col', class: c.className }, c.label);
    const active = opts.sort === c.sortKey ? 'ascending' : opts.sort === '-' + c.sortKey ? 'descending' : null;
    const next = opts.sort === c.sortKey ? '-' + c.sortKey : c.sortKey;
    return h('th', { scope: 'col', class: c.className, 'aria-sort': active ?? 'none' },
      h('button', { type: 'button', class: 'sort-btn', 'data-sort': c.sortKey, onclick: () => opts.onSort!(next) },
        c.label, h('span', { class: 'sort-ind', 'aria-hidden': 'true' }, active === 'ascending' ? '▲' : active === 'descending' ? '▼' : '↕')));
  }));
  const body = h('tbody', null, rows.map((r) => h('tr', opts.rowKey ? { 'data-key': opts.rowKey(r) } : null,
    cols.map((c) => h('td', { 'data-label': c.label, class: [c.className, c.primary ? 'cell-primary' : ''].filter(Boolean).join(' ') || null }, c.cell(r))))));
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table responsive' },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', null, head), body));
}

export function pager(total: number, limit: number, offset: number, go: (offset: number) => void): HTMLElement {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return h('nav', { class: 'pager', 'aria-label': 'pagination' },
    h('button', { type: 'button', class: 'btn btn-ghost', disabled: offset <= 0, onclick: () => go(Math.max(0, offset - limit)) }, '‹ ', t('common.prev')),
    h('span', { class: 'pager-info' }, t('common.pageInfo', { from: fmtNum(from), to: fmtNum(to), total: fmtNum(total) })),
    h('button', { type: 'button', class: 'btn btn-ghost', disabled: to >= total, onclick: () => go(offset + limit) }, t('common.next'), ' ›'));
}

export function link(href: string, text: Child, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return h('a', { href, ...attrs }, text);
}

export function dl(pairs: [string, Child][]): HTMLElement {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) =>
    h('div', { class: 'kv-row' }, h('dt', null, k), h('dd', null, v))));
}

/** Accessible confirmation dialog built on <dialog>. Resolves true on confirm. */
export function confirmDialog(message: string, confirmLabel: string, danger = true): Promise<boolean> {
  return new Promise((resolve) => {
    const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': 'dlg-msg' }) as HTMLDialogElement;
    const done = (v: boolean) => { dlg.close(); dlg.remove(); resolve(v); };
    dlg.append(
      h('p', { id: 'dlg-msg', class: 'dialog-msg' }, message),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => done(false) }, t('common.cancel')),
        h('button', { type: 'button', class: danger ? 'btn btn-danger' : 'btn btn-primary', 'data-confirm': '1', onclick: () => done(true) }, confirmLabel)));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
    (dlg.querySelector('[data-confirm]') as HTMLElement).focus();
  });
}

let toastTimer = 0;
export function toast(msg: string, tone: 'ok' | 'bad' = 'ok'): void {
  let el = document.getElementById('toast');
  if (!el) { el = h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' }); document.body.appendChild(el); }
  el.className = `toast toast-${tone} show`;
  el.textContent = msg;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => el!.classList.remove('show'), 3500);
}

// ---- forms ----
export interface FieldOpts {
  name: string; label: string; required?: boolean; hint?: string; type?: string;
  value?: string | null; placeholder?: string; autocomplete?: string; inputmode?: string; maxlength?: number;
}

export function fieldWrap(name: string, label: string, control: HTMLElement, required?: boolean, hint?: string): HTMLElement {
  const id = 'f-' + name;
  control.id = id;
  const errId = id + '-error';
  const hintId = hint ? id + '-hint' : null;
  control.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  if (required) control.setAttribute('aria-required', 'true');
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'field-hint', id: hintId! }, hint) : null,
    h('p', { class: 'field-error', id: errId, 'data-error-for': name, 'aria-live': 'polite' }));
}

export function input(o: FieldOpts): HTMLElement {
  const el = h('input', {
    name: o.name, type: o.type ?? 'text', value: o.value ?? '', placeholder: o.placeholder,
    autocomplete: o.autocomplete ?? 'off', inputmode: o.inputmode, maxlength: o.maxlength,
  });
  return fieldWrap(o.name, o.label, el, o.required, o.hint);
}

export function textarea(o: FieldOpts): HTMLElement {
  const el = h('textarea', { name: o.name, rows: 4 });
  el.value = o.value ?? '';
  return fieldWrap(o.name, o.label, el, o.required, o.hint);
}

export function select(o: FieldOpts & { options: [string, string][] }): HTMLElement {
  const el = h('select', { name: o.name }, o.options.map(([v, l]) => h('option', { value: v, selected: v === (o.value ?? '') }, l)));
  return fieldWrap(o.name, o.label, el, o.required, o.hint);
}

export function checkbox(name: string, label: string, checked: boolean): HTMLElement {
  return h('div', { class: 'field field-check', 'data-field': name },
    h('label', null, h('input', { type: 'checkbox', name, checked }), ' ', label),
    h('p', { class: 'field-error', 'data-error-for': name, 'aria-live': 'polite' }));
}

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll('.field-error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.field.has-error').forEach((e) => e.classList.remove('has-error'));
  const s = form.querySelector('.form-summary'); if (s) { s.textContent = ''; s.classList.add('hidden'); }
}

/** Show an error message next to a named field; returns false if no such field. */
export function setFieldError(form: HTMLElement, name: string, msg: string): boolean {
  const err = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
  if (!err) return false;
  err.textContent = msg;
  const wrap = err.closest('.field');
  wrap?.classList.add('has-error');
  wrap?.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
  return true;
}

export function showSummary(form: HTMLElement, msg: string): void {
  const s = form.querySelector('.form-summary') as HTMLElement | null;
  if (s) { s.textContent = msg; s.classList.remove('hidden'); s.focus(); }
}

/** Map a problem+json error onto the form: `field` and `errors[]` go next to their fields. */
export function showProblem(form: HTMLElement, e: unknown): void {
  clearErrors(form);
  if (e instanceof ApiError) {
    const p = e.problem;
    let placed = false;
    // The server's messages are English; in the Vietnamese UI say first, in Vietnamese, that it is invalid.
    const say = (m: string) => (getLang() === 'vi' && /^[\x20-\x7e]*$/.test(m) ? `${t('err.invalidPrefix')}: ${m}` : m);
    if (p.errors) for (const er of p.errors) if (er.field && er.message) placed = setFieldError(form, er.field, say(er.message)) || placed;
    if (p.field && !(p.errors ?? []).some((er) => er.field === p.field)) {
      placed = setFieldError(form, p.field, say(p.detail || p.title || t('err.generic'))) || placed;
    }
    showSummary(form, e.status === 409 ? (p.detail || t('err.conflict')) : placed ? t('common.formErrors') : errorText(e));
    const first = form.querySelector('.field.has-error input, .field.has-error select, .field.has-error textarea') as HTMLElement | null;
    first?.focus();
  } else {
    showSummary(form, t('err.generic'));
  }
}

export function formSummary(): HTMLElement {
  return h('div', { class: 'form-summary hidden', role: 'alert', tabindex: '-1' });
}

/** Shown instead of a write form to anonymous users (the server would refuse anyway). */
export function needLogin(): HTMLElement {
  const next = location.hash.slice(1);
  return h('div', { class: 'state state-empty' },
    h('p', null, t('state.needLogin')),
    h('a', { class: 'btn btn-primary', href: '#/login?next=' + encodeURIComponent(next) }, t('user.login')));
}

/** A date field typed as dd/mm/yyyy (same display everywhere, whatever the browser's locale). */
export function dateInput(o: FieldOpts): HTMLElement {
  return input({ ...o, type: 'text', value: o.value ? fmtDate(o.value) : '', placeholder: o.placeholder ?? 'dd/mm/yyyy',
    inputmode: 'numeric', maxlength: 10, autocomplete: 'off' });
}
