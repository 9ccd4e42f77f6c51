import { ApiError } from '../api/api-error.js';
import type { ApiKeyDetail, RolledApiKey } from '../api/api-types.js';
import { el, focusHeading, replaceChildren, uniqueId } from '../ui/dom.js';
import { showTitle } from '../ui/page-title.js';
import { mayRetry } from '../ui/describe-error.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { bidiControlsShown, count, keyLabel, rateLimit, shownName } from '../ui/format.js';
import { timeWithExact } from '../ui/time-element.js';
import { chartStart, usageChart } from '../ui/usage-chart.js';
import { usageTable } from '../ui/usage-table.js';
import { links } from '../router.js';
import { historyTimeline } from './history-timeline.js';
import { keyAlerts } from './key-alerts.js';
import { isSessionKey, revokeKey } from './revoke-key.js';
import { isLive, sessionBadge, statusBadges } from './key-badges.js';
import { editKeyForm } from './edit-key-form.js';
import { newKeyNotice } from './new-key-notice.js';
import { readOnlyNote } from './read-only-note.js';
import { rollKey } from './roll-key.js';
import { toggleKey } from './toggle-key.js';
import type { ViewContext } from './view-context.js';

/** One key: its details and usage, the alerts about it, and its whole history from the event log. */
export function keyDetailView(ctx: ViewContext, id: string): HTMLElement {
  // Focusable once it names the key (arrive): focused at once, it was read out as "Key", the name coming unannounced.
  const heading = el('h1', { text: 'Key' });
  const details = el('div', { class: 'detail-grid' }, el('p', { class: 'muted', text: 'Loading key…' }));
  const alertsHeadingId = uniqueId('key-alerts-heading');

  let timeline = historyTimeline(ctx, id);
  const notices = el('div', {});
  const refreshTimeline = () => {
    const fresh = historyTimeline(ctx, id);
    timeline.replaceWith(fresh);
    timeline = fresh;
  };
  /** Where focus goes once the details are shown again: the button that was pressed is gone with the panel it was in. */
  const focusResult = (focus: Focus) => {
    if (focus === 'none') return;
    const target = focus === 'edit' ? details.querySelector<HTMLElement>('[data-action="edit"]') : details.querySelector<HTMLElement>('h2[tabindex="-1"]');
    (target ?? heading).focus();
  };
  const actions: KeyActions = {
    // A change is the newest event of the key's history: read the key and the timeline again to show it.
    changed: (focus = 'details') => {
      load(focus);
      refreshTimeline();
    },
    edit: (key, etag) => {
      const form = editKeyForm(
        ctx,
        key,
        etag,
        () => actions.changed(),
        () => load('edit'),
      );
      replaceChildren(details, form);
      form.querySelector('h2')?.focus();
    },
    // Refused because the key is not what this page shows (changed elsewhere: 409, 412, 404): show it as it is now.
    refused: (error) => {
      ctx.fail(error);
      if (error instanceof ApiError && (error.status === 404 || error.status === 409 || error.status === 412)) actions.changed();
    },
    // The new key first, and focused: reading the key again comes after (with the new key when the tab's own was rolled).
    rolled: (rolled) => {
      const notice = newKeyNotice(
        ctx,
        rolled,
        () => {
          replaceChildren(notices);
          focusResult('details');
        },
        `New key for ${keyLabel(rolled.rolled)}`,
      );
      replaceChildren(notices, notice);
      focusHeading(notice);
      actions.changed('none');
    },
  };
  const show = (key: ApiKeyDetail, etag: string | null) => {
    const name = shownName(key);
    heading.textContent = name ? `Key “${name}”` : `Key ${key.prefix}…`;
    showTitle(heading.textContent);
    replaceChildren(details, factsPanel(ctx, key, etag, actions), ...(key.rotation ? [rotationPanel(key)] : []), usagePanel(key));
  };
  /** The first answer read: the heading takes the focus the screen change left on the page's body (the link pressed went with the list). */
  const arrive = () => {
    if (heading.hasAttribute('tabindex')) return;
    heading.setAttribute('tabindex', '-1');
    if (heading.isConnected && (document.activeElement === null || document.activeElement === document.body)) heading.focus();
  };
  const load = (focus: Focus = 'none') =>
    ctx.api.getKeyVersion(id).then(
      ({ key, etag }) => {
        show(key, etag);
        focusResult(focus);
        arrive();
      },
      (error: unknown) => {
        const message = error instanceof ApiError && error.status === 404 ? 'There is no such key in this account.' : ctx.fail(error);
        const again = mayRetry(error)
          ? showMoreButton('Load the key again', () => {
              ctx.status.clear();
              replaceChildren(details, el('p', { class: 'muted', text: 'Loading key…' }));
              // The button goes with the failure: the details' heading takes the focus once they are shown.
              load('details');
            })
          : null;
        showPageFailure(details, message, again);
        if (details.isConnected && !again) focusResult(focus);
        arrive();
      },
    );
  load();

  return el(
    'div',
    { class: 'view' },
    el(
      'p',
      { class: 'back' },
      el('a', { attrs: { href: links.keys }, text: '← All keys' }),
      ' · ',
      el('a', { attrs: { href: links.events({ key_id: id }) }, text: 'Its changes in the audit log' }),
    ),
    el('div', { class: 'view-header' }, heading),
    notices,
    details,
    el(
      'section',
      { class: 'panel', attrs: { 'aria-labelledby': alertsHeadingId } },
      el('h2', { attrs: { id: alertsHeadingId }, text: 'Alerts about this key' }),
      ...keyAlerts(ctx, id),
      el('p', {}, el('a', { attrs: { href: links.alerts }, text: 'All alerts, with their evidence' })),
    ),
    timeline,
  );
}

