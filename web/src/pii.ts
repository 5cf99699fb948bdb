// Provincial Innovation Index (issue 6): the pure helpers of the compute flow and the province
// profile (no DOM here, so that tests/unit can run them in Node): merging the values stio holds
// with imported ones, the median and best of a node over the ranked provinces, and keeping the
// last computation for the profile pages.

/** A raw value row as POST /index/compute takes it. */
export interface ValueRow { unit: string; indicator: string; year: number; value: number; source?: string; line?: number }

export type Origin = 'stio' | 'import';

/** One (unit, indicator, year) cell of the merge: what stio holds, what was imported, and which is used. */
export interface MergeItem {
  key: string; unit: string; indicator: string; year: number;
  stio: ValueRow | null; imported: ValueRow | null;
  /** The value sent to the computation. */
  used: Origin;
}

export interface Merge {
  items: MergeItem[];
  rows: ValueRow[];
  counts: { stio: number; imported: number; both: number };
}

export const cellKey = (r: { unit: string; indicator: string; year: number }) => `${r.unit}|${r.indicator}|${r.year}`;

/** An imported file names the same cell twice (lines `a` and `b`, 1-based). */
export class DuplicateImport extends Error {
  constructor(public row: ValueRow, public a: number, public b: number) { super(`duplicate ${cellKey(row)}`); }
}

/**
 * Merges stio's rows with imported rows. A cell in both is a conflict: stio's value is used unless
 * `choices` says 'import' for its key. Imported rows without a source get `importSource`.
 * Nothing is dropped: every cell of either list is an item, in stio's order then the file's.
 */
export function mergeValues(stio: ValueRow[], imported: ValueRow[], choices: Map<string, Origin>, importSource: string): Merge {
  const items = new Map<string, MergeItem>();
  for (const r of stio) {
    const key = cellKey(r);
    items.set(key, { key, unit: r.unit, indicator: r.indicator, year: r.year, stio: r, imported: null, used: 'stio' });
  }
  const seen = new Map<string, number>();
  imported.forEach((r0, i) => {
    const r = { ...r0, source: r0.source?.trim() ? r0.source : importSource };
    const key = cellKey(r);
    const line = r0.line ?? i + 1;
    if (seen.has(key)) throw new DuplicateImport(r, seen.get(key)!, line);
    seen.set(key, line);
    const it = items.get(key);
    if (it) {
      it.imported = r;
      it.used = choices.get(key) === 'import' ? 'import' : 'stio';
    } else {
      items.set(key, { key, unit: r.unit, indicator: r.indicator, year: r.year, stio: null, imported: r, used: 'import' });
    }
  });
  const list = [...items.values()];
  const rows = list.map((it) => {
    const r = (it.used === 'stio' ? it.stio : it.imported)!;
    return { unit: r.unit, indicator: r.indicator, year: r.year, value: r.value, source: r.source ?? '' };
  });
  return {
    items: list, rows,
    counts: {
      stio: list.filter((i) => i.stio).length,
      imported: list.filter((i) => i.imported).length,
      both: list.filter((i) => i.stio && i.imported).length,
    },
  };
}

/** Median and best (highest) of a node's score over the units that have one. */
export function medianAndBest(scores: (number | null | undefined)[]): { median: number | null; best: number | null } {
  const v = scores.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return { median: null, best: null };
  const m = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return { median: m, best: v[v.length - 1] };
}

/** A pillar's name in the UI language: the framework writes "English (Tiếng Việt)". */
export function pillarLabel(name: string, lang: string): string {
  const m = /^(.*?)\s*\(([^()]+)\)\s*$/.exec(name);
  if (!m) return name;
  return lang === 'vi' ? m[2] : m[1];
}

/** Depth-first order of a framework tree (children in file order): position and depth per code. */
export function treeOrder(root: string, tree: { code: string; parent: string | null }[]): Map<string, { pos: number; depth: number }> {
  const kids = new Map<string, string[]>();
  for (const n of tree) if (n.parent) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n.code]);
  const out = new Map<string, { pos: number; depth: number }>();
  const visit = (code: string, depth: number) => {
    out.set(code, { pos: out.size, depth });
    for (const k of kids.get(code) ?? []) visit(k, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** The last computation of this browser tab, for the province profiles. */
export interface SavedComputation {
  year: number; values: ValueRow[]; counts: { stio: number; imported: number }; at: string;
}
const KEY = 'stio.pii.computed';

export function saveComputation(c: SavedComputation): void {
  try { sessionStorage.setItem(KEY, JSON.stringify(c)); } catch { /* storage full or disabled: profiles then offer to compute */ }
}

export function loadComputation(): SavedComputation | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const c = JSON.parse(raw) as SavedComputation;
    return c && Array.isArray(c.values) && typeof c.year === 'number' ? c : null;
  } catch { return null; }
}

export function clearComputation(): void {
  try { sessionStorage.removeItem(KEY); } catch { /* nothing kept */ }
}
