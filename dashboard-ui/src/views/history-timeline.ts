import type { HistoryEvent } from '../api/api-types.js';
import { el, focusFirstNew, replaceChildren, uniqueId } from '../ui/dom.js';
import { bidiControlsShown, rateLimit, words } from '../ui/format.js';
import { mayRetry } from '../ui/describe-error.js';
import { showMoreButton, showPageFailure } from '../ui/show-more.js';
import { exactTimeElement } from '../ui/time-element.js';
import { links } from '../router.js';
import type { ViewContext } from './view-context.js';

/** What the timeline and the audit log call each kind of event. */
export const TITLES: Record<string, string> = {
  KeyCreated: 'Created',
  KeyRevoked: 'Revoked',
  KeyUsed: 'Used',
  KeyUpdated: 'Changed',
  KeyDisabled: 'Disabled',
  KeyEnabled: 'Enabled',
  KeyRolled: 'Rolled',
  KeyExpired: 'Expired',
  KeySecretReissued: 'Secret reissued',
  KeyLeakReported: 'Found in public',
  UsageArchived: 'Uses archived',
};

export const EXPIRY_REASONS: Record<string, string> = {
  expires_at: 'its expiry date passed',
  grace_ended: 'the grace period of its roll ended',
  idle: 'it went unused after its roll',
};

export const LEAK_ACTIONS: Record<string, string> = {
  revoked: 'The key was revoked at once: roll out a new key where it was used.',
  disabled: 'The key was disabled: roll it (its successor gets a new secret), then revoke it.',
  none: 'Nothing was changed (the key had already stopped working, or the policy only notifies): roll it if it still works.',
};

/**
 * Every event of the key, the latest first (the API's order by time, newest_first), a page at a time going back in time
 * (next_cursor), each with its position in the log: uses are written in batches, so a use made before a revocation is
 * logged after it. Oldest first, a busy key's recent uses were its last page (~1,000 pages at 100,000 uses).
 */
export function historyTimeline(ctx: ViewContext, keyId: string): HTMLElement {
  const headingId = uniqueId('history-heading');
  const list = el('ol', { class: 'timeline' });
  const footer = el('div', { class: 'list-footer' });

  const load = (cursor?: string) => {
    replaceChildren(footer, el('p', { class: 'muted', text: 'Loading history…' }));
    ctx.api.keyHistory(keyId, cursor).then(
      (page) => {
        const shown = list.childElementCount;
        for (const event of page.data) list.append(timelineItem(event));
        if (cursor !== undefined) focusFirstNew(list.children[shown] as HTMLElement | undefined);
        if (page.next_cursor === null) {
          replaceChildren(footer, list.childElementCount === 0 ? el('p', { class: 'muted', text: 'No events.' }) : null);
          return;
        }
        replaceChildren(footer, more(page.next_cursor));
      },
      (error: unknown) => showPageFailure(footer, ctx.fail(error), cursor !== undefined ? more(cursor) : mayRetry(error) ? again() : null),
    );
  };
  const again = () =>
    showMoreButton('Load the history again', () => {
      ctx.status.clear();
      load();
    });
  const more = (cursor: string) =>
    showMoreButton('Load older events', () => {
      ctx.status.clear();
      load(cursor);
    });
  load();

  return el(
    'section',
    { class: 'panel', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: 'History' }),
    el('p', {
      class: 'hint',
      text: 'Every event of this key (its creation, each use, its revocation), the latest first. “log #” is the event’s position in the event log: uses are written in batches, so a use can be logged after a later event.',
    }),
    list,
    footer,
  );
}

function timelineItem(event: HistoryEvent): HTMLLIElement {
  return el(
    'li',
    { class: `timeline__item timeline__item--${event.type === 'KeyUsed' ? 'used' : 'lifecycle'}` },
    el(
      'div',
      { class: 'timeline__head' },
      el('span', { class: 'timeline__type', text: TITLES[event.type] ?? event.type }),
      exactTimeElement(event.time),
      el('span', { class: 'timeline__position', text: `log #${event.position}`, attrs: { title: 'Position in the event log' } }),
    ),
    el('p', { class: 'timeline__summary' }, ...summary(event)),
    el(
      'details',
      {},
      el('summary', { text: 'Event data' }),
      // Focusable: its long lines scroll sideways, which a keyboard reaches only in a focusable box (Safari makes none so by itself).
      el('pre', {
        class: 'event-data',
        attrs: { tabindex: '0', 'aria-label': `${TITLES[event.type] ?? event.type} event data` },
        text: bidiControlsShown(JSON.stringify({ type: event.type, stream: event.stream, revision: event.revision, position: event.position, data: event.data }, null, 2)),
      }),
    ),
  );
}

