import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';

/**
 * The first revision of the key's usage stream that was logged at or after `instant` (epoch ms; the stream's length
 * when none was). The log dates each event as it appends it, so its recording times follow the stream's order: a
 * search over the revisions finds it in about 2·log2(n) reads of one event each (34 for 100,000 uses), where a
 * pass over the stream reads all n.
 */
export async function firstUseLoggedSince(store: EventStore, keyId: string, instant: number): Promise<number> {
  const streamId = keyUsageStreamId(keyId);
  const loggedSince = async (revision: number): Promise<boolean> => {
    const [event] = await store.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    return event === undefined || Date.parse(event.recordedAt) >= instant;
  };
  if (await loggedSince(0)) return 0;
  // Every revision up to `before` was logged before the instant; `since` was logged at or after it (or is past the end).
  let [before, since] = [0, 1];
  while (!(await loggedSince(since))) [before, since] = [since, since * 2];
  while (since - before > 1) {
    const middle = Math.floor((before + since) / 2);
    if (await loggedSince(middle)) since = middle;
    else before = middle;
  }
  return since;
}
