// Intellectual property (issue 7): the portfolio (#/ip), an asset's page with its schedule as a
// timeline, its events and the owners' forms (#/ip/:id), and the asset form (#/ip/new,
// #/ip/:id/edit). Shared helpers of the other IP pages (ip-tools.ts) live here too.
// All text goes in via text nodes (dom.ts); no innerHTML: titles may contain HTML or scripts.
import { h, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtNum, parseDate } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, clearErrors, confirmDialog, dateInput, dl, empty, errorState, errorText, fieldWrap, formSummary, input, loading, needLogin,
  pageHeader, pager, select, setFieldError, showProblem, showSummary, table, textarea, toast, type Column,
} from '../ui';
import { getProvinces, type AdminUnit } from '../refdata';
import type { Organization } from './organizations';
import {
  EVENT_TYPES, IP_KINDS, RECORDED_STATUSES, assetBody, assetPatch, classScheme, createBody, daysBetween, inventorsText,
  listingIdFromConflict, maintenanceOf, nextDeadline, surchargeOn, timeline, todayIso,
  type IpAsset, type IpDeadline, type IpSchedule, type TimelineEntry,
} from '../ip';
import { SIGN_KINDS, markUsersCard } from './ip-origin';

const PAGE = 20;

// ---------- shared ----------
export function ipTabs(active: 'portfolio' | 'deadlines' | 'free' | 'stats' | 'advice' | 'rules' | 'import'): HTMLElement {
  const tabs: [typeof active, string, DictKey][] = [
    ['portfolio', '#/ip', 'ip.tabPortfolio'], ['deadlines', '#/ip/deadlines', 'ip.tabDeadlines'],
    ['free', '#/ip/free', 'ip.tabFree'], ['stats', '#/ip/stats', 'ip.tabStats'],
    // The advice pages (ip-advice.ts), the rules and reminders, and the import (ip-admin.ts).
    ['advice', '#/ip/articles', 'ipa.tabAdvice'], ['rules', '#/ip/rules', 'ipa.tabRules'],
    ...(can.staff() ? [['import', '#/ip/import', 'ipa.tabImport'] as [typeof active, string, DictKey]] : []),
  ];
  return h('nav', { class: 'mon-tabs', 'aria-label': t('ip.tabsAria') },
    tabs.map(([k, href, key]) => h('a', { href, class: 'mon-tab', id: 'ip-tab-' + k, 'aria-current': k === active ? 'page' : null }, t(key))));
}

const STATUS_TONE: Record<string, string> = {
  application: 'info', in_force: 'ok', due: 'warn', grace: 'bad', lapsed: 'bad', expired: 'neutral',
  refused: 'bad', withdrawn: 'neutral', invalidated: 'bad',
};
export function scheduleBadge(s: IpSchedule | null | undefined, recorded?: string): HTMLElement {
  const st = s?.status ?? recorded ?? '';
  const b = badge(tx('ip.sched.', st), STATUS_TONE[st] ?? 'neutral');
  b.setAttribute('data-status', st);
  b.classList.add('ip-status');
  if (recorded) b.title = `${t('ip.recordedStatus')}: ${tx('ip.status.', recorded)}`;
  return b;
}
export function kindBadge(kind: string): HTMLElement {
  const b = badge(tx('ip.kind.', kind), 'info');
  b.setAttribute('data-kind', kind);
  return b;
}
export function riskBadge(): HTMLElement {
  const b = badge(t('ip.atRisk'), 'bad');
  b.classList.add('ip-risk');
  return b;
}

/** "còn 30 ngày" / "hôm nay" / "quá hạn 12 ngày". */
export function daysLeftText(days: number): string {
  if (days === 0) return t('ip.dueToday');
  return days > 0 ? t('ip.daysLeft', { n: fmtNum(days) }) : t('ip.daysOver', { n: fmtNum(-days) });
}

/** "Phí duy trì năm thứ 3", "Gia hạn lần 1", "Yêu cầu thẩm định nội dung"... */
export function deadlineLabel(d: { type: string; number?: number }): string {
  if (d.type === 'annuity' && d.number) return t('ip.dl.annuityN', { n: d.number });
  if (d.type === 'renewal' && d.number) return t('ip.dl.renewalN', { n: d.number });
  return tx('ip.dl.', d.type);
}

