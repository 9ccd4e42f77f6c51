import type { ApiKey } from '../api/api-types.js';
import { type Child, el, replaceChildren } from '../ui/dom.js';
import { count, keyLabel, rateLimit } from '../ui/format.js';
import { timeWithExact } from '../ui/time-element.js';
import { usageChart } from '../ui/usage-chart.js';
import { links } from '../router.js';
import { isSessionKey, revokeKey } from './revoke-key.js';
import { sessionBadge, statusBadge } from './key-badges.js';
import type { ViewContext } from './view-context.js';

/** The column headers, in the order keyRow fills them. */
export const KEY_COLUMNS = ['Name', 'Prefix', 'Status', 'Created', 'Last used', 'Requests', 'Rate limit', 'Last 24 hours', 'Actions'] as const;
type Column = (typeof KEY_COLUMNS)[number];

/** On narrow screens the headers are hidden and each cell shows its column name (data-label) itself. */
function cell(column: Column, ...children: Child[]): HTMLElement {
  if (column === 'Name') return el('th', { attrs: { scope: 'row', 'data-label': column } }, ...children);
  return el('td', { class: column === 'Requests' ? 'number' : undefined, attrs: { 'data-label': column } }, ...children);
}

/** One key of the list. Its 24-hour chart comes from the key's own detail, fetched after the row is shown. */
export function keyRow(ctx: ViewContext, key: ApiKey): HTMLTableRowElement {
  const own = isSessionKey(ctx, key);
  const status = cell('Status');
  const chart = cell('Last 24 hours', el('span', { class: 'muted', text: 'Loading…' }));
  const actions = cell('Actions');
  const row = el(
    'tr',
    { class: 'key-row', attrs: { 'data-key-id': key.id } },
    cell('Name', el('a', { attrs: { href: links.key(key.id) }, text: key.name ?? 'Unnamed key' }), ...(own ? [' ', sessionBadge()] : [])),
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
    replaceChildren(status, statusBadge(current));
    if (current.status === 'revoked') {
      replaceChildren(actions, el('span', { class: 'muted', text: 'Revoked' }));
      return;
    }
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

  ctx.api.getKey(key.id).then(
    (detail) => replaceChildren(chart, usageChart(detail.usage.requests_per_hour)),
    (error: unknown) => {
      ctx.fail(error);
      replaceChildren(chart, el('span', { class: 'muted', text: 'Unavailable' }));
    },
  );
  return row;
}
