import { h } from '../dom';
import { t, tx, getLang } from '../i18n';
import { api, itemsOf, type ListResponse } from '../api';
import { fmtNum, fold, unitType } from '../format';
import { parseHash, setQuery, type RouteCtx } from '../router';
import { dl, empty, errorState, link, loading, pageHeader, pager, table, type Column } from '../ui';
import type { AdminUnit } from '../refdata';

interface ProvinceDetail extends AdminUnit {
  merged_from?: { code: string; full_name: string }[];
  communes_total?: number; n_phuong?: number; n_xa?: number; n_dac_khu?: number;
}
interface Predecessor {
  old_commune_code: string; old_commune_name: string; old_district_name: string;
  old_province_code: string; old_province_name: string; merge_type: string; note_vi: string;
}
interface CommuneDetail extends AdminUnit { predecessors?: Predecessor[] }
interface Conversion { new_province_code: string; new_province_name: string; new_commune_code: string; new_commune_name: string; merge_type: string }

const uname = (u: { name: string; full_name?: string; name_en?: string | null }) =>
  getLang() === 'en' && u.name_en ? u.name_en : (u.full_name || u.name);

function mergeLabel(type: string, note?: string): string {
  if (getLang() === 'vi' && note) return note;
  return tx('merge.', type);
}

