import { el } from './dom.js';

/** The "Show more …" button of a paged list, which runs `load` once clicked. */
export function showMoreButton(label: string, load: () => void): HTMLButtonElement {
  const more = el('button', { class: 'button button--secondary', text: label, attrs: { type: 'button' } });
  more.addEventListener('click', load);
  return more;
}
