// API tokens of the signed-in user (#/tokens) and file import for staff/admin (#/import).
import { h } from '../dom';
import { t } from '../i18n';
import { api, ApiError, itemsOf } from '../api';
import { fmtDateTime, fmtNum } from '../format';
import type { RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, clearErrors, confirmDialog, empty, errorState, errorText, formSummary, input, loading, needLogin, pageHeader, select,
  setFieldError, showProblem, showSummary, table, toast,
} from '../ui';

interface Token { id: number; name: string; prefix?: string; created_at?: string; last_used_at?: string | null; revoked_at?: string | null }

async function copyText(text: string, fallbackInput: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    fallbackInput.select();
    try { return document.execCommand('copy'); } catch { return false; }
  }
}

export function tokensPage(_ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, pageHeader(t('tokens.title')), needLogin());
  const listHost = h('div', { class: 'results' }, loading());
  const newHost = h('div', { 'aria-live': 'polite' });

  const load = () => {
    listHost.replaceChildren(loading());
    api.get<unknown>('/tokens', { limit: 500 }).then((r) => {
      const items = itemsOf<Token>(r);
      if (!items.length) { listHost.replaceChildren(empty(t('tokens.none'))); return; }
      listHost.replaceChildren(table(items, [
        { label: t('tokens.name'), primary: true, cell: (x) => x.name },
        { label: t('tokens.prefix'), className: 'mono', cell: (x) => (x.prefix ? x.prefix + '…' : '—') },
        { label: t('tokens.created'), cell: (x) => fmtDateTime(x.created_at) },
        { label: t('tokens.lastUsed'), cell: (x) => (x.last_used_at ? fmtDateTime(x.last_used_at) : t('tokens.never')) },
        { label: t('tokens.status'), cell: (x) => (x.revoked_at ? badge(t('tokens.revoked'), 'bad') : badge(t('tokens.active'), 'ok')) },
        { label: '', cell: (x) => (x.revoked_at ? '' : h('button', { type: 'button', class: 'btn btn-danger btn-small', 'data-revoke': String(x.id),
          onclick: async () => {
            if (!(await confirmDialog(t('tokens.revokeConfirm', { name: x.name }), t('tokens.revoke')))) return;
            try { await api.del('/tokens/' + x.id); toast(t('tokens.revokedToast')); load(); } catch (e) { toast(errorText(e), 'bad'); }
          } }, t('tokens.revoke'))) },
      ], { caption: t('tokens.title'), rowKey: (x) => String(x.id) }));
    }).catch((e) => listHost.replaceChildren(errorState(e, load)));
  };

  const form = h('form', { class: 'card token-form', id: 'token-form', novalidate: true },
    h('h2', null, t('tokens.create')),
    formSummary(),
    input({ name: 'name', label: t('tokens.name'), required: true, hint: t('tokens.nameHint'), maxlength: 100 }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'token-create' }, t('tokens.create'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const nameEl = form.querySelector('input[name="name"]') as HTMLInputElement;
    const name = nameEl.value.trim();
    if (!name) { setFieldError(form, 'name', t('common.required')); showSummary(form, t('common.formErrors')); nameEl.focus(); return; }
    try {
      const r = await api.post<{ id: number; name: string; token: string }>('/tokens', { name });
      nameEl.value = '';
      const out = h('input', { type: 'text', readonly: true, class: 'mono token-value', id: 'token-value', value: r.token, 'aria-label': t('tokens.value') });
      const copyBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'token-copy' }, t('tokens.copy'));
      copyBtn.addEventListener('click', async () => {
        const ok = await copyText(r.token, out);
        copyBtn.textContent = ok ? t('tokens.copied') : t('tokens.copyFailed');
      });
      newHost.replaceChildren(h('div', { class: 'card token-new', role: 'alert' },
        h('h2', null, t('tokens.newTitle', { name: r.name })),
        h('p', null, t('tokens.once')),
        h('div', { class: 'inline token-row' }, out, copyBtn),
        h('p', { class: 'muted small' }, t('tokens.usage'))));
      out.focus();
      out.select();
      load();
    } catch (err) { showProblem(form, err); }
  });

  load();
  return h('div', { class: 'page' },
    pageHeader(t('tokens.title'), t('tokens.lead')),
    newHost,
    h('div', { class: 'grid-tokens' }, form, h('section', { class: 'card', 'aria-labelledby': 'tokens-list-title' },
      h('h2', { id: 'tokens-list-title' }, t('tokens.list')), listHost)));
}

