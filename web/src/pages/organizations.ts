import { h } from '../dom';
import { t, tx, getLang, type DictKey } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDate, fmtDateTime, parseDate } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  dateInput, needLogin,   clearErrors, confirmDialog, dl, empty, errorState, errorText, formSummary, input, link, loading,
  pageHeader, pager, select, setFieldError, showProblem, showSummary, statusBadge, table, textarea, toast, type Column,
} from '../ui';
import { getCommunes, getProvinces, getVsic } from '../refdata';
import { DATE_RE, EMAIL_RE, TAX_CODE_RE, URL_RE, dateValid } from '../validate';

export const KINDS = ['enterprise', 'research_institute', 'university', 'state_agency', 'startup', 'other'] as const;

export interface Organization {
  id: number; version: number; kind: string; name: string; name_en?: string | null; short_name?: string | null;
  tax_code?: string | null; vsic_code?: string | null; province_code?: string | null; province_name?: string | null;
  commune_code?: string | null; address?: string | null; website?: string | null; email?: string | null;
  phone?: string | null; founded_on?: string | null; description?: string | null;
  certificate_status?: string | null; created_at?: string; updated_at?: string;
}
interface CertEvent { id?: number; action: string; date: string; reason?: string | null; decision_number?: string | null; at?: string }
interface Certificate {
  id: number; organization_id: number; number: string; issued_on: string; issuer?: string | null; note?: string | null;
  status: string; status_since?: string | null; events?: CertEvent[];
}

const PAGE = 20;

