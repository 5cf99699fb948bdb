// Unit tests of the intellectual property helpers (src/ip.ts), run by run.mjs.
import {
  addDaysIso, addMonths, assetBody, assetPatch, byKind, byYear, classScheme, classValid, createBody, daysBetween,
  freeReason, groupByMonth, inventorsText, ipReminderTitle, listingIdFromConflict, maintenanceOf, monthRange, nextDeadline,
  parseInventors, per10k, rateDigits, splitList, surchargeOn, timeline, todayIso, validMonth, type StatItem,
} from '../../src/ip';
import { notificationHref } from '../../src/exchange';

type Case = [string, () => void];
function eq(a: unknown, b: unknown, msg = ''): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${msg} expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
}

const form = (v: Record<string, string>) => ({
  kind: 'patent', title: 'Chế phẩm vi sinh', application_number: '1-2024-00001', filing_date: '2024-03-01', priority_date: '',
  publication_date: '', grant_date: '', grant_number: '', status: '', owner_organization_id: '7', owner_name: '', inventors: '',
  classes: '', province_code: '', published: '', key_product: '', ocop_product: '', paid_up_to: '', renewals_done: '', note: '', ...v,
});

export const cases: Case[] = [
  ['IP: the class scheme and upkeep follow the kind', () => {
    eq(['patent', 'utility_solution', 'industrial_design', 'trademark', 'collective_mark', 'geographical_indication', 'plant_variety'].map(classScheme),
      ['ipc', 'ipc', 'locarno', 'nice', 'nice', 'none', 'none']);
    eq(['patent', 'plant_variety', 'trademark', 'industrial_design', 'geographical_indication', 'layout_design'].map(maintenanceOf),
      ['annuity', 'annuity', 'renewal', 'renewal', 'none', 'none']);
  }],
  ['IP: class codes are checked like the server does', () => {
    eq(['A01B', 'a01n 63/00', 'C02F 3/12', 'H04L 29/06'].map((c) => classValid('ipc', c)), [true, true, true, true]);
    eq(['I01B', 'A1B', 'A01B 1', 'A01B1/0'].map((c) => classValid('ipc', c)), [false, false, false, false]);
    eq(['1', '30', '45', '0', '46', 'x'].map((c) => classValid('nice', c)), [true, true, true, false, false, false]);
    eq(['06-01', '6-01', '32-99', '33-01', '06', '06-1'].map((c) => classValid('locarno', c)), [true, true, true, false, false, false]);
    eq(splitList(' A01B ;C02F  3/12,\n30 '), ['A01B', 'C02F 3/12', '30']);
  }],
  ['IP: inventors are names or #person ids', () => {
    eq(parseInventors('Nguyễn Văn A, #12; Trần Thị B'), ['Nguyễn Văn A', 12, 'Trần Thị B']);
    eq(inventorsText(['Nguyễn Văn A', 12]), 'Nguyễn Văn A, #12');
  }],
  ['IP: dates: days between, months added with clamping, the server today', () => {
    eq(daysBetween('2026-11-22', '2026-12-22'), 30);
    eq(daysBetween('2026-11-22', '2026-11-01'), -21);
    eq(addMonths('2024-08-31', 6), '2025-02-28');
    eq(addMonths('2024-01-31', 1), '2024-02-29');
    eq(addMonths('2026-03-15', -3), '2025-12-15');
    eq(addDaysIso('2026-12-31', 1), '2027-01-01');
    eq(todayIso(new Date('2026-11-22T18:30:00Z')), '2026-11-23', 'Vietnam\'s date (UTC+7), as the server');
    eq(todayIso(new Date('2026-11-22T16:59:59Z')), '2026-11-22', 'still the 22nd in Hà Nội');
    eq(monthRange('2026-11', 12), { from: '2026-11-01', to: '2027-10-31' });
    eq([validMonth('2026-11'), validMonth('2026-13'), validMonth('26-11'), validMonth(null)], [true, false, false, false]);
  }],
  ['IP: surcharge counts started months late', () => {
    const d = { due: '2026-01-31', surcharge_percent_per_month: 10 };
    eq(surchargeOn(d, '2026-01-31'), 0);
    eq(surchargeOn(d, '2026-02-01'), 10);
    eq(surchargeOn(d, '2026-02-28'), 10);
    eq(surchargeOn(d, '2026-03-01'), 20);
    eq(surchargeOn(d, '2026-07-31'), 60);
  }],
  ['IP: the next deadline is the earliest owner action', () => {
    const s = { status: 'application', deadlines: [
      { type: 'examination_request', window_opens: '2024-01-01', due: '2027-07-01', owner_action: true },
      { type: 'publication', window_opens: '2025-06-01', due: '2025-09-01', owner_action: false },
    ] };
    eq(nextDeadline(s)?.type, 'examination_request');
    eq(nextDeadline({ status: 'application', deadlines: [s.deadlines[1]] })?.type, 'publication');
    eq(nextDeadline(null), null);
  }],
  ['IP: the timeline puts what happened before the deadlines ahead', () => {
    const tl = timeline({ filing_date: '2020-05-04', priority_date: '2019-11-01', publication_date: '2021-12-01', grant_date: '2024-02-01' },
      { status: 'in_force', term_ends: '2040-05-04', deadlines: [
        { type: 'expiry', window_opens: '2040-05-04', due: '2040-05-04', owner_action: false },
        { type: 'annuity', number: 3, window_opens: '2025-08-01', due: '2026-02-01', grace_ends: '2026-08-01', surcharge_percent_per_month: 10 },
      ] }, '2025-11-22');
    eq(tl.map((e) => e.type), ['priority', 'filing', 'publication_done', 'grant', 'annuity', 'expiry']);
    eq(tl.map((e) => e.past), [true, true, true, true, false, false]);
    eq(tl[4].grace_ends, '2026-08-01');
    const noExpiry = timeline({ filing_date: '2020-05-04' }, { status: 'in_force', term_ends: '2030-05-04', deadlines: [] }, '2025-01-01');
    eq(noExpiry.map((e) => e.type), ['filing', 'term_end']);
  }],
  ['IP: calendar items grouped by month of their due date', () => {
    const g = groupByMonth([{ due: '2027-01-05' }, { due: '2026-12-31' }, { due: '2026-12-01' }]);
    eq(g.map(([m, xs]) => [m, xs.map((x) => x.due)]), [['2026-12', ['2026-12-01', '2026-12-31']], ['2027-01', ['2027-01-05']]]);
  }],
  ['IP: the asset body: required fields, classes of the kind, client date checks', () => {
    let r = assetBody(form({ classes: 'A01N 63/00, C12N', inventors: 'Lê Văn C, #4', paid_up_to: '2', renewals_done: '3' }));
    eq(r.errors, []);
    eq(r.body.classes, ['A01N 63/00', 'C12N']);
    eq(r.body.inventors, ['Lê Văn C', 4]);
    eq(r.body.owner_organization_id, 7);
    eq(r.body.paid_up_to, 2);
    eq('renewals_done' in r.body, false, 'a patent has no renewals');
    eq('published' in r.body, false, 'published left to the server');
    r = assetBody(form({ kind: 'trademark', classes: '30, 99', title: '', grant_date: '2024-01-01', filing_date: '2024-03-01' }));
    eq(r.errors.map(([f]) => f).sort(), ['classes', 'grant_date', 'title']);
    r = assetBody(form({ kind: 'geographical_indication', classes: 'A01B', published: 'false' }));
    eq(r.body.classes, [], 'no classes for a GI');
    eq(r.body.published, false);
    r = assetBody(form({ status: 'granted' }));
    eq(r.errors, [['grant_date', 'ip.err.grantDate']]);
    eq(createBody({ a: '', b: null, c: [], d: 'x', e: 0, f: false }), { d: 'x', e: 0, f: false });
  }],
  ['IP: an edit sends only what changed', () => {
    const before = { kind: 'patent', title: 'A', classes: ['A01B'], note: null, published: true, paid_up_to: 1 };
    eq(assetPatch(before, { kind: 'patent', title: 'A', classes: ['A01B'], note: '', published: true, paid_up_to: 1 }), {});
    eq(assetPatch(before, { kind: 'patent', title: 'B', classes: ['A01B', 'C02F'], note: 'x', published: false, paid_up_to: 2 }),
      { title: 'B', classes: ['A01B', 'C02F'], note: 'x', published: false, paid_up_to: 2 });
  }],
  ['IP: statistics by year (gaps filled), by kind, per 10,000', () => {
    const it = (kind: string, year: number, applications: number, grants: number): StatItem =>
      ({ kind: kind as StatItem['kind'], province_code: '01', year, applications, grants, population: null, applications_per_10k: null, grants_per_10k: null });
    const items = [it('patent', 2021, 2, 1), it('trademark', 2021, 3, 0), it('patent', 2023, 1, 2)];
    eq(byYear(items), [{ year: 2021, applications: 5, grants: 1 }, { year: 2022, applications: 0, grants: 0 }, { year: 2023, applications: 1, grants: 2 }]);
    eq(byYear(items, 2022, 2023).map((y) => y.year), [2022, 2023]);
    eq(byYear([]), []);
    eq(byKind(items), [{ kind: 'patent', applications: 3, grants: 3 }, { kind: 'trademark', applications: 3, grants: 0 }]);
    eq(per10k(5, 100000), 0.5);
    eq(per10k(5, null), null);
    eq([rateDigits(2.345), rateDigits(0.5), rateDigits(0.0432), rateDigits(0.00043), rateDigits(0)], [2, 2, 3, 5, 2]);
  }],
  ['IP: free-to-use reason, listing named by a 409, reminder links and titles', () => {
    eq(freeReason({ status: 'lapsed', free_to_use: true }), 'lapsed');
    eq(freeReason({ status: 'expired', free_to_use: true }), 'expired');
    eq(freeReason({ status: 'in_force' }), null);
    eq(listingIdFromConflict('this asset is already listed (listing 42)'), 42);
    eq(listingIdFromConflict('something else'), null);
    eq(notificationHref({ subject_type: 'ip_asset', subject_id: '17' }), '#/ip/17');
    const title = 'Còn 30 ngày: Nộp phí duy trì hiệu lực — Chế phẩm A / B (1-2024-00001) / 30 days left';
    eq(ipReminderTitle(title, 'vi'), 'Còn 30 ngày: Nộp phí duy trì hiệu lực — Chế phẩm A / B (1-2024-00001)');
    eq(ipReminderTitle(title, 'en'), '30 days left — Chế phẩm A / B (1-2024-00001)');
    eq(ipReminderTitle('no split', 'en'), 'no split');
  }],
];
