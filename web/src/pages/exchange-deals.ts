// Technology exchange after the handshake (issue 4): transfer contracts (#/exchange/contracts,
// #/exchange/contracts/new, #/exchange/contracts/:id with registration, status forward only and the
// follow-up after transfer), task order proposals made from needs (#/exchange/task-proposals[/:id],
// staff) and the bulk import of listings (#/exchange/import, staff).
// All text via text nodes (dom.ts); no innerHTML: every text here may hold HTML or scripts.
import { h, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, fmtNum, parseDate } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, checkbox, clearErrors, confirmDialog, dateInput, dl, empty, errorState, formSummary, input, loading, needLogin,
  pageHeader, pager, select, setFieldError, showProblem, showSummary, table, textarea, toast, type Column,
} from '../ui';
import type { Organization } from './organizations';
import { CONTRACT_FORMS } from '../exchange';
import { importForm } from '../components/import-form';
import {
  CONTRACT_DIRECTIONS, CONTRACT_STATUSES, EXAMPLE_ROWS, IMPORT_COLUMNS, contractBody, followupBody, needsRegistrationInput,
  nextStatuses, periodLabel, proposalFileName, proposalKeys, registrationRequired, registrationState, toCsv,
  type Contract, type ContractStatus, type Followup, type TaskProposal,
} from '../exchange-deals';
import { exchangeTabs, fieldLabel, money, provinceLabel, refMaps, type RefMaps } from './exchange';

const PAGE = 20;
// The server's "today" is Vietnam's civil date (UTC+7).
const todayIso = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

const STATUS_TONE: Record<string, string> = { signed: 'info', registered: 'info', in_effect: 'ok', completed: 'neutral', terminated: 'bad' };
export function contractStatusBadge(st: string): HTMLElement {
  const b = badge(tx('exd.status.', st), STATUS_TONE[st] ?? 'neutral');
  b.setAttribute('data-status', st);
  return b;
}

/** The registration in one badge: not required, registered, due (days left) or overdue. */
function registrationBadge(c: Contract): HTMLElement {
  const r = registrationState(c, todayIso());
  const text = r.state === 'overdue' ? t('exd.reg.overdueShort', { date: fmtDate(r.due) })
    : r.state === 'due' ? t('exd.reg.dueShort', { date: fmtDate(r.due) })
      : t(('exd.reg.' + r.state) as DictKey);
  const b = badge(text, r.state === 'overdue' ? 'bad' : r.state === 'due' ? 'warn' : r.state === 'registered' ? 'ok' : 'neutral');
  b.classList.add('reg-badge');
  b.setAttribute('data-reg', r.state);
  return b;
}

function party(id: number | null | undefined, name: string): Child {
  return id ? h('a', { href: `#/organizations/${id}` }, name) : name;
}

function signedMoney(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return (n > 0 ? '+' : '') + money(n);
}

