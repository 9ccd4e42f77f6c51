import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import type { KeyHistoryPage } from './get-api-key-history.query.js';
import type { KeyHistoryCursor } from './key-history-cursor.js';
import { compareInHistory, type KeyHistoryOrder } from './key-history-order.js';

/**
 * One page of a key's lifecycle and usage streams, in the given order. No account check: callers do that.
 *
 * A page is the next events of each stream in log order (the cursor is the next revision of each), so paging
 * never skips or repeats an event, whatever the order and even when a use is appended after the page that would
 * have held it by its time was read (it then comes on a later page). The uses are not in time order in their
 * stream: each instance appends its own as a batch. So the page takes an event from the stream whose earliest
 * event read (not its next one) comes first: a revocation waits for the uses made before it that the page has
 * read, even behind a later use of another instance's batch. Then the page is sorted.
 */
export async function readKeyHistoryPage(
  store: EventStore,
  keyId: string,
  limit: number,
  cursor: KeyHistoryCursor,
  order: KeyHistoryOrder = 'occurred',
): Promise<KeyHistoryPage> {
  const [lifecycle, usage] = await Promise.all([
    store.readStream(apiKeyStreamId(keyId), { fromRevision: cursor.lifecycle, maxCount: limit + 1 }),
    store.readStream(keyUsageStreamId(keyId), { fromRevision: cursor.usage, maxCount: limit + 1 }),
  ]);
  const byOrder = (a: RecordedEvent, b: RecordedEvent) => compareInHistory(order, a, b);
  const [firstLifecycle, firstUse] = [earliestFrom(lifecycle, byOrder), earliestFrom(usage, byOrder)];
  const events: RecordedEvent[] = [];
  const next = { ...cursor };
  let [l, u] = [0, 0];
  while (events.length < limit && (l < lifecycle.length || u < usage.length)) {
    const takeLifecycle = u >= usage.length || (l < lifecycle.length && byOrder(firstLifecycle[l], firstUse[u]) <= 0);
    if (takeLifecycle) {
      events.push(lifecycle[l]);
      next.lifecycle = lifecycle[l++].revision + 1;
    } else {
      events.push(usage[u]);
      next.usage = usage[u++].revision + 1;
    }
  }
  const more = l < lifecycle.length || u < usage.length;
  return { events: events.sort(byOrder), next: more ? next : null };
}

/** For each index, the earliest event from there to the end of `events`. */
function earliestFrom(events: readonly RecordedEvent[], byOrder: (a: RecordedEvent, b: RecordedEvent) => number): RecordedEvent[] {
  const earliest: RecordedEvent[] = new Array(events.length);
  for (let i = events.length - 1; i >= 0; i--) {
    earliest[i] = i + 1 < events.length && byOrder(earliest[i + 1], events[i]) < 0 ? earliest[i + 1] : events[i];
  }
  return earliest;
}
