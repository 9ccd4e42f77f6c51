import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventData,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { SubscriptionUnconfirmedError } from '../../shared/event-store/subscription-unconfirmed.error.js';
import {
  backlogOfRead,
  type AppendManyOptions,
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
import {
  fromAppendResult,
  isSystemEventType,
  isReadBy,
  isSoftDeletedMetadata,
  isWrittenByThisService,
  toAppendExpectedRevision,
  toConcurrencyError,
  toAppendPortError,
  toPortError,
  toEventData,
  toGlobalPosition,
  toReadPosition,
  toReadStreamOptions,
  toRecordedEvent,
  toSubscriptionFilter,
  truncateBeforeAppend,
} from './esdb-event-mapping.js';
import { APPEND_DEADLINE_GRACE_MS, appendWithin } from './esdb-append-bound.js';
import { checkEsdbConnectionString, esdbDefaultDeadlineMs, normalEsdbConnectionString } from './esdb-connection-string.js';
import { checkEsdbLogReaders } from './esdb-log-readers.js';
import { readWithin } from './esdb-read.js';

const APPEND_CONCURRENCY = 16;

export interface EsdbEventStoreOptions {
  /**
   * Filtered subscriptions get a checkpoint after this many events the server considered.
   * 1 reports skipped events at once; larger values make catch-up cheaper for the server.
   */
  eventsPerCheckpoint?: number;
  /** How long ping() waits for an answer. */
  pingTimeoutMs?: number;
  /** A read fails (503) when the server sends nothing for this long: the client gives reads no deadline. */
  readTimeoutMs?: number;
  /** An append fails (503) when the server has not answered it in this long (esdb-append-bound.ts). */
  appendTimeoutMs?: number;
  /**
   * A subscription fails (SubscriptionUnconfirmedError) when the server has not confirmed it in this long: the client
   * waits for the confirmation without a deadline. The reads' bound unless told.
   */
  confirmTimeoutMs?: number;
}

/** A server checkpoint travelling through the subscription's own buffer, in order with the events. */
class CheckpointReached {
  constructor(readonly position: Position) {}
}

type SubscriptionItem = AllStreamResolvedEvent | CheckpointReached;

/** The calls of the client the store makes; a connection string opens the real one. */
export type EsdbClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

/** The event log on an EventStoreDB server, through its gRPC client. Decisions and sources: docs/eventstoredb.md. */
export class EsdbEventStore implements EventStore {
  private readonly client: EsdbClient;
  private readonly eventsPerCheckpoint: number;
  private readonly pingTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly appendTimeoutMs: number;
  private readonly confirmTimeoutMs: number;
  private readonly subscriptions = new Set<EventSubscription>();

  /**
   * The store as the service and the CLI open it: the mark against downgrades (esdb-log-readers.ts) is read first,
   * and a database a newer version marked beyond this one is refused, closed, before anything is written.
   */
  static async open(connection: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
    const store = new EsdbEventStore(connection, options);
    try {
      await checkEsdbLogReaders(store, 'on EventStoreDB');
      return store;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error;
    }
  }

  constructor(connection: string | EsdbClient, options: EsdbEventStoreOptions = {}) {
    if (typeof connection === 'string') checkEsdbConnectionString(connection);
    this.client = typeof connection === 'string' ? EventStoreDBClient.connectionString(normalEsdbConnectionString(connection)) : connection;
    this.eventsPerCheckpoint = options.eventsPerCheckpoint ?? 1;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2000;
    // The appends' deadline, the client's defaultDeadline.
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    // The client's defaultDeadline, which the server enforces, and time for its Timeout answer to come back.
    this.appendTimeoutMs = options.appendTimeoutMs ?? (typeof connection === 'string' ? esdbDefaultDeadlineMs(connection) : 10_000) + APPEND_DEADLINE_GRACE_MS;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? this.readTimeoutMs;
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('Nothing to append');
    // The ids are fixed here, once, so that the retries below send the same ones.
    return this.appendData(streamId, events.map(toEventData), expectedRevision);
  }

  private async appendData(streamId: string, data: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      return await this.append(streamId, data, expectedRevision);
    } catch (error) {
      if (expectedRevision !== 'any' || data.length === 1) throw error;
      if (isTooLarge(error)) return this.appendInHalves(streamId, data);
      if (!(error instanceof ConcurrencyError)) throw error;
      // With expected revision "any" the server refuses a batch whose first events it already holds and whose
      // others it does not ("corrupted idempotency", reported as a wrong expected version): a retry that
      // carries more events than the attempt that wrote. One event at a time, each is either recognised by
      // its id (nothing written) or new (written), in order. See docs/eventstoredb.md, idempotent appends.
      let last: AppendResult | null = null;
      for (const event of data) last = await this.append(streamId, [event], 'any');
      return last!;
    }
  }

  /**
   * Refused whole, nothing written: past the server's --max-append-size (1 MiB by default), as 250 uses with long user
   * agents are. In halves, in order: with "any" and fixed ids, each part is safe to send on its own. An event that is
   * too large alone can never be written: it is left out, the others written, and the refusal names it (eventIds).
   */
  private async appendInHalves(streamId: string, data: EventData[]): Promise<AppendResult> {
    const half = Math.ceil(data.length / 2);
    let last: AppendResult | null = null;
    let refusal: AppendRefusedError | null = null;
    const refusedIds: string[] = [];
    for (const part of [data.slice(0, half), data.slice(half)]) {
      try {
        last = await this.appendData(streamId, part, 'any');
      } catch (error) {
        if (!isTooLarge(error)) throw error;
        refusal = error;
        refusedIds.push(...(error.eventIds ?? part.map((event) => event.id)));
      }
    }
    if (refusal) throw new AppendRefusedError('EventStoreDB', 'too_large', refusal.cause, streamId, refusedIds);
    return last!;
  }

  private async append(streamId: string, data: EventData[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    try {
      // No per-call deadline: the client's defaultDeadline (10 s, `defaultDeadline=` in EVENTSTORE_URL) applies;
      // the bound is ours, for a server that never answers a batch append (esdb-append-bound.ts).
      const append = this.client.appendToStream(streamId, data, { expectedRevision: toAppendExpectedRevision(expectedRevision) });
      const result = await appendWithin(append, this.appendTimeoutMs);
      return fromAppendResult(result);
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toConcurrencyError(streamId, expectedRevision, error);
      throw toAppendPortError(streamId, error, data.map((event) => event.id));
    }
  }

  /**
   * EventStoreDB 24 has no multi-stream append: the appends go out a few at a time, each atomic. After a
   * failure no further append starts (the caller is told the batch failed and will retry it), so what a
   * failed batch leaves written is at most the appends already in flight.
   */
  async appendToStreams(appends: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<AppendResult[]> {
    if (options.together) return this.appendInOrder(appends);
    const results: AppendResult[] = new Array(appends.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < appends.length && !failed) {
        const index = next++;
        const { streamId, events, expectedRevision } = appends[index];
        try {
          results[index] = await this.appendToStream(streamId, events, expectedRevision);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(APPEND_CONCURRENCY, appends.length) }, worker));
    return results;
  }

  /** No multi-stream transactions here: one after another, stopping at the first failure (AppendManyOptions.together). */
  private async appendInOrder(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const { streamId, events, expectedRevision } of appends) results.push(await this.appendToStream(streamId, events, expectedRevision));
    return results;
  }

  async readStream(streamId: string, page: StreamPage = {}): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    if (page.maxCount === 0) return events;
    try {
      for await (const resolved of readWithin(ignoreLateErrors(this.client.readStream(streamId, toReadStreamOptions(page))), this.readTimeoutMs)) {
        events.push(toRecordedEvent(resolved));
      }
    } catch (error) {
      if (isGoneStream(error)) return [];
      throw toPortError(error);
    }
    return events;
  }

  /**
   * Sets the stream's truncate-before, keeping its other metadata, unless it is already at or past it: reads of the
   * stream skip the events before it at once, and `$all` loses them at the server's next scavenge (docs/eventstoredb.md).
   * The metadata stream is read and written here, not through the client's getStreamMetadata: in 6.2.1 its
   * `metastreamRevision` is the read's commit position (dist/streams/getStreamMetadata.js), which the server does not
   * send for stream reads, so a second write at it would be refused as a wrong expected version.
   */
  async removeStreamStart(streamId: string, beforeRevision: number): Promise<null> {
    const metastream = `$$${streamId}`;
    const append = truncateBeforeAppend(await this.lastEvent(metastream), beforeRevision);
    if (append) await this.append(metastream, [append.event], append.expectedRevision);
    return null;
  }

  /**
   * A read of a tombstoned stream fails with StreamDeletedError (see isGoneStream); one of a soft-deleted stream with
   * StreamNotFoundError, its metadata's truncate-before then the server's DeletedStream (isSoftDeletedMetadata), which
   * tells it from a stream never written. A few streams at a time.
   */
  async deletedStreams(streamIds: readonly string[]): Promise<ReadonlySet<string>> {
    const deleted = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < streamIds.length) {
        const streamId = streamIds[next++];
        if (await this.isDeleted(streamId)) deleted.add(streamId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(APPEND_CONCURRENCY, streamIds.length) }, worker));
    return deleted;
  }

  private async isDeleted(streamId: string): Promise<boolean> {
    const read = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    try {
      for await (const _ of readWithin(ignoreLateErrors(read), this.readTimeoutMs)) return false;
      return false;
    } catch (error) {
      if (error instanceof StreamDeletedError) return true;
      if (error instanceof StreamNotFoundError) return isSoftDeletedMetadata(await this.lastEvent(`$$${streamId}`));
      throw toPortError(error);
    }
  }

  /** The last event of a stream, or null when it has none. */
  private async lastEvent(streamId: string): Promise<ResolvedEvent | null> {
    const read = this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    try {
      for await (const resolved of readWithin(ignoreLateErrors(read), this.readTimeoutMs)) return resolved;
      return null;
    } catch (error) {
      if (isGoneStream(error)) return null;
      throw toPortError(error);
    }
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, maxCount } = options;
    const events: RecordedEvent[] = [];
    if (maxCount <= 0) return events;
    const read = readWithin(ignoreLateErrors(this.client.readAll({ fromPosition: toReadPosition(after) })), this.readTimeoutMs);
    try {
      for await (const resolved of read) {
        if (!resolved.event || !isReadBy(resolved.event, options)) continue;
        // Every type: other applications' events on a shared database are among them, and may not decode as ours.
        if (!options.types && !isWrittenByThisService(resolved.event)) continue;
        const event = toRecordedEvent(resolved);
        if (after !== null && event.position <= after) continue;
        events.push(event);
        if (events.length === maxCount) break;
      }
    } catch (error) {
      throw toPortError(error);
    }
    return events;
  }

  /** EventStoreDB keeps no counts: the pending events are read (filtered on the client, like readAll), up to the cap. */
  async backlog(options: BacklogOptions): Promise<Backlog> {
    return backlogOfRead(await this.readAll(options));
  }

  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): EventSubscription {
    const source = ignoreLateErrors(
      this.client.subscribeToAll({
        fromPosition: toReadPosition(options.after),
        filter: toSubscriptionFilter(options, {
          eventsPerCheckpoint: this.eventsPerCheckpoint,
          // The client calls this from inside its transform, between pushing the events before and after
          // the checkpoint, so pushing it into the same stream keeps it in order with them.
          onCheckpoint: (subscription, position) => void subscription.push(new CheckpointReached(position)),
        }),
      }),
    );
    let stopping = false;
    // The server confirms a subscription before it sends anything (`ReadResp.confirmation` in the client's protos; the
    // client emits 'confirmation' for it, dist/streams/utils/Subscription.js); the client waits for it with no deadline (`deadline: Infinity` in dist/streams/subscribeToAll.js). A server that takes the call and never
    // confirms it would hold the projection, silent and reported running, for ever: past the bound it fails, and the
    // runner stays failing (readiness down) and subscribes again until one is confirmed.
    const unconfirmed = setTimeout(() => source.destroy(new SubscriptionUnconfirmedError('EventStoreDB', this.confirmTimeoutMs)), this.confirmTimeoutMs);
    source.once('confirmation', () => {
      clearTimeout(unconfirmed);
      if (!stopping) handler.onConfirmed?.();
    });
    const running = deliverInOrder(source, options, handler, () => stopping).finally(() => {
      clearTimeout(unconfirmed);
      this.subscriptions.delete(subscription);
    });
    const subscription: EventSubscription = {
      stop: async () => {
        stopping = true;
        clearTimeout(unconfirmed);
        await closeSubscription(source);
        await running;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** The last event the port can see: system events are skipped, as everywhere else. */
  async headPosition(): Promise<number | null> {
    const read = readWithin(ignoreLateErrors(this.client.readAll({ direction: BACKWARDS, fromPosition: END })), this.readTimeoutMs);
    try {
      for await (const resolved of read) {
        if (resolved.event && !isSystemEventType(resolved.event.type)) return toGlobalPosition(resolved.event.position);
      }
      return null;
    } catch (error) {
      throw toPortError(error);
    }
  }

  async ping(): Promise<void> {
    const read = ignoreLateErrors(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    try {
      for await (const _ of readWithin(read, this.pingTimeoutMs));
    } catch (error) {
      throw toPortError(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.client.dispose();
  }
}

function isTooLarge(error: unknown): error is AppendRefusedError {
  return error instanceof AppendRefusedError && error.reason === 'too_large';
}

/**
 * A stream with no events to read: never written (StreamNotFoundError), or hard-deleted (tombstoned) by an operator, which
 * the server answers with the "stream-deleted" exception (server: Enumerators.ReadStreamForwards/Backwards,
 * `RpcExceptions.StreamDeleted`; client: dist/utils/CommandError.js, convertToCommandError → StreamDeletedError). Its
 * events are gone for every reader and no append to it can succeed: a key stream read so is an unknown key (404), a usage
 * stream a key without uses. Until 2026-12-07 the deletion failed every read of it, a 500.
 */
function isGoneStream(error: unknown): boolean {
  return error instanceof StreamNotFoundError || error instanceof StreamDeletedError;
}

/**
 * Hands events to the handler one at a time, awaiting it before taking the next, so a slow handler
 * holds back the server through the stream's backpressure. Reports one error, then ends.
 */
async function deliverInOrder(
  source: AllStreamSubscription,
  selection: SubscribeOptions,
  handler: SubscriptionHandler,
  isStopping: () => boolean,
): Promise<void> {
  let lastEvent = selection.after;
  let lastReported = selection.after;
  let failure: unknown = null;
  try {
    for await (const item of source as AsyncIterable<SubscriptionItem>) {
      if (isStopping()) break;
      if (item instanceof CheckpointReached) {
        const position = toGlobalPosition(item.position);
        if (lastReported !== null && position <= lastReported) continue;
        await handler.onCheckpoint?.(position);
        lastReported = position;
        continue;
      }
      if (!item.event || !isReadBy(item.event, selection)) continue;
      // Every type, as in readAll: the server sends other applications' events too, which may not decode as ours.
      if (!selection.types && !isWrittenByThisService(item.event)) continue;
      const event = toRecordedEvent(item);
      if (lastEvent !== null && event.position <= lastEvent) continue;
      await handler.onEvents([event]);
      lastEvent = event.position;
      lastReported = lastReported === null ? event.position : Math.max(lastReported, event.position);
    }
    if (!isStopping()) failure = new Error('The EventStoreDB subscription ended unexpectedly');
  } catch (error) {
    if (!isStopping()) failure = error;
  }
  await closeSubscription(source);
  if (failure !== null) handler.onError(failure);
}

async function closeSubscription(source: AllStreamSubscription): Promise<void> {
  // Destroying first ends a pending read at once; unsubscribing then cancels the call on the server.
  source.destroy();
  await source.unsubscribe().catch(() => undefined);
}

/**
 * The client re-emits gRPC failures as 'error' events even after we stopped reading a stream; with no
 * listener left Node would throw them as uncaught. While we read, for-await still gets every error.
 */
function ignoreLateErrors<S extends { on(event: 'error', listener: (error: Error) => void): unknown }>(stream: S): S {
  stream.on('error', () => undefined);
  return stream;
}
