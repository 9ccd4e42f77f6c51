import type { EventStore, RecordedEvent, StreamPage } from '../../../shared/event-store/event-store.port.js';
import { KEY_USED, keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { HISTORY_START, type KeyHistoryCursor } from './key-history-cursor.js';
import type { KeyHistoryDirection } from './key-history-direction.js';
import { compareInHistory, type KeyHistoryOrder } from './key-history-order.js';
import type { KeyHistoryPage } from './get-api-key-history.query.js';
import { readKeyHistoryPage } from './read-key-history.js';
import { presentHistoryEvent } from './key-history.presenter.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';

const KEY = '6f1c2a4e-0000-4000-8000-000000000001';
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

/** A log where uses are appended in batches: the use made at 0:03 is logged after the revocation at 0:04. */
function log(): RecordedEvent[] {
  let position = 0;
  const lifecycle = (type: string, revision: number, second: number): RecordedEvent => ({
    id: `l${revision}`, streamId: apiKeyStreamId(KEY), type, schemaVersion: 1, data: {}, metadata: {}, revision, position: ++position, recordedAt: at(second),
  });
  const use = (revision: number, usedSecond: number, loggedSecond: number): RecordedEvent => ({
    id: `u${revision}`, streamId: keyUsageStreamId(KEY), type: KEY_USED, schemaVersion: 1, data: { usedAt: at(usedSecond) }, metadata: {}, revision, position: ++position, recordedAt: at(loggedSecond),
  });
  return [lifecycle('KeyCreated', 0, 0), use(0, 1, 2), use(1, 2, 2), lifecycle('KeyRevoked', 1, 4), use(2, 3, 5)];
}

function storeOf(events: RecordedEvent[]): EventStore {
  return {
    headPosition: async () => (events.length === 0 ? null : Math.max(...events.map((e) => e.position))),
    readStream: async (streamId: string, page: StreamPage = {}) =>
      page.direction === 'backwards'
        ? events
            .filter((e) => e.streamId === streamId && e.revision <= (page.fromRevision ?? Infinity))
            .reverse()
            .slice(0, page.maxCount ?? Infinity)
        : events.filter((e) => e.streamId === streamId && e.revision >= (page.fromRevision ?? 0)).slice(0, page.maxCount ?? Infinity),
  } as unknown as EventStore;
}

async function readAll(store: EventStore, limit: number, order?: KeyHistoryOrder, direction?: KeyHistoryDirection): Promise<string[]> {
  const ids: string[] = [];
  let cursor: KeyHistoryCursor | null = direction === 'newest_first' ? null : HISTORY_START;
  for (let first = true; first || cursor; first = false) {
    const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, cursor, order, direction);
    expect(page.events.length).toBeLessThanOrEqual(limit);
    ids.push(...page.events.map((e) => e.id));
    cursor = page.next;
  }
  return ids;
}

