import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import type { EventStore, RecordedEvent, StreamPage } from '../../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { applyToKeyUsageView, type KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { issueKey } from '../../../../test/support/issued-key.js';
import { seededRandom } from '../../../../test/support/seeded-random.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { LOGGED_LATE_MARGIN_MS, USAGE_PAGE } from './key-usage-pages.js';
import { replayKeyAsOf, replayKeyUsage } from './replay-key-as-of.js';

const KEY = 'k1';
const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const MINUTE = 60_000;

/** A log of one key (created at T0) with `uses` given as [usedAt, recordedAt] in log order; counts the usage pages read. */
function logOf(uses: readonly (readonly [number, number])[]) {
  const lifecycle: RecordedEvent[] = [
    recorded(apiKeyStreamId(KEY), 0, 'KeyCreated', T0, {
      keyId: KEY,
      accountId: 'acme',
      name: 'k',
      prefix: 'sk_0123456789ab',
      secretHash: 'ab'.repeat(32),
      rateLimit: { requests: 100, perSeconds: 60 },
      createdAt: new Date(T0).toISOString(),
      actingKeyId: null,
    }),
  ];
  const usage = uses.map(([usedAt, recordedAt], revision) =>
    recorded(keyUsageStreamId(KEY), revision, 'KeyUsed', recordedAt, {
      keyId: KEY,
      accountId: 'acme',
      usedAt: new Date(usedAt).toISOString(),
      requestId: `req_${revision}`,
      ip: `192.0.2.${revision % 7}`,
      userAgent: `agent ${revision % 3}`,
      method: 'GET',
      path: '/v1/parses',
      outcome: (['accepted', 'accepted', 'rate_limited', 'refused'] as const)[revision % 4],
    }),
  );
  const pagesRead = { count: 0 };
  const store = {
    async readStream(streamId: string, page: StreamPage = {}) {
      const stream = streamId === apiKeyStreamId(KEY) ? lifecycle : streamId === keyUsageStreamId(KEY) ? usage : [];
      if (stream === usage) pagesRead.count++;
      const from = page.fromRevision ?? 0;
      return stream.slice(from, from + (page.maxCount ?? stream.length));
    },
  } as unknown as EventStore;
  return { store, usage, pagesRead };
}

function recorded(streamId: string, revision: number, type: string, recordedAt: number, data: Record<string, unknown>): RecordedEvent {
  return { id: `${streamId}/${revision}`, streamId, type, schemaVersion: 1, data, metadata: {}, revision, position: revision, recordedAt: new Date(recordedAt).toISOString() };
}

/** What as_of answered before it was bounded: every use of the stream made by `until`, folded in log order. */
function foldedAsOf(usage: readonly RecordedEvent[], until: number, upTo = usage.length): KeyUsageView | undefined {
  let view: KeyUsageView | undefined;
  for (const event of usage.slice(0, upTo)) if (Date.parse(event.data.usedAt as string) <= until) view = applyToKeyUsageView(view, event);
  return view;
}

/** A read model holding the view the projection had folded up to `upTo` uses (none when 0). */
function viewsAt(usage: readonly RecordedEvent[], upTo: number) {
  const view = foldedAsOf(usage, Infinity, upTo);
  // A copy each time, as a read model's store gives: the replay must not change what the projection keeps.
  return { getMany: async () => new Map(view ? [[KEY, structuredClone(view)]] : []) };
}