// ---------- list ----------
export function contractsPage(ctx: RouteCtx, signal: AbortSignal): Node {
  if (!currentUser()) return h('div', { class: 'page' }, pageHeader(t('exd.contractsTitle')), needLogin());
  const q = ctx.query;
  const st = { province: q.get('province') || '', status: q.get('status') || '', offset: Math.max(0, Number(q.get('offset') || 0) || 0) };
  const update = (patch: Partial<typeof st>) => setQuery({ ...st, offset: '', ...patch }, ctx.path);
  const provSel = h('select', { id: 'k-province', name: 'province' }, h('option', { value: '' }, t('common.all')));
  provSel.addEventListener('change', () => update({ province: provSel.value }));
  const statusSel = h('select', { id: 'k-status', name: 'status' }, h('option', { value: '' }, t('common.all')),
    CONTRACT_STATUSES.map((s) => h('option', { value: s, selected: s === st.status }, tx('exd.status.', s))));
  statusSel.addEventListener('change', () => update({ status: statusSel.value }));
  const results = h('div', { class: 'results', id: 'contracts-list', 'aria-live': 'polite' }, loading());
  const load = () => {
    Promise.all([
      api.get<ListResponse<Contract>>('/exchange/contracts', { province_code: st.province, status: st.status, limit: PAGE, offset: st.offset }),
      refMaps(),
    ]).then(([r, refs]) => {
      if (signal.aborted) return;
      if (provSel.options.length === 1) {
        for (const p of refs.provinces.values()) provSel.appendChild(h('option', { value: p.code, selected: p.code === st.province }, provinceLabel(p.code, refs.provinces)));
      }
      const items = itemsOf<Contract>(r);
      if (!items.length) { results.replaceChildren(empty(t('exd.noContracts'))); return; }
      const cols: Column<Contract>[] = [
        { label: t('exd.object'), primary: true, cell: (c) => h('a', { href: `#/exchange/contracts/${c.id}`, class: 'contract-link' }, c.object) },
        { label: t('exd.parties'), cell: (c) => [c.transferor_name, ' → ', c.transferee_name] },
        { label: t('ex.contractForm'), cell: (c) => tx('ex.cform.', c.form) },
        { label: t('exd.value'), className: 'num', cell: (c) => money(c.value_vnd) },
        { label: t('ex.signedDate'), cell: (c) => fmtDate(c.signed_date) },
        { label: t('common.province'), cell: (c) => provinceLabel(c.province_code, refs.provinces) },
        { label: t('exd.registration'), cell: (c) => registrationBadge(c) },
        { label: t('exd.statusLabel'), cell: (c) => contractStatusBadge(c.status) },
      ];
      results.replaceChildren(
        h('p', { class: 'result-count', id: 'contracts-count' }, t('exd.contractCount', { n: fmtNum(r.total) })),
        table(items, cols, { caption: t('exd.contractsTitle'), rowKey: (c) => String(c.id) }),
        r.total > PAGE ? pager(r.total, PAGE, st.offset, (off) => setQuery({ ...st, offset: off || '' }, ctx.path)) : '');
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-contracts' },
    pageHeader(t('exd.contractsTitle'), can.staff() ? t('exd.contractsLeadStaff') : t('exd.contractsLead'),
      h('a', { class: 'btn btn-primary', id: 'contract-new', href: '#/exchange/contracts/new' }, t('exd.newContract'))),
    exchangeTabs('contracts'),
    h('section', { class: 'card' },
      h('div', { class: 'filters' },
        h('div', { class: 'filter' }, h('label', { for: 'k-province' }, t('common.province')), provSel),
        h('div', { class: 'filter' }, h('label', { for: 'k-status' }, t('exd.statusLabel')), statusSel)),
      results));
}

// ---------- new contract ----------
export function contractFormPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const me = currentUser();
  if (!me) return h('div', { class: 'page' }, pageHeader(t('exd.newContract')), needLogin());
  const host = h('div', { class: 'page page-contract-form' }, loading());
  Promise.all([
    api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => itemsOf<Organization>(r)).catch(() => [] as Organization[]),
    refMaps(),
  ]).then(([orgs, refs]) => {
    if (signal.aborted) return;
    host.replaceChildren(pageHeader(t('exd.newContract'), t('exd.newContractLead')), exchangeTabs('contracts'), contractForm(ctx, orgs, refs));
  }).catch((e) => { if (!signal.aborted) host.replaceChildren(errorState(e)); });
  return host;
}

