// Accounts (admin): list, create, change role, disable/enable, set a new password.
import { h } from '../dom';
import { t, tx, type DictKey } from '../i18n';
import { api, itemsOf, type ListResponse, type User } from '../api';
import { fmtDateTime } from '../format';
import type { RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, clearErrors, empty, errorState, errorText, formSummary, input, loading, pageHeader, select, setFieldError,
  showProblem, showSummary, toast,
} from '../ui';
import { EMAIL_RE } from '../validate';
import type { Organization } from './organizations';

const ROLES = ['admin', 'staff', 'reviewer', 'member'] as const;
const MIN_PASSWORD = 10;

export function usersPage(_ctx: RouteCtx): Node {
  if (!can.admin()) {
    return h('div', { class: 'page' }, pageHeader(t('users.title')), h('div', { class: 'state state-error', role: 'alert' }, t('users.adminOnly')));
  }
  const host = h('div', { class: 'results' }, loading());
  let orgs: Organization[] = [];
  const orgName = (id: number | null) => (id == null ? '—' : orgs.find((o) => o.id === id)?.name ?? `#${id}`);
  const roleOptions: [string, string][] = ROLES.map((r) => [r, t(('role.' + r) as DictKey)]);

  const load = () => {
    host.replaceChildren(loading());
    Promise.all([
      api.get<ListResponse<User>>('/users', { limit: 500 }),
      api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => itemsOf<Organization>(r)).catch(() => [] as Organization[]),
    ]).then(([r, os]) => {
      orgs = os;
      const users = itemsOf<User>(r);
      if (!users.length) { host.replaceChildren(empty()); return; }
      host.replaceChildren(h('ul', { class: 'user-list' }, users.map(userCard)));
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };

  const userCard = (u: User): HTMLElement => {
    const self = currentUser()?.id === u.id;
    const roleSel = h('select', { 'aria-label': t('user.role') }, roleOptions.map(([v, l]) => h('option', { value: v, selected: u.role === v }, l)));
    roleSel.disabled = self;
    roleSel.addEventListener('change', async () => {
      try { await api.patch(`/users/${u.id}`, { role: roleSel.value }); toast(t('common.saved')); load(); } catch (e) { toast(errorText(e), 'bad'); load(); }
    });
    const toggle = h('button', { type: 'button', class: u.disabled ? 'btn btn-small' : 'btn btn-small btn-danger', disabled: self },
      u.disabled ? t('users.enable') : t('users.disable'));
    toggle.addEventListener('click', async () => {
      try { await api.patch(`/users/${u.id}`, { disabled: !u.disabled }); toast(t('common.saved')); load(); } catch (e) { toast(errorText(e), 'bad'); }
    });
    const pw: HTMLFormElement = h('form', { class: 'inline-form', novalidate: true },
      h('input', { type: 'password', name: 'password', autocomplete: 'new-password', 'aria-label': t('users.newPassword'), placeholder: t('users.newPassword'), minlength: MIN_PASSWORD }),
      h('button', { type: 'submit', class: 'btn btn-small' }, t('common.save')),
      h('p', { class: 'field-error', 'data-error-for': 'password' }));
    pw.addEventListener('submit', async (e) => {
      e.preventDefault();
      const v = (pw.elements.namedItem('password') as HTMLInputElement).value;
      const err = pw.querySelector('.field-error')!;
      if (v.length < MIN_PASSWORD) { err.textContent = t('users.passwordShort', { n: MIN_PASSWORD }); return; }
      try { await api.patch(`/users/${u.id}`, { password: v }); err.textContent = ''; (pw.elements.namedItem('password') as HTMLInputElement).value = ''; toast(t('users.passwordSet')); }
      catch (ex) { err.textContent = errorText(ex); }
    });
    return h('li', { class: 'card user-card' + (u.disabled ? ' is-disabled' : ''), 'data-user': String(u.id) },
      h('div', { class: 'user-card-head' },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, (u.display_name || u.email).charAt(0).toUpperCase()),
        h('div', null, h('strong', null, u.display_name || u.email), h('div', { class: 'muted small' }, u.email)),
        u.disabled ? badge(t('users.disabled'), 'bad') : badge(tx('role.', u.role), u.role === 'admin' ? 'info' : 'neutral')),
      h('dl', { class: 'kv' },
        h('div', { class: 'kv-row' }, h('dt', null, t('user.role')), h('dd', null, roleSel)),
        u.role === 'member' ? h('div', { class: 'kv-row' }, h('dt', null, t('people.organization')), h('dd', null, orgName(u.organization_id))) : null,
        h('div', { class: 'kv-row' }, h('dt', null, t('org.createdAt')), h('dd', null, fmtDateTime(u.created_at))),
        h('div', { class: 'kv-row' }, h('dt', null, t('users.newPassword')), h('dd', null, pw))),
      h('div', { class: 'btn-row' }, toggle));
  };

  // create form
  const form: HTMLFormElement = h('form', { class: 'form', id: 'user-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      input({ name: 'email', label: t('login.email'), type: 'email', required: true }),
      input({ name: 'display_name', label: t('users.displayName') }),
      select({ name: 'role', label: t('user.role'), required: true, value: 'staff', options: roleOptions }),
      select({ name: 'organization_id', label: t('people.organization'), options: [['', '—']], hint: t('users.orgHint') }),
      input({ name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'new-password', hint: t('users.passwordShort', { n: MIN_PASSWORD }) })),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.create')));
  const orgSel = form.querySelector('select[name="organization_id"]') as HTMLSelectElement;
  api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => {
    for (const o of itemsOf<Organization>(r)) orgSel.appendChild(h('option', { value: String(o.id) }, o.name));
  }).catch(() => undefined);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const body: Record<string, unknown> = {
      email: String(fd.get('email') || '').trim(), role: String(fd.get('role') || ''), password: String(fd.get('password') || ''),
    };
    const dn = String(fd.get('display_name') || '').trim(); if (dn) body.display_name = dn;
    const org = String(fd.get('organization_id') || ''); if (org) body.organization_id = Number(org);
    let ok = true;
    if (!body.email) { setFieldError(form, 'email', t('err.required')); ok = false; }
    else if (!EMAIL_RE.test(String(body.email))) { setFieldError(form, 'email', t('err.email')); ok = false; }
    if (String(body.password).length < MIN_PASSWORD) { setFieldError(form, 'password', t('users.passwordShort', { n: MIN_PASSWORD })); ok = false; }
    if (body.role === 'member' && !org) { setFieldError(form, 'organization_id', t('users.orgHint')); ok = false; }
    if (!ok) { showSummary(form, t('common.formErrors')); return; }
    try { await api.post('/users', body); toast(t('common.saved')); form.reset(); load(); } catch (err) { showProblem(form, err); }
  });

  load();
  return h('div', { class: 'page' },
    pageHeader(t('users.title'), t('users.lead')),
    h('details', { class: 'card create-user' }, h('summary', null, '+ ', t('users.create')), form),
    host);
}