interface RowError { line?: number; column?: string; field?: string; message?: string }

export function importPage(_ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, pageHeader(t('import.title')), needLogin());
  if (!can.staff()) {
    return h('div', { class: 'page' }, pageHeader(t('import.title')), h('div', { class: 'state state-error', role: 'alert' }, t('import.staffOnly')));
  }
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.csv,.json,text/csv,application/json' });
  const form = h('form', { class: 'card import-form', id: 'import-form', novalidate: true },
    formSummary(),
    select({ name: 'entity', label: t('import.entity'), value: 'organizations',
      options: [['organizations', t('import.organizations')], ['people', t('import.people')]] }),
    select({ name: 'format', label: t('import.format'), value: '', hint: t('import.formatHint'),
      options: [['', t('import.formatAuto')], ['csv', 'CSV'], ['json', 'JSON']] }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'import-submit' }, t('import.submit'))));
  // The file field uses the shared wrapper (label, hint, error slot).
  const fileField = (form.querySelector('[data-field="format"]') as HTMLElement);
  const wrap = h('div', { class: 'field', 'data-field': 'file' },
    h('label', { for: 'f-file' }, t('import.file'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    fileInput,
    h('p', { class: 'field-hint', id: 'f-file-hint' }, t('import.fileHint')),
    h('p', { class: 'field-error', id: 'f-file-error', 'data-error-for': 'file', 'aria-live': 'polite' }));
  fileInput.id = 'f-file';
  fileInput.setAttribute('aria-describedby', 'f-file-hint f-file-error');
  fileField.after(wrap);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const file = fileInput.files?.[0];
    if (!file) { setFieldError(form, 'file', t('import.noFile')); showSummary(form, t('common.formErrors')); fileInput.focus(); return; }
    const entity = (form.querySelector('[name="entity"]') as HTMLSelectElement).value;
    let format = (form.querySelector('[name="format"]') as HTMLSelectElement).value;
    if (!format) format = /\.json$/i.test(file.name) || file.type === 'application/json' ? 'json' : 'csv';
    const btn = form.querySelector('#import-submit') as HTMLButtonElement;
    btn.disabled = true;
    result.replaceChildren(loading());
    try {
      const r = await api.upload<{ inserted: number }>(`/import/${entity}`, file, format === 'json' ? 'application/json' : 'text/csv', { format });
      result.replaceChildren(h('div', { class: 'state import-ok', role: 'status' }, t('import.done', { n: fmtNum(r?.inserted ?? 0) })));
      toast(t('import.done', { n: fmtNum(r?.inserted ?? 0) }));
      fileInput.value = '';
    } catch (err) {
      const rows: RowError[] = err instanceof ApiError ? (err.problem.errors ?? []) as RowError[] : [];
      if (err instanceof ApiError && err.status === 422 && rows.length) {
        result.replaceChildren(h('div', { class: 'card import-errors', role: 'alert' },
          h('h2', null, t('import.rejected', { n: fmtNum(rows.length) })),
          h('p', null, t('import.nothing')),
          table(rows, [
            { label: t('import.line'), className: 'num', cell: (x) => (x.line != null ? fmtNum(x.line) : '—') },
            { label: t('import.column'), className: 'mono', cell: (x) => x.column || x.field || '—' },
            { label: t('import.message'), primary: false, cell: (x) => x.message || '—' },
          ], { caption: t('import.rejected', { n: rows.length }) })));
      } else {
        result.replaceChildren(errorState(err));
        if (err instanceof ApiError) showProblem(form, err);
      }
    } finally {
      btn.disabled = false;
    }
  });

  return h('div', { class: 'page' },
    pageHeader(t('import.title'), t('import.lead')),
    form, result);
}