function contractForm(ctx: RouteCtx, orgs: Organization[], refs: RefMaps): HTMLElement {
  const me = currentUser()!;
  const orgOptions: [string, string][] = [['', t('exd.notInRegistry')], ...orgs.map((o): [string, string] => [String(o.id), o.name])];
  if (me.organization_id && !orgs.some((o) => o.id === me.organization_id)) orgOptions.push([String(me.organization_id), `#${me.organization_id}`]);
  // A member's organization is one of the parties: by default the transferee (the one who receives it).
  const mine = !can.staff() && me.organization_id ? String(me.organization_id) : '';
  const offer = ctx.query.get('offer') || '';
  const regHint = h('p', { class: 'notice notice-warn hidden', id: 'reg-hint', role: 'note' });
  const form: HTMLFormElement = h('form', { class: 'card form', id: 'contract-form', novalidate: true },
    formSummary(),
    h('fieldset', { class: 'fieldset' }, h('legend', null, t('exd.transferor')),
      h('div', { class: 'form-grid' },
        select({ name: 'transferor_organization_id', label: t('exd.partyOrg'), value: '', options: orgOptions }),
        input({ name: 'transferor_name', label: t('exd.partyName'), hint: t('exd.partyNameHint') }))),
    h('fieldset', { class: 'fieldset' }, h('legend', null, t('exd.transferee')),
      h('div', { class: 'form-grid' },
        select({ name: 'transferee_organization_id', label: t('exd.partyOrg'), value: mine, options: orgOptions }),
        input({ name: 'transferee_name', label: t('exd.partyName'), hint: t('exd.partyNameHint') }))),
    textarea({ name: 'object', label: t('ex.contractObject'), required: true }),
    h('div', { class: 'form-grid' },
      select({ name: 'form', label: t('ex.contractForm'), required: true, value: 'independent', options: CONTRACT_FORMS.map((f): [string, string] => [f, tx('ex.cform.', f)]) }),
      select({ name: 'rights', label: t('ex.contractRights'), required: true, value: 'use', options: [['use', t('ex.rights.use')], ['ownership', t('ex.rights.ownership')]] }),
      select({ name: 'direction', label: t('ex.direction'), value: 'domestic', options: CONTRACT_DIRECTIONS.map((d): [string, string] => [d, tx('ex.dir.', d)]) }),
      checkbox('state_capital', t('ex.stateCapital'), false),
      dateInput({ name: 'signed_date', label: t('ex.signedDate'), required: true, value: todayIso() }),
      input({ name: 'value_vnd', label: t('ex.contractValue'), inputmode: 'numeric', placeholder: '1.500.000.000' }),
      select({ name: 'province_code', label: t('common.province'), value: '', hint: t('exd.provinceHint'),
        options: [['', '—'], ...[...refs.provinces.values()].map((p): [string, string] => [p.code, provinceLabel(p.code, refs.provinces)])] }),
      input({ name: 'offer_id', label: t('exd.offerId'), value: offer, inputmode: 'numeric', hint: t('exd.offerIdHint') })),
    regHint,
    h('fieldset', { class: 'fieldset' }, h('legend', null, t('exd.registration')),
      h('div', { class: 'form-grid' },
        input({ name: 'registration_number', label: t('exd.regNumber') }),
        dateInput({ name: 'registration_date', label: t('exd.regDate') }))),
    textarea({ name: 'note', label: t('exd.note') }),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'contract-save' }, t('exd.saveContract')),
      h('a', { class: 'btn btn-ghost', href: '#/exchange/contracts' }, t('common.cancel'))));
  const val = (n: string) => (form.elements.namedItem(n) as HTMLInputElement | HTMLSelectElement | null)?.value ?? '';
  const capital = () => (form.elements.namedItem('state_capital') as HTMLInputElement).checked;
  const showReg = () => {
    const must = registrationRequired(val('direction'), capital());
    regHint.textContent = must ? t('exd.regRequiredHint') : '';
    regHint.classList.toggle('hidden', !must);
  };
  form.addEventListener('change', showReg);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const v: Record<string, string> = {};
    for (const el of Array.from(form.elements) as HTMLInputElement[]) if (el.name && el.type !== 'checkbox') v[el.name] = el.value;
    const { body, errors } = contractBody(v, capital(), todayIso(), parseDate);
    if (errors.length) {
      for (const [f, k] of errors) setFieldError(form, f, t(k as DictKey));
      showSummary(form, t('common.formErrors'));
      (form.querySelector('.field.has-error input, .field.has-error select, .field.has-error textarea') as HTMLElement | null)?.focus();
      return;
    }
    const btn = form.querySelector('#contract-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      const c = await api.post<Contract>('/exchange/contracts', body);
      toast(t('exd.contractSaved'));
      navigate(`/exchange/contracts/${c.id}`);
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  return form;
}

// ---------- one contract ----------
export function contractPage(ctx: RouteCtx, signal: AbortSignal): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  const id = ctx.params.id;
  const host = h('div', { class: 'page page-contract' }, loading());
  const render = () => {
    Promise.all([api.get<Contract>('/exchange/contracts/' + encodeURIComponent(id)), refMaps()]).then(([c, refs]) => {
      if (signal.aborted) return;
      host.replaceChildren(...contractView(c, refs, render));
    }).catch((e) => { if (!signal.aborted) host.replaceChildren(exchangeTabs('contracts'), errorState(e)); });
  };
  render();
  return host;
}

