// Technology exchange (issue 4): the public catalogue "Sàn công nghệ" (#/exchange) and a listing's
// page (#/exchange/:id) with attachments, matches and their reasons, the introduction request form
// and, for the owner, the lifecycle actions, uploads and the introductions received.
// Shared helpers of the other exchange pages (exchange-mine.ts, exchange-review.ts) live here too.
// All text goes in via text nodes (dom.ts); no innerHTML: titles may contain HTML or scripts.
import { h, s, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, fmtNum } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, confirmDialog, dl, empty, errorState, errorText, formSummary, loading, pageHeader, pager, showProblem, textarea, toast, fieldWrap,
} from '../ui';
import { getFields, getProvinces, getVsic, type AdminUnit, type FieldOfScience } from '../refdata';
import {
  TRANSFER_MODES, catalogueHref, compactVnd, listingActions, reasonText, scorePct, shareUrl,
  type Connection, type Listing, type ListingStatus, type MatchItem, type Matches,
} from '../exchange';
import { taskProposalControl } from './exchange-deals';

const PAGE = 12;

// ---------- shared ----------
export function isReviewer(): boolean {
  const me = currentUser();
  return !!me && (me.role === 'reviewer' || me.role === 'staff' || me.role === 'admin');
}
export function isOwner(l: Pick<Listing, 'organization_id'>): boolean {
  const me = currentUser();
  return can.staff() || (!!me && me.role === 'member' && me.organization_id === l.organization_id);
}

export function exchangeTabs(active: 'catalogue' | 'mine' | 'review' | 'stats' | 'contracts' | 'proposals' | 'import'): HTMLElement {
  const tabs: [typeof active, string, DictKey][] = [['catalogue', '#/exchange', 'ex.tabCatalogue']];
  if (currentUser()) tabs.push(['mine', '#/exchange/mine', 'ex.tabMine']);
  if (isReviewer()) tabs.push(['review', '#/exchange/review', 'ex.tabReview']);
  if (currentUser()) tabs.push(['contracts', '#/exchange/contracts', 'exd.tabContracts']);
  if (can.staff()) tabs.push(['proposals', '#/exchange/task-proposals', 'exd.tabProposals'], ['import', '#/exchange/import', 'exd.tabImport']);
  tabs.push(['stats', '#/exchange/stats', 'ex.tabStats']);
  return h('nav', { class: 'mon-tabs', 'aria-label': t('ex.tabsAria') },
    tabs.map(([k, href, key]) => h('a', { href, class: 'mon-tab', id: 'ex-tab-' + k, 'aria-current': k === active ? 'page' : null }, t(key))));
}

const STATUS_TONE: Record<string, string> = {
  draft: 'neutral', submitted: 'info', returned: 'warn', published: 'ok', expired: 'warn', withdrawn: 'bad',
  requested: 'info', accepted: 'ok', meeting: 'ok', nda: 'ok', contract: 'ok', closed: 'neutral', declined: 'bad', cancelled: 'neutral',
};
export function listingStatusBadge(st: string): HTMLElement {
  const b = badge(tx('ex.status.', st), STATUS_TONE[st] ?? 'neutral');
  b.setAttribute('data-status', st);
  return b;
}
export function connStatusBadge(st: string): HTMLElement {
  const b = badge(tx('ex.cstatus.', st), STATUS_TONE[st] ?? 'neutral');
  b.setAttribute('data-status', st);
  return b;
}
export function kindBadge(kind: string): HTMLElement {
  const b = badge(tx('ex.kind.', kind), kind === 'offer' ? 'info' : 'warn');
  b.classList.add('kind-' + kind);
  return b;
}

export function fieldLabel(code: string, fields: Map<string, FieldOfScience>): string {
  const f = fields.get(code);
  if (!f) return code;
  return `${code} ${getLang() === 'en' ? f.name_en || f.name_vi : f.name_vi}`;
}
export function provinceLabel(code: string | null | undefined, provs: Map<string, AdminUnit>): string {
  if (!code) return '—';
  const p = provs.get(code);
  if (!p) return code;
  return getLang() === 'en' ? p.name_en || p.name : p.name;
}

export interface RefMaps { fields: Map<string, FieldOfScience>; provinces: Map<string, AdminUnit> }
export function refMaps(): Promise<RefMaps> {
  return Promise.all([getFields().catch(() => [] as FieldOfScience[]), getProvinces().catch(() => [] as AdminUnit[])])
    .then(([fs, ps]) => ({ fields: new Map(fs.map((f) => [f.code, f])), provinces: new Map(ps.map((p) => [p.code, p])) }));
}

