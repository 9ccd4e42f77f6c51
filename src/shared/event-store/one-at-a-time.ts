import type { EventStore } from './event-store.port.js';

/** Per store, the last piece of work queued on each stream, settled or not; a stream's entry goes when its queue empties. */
const tails = new WeakMap<EventStore, Map<string, Promise<void>>>();

/**
 * Runs `work` once the work this process queued before on the same stream of the same store has settled, whatever its
 * outcome: a process's decisions on one stream then read and append one after another instead of all reading one
 * revision and all but one losing the append. Other processes' appends still race it (decideAndAppend retries those).
 */
export function oneAtATime<T>(store: EventStore, streamId: string, work: () => Promise<T>): Promise<T> {
  let streams = tails.get(store);
  if (streams === undefined) {
    streams = new Map();
    tails.set(store, streams);
  }
  const queue = streams;
  const run = (queue.get(streamId) ?? Promise.resolve()).then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queue.set(streamId, tail);
  void tail.then(() => {
    if (queue.get(streamId) === tail) queue.delete(streamId);
  });
  return run;
}