// ---------- province list ----------
export function unitsPage(ctx: RouteCtx): Node {
  const sort = ctx.query.get('sort') || 'name';
  const host = h('div', null, loading());
  const load = () => {
    host.replaceChildren(loading());
    api.get<ListResponse<AdminUnit>>('/admin-units', { level: 'province', limit: 100 }).then((r) => {
      const rows = itemsOf<AdminUnit>(r).slice();
      const key = sort.replace(/^-/, '') as 'name' | 'population' | 'area_km2' | 'density';
      const dir = sort.startsWith('-') ? -1 : 1;
      rows.sort((a, b) => {
        if (key === 'name') return dir * fold(a.name).localeCompare(fold(b.name));
        return dir * (((a[key] as number) ?? -1) - ((b[key] as number) ?? -1));
      });
      const cols: Column<AdminUnit>[] = [
        { label: t('units.provinces'), sortKey: 'name', primary: true, cell: (u) => link('#/units/' + encodeURIComponent(u.code), uname(u)) },
        { label: t('units.unitType'), cell: (u) => unitType(u.unit_type) },
        { label: t('units.population'), sortKey: 'population', className: 'num', cell: (u) => fmtNum(u.population) },
        { label: t('units.area'), sortKey: 'area_km2', className: 'num', cell: (u) => fmtNum(u.area_km2, 1) },
        { label: t('units.density'), sortKey: 'density', className: 'num', cell: (u) => fmtNum(u.density) },
      ];
      host.replaceChildren(table(rows, cols, { sort, onSort: (s) => setQuery({ sort: s }, ctx.path), caption: t('units.provinces'), rowKey: (u) => u.code }));
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page' },
    pageHeader(t('units.title'), t('units.lead'),
      h('a', { class: 'btn btn-ghost', href: '#/units/convert' }, t('units.converter'))),
    h('section', { class: 'card' }, host));
}

// ---------- province detail with communes ----------
export function provincePage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const head = h('div', null, loading());
  const info = h('div');
  const q = ctx.query.get('q') || '';
  const offset = Number(ctx.query.get('offset') || 0) || 0;
  const limit = 50;
  const communesHost = h('div', { class: 'communes-host' }, loading());

  api.get<ProvinceDetail>('/admin-units/' + encodeURIComponent(code), { level: 'province' }).then((p) => {
    head.replaceChildren(pageHeader(uname(p), unitType(p.unit_type),
      h('div', { class: 'btn-row' },
        h('a', { class: 'btn btn-ghost', href: '#/units' }, '‹ ', t('units.title')),
        h('a', { class: 'btn', href: '#/organizations?province=' + encodeURIComponent(p.code) }, t('units.orgsHere')),
        h('a', { class: 'btn', href: '#/people?province=' + encodeURIComponent(p.code) }, t('units.peopleHere')))));
    const merged = p.merged_from ?? [];
    info.replaceChildren(h('div', { class: 'grid-2' },
      h('section', { class: 'card' },
        dl([
          [t('units.code'), p.code],
          [t('units.population'), fmtNum(p.population)],
          [t('units.area'), fmtNum(p.area_km2, 1)],
          [t('units.density'), fmtNum(p.density)],
          [t('units.communesTotal'), p.communes_total != null ? fmtNum(p.communes_total) : null],
          [t('units.nPhuong'), p.n_phuong != null ? fmtNum(p.n_phuong) : null],
          [t('units.nXa'), p.n_xa != null ? fmtNum(p.n_xa) : null],
          [t('units.nDacKhu'), p.n_dac_khu ? fmtNum(p.n_dac_khu) : null],
        ])),
      h('section', { class: 'card', 'data-testid': 'merged-from' },
        h('h2', null, t('units.mergedFrom')),
        merged.length <= 1 && (merged.length === 0 || merged[0].code === p.code)
          ? h('p', null, t('units.unchanged'))
          : h('ul', { class: 'chips' }, merged.map((m) => h('li', { class: 'chip' }, m.full_name, ' ', h('span', { class: 'muted' }, `(${m.code})`)))))));
  }).catch((e) => head.replaceChildren(errorState(e)));

  const search = h('input', {
    type: 'search', name: 'q', value: q, placeholder: t('common.searchPlaceholder'),
    'aria-label': t('units.searchCommunes'), id: 'commune-search', autocomplete: 'off',
  });
  let timer = 0;
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => loadCommunes(search.value.trim(), 0), 250);
  });

  const loadCommunes = (query: string, off: number) => {
    communesHost.setAttribute('aria-busy', 'true');
    api.get<ListResponse<AdminUnit>>('/admin-units', { level: 'commune', province_code: code, q: query, limit, offset: off, sort: 'name' })
      .then((r) => {
        communesHost.removeAttribute('aria-busy');
        if (parseHash().path === ctx.path) {
          history.replaceState(null, '', '#' + ctx.path + (query || off ? '?' + new URLSearchParams({ ...(query ? { q: query } : {}), ...(off ? { offset: String(off) } : {}) }) : ''));
        }
        const items = itemsOf<AdminUnit>(r);
        if (!items.length) { communesHost.replaceChildren(empty()); return; }
        const cols: Column<AdminUnit>[] = [
          { label: t('common.name'), primary: true, cell: (u) => link('#/communes/' + encodeURIComponent(u.code), u.full_name || u.name) },
          { label: t('units.code'), cell: (u) => u.code },
          { label: t('units.unitType'), cell: (u) => unitType(u.unit_type) },
          { label: t('units.population'), className: 'num', cell: (u) => fmtNum(u.population) },
          { label: t('units.area'), className: 'num', cell: (u) => fmtNum(u.area_km2, 1) },
        ];
        communesHost.replaceChildren(table(items, cols, { caption: t('units.communes'), rowKey: (u) => u.code }),
          pager(r.total, limit, off, (o) => loadCommunes(query, o)));
      })
      .catch((e) => { communesHost.removeAttribute('aria-busy'); communesHost.replaceChildren(errorState(e, () => loadCommunes(query, off))); });
  };
  loadCommunes(q, offset);

  return h('div', { class: 'page' }, head, info,
    h('section', { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', null, t('units.communes')),
        h('div', { class: 'searchbox' }, search)),
      communesHost));
}

