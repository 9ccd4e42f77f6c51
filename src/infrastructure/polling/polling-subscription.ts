import type {
  EventSelection,
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

export type BatchReader = (after: number | null, selection: EventSelection) => Promise<PolledBatch>;

/**
 * Wakes sleeping subscriptions when the process itself appends, so they need not wait for the next poll. An append
 * says which event types it wrote, and wakes only the subscriptions that read one of them: usage batches, a few
 * every 100 ms under load, then no longer wake the request thread's subscriptions to key changes and alerts, which
 * cost that thread ~2 µs a verify in reads that found nothing (measured here). Those catch up with the log's
 * position at their next poll.
 */
export class AppendSignal {
  private readonly watchers = new Set<AppendWatcher>();

  /** A subscription's view of the signal: woken by appends of `types` (by every append when absent). */
  watch(types: readonly string[] | undefined): AppendWatcher {
    const watcher = new AppendWatcher(types === undefined ? null : new Set(types), () => this.watchers.delete(watcher));
    this.watchers.add(watcher);
    return watcher;
  }

  /** Something was appended: events of `types`, or of any type when not said (another connection's appends). */
  notify(types?: Iterable<string>): void {
    const appended = types === undefined ? null : types instanceof Set ? types : new Set(types);
    for (const watcher of this.watchers) watcher.notify(appended);
  }
}

/** The event types of some appends: what an append signals. */
export function typesOf(appends: readonly { events: readonly { type: string }[] }[]): ReadonlySet<string> {
  const types = new Set<string>();
  for (const { events } of appends) for (const { type } of events) types.add(type);
  return types;
}

export class AppendWatcher {
  /** Counts the appends it was told of, so a reader can tell one came while it was reading (and not sleeping). */
  generation = 0;
  private wakeSleeper: (() => void) | null = null;

  constructor(
    private readonly types: ReadonlySet<string> | null,
    readonly close: () => void,
  ) {}

  notify(appended: ReadonlySet<string> | null): void {
    if (this.types !== null && appended !== null && !this.readsAnyOf(appended)) return;
    this.generation++;
    this.wake();
  }

  private readsAnyOf(appended: ReadonlySet<string>): boolean {
    for (const type of appended) if (this.types!.has(type)) return true;
    return false;
  }

  /** Ends the current sleep now. */
  wake(): void {
    const wake = this.wakeSleeper;
    this.wakeSleeper = null;
    wake?.();
  }

  /** Resolves after `ms`, or sooner on an append it watches or a wake(). */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeSleeper === done) this.wakeSleeper = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
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
  let after = options.after;
  const watcher = signal.watch(options.types);

  const loop = async (): Promise<void> => {
    while (!stopped) {
      let batch: PolledBatch;
      const generationBeforeRead = watcher.generation;
      try {
        batch = await readBatch(after, options);
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
      if (batch.events.length > 0 || stopped || watcher.generation !== generationBeforeRead) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await watcher.sleep(pollIntervalMs);
    }
  };
  const running = loop().finally(watcher.close);

  return {
    stop: async () => {
      stopped = true;
      watcher.wake();
      await running;
    },
    wake: () => watcher.notify(null),
  };
}