// ---------- list ----------
export function orgListPage(ctx: RouteCtx): Node {
  const q = ctx.query;
  const state = {
    q: q.get('q') || '', kind: q.get('kind') || '', province_code: q.get('province') || '',
    certified: q.get('certified') || '', vsic: q.get('vsic') || '', sort: q.get('sort') || 'name', offset: Number(q.get('offset') || 0) || 0,
  };
  const update = (patch: Partial<typeof state>) => {
    const s = { ...state, offset: 0, ...patch };
    setQuery({ q: s.q, kind: s.kind, province: s.province_code, certified: s.certified, vsic: s.vsic, sort: s.sort === 'name' ? '' : s.sort, offset: s.offset || '' }, ctx.path);
  };

  const qInput = h('input', { type: 'search', name: 'q', id: 'org-q', value: state.q, placeholder: t('common.searchPlaceholder'), autocomplete: 'off' });
  const kindSel = h('select', { name: 'kind', id: 'org-kind' },
    h('option', { value: '' }, t('common.all')),
    KINDS.map((k) => h('option', { value: k, selected: state.kind === k }, t(('kind.' + k) as DictKey))));
  const provSel = h('select', { name: 'province', id: 'org-province' }, h('option', { value: '' }, t('common.all')));
  getProvinces().then((ps) => {
    for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: state.province_code === p.code }, p.name));
  }).catch(() => { /* filter stays "all" */ });
  const certSel = h('select', { name: 'certified', id: 'org-certified' },
    h('option', { value: '' }, t('common.all')),
    h('option', { value: 'true', selected: state.certified === 'true' }, t('org.certifiedYes')),
    h('option', { value: 'false', selected: state.certified === 'false' }, t('org.certifiedNo')));
  const vsicSel = h('select', { name: 'vsic', id: 'org-vsic' }, h('option', { value: '' }, t('common.all')));
  getVsic().then((vs) => {
    const en = getLang() === 'en';
    for (const v of vs) vsicSel.appendChild(h('option', { value: v.code, selected: state.vsic === v.code }, `${v.level > 1 ? '— ' : ''}${v.code} ${en ? v.name_en : v.name_vi}`));
  }).catch(() => undefined);
  vsicSel.addEventListener('change', () => update({ vsic: vsicSel.value }));
  const sortSel = h('select', { name: 'sort', id: 'org-sort' },
    ([['name', 'org.sortName'], ['-name', 'org.sortNameDesc'], ['-created_at', 'org.sortNewest'], ['created_at', 'org.sortOldest']] as [string, DictKey][])
      .map(([v, l]) => h('option', { value: v, selected: state.sort === v }, t(l))));

  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ q: qInput.value.trim() }), 350); });
  kindSel.addEventListener('change', () => update({ kind: kindSel.value }));
  provSel.addEventListener('change', () => update({ province_code: provSel.value }));
  certSel.addEventListener('change', () => update({ certified: certSel.value }));
  sortSel.addEventListener('change', () => update({ sort: sortSel.value }));

  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); update({ q: qInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'org-q' }, t('common.search')), qInput),
    h('div', { class: 'filter' }, h('label', { for: 'org-kind' }, t('org.kind')), kindSel),
    h('div', { class: 'filter' }, h('label', { for: 'org-province' }, t('org.province')), provSel),
    h('div', { class: 'filter' }, h('label', { for: 'org-certified' }, t('org.certified')), certSel),
    h('div', { class: 'filter filter-vsic' }, h('label', { for: 'org-vsic' }, t('org.vsic')), vsicSel),
    h('div', { class: 'filter' }, h('label', { for: 'org-sort' }, t('common.sortBy')), sortSel));

  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    api.get<ListResponse<Organization>>('/organizations', {
      q: state.q, kind: state.kind, province_code: state.province_code, certified: state.certified, vsic: state.vsic,
      sort: state.sort, limit: PAGE, offset: state.offset,
    }).then((r) => {
      const items = itemsOf<Organization>(r);
      if (!items.length) {
        results.replaceChildren(empty(), (state.q || state.kind || state.province_code || state.certified || state.vsic)
          ? h('p', { class: 'center' }, h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => setQuery({}, ctx.path) }, t('common.reset'))) : '');
        return;
      }
      const cols: Column<Organization>[] = [
        { label: t('org.name'), primary: true, cell: (o) => h('div', null, link('#/organizations/' + o.id, o.name, { class: 'org-link' }),
          o.short_name ? h('div', { class: 'muted small' }, o.short_name) : null) },
        { label: t('org.kind'), cell: (o) => tx('kind.', o.kind) },
        { label: t('org.province'), cell: (o) => o.province_name || '—' },
        { label: t('org.taxCode'), cell: (o) => o.tax_code || '—', className: 'mono' },
        { label: t('org.certStatus'), cell: (o) => statusBadge(o.certificate_status) },
      ];
      results.replaceChildren(table(items, cols, { caption: t('org.title'), rowKey: (o) => String(o.id) }),
        pager(r.total, PAGE, state.offset, (off) => update({ ...state, offset: off })));
    }).catch((e) => results.replaceChildren(errorState(e, load)));
  };
  load();

  return h('div', { class: 'page' },
    pageHeader(t('org.title'), t('org.lead'),
      h('div', { class: 'btn-row' },
        can.staff() ? exportLinks('organizations') : null,
        can.staff() ? h('a', { class: 'btn btn-primary', href: '#/organizations/new', id: 'org-new' }, '+ ', t('org.new')) : null)),
    h('section', { class: 'card' }, filters, results));
}

/** Download links for staff (GET /export/{entity}). */
export function exportLinks(entity: 'organizations' | 'people'): HTMLElement {
  return h('span', { class: 'export-links' }, t('common.export'), ' ',
    h('a', { class: 'btn btn-small btn-ghost', href: `/api/v1/export/${entity}?format=csv`, download: `${entity}.csv` }, 'CSV'), ' ',
    h('a', { class: 'btn btn-small btn-ghost', href: `/api/v1/export/${entity}?format=json`, download: `${entity}.json` }, 'JSON'));
}

// ---------- detail ----------
function vsicLabel(code: string): HTMLElement {
  const el = h('span', null, code);
  getVsic().then((vs) => {
    const v = vs.find((x) => x.code === code);
    if (v) el.textContent = `${code} — ${getLang() === 'en' ? v.name_en : v.name_vi}`;
  }).catch(() => undefined);
  return el;
}

