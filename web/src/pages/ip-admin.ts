// IP administration (issue 7): the deadline rules as a readable table for everyone, edited by an
// admin as the JSON document the server checks (#/ip/rules), the reminder lead times
// (setting ip.reminder_days, same page), and the import of IP office exports (#/ip/import, staff).
import { h, type Child } from '../dom';
import { t, tx, getLang } from '../i18n';
import { api, ApiError } from '../api';
import { fmtNum } from '../format';
import type { RouteCtx } from '../router';
import { can, currentUser } from '../session';
import { clearErrors, dl, fieldWrap, formSummary, input, needLogin, pageHeader, setFieldError, showProblem, showSummary, table, toast } from '../ui';
import { importForm } from '../components/import-form';
import { assetIdFromRulesError, parseDays, ruleSources, type RuleKind, type RulesDoc, type Setting } from '../ip-advice';
import { ipTabs } from './ip';

// ---------- rules and reminders ----------
const fromText = (f: string | undefined) => tx('ipr.from.', f ?? '');

function termText(k: RuleKind): string {
  const term = k.term;
  if (!term) return '—';
  if (term.indefinite) return t('ipr.indefinite', { from: fromText(term.from) });
  let s = t('ipr.yearsFrom', { n: term.years ?? 0, from: fromText(term.from) });
  if (term.years_trees_and_vines) s += ' ' + t('ipr.treesVines', { n: term.years_trees_and_vines });
  return s;
}
function upkeepText(k: RuleKind): string {
  if (k.maintenance === 'annuity' && k.annuity) {
    return t('ipr.annuity', { from: fromText(k.annuity.years_from), n: k.annuity.first_years_paid ?? 0 });
  }
  if (k.maintenance === 'renewal' && k.renewal) {
    return (k.renewal.count ?? 0) < 0 ? t('ipr.renewUnlimited', { years: k.renewal.years ?? 0 })
      : t('ipr.renewN', { count: k.renewal.count ?? 0, years: k.renewal.years ?? 0 });
  }
  return t('ipr.noUpkeep');
}
function stepsText(k: RuleKind): Child {
  const out: Child[] = [];
  if (k.publication) out.push(h('li', null, t('ipr.publication', { n: k.publication.month ?? 0, from: fromText(k.publication.from) })));
  if (k.examination_request) {
    const e = k.examination_request;
    out.push(h('li', null, t('ipr.examination', { n: e.months ?? 0, from: fromText(e.from) }),
      (e.changes ?? []).map((c) => [' ', t('ipr.change', { date: c.filed_from ?? '', n: c.months ?? 0 })])));
  }
  if (k.opposition) {
    out.push(h('li', null, t('ipr.opposition', { n: k.opposition.months ?? 0, from: fromText(k.opposition.from) }),
      k.opposition.filed_from ? [' ', t('ipr.filedFrom', { date: k.opposition.filed_from })] : null));
  }
  return out.length ? h('ul', { class: 'ipr-steps' }, out) : '—';
}
const CLASS_NAMES: Record<string, string> = { ipc: 'IPC', nice: 'Nice', locarno: 'Locarno' };

function rulesTable(doc: RulesDoc): HTMLElement {
  const en = getLang() === 'en';
  return table(doc.kinds, [
    { label: t('ip.kindLabel'), primary: true, cell: (k) => h('span', { 'data-kind': k.kind }, (en ? k.name_en : k.name_vi) || tx('ip.kind.', k.kind)) },
    { label: t('ipr.term'), cell: termText },
    { label: t('ipr.upkeep'), cell: upkeepText },
    { label: t('ipr.steps'), cell: stepsText },
    { label: t('ipr.classes'), cell: (k) => CLASS_NAMES[k.classes ?? ''] ?? '—' },
    { label: t('ipr.freeToUse'), cell: (k) => (k.free_to_use_when_ended ? t('ipa.yes') : t('ipa.no')) },
    { label: t('ipr.sources'), cell: (k) => h('ul', { class: 'ipr-sources small' }, ruleSources(k).map((s) => h('li', null, s))) },
  ], { caption: t('ipr.title'), rowKey: (k) => k.kind });
}