function summary(event: HistoryEvent): (Node | string)[] {
  const data = event.data;
  const text = (name: string) => (typeof data[name] === 'string' ? bidiControlsShown(data[name] as string) : null);
  switch (event.type) {
    case 'KeyCreated': {
      const limit = data.rateLimit as { requests: number; perSeconds: number } | undefined;
      const name = text('name');
      return [
        name ? `Named “${name}”` : 'Unnamed',
        typeof data.rolledFromKeyId === 'string' ? ' (rolled from ' : '',
        typeof data.rolledFromKeyId === 'string' ? keyLink(data.rolledFromKeyId) : '',
        typeof data.rolledFromKeyId === 'string' ? ')' : '',
        limit ? `, limit ${rateLimit({ requests: limit.requests, per_seconds: limit.perSeconds })}` : '',
        ', by ',
        actor(event.acting_key_id),
        '.',
      ];
    }
    case 'KeyRevoked':
    case 'KeyDisabled':
      // No acting key but a request: the secret scanning report logged just before it (KeyLeakReported) did it.
      if (event.acting_key_id === null && event.request_id) return ['By the secret scanning report above.'];
      return ['By ', actor(event.acting_key_id), '.'];
    case 'KeyEnabled':
      return ['By ', actor(event.acting_key_id), '.'];
    case 'KeyLeakReported': {
      const url = text('sourceUrl');
      const what = LEAK_ACTIONS[text('action') ?? ''] ?? '';
      return [`A secret scanner (${text('scanner') ?? '?'}) found this key’s secret in public`, url ? `: ${url}` : '', `. ${what}`];
    }
    case 'KeyUpdated':
      return [`${Object.keys((data.changes as Record<string, unknown>) ?? {}).map(words).join(', ')} changed by `, actor(event.acting_key_id), '.'];
    case 'KeyRolled': {
      const graceEndsAt = text('graceEndsAt');
      // The event's fact, not a promise: a key disabled when rolled is refused all its grace period (until 2026-12-06
      // this said "works until"), and one may still be revoked or retired idle sooner.
      return ['Replaced by ', keyLink(text('successorKeyId') ?? ''), '; grace period until ', graceEndsAt ? exactTimeElement(graceEndsAt) : '?', '; by ', actor(event.acting_key_id), '.'];
    }
    case 'KeyExpired':
      return [`Stopped working because ${EXPIRY_REASONS[text('reason') ?? ''] ?? 'it expired'}.`];
    case 'KeySecretReissued':
      // idempotent_retry: the same creation or roll sent again with its Idempotency-Key.
      return [`New secret ${text('prefix') ?? ''}…, the one before refused from then on (a repeated request), by `, actor(event.acting_key_id), '.'];
    case 'UsageArchived': {
      const before = text('before');
      // The uses moved out of the log still count in the key's usage figures; the file is the operator's.
      return [
        `${String(data.events ?? '?')} events of its usage logged before `,
        before ? exactTimeElement(before) : '?',
        ` moved to the archive file ${text('file') ?? '?'} by the operator CLI; its figures still count them.`,
      ];
    }
    case 'KeyUsed':
      return [
        `${text('method') ?? '?'} ${text('path') ?? '?'} from ${text('ip') ?? 'an unknown address'}: `,
        useOutcome(data.outcome),
        text('userAgent') ? ` (${text('userAgent')})` : '',
      ];
    default:
      return [event.type];
  }
}

/** A use's outcome in words: the ones not served stand out. */
function useOutcome(outcome: unknown): Node | string {
  if (outcome === 'rate_limited') return el('strong', { text: 'rate-limited' });
  if (outcome === 'refused') return el('strong', { text: 'refused (a permission or address it lacks)' });
  return 'accepted';
}

function keyLink(id: string): Node {
  return el('a', { attrs: { href: links.key(id) }, text: `key ${id.slice(0, 8)}…` });
}

function actor(actingKeyId: string | null): Node | string {
  if (actingKeyId === null) return 'the operator CLI';
  return el('a', { attrs: { href: links.key(actingKeyId) }, text: `key ${actingKeyId.slice(0, 8)}…` });
}
