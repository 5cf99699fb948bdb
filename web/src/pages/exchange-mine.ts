// Technology exchange, owners' pages: the form of an offer or a need (#/exchange/new?kind=,
// #/exchange/:id/edit), and #/exchange/mine with my listings in every state and my introductions
// (sent and received) with their next steps. All text via text nodes (dom.ts); no innerHTML.
import { h, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, parseDate } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  checkbox, clearErrors, confirmDialog, dateInput, empty, errorState, errorText, formSummary, input, loading, needLogin,
  pageHeader, pager, select, setFieldError, showProblem, showSummary, textarea, toast,
} from '../ui';
import { getFields, getProvinces, getVsic, type FieldOfScience } from '../refdata';
import type { Organization } from './organizations';
import {
  CONNECTION_STATUSES, CONTRACT_FORMS, DECLINE_REASONS, LISTING_STATUSES, TRANSFER_MODES, connectionActions, contractParties,
  listingBody, listingPatch, parseVnd, type Connection, type Listing, type ListingKind,
} from '../exchange';
import { actionButtons, connStatusBadge, exchangeTabs, kindBadge, listingStatusBadge, priceText } from './exchange';

// ---------- form ----------
const listText = (xs: string[] | undefined | null) => (xs ?? []).join(', ');
const splitList = (s: string) => s.split(/[,;\n]/).map((x) => x.trim()).filter(Boolean);

