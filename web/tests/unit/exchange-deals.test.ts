// Unit tests of the exchange helpers after the handshake (src/exchange-deals.ts), run by run.mjs.
import {
  addDays, contractBody, daysBetween, followupBody, importFormat, nextStatuses, normalizePeriod, parseDecimal, parseSignedVnd, periodEnd,
  periodLabel, periodStart, proposalKeys, registrationRequired, registrationState, toCsv, EXAMPLE_ROWS, IMPORT_COLUMNS,
} from '../../src/exchange-deals';
import { parseDate } from '../../src/format';

type Case = [string, () => void];
function eq(a: unknown, b: unknown, msg = ''): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

const contract = (o: Record<string, unknown> = {}) => ({
  status: 'signed' as const, registration_required: true, registration_number: null as string | null, signed_date: '2026-01-10', ...o,
});

export const cases: Case[] = [
  ['contracts: registration is required across the border or with state capital (art. 31)', () => {
    eq([registrationRequired('domestic', false), registrationRequired('domestic', true), registrationRequired('into_vietnam', false),
      registrationRequired('out_of_vietnam', false)], [false, true, true, true]);
  }],
  ['contracts: due 90 days after signing, overdue the day after', () => {
    eq(addDays('2026-01-10', 90), '2026-04-10');
    eq(daysBetween('2026-04-08', '2026-04-10'), 2);
    eq(registrationState(contract(), '2026-04-08'), { state: 'due', due: '2026-04-10', days: 2 });
    eq(registrationState(contract(), '2026-04-10').state, 'due');
    eq(registrationState(contract(), '2026-04-11'), { state: 'overdue', due: '2026-04-10', days: -1 });
    eq(registrationState(contract({ registration_number: '12/ĐK-CGCN' }), '2026-09-01').state, 'registered');
    eq(registrationState(contract({ registration_required: false }), '2030-01-01'), { state: 'not_required', due: null, days: null });
    // The server's flags win (its clock decides).
    eq(registrationState({ ...contract(), registration_due: '2026-04-10', registration_overdue: true }, '2026-04-01').state, 'overdue');
  }],
  ['contracts: status moves forward only; registration before effect', () => {
    eq(nextStatuses(contract()), ['registered', 'terminated']);
    eq(nextStatuses(contract({ registration_required: false })), ['registered', 'in_effect', 'terminated']);
    eq(nextStatuses(contract({ status: 'registered', registration_number: 'x' })), ['in_effect', 'terminated']);
    eq(nextStatuses(contract({ status: 'in_effect' })), ['completed', 'terminated']);
    eq(nextStatuses(contract({ status: 'completed' })), []);
    eq(nextStatuses(contract({ status: 'terminated' })), []);
  }],
  ['follow-up: periods as the server reads them', () => {
    eq(['2026', '2026q3', '2026Q4', '202609', '2026-09', ' 2026 Q1 ', '2026Q5', '202613', '26', '1899'].map(normalizePeriod),
      ['2026', '2026Q3', '2026Q4', '202609', '202609', '2026Q1', null, null, null, null]);
    eq([periodStart('2026Q3'), periodEnd('2026Q3'), periodStart('202602'), periodEnd('202602'), periodEnd('2024'), periodEnd('202402')],
      ['2026-07-01', '2026-09-30', '2026-02-01', '2026-02-28', '2024-12-31', '2024-02-29']);
    eq([periodLabel('2026', 'vi'), periodLabel('2026Q3', 'vi'), periodLabel('202609', 'vi'), periodLabel('2026Q3', 'en')],
      ['Năm 2026', 'Quý 3/2026', 'Tháng 09/2026', 'Q3 2026']);
  }],
  ['follow-up: signed amounts and decimals in either language', () => {
    eq([parseSignedVnd('-250.000.000'), parseSignedVnd('+1 500 000 000'), parseSignedVnd('1500'), parseSignedVnd('')], [-250000000, 1500000000, 1500, null]);
    eq([parseSignedVnd('-'), parseSignedVnd('1,5 tỷ')].map(Number.isNaN), [true, true]);
    eq([parseDecimal('12,5'), parseDecimal('-3'), parseDecimal('7.25%'), parseDecimal('')], [12.5, -3, 7.25, null]);
    eq(Number.isNaN(parseDecimal('1.000,5')), true);
  }],
  ['follow-up: body and errors before asking the server', () => {
    const ctx = { signed_date: '2026-01-10', today: '2026-11-22' };
    const ok = followupBody({ period: '2026q2', revenue_change_vnd: '-250.000.000', productivity_change_pct: '12,5', jobs_created: '8', products: ' Màng MBR ', note: '' }, ctx);
    eq(ok, { body: { period: '2026Q2', revenue_change_vnd: -250000000, productivity_change_pct: 12.5, jobs_created: 8, products: 'Màng MBR' }, errors: [] });
    eq(followupBody({ period: '2025Q4', jobs_created: '1' }, ctx).errors, [['period', 'exd.err.periodBeforeSigning']]);
    eq(followupBody({ period: '2026Q1', jobs_created: '1' }, ctx).errors, []); // the quarter of signing counts
    eq(followupBody({ period: '2027', jobs_created: '1' }, ctx).errors, [['period', 'exd.err.periodFuture']]);
    eq(followupBody({ period: '2026', productivity_change_pct: '-120', jobs_created: '2,5' }, ctx).errors,
      [['productivity_change_pct', 'exd.err.pct'], ['jobs_created', 'exd.err.jobs']]);
    eq(followupBody({ period: '' }, ctx).errors, [['period', 'err.required'], ['revenue_change_vnd', 'exd.err.noEffect']]);
  }],
  ['contracts: the body of a new contract', () => {
    const v = {
      transferor_organization_id: '', transferor_name: ' Fraunhofer IGB ', transferee_organization_id: '12', transferee_name: '',
      object: 'Công nghệ màng MBR', form: 'ip_rights', rights: 'use', direction: 'into_vietnam', signed_date: '10/01/2026',
      value_vnd: '1.500.000.000', province_code: '', offer_id: '', registration_number: '', registration_date: '', note: '',
    };
    eq(contractBody(v, false, '2026-11-22', parseDate), { body: {
      transferor_name: 'Fraunhofer IGB', transferee_organization_id: 12, object: 'Công nghệ màng MBR', form: 'ip_rights', rights: 'use',
      direction: 'into_vietnam', state_capital: false, signed_date: '2026-01-10', value_vnd: 1500000000 }, errors: [] });
    eq(contractBody({ ...v, transferor_name: '', value_vnd: '1,5 tỷ', signed_date: '01/12/2026', registration_number: 'ĐK-1' }, false, '2026-11-22', parseDate).errors,
      [['transferor_name', 'exd.err.party'], ['signed_date', 'exd.err.signedFuture'], ['value_vnd', 'ex.err.money'], ['registration_date', 'exd.err.regTogether']]);
  }],
  ['task proposal: headings in the order of the document, unknown keys last', () => {
    eq(proposalKeys({ nguon: {}, x_moi: 1, ten_nhiem_vu: 'a', linh_vuc: [] }), ['ten_nhiem_vu', 'linh_vuc', 'nguon', 'x_moi']);
  }],
  ['import: example CSV has every column, quotes what needs quoting; format from the name', () => {
    const csv = toCsv(IMPORT_COLUMNS, EXAMPLE_ROWS);
    const lines = csv.trimEnd().split('\r\n');
    eq(lines.length, 3);
    eq(lines[0].split(',').length, IMPORT_COLUMNS.length);
    eq(lines[1].startsWith('offer,'), true);
    eq(toCsv(['a', 'b'], [{ a: 'x, y', b: 'say "hi"' }]), 'a,b\r\n"x, y","say ""hi"""\r\n');
    eq([importFormat('', 'a.JSON', ''), importFormat('', 'a.csv', 'text/csv'), importFormat('csv', 'a.json', ''), importFormat('', 'x', 'application/json')],
      ['json', 'csv', 'csv', 'json']);
  }],
];
