#!/usr/bin/env node
// Development mock of the stio API (docs/api.md), serving web/dist and canned JSON built from the
// real reference data. For UI development only: CI runs the browser tests against the real server.
// Usage: node tests/mock-server.mjs [--port 18081] [--dist web/dist]
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, def) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : def; };
const PORT = Number(arg('port', process.env.PORT || 18081));
const DIST = path.resolve(arg('dist', path.join(here, '..', 'dist')));
const repoData = path.resolve(here, '..', '..', 'data');
const sharedData = '/work/shared/data';
function dataFile(rel) {
  for (const base of [sharedData, repoData]) { const p = path.join(base, rel); if (fs.existsSync(p)) return p; }
  throw new Error('missing data file ' + rel);
}

// ---------- CSV ----------
function parseCsv(text) {
  const rows = []; let row = []; let field = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const [head, ...body] = rows;
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}
const readCsv = (rel) => parseCsv(fs.readFileSync(dataFile(rel), 'utf8'));
const fold = (s) => String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
const num = (s) => (s === '' || s == null ? null : Number(s));

// ---------- reference data ----------
const geo = JSON.parse(fs.readFileSync(dataFile('geo/vn_provinces_34_2025.geojson'), 'utf8'));
const geoProps = new Map(geo.features.map((f) => [f.properties.code, f.properties]));
const provinces = readCsv('admin-units/provinces_2025.csv').map((p) => {
  const g = geoProps.get(p.code) || {};
  const area = g.area_km2 ?? null, pop = g.population ?? null;
  return {
    code: p.code, name: p.name, full_name: p.full_name, level: 'province', era: '2025', unit_type: p.unit_type,
    province_code: p.code, province_name: p.full_name, name_en: p.name_en, area_km2: area, population: pop,
    density: area && pop ? Math.round((pop / area) * 10) / 10 : null,
    _merged: p.merged_from_codes.split(';').map((c, i) => ({ code: c, full_name: p.merged_from_names.split(';')[i] })),
    _counts: { communes_total: num(p.communes_total), n_phuong: num(p.n_phuong), n_xa: num(p.n_xa), n_dac_khu: num(p.n_dac_khu) },
  };
});
const provByCode = new Map(provinces.map((p) => [p.code, p]));
let communePop = new Map();
try { communePop = new Map(readCsv('population/communes_2025_area_population.csv').map((r) => [r.code, r])); } catch { /* optional */ }
const communes = readCsv('admin-units/communes_2025.csv').map((c) => {
  const pp = communePop.get(c.code);
  const area = pp ? num(pp.area_km2) : null, pop = pp ? num(pp.population) : null;
  return {
    code: c.code, name: c.name, full_name: c.full_name, level: 'commune', era: '2025', unit_type: c.unit_type,
    province_code: c.province_code, province_name: c.province_full_name, name_en: null, area_km2: area, population: pop,
    density: area && pop ? Math.round(pop / area) : null,
  };
});
const communeByCode = new Map(communes.map((c) => [c.code, c]));
const oldCommunes = readCsv('admin-units/communes_pre2025.csv').map((c) => ({
  code: c.commune_code, name: c.commune_name.replace(/^(Xã|Phường|Thị trấn) /, ''), full_name: c.commune_name, level: 'commune', era: 'pre2025',
  unit_type: c.unit_type, province_code: c.province_code, province_name: c.province_name, district_name: c.district_name,
  name_en: null, area_km2: null, population: null, density: null,
}));
const conversion = readCsv('admin-units/commune_conversion_2025.csv');
const vsic = readCsv('classifications/vsic_2018.csv').map((f) => ({
  code: f.code, level: Number(f.level), parent_code: f.parent_code || null, name_vi: f.name_vi, name_en: f.name_en,
}));
const fields = readCsv('classifications/fields_of_science.csv').map((f) => ({
  code: f.code, level: Number(f.level), parent_code: f.parent_code || null, name_vi: f.name_vi, name_en: f.name_en,
}));

// ---------- mutable state ----------
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const users = [
  { id: 1, email: 'admin@example.vn', display_name: 'Quản trị hệ thống', role: 'admin', organization_id: null, password: 'Passw0rd!x' },
  { id: 2, email: 'staff@example.vn', display_name: 'Nguyễn Thị Lan', role: 'staff', organization_id: null, password: 'Passw0rd!x' },
  { id: 3, email: 'member@example.vn', display_name: 'Trần Văn Minh', role: 'member', organization_id: 1, password: 'Passw0rd!x' },
].map((u) => ({ ...u, created_at: '2026-01-05T02:00:00Z', disabled: false }));
const sessions = new Map();
const publicUser = ({ password, ...u }) => u;

function taxCheck(code) {
  const m = /^(\d{10})(-\d{3})?$/.exec(code);
  if (!m) return false;
  const d = m[1].split('').map(Number);
  const w = [31, 29, 23, 19, 17, 13, 7, 5, 3];
  const s = w.reduce((a, x, i) => a + x * d[i], 0);
  const c = 10 - (s % 11);
  return c === d[9];
}
function makeTax(seed) {
  for (let k = 0; ; k++) {
    const base = String(100000000 + ((seed * 7919 + k * 104729) % 899999999)).slice(0, 9);
    const d = base.split('').map(Number);
    const c = 10 - ([31, 29, 23, 19, 17, 13, 7, 5, 3].reduce((a, x, i) => a + x * d[i], 0) % 11);
    if (c < 10) return base + c;
  }
}
function orcidOk(s) {
  const m = /^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$/.exec(s); if (!m) return false;
  const d = m.slice(1).join(''); let t = 0;
  for (let i = 0; i < 15; i++) t = (t + Number(d[i])) * 2;
  const r = (12 - (t % 11)) % 11; return d[15] === (r === 10 ? 'X' : String(r));
}