export function listingFormPage(ctx: RouteCtx): Node {
  const me = currentUser();
  if (!me) return h('div', { class: 'page' }, needLogin());
  const id = ctx.params.id;
  const host = h('div', { class: 'page page-listing-form' }, loading());

  const build = (l: Listing | null, fs: FieldOfScience[], orgs: Organization[]) => {
    const kind: ListingKind = l ? l.kind : ctx.query.get('kind') === 'need' ? 'need' : 'offer';
    const offer = kind === 'offer';
    const chosen = new Set(l?.fields ?? []);
    const en = getLang() === 'en';
    const fname = (f: FieldOfScience) => (en ? f.name_en : f.name_vi);
    const top = fs.filter((f) => f.level === 1 || !f.parent_code);
    const fieldBox = h('fieldset', { class: 'field fieldset', 'data-field': 'fields' },
      h('legend', null, t('ex.fields')),
      h('div', { class: 'field-tree' }, top.map((f1) => h('div', { class: 'field-group' },
        h('label', { class: 'strong' }, h('input', { type: 'checkbox', name: 'fields', value: f1.code, checked: chosen.has(f1.code) }), ` ${f1.code} ${fname(f1)}`),
        fs.filter((f) => f.parent_code === f1.code).map((f2) =>
          h('label', { class: 'sub' }, h('input', { type: 'checkbox', name: 'fields', value: f2.code, checked: chosen.has(f2.code) }), ` ${f2.code} ${fname(f2)}`))))),
      h('p', { class: 'field-error', 'data-error-for': 'fields' }));
    const modes = new Set(l?.transfer_modes ?? []);
    const modeBox = h('fieldset', { class: 'field fieldset', 'data-field': 'transfer_modes' },
      h('legend', null, t('ex.modes')),
      h('div', { class: 'checks' }, TRANSFER_MODES.map((m) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'transfer_modes', value: m, checked: modes.has(m) }), ' ', tx('ex.mode.', m)))),
      h('p', { class: 'field-error', 'data-error-for': 'transfer_modes' }));
    const trlOptions = (lab: string): [string, string][] => [['', '—'], ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): [string, string] => [String(n), `${lab} ${n} — ${t(('ex.trl' + n) as DictKey)}`])];
    const staffOrg = can.staff() && !l;
    const kindSpecific: Child = offer
      ? [h('div', { class: 'form-grid' },
        select({ name: 'trl', label: t('ex.trl'), value: l?.trl != null ? String(l.trl) : '', options: trlOptions('TRL'), hint: t('ex.trlHint') }),
        input({ name: 'ipc', label: t('ex.ipc'), value: listText(l?.ipc), placeholder: 'C02F 3/12, A01N 63/00', hint: t('ex.listHint') }),
        input({ name: 'price_vnd', label: t('ex.priceVnd'), value: l?.price_vnd != null ? String(l.price_vnd) : '', inputmode: 'numeric', placeholder: '1.500.000.000' }),
        checkbox('price_negotiable', t('ex.negotiable'), !!l?.price_negotiable))]
      : [h('div', { class: 'form-grid' },
        select({ name: 'trl_min', label: t('ex.trlMin'), value: l?.trl_min != null ? String(l.trl_min) : '', options: trlOptions('TRL'), hint: t('ex.trlMinHint') }),
        dateInput({ name: 'deadline', label: t('ex.deadline'), value: l?.deadline ?? '' }),
        input({ name: 'budget_min_vnd', label: t('ex.budgetMin'), value: l?.budget_min_vnd != null ? String(l.budget_min_vnd) : '', inputmode: 'numeric' }),
        input({ name: 'budget_max_vnd', label: t('ex.budgetMax'), value: l?.budget_max_vnd != null ? String(l.budget_max_vnd) : '', inputmode: 'numeric' }),
        select({ name: 'sector_vsic', label: t('ex.sector'), value: l?.sector_vsic ?? '', options: [['', '—']] })),
      textarea({ name: 'accepted_result', label: t('ex.acceptedResult'), value: l?.accepted_result, hint: t('ex.acceptedResultHint') })];
    const saveLabel = l && (l.status === 'published' || l.status === 'expired') ? t('ex.saveToReview') : t('ex.saveDraft');
    const form: HTMLFormElement = h('form', { class: 'form', id: 'listing-form', novalidate: true, 'data-kind': kind },
      formSummary(),
      l && (l.status === 'published' || l.status === 'expired') ? h('p', { class: 'notice' }, t('ex.editPublishedNote')) : null,
      staffOrg ? select({ name: 'organization_id', label: t('ex.organization'), required: true, value: '', options: [['', '—'], ...orgs.map((o): [string, string] => [String(o.id), o.name])] }) : null,
      input({ name: 'title', label: offer ? t('ex.offerTitle') : t('ex.needTitle'), required: true, value: l?.title, maxlength: 300 }),
      textarea({ name: 'summary', label: offer ? t('ex.summary') : t('ex.problem'), required: true, value: l?.summary }),
      textarea({ name: 'description', label: t('ex.description'), value: l?.description }),
      kindSpecific,
      modeBox,
      fieldBox,
      input({ name: 'keywords', label: t('ex.keywords'), value: listText(l?.keywords), hint: t('ex.listHint') }),
      h('h3', null, t('ex.contact')),
      h('p', { class: 'muted small' }, t('ex.contactPrivate')),
      h('div', { class: 'form-grid' },
        input({ name: 'contact_name', label: t('ex.contactName'), value: l?.contact_name }),
        input({ name: 'contact_email', label: t('ex.contactEmail'), type: 'email', value: l?.contact_email }),
        input({ name: 'contact_phone', label: t('ex.contactPhone'), type: 'tel', value: l?.contact_phone }),
        select({ name: 'province_code', label: t('common.province'), value: l?.province_code ?? '', options: [['', t('ex.provinceDefault')]] })),
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn', id: 'listing-save', value: 'save' }, saveLabel),
        !l || l.status === 'draft' || l.status === 'returned'
          ? h('button', { type: 'submit', class: 'btn btn-primary', id: 'listing-submit', value: 'submit' }, t('ex.saveSubmit')) : null,
        h('a', { class: 'btn btn-ghost', href: l ? `#/exchange/${l.id}` : '#/exchange/mine' }, t('common.cancel'))));
    const provSel = form.querySelector('select[name="province_code"]') as HTMLSelectElement;
    getProvinces().then((ps) => { for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: l?.province_code === p.code }, p.full_name || p.name)); }).catch(() => undefined);
    const vsicSel = form.querySelector('select[name="sector_vsic"]') as HTMLSelectElement | null;
    if (vsicSel) {
      getVsic().then((vs) => {
        for (const v of vs) vsicSel.appendChild(h('option', { value: v.code, selected: l?.sector_vsic === v.code }, `${v.level > 1 ? '— ' : ''}${v.code} ${en ? v.name_en : v.name_vi}`));
      }).catch(() => undefined);
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
      const andSubmit = submitter?.value === 'submit';
      const fd = new FormData(form);
      const v: Record<string, string> = {};
      for (const k of ['title', 'summary', 'description', 'contact_name', 'contact_email', 'contact_phone', 'province_code', 'trl', 'price_vnd',
        'trl_min', 'budget_min_vnd', 'budget_max_vnd', 'deadline', 'accepted_result', 'sector_vsic']) v[k] = String(fd.get(k) ?? '');
      let dateBad = false;
      if (v.deadline.trim()) {
        const d = parseDate(v.deadline);
        if (d === null) dateBad = true; else v.deadline = d;
      }
      const lists = {
        fields: fd.getAll('fields').map(String), transfer_modes: fd.getAll('transfer_modes').map(String),
        ipc: splitList(String(fd.get('ipc') ?? '')), keywords: splitList(String(fd.get('keywords') ?? '')),
      };
      const { body, errors } = listingBody(kind, v, lists, fd.get('price_negotiable') !== null);
      if (dateBad) errors.push(['deadline', 'err.date']);
      if (staffOrg && !fd.get('organization_id')) errors.push(['organization_id', 'err.required']);
      if (errors.length) {
        for (const [f, key] of errors) setFieldError(form, f, t(key as DictKey));
        showSummary(form, t('common.formErrors'));
        (form.querySelector('.has-error input, .has-error select, .has-error textarea') as HTMLElement | null)?.focus();
        return;
      }
      const buttons = form.querySelectorAll<HTMLButtonElement>('button[type="submit"]');
      buttons.forEach((b) => { b.disabled = true; });
      try {
        let saved: Listing;
        if (l) {
          const patch = listingPatch(l as unknown as Record<string, unknown>, body);
          saved = Object.keys(patch).length ? await api.patch<Listing>('/exchange/listings/' + l.id, { ...patch, version: l.version }) : l;
          if (andSubmit && (saved.status === 'draft' || saved.status === 'returned')) saved = await api.post<Listing>(`/exchange/listings/${l.id}/submit`, {});
        } else {
          const clean: Record<string, unknown> = {};
          for (const [k, val] of Object.entries(body)) if (val !== null && val !== '' && !(Array.isArray(val) && !val.length)) clean[k] = val;
          if (staffOrg) clean.organization_id = Number(fd.get('organization_id'));
          if (andSubmit) clean.submit = true;
          saved = await api.post<Listing>('/exchange/listings', clean);
        }
        toast(andSubmit ? t('ex.done.submit') : t('common.saved'));
        navigate('/exchange/' + saved.id);
      } catch (err) {
        buttons.forEach((b) => { b.disabled = false; });
        if (err instanceof ApiError && err.status === 409 && err.problem.type?.includes('conflict')) { showSummary(form, t('err.conflict')); return; }
        showProblem(form, err);
      }
    });
    host.replaceChildren(
      pageHeader(l ? t('ex.editTitle') : offer ? t('ex.newOffer') : t('ex.newNeed'), l?.title ?? (offer ? t('ex.newOfferLead') : t('ex.newNeedLead'))),
      exchangeTabs('mine'),
      h('section', { class: 'card' }, form));
    (form.querySelector('input[name="title"]') as HTMLElement | null)?.focus();
  };
  Promise.all([
    id ? api.get<Listing>('/exchange/listings/' + encodeURIComponent(id)) : Promise.resolve(null),
    getFields().catch(() => [] as FieldOfScience[]),
    can.staff() && !id ? api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => itemsOf<Organization>(r)).catch(() => [] as Organization[]) : Promise.resolve([] as Organization[]),
  ]).then(([l, fs, orgs]) => build(l, fs, orgs)).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

