import { h } from '../dom';
import { t, getLang } from '../i18n';
import { api, ApiError, itemsOf, type ListResponse } from '../api';
import { fmtDateTime } from '../format';
import { navigate, setQuery, type RouteCtx } from '../router';
import { can, currentUser } from '../session';
import {
  needLogin,   badge, checkbox, clearErrors, confirmDialog, dl, empty, errorState, errorText, fieldWrap, formSummary, input, link, loading,
  pageHeader, pager, select, setFieldError, showProblem, showSummary, table, textarea, toast, type Column,
} from '../ui';
import { byCode, getFields, getProvinces, type FieldOfScience } from '../refdata';
import { EMAIL_RE, PHONE_RE, orcidValid } from '../validate';
import { exportLinks, type Organization } from './organizations';

export interface Person {
  id: number; version: number; full_name: string; title?: string | null; organization_id?: number | null;
  organization_name?: string | null; position?: string | null; fields?: string[]; keywords?: string[];
  orcid?: string | null; email?: string | null; phone?: string | null; is_expert?: boolean;
  province_code?: string | null; province_name?: string | null; bio?: string | null; contact_public?: boolean;
  contact_hidden?: boolean; created_at?: string; updated_at?: string;
}

const PAGE = 20;
const fname = (f: FieldOfScience) => (getLang() === 'en' ? f.name_en : f.name_vi) || f.name_vi;

// ---------- list ----------
export function peopleListPage(ctx: RouteCtx): Node {
  const q = ctx.query;
  const state = {
    q: q.get('q') || '', field: q.get('field') || '', expert: q.get('expert') || '', province_code: q.get('province') || '',
    organization_id: q.get('organization_id') || '', sort: q.get('sort') || 'name', offset: Number(q.get('offset') || 0) || 0,
  };
  const update = (patch: Partial<typeof state>) => {
    const s = { ...state, offset: 0, ...patch };
    setQuery({ q: s.q, field: s.field, expert: s.expert, province: s.province_code, organization_id: s.organization_id,
      sort: s.sort === 'name' ? '' : s.sort, offset: s.offset || '' }, ctx.path);
  };
  const qInput = h('input', { type: 'search', id: 'people-q', name: 'q', value: state.q, placeholder: t('common.searchPlaceholder'), autocomplete: 'off' });
  const fieldSel = h('select', { id: 'people-field', name: 'field' }, h('option', { value: '' }, t('common.all')));
  const provSel = h('select', { id: 'people-province', name: 'province' }, h('option', { value: '' }, t('common.all')));
  const expertBox = h('input', { type: 'checkbox', id: 'people-expert', checked: state.expert === 'true' });
  let fieldMap = new Map<string, FieldOfScience>();
  const fieldsReady = getFields().then((fs) => {
    fieldMap = byCode(fs);
    for (const f of fs) fieldSel.appendChild(h('option', { value: f.code, selected: state.field === f.code }, (f.level > 1 ? '— ' : '') + `${f.code} ${fname(f)}`));
  }).catch(() => undefined);
  getProvinces().then((ps) => { for (const p of ps) provSel.appendChild(h('option', { value: p.code, selected: state.province_code === p.code }, p.name)); }).catch(() => undefined);
  let timer = 0;
  qInput.addEventListener('input', () => { window.clearTimeout(timer); timer = window.setTimeout(() => update({ q: qInput.value.trim() }), 350); });
  fieldSel.addEventListener('change', () => update({ field: fieldSel.value }));
  provSel.addEventListener('change', () => update({ province_code: provSel.value }));
  expertBox.addEventListener('change', () => update({ expert: expertBox.checked ? 'true' : '' }));

  const filters = h('form', { class: 'filters', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); update({ q: qInput.value.trim() }); } },
    h('div', { class: 'filter filter-q' }, h('label', { for: 'people-q' }, t('common.search')), qInput),
    h('div', { class: 'filter' }, h('label', { for: 'people-field' }, t('people.fields')), fieldSel),
    h('div', { class: 'filter' }, h('label', { for: 'people-province' }, t('people.province')), provSel),
    h('div', { class: 'filter filter-check' }, h('label', null, expertBox, ' ', t('people.expertOnly'))));

  const results = h('div', { class: 'results', 'aria-live': 'polite' }, loading());
  const load = () => {
    results.replaceChildren(loading());
    Promise.all([api.get<ListResponse<Person>>('/people', {
      q: state.q, field: state.field, expert: state.expert, province_code: state.province_code,
      organization_id: state.organization_id, sort: state.sort, limit: PAGE, offset: state.offset,
    }), fieldsReady]).then(([r]) => {
      const items = itemsOf<Person>(r);
      if (!items.length) { results.replaceChildren(empty()); return; }
      const cols: Column<Person>[] = [
        { label: t('people.fullName'), primary: true, cell: (p) => h('div', null,
          link('#/people/' + p.id, [p.title ? p.title + ' ' : '', p.full_name].join('')),
          p.is_expert ? h('span', null, ' ', badge(t('people.expertBadge'), 'info')) : null) },
        { label: t('people.organization'), cell: (p) => p.organization_name || '—' },
        { label: t('people.fields'), cell: (p) => (p.fields ?? []).map((c) => fieldMap.get(c) ? fname(fieldMap.get(c)!) : c).join(', ') || '—' },
        { label: t('people.province'), cell: (p) => p.province_name || '—' },
      ];
      results.replaceChildren(table(items, cols, { caption: t('people.title'), rowKey: (p) => String(p.id) }),
        pager(r.total, PAGE, state.offset, (off) => update({ ...state, offset: off })));
    }).catch((e) => results.replaceChildren(errorState(e, load)));
  };
  load();
  return h('div', { class: 'page' },
    pageHeader(t('people.title'), t('people.lead'),
      h('div', { class: 'btn-row' },
        can.staff() ? exportLinks('people') : null,
        can.createPerson() ? h('a', { class: 'btn btn-primary', href: '#/people/new', id: 'person-new' }, '+ ', t('people.new')) : null)),
    h('section', { class: 'card' }, filters, results));
}