describe('readKeyHistoryPage', () => {
  it.each([1, 2, 3, 10])('lists by when events happened by default: a use made before the revocation comes before it (pages of %i)', async (limit) => {
    expect(await readAll(storeOf(log()), limit)).toEqual(['l0', 'u0', 'u1', 'u2', 'l1']);
  });

  it.each([1, 2, 10])('lists in log order with order=log (pages of %i)', async (limit) => {
    expect(await readAll(storeOf(log()), limit, 'log')).toEqual(['l0', 'u0', 'u1', 'l1', 'u2']);
  });

  it.each([1, 2, 3, 10])('lists newest first with newest_first, by when events happened or in log order, back to the start (pages of %i)', async (limit) => {
    expect(await readAll(storeOf(log()), limit, 'occurred', 'newest_first')).toEqual(['l1', 'u2', 'u1', 'u0', 'l0']);
    expect(await readAll(storeOf(log()), limit, 'log', 'newest_first')).toEqual(['u2', 'l1', 'u1', 'u0', 'l0']);
  });

  it.each([1, 2])('pages newest first from where the first page started: uses appended meanwhile are not listed, none twice, none skipped (pages of %i)', async (limit) => {
    const events = log();
    const store = storeOf(events);
    const first = await readKeyHistoryPage(store, KEY, limit, null, 'occurred', 'newest_first');
    expect(first.events.map((e) => e.id)).toEqual(['l1', 'u2'].slice(0, limit));
    // Three more uses logged before the next page is asked for.
    for (const revision of [3, 4, 5]) {
      events.push({ ...events[4], id: `u${revision}`, revision, position: 10 + revision, data: { usedAt: at(10 + revision) } });
    }
    const listed = first.events.map((e) => e.id);
    for (let cursor = first.next; cursor; ) {
      const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, cursor, 'occurred', 'newest_first');
      listed.push(...page.events.map((e) => e.id));
      cursor = page.next;
    }
    expect(listed).toEqual(['l1', 'u2', 'u1', 'u0', 'l0']);
    // A cursor is a point in the history: oldest first from the same point lists what newest first left out.
    const after = (await readKeyHistoryPage(store, KEY, 10, first.next, 'log')).events.map((e) => e.id);
    expect(after).toEqual([...first.events.map((e) => e.id), 'u3', 'u4', 'u5']);
  });

  /** A key reading its own history: each page's request is a use, logged before the next page is asked for. */
  function usedByEveryPage(events: RecordedEvent[]): EventStore {
    const store = storeOf(events);
    const readStream = store.readStream.bind(store);
    store.readStream = async (streamId: string, page?: StreamPage) => {
      const read = await readStream(streamId, page);
      if (streamId === keyUsageStreamId(KEY)) {
        const last = events.filter((e) => e.streamId === streamId).at(-1)!;
        const position = Math.max(...events.map((e) => e.position)) + 1;
        events.push({ ...last, id: `u${last.revision + 1}`, revision: last.revision + 1, position, data: { usedAt: at(position) }, recordedAt: at(position) });
      }
      return read;
    };
    return store;
  }

  it.each([1, 2, 3])('pages oldest first to the end the first page fixed, though every page adds a use (pages of %i)', async (limit) => {
    for (const order of ['occurred', 'log'] as const) {
      const events = log();
      const store = usedByEveryPage(events);
      const listed: string[] = [];
      let cursor: KeyHistoryCursor | null = null;
      for (let pages = 0, first = true; first || cursor; pages++, first = false) {
        // Without a fixed end, each page of 1 found one use more to read, for ever.
        expect(pages).toBeLessThan(10);
        const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, cursor, order);
        listed.push(...page.events.map((e) => e.id));
        cursor = page.next;
        if (cursor) expect(cursor.end).toBe(5);
      }
      expect([...listed].sort()).toEqual(['l0', 'l1', 'u0', 'u1', 'u2']);
      // The uses the paging made come when the history is read again.
      expect(events.length).toBeGreaterThan(5);
      expect((await readKeyHistoryPage(store, KEY, 100, null, 'log')).events.map((e) => e.id).slice(5, 7)).toEqual(['u3', 'u4']);
    }
  });

  it('takes a cursor of the form before the end was carried (<lifecycle>.<usage>): its page fixes the end', async () => {
    const events = log();
    const store = usedByEveryPage(events);
    const second = await readKeyHistoryPage(store, KEY, 1, { lifecycle: 1, usage: 0 }, 'log');
    expect(second.events.map((e) => e.id)).toEqual(['u0']);
    expect(second.next).toEqual({ lifecycle: 1, usage: 1, end: 5 });
    const listed = [];
    for (let cursor = second.next, pages = 0; cursor; pages++) {
      expect(pages).toBeLessThan(10);
      const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, 1, cursor, 'log');
      listed.push(...page.events.map((e) => e.id));
      cursor = page.next;
    }
    expect(listed).toEqual(['u1', 'l1', 'u2']);
  });

  it('lists a newer version\'s use that has no usedAt at the time it was logged, in its place, never at "undefined"', async () => {
    const events = log();
    // KeyUsed 2 of a newer version: its time moved to another field. Logged at 0:05, after the revocation (0:04).
    events[4] = { ...events[4], schemaVersion: 2, data: { at: at(3) } };
    const page = await readKeyHistoryPage(storeOf(events), KEY, 10, HISTORY_START);
    expect(page.events.map((e) => [e.id, presentHistoryEvent(e).time])).toEqual([
      ['l0', at(0)],
      ['u0', at(1)],
      ['u1', at(2)],
      ['l1', at(4)],
      ['u2', at(5)],
    ]);
  });

  it('breaks a tie in time by log position', async () => {
    const events = log();
    events[1].data.usedAt = events[0].recordedAt;
    expect(await readAll(storeOf(events), 1)).toEqual(['l0', 'u0', 'u1', 'u2', 'l1']);
  });

  it('never skips a use whose time is earlier than the one before it in its stream (several instances appending)', async () => {
    const events = log();
    events[2].data.usedAt = at(0);
    const listed = await readAll(storeOf(events), 1);
    expect([...listed].sort()).toEqual(['l0', 'l1', 'u0', 'u1', 'u2']);
  });

  /**
   * Two instances' usage batches: B's, appended first, holds a use made after the revocation (B had not applied it
   * yet); A's, appended after it, holds uses made before the revocation.
   */
  function twoInstances(): RecordedEvent[] {
    let position = 0;
    const lifecycle = (type: string, revision: number, second: number): RecordedEvent => ({
      id: `l${revision}`, streamId: apiKeyStreamId(KEY), type, schemaVersion: 1, data: {}, metadata: {}, revision, position: ++position, recordedAt: at(second),
    });
    const use = (revision: number, usedSecond: number): RecordedEvent => ({
      id: `u${revision}`, streamId: keyUsageStreamId(KEY), type: KEY_USED, schemaVersion: 1, data: { usedAt: at(usedSecond) }, metadata: {}, revision, position: ++position, recordedAt: at(usedSecond),
    });
    return [lifecycle('KeyCreated', 0, 0), use(0, 5), use(1, 11), lifecycle('KeyRevoked', 1, 10), use(2, 6), use(3, 9)];
  }

  it('lists a page by time although the uses of two instances are not in time order in their stream', async () => {
    expect(await readAll(storeOf(twoInstances()), 10)).toEqual(['l0', 'u0', 'u2', 'u3', 'l1', 'u1']);
  });

  it.each([1, 2, 3, 4])('lists the uses made before a revocation before it, behind a later use of another batch (pages of %i)', async (limit) => {
    const listed = await readAll(storeOf(twoInstances()), limit);
    expect([...listed].sort()).toEqual(['l0', 'l1', 'u0', 'u1', 'u2', 'u3']);
    for (const before of ['u0', 'u2', 'u3']) expect(listed.indexOf(before)).toBeLessThan(listed.indexOf('l1'));
  });

  it('pages exactly, each page in order, over logs of interleaved usage batches (seeded)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const next = seededRandom(seed);
      const events: RecordedEvent[] = [];
      let [position, lifecycleRevision, usageRevision, clock] = [0, 0, 0, 0];
      for (let step = 0; step < 30; step++) {
        clock += Math.floor(next() * 3);
        if (next() < 0.2) {
          events.push({ id: `l${lifecycleRevision}`, streamId: apiKeyStreamId(KEY), type: 'KeyUpdated', schemaVersion: 1, data: {}, metadata: {}, revision: lifecycleRevision++, position: ++position, recordedAt: at(clock) });
        } else {
          // A batch of uses made up to 4 s back, in order within the batch, as one instance appends them.
          const from = Math.max(0, clock - Math.floor(next() * 5));
          for (let i = 0, n = 1 + Math.floor(next() * 3); i < n; i++) {
            const usedAt = at(Math.min(clock, from + i));
            events.push({ id: `u${usageRevision}`, streamId: keyUsageStreamId(KEY), type: KEY_USED, schemaVersion: 1, data: { usedAt }, metadata: {}, revision: usageRevision++, position: ++position, recordedAt: at(clock) });
          }
        }
      }
      const store = storeOf(events);
      for (const order of ['occurred', 'log'] as const) {
        const everything = (await readKeyHistoryPage(store, KEY, 1000, HISTORY_START, order)).events;
        expect(everything.map((e) => e.id)).toEqual([...events].sort((a, b) => compareInHistory(order, a, b)).map((e) => e.id));
        for (const limit of [1, 2, 3, 7]) {
          const listed: string[] = [];
          let cursor: KeyHistoryCursor | null = HISTORY_START;
          while (cursor) {
            const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, cursor, order);
            expect(page.events).toEqual([...page.events].sort((a, b) => compareInHistory(order, a, b)));
            listed.push(...page.events.map((e) => e.id));
            cursor = page.next;
          }
          expect([...listed].sort()).toEqual(events.map((e) => e.id).sort());
          if (order === 'log') expect(listed).toEqual(everything.map((e) => e.id));
        }
      }
    }
  });

  /**
   * Events whose times are far from log order: uses of instances whose clocks are up to an hour apart, each batch
   * logged up to an hour late (an outage), and lifecycle events dated by the deciding instance's clock (an expiry
   * logged late with its instant, a change from an instance behind), all in one log.
   */
  function farFromLogOrder(next: () => number): RecordedEvent[] {
    const HOUR = 3600;
    const offsets = [0, Math.round((next() - 0.5) * 2 * HOUR), Math.round((next() - 0.5) * 2 * HOUR)];
    const events: RecordedEvent[] = [];
    let [position, lifecycleRevision, usageRevision, clock] = [0, 0, 0, 0];
    const lifecycle = (type: string, second: number) =>
      events.push({ id: `l${lifecycleRevision}`, streamId: apiKeyStreamId(KEY), type, schemaVersion: 1, data: { [type === 'KeyCreated' ? 'createdAt' : 'updatedAt']: at(second) }, metadata: {}, revision: lifecycleRevision++, position: ++position, recordedAt: at(clock) });
    lifecycle('KeyCreated', clock + offsets[Math.floor(next() * 3)]);
    for (let step = 0, steps = 10 + Math.floor(next() * 30); step < steps; step++) {
      clock += Math.floor(next() * 600);
      if (next() < 0.2) lifecycle('KeyUpdated', clock + offsets[Math.floor(next() * 3)]);
      else {
        const offset = offsets[Math.floor(next() * 3)];
        const late = next() < 0.2 ? Math.floor(next() * HOUR) : Math.floor(next() * 60);
        for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++) {
          events.push({ id: `u${usageRevision}`, streamId: keyUsageStreamId(KEY), type: KEY_USED, schemaVersion: 1, data: { usedAt: at(clock - late + offset + i) }, metadata: {}, revision: usageRevision++, position: ++position, recordedAt: at(clock) });
        }
      }
    }
    return events;
  }

  it('never skips or repeats an event at any page size, however far the times are from log order (seeded: clocks an hour apart, uses logged an hour late)', async () => {
    for (let seed = 1; seed <= 15; seed++) {
      const events = farFromLogOrder(seededRandom(seed));
      const store = storeOf(events);
      for (const order of ['occurred', 'log'] as const) {
        const unpaged = (await readKeyHistoryPage(store, KEY, events.length + 1, HISTORY_START, order)).events.map((e) => e.id);
        expect(unpaged).toEqual([...events].sort((a, b) => compareInHistory(order, a, b)).map((e) => e.id));
        const limits = [...Array.from({ length: 25 }, (_, i) => i + 1), 50, 99, 100, Math.ceil(events.length / 2), events.length, events.length + 1];
        for (const limit of limits) {
          const listed: string[] = [];
          let cursor: KeyHistoryCursor | null = HISTORY_START;
          for (let pages = 0; cursor; pages++) {
            expect(pages).toBeLessThanOrEqual(events.length);
            const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, cursor, order);
            const ids = page.events.map((e) => e.id);
            expect(ids.length).toBeGreaterThan(0);
            expect(ids).toEqual([...page.events].sort((a, b) => compareInHistory(order, a, b)).map((e) => e.id));
            listed.push(...ids);
            cursor = page.next;
          }
          // Every event exactly once, whatever the page size: the concatenation is a permutation of the unpaged list.
          expect({ seed, order, limit, listed: [...listed].sort() }).toEqual({ seed, order, limit, listed: [...unpaged].sort() });
          if (order === 'log') expect(listed).toEqual(unpaged);
          // Newest first: each page newest first, every event once, and in log order the exact reverse.
          const back: string[] = [];
          let before: KeyHistoryCursor | null = null;
          for (let pages = 0, first = true; first || before; pages++, first = false) {
            expect(pages).toBeLessThanOrEqual(events.length);
            const page: KeyHistoryPage = await readKeyHistoryPage(store, KEY, limit, before, order, 'newest_first');
            expect(page.events.length).toBeGreaterThan(0);
            expect(page.events).toEqual([...page.events].sort((a, b) => compareInHistory(order, b, a)));
            back.push(...page.events.map((e) => e.id));
            before = page.next;
          }
          expect({ seed, order, limit, back: [...back].sort() }).toEqual({ seed, order, limit, back: [...unpaged].sort() });
          if (order === 'log') expect(back).toEqual([...unpaged].reverse());
        }
      }
    }
  });
});
