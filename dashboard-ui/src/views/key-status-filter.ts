import type { ApiKey } from '../api/api-types.js';
import { el, uniqueId } from '../ui/dom.js';

export type KeyStatus = ApiKey['status'];

/** The statuses GET /v1/api-keys filters by (`status=`), as the select offers them after "All". */
const STATUSES: readonly [KeyStatus, string][] = [
  ['active', 'Active'],
  ['disabled', 'Disabled'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
];

/** The status a text names (from the URL), or undefined (all) for any other text. */
export function keyStatusNamed(text: string | null): KeyStatus | undefined {
  return STATUSES.find(([value]) => value === text)?.[0];
}

/**
 * A labelled select of the status the key list shows: the choice goes to the API (`status=`), which pages the keys of
 * that status, never a filter of the keys already fetched. `onChange` gets undefined for all of them.
 */
export function keyStatusFilter(shown: KeyStatus | undefined, onChange: (status: KeyStatus | undefined) => void): HTMLElement {
  const id = uniqueId('key-status');
  const select = el(
    'select',
    { class: 'input', attrs: { id } },
    el('option', { attrs: { value: '' }, text: 'All' }),
    ...STATUSES.map(([value, label]) => el('option', { attrs: { value }, text: label })),
  );
  select.value = shown ?? '';
  select.addEventListener('change', () => onChange((select.value || undefined) as KeyStatus | undefined));
  return el('div', { class: 'field key-filter' }, el('label', { class: 'label', attrs: { for: id }, text: 'Status' }), select);
}

/** What an empty list says: "No keys yet." for all, "No revoked keys." for one status. */
export function noKeysText(status: KeyStatus | undefined): string {
  return status === undefined ? 'No keys yet.' : `No ${status} keys.`;
}