// ---------- detail ----------
export function personDetailPage(ctx: RouteCtx): Node {
  const id = ctx.params.id;
  const host = h('div', { class: 'page' }, loading());
  Promise.all([api.get<Person>('/people/' + encodeURIComponent(id)), getFields().catch(() => [] as FieldOfScience[])]).then(([p, fs]) => {
    const fm = byCode(fs);
    const hasContact = !!(p.email || p.phone);
    const actions = h('div', { class: 'btn-row' },
      h('a', { class: 'btn btn-ghost', href: '#/people' }, '‹ ', t('common.back')),
      can.editPerson(p.organization_id) ? h('a', { class: 'btn', href: `#/people/${p.id}/edit` }, t('common.edit')) : null,
      can.editPerson(p.organization_id) ? h('button', { type: 'button', class: 'btn btn-danger', onclick: async () => {
        if (!(await confirmDialog(t('people.deleteConfirm', { name: p.full_name }), t('common.delete')))) return;
        try { await api.del('/people/' + p.id); toast(t('common.deleted')); navigate('/people'); } catch (e) { toast(errorText(e), 'bad'); }
      } }, t('common.delete')) : null);
    host.replaceChildren(
      pageHeader([p.title, p.full_name].filter(Boolean).join(' '), [p.position, p.organization_name].filter(Boolean).join(' · '), actions),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card' },
          p.is_expert ? h('p', null, badge(t('people.expertBadge'), 'info')) : null,
          dl([
            [t('people.organization'), p.organization_id ? link('#/organizations/' + p.organization_id, p.organization_name || String(p.organization_id)) : null],
            [t('people.position'), p.position],
            [t('people.province'), p.province_name],
            [t('people.fields'), (p.fields ?? []).length ? h('ul', { class: 'chips' }, (p.fields ?? []).map((c) => h('li', { class: 'chip' }, fm.get(c) ? `${c} · ${fname(fm.get(c)!)}` : c))) : null],
            [t('people.keywords'), (p.keywords ?? []).length ? h('ul', { class: 'tags' }, (p.keywords ?? []).map((k) => h('li', { class: 'tag' }, k))) : null],
            [t('people.orcid'), p.orcid ? h('a', { href: 'https://orcid.org/' + encodeURIComponent(p.orcid), rel: 'noopener noreferrer', target: '_blank', class: 'orcid' }, p.orcid) : null],
            [t('org.updatedAt'), p.updated_at ? fmtDateTime(p.updated_at) : null],
          ]),
          p.bio ? h('div', { class: 'prose' }, h('h3', null, t('people.bio')), h('p', { class: 'pre' }, p.bio)) : null),
        h('section', { class: 'card', id: 'contact' },
          h('h2', null, t('people.contact')),
          hasContact ? dl([
            [t('people.email'), p.email ? h('a', { href: 'mailto:' + p.email }, p.email) : null],
            [t('people.phone'), p.phone ? h('a', { href: 'tel:' + p.phone.replace(/[^+0-9]/g, '') }, p.phone) : null],
          ]) : h('p', { class: 'muted contact-hidden' }, '🔒 ', t('people.contactHidden')))));
  }).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}