// ---------- my listings and connections ----------
export function minePage(ctx: RouteCtx, signal: AbortSignal): Node {
  const me = currentUser();
  if (!me) return h('div', { class: 'page' }, needLogin());
  const tab = ctx.query.get('tab') === 'connections' ? 'connections' : 'listings';
  const cur = Object.fromEntries(ctx.query.entries());
  const tabs = h('div', { class: 'seg', role: 'tablist', 'aria-label': t('ex.mineTabs') },
    ([['listings', 'ex.myListings'], ['connections', 'ex.myConnections']] as [string, DictKey][]).map(([k, key]) =>
      h('a', { href: `#/exchange/mine${k === 'connections' ? '?tab=connections' : ''}`, role: 'tab', id: 'mine-tab-' + k, class: 'seg-item', 'aria-selected': String(tab === k) }, t(key))));
  const body = tab === 'listings' ? myListings(ctx, signal, cur) : myConnections(ctx, signal, cur);
  return h('div', { class: 'page page-exchange-mine' },
    pageHeader(t('ex.mineTitle'), me.organization_id || can.staff() ? t('ex.mineLead') : t('ex.noOrg'), h('div', { class: 'btn-row' },
      h('a', { class: 'btn btn-primary', id: 'mine-new-offer', href: '#/exchange/new?kind=offer' }, t('ex.newOffer')),
      h('a', { class: 'btn', id: 'mine-new-need', href: '#/exchange/new?kind=need' }, t('ex.newNeed')))),
    exchangeTabs('mine'), tabs, body);
}

