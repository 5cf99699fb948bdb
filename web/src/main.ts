import './styles.css';
import { h, s } from './dom';
import { t, getLang, setLang, type DictKey } from './i18n';
import { match, navigate, parseHash, route } from './router';
import { currentUser, loadSession, logout, onSessionChange } from './session';
import { errorState, loading } from './ui';
import { homePage } from './pages/home';
import { communePage, converterPage, provincePage, unitsPage } from './pages/units';
import { orgDetailPage, orgFormPage, orgListPage } from './pages/organizations';
import { peopleListPage, personDetailPage, personFormPage } from './pages/people';
import { auditPage } from './pages/audit';
import { loginPage } from './pages/login';
import { usersPage } from './pages/users';
import { searchPage } from './pages/search';
import { importPage, tokensPage } from './pages/tools';
import { piiPage, piiProvincePage } from './pages/pii';
import { piiComputePage } from './pages/pii-compute';
import { planPage, plansPage } from './pages/monitoring';
import { indicatorsPage, lineagePage, seriesPage } from './pages/indicators';
import { dataEntryPage } from './pages/dataentry';
import { dataElementFormPage, dataElementsPage, indicatorFormPage, planFormPage, targetFormPage } from './pages/monitoring-forms';
import { iocPage } from './pages/ioc';
import { searchBox } from './components/searchbox';
import { exchangePage, listingPage } from './pages/exchange';
import { listingFormPage, minePage } from './pages/exchange-mine';
import { reviewPage, statsPage } from './pages/exchange-review';
import { contractFormPage, contractPage, contractsPage, exchangeImportPage, taskProposalPage, taskProposalsPage } from './pages/exchange-deals';
import { bell, notificationsPage, refreshUnread } from './components/bell';
import { ipAssetPage, ipFormPage, ipPortfolioPage } from './pages/ip';
import { ipDeadlinesPage, ipFreePage, ipStatsPage } from './pages/ip-tools';
import { ipPrioritiesPage } from './pages/ip-origin';
import { adviceFormPage, advicePage, adviceRequestPage, articleFormPage, articlePage, articlesPage, assessmentPage } from './pages/ip-advice';
import { ipImportPage, ipRulesPage } from './pages/ip-admin';