function contractView(c: Contract, refs: RefMaps, reload: () => void): Node[] {
  const reg = registrationState(c, todayIso());
  let flag: HTMLElement | null = null;
  if (reg.state === 'overdue') {
    flag = h('div', { class: 'notice notice-bad reg-flag', id: 'reg-flag', 'data-reg': 'overdue', role: 'alert' },
      h('strong', null, t('exd.reg.overdueTitle')), ' ',
      t('exd.reg.overdueText', { date: fmtDate(reg.due), n: fmtNum(Math.abs(reg.days ?? 0)) }));
  } else if (reg.state === 'due') {
    flag = h('div', { class: 'notice notice-warn reg-flag', id: 'reg-flag', 'data-reg': 'due', role: 'note' },
      h('strong', null, t('exd.reg.dueTitle')), ' ', t('exd.reg.dueText', { date: fmtDate(reg.due), n: fmtNum(reg.days ?? 0) }));
  }
  const pairs: [string, Child][] = [
    [t('exd.transferor'), party(c.transferor_organization_id, c.transferor_name)],
    [t('exd.transferee'), party(c.transferee_organization_id, c.transferee_name)],
    [t('ex.contractObject'), h('span', { class: 'pre', id: 'contract-object' }, c.object)],
    [t('ex.contractForm'), tx('ex.cform.', c.form)],
    [t('ex.contractRights'), tx('ex.rights.', c.rights)],
    [t('ex.direction'), tx('ex.dir.', c.direction)],
    [t('ex.stateCapital'), c.state_capital ? t('common.yes') : t('common.no')],
    [t('exd.value'), h('span', { id: 'contract-value' }, money(c.value_vnd))],
    [t('ex.signedDate'), fmtDate(c.signed_date)],
    [t('common.province'), provinceLabel(c.province_code, refs.provinces)],
    [t('ex.fields'), (c.fields ?? []).length ? (c.fields ?? []).map((f) => fieldLabel(f, refs.fields)).join('; ') : null],
    [t('exd.offer'), c.offer_id ? h('a', { href: `#/exchange/${c.offer_id}` }, `#${c.offer_id}`) : null],
    [t('exd.connection'), c.connection_id ? h('a', { href: `#/exchange/mine?tab=connections&connection=${c.connection_id}` }, `#${c.connection_id}`) : null],
    [t('exd.note'), c.note ? h('span', { class: 'pre' }, c.note) : null],
  ];
  const regPairs: [string, Child][] = [
    [t('exd.regRequired'), h('span', { id: 'reg-required' }, c.registration_required ? t('exd.regRequiredYes') : t('exd.regRequiredNo'))],
    [t('exd.regDue'), reg.due ? h('span', { id: 'reg-due' }, fmtDate(reg.due)) : null],
    [t('exd.regNumber'), c.registration_number ? h('span', { id: 'reg-number' }, c.registration_number) : null],
    [t('exd.regDate'), c.registration_date ? fmtDate(c.registration_date) : null],
    [t('exd.registration'), registrationBadge(c)],
  ];
  return [
    pageHeader(t('exd.contractTitle', { id: c.id }), c.object,
      h('a', { class: 'btn btn-small btn-ghost', href: '#/exchange/contracts' }, '‹ ', t('exd.backToContracts'))),
    exchangeTabs('contracts'),
    flag,
    statusSection(c, reload),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card', id: 'contract-details' }, h('h2', null, t('exd.details')), dl(pairs)),
      h('section', { class: 'card', id: 'contract-registration' }, h('h2', null, t('exd.registration')),
        dl(regPairs), h('p', { class: 'muted small' }, t('ex.registrationNote')))),
    followupSection(c, reload),
    h('p', { class: 'muted small' }, t('ex.updated', { at: fmtDateTime(c.updated_at) })),
  ].filter((x): x is HTMLElement => !!x);
}