export function money(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${fmtNum(n)} ${t('ex.vnd')}`;
}

/** Price of an offer or budget of a need, in one line. */
export function priceText(l: Listing): string {
  const lang = getLang();
  if (l.kind === 'offer') {
    if (l.price_negotiable) return t('ex.negotiable');
    return l.price_vnd != null ? compactVnd(l.price_vnd, lang) : '—';
  }
  const lo = l.budget_min_vnd, hi = l.budget_max_vnd;
  if (lo == null && hi == null) return '—';
  if (lo != null && hi != null) return `${compactVnd(lo, lang)} – ${compactVnd(hi, lang)}`;
  return hi != null ? `≤ ${compactVnd(hi, lang)}` : `≥ ${compactVnd(lo!, lang)}`;
}

function linkIcon(): SVGSVGElement {
  return s('svg', { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': 'true', class: 'icon' },
    s('path', { d: 'M6.5 9.5l3-3M7 4.5l1.2-1.2a2.6 2.6 0 013.7 3.7L10.7 8.2M9 11.5l-1.2 1.2a2.6 2.6 0 01-3.7-3.7L5.3 7.8', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.6, 'stroke-linecap': 'round' }));
}

/** A share link: its href is the listing's address; a click copies the full URL. */
export function shareLink(id: number): HTMLElement {
  const url = shareUrl(location.origin + location.pathname, id);
  return h('a', {
    class: 'share-link btn btn-small btn-ghost', href: `#/exchange/${id}`, 'data-share': url, title: url,
    onclick: (e: Event) => {
      e.preventDefault();
      const done = () => toast(t('ex.linkCopied'));
      if (navigator.clipboard?.writeText) navigator.clipboard.writeText(url).then(done, () => navigate('/exchange/' + id));
      else navigate('/exchange/' + id);
    },
  }, linkIcon(), t('ex.share'));
}

function listingCard(l: Listing, refs: RefMaps, showStatus: boolean): HTMLElement {
  const chips: Child[] = [];
  if (l.kind === 'offer' && l.trl) chips.push(h('li', { class: 'chip' }, `TRL ${l.trl}`));
  if (l.kind === 'need' && l.trl_min) chips.push(h('li', { class: 'chip' }, `TRL ≥ ${l.trl_min}`));
  for (const m of l.transfer_modes ?? []) chips.push(h('li', { class: 'chip' }, tx('ex.mode.', m)));
  return h('article', { class: 'result listing-card', 'data-id': String(l.id), 'data-kind': l.kind },
    h('div', { class: 'result-meta' }, kindBadge(l.kind), showStatus || l.status !== 'published' ? listingStatusBadge(l.status) : null,
      h('span', { class: 'result-sub' }, l.organization_name, ' · ', provinceLabel(l.province_code, refs.provinces))),
    h('h3', { class: 'result-title' }, h('a', { href: `#/exchange/${l.id}`, class: 'listing-link' }, l.title)),
    h('p', { class: 'result-snippet listing-summary' }, l.summary),
    h('div', { class: 'listing-foot' },
      chips.length ? h('ul', { class: 'chips' }, chips) : null,
      h('span', { class: 'listing-price' }, h('span', { class: 'muted small' }, l.kind === 'offer' ? t('ex.price') : t('ex.budget'), ': '), priceText(l)),
      (l.fields ?? []).length ? h('span', { class: 'muted small' }, (l.fields ?? []).map((c) => fieldLabel(c, refs.fields)).join('; ')) : null,
      shareLink(l.id)));
}

