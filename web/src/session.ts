import { api, ApiError, setCsrf, setUnauthorizedHandler, type User } from './api';

let me: User | null = null;
const listeners: (() => void)[] = [];

export function currentUser(): User | null { return me; }
export function onSessionChange(fn: () => void): void { listeners.push(fn); }
function emit(): void { for (const fn of listeners) fn(); }

// A 401 on a normal request means the session expired or was revoked: show the signed-out header.
setUnauthorizedHandler(() => {
  if (me) { me = null; setCsrf(''); emit(); }
});

export async function loadSession(): Promise<void> {
  try {
    const r = await api.get<{ user: User; csrf_token: string }>('/auth/me');
    me = r.user; setCsrf(r.csrf_token);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    me = null; setCsrf('');
  }
}

export async function login(email: string, password: string): Promise<User> {
  const r = await api.post<{ user: User; csrf_token: string }>('/auth/login', { email, password });
  me = r.user; setCsrf(r.csrf_token);
  emit();
  return r.user;
}

export async function logout(): Promise<void> {
  try { await api.post('/auth/logout'); } catch { /* already gone */ }
  me = null; setCsrf('');
  emit();
}

/** UI hints only: the server enforces permissions. */
export const can = {
  staff: () => !!me && (me.role === 'admin' || me.role === 'staff'),
  admin: () => !!me && me.role === 'admin',
  editOrg: (orgId: number) => can.staff() || (!!me && me.role === 'member' && me.organization_id === orgId),
  createPerson: () => can.staff() || (!!me && me.role === 'member' && me.organization_id !== null),
  editPerson: (orgId: number | null | undefined) =>
    can.staff() || (!!me && me.role === 'member' && orgId != null && me.organization_id === orgId),
};
