// Intellectual property (issue 7): types of the /api/v1/ip answers and the pure helpers the IP
// pages share (no DOM here, so that tests/unit can run them in Node).

export const IP_KINDS = [
  'patent', 'utility_solution', 'industrial_design', 'trademark', 'collective_mark', 'certification_mark',
  'geographical_indication', 'plant_variety', 'layout_design',
] as const;
export type IpKind = (typeof IP_KINDS)[number];

/** Statuses as recorded on the asset (the filter of the portfolio). */
export const RECORDED_STATUSES = ['filed', 'published', 'examination_requested', 'granted', 'refused', 'withdrawn', 'lapsed', 'expired', 'invalidated'] as const;
/** Statuses of the computed schedule. */
export const SCHEDULE_STATUSES = ['application', 'in_force', 'due', 'grace', 'lapsed', 'expired', 'refused', 'withdrawn', 'invalidated'] as const;
export const EVENT_TYPES = ['filing', 'examination_notice', 'grant', 'fee_payment', 'renewal', 'assignment', 'licence', 'lapse', 'invalidation'] as const;
/** Kinds shown on the map of the province's signs of origin. */
export const ORIGIN_KINDS: IpKind[] = ['geographical_indication', 'collective_mark', 'certification_mark'];

export interface IpDeadline {
  type: string; number?: number; window_opens: string; due: string; grace_ends?: string | null;
  surcharge_percent_per_month?: number; owner_action?: boolean; source?: string;
}
export interface IpSchedule {
  status: string; term_ends?: string | null; at_risk?: boolean; free_to_use?: boolean;
  surcharge_percent_now?: number | null; deadlines?: IpDeadline[]; error?: string;
}
export interface IpEvent {
  id: number; asset_id: number; type: string; date: string; note?: string | null; document_ref?: string | null;
  paid_up_to?: number | null; created_at?: string;
}
export interface IpAsset {
  id: number; version: number; kind: IpKind; title: string; application_number: string; grant_number?: string | null;
  filing_date: string; priority_date?: string | null; publication_date?: string | null; grant_date?: string | null;
  owner_organization_id?: number | null; owner_person_id?: number | null; owner_name?: string | null;
  inventors: (number | string)[]; classes: string[]; status: string; province_code?: string | null;
  key_product?: string | null; ocop_product?: string | null; published: boolean; paid_up_to: number; renewals_done: number;
  note?: string | null; created_at?: string; updated_at?: string;
  schedule?: IpSchedule | null; events?: IpEvent[];
  /** The free-to-use finder, filtered by a province's priorities: which it matched and by what. */
  priorities?: { id: number; name: string; kind: string; by: string[] }[];
}
export interface CalendarItem extends IpDeadline {
  asset: { id: number; kind: IpKind; title: string; application_number: string; grant_number?: string | null; owner_organization_id?: number | null };
  asset_status: string; at_risk: boolean; days_left: number;
}
export interface Calendar { from: string; to: string; today: string; at_risk_days?: number; assets_at_risk: number; items: CalendarItem[] }
export interface StatItem {
  kind: IpKind; province_code: string | null; province_name?: string; year: number; applications: number; grants: number;
  population: number | null; applications_per_10k: number | null; grants_per_10k: number | null;
}

export type ClassScheme = 'ipc' | 'nice' | 'locarno' | 'none';

/** The classification a kind of right uses (as the server's rules say). */
export function classScheme(kind: string): ClassScheme {
  if (kind === 'patent' || kind === 'utility_solution') return 'ipc';
  if (kind === 'industrial_design') return 'locarno';
  if (kind === 'trademark' || kind === 'collective_mark' || kind === 'certification_mark') return 'nice';
  return 'none';
}

/** How the right is kept alive: yearly fees, renewals, or nothing. */
export function maintenanceOf(kind: string): 'annuity' | 'renewal' | 'none' {
  if (kind === 'patent' || kind === 'utility_solution' || kind === 'plant_variety') return 'annuity';
  if (kind === 'industrial_design' || kind === 'trademark' || kind === 'collective_mark' || kind === 'certification_mark') return 'renewal';
  return 'none';
}

