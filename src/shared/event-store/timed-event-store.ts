import type { Metrics } from '../metrics/metrics.port.js';
import type { EventStore } from './event-store.port.js';

/**
 * Seconds: an embedded append takes well under a millisecond to a few (a disk flush); a remote one, a round trip. A
 * stalled store's take their timeout: SQLite's 5 s busy wait, EventStoreDB's 10 s deadline (more for a batch retried
 * one event at a time): until 2026-12-06 the last bound was 5, and p99 read 5 s for them all.
 */
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Operation = 'append' | 'append_many';

/**
 * The event store with every append timed into parsesphere_event_append_duration_seconds, whatever the
 * adapter: a command's (one stream, or several that stand or fall together) or a batch of many (usage), and
 * whether it succeeded. Every other member is the store's own.
 */
export function timedEventStore(store: EventStore, metrics: Metrics): EventStore {
  const durations = metrics.histogram({
    name: 'parsesphere_event_append_duration_seconds',
    help: 'Time to append to the event store: a command (operation=append) or a batch of usage events (append_many), by outcome.',
    labelNames: ['operation', 'outcome'],
    buckets: APPEND_BUCKETS,
  });
  const timed = <A extends unknown[], R>(call: (...args: A) => Promise<R>, operationOf: (...args: A) => Operation) =>
    async (...args: A): Promise<R> => {
      const operation = operationOf(...args);
      const started = performance.now();
      let outcome = 'failed';
      try {
        const result = await call(...args);
        outcome = 'ok';
        return result;
      } finally {
        durations.observe({ operation, outcome }, (performance.now() - started) / 1000);
      }
    };
  const appendToStream = timed(store.appendToStream.bind(store), (..._args) => 'append');
  // A command's appends that stand or fall together (a roll, a creation with its Idempotency-Key claim) are a
  // command's append: until 2026-12-06 they were timed as append_many, mixed into the usage batches' latency.
  const appendToStreams = timed(store.appendToStreams.bind(store), (_appends, options) => (options?.together ? 'append' : 'append_many'));
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'appendToStream') return appendToStream;
      if (property === 'appendToStreams') return appendToStreams;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

