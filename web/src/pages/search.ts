// #/search?q=…&type=&province=&kind=&field=&expert=&offset= — results with facets, highlights, "did you mean".
import { h, type Child } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { fmtNum } from '../format';
import { setQuery, type RouteCtx } from '../router';
import { errorState, loading, pager } from '../ui';
import { getFields, getProvinces, type AdminUnit, type FieldOfScience } from '../refdata';
import { searchBox } from '../components/searchbox';
import { itemHref, search, snippetNodes, type FacetValue, type SearchItem, type SearchResponse } from '../search';

const PAGE = 10;
const FACET_SHOWN = 6;

type FilterKey = 'type' | 'province' | 'kind' | 'field' | 'expert';
const FILTERS: FilterKey[] = ['type', 'province', 'kind', 'field', 'expert'];
type State = { q: string; offset: number } & Record<FilterKey, string>;

/** The hash for a search state (used for facet links, so they work with the keyboard and in new tabs). */
export function searchHref(st: Partial<State>): string {
  const u = new URLSearchParams();
  if (st.q) u.set('q', st.q);
  for (const k of FILTERS) if (st[k]) u.set(k, st[k]!);
  if (st.offset) u.set('offset', String(st.offset));
  const s = u.toString();
  return '#/search' + (s ? '?' + s : '');
}

export function searchPage(ctx: RouteCtx, signal: AbortSignal): Node {
  const q = ctx.query;
  const st: State = {
    q: (q.get('q') || '').trim(), offset: Math.max(0, Number(q.get('offset') || 0) || 0),
    type: q.get('type') || '', province: q.get('province') || '', kind: q.get('kind') || '',
    field: q.get('field') || '', expert: q.get('expert') === 'true' || q.get('expert') === 'false' ? q.get('expert')! : '',
  };
  const box = searchBox({ id: 'search-q', value: st.q, variant: 'page', placeholder: t('search.heroPlaceholder'),
    onSubmit: (nq) => setQuery({ q: nq }, ctx.path) });

  const results = h('section', { class: 'search-results', 'aria-labelledby': 'results-title', 'aria-busy': 'true' },
    h('h2', { id: 'results-title', class: 'sr-only' }, t('search.results')), loading());
  const facetsHost = h('div', { class: 'facets-host' });
  const filtersOpen = !window.matchMedia('(max-width: 800px)').matches;
  const activeCount = FILTERS.filter((k) => st[k]).length;
  const facets = h('details', { class: 'facets card', open: filtersOpen, id: 'search-facets' },
    h('summary', { class: 'facets-summary' }, t('search.filters'), activeCount ? h('span', { class: 'badge badge-info' }, String(activeCount)) : null),
    facetsHost);

  // A facet chosen from the keyboard: main.ts keeps focus only on elements that exist when the view
  // returns, and facets arrive with the results, so put focus back here once they are drawn.
  const focused = document.activeElement as HTMLElement | null;
  const refocusId = focused?.id?.startsWith('facet-') ? focused.id : '';

  const load = () => {
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(results.firstElementChild!, loading());
    Promise.all([
      search({ q: st.q, type: st.type, province_code: st.province, kind: st.kind, field: st.field, expert: st.expert, limit: PAGE, offset: st.offset }),
      getProvinces().catch(() => [] as AdminUnit[]),
      getFields().catch(() => [] as FieldOfScience[]),
    ]).then(([r, provs, fields]) => {
      if (signal.aborted) return;
      const names = labelMaps(provs, fields);
      facetsHost.replaceChildren(...facetGroups(st, r, names));
      if (refocusId && (!document.activeElement || document.activeElement === document.body)) {
        (document.getElementById(refocusId) ?? facetsHost.querySelector<HTMLElement>('a.facet-link'))?.focus();
      }
      renderResults(r, names);
    }).catch((e) => {
      if (signal.aborted) return;
      results.setAttribute('aria-busy', 'false');
      results.replaceChildren(results.firstElementChild!, errorState(e, load));
    });
  };

  const renderResults = (r: SearchResponse, names: Names) => {
    const out: Child[] = [results.firstElementChild!];
    if (r.suggestion && r.suggestion.trim().toLowerCase() !== st.q.toLowerCase()) {
      out.push(h('p', { class: 'did-you-mean', id: 'did-you-mean' }, t('search.didYouMean'), ' ',
        h('a', { href: searchHref({ ...st, q: r.suggestion, offset: 0 }), class: 'dym-link' }, h('strong', null, r.suggestion)), '?'));
    }
    const total = r.total ?? 0;
    out.push(h('p', { class: 'result-count', role: 'status', id: 'result-count' },
      st.q ? t(total === 1 ? 'search.countForOne' : 'search.countFor', { n: fmtNum(total), q: st.q }) : `${t('search.all')}: ${fmtNum(total)}`));
    const chips = activeChips(st, names);
    if (chips) out.push(chips);
    const items = r.items ?? [];
    if (!items.length) {
      out.push(h('div', { class: 'state state-empty search-empty' },
        h('p', null, st.q ? t('search.none', { q: st.q }) : t('state.empty')),
        h('p', { class: 'small' }, t('search.noneHint'))));
      if (activeCount) out.push(h('p', { class: 'center' }, h('a', { class: 'btn btn-ghost', href: searchHref({ q: st.q }) }, t('search.clearFilters'))));
    } else {
      out.push(h('ol', { class: 'result-list', start: st.offset + 1 }, items.map((it) => h('li', null, resultCard(it)))));
      if (total > PAGE) {
        out.push(pager(total, PAGE, st.offset, (off) => {
          setQuery({ q: st.q, type: st.type, province: st.province, kind: st.kind, field: st.field, expert: st.expert, offset: off || '' }, ctx.path);
          document.getElementById('search-q')?.scrollIntoView?.({ block: 'start' });
        }));
      }
    }
    results.replaceChildren(...out.filter((x): x is Node => x instanceof Node));
    results.setAttribute('aria-busy', 'false');
  };

  load();
  return h('div', { class: 'page page-search' },
    h('div', { class: 'search-head' },
      h('h1', { class: 'page-title', tabindex: '-1' }, st.q ? `${t('search.title')}: ${st.q}` : t('search.title')),
      h('p', { class: 'lead' }, t('search.lead')),
      box),
    h('div', { class: 'search-layout' }, facets, results));
}