function myListings(ctx: RouteCtx, signal: AbortSignal, cur: Record<string, string>): HTMLElement {
  const me = currentUser()!;
  const status = ctx.query.get('status') || '';
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0) || 0);
  const stSel = h('select', { id: 'mine-status', name: 'status' }, h('option', { value: '' }, t('common.all')),
    LISTING_STATUSES.map((s) => h('option', { value: s, selected: s === status }, tx('ex.status.', s))));
  stSel.addEventListener('change', () => setQuery({ ...cur, status: stSel.value, offset: '' }, ctx.path));
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'mine-listings' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<Listing>>('/exchange/listings', {
      organization_id: me.role === 'member' ? me.organization_id : null, status, limit: 20, offset, sort: '-created_at',
    }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<Listing>(r);
      if (!items.length) { results.replaceChildren(empty(t('ex.noMine'))); return; }
      results.replaceChildren(h('ul', { class: 'result-list' }, items.map((l) => h('li', null,
        h('article', { class: 'result mine-listing', 'data-id': String(l.id) },
          h('div', { class: 'result-meta' }, kindBadge(l.kind), listingStatusBadge(l.status),
            h('span', { class: 'result-sub' }, l.organization_name)),
          h('h3', { class: 'result-title' }, h('a', { href: `#/exchange/${l.id}` }, l.title)),
          h('p', { class: 'muted small' },
            `${l.kind === 'offer' ? t('ex.price') : t('ex.budget')}: ${priceText(l)}`,
            l.expires_at ? ` · ${t('ex.expiresAt')}: ${fmtDate(l.expires_at)}` : '',
            ` · ${t('ex.createdAt')}: ${fmtDate(l.created_at)}`),
          l.status === 'returned' && l.review_note ? h('p', { class: 'notice notice-warn' }, h('strong', null, t('ex.returnedBecause')), ' ', l.review_note) : null,
          actionButtons(l, () => load()))))),
      r.total > 20 ? pager(r.total, 20, offset, (off) => setQuery({ ...cur, offset: off || '' }, ctx.path)) : '');
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('section', { class: 'card' },
    h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'mine-status' }, t('ex.statusLabel')), stSel)),
    results);
}