route('/', 'home', homePage);
route('/units', 'units', unitsPage);
route('/units/convert', 'units', converterPage);
route('/units/:code', 'units', provincePage);
route('/communes/:code', 'units', communePage);
route('/organizations', 'organizations', orgListPage);
route('/organizations/new', 'organizations', orgFormPage);
route('/organizations/:id/edit', 'organizations', orgFormPage);
route('/organizations/:id', 'organizations', orgDetailPage);
route('/people', 'people', peopleListPage);
route('/people/new', 'people', personFormPage);
route('/people/:id/edit', 'people', personFormPage);
route('/people/:id', 'people', personDetailPage);
route('/audit', 'audit', auditPage);
route('/login', 'login', loginPage);
route('/users', 'users', usersPage);
route('/search', 'search', searchPage);
route('/tokens', 'tokens', tokensPage);
route('/import', 'import', importPage);
route('/pii', 'pii', piiPage);
route('/pii/compute', 'pii', piiComputePage);
route('/pii/:code', 'pii', piiProvincePage);
route('/plans', 'monitoring', plansPage);
route('/plans/new', 'monitoring', planFormPage);
route('/plans/:id/edit', 'monitoring', planFormPage);
route('/plans/:id/targets/new', 'monitoring', targetFormPage);
route('/plans/:id/targets/:target/edit', 'monitoring', targetFormPage);
route('/plans/:id', 'monitoring', planPage);
route('/indicators', 'monitoring', indicatorsPage);
route('/indicators/new', 'monitoring', indicatorFormPage);
route('/indicators/:code/edit', 'monitoring', indicatorFormPage);
route('/indicators/:code', 'monitoring', seriesPage);
route('/data-elements', 'monitoring', dataElementsPage);
route('/data-elements/new', 'monitoring', dataElementFormPage);
route('/data-elements/:code/edit', 'monitoring', dataElementFormPage);
route('/ioc', 'monitoring', iocPage);
route('/lineage/:code', 'monitoring', lineagePage);
route('/data-entry', 'monitoring', dataEntryPage);
// The exchange: fixed paths before /exchange/:id.
route('/exchange', 'exchange', exchangePage);
route('/exchange/mine', 'exchange', minePage);
route('/exchange/new', 'exchange', listingFormPage);
route('/exchange/review', 'exchange', reviewPage);
route('/exchange/stats', 'exchange', statsPage);
route('/exchange/contracts', 'exchange', contractsPage);
route('/exchange/contracts/new', 'exchange', contractFormPage);
route('/exchange/contracts/:id', 'exchange', contractPage);
route('/exchange/task-proposals', 'exchange', taskProposalsPage);
route('/exchange/task-proposals/:id', 'exchange', taskProposalPage);
route('/exchange/import', 'exchange', exchangeImportPage);
route('/exchange/:id/edit', 'exchange', listingFormPage);
route('/exchange/:id', 'exchange', listingPage);
route('/notifications', 'notifications', notificationsPage);
// Intellectual property: fixed paths before /ip/:id.
route('/ip', 'ip', ipPortfolioPage);
route('/ip/new', 'ip', ipFormPage);
route('/ip/deadlines', 'ip', ipDeadlinesPage);
route('/ip/free', 'ip', ipFreePage);
route('/ip/stats', 'ip', ipStatsPage);
route('/ip/priorities', 'ip', ipPrioritiesPage);
route('/ip/articles', 'ip', articlesPage);
route('/ip/articles/new', 'ip', articleFormPage);
route('/ip/articles/:id/edit', 'ip', articleFormPage);
route('/ip/articles/:id', 'ip', articlePage);
route('/ip/advice', 'ip', advicePage);
route('/ip/advice/new', 'ip', adviceFormPage);
route('/ip/advice/:id', 'ip', adviceRequestPage);
route('/ip/self-assessment', 'ip', assessmentPage);
route('/ip/rules', 'ip', ipRulesPage);
route('/ip/import', 'ip', ipImportPage);
route('/ip/:id/edit', 'ip', ipFormPage);
route('/ip/:id', 'ip', ipAssetPage);

const NAV: [string, string, DictKey][] = [
  ['home', '#/', 'nav.home'],
  ['units', '#/units', 'nav.units'],
  ['organizations', '#/organizations', 'nav.organizations'],
  ['people', '#/people', 'nav.people'],
  ['exchange', '#/exchange', 'nav.exchange'],
  ['ip', '#/ip', 'nav.ip'],
  ['pii', '#/pii', 'nav.pii'],
  ['monitoring', '#/plans', 'nav.monitoring'],
  ['audit', '#/audit', 'nav.audit'],
  ['users', '#/users', 'nav.users'],
];

const root = document.getElementById('root')!;
const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
const headerHost = h('div', { class: 'header-host' });
let currentRoute = '';

function logo(): SVGSVGElement {
  return s('svg', { class: 'logo', viewBox: '0 0 32 32', width: 32, height: 32, 'aria-hidden': 'true' },
    s('rect', { x: 1, y: 1, width: 30, height: 30, rx: 8, fill: '#0b4f7c' }),
    s('circle', { cx: 16, cy: 16, r: 6.5, fill: 'none', stroke: '#fff', 'stroke-width': 2 }),
    s('circle', { cx: 16, cy: 16, r: 2.2, fill: '#f2b705' }),
    s('path', { d: 'M16 4v5M16 23v5M4 16h5M23 16h5', stroke: '#fff', 'stroke-width': 2, 'stroke-linecap': 'round' }));
}

