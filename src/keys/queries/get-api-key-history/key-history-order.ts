import type { RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { KEY_USED } from '../../../usage/domain/key-used.js';
import { OCCURRED_AT_FIELD } from '../../domain/api-key-events.js';

/**
 * The orders a key's history is listed in: `occurred` by when each event happened (the default: what an
 * auditor reads as the timeline; uses are appended in batches, so a use made before a revocation can be
 * logged after it), or `log` by position in the event log (what reconciles with the log and the projections).
 */
export const KEY_HISTORY_ORDERS = ['occurred', 'log'] as const;
export type KeyHistoryOrder = (typeof KEY_HISTORY_ORDERS)[number];

/**
 * When the event happened: for a use, the time of the request; for a lifecycle event, the time its decision took
 * (created_at, revoked_at, an expiry's instant: what the key's views show), which its recording follows by a little.
 */
export function occurredAt(event: RecordedEvent): string {
  const field = event.type === KEY_USED ? 'usedAt' : (OCCURRED_AT_FIELD as Record<string, string>)[event.type];
  const time = field === undefined ? undefined : event.data[field];
  // A newer version's event (a type, or a schema version, this one does not know) may lack that field or hold something
  // else in it: then its recording says when. Read as it was, a use without usedAt was listed at "undefined", first.
  return typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? time : event.recordedAt;
}

/** Negative when `a` comes first in that order; ties (the same millisecond) fall back to the log's order. */
export function compareInHistory(order: KeyHistoryOrder, a: RecordedEvent, b: RecordedEvent): number {
  if (order === 'occurred') {
    const byTime = Date.parse(occurredAt(a)) - Date.parse(occurredAt(b));
    if (byTime !== 0) return byTime;
  }
  return a.position - b.position;
}
