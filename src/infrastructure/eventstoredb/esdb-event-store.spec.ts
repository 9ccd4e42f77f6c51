import { randomUUID } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  ANY,
  BACKWARDS,
  EventStoreDBClient,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  jsonEvent,
  MaxAppendSizeExceededError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AllStreamSubscription,
  type AppendResult,
  type EventData,
  type Filter,
} from '@eventstore/db-client';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { SubscriptionUnconfirmedError } from '../../shared/event-store/subscription-unconfirmed.error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { EsdbEventStore, type EsdbClient, type EsdbEventStoreOptions } from './esdb-event-store.js';

/**
 * The append decision of the server, as IndexWriter.CheckCommit makes it (kurrent-io/KurrentDB,
 * src/EventStore.Core/Services/Storage/ReaderIndex/IndexWriter.cs), for the two expectations this store
 * sends: "any" looks the ids up in the recently committed events (here: all of them); an exact revision
 * compares with the stream. No server runs in this suite: this is the documented rule, not the server.
 */
class FakeServer {
  readonly streams = new Map<string, EventData[]>();
  private readonly committed = new Map<string, { stream: string; revision: number }>();
  private position = 0;
  readonly calls: number[] = [];
  /**
   * The server refuses, whole, an append whose events' data and metadata add up to more than this: `--max-append-size`,
   * 1,048,576 bytes by default (kurrent-io/KurrentDB, Grpc/Streams.Append and BatchAppend, "Maximum Append Size of
   * 1048576 Exceeded."; the Spear client's guide, writing_events.md). The client reports it as MaxAppendSizeExceededError
   * (dist/streams/appendToStream/unpackError.js, "event_store.client.MaximumAppendSizeExceeded").
   */
  maxAppendSize = 1_048_576;
  /**
   * Streams hard-deleted (tombstoned): the server refuses every append to one with the "stream-deleted" exception, which
   * the client reports as StreamDeletedError naming the stream (dist/utils/CommandError.js, convertToCommandError).
   */
  readonly tombstoned = new Set<string>();

  async appendToStream(stream: string, data: EventData | EventData[], { expectedRevision }: { expectedRevision: AppendExpectedRevision }): Promise<AppendResult> {
    const events = [data].flat();
    this.calls.push(events.length);
    if (this.tombstoned.has(stream)) throw StreamDeletedError.fromStreamName(stream);
    const size = events.reduce((total, event) => total + jsonBytes(event.data) + jsonBytes(event.metadata), 0);
    if (size > this.maxAppendSize) throw MaxAppendSizeExceededError.fromMaxAppendSize(this.maxAppendSize);
    const written = this.streams.get(stream) ?? [];
    const current = written.length - 1;
    const refuse = () => {
      throw new WrongExpectedVersionError(undefined, { streamName: stream, expected: expectedRevision, current: current < 0 ? NO_STREAM : BigInt(current) });
    };
    if (expectedRevision === ANY) {
      const known = events.map((event) => this.committed.get(event.id)?.stream === stream);
      if (known[0] && known.every(Boolean)) return this.result(this.committed.get(events[events.length - 1].id)!.revision);
      if (known[0]) refuse(); // "CorruptedIdempotency": the first ids are known, later ones are not
    } else if (expectedRevision === NO_STREAM ? current !== -1 : BigInt(current) !== expectedRevision) {
      refuse();
    }
    for (const event of events) {
      written.push(event);
      this.committed.set(event.id, { stream, revision: written.length - 1 });
    }
    this.streams.set(stream, written);
    return this.result(written.length - 1);
  }

  async dispose(): Promise<void> {}

  private result(revision: number): AppendResult {
    this.position += 100;
    return { success: true, nextExpectedRevision: BigInt(revision), position: { commit: BigInt(this.position), prepare: BigInt(this.position) } };
  }
}

const jsonBytes = (value: unknown): number => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

const event = (n: number, id: string = randomUUID()) => ({ id, type: `E${n}`, schemaVersion: 1, data: { n } });

