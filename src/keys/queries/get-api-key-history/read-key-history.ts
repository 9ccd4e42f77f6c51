import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import type { KeyHistoryPage } from './get-api-key-history.query.js';
import type { KeyHistoryCursor } from './key-history-cursor.js';
import { compareInHistory, type KeyHistoryOrder } from './key-history-order.js';

/**
 * One page of a key's lifecycle and usage streams, merged in the given order. No account check: callers do that.
 *
 * A merge, not a sort: each stream keeps its own order, so the cursor (the next revision of each stream)
 * never skips or repeats an event, whatever the order and even when a use is appended after the page that
 * would have held it by its time was read (it then comes on a later page).
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
  const events: RecordedEvent[] = [];
  const next = { ...cursor };
  let [l, u] = [0, 0];
  while (events.length < limit && (l < lifecycle.length || u < usage.length)) {
    const takeLifecycle = u >= usage.length || (l < lifecycle.length && compareInHistory(order, lifecycle[l], usage[u]) <= 0);
    if (takeLifecycle) {
      events.push(lifecycle[l]);
      next.lifecycle = lifecycle[l++].revision + 1;
    } else {
      events.push(usage[u]);
      next.usage = usage[u++].revision + 1;
    }
  }
  const more = l < lifecycle.length || u < usage.length;
  return { events, next: more ? next : null };
}