// ---------- catalogue ----------
export function exchangePage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const st = {
    q: q.get('q') || '', kind: q.get('kind') || '', field: q.get('field') || '', province: q.get('province') || '',
    trl: q.get('trl') || '', mode: q.get('mode') || '', offset: Math.max(0, Number(q.get('offset') || 0) || 0),
  };
  const update = (patch: Partial<typeof st>) => setQuery({ ...st, offset: '', ...patch }, ctx.path);

  const qInput = h('input', { type: 'search', id: 'ex-q', name: 'q', value: st.q, placeholder: t('ex.searchPlaceholder'), autocomplete: 'off' });
  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ q: qInput.value.trim() }), 350); });
  const sel = (id: string, options: [string, string][], value: string, on: (v: string) => void) => {
    const el = h('select', { id, name: id }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    el.addEventListener('change', () => on(el.value));
    return el;
  };
  const kindSel = sel('ex-kind', [['', t('common.all')], ['offer', t('ex.kind.offer')], ['need', t('ex.kind.need')]], st.kind, (v) => update({ kind: v }));
  const fieldSel = sel('ex-field', [['', t('common.all')]], st.field, (v) => update({ field: v }));
  const provSel = sel('ex-province', [['', t('common.all')]], st.province, (v) => update({ province: v }));
  const trlSel = sel('ex-trl', [['', t('common.all')], ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): [string, string] => [String(n), `≥ ${n}`])], st.trl, (v) => update({ trl: v }));
  const modeSel = sel('ex-mode', [['', t('common.all')], ...TRANSFER_MODES.map((m): [string, string] => [m, tx('ex.mode.', m)])], st.mode, (v) => update({ mode: v }));
  getFields().then((fs) => {
    const en = getLang() === 'en';
    for (const f of fs) fieldSel.appendChild(h('option', { value: f.code, selected: f.code === st.field }, `${f.level > 1 ? '— ' : ''}${f.code} ${en ? f.name_en : f.name_vi}`));
  }).catch(() => undefined);
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: p.code === st.province }, getLang() === 'en' ? p.name_en || p.name : p.name));
  }).catch(() => undefined);

  const active = ['kind', 'field', 'province', 'trl', 'mode'].filter((k) => st[k as keyof typeof st]).length;
  const filters = h('form', { class: 'filters ex-filters', role: 'search', 'aria-label': t('ex.filters'), onsubmit: (e: Event) => { e.preventDefault(); update({ q: qInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'ex-q' }, t('common.search')), qInput),
    h('div', { class: 'filter' }, h('label', { for: 'ex-kind' }, t('ex.kindLabel')), kindSel),
    h('div', { class: 'filter' }, h('label', { for: 'ex-field' }, t('ex.field')), fieldSel),
    h('div', { class: 'filter' }, h('label', { for: 'ex-province' }, t('common.province')), provSel),
    h('div', { class: 'filter' }, h('label', { for: 'ex-trl' }, t('ex.trlFilter')), trlSel),
    h('div', { class: 'filter' }, h('label', { for: 'ex-mode' }, t('ex.mode')), modeSel));

  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'ex-results' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    Promise.all([
      api.get<ListResponse<Listing>>('/exchange/listings', {
        status: 'published', q: st.q, kind: st.kind, field: st.field, province_code: st.province, trl_min: st.trl,
        transfer_mode: st.mode, limit: PAGE, offset: st.offset, sort: '-published_at',
      }),
      refMaps(),
    ]).then(([r, refs]) => {
      if (signal.aborted) return;
      const items = itemsOf<Listing>(r);
      const out: Child[] = [h('p', { class: 'result-count', id: 'ex-count', role: 'status' }, t('ex.count', { n: fmtNum(r.total) }))];
      if (!items.length) {
        out.push(empty(t('ex.none')));
        if (active || st.q) out.push(h('p', { class: 'center' }, h('a', { class: 'btn btn-ghost', href: catalogueHref({}) }, t('common.reset'))));
      } else {
        out.push(h('ol', { class: 'result-list listing-list', start: st.offset + 1 }, items.map((l) => h('li', null, listingCard(l, refs, false)))));
        if (r.total > PAGE) out.push(pager(r.total, PAGE, st.offset, (off) => setQuery({ ...st, offset: off || '' }, ctx.path)));
      }
      results.replaceChildren(...(out.filter(Boolean) as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();

  const me = currentUser();
  return h('div', { class: 'page page-exchange' },
    pageHeader(t('ex.title'), t('ex.lead'), me ? h('div', { class: 'btn-row' },
      h('a', { class: 'btn btn-primary', id: 'ex-new-offer', href: '#/exchange/new?kind=offer' }, t('ex.newOffer')),
      h('a', { class: 'btn', id: 'ex-new-need', href: '#/exchange/new?kind=need' }, t('ex.newNeed'))) : null),
    exchangeTabs('catalogue'),
    h('section', { class: 'card' }, filters, results),
    h('p', { class: 'muted small' }, t('ex.publicNote')));
}

// ---------- detail ----------
function attachmentUrl(listingId: number, a: { id: number }): string {
  return `/api/v1/exchange/listings/${listingId}/attachments/${a.id}`;
}

function sizeText(n: number): string {
  if (n >= 1 << 20) return `${fmtNum(n / (1 << 20), 1)} MB`;
  if (n >= 1024) return `${fmtNum(n / 1024, 0)} KB`;
  return `${fmtNum(n)} B`;
}

function scoreBar(score: number): HTMLElement {
  const pct = scorePct(score);
  return h('div', { class: 'progress score', title: t('ex.scoreTitle') },
    h('div', { class: 'progress-track', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': t('ex.score') },
      h('div', { class: 'progress-fill', style: `width:${pct}%` })),
    h('span', { class: 'progress-text' }, `${pct}%`));
}

function matchList(items: MatchItem[], kind: 'listing' | 'expert', refs: RefMaps): HTMLElement {
  const lang = getLang();
  return h('ol', { class: 'match-list' }, items.map((m) => h('li', { class: 'match', 'data-id': String(m.id), 'data-type': kind },
    h('div', { class: 'match-head' },
      h('a', { href: kind === 'expert' ? `#/people/${m.id}` : `#/exchange/${m.id}`, class: 'match-link' }, kind === 'expert' ? m.full_name || String(m.id) : m.title || String(m.id)),
      scoreBar(m.score)),
    h('p', { class: 'muted small' }, [m.organization_name, provinceLabel(m.province_code, refs.provinces)].filter(Boolean).join(' · ')),
    m.reasons.length ? h('ul', { class: 'reasons' }, m.reasons.map((r) => h('li', { class: 'reason', 'data-code': r.code }, reasonText(r, lang)))) : null)));
}

function matchesSection(l: Listing, refs: RefMaps): HTMLElement {
  const body = h('div', { class: 'matches-body', 'aria-live': 'polite' }, loading());
  const sec = h('section', { class: 'card', id: 'matches' },
    h('h2', null, l.kind === 'need' ? t('ex.matchesForNeed') : t('ex.matchesForOffer')),
    h('p', { class: 'muted small' }, t('ex.matchesLead')), body);
  const load = () => {
    api.get<Matches>(`/exchange/listings/${l.id}/matches`, { limit: 10 }).then((m) => {
      const listings = (l.kind === 'need' ? m.offers : m.needs) ?? [];
      const experts = m.experts ?? [];
      const out: Child[] = [];
      out.push(listings.length ? matchList(listings, 'listing', refs) : empty(t('ex.noMatches')));
      if (l.kind === 'need') {
        out.push(h('h3', { class: 'match-experts-title' }, t('ex.matchExperts')));
        out.push(experts.length ? matchList(experts, 'expert', refs) : empty(t('ex.noExperts')));
      }
      body.replaceChildren(...(out as Node[]));
    }).catch((e) => body.replaceChildren(errorState(e, load)));
  };
  load();
  return sec;
}

function introForm(l: Listing): HTMLElement {
  const me = currentUser()!;
  const form: HTMLFormElement = h('form', { class: 'form', id: 'intro-form', novalidate: true },
    formSummary(),
    textarea({ name: 'message', label: t('ex.introMessage'), hint: t('ex.introHint') }),
    fieldWrap('requester_listing_id', t('ex.introOwnListing'), h('select', { name: 'requester_listing_id' }, h('option', { value: '' }, '—'))),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'intro-send' }, t('ex.introSend'))));
  const own = form.querySelector('select[name="requester_listing_id"]') as HTMLSelectElement;
  if (me.organization_id) {
    api.get<ListResponse<Listing>>('/exchange/listings', { organization_id: me.organization_id, status: 'published', kind: l.kind === 'offer' ? 'need' : 'offer', limit: 100 })
      .then((r) => { for (const x of itemsOf<Listing>(r)) own.appendChild(h('option', { value: String(x.id) }, x.title)); })
      .catch(() => undefined);
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const body: Record<string, unknown> = { message: String(fd.get('message') || '').trim() };
    if (own.value) body.requester_listing_id = Number(own.value);
    const btn = form.querySelector('#intro-send') as HTMLButtonElement;
    btn.disabled = true;
    try {
      await api.post<Connection>(`/exchange/listings/${l.id}/introductions`, body);
      form.replaceWith(h('p', { class: 'notice', id: 'intro-sent', role: 'status' }, t('ex.introSent'), ' ',
        h('a', { href: '#/exchange/mine?tab=connections&box=sent' }, t('ex.introFollow'))));
    } catch (err) {
      btn.disabled = false;
      showProblem(form, err);
    }
  });
  return h('section', { class: 'card', id: 'intro' }, h('h2', null, t('ex.introTitle')), h('p', { class: 'muted small' }, t('ex.introLead')), form);
}

/** Runs a lifecycle action (with its note) and re-renders; errors as a toast. */
export async function runListingAction(id: number, action: string, note?: string): Promise<Listing | null> {
  try {
    const l = await api.post<Listing>(`/exchange/listings/${id}/${action}`, note ? { note } : {});
    toast(t(('ex.done.' + action) as DictKey));
    return l;
  } catch (e) {
    toast(errorText(e), 'bad');
    return null;
  }
}

/** Owner's and reviewer's action buttons for a listing; `after` is called with the new state. */
export function actionButtons(l: Listing, after: (l: Listing | null) => void): HTMLElement {
  const acts = listingActions(l.status as ListingStatus, { owner: isOwner(l), reviewer: isReviewer() });
  const row = h('div', { class: 'btn-row listing-actions', 'data-listing': String(l.id) });
  if (isOwner(l) && l.status !== 'withdrawn') row.appendChild(h('a', { class: 'btn btn-small', href: `#/exchange/${l.id}/edit`, 'data-action': 'edit' }, t('common.edit')));
  for (const a of acts) {
    if (a === 'return') {
      row.appendChild(returnControl(l, after));
      continue;
    }
    const danger = a === 'withdraw';
    row.appendChild(h('button', {
      type: 'button', class: `btn btn-small ${danger ? 'btn-danger' : a === 'publish' || a === 'submit' ? 'btn-primary' : ''}`, 'data-action': a,
      onclick: async () => {
        if (danger && !(await confirmDialog(t('ex.confirmWithdraw'), t('ex.action.withdraw')))) return;
        after(await runListingAction(l.id, a));
      },
    }, t(('ex.action.' + a) as DictKey)));
  }
  if (isOwner(l) && l.status === 'draft') {
    row.appendChild(h('button', {
      type: 'button', class: 'btn btn-small btn-danger', 'data-action': 'delete',
      onclick: async () => {
        if (!(await confirmDialog(t('ex.confirmDelete'), t('common.delete')))) return;
        try { await api.del(`/exchange/listings/${l.id}`); toast(t('common.deleted')); after(null); } catch (e) { toast(errorText(e), 'bad'); }
      },
    }, t('common.delete')));
  }
  return row;
}

/** "Return" opens a small form: the reason is required (the server says so too). */
function returnControl(l: Listing, after: (l: Listing | null) => void): HTMLElement {
  const wrap = h('div', { class: 'return-control' });
  const open = h('button', { type: 'button', class: 'btn btn-small', 'data-action': 'return' }, t('ex.action.return'));
  open.addEventListener('click', () => {
    const ta = h('textarea', { name: 'note', rows: 3, id: `return-note-${l.id}`, class: 'return-note' });
    const err = h('p', { class: 'field-error', role: 'alert' });
    const form = h('form', { class: 'mini-form return-form', 'data-listing': String(l.id) },
      h('label', { for: ta.id }, t('ex.returnReason')), ta, err,
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-action': 'return-confirm' }, t('ex.action.return')),
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => form.replaceWith(open) }, t('common.cancel'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const note = ta.value.trim();
      if (!note) { err.textContent = t('ex.returnNeedsReason'); ta.focus(); return; }
      try {
        const r = await api.post<Listing>(`/exchange/listings/${l.id}/return`, { note });
        toast(t('ex.done.return'));
        after(r);
      } catch (ex) { err.textContent = errorText(ex); }
    });
    open.replaceWith(form);
    ta.focus();
  });
  wrap.appendChild(open);
  return wrap;
}

