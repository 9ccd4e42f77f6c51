import { ApiError } from '../api/api-error.js';
import type { Alert, ApiKeyDetail } from '../api/api-types.js';
import { el, replaceChildren, uniqueId } from '../ui/dom.js';
import { count, rateLimit } from '../ui/format.js';
import { timeWithExact } from '../ui/time-element.js';
import { usageChart } from '../ui/usage-chart.js';
import { links } from '../router.js';
import { describeRule } from './anomaly-rules.js';
import { historyTimeline } from './history-timeline.js';
import { isSessionKey, revokeKey } from './revoke-key.js';
import { sessionBadge, statusBadge } from './key-badges.js';
import type { ViewContext } from './view-context.js';

/** One key: its details and usage, the alerts about it, and its whole history from the event log. */
export function keyDetailView(ctx: ViewContext, id: string): HTMLElement {
  const heading = el('h1', { attrs: { tabindex: -1 }, text: 'Key' });
  const details = el('div', { class: 'detail-grid' }, el('p', { class: 'muted', text: 'Loading key…' }));
  const alerts = el('ul', { class: 'compact-list' });
  const alertsHeadingId = uniqueId('key-alerts-heading');

  let timeline = historyTimeline(ctx, id);
  const show = (key: ApiKeyDetail) => {
    heading.textContent = key.name ? `Key “${key.name}”` : `Key ${key.prefix}…`;
    replaceChildren(details, factsPanel(ctx, key, onRevoked), usagePanel(key));
  };
  // The revocation is now the newest event of the key's history: read the timeline again to show it.
  const onRevoked = (key: ApiKeyDetail) => {
    show(key);
    const fresh = historyTimeline(ctx, id);
    timeline.replaceWith(fresh);
    timeline = fresh;
  };
  ctx.api.getKey(id).then(show, (error: unknown) => {
    const message = error instanceof ApiError && error.status === 404 ? 'There is no such key in this account.' : ctx.fail(error);
    replaceChildren(details, el('p', { class: 'form-error', text: message }));
  });
  ctx.api.listAlerts({ keyId: id }).then(
    (page) => replaceChildren(alerts, ...(page.data.length ? page.data.map(alertLine) : [el('li', { class: 'muted', text: 'No alerts about this key.' })])),
    (error: unknown) => replaceChildren(alerts, el('li', { class: 'form-error', text: ctx.fail(error) })),
  );

  return el(
    'div',
    { class: 'view' },
    el('p', { class: 'back' }, el('a', { attrs: { href: links.keys }, text: '← All keys' })),
    el('div', { class: 'view-header' }, heading),
    details,
    el(
      'section',
      { class: 'panel', attrs: { 'aria-labelledby': alertsHeadingId } },
      el('h2', { attrs: { id: alertsHeadingId }, text: 'Alerts about this key' }),
      alerts,
      el('p', {}, el('a', { attrs: { href: links.alerts }, text: 'All alerts, with their evidence' })),
    ),
    timeline,
  );
}

function factsPanel(ctx: ViewContext, key: ApiKeyDetail, onRevoked: (key: ApiKeyDetail) => void): HTMLElement {
  const headingId = uniqueId('facts-heading');
  const fact = (name: string, value: Node | string) => [el('dt', { text: name }), el('dd', {}, value)];
  const actions = el('div', { class: 'actions' });
  if (key.status === 'active') {
    const revoke = el('button', { class: 'button button--danger', text: 'Revoke this key', attrs: { type: 'button' } });
    revoke.addEventListener('click', async () => {
      const revoked = await revokeKey(ctx, key, revoke);
      if (revoked) onRevoked({ ...key, ...revoked, usage: key.usage });
    });
    actions.append(revoke);
  }
  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'Details' }),
    el(
      'dl',
      { class: 'facts' },
      ...fact('Status', el('span', {}, statusBadge(key), ...(isSessionKey(ctx, key) ? [' ', sessionBadge()] : []))),
      ...fact('ID', el('code', { text: key.id })),
      ...fact('Prefix', el('code', { text: `${key.prefix}…` })),
      ...fact('Created', timeWithExact(key.created_at)),
      ...(key.revoked_at ? fact('Revoked', timeWithExact(key.revoked_at)) : []),
      ...fact('Rate limit', rateLimit(key.rate_limit)),
      ...fact('Requests', `${count(key.usage.accepted)} accepted, ${count(key.usage.rate_limited)} rate-limited`),
      ...fact('First used', timeWithExact(key.usage.first_used_at)),
      ...fact('Last used', timeWithExact(key.usage.last_used_at)),
      ...fact('Last address', key.usage.last_ip ?? '—'),
      ...fact('Last user agent', key.usage.last_user_agent ?? '—'),
    ),
    actions,
  );
}

function usagePanel(key: ApiKeyDetail): HTMLElement {
  const headingId = uniqueId('usage-heading');
  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'Requests in the last 24 hours' }),
    usageChart(key.usage.requests_per_hour, 'large'),
    el('div', { class: 'chart-axis', attrs: { 'aria-hidden': 'true' } }, el('span', { text: '24 hours ago' }), el('span', { text: 'now' })),
  );
}

function alertLine(alert: Alert): HTMLLIElement {
  return el('li', {}, el('strong', { text: describeRule(alert.rule).title }), ', detected ', timeWithExact(alert.detected_at));
}
