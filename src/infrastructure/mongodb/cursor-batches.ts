import type { FindCursor } from 'mongodb';
import { asStoreError } from './mongo-unavailable.js';

/**
 * A cursor's documents as arrays of `size` (the last one shorter, possibly empty), mapped, the cursor closed at the end or
 * on a failure (said as a store error). The start-up loads read whole collections this way: one unsorted cursor whose
 * batches FerretDB answers well within the socket timeout.
 */
export async function* cursorBatches<D, T>(cursor: FindCursor<D>, size: number, map: (doc: D) => T): AsyncIterable<T[]> {
  let batch: T[] = [];
  try {
    for await (const doc of cursor) {
      batch.push(map(doc));
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw asStoreError(error);
  } finally {
    await cursor.close();
  }
  yield batch;
}