function statusSection(c: Contract, reload: () => void): HTMLElement {
  const order: ContractStatus[] = ['signed', 'registered', 'in_effect', 'completed'];
  const at = order.indexOf(c.status);
  const steps = h('ol', { class: 'steps', 'aria-label': t('exd.stepsAria') }, order.map((s, i) =>
    h('li', { class: 'step' + (at >= i ? ' done' : '') + (at === i ? ' current' : ''), 'aria-current': at === i ? 'step' : null }, tx('exd.status.', s))),
  c.status === 'terminated' ? h('li', { class: 'step current', 'aria-current': 'step' }, tx('exd.status.', 'terminated')) : null);
  const nexts = nextStatuses(c);
  const panel = h('div', { class: 'status-panel' });
  const form: HTMLFormElement = h('form', { class: 'mini-form', id: 'status-form', novalidate: true }, formSummary(), panel);
  const patch = async (to: ContractStatus, extra: Record<string, unknown> = {}) => {
    try {
      await api.patch<Contract>(`/exchange/contracts/${c.id}`, { status: to, version: c.version, ...extra });
      toast(t('exd.statusDone', { status: tx('exd.status.', to) }));
      reload();
    } catch (e) { showProblem(form, e); }
  };
  const buttons = h('div', { class: 'btn-row contract-actions' }, nexts.map((to) => h('button', {
    type: 'button', class: `btn btn-small ${to === 'terminated' ? 'btn-danger' : 'btn-primary'}`, 'data-next': to,
    onclick: async () => {
      clearErrors(form);
      if (needsRegistrationInput(c, to)) { panel.replaceChildren(registerFields(c, (extra) => patch(to, extra), form)); return; }
      if (to === 'terminated' && !(await confirmDialog(t('exd.confirmTerminate'), t('exd.next.terminated')))) return;
      await patch(to);
    },
  }, t(('exd.next.' + to) as DictKey))));
  return h('section', { class: 'card', id: 'contract-status' },
    h('h2', null, t('exd.statusLabel'), ' ', contractStatusBadge(c.status)), steps,
    nexts.length ? [h('p', { class: 'muted small' }, t('exd.forwardOnly')), buttons] : h('p', { class: 'muted small' }, t('exd.final')),
    form);
}

/** Registering asks for the number and the date of the certificate. */
function registerFields(c: Contract, submit: (extra: Record<string, unknown>) => Promise<void>, form: HTMLFormElement): HTMLElement {
  const wrap = h('div', { class: 'register-fields' },
    h('div', { class: 'form-grid' },
      input({ name: 'registration_number', label: t('exd.regNumber'), required: true, value: c.registration_number ?? '' }),
      dateInput({ name: 'registration_date', label: t('exd.regDate'), required: true, value: c.registration_date ?? todayIso() })),
    h('div', { class: 'btn-row' },
      h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'register-confirm', onclick: async () => {
        clearErrors(form);
        const num = (wrap.querySelector('[name="registration_number"]') as HTMLInputElement).value.trim();
        const dayText = (wrap.querySelector('[name="registration_date"]') as HTMLInputElement).value;
        const day = parseDate(dayText);
        let ok = true;
        if (!num) { setFieldError(form, 'registration_number', t('err.required')); ok = false; }
        if (!day) { setFieldError(form, 'registration_date', t(day === '' ? 'err.required' : 'err.date')); ok = false; }
        if (day && day > todayIso()) { setFieldError(form, 'registration_date', t('exd.err.regFuture')); ok = false; }
        if (!ok) { showSummary(form, t('common.formErrors')); return; }
        await submit({ registration_number: num, registration_date: day });
      } }, t('exd.next.registered')),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { clearErrors(form); wrap.remove(); } }, t('common.cancel'))));
  return wrap;
}

