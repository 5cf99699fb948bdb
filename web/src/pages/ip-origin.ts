// Intellectual property (issue 7): the authorised users of a geographical indication or a collective
// or certification mark (a card on the asset's page), and the province's priority sectors and key
// products (#/ip/priorities) that the free-to-use finder filters by. All text via text nodes.
import { h, type Child } from '../dom';
import { t, tx, getLang } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtNum, parseDate } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { can } from '../session';
import {
  badge, clearErrors, confirmDialog, dateInput, empty, errorState, errorText, fieldWrap, formSummary, input, loading, pageHeader,
  select, setFieldError, showProblem, showSummary, table, toast,
} from '../ui';
import { getProvinces } from '../refdata';
import { splitList, todayIso, type IpAsset } from '../ip';
import { ipTabs, orgLink, orgSelect } from './ip';

// ---------- users of a sign ----------
export const SIGN_KINDS = ['geographical_indication', 'collective_mark', 'certification_mark'];

export interface MarkUser {
  id: number; asset_id: number; organization_id: number | null; organization_name: string | null; name: string;
  province_code: string; province_name: string | null; commune_code: string | null; commune_name: string | null;
  products: string | null; decision_number: string | null; authorised_on: string; valid_until: string | null;
  status: 'active' | 'suspended' | 'revoked'; note: string | null; version: number;
}
interface UsersResponse { items: MarkUser[]; total: number; active: number; provinces: Record<string, number> }

const USER_TONE: Record<string, string> = { active: 'ok', suspended: 'warn', revoked: 'neutral' };

function provinceSelect(name: string, label: string, value: string, required: boolean): HTMLElement {
  const sel = h('select', { name }, h('option', { value: '' }, '—'));
  getProvinces().then((ps) => {
    for (const p of ps) sel.appendChild(h('option', { value: p.code, selected: p.code === value }, getLang() === 'en' ? p.name_en || p.name : p.name));
  }).catch(() => undefined);
  return fieldWrap(name, label, sel, required);
}

/** The card of a sign's users: the list, and for its holder and staff the form and the actions. */
export function markUsersCard(a: IpAsset, write: boolean): HTMLElement {
  const body = h('div', { id: 'ipo-users-body' }, loading());
  const card = h('section', { class: 'card', id: 'ipo-users' }, h('h2', null, t('ipo.usersTitle')), h('p', { class: 'muted small' }, t('ipo.usersLead')), body);
  const load = () => {
    api.get<UsersResponse>(`/ip/assets/${a.id}/users`).then((r) => {
      const setStatus = async (u: MarkUser, status: string) => {
        if (status === 'revoked' && !(await confirmDialog(t('ipo.confirmRevoke', { name: u.name }), t('ipo.revoke')))) return;
        try { await api.patch(`/ip/assets/${a.id}/users/${u.id}`, { status, version: u.version }); load(); } catch (e) { toast(errorText(e), 'bad'); }
      };
      const remove = async (u: MarkUser) => {
        if (!(await confirmDialog(t('ipo.confirmDelete', { name: u.name }), t('common.delete')))) return;
        try { await api.del(`/ip/assets/${a.id}/users/${u.id}`); toast(t('common.deleted')); load(); } catch (e) { toast(errorText(e), 'bad'); }
      };
      const rows = r.items.length ? table(r.items, [
        { label: t('ipo.userName'), primary: true, cell: (u) => (u.organization_id ? orgLink(u.organization_id) : u.name) },
        { label: t('ipo.place'), cell: (u) => [u.commune_name ? `${u.commune_name}, ` : '', u.province_name ?? u.province_code] },
        { label: t('ipo.products'), cell: (u) => u.products ?? '' },
        { label: t('ipo.decision'), cell: (u) => u.decision_number ?? '' },
        { label: t('ipo.authorisedOn'), cell: (u) => fmtDate(u.authorised_on) },
        { label: t('ipo.validUntil'), cell: (u) => (u.valid_until ? fmtDate(u.valid_until) : '') },
        {
          label: t('ipo.status'), cell: (u) => {
            const b = badge(tx('ipo.status.', u.status), USER_TONE[u.status] ?? 'neutral');
            b.setAttribute('data-status', u.status);
            return b;
          },
        },
        ...(write ? [{
          label: '', cell: (u: MarkUser): Child => h('div', { class: 'btn-row btn-row-tight' },
            u.status === 'active' ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'suspend', onclick: () => setStatus(u, 'suspended') }, t('ipo.suspend')) : null,
            u.status === 'suspended' ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'reinstate', onclick: () => setStatus(u, 'active') }, t('ipo.reinstate')) : null,
            u.status !== 'revoked' ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'revoke', onclick: () => setStatus(u, 'revoked') }, t('ipo.revoke')) : null,
            h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete', onclick: () => remove(u) }, t('common.delete'))),
        }] : []),
      ], { caption: t('ipo.usersTitle'), rowKey: (u) => String(u.id) }) : empty(t('ipo.usersNone'));
      const out: Child[] = [h('p', { class: 'result-count', id: 'ipo-users-count', role: 'status' }, t('ipo.usersCount', { n: fmtNum(r.active) })), rows];
      if (write) {
        out.push(a.status === 'granted' && a.grant_date
          ? h('details', { class: 'ipo-add', id: 'ipo-add' }, h('summary', null, t('ipo.add')), userForm(a, load))
          : h('p', { class: 'muted small' }, t('ipo.notRegistered')));
      }
      body.replaceChildren(...(out as Node[]));
    }).catch((e) => body.replaceChildren(errorState(e, load)));
  };
  load();
  return card;
}

