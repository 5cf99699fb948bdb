// IP advice (issue 7): the knowledge base of guidance articles (#/ip/articles, read #/ip/articles/:id,
// staff write #/ip/articles/new and #/ip/articles/:id/edit), advisory requests (#/ip/advice, thread
// #/ip/advice/:id, ask #/ip/advice/new) and the self-assessment with its printable report
// (#/ip/self-assessment). Articles and messages are user-written: rendered as text nodes with
// paragraphs and line breaks (dom.ts), never as HTML.
import { h, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, fmtNum } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  badge, checkbox, clearErrors, dl, empty, errorState, fieldWrap, formSummary, input, loading, needLogin, pageHeader, pager, select,
  setFieldError, showProblem, showSummary, table, textarea, toast,
} from '../ui';
import { IP_KINDS, type IpAsset } from '../ip';
import {
  ADVICE_STATUSES, bilingual, byPriority, ownedByKind, paragraphs, splitTags,
  type AdviceRequest, type Article, type Question, type Report,
} from '../ip-advice';
import { daysLeftText, deadlineLabel, ipTabs, orgLink, orgName, orgSelect, riskBadge } from './ip';

const PAGE = 20;

// ---------- shared ----------
type AdviceTab = 'articles' | 'requests' | 'assessment';
export function adviceTabs(active: AdviceTab): HTMLElement {
  const tabs: [AdviceTab, string, DictKey][] = [
    ['articles', '#/ip/articles', 'ipa.tabArticles'], ['requests', '#/ip/advice', 'ipa.tabRequests'],
    ['assessment', '#/ip/self-assessment', 'ipa.tabAssessment'],
  ];
  return h('nav', { class: 'mon-tabs ipa-subtabs', 'aria-label': t('ipa.tabsAria') },
    tabs.map(([k, href, key]) => h('a', { href, class: 'mon-tab', id: 'ipa-tab-' + k, 'aria-current': k === active ? 'page' : null }, t(key))));
}

/** A user-written text as <p> paragraphs with <br> line breaks (text nodes only). */
export function richText(body: string | null | undefined, cls = 'ipa-text'): HTMLElement {
  return h('div', { class: cls }, paragraphs(body).map((lines) =>
    h('p', null, lines.map((l, i) => (i ? [h('br'), l] : l)))));
}

function page(cls: string, title: string, lead: string | undefined, actions: Child, tab: AdviceTab, ...body: Child[]): HTMLElement {
  return h('div', { class: `page ${cls}` }, pageHeader(title, lead, actions), ipTabs('advice'), adviceTabs(tab), body);
}

const mayAsk = () => {
  const me = currentUser();
  return can.staff() || (!!me && me.role === 'member' && me.organization_id != null);
};

function kindOptions(first: [string, string]): [string, string][] {
  return [first, ...IP_KINDS.map((k): [string, string] => [k, tx('ip.kind.', k)])];
}

function kindsLine(kinds: string[], tags: string[]): HTMLElement | null {
  if (!kinds.length && !tags.length) return null;
  return h('div', { class: 'tags ipa-tags' },
    kinds.map((k) => h('span', { class: 'badge badge-info', 'data-kind': k }, tx('ip.kind.', k))),
    tags.map((x) => h('span', { class: 'tag' }, x)));
}

