import type { EventStore } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { isKeyUse } from '../../../usage/domain/usage-archived.js';

/** Small enough that reading and decoding one page of the embedded (synchronous) log holds the thread for ~10 ms. */
const PAGE = 1000;

export interface KeyUsesRead {
  /** The latest use read (epoch ms), null for none. */
  lastUsedMs: number | null;
  /** The last revision read (fromRevision - 1 when none was). */
  throughRevision: number;
  /** How many uses were read. */
  count: number;
  /** The read reached the end of the stream as it stood then. */
  atEnd: boolean;
}

/**
 * A key's uses in the log from a revision on, at most `maxCount` of them, a page at a time, yielding to the event
 * loop between pages: what the idle check counts beside the usage views, which may trail the log by minutes.
 */
export async function readKeyUsesInLog(store: EventStore, keyId: string, fromRevision: number, maxCount: number): Promise<KeyUsesRead> {
  let lastUsedMs: number | null = null;
  let throughRevision = fromRevision - 1;
  let count = 0;
  let read = 0;
  for (;;) {
    const wanted = Math.min(PAGE, maxCount - read);
    if (wanted <= 0) return { lastUsedMs, throughRevision, count, atEnd: false };
    const page = await store.readStream(keyUsageStreamId(keyId), { fromRevision: throughRevision + 1, maxCount: wanted });
    for (const event of page) {
      throughRevision = event.revision;
      // An archive of the stream's start is no use: its uses are older than any the views lack.
      if (!isKeyUse(event)) continue;
      const usedMs = Date.parse(event.data.usedAt as string);
      if (lastUsedMs === null || usedMs > lastUsedMs) lastUsedMs = usedMs;
      count += 1;
    }
    read += page.length;
    if (page.length < wanted) return { lastUsedMs, throughRevision, count, atEnd: true };
    await new Promise((resolve) => setImmediate(resolve));
  }
}