const orgNames = new Map<number, Promise<string>>();
export function orgName(id: number): Promise<string> {
  let p = orgNames.get(id);
  if (!p) {
    p = api.get<Organization>(`/organizations/${id}`).then((o) => o.name).catch(() => { orgNames.delete(id); return `#${id}`; });
    orgNames.set(id, p);
  }
  return p;
}
/** A link to an organization whose name arrives later (names are looked up once per page life). */
export function orgLink(id: number): HTMLElement {
  const a = h('a', { href: `#/organizations/${id}`, class: 'org-link' }, `#${id}`);
  void orgName(id).then((n) => { a.textContent = n; });
  return a;
}
function personLink(id: number): HTMLElement {
  const a = h('a', { href: `#/people/${id}` }, `#${id}`);
  api.get<{ full_name: string }>(`/people/${id}`).then((p) => { a.textContent = p.full_name; }).catch(() => undefined);
  return a;
}
export function ownerCell(a: Pick<IpAsset, 'owner_organization_id' | 'owner_person_id' | 'owner_name'>): Child {
  if (a.owner_organization_id) return orgLink(a.owner_organization_id);
  if (a.owner_person_id) return personLink(a.owner_person_id);
  return a.owner_name || '—';
}

let orgList: Promise<Organization[]> | null = null;
export function getOrgs(): Promise<Organization[]> {
  if (!orgList) {
    orgList = api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => itemsOf<Organization>(r))
      .catch((e) => { orgList = null; throw e; });
  }
  return orgList;
}
/** A select of organizations (filled when the list arrives). */
export function orgSelect(id: string, value: string, firstLabel: string): HTMLSelectElement {
  const el = h('select', { id, name: id }, h('option', { value: '' }, firstLabel));
  if (value) el.appendChild(h('option', { value, selected: true }, `#${value}`));
  getOrgs().then((os) => {
    for (const o of os) {
      if (String(o.id) === value) { (el.querySelector(`option[value="${CSS.escape(value)}"]`) as HTMLOptionElement).textContent = o.name; continue; }
      el.appendChild(h('option', { value: String(o.id) }, o.name));
    }
  }).catch(() => undefined);
  // A member's own organization may be beyond the first 500: name it anyway.
  if (value) void orgName(Number(value)).then((n) => { const o = el.querySelector(`option[value="${CSS.escape(value)}"]`); if (o) o.textContent = n; });
  return el;
}

export function provinceName(code: string | null | undefined, provs: Map<string, AdminUnit>): string {
  if (!code) return '—';
  const p = provs.get(code);
  if (!p) return code;
  return getLang() === 'en' ? p.name_en || p.name : p.name;
}
export function provinceMapOf(): Promise<Map<string, AdminUnit>> {
  return getProvinces().then((ps) => new Map(ps.map((p) => [p.code, p]))).catch(() => new Map<string, AdminUnit>());
}

/** Whether the signed-in user may write this asset (the server decides in the end). */
export function canWrite(a: Pick<IpAsset, 'owner_organization_id'>): boolean {
  const me = currentUser();
  return can.staff() || (!!me && me.role === 'member' && me.organization_id != null && me.organization_id === a.owner_organization_id);
}

/** The next deadline as "dd/mm/yyyy — label (còn n ngày)", highlighted when at risk. */
function nextDeadlineCell(s: IpSchedule | null | undefined, today: string): Child {
  const d = nextDeadline(s);
  if (!d) return h('span', { class: 'muted' }, '—');
  const days = daysBetween(today, d.due);
  return h('span', { class: 'ip-next' + (s?.at_risk ? ' at-risk' : ''), 'data-due': d.due },
    h('strong', null, fmtDate(d.due)), ' ', deadlineLabel(d),
    h('span', { class: 'muted small ip-days' }, ' (', daysLeftText(days), ')'));
}