describe('EsdbEventStore appends (against the documented server rule)', () => {
  let server: FakeServer;
  let store: EsdbEventStore;

  beforeEach(() => {
    server = new FakeServer();
    store = new EsdbEventStore(server as unknown as EsdbClient);
  });

  it('reports an append to a tombstoned stream as AppendRefusedError naming the stream', async () => {
    server.tombstoned.add('deleted');
    const appends = ['a', 'deleted', 'b'].map((streamId) => ({ streamId, events: [event(0)], expectedRevision: 'any' as const }));
    const failure = await store.appendToStreams(appends, { durability: 'process' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppendRefusedError);
    expect(failure).toMatchObject({ reason: 'stream_deleted', streamId: 'deleted' });
    expect(server.streams.has('deleted')).toBe(false);
  });

  it('retries a batch whose first events were written by an earlier attempt, writing each event once', async () => {
    const events = [event(0), event(1), event(2)];
    await store.appendToStreams([{ streamId: 's', events: events.slice(0, 2), expectedRevision: 'any' }]);
    const [result] = await store.appendToStreams([{ streamId: 's', events, expectedRevision: 'any' }]);
    expect(server.streams.get('s')!.map((e) => e.type)).toEqual(['E0', 'E1', 'E2']);
    expect(result.nextExpectedRevision).toBe(2);
    // the batch, refused, then one event at a time
    expect(server.calls).toEqual([2, 3, 1, 1, 1]);
  });

  it('writes nothing for a retry of a batch that was written whole', async () => {
    const events = [event(0), event(1)];
    await store.appendToStream('s', events, 'any');
    await store.appendToStream('s', events, 'any');
    expect(server.streams.get('s')!.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(server.calls).toEqual([2, 2]);
  });

  it("writes a retried-safe batch larger than the server's maximum append size, in order, each event once", async () => {
    // The usage recorder appends up to 250 uses of a key in one call (expected revision "any"). A use may carry a user
    // agent and a path of 512 characters each (CONTEXT_FIELD_LENGTHS): 512 four-byte characters are 2 KiB each, so 250 such
    // uses are past 1 MiB. Refused whole, the batch came back to the recorder, which put it back and retried it for ever:
    // no use of any key of that instance was recorded again.
    const wide = (length: number) => '\u{1F600}'.repeat(length);
    const uses = Array.from({ length: 250 }, (_, n) => {
      const requestId = randomUUID();
      const data = { keyId: randomUUID(), accountId: 'acct-1', usedAt: new Date(0).toISOString(), requestId, ip: '2001:db8::1', userAgent: wide(512), method: 'POST', path: `/${wide(511)}`, outcome: 'accepted' };
      return { ...event(n), type: 'KeyUsed', data, metadata: { requestId } };
    });
    const [result] = await store.appendToStreams([{ streamId: 'u', events: uses, expectedRevision: 'any' }], { durability: 'process' });
    expect(result.nextExpectedRevision).toBe(249);
    expect(server.streams.get('u')!.map((e) => e.id)).toEqual(uses.map((e) => e.id));
    // Retried after an answer was lost: nothing written twice.
    await store.appendToStreams([{ streamId: 'u', events: uses, expectedRevision: 'any' }]);
    expect(server.streams.get('u')).toHaveLength(250);
    // At an exact revision (a command's append, never this large) the refusal stands, for good: splitting would not be atomic.
    await expect(store.appendToStream('v', uses, 'no_stream')).rejects.toMatchObject({ name: 'AppendRefusedError', reason: 'too_large', streamId: 'v' });
    expect(server.streams.get('v')).toBeUndefined();
  });

  it('refuses for good an event too large for one append, alone or in a batch, and writes the batch’s others in order', async () => {
    // The server refuses it whole every time (MaxAppendSizeExceededError, dist/streams/appendToStream/unpackError.js):
    // until 2026-12-07 a batch of one such event came back as that error, which the usage recorder retried at every flush.
    server.maxAppendSize = 1000;
    const big = { ...event(2), data: { n: 2, userAgent: 'x'.repeat(2000) } };
    const batch = [event(0), event(1), big, event(3), event(4)];
    const failure = await store.appendToStreams([{ streamId: 'u', events: batch, expectedRevision: 'any' }], { durability: 'process' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppendRefusedError);
    expect(failure).toMatchObject({ reason: 'too_large', streamId: 'u', eventIds: [big.id] });
    expect(server.streams.get('u')!.map((e) => e.id)).toEqual(batch.filter((e) => e !== big).map((e) => e.id));
    await expect(store.appendToStream('w', [big], 'any')).rejects.toMatchObject({ name: 'AppendRefusedError', reason: 'too_large', eventIds: [big.id] });
    expect(server.streams.get('w')).toBeUndefined();
  });

  it('keeps a conflict at an exact revision a conflict, without retrying', async () => {
    await store.appendToStream('s', [event(0)], 'no_stream');
    await expect(store.appendToStream('s', [event(1), event(2)], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.appendToStream('s', [event(1), event(2)], 5)).rejects.toMatchObject({ expected: 5, actual: 0 });
    expect(server.streams.get('s')).toHaveLength(1);
    expect(server.calls).toEqual([1, 2, 2]);
  });

  it('starts no further append of a batch once one has failed', async () => {
    await store.appendToStream('s3', [event(0)], 'no_stream');
    const appends = Array.from({ length: 40 }, (_, i) => ({ streamId: `s${i}`, events: [event(i)], expectedRevision: 'no_stream' as const }));
    await expect(store.appendToStreams(appends)).rejects.toBeInstanceOf(ConcurrencyError);
    await new Promise((resolve) => setImmediate(resolve));
    const written = appends.filter((a) => a.streamId !== 's3' && server.streams.has(a.streamId)).length;
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(20);
  });

  it('appends together one after another, in the order given, and none after a refused one (no multi-stream transactions)', async () => {
    await store.appendToStream('old', [event(0)], 'no_stream');
    const appends = [
      { streamId: 'first', events: [event(1)], expectedRevision: 'no_stream' as const },
      { streamId: 'old', events: [event(2)], expectedRevision: 'no_stream' as const },
      ...Array.from({ length: 20 }, (_, i) => ({ streamId: `later${i}`, events: [event(i)], expectedRevision: 'no_stream' as const })),
    ];
    await expect(store.appendToStreams(appends, { together: true })).rejects.toBeInstanceOf(ConcurrencyError);
    await new Promise((resolve) => setImmediate(resolve));
    expect([...server.streams.keys()]).toEqual(['old', 'first']);
  });

  it('sends the same ids in the one-by-one retry as in the batch, also for events given without an id', async () => {
    const known = event(0);
    await store.appendToStream('s', [known], 'any');
    await store.appendToStream('s', [known, { type: 'Fresh', schemaVersion: 1, data: {} }], 'any');
    const written = server.streams.get('s')!;
    expect(written.map((e) => e.type)).toEqual(['E0', 'Fresh']);
    expect(new Set(written.map((e) => e.id)).size).toBe(2);
  });
});

/** A subscription as the client hands it out: an object-mode stream, with the filter's checkpoint callback. */
class FakeSubscription extends PassThrough {
  subscriptionFilter?: Filter;
  constructor() {
    super({ objectMode: true });
  }
  async unsubscribe(): Promise<void> {}
  event(position: number): void {
    this.push({
      event: {
        streamId: 's',
        id: randomUUID(),
        isJson: true,
        revision: 0n,
        type: 'E',
        created: new Date(0),
        data: { at: position },
        metadata: { schemaVersion: 1 },
        position: { commit: BigInt(position), prepare: BigInt(position) },
      },
    });
  }
  /** Another application's event, as the client converts it. */
  foreign(position: number, isJson: boolean, data: unknown, metadata: unknown): void {
    this.push({
      event: { streamId: 'order-1', id: randomUUID(), isJson, revision: 0n, type: 'OrderPlaced', created: new Date(0), data, metadata, position: { commit: BigInt(position), prepare: BigInt(position) } },
    });
  }
  checkpoint(position: number): void {
    void this.subscriptionFilter!.checkpointReached!(this as unknown as AllStreamSubscription, { commit: BigInt(position), prepare: 0n });
  }
}

describe('EsdbEventStore appends to a server that never answers (a fake client, no server)', () => {
  it('fails the append with StoreUnavailableError after its bound: the batch append the client sends has no deadline', async () => {
    // 6.2.1 sends an append as a batch append whenever the server offers it, on a gRPC call made with
    // `deadline: Infinity` (dist/streams/appendToStream/batchAppend.js); the request's own deadline is for the server
    // to enforce. A server that keeps the connection and never answers leaves the client's promise pending for ever.
    const client = { appendToStream: () => new Promise(() => undefined), dispose: async () => undefined };
    const store = new EsdbEventStore(client as unknown as EsdbClient, { appendTimeoutMs: 200 });
    const started = Date.now();
    const outcome = await Promise.race([
      store.appendToStream('s', [event(0)], 'no_stream').catch((error: unknown) => error),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 3000)),
    ]);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('EsdbEventStore subscriptions (a fake subscription stream, no server)', () => {
  const open = (options: EsdbEventStoreOptions = {}) => {
    const source = new FakeSubscription();
    const client = {
      subscribeToAll: ({ filter }: { filter: Filter }) => {
        source.subscriptionFilter = filter;
        return source;
      },
      dispose: async () => undefined,
    };
    return { source, store: new EsdbEventStore(client as unknown as EsdbClient, options) };
  };

  // The client waits for the server's confirmation with no deadline (dist/streams/subscribeToAll.js: `deadline:
  // Infinity`); it emits 'confirmation' when it comes (dist/streams/utils/Subscription.js). Unbounded, a server that
  // took the call and never confirmed it left the projection silent, reported running, for ever.
  it('fails a subscription the server has not confirmed within its bound with SubscriptionUnconfirmedError, once', async () => {
    const { source, store } = open({ confirmTimeoutMs: 50 });
    const errors: unknown[] = [];
    let confirmed = 0;
    const subscription = store.subscribeToAll({ after: null }, { onEvents: async () => undefined, onError: (error) => void errors.push(error), onConfirmed: () => void confirmed++ });
    await eventuallyEqual(() => errors.length, 1);
    expect(errors[0]).toBeInstanceOf(SubscriptionUnconfirmedError);
    expect((errors[0] as Error).message).toBe('EventStoreDB is unavailable: the subscription was not confirmed within 50 ms');
    expect([source.destroyed, confirmed]).toEqual([true, 0]);
    await subscription.stop();
  });

  it('reports a confirmed subscription confirmed, and does not fail it at the bound', async () => {
    const { source, store } = open({ confirmTimeoutMs: 50 });
    const errors: unknown[] = [];
    let confirmed = 0;
    const subscription = store.subscribeToAll({ after: null }, { onEvents: async () => undefined, onError: (error) => void errors.push(error), onConfirmed: () => void confirmed++ });
    source.emit('confirmation');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect([errors, confirmed, source.destroyed]).toEqual([[], 1, false]);
    await subscription.stop();
  });

  it('delivers events and checkpoints in log order, dropping what is at or before the start and what it has already reported', async () => {
    const { source, store } = open();
    const seen: string[] = [];
    const subscription = store.subscribeToAll(
      { after: 200 },
      {
        onEvents: async (events) => void seen.push(...events.map((e) => `event ${e.position}`)),
        onCheckpoint: async (position) => void seen.push(`checkpoint ${position}`),
        onError: (error) => void seen.push(`error ${String(error)}`),
      },
    );
    source.event(100); // before the start: the server does not send it, dropped all the same
    source.event(200); // at the start, which is exclusive for us
    source.event(300);
    source.checkpoint(250); // behind the last event: stale
    source.checkpoint(400);
    source.event(300); // delivered again
    source.checkpoint(400); // repeated
    source.event(500);
    await eventuallyEqual(() => seen, ['event 300', 'checkpoint 400', 'event 500']);
    await subscription.stop();
    expect(seen).toEqual(['event 300', 'checkpoint 400', 'event 500']);
  });

  it("subscribes to every type without decoding another application's events (a shared database), as readAll reads them", async () => {
    // The port: a selection without `types` reads "every event this service wrote (on a shared EventStoreDB, not the
    // other applications')". The filter is excludeSystemEvents (dist/utils/filter.js: `^[^$].*` on the type), so the
    // server sends any application's non-system events; convertGrpcRecord (dist/utils/convertGrpcEvent.js) hands a
    // non-JSON event over with `isJson: false` and its bytes, and metadata it cannot parse as bytes, or undefined when empty.
    const { source, store } = open();
    const seen: number[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({ after: null }, { onEvents: async (events) => void seen.push(...events.map((e) => e.position)), onError: (error) => void errors.push(error) });
    source.foreign(100, false, new Uint8Array([1, 2]), undefined); // not JSON
    source.foreign(200, true, { order: 7 }, { correlationId: 'c' }); // JSON without our schema version
    source.event(300);
    await eventuallyEqual(() => seen, [300]);
    await subscription.stop();
    expect(errors).toEqual([]);
  });

  it('reports one error when the subscription fails, and one when it ends by itself', async () => {
    for (const end of [(s: FakeSubscription) => s.destroy(new Error('connection reset')), (s: FakeSubscription) => s.end()]) {
      const { source, store } = open();
      const errors: string[] = [];
      const subscription = store.subscribeToAll({ after: null }, { onEvents: async () => undefined, onError: (error) => void errors.push((error as Error).message) });
      end(source);
      await eventuallyEqual(() => errors.length, 1);
      await subscription.stop();
      expect(errors).toEqual([expect.stringMatching(/connection reset|ended unexpectedly/)]);
    }
  });
});

async function eventuallyEqual<T>(read: () => T, expected: T): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      expect(read()).toEqual(expected);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  expect(read()).toEqual(expected);
}

describe('EsdbEventStore reads of $all (a fake client, no server)', () => {
  it('counts a backlog by reading the log after the position, skipping other types and system events, up to the cap', async () => {
    const log = [
      [100, 'A'],
      [200, '$statsCollected'],
      [300, 'B'],
      [400, 'A'],
      [500, 'C'],
      [600, 'A'],
    ] as const;
    let cancelled = 0;
    const readAll = ({ fromPosition }: { fromPosition: { commit: bigint } | 'start' }) => {
      const from = fromPosition === 'start' ? 0n : fromPosition.commit;
      const stream = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
      stream.cancel = async () => void cancelled++;
      for (const [position, type] of log) {
        if (BigInt(position) < from) continue;
        stream.write({
          event: {
            streamId: 's',
            id: randomUUID(),
            isJson: true,
            revision: 0n,
            type,
            created: new Date(Date.UTC(2026, 11, 3, 0, 0, position / 100)),
            data: {},
            metadata: { schemaVersion: 1 },
            position: { commit: BigInt(position), prepare: BigInt(position) },
          },
        });
      }
      stream.end();
      return stream;
    };
    const store = new EsdbEventStore({ readAll, dispose: async () => undefined } as unknown as EsdbClient);
    const at = (second: number) => `2026-12-03T00:00:0${second}.000Z`;
    expect(await store.backlog({ after: 100, maxCount: 10, types: ['A'] })).toEqual({ count: 2, oldestRecordedAt: at(4), oldestPosition: 400 });
    expect(await store.backlog({ after: 100, maxCount: 10, types: ['B', 'A'] })).toEqual({ count: 3, oldestRecordedAt: at(3), oldestPosition: 300 });
    expect(await store.backlog({ after: 100, maxCount: 10, types: ['A', 'B', 'C'] })).toEqual({ count: 4, oldestRecordedAt: at(3), oldestPosition: 300 });
    expect(await store.backlog({ after: null, maxCount: 2, types: ['A'] })).toEqual({ count: 2, oldestRecordedAt: at(1), oldestPosition: 100 });
    expect(await store.backlog({ after: 600, maxCount: 10, types: ['A'] })).toEqual({ count: 0, oldestRecordedAt: null, oldestPosition: null });
    expect(cancelled).toBe(5);
  });


  it("reads every type without decoding another application's events (a shared database), as archive-usage's pass does", async () => {
    const entry = (n: number, isJson: boolean, data: unknown, metadata: unknown) => ({
      event: { streamId: n === 3 ? 'api_key_usage-k1' : `other-${n}`, id: randomUUID(), isJson, revision: 0n, type: n === 3 ? 'KeyUsed' : 'OrderPlaced', created: new Date(0), data, metadata, position: { commit: BigInt(n), prepare: BigInt(n) } },
    });
    const log = [
      entry(1, false, new Uint8Array([1, 2]), undefined), // not JSON
      entry(2, true, { order: 7 }, { correlationId: 'c' }), // JSON without our schema version
      entry(3, true, { keyId: 'k1' }, { schemaVersion: 1 }),
      entry(4, true, ['a'], { schemaVersion: 1 }), // not an object
    ];
    const readAll = () => {
      const stream = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
      stream.cancel = async () => undefined;
      for (const item of log) stream.write(item);
      stream.end();
      return stream;
    };
    const store = new EsdbEventStore({ readAll, dispose: async () => undefined } as unknown as EsdbClient);
    const read = await store.readAll({ after: null, maxCount: 10 });
    expect(read.map((event) => [event.position, event.streamId, event.type])).toEqual([[3, 'api_key_usage-k1', 'KeyUsed']]);
  });

  it('leaves the call ended when it stops reading early after the server has sent its whole answer', async () => {
    // As in the client: the gRPC call is piped into the read it hands out, and cancelling a call whose answer
    // has all arrived does nothing. client.dispose() waits for every call to finish.
    const answer = (n: number) => ({
      event: { streamId: 's', id: randomUUID(), isJson: true, revision: 0n, type: 'A', created: new Date(0), data: {}, metadata: { schemaVersion: 1 }, position: { commit: BigInt(n), prepare: BigInt(n) } },
    });
    let call: Readable | undefined;
    const readAll = () => {
      call = Readable.from(Array.from({ length: 40 }, (_, i) => answer((i + 1) * 100)));
      const read = new Transform({ objectMode: true, highWaterMark: 1, transform: (item, _, next) => next(null, item) }) as Transform & { cancel(): Promise<void> };
      read.cancel = async () => undefined;
      setImmediate(() => call!.pipe(read));
      return read;
    };
    const store = new EsdbEventStore({ readAll, dispose: async () => undefined } as unknown as EsdbClient);
    expect(await store.readAll({ after: null, maxCount: 1 })).toHaveLength(1);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      finished(call!).then(() => 'finished'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still open'), 1000))),
    ]);
    clearTimeout(timer);
    expect(ended).toBe('finished');
  });

  it('reports an unreachable server as StoreUnavailableError from readAll, headPosition and ping, like from appends', async () => {
    const failingRead = () => {
      const stream = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
      stream.cancel = async () => undefined;
      setImmediate(() => stream.destroy(Object.create(UnavailableError.prototype) as Error));
      return stream;
    };
    const store = new EsdbEventStore({ readAll: failingRead, dispose: async () => undefined } as unknown as EsdbClient);
    await expect(store.readAll({ after: null, maxCount: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('EsdbEventStore.removeStreamStart (a fake client, no server)', () => {
  /**
   * Stream reads as the server answers them: each event with no commit position of the read (Streams.Read.cs,
   * ConvertToReadEvent: NoPosition, stream reads leave OriginalPosition null), StreamNotFoundError for a stream without
   * events. The client's own getStreamMetadata and setStreamMetadata run over these reads and FakeServer's appends,
   * as they do in 6.2.1 over the real ones.
   */
  class MetadataServer extends FakeServer {
    readonly getStreamMetadata = EventStoreDBClient.prototype.getStreamMetadata;
    readonly setStreamMetadata = EventStoreDBClient.prototype.setStreamMetadata;

    readStream(stream: string, { direction, maxCount }: { direction?: string; maxCount?: number | bigint } = {}) {
      const written = this.streams.get(stream) ?? [];
      const resolved = written.map((data, revision) => ({
        event: { streamId: stream, id: data.id, revision: BigInt(revision), type: data.type, data: data.data, metadata: undefined, isJson: true, created: new Date(), position: undefined },
      }));
      const ordered = direction === BACKWARDS ? resolved.reverse() : resolved;
      const read = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
      read.cancel = async () => undefined;
      setImmediate(() => {
        if (written.length === 0) return read.destroy(new StreamNotFoundError(undefined, stream));
        for (const item of ordered.slice(0, maxCount === undefined ? undefined : Number(maxCount))) read.write(item);
        read.end();
      });
      return read;
    }

    metadata(stream: string): unknown[] {
      return (this.streams.get(`$$${stream}`) ?? []).map((data) => data.data);
    }
  }

  it('reads a hard-deleted (tombstoned) stream as one without events, as the port says, and names it among deleted streams', async () => {
    // The server fails a read of a tombstoned stream with RpcExceptions.StreamDeleted (Enumerators.ReadStreamForwards,
    // `case ReadStreamResult.StreamDeleted`), which the client reports as StreamDeletedError (dist/utils/CommandError.js).
    class TombstoningServer extends MetadataServer {
      override readStream(stream: string, options: { direction?: string; maxCount?: number | bigint } = {}) {
        if (!this.tombstoned.has(stream.replace(/^\$\$/, ''))) return super.readStream(stream, options);
        const read = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
        read.cancel = async () => undefined;
        setImmediate(() => read.destroy(StreamDeletedError.fromStreamName(stream)));
        return read;
      }
    }
    const server = new TombstoningServer();
    const store = new EsdbEventStore(server as unknown as EsdbClient);
    await store.appendToStream('api_key_usage-k1', [event(0), event(1)], 'any');
    server.tombstoned.add('api_key_usage-k1');
    await expect(store.readStream('api_key_usage-k1')).resolves.toEqual([]);
    await expect(store.readStream('api_key_usage-k1', { direction: 'backwards', maxCount: 1 })).resolves.toEqual([]);
    await store.appendToStream('api_key_usage-k2', [event(2)], 'any');
    await expect(store.deletedStreams(['api_key_usage-k1', 'api_key_usage-k2', 'api_key_usage-never'])).resolves.toEqual(new Set(['api_key_usage-k1']));
  });

  it('reads a soft-deleted stream as one without events, names it among deleted streams, and writes it no truncate-before', async () => {
    // A delete without tombstone sets the stream's truncate-before to the server's DeletedStream (long.MaxValue) in its
    // metadata; reads of the stream then answer StreamNotFound (EventStore-Client-Dotnet, deleted_stream.reading_throws).
    class SoftDeletingServer extends MetadataServer {
      override readStream(stream: string, options: { direction?: string; maxCount?: number | bigint } = {}) {
        const last = this.metadata(stream).at(-1) as { $tb?: number } | undefined;
        if (last?.$tb === undefined || last.$tb < 2 ** 63 - 1) return super.readStream(stream, options);
        const read = new PassThrough({ objectMode: true }) as PassThrough & { cancel(): Promise<void> };
        read.cancel = async () => undefined;
        setImmediate(() => read.destroy(new StreamNotFoundError(undefined, stream)));
        return read;
      }
    }
    const server = new SoftDeletingServer();
    const store = new EsdbEventStore(server as unknown as EsdbClient);
    await store.appendToStream('api_key_usage-k1', [event(0), event(1)], 'any');
    await store.appendToStream('api_key_usage-k2', [event(2), event(3)], 'any');
    await store.removeStreamStart('api_key_usage-k2', 1);
    const softDelete = JSON.parse('{"$tb":9223372036854775807}') as Record<string, unknown>;
    await server.appendToStream('$$api_key_usage-k1', [jsonEvent({ type: '$metadata', data: softDelete })], { expectedRevision: NO_STREAM });
    await expect(store.readStream('api_key_usage-k1')).resolves.toEqual([]);
    await expect(store.deletedStreams(['api_key_usage-k1', 'api_key_usage-k2', 'api_key_usage-never'])).resolves.toEqual(new Set(['api_key_usage-k1']));
    await store.removeStreamStart('api_key_usage-k1', 2);
    expect(server.metadata('api_key_usage-k1')).toEqual([softDelete]);
  });

  it("sets the stream's truncate-before, keeping its other metadata, at the metadata stream's revision; it cannot count what goes", async () => {
    const server = new MetadataServer();
    const store = new EsdbEventStore(server as unknown as EsdbClient);
    await server.appendToStream('$$api_key_usage-k1', [jsonEvent({ type: '$metadata', data: { $maxCount: 1000, owner: 'keys' } })], { expectedRevision: NO_STREAM });
    await expect(store.removeStreamStart('api_key_usage-k1', 40)).resolves.toBeNull();
    expect(server.metadata('api_key_usage-k1')).toEqual([{ $maxCount: 1000, owner: 'keys' }, { $maxCount: 1000, owner: 'keys', $tb: 40 }]);
  });

  it('writes the first metadata of a stream that has none, moves it on at each later archive, and never back', async () => {
    const server = new MetadataServer();
    const store = new EsdbEventStore(server as unknown as EsdbClient);
    await store.removeStreamStart('api_key_usage-k1', 40);
    await store.removeStreamStart('api_key_usage-k1', 40);
    await store.removeStreamStart('api_key_usage-k1', 12);
    expect(server.metadata('api_key_usage-k1')).toEqual([{ $tb: 40 }]);
    // The second archive of a key: the client's getStreamMetadata would give no metastream revision here, and its
    // setStreamMetadata at no_stream would be refused (a wrong expected version), failing archive-usage.
    await store.removeStreamStart('api_key_usage-k1', 41);
    await store.removeStreamStart('api_key_usage-k1', 90);
    expect(server.metadata('api_key_usage-k1')).toEqual([{ $tb: 40 }, { $tb: 41 }, { $tb: 90 }]);
  });
});