export function orgDetailPage(ctx: RouteCtx): Node {
  const id = ctx.params.id;
  const host = h('div', { class: 'page' }, loading());
  const load = () => {
    api.get<Organization>('/organizations/' + encodeURIComponent(id)).then((o) => {
      const actions = h('div', { class: 'btn-row' },
        h('a', { class: 'btn btn-ghost', href: '#/organizations' }, '‹ ', t('common.back')),
        can.editOrg(o.id) ? h('a', { class: 'btn', href: `#/organizations/${o.id}/edit`, id: 'org-edit' }, t('common.edit')) : null,
        can.staff() ? h('button', {
          type: 'button', class: 'btn btn-danger', id: 'org-delete', onclick: async () => {
            if (!(await confirmDialog(t('org.deleteConfirm', { name: o.name }), t('common.delete')))) return;
            try { await api.del('/organizations/' + o.id); toast(t('common.deleted')); navigate('/organizations'); } catch (e) { toast(errorText(e), 'bad'); }
          },
        }, t('common.delete')) : null);
      const site = o.website && /^https?:\/\//i.test(o.website) ? h('a', { href: o.website, rel: 'noopener noreferrer nofollow', target: '_blank' }, o.website) : (o.website || null);
      host.replaceChildren(
        pageHeader(o.name, [o.short_name, tx('kind.', o.kind)].filter(Boolean).join(' · '), actions),
        h('div', { class: 'grid-2' },
          h('section', { class: 'card' },
            h('h2', null, t('common.details')),
            dl([
              [t('org.kind'), tx('kind.', o.kind)],
              [t('org.nameEn'), o.name_en],
              [t('org.taxCode'), o.tax_code],
              [t('org.vsic'), o.vsic_code ? vsicLabel(o.vsic_code) : null],
              [t('org.commune'), o.commune_code ? link('#/communes/' + encodeURIComponent(o.commune_code), o.commune_code) : null],
              [t('org.province'), o.province_code ? link('#/units/' + encodeURIComponent(o.province_code), o.province_name || o.province_code) : null],
              [t('org.address'), o.address],
              [t('org.website'), site],
              [t('org.email'), o.email ? h('a', { href: 'mailto:' + o.email }, o.email) : null],
              [t('org.phone'), o.phone],
              [t('org.foundedOn'), o.founded_on ? fmtDate(o.founded_on) : null],
              [t('org.certStatus'), statusBadge(o.certificate_status)],
              [t('org.createdAt'), o.created_at ? fmtDateTime(o.created_at) : null],
              [t('org.updatedAt'), o.updated_at ? fmtDateTime(o.updated_at) : null],
            ]),
            o.description ? h('div', { class: 'prose' }, h('h3', null, t('org.description')), h('p', { class: 'pre' }, o.description)) : null,
            h('p', null, h('a', { href: `#/people?organization_id=${o.id}` }, t('org.people'), ' ›'))),
          certificatesSection(o, load)),
        ipSection(o.id));
    }).catch((e) => host.replaceChildren(errorState(e, load)));
  };
  load();
  return host;
}