// ---------- portfolio ----------
export function ipPortfolioPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const st = {
    q: q.get('q') || '', kind: q.get('kind') || '', status: q.get('status') || '', province: q.get('province') || '',
    org: q.get('org') || '', cls: q.get('class') || '', offset: Math.max(0, Number(q.get('offset') || 0) || 0),
  };
  const cur = () => ({ q: st.q, kind: st.kind, status: st.status, province: st.province, org: st.org, class: st.cls });
  const update = (patch: Record<string, string>) => setQuery({ ...cur(), offset: '', ...patch }, ctx.path);
  const qInput = h('input', { type: 'search', id: 'ip-q', name: 'q', value: st.q, placeholder: t('ip.searchPlaceholder'), autocomplete: 'off' });
  const clsInput = h('input', { type: 'search', id: 'ip-class', name: 'class', value: st.cls, placeholder: 'A01B, 30, 06-01', autocomplete: 'off' });
  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ q: qInput.value.trim() }), 350); });
  clsInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ class: clsInput.value.trim() }), 350); });
  const sel = (id: string, options: [string, string][], value: string, on: (v: string) => void) => {
    const el = h('select', { id, name: id }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    el.addEventListener('change', () => on(el.value));
    return el;
  };
  const kindSel = sel('ip-kind', [['', t('common.all')], ...IP_KINDS.map((k): [string, string] => [k, tx('ip.kind.', k)])], st.kind, (v) => update({ kind: v }));
  const statusSel = sel('ip-status', [['', t('common.all')], ...RECORDED_STATUSES.map((s): [string, string] => [s, tx('ip.status.', s)])], st.status, (v) => update({ status: v }));
  const provSel = sel('ip-province', [['', t('common.all')]], st.province, (v) => update({ province: v }));
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: p.code === st.province }, getLang() === 'en' ? p.name_en || p.name : p.name));
  }).catch(() => undefined);
  const orgSel = orgSelect('ip-org', st.org, t('common.all'));
  orgSel.addEventListener('change', () => update({ org: orgSel.value }));
  const filters = h('form', { class: 'filters ip-filters', role: 'search', 'aria-label': t('ip.filters'), onsubmit: (e: Event) => { e.preventDefault(); update({ q: qInput.value.trim(), class: clsInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'ip-q' }, t('common.search')), qInput),
    h('div', { class: 'filter' }, h('label', { for: 'ip-kind' }, t('ip.kindLabel')), kindSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-status' }, t('ip.statusLabel')), statusSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-province' }, t('common.province')), provSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-org' }, t('ip.owner')), orgSel),
    h('div', { class: 'filter' }, h('label', { for: 'ip-class' }, t('ip.classPrefix')), clsInput));

  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'ip-results' }, loading());
  const today = todayIso();
  const load = () => {
    results.replaceChildren(loading());
    Promise.all([
      api.get<ListResponse<IpAsset>>('/ip/assets', {
        q: st.q, kind: st.kind, status: st.status, province_code: st.province, owner_organization_id: st.org, class: st.cls,
        limit: PAGE, offset: st.offset,
      }),
      provinceMapOf(),
    ]).then(([r, provs]) => {
      if (signal.aborted) return;
      const items = itemsOf<IpAsset>(r);
      const out: Child[] = [h('p', { class: 'result-count', id: 'ip-count', role: 'status' }, t('ip.count', { n: fmtNum(r.total) }))];
      if (!items.length) {
        out.push(empty(t('ip.none')));
      } else {
        const cols: Column<IpAsset>[] = [
          { label: t('ip.title'), primary: true, cell: (a) => h('div', null,
            h('a', { href: `#/ip/${a.id}`, class: 'ip-link' }, a.title),
            h('div', { class: 'muted small' }, a.grant_number ? `${a.application_number} · ${t('ip.grantNo')} ${a.grant_number}` : a.application_number,
              a.published ? null : [' · ', h('span', { class: 'ip-unpublished' }, t('ip.unpublished'))])) },
          { label: t('ip.kindLabel'), cell: (a) => tx('ip.kind.', a.kind) },
          { label: t('ip.owner'), cell: (a) => ownerCell(a) },
          { label: t('common.province'), cell: (a) => provinceName(a.province_code, provs) },
          { label: t('ip.statusLabel'), cell: (a) => scheduleBadge(a.schedule, a.status) },
          { label: t('ip.nextDeadline'), cell: (a) => nextDeadlineCell(a.schedule, today) },
        ];
        out.push(table(items, cols, { caption: t('ip.portfolioTitle'), rowKey: (a) => String(a.id) }));
        if (r.total > PAGE) out.push(pager(r.total, PAGE, st.offset, (off) => setQuery({ ...cur(), offset: off || '' }, ctx.path)));
      }
      results.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  const me = currentUser();
  const mayCreate = can.staff() || (!!me && me.role === 'member' && me.organization_id != null);
  return h('div', { class: 'page page-ip' },
    pageHeader(t('ip.portfolioTitle'), t('ip.portfolioLead'), h('div', { class: 'btn-row' },
      mayCreate ? h('a', { class: 'btn btn-primary', id: 'ip-new', href: '#/ip/new' }, t('ip.new')) : null,
      me?.role === 'member' && me.organization_id ? h('a', { class: 'btn', id: 'ip-mine', href: `#/ip?org=${me.organization_id}` }, t('ip.mine')) : null)),
    ipTabs('portfolio'),
    h('section', { class: 'card' }, filters, results),
    h('p', { class: 'muted small' }, t('ip.publicNote')));
}

// ---------- asset page ----------
function timelineList(a: IpAsset, today: string): HTMLElement {
  const s = a.schedule;
  if (s?.error) return h('p', { class: 'notice notice-warn' }, t('ip.scheduleError'), ' ', s.error);
  const entries = timeline(a, s, today);
  const items: Child[] = [];
  let nowShown = false;
  const nowItem = () => h('li', { class: 'tl-item tl-now', 'aria-label': t('ip.today') }, h('span', { class: 'tl-date' }, fmtDate(today)), t('ip.today'));
  for (const e of entries) {
    if (!nowShown && e.date > today) { items.push(nowItem()); nowShown = true; }
    items.push(timelineItem(e, today));
  }
  if (!nowShown) items.push(nowItem());
  return h('ol', { class: 'timeline ip-timeline', id: 'ip-timeline' }, items);
}

const capital = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);

function timelineItem(e: TimelineEntry, today: string): HTMLElement {
  const deadline = !!e.window_opens;
  const label = deadline ? deadlineLabel(e) : tx('ip.tl.', e.type);
  const days = daysBetween(today, e.date);
  const inGrace = deadline && e.grace_ends && e.date < today && today <= e.grace_ends;
  const details: Child[] = [];
  if (deadline && e.type !== 'expiry') {
    if (e.window_opens && e.window_opens !== e.date) details.push(h('li', null, capital(t('ip.windowOpens', { date: fmtDate(e.window_opens) }))));
    if (e.grace_ends) {
      details.push(h('li', { class: 'ip-grace' }, capital(t('ip.graceEnds', { date: fmtDate(e.grace_ends) })),
        e.surcharge_percent_per_month ? [' — ', t('ip.surchargeRule', { pct: fmtNum(e.surcharge_percent_per_month) })] : null));
    }
    if (inGrace) details.push(h('li', { class: 'ip-surcharge-now' }, t('ip.surchargeNow', { pct: fmtNum(surchargeOn({ due: e.date, surcharge_percent_per_month: e.surcharge_percent_per_month }, today)) })));
    if (e.owner_action === false) details.push(h('li', { class: 'muted' }, t('ip.officeStep')));
  }
  if (e.source) details.push(h('li', { class: 'muted small ip-source' }, t('ip.source'), ': ', e.source));
  return h('li', {
    class: `tl-item tl-ip tl-${e.type}` + (e.past && !inGrace ? ' tl-past' : '') + (inGrace ? ' tl-grace' : ''),
    'data-type': e.type, 'data-date': e.date, 'data-number': e.number != null ? String(e.number) : null,
  },
  h('span', { class: 'tl-date' }, fmtDate(e.date)),
  h('strong', { class: 'tl-label' }, label),
  deadline && !e.past ? h('span', { class: 'muted small ip-days' }, ' — ', daysLeftText(days)) : null,
  inGrace ? h('span', { class: 'muted small ip-days' }, ' — ', daysLeftText(days)) : null,
  details.length ? h('ul', { class: 'tl-details' }, details) : null);
}

function eventsList(a: IpAsset): HTMLElement {
  const evs = [...(a.events ?? [])].sort((x, y) => y.date.localeCompare(x.date) || y.id - x.id);
  if (!evs.length) return empty(t('ip.noEvents'));
  return h('ol', { class: 'timeline ip-events', id: 'ip-events' }, evs.map((e) => h('li', { class: `tl-item tl-ev-${e.type}`, 'data-type': e.type },
    h('span', { class: 'tl-date' }, fmtDate(e.date)),
    h('strong', null, tx('ip.ev.', e.type)),
    e.paid_up_to ? h('span', null, ' — ', t('ip.paidUpToN', { n: e.paid_up_to })) : null,
    e.document_ref ? h('span', { class: 'muted small' }, ' · ', t('ip.documentRef'), ': ', e.document_ref) : null,
    e.note ? h('p', { class: 'tl-reason pre' }, e.note) : null)));
}

/** The form that records an event; `after` gets the asset as it is afterwards. */
function eventForm(a: IpAsset, after: () => void): HTMLElement {
  const annuity = (a.schedule?.deadlines ?? []).find((d: IpDeadline) => d.type === 'annuity');
  const paidDefault = annuity?.number ?? (a.paid_up_to || 1) + 1;
  const today = todayIso();
  const typeSel = select({ name: 'type', label: t('ip.evType'), required: true, value: '', options: [['', '—'], ...EVENT_TYPES.map((x): [string, string] => [x, tx('ip.ev.', x)])] });
  const paid = input({ name: 'paid_up_to', label: t('ip.paidUpTo'), value: String(paidDefault), inputmode: 'numeric', hint: t('ip.paidUpToHint') });
  const grantNo = input({ name: 'grant_number', label: t('ip.grantNumber') });
  const form: HTMLFormElement = h('form', { class: 'form', id: 'ip-event-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' }, typeSel, dateInput({ name: 'date', label: t('ip.evDate'), required: true, value: today }), paid, grantNo),
    h('div', { class: 'form-grid' }, input({ name: 'document_ref', label: t('ip.documentRef'), maxlength: 500 })),
    textarea({ name: 'note', label: t('ip.note') }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ip-event-save' }, t('ip.evSave'))));
  const typeEl = form.querySelector('select[name="type"]') as HTMLSelectElement;
  const sync = () => {
    paid.hidden = typeEl.value !== 'fee_payment';
    grantNo.hidden = typeEl.value !== 'grant';
  };
  typeEl.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const type = String(fd.get('type') || '');
    const body: Record<string, unknown> = { type };
    const errors: [string, DictKey][] = [];
    if (!type) errors.push(['type', 'err.required']);
    const date = parseDate(String(fd.get('date') || ''));
    if (date === null) errors.push(['date', 'err.date']); else if (!date) errors.push(['date', 'err.required']); else body.date = date;
    if (type === 'fee_payment') {
      const n = Number(String(fd.get('paid_up_to') || '').trim());
      if (!Number.isInteger(n) || n < 1 || n > 100) errors.push(['paid_up_to', 'ip.err.int']); else body.paid_up_to = n;
    }
    if (type === 'grant' && String(fd.get('grant_number') || '').trim()) body.grant_number = String(fd.get('grant_number')).trim();
    for (const k of ['document_ref', 'note']) { const v = String(fd.get(k) || '').trim(); if (v) body[k] = v; }
    if (errors.length) {
      for (const [f, key] of errors) setFieldError(form, f, t(key));
      showSummary(form, t('common.formErrors'));
      return;
    }
    const btn = form.querySelector('#ip-event-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      await api.post(`/ip/assets/${a.id}/events`, body);
      toast(t('ip.evSaved'));
      after();
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  return form;
}

/** Staff: list a free-to-use patent on the exchange, then link to the new listing. */
function exchangeBlock(a: Pick<IpAsset, 'id' | 'owner_organization_id'>, idPrefix = 'ip'): HTMLElement {
  const box = h('div', { class: 'ip-exchange', 'data-asset': String(a.id) });
  const linkTo = (id: number, key: DictKey) => box.replaceChildren(h('p', { class: 'notice', role: 'status' }, t(key), ' ',
    h('a', { href: `#/exchange/${id}`, class: 'ip-exchange-link', id: `${idPrefix}-exchange-link` }, t('ip.exchangeOpen'))));
  const orgSel = a.owner_organization_id ? null : orgSelect(`${idPrefix}-exchange-org-${a.id}`, '', t('ip.exchangeOrg'));
  const err = h('p', { class: 'field-error', 'aria-live': 'polite' });
  const btn = h('button', {
    type: 'button', class: 'btn btn-primary btn-small ip-exchange-btn', id: `${idPrefix}-exchange`, 'data-action': 'exchange-listing',
    onclick: async () => {
      err.textContent = '';
      const body: Record<string, unknown> = {};
      if (orgSel) {
        if (!orgSel.value) { err.textContent = t('ip.exchangeOrgNeeded'); return; }
        body.organization_id = Number(orgSel.value);
      }
      btn.disabled = true;
      try {
        const l = await api.post<{ id: number }>(`/ip/assets/${a.id}/exchange-listing`, body);
        toast(t('ip.exchangeDone'));
        linkTo(l.id, 'ip.exchangeDone');
      } catch (e) {
        btn.disabled = false;
        const existing = e instanceof ApiError && e.status === 409 ? listingIdFromConflict(e.problem.detail) : null;
        if (existing) { linkTo(existing, 'ip.exchangeAlready'); return; }
        err.textContent = errorText(e);
      }
    },
  }, t('ip.exchangeList'));
  box.append(orgSel ? h('label', { class: 'small' }, t('ip.exchangeOrg'), ' ', orgSel) : '', btn, err);
  return box;
}
export { exchangeBlock };

export function ipAssetPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const host = h('div', { class: 'page page-ip-asset' }, loading());
  const id = ctx.params.id;
  const load = () => {
    Promise.all([api.get<IpAsset>('/ip/assets/' + encodeURIComponent(id)), provinceMapOf()]).then(([a, provs]) => {
      if (signal.aborted) return;
      const today = todayIso();
      const s = a.schedule;
      const write = canWrite(a);
      const classesText = a.classes.length ? a.classes.join('; ') : '—';
      const scheme = classScheme(a.kind);
      const info = dl([
        [t('ip.kindLabel'), tx('ip.kind.', a.kind)],
        [t('ip.applicationNumber'), a.application_number],
        [t('ip.grantNumber'), a.grant_number ?? ''],
        [t('ip.filingDate'), fmtDate(a.filing_date)],
        [t('ip.priorityDate'), a.priority_date ? fmtDate(a.priority_date) : ''],
        [t('ip.publicationDate'), a.publication_date ? fmtDate(a.publication_date) : ''],
        [t('ip.grantDate'), a.grant_date ? fmtDate(a.grant_date) : ''],
        [t('ip.owner'), ownerCell(a)],
        [t('ip.inventors'), a.inventors.length ? h('span', null, a.inventors.map((x, i) => [i ? ', ' : '', typeof x === 'number' ? personLink(x) : x])) : ''],
        [scheme === 'none' ? t('ip.classes') : t(('ip.classes.' + scheme) as DictKey), scheme === 'none' ? '' : classesText],
        [t('ip.recordedStatus'), tx('ip.status.', a.status)],
        [t('common.province'), provinceName(a.province_code, provs)],
        [t('ip.keyProduct'), a.key_product ?? ''],
        [t('ip.ocopProduct'), a.ocop_product ?? ''],
        [t('ip.published'), a.published ? t('common.yes') : t('ip.unpublishedLong')],
        [maintenanceOf(a.kind) === 'annuity' ? t('ip.paidUpTo') : '', maintenanceOf(a.kind) === 'annuity' ? String(a.paid_up_to) : ''],
        [maintenanceOf(a.kind) === 'renewal' ? t('ip.renewalsDone') : '', maintenanceOf(a.kind) === 'renewal' ? String(a.renewals_done) : ''],
        [t('ip.termEnds'), s?.term_ends ? fmtDate(s.term_ends) : ''],
        [t('ip.note'), a.note ? h('span', { class: 'pre' }, a.note) : ''],
      ].filter(([k]) => k) as [string, Child][]);
      const badges = h('div', { class: 'listing-badges ip-badges' }, kindBadge(a.kind), scheduleBadge(s, a.status),
        s?.at_risk ? riskBadge() : null,
        s?.free_to_use ? badge(t('ip.freeToUse'), 'ok') : null,
        !a.published ? badge(t('ip.unpublished'), 'warn') : null);
      const actions = write ? h('div', { class: 'btn-row' },
        h('a', { class: 'btn', id: 'ip-edit', href: `#/ip/${a.id}/edit` }, t('common.edit')),
        h('button', {
          type: 'button', class: 'btn btn-danger', id: 'ip-delete', onclick: async () => {
            if (!(await confirmDialog(t('ip.confirmDelete'), t('common.delete')))) return;
            try { await api.del(`/ip/assets/${a.id}`); toast(t('common.deleted')); navigate('/ip'); } catch (e) { toast(errorText(e), 'bad'); }
          },
        }, t('common.delete'))) : null;
      const out: Child[] = [
        pageHeader(a.title, `${tx('ip.kind.', a.kind)} · ${a.application_number}`, actions),
        ipTabs('portfolio'),
        badges,
      ];
      if (s?.at_risk) out.push(h('p', { class: 'notice notice-warn', id: 'ip-risk-note' }, t('ip.riskNote')));
      if (s?.free_to_use && can.staff()) {
        out.push(h('section', { class: 'card', id: 'ip-exchange-card' }, h('h2', null, t('ip.exchangeTitle')), h('p', { class: 'muted small' }, t('ip.exchangeLead')), exchangeBlock(a)));
      }
      out.push(h('div', { class: 'grid-2' },
        h('section', { class: 'card', id: 'ip-info' }, h('h2', null, t('ip.info')), info),
        h('section', { class: 'card', id: 'ip-schedule' }, h('h2', null, t('ip.schedule')), h('p', { class: 'muted small' }, t('ip.scheduleLead')), timelineList(a, today),
          h('p', { class: 'small' }, h('a', { href: '#/ip/deadlines' }, t('ip.toCalendar'))))));
      out.push(h('section', { class: 'card', id: 'ip-events-card' }, h('h2', null, t('ip.events')), eventsList(a),
        write ? h('details', { class: 'ip-event-details', id: 'ip-event-details', open: ctx.query.get('event') === '1' },
          h('summary', null, t('ip.evRecord')), eventForm(a, load)) : null));
      if (SIGN_KINDS.includes(a.kind)) out.push(markUsersCard(a, write));
      host.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) host.replaceChildren(errorState(e, load)); });
  };
  load();
  return host;
}

// ---------- form ----------
const SCHEME_HINT: Record<string, DictKey> = { ipc: 'ip.classHint.ipc', nice: 'ip.classHint.nice', locarno: 'ip.classHint.locarno' };
const SCHEME_PLACEHOLDER: Record<string, string> = { ipc: 'A01N 63/00, C02F 3/12', nice: '29, 30, 35', locarno: '06-01, 09-03' };

export function ipFormPage(ctx: RouteCtx): Node {
  const me = currentUser();
  if (!me) return h('div', { class: 'page' }, needLogin());
  const id = ctx.params.id;
  const host = h('div', { class: 'page page-ip-form' }, loading());
  const build = (a: IpAsset | null) => {
    const staff = can.staff();
    if (!a && !staff && !(me.role === 'member' && me.organization_id)) {
      host.replaceChildren(pageHeader(t('ip.newTitle')), ipTabs('portfolio'), errorState({}), h('p', null, t('ip.noOrg')));
      return;
    }
    const kind0 = a?.kind ?? (IP_KINDS.includes(ctx.query.get('kind') as never) ? ctx.query.get('kind')! : 'patent');
    const ownerOrg = a?.owner_organization_id ?? (staff ? null : me.organization_id);
    const ownerBlock: Child = staff
      ? h('div', { class: 'form-grid' },
        fieldWrap('owner_organization_id', t('ip.ownerOrg'), orgSelect('owner_organization_id', ownerOrg ? String(ownerOrg) : '', t('ip.ownerOrgNone'))),
        input({ name: 'owner_name', label: t('ip.ownerName'), value: a?.owner_name, hint: t('ip.ownerNameHint'), maxlength: 300 }))
      : h('div', { class: 'field', 'data-field': 'owner_organization_id' },
        h('span', { class: 'label-like' }, t('ip.ownerOrg')), ' ', ownerOrg ? orgLink(ownerOrg) : '—',
        h('input', { type: 'hidden', name: 'owner_organization_id', value: ownerOrg ? String(ownerOrg) : '' }),
        h('p', { class: 'field-error', 'data-error-for': 'owner_organization_id' }));
    const classField = input({ name: 'classes', label: t('ip.classes.ipc'), value: (a?.classes ?? []).join(', '), hint: t('ip.classHint.ipc') });
    const paidField = input({ name: 'paid_up_to', label: t('ip.paidUpTo'), value: a ? String(a.paid_up_to) : '', inputmode: 'numeric', hint: t('ip.paidUpToFormHint') });
    const renewField = input({ name: 'renewals_done', label: t('ip.renewalsDone'), value: a ? String(a.renewals_done) : '', inputmode: 'numeric' });
    const form: HTMLFormElement = h('form', { class: 'form', id: 'ip-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        select({ name: 'kind', label: t('ip.kindLabel'), required: true, value: kind0, options: IP_KINDS.map((k): [string, string] => [k, tx('ip.kind.', k)]) }),
        input({ name: 'application_number', label: t('ip.applicationNumber'), required: true, value: a?.application_number, placeholder: '1-2023-01234', maxlength: 60 })),
      input({ name: 'title', label: t('ip.title'), required: true, value: a?.title, maxlength: 1000 }),
      h('div', { class: 'form-grid' },
        dateInput({ name: 'filing_date', label: t('ip.filingDate'), required: true, value: a?.filing_date }),
        dateInput({ name: 'priority_date', label: t('ip.priorityDate'), value: a?.priority_date }),
        dateInput({ name: 'publication_date', label: t('ip.publicationDate'), value: a?.publication_date }),
        dateInput({ name: 'grant_date', label: t('ip.grantDate'), value: a?.grant_date }),
        input({ name: 'grant_number', label: t('ip.grantNumber'), value: a?.grant_number, maxlength: 60 }),
        select({ name: 'status', label: t('ip.recordedStatus'), value: a?.status ?? '', hint: a ? undefined : t('ip.statusAutoHint'),
          options: [...(a ? [] : [['', t('ip.statusAuto')] as [string, string]]), ...RECORDED_STATUSES.map((s): [string, string] => [s, tx('ip.status.', s)])] })),
      ownerBlock,
      h('div', { class: 'form-grid' },
        input({ name: 'inventors', label: t('ip.inventors'), value: inventorsText(a?.inventors), hint: t('ip.inventorsHint') }),
        classField),
      h('div', { class: 'form-grid' },
        select({ name: 'province_code', label: t('common.province'), value: a?.province_code ?? '', options: [['', t('ip.provinceDefault')]] }),
        select({ name: 'published', label: t('ip.published'), value: a ? String(a.published) : '', options: [...(a ? [] : [['', t('ip.publishedAuto')] as [string, string]]), ['true', t('ip.publishedYes')], ['false', t('ip.publishedNo')]] }),
        input({ name: 'key_product', label: t('ip.keyProduct'), value: a?.key_product, maxlength: 300 }),
        input({ name: 'ocop_product', label: t('ip.ocopProduct'), value: a?.ocop_product, maxlength: 300 }),
        paidField, renewField),
      textarea({ name: 'note', label: t('ip.note'), value: a?.note }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'ip-save' }, t('common.save')),
        h('a', { class: 'btn btn-ghost', href: a ? `#/ip/${a.id}` : '#/ip' }, t('common.cancel'))));
    const kindEl = form.querySelector('select[name="kind"]') as HTMLSelectElement;
    const sync = () => {
      const scheme = classScheme(kindEl.value);
      classField.hidden = scheme === 'none';
      if (scheme !== 'none') {
        (classField.querySelector('label') as HTMLLabelElement).firstChild!.textContent = t(('ip.classes.' + scheme) as DictKey);
        (classField.querySelector('.field-hint') as HTMLElement).textContent = t(SCHEME_HINT[scheme]);
        (classField.querySelector('input') as HTMLInputElement).placeholder = SCHEME_PLACEHOLDER[scheme];
      }
      classField.setAttribute('data-scheme', scheme);
      const m = maintenanceOf(kindEl.value);
      paidField.hidden = m !== 'annuity';
      renewField.hidden = m !== 'renewal';
    };
    kindEl.addEventListener('change', sync);
    sync();
    const provSel = form.querySelector('select[name="province_code"]') as HTMLSelectElement;
    getProvinces().then((ps) => { for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: a?.province_code === p.code }, p.full_name || p.name)); }).catch(() => undefined);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const fd = new FormData(form);
      const v: Record<string, string> = {};
      for (const k of ['kind', 'title', 'application_number', 'filing_date', 'priority_date', 'publication_date', 'grant_date', 'grant_number', 'status',
        'owner_organization_id', 'owner_name', 'inventors', 'classes', 'province_code', 'published', 'key_product', 'ocop_product', 'paid_up_to', 'renewals_done', 'note']) {
        v[k] = String(fd.get(k) ?? '');
      }
      const dateErrors: [string, DictKey][] = [];
      for (const k of ['filing_date', 'priority_date', 'publication_date', 'grant_date']) {
        const d = parseDate(v[k]);
        if (d === null) dateErrors.push([k, 'err.date']); else v[k] = d;
      }
      const { body, errors } = assetBody(v);
      const all = [...dateErrors, ...errors.filter(([f]) => !dateErrors.some(([g]) => g === f))];
      if (staff && !v.owner_organization_id && !v.owner_name.trim() && !a?.owner_person_id) all.push(['owner_organization_id', 'ip.err.owner']);
      if (all.length) {
        for (const [f, key] of all) setFieldError(form, f, t(key as DictKey));
        showSummary(form, t('common.formErrors'));
        (form.querySelector('.has-error input, .has-error select, .has-error textarea') as HTMLElement | null)?.focus();
        return;
      }
      const btn = form.querySelector('#ip-save') as HTMLButtonElement;
      btn.disabled = true;
      try {
        let saved: IpAsset;
        if (a) {
          if (!staff) delete body.owner_organization_id;
          if (!('owner_organization_id' in body) && staff && a.owner_organization_id) body.owner_organization_id = null;
          const patch = assetPatch(a as unknown as Record<string, unknown>, body);
          saved = Object.keys(patch).length ? await api.patch<IpAsset>('/ip/assets/' + a.id, { ...patch, version: a.version }) : a;
        } else {
          saved = await api.post<IpAsset>('/ip/assets', createBody(body));
        }
        toast(t('common.saved'));
        navigate('/ip/' + saved.id);
      } catch (err) {
        btn.disabled = false;
        if (err instanceof ApiError && err.status === 409 && !err.problem.field && /stale|changed/.test(err.problem.detail ?? '')) { showSummary(form, t('err.conflict')); return; }
        showProblem(form, err);
      }
    });
    host.replaceChildren(
      pageHeader(a ? t('ip.editTitle') : t('ip.newTitle'), a?.title ?? t('ip.newLead')),
      ipTabs('portfolio'),
      h('section', { class: 'card' }, form));
    (form.querySelector('input[name="title"]') as HTMLElement | null)?.focus();
  };
  (id ? api.get<IpAsset>('/ip/assets/' + encodeURIComponent(id)) : Promise.resolve(null))
    .then(build).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}
