import { randomUUID } from 'node:crypto';
import {
  ANY,
  NO_STREAM,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
} from '@eventstore/db-client';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { EsdbEventStore, type EsdbClient } from './esdb-event-store.js';

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

  async appendToStream(stream: string, events: EventData[], { expectedRevision }: { expectedRevision: AppendExpectedRevision }): Promise<AppendResult> {
    this.calls.push(events.length);
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

const event = (n: number, id: string = randomUUID()) => ({ id, type: `E${n}`, schemaVersion: 1, data: { n } });

describe('EsdbEventStore appends (against the documented server rule)', () => {
  let server: FakeServer;
  let store: EsdbEventStore;

  beforeEach(() => {
    server = new FakeServer();
    store = new EsdbEventStore(server as unknown as EsdbClient);
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

  it('sends the same ids in the one-by-one retry as in the batch, also for events given without an id', async () => {
    const known = event(0);
    await store.appendToStream('s', [known], 'any');
    await store.appendToStream('s', [known, { type: 'Fresh', schemaVersion: 1, data: {} }], 'any');
    const written = server.streams.get('s')!;
    expect(written.map((e) => e.type)).toEqual(['E0', 'Fresh']);
    expect(new Set(written.map((e) => e.id)).size).toBe(2);
  });
});