describe('replayKeyAsOf', () => {
  const later = new Date(Date.now() + 60_000);

  it("replays a key of the account with its uses, and reads no use of another account's key", async () => {
    const store = new InMemoryEventStore();
    const keyId = await issueKey(store, 'acme');
    const reads = jest.spyOn(store, 'readStream');

    const found = await replayKeyAsOf(store, 'acme', keyId, later);
    expect(found?.view).toMatchObject({ id: keyId, accountId: 'acme' });
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([apiKeyStreamId(keyId), keyUsageStreamId(keyId)]);

    reads.mockClear();
    expect(await replayKeyAsOf(store, 'globex', keyId, later)).toBeNull();
    // The usage stream may be long: reading it only for another account would time that account's key.
    expect(reads.mock.calls.map(([stream]) => stream)).toEqual([apiKeyStreamId(keyId)]);
  });

  it('stops reading the usage stream after a page whose every use was made and logged well after as_of', async () => {
    // 10 pages of uses a minute apart, each logged a second after it was made.
    const { store, usage, pagesRead } = logOf(Array.from({ length: 10 * USAGE_PAGE }, (_, i) => [T0 + (i + 1) * MINUTE, T0 + (i + 1) * MINUTE + 1000] as const));
    const until = T0 + 2500 * MINUTE;

    const found = await replayKeyAsOf(store, 'acme', KEY, new Date(until));
    expect(found?.usage).toEqual(foldedAsOf(usage, until));
    expect(found?.usage?.accepted).toBeGreaterThan(0);
    // Page 3 holds as_of; page 4's uses were all made and logged more than the margin after it.
    expect(pagesRead.count).toBe(4);
  });

  it('reads on past a page of uses made after as_of but logged within the margin, and past a page logged late but made before', async () => {
    const margin = LOGGED_LATE_MARGIN_MS;
    const until = T0 + 10 * MINUTE;
    const uses: [number, number][] = [
      // A page made after as_of + margin but logged (by the log's clock) within it: another instance may log one made by as_of next.
      ...Array.from({ length: USAGE_PAGE }, () => [until + margin + MINUTE, until + 1000] as [number, number]),
      // A page logged late (an outage) but made by as_of.
      ...Array.from({ length: USAGE_PAGE }, () => [until - MINUTE, until + margin + MINUTE] as [number, number]),
      [until - 2 * MINUTE, until + margin + MINUTE],
    ];
    const { store, usage, pagesRead } = logOf(uses);
    const found = await replayKeyAsOf(store, 'acme', KEY, new Date(until));
    expect(found?.usage).toEqual(foldedAsOf(usage, until));
    expect(found?.usage?.accepted).toBeGreaterThan(USAGE_PAGE / 2);
    expect(pagesRead.count).toBe(3);
  });

  it('answers an as_of at or after the last use from the usage view, reading only the uses it has not folded yet', async () => {
    const { store, usage, pagesRead } = logOf(Array.from({ length: 5 * USAGE_PAGE }, (_, i) => [T0 + (i + 1) * 1000, T0 + (i + 1) * 1000 + 50] as const));
    const found = await replayKeyAsOf(store, 'acme', KEY, new Date('2030-01-01T00:00:00Z'), { usageViews: viewsAt(usage, usage.length) });
    expect(found?.usage).toEqual(foldedAsOf(usage, Infinity));
    expect(pagesRead.count).toBe(1);
  });

  it('answers as the whole replay did at every instant, whatever the usage view has folded (property over a seeded log)', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const random = seededRandom(seed);
      // Two instances flushing a batch every few seconds: batches interleave out of time order by up to a flush.
      const uses: [number, number][] = [];
      let flushedAt = T0 + MINUTE;
      while (uses.length < 2.5 * USAGE_PAGE) {
        flushedAt += Math.floor(random() * 5000) + (random() < 0.05 ? 3 * LOGGED_LATE_MARGIN_MS : 0);
        const batch = Math.floor(random() * 120) + 1;
        for (let i = 0; i < batch; i++) uses.push([flushedAt - Math.floor(random() * 8000), flushedAt]);
      }
      const { store, usage } = logOf(uses);
      const folds = [0, Math.floor(random() * usage.length), usage.length - 1, usage.length].map((folded) => ({ folded, usageViews: viewsAt(usage, folded) }));
      const first = uses[0][0];
      const last = Math.max(...uses.map(([usedAt]) => usedAt));
      const instants = [T0, first - 1, first, last, last + 1, Date.parse('2030-01-01T00:00:00Z'), ...Array.from({ length: 8 }, () => first + Math.floor(random() * (last - first)))];
      for (const until of instants) {
        const expected = foldedAsOf(usage, until);
        for (const { folded, usageViews } of folds) {
          const found = await replayKeyAsOf(store, 'acme', KEY, new Date(until), { usageViews });
          expect({ seed, until, folded, usage: found?.usage }).toEqual({ seed, until, folded, usage: expected });
        }
      }
    }
  });

  it('gives up past its deadline rather than read on', async () => {
    const { store } = logOf(Array.from({ length: 3 * USAGE_PAGE }, (_, i) => [T0 + i, T0 + i] as const));
    await expect(replayKeyUsage(store, KEY, Infinity, { deadline: performance.now() - 1 })).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
