// Technology exchange (issue 4): types of the /api/v1/exchange answers and the pure helpers the
// exchange pages share (no DOM here, so that tests/unit can run them in Node).

export type ListingKind = 'offer' | 'need';
export type ListingStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'expired' | 'withdrawn';

export const TRANSFER_MODES = ['licence', 'assignment', 'joint_development', 'consulting', 'equipment'] as const;
export const LISTING_STATUSES: ListingStatus[] = ['draft', 'submitted', 'returned', 'published', 'expired', 'withdrawn'];
export const DECLINE_REASONS = ['price', 'stage', 'fit', 'timing', 'other'] as const;
export const CONNECTION_STATUSES = ['requested', 'accepted', 'meeting', 'nda', 'contract', 'closed', 'declined', 'cancelled'] as const;
export const CONTRACT_FORMS = ['independent', 'investment_project', 'capital_contribution', 'franchise', 'ip_rights', 'equipment'] as const;

export interface Attachment { id: number; file_name: string; media_type: string; size_bytes: number; sha256?: string; created_at?: string }

export interface Listing {
  id: number; version: number; kind: ListingKind; status: ListingStatus; title: string; summary: string;
  description?: string | null; fields: string[]; ipc: string[]; keywords: string[]; transfer_modes: string[];
  ip_asset_ids?: number[]; trl?: number | null; trl_min?: number | null; price_vnd?: number | null; price_negotiable?: boolean;
  budget_min_vnd?: number | null; budget_max_vnd?: number | null; deadline?: string | null; accepted_result?: string | null;
  sector_vsic?: string | null; organization_id: number; organization_name: string; province_code?: string | null;
  contact_name?: string | null; contact_email?: string | null; contact_phone?: string | null; contacts_hidden?: boolean;
  source?: string | null; created_at?: string; updated_at?: string; submitted_at?: string | null; published_at?: string | null;
  expires_at?: string | null; withdrawn_at?: string | null; review_note?: string | null; reviewed_at?: string | null;
  attachments?: Attachment[]; introductions?: number;
}

export interface Reason { code: string; vi: string; en: string }
export interface MatchItem {
  id: number; kind?: ListingKind; title?: string; summary?: string; organization_id?: number; organization_name?: string | null;
  province_code?: string | null; score: number; text_score?: number; fit_score?: number; reasons: Reason[];
  full_name?: string; // experts
}
export interface Matches { listing: { id: number; kind: ListingKind; title: string }; offers?: MatchItem[]; needs?: MatchItem[]; experts?: MatchItem[] }

export interface Connection {
  id: number; listing_id: number; listing_title: string; listing_kind: ListingKind; status: string;
  requester_user_id: number; requester_organization_id?: number | null; requester_organization_name?: string | null;
  requester_name?: string | null; requester_email?: string | null; requester_listing_id?: number | null;
  owner_organization_id: number; owner_organization_name: string; message?: string | null;
  decline_reason?: string | null; decline_note?: string | null; contract_id?: number | null;
  contact_name?: string | null; contact_email?: string | null; contact_phone?: string | null; contacts_hidden?: boolean;
  created_at: string; updated_at: string;
}

export interface Notification {
  id: number; kind: string; subject_type: string; subject_id: string; title: string; body?: string | null;
  created_at: string; read_at?: string | null;
}

export interface MonthStat {
  month: string; offers_published: number; needs_published: number; introductions: number;
  introductions_accepted: number; contracts: number; contract_value_vnd: number;
}
export interface ExchangeStats {
  by_month: MonthStat[];
  by_field: { field: string; offers: number; needs: number }[];
  by_province: { province_code: string; offers: number; needs: number }[];
  totals: Omit<MonthStat, 'month'>;
}

/** The share link of a listing: the public URL of its detail page. */
export function shareUrl(origin: string, id: number): string {
  return `${origin.replace(/\/$/, '')}/#/exchange/${id}`;
}

/** A sum typed as "1.500.000.000", "1 500 000 000" or "1500000000" (dong). '' -> null, bad -> NaN. */
export function parseVnd(input: string): number | null {
  const s = input.trim().replace(/\s+/g, '').replace(/(đ|₫|vnd|đồng)$/i, '');
  if (!s) return null;
  if (/^\d+$/.test(s)) return Number(s);
  // Thousands separators only (dots in vi, commas in en), in groups of three.
  if (/^\d{1,3}([.,]\d{3})+$/.test(s) && !(s.includes('.') && s.includes(','))) return Number(s.replace(/[.,]/g, ''));
  return NaN;
}

