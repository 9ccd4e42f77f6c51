import { ConcurrencyError, currentRevisionMatches } from '../../shared/event-store/concurrency-error.js';
import {
  backlogOfRead,
  isSelected,
  type EventSelection,
  type AppendResult,
  type Backlog,
  type BacklogOptions,
  type EventStore,
  type EventSubscription,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type StreamAppend,
  type StreamPage,
  type RecordedEvent,
  type SubscribeOptions,
  type SubscriptionHandler,
} from '../../shared/event-store/event-store.port.js';
import { timeOrderedId } from '../../shared/event-store/event-id.js';
import { AppendSignal, type PolledBatch, pollingSubscription, typesOf } from '../polling/polling-subscription.js';

const BATCH_SIZE = 500;

/** For unit tests: the same semantics as the durable stores, kept in arrays. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly ids = new Set<string>();
  private readonly signal = new AppendSignal();
  /** Per stream, the first revision left after removeStreamStart. */
  private readonly firstLeft = new Map<string, number>();
  /** Positions removed from the log. */
  private readonly removed = new Set<number>();

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('Nothing to append');
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
    if (!currentRevisionMatches(expectedRevision, actual)) throw new ConcurrencyError(streamId, expectedRevision, actual);
    const recordedAt = new Date().toISOString();
    for (const event of events) {
      if (event.id !== undefined && this.ids.has(event.id)) continue;
      const recorded: RecordedEvent = {
        id: event.id ?? timeOrderedId(),
        streamId,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: structuredClone(event.data),
        metadata: structuredClone(event.metadata ?? {}),
        revision: stream.length,
        position: this.log.length + 1,
        recordedAt,
      };
      stream.push(recorded);
      this.log.push(recorded);
      this.ids.add(recorded.id);
    }
    this.streams.set(streamId, stream);
    this.signal.notify(typesOf([{ events }]));
    return { nextExpectedRevision: stream.length - 1, position: this.log.length };
  }

  /** All or nothing, as in one transaction: every expected revision is checked before anything is appended. */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    for (const { streamId, expectedRevision } of appends) {
      const stream = this.streams.get(streamId) ?? [];
      const actual = stream.length === 0 ? 'no_stream' : stream.length - 1;
      if (!currentRevisionMatches(expectedRevision, actual)) throw new ConcurrencyError(streamId, expectedRevision, actual);
    }
    const results: AppendResult[] = [];
    for (const append of appends) results.push(await this.appendToStream(append.streamId, append.events, append.expectedRevision));
    return results;
  }

  async readStream(streamId: string, page: StreamPage = {}): Promise<RecordedEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const firstLeft = this.firstLeft.get(streamId) ?? 0;
    if (page.direction === 'backwards') {
      const through = Math.min(page.fromRevision ?? Infinity, stream.length - 1);
      const from = Math.max(firstLeft, page.maxCount === undefined ? 0 : through + 1 - page.maxCount);
      return stream.slice(from, through + 1).reverse().map((e) => structuredClone(e));
    }
    const from = Math.max(page.fromRevision ?? 0, firstLeft);
    const events = stream.slice(from, page.maxCount === undefined ? undefined : from + page.maxCount);
    return events.map((e) => structuredClone(e));
  }

  async removeStreamStart(streamId: string, beforeRevision: number): Promise<number> {
    const stream = this.streams.get(streamId) ?? [];
    const from = this.firstLeft.get(streamId) ?? 0;
    const to = Math.min(beforeRevision, stream.length);
    if (to <= from) return 0;
    for (const event of stream.slice(from, to)) this.removed.add(event.position);
    this.firstLeft.set(streamId, to);
    return to - from;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.read(options.after, options, options.maxCount).events;
  }

  async backlog(options: BacklogOptions): Promise<Backlog> {
    return backlogOfRead(this.read(options.after, options, options.maxCount).events);
  }

  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): EventSubscription {
    return pollingSubscription(
      async (after, selection) => this.read(after, selection, BATCH_SIZE),
      this.signal,
      1000,
      options,
      handler,
    );
  }

  async headPosition(): Promise<number | null> {
    return this.log.length === 0 ? null : this.log.length;
  }

  /** The head: every record is one of this service's events. */
  endPosition(): Promise<number | null> {
    return this.headPosition();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.signal.notify();
  }

  private read(after: number | null, selection: EventSelection, limit: number): PolledBatch {
    const events: RecordedEvent[] = [];
    // Positions are 1-based array indexes, so `after` is where the scan starts.
    let index = after ?? 0;
    for (; index < this.log.length && events.length < limit; index++) {
      const event = this.log[index];
      if (!this.removed.has(event.position) && isSelected(event, selection)) events.push(structuredClone(event));
    }
    return { events, scannedUpTo: this.log.length === 0 ? null : index };
  }
}
