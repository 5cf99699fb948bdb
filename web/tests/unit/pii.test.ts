// Unit tests of the PII compute helpers (src/pii.ts), run by run.mjs.
import { DuplicateImport, cellKey, medianAndBest, mergeValues, pillarLabel, treeOrder, type Origin, type ValueRow } from '../../src/pii';

type Case = [string, () => void];
function eq(a: unknown, b: unknown, msg = ''): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

const stio: ValueRow[] = [
  { unit: '01', indicator: '6.1.1', year: 2024, value: 3, source: 'stio indicator IP_PATENT_APPS_N' },
  { unit: '01', indicator: 'POP', year: 2024, value: 8500000, source: 'stio reference data' },
  { unit: '79', indicator: 'POP', year: 2024, value: 9500000, source: 'stio reference data' },
];
const imported: ValueRow[] = [
  { unit: '01', indicator: '6.1.1', year: 2024, value: 40, source: 'NOIP', line: 2 },
  { unit: '79', indicator: '1.1.1', year: 2024, value: 7.1, line: 3 },
];

export const cases: Case[] = [
  ['PII merge: a cell in both is stio\'s by default, every cell kept, sources kept or filled', () => {
    const m = mergeValues(stio, imported, new Map(), 'nhập từ tệp CSV');
    eq(m.counts, { stio: 3, imported: 2, both: 1 });
    eq(m.rows.length, 4, 'nothing dropped');
    const hn = m.rows.find((r) => cellKey(r) === '01|6.1.1|2024')!;
    eq([hn.value, hn.source], [3, 'stio indicator IP_PATENT_APPS_N']);
    const item = m.items.find((i) => i.key === '01|6.1.1|2024')!;
    eq([item.used, item.imported?.value], ['stio', 40], 'the imported value is shown beside it');
    eq(m.rows.find((r) => r.indicator === '1.1.1')!.source, 'nhập từ tệp CSV');
    eq(Object.keys(m.rows[0]).sort(), ['indicator', 'source', 'unit', 'value', 'year'], 'rows as compute takes them (no line)');
  }],
  ['PII merge: the user\'s choice takes the imported value', () => {
    const m = mergeValues(stio, imported, new Map<string, Origin>([['01|6.1.1|2024', 'import']]), 'x');
    const hn = m.rows.find((r) => cellKey(r) === '01|6.1.1|2024')!;
    eq([hn.value, hn.source], [40, 'NOIP']);
    eq(m.counts.both, 1);
  }],
  ['PII merge: a cell imported twice is named with both lines', () => {
    let e: unknown = null;
    try { mergeValues([], [...imported, { unit: '79', indicator: '1.1.1', year: 2024, value: 8, line: 9 }], new Map(), 'x'); } catch (x) { e = x; }
    if (!(e instanceof DuplicateImport)) throw new Error('expected a DuplicateImport');
    eq([e.a, e.b, e.row.unit, e.row.indicator], [3, 9, '79', '1.1.1']);
  }],
  ['PII median and best: over the scores present, even and odd counts', () => {
    eq(medianAndBest([40, null, 10, 30, 20]), { median: 25, best: 40 });
    eq(medianAndBest([5, 1, 3]), { median: 3, best: 5 });
    eq(medianAndBest([null, undefined]), { median: null, best: null });
  }],
];

cases.push(
  ['PII names: "English (Tiếng Việt)" gives the part of the UI language', () => {
    eq(pillarLabel('Institutions (Thể chế)', 'vi'), 'Thể chế');
    eq(pillarLabel('Institutions (Thể chế)', 'en'), 'Institutions');
    eq(pillarLabel('Group 1.1 of Institutions [name not public]', 'vi'), 'Group 1.1 of Institutions [name not public]');
  }],
  ['PII tree order: depth first, children in file order', () => {
    const o = treeOrder('PII', [
      { code: 'PII', parent: null }, { code: 'IN', parent: 'PII' }, { code: 'OUT', parent: 'PII' },
      { code: 'P1', parent: 'IN' }, { code: 'P6', parent: 'OUT' }, { code: '1.1', parent: 'P1' }, { code: 'P2', parent: 'IN' },
    ]);
    eq([...o.keys()], ['PII', 'IN', 'P1', '1.1', 'P2', 'OUT', 'P6']);
    eq(o.get('1.1'), { pos: 3, depth: 3 });
  }],
);
