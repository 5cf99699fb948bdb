// Search box with search-as-you-type suggestions: the ARIA 1.2 combobox pattern
// (input role=combobox + listbox, aria-activedescendant; ↑/↓ move, Enter opens, Escape closes/clears).
import { h, s } from '../dom';
import { t, tx } from '../i18n';
import { navigate } from '../router';
import { itemHref, search, snippetNodes, type SearchItem } from '../search';

export interface SearchBoxOpts {
  id: string;                 // input id; the listbox is `${id}-list`
  value?: string;
  variant?: 'header' | 'hero' | 'page';
  placeholder?: string;
  visibleLabel?: boolean;
  /** Where Enter (with no suggestion chosen) goes; default: the results page. */
  onSubmit?: (q: string) => void;
}

const DEBOUNCE_MS = 200;

export function searchIcon(): SVGSVGElement {
  return s('svg', { class: 'sb-icon', viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
    s('circle', { cx: 10.5, cy: 10.5, r: 6.5, fill: 'none', stroke: 'currentColor', 'stroke-width': 2.2 }),
    s('path', { d: 'M15.5 15.5L21 21', stroke: 'currentColor', 'stroke-width': 2.2, 'stroke-linecap': 'round' }));
}

export function searchBox(o: SearchBoxOpts): HTMLFormElement {
  const listId = `${o.id}-list`;
  const variant = o.variant ?? 'page';
  const input = h('input', {
    id: o.id, type: 'search', name: 'q', value: o.value ?? '', class: 'sb-input',
    placeholder: o.placeholder ?? t('search.placeholder'), autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, enterkeyhint: 'search',
  });
  const list = h('ul', { id: listId, class: 'sb-list', role: 'listbox', 'aria-label': t('search.suggestions'), hidden: true });
  const status = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'sb-submit', 'aria-label': t('search.submit') }, searchIcon(),
    variant === 'header' ? null : h('span', { class: 'sb-submit-text' }, t('search.submit')));
  const label = h('label', { for: o.id, class: o.visibleLabel ? 'sb-label' : 'sr-only' }, t('search.label'));

  let options: { el: HTMLElement; href: string }[] = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  let lastFetched = '';

  const isOpen = () => !list.hidden;
  const setActive = (i: number) => {
    active = i;
    options.forEach((op, k) => {
      op.el.setAttribute('aria-selected', String(k === i));
      op.el.classList.toggle('active', k === i);
    });
    if (i >= 0) {
      input.setAttribute('aria-activedescendant', options[i].el.id);
      options[i].el.scrollIntoView?.({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  };
  const open = () => {
    if (!options.length) return;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  const go = (href: string) => {
    close();
    if (!href.startsWith('#/search')) { input.value = ''; lastFetched = ''; options = []; list.replaceChildren(); }
    if (location.hash === href) window.dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = href;
  };
  const submitQuery = (q: string) => {
    close();
    if (o.onSubmit) o.onSubmit(q); else navigate('/search', { q });
  };

  const option = (i: number, href: string, ...content: (Node | string | null)[]) => {
    const el = h('li', { id: `${o.id}-opt-${i}`, role: 'option', class: 'sb-option', 'aria-selected': 'false', 'data-href': href }, ...content);
    // mousedown would blur the input first; keep focus and act on click.
    el.addEventListener('mousedown', (e) => e.preventDefault());
    el.addEventListener('click', () => go(href));
    el.addEventListener('mousemove', () => { if (active !== options.findIndex((x) => x.el === el)) setActive(options.findIndex((x) => x.el === el)); });
    options.push({ el, href });
    return el;
  };

  const render = (q: string, items: SearchItem[], suggestion: string) => {
    options = [];
    active = -1;
    const lis: HTMLElement[] = [];
    if (usefulSuggestion(q, suggestion)) {
      lis.push(option(lis.length, '#/search?q=' + encodeURIComponent(suggestion),
        h('span', { class: 'sb-dym' }, t('search.didYouMean'), ' ', h('strong', null, suggestion))));
    }
    for (const it of items) {
      lis.push(option(lis.length, itemHref(it),
        h('span', { class: `badge sb-type type-${it.type}` }, tx('search.type.', it.type)),
        h('span', { class: 'sb-text' },
          h('span', { class: 'sb-title' }, snippetNodes(it.snippets?.title || escapeLike(it.title))),
          it.subtitle ? h('span', { class: 'sb-sub' }, it.subtitle) : null)));
    }
    lis.push(option(lis.length, '#/search?q=' + encodeURIComponent(q),
      h('span', { class: 'sb-all' }, searchIcon(), t('search.seeAll', { q }))));
    list.replaceChildren(...lis);
    status.textContent = items.length ? t('search.nSuggestions', { n: items.length }) : t('search.noSuggestions');
    if (document.activeElement === input) open();
  };

  const fetchSuggestions = () => {
    const q = input.value.trim();
    if (q.length < 2) { seq++; lastFetched = ''; close(); list.replaceChildren(); options = []; return; }
    if (q === lastFetched && options.length) { open(); return; }
    const my = ++seq;
    search({ q, prefix: true, limit: 5 }).then((r) => {
      if (my !== seq) return;
      lastFetched = q;
      render(q, r.items ?? [], r.suggestion ?? '');
    }).catch(() => { if (my === seq) close(); });
  };

  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
  });
  input.addEventListener('focus', () => { if (options.length && input.value.trim() === lastFetched) open(); });
  input.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.isComposing) return; // Vietnamese IMEs (Telex) compose with keys too
    switch (e.key) {
      case 'ArrowDown':
        if (!options.length) return;
        e.preventDefault();
        if (!isOpen()) { open(); setActive(0); } else setActive((active + 1) % options.length);
        break;
      case 'ArrowUp':
        if (!options.length) return;
        e.preventDefault();
        if (!isOpen()) { open(); setActive(options.length - 1); } else setActive(active <= 0 ? options.length - 1 : active - 1);
        break;
      case 'Enter':
        if (isOpen() && active >= 0) { e.preventDefault(); go(options[active].href); }
        break;
      case 'Escape':
        if (isOpen()) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ''; seq++; options = []; list.replaceChildren(); }
        break;
      case 'Tab':
        close();
        break;
      default:
    }
  });

  const form = h('form', { class: `searchbox sb-${variant}`, role: 'search', 'data-searchbox': o.id, novalidate: true },
    label,
    h('div', { class: 'sb-field' }, input, submit, list),
    status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    window.clearTimeout(timer);
    seq++;
    submitQuery(input.value.trim());
  });
  // A route change (link, back button) closes the suggestions; the header's boxes are rebuilt, so
  // a detached box drops its listener.
  const onHash = () => { if (!form.isConnected) window.removeEventListener('hashchange', onHash); else close(); };
  window.addEventListener('hashchange', onHash);
  form.addEventListener('focusout', (e) => {
    const to = (e as FocusEvent).relatedTarget as Node | null;
    if (!to || !form.contains(to)) close();
  });
  return form;
}

/** As you type, the last word is often unfinished ("cong ng" -> "công ng"): offer the suggestion only when
 *  it restores diacritics and its last word is a complete one (changed by the restoring). */
function usefulSuggestion(q: string, sug: string): boolean {
  if (!sug || sug.toLowerCase() === q.toLowerCase()) return false;
  const last = (x: string) => x.trim().split(/\s+/).pop()!.toLowerCase();
  return last(sug) !== last(q);
}

/** A plain title in the snippet format (so both paths go through the same renderer). */
function escapeLike(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
