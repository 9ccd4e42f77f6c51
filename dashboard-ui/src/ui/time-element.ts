import { el } from './dom.js';
import { exactTime, relativeTime } from './format.js';

/** A time shown both ways: "5 minutes ago", then the exact local time. */
export function timeWithExact(iso: string | null, never = 'Never'): HTMLElement {
  if (iso === null) return el('span', { class: 'muted', text: never });
  const exact = exactTime(iso);
  return el(
    'span',
    { class: 'when' },
    el('time', { attrs: { datetime: iso }, text: relativeTime(iso) }),
    el('span', { class: 'exact', text: exact }),
  );
}

/** The exact time only, machine-readable too. */
export function exactTimeElement(iso: string): HTMLTimeElement {
  return el('time', { attrs: { datetime: iso }, text: exactTime(iso) });
}
