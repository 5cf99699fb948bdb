// Compute the PII from stio's own values plus an import (issue 6), at /pii/compute:
// 1. GET /index/inputs?framework=PII&year=Y: what stio holds (with sources) and what is missing;
// 2. a CSV of the other indicators (parsed by parseValuesCsv, as in the what-if panel);
// 3. the merge, cell by cell: where each value comes from; a cell both hold is a conflict the
//    user settles (stio's value by default), and the choice is shown;
// 4. POST /index/compute: scores and ranks with the notes (missing, imputed, outliers, left out),
//    CSV/XLSX downloads (format=csv|xlsx), and the computation kept for the province profiles.
// All text goes in via text nodes (dom.ts); no innerHTML.
import { h, replace } from '../dom';
import { t, getLang, type DictKey } from '../i18n';
import { api } from '../api';
import { fmtNum } from '../format';
import type { RouteCtx } from '../router';
import { badge, errorText, loading, pageHeader, table, type Column } from '../ui';
import { DuplicateImport, mergeValues, saveComputation, type Merge, type MergeItem, type Origin, type ValueRow } from '../pii';
import { parseValuesCsv } from './pii';

interface Inputs {
  framework: string; year: number; mapped: Record<string, string>; to_import: string[];
  values: ValueRow[]; missing: { unit: string; indicator: string }[];
}
interface TreeNode { code: string; name: string; is_indicator: boolean; level: string }
interface UnitResult {
  unit: string; included: boolean; scores: Record<string, number | null>; ranks: Record<string, number | null>;
}
export interface ComputeResult {
  edition: number; root: string; units: UnitResult[]; dropped_indicators: string[];
  notes: { kind: string; unit: string; indicator: string; before: number | null; after: number | null; detail: string }[];
}

const fmt2 = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmtNum(v, 2));
const err = (msg: string) => h('p', { class: 'error', role: 'alert' }, msg);

function kindLabel(kind: string): string {
  const key = `piic.kind.${kind}` as DictKey;
  const s = t(key);
  return s === key ? kind : s;
}