function remindersCard(setting: Setting | undefined): HTMLElement {
  const days = Array.isArray(setting?.value) ? setting!.value : [];
  const current = h('p', { id: 'ipr-reminders-now' }, t('ipr.remindersNow', { days: days.join(', ') }));
  if (!can.admin()) {
    return h('section', { class: 'card', id: 'ipr-reminders' }, h('h2', null, t('ipr.remindersTitle')), current,
      h('p', { class: 'muted small' }, t('ipr.adminOnly')));
  }
  const lo = setting?.min ?? 1, hi = setting?.max ?? 365, max = setting?.max_items ?? 5;
  const form: HTMLFormElement = h('form', { class: 'form', id: 'ipr-reminders-form', novalidate: true },
    formSummary(),
    input({ name: 'reminder_days', label: t('ipr.remindersField'), required: true, value: days.join(', '), placeholder: '60, 30, 7',
      hint: t('ipr.remindersHint', { lo, hi, max }), inputmode: 'numeric' }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipr-reminders-save' }, t('common.save'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const el = form.elements.namedItem('reminder_days') as HTMLInputElement;
    const p = parseDays(el.value, lo, hi, max);
    if ('error' in p) {
      setFieldError(form, 'reminder_days', t(`ipr.daysErr.${p.error}`, { lo, hi, max }));
      showSummary(form, t('common.formErrors'));
      el.focus();
      return;
    }
    try {
      const r = await api.patch<Record<string, Setting>>('/settings', { 'ip.reminder_days': p.days });
      const now = r['ip.reminder_days']?.value;
      const list = Array.isArray(now) ? now : p.days;
      el.value = list.join(', ');
      current.textContent = t('ipr.remindersNow', { days: list.join(', ') });
      toast(t('ipr.remindersSaved'));
    } catch (err) {
      if (err instanceof ApiError && err.problem.field === 'ip.reminder_days') {
        setFieldError(form, 'reminder_days', err.problem.detail || t('err.generic'));
        showSummary(form, t('common.formErrors'));
      } else showProblem(form, err);
    }
  });
  return h('section', { class: 'card', id: 'ipr-reminders' }, h('h2', null, t('ipr.remindersTitle')), current,
    h('p', { class: 'muted small' }, t('ipr.remindersLead')), form);
}

function editorCard(doc: RulesDoc, onSaved: (d: RulesDoc) => void): HTMLElement {
  const area = h('textarea', { name: 'rules', rows: 24, spellcheck: 'false', class: 'mono ipr-json' });
  area.value = JSON.stringify(doc, null, 2);
  const assetLink = h('p', { class: 'ipr-asset-link', id: 'ipr-asset-link' });
  const form: HTMLFormElement = h('form', { class: 'form', id: 'ipr-rules-form', novalidate: true },
    formSummary(),
    fieldWrap('rules', t('ipr.jsonField'), area, true, t('ipr.jsonHint')),
    assetLink,
    h('div', { class: 'btn-row' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'ipr-rules-save' }, t('ipr.saveRules')),
      h('button', { type: 'button', class: 'btn btn-ghost', id: 'ipr-rules-reset', onclick: () => { area.value = JSON.stringify(doc, null, 2); clearErrors(form); assetLink.replaceChildren(); } }, t('ipr.reset'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    assetLink.replaceChildren();
    let parsed: unknown;
    try { parsed = JSON.parse(area.value); } catch (err) {
      setFieldError(form, 'rules', t('ipr.jsonInvalid', { msg: err instanceof Error ? err.message : '' }));
      showSummary(form, t('common.formErrors'));
      area.focus();
      return;
    }
    try {
      const saved = await api.put<RulesDoc>('/ip/rules', parsed);
      toast(t('ipr.rulesSaved'));
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        // The server's reason (a rule that does not parse, or an asset left without a schedule).
        setFieldError(form, 'rules', err.problem.detail || err.problem.title || t('err.generic'));
        showSummary(form, t('ipr.rulesRefused'));
        const id = assetIdFromRulesError(err.problem.detail);
        if (id) assetLink.replaceChildren(h('a', { href: `#/ip/${id}` }, t('ipr.seeAsset', { id })));
      } else showProblem(form, err);
    }
  });
  return h('section', { class: 'card', id: 'ipr-editor' }, h('h2', null, t('ipr.editTitle')), h('p', { class: 'muted small' }, t('ipr.editLead')), form);
}