export function resultCard(it: SearchItem): HTMLElement {
  const title = it.snippets?.title;
  const body = it.snippets?.body;
  return h('article', { class: 'result', 'data-type': it.type, 'data-id': String(it.id) },
    h('div', { class: 'result-meta' },
      h('span', { class: `badge result-type type-${it.type}` }, tx('search.type.', it.type)),
      it.subtitle ? h('span', { class: 'result-sub' }, it.subtitle) : null),
    h('h3', { class: 'result-title' }, h('a', { href: itemHref(it) }, title ? snippetNodes(title) : it.title)),
    body ? h('p', { class: 'result-snippet' }, snippetNodes(body)) : null);
}

interface Names { province: Map<string, string>; field: Map<string, FieldOfScience> }
function labelMaps(provs: AdminUnit[], fields: FieldOfScience[]): Names {
  const en = getLang() === 'en';
  return {
    province: new Map(provs.map((p) => [p.code, en ? (p.name_en || p.name) : p.name])),
    field: new Map(fields.map((f) => [f.code, f])),
  };
}

function valueLabel(key: FilterKey | 'certified', value: string, names: Names): string {
  switch (key) {
    case 'type': return tx('search.type.', value);
    case 'province': return names.province.get(value) ?? value;
    case 'kind': return tx('kind.', value);
    case 'field': {
      const f = names.field.get(value);
      return f ? (getLang() === 'en' ? f.name_en : f.name_vi) || value : value;
    }
    case 'expert': return t(value === 'yes' || value === 'true' ? 'search.expert.yes' : 'search.expert.no');
    case 'certified': return t(value === 'yes' ? 'search.certified.yes' : 'search.certified.no');
    default: return value;
  }
}

/** Facet value -> the query parameter value (expert facets say yes/no, the filter takes true/false). */
function paramValue(key: FilterKey, value: string): string {
  if (key === 'expert') return value === 'yes' ? 'true' : value === 'no' ? 'false' : value;
  return value;
}