// ---------- form ----------
function tagInput(name: string, label: string, initial: string[]): { el: HTMLElement; values: () => string[] } {
  const tags = [...initial];
  const list = h('ul', { class: 'tags' });
  const entry = h('input', { type: 'text', autocomplete: 'off' });
  const render = () => {
    list.replaceChildren(...tags.map((k, i) => h('li', { class: 'tag' }, k,
      h('button', { type: 'button', class: 'tag-x', 'aria-label': `${t('common.delete')} ${k}`, onclick: () => { tags.splice(i, 1); render(); entry.focus(); } }, '×'))));
  };
  const add = () => {
    for (const part of entry.value.split(',')) { const v = part.trim(); if (v && !tags.includes(v)) tags.push(v); }
    entry.value = ''; render();
  };
  entry.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ',') { e.preventDefault(); add(); }
    else if (e.key === 'Backspace' && !entry.value && tags.length) { tags.pop(); render(); }
  });
  entry.addEventListener('blur', add);
  render();
  const wrap = fieldWrap(name, label, entry, false, t('people.keywordsHint'));
  wrap.insertBefore(list, entry);
  return { el: wrap, values: () => { add(); return [...tags]; } };
}

export function personFormPage(ctx: RouteCtx): Node {
  if (!currentUser()) return h('div', { class: 'page' }, needLogin());
  const id = ctx.params.id;
  const host = h('div', { class: 'page' }, loading());
  const me = currentUser();
  const build = (p: Person | null, fs: FieldOfScience[], orgs: Organization[]) => {
    const kw = tagInput('keywords', t('people.keywords'), p?.keywords ?? []);
    const chosen = new Set(p?.fields ?? []);
    const top = fs.filter((f) => f.level === 1 || !f.parent_code);
    const fieldBox = h('fieldset', { class: 'field fieldset', 'data-field': 'fields' },
      h('legend', null, t('people.fields')),
      h('div', { class: 'field-tree' }, top.map((f1) => h('div', { class: 'field-group' },
        h('label', { class: 'strong' }, h('input', { type: 'checkbox', name: 'fields', value: f1.code, checked: chosen.has(f1.code) }), ` ${f1.code} ${fname(f1)}`),
        fs.filter((f) => f.parent_code === f1.code).map((f2) =>
          h('label', { class: 'sub' }, h('input', { type: 'checkbox', name: 'fields', value: f2.code, checked: chosen.has(f2.code) }), ` ${f2.code} ${fname(f2)}`))))),
      h('p', { class: 'field-error', 'data-error-for': 'fields' }));
    const memberOrg = me && me.role === 'member' ? me.organization_id : null;
    const orgOptions: [string, string][] = [['', '—'], ...orgs.map((o): [string, string] => [String(o.id), o.name])];
    if (p?.organization_id && !orgs.some((o) => o.id === p.organization_id)) orgOptions.push([String(p.organization_id), p.organization_name || String(p.organization_id)]);
    const form: HTMLFormElement = h('form', { class: 'form', id: 'person-form', novalidate: true },
      formSummary(),
      h('div', { class: 'form-grid' },
        input({ name: 'full_name', label: t('people.fullName'), required: true, value: p?.full_name }),
        input({ name: 'title', label: t('people.academicTitle'), value: p?.title, placeholder: 'PGS.TS.' }),
        memberOrg ? null : select({ name: 'organization_id', label: t('people.organization'), value: p?.organization_id ? String(p.organization_id) : '', options: orgOptions }),
        input({ name: 'position', label: t('people.position'), value: p?.position }),
        select({ name: 'province_code', label: t('people.province'), value: p?.province_code ?? '', options: [['', '—']] }),
        input({ name: 'orcid', label: t('people.orcid'), value: p?.orcid, placeholder: '0000-0002-1825-0097' }),
        input({ name: 'email', label: t('people.email'), type: 'email', value: p?.email }),
        input({ name: 'phone', label: t('people.phone'), type: 'tel', value: p?.phone })),
      fieldBox,
      kw.el,
      textarea({ name: 'bio', label: t('people.bio'), value: p?.bio }),
      h('div', { class: 'form-grid' },
        checkbox('is_expert', t('people.isExpert'), !!p?.is_expert),
        checkbox('contact_public', t('people.contactPublic'), !!p?.contact_public)),
      h('div', { class: 'btn-row' },
        h('button', { type: 'submit', class: 'btn btn-primary', id: 'person-save' }, t('common.save')),
        h('a', { class: 'btn btn-ghost', href: p ? `#/people/${p.id}` : '#/people' }, t('common.cancel'))));
    const provSel = form.querySelector('select[name="province_code"]') as HTMLSelectElement;
    getProvinces().then((ps) => { for (const x of ps) provSel.appendChild(h('option', { value: x.code, selected: p?.province_code === x.code }, x.full_name || x.name)); }).catch(() => undefined);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const fd = new FormData(form);
      const str = (k: string) => String(fd.get(k) ?? '').trim();
      const body: Record<string, unknown> = {
        full_name: str('full_name'), title: str('title'), position: str('position'), province_code: str('province_code'),
        orcid: str('orcid'), email: str('email'), phone: str('phone'), bio: str('bio'),
        fields: fd.getAll('fields').map(String), keywords: kw.values(),
        is_expert: fd.get('is_expert') !== null, contact_public: fd.get('contact_public') !== null,
      };
      if (memberOrg) body.organization_id = memberOrg;
      else body.organization_id = str('organization_id') ? Number(str('organization_id')) : '';
      let ok = true;
      if (!body.full_name) { setFieldError(form, 'full_name', t('err.required')); ok = false; }
      if (body.orcid && !orcidValid(String(body.orcid))) { setFieldError(form, 'orcid', t('err.orcid')); ok = false; }
      if (body.email && !EMAIL_RE.test(String(body.email))) { setFieldError(form, 'email', t('err.email')); ok = false; }
      if (body.phone && !PHONE_RE.test(String(body.phone))) { setFieldError(form, 'phone', t('err.phone')); ok = false; }
      if (!ok) { showSummary(form, t('common.formErrors')); return; }
      try {
        let saved: Person;
        if (p) {
          const patch: Record<string, unknown> = { version: p.version };
          for (const [k, v] of Object.entries(body)) {
            const old = (p as unknown as Record<string, unknown>)[k];
            if (JSON.stringify(v === '' ? null : v) !== JSON.stringify(old ?? (Array.isArray(v) ? [] : typeof v === 'boolean' ? false : null))) patch[k] = v === '' ? null : v;
          }
          saved = await api.patch<Person>('/people/' + p.id, patch);
        } else {
          const clean: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(body)) if (v !== '') clean[k] = v;
          saved = await api.post<Person>('/people', clean);
        }
        toast(t('common.saved'));
        navigate('/people/' + saved.id);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) { showSummary(form, t('err.conflict')); return; }
        showProblem(form, err);
      }
    });
    host.replaceChildren(pageHeader(p ? t('people.editTitle') : t('people.newTitle'), p?.full_name), h('section', { class: 'card' }, form));
  };
  Promise.all([
    id ? api.get<Person>('/people/' + encodeURIComponent(id)) : Promise.resolve(null),
    getFields().catch(() => [] as FieldOfScience[]),
    api.get<ListResponse<Organization>>('/organizations', { limit: 500, sort: 'name' }).then((r) => itemsOf<Organization>(r)).catch(() => [] as Organization[]),
  ]).then(([p, fs, orgs]) => build(p, fs, orgs)).catch((e) => host.replaceChildren(errorState(e)));
  return host;
}