function buildHeader(): HTMLElement {
  const me = currentUser();
  const navList = h('ul', { class: 'nav-list' }, NAV.filter(([name]) => (name !== 'audit' && name !== 'users') || me?.role === 'admin').map(([name, href, key]) =>
    h('li', null, h('a', { href, class: 'nav-link', 'data-route': name, 'aria-current': currentRoute === name ? 'page' : null }, t(key)))));
  const nav = h('nav', { id: 'site-nav', class: 'site-nav', 'aria-label': t('nav.main') }, navList);
  const search = h('div', { class: 'header-search', id: 'header-search' },
    searchBox({ id: 'header-q', variant: 'header', placeholder: t('search.placeholder') }));
  const toggle = h('button', { type: 'button', class: 'menu-toggle', id: 'menu-toggle', 'aria-controls': 'site-nav header-search', 'aria-expanded': 'false' },
    h('span', { class: 'burger', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')), h('span', { class: 'menu-label' }, t('nav.menu')));
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
    search.classList.toggle('open', open);
  });
  const langBtn = h('button', {
    type: 'button', class: 'lang-btn', id: 'lang-switch', lang: getLang() === 'vi' ? 'en' : 'vi', 'aria-label': t('lang.label'),
    onclick: () => { setLang(getLang() === 'vi' ? 'en' : 'vi'); renderAll(); },
  }, h('span', { class: 'lang-long' }, t('lang.switch')), h('span', { class: 'lang-short', 'aria-hidden': 'true' }, t('lang.switchShort')));

  let userArea: HTMLElement;
  if (me) {
    let close = () => { /* set below */ };
    const menu = h('div', { class: 'user-dropdown', id: 'user-dropdown', hidden: true, role: 'menu' },
      h('div', { class: 'user-info' }, h('strong', null, me.display_name || me.email), h('span', { class: 'muted small' }, me.email),
        h('span', { class: 'badge badge-info' }, t(('role.' + me.role) as DictKey))),
      h('a', { role: 'menuitem', class: 'menu-item', id: 'tokens-link', href: '#/tokens', onclick: () => close() }, t('tokens.menu')),
      me.role === 'admin' || me.role === 'staff'
        ? h('a', { role: 'menuitem', class: 'menu-item', id: 'import-link', href: '#/import', onclick: () => close() }, t('import.menu')) : null,
      h('button', { type: 'button', role: 'menuitem', class: 'menu-item', id: 'lang-switch-menu',
        onclick: () => { setLang(getLang() === 'vi' ? 'en' : 'vi'); renderAll(); } }, t('lang.switch')),
      h('button', { type: 'button', role: 'menuitem', class: 'menu-item', id: 'logout', onclick: async () => { await logout(); navigate('/'); } }, t('user.logout')));
    const btn = h('button', { type: 'button', class: 'user-btn', id: 'user-menu', 'aria-haspopup': 'true', 'aria-expanded': 'false', 'aria-controls': 'user-dropdown' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, (me.display_name || me.email).trim().charAt(0).toUpperCase()),
      h('span', { class: 'user-name' }, me.display_name || me.email), ' ▾');
    close = () => { menu.hidden = true; btn.setAttribute('aria-expanded', 'false'); };
    btn.addEventListener('click', (e) => {
      e.stopPropagation();
      const open = menu.hidden;
      menu.hidden = !open;
      btn.setAttribute('aria-expanded', String(open));
      if (open) (menu.querySelector('.menu-item') as HTMLElement | null)?.focus();
    });
    menu.addEventListener('keydown', (e) => { if (e.key === 'Escape') { close(); btn.focus(); } });
    userArea = h('div', { class: 'user-menu' }, btn, menu);
  } else {
    userArea = h('a', { class: 'btn btn-light', href: '#/login', id: 'login-link', onclick: (e: Event) => {
      const { path } = parseHash();
      if (path !== '/login' && path !== '/') { e.preventDefault(); navigate('/login', { next: location.hash.slice(1) }); }
    } }, t('user.login'));
  }
  return h('header', { class: 'site-header' },
    h('div', { class: 'header-inner' },
      h('a', { class: 'brand', href: '#/' }, logo(), h('span', { class: 'brand-text' }, h('span', { class: 'brand-name' }, t('app.name')),
        h('span', { class: 'brand-tag' }, t('app.tagline')))),
      toggle,
      nav,
      search,
      h('div', { class: 'header-tools' }, langBtn, me ? bell() : null, userArea)));
}

function buildFooter(): HTMLElement {
  return h('footer', { class: 'site-footer' }, h('div', { class: 'footer-inner' }, h('p', null, t('app.footer'))));
}

let renderSeq = 0;
let unreadPath = '';
let ctrl: AbortController | null = null;
async function renderRoute(): Promise<void> {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  const m = match(path);
  ctrl?.abort();
  ctrl = new AbortController();
  currentRoute = m?.route.name ?? '';
  document.querySelectorAll<HTMLAnchorElement>('.nav-link').forEach((a) => {
    if (a.dataset.route === currentRoute) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const nav = document.getElementById('site-nav');
  nav?.classList.remove('open');
  document.getElementById('header-search')?.classList.remove('open');
  document.getElementById('menu-toggle')?.setAttribute('aria-expanded', 'false');
  if (!m) { main.replaceChildren(errorState({})); main.firstElementChild!.textContent = t('state.notFound'); return; }
  // Keep focus (and caret) in a search box when only the query changed (filters re-render the page).
  const active = document.activeElement as HTMLInputElement | null;
  const focusId = active && main.contains(active) && active.id ? active.id : '';
  const caret = focusId && typeof active!.selectionStart === 'number' ? active!.selectionStart : null;
  if (!focusId) main.replaceChildren(loading());
  if (path !== unreadPath) { unreadPath = path; refreshUnread(); }
  try {
    const node = await m.route.view({ params: m.params, query, path }, ctrl.signal);
    if (seq !== renderSeq) return;
    main.replaceChildren(node);
    if (focusId) {
      const el = document.getElementById(focusId) as HTMLInputElement | null;
      if (el) {
        el.focus();
        if (caret !== null && typeof el.setSelectionRange === 'function' && /^(text|search)$/.test(el.type)) {
          try { el.setSelectionRange(caret, caret); } catch { /* not a text input */ }
        }
      }
    }
    const title = main.querySelector('h1');
    document.title = (title?.textContent ? title.textContent + ' — ' : '') + 'STIO';
  } catch (e) {
    if (seq === renderSeq) main.replaceChildren(errorState(e));
  }
}

function renderAll(): void {
  document.documentElement.lang = getLang();
  const skip = document.getElementById('skip-link');
  if (skip) skip.textContent = t('app.skip');
  headerHost.replaceChildren(buildHeader());
  footerHost.replaceChildren(buildFooter());
  void renderRoute();
}

const footerHost = h('div');
root.append(headerHost, main, footerHost);
document.getElementById('skip-link')?.addEventListener('click', (e) => { e.preventDefault(); main.focus(); });

// One document-level listener closes the user menu on an outside click (headers are rebuilt often).
document.addEventListener('click', (e) => {
  const menu = document.getElementById('user-dropdown');
  if (!menu || menu.hidden || menu.contains(e.target as Node)) return;
  menu.hidden = true;
  document.getElementById('user-menu')?.setAttribute('aria-expanded', 'false');
});

let lastPath = parseHash().path;
window.addEventListener('hashchange', () => {
  const p = parseHash().path;
  const pathChanged = p !== lastPath;
  lastPath = p;
  void renderRoute().then(() => { if (pathChanged) { window.scrollTo(0, 0); } });
});
onSessionChange(() => headerHost.replaceChildren(buildHeader()));

document.documentElement.lang = getLang();
headerHost.replaceChildren(buildHeader());
footerHost.replaceChildren(buildFooter());
main.replaceChildren(loading());
loadSession().catch(() => undefined).finally(() => renderAll());
