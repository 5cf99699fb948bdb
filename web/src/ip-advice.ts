// IP advice (issue 7): types of the /api/v1/ip/articles, /ip/advice, /ip/self-assessment and
// /ip/rules answers, and the pure helpers their pages share (no DOM here, so that tests/unit can run
// them in Node).

export interface Article {
  id: number; version: number; title: string; summary: string; body?: string; tags: string[]; kinds: string[];
  published: boolean; created_by?: string; created_at: string; updated_at: string;
}

export const ADVICE_STATUSES = ['open', 'answered', 'closed'] as const;
export interface AdviceMessage { id: number; author_email: string; from_staff: boolean; body: string; created_at: string }
export interface AdviceRequest {
  id: number; version: number; organization_id: number; organization_name?: string; requester_user_id?: number | null;
  subject: string; topic: string; asset_ids: number[]; status: 'open' | 'answered' | 'closed'; outcome?: string | null;
  created_at: string; updated_at: string; messages?: AdviceMessage[];
}

export interface Question { id: string; type: 'yes_no' | 'text'; vi: string; en: string }
export interface Recommendation { kind: string; priority: 'high' | 'medium' | 'low'; vi: string; en: string; basis: string }
export interface ReportDeadline {
  asset: { id: number; kind: string; title: string; application_number: string; grant_number?: string | null };
  type: string; number?: number; due: string; days_left: number; at_risk: boolean;
}
export interface Report {
  id: number; organization_id: number; owned: { kind: string; status: string; count: number }[];
  recommendations: Recommendation[]; deadlines: ReportDeadline[]; deadlines_total?: number; deadlines_error?: string;
  questions_answered: number;
  created_at?: string; answers?: Record<string, boolean | string>;
}

export interface Setting { value: number | number[]; default: number | number[]; min: number; max: number; max_items?: number }

/** A user-written text as paragraphs and their lines: blank lines part paragraphs, single line
 *  breaks stay breaks (rendered as text nodes and <br>, never as HTML). */
export function paragraphs(body: string | null | undefined): string[][] {
  const text = (body ?? '').replace(/\r\n?/g, '\n').trim();
  if (!text) return [];
  return text.split(/\n[ \t]*\n+/).map((p) => p.split('\n').map((l) => l.trimEnd())).filter((p) => p.some((l) => l.trim()));
}

/** "60, 30, 7" (also "60;30 7") -> the lead times, largest first, duplicates dropped; or the
 *  problem with the text: 'empty', 'number' (not whole numbers), 'range' (outside lo..hi),
 *  'count' (more than max). */
export function parseDays(s: string, lo = 1, hi = 365, max = 5): { days: number[] } | { error: 'empty' | 'number' | 'range' | 'count' } {
  const parts = s.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean);
  if (!parts.length) return { error: 'empty' };
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return { error: 'number' };
    const n = Number(p);
    if (n < lo || n > hi) return { error: 'range' };
    if (!out.includes(n)) out.push(n);
  }
  if (out.length > max) return { error: 'count' };
  return { days: out.sort((a, b) => b - a) };
}

/** Tags typed with commas or semicolons: trimmed, empty ones and repeats dropped. */
export function splitTags(s: string): string[] {
  const out: string[] = [];
  for (const x of s.split(/[,;\n]/)) {
    const v = x.trim().replace(/\s+/g, ' ');
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Pick the text of a bilingual item in the UI language (the other when one is missing). */
export function bilingual(x: { vi?: string | null; en?: string | null }, lang: 'vi' | 'en'): string {
  return (lang === 'en' ? x.en || x.vi : x.vi || x.en) ?? '';
}

/** The assets owned, summed by kind (live and ended counts), kinds in first-seen order. */
export function ownedByKind(owned: Report['owned']): { kind: string; total: number; statuses: { status: string; count: number }[] }[] {
  const by = new Map<string, { kind: string; total: number; statuses: { status: string; count: number }[] }>();
  for (const o of owned) {
    const r = by.get(o.kind) ?? { kind: o.kind, total: 0, statuses: [] };
    r.total += o.count;
    r.statuses.push({ status: o.status, count: o.count });
    by.set(o.kind, r);
  }
  return [...by.values()];
}

const PRIORITY: Record<string, number> = { high: 0, medium: 1, low: 2 };
/** Recommendations, most urgent first (stable within a priority). */
export function byPriority(recs: Recommendation[]): Recommendation[] {
  return recs.map((r, i) => [r, i] as const).sort((a, b) => (PRIORITY[a[0].priority] ?? 3) - (PRIORITY[b[0].priority] ?? 3) || a[1] - b[1]).map(([r]) => r);
}

/** The general part of the rules document: every key but the kinds. */
export interface RulesDoc {
  kinds: RuleKind[]; note?: string; payment_window_months?: number; grace_months?: number; surcharge_percent_per_month?: number;
  payment_source?: string; [k: string]: unknown;
}
export interface RuleKind {
  kind: string; name_vi?: string; name_en?: string; maintenance?: string; classes?: string; free_to_use_when_ended?: boolean;
  term?: { years?: number; from?: string; indefinite?: boolean; source?: string; years_trees_and_vines?: number };
  annuity?: { years_from?: string; first_years_paid?: number; source?: string };
  renewal?: { count?: number; years?: number; source?: string };
  publication?: { month?: number; from?: string; source?: string };
  examination_request?: { months?: number; from?: string; source?: string; changes?: { filed_from?: string; months?: number; source?: string }[] };
  opposition?: { months?: number; from?: string; filed_from?: string; source?: string };
  [k: string]: unknown;
}

/** Every legal source a kind's rule cites, in the order of the rule's parts, without repeats. */
export function ruleSources(k: RuleKind): string[] {
  const out: string[] = [];
  const add = (s: unknown) => { if (typeof s === 'string' && s && !out.includes(s)) out.push(s); };
  for (const part of [k.term, k.annuity, k.renewal, k.publication, k.examination_request, k.opposition]) {
    if (!part) continue;
    add(part.source);
    for (const c of (part as { changes?: { source?: string }[] }).changes ?? []) add(c.source);
  }
  return out;
}

/** The server's message "IP asset 12 (1-2020-00001) would have no schedule ..." names an asset. */
export function assetIdFromRulesError(detail: string | null | undefined): number | null {
  const m = /IP asset (\d+)/.exec(detail ?? '');
  return m ? Number(m[1]) : null;
}