function attachmentsSection(l: Listing, reload: () => void): HTMLElement {
  const atts = l.attachments ?? [];
  const owner = isOwner(l);
  const list = atts.length ? h('ul', { class: 'attachments' }, atts.map((a) => h('li', { class: 'attachment', 'data-id': String(a.id) },
    h('a', { href: attachmentUrl(l.id, a), download: a.file_name, class: 'attachment-link' }, a.file_name),
    h('span', { class: 'muted small' }, ` ${a.media_type} · ${sizeText(a.size_bytes)}`),
    owner ? h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': `${t('common.delete')} ${a.file_name}`,
      onclick: async () => {
        if (!(await confirmDialog(t('ex.confirmDetach', { name: a.file_name }), t('common.delete')))) return;
        try { await api.del(`/exchange/listings/${l.id}/attachments/${a.id}`); toast(t('common.deleted')); reload(); } catch (e) { toast(errorText(e), 'bad'); }
      },
    }, '×') : null))) : h('p', { class: 'muted' }, t('ex.noAttachments'));
  let upload: HTMLElement | null = null;
  if (owner && l.status !== 'withdrawn') {
    const file = h('input', { type: 'file', id: 'ex-file', name: 'file', accept: 'application/pdf,image/png,image/jpeg,image/gif,image/webp' });
    const err = h('p', { class: 'field-error', id: 'ex-file-error', role: 'alert' });
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      err.textContent = '';
      if (!f) return;
      if (f.size > 5 * 1024 * 1024) { err.textContent = t('ex.fileTooBig'); return; }
      try {
        await api.upload(`/exchange/listings/${l.id}/attachments`, f, 'application/octet-stream', { filename: f.name });
        toast(t('ex.fileAdded'));
        reload();
      } catch (e) {
        err.textContent = e instanceof ApiError ? errorText(e) : t('err.generic');
        file.value = '';
      }
    });
    upload = h('div', { class: 'field upload' }, h('label', { for: 'ex-file' }, t('ex.attach')), file,
      h('p', { class: 'field-hint' }, t('ex.attachHint')), err);
  }
  return h('section', { class: 'card', id: 'attachments' }, h('h2', null, t('ex.attachments')), list, upload);
}

