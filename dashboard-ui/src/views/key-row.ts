import type { ApiKey, ChartedApiKey } from '../api/api-types.js';
import { type Child, el, replaceChildren } from '../ui/dom.js';
import { count, keyLabel, rateLimit, shownName } from '../ui/format.js';
import { timeWithExact } from '../ui/time-element.js';
import { usageChart } from '../ui/usage-chart.js';
import { links } from '../router.js';
import { isSessionKey, revokeKey } from './revoke-key.js';
import { sessionBadge, statusBadges } from './key-badges.js';
import type { ViewContext } from './view-context.js';

/** The column headers, in the order keyRow fills them. */
export const KEY_COLUMNS = ['Name', 'Prefix', 'Status', 'Created', 'Last used', 'Requests', 'Rate limit', 'Requests by hour', 'Actions'] as const;
type Column = (typeof KEY_COLUMNS)[number];

/** On narrow screens the headers are hidden and each cell shows its column name (data-label) itself. */
function cell(column: Column, ...children: Child[]): HTMLElement {
  if (column === 'Name') return el('th', { attrs: { scope: 'row', 'data-label': column } }, ...children);
  return el('td', { class: column === 'Requests' ? 'number' : undefined, attrs: { 'data-label': column } }, ...children);
}

/**
 * One key of the list, with its chart of requests by hour (the current hour and the 23 before) from the listing itself: a request per key for the charts made the
 * dashboard's own browsing look like a rate_spike of the signed-in key.
 */
export function keyRow(ctx: ViewContext, key: ApiKey | ChartedApiKey): HTMLTableRowElement {
  const own = isSessionKey(ctx, key);
  const status = cell('Status');
  const chart = cell(
    'Requests by hour',
    'requests_per_hour' in key ? usageChart(key.requests_per_hour) : el('span', { class: 'muted', text: 'Unavailable' }),
  );
  const actions = cell('Actions');
  const row = el(
    'tr',
    { class: 'key-row', attrs: { 'data-key-id': key.id } },
    cell('Name', el('a', { attrs: { href: links.key(key.id) }, text: shownName(key) ?? (key.name === null ? 'Unnamed key' : 'Name of invisible characters') }), ...(own ? [' ', sessionBadge()] : [])),
    cell('Prefix', el('code', { text: `${key.prefix}…` })),
    status,
    cell('Created', timeWithExact(key.created_at)),
    cell('Last used', timeWithExact(key.last_used_at)),
    cell('Requests', count(key.request_count)),
    cell('Rate limit', rateLimit(key.rate_limit)),
    chart,
    actions,
  );

  const showState = (current: ApiKey) => {
    replaceChildren(status, ...statusBadges(current));
    if (current.status === 'revoked') {
      replaceChildren(actions, el('span', { class: 'muted', text: 'Revoked' }));
      return;
    }
    if (!ctx.canWrite) return;
    const revoke = el('button', {
      class: 'button button--danger-outline',
      text: 'Revoke',
      attrs: { type: 'button', 'aria-label': `Revoke key ${keyLabel(current)}` },
    });
    revoke.addEventListener('click', async () => {
      const revoked = await revokeKey(ctx, current, revoke);
      if (revoked) {
        showState(revoked);
        row.querySelector('a')?.focus();
      }
    });
    replaceChildren(actions, revoke);
  };
  showState(key);

  return row;
}
