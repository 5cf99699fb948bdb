// JSON API client for /api/v1 (see docs/api.md). Adds X-CSRF-Token on every write.
export interface Problem {
  type?: string; title?: string; status?: number; detail?: string; field?: string;
  errors?: { field?: string; message?: string; line?: number; column?: string }[];
}

export class ApiError extends Error {
  constructor(public status: number, public problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
}

export interface ListResponse<T> { items: T[]; total: number; limit: number; offset: number }

export interface User {
  id: number; email: string; display_name: string; role: 'admin' | 'staff' | 'reviewer' | 'member';
  organization_id: number | null; created_at: string; disabled: boolean;
}

const BASE = '/api/v1';
let csrfToken = '';
let onUnauthorized: (() => void) | null = null;
/** Called when the server answers 401 to anything but /auth/*: the session has ended. */
export function setUnauthorizedHandler(fn: () => void): void { onUnauthorized = fn; }
export function setCsrf(tok: string): void { csrfToken = tok || ''; }

export type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(params?: Query): string {
  if (!params) return '';
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A body sent as is (a file to import), with its content type. */
export interface RawBody { raw: Blob | string; type: string }
const isRaw = (b: unknown): b is RawBody => !!b && typeof b === 'object' && 'raw' in b && 'type' in b;

async function request<T>(method: string, path: string, body?: unknown, params?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = isRaw(body) ? body.type : 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + path + qs(params), {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : isRaw(body) ? body.raw : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: 'network' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) { try { data = JSON.parse(text); } catch { data = undefined; } }
  if (res.status === 401 && !path.startsWith('/auth/') && onUnauthorized) onUnauthorized();
  if (!res.ok) {
    const p = (data && typeof data === 'object') ? data as Problem : { title: res.statusText, status: res.status };
    throw new ApiError(res.status, p);
  }
  return data as T;
}

/** A POST answered with a file (e.g. `?format=xlsx`): the file, or an ApiError from the problem. */
async function requestFile(path: string, body: unknown, params?: Query): Promise<Blob> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(BASE + path + qs(params), { method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { title: 'network' });
  }
  if (!res.ok) {
    let p: Problem = { title: res.statusText, status: res.status };
    try { p = await res.json() as Problem; } catch { /* not JSON */ }
    throw new ApiError(res.status, p);
  }
  return res.blob();
}

export const api = {
  get: <T>(path: string, params?: Query) => request<T>('GET', path, undefined, params),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: (path: string) => request<void>('DELETE', path),
  upload: <T>(path: string, raw: Blob | string, type: string, params?: Query) => request<T>('POST', path, { raw, type } as RawBody, params),
  postFile: (path: string, body: unknown, params?: Query) => requestFile(path, body, params),
};

/** Accept both `{items: [...]}` and a bare array. */
export function itemsOf<T>(r: unknown): T[] {
  if (Array.isArray(r)) return r as T[];
  if (r && typeof r === 'object' && Array.isArray((r as { items?: unknown }).items)) return (r as { items: T[] }).items;
  return [];
}