function userForm(a: IpAsset, after: () => void): HTMLElement {
  const org = orgSelect('organization_id', '', t('ipo.userOrgNone'));
  const form: HTMLFormElement = h('form', { class: 'form', id: 'ipo-user-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      fieldWrap('organization_id', t('ipo.userOrg'), org),
      input({ name: 'name', label: t('ipo.userName'), maxlength: 300, hint: t('ipo.userNameHint') }),
      provinceSelect('province_code', t('common.province'), a.province_code ?? '', false),
      input({ name: 'commune_code', label: t('ipo.commune'), maxlength: 5, inputmode: 'numeric', hint: t('ipo.communeHint') })),
    h('div', { class: 'form-grid' },
      input({ name: 'products', label: t('ipo.products'), maxlength: 1000 }),
      input({ name: 'decision_number', label: t('ipo.decision'), maxlength: 100 }),
      dateInput({ name: 'authorised_on', label: t('ipo.authorisedOn'), required: true, value: todayIso() }),
      dateInput({ name: 'valid_until', label: t('ipo.validUntil') })),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipo-user-save' }, t('ipo.save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const v = (k: string) => String(fd.get(k) || '').trim();
    const body: Record<string, unknown> = {};
    const errors: [string, string][] = [];
    if (v('organization_id')) body.organization_id = Number(v('organization_id'));
    else if (!v('name')) errors.push(['name', t('err.required')]);
    for (const k of ['name', 'province_code', 'commune_code', 'products', 'decision_number']) if (v(k)) body[k] = v(k);
    for (const k of ['authorised_on', 'valid_until']) {
      const d = parseDate(v(k));
      if (d === null) errors.push([k, t('err.date')]);
      else if (d) body[k] = d;
      else if (k === 'authorised_on') errors.push([k, t('err.required')]);
    }
    if (errors.length) {
      for (const [f, m] of errors) setFieldError(form, f, m);
      showSummary(form, t('common.formErrors'));
      return;
    }
    const btn = form.querySelector('#ipo-user-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      await api.post(`/ip/assets/${a.id}/users`, body);
      toast(t('ipo.saved'));
      after();
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  return form;
}

// ---------- an organization's portfolio, on its page ----------
/** Counts of an organization's IP assets by kind, those at risk, and links to its portfolio and
 *  deadlines (what the viewer may see: unpublished applications only for staff and its members). */
export function orgIpSection(orgId: number): HTMLElement {
  const body = h('div', null, loading());
  api.get<ListResponse<IpAsset>>('/ip/assets', { owner_organization_id: orgId, limit: 500 }).then((r) => {
    const items = itemsOf<IpAsset>(r);
    if (!items.length) { body.replaceChildren(empty(t('ipo.orgNone'))); return; }
    const kinds = new Map<string, number>();
    for (const a of items) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
    const atRisk = items.filter((a) => a.schedule?.at_risk).length;
    body.replaceChildren(
      h('p', { id: 'org-ip-total' }, t('ipo.orgTotal', { n: fmtNum(r.total) }), atRisk ? [' · ', h('strong', { class: 'text-bad' }, t('ipo.orgAtRisk', { n: fmtNum(atRisk) }))] : null),
      h('ul', { class: 'org-ip-kinds' }, [...kinds].map(([k, n]) => h('li', { 'data-kind': k },
        h('a', { href: `#/ip?org=${orgId}&kind=${encodeURIComponent(k)}` }, tx('ip.kind.', k)), ': ', fmtNum(n)))),
      h('p', null, h('a', { href: `#/ip?org=${orgId}`, id: 'org-ip-link' }, t('ipo.orgPortfolio'), ' ›'), ' · ',
        h('a', { href: `#/ip/deadlines?org=${orgId}` }, t('ipo.orgDeadlines'), ' ›')));
  }).catch((e) => body.replaceChildren(errorState(e)));
  return h('section', { class: 'card', id: 'org-ip' }, h('h2', null, t('ipo.orgTitle')), body);
}

// ---------- the province's priorities ----------
export interface Priority {
  id: number; province_code: string; kind: 'sector' | 'key_product'; name: string; name_en: string | null;
  ipc_prefixes: string[]; keywords: string[]; vsic_codes: string[]; basis: string | null; version: number;
}

/** "ipc A23" / "keyword cà phê" / "key product" from the API, in words. */
export function matchedBy(by: string): string {
  if (by.startsWith('ipc ')) return t('ipo.by.ipc', { code: by.slice(4) });
  if (by.startsWith('keyword ')) return t('ipo.by.keyword', { word: by.slice(8) });
  return t('ipo.by.product');
}

export function ipPrioritiesPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const province = ctx.query.get('province') || '01';
  const provSel = h('select', { id: 'ipo-prio-province', name: 'province' });
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: p.code === province }, getLang() === 'en' ? p.name_en || p.name : p.name));
  }).catch(() => undefined);
  provSel.addEventListener('change', () => setQuery({ province: provSel.value }, ctx.path));
  const list = h('div', { id: 'ipo-prio-list', 'aria-live': 'polite' }, loading());
  const formHost = h('div', { id: 'ipo-prio-form-host' });
  const load = () => {
    list.replaceChildren(loading());
    api.get<ListResponse<Priority>>('/priorities', { province_code: province, limit: 500 }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<Priority>(r);
      if (!items.length) { list.replaceChildren(empty(t('ipo.prioNone'))); return; }
      list.replaceChildren(h('ul', { class: 'ipo-prio-cards' }, items.map((p) => h('li', { class: 'card ipo-prio', 'data-id': String(p.id) },
        h('div', { class: 'result-meta' }, badge(tx('ipo.kind.', p.kind), p.kind === 'sector' ? 'info' : 'ok')),
        h('h3', null, getLang() === 'en' && p.name_en ? p.name_en : p.name),
        h('p', { class: 'small' },
          p.ipc_prefixes.length ? [h('strong', null, t('ipo.prioIpc')), ': ', p.ipc_prefixes.join('; ')] : null,
          p.ipc_prefixes.length && p.keywords.length ? ' · ' : null,
          p.keywords.length ? [h('strong', null, t('ipo.prioKeywords')), ': ', p.keywords.join(', ')] : null),
        p.vsic_codes.length ? h('p', { class: 'small muted' }, t('ipo.prioVsic'), ': ', p.vsic_codes.join(', ')) : null,
        p.basis ? h('p', { class: 'small muted' }, t('ipo.prioBasis'), ': ', p.basis) : null,
        h('div', { class: 'btn-row' },
          h('a', { class: 'btn btn-small', href: `#/ip/free?priority=${p.id}` }, t('ipo.prioFind')),
          can.staff() ? h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'edit', onclick: () => { formHost.replaceChildren(priorityForm(province, p, done)); formHost.scrollIntoView(); } }, t('ipo.prioEdit')) : null,
          can.staff() ? h('button', {
            type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete', onclick: async () => {
              if (!(await confirmDialog(t('ipo.prioDeleteConfirm', { name: p.name }), t('common.delete')))) return;
              try { await api.del(`/priorities/${p.id}`); toast(t('common.deleted')); load(); } catch (e) { toast(errorText(e), 'bad'); }
            },
          }, t('common.delete')) : null)))));
    }).catch((e) => { if (!signal.aborted) list.replaceChildren(errorState(e, load)); });
  };
  const done = () => { formHost.replaceChildren(can.staff() ? priorityForm(province, null, done) : ''); load(); };
  done();
  return h('div', { class: 'page page-ip-priorities' },
    pageHeader(t('ipo.prioTitle'), t('ipo.prioLead'),
      h('a', { class: 'btn', href: `#/ip/free?for=${encodeURIComponent(province)}`, id: 'ipo-prio-find-all' }, t('ipo.prioFind'))),
    ipTabs('free'),
    h('section', { class: 'card' }, h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'ipo-prio-province' }, t('ipo.prioProvince')), provSel)), list),
    formHost,
    h('p', { class: 'muted small' }, t('ipo.prioNote')));
}