function contactSection(l: Listing): HTMLElement {
  const body = l.contacts_hidden
    ? h('p', { class: 'muted contact-hidden' }, t('ex.contactHidden'))
    : dl([[t('ex.contactName'), l.contact_name || '—'], [t('ex.contactEmail'), l.contact_email ? h('a', { href: 'mailto:' + l.contact_email }, l.contact_email) : '—'],
      [t('ex.contactPhone'), l.contact_phone || '—']]);
  return h('section', { class: 'card', id: 'contact' }, h('h2', null, t('ex.contact')), body);
}

function receivedSection(l: Listing): HTMLElement {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  api.get<ListResponse<Connection>>('/exchange/connections', { box: can.staff() ? '' : 'received', limit: 200 }).then((r) => {
    const mine = itemsOf<Connection>(r).filter((c) => c.listing_id === l.id);
    body.replaceChildren(mine.length ? h('ul', { class: 'conn-mini' }, mine.map((c) => h('li', { 'data-id': String(c.id) },
      connStatusBadge(c.status), ' ', h('strong', null, c.requester_organization_name || c.requester_name || '—'),
      c.message ? h('span', { class: 'muted' }, ' — ', c.message) : null, ' ',
      h('a', { href: `#/exchange/mine?tab=connections&box=received&connection=${c.id}` }, t('ex.openConnection'))))) : empty(t('ex.noIntros')));
  }).catch((e) => body.replaceChildren(errorState(e)));
  return h('section', { class: 'card', id: 'received' }, h('h2', null, t('ex.introsReceived')), body);
}

