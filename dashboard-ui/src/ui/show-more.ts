import { el, focusFirstNew, replaceChildren } from './dom.js';

/** The "Show more …" button of a paged list, which runs `load` once clicked. */
export function showMoreButton(label: string, load: () => void): HTMLButtonElement {
  const more = el('button', { class: 'button button--secondary', text: label, attrs: { type: 'button' } });
  more.addEventListener('click', load);
  return more;
}

/**
 * A page that failed: its error in the list's footer and, for a later page (a 429, the network), the same button again,
 * focused, so the list goes on from there: Refresh would start over from the first page.
 */
export function showPageFailure(footer: HTMLElement, message: string, again: HTMLButtonElement | null): void {
  replaceChildren(footer, el('p', { class: 'form-error', text: message }), again);
  focusFirstNew(again);
}
