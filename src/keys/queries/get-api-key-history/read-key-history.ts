import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId, isApiKeyEventType } from '../../domain/api-key-events.js';
import type { KeyHistoryPage } from './get-api-key-history.query.js';
import { HISTORY_START, type KeyHistoryCursor } from './key-history-cursor.js';
import type { KeyHistoryDirection } from './key-history-direction.js';
import { compareInHistory, type KeyHistoryOrder } from './key-history-order.js';

/** A page, and the account its lifecycle events read name (undefined when it read none): the caller's check. */
export interface KeyHistoryPageRead extends KeyHistoryPage {
  accountId: string | undefined;
}

/**
 * One page of a key's lifecycle and usage streams, in the given order. No account check: callers do that, with the
 * account the page read (every lifecycle event names it), so a first page reads the lifecycle stream once.
 *
 * A page is the next events of each stream in log order (the cursor is the next revision of each), so paging
 * never skips or repeats an event, whatever the order and even when a use is appended after the page that would
 * have held it by its time was read (it then comes on a later page). The uses are not in time order in their
 * stream: each instance appends its own as a batch. So the page takes an event from the stream whose earliest
 * event read (not its next one) comes first: a revocation waits for the uses made before it that the page has
 * read, even behind a later use of another instance's batch. Then the page is sorted.
 *
 * Oldest first, the first page (a cursor without an end: none, or one of the form before 2026-12-07) fixes the end at
 * the log's head position, and the cursor carries it: events logged after it (the uses of the very requests that page
 * the history, a revocation meanwhile) are on no page, so a client following the cursors reaches the end. Without
 * it, a key paging its own history at limit=1 added a use per page and was never done.
 *
 * `newest_first` is the same walk mirrored: each stream read backwards from the cursor (its revisions below it; from
 * the stream's end without one), the latest first, and the cursor is the lowest revision taken of each. The first
 * page fixes the end: uses appended while the history is paged back are above it and never listed, none twice.
 */
export async function readKeyHistoryPage(
  store: EventStore,
  keyId: string,
  limit: number,
  cursor: KeyHistoryCursor | null,
  order: KeyHistoryOrder = 'occurred',
  direction: KeyHistoryDirection = 'oldest_first',
): Promise<KeyHistoryPageRead> {
  const backwards = direction === 'newest_first';
  // Read before the streams, so every event up to it is in what they read.
  const end = backwards ? undefined : (cursor?.end ?? (await store.headPosition()) ?? 0);
  const read = async (streamId: string, bound: number | undefined): Promise<RecordedEvent[]> => {
    if (!backwards) {
      const events = await store.readStream(streamId, { fromRevision: bound ?? 0, maxCount: limit + 1 });
      // A stream's positions grow with its revisions: what is left is a prefix, and the stream ends there.
      return events.filter((event) => event.position <= end!);
    }
    if (bound === 0) return [];
    return store.readStream(streamId, { direction: 'backwards', fromRevision: bound === undefined ? undefined : bound - 1, maxCount: limit + 1 });
  };
  const [lifecycle, usage] = await Promise.all([read(apiKeyStreamId(keyId), cursor?.lifecycle), read(keyUsageStreamId(keyId), cursor?.usage)]);
  const byOrder = backwards
    ? (a: RecordedEvent, b: RecordedEvent) => compareInHistory(order, b, a)
    : (a: RecordedEvent, b: RecordedEvent) => compareInHistory(order, a, b);
  const [firstLifecycle, firstUse] = [earliestFrom(lifecycle, byOrder), earliestFrom(usage, byOrder)];
  const events: RecordedEvent[] = [];
  const { lifecycle: fromLifecycle, usage: fromUsage } = cursor ?? (backwards ? { lifecycle: endOf(lifecycle), usage: endOf(usage) } : HISTORY_START);
  const next: KeyHistoryCursor = backwards ? { lifecycle: fromLifecycle, usage: fromUsage } : { lifecycle: fromLifecycle, usage: fromUsage, end };
  // Forwards the cursor is the next revision to read; backwards the lowest one read, which the next page reads below.
  const after = (event: RecordedEvent) => (backwards ? event.revision : event.revision + 1);
  let [l, u] = [0, 0];
  while (events.length < limit && (l < lifecycle.length || u < usage.length)) {
    const takeLifecycle = u >= usage.length || (l < lifecycle.length && byOrder(firstLifecycle[l], firstUse[u]) <= 0);
    if (takeLifecycle) {
      events.push(lifecycle[l]);
      next.lifecycle = after(lifecycle[l++]);
    } else {
      events.push(usage[u]);
      next.usage = after(usage[u++]);
    }
  }
  const more = l < lifecycle.length || u < usage.length;
  return { events: events.sort(byOrder), next: more ? next : null, accountId: accountNamedBy(lifecycle) };
}

/** Every lifecycle event of this version names the key's account; a newer version's kind may not, and is not asked. */
function accountNamedBy(lifecycle: readonly RecordedEvent[]): string | undefined {
  const named = lifecycle.find((event) => isApiKeyEventType(event.type) && typeof event.data.accountId === 'string');
  return named?.data.accountId as string | undefined;
}

/** Backwards, the revision after a stream's newest event read (0 for none): the end the first page fixes. */
const endOf = (newestFirst: readonly RecordedEvent[]): number => (newestFirst.length === 0 ? 0 : newestFirst[0].revision + 1);

/** For each index, the earliest event (in the page's order: the latest, newest first) from there to the end of `events`. */
function earliestFrom(events: readonly RecordedEvent[], byOrder: (a: RecordedEvent, b: RecordedEvent) => number): RecordedEvent[] {
  const earliest: RecordedEvent[] = new Array(events.length);
  for (let i = events.length - 1; i >= 0; i--) {
    earliest[i] = i + 1 < events.length && byOrder(earliest[i + 1], events[i]) < 0 ? earliest[i + 1] : events[i];
  }
  return earliest;
}
