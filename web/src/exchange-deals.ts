// Technology exchange (issue 4), after the handshake: transfer contracts and their follow-up, task
// proposals made from needs nobody met, and the bulk import of listings. API types and pure helpers
// (no DOM, no i18n: tests/unit runs them in Node).
import { parseVnd } from './exchange';

export const CONTRACT_STATUSES = ['signed', 'registered', 'in_effect', 'completed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
export const CONTRACT_DIRECTIONS = ['domestic', 'into_vietnam', 'out_of_vietnam'] as const;
export const CONTRACT_RIGHTS = ['use', 'ownership'] as const;

export interface Followup {
  id: number; contract_id: number; period: string; revenue_change_vnd?: number | null; productivity_change_pct?: number | null;
  jobs_created?: number | null; products?: string | null; note?: string | null; created_by?: string; created_at?: string;
}

export interface Contract {
  id: number; version: number; status: ContractStatus;
  transferor_organization_id?: number | null; transferor_name: string;
  transferee_organization_id?: number | null; transferee_name: string;
  object: string; form: string; rights: string; direction: string; state_capital: boolean;
  value_vnd?: number | null; signed_date: string; fields?: string[]; province_code?: string | null;
  registration_number?: string | null; registration_date?: string | null;
  registration_required: boolean; registration_due?: string; registration_overdue?: boolean;
  offer_id?: number | null; connection_id?: number | null; note?: string | null;
  created_by?: string; created_at?: string; updated_at?: string; followups?: Followup[];
}

export interface TaskProposal {
  id: number; need_id: number; title: string; status: string; created_by?: string; created_at?: string; updated_at?: string;
  proposal: Record<string, unknown>;
}

/** Law 07/2017/QH14 art. 31, as the server applies it: transfers into or out of Vietnam, and
 *  domestic ones using state capital, must be registered. */
export function registrationRequired(direction: string, stateCapital: boolean): boolean {
  return direction !== 'domestic' || stateCapital;
}

/** ISO date + n days (UTC, no time-zone shifts). */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (ISO dates); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const ms = (s: string) => { const [y, m, d] = s.split('-').map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((ms(to) - ms(from)) / 86400000);
}

export type RegistrationState = 'not_required' | 'registered' | 'due' | 'overdue';

/** Where a contract stands with its registration on `today` (the server's registration_due and
 *  registration_overdue win when present; Decree 76/2018: due 90 days after signing). */
export function registrationState(c: Pick<Contract, 'registration_required' | 'registration_number' | 'registration_due' | 'registration_overdue' | 'signed_date'>, today: string):
  { state: RegistrationState; due: string | null; days: number | null } {
  if (!c.registration_required) return { state: c.registration_number ? 'registered' : 'not_required', due: null, days: null };
  const due = c.registration_due || addDays(c.signed_date, 90);
  if (c.registration_number) return { state: 'registered', due, days: null };
  const days = daysBetween(today, due);
  const overdue = c.registration_overdue ?? days < 0;
  return { state: overdue ? 'overdue' : 'due', due, days };
}

/** The statuses a contract may move to next (forward only; a contract that must be registered
 *  takes effect only once registered; terminated from any open status). */
export function nextStatuses(c: Pick<Contract, 'status' | 'registration_required' | 'registration_number'>): ContractStatus[] {
  const registered = !!c.registration_number;
  switch (c.status) {
    case 'signed': return c.registration_required && !registered ? ['registered', 'terminated'] : ['registered', 'in_effect', 'terminated'];
    case 'registered': return ['in_effect', 'terminated'];
    case 'in_effect': return ['completed', 'terminated'];
    default: return [];
  }
}

/** Does moving to `to` ask for the registration number and date first? */
export function needsRegistrationInput(c: Pick<Contract, 'registration_number'>, to: ContractStatus): boolean {
  return to === 'registered' && !c.registration_number;
}

export type FormErrors = [field: string, key: string][];

/** A signed whole number of dong ("-250.000.000", "+1 500 000 000"): '' -> null, bad -> NaN. */
export function parseSignedVnd(input: string): number | null {
  const s = input.trim();
  const m = /^([+\-−])\s*(.*)$/.exec(s);
  const n = parseVnd(m ? m[2] : s);
  if (n === null) return m ? NaN : null;
  return m && (m[1] === '-' || m[1] === '−') ? -n : n;
}

/** A decimal as typed in either language ("12,5" or "12.5", "-3"): '' -> null, bad -> NaN. */
export function parseDecimal(input: string): number | null {
  const s = input.trim().replace(/\s+/g, '').replace('−', '-').replace(/%$/, '');
  if (!s) return null;
  if (!/^[+-]?\d+([.,]\d+)?$/.test(s)) return NaN;
  return Number(s.replace(',', '.'));
}

/** A period as the server reads it: YYYY, YYYYQn or YYYYMM (returned upper-cased), or null. */
export function normalizePeriod(input: string): string | null {
  const s = input.trim().toUpperCase().replace(/[\s/-]/g, '');
  const m = /^(\d{4})(?:Q([1-4])|(0[1-9]|1[0-2]))?$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  if (y < 1900 || y > 2100) return null;
  return s;
}

/** "2026" -> "Năm 2026" / "Year 2026", "2026Q1" -> "Quý 1/2026" / "Q1 2026", "202603" -> "Tháng 03/2026" / "03/2026". */
export function periodLabel(p: string, lang: 'vi' | 'en'): string {
  let m = /^(\d{4})$/.exec(p);
  if (m) return lang === 'vi' ? `Năm ${m[1]}` : `Year ${m[1]}`;
  m = /^(\d{4})[Qq]([1-4])$/.exec(p);
  if (m) return lang === 'vi' ? `Quý ${m[2]}/${m[1]}` : `Q${m[2]} ${m[1]}`;
  m = /^(\d{4})(\d{2})$/.exec(p);
  if (m) return lang === 'vi' ? `Tháng ${m[2]}/${m[1]}` : `${m[2]}/${m[1]}`;
  return p;
}

/** The first day of a period (for "not before signing" and "not in the future" checks). */
export function periodStart(p: string): string {
  const y = p.slice(0, 4);
  const q = /Q([1-4])$/i.exec(p);
  if (q) return `${y}-${String((Number(q[1]) - 1) * 3 + 1).padStart(2, '0')}-01`;
  if (p.length === 6) return `${y}-${p.slice(4)}-01`;
  return `${y}-01-01`;
}

/** The last day of a period. */
export function periodEnd(p: string): string {
  const y = Number(p.slice(0, 4));
  const q = /Q([1-4])$/i.exec(p);
  const lastMonth = q ? Number(q[1]) * 3 : p.length === 6 ? Number(p.slice(4)) : 12;
  return new Date(Date.UTC(y, lastMonth, 0)).toISOString().slice(0, 10);
}

/** The body of a follow-up from the form's strings, with the errors found before asking the server. */
export function followupBody(v: Record<string, string>, ctx: { signed_date: string; today: string }):
  { body: Record<string, unknown>; errors: FormErrors } {
  const errors: FormErrors = [];
  const body: Record<string, unknown> = {};
  const text = (k: string) => (v[k] ?? '').trim();
  const period = normalizePeriod(text('period'));
  if (!text('period')) errors.push(['period', 'err.required']);
  else if (!period) errors.push(['period', 'exd.err.period']);
  else if (periodEnd(period) < ctx.signed_date) errors.push(['period', 'exd.err.periodBeforeSigning']);
  else if (periodStart(period) > ctx.today) errors.push(['period', 'exd.err.periodFuture']);
  body.period = period ?? text('period');
  const rev = parseSignedVnd(text('revenue_change_vnd'));
  if (rev !== null && !Number.isFinite(rev)) errors.push(['revenue_change_vnd', 'ex.err.money']);
  else if (rev !== null) body.revenue_change_vnd = rev;
  const pct = parseDecimal(text('productivity_change_pct'));
  if (pct !== null && (!Number.isFinite(pct) || pct < -100 || pct > 10000)) errors.push(['productivity_change_pct', 'exd.err.pct']);
  else if (pct !== null) body.productivity_change_pct = pct;
  const jobs = parseDecimal(text('jobs_created'));
  if (jobs !== null && (!Number.isInteger(jobs) || Math.abs(jobs) > 1000000)) errors.push(['jobs_created', 'exd.err.jobs']);
  else if (jobs !== null) body.jobs_created = jobs;
  if (text('products')) body.products = text('products');
  if (text('note')) body.note = text('note');
  const hasEffect = ['revenue_change_vnd', 'productivity_change_pct', 'jobs_created', 'products', 'note'].some((k) => k in body);
  const badEffect = errors.some(([f]) => f !== 'period');
  if (!hasEffect && !badEffect) errors.push(['revenue_change_vnd', 'exd.err.noEffect']);
  return { body, errors };
}

/** The body of a new contract from the form's strings. A party is a registry organization (its id)
 *  or a name; the registration number and date go together. */
export function contractBody(v: Record<string, string>, stateCapital: boolean, today: string, parseDay: (s: string) => string | null):
  { body: Record<string, unknown>; errors: FormErrors } {
  const errors: FormErrors = [];
  const text = (k: string) => (v[k] ?? '').trim();
  const body: Record<string, unknown> = {};
  for (const side of ['transferor', 'transferee']) {
    const org = text(`${side}_organization_id`), name = text(`${side}_name`);
    if (org) {
      if (!/^\d+$/.test(org)) errors.push([`${side}_organization_id`, 'err.generic']);
      else body[`${side}_organization_id`] = Number(org);
    }
    if (name) body[`${side}_name`] = name;
    if (!org && !name) errors.push([`${side}_name`, 'exd.err.party']);
  }
  if (!text('object')) errors.push(['object', 'err.required']);
  body.object = text('object');
  body.form = text('form');
  body.rights = text('rights');
  body.direction = text('direction') || 'domestic';
  body.state_capital = stateCapital;
  const signed = parseDay(text('signed_date'));
  if (!text('signed_date')) errors.push(['signed_date', 'err.required']);
  else if (!signed) errors.push(['signed_date', 'err.date']);
  else if (signed > today) errors.push(['signed_date', 'exd.err.signedFuture']);
  body.signed_date = signed || text('signed_date');
  const value = parseVnd(text('value_vnd'));
  if (value !== null && !Number.isFinite(value)) errors.push(['value_vnd', 'ex.err.money']);
  else if (value !== null) body.value_vnd = value;
  if (text('province_code')) body.province_code = text('province_code');
  const offer = text('offer_id');
  if (offer) {
    if (!/^\d+$/.test(offer)) errors.push(['offer_id', 'exd.err.id']);
    else body.offer_id = Number(offer);
  }
  const num = text('registration_number'), dayText = text('registration_date');
  if (num || dayText) {
    const day = parseDay(dayText);
    if (!num) errors.push(['registration_number', 'exd.err.regTogether']);
    if (!dayText) errors.push(['registration_date', 'exd.err.regTogether']);
    else if (!day) errors.push(['registration_date', 'err.date']);
    if (num) body.registration_number = num;
    if (day) body.registration_date = day;
  }
  if (text('note')) body.note = text('note');
  return { body, errors };
}

/** The headings of a task order proposal (đặt hàng), in the order of the document. */
export const PROPOSAL_FIELDS = [
  'ten_nhiem_vu', 'tinh_cap_thiet', 'muc_tieu', 'mo_ta', 'yeu_cau_ket_qua', 'trl_toi_thieu', 'linh_vuc',
  'kinh_phi_du_kien_vnd', 'thoi_han', 'don_vi_de_xuat', 'dia_chi_ung_dung', 'nguon', 'ghi_chu',
] as const;

/** The proposal's keys in document order, then any the server added that we do not know. */
export function proposalKeys(p: Record<string, unknown>): string[] {
  const known = PROPOSAL_FIELDS.filter((k) => k in p) as string[];
  return [...known, ...Object.keys(p).filter((k) => !known.includes(k))];
}

/** The file name of a proposal's JSON download. */
export function proposalFileName(id: number): string {
  return `de-xuat-dat-hang-${id}.json`;
}

/** The columns of the listings import (docs/api.md), in the order of the example. */
export const IMPORT_COLUMNS = [
  'kind', 'title', 'summary', 'description', 'fields', 'ipc', 'keywords', 'transfer_modes', 'trl', 'trl_min', 'price_vnd',
  'price_negotiable', 'budget_min_vnd', 'budget_max_vnd', 'deadline', 'accepted_result', 'sector_vsic', 'organization_id',
  'contact_name', 'contact_email', 'contact_phone', 'province_code', 'source', 'submit',
] as const;

/** An illustrative catalogue (not real listings): one offer and one need. */
export const EXAMPLE_ROWS: Record<string, string>[] = [
  {
    kind: 'offer', title: 'Công nghệ màng lọc sinh học MBR (ví dụ)', summary: 'Xử lý nước thải sinh hoạt và công nghiệp nhẹ bằng màng lọc sinh học',
    fields: '207', ipc: 'C02F 3/12', keywords: 'nước thải; màng lọc', transfer_modes: 'licence; consulting', trl: '7',
    price_vnd: '1.500.000.000', organization_id: '1', contact_email: 'lienhe@example.vn', province_code: '01', source: 'Ví dụ minh họa', submit: 'không',
  },
  {
    kind: 'need', title: 'Cần công nghệ sấy nông sản tiết kiệm năng lượng (ví dụ)', summary: 'Hợp tác xã cần máy sấy bơm nhiệt cho 2 tấn/ngày',
    fields: '401', keywords: 'sấy; bơm nhiệt', transfer_modes: 'equipment', trl_min: '6', budget_min_vnd: '300.000.000',
    budget_max_vnd: '800.000.000', accepted_result: 'Máy sấy chạy thử 1 tháng', organization_id: '1', province_code: '79', source: 'Ví dụ minh họa', submit: 'có',
  },
];

/** One CSV cell (RFC 4180: quoted when it holds a comma, quote or line break). */
export function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file from a header and rows of named cells (CRLF line ends, as the server's exports). */
export function toCsv(columns: readonly string[], rows: Record<string, string>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c] ?? '')).join(','))].join('\r\n') + '\r\n';
}

/** csv or json, from the chosen format or else the file's name and type. */
export function importFormat(chosen: string, name: string, type: string): 'csv' | 'json' {
  if (chosen === 'csv' || chosen === 'json') return chosen;
  return /\.json$/i.test(name) || /json/i.test(type) ? 'json' : 'csv';
}
