// Client-side checks mirroring the server's (the server remains the authority).
export const TAX_CODE_RE = /^\d{10}(-\d{3})?$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const URL_RE = /^https?:\/\/[^\s]+$/i;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const PHONE_RE = /^[+0-9 ().-]{6,20}$/;

/** ISO 7064 MOD 11-2 check of an ORCID iD such as 0000-0002-1825-0097. */
export function orcidValid(s: string): boolean {
  const m = /^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$/.exec(s.trim());
  if (!m) return false;
  const digits = (m[1] + m[2] + m[3] + m[4]);
  let total = 0;
  for (let i = 0; i < 15; i++) total = (total + Number(digits[i])) * 2;
  const r = (12 - (total % 11)) % 11;
  const check = r === 10 ? 'X' : String(r);
  return digits[15] === check;
}

export function dateValid(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