function taskProposalButton(l: Listing): HTMLElement | null {
  if (!can.staff() || l.kind !== 'need' || (l.status !== 'published' && l.status !== 'expired')) return null;
  return taskProposalControl(l.id);
}

export function listingPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const id = ctx.params.id;
  const host = h('div', { class: 'page page-listing' }, loading());
  const render = () => {
    Promise.all([api.get<Listing>('/exchange/listings/' + encodeURIComponent(id)), refMaps(), getVsic().catch(() => [])]).then(([l, refs, vsic]) => {
      if (signal.aborted) return;
      const me = currentUser();
      const owner = isOwner(l);
      const en = getLang() === 'en';
      const v = vsic.find((x) => x.code === l.sector_vsic);
      const pairs: [string, Child][] = [
        [t('ex.kindLabel'), tx('ex.kind.', l.kind)],
        [t('ex.organization'), h('a', { href: `#/organizations/${l.organization_id}` }, l.organization_name)],
        [t('common.province'), provinceLabel(l.province_code, refs.provinces)],
        [t('ex.fields'), (l.fields ?? []).length ? h('ul', { class: 'tags' }, l.fields.map((c) => h('li', { class: 'tag' }, fieldLabel(c, refs.fields)))) : null],
        [t('ex.ipc'), (l.ipc ?? []).length ? h('ul', { class: 'tags' }, l.ipc.map((c) => h('li', { class: 'tag mono' }, c))) : null],
        [t('ex.keywords'), (l.keywords ?? []).length ? h('ul', { class: 'tags' }, l.keywords.map((c) => h('li', { class: 'tag' }, c))) : null],
        [l.kind === 'offer' ? t('ex.trl') : t('ex.trlMin'), (l.kind === 'offer' ? l.trl : l.trl_min) ? `TRL ${l.kind === 'offer' ? l.trl : l.trl_min}` : null],
        [t('ex.modes'), (l.transfer_modes ?? []).length ? l.transfer_modes.map((m) => tx('ex.mode.', m)).join(', ') : null],
        [l.kind === 'offer' ? t('ex.price') : t('ex.budget'), priceText(l)],
      ];
      if (l.kind === 'need') {
        pairs.push([t('ex.deadline'), l.deadline ? fmtDate(l.deadline) : null]);
        pairs.push([t('ex.acceptedResult'), l.accepted_result ? h('span', { class: 'pre' }, l.accepted_result) : null]);
        pairs.push([t('ex.sector'), l.sector_vsic ? `${l.sector_vsic}${v ? ' — ' + (en ? v.name_en : v.name_vi) : ''}` : null]);
      }
      pairs.push([t('ex.publishedAt'), l.published_at ? fmtDate(l.published_at) : null]);
      pairs.push([t('ex.expiresAt'), l.expires_at ? fmtDate(l.expires_at) : null]);
      if (l.source) pairs.push([t('ex.source'), l.source]);
      const notice = l.status === 'returned' && l.review_note && (owner || isReviewer())
        ? h('div', { class: 'notice notice-warn', id: 'review-note', role: 'note' }, h('strong', null, t('ex.returnedBecause')), ' ', l.review_note)
        : null;
      const canAsk = !!me && l.status === 'published' && !owner && (can.staff() || (me.role === 'member' && me.organization_id !== null));
      host.replaceChildren(...[
        pageHeader(l.title, undefined, h('div', { class: 'btn-row' }, shareLink(l.id), h('a', { class: 'btn btn-small btn-ghost', href: '#/exchange' }, '‹ ', t('ex.back')))),
        h('div', { class: 'listing-badges' }, kindBadge(l.kind), ' ', listingStatusBadge(l.status),
          owner && typeof l.introductions === 'number' ? h('span', { class: 'muted small' }, ' ', t('ex.introCount', { n: l.introductions })) : null),
        notice,
        owner || isReviewer() ? actionButtons(l, (nl) => { if (nl === null) navigate('/exchange/mine'); else render(); }) : null,
        taskProposalButton(l),
        h('div', { class: 'grid-2 listing-grid' },
          h('div', null,
            h('section', { class: 'card', id: 'listing-body' },
              h('h2', null, t('ex.summary')), h('p', { class: 'pre listing-summary' }, l.summary),
              l.description ? [h('h3', null, t('ex.description')), h('p', { class: 'pre listing-description' }, l.description)] : null),
            h('section', { class: 'card' }, h('h2', null, t('ex.details')), dl(pairs))),
          h('div', null,
            contactSection(l),
            attachmentsSection(l, render),
            canAsk ? introForm(l) : !me && l.status === 'published'
              ? h('section', { class: 'card', id: 'intro' }, h('h2', null, t('ex.introTitle')), h('p', null, t('ex.introLogin')),
                h('a', { class: 'btn btn-primary', href: '#/login?next=' + encodeURIComponent(location.hash.slice(1)) }, t('user.login'))) : null,
            owner ? receivedSection(l) : null)),
        l.status === 'published' || owner || isReviewer() ? matchesSection(l, refs) : null,
        h('p', { class: 'muted small' }, t('ex.updated', { at: fmtDateTime(l.updated_at) }))].filter((x): x is HTMLElement => !!x));
    }).catch((e) => { if (!signal.aborted) host.replaceChildren(exchangeTabs('catalogue'), errorState(e)); });
  };
  render();
  return host;
}