function followupSection(c: Contract, reload: () => void): HTMLElement {
  const lang = getLang();
  const rows = [...(c.followups ?? [])].sort((a, b) => a.period.localeCompare(b.period));
  const cols: Column<Followup>[] = [
    { label: t('exd.period'), primary: true, cell: (f) => h('span', { 'data-period': f.period }, periodLabel(f.period, lang)) },
    { label: t('exd.revenueChange'), className: 'num', cell: (f) => signedMoney(f.revenue_change_vnd) },
    { label: t('exd.productivityChange'), className: 'num', cell: (f) => (f.productivity_change_pct == null ? '—' : `${f.productivity_change_pct > 0 ? '+' : ''}${fmtNum(f.productivity_change_pct, 2)} %`) },
    { label: t('exd.jobs'), className: 'num', cell: (f) => (f.jobs_created == null ? '—' : fmtNum(f.jobs_created)) },
    { label: t('exd.products'), cell: (f) => (f.products ? h('span', { class: 'pre' }, f.products) : '—') },
    { label: t('exd.note'), cell: (f) => (f.note ? h('span', { class: 'pre' }, f.note) : '—') },
  ];
  const totals = rows.reduce((a, f) => ({ rev: a.rev + (f.revenue_change_vnd ?? 0), jobs: a.jobs + (f.jobs_created ?? 0) }), { rev: 0, jobs: 0 });
  const form: HTMLFormElement = h('form', { class: 'form mini-form', id: 'followup-form', novalidate: true },
    h('h3', null, t('exd.addFollowup')),
    formSummary(),
    h('div', { class: 'form-grid' },
      input({ name: 'period', label: t('exd.period'), required: true, placeholder: '2026Q3', hint: t('exd.periodHint') }),
      input({ name: 'revenue_change_vnd', label: t('exd.revenueChangeVnd'), inputmode: 'numeric', placeholder: '-250.000.000', hint: t('exd.revenueHint') }),
      input({ name: 'productivity_change_pct', label: t('exd.productivityPct'), inputmode: 'decimal', placeholder: '12,5' }),
      input({ name: 'jobs_created', label: t('exd.jobs'), inputmode: 'numeric' })),
    textarea({ name: 'products', label: t('exd.products') }),
    textarea({ name: 'note', label: t('exd.note') }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'followup-save' }, t('exd.saveFollowup'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const v: Record<string, string> = {};
    for (const el of Array.from(form.elements) as HTMLInputElement[]) if (el.name) v[el.name] = el.value;
    const { body, errors } = followupBody(v, { signed_date: c.signed_date, today: todayIso() });
    if (errors.length) {
      for (const [f, k] of errors) setFieldError(form, f, t(k as DictKey));
      showSummary(form, t('common.formErrors'));
      return;
    }
    const btn = form.querySelector('#followup-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      await api.post<Followup>(`/exchange/contracts/${c.id}/followups`, body);
      toast(t('exd.followupSaved'));
      reload();
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  const closed = c.status === 'terminated';
  return h('section', { class: 'card', id: 'followups' },
    h('h2', null, t('exd.followupTitle')),
    h('p', { class: 'muted small' }, t('exd.followupLead')),
    rows.length ? [
      table(rows, cols, { caption: t('exd.followupTitle'), rowKey: (f) => f.period }),
      h('p', { class: 'small', id: 'followup-totals' }, t('exd.followupTotals', { rev: signedMoney(totals.rev), jobs: fmtNum(totals.jobs) })),
    ] : empty(t('exd.noFollowups')),
    closed ? null : form);
}

// ---------- task proposals ----------
function staffOnly(title: string, tab: 'proposals' | 'import'): Node | null {
  if (!currentUser()) return h('div', { class: 'page' }, pageHeader(title), needLogin());
  if (!can.staff()) return h('div', { class: 'page' }, pageHeader(title), exchangeTabs(tab), h('div', { class: 'state state-error', role: 'alert' }, t('exd.staffOnly')));
  return null;
}

export function taskProposalsPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const denied = staffOnly(t('exd.proposalsTitle'), 'proposals');
  if (denied) return denied;
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0) || 0);
  const results = h('div', { class: 'results', id: 'proposals-list', 'aria-live': 'polite' }, loading());
  const load = () => {
    api.get<ListResponse<TaskProposal>>('/exchange/task-proposals', { limit: PAGE, offset }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<TaskProposal>(r);
      if (!items.length) { results.replaceChildren(empty(t('exd.noProposals'))); return; }
      results.replaceChildren(
        table(items, [
          { label: t('exd.proposalName'), primary: true, cell: (p) => h('a', { href: `#/exchange/task-proposals/${p.id}`, class: 'proposal-link' }, p.title) },
          { label: t('exd.fromNeed'), cell: (p) => h('a', { href: `#/exchange/${p.need_id}` }, `#${p.need_id}`) },
          { label: t('exd.proposer'), cell: (p) => String(p.proposal?.don_vi_de_xuat ?? '—') },
          { label: t('exd.statusLabel'), cell: (p) => badge(tx('exd.pstatus.', p.status), 'neutral') },
          { label: t('exd.createdAt'), cell: (p) => fmtDateTime(p.created_at) },
        ], { caption: t('exd.proposalsTitle'), rowKey: (p) => String(p.id) }),
        r.total > PAGE ? pager(r.total, PAGE, offset, (off) => setQuery({ offset: off || '' }, ctx.path)) : '');
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-proposals' },
    pageHeader(t('exd.proposalsTitle'), t('exd.proposalsLead')),
    exchangeTabs('proposals'),
    h('section', { class: 'card' }, results));
}

function proposalValue(key: string, v: unknown, refs: RefMaps): Child {
  if (v === null || v === undefined || v === '') return h('span', { class: 'muted' }, t('exd.notGiven'));
  if (key === 'linh_vuc' && Array.isArray(v)) return v.length ? v.map((c) => fieldLabel(String(c), refs.fields)).join('; ') : h('span', { class: 'muted' }, t('exd.notGiven'));
  if (key === 'dia_chi_ung_dung' && typeof v === 'string') return provinceLabel(v, refs.provinces);
  if (key === 'thoi_han' && typeof v === 'string') return fmtDate(v);
  if (key === 'trl_toi_thieu' && typeof v === 'number') return `TRL ${v}`;
  if (key === 'kinh_phi_du_kien_vnd' && v && typeof v === 'object') {
    const { min, max } = v as { min?: number | null; max?: number | null };
    if (min == null && max == null) return h('span', { class: 'muted' }, t('exd.notGiven'));
    return [min != null ? `${t('exd.from')} ${money(min)}` : '', min != null && max != null ? ' ' : '', max != null ? `${t('exd.to')} ${money(max)}` : ''].join('');
  }
  if (key === 'nguon' && v && typeof v === 'object') {
    const id = (v as { listing_id?: number }).listing_id;
    return id ? h('a', { href: `#/exchange/${id}`, id: 'proposal-source' }, t('exd.needNo', { id })) : JSON.stringify(v);
  }
  if (key === 'ghi_chu' && typeof v === 'string' && v.includes(' / ')) {
    const i = v.lastIndexOf(' / ');
    return getLang() === 'en' ? v.slice(i + 3) : v.slice(0, i);
  }
  if (typeof v === 'object') return h('code', null, JSON.stringify(v));
  return h('span', { class: 'pre' }, String(v));
}

export function taskProposalPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const denied = staffOnly(t('exd.proposalTitle'), 'proposals');
  if (denied) return denied;
  const host = h('div', { class: 'page page-proposal' }, loading());
  Promise.all([api.get<TaskProposal>('/exchange/task-proposals/' + encodeURIComponent(ctx.params.id)), refMaps()]).then(([p, refs]) => {
    if (signal.aborted) return;
    const doc = p.proposal ?? {};
    const blob = new Blob([JSON.stringify(p, null, 2)], { type: 'application/json' });
    const href = URL.createObjectURL(blob);
    signal.addEventListener('abort', () => URL.revokeObjectURL(href));
    host.replaceChildren(
      pageHeader(t('exd.proposalTitle'), String(doc.ten_nhiem_vu ?? p.title),
        h('div', { class: 'btn-row' },
          h('a', { class: 'btn btn-primary', id: 'proposal-json', href, download: proposalFileName(p.id) }, t('exd.downloadJson')),
          h('a', { class: 'btn btn-ghost', href: '#/exchange/task-proposals' }, '‹ ', t('exd.backToProposals')))),
      exchangeTabs('proposals'),
      h('div', { class: 'notice', role: 'note' }, t('exd.proposalDraft', { id: p.id }), ' ', badge(tx('exd.pstatus.', p.status), 'neutral')),
      h('article', { class: 'card proposal-doc', id: 'proposal-doc' },
        h('dl', { class: 'kv' }, proposalKeys(doc).map((k) => h('div', { class: 'kv-row', 'data-key': k },
          h('dt', null, tx('exd.h.', k)), h('dd', null, proposalValue(k, doc[k], refs)))))),
      h('p', { class: 'muted small' }, t('exd.proposalMeta', { by: p.created_by ?? '—', at: fmtDateTime(p.created_at) })));
  }).catch((e) => { if (!signal.aborted) host.replaceChildren(exchangeTabs('proposals'), errorState(e)); });
  return host;
}