function priorityForm(province: string, p: Priority | null, after: () => void): HTMLElement {
  const form: HTMLFormElement = h('form', { class: 'form card', id: 'ipo-prio-form', novalidate: true },
    h('h2', null, p ? `${t('ipo.prioEdit')}: ${p.name}` : t('ipo.prioAdd')),
    formSummary(),
    h('div', { class: 'form-grid' },
      select({ name: 'kind', label: t('ipo.prioKind'), required: true, value: p?.kind ?? 'sector', options: [['sector', t('ipo.kind.sector')], ['key_product', t('ipo.kind.key_product')]] }),
      input({ name: 'name', label: t('ipo.prioName'), required: true, maxlength: 300, value: p?.name }),
      input({ name: 'name_en', label: t('ipo.prioNameEn'), maxlength: 300, value: p?.name_en })),
    h('div', { class: 'form-grid' },
      input({ name: 'ipc_prefixes', label: t('ipo.prioIpc'), hint: t('ipo.prioIpcHint'), value: p?.ipc_prefixes.join(', ') }),
      input({ name: 'keywords', label: t('ipo.prioKeywords'), hint: t('ipo.prioKeywordsHint'), value: p?.keywords.join(', ') }),
      input({ name: 'vsic_codes', label: t('ipo.prioVsic'), value: p?.vsic_codes.join(', ') }),
      input({ name: 'basis', label: t('ipo.prioBasis'), maxlength: 500, value: p?.basis })),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipo-prio-save' }, t('ipo.save')),
      p ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: after }, t('common.cancel')) : null));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const v = (k: string) => String(fd.get(k) || '').trim();
    const body: Record<string, unknown> = {
      kind: v('kind'), name: v('name'), ipc_prefixes: splitList(v('ipc_prefixes')), keywords: v('keywords').split(',').map((x) => x.trim()).filter(Boolean),
      vsic_codes: splitList(v('vsic_codes')),
    };
    for (const k of ['name_en', 'basis']) if (v(k) || p) body[k] = v(k) || null;
    if (!v('name')) { setFieldError(form, 'name', t('err.required')); showSummary(form, t('common.formErrors')); return; }
    if (!(body.ipc_prefixes as string[]).length && !(body.keywords as string[]).length) {
      setFieldError(form, 'ipc_prefixes', t('ipo.prioNeedOne'));
      showSummary(form, t('common.formErrors'));
      return;
    }
    const btn = form.querySelector('#ipo-prio-save') as HTMLButtonElement;
    btn.disabled = true;
    try {
      if (p) await api.patch(`/priorities/${p.id}`, { ...body, version: p.version });
      else await api.post('/priorities', { ...body, province_code: province });
      toast(t('ipo.prioSaved'));
      after();
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  return form;
}