/** The organization's IP portfolio, from the IP pages' chunk (loaded when the page is shown). */
function ipSection(orgId: number): HTMLElement {
  const host = h('div', null, loading());
  import('./ip-origin').then((m) => host.replaceWith(m.orgIpSection(orgId))).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

function certificatesSection(o: Organization, reload: () => void): HTMLElement {
  const sec = h('section', { class: 'card', id: 'certificates' }, h('h2', null, t('cert.title')), loading());
  api.get<unknown>(`/organizations/${o.id}/certificates`).then((r) => {
    const certs = itemsOf<Certificate>(r);
    const list = certs.length ? h('ul', { class: 'cert-list' }, certs.map((c) => certCard(c, reload))) : empty(t('cert.none'));
    sec.replaceChildren(h('h2', null, t('cert.title')), list, can.staff() ? issueForm(o, reload) : '');
  }).catch((e) => sec.replaceChildren(h('h2', null, t('cert.title')), errorState(e)));
  return sec;
}

function certCard(c: Certificate, reload: () => void): HTMLElement {
  const events = (c.events ?? []).slice();
  return h('li', { class: 'cert', 'data-cert': String(c.id) },
    h('div', { class: 'cert-head' },
      h('strong', null, c.number), ' ', statusBadge(c.status),
      c.status_since ? h('span', { class: 'muted small' }, ` ${t('cert.since')} ${fmtDate(c.status_since)}`) : null),
    dl([[t('cert.issuedOn'), fmtDate(c.issued_on)], [t('cert.issuer'), c.issuer], [t('cert.note'), c.note]]),
    events.length ? h('div', null, h('h3', { class: 'small-head' }, t('cert.history')),
      h('ol', { class: 'timeline' }, events.map((ev) => h('li', { class: 'tl-item tl-' + ev.action },
        h('span', { class: 'tl-date' }, fmtDate(ev.date)),
        h('span', { class: 'tl-action' }, tx('event.', ev.action)),
        ev.decision_number ? h('span', { class: 'muted' }, ` · ${t('cert.decision')}: ${ev.decision_number}`) : null,
        ev.reason ? h('div', { class: 'tl-reason' }, ev.reason) : null)))) : null,
    can.staff() ? eventForm(c, reload) : null);
}

function eventForm(c: Certificate, reload: () => void): HTMLElement {
  const actions = c.status === 'active' ? ['amend', 'suspend', 'revoke'] : c.status === 'suspended' ? ['reinstate', 'revoke', 'amend'] : ['amend', 'suspend', 'reinstate', 'revoke'];
  const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10); // Vietnam's date (UTC+7), as the server
  const form: HTMLFormElement = h('form', { class: 'mini-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      select({ name: 'action', label: t('cert.action'), required: true, options: actions.map((a) => [a, tx('event.', a)]) }),
      dateInput({ name: 'date', label: t('cert.date'), required: true, value: today }),
      input({ name: 'decision_number', label: t('cert.decision') }),
      input({ name: 'reason', label: t('cert.reason') })),
    h('button', { type: 'submit', class: 'btn' }, t('common.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const date = parseDate(String(fd.get('date') || ''));
    if (!date) { setFieldError(form, 'date', date === '' ? t('err.required') : t('err.date')); return; }
    const body: Record<string, string> = { action: String(fd.get('action')), date };
    for (const k of ['reason', 'decision_number']) { const v = String(fd.get(k) || '').trim(); if (v) body[k] = v; }
    try { await api.post(`/certificates/${c.id}/events`, body); toast(t('common.saved')); reload(); } catch (err) { showProblem(form, err); }
  });
  return h('details', { class: 'cert-actions' }, h('summary', null, t('cert.addEvent')), form);
}

function issueForm(o: Organization, reload: () => void): HTMLElement {
  const form: HTMLFormElement = h('form', { class: 'mini-form', novalidate: true },
    formSummary(),
    h('div', { class: 'form-grid' },
      input({ name: 'number', label: t('cert.number'), required: true }),
      dateInput({ name: 'issued_on', label: t('cert.issuedOn'), required: true }),
      input({ name: 'issuer', label: t('cert.issuer') }),
      input({ name: 'note', label: t('cert.note') })),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('cert.issue')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const fd = new FormData(form);
    const body: Record<string, string> = {};
    for (const k of ['number', 'issuer', 'note']) { const v = String(fd.get(k) || '').trim(); if (v) body[k] = v; }
    const issued = parseDate(String(fd.get('issued_on') || ''));
    let ok = true;
    if (!body.number) { setFieldError(form, 'number', t('err.required')); ok = false; }
    if (issued === '') { setFieldError(form, 'issued_on', t('err.required')); ok = false; }
    else if (issued === null) { setFieldError(form, 'issued_on', t('err.date')); ok = false; }
    else body.issued_on = issued;
    if (!ok) return;
    try { await api.post(`/organizations/${o.id}/certificates`, body); toast(t('common.saved')); reload(); } catch (err) { showProblem(form, err); }
  });
  return h('details', { class: 'cert-issue' }, h('summary', null, '+ ', t('cert.issue')), form);
}

