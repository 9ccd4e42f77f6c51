import type {
  EventSubscription,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionHandler,
} from '../../shared/event-store/event-store.port.js';

export interface PolledBatch {
  events: RecordedEvent[];
  /** Position up to which the log was scanned for this batch, filtered events included. */
  scannedUpTo: number | null;
}

export type BatchReader = (after: number | null, types: readonly string[] | undefined) => Promise<PolledBatch>;

/** Wakes sleeping subscriptions when the process itself appends, so they need not wait for the next poll. */
export class AppendSignal {
  private sleepers = new Set<() => void>();
  /** Counts notifications, so a reader can tell one came while it was reading (and not sleeping). */
  generation = 0;

  notify(): void {
    this.generation++;
    for (const wake of this.sleepers) wake();
    this.sleepers.clear();
  }

  sleep(ms: number): { promise: Promise<void>; wake: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      wake = done;
    });
    this.sleepers.add(wake);
    return { promise, wake };
  }
}

/**
 * Catch-up subscription for stores without push: reads batches until the end of the log,
 * then sleeps until a local append or the poll interval (which catches other processes).
 */
export function pollingSubscription(
  readBatch: BatchReader,
  signal: AppendSignal,
  pollIntervalMs: number,
  options: SubscribeOptions,
  handler: SubscriptionHandler,
): EventSubscription {
  let stopped = false;
  let wakeCurrent: (() => void) | null = null;
  let after = options.after;

  const loop = async (): Promise<void> => {
    while (!stopped) {
      let batch: PolledBatch;
      const generationBeforeRead = signal.generation;
      try {
        batch = await readBatch(after, options.types);
        if (batch.events.length > 0) {
          await handler.onEvents(batch.events);
          after = batch.events[batch.events.length - 1].position;
        }
        if (batch.scannedUpTo !== null && (after === null || batch.scannedUpTo > after)) {
          await handler.onCheckpoint?.(batch.scannedUpTo);
          after = batch.scannedUpTo;
        }
      } catch (error) {
        stopped = true;
        handler.onError(error);
        return;
      }
      // Between batches, let requests in: a catch-up would otherwise hold the event loop for its whole length.
      // Also when an append was signalled during the read: the read may have missed it, and that wake-up is spent.
      if (batch.events.length > 0 || stopped || signal.generation !== generationBeforeRead) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const sleep = signal.sleep(pollIntervalMs);
      wakeCurrent = sleep.wake;
      await sleep.promise;
      wakeCurrent = null;
    }
  };
  const running = loop();

  return {
    stop: async () => {
      stopped = true;
      wakeCurrent?.();
      await running;
    },
  };
}
