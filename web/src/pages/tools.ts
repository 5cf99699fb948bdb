// API tokens of the signed-in user (#/tokens) and file import for staff/admin (#/import).
import { h } from '../dom';
import { t } from '../i18n';
import { api, itemsOf } from '../api';
import { fmtDateTime } from '../format';
import type { RouteCtx } from '../router';
import { can, currentUser } from '../session';
import { importForm } from '../components/import-form';
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

export function importPage(_ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, pageHeader(t('import.title')), needLogin());
  if (!can.staff()) {
    return h('div', { class: 'page' }, pageHeader(t('import.title')), h('div', { class: 'state state-error', role: 'alert' }, t('import.staffOnly')));
  }
  const entity = select({ name: 'entity', label: t('import.entity'), value: 'organizations',
    options: [['organizations', t('import.organizations')], ['people', t('import.people')]] });
  const { form, result } = importForm({
    id: 'import', fileId: 'f-file', fileHint: t('import.fileHint'), before: [entity],
    path: () => `/import/${(entity.querySelector('select') as HTMLSelectElement).value}`,
    done: (n) => t('import.done', { n }),
  });

  return h('div', { class: 'page' },
    pageHeader(t('import.title'), t('import.lead')),
    form, result);
}
