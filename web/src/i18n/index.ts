import { vi as viBase, type DictKey as BaseKey } from './vi';
import { en as enBase } from './en';
import { ipVi, ipEn, type IpKey } from './ip';
import { ipoVi, ipoEn, type IpoKey } from './ip-origin';
import { ipaVi, ipaEn, type IpaKey } from './ip-advice';
import { piiVi, piiEn, type PiiKey } from './pii';
import { monVi, monEn, type MonKey } from './monitoring';

export type DictKey = BaseKey | IpKey | IpoKey | IpaKey | PiiKey | MonKey;
const vi: Record<DictKey, string> = { ...viBase, ...ipVi, ...ipoVi, ...ipaVi, ...piiVi, ...monVi };
const en: Record<DictKey, string> = { ...enBase, ...ipEn, ...ipoEn, ...ipaEn, ...piiEn, ...monEn };

export type Lang = 'vi' | 'en';
const KEY = 'stio.lang';
const dicts: Record<Lang, Record<DictKey, string>> = { vi, en };

let lang: Lang = (() => {
  try { return localStorage.getItem(KEY) === 'en' ? 'en' : 'vi'; } catch { return 'vi'; }
})();

export function getLang(): Lang { return lang; }

export function setLang(l: Lang): void {
  lang = l;
  try { localStorage.setItem(KEY, l); } catch { /* private mode */ }
  document.documentElement.lang = l;
}

/** Translate a key; `{name}` placeholders are replaced from params (plain text). */
export function t(key: DictKey, params?: Record<string, string | number>): string {
  let s = dicts[lang][key] ?? vi[key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** Translate a dynamic key (e.g. "kind." + value), falling back to the raw value. */
export function tx(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const k = (prefix + value) as DictKey;
  return k in vi ? t(k) : value;
}

