import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '../../src/shared/event-store/concurrency-error.js';
import type { EventStore, RecordedEvent } from '../../src/shared/event-store/event-store.port.js';
import { eventually } from '../support/eventually.js';

export interface EventStoreFixture {
  store: EventStore;
  /** A second handle on the same underlying log, as another process would have; absent where there is none. */
  openSecondHandle?: () => EventStore;
  /** Appends to several streams commit as one (SQLite, in memory); EventStoreDB has no such transactions. */
  multiStreamTransactions: boolean;
  cleanup(): Promise<void>;
}

const event = (type: string, data: Record<string, unknown> = {}) => ({ type, schemaVersion: 1, data, metadata: { requestId: 'r' } });

/** Behaviour every event store adapter must have. Stream ids are unique per test so a shared server works. */
export function eventStoreContract(name: string, open: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    let stream: string;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      stream = `contract-${Math.random().toString(36).slice(2)}`;
    });
    afterEach(async () => fixture.cleanup());

    it('reads an unknown stream as empty', async () => {
      expect(await store.readStream(`${stream}-none`)).toEqual([]);
    });

    it('appends to a new stream and reads it back in order with revisions from 0', async () => {
      const result = await store.appendToStream(stream, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
      expect(result.nextExpectedRevision).toBe(1);
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.type, e.revision, e.data.n, e.schemaVersion])).toEqual([
        ['A', 0, 1, 1],
        ['B', 1, 2, 1],
      ]);
      expect(read[0].metadata).toEqual({ requestId: 'r' });
      expect(read[1].position).toBe(result.position);
      expect(read[0].position).toBeLessThan(read[1].position);
      expect(new Date(read[0].recordedAt).toISOString()).toBe(read[0].recordedAt);
      expect(read[0].id).not.toBe(read[1].id);
    });

    it('reads a slice of a stream from a revision', async () => {
      await store.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')], 'no_stream');
      expect((await store.readStream(stream, { fromRevision: 1, maxCount: 2 })).map((e) => e.type)).toEqual(['B', 'C']);
      expect((await store.readStream(stream, { fromRevision: 3 })).map((e) => e.type)).toEqual(['D']);
      expect(await store.readStream(stream, { fromRevision: 4 })).toEqual([]);
    });

    it('reads a stream backwards, newest first, from its end or from a revision (inclusive)', async () => {
      await store.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')], 'no_stream');
      const backwards = async (page: { fromRevision?: number; maxCount?: number }) =>
        (await store.readStream(stream, { ...page, direction: 'backwards' })).map((e) => [e.type, e.revision]);
      expect(await backwards({})).toEqual([['D', 3], ['C', 2], ['B', 1], ['A', 0]]);
      expect(await backwards({ maxCount: 2 })).toEqual([['D', 3], ['C', 2]]);
      expect(await backwards({ fromRevision: 2, maxCount: 2 })).toEqual([['C', 2], ['B', 1]]);
      expect(await backwards({ fromRevision: 0 })).toEqual([['A', 0]]);
      expect(await backwards({ fromRevision: 99, maxCount: 1 })).toEqual([['D', 3]]);
      expect(await store.readStream(`${stream}-none`, { direction: 'backwards' })).toEqual([]);
      // A removed start is not read backwards either.
      await store.removeStreamStart(stream, 2);
      expect(await backwards({ fromRevision: 3 })).toEqual([['D', 3], ['C', 2]]);
    });

    it('appends at the expected revision and refuses a stale one', async () => {
      await store.appendToStream(stream, [event('A')], 'no_stream');
      await store.appendToStream(stream, [event('B')], 0);
      await expect(store.appendToStream(stream, [event('C')], 0)).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.appendToStream(stream, [event('C')], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('refuses stream_exists on a new stream and accepts any', async () => {
      await expect(store.appendToStream(stream, [event('A')], 'stream_exists')).rejects.toBeInstanceOf(ConcurrencyError);
      await store.appendToStream(stream, [event('A')], 'any');
      await store.appendToStream(stream, [event('B')], 'stream_exists');
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('lets exactly one of two concurrent appends at the same revision win', async () => {
      await store.appendToStream(stream, [event('A')], 'no_stream');
      const results = await Promise.allSettled([
        store.appendToStream(stream, [event('B')], 0),
        store.appendToStream(stream, [event('C')], 0),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConcurrencyError)).toHaveLength(1);
    });

    it('reads all events after a position, filtered by type', async () => {
      const first = await store.appendToStream(stream, [event('A')], 'no_stream');
      await store.appendToStream(`${stream}-b`, [event('Other')], 'no_stream');
      await store.appendToStream(stream, [event('B')], 0);
      const after = await store.readAll({ after: first.position, maxCount: 100 });
      const mine = after.filter((e) => e.streamId.startsWith(stream));
      expect(mine.map((e) => e.type)).toEqual(['Other', 'B']);
      const filtered = await store.readAll({ after: first.position, maxCount: 100, types: ['B'] });
      expect(filtered.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['B']);
      expect(filtered.every((e) => e.type === 'B')).toBe(true);
    });

    it('counts the backlog after a position by type, up to a cap, with the time and position of its oldest event', async () => {
      const [a, b, c] = ['A', 'B', 'C'].map((letter) => `${stream}-${letter}`);
      const start = await store.appendToStream(stream, [event(c)], 'no_stream');
      await store.appendToStream(stream, [event(a), event(b), event(a)], 0);
      await store.appendToStream(`${stream}-other`, [event(b), event(a)], 'no_stream');
      const pending = await store.readAll({ after: start.position, maxCount: 100, types: [a, b] });
      expect(pending.map((e) => e.type)).toEqual([a, b, a, b, a]);
      expect(await store.backlog({ after: start.position, maxCount: 100, types: [a, b] })).toEqual({
        count: 5,
        oldestRecordedAt: pending[0].recordedAt,
        oldestPosition: pending[0].position,
      });
      expect(await store.backlog({ after: start.position, maxCount: 100, types: [b, a] })).toEqual({
        count: 5,
        oldestRecordedAt: pending[0].recordedAt,
        oldestPosition: pending[0].position,
      });
      expect(await store.backlog({ after: start.position, maxCount: 3, types: [a, b] })).toMatchObject({ count: 3 });
      expect(await store.backlog({ after: start.position, maxCount: 100, types: [b] })).toEqual({
        count: 2,
        oldestRecordedAt: pending[1].recordedAt,
        oldestPosition: pending[1].position,
      });
      expect(await store.backlog({ after: null, maxCount: 100, types: [c] })).toMatchObject({ count: 1 });
      expect(await store.backlog({ after: start.position, maxCount: 100, types: [c] })).toEqual({ count: 0, oldestRecordedAt: null, oldestPosition: null });
      const last = pending[pending.length - 1].position;
      expect(await store.backlog({ after: last, maxCount: 100, types: [a, b] })).toEqual({ count: 0, oldestRecordedAt: null, oldestPosition: null });
    });

    it('reads, counts and subscribes to the types no part of the version knows in the streams named, and to no other type besides its own', async () => {
      const [known, numerous, unknown, unknownElsewhere] = ['Known', 'Numerous', 'Unknown', 'UnknownElsewhere'].map((type) => `${stream}-${type}`);
      const folded = `${stream}-folded-`;
      const selection = { types: [known], unknownTypesIn: { streamPrefix: folded, knownTypes: [known, numerous] } };
      const start = await store.appendToStream(stream, [event('Start')], 'no_stream');
      await store.appendToStream(`${folded}1`, [event(known), event(numerous), event(unknown)], 'no_stream');
      await store.appendToStream(`${stream}-uses`, [event(numerous), event(unknownElsewhere), event(known)], 'no_stream');
      const read = await store.readAll({ after: start.position, maxCount: 100, ...selection });
      expect(read.map((e) => [e.streamId, e.type])).toEqual([
        [`${folded}1`, known],
        [`${folded}1`, unknown],
        [`${stream}-uses`, known],
      ]);
      expect(await store.backlog({ after: start.position, maxCount: 100, ...selection })).toEqual({ count: 3, oldestRecordedAt: read[0].recordedAt, oldestPosition: read[0].position });
      expect(await store.backlog({ after: read[0].position, maxCount: 100, ...selection })).toMatchObject({ count: 2 });
      expect(await store.readAll({ after: start.position, maxCount: 100, types: [known] })).toHaveLength(2);

      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ after: start.position, ...selection }, { onEvents: async (events) => void seen.push(...events), onError: () => undefined });
      try {
        await eventually(() => expect(seen.map((e) => e.type)).toEqual([known, unknown, known]));
        await store.appendToStream(`${folded}2`, [event(unknownElsewhere), event(numerous)], 'no_stream');
        await eventually(() => expect(seen.map((e) => e.type)).toEqual([known, unknown, known, unknownElsewhere]));
      } finally {
        await subscription.stop();
      }
    });

    it('appends to several streams in one call, each at its own revision', async () => {
      await store.appendToStream(`${stream}-a`, [event('A')], 'no_stream');
      const results = await store.appendToStreams([
        { streamId: `${stream}-a`, events: [event('A2')], expectedRevision: 0 },
        { streamId: `${stream}-b`, events: [event('B1'), event('B2')], expectedRevision: 'any' },
      ]);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([1, 1]);
      expect((await store.readStream(`${stream}-a`)).map((e) => e.type)).toEqual(['A', 'A2']);
      expect((await store.readStream(`${stream}-b`)).map((e) => e.type)).toEqual(['B1', 'B2']);
      await expect(
        store.appendToStreams([{ streamId: `${stream}-a`, events: [event('stale')], expectedRevision: 0 }]),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('appends together: in the order given, and none after a refused one (none at all where the store has transactions)', async () => {
      await store.appendToStream(`${stream}-old`, [event('A')], 'no_stream');
      const stale = { streamId: `${stream}-old`, events: [event('stale')], expectedRevision: 5 } as const;
      const first = { streamId: `${stream}-first`, events: [event('F')], expectedRevision: 'no_stream' } as const;
      const last = { streamId: `${stream}-last`, events: [event('L')], expectedRevision: 'no_stream' } as const;
      await expect(store.appendToStreams([first, stale, last], { together: true })).rejects.toBeInstanceOf(ConcurrencyError);
      expect((await store.readStream(first.streamId)).map((e) => e.type)).toEqual(fixture.multiStreamTransactions ? [] : ['F']);
      expect(await store.readStream(last.streamId)).toEqual([]);
      expect((await store.readStream(stale.streamId)).map((e) => e.type)).toEqual(['A']);

      const fresh = { streamId: `${stream}-fresh`, events: [event('N')], expectedRevision: 'no_stream' } as const;
      const results = await store.appendToStreams([fresh, { ...stale, expectedRevision: 0 }], { together: true });
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1]);
      expect(results[0].position).toBeLessThan(results[1].position);
    });

    it('skips events whose id is already in the log, so a retried append writes nothing twice', async () => {
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      const withId = (n: number) => ({ ...event(`E${n}`), id: ids[n] });
      await store.appendToStreams([{ streamId: stream, events: [withId(0), withId(1)], expectedRevision: 'any' }]);
      await store.appendToStreams(
        [{ streamId: stream, events: [withId(0), withId(1), withId(2)], expectedRevision: 'any' }],
        { durability: 'process' },
      );
      await store.appendToStream(stream, [withId(2)], 'any');
      const written = await store.readStream(stream);
      expect(written.map((e) => [e.id, e.type, e.revision])).toEqual([
        [ids[0], 'E0', 0],
        [ids[1], 'E1', 1],
        [ids[2], 'E2', 2],
      ]);
    });

    it('stores and checks appends with process durability like any other', async () => {
      const [result] = await store.appendToStreams(
        [{ streamId: stream, events: [event('A', { n: 1, text: 'é "quoted"' }), event('B')], expectedRevision: 'no_stream' }],
        { durability: 'process' },
      );
      expect(result.nextExpectedRevision).toBe(1);
      await expect(
        store.appendToStreams([{ streamId: stream, events: [event('stale')], expectedRevision: 0 }], { durability: 'process' }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      await store.appendToStream(stream, [event('C')], 1);
      const written = await store.readStream(stream);
      expect(written.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(written[0]).toMatchObject({ schemaVersion: 1, data: { n: 1, text: 'é "quoted"' }, metadata: { requestId: 'r' } });
    });

    it('removes the start of a stream: the rest keeps its revisions and positions, and appends go on after it', async () => {
      const other = `${stream}-other`;
      await store.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')], 'no_stream');
      await store.appendToStream(other, [event('X')], 'no_stream');
      const before = await store.readStream(stream);
      const removed = await store.removeStreamStart(stream, 2);
      // EventStoreDB drops them from $all at its next scavenge only, and says it cannot count them.
      expect(removed === null || removed === 2).toBe(true);
      expect(await store.readStream(stream)).toEqual(before.slice(2));
      expect((await store.readStream(stream, { fromRevision: 1, maxCount: 1 })).map((e) => [e.type, e.revision])).toEqual([['C', 2]]);
      expect((await store.readStream(other)).map((e) => e.type)).toEqual(['X']);
      await store.appendToStream(stream, [event('E')], 3);
      expect((await store.readStream(stream)).map((e) => [e.type, e.revision])).toEqual([['C', 2], ['D', 3], ['E', 4]]);
      // Removing as far again, or less far, removes nothing.
      expect([null, 0]).toContain(await store.removeStreamStart(stream, 2));
      expect([null, 0]).toContain(await store.removeStreamStart(stream, 1));
      if (removed !== null) {
        const all = await store.readAll({ after: before[0].position - 1, maxCount: 100 });
        expect(all.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['C', 'D', 'E']);
        const second = fixture.openSecondHandle?.();
        if (second) {
          expect((await second.readStream(stream)).map((e) => e.type)).toEqual(['C', 'D', 'E']);
          await second.close();
        }
      }
      // Removing further (the stream's next archive) removes more.
      expect([null, 1]).toContain(await store.removeStreamStart(stream, 3));
      expect((await store.readStream(stream)).map((e) => [e.type, e.revision])).toEqual([['D', 3], ['E', 4]]);
    });

    it('keeps the end of the log where it was when the start of the last stream appended is removed', async () => {
      // archive-usage may remove the log's last events (a day of failed authentications nothing was logged after):
      // a projection's checkpoint at them must not look like one taken on another log (a restored or replaced one).
      await store.appendToStream(`${stream}-kept`, [event('K')], 'no_stream');
      const last = await store.appendToStream(stream, [event('A'), event('B')], 'no_stream');
      const end = await store.endPosition?.();
      if (end === undefined) return;
      expect(end).toBe(last.position);
      await store.removeStreamStart(stream, 2);
      expect(await store.endPosition!()).toBe(end);
    });

    it('reports the head position of the log', async () => {
      const result = await store.appendToStream(stream, [event('A'), event('B')], 'no_stream');
      expect(await store.headPosition()).toBeGreaterThanOrEqual(result.position);
      await store.ping();
    });

    it('subscribes from a position exclusively: catches up, then goes live', async () => {
      const first = await store.appendToStream(stream, [event('A')], 'no_stream');
      await store.appendToStream(stream, [event('B')], 0);
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll(
        { after: first.position },
        { onEvents: async (events) => void seen.push(...events), onError: () => undefined },
      );
      try {
        await eventually(() => expect(seen.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['B']));
        await store.appendToStream(stream, [event('C')], 1);
        await eventually(() => expect(seen.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['B', 'C']));
        const positions = seen.map((e) => e.position);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      } finally {
        await subscription.stop();
      }
    });

    it('filters a subscription by type and reports checkpoints past skipped events', async () => {
      const seen: RecordedEvent[] = [];
      const checkpoints: number[] = [];
      const start = await store.appendToStream(stream, [event('Start')], 'no_stream');
      const subscription = store.subscribeToAll(
        { after: start.position, types: ['Wanted'] },
        {
          onEvents: async (events) => void seen.push(...events),
          onCheckpoint: async (position) => void checkpoints.push(position),
          onError: () => undefined,
        },
      );
      try {
        const skipped = await store.appendToStream(stream, [event('Unwanted')], 0);
        await eventually(() => expect(Math.max(...checkpoints)).toBeGreaterThanOrEqual(skipped.position));
        await store.appendToStream(stream, [event('Wanted')], 1);
        await eventually(() => expect(seen.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['Wanted']));
        expect(seen.every((e) => e.type === 'Wanted')).toBe(true);
      } finally {
        await subscription.stop();
      }
    });

    it('stops a subscription whose handler fails and reports the error', async () => {
      await store.appendToStream(stream, [event('A')], 'no_stream');
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll(
        { after: null },
        {
          onEvents: async () => {
            throw new Error('projection broke');
          },
          onError: (error) => void errors.push(error),
        },
      );
      await eventually(() => expect(errors).toHaveLength(1));
      await subscription.stop();
      expect((errors[0] as Error).message).toBe('projection broke');
    });

    it('delivers events appended through another handle on the same log', async () => {
      if (!fixture.openSecondHandle) return;
      const other = fixture.openSecondHandle();
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribeToAll(
        { after: null },
        { onEvents: async (events) => void seen.push(...events), onError: () => undefined },
      );
      try {
        await other.appendToStream(stream, [event('FromElsewhere')], 'no_stream');
        await eventually(() => expect(seen.some((e) => e.streamId === stream)).toBe(true), 1000);
      } finally {
        await subscription.stop();
        await other.close();
      }
    });
  });
}
