import { errorMessage } from '../runtime/error-message.js';

/** Why a store refused an append for good: the label of parsesphere_usage_events_dropped_total's `reason`. */
export type AppendRefusal = 'stream_deleted' | 'malformed' | 'too_large';

/**
 * The store refused an append for a reason the same append, made again, meets again: a stream an operator deleted for
 * good (EventStoreDB's tombstone), a stream the store's user may not write, events the store refuses as they are (a
 * constraint, a value too big; an event larger than the store takes in one append). Not a store that cannot answer now (StoreUnavailableError): a retry cannot mend this,
 * so a batched writer that retried it would hold every other stream's events behind it. `streamId` when the store
 * names the stream; a store that appends a batch in one transaction (SQLite) cannot.
 */
export class AppendRefusedError extends Error {
  constructor(
    store: string,
    readonly reason: AppendRefusal,
    cause: unknown,
    readonly streamId?: string,
    /**
     * Only these events of the append were refused, the others written (EventStoreDB's size limit: an event larger than
     * an append may be, in a batch the store sent in parts). Absent: the whole append (or the stream) was refused.
     */
    readonly eventIds?: readonly string[],
  ) {
    super(`${store} refused the append${streamId ? ` to ${streamId}` : ''} (${reason}): ${errorMessage(cause)}`, { cause });
    this.name = 'AppendRefusedError';
  }
}
