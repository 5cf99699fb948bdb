import type { FeatureCollection, Geometry } from 'geojson';
import { h } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api } from '../api';
import { fmtNum } from '../format';
import { errorState, loading } from '../ui';
import { provinceMap, density, type ProvinceProps } from '../components/map';
import { searchBox } from '../components/searchbox';

interface Stats { organizations: number; people: number; experts: number; certificates_active: number; provinces: number; communes: number }

let geoCache: Promise<FeatureCollection<Geometry, ProvinceProps>> | null = null;
function getGeo() {
  if (!geoCache) geoCache = api.get<FeatureCollection<Geometry, ProvinceProps>>('/geo/provinces').catch((e) => { geoCache = null; throw e; });
  return geoCache;
}

export function homePage(): Node {
  const statsBox = h('section', { class: 'stats', 'aria-label': t('home.title') }, loading());
  const mapBox = h('div', { class: 'map-host' }, loading());
  const side = h('div', { class: 'map-side' });

  const statCards: [keyof Stats, DictKey, string][] = [
    ['organizations', 'stats.organizations', '#/organizations'],
    ['people', 'stats.people', '#/people'],
    ['experts', 'stats.experts', '#/people?expert=true'],
    ['certificates_active', 'stats.certificates', '#/organizations?certified=true'],
    ['provinces', 'stats.provinces', '#/units'],
    ['communes', 'stats.communes', '#/units'],
  ];

  const loadStats = () => {
    statsBox.replaceChildren(loading());
    api.get<Stats>('/stats').then((st) => {
      statsBox.replaceChildren(...statCards.map(([k, label, href]) =>
        h('a', { class: 'stat', href, 'data-stat': k },
          h('span', { class: 'stat-value' }, fmtNum(st[k])),
          h('span', { class: 'stat-label' }, t(label)))));
    }).catch((e) => statsBox.replaceChildren(errorState(e, loadStats)));
  };

  const loadMap = () => {
    mapBox.replaceChildren(loading());
    getGeo().then((fc) => {
      mapBox.replaceChildren(provinceMap(fc));
      const ranked = fc.features.map((f) => f.properties)
        .map((p) => ({ p, d: density(p) })).filter((x) => x.d !== null)
        .sort((a, b) => (b.d as number) - (a.d as number));
      const vi = getLang() === 'vi';
      const row = (x: { p: ProvinceProps; d: number | null }) => h('li', null,
        h('a', { href: '#/units/' + encodeURIComponent(x.p.code) }, vi ? x.p.name : (x.p.name_en || x.p.name)),
        h('span', { class: 'num' }, fmtNum(x.d), ' ', t('map.unitDensity')));
      side.replaceChildren(
        h('p', { class: 'muted' }, t('map.hint')),
        h('h3', null, vi ? 'Mật độ cao nhất' : 'Most densely populated'),
        h('ol', { class: 'rank' }, ranked.slice(0, 5).map(row)),
        h('h3', null, vi ? 'Mật độ thấp nhất' : 'Least densely populated'),
        h('ol', { class: 'rank' }, ranked.slice(-5).reverse().map(row)),
        h('p', { class: 'muted small' }, t('map.islands')));
    }).catch((e) => mapBox.replaceChildren(errorState(e, loadMap)));
  };

  loadStats();
  loadMap();

  return h('div', { class: 'page page-home' },
    h('section', { class: 'hero' },
      h('h1', { class: 'page-title', tabindex: '-1' }, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
      h('div', { class: 'hero-search' },
        searchBox({ id: 'home-q', variant: 'hero', placeholder: t('search.heroPlaceholder') }),
        h('p', { class: 'hero-examples' }, h('span', { class: 'muted' }, t('search.examples')),
          // Sample queries are Vietnamese in both languages: the records are.
          ['công nghệ sinh học', 'trí tuệ nhân tạo', 'giống lúa chịu mặn', 'vật liệu']
            .map((x) => h('a', { href: '#/search?q=' + encodeURIComponent(x), lang: 'vi' }, x))))),
    statsBox,
    h('section', { class: 'card map-card', 'aria-labelledby': 'map-title' },
      h('h2', { id: 'map-title' }, t('map.title')),
      h('div', { class: 'map-layout' }, mapBox, side)));
}
