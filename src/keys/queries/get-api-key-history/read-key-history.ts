import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import type { KeyHistoryPage } from './get-api-key-history.query.js';
import type { KeyHistoryCursor } from './key-history-cursor.js';

/** One page of a key's lifecycle and usage streams, merged in log order. No account check: callers do that. */
export async function readKeyHistoryPage(
  store: EventStore,
  keyId: string,
  limit: number,
  cursor: KeyHistoryCursor,
): Promise<KeyHistoryPage> {
  const lifecycleStream = apiKeyStreamId(keyId);
  const [lifecycle, usage] = await Promise.all([
    store.readStream(lifecycleStream, { fromRevision: cursor.lifecycle, maxCount: limit + 1 }),
    store.readStream(keyUsageStreamId(keyId), { fromRevision: cursor.usage, maxCount: limit + 1 }),
  ]);
  const merged = [...lifecycle, ...usage].sort((a, b) => a.position - b.position);
  const events = merged.slice(0, limit);
  if (merged.length <= limit) return { events, next: null };
  const next = { ...cursor };
  for (const event of events) {
    if (event.streamId === lifecycleStream) next.lifecycle = event.revision + 1;
    else next.usage = event.revision + 1;
  }
  return { events, next };
}