const KINDS = ['enterprise', 'research_institute', 'university', 'state_agency', 'startup', 'other'];
const seedOrgs = [
  ['research_institute', 'Viện Hàn lâm Khoa học và Công nghệ Việt Nam', 'VAST', '01'],
  ['university', 'Đại học Quốc gia Hà Nội', 'VNU', '01'],
  ['university', 'Đại học Bách khoa Hà Nội', 'HUST', '01'],
  ['enterprise', 'Công ty Cổ phần Công nghệ Sao Bắc Đẩu', null, '01'],
  ['startup', 'Công ty TNHH Nông nghiệp Thông minh Mekong', 'MekongAgri', '96'],
  ['research_institute', 'Viện Lúa Đồng bằng sông Cửu Long', 'CLRRI', '92'],
  ['university', 'Trường Đại học Cần Thơ', 'CTU', '92'],
  ['enterprise', 'Công ty Cổ phần Dược phẩm Hậu Giang', 'DHG', '92'],
  ['state_agency', 'Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh', null, '79'],
  ['university', 'Đại học Quốc gia Thành phố Hồ Chí Minh', 'VNU-HCM', '79'],
  ['startup', 'Công ty TNHH Giải pháp AI Sài Gòn', null, '79'],
  ['enterprise', 'Công ty Cổ phần Cơ khí Chính xác Đà Nẵng', null, '48'],
  ['university', 'Đại học Đà Nẵng', 'UD', '48'],
  ['research_institute', 'Viện Nghiên cứu Hải sản', 'RIMF', '31'],
  ['enterprise', 'Công ty TNHH Thiết bị Y tế Thái Nguyên', null, '19'],
  ['state_agency', 'Trung tâm Ứng dụng tiến bộ KH&CN Nghệ An', null, '40'],
  ['university', 'Trường Đại học Vinh', 'VinhUni', '40'],
  ['enterprise', 'Công ty Cổ phần Chè Thái Nguyên', null, '19'],
  ['research_institute', 'Viện Khoa học Nông nghiệp Việt Nam', 'VAAS', '01'],
  ['startup', 'Công ty Cổ phần Năng lượng Xanh Khánh Hòa', null, '56'],
  ['enterprise', 'Công ty TNHH Cà phê Tây Nguyên', null, '66'],
  ['university', 'Trường Đại học Tây Nguyên', 'TNU', '66'],
  ['other', 'Hội Tin học Thanh Hóa', null, '38'],
  ['enterprise', 'Công ty Cổ phần Vật liệu mới Hải Phòng', null, '31'],
  ['research_institute', 'Viện Công nghệ Sinh học Lâm nghiệp', null, '01'],
];
let nextOrgId = 1;
const orgs = seedOrgs.map(([kind, name, short_name, pc], i) => ({
  id: nextOrgId++, version: 1, kind, name, name_en: null, short_name, tax_code: makeTax(i + 3), vsic_code: null,
  province_code: pc, commune_code: null, address: null, website: i % 3 === 0 ? 'https://example.vn' : null,
  email: null, phone: null, founded_on: `${1960 + i * 2}-0${1 + (i % 9)}-15`, description: null,
  created_at: `2026-0${1 + (i % 9)}-1${i % 9}T03:00:00Z`, updated_at: `2026-0${1 + (i % 9)}-1${i % 9}T03:00:00Z`, deleted: false,
}));
let nextCertId = 1;
const certs = [];
for (const o of orgs.slice(0, 12)) {
  const c = { id: nextCertId++, organization_id: o.id, number: `${100 + o.id}/ĐK-KHCN`, issued_on: '2024-03-12', issuer: 'Sở Khoa học và Công nghệ', note: null,
    status: 'active', status_since: '2024-03-12', events: [{ id: 1, action: 'issue', date: '2024-03-12', reason: null, decision_number: null }] };
  if (o.id % 4 === 0) { c.events.push({ id: 2, action: 'suspend', date: '2025-09-01', reason: 'Không nộp báo cáo hoạt động năm 2024', decision_number: '215/QĐ-SKHCN' }); c.status = 'suspended'; c.status_since = '2025-09-01'; }
  if (o.id === 5) { c.events.push({ id: 2, action: 'amend', date: '2025-01-20', reason: 'Thay đổi địa chỉ trụ sở', decision_number: '12/QĐ-SKHCN' }); }
  certs.push(c);
}
const certStatus = (orgId) => {
  const cs = certs.filter((c) => c.organization_id === orgId);
  if (!cs.length) return null;
  if (cs.some((c) => c.status === 'active')) return 'active';
  if (cs.some((c) => c.status === 'suspended')) return 'suspended';
  return 'revoked';
};
const orgOut = (o) => { const { deleted, ...r } = o; return { ...r, province_name: provByCode.get(o.province_code)?.full_name ?? null, certificate_status: certStatus(o.id) }; };