/** "1,5 tỷ đ", "250 triệu đ" (vi) or "1.5 bn VND", "250 m VND" (en): short money for cards and charts. */
export function compactVnd(n: number | null | undefined, lang: 'vi' | 'en'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const nf = (v: number, d: number) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: d }).format(v);
  const a = Math.abs(n);
  if (a >= 1e9) return lang === 'vi' ? `${nf(n / 1e9, 2)} tỷ đ` : `${nf(n / 1e9, 2)} bn VND`;
  if (a >= 1e6) return lang === 'vi' ? `${nf(n / 1e6, 1)} triệu đ` : `${nf(n / 1e6, 1)} m VND`;
  return lang === 'vi' ? `${nf(n, 0)} đ` : `${nf(n, 0)} VND`;
}

/** The lifecycle actions the UI offers on a listing in `status` (the server decides in the end). */
export function listingActions(status: ListingStatus, who: { owner: boolean; reviewer: boolean }): string[] {
  const out: string[] = [];
  if (who.owner) {
    if (status === 'draft' || status === 'returned') out.push('submit');
    if (status === 'published' || status === 'expired') out.push('renew');
    if (status !== 'withdrawn') out.push('withdraw');
  }
  if (who.reviewer && status === 'submitted') out.push('publish', 'return');
  return out;
}

/** The next step of an introduction after acceptance (meeting -> nda -> contract -> close). */
export function nextStep(status: string): 'meeting' | 'nda' | 'contract' | 'close' | null {
  switch (status) {
    case 'accepted': return 'meeting';
    case 'meeting': return 'nda';
    case 'nda': return 'contract';
    case 'contract': return 'close';
    default: return null;
  }
}

/** What `who` may do with a connection: the listing's owner answers, either party moves it on,
 *  the requester cancels before the contract. */
export function connectionActions(c: Pick<Connection, 'status' | 'requester_user_id' | 'owner_organization_id'>,
  who: { userId: number; orgId: number | null; staff: boolean }): string[] {
  const owner = who.staff || (who.orgId !== null && who.orgId === c.owner_organization_id);
  const requester = who.userId === c.requester_user_id;
  const out: string[] = [];
  if (owner && c.status === 'requested') out.push('accept', 'decline');
  const next = nextStep(c.status);
  if (next && (owner || requester)) out.push(next);
  if ((requester || who.staff) && ['requested', 'accepted', 'meeting', 'nda'].includes(c.status)) out.push('cancel');
  return out;
}

/** The parties of the transfer a connection leads to: the offer's owner transfers to the requester;
 *  for a need, the requester transfers to the need's owner. */
export function contractParties(c: Pick<Connection, 'listing_kind' | 'owner_organization_id' | 'requester_organization_id'>):
  { transferor_organization_id: number | null; transferee_organization_id: number | null } {
  const owner = c.owner_organization_id, requester = c.requester_organization_id ?? null;
  return c.listing_kind === 'offer'
    ? { transferor_organization_id: owner, transferee_organization_id: requester }
    : { transferor_organization_id: requester, transferee_organization_id: owner };
}

/** Notification titles are "Vietnamese / English": the part for the UI language. */
export function bilingual(text: string, lang: 'vi' | 'en'): string {
  const i = text.lastIndexOf(' / ');
  if (i < 0) return text;
  return lang === 'vi' ? text.slice(0, i) : text.slice(i + 3);
}

/** Where a notification leads in the UI. */
export function notificationHref(n: Pick<Notification, 'subject_type' | 'subject_id'>): string {
  if (n.subject_type === 'listing' && /^\d+$/.test(n.subject_id)) return `#/exchange/${n.subject_id}`;
  if (n.subject_type === 'connection' && /^\d+$/.test(n.subject_id)) return `#/exchange/mine?tab=connections&connection=${n.subject_id}`;
  if (n.subject_type === 'ip_asset' && /^\d+$/.test(n.subject_id)) return `#/ip/${n.subject_id}`;
  if (n.subject_type === 'advisory_request' && /^\d+$/.test(n.subject_id)) return `#/ip/advice/${n.subject_id}`;
  return '#/notifications';
}

/** A reason of a match in the UI language. */
export function reasonText(r: Reason, lang: 'vi' | 'en'): string {
  return (lang === 'en' ? r.en : r.vi) || r.vi || r.en || r.code;
}