// ---------- commune detail ----------
export function communePage(ctx: RouteCtx): Node {
  const code = ctx.params.code;
  const host = h('div', { class: 'page' }, loading());
  api.get<CommuneDetail>('/admin-units/' + encodeURIComponent(code), { level: 'commune' }).then((c) => {
    const preds = c.predecessors ?? [];
    const cols: Column<Predecessor>[] = [
      { label: t('units.oldCommune'), primary: true, cell: (p) => h('span', null, p.old_commune_name, ' ', h('span', { class: 'muted' }, `(${p.old_commune_code})`)) },
      { label: t('units.oldDistrict'), cell: (p) => p.old_district_name },
      { label: t('units.oldProvince'), cell: (p) => p.old_province_name },
      { label: t('units.mergeType'), cell: (p) => h('span', { class: 'badge badge-' + (p.merge_type === 'full' ? 'info' : p.merge_type === 'partial' ? 'warn' : 'neutral') }, mergeLabel(p.merge_type, p.note_vi)) },
    ];
    host.replaceChildren(
      pageHeader(c.full_name || c.name, unitType(c.unit_type),
        c.province_code ? h('a', { class: 'btn btn-ghost', href: '#/units/' + encodeURIComponent(c.province_code) }, '‹ ', c.province_name || c.province_code) : null),
      h('section', { class: 'card' }, dl([
        [t('units.code'), c.code],
        [t('units.provinceOf'), c.province_name],
        [t('units.population'), c.population != null ? fmtNum(c.population) : null],
        [t('units.area'), c.area_km2 != null ? fmtNum(c.area_km2, 2) : null],
        [t('units.density'), c.density != null ? fmtNum(c.density) : null],
      ])),
      h('section', { class: 'card', 'data-testid': 'predecessors' },
        h('h2', null, t('units.predecessors')),
        preds.length ? table(preds, cols, { caption: t('units.predecessors'), rowKey: (p) => p.old_commune_code }) : empty()));
  }).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

// ---------- converter old -> new ----------
export function converterPage(ctx: RouteCtx): Node {
  const initial = ctx.query.get('old') || '';
  const inputEl = h('input', { type: 'search', name: 'old', id: 'conv-old', value: initial, autocomplete: 'off', placeholder: '00004 / Phúc Xá' });
  const out = h('div', { class: 'conv-out', 'aria-live': 'polite' });

  const showConversion = (oldCode: string, label?: string) => {
    out.replaceChildren(loading());
    api.get<{ items: Conversion[] }>('/admin-units/convert', { old_code: oldCode, level: 'commune' }).then((r) => {
      const items = itemsOf<Conversion>(r);
      if (!items.length) { out.replaceChildren(empty()); return; }
      out.replaceChildren(
        h('h2', null, t('units.converterResult'), label ? ` — ${label}` : ` — ${oldCode}`),
        h('ul', { class: 'conv-results' }, items.map((c) => h('li', { class: 'conv-item' },
          h('a', { href: '#/communes/' + encodeURIComponent(c.new_commune_code), class: 'conv-new' }, c.new_commune_name),
          h('span', { class: 'muted' }, ` (${c.new_commune_code}) · `),
          h('a', { href: '#/units/' + encodeURIComponent(c.new_province_code) }, c.new_province_name),
          ' ', h('span', { class: 'badge badge-info' }, tx('merge.', c.merge_type))))));
    }).catch((e) => out.replaceChildren(errorState(e)));
  };

  const run = () => {
    const v = inputEl.value.trim();
    if (!v) { out.replaceChildren(); return; }
    history.replaceState(null, '', '#/units/convert?' + new URLSearchParams({ old: v }));
    if (/^\d{1,5}$/.test(v)) { showConversion(v.padStart(5, '0')); return; }
    out.replaceChildren(loading());
    api.get<ListResponse<AdminUnit>>('/admin-units', { level: 'commune', era: 'pre2025', q: v, limit: 20 }).then((r) => {
      const items = itemsOf<AdminUnit>(r);
      if (!items.length) { out.replaceChildren(empty()); return; }
      if (items.length === 1) { showConversion(items[0].code, items[0].full_name || items[0].name); return; }
      out.replaceChildren(h('p', null, t('units.converterMatches')),
        h('ul', { class: 'conv-matches' }, items.map((u) => h('li', null,
          h('button', { type: 'button', class: 'linklike', onclick: () => showConversion(u.code, u.full_name || u.name) },
            u.full_name || u.name), ' ', h('span', { class: 'muted' }, `(${u.code}) · ${u.province_name ?? ''}`)))));
    }).catch((e) => out.replaceChildren(errorState(e)));
  };

  const form = h('form', { class: 'conv-form', onsubmit: (e: Event) => { e.preventDefault(); run(); } },
    h('label', { for: 'conv-old' }, t('units.converterInput')),
    h('div', { class: 'inline' }, inputEl, h('button', { class: 'btn btn-primary', type: 'submit' }, t('units.converterGo'))));
  if (initial) queueMicrotask(run);
  return h('div', { class: 'page' },
    pageHeader(t('units.converter'), t('units.converterLead'), h('a', { class: 'btn btn-ghost', href: '#/units' }, '‹ ', t('units.title'))),
    h('section', { class: 'card' }, form, out));
}