const seedPeople = [
  ['Nguyễn Văn An', 'GS.TS.', 1, ['1', '102'], ['trí tuệ nhân tạo', 'xử lý ngôn ngữ tự nhiên'], true, '01', true],
  ['Trần Thị Bích Ngọc', 'PGS.TS.', 7, ['4', '401'], ['giống lúa', 'chịu mặn'], true, '92', false],
  ['Lê Hoàng Phúc', 'TS.', 10, ['2', '202'], ['IoT', 'hệ thống nhúng'], false, '79', true],
  ['Phạm Minh Đức', 'ThS.', 4, ['2'], ['vật liệu composite'], false, '01', false],
  ['Võ Thị Hồng', 'TS.', 13, ['3'], ['dược liệu', 'y học cổ truyền'], true, '48', false],
  ['Đặng Quốc Bảo', 'PGS.TS.', 14, ['1', '105'], ['hải dương học', 'nguồn lợi thủy sản'], true, '31', true],
  ['Hoàng Thu Trang', 'TS.', 22, ['4'], ['cà phê', 'nông nghiệp bền vững'], false, '66', false],
  ['Bùi Thanh Sơn', 'GS.TSKH.', 2, ['1'], ['toán ứng dụng'], true, '01', true],
];
let nextPersonId = 1;
const people = seedPeople.map(([full_name, title, organization_id, f, keywords, is_expert, pc, contact_public], i) => ({
  id: nextPersonId++, version: 1, full_name, title, organization_id, position: i % 2 ? 'Nghiên cứu viên chính' : 'Trưởng phòng thí nghiệm',
  fields: f, keywords, orcid: i === 0 ? '0000-0002-1825-0097' : null, email: `nguoi${i + 1}@example.vn`, phone: '0912 345 6' + String(10 + i),
  is_expert, province_code: pc, bio: null, contact_public, created_at: '2026-02-01T03:00:00Z', updated_at: '2026-02-01T03:00:00Z', deleted: false,
}));
function personOut(p, user) {
  const { deleted, ...r } = p;
  const o = orgs.find((x) => x.id === p.organization_id);
  const out = { ...r, organization_name: o?.name ?? null, province_name: provByCode.get(p.province_code)?.full_name ?? null };
  const sees = p.contact_public || (user && (user.role === 'admin' || user.role === 'staff' || (user.role === 'member' && user.organization_id === p.organization_id)));
  if (!sees) { delete out.email; delete out.phone; out.contact_hidden = true; }
  return out;
}

const tokens = [];
let nextAuditId = 1;
const audit = [];
function logAudit(user, action, entity_type, entity_id, before, after) {
  audit.push({ id: nextAuditId++, at: now(), actor_email: user?.email ?? null, action, entity_type, entity_id: String(entity_id), before, after });
}
logAudit(users[0], 'create', 'organization', 1, null, orgOut(orgs[0]));
logAudit(users[1], 'update', 'organization', 2, { name: 'ĐHQG Hà Nội', website: null }, { name: 'Đại học Quốc gia Hà Nội', website: 'https://vnu.edu.vn' });