/** What takes the focus after the details are read again: their heading, the Edit button (after Cancel), or nothing new. */
type Focus = 'details' | 'edit' | 'none';

interface KeyActions {
  changed(focus?: Focus): void;
  refused(error: unknown): void;
  edit(key: ApiKeyDetail, etag: string | null): void;
  rolled(rolled: RolledApiKey): void;
}

function button(text: string, danger = false): HTMLButtonElement {
  return el('button', { class: `button ${danger ? 'button--danger' : 'button--secondary'}`, text, attrs: { type: 'button' } });
}

function factsPanel(ctx: ViewContext, key: ApiKeyDetail, etag: string | null, on: KeyActions): HTMLElement {
  const headingId = uniqueId('facts-heading');
  const fact = (name: string, value: Node | string) => [el('dt', { text: name }), el('dd', {}, value)];
  const actions = el('div', { class: 'actions' });
  const live = isLive(key);
  if (!ctx.canWrite) actions.append(readOnlyNote());
  else if (live) {
    const edit = button('Edit');
    edit.dataset.action = 'edit';
    edit.addEventListener('click', () => on.edit(key, etag));
    const toggle = button(key.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', async () => {
      toggle.disabled = true;
      try {
        if (await toggleKey(ctx, key, toggle)) on.changed();
      } catch (error) {
        on.refused(error);
      }
      toggle.disabled = false;
      // Disabled while its request ran, the button lost the focus to the page's body: it takes it back while still shown.
      if (toggle.isConnected && document.activeElement === document.body) toggle.focus();
    });
    actions.append(edit, toggle);
    if (!key.rotation) {
      const roll = button('Roll');
      roll.addEventListener('click', async () => {
        try {
          const rolled = await rollKey(ctx, key, roll);
          if (rolled) on.rolled(rolled);
        } catch (error) {
          on.refused(error);
        }
      });
      actions.append(roll);
    }
  }
  if (ctx.canWrite && key.status !== 'revoked') {
    const revoke = button('Revoke this key', true);
    revoke.addEventListener('click', async () => {
      const revoked = await revokeKey(ctx, key, revoke);
      if (revoked) on.changed();
    });
    actions.append(revoke);
  }
  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId, tabindex: -1 }, text: 'Details' }),
    el(
      'dl',
      { class: 'facts' },
      ...fact('Status', el('span', {}, ...statusBadges(key, { exactShownBeside: true }), ...(isSessionKey(ctx, key) ? [' ', sessionBadge()] : []))),
      ...fact('ID', el('code', { text: key.id })),
      ...fact('Prefix', el('code', { text: `${key.prefix}…` })),
      ...fact('Created', timeWithExact(key.created_at)),
      ...fact('Expires', key.expires_at ? timeWithExact(key.expires_at) : 'Never'),
      ...(key.revoked_at ? fact('Revoked', timeWithExact(key.revoked_at)) : []),
      ...fact('Permissions', key.permissions.includes('*') ? 'Everything (*)' : key.permissions.join(', ')),
      ...fact('Allowed addresses', key.allowed_ips.length === 0 ? 'Anywhere' : key.allowed_ips.join(', ')),
      ...(key.predecessor_id ? fact('Rolled from', el('a', { attrs: { href: links.key(key.predecessor_id) }, text: key.predecessor_id })) : []),
      ...fact('Rate limit', rateLimit(key.rate_limit)),
      ...fact('Requests', `${count(key.usage.accepted)} accepted, ${count(key.usage.rate_limited)} rate-limited, ${count(key.usage.refused)} refused`),
      ...fact('First used', timeWithExact(key.usage.first_used_at)),
      ...fact('Last used', timeWithExact(key.usage.last_used_at)),
      ...fact('Last address', key.usage.last_ip ?? '—'),
      ...fact('Last user agent', key.usage.last_user_agent === null ? '—' : bidiControlsShown(key.usage.last_user_agent)),
    ),
    actions,
  );
}