/** On a need's page (staff): the proposal made from it, or the button that makes one and opens it. */
export function taskProposalControl(needId: number): HTMLElement {
  const out = h('div', { id: 'task-proposal', class: 'btn-row' });
  const create = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'task-proposal' }, t('ex.taskProposal'));
  create.addEventListener('click', async () => {
    create.disabled = true;
    try {
      const p = await api.post<TaskProposal>(`/exchange/listings/${needId}/task-proposal`);
      toast(t('ex.taskProposalDone', { id: p.id }));
      navigate(`/exchange/task-proposals/${p.id}`);
    } catch (e) {
      create.disabled = false;
      toast(e instanceof ApiError ? (e.problem.detail || t('err.generic')) : t('err.generic'), 'bad');
    }
  });
  out.appendChild(create);
  api.get<ListResponse<TaskProposal>>('/exchange/task-proposals', { limit: 500 }).then((r) => {
    const p = itemsOf<TaskProposal>(r).find((x) => x.need_id === needId);
    if (p) out.replaceChildren(h('a', { class: 'btn btn-small', id: 'task-proposal-link', href: `#/exchange/task-proposals/${p.id}` }, t('exd.openProposal', { id: p.id })));
  }).catch(() => undefined);
  return out;
}

// ---------- bulk import ----------
export function exchangeImportPage(_ctx: RouteCtx): Node {
  const denied = staffOnly(t('exd.importTitle'), 'import');
  if (denied) return denied;
  const { form, result } = importForm({
    id: 'ex-import', fileId: 'f-ex-file', fileHint: t('exd.importFileHint'), path: () => '/exchange/import',
    done: (n) => [t('exd.importDone', { n }), ' ', h('a', { href: '#/exchange/review' }, t('exd.importToReview'))],
  });
  const example = toCsv(IMPORT_COLUMNS, EXAMPLE_ROWS);
  // A BOM so that spreadsheets open the Vietnamese text as UTF-8.
  const exampleHref = URL.createObjectURL(new Blob(['\ufeff' + example], { type: 'text/csv;charset=utf-8' }));
  const colHelp: [string, DictKey][] = [
    ['kind', 'exd.col.kind'], ['title, summary', 'exd.col.title'], ['organization_id', 'exd.col.org'],
    ['fields, ipc, keywords, transfer_modes', 'exd.col.lists'], ['trl, trl_min', 'exd.col.trl'],
    ['price_vnd, budget_min_vnd, budget_max_vnd', 'exd.col.money'], ['price_negotiable, submit', 'exd.col.bool'],
    ['deadline', 'exd.col.deadline'], ['description, accepted_result, sector_vsic, contact_*, province_code, source', 'exd.col.other'],
  ];
  return h('div', { class: 'page page-ex-import' },
    pageHeader(t('exd.importTitle'), t('exd.importLead')),
    exchangeTabs('import'),
    h('div', { class: 'grid-2' },
      form,
      h('section', { class: 'card', id: 'ex-import-help' },
        h('h2', null, t('exd.importHelp')),
        h('p', { class: 'small' }, t('exd.importHelpLead')),
        h('ul', { class: 'small col-help' }, colHelp.map(([c, k]) => h('li', null, h('code', null, c), ' — ', t(k)))),
        h('p', { class: 'small' }, t('exd.importAllOrNothing')),
        h('p', null, h('a', { class: 'btn btn-small', id: 'ex-import-example', href: exampleHref, download: 'vi-du-danh-muc-cong-nghe.csv' }, t('exd.exampleCsv'))),
        h('p', { class: 'muted small' }, t('exd.exampleNote')))),
    result);
}