function facetGroups(st: State, r: SearchResponse, names: Names): HTMLElement[] {
  const groups: HTMLElement[] = [];
  for (const key of FILTERS) {
    let values: FacetValue[] = [...(r.facets?.[key] ?? [])];
    const selected = st[key];
    // The server counts within the current filters, so a chosen value is its group's only entry;
    // keep it listed (to be unticked) even when nothing matches.
    if (selected && !values.some((v) => paramValue(key, v.value) === selected)) {
      values.unshift({ value: key === 'expert' ? (selected === 'true' ? 'yes' : 'no') : selected, count: 0 });
    }
    if (!values.length) continue;
    if (key === 'field') values = values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    groups.push(facetGroup(key, t(('search.facet.' + key) as DictKey), values, (v) => {
      const pv = paramValue(key, v.value);
      const on = selected === pv;
      return {
        on,
        href: searchHref({ ...st, [key]: on ? '' : pv, offset: 0 }),
        label: valueLabel(key, v.value, names),
        sub: '',
      };
    }));
  }
  // Certification: the search API has no such filter; the organization list has (q + certified).
  const cert = r.facets?.certified ?? [];
  if (cert.length) {
    groups.push(facetGroup('certified', t('search.facet.certified'), cert, (v) => ({
      on: false,
      href: '#/organizations?' + new URLSearchParams({ ...(st.q ? { q: st.q } : {}), certified: v.value === 'yes' ? 'true' : 'false' }).toString(),
      label: valueLabel('certified', v.value, names),
      sub: '',
      title: t('search.certifiedHint'),
    })));
  }
  return groups;
}

function facetGroup(key: string, title: string, values: FacetValue[],
  link: (v: FacetValue) => { on: boolean; href: string; label: string; sub: string; title?: string }): HTMLElement {
  const id = `facet-${key}`;
  const ul = h('ul', { class: 'facet-list', 'aria-labelledby': id + '-title' }, values.map((v, i) => {
    const l = link(v);
    return h('li', { class: i >= FACET_SHOWN && !l.on ? 'facet-more' : null },
      // A stable id keeps keyboard focus on this facet when the page re-renders with it applied.
      h('a', { id: `facet-${key}-${v.value.replace(/[^A-Za-z0-9_-]/g, '_')}`, class: 'facet-link' + (l.on ? ' on' : ''), href: l.href, 'data-facet': key, 'data-value': v.value, 'aria-current': l.on ? 'true' : null, title: l.title ?? null },
        h('span', { class: 'facet-check', 'aria-hidden': 'true' }, l.on ? '✓' : ''),
        h('span', { class: 'facet-label' }, l.label, l.sub ? h('span', { class: 'facet-code' }, ' ', l.sub) : null),
        l.on ? h('span', { class: 'sr-only' }, ' ', t('search.selected')) : null,
        h('span', { class: 'facet-count' }, fmtNum(v.count))));
  }));
  const more = values.length - FACET_SHOWN;
  let toggle: HTMLElement | null = null;
  if (more > 0) {
    ul.classList.add('collapsed');
    toggle = h('button', { type: 'button', class: 'linklike facet-toggle', 'aria-expanded': 'false', 'aria-controls': id + '-list' }, t('search.showMore', { n: more }));
    ul.id = id + '-list';
    toggle.addEventListener('click', () => {
      const expanded = ul.classList.toggle('collapsed') === false;
      toggle!.setAttribute('aria-expanded', String(expanded));
      toggle!.textContent = expanded ? t('search.showLess') : t('search.showMore', { n: more });
    });
  }
  return h('section', { class: 'facet', 'data-facet-group': key },
    h('h3', { class: 'facet-title', id: id + '-title' }, title), ul, toggle,
    key === 'certified' ? h('p', { class: 'facet-note' }, t('search.certifiedHint')) : null);
}

function activeChips(st: State, names: Names): HTMLElement | null {
  const on = FILTERS.filter((k) => st[k]);
  if (!on.length) return null;
  return h('div', { class: 'active-filters' },
    h('span', { class: 'muted small' }, t('search.activeFilters'), ':'),
    h('ul', { class: 'tags' }, on.map((k) => {
      const label = valueLabel(k, k === 'expert' ? (st[k] === 'true' ? 'yes' : 'no') : st[k], names);
      return h('li', { class: 'tag' }, h('span', { class: 'muted' }, t(('search.facet.' + k) as DictKey), ': '), label,
        h('a', { class: 'tag-x', href: searchHref({ ...st, [k]: '', offset: 0 }), 'aria-label': t('search.removeFilter', { label }), 'data-remove': k }, '×'));
    })),
    on.length > 1 ? h('a', { class: 'small', href: searchHref({ q: st.q }) }, t('search.clearFilters')) : null);
}
