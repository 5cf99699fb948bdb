import { h } from '../dom';
import { t, tx } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, parseDate } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { can } from '../session';
import { empty, errorState, loading, pageHeader, pager } from '../ui';

interface AuditEntry {
  id: number; at: string; actor_email: string | null; action: string; entity_type: string; entity_id: string | number | null;
  before: Record<string, unknown> | null; after: Record<string, unknown> | null;
}
const PAGE = 50;
const ENTITY_TYPES = ['organization', 'person', 'certificate', 'user', 'api_token'];
const ACTIONS = ['create', 'update', 'delete', 'issue', 'amend', 'suspend', 'reinstate', 'revoke', 'login', 'import'];

function show(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function diffTable(before: Record<string, unknown> | null, after: Record<string, unknown> | null): HTMLElement {
  const keys = Array.from(new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])).sort();
  if (!keys.length) return empty();
  return h('table', { class: 'diff' },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('audit.field')), h('th', { scope: 'col' }, t('audit.before')), h('th', { scope: 'col' }, t('audit.after')))),
    h('tbody', null, keys.map((k) => {
      const b = before ? before[k] : undefined, a = after ? after[k] : undefined;
      const changed = JSON.stringify(b) !== JSON.stringify(a);
      return h('tr', { class: changed ? 'changed' : 'same' },
        h('th', { scope: 'row' }, k),
        h('td', { class: changed && b !== undefined ? 'del' : '' }, show(b)),
        h('td', { class: changed && a !== undefined ? 'ins' : '' }, show(a)));
    })));
}

export function auditPage(ctx: RouteCtx): Node {
  if (!can.admin()) {
    return h('div', { class: 'page' }, pageHeader(t('audit.title')), h('div', { class: 'state state-error', role: 'alert' }, t('audit.adminOnly')));
  }
  const q = ctx.query;
  const state = {
    entity_type: q.get('entity_type') || '', actor: q.get('actor') || '', action: q.get('action') || '',
    since: q.get('since') || '', until: q.get('until') || '', offset: Number(q.get('offset') || 0) || 0,
  };
  const mk = (name: string, label: string, ctl: HTMLElement) => h('div', { class: 'filter' }, h('label', { for: 'audit-' + name }, label), ctl);
  const et = h('select', { id: 'audit-entity_type', name: 'entity_type' }, h('option', { value: '' }, t('common.all')),
    ENTITY_TYPES.map((x) => h('option', { value: x, selected: state.entity_type === x }, tx('entity.', x))));
  const actor = h('input', { id: 'audit-actor', name: 'actor', type: 'search', value: state.actor, placeholder: 'email' });
  const act = h('select', { id: 'audit-action', name: 'action' }, h('option', { value: '' }, t('common.all')),
    ACTIONS.map((x) => h('option', { value: x, selected: state.action === x }, tx('action.', x))));
  const dateBox = (name: string, v: string) => h('input', { id: 'audit-' + name, name, type: 'text', inputmode: 'numeric', maxlength: 10,
    placeholder: 'dd/mm/yyyy', value: v ? fmtDate(v) : '', autocomplete: 'off' });
  const since = dateBox('since', state.since);
  const until = dateBox('until', state.until);
  const apply = () => {
    let ok = true;
    for (const el of [since, until]) {
      const bad = parseDate(el.value) === null;
      el.setAttribute('aria-invalid', String(bad));
      if (bad) ok = false;
    }
    if (!ok) return;
    setQuery({ entity_type: et.value, actor: actor.value.trim(), action: act.value, since: parseDate(since.value), until: parseDate(until.value) }, ctx.path);
  };
  for (const el of [et, act, since, until]) el.addEventListener('change', apply);
  const filters = h('form', { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); apply(); } },
    mk('entity_type', t('audit.entityType'), et), mk('actor', t('audit.actor'), actor), mk('action', t('audit.action'), act),
    mk('since', t('audit.since'), since), mk('until', t('audit.until'), until),
    h('div', { class: 'filter filter-btn' }, h('button', { class: 'btn', type: 'submit' }, t('common.filter'))));

  const results = h('div', { class: 'results' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<AuditEntry>>('/audit', {
      entity_type: state.entity_type, actor: state.actor, action: state.action,
      since: state.since, until: state.until ? state.until : '', limit: PAGE, offset: state.offset,
    }).then((r) => {
      const items = itemsOf<AuditEntry>(r);
      if (!items.length) { results.replaceChildren(empty()); return; }
      const rows = h('tbody');
      for (const a of items) {
        const detail = h('tr', { class: 'diff-row', hidden: true }, h('td', { colspan: 5 }, diffTable(a.before, a.after)));
        const btn = h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-expanded': 'false' }, t('audit.diff'));
        btn.addEventListener('click', () => {
          const open = detail.hidden;
          detail.hidden = !open;
          btn.setAttribute('aria-expanded', String(open));
          btn.textContent = open ? t('audit.hideDiff') : t('audit.diff');
        });
        const entityHref = a.entity_type === 'organization' ? `#/organizations/${a.entity_id}` : a.entity_type === 'person' ? `#/people/${a.entity_id}` : null;
        rows.append(h('tr', null,
          h('td', { 'data-label': t('audit.at'), class: 'nowrap' }, fmtDateTime(a.at)),
          h('td', { 'data-label': t('audit.actor') }, a.actor_email || '—'),
          h('td', { 'data-label': t('audit.action') }, tx('action.', a.action)),
          h('td', { 'data-label': t('audit.entity') }, tx('entity.', a.entity_type), ' ',
            entityHref && a.action !== 'delete' ? h('a', { href: entityHref }, `#${a.entity_id}`) : (a.entity_id != null ? `#${a.entity_id}` : '')),
          h('td', { 'data-label': '' }, a.before || a.after ? btn : null)), detail);
      }
      results.replaceChildren(h('div', { class: 'table-wrap' }, h('table', { class: 'data-table responsive audit-table' },
        h('thead', null, h('tr', null, [t('audit.at'), t('audit.actor'), t('audit.action'), t('audit.entity'), ''].map((l) => h('th', { scope: 'col' }, l)))),
        rows)), pager(r.total, PAGE, state.offset, (off) => setQuery({ ...state, offset: off || '' }, ctx.path)));
    }).catch((e) => results.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page' }, pageHeader(t('audit.title'), t('audit.lead')), h('section', { class: 'card' }, filters, results));
}
