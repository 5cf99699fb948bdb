// Notifications bell in the header (signed-in users): the unread count from
// /notifications?unread=true, a dropdown of the latest notifications (each marked read when opened,
// or all at once), and the full list at #/notifications. All text via text nodes; no innerHTML.
import { h, s } from '../dom';
import { t, getLang } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtDateTime } from '../format';
import { currentUser } from '../session';
import { empty, errorState, loading, needLogin, pageHeader, pager, toast, errorText } from '../ui';
import { setQuery, type RouteCtx } from '../router';
import { bilingual, notificationHref, type Notification } from '../exchange';
import { ipReminderTitle } from '../ip';

type NotifList = ListResponse<Notification> & { unread: number };

let unread = 0;
let outsideListener = false;
// The header (and so the bell) is rebuilt often: only the latest bell's badge is kept.
let badge: HTMLElement | null = null;
function showCount(n: number): void {
  unread = n;
  if (!badge) return;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.hidden = n === 0;
  badge.parentElement?.setAttribute('aria-label', t('notif.bellAria', { n }));
}

/** Asks the server for the unread count (on sign-in and on every page change). */
export function refreshUnread(): void {
  if (!currentUser()) return;
  api.get<NotifList>('/notifications', { unread: true, limit: 1 }).then((r) => showCount(r.unread ?? r.total ?? 0)).catch(() => undefined);
}

async function markRead(id?: number): Promise<void> {
  const r = await api.post<{ unread: number }>('/notifications/read', id === undefined ? {} : { id });
  if (typeof r?.unread === 'number') showCount(r.unread);
}

function item(n: Notification, onOpen?: () => void): HTMLElement {
  const lang = getLang();
  // IP deadline reminders: the body mixes both languages ("Hạn / Due …") and is shown as is; the
  // title keeps the asset's name in English too.
  const ip = n.kind === 'ip.deadline';
  const body = !n.body ? '' : ip ? n.body : bilingual(n.body.replace(/[\s:]*(—\s*)?\/exchange\/[\w/]+$/, '').trim(), lang);
  return h('li', { class: 'notif' + (n.read_at ? '' : ' unread'), 'data-id': String(n.id), 'data-kind': n.kind },
    h('a', {
      href: notificationHref(n), class: 'notif-link',
      onclick: () => { if (!n.read_at) markRead(n.id).catch(() => undefined); onOpen?.(); },
    },
    h('span', { class: 'notif-title' }, ip ? ipReminderTitle(n.title, lang) : bilingual(n.title, lang)),
    body ? h('span', { class: 'notif-body' }, body) : null,
    h('span', { class: 'notif-time muted small' }, fmtDateTime(n.created_at))));
}

export function bell(): HTMLElement {
  const count = h('span', { class: 'bell-count', hidden: true, 'aria-hidden': 'true' });
  const panel = h('div', { class: 'bell-panel', id: 'bell-panel', hidden: true });
  const btn = h('button', {
    type: 'button', class: 'bell-btn', id: 'bell', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': 'bell-panel',
    'aria-label': t('notif.bellAria', { n: unread }), title: t('notif.title'),
  }, s('svg', { class: 'bell-icon', viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true' },
    s('path', { d: 'M6 10a6 6 0 0112 0c0 4 1.5 6 2.5 7h-17C4.5 16 6 14 6 10zM10 20a2 2 0 004 0', fill: 'none', stroke: 'currentColor', 'stroke-width': 1.8, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' })), count);
  const close = () => { panel.hidden = true; btn.setAttribute('aria-expanded', 'false'); };
  const fill = () => {
    panel.replaceChildren(loading());
    api.get<NotifList>('/notifications', { limit: 8 }).then((r) => {
      showCount(r.unread ?? 0);
      const items = itemsOf<Notification>(r);
      panel.replaceChildren(
        h('div', { class: 'bell-head' }, h('strong', null, t('notif.title')),
          r.unread ? h('button', { type: 'button', class: 'linklike small', id: 'bell-read-all', onclick: () => markRead().then(fill).catch((e) => toast(errorText(e), 'bad')) }, t('notif.readAll')) : null),
        items.length ? h('ul', { class: 'notif-list' }, items.map((n) => item(n, close))) : h('p', { class: 'muted small' }, t('notif.none')),
        h('a', { class: 'bell-all small', href: '#/notifications', onclick: close }, t('notif.seeAll')));
    }).catch((e) => panel.replaceChildren(errorState(e)));
  };
  btn.addEventListener('click', (e) => {
    e.stopPropagation();
    const open = panel.hidden;
    panel.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    if (open) fill();
  });
  panel.addEventListener('click', (e) => e.stopPropagation());
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); btn.focus(); } });
  if (!outsideListener) {
    // One listener for the page's life (the header, and this bell, are rebuilt often).
    outsideListener = true;
    document.addEventListener('click', () => {
      const p = document.getElementById('bell-panel');
      if (p && !p.hidden) { p.hidden = true; document.getElementById('bell')?.setAttribute('aria-expanded', 'false'); }
    });
  }
  badge = count;
  showCount(unread);
  refreshUnread();
  return h('div', { class: 'bell-wrap' }, btn, panel);
}

export function notificationsPage(ctx: RouteCtx, signal: AbortSignal): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  const onlyUnread = ctx.query.get('unread') === 'true';
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0) || 0);
  const results = h('div', { class: 'results', 'aria-live': 'polite', id: 'notif-page' }, loading());
  const load = () => {
    api.get<NotifList>('/notifications', { unread: onlyUnread || null, limit: 30, offset }).then((r) => {
      if (signal.aborted) return;
      showCount(r.unread ?? 0);
      const items = itemsOf<Notification>(r);
      results.replaceChildren(
        h('div', { class: 'btn-row' },
          h('a', { class: 'btn btn-small' + (onlyUnread ? '' : ' btn-primary'), href: '#/notifications' }, t('notif.all')),
          h('a', { class: 'btn btn-small' + (onlyUnread ? ' btn-primary' : ''), href: '#/notifications?unread=true' }, t('notif.unreadOnly', { n: r.unread ?? 0 })),
          r.unread ? h('button', { type: 'button', class: 'btn btn-small', id: 'notif-read-all', onclick: () => markRead().then(load).catch((e) => toast(errorText(e), 'bad')) }, t('notif.readAll')) : null),
        items.length ? h('ul', { class: 'notif-list notif-page-list' }, items.map((n) => item(n))) : empty(t('notif.none')),
        r.total > 30 ? pager(r.total, 30, offset, (off) => setQuery({ unread: onlyUnread || '', offset: off || '' }, ctx.path)) : '');
    }).catch((e) => { if (!signal.aborted) results.replaceChildren(errorState(e, load)); });
  };
  load();
  return h('div', { class: 'page page-notifications' }, pageHeader(t('notif.title'), t('notif.lead')), h('section', { class: 'card' }, results));
}