export async function ipRulesPage(_ctx: RouteCtx): Promise<Node> {
  const [doc, settings] = await Promise.all([
    api.get<RulesDoc>('/ip/rules'),
    api.get<Record<string, Setting>>('/settings').catch(() => ({} as Record<string, Setting>)),
  ]);
  const host = h('div', { class: 'page page-ip-rules' });
  const render = (d: RulesDoc) => {
    const general = h('section', { class: 'card', id: 'ipr-general' }, h('h2', null, t('ipr.general')), dl([
      [t('ipr.paymentWindow'), d.payment_window_months != null ? t('ipr.months', { n: d.payment_window_months }) : null],
      [t('ipr.grace'), d.grace_months != null ? t('ipr.months', { n: d.grace_months }) : null],
      [t('ipr.surcharge'), d.surcharge_percent_per_month != null ? t('ipr.percentPerMonth', { n: fmtNum(d.surcharge_percent_per_month, 2) }) : null],
      [t('ipr.paymentSource'), d.payment_source ?? null],
      [t('ipr.note'), typeof d.note === 'string' ? d.note : null],
    ]));
    host.replaceChildren(
      pageHeader(t('ipr.title'), t('ipr.lead')),
      ipTabs('rules'),
      general,
      h('section', { class: 'card', id: 'ipr-kinds' }, h('h2', null, t('ipr.kindsTitle')), rulesTable(d)),
      remindersCard(settings['ip.reminder_days']),
      can.admin() ? editorCard(d, render) : h('p', { class: 'muted small', id: 'ipr-readonly' }, t('ipr.adminOnly')));
  };
  render(doc);
  return host;
}

// ---------- import of IP office exports ----------
const IMPORT_HEADINGS: [string, string][] = [
  ['kind', 'Loại, Loại văn bằng, Type'], ['title', 'Tên, Tên sáng chế, Nhãn hiệu…'], ['application_number', 'Số đơn, Application number'],
  ['filing_date', 'Ngày nộp đơn, Filing date'], ['priority_date', 'Ngày ưu tiên'], ['publication_date', 'Ngày công bố'],
  ['grant_number', 'Số bằng, Số văn bằng, Registration number'], ['grant_date', 'Ngày cấp, Registration date'],
  ['owner_name', 'Chủ đơn, Chủ sở hữu, Applicant, Owner'], ['owner_organization_id', ''], ['inventors', 'Tác giả, Inventors'],
  ['classes', 'Phân loại IPC, Nhóm, Nice, Locarno'], ['status', 'Tình trạng'], ['province_code', 'Mã tỉnh'],
  ['key_product', 'Sản phẩm chủ lực'], ['ocop_product', 'Sản phẩm OCOP'], ['published', ''], ['paid_up_to', ''], ['note', 'Ghi chú'],
];
const EXAMPLE_CSV = 'Loại,Số đơn,Ngày nộp đơn,Số bằng,Ngày cấp,Tên,Chủ đơn,Phân loại IPC,Tác giả\r\n'
  + 'Sáng chế,1-2021-00001,05/03/2021,,,Quy trình ví dụ (dữ liệu minh hoạ),Công ty ví dụ,C05F 11/08,Nguyễn Văn A\r\n';

export function ipImportPage(_ctx: RouteCtx): Node {
  const head = pageHeader(t('ipi.title'), t('ipi.lead'));
  if (!currentUser()) return h('div', { class: 'page' }, head, ipTabs('import'), needLogin());
  if (!can.staff()) return h('div', { class: 'page' }, head, ipTabs('import'), h('div', { class: 'state state-error', role: 'alert' }, t('import.staffOnly')));
  const { form, result } = importForm({
    id: 'ip-import', fileId: 'f-ip-file', fileHint: t('ipi.fileHint'), path: () => '/import/ip-assets',
    done: (n) => [t('ipi.done', { n }), ' ', h('a', { href: '#/ip' }, t('ipi.toPortfolio'))],
  });
  const exampleHref = URL.createObjectURL(new Blob(['\ufeff' + EXAMPLE_CSV], { type: 'text/csv;charset=utf-8' }));
  return h('div', { class: 'page page-ip-import' }, head, ipTabs('import'),
    h('div', { class: 'grid-2' }, form,
      h('section', { class: 'card', id: 'ip-import-help' },
        h('h2', null, t('ipi.helpTitle')),
        h('p', { class: 'small' }, t('ipi.helpLead')),
        h('ul', { class: 'small col-help' }, IMPORT_HEADINGS.map(([c, aliases]) => h('li', null, h('code', null, c), aliases ? [' — ', aliases] : null))),
        h('p', { class: 'small' }, t('ipi.helpValues')),
        h('p', { class: 'small' }, t('exd.importAllOrNothing')),
        h('p', null, h('a', { class: 'btn btn-small', id: 'ip-import-example', href: exampleHref, download: 'vi-du-nhap-tai-san-shtt.csv' }, t('ipi.example'))),
        h('p', { class: 'muted small' }, t('ipi.exampleNote')))),
    result);
}
