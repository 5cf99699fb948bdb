// Search API types and the snippet renderer (no innerHTML: snippets become text nodes + <mark>).
import { api, type Query } from './api';

export interface SearchItem {
  type: 'organization' | 'person' | string; id: number; title: string; subtitle?: string; url?: string; score?: number;
  snippets?: { title?: string; body?: string };
}
export interface FacetValue { value: string; count: number }
export interface SearchResponse {
  items: SearchItem[]; total: number; limit?: number; offset?: number; suggestion?: string;
  facets?: Partial<Record<'type' | 'province' | 'kind' | 'field' | 'expert' | 'certified', FacetValue[]>>;
}

export function search(params: Query): Promise<SearchResponse> {
  return api.get<SearchResponse>('/search', params);
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
/** Undo the server's HTML escaping of a snippet piece (one pass: "&amp;lt;" -> "&lt;"). */
export function unescapeEntities(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);
}

/** Split an escaped snippet with <mark>…</mark> into plain-text pieces, `mark` set on highlights.
 *  Only the literal tokens `<mark>` and `</mark>` are markup; everything else is text. */
export function parseSnippet(s: string): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  let mark = false;
  for (const piece of s.split(/(<mark>|<\/mark>)/)) {
    if (piece === '<mark>') { mark = true; continue; }
    if (piece === '</mark>') { mark = false; continue; }
    if (!piece) continue;
    const text = unescapeEntities(piece);
    const last = out[out.length - 1];
    if (last && last.mark === mark) last.text += text; else out.push({ text, mark });
  }
  return out;
}

/** DOM nodes for a snippet; line breaks (the server joins fields with "\n") become " · ". */
export function snippetNodes(s: string, lineSep = ' · '): Node[] {
  return parseSnippet(s.trim()).map(({ text, mark }) => {
    const tn = document.createTextNode(text.replace(/\s*\n\s*/g, lineSep));
    if (!mark) return tn;
    const m = document.createElement('mark');
    m.appendChild(tn);
    return m;
  });
}

/** Where a result goes: the server's `url` when it is an in-app hash route, else built from type/id. */
export function itemHref(it: SearchItem): string {
  if (it.url && /^#\/[a-z]+\/\d+$/.test(it.url)) return it.url;
  return (it.type === 'person' ? '#/people/' : '#/organizations/') + encodeURIComponent(String(it.id));
}