/** A score in [0, 1] as a whole percentage for the bar. */
export function scorePct(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.round(Math.max(0, Math.min(1, score)) * 100);
}

export type FormErrors = [field: string, key: string][];

/** The API body of a listing from the form's values (strings as typed, lists, flags), and the
 *  errors found before asking the server. Fields that belong to the other kind are left out. */
export function listingBody(kind: ListingKind, v: Record<string, string>, lists: Record<string, string[]>, negotiable: boolean):
  { body: Record<string, unknown>; errors: FormErrors } {
  const errors: FormErrors = [];
  const body: Record<string, unknown> = { kind };
  const text = (k: string) => (v[k] ?? '').trim();
  for (const k of ['title', 'summary']) {
    if (!text(k)) errors.push([k, 'err.required']);
    body[k] = text(k);
  }
  for (const k of ['description', 'contact_name', 'contact_email', 'contact_phone', 'province_code']) body[k] = text(k) || null;
  for (const k of ['fields', 'ipc', 'keywords', 'transfer_modes']) body[k] = lists[k] ?? [];
  const int = (k: string, lo: number, hi: number) => {
    const s = text(k);
    if (!s) { body[k] = null; return; }
    const n = Number(s);
    if (!Number.isInteger(n) || n < lo || n > hi) { errors.push([k, 'ex.err.trl']); return; }
    body[k] = n;
  };
  const money = (k: string) => {
    const n = parseVnd(text(k));
    if (n !== null && !Number.isFinite(n)) { errors.push([k, 'ex.err.money']); return; }
    body[k] = n;
  };
  if (kind === 'offer') {
    int('trl', 1, 9);
    money('price_vnd');
    body.price_negotiable = negotiable;
    if (negotiable && typeof body.price_vnd === 'number') errors.push(['price_negotiable', 'ex.err.priceBoth']);
  } else {
    int('trl_min', 1, 9);
    money('budget_min_vnd');
    money('budget_max_vnd');
    if (typeof body.budget_min_vnd === 'number' && typeof body.budget_max_vnd === 'number' && body.budget_min_vnd > body.budget_max_vnd) {
      errors.push(['budget_min_vnd', 'ex.err.budgetOrder']);
    }
    body.deadline = text('deadline') || null;
    body.accepted_result = text('accepted_result') || null;
    body.sector_vsic = text('sector_vsic') || null;
  }
  return { body, errors };
}

/** The changed fields of an edit, for PATCH (lists compared by value; '' and null are the same). */
export function listingPatch(before: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const norm = (x: unknown) => JSON.stringify(x === '' || x === undefined ? null : x);
  for (const [k, val] of Object.entries(body)) {
    if (k === 'kind') continue;
    const old = before[k] ?? (Array.isArray(val) ? [] : k === 'price_negotiable' ? false : null);
    if (norm(val) !== norm(old)) patch[k] = val;
  }
  return patch;
}

/** Every month from the first to the last of the series (months without activity as zeros). */
export function fillMonths(rows: MonthStat[]): MonthStat[] {
  if (!rows.length) return [];
  const sorted = [...rows].sort((a, b) => a.month.localeCompare(b.month));
  const by = new Map(sorted.map((r) => [r.month, r]));
  const [y0, m0] = sorted[0].month.split('-').map(Number);
  const [y1, m1] = sorted[sorted.length - 1].month.split('-').map(Number);
  const out: MonthStat[] = [];
  for (let y = y0, m = m0; y < y1 || (y === y1 && m <= m1); m === 12 ? (y++, m = 1) : m++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(by.get(key) ?? { month: key, offers_published: 0, needs_published: 0, introductions: 0, introductions_accepted: 0, contracts: 0, contract_value_vnd: 0 });
    if (out.length > 600) break;
  }
  return out;
}

/** "2026-11" -> "11/2026". */
export function monthLabel(m: string): string {
  const r = /^(\d{4})-(\d{2})$/.exec(m);
  return r ? `${r[2]}/${r[1]}` : m;
}

/** The catalogue's hash for a filter state (only what is set). */
export function catalogueHref(st: Record<string, string | number | null | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(st)) if (v !== null && v !== undefined && v !== '' && v !== 0) u.set(k, String(v));
  const s = u.toString();
  return '#/exchange' + (s ? '?' + s : '');
}
