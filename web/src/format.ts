import { getLang } from './i18n';

const nfCache = new Map<string, Intl.NumberFormat>();
function nf(digits: number): Intl.NumberFormat {
  const key = getLang() + digits;
  let f = nfCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(getLang() === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: digits });
    nfCache.set(key, f);
  }
  return f;
}

/** 1234567 -> "1.234.567" (vi) or "1,234,567" (en). */
export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return nf(digits).format(n);
}

/** "2026-11-22" -> "22/11/2026" (no time-zone shifts). */
export function fmtDate(d: string | null | undefined): string {
  if (!d) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) return d;
  if (d.length > 10 && d.includes('T')) return fmtDateTime(d).slice(0, 10);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** ISO UTC timestamp -> "dd/mm/yyyy HH:mm" in Vietnam time. */
export function fmtDateTime(ts: string | null | undefined): string {
  if (!ts) return '—';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('day')}/${p('month')}/${p('year')} ${p('hour')}:${p('minute')}`;
}

/** Lower-case and strip Vietnamese diacritics ("Thanh Hoá" -> "thanh hoa"). */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'd')
    .toLowerCase().replace(/\s+/g, ' ').trim();
}

const UNIT_TYPES_EN: Record<string, string> = {
  'tỉnh': 'Province', 'thành phố trực thuộc trung ương': 'Centrally-governed city', 'thành phố': 'City',
  'phường': 'Ward', 'xã': 'Commune', 'đặc khu': 'Special zone', 'thị trấn': 'Township',
  'quận': 'Urban district', 'huyện': 'District', 'thị xã': 'Town',
};
/** Unit type label: capitalised Vietnamese, or its English name. */
export function unitType(s: string | null | undefined): string {
  if (!s) return '—';
  if (getLang() === 'en') return UNIT_TYPES_EN[s.toLowerCase()] ?? s;
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Parse a date typed as dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or ISO yyyy-mm-dd).
 *  Returns the ISO date, '' for an empty input, or null when it is not a real date. */
export function parseDate(input: string): string | null {
  const s = input.trim();
  if (!s) return '';
  let y: number, m: number, d: number;
  let r = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (r) { d = +r[1]; m = +r[2]; y = +r[3]; } else {
    r = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    if (!r) return null;
    y = +r[1]; m = +r[2]; d = +r[3];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
}