function myConnections(ctx: RouteCtx, signal: AbortSignal, cur: Record<string, string>): HTMLElement {
  const box = ctx.query.get('box') === 'sent' ? 'sent' : 'received';
  const status = ctx.query.get('status') || '';
  const focus = ctx.query.get('connection') || '';
  const boxSel = h('select', { id: 'conn-box', name: 'box' },
    h('option', { value: 'received', selected: box === 'received' }, t('ex.boxReceived')),
    h('option', { value: 'sent', selected: box === 'sent' }, t('ex.boxSent')));
  boxSel.addEventListener('change', () => setQuery({ tab: 'connections', box: boxSel.value, status }, ctx.path));
  const stSel = h('select', { id: 'conn-status', name: 'status' }, h('option', { value: '' }, t('common.all')),
    CONNECTION_STATUSES.map((s) => h('option', { value: s, selected: s === status }, tx('ex.cstatus.', s))));
  stSel.addEventListener('change', () => setQuery({ ...cur, tab: 'connections', status: stSel.value }, ctx.path));
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'conn-list' }, loading());
  const load = () => {
    api.get<ListResponse<Connection>>('/exchange/connections', { box, status, limit: 100 }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<Connection>(r);
      if (!items.length) { results.replaceChildren(empty(box === 'sent' ? t('ex.noSent') : t('ex.noReceived'))); return; }
      results.replaceChildren(h('ul', { class: 'result-list' }, items.map((c) => h('li', null, connectionCard(c, box, load)))));
      if (focus) {
        const el = results.querySelector<HTMLElement>(`[data-connection="${CSS.escape(focus)}"]`);
        if (el) { el.classList.add('is-focus'); el.scrollIntoView?.({ block: 'center' }); }
      }
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('section', { class: 'card' },
    h('div', { class: 'filters' },
      h('div', { class: 'filter' }, h('label', { for: 'conn-box' }, t('ex.box')), boxSel),
      h('div', { class: 'filter' }, h('label', { for: 'conn-status' }, t('ex.statusLabel')), stSel)),
    h('p', { class: 'muted small' }, t('ex.connHelp')),
    results);
}

function connectionCard(c: Connection, box: 'sent' | 'received', reload: () => void): HTMLElement {
  const me = currentUser()!;
  const acts = connectionActions(c, { userId: me.id, orgId: me.organization_id, staff: can.staff() });
  const other = box === 'sent' ? c.owner_organization_name : (c.requester_organization_name || c.requester_name || '—');
  const contacts: Child[] = [];
  if (!c.contacts_hidden) {
    if (c.contact_name || c.contact_email || c.contact_phone) {
      contacts.push(h('li', null, h('span', { class: 'muted' }, t('ex.ownerContact'), ': '),
        [c.contact_name, c.contact_email, c.contact_phone].filter(Boolean).join(' · ')));
    }
    if (c.requester_email) contacts.push(h('li', null, h('span', { class: 'muted' }, t('ex.requesterContact'), ': '), [c.requester_name, c.requester_email].filter(Boolean).join(' · ')));
  }
  const actions = h('div', { class: 'btn-row conn-actions' });
  const panel = h('div', { class: 'conn-panel' });
  const post = async (action: string, body: Record<string, unknown> = {}, form?: HTMLFormElement) => {
    try {
      await api.post<Connection>(`/exchange/connections/${c.id}/${action}`, body);
      toast(t(('ex.cdone.' + action) as DictKey));
      reload();
    } catch (e) {
      if (form) showProblem(form, e); else toast(errorText(e), 'bad');
    }
  };
  for (const a of acts) {
    const btn = h('button', { type: 'button', class: `btn btn-small ${a === 'accept' ? 'btn-primary' : a === 'decline' || a === 'cancel' ? 'btn-danger' : ''}`, 'data-action': a },
      t(('ex.caction.' + a) as DictKey));
    btn.addEventListener('click', async () => {
      if (a === 'decline') { panel.replaceChildren(declineForm(c, post)); return; }
      if (a === 'contract') { panel.replaceChildren(contractForm(c, post)); return; }
      if (a === 'cancel' && !(await confirmDialog(t('ex.confirmCancel'), t('ex.caction.cancel')))) return;
      await post(a);
    });
    actions.appendChild(btn);
  }
  return h('article', { class: 'result conn-card', 'data-connection': String(c.id), 'data-status': c.status },
    h('div', { class: 'result-meta' }, connStatusBadge(c.status), kindBadge(c.listing_kind),
      h('span', { class: 'result-sub' }, box === 'sent' ? t('ex.sentTo') : t('ex.receivedFrom'), ' ', h('strong', null, other))),
    h('h3', { class: 'result-title' }, h('a', { href: `#/exchange/${c.listing_id}` }, c.listing_title)),
    c.message ? h('p', { class: 'pre conn-message' }, c.message) : null,
    c.requester_listing_id ? h('p', { class: 'small' }, t('ex.theirListing'), ' ', h('a', { href: `#/exchange/${c.requester_listing_id}` }, `#${c.requester_listing_id}`)) : null,
    c.status === 'declined' ? h('p', { class: 'notice notice-warn decline-info' }, t('ex.declinedBecause'), ' ', tx('ex.reason.', c.decline_reason), c.decline_note ? ` — ${c.decline_note}` : '') : null,
    contacts.length ? h('ul', { class: 'conn-contacts' }, contacts) : c.contacts_hidden ? h('p', { class: 'muted small' }, t('ex.connContactsHidden')) : null,
    c.contract_id ? h('p', { class: 'small' }, h('a', { href: `#/exchange/contracts/${c.contract_id}`, class: 'conn-contract-link' }, t('ex.contractNo', { id: c.contract_id }))) : null,
    h('p', { class: 'muted small' }, `${t('ex.createdAt')}: ${fmtDateTime(c.created_at)} · ${t('ex.updatedAt')}: ${fmtDateTime(c.updated_at)}`),
    h('ol', { class: 'steps', 'aria-label': t('ex.stepsAria') }, (['requested', 'accepted', 'meeting', 'nda', 'contract', 'closed'] as const).map((s, i, all) => {
      const at = all.indexOf(c.status as typeof all[number]);
      return h('li', { class: 'step' + (at >= i ? ' done' : '') + (at === i ? ' current' : ''), 'aria-current': at === i ? 'step' : null }, tx('ex.cstatus.', s));
    })),
    actions, panel);
}

/** Several cards may open the same small form: keep its ids (and what points at them) unique. */
function suffixIds(form: HTMLElement, suffix: string): void {
  form.querySelectorAll('[id]').forEach((el) => { el.id += suffix; });
  form.querySelectorAll('label[for]').forEach((el) => el.setAttribute('for', el.getAttribute('for') + suffix));
  form.querySelectorAll('[aria-describedby]').forEach((el) =>
    el.setAttribute('aria-describedby', (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean).map((x) => x + suffix).join(' ')));
}

type Post = (action: string, body?: Record<string, unknown>, form?: HTMLFormElement) => Promise<void>;

function declineForm(c: Connection, post: Post): HTMLElement {
  const form: HTMLFormElement = h('form', { class: 'form mini-form decline-form', novalidate: true },
    formSummary(),
    select({ name: 'reason', label: t('ex.declineReason'), required: true, value: '', options: [['', '—'], ...DECLINE_REASONS.map((r): [string, string] => [r, tx('ex.reason.', r)])] }),
    textarea({ name: 'note', label: t('ex.declineNote'), hint: t('ex.declineNoteHint') }),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-small btn-danger', 'data-action': 'decline-confirm' }, t('ex.caction.decline')),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => form.remove() }, t('common.cancel'))));
  suffixIds(form, `-c${c.id}`);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const reason = String(fd.get('reason') || ''), note = String(fd.get('note') || '').trim();
    if (!reason) { setFieldError(form, 'reason', t('err.required')); return; }
    if (reason === 'other' && !note) { setFieldError(form, 'note', t('ex.declineNoteHint')); return; }
    void post('decline', note ? { reason, note } : { reason }, form);
  });
  return form;
}