// ---------- helpers ----------
// ---- search (docs/api.md "Search"): diacritics optional, facets, <mark> snippets, suggestion ----
const KIND_VI = { enterprise: 'doanh nghiệp', research_institute: 'viện nghiên cứu', university: 'trường đại học', state_agency: 'cơ quan nhà nước', startup: 'khởi nghiệp đổi mới sáng tạo', other: 'tổ chức khác' };
const escHtml = (x) => String(x).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const WORD_RE = /([\p{L}\p{N}]+)/u;
const words = (x) => String(x ?? '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
function searchDocs() {
  const docs = [];
  for (const o of orgs) {
    if (o.deleted) continue;
    const prov = provByCode.get(o.province_code)?.full_name ?? '';
    docs.push({ type: 'organization', id: o.id, title: o.name, subtitle: [KIND_VI[o.kind], prov].filter(Boolean).join(' · '),
      body: [KIND_VI[o.kind], o.short_name, o.name_en, o.description, prov].filter(Boolean).join('\n'),
      f: { type: ['organization'], province: o.province_code ? [o.province_code] : [], kind: [o.kind], field: [], expert: [], certified: [certStatus(o.id) === 'active' ? 'yes' : 'no'] } });
  }
  for (const x of people) {
    if (x.deleted) continue;
    const prov = provByCode.get(x.province_code)?.full_name ?? '';
    const org = orgs.find((o) => o.id === x.organization_id && !o.deleted);
    const fcodes = [...new Set(x.fields.flatMap((c) => (c.length > 1 ? [c.slice(0, 1), c] : [c])))];
    docs.push({ type: 'person', id: x.id, title: x.full_name, subtitle: [x.title, org?.name].filter(Boolean).join(' · '),
      body: [x.title, prov, x.keywords.join(', '), fcodes.map((c) => fields.find((f) => f.code === c)?.name_vi).filter(Boolean).join(', ')].filter(Boolean).join('\n'),
      f: { type: ['person'], province: x.province_code ? [x.province_code] : [], kind: [], field: fcodes, expert: [x.is_expert ? 'yes' : 'no'], certified: [] } });
  }
  return docs;
}
function mockSearch(q) {
  const text = (q.get('q') || '').trim();
  const prefix = q.get('prefix') === 'true';
  const limit = Math.min(100, Math.max(1, Number(q.get('limit') || 20)));
  const offset = Math.max(0, Number(q.get('offset') || 0));
  const qw = words(text).map(fold);
  const matches = (w, i) => (t) => (prefix && i === qw.length - 1 ? t.startsWith(w) : t === w);
  const filters = { type: q.get('type'), province: q.get('province_code'), kind: q.get('kind'), field: q.get('field'),
    expert: q.get('expert') === 'true' ? 'yes' : q.get('expert') === 'false' ? 'no' : null };
  const docs = searchDocs().filter((d) => Object.entries(filters).every(([k, v]) => !v || d.f[k].includes(v)));
  const scoreOf = (d, mode) => {
    if (!qw.length) return 0;
    const tt = words(d.title).map(fold), bt = words(d.body).map(fold);
    let score = 0, hit = 0;
    qw.forEach((w, i) => {
      const m = matches(w, i);
      const inT = tt.filter(m).length, inB = bt.filter(m).length;
      if (inT || inB) hit++;
      score += inT * 2 + inB * 0.5;
    });
    const exact = words(text).filter((w) => words(d.title + ' ' + d.body).some((x) => x.toLowerCase() === w.toLowerCase())).length;
    return (mode === 'all' ? hit === qw.length : hit > 0) ? score + exact * 0.1 : -1;
  };
  let ranked = docs.map((d) => ({ d, s: scoreOf(d, 'all') })).filter((x) => x.s >= 0);
  if (!ranked.length && qw.length) ranked = docs.map((d) => ({ d, s: scoreOf(d, 'any') })).filter((x) => x.s >= 0);
  ranked.sort((a, b) => b.s - a.s || a.d.title.localeCompare(b.d.title, 'vi'));
  const hl = (x) => String(x).split(WORD_RE).map((piece, i) => (i % 2 && qw.some((w, k) => matches(w, k)(fold(piece))) ? `<mark>${escHtml(piece)}</mark>` : escHtml(piece))).join('');
  const facets = {};
  for (const k of ['type', 'province', 'kind', 'field', 'expert', 'certified']) {
    const c = new Map();
    for (const { d } of ranked) for (const v of d.f[k]) c.set(v, (c.get(v) || 0) + 1);
    facets[k] = [...c].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  // Suggestion: give each diacritic-less word its most frequent accented form in the data.
  const forms = new Map();
  for (const d of searchDocs()) for (const w of words(d.title + ' ' + d.body)) {
    const lw = w.toLowerCase(), f = fold(lw);
    if (f === lw) continue;
    const m = forms.get(f) ?? new Map(); m.set(lw, (m.get(lw) || 0) + 1); forms.set(f, m);
  }
  const restored = words(text).map((w) => {
    const lw = w.toLowerCase();
    if (fold(lw) !== lw || !forms.has(lw)) return lw;
    return [...forms.get(lw)].sort((a, b) => b[1] - a[1])[0][0];
  }).join(' ');
  const items = ranked.slice(offset, offset + limit).map(({ d, s }) => ({
    type: d.type, id: d.id, title: d.title, subtitle: d.subtitle, url: `#/${d.type === 'person' ? 'people' : 'organizations'}/${d.id}`, score: s,
    snippets: qw.length ? { title: hl(d.title), body: hl(d.body) } : { title: escHtml(d.title) },
  }));
  return { items, total: ranked.length, limit, offset, facets, suggestion: qw.length && restored !== text.toLowerCase() ? restored : '', total_exact: true };
}

function send(res, status, body, headers = {}) {
  const data = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(data);
}
function problem(res, status, code, title, extra = {}) { send(res, status, { type: 'https://stio.vn/problems/' + code, title, status, ...extra }); }
function list(items, q, defSort) {
  const limit = Math.min(500, Number(q.get('limit') || 50)); const offset = Number(q.get('offset') || 0);
  const sort = q.get('sort') || defSort;
  if (sort) {
    const key = sort.replace(/^-/, ''); const dir = sort.startsWith('-') ? -1 : 1;
    items = items.slice().sort((a, b) => {
      const x = a[key], y = b[key];
      if (typeof x === 'string' || typeof y === 'string') return dir * String(x ?? '').localeCompare(String(y ?? ''), 'vi');
      return dir * ((x ?? -Infinity) - (y ?? -Infinity));
    });
  }
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
}
const readBody = (req) => new Promise((resolve) => { let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => resolve(b)); });
function cookies(req) { return Object.fromEntries((req.headers.cookie || '').split(';').map((s) => s.trim().split('=')).filter((x) => x.length === 2)); }

const ORG_FIELDS = ['kind', 'name', 'name_en', 'short_name', 'tax_code', 'vsic_code', 'province_code', 'commune_code', 'address', 'website', 'email', 'phone', 'founded_on', 'description'];
function validateOrg(b, partial) {
  const errors = [];
  if (!partial || 'kind' in b) if (!KINDS.includes(b.kind)) errors.push({ field: 'kind', message: 'Loại hình không hợp lệ' });
  if (!partial || 'name' in b) if (!b.name || !String(b.name).trim()) errors.push({ field: 'name', message: 'Tên tổ chức là bắt buộc' });
  if (b.tax_code && !taxCheck(b.tax_code)) errors.push({ field: 'tax_code', message: 'Mã số thuế không hợp lệ (sai chữ số kiểm tra)' });
  if (b.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.email)) errors.push({ field: 'email', message: 'Email không hợp lệ' });
  if (b.province_code && !provByCode.has(b.province_code)) errors.push({ field: 'province_code', message: 'Mã tỉnh không tồn tại' });
  return errors;
}