function saveBlob(blob: Blob, name: string): void {
  const a = h('a', { href: URL.createObjectURL(blob), download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export function piiComputePage(_ctx: RouteCtx): Node {
  const names = new Map<string, string>();        // indicator / denominator code -> name
  const provinces = new Map<string, string>();    // 2025 code -> name
  api.get<{ tree: TreeNode[]; denominators: { code: string; name: string }[] }>('/index/frameworks/PII').then((fw) => {
    for (const n of fw.tree) names.set(n.code, n.name);
    for (const d of fw.denominators) names.set(d.code, d.name);
  }).catch(() => { /* names are a convenience: codes still work */ });
  api.get<{ provinces_2025: { code: string; name: string }[] }>('/index/published').then((p) => {
    for (const x of p.provinces_2025) provinces.set(x.code, x.name);
  }).catch(() => { /* codes still work */ });
  const named = (code: string) => (names.has(code) ? `${code} — ${names.get(code)}` : code);
  const province = (code: string) => (provinces.has(code) ? `${provinces.get(code)} (${code})` : code);

  let inputs: Inputs | null = null;
  let merge: Merge | null = null;
  const choices = new Map<string, Origin>();

  // ---- step 1: what stio holds
  const thisYear = new Date().getFullYear();
  const year = h('select', { id: 'piic-year', 'aria-label': t('piic.year') },
    Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => h('option', { value: String(y), selected: y === thisYear - 1 }, String(y))));
  const loadBtn = h('button', { type: 'button', class: 'btn', id: 'piic-load' }, t('piic.load'));
  const stioOut = h('div', { id: 'piic-stio', 'aria-live': 'polite' });
  loadBtn.addEventListener('click', () => {
    stioOut.replaceChildren(loading());
    loadBtn.disabled = true;
    api.get<Inputs>('/index/inputs', { framework: 'PII', year: year.value }).then((r) => {
      inputs = r;
      merge = null;
      mergeOut.replaceChildren();
      resultOut.replaceChildren();
      const byCode = new Map<string, Set<string>>();
      for (const v of r.values) {
        if (!byCode.has(v.indicator)) byCode.set(v.indicator, new Set());
        byCode.get(v.indicator)!.add(v.unit);
      }
      const mapped = Object.entries(r.mapped);
      const cols: Column<[string, string]>[] = [
        { label: t('piic.colIndicator'), primary: true, cell: ([code]) => named(code) },
        { label: t('piic.colFrom'), cell: ([, src]) => (src === 'reference:population' ? t('piic.population') : h('a', { href: '#/indicators/' + encodeURIComponent(src) }, src)) },
        { label: t('piic.colProvinces'), className: 'num', cell: ([code]) => `${byCode.get(code)?.size ?? 0}/34` },
      ];
      replace(stioOut,
        h('p', { id: 'piic-stio-summary' }, t('piic.stioSummary', { n: r.values.length, k: mapped.length, m: r.missing.length, year: r.year })),
        table(mapped, cols, { caption: t('piic.step1'), rowKey: ([code]) => code }),
        h('p', { id: 'piic-toimport' }, t('piic.toImport', { n: r.to_import.length }), ' ', r.to_import.map(named).join('; ')));
    }).catch((e) => stioOut.replaceChildren(err(errorText(e))))
      .finally(() => { loadBtn.disabled = false; });
  });

  // ---- step 2: the import
  const csv = h('textarea', { id: 'piic-csv', rows: 8, class: 'mono', spellcheck: 'false', 'aria-describedby': 'piic-csv-hint' });
  const file = h('input', { type: 'file', id: 'piic-file', accept: '.csv,text/csv' });
  file.addEventListener('change', async () => { const f = file.files?.[0]; if (f) csv.value = await f.text(); });

  // ---- step 3: the merge
  const mergeBtn = h('button', { type: 'button', class: 'btn', id: 'piic-merge' }, t('piic.merge'));
  const mergeOut = h('div', { id: 'piic-merge-out', 'aria-live': 'polite' });
  const origin = (it: MergeItem) => {
    if (it.stio && it.imported) return t(it.used === 'stio' ? 'piic.originStioOver' : 'piic.originImportOver');
    return t(it.stio ? 'piic.originStio' : 'piic.originImport');
  };
  const doMerge = (): Merge | null => {
    let imported: ValueRow[] = [];
    try {
      imported = csv.value.trim() ? parseValuesCsv(csv.value) : [];
      merge = mergeValues(inputs?.values ?? [], imported, choices, t('piic.importSource'));
    } catch (e) {
      const msg = e instanceof DuplicateImport
        ? t('piic.dupImport', { unit: e.row.unit, indicator: e.row.indicator, year: e.row.year, a: e.a, b: e.b })
        : (e as Error).message;
      mergeOut.replaceChildren(err(msg));
      merge = null;
      return null;
    }
    if (!merge.rows.length) { mergeOut.replaceChildren(err(t('piic.noRows'))); merge = null; return null; }
    const y = inputs?.year ?? Number(year.value);
    const oldCodes = [...new Set(imported.map((r) => r.unit))].filter((u) => provinces.size && !provinces.has(u));
    const otherYears = imported.filter((r) => r.year !== y).length;
    const conflicts = merge.items.filter((i) => i.stio && i.imported);
    const conflictCols: Column<MergeItem>[] = [
      { label: t('piic.colUnit'), primary: true, cell: (i) => province(i.unit) },
      { label: t('piic.colIndicator'), cell: (i) => named(i.indicator) },
      { label: t('piic.colStio'), className: 'num', cell: (i) => h('span', { title: i.stio!.source ?? '' }, fmtNum(i.stio!.value, 2)) },
      { label: t('piic.colImport'), className: 'num', cell: (i) => h('span', { title: i.imported!.source ?? '' }, fmtNum(i.imported!.value, 2)) },
      {
        label: t('piic.colChoice'),
        cell: (i) => h('fieldset', { class: 'piic-choice', 'data-key': i.key },
          h('legend', { class: 'sr-only' }, `${province(i.unit)}, ${i.indicator}`),
          (['stio', 'import'] as Origin[]).map((o) => {
            const radio = h('input', { type: 'radio', name: 'piic-c-' + i.key, value: o, checked: i.used === o });
            radio.addEventListener('change', () => { if (radio.checked) { choices.set(i.key, o); doMerge(); resultOut.replaceChildren(); } });
            return h('label', null, radio, ' ', t(o === 'stio' ? 'piic.useStio' : 'piic.useImport'));
          })),
      },
    ];
    const allCols: Column<MergeItem>[] = [
      { label: t('piic.colUnit'), primary: true, cell: (i) => province(i.unit) },
      { label: t('piic.colIndicator'), cell: (i) => i.indicator },
      { label: t('piic.colYear'), cell: (i) => String(i.year) },
      { label: t('piic.colValue'), className: 'num', cell: (i) => fmtNum((i.used === 'stio' ? i.stio : i.imported)!.value, 2) },
      { label: t('piic.colOrigin'), cell: (i) => badge(origin(i), i.used === 'stio' ? 'ok' : 'neutral') },
      { label: t('piic.colSource'), className: 'pii-src-cell', cell: (i) => (i.used === 'stio' ? i.stio : i.imported)!.source ?? '' },
    ];
    replace(mergeOut,
      inputs ? null : h('p', { class: 'muted' }, t('piic.noStioLoaded')),
      h('p', { id: 'piic-merge-summary' }, t('piic.mergeSummary', { stio: merge.counts.stio, imp: merge.counts.imported, both: merge.counts.both })),
      oldCodes.length ? h('p', { class: 'pii-warning', role: 'note' }, t('piic.oldCodes', { codes: oldCodes.join(', ') })) : null,
      otherYears ? h('p', { class: 'pii-warning', role: 'note' }, t('piic.otherYears', { n: otherYears, year: y })) : null,
      h('h3', null, t('piic.conflicts')),
      conflicts.length
        ? h('div', { id: 'piic-conflicts' }, table(conflicts, conflictCols, { caption: t('piic.conflicts'), rowKey: (i) => i.key }))
        : h('p', { class: 'muted', id: 'piic-conflicts' }, t('piic.noConflicts')),
      h('details', { id: 'piic-merged' }, h('summary', null, t('piic.allRows', { n: merge.rows.length })),
        table(merge.items, allCols, { caption: t('piic.allRows', { n: merge.rows.length }), rowKey: (i) => i.key })),
      h('div', { class: 'btn-row' }, computeBtn));
    return merge;
  };
  mergeBtn.addEventListener('click', () => { doMerge(); resultOut.replaceChildren(); });

  // ---- step 4: compute
  const computeBtn = h('button', { type: 'button', class: 'btn', id: 'piic-compute' }, t('piic.compute'));
  const resultOut = h('div', { id: 'piic-result', 'aria-live': 'polite' });
  computeBtn.addEventListener('click', () => {
    const m = doMerge();
    if (!m) return;
    const y = inputs?.year ?? Number(year.value);
    const body = { framework: 'PII', values: m.rows, edition: y };
    resultOut.replaceChildren(loading());
    computeBtn.disabled = true;
    api.post<ComputeResult>('/index/compute', body).then((r) => {
      saveComputation({ year: y, values: m.rows, counts: { stio: m.items.filter((i) => i.used === 'stio').length, imported: m.items.filter((i) => i.used === 'import').length }, at: new Date().toISOString() });
      replace(resultOut, resultView(r, body, province, named));
    }).catch((e) => resultOut.replaceChildren(err(errorText(e))))
      .finally(() => { computeBtn.disabled = false; });
  });

  return h('div', { class: 'page' },
    pageHeader(t('piic.title'), t('piic.lead'), h('a', { class: 'btn btn-ghost', href: '#/pii' }, '‹ ', t('pii.title'))),
    h('p', { class: 'pii-caveat', role: 'note' }, t('pii.caveat')),
    h('section', { class: 'card', id: 'piic-step1' }, h('h2', null, t('piic.step1')),
      h('div', { class: 'btn-row' }, h('label', null, t('piic.year'), ' ', year), loadBtn), stioOut),
    h('section', { class: 'card', id: 'piic-step2' }, h('h2', null, t('piic.step2')),
      h('p', { class: 'muted', id: 'piic-csv-hint' }, t('piic.csvHint')),
      h('label', { for: 'piic-csv' }, t('piic.csvLabel')), csv,
      h('div', { class: 'btn-row' }, h('label', null, t('piic.upload'), ' ', file), mergeBtn)),
    h('section', { class: 'card', id: 'piic-step3' }, h('h2', null, t('piic.step3')), mergeOut),
    h('section', { class: 'card', id: 'piic-step4' }, h('h2', null, t('piic.step4')), resultOut));
}

function resultView(r: ComputeResult, body: unknown, province: (c: string) => string, named: (c: string) => string): Node {
  const root = r.root;
  const units = r.units.slice().sort((a, b) => (a.ranks[root] ?? 999) - (b.ranks[root] ?? 999) || a.unit.localeCompare(b.unit));
  const cols: Column<UnitResult>[] = [
    { label: t('piic.colRank'), className: 'num', cell: (u) => (u.included ? u.ranks[root] ?? '—' : '—') },
    { label: t('piic.colUnit'), primary: true, cell: (u) => h('a', { href: '#/pii/' + encodeURIComponent(u.unit) }, province(u.unit)) },
    { label: t('piic.colScore'), className: 'num', cell: (u) => (u.included ? fmt2(u.scores[root]) : t('piic.excluded')) },
    { label: t('piic.colIn'), className: 'num', cell: (u) => fmt2(u.scores.IN) },
    { label: t('piic.colOut'), className: 'num', cell: (u) => fmt2(u.scores.OUT) },
  ];
  const counts = new Map<string, number>();
  for (const n of r.notes) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  const noteCols: Column<ComputeResult['notes'][number]>[] = [
    { label: t('piic.colKind'), cell: (n) => kindLabel(n.kind) },
    { label: t('piic.colUnit'), cell: (n) => (n.unit ? province(n.unit) : '—') },
    { label: t('piic.colIndicator'), cell: (n) => (n.indicator ? named(n.indicator) : '—') },
    { label: t('piic.colBefore'), className: 'num', cell: (n) => fmt2(n.before) },
    { label: t('piic.colAfter'), className: 'num', cell: (n) => fmt2(n.after) },
    { label: t('piic.colDetail'), cell: (n) => n.detail },
  ];
  const status = h('span', { role: 'status', class: 'muted' });
  const download = (format: 'csv' | 'xlsx', id: string, label: string) => {
    const b = h('button', { type: 'button', class: 'btn btn-ghost', id }, label);
    b.addEventListener('click', () => {
      b.disabled = true;
      status.textContent = '';
      api.postFile('/index/compute', body, { format, lang: getLang() })
        .then((blob) => saveBlob(blob, `pii-${r.edition}.${format}`))
        .catch((e) => { status.textContent = errorText(e); })
        .finally(() => { b.disabled = false; });
    });
    return b;
  };
  return h('div', null,
    h('p', null, badge(t('piip.computedBadge')), ' ', t('piic.resultLead', { year: r.edition })),
    h('div', { class: 'btn-row' }, download('csv', 'piic-dl-csv', t('piic.csv')), download('xlsx', 'piic-dl-xlsx', t('piic.xlsx')), status),
    h('div', { id: 'piic-ranking' }, table(units, cols, { caption: t('piic.step4'), rowKey: (u) => u.unit })),
    h('p', { class: 'muted' }, t('piic.saved')),
    h('h3', null, t('piic.notes')),
    h('ul', { id: 'piic-note-counts' }, [...counts.entries()].map(([k, n]) => h('li', { 'data-kind': k }, t('piic.noteCount', { kind: kindLabel(k), n })))),
    r.dropped_indicators.length ? h('p', { id: 'piic-dropped' }, t('piic.dropped', { list: r.dropped_indicators.map(named).join('; ') })) : null,
    r.notes.length
      ? h('details', { id: 'piic-notes' }, h('summary', null, t('piic.notes')), table(r.notes, noteCols, { caption: t('piic.notes') }))
      : h('p', { class: 'muted' }, t('piic.noNotes')));
}
