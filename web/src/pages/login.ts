import { h } from '../dom';
import { t } from '../i18n';
import { ApiError } from '../api';
import { navigate, type RouteCtx } from '../router';
import { currentUser, login } from '../session';
import { clearErrors, formSummary, input, pageHeader, setFieldError, showSummary } from '../ui';

export function loginPage(ctx: RouteCtx): Node {
  const next = ctx.query.get('next') || '/';
  const me = currentUser();
  const form: HTMLFormElement = h('form', { class: 'form login-form', id: 'login-form', novalidate: true },
    me ? h('p', { class: 'notice' }, t('login.already', { email: me.email })) : null,
    formSummary(),
    input({ name: 'email', label: t('login.email'), type: 'email', required: true, autocomplete: 'username' }),
    input({ name: 'password', label: t('login.password'), type: 'password', required: true, autocomplete: 'current-password' }),
    h('button', { type: 'submit', class: 'btn btn-primary btn-block', id: 'login-submit' }, t('login.submit')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const email = String(fd.get('email') || '').trim();
    const password = String(fd.get('password') || '');
    let ok = true;
    if (!email) { setFieldError(form, 'email', t('err.required')); ok = false; }
    if (!password) { setFieldError(form, 'password', t('err.required')); ok = false; }
    if (!ok) return;
    const btn = form.querySelector('button[type=submit]') as HTMLButtonElement;
    btn.disabled = true;
    try {
      await login(email, password);
      navigate(next.startsWith('/') ? next : '/');
    } catch (err) {
      btn.disabled = false;
      if (err instanceof ApiError && err.status === 401) showSummary(form, t('login.wrong'));
      else if (err instanceof ApiError && err.status === 429) showSummary(form, t('login.tooMany'));
      else if (err instanceof ApiError) showSummary(form, err.problem.detail || err.problem.title || t('err.generic'));
      else showSummary(form, t('err.network'));
    }
  });
  queueMicrotask(() => (form.querySelector('input[name=email]') as HTMLInputElement | null)?.focus());
  return h('div', { class: 'page page-narrow' }, pageHeader(t('login.title'), t('login.lead')), h('section', { class: 'card' }, form));
}