/** Step 3 of a rotation as data: who still uses the old key since the roll. */
function rotationPanel(key: ApiKeyDetail): HTMLElement {
  const rotation = key.rotation!;
  const headingId = uniqueId('rotation-heading');
  const fact = (name: string, value: Node | string) => [el('dt', { text: name }), el('dd', {}, value)];
  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'Rolled: traffic since the roll' }),
    el(
      'dl',
      { class: 'facts' },
      ...fact('New key', el('a', { attrs: { href: links.key(rotation.successor_id) }, text: rotation.successor_id })),
      ...fact('Rolled', timeWithExact(rotation.rolled_at)),
      ...fact('Grace ends', timeWithExact(rotation.grace_ends_at)),
      ...(rotation.close_when_idle_seconds ? fact('Retired sooner', `once unused for ${count(rotation.close_when_idle_seconds)} s`) : []),
      ...fact('Requests since the roll', count(rotation.uses_since_roll)),
      ...fact('Last used since', timeWithExact(rotation.last_used_at)),
      ...fact('From addresses', sinceRollAddresses(rotation.addresses_since_roll, rotation.addresses_since_roll_count)),
    ),
  );
}

/**
 * The addresses still using the old key, with how many more there are past the ones the API lists (the most recent
 * 20), as the CLI says it: until 2026-12-07 a key used from 25 addresses since its roll showed 20 as if they were all,
 * then "there may be more" at 20 or over, also for a key used from exactly 20, though the API gives the count.
 */
function sinceRollAddresses(addresses: string[], total: number): string {
  if (addresses.length === 0) return 'None';
  const more = total - addresses.length;
  if (more <= 0) return addresses.join(', ');
  return `${addresses.join(', ')} and ${count(more)} more, ${count(total)} in all (the uses in its history name them)`;
}

function usagePanel(key: ApiKeyDetail): HTMLElement {
  const headingId = uniqueId('usage-heading');
  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'Requests by hour' }),
    usageChart(key.usage.requests_per_hour, 'large'),
    el('div', { class: 'chart-axis', attrs: { 'aria-hidden': 'true' } }, el('span', { text: chartStart(key.usage.requests_per_hour) }), el('span', { text: 'now' })),
    usageTable(key.usage.requests_per_hour),
  );
}
