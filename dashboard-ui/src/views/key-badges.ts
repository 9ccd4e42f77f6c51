import type { ApiKey } from '../api/api-types.js';
import { el } from '../ui/dom.js';

export function statusBadge(key: Pick<ApiKey, 'status'>): HTMLElement {
  return el('span', { class: `badge badge--${key.status}`, text: key.status });
}

export function sessionBadge(): HTMLElement {
  return el('span', { class: 'badge badge--session', text: 'this tab’s key' });
}
