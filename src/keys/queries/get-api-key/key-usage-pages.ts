import { ServiceUnavailable } from '../../../shared/application/errors.js';
import type { EventStore, RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';

/** Small enough that reading and decoding one page of the embedded (synchronous) log holds the thread for ~10 ms. */
export const USAGE_PAGE = 1000;

/**
 * How late a use may reach the log after it was made, and how far instances' clocks may disagree, for a read up to
 * an instant to stop early and one from an instant (a roll's) to start late. A use is appended by the instance that served it, dated by that instance's clock, at
 * its next flush (USAGE_FLUSH_INTERVAL_MS, at most 60 s), or when the store is back after an outage.
 */
export const LOGGED_LATE_MARGIN_MS = 3_600_000;

export interface UsagePagesOptions {
  /** First revision to read (a view already holds the ones before). */
  fromRevision?: number;
  /** Epoch ms: the reader wants no use made after it, so the read may stop once the stream is past it. */
  until?: number;
  /** Epoch ms (performance.now()): past it, the read gives up with ServiceUnavailable. */
  deadline?: number;
}

/**
 * A key's usage stream a page at a time, oldest first, yielding to the event loop between pages so an embedded log's
 * synchronous reads do not hold the request thread for the whole stream. With `until`, the read stops after a page
 * whose every use was both made and logged more than LOGGED_LATE_MARGIN_MS after it: the stream is in log order, and
 * a later use made by `until` would have reached the log more than the margin late.
 */
export async function* keyUsagePages(store: EventStore, keyId: string, options: UsagePagesOptions = {}): AsyncGenerator<RecordedEvent[]> {
  const pastUntil = (options.until ?? Infinity) + LOGGED_LATE_MARGIN_MS;
  for (let from = options.fromRevision ?? 0; ; from += USAGE_PAGE) {
    if (options.deadline !== undefined && performance.now() > options.deadline) throw new UsageReplayTooLong();
    const page = await store.readStream(keyUsageStreamId(keyId), { fromRevision: from, maxCount: USAGE_PAGE });
    if (page.length > 0) yield page;
    if (page.length < USAGE_PAGE || page.every((event) => madeAndLoggedAfter(event, pastUntil))) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function madeAndLoggedAfter(event: RecordedEvent, instant: number): boolean {
  return Date.parse(event.data.usedAt as string) > instant && Date.parse(event.recordedAt) > instant;
}

/** A replay of a key's past usage would hold the service longer than a request may. */
export class UsageReplayTooLong extends ServiceUnavailable {
  constructor() {
    super("Replaying this key's usage up to as_of takes too long; ask for a later as_of (one at or after its last use is answered from the current usage), or use the operator CLI's show --as-of.");
  }
}