// ---------- API ----------
async function api(req, res, url) {
  const p = url.pathname.slice('/api/v1'.length) || '/';
  const q = url.searchParams;
  const m = req.method;
  const sess = sessions.get(cookies(req).stio_session);
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization || '')?.[1];
  const bearerTok = bearer ? tokens.find((x) => x.secret === bearer && !x.revoked_at) : null;
  if (bearer && !bearerTok) return problem(res, 401, 'unauthorized', 'Mã truy cập không hợp lệ');
  const user = bearerTok ? users.find((u) => u.id === bearerTok.user_id) : sess ? users.find((u) => u.id === sess.userId) : null;
  let body = {};
  if (m !== 'GET') {
    const raw = await readBody(req);
    if (p.startsWith('/import/')) body = raw;
    else if (raw) { try { body = JSON.parse(raw); } catch { return problem(res, 400, 'bad-json', 'Dữ liệu JSON không hợp lệ'); } }
    if (p !== '/auth/login' && !bearerTok && (!sess || req.headers['x-csrf-token'] !== sess.csrf)) {
      if (!user) return problem(res, 401, 'unauthorized', 'Cần đăng nhập');
      return problem(res, 403, 'csrf', 'Thiếu hoặc sai mã CSRF');
    }
  }
  const isStaff = user && (user.role === 'admin' || user.role === 'staff');
  let mm;

  if (p === '/auth/login' && m === 'POST') {
    const u = users.find((x) => x.email === body.email && x.password === body.password);
    if (!u) return problem(res, 401, 'unauthorized', 'Sai email hoặc mật khẩu');
    const tok = crypto.randomBytes(16).toString('hex'); const csrf = crypto.randomBytes(16).toString('hex');
    sessions.set(tok, { userId: u.id, csrf });
    return send(res, 200, { user: publicUser(u), csrf_token: csrf }, { 'Set-Cookie': `stio_session=${tok}; HttpOnly; Path=/; SameSite=Strict` });
  }
  if (p === '/auth/logout' && m === 'POST') { sessions.delete(cookies(req).stio_session); res.writeHead(204, { 'Set-Cookie': 'stio_session=; Max-Age=0; Path=/' }); return res.end(); }
  if (p === '/auth/me') return user ? send(res, 200, { user: publicUser(user), csrf_token: sess.csrf }) : problem(res, 401, 'unauthorized', 'Chưa đăng nhập');

  if (p === '/search' && m === 'GET') return send(res, 200, mockSearch(q));
  if (p === '/tokens' || /^\/tokens\/\d+$/.test(p)) {
    if (!user) return problem(res, 401, 'unauthorized', 'Cần đăng nhập');
    if (p === '/tokens' && m === 'GET') return send(res, 200, list(tokens.filter((x) => x.user_id === user.id).map(({ user_id, secret, ...x }) => x), q, 'id'));
    if (p === '/tokens' && m === 'POST') {
      if (!body.name || typeof body.name !== 'string') return problem(res, 400, 'invalid-argument', 'name is required', { field: 'name' });
      const token = 'stio_' + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
      const tk = { id: tokens.length + 1, user_id: user.id, name: body.name, prefix: token.slice(0, 9), created_at: now(), last_used_at: null, revoked_at: null, secret: token };
      tokens.push(tk);
      return send(res, 201, { id: tk.id, name: tk.name, prefix: tk.prefix, token });
    }
    const tk = tokens.find((x) => x.id === Number(p.split('/')[2]) && x.user_id === user.id);
    if (m === 'DELETE') { if (!tk) return problem(res, 404, 'not-found', 'Không tìm thấy'); tk.revoked_at = now(); res.writeHead(204); return res.end(); }
  }
  if ((mm = /^\/import\/(organizations|people)$/.exec(p)) && m === 'POST') {
    if (!isStaff) return problem(res, user ? 403 : 401, 'forbidden', 'Không có quyền');
    let rows;
    if (q.get('format') === 'json') { try { rows = JSON.parse(body); } catch { return problem(res, 400, 'invalid-argument', 'the file is not valid JSON'); } if (!Array.isArray(rows)) rows = []; }
    else rows = parseCsv(String(body));
    const errors = [];
    rows.forEach((r, i) => {
      const line = q.get('format') === 'json' ? i + 1 : i + 2;
      if (mm[1] === 'organizations') {
        if (!KINDS.includes(r.kind)) errors.push({ line, column: 'kind', message: `'kind' must be one of: ${KINDS.join(', ')}` });
        if (!r.name) errors.push({ line, column: 'name', message: "'name' is required" });
      } else if (!r.full_name) errors.push({ line, column: 'full_name', message: "'full_name' is required" });
    });
    if (errors.length) return send(res, 422, { type: 'https://stio.vn/problems/invalid-argument', title: 'Unprocessable Content', status: 422, detail: `${new Set(errors.map((e) => e.line)).size} row(s) were rejected; nothing was imported`, errors, inserted: 0 });
    for (const r of rows) {
      if (mm[1] === 'organizations') orgs.push({ id: nextOrgId++, version: 1, kind: r.kind, name: r.name, province_code: r.province_code || null, created_at: now(), updated_at: now(), deleted: false });
      else people.push({ id: nextPersonId++, version: 1, full_name: r.full_name, fields: [], keywords: [], is_expert: false, province_code: r.province_code || null, contact_public: false, created_at: now(), updated_at: now(), deleted: false });
    }
    return send(res, 200, { inserted: rows.length });
  }
  if (p === '/stats') {
    const live = orgs.filter((o) => !o.deleted); const lp = people.filter((x) => !x.deleted);
    return send(res, 200, { organizations: live.length, people: lp.length, experts: lp.filter((x) => x.is_expert).length,
      certificates_active: certs.filter((c) => c.status === 'active').length, provinces: 34, communes: communes.length });
  }
  if (p === '/geo/provinces') return send(res, 200, geo);
  if (p === '/reference/vsic') return send(res, 200, { items: vsic, total: vsic.length, limit: 500, offset: 0 });
  if (p === '/reference/fields-of-science') return send(res, 200, { items: fields, total: fields.length, limit: 500, offset: 0 });

  if (p === '/admin-units/convert') {
    const code = q.get('old_code');
    return send(res, 200, { items: conversion.filter((r) => r.old_commune_code === code).map((r) => ({
      new_province_code: r.new_province_code, new_province_name: r.new_province_name, new_commune_code: r.new_commune_code,
      new_commune_name: r.new_commune_name, merge_type: r.merge_type })) });
  }
  if (p === '/admin-units') {
    const level = q.get('level') || 'province'; const era = q.get('era') || '2025';
    let items = level === 'province' ? provinces : era === 'pre2025' ? oldCommunes : communes;
    if (q.get('province_code')) items = items.filter((x) => x.province_code === q.get('province_code'));
    if (q.get('q')) { const f = fold(q.get('q')); items = items.filter((x) => fold(x.full_name).includes(f) || fold(x.name).includes(f) || x.code === q.get('q')); }
    items = items.map(({ _merged, _counts, ...x }) => x);
    return send(res, 200, list(items, q, null));
  }
  if ((mm = /^\/admin-units\/(\w+)$/.exec(p))) {
    const code = mm[1]; const level = q.get('level') || (code.length <= 2 ? 'province' : 'commune');
    if (level === 'province') {
      const pr = provByCode.get(code); if (!pr) return problem(res, 404, 'not-found', 'Không tìm thấy');
      const { _merged, _counts, ...x } = pr; return send(res, 200, { ...x, merged_from: _merged, ..._counts });
    }
    const c = communeByCode.get(code); if (!c) return problem(res, 404, 'not-found', 'Không tìm thấy');
    return send(res, 200, { ...c, predecessors: conversion.filter((r) => r.new_commune_code === code).map((r) => ({
      old_commune_code: r.old_commune_code, old_commune_name: r.old_commune_name, old_district_name: r.old_district_name,
      old_province_code: r.old_province_code, old_province_name: r.old_province_name, merge_type: r.merge_type, note_vi: r.note_vi })) });
  }

  if (p === '/organizations' && m === 'GET') {
    let items = orgs.filter((o) => !o.deleted);
    if (q.get('q')) { const f = fold(q.get('q')); items = items.filter((o) => fold(o.name).includes(f) || fold(o.short_name).includes(f)); }
    if (q.get('kind')) items = items.filter((o) => o.kind === q.get('kind'));
    if (q.get('province_code')) items = items.filter((o) => o.province_code === q.get('province_code'));
    if (q.get('certified')) items = items.filter((o) => (certStatus(o.id) === 'active') === (q.get('certified') === 'true'));
    return send(res, 200, list(items.map(orgOut), q, 'name'));
  }
  if (p === '/organizations' && m === 'POST') {
    if (!isStaff) return problem(res, 403, 'forbidden', 'Không có quyền');
    const unknown = Object.keys(body).find((k) => !ORG_FIELDS.includes(k));
    if (unknown) return problem(res, 400, 'unknown-field', 'Trường không được hỗ trợ', { field: unknown, detail: `Trường "${unknown}" không được hỗ trợ` });
    const errors = validateOrg(body, false);
    if (errors.length) return problem(res, 400, 'validation', 'Dữ liệu không hợp lệ', { field: errors[0].field, detail: errors[0].message, errors });
    const o = { id: nextOrgId++, version: 1, ...Object.fromEntries(ORG_FIELDS.map((k) => [k, body[k] ?? null])), created_at: now(), updated_at: now(), deleted: false };
    orgs.push(o); logAudit(user, 'create', 'organization', o.id, null, orgOut(o));
    return send(res, 201, orgOut(o));
  }
  if ((mm = /^\/organizations\/(\d+)$/.exec(p))) {
    const o = orgs.find((x) => x.id === Number(mm[1]) && !x.deleted);
    if (!o) return problem(res, 404, 'not-found', 'Không tìm thấy tổ chức');
    if (m === 'GET') return send(res, 200, orgOut(o));
    if (m === 'PATCH') {
      if (!(isStaff || (user.role === 'member' && user.organization_id === o.id))) return problem(res, 403, 'forbidden', 'Không có quyền');
      const unknown = Object.keys(body).find((k) => k !== 'version' && !ORG_FIELDS.includes(k));
      if (unknown) return problem(res, 400, 'unknown-field', 'Trường không được hỗ trợ', { field: unknown });
      if (body.version !== o.version) return problem(res, 409, 'conflict', 'Phiên bản đã cũ', { detail: 'Bản ghi đã bị thay đổi bởi người khác.' });
      const errors = validateOrg(body, true);
      if (errors.length) return problem(res, 400, 'validation', 'Dữ liệu không hợp lệ', { field: errors[0].field, detail: errors[0].message, errors });
      const before = orgOut(o);
      for (const k of ORG_FIELDS) if (k in body) o[k] = body[k];
      o.version++; o.updated_at = now();
      logAudit(user, 'update', 'organization', o.id, before, orgOut(o));
      return send(res, 200, orgOut(o));
    }
    if (m === 'DELETE') {
      if (!isStaff) return problem(res, 403, 'forbidden', 'Không có quyền');
      o.deleted = true; logAudit(user, 'delete', 'organization', o.id, orgOut(o), null);
      res.writeHead(204); return res.end();
    }
  }
  if ((mm = /^\/organizations\/(\d+)\/certificates$/.exec(p))) {
    const id = Number(mm[1]);
    if (m === 'GET') return send(res, 200, { items: certs.filter((c) => c.organization_id === id) });
    if (!isStaff) return problem(res, 403, 'forbidden', 'Không có quyền');
    if (!body.number) return problem(res, 400, 'validation', 'Thiếu số giấy chứng nhận', { field: 'number' });
    const c = { id: nextCertId++, organization_id: id, number: body.number, issued_on: body.issued_on, issuer: body.issuer ?? null, note: body.note ?? null,
      status: 'active', status_since: body.issued_on, events: [{ id: 1, action: 'issue', date: body.issued_on }] };
    certs.push(c); logAudit(user, 'create', 'certificate', c.id, null, c);
    return send(res, 201, c);
  }
  if ((mm = /^\/certificates\/(\d+)\/events$/.exec(p)) && m === 'POST') {
    const c = certs.find((x) => x.id === Number(mm[1])); if (!c) return problem(res, 404, 'not-found', 'Không tìm thấy');
    if (!isStaff) return problem(res, 403, 'forbidden', 'Không có quyền');
    const last = c.events[c.events.length - 1];
    const ok = { amend: c.status !== 'revoked', suspend: c.status === 'active', reinstate: c.status === 'suspended', revoke: c.status !== 'revoked' }[body.action];
    if (!ok) return problem(res, 409, 'illegal-transition', 'Chuyển trạng thái không hợp lệ', { detail: `Không thể "${body.action}" khi giấy chứng nhận đang ở trạng thái "${c.status}".` });
    if (last && body.date < last.date) return problem(res, 409, 'illegal-transition', 'Ngày không hợp lệ', { field: 'date', detail: 'Ngày phải sau sự kiện gần nhất.' });
    const before = JSON.parse(JSON.stringify(c));
    c.events.push({ id: c.events.length + 1, action: body.action, date: body.date, reason: body.reason ?? null, decision_number: body.decision_number ?? null });
    if (body.action !== 'amend') { c.status = { suspend: 'suspended', reinstate: 'active', revoke: 'revoked' }[body.action]; c.status_since = body.date; }
    logAudit(user, 'update', 'certificate', c.id, before, c);
    return send(res, 201, c);
  }

  const PERSON_FIELDS = ['full_name', 'title', 'organization_id', 'position', 'fields', 'keywords', 'orcid', 'email', 'phone', 'is_expert', 'province_code', 'bio', 'contact_public'];
  const validatePerson = (b, partial) => {
    const errors = [];
    if ((!partial || 'full_name' in b) && !String(b.full_name ?? '').trim()) errors.push({ field: 'full_name', message: 'Họ tên là bắt buộc' });
    if (b.orcid && !orcidOk(b.orcid)) errors.push({ field: 'orcid', message: 'ORCID không hợp lệ' });
    return errors;
  };
  if (p === '/people' && m === 'GET') {
    let items = people.filter((x) => !x.deleted);
    if (q.get('q')) { const f = fold(q.get('q')); items = items.filter((x) => fold(x.full_name).includes(f) || x.keywords.some((k) => fold(k).includes(f))); }
    if (q.get('field')) items = items.filter((x) => x.fields.some((c) => c === q.get('field') || c.startsWith(q.get('field'))));
    if (q.get('expert') === 'true') items = items.filter((x) => x.is_expert);
    if (q.get('province_code')) items = items.filter((x) => x.province_code === q.get('province_code'));
    if (q.get('organization_id')) items = items.filter((x) => String(x.organization_id) === q.get('organization_id'));
    if (!q.get('sort') || q.get('sort').replace('-', '') === 'name') q.set('sort', (q.get('sort') || 'name').replace('name', 'full_name'));
    return send(res, 200, list(items.map((x) => personOut(x, user)), q, 'full_name'));
  }
  if (p === '/people' && m === 'POST') {
    if (!(isStaff || (user.role === 'member' && body.organization_id === user.organization_id))) return problem(res, 403, 'forbidden', 'Không có quyền');
    const unknown = Object.keys(body).find((k) => !PERSON_FIELDS.includes(k));
    if (unknown) return problem(res, 400, 'unknown-field', 'Trường không được hỗ trợ', { field: unknown });
    const errors = validatePerson(body, false);
    if (errors.length) return problem(res, 400, 'validation', 'Dữ liệu không hợp lệ', { field: errors[0].field, detail: errors[0].message, errors });
    const x = { id: nextPersonId++, version: 1, fields: [], keywords: [], is_expert: false, contact_public: false, ...body, created_at: now(), updated_at: now(), deleted: false };
    people.push(x); logAudit(user, 'create', 'person', x.id, null, personOut(x, user));
    return send(res, 201, personOut(x, user));
  }
  if ((mm = /^\/people\/(\d+)$/.exec(p))) {
    const x = people.find((y) => y.id === Number(mm[1]) && !y.deleted);
    if (!x) return problem(res, 404, 'not-found', 'Không tìm thấy');
    if (m === 'GET') return send(res, 200, personOut(x, user));
    if (!(isStaff || (user.role === 'member' && user.organization_id === x.organization_id))) return problem(res, 403, 'forbidden', 'Không có quyền');
    if (m === 'PATCH') {
      if (body.version !== x.version) return problem(res, 409, 'conflict', 'Phiên bản đã cũ');
      const errors = validatePerson(body, true);
      if (errors.length) return problem(res, 400, 'validation', 'Dữ liệu không hợp lệ', { field: errors[0].field, detail: errors[0].message, errors });
      const before = personOut(x, user);
      for (const k of PERSON_FIELDS) if (k in body) x[k] = body[k];
      x.version++; x.updated_at = now(); logAudit(user, 'update', 'person', x.id, before, personOut(x, user));
      return send(res, 200, personOut(x, user));
    }
    if (m === 'DELETE') { x.deleted = true; logAudit(user, 'delete', 'person', x.id, personOut(x, user), null); res.writeHead(204); return res.end(); }
  }
  if (p === '/users' || /^\/users\/\d+$/.test(p)) {
    if (!user || user.role !== 'admin') return problem(res, user ? 403 : 401, 'forbidden', 'Không có quyền');
    if (p === '/users' && m === 'GET') return send(res, 200, list(users.map(publicUser), q, 'id'));
    if (p === '/users' && m === 'POST') {
      if (!body.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) return problem(res, 400, 'validation', 'Bad Request', { field: 'email', detail: 'invalid e-mail address', errors: [{ field: 'email', message: 'invalid e-mail address' }] });
      if (users.some((u) => u.email === body.email)) return problem(res, 409, 'conflict', 'Conflict', { field: 'email', detail: 'e-mail already in use' });
      if (String(body.password || '').length < 10) return problem(res, 400, 'validation', 'Bad Request', { field: 'password', detail: 'password too short' });
      const u = { id: users.length + 1, email: body.email, display_name: body.display_name || body.email, role: body.role, organization_id: body.organization_id ?? null, password: body.password, created_at: now(), disabled: false };
      users.push(u); logAudit(user, 'create', 'user', u.id, null, publicUser(u));
      return send(res, 201, publicUser(u));
    }
    const u = users.find((x) => x.id === Number(p.split('/')[2]));
    if (!u) return problem(res, 404, 'not-found', 'Không tìm thấy');
    if (m === 'PATCH') {
      const before = publicUser(u);
      for (const k of ['display_name', 'role', 'organization_id', 'disabled', 'password']) if (k in body) u[k] = body[k];
      logAudit(user, 'update', 'user', u.id, before, publicUser(u));
      return send(res, 200, publicUser(u));
    }
  }
  if (p === '/audit') {
    if (!user || user.role !== 'admin') return problem(res, user ? 403 : 401, 'forbidden', 'Không có quyền');
    let items = audit.slice().reverse();
    for (const k of ['entity_type', 'action', 'entity_id']) if (q.get(k)) items = items.filter((a) => a[k] === q.get(k));
    if (q.get('actor')) items = items.filter((a) => (a.actor_email || '').includes(q.get('actor')));
    if (q.get('since')) items = items.filter((a) => a.at >= q.get('since'));
    if (q.get('until')) items = items.filter((a) => a.at.slice(0, 10) <= q.get('until'));
    return send(res, 200, list(items, q, null));
  }
  return problem(res, 404, 'not-found', 'Không tìm thấy: ' + p);
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon' };
function serveStatic(req, res, url) {
  let rel = decodeURIComponent(url.pathname);
  if (rel === '/' || !path.extname(rel)) rel = '/index.html';
  const file = path.join(DIST, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
  if (!file.startsWith(DIST) || !fs.existsSync(file)) { res.writeHead(404, { 'Content-Type': 'text/plain' }); return res.end('not found'); }
  const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' };
  // Same policy as the real server's (src/api/api.cc), so the tests catch violations.
  if (file.endsWith('.html')) headers['Content-Security-Policy'] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
  res.writeHead(200, headers);
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
  if (url.pathname.startsWith('/api/v1')) {
    api(req, res, url).catch((e) => { console.error(e); problem(res, 500, 'internal', 'Lỗi máy chủ'); });
    return;
  }
  serveStatic(req, res, url);
});
server.listen(PORT, '127.0.0.1', () => console.log(`mock stio on http://127.0.0.1:${PORT} (dist: ${DIST})`));
