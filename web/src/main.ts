import './styles.css';
import { h, s } from './dom';
import { t, getLang, setLang, type DictKey } from './i18n';
import { match, navigate, parseHash, route, type View } from './router';
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
import { searchBox } from './components/searchbox';
import { bell, notificationsPage, refreshUnread } from './components/bell';

/** A view whose module is loaded on first use: each area (exchange, IP, monitoring, index) is its
 *  own chunk, so the home page and the registry do not download them. */
function lazy<M>(load: () => Promise<M>, pick: (m: M) => View): View {
  return async (ctx, signal) => pick(await load())(ctx, signal);
}
const piiModule = () => import('./pages/pii');
const piiComputeModule = () => import('./pages/pii-compute');
const monitoringModule = () => import('./pages/monitoring');
const indicatorsModule = () => import('./pages/indicators');
const dataentryModule = () => import('./pages/dataentry');
const monitoringFormsModule = () => import('./pages/monitoring-forms');
const iocModule = () => import('./pages/ioc');
const exchangeModule = () => import('./pages/exchange');
const exchangeMineModule = () => import('./pages/exchange-mine');
const exchangeReviewModule = () => import('./pages/exchange-review');
const exchangeDealsModule = () => import('./pages/exchange-deals');
const ipModule = () => import('./pages/ip');
const ipToolsModule = () => import('./pages/ip-tools');
const ipOriginModule = () => import('./pages/ip-origin');
const ipAdviceModule = () => import('./pages/ip-advice');
const ipAdminModule = () => import('./pages/ip-admin');

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
route('/pii', 'pii', lazy(piiModule, (m) => m.piiPage));
route('/pii/compute', 'pii', lazy(piiComputeModule, (m) => m.piiComputePage));
route('/pii/:code', 'pii', lazy(piiModule, (m) => m.piiProvincePage));
route('/plans', 'monitoring', lazy(monitoringModule, (m) => m.plansPage));
route('/plans/new', 'monitoring', lazy(monitoringFormsModule, (m) => m.planFormPage));
route('/plans/:id/edit', 'monitoring', lazy(monitoringFormsModule, (m) => m.planFormPage));
route('/plans/:id/targets/new', 'monitoring', lazy(monitoringFormsModule, (m) => m.targetFormPage));
route('/plans/:id/targets/:target/edit', 'monitoring', lazy(monitoringFormsModule, (m) => m.targetFormPage));
route('/plans/:id', 'monitoring', lazy(monitoringModule, (m) => m.planPage));
route('/indicators', 'monitoring', lazy(indicatorsModule, (m) => m.indicatorsPage));
route('/indicators/new', 'monitoring', lazy(monitoringFormsModule, (m) => m.indicatorFormPage));
route('/indicators/:code/edit', 'monitoring', lazy(monitoringFormsModule, (m) => m.indicatorFormPage));
route('/indicators/:code', 'monitoring', lazy(indicatorsModule, (m) => m.seriesPage));
route('/data-elements', 'monitoring', lazy(monitoringFormsModule, (m) => m.dataElementsPage));
route('/data-elements/new', 'monitoring', lazy(monitoringFormsModule, (m) => m.dataElementFormPage));
route('/data-elements/:code/edit', 'monitoring', lazy(monitoringFormsModule, (m) => m.dataElementFormPage));
route('/ioc', 'monitoring', lazy(iocModule, (m) => m.iocPage));
route('/lineage/:code', 'monitoring', lazy(indicatorsModule, (m) => m.lineagePage));
route('/data-entry', 'monitoring', lazy(dataentryModule, (m) => m.dataEntryPage));
// The exchange: fixed paths before /exchange/:id.
route('/exchange', 'exchange', lazy(exchangeModule, (m) => m.exchangePage));
route('/exchange/mine', 'exchange', lazy(exchangeMineModule, (m) => m.minePage));
route('/exchange/new', 'exchange', lazy(exchangeMineModule, (m) => m.listingFormPage));
route('/exchange/review', 'exchange', lazy(exchangeReviewModule, (m) => m.reviewPage));
route('/exchange/stats', 'exchange', lazy(exchangeReviewModule, (m) => m.statsPage));
route('/exchange/contracts', 'exchange', lazy(exchangeDealsModule, (m) => m.contractsPage));
route('/exchange/contracts/new', 'exchange', lazy(exchangeDealsModule, (m) => m.contractFormPage));
route('/exchange/contracts/:id', 'exchange', lazy(exchangeDealsModule, (m) => m.contractPage));
route('/exchange/task-proposals', 'exchange', lazy(exchangeDealsModule, (m) => m.taskProposalsPage));
route('/exchange/task-proposals/:id', 'exchange', lazy(exchangeDealsModule, (m) => m.taskProposalPage));
route('/exchange/import', 'exchange', lazy(exchangeDealsModule, (m) => m.exchangeImportPage));
route('/exchange/:id/edit', 'exchange', lazy(exchangeMineModule, (m) => m.listingFormPage));
route('/exchange/:id', 'exchange', lazy(exchangeModule, (m) => m.listingPage));
route('/notifications', 'notifications', notificationsPage);
// Intellectual property: fixed paths before /ip/:id.
route('/ip', 'ip', lazy(ipModule, (m) => m.ipPortfolioPage));
route('/ip/new', 'ip', lazy(ipModule, (m) => m.ipFormPage));
route('/ip/deadlines', 'ip', lazy(ipToolsModule, (m) => m.ipDeadlinesPage));
route('/ip/free', 'ip', lazy(ipToolsModule, (m) => m.ipFreePage));
route('/ip/stats', 'ip', lazy(ipToolsModule, (m) => m.ipStatsPage));
route('/ip/priorities', 'ip', lazy(ipOriginModule, (m) => m.ipPrioritiesPage));
route('/ip/articles', 'ip', lazy(ipAdviceModule, (m) => m.articlesPage));
route('/ip/articles/new', 'ip', lazy(ipAdviceModule, (m) => m.articleFormPage));
route('/ip/articles/:id/edit', 'ip', lazy(ipAdviceModule, (m) => m.articleFormPage));
route('/ip/articles/:id', 'ip', lazy(ipAdviceModule, (m) => m.articlePage));
route('/ip/advice', 'ip', lazy(ipAdviceModule, (m) => m.advicePage));
route('/ip/advice/new', 'ip', lazy(ipAdviceModule, (m) => m.adviceFormPage));
route('/ip/advice/:id', 'ip', lazy(ipAdviceModule, (m) => m.adviceRequestPage));
route('/ip/self-assessment', 'ip', lazy(ipAdviceModule, (m) => m.assessmentPage));
route('/ip/rules', 'ip', lazy(ipAdminModule, (m) => m.ipRulesPage));
route('/ip/import', 'ip', lazy(ipAdminModule, (m) => m.ipImportPage));
route('/ip/:id/edit', 'ip', lazy(ipModule, (m) => m.ipFormPage));
route('/ip/:id', 'ip', lazy(ipModule, (m) => m.ipAssetPage));

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
