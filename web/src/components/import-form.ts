// The one file-import form (#/import, #/exchange/import, #/ip/import): a file field, a format
// choice, extra fields of the caller, upload to POST /api/v1/import/... (all or nothing on the
// server), and the per-row error report (line, column, reason) of a 422 answer.
import { h, type Child } from '../dom';
import { t } from '../i18n';
import { api, ApiError } from '../api';
import { fmtNum } from '../format';
import { importFormat } from '../exchange-deals';
import { clearErrors, errorState, formSummary, loading, select, setFieldError, showProblem, showSummary, table, toast } from '../ui';

export interface RowError { line?: number; column?: string; field?: string; message?: string }

export interface ImportFormOpts {
  /** Prefix of the ids: `${id}-form`, `${id}-submit`, `${id}-result`, `${id}-ok`, `${id}-errors`. */
  id: string;
  /** Id of the file input (kept stable for tests and labels). */
  fileId: string;
  fileHint: string;
  /** The API path to post to, read at submit time (e.g. from an entity select). */
  path: () => string;
  /** Fields shown before the file field. */
  before?: HTMLElement[];
  /** The success line for n records, and anything to show after it. */
  done: (n: string) => Child;
}

/** The form and the element where its result shows (place both on the page). */
export function importForm(o: ImportFormOpts): { form: HTMLFormElement; result: HTMLElement } {
  const result = h('div', { class: 'import-result', id: `${o.id}-result`, 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', name: 'file', id: o.fileId, accept: '.csv,.json,text/csv,application/json',
    'aria-describedby': `${o.fileId}-hint ${o.fileId}-error`, 'aria-required': 'true' });
  const form: HTMLFormElement = h('form', { class: 'card form import-form', id: `${o.id}-form`, novalidate: true },
    formSummary(),
    o.before ?? null,
    h('div', { class: 'field', 'data-field': 'file' },
      h('label', { for: o.fileId }, t('import.file'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
      fileInput,
      h('p', { class: 'field-hint', id: `${o.fileId}-hint` }, o.fileHint),
      h('p', { class: 'field-error', id: `${o.fileId}-error`, 'data-error-for': 'file', 'aria-live': 'polite' })),
    select({ name: 'format', label: t('import.format'), value: '', hint: t('import.formatHint'),
      options: [['', t('import.formatAuto')], ['csv', 'CSV'], ['json', 'JSON']] }),
    h('div', { class: 'btn-row' }, h('button', { type: 'submit', class: 'btn btn-primary', id: `${o.id}-submit` }, t('import.submit'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    result.replaceChildren();
    const file = fileInput.files?.[0];
    if (!file) { setFieldError(form, 'file', t('import.noFile')); showSummary(form, t('common.formErrors')); fileInput.focus(); return; }
    const format = importFormat((form.elements.namedItem('format') as HTMLSelectElement).value, file.name, file.type);
    const btn = form.querySelector(`#${CSS.escape(o.id)}-submit`) as HTMLButtonElement;
    btn.disabled = true;
    result.replaceChildren(loading());
    try {
      const r = await api.upload<{ inserted: number }>(o.path(), file, format === 'json' ? 'application/json' : 'text/csv', { format });
      const n = fmtNum(r?.inserted ?? 0);
      const msg = o.done(n);
      result.replaceChildren(h('div', { class: 'state import-ok', id: `${o.id}-ok`, role: 'status' }, msg));
      toast(typeof msg === 'string' ? msg : (result.textContent ?? ''));
      fileInput.value = '';
    } catch (err) {
      const rows: RowError[] = err instanceof ApiError ? (err.problem.errors ?? []) as RowError[] : [];
      if (err instanceof ApiError && err.status === 422 && rows.length) {
        result.replaceChildren(h('div', { class: 'card import-errors', id: `${o.id}-errors`, role: 'alert' },
          h('h2', null, t('import.rejected', { n: fmtNum(rows.length) })),
          h('p', null, t('import.nothing')),
          table(rows, [
            { label: t('import.line'), className: 'num', cell: (x) => (x.line != null ? fmtNum(x.line) : '—') },
            { label: t('import.column'), className: 'mono', cell: (x) => x.column || x.field || '—' },
            { label: t('import.message'), cell: (x) => x.message || '—' },
          ], { caption: t('import.rejected', { n: rows.length }) })));
      } else {
        result.replaceChildren(errorState(err));
        if (err instanceof ApiError && err.problem.field) showProblem(form, err);
      }
    } finally {
      btn.disabled = false;
    }
  });
  return { form, result };
}