// ---------- create / edit ----------
const TEXT_FIELDS = ['name', 'name_en', 'short_name', 'tax_code', 'vsic_code', 'province_code', 'commune_code', 'address', 'website', 'email', 'phone', 'founded_on', 'description'] as const;

export function validateOrg(v: Record<string, string>): [string, DictKey][] {
  const errs: [string, DictKey][] = [];
  if (!v.kind) errs.push(['kind', 'err.required']);
  if (!v.name) errs.push(['name', 'err.required']);
  if (v.tax_code && !TAX_CODE_RE.test(v.tax_code)) errs.push(['tax_code', 'err.taxFormat']);
  if (v.email && !EMAIL_RE.test(v.email)) errs.push(['email', 'err.email']);
  if (v.website && !URL_RE.test(v.website)) errs.push(['website', 'err.url']);
  if (v.founded_on && (!DATE_RE.test(v.founded_on) || !dateValid(v.founded_on))) errs.push(['founded_on', 'err.date']);
  return errs;
}

export function orgFormPage(ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  const id = ctx.params.id;
  const host = h('div', { class: 'page' }, loading());
  const build = (o: Organization | null) => {
    const form: HTMLFormElement = h('form', { class: 'form', id: 'org-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        select({ name: 'kind', label: t('org.kind'), required: true, value: o?.kind ?? '',
          options: [['', '—'], ...KINDS.map((k): [string, string] => [k, t(('kind.' + k) as DictKey)])] }),
        input({ name: 'name', label: t('org.name'), required: true, value: o?.name, maxlength: 300 }),
        input({ name: 'name_en', label: t('org.nameEn'), value: o?.name_en }),
        input({ name: 'short_name', label: t('org.shortName'), value: o?.short_name }),
        input({ name: 'tax_code', label: t('org.taxCode'), value: o?.tax_code, inputmode: 'numeric', hint: t('org.taxHint') }),
        select({ name: 'vsic_code', label: t('org.vsic'), value: o?.vsic_code ?? '', options: [['', '—']] }),
        select({ name: 'province_code', label: t('org.province'), value: o?.province_code ?? '', options: [['', '—']] }),
        select({ name: 'commune_code', label: t('org.commune'), value: o?.commune_code ?? '', options: [['', '—']] }),
        input({ name: 'address', label: t('org.address'), value: o?.address }),
        input({ name: 'website', label: t('org.website'), type: 'url', value: o?.website, placeholder: 'https://' }),
        input({ name: 'email', label: t('org.email'), type: 'email', value: o?.email }),
        input({ name: 'phone', label: t('org.phone'), type: 'tel', value: o?.phone }),
        dateInput({ name: 'founded_on', label: t('org.foundedOn'), value: o?.founded_on })),
      textarea({ name: 'description', label: t('org.description'), value: o?.description }),
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'org-save' }, t('common.save')),
        h('a', { class: 'btn btn-ghost', href: o ? `#/organizations/${o.id}` : '#/organizations' }, t('common.cancel'))));
    const provSel = form.querySelector('select[name="province_code"]') as HTMLSelectElement;
    const communeSel = form.querySelector('select[name="commune_code"]') as HTMLSelectElement;
    const vsicSel = form.querySelector('select[name="vsic_code"]') as HTMLSelectElement;
    const fillCommunes = (pc: string, keep: string) => {
      communeSel.replaceChildren(h('option', { value: '' }, '—'));
      communeSel.disabled = !pc;
      if (!pc) return;
      getCommunes(pc).then((cs) => {
        if (provSel.value !== pc) return;
        for (const c of cs) communeSel.appendChild(h('option', { value: c.code, selected: keep === c.code }, c.full_name || c.name));
        if (keep && !cs.some((c) => c.code === keep)) communeSel.appendChild(h('option', { value: keep, selected: true }, keep));
      }).catch(() => { if (keep) communeSel.appendChild(h('option', { value: keep, selected: true }, keep)); });
    };
    getProvinces().then((ps) => {
      for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: o?.province_code === p.code }, p.full_name || p.name));
      fillCommunes(provSel.value, o?.commune_code ?? '');
    }).catch(() => { /* optional */ });
    provSel.addEventListener('change', () => fillCommunes(provSel.value, ''));
    getVsic().then((vs) => {
      const en = getLang() === 'en';
      const cur = o?.vsic_code ?? '';
      for (const top of vs.filter((v) => v.level === 1)) {
        const g = h('optgroup', { label: `${top.code} — ${en ? top.name_en : top.name_vi}` });
        g.appendChild(h('option', { value: top.code, selected: cur === top.code }, `${top.code} — ${en ? top.name_en : top.name_vi}`));
        for (const v of vs.filter((x) => x.parent_code === top.code)) {
          g.appendChild(h('option', { value: v.code, selected: cur === v.code }, `${v.code} — ${en ? v.name_en : v.name_vi}`));
        }
        vsicSel.appendChild(g);
      }
      if (cur && !vs.some((v) => v.code === cur)) vsicSel.appendChild(h('option', { value: cur, selected: true }, cur));
    }).catch(() => { if (o?.vsic_code) vsicSel.appendChild(h('option', { value: o.vsic_code, selected: true }, o.vsic_code)); });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const fd = new FormData(form);
      const v: Record<string, string> = { kind: String(fd.get('kind') || '') };
      for (const k of TEXT_FIELDS) v[k] = String(fd.get(k) ?? '').trim();
      v.founded_on = parseDate(v.founded_on) ?? v.founded_on;
      const errs = validateOrg(v);
      if (errs.length) {
        for (const [f, m] of errs) setFieldError(form, f, t(m));
        showSummary(form, t('common.formErrors'));
        (form.querySelector('.has-error input, .has-error select') as HTMLElement | null)?.focus();
        return;
      }
      const btn = form.querySelector('#org-save') as HTMLButtonElement;
      btn.disabled = true;
      try {
        let saved: Organization;
        if (o) {
          const patch: Record<string, unknown> = { version: o.version };
          if (v.kind !== o.kind) patch.kind = v.kind;
          for (const k of TEXT_FIELDS) {
            const old = (o[k] ?? '') as string;
            if (v[k] !== old) patch[k] = v[k] === '' ? null : v[k];
          }
          saved = await api.patch<Organization>('/organizations/' + o.id, patch);
        } else {
          const body: Record<string, string> = { kind: v.kind };
          for (const k of TEXT_FIELDS) if (v[k]) body[k] = v[k];
          saved = await api.post<Organization>('/organizations', body);
        }
        toast(t('common.saved'));
        navigate('/organizations/' + saved.id);
      } catch (err) {
        btn.disabled = false;
        if (err instanceof ApiError && err.status === 409) { showSummary(form, t('err.conflict')); return; }
        showProblem(form, err);
      }
    });
    host.replaceChildren(pageHeader(o ? t('org.editTitle') : t('org.newTitle'), o?.name), h('section', { class: 'card' }, form));
    (form.querySelector('select, input') as HTMLElement | null)?.focus();
  };
  if (id) {
    api.get<Organization>('/organizations/' + encodeURIComponent(id)).then(build).catch((e) => host.replaceChildren(errorState(e)));
  } else {
    build(null);
  }
  return host;
}