// ---------- knowledge base ----------
export function articlesPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const st = { q: q.get('q') || '', kind: q.get('kind') || '', offset: Math.max(0, Number(q.get('offset') || 0) || 0) };
  const cur = () => ({ q: st.q, kind: st.kind });
  const update = (patch: Record<string, string>) => setQuery({ ...cur(), offset: '', ...patch }, ctx.path);
  const qInput = h('input', { type: 'search', id: 'ipa-q', name: 'q', value: st.q, placeholder: t('ipa.searchPlaceholder'), autocomplete: 'off' });
  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ q: qInput.value.trim() }), 350); });
  const kindSel = h('select', { id: 'ipa-kind', name: 'kind' }, kindOptions(['', t('common.all')]).map(([v, l]) => h('option', { value: v, selected: v === st.kind }, l)));
  kindSel.addEventListener('change', () => update({ kind: kindSel.value }));
  const filters = h('form', { class: 'filters ipa-filters', role: 'search', 'aria-label': t('ipa.kbSearch'),
    onsubmit: (e: Event) => { e.preventDefault(); window.clearTimeout(timer); update({ q: qInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'ipa-q' }, t('common.search')), qInput),
    h('div', { class: 'filter' }, h('label', { for: 'ipa-kind' }, t('ipa.kindAbout')), kindSel));
  const results = h('div', { class: 'results', id: 'ipa-articles', 'aria-live': 'polite' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<Article>>('/ip/articles', { q: st.q, kind: st.kind, limit: PAGE, offset: st.offset }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<Article>(r);
      const out: Child[] = [h('p', { class: 'result-count', id: 'ipa-count', role: 'status' }, t('ipa.count', { n: fmtNum(r.total) }))];
      if (!items.length) out.push(empty(st.q || st.kind ? t('ipa.noneFound') : t('ipa.none')));
      else out.push(h('ul', { class: 'result-list ipa-list' }, items.map((a) => h('li', { class: 'result ipa-item', 'data-id': String(a.id) },
        h('h2', { class: 'result-title' }, h('a', { href: `#/ip/articles/${a.id}` }, a.title),
          a.published ? null : [' ', badge(t('ipa.draft'), 'warn')]),
        h('p', { class: 'result-snippet' }, a.summary),
        h('div', { class: 'result-meta muted small' }, t('ipa.updated', { date: fmtDate(a.updated_at) })),
        kindsLine(a.kinds, a.tags)))));
      if (r.total > PAGE) out.push(pager(r.total, PAGE, st.offset, (off) => setQuery({ ...cur(), offset: off || '' }, ctx.path)));
      results.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return page('page-ipa-articles', t('ipa.kbTitle'), t('ipa.kbLead'),
    can.staff() ? h('a', { class: 'btn btn-primary', id: 'ipa-article-new', href: '#/ip/articles/new' }, t('ipa.newArticle')) : null,
    'articles', h('section', { class: 'card' }, filters, results));
}

export async function articlePage(ctx: RouteCtx): Promise<Node> {
  const a = await api.get<Article>(`/ip/articles/${encodeURIComponent(ctx.params.id)}`);
  return page('page-ipa-article', a.title, undefined,
    can.staff() ? h('a', { class: 'btn', id: 'ipa-article-edit', href: `#/ip/articles/${a.id}/edit` }, t('common.edit')) : null,
    'articles',
    h('article', { class: 'card ipa-article', id: 'ipa-article' },
      h('div', { class: 'muted small ipa-meta' }, a.published ? null : [badge(t('ipa.draft'), 'warn'), ' '],
        t('ipa.updated', { date: fmtDate(a.updated_at) })),
      kindsLine(a.kinds, a.tags),
      h('p', { class: 'lead ipa-summary' }, a.summary),
      richText(a.body, 'ipa-text ipa-body')),
    h('p', null, h('a', { href: '#/ip/articles' }, '‹ ', t('ipa.backToKb'))));
}

export async function articleFormPage(ctx: RouteCtx): Promise<Node> {
  const editing = ctx.params.id ? Number(ctx.params.id) : null;
  const title = editing ? t('ipa.editArticle') : t('ipa.newArticle');
  if (!currentUser()) return page('page-ipa-form', title, undefined, null, 'articles', needLogin());
  if (!can.staff()) return page('page-ipa-form', title, undefined, null, 'articles', h('div', { class: 'state state-error', role: 'alert' }, t('ipa.staffOnly')));
  const a = editing ? await api.get<Article>(`/ip/articles/${editing}`) : null;
  const kinds = h('fieldset', { class: 'fieldset field', 'data-field': 'kinds' },
    h('legend', null, t('ipa.kindsField')),
    h('div', { class: 'checks' }, IP_KINDS.map((k) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'kinds', value: k, checked: !!a?.kinds.includes(k) }), ' ', tx('ip.kind.', k)))),
    h('p', { class: 'field-error', 'data-error-for': 'kinds', 'aria-live': 'polite' }));
  const body = textarea({ name: 'body', label: t('ipa.body'), required: true, value: a?.body ?? '', hint: t('ipa.bodyHint') });
  (body.querySelector('textarea') as HTMLTextAreaElement).rows = 14;
  const form: HTMLFormElement = h('form', { class: 'card form ipa-article-form', id: 'ipa-article-form', novalidate: true },
    formSummary(),
    input({ name: 'title', label: t('ipa.titleField'), required: true, value: a?.title ?? '', maxlength: 300 }),
    textarea({ name: 'summary', label: t('ipa.summary'), required: true, value: a?.summary ?? '', hint: t('ipa.summaryHint') }),
    body,
    input({ name: 'tags', label: t('ipa.tags'), value: (a?.tags ?? []).join(', '), hint: t('ipa.tagsHint') }),
    kinds,
    checkbox('published', t('ipa.publishedField'), a?.published ?? false),
    h('p', { class: 'field-hint' }, t('ipa.publishedHint')),
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipa-article-save' }, t('common.save')),
      h('a', { class: 'btn btn-ghost', href: a ? `#/ip/articles/${a.id}` : '#/ip/articles' }, t('common.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const val = (n: string) => ((form.elements.namedItem(n) as HTMLInputElement | HTMLTextAreaElement).value ?? '').trim();
    const data = {
      title: val('title'), summary: val('summary'), body: val('body'), tags: splitTags(val('tags')),
      kinds: [...form.querySelectorAll<HTMLInputElement>('input[name="kinds"]:checked')].map((x) => x.value),
      published: (form.elements.namedItem('published') as HTMLInputElement).checked,
    };
    let bad = false;
    for (const k of ['title', 'summary', 'body'] as const) if (!data[k]) { setFieldError(form, k, t('common.required')); bad = true; }
    if (bad) { showSummary(form, t('common.formErrors')); (form.querySelector('[aria-invalid]') as HTMLElement | null)?.focus(); return; }
    try {
      const saved = a
        ? await api.patch<Article>(`/ip/articles/${a.id}`, { ...data, version: a.version })
        : await api.post<Article>('/ip/articles', data);
      toast(t('ipa.articleSaved'));
      navigate(`/ip/articles/${saved.id}`);
    } catch (err) { showProblem(form, err); }
  });
  return page('page-ipa-form', title, undefined, null, 'articles', form);
}

// ---------- advisory requests ----------
const STATUS_TONE: Record<string, string> = { open: 'warn', answered: 'info', closed: 'neutral' };
function statusOf(s: string): HTMLElement {
  const b = badge(tx('ipa.status.', s), STATUS_TONE[s] ?? 'neutral');
  b.setAttribute('data-status', s);
  b.classList.add('ipa-status');
  return b;
}
const topicText = (x: string) => (x === 'other' ? t('ipa.topicOther') : tx('ip.kind.', x));

export function advicePage(ctx: RouteCtx, signal: AbortSignal): Node {
  const me = currentUser();
  const staff = can.staff();
  const title = staff ? t('ipa.queueTitle') : t('ipa.myRequests');
  const ask = mayAsk() ? h('a', { class: 'btn btn-primary', id: 'ipa-ask', href: '#/ip/advice/new' }, t('ipa.ask')) : null;
  if (!me) return page('page-ipa-advice', t('ipa.requestsTitle'), t('ipa.requestsLead'), null, 'requests', needLogin());
  const status = ADVICE_STATUSES.includes(ctx.query.get('status') as never) ? ctx.query.get('status')! : '';
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0) || 0);
  const statusSel = h('select', { id: 'ipa-status-filter', name: 'status' },
    [['', t('common.all')] as [string, string], ...ADVICE_STATUSES.map((s): [string, string] => [s, tx('ipa.status.', s)])]
      .map(([v, l]) => h('option', { value: v, selected: v === status }, l)));
  statusSel.addEventListener('change', () => setQuery({ status: statusSel.value }, ctx.path));
  const results = h('div', { class: 'results', id: 'ipa-requests', 'aria-live': 'polite' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<AdviceRequest>>('/ip/advice', { status, limit: PAGE, offset }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<AdviceRequest>(r);
      const out: Child[] = [h('p', { class: 'result-count', role: 'status' }, t('ipa.nRequests', { n: fmtNum(r.total) }))];
      if (!items.length) out.push(empty(staff ? t('ipa.queueEmpty') : t('ipa.noRequests')));
      else {
        out.push(table(items, [
          { label: t('ipa.subject'), primary: true, cell: (x) => h('a', { href: `#/ip/advice/${x.id}`, class: 'ipa-request-link' }, x.subject) },
          ...(staff ? [{ label: t('ipa.organization'), cell: (x: AdviceRequest) => x.organization_name || `#${x.organization_id}` }] : []),
          { label: t('ipa.topic'), cell: (x) => topicText(x.topic) },
          { label: t('ipa.statusLabel'), cell: (x) => statusOf(x.status) },
          { label: t('ipa.lastActivity'), cell: (x) => fmtDateTime(x.updated_at) },
        ], { caption: title, rowKey: (x) => String(x.id) }));
        if (r.total > PAGE) out.push(pager(r.total, PAGE, offset, (off) => setQuery({ status, offset: off || '' }, ctx.path)));
      }
      results.replaceChildren(...(out as Node[]));
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return page('page-ipa-advice', title, t('ipa.requestsLead'), ask, 'requests',
    h('section', { class: 'card' },
      h('div', { class: 'filters ipa-filters' }, h('div', { class: 'filter' }, h('label', { for: 'ipa-status-filter' }, t('ipa.statusLabel')), statusSel)),
      results));
}

export function adviceFormPage(_ctx: RouteCtx): Node {
  if (!currentUser()) return page('page-ipa-ask', t('ipa.ask'), undefined, null, 'requests', needLogin());
  if (!mayAsk()) return page('page-ipa-ask', t('ipa.ask'), undefined, null, 'requests', h('div', { class: 'state state-error', role: 'alert' }, t('ipa.askNeedsOrg')));
  const staff = can.staff();
  const question = textarea({ name: 'question', label: t('ipa.question'), required: true, hint: t('ipa.questionHint') });
  (question.querySelector('textarea') as HTMLTextAreaElement).rows = 8;
  // The organization's assets the question is about (optional): a member's own, or those of the
  // organization staff choose.
  const assetChecks = h('div', { class: 'checks ipa-asset-checks' });
  const assetsField = h('fieldset', { class: 'fieldset field', 'data-field': 'asset_ids', hidden: true },
    h('legend', null, t('ipa.assetsField')), assetChecks,
    h('p', { class: 'field-error', 'data-error-for': 'asset_ids', 'aria-live': 'polite' }));
  const loadAssets = (org: number | null) => {
    assetChecks.replaceChildren();
    assetsField.hidden = true;
    if (!org) return;
    void assetsOf(org).then((as) => {
      if (!as?.length) return;
      assetChecks.replaceChildren(...as.map((a) => h('label', { class: 'check' },
        h('input', { type: 'checkbox', name: 'asset_ids', value: String(a.id) }), ' ', a.title,
        h('span', { class: 'muted small' }, ' (', a.grant_number || a.application_number, ')'))));
      assetsField.hidden = false;
    });
  };
  const orgSel = staff ? orgSelect('organization_id', '', t('ipa.chooseOrg')) : null;
  orgSel?.addEventListener('change', () => loadAssets(orgSel.value ? Number(orgSel.value) : null));
  if (!staff) loadAssets(currentUser()?.organization_id ?? null);
  const form: HTMLFormElement = h('form', { class: 'card form ipa-ask-form', id: 'ipa-ask-form', novalidate: true },
    formSummary(),
    orgSel ? fieldWrap('organization_id', t('ipa.organization'), orgSel, true, t('ipa.orgHintStaff')) : null,
    input({ name: 'subject', label: t('ipa.subject'), required: true, maxlength: 300 }),
    select({ name: 'topic', label: t('ipa.topic'), value: 'other', options: kindOptions(['other', t('ipa.topicOther')]) }),
    question,
    assetsField,
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipa-ask-submit' }, t('ipa.send')),
      h('a', { class: 'btn btn-ghost', href: '#/ip/advice' }, t('common.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const val = (n: string) => ((form.elements.namedItem(n) as HTMLInputElement | null)?.value ?? '').trim();
    const body: Record<string, unknown> = { subject: val('subject'), question: val('question'), topic: val('topic') || 'other' };
    const ids = [...form.querySelectorAll<HTMLInputElement>('input[name="asset_ids"]:checked')].map((x) => Number(x.value));
    if (ids.length) body.asset_ids = ids;
    let bad = false;
    for (const k of ['subject', 'question']) if (!val(k)) { setFieldError(form, k, t('common.required')); bad = true; }
    if (staff) {
      if (!val('organization_id')) { setFieldError(form, 'organization_id', t('ipa.chooseOrg')); bad = true; } else body.organization_id = Number(val('organization_id'));
    }
    if (bad) { showSummary(form, t('common.formErrors')); (form.querySelector('[aria-invalid]') as HTMLElement | null)?.focus(); return; }
    try {
      const r = await api.post<AdviceRequest>('/ip/advice', body);
      toast(t('ipa.asked'));
      navigate(`/ip/advice/${r.id}`);
    } catch (err) { showProblem(form, err); }
  });
  return page('page-ipa-ask', t('ipa.ask'), t('ipa.askLead'), null, 'requests', form);
}

/** A link to an IP asset whose title arrives later. */
function assetLink(id: number): HTMLElement {
  const a = h('a', { href: `#/ip/${id}` }, `#${id}`);
  api.get<IpAsset>(`/ip/assets/${id}`).then((x) => { a.textContent = x.title; }).catch(() => undefined);
  return a;
}

export async function adviceRequestPage(ctx: RouteCtx): Promise<Node> {
  if (!currentUser()) return page('page-ipa-request', t('ipa.requestsTitle'), undefined, null, 'requests', needLogin());
  const host = h('div', { class: 'ipa-request-host' });
  const render = (r: AdviceRequest) => {
    const msgs = r.messages ?? [];
    const thread = h('ol', { class: 'ipa-thread', id: 'ipa-thread', 'aria-label': t('ipa.thread') }, msgs.map((m) =>
      h('li', { class: 'ipa-msg' + (m.from_staff ? ' from-staff' : ' from-org'), 'data-from': m.from_staff ? 'staff' : 'organization', 'data-id': String(m.id) },
        h('div', { class: 'ipa-msg-head' },
          h('strong', { class: 'ipa-msg-author' }, m.author_email), ' ',
          badge(m.from_staff ? t('ipa.fromStaff') : t('ipa.fromOrg'), m.from_staff ? 'info' : 'neutral'), ' ',
          h('time', { class: 'muted small ipa-msg-time', datetime: m.created_at }, fmtDateTime(m.created_at))),
        richText(m.body))));
    const parts: Child[] = [
      h('section', { class: 'card ipa-request-info' }, dl([
        [t('ipa.organization'), orgLink(r.organization_id)],
        [t('ipa.topic'), topicText(r.topic)],
        [t('ipa.assets'), r.asset_ids.length ? h('ul', { class: 'ipa-linked-assets' }, r.asset_ids.map((id) => h('li', null, assetLink(id)))) : null],
        [t('ipa.statusLabel'), statusOf(r.status)],
        [t('ipa.opened'), fmtDateTime(r.created_at)],
        [t('ipa.lastActivity'), fmtDateTime(r.updated_at)],
      ]),
      r.status === 'closed' ? h('div', { class: 'notice ipa-outcome', id: 'ipa-outcome' }, h('strong', null, t('ipa.outcome'), ': '), richText(r.outcome)) : null),
      h('section', { class: 'card' }, h('h2', null, t('ipa.thread')), thread),
    ];
    if (r.status !== 'closed') {
      const reply: HTMLFormElement = h('form', { class: 'card form ipa-reply-form', id: 'ipa-reply-form', novalidate: true },
        h('h2', null, can.staff() ? t('ipa.answer') : t('ipa.reply')),
        formSummary(),
        textarea({ name: 'body', label: t('ipa.message'), required: true }),
        h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipa-reply-send' }, t('ipa.send'))));
      reply.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(reply);
        const body = (reply.elements.namedItem('body') as HTMLTextAreaElement).value.trim();
        if (!body) { setFieldError(reply, 'body', t('common.required')); showSummary(reply, t('common.formErrors')); return; }
        try { render(await api.post<AdviceRequest>(`/ip/advice/${r.id}/messages`, { body })); toast(t('ipa.sent')); } catch (err) { showProblem(reply, err); }
      });
      const close: HTMLFormElement = h('form', { class: 'card form ipa-close-form', id: 'ipa-close-form', novalidate: true },
        h('h2', null, t('ipa.close')),
        h('p', { class: 'muted small' }, t('ipa.closeLead')),
        formSummary(),
        textarea({ name: 'outcome', label: t('ipa.outcome'), required: true, hint: t('ipa.outcomeHint') }),
        h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn', id: 'ipa-close-submit' }, t('ipa.close'))));
      close.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(close);
        const outcome = (close.elements.namedItem('outcome') as HTMLTextAreaElement).value.trim();
        if (!outcome) { setFieldError(close, 'outcome', t('common.required')); showSummary(close, t('common.formErrors')); return; }
        try { render(await api.post<AdviceRequest>(`/ip/advice/${r.id}/close`, { outcome })); toast(t('ipa.closed')); } catch (err) { showProblem(close, err); }
      });
      parts.push(h('div', { class: 'grid-2' }, reply, close));
    }
    host.replaceChildren(page('page-ipa-request', r.subject, undefined, null, 'requests', parts,
      h('p', null, h('a', { href: '#/ip/advice' }, '‹ ', t('ipa.backToRequests')))));
  };
  render(await api.get<AdviceRequest>(`/ip/advice/${encodeURIComponent(ctx.params.id)}`));
  return host;
}

// ---------- self-assessment ----------
const PRIORITY_TONE: Record<string, string> = { high: 'bad', medium: 'warn', low: 'neutral' };

/** The report: what is owned (with the organization's assets by name), what to protect and why
 *  (the article of the law), the deadlines of the next twelve months. */
export function reportView(r: Report, assets: IpAsset[] | null): HTMLElement {
  const lang = getLang();
  const owned = ownedByKind(r.owned);
  const orgTitle = h('span', null, `#${r.organization_id}`);
  void orgName(r.organization_id).then((n) => { orgTitle.textContent = n; });
  return h('section', { class: 'card ipa-report', id: 'ipa-report', 'aria-labelledby': 'ipa-report-title', 'data-id': String(r.id) },
    h('div', { class: 'section-head' },
      h('h2', { id: 'ipa-report-title' }, t('ipa.reportTitle')),
      h('button', { type: 'button', class: 'btn btn-small no-print', id: 'ipa-print', onclick: () => window.print() }, t('ipa.print'))),
    h('p', { class: 'muted' }, orgTitle, ' · ', r.created_at ? fmtDateTime(r.created_at) : fmtDate(new Date().toISOString()),
      ' · ', t('ipa.answered', { n: r.questions_answered })),
    h('h3', null, t('ipa.owned')),
    owned.length
      ? table(owned, [
        { label: t('ip.kindLabel'), primary: true, cell: (o) => tx('ip.kind.', o.kind) },
        { label: t('ipa.countCol'), className: 'num', cell: (o) => fmtNum(o.total) },
        { label: t('ip.statusLabel'), cell: (o) => o.statuses.map((s) => `${tx('ip.status.', s.status)}: ${fmtNum(s.count)}`).join('; ') },
      ], { caption: t('ipa.owned') })
      : h('p', { class: 'ipa-owned-none' }, t('ipa.ownsNothing')),
    assets && assets.length ? h('ul', { class: 'ipa-assets', id: 'ipa-report-assets' }, assets.map((a) => h('li', null,
      h('a', { href: `#/ip/${a.id}` }, a.title), h('span', { class: 'muted small' }, ' — ', tx('ip.kind.', a.kind), ', ', a.grant_number || a.application_number)))) : null,
    h('h3', null, t('ipa.toProtect')),
    r.recommendations.length
      ? h('ol', { class: 'ipa-recs', id: 'ipa-recs' }, byPriority(r.recommendations).map((x) => h('li', { class: 'ipa-rec', 'data-kind': x.kind, 'data-priority': x.priority },
        h('div', { class: 'ipa-rec-head' }, badge(tx('ipa.priority.', x.priority), PRIORITY_TONE[x.priority] ?? 'neutral'), ' ',
          h('strong', null, x.kind === 'other' ? t('ipa.kindOther') : tx('ip.kind.', x.kind))),
        h('p', null, bilingual(x, lang)),
        h('p', { class: 'small ipa-basis' }, t('ipa.basis'), ': ', h('span', { class: 'ipa-basis-text' }, x.basis)))))
      : h('p', null, t('ipa.noRecs')),
    h('h3', null, t('ipa.deadlinesAhead')),
    r.deadlines_error
      ? h('p', { class: 'notice notice-warn', id: 'ipa-deadlines-error' }, t('ipa.deadlinesUnknown'), ' (', r.deadlines_error, ')')
      : r.deadlines.length
      ? table(r.deadlines, [
        { label: t('ipa.due'), cell: (d) => h('strong', null, fmtDate(d.due)) },
        { label: t('ip.title'), primary: true, cell: (d) => h('a', { href: `#/ip/${d.asset.id}`, class: 'ipa-deadline-asset' }, d.asset.title) },
        { label: t('ipa.step'), cell: (d) => deadlineLabel(d) },
        { label: t('ipa.daysLeft'), cell: (d) => h('span', null, daysLeftText(d.days_left), d.at_risk ? [' ', riskBadge()] : null) },
      ], { caption: t('ipa.deadlinesAhead') })
      : h('p', null, t('ipa.noDeadlines')),
    (r.deadlines_total ?? 0) > r.deadlines.length
      ? h('p', { class: 'small' }, t('ipa.moreDeadlines', { n: fmtNum((r.deadlines_total ?? 0) - r.deadlines.length) }), ' ',
        h('a', { href: `#/ip/deadlines?org=${r.organization_id}` }, t('ipa.seeCalendar')))
      : null,
    h('p', { class: 'muted small' }, t('ipa.reportNote')));
}

async function assetsOf(org: number): Promise<IpAsset[] | null> {
  try {
    const r = await api.get<ListResponse<IpAsset>>('/ip/assets', { owner_organization_id: org, limit: 100 });
    return itemsOf<IpAsset>(r);
  } catch { return null; }
}

export function assessmentPage(_ctx: RouteCtx, signal: AbortSignal): Node {
  const me = currentUser();
  if (!me) return page('page-ipa-assess', t('ipa.assessTitle'), t('ipa.assessLead'), null, 'assessment', needLogin());
  if (!mayAsk()) return page('page-ipa-assess', t('ipa.assessTitle'), t('ipa.assessLead'), null, 'assessment', h('div', { class: 'state state-error', role: 'alert' }, t('ipa.askNeedsOrg')));
  const staff = can.staff();
  const lang = getLang();
  const reportHost = h('div', { class: 'ipa-report-host', 'aria-live': 'polite' });
  const showReport = async (r: Report) => {
    reportHost.replaceChildren(loading());
    const assets = await assetsOf(r.organization_id);
    reportHost.replaceChildren(reportView(r, assets));
    (reportHost.querySelector('h2') as HTMLElement | null)?.scrollIntoView({ block: 'start' });
  };
  const form: HTMLFormElement = h('form', { class: 'card form ipa-assess-form no-print', id: 'ipa-assess-form', novalidate: true }, loading());
  const history = h('div', { class: 'ipa-history', id: 'ipa-history' });
  const loadHistory = () => {
    api.get<ListResponse<Report>>('/ip/self-assessment', { limit: 10 }).then((r) => {
      if (signal.aborted) return;
      const items = itemsOf<Report>(r);
      if (!items.length) { history.replaceChildren(); return; }
      history.replaceChildren(h('section', { class: 'card no-print' }, h('h2', null, t('ipa.pastReports')),
        table(items, [
          { label: t('ipa.date'), cell: (x) => fmtDateTime(x.created_at) },
          ...(staff ? [{ label: t('ipa.organization'), cell: (x: Report) => orgLink(x.organization_id) }] : []),
          { label: t('ipa.recsCount'), className: 'num', cell: (x) => fmtNum(x.recommendations?.length ?? 0) },
          { label: '', cell: (x) => h('button', { type: 'button', class: 'btn btn-small', 'data-report': String(x.id), onclick: () => void showReport(x) }, t('ipa.view')) },
        ], { caption: t('ipa.pastReports') })));
    }).catch(() => undefined);
  };
  api.get<{ questions: Question[] }>('/ip/self-assessment/questions').then(({ questions }) => {
    if (signal.aborted) return;
    const fields = questions.map((q) => {
      const text = bilingual(q, lang);
      const other = lang === 'en' ? q.vi : q.en;
      if (q.type === 'text') return input({ name: q.id, label: text, maxlength: 500, hint: other && other !== text ? other : undefined });
      const name = q.id;
      return h('fieldset', { class: 'fieldset field ipa-question', 'data-field': name, 'data-question': name },
        h('legend', null, text, other && other !== text ? h('span', { class: 'muted small ipa-other-lang', lang: lang === 'en' ? 'vi' : 'en' }, other) : null),
        h('div', { class: 'ipa-yesno' },
          h('label', { class: 'check' }, h('input', { type: 'radio', name, value: 'yes', id: `q-${name}-yes` }), ' ', t('ipa.yes')),
          h('label', { class: 'check' }, h('input', { type: 'radio', name, value: 'no', id: `q-${name}-no` }), ' ', t('ipa.no'))),
        h('p', { class: 'field-error', 'data-error-for': name, 'aria-live': 'polite' }));
    });
    form.replaceChildren(h('div', null,
      h('h2', null, t('ipa.questionnaire')),
      h('p', { class: 'muted small' }, t('ipa.questionnaireHint')),
      formSummary(),
      staff ? fieldWrap('organization_id', t('ipa.organization'), orgSelect('organization_id', '', t('ipa.chooseOrg')), true, t('ipa.orgHintStaff')) : null,
      fields,
      h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipa-assess-submit' }, t('ipa.makeReport')))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const answers: Record<string, boolean | string> = {};
      for (const q of questions) {
        if (q.type === 'text') {
          const v = (form.elements.namedItem(q.id) as HTMLInputElement).value.trim();
          if (v) answers[q.id] = v;
        } else {
          const c = form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(q.id)}"]:checked`);
          if (c) answers[q.id] = c.value === 'yes';
        }
      }
      const body: Record<string, unknown> = { answers };
      if (staff) {
        const org = (form.elements.namedItem('organization_id') as HTMLSelectElement).value;
        if (!org) { setFieldError(form, 'organization_id', t('ipa.chooseOrg')); showSummary(form, t('common.formErrors')); return; }
        body.organization_id = Number(org);
      }
      const btn = form.querySelector('#ipa-assess-submit') as HTMLButtonElement;
      btn.disabled = true;
      try {
        const r = await api.post<Report>('/ip/self-assessment', body);
        await showReport(r);
        loadHistory();
      } catch (err) {
        showProblem(form, err);
      } finally { btn.disabled = false; }
    });
  }).catch((e) => { if (!signal.aborted) form.replaceChildren(errorState(e)); });
  loadHistory();
  return page('page-ipa-assess', t('ipa.assessTitle'), t('ipa.assessLead'), null, 'assessment', form, reportHost, history);
}
