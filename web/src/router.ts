// Minimal hash router: "#/organizations/12?tab=x".
export interface RouteCtx { params: Record<string, string>; query: URLSearchParams; path: string }
export type View = (ctx: RouteCtx, signal: AbortSignal) => Node | Promise<Node>;

interface Route { re: RegExp; keys: string[]; view: View; name: string }
const routes: Route[] = [];

export function route(pattern: string, name: string, view: View): void {
  const keys: string[] = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_m, k) => { keys.push(k); return '([^/]+)'; }) + '/?$');
  routes.push({ re, keys, view, name });
}

export function parseHash(): { path: string; query: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  const i = raw.indexOf('?');
  const path = i >= 0 ? raw.slice(0, i) : raw;
  return { path: path || '/', query: new URLSearchParams(i >= 0 ? raw.slice(i + 1) : '') };
}

export function match(path: string): { route: Route; params: Record<string, string> } | null {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}

export function navigate(path: string, query?: Record<string, string | number | boolean | null | undefined>): void {
  let h = '#' + path;
  if (query) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '' && v !== false) u.set(k, String(v));
    const s = u.toString();
    if (s) h += '?' + s;
  }
  if (location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = h;
}

/** Replace the query part of the hash without adding a history entry; re-renders.
 *  `forPath` is the page that asks: if the user has moved on meanwhile (a debounced search
 *  firing late), nothing happens. */
export function setQuery(query: Record<string, string | number | boolean | null | undefined>, forPath?: string): void {
  const { path } = parseHash();
  if (forPath !== undefined && path !== forPath) return;
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== null && v !== undefined && v !== '' && v !== false) u.set(k, String(v));
  const s = u.toString();
  history.replaceState(null, '', '#' + path + (s ? '?' + s : ''));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
