import { el, focusFirstNew, replaceChildren } from './dom.js';

/** The "Show more …" button of a paged list, which runs `load` once clicked. */
export function showMoreButton(label: string, load: () => void): HTMLButtonElement {
  const more = el('button', { class: 'button button--secondary', text: label, attrs: { type: 'button' } });
  more.addEventListener('click', load);
  return more;
}

/**
 * A page that failed: its error in the list's footer and, for a later page (a 429, the network), the same button again,
 * focused, so the list goes on from there: Refresh would start over from the first page. On a key's page, which has no
 * Refresh, a first read that may succeed again gets its own button (the key, its alerts, its history: until 2026-12-07
 * only a reload of the whole page tried again).
 */
export function showPageFailure(footer: HTMLElement, message: string, again: HTMLButtonElement | null): void {
  replaceChildren(footer, el('p', { class: 'form-error', text: message }), again);
  focusFirstNew(again);
}