/** "A01B 1/00; C02F, 30" -> ["A01B 1/00", "C02F", "30"]. */
export function splitList(s: string): string[] {
  return s.split(/[,;\n]/).map((x) => x.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

/** Client check of one class code (the server normalises and decides): IPC "A01B" or "A01B 1/00",
 *  Nice 1-45, Locarno "NN-NN" with classes 01-32. */
export function classValid(scheme: ClassScheme, code: string): boolean {
  const c = code.trim().toUpperCase();
  if (scheme === 'ipc') return /^[A-H]\d{2}[A-Z](\s*\d{1,4}\/\d{2,6})?$/.test(c);
  if (scheme === 'nice') return /^\d{1,2}$/.test(c) && Number(c) >= 1 && Number(c) <= 45;
  if (scheme === 'locarno') {
    const m = /^(\d{1,2})-(\d{2})$/.exec(c);
    return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 32;
  }
  return false;
}

/** Inventors typed one per comma: a name, or "#12" for a person of the registry. */
export function parseInventors(s: string): (number | string)[] {
  return splitList(s).map((x) => (/^#\d+$/.test(x) ? Number(x.slice(1)) : x));
}
export function inventorsText(xs: (number | string)[] | null | undefined): string {
  return (xs ?? []).map((x) => (typeof x === 'number' ? `#${x}` : x)).join(', ');
}

/** Whole days from `from` to `to` (ISO dates, calendar days, no time zones). */
export function daysBetween(from: string, to: string): number {
  const d = (x: string) => Date.UTC(Number(x.slice(0, 4)), Number(x.slice(5, 7)) - 1, Number(x.slice(8, 10)));
  return Math.round((d(to) - d(from)) / 86400000);
}

/** "Today" as the server counts it: the civil date in Vietnam (UTC+7 all year, no daylight saving),
 *  whatever the browser's time zone, so that schedules, days left and the check of future dates
 *  agree with the server. */
export function todayIso(now: Date = new Date()): string {
  return new Date(now.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

/** ISO date plus whole months, clamped to the month's end (2024-08-31 + 6 = 2025-02-28), as the server does. */
export function addMonths(iso: string, months: number): string {
  let y = Number(iso.slice(0, 4)), m = Number(iso.slice(5, 7)) - 1 + months;
  y += Math.floor(m / 12);
  m = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = Math.min(Number(iso.slice(8, 10)), last);
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The deadline the owner should act on next: the earliest owner action, else the earliest step. */
export function nextDeadline(s: IpSchedule | null | undefined): IpDeadline | null {
  const ds = [...(s?.deadlines ?? [])].sort((a, b) => a.due.localeCompare(b.due));
  return ds.find((d) => d.owner_action !== false) ?? ds[0] ?? null;
}

/** Surcharge of a payment made on `day` after its due date: each started month late costs
 *  `perMonth` percent (same rule as the server); 0 before the due date. */
export function surchargeOn(d: Pick<IpDeadline, 'due' | 'surcharge_percent_per_month'>, day: string): number {
  if (day <= d.due || !d.surcharge_percent_per_month) return 0;
  let late = 1;
  while (addMonths(d.due, late) < day && late < 1200) late++;
  return late * d.surcharge_percent_per_month;
}

export interface TimelineEntry {
  date: string; type: string; number?: number; past: boolean;
  window_opens?: string; grace_ends?: string | null; surcharge_percent_per_month?: number; owner_action?: boolean; source?: string;
}

/** The asset's life on one line: the dates that happened (priority, filing, publication, grant) and
 *  the deadlines ahead from the schedule (publication, examination request, annuity or renewal,
 *  term end), earliest first. */
export function timeline(a: Pick<IpAsset, 'filing_date' | 'priority_date' | 'publication_date' | 'grant_date'>, s: IpSchedule | null | undefined, today: string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const past = (date: string | null | undefined, type: string) => { if (date) out.push({ date, type, past: date <= today }); };
  if (a.priority_date && a.priority_date !== a.filing_date) past(a.priority_date, 'priority');
  past(a.filing_date, 'filing');
  past(a.publication_date, 'publication_done');
  past(a.grant_date, 'grant');
  let hasExpiry = false;
  for (const d of s?.deadlines ?? []) {
    if (d.type === 'expiry') hasExpiry = true;
    out.push({
      date: d.due, type: d.type, number: d.number, past: d.due < today, window_opens: d.window_opens, grace_ends: d.grace_ends ?? null,
      surcharge_percent_per_month: d.surcharge_percent_per_month, owner_action: d.owner_action, source: d.source,
    });
  }
  if (s?.term_ends && !hasExpiry) out.push({ date: s.term_ends, type: 'term_end', past: s.term_ends <= today });
  const order = (e: TimelineEntry) => (e.past && !e.window_opens ? 0 : 1);
  return out.sort((x, y) => x.date.localeCompare(y.date) || order(x) - order(y));
}

/** "2026-11-22" -> "2026-11". */
export function monthOf(iso: string): string { return iso.slice(0, 7); }

/** Calendar items by the month of their due date, months in order; the items keep their order. */
export function groupByMonth<T extends { due: string }>(items: T[]): [string, T[]][] {
  const by = new Map<string, T[]>();
  for (const it of [...items].sort((a, b) => a.due.localeCompare(b.due))) {
    const k = monthOf(it.due);
    if (!by.has(k)) by.set(k, []);
    by.get(k)!.push(it);
  }
  return [...by.entries()];
}

/** First and last day of `months` months from the month of `ym` ("2026-11"). */
export function monthRange(ym: string, months: number): { from: string; to: string } {
  const from = `${ym}-01`;
  const to = addMonths(from, months);
  return { from, to: addDaysIso(to, -1) };
}
export function addDaysIso(iso: string, days: number): string {
  const d = new Date(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) + days * 86400000);
  return d.toISOString().slice(0, 10);
}
export function validMonth(s: string | null | undefined): boolean {
  return !!s && /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}

export type FormErrors = [field: string, key: string][];

/** The API body of an asset from the form's values (strings as typed, dates already ISO or ''),
 *  and the errors found before asking the server. Fields the kind does not use are left out. */
export function assetBody(v: Record<string, string>): { body: Record<string, unknown>; errors: FormErrors } {
  const errors: FormErrors = [];
  const body: Record<string, unknown> = {};
  const text = (k: string) => (v[k] ?? '').trim();
  const kind = text('kind');
  body.kind = kind;
  for (const k of ['kind', 'title', 'application_number', 'filing_date']) if (!text(k)) errors.push([k, 'err.required']);
  for (const k of ['title', 'application_number', 'filing_date']) body[k] = text(k);
  for (const k of ['grant_number', 'priority_date', 'publication_date', 'grant_date', 'status', 'province_code', 'key_product', 'ocop_product', 'note', 'owner_name']) {
    body[k] = text(k) || null;
  }
  const scheme = classScheme(kind);
  const classes = scheme === 'none' ? [] : splitList(text('classes'));
  const bad = classes.find((c) => !classValid(scheme, c));
  if (bad) errors.push(['classes', 'ip.err.class.' + scheme]);
  body.classes = classes;
  body.inventors = parseInventors(text('inventors'));
  if (text('owner_organization_id')) body.owner_organization_id = Number(text('owner_organization_id'));
  const pub = text('published');
  if (pub === 'true' || pub === 'false') body.published = pub === 'true';
  const int = (k: string, hi: number) => {
    const s = text(k);
    if (!s) return;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0 || n > hi) { errors.push([k, 'ip.err.int']); return; }
    body[k] = n;
  };
  const m = maintenanceOf(kind);
  if (m === 'annuity') int('paid_up_to', 100);
  if (m === 'renewal') int('renewals_done', 50);
  const f = text('filing_date');
  if (f) {
    if (text('grant_date') && text('grant_date') < f) errors.push(['grant_date', 'ip.err.beforeFiling']);
    if (text('publication_date') && text('publication_date') < f) errors.push(['publication_date', 'ip.err.beforeFiling']);
    if (text('priority_date') && text('priority_date') > f) errors.push(['priority_date', 'ip.err.priorityAfter']);
  }
  if (text('status') === 'granted' && !text('grant_date')) errors.push(['grant_date', 'ip.err.grantDate']);
  return { body, errors };
}

/** The body of a new asset: empty values left out (the server fills its defaults). */
export function createBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(body)) if (val !== null && val !== '' && !(Array.isArray(val) && !val.length)) out[k] = val;
  return out;
}

/** The changed fields of an edit, for PATCH ('' and null are the same; lists compared by value). */
export function assetPatch(before: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const norm = (x: unknown) => JSON.stringify(x === '' || x === undefined ? null : x);
  for (const [k, val] of Object.entries(body)) {
    if (k === 'kind' && val === before.kind) continue;
    if (k === 'published' && val === undefined) continue;
    const old = before[k] ?? (Array.isArray(val) ? [] : null);
    if (norm(val) !== norm(old)) patch[k] = val;
  }
  return patch;
}

export interface YearRow { year: number; applications: number; grants: number }

/** Applications and grants per year over all kinds and provinces, every year from the first to the
 *  last present (or the bounds given) with zeros. */
export function byYear(items: StatItem[], from?: number | null, to?: number | null): YearRow[] {
  const by = new Map<number, YearRow>();
  for (const it of items) {
    const r = by.get(it.year) ?? { year: it.year, applications: 0, grants: 0 };
    r.applications += it.applications; r.grants += it.grants;
    by.set(it.year, r);
  }
  const years = [...by.keys()];
  if (!years.length && !(from && to)) return [];
  const lo = from ?? Math.min(...years), hi = to ?? Math.max(...years);
  const out: YearRow[] = [];
  for (let y = lo; y <= hi && out.length < 300; y++) out.push(by.get(y) ?? { year: y, applications: 0, grants: 0 });
  return out;
}

/** Totals per kind (kinds in the order of IP_KINDS; kinds without any count left out). */
export function byKind(items: StatItem[]): { kind: IpKind; applications: number; grants: number }[] {
  const by = new Map<string, { applications: number; grants: number }>();
  for (const it of items) {
    const r = by.get(it.kind) ?? { applications: 0, grants: 0 };
    r.applications += it.applications; r.grants += it.grants;
    by.set(it.kind, r);
  }
  return IP_KINDS.filter((k) => by.has(k)).map((k) => ({ kind: k, ...by.get(k)! }));
}

/** Digits worth showing for a rate: 2 from 1 up, else enough for two significant digits
 *  (0.00043 -> 5). */
export function rateDigits(v: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a) || a === 0 || a >= 1) return 2;
  return Math.min(8, Math.max(2, Math.ceil(-Math.log10(a)) + 1));
}

/** A count per 10,000 inhabitants (null without a population). */
export function per10k(count: number, population: number | null | undefined): number | null {
  return population && population > 0 ? (count * 10000) / population : null;
}

/** The listing a 409 "already listed (listing 12)" names. */
export function listingIdFromConflict(detail: string | null | undefined): number | null {
  const m = /listing (\d+)/.exec(detail ?? '');
  return m ? Number(m[1]) : null;
}

/** Why a free-to-use patent is free: its term ended, or a fee was not paid. */
export function freeReason(s: IpSchedule | null | undefined): 'expired' | 'lapsed' | null {
  if (!s?.free_to_use) return null;
  return s.status === 'lapsed' ? 'lapsed' : 'expired';
}

/** An IP deadline reminder's title "Còn 30 ngày: Nộp phí … — Tên (số) / 30 days left" in the UI
 *  language; in English the asset part of the Vietnamese text is kept ("30 days left — Tên (số)"). */
export function ipReminderTitle(title: string, lang: 'vi' | 'en'): string {
  const i = title.lastIndexOf(' / ');
  if (i < 0) return title;
  const viPart = title.slice(0, i), enPart = title.slice(i + 3);
  if (lang === 'vi') return viPart;
  const j = viPart.indexOf(' — ');
  return j < 0 ? enPart : `${enPart} — ${viPart.slice(j + 3)}`;
}
