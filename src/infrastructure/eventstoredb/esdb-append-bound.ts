import { withinTime } from '../../shared/runtime/within-time.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

/** How long past its deadline an append may take to come back: the server's Timeout answer travels back in it. */
export const APPEND_DEADLINE_GRACE_MS = 2000;
/**
 * An append's answer, or StoreUnavailableError (503) when none came within `ms`.
 *
 * The client sends an append as a batch append when the server offers it (every server since 21.10): one gRPC call
 * per connection with no deadline (`deadline: Infinity` in dist/streams/appendToStream/batchAppend.js), the
 * request's deadline inside the message for the server to enforce. A server that keeps the connection but never
 * answers would hold the append, and the command awaiting it, for ever. Whether such an append was written is
 * unknown, as after the server's own Timeout: the caller retries with the same event ids.
 */
export function appendWithin<T>(append: Promise<T>, ms: number): Promise<T> {
  return withinTime(() => append, ms, () => new StoreUnavailableError('EventStoreDB', new Error(`no answer to an append for ${ms} ms`)));
}
