import type { Readable } from 'node:stream';
import type { StreamingRead } from '@eventstore/db-client';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';

/**
 * The items of one read of the client, failing with StoreUnavailableError (503) when the server sends nothing
 * for `silenceMs`, and leaving the call ended however the caller stops.
 *
 * The client gives reads no deadline (`deadline: Infinity` in dist/streams/readAll.js and readStream.js, which
 * overrides a per-call `deadline` option), so a server that keeps the connection but never answers would hold
 * the read, and whatever awaits it, for ever; keepalive only catches a connection that sends nothing at all.
 *
 * Ending: the client's read is a Transform that the gRPC call is piped into. When the reader stops early the
 * Transform is destroyed and the call unpiped; if the server had already sent its whole answer, cancelling the
 * call does nothing and the unread rest stays buffered in it, so it never finishes, and `client.dispose()`, which
 * waits for every call to finish, never returns. Resuming the unpiped call drains that rest to its end.
 */
export async function* readWithin<E>(read: StreamingRead<E>, silenceMs: number): AsyncGenerator<E> {
  read.on('unpipe', (call: unknown) => void (call as Readable).resume());
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => read.destroy(new StoreUnavailableError('EventStoreDB', new Error(`no answer for ${silenceMs} ms`))), silenceMs);
  };
  try {
    arm();
    for await (const item of read) {
      clearTimeout(timer);
      yield item as E;
      arm();
    }
  } finally {
    clearTimeout(timer);
    read.destroy();
    // Not awaited: the call may not exist yet (the client opens it once connected); cancel() waits for it.
    void read.cancel().catch(() => undefined);
  }
}