function contractForm(c: Connection, post: Post): HTMLElement {
  const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10); // Vietnam's date, as the server
  const form: HTMLFormElement = h('form', { class: 'form mini-form contract-form', novalidate: true },
    formSummary(),
    h('p', { class: 'muted small' }, t('ex.contractLead')),
    textarea({ name: 'object', label: t('ex.contractObject'), required: true, value: c.listing_title }),
    h('div', { class: 'form-grid' },
      select({ name: 'form', label: t('ex.contractForm'), required: true, value: 'independent', options: CONTRACT_FORMS.map((f): [string, string] => [f, tx('ex.cform.', f)]) }),
      select({ name: 'rights', label: t('ex.contractRights'), required: true, value: 'use', options: [['use', t('ex.rights.use')], ['ownership', t('ex.rights.ownership')]] }),
      dateInput({ name: 'signed_date', label: t('ex.signedDate'), required: true, value: today }),
      input({ name: 'value_vnd', label: t('ex.contractValue'), inputmode: 'numeric' }),
      select({ name: 'direction', label: t('ex.direction'), value: 'domestic', options: [['domestic', t('ex.dir.domestic')], ['into_vietnam', t('ex.dir.into_vietnam')], ['out_of_vietnam', t('ex.dir.out_of_vietnam')]] }),
      checkbox('state_capital', t('ex.stateCapital'), false)),
    h('p', { class: 'muted small' }, t('ex.registrationNote')),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-action': 'contract-confirm' }, t('ex.caction.contract')),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => form.remove() }, t('common.cancel'))));
  suffixIds(form, `-c${c.id}`);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const str = (k: string) => String(fd.get(k) ?? '').trim();
    const signed = parseDate(str('signed_date'));
    const value = parseVnd(str('value_vnd'));
    let ok = true;
    if (!str('object')) { setFieldError(form, 'object', t('err.required')); ok = false; }
    if (!signed) { setFieldError(form, 'signed_date', t(signed === '' ? 'err.required' : 'err.date')); ok = false; }
    if (value !== null && !Number.isFinite(value)) { setFieldError(form, 'value_vnd', t('ex.err.money')); ok = false; }
    if (!ok) { showSummary(form, t('common.formErrors')); return; }
    const contract: Record<string, unknown> = {
      object: str('object'), form: str('form'), rights: str('rights'), signed_date: signed, direction: str('direction'),
      state_capital: fd.get('state_capital') !== null, ...contractParties(c),
    };
    if (value !== null) contract.value_vnd = value;
    for (const k of Object.keys(contract)) if (contract[k] === null) delete contract[k];
    void post('contract', { contract }, form);
  });
  return form;
}
