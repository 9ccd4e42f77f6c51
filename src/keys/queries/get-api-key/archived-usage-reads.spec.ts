import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryKeyUsageReadModel } from '../../../infrastructure/in-memory/in-memory-key-usage-read-model.js';
import { InMemoryUsageArchives } from '../../../infrastructure/in-memory/in-memory-usage-archives.js';
import { archiveUsage } from '../../../usage/archiving/archive-usage.js';
import { keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { applyToKeyUsageView, type KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { readKeyUsesInLog } from '../../commands/expire-api-keys/key-uses-in-log.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { AsOfArchived, replayKeyAsOf, replayKeyUsage, UsageArchiveMissing } from './replay-key-as-of.js';
import { trafficSinceRoll } from './traffic-since-roll.js';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const KEY = 'k1';

/**
 * A key created at T0 and used once a day for 20 days, the first 10 days' uses archived out of the log; with `cutShort`,
 * a run killed during its removal, which takes them newest first: the log holds days 0–4, 10–19 and the archive.
 */
async function archivedKey(cutShort = false) {
  jest.setSystemTime(T0);
  const store = new InMemoryEventStore();
  const created = { keyId: KEY, accountId: 'acme', name: 'k', prefix: 'sk_0123456789ab', secretHash: 'ab'.repeat(32), rateLimit: { requests: 100, perSeconds: 60 }, createdAt: new Date(T0).toISOString(), actingKeyId: null };
  await store.appendToStream(apiKeyStreamId(KEY), [{ type: 'KeyCreated', schemaVersion: 1, data: created }], 'no_stream');
  for (let day = 0; day < 20; day++) {
    jest.setSystemTime(T0 + day * DAY_MS + 3_600_000);
    const data = { keyId: KEY, accountId: 'acme', usedAt: new Date().toISOString(), requestId: `r${day}`, ip: '192.0.2.1', userAgent: 'ua', method: 'GET', path: '/v1/x', outcome: 'accepted' };
    await store.appendToStream(keyUsageStreamId(KEY), [{ type: 'KeyUsed', schemaVersion: 1, data }], 'any');
  }
  const whole = await replayKeyUsage(store, KEY);
  jest.setSystemTime(T0 + 30 * DAY_MS);
  const removal = cutShort ? jest.spyOn(store, 'removeStreamStart').mockRejectedValueOnce(new Error('killed')) : null;
  await archiveUsage(store, new InMemoryUsageArchives(), { before: new Date(T0 + 10 * DAY_MS), now: new Date() }).catch(() => undefined);
  removal?.mockRestore();
  if (cutShort) {
    const readStream = store.readStream.bind(store);
    const gone = (event: { revision: number }) => event.revision >= 5 && event.revision <= 9;
    store.readStream = async (streamId, page) => (await readStream(streamId, page)).filter((event) => streamId !== keyUsageStreamId(KEY) || !gone(event));
  }
  // The usage views as the projection leaves them, the archive folded.
  const views = new InMemoryKeyUsageReadModel();
  const view = (await store.readStream(keyUsageStreamId(KEY))).reduce<KeyUsageView | undefined>(applyToKeyUsageView, whole);
  await views.save([view!], 1);
  return { store, views, whole: whole! };
}

describe('reads of a usage stream whose start was archived', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('as_of at or after the last archived use starts from the archive; every use, from the whole stream', async () => {
    const { store, views, whole } = await archivedKey();
    expect((await store.readStream(keyUsageStreamId(KEY)))[0].revision).toBe(10);
    const atDay15 = await replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 15 * DAY_MS), { usageViews: views });
    expect(atDay15?.usage).toMatchObject({ accepted: 15, firstUsedAt: whole.firstUsedAt, lastUsedAt: new Date(T0 + 14 * DAY_MS + 3_600_000).toISOString() });
    const atLastArchived = await replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 9 * DAY_MS + 3_600_000), { usageViews: views });
    expect(atLastArchived?.usage).toMatchObject({ accepted: 10 });
    const all = await replayKeyUsage(store, KEY);
    expect(all).toMatchObject({ accepted: 20, firstUsedAt: whole.firstUsedAt, lastUsedAt: whole.lastUsedAt, hourly: whole.hourly });
  });

  it('counts the same after a run killed during its removal (the newest of the archived uses gone, the oldest held)', async () => {
    const { store, whole } = await archivedKey(true);
    expect((await store.readStream(keyUsageStreamId(KEY))).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, ...[...Array(11).keys()].map((i) => 10 + i)]);
    const none = new InMemoryKeyUsageReadModel();
    expect((await replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 15 * DAY_MS), { usageViews: none }))?.usage).toMatchObject({ accepted: 15, firstUsedAt: whole.firstUsedAt });
    await expect(replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 5 * DAY_MS), { usageViews: none })).rejects.toBeInstanceOf(AsOfArchived);
    expect(await replayKeyUsage(store, KEY)).toMatchObject({ accepted: 20, firstUsedAt: whole.firstUsedAt, lastUsedAt: whole.lastUsedAt, hourly: whole.hourly });
  });

  it('as_of among the archived uses is refused, naming the last one', async () => {
    const { store, views } = await archivedKey();
    const early = replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 5 * DAY_MS), { usageViews: views });
    await expect(early).rejects.toBeInstanceOf(AsOfArchived);
    await expect(early).rejects.toThrow(`as_of must be at or after its last archived use, ${new Date(T0 + 9 * DAY_MS + 3_600_000).toISOString()}`);
  });

  it('finds the archive in the stream where the usage views have not read it (just archived, rebuilt, the CLI on none)', async () => {
    const { store, views } = await archivedKey();
    const none = new InMemoryKeyUsageReadModel();
    const withViews = await replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 15 * DAY_MS), { usageViews: views });
    expect((await replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 15 * DAY_MS), { usageViews: none }))?.usage).toEqual(withViews?.usage);
    await expect(replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 5 * DAY_MS), { usageViews: none })).rejects.toBeInstanceOf(AsOfArchived);
    // A log whose first uses are gone with no archive of them (never so by archive-usage) is not answered as if complete.
    const archive = (await store.readStream(keyUsageStreamId(KEY))).find((event) => event.type === 'UsageArchived')!;
    await store.removeStreamStart(keyUsageStreamId(KEY), archive.revision + 1);
    jest.setSystemTime(T0 + 31 * DAY_MS);
    await store.appendToStream(keyUsageStreamId(KEY), [{ type: 'KeyUsed', schemaVersion: 1, data: { keyId: KEY, accountId: 'acme', usedAt: new Date().toISOString(), requestId: 'r', ip: null, userAgent: null, method: 'GET', path: '/v1/x', outcome: 'accepted' } }], 'any');
    await expect(replayKeyAsOf(store, 'acme', KEY, new Date(T0 + 31 * DAY_MS - 1), { usageViews: none })).rejects.toBeInstanceOf(UsageArchiveMissing);
  });

  it('the figures since a roll and the idle check count uses only, not the archive in the stream', async () => {
    const { store } = await archivedKey();
    const sinceRoll = await trafficSinceRoll(store, KEY, new Date(T0 + 12 * DAY_MS).toISOString(), null);
    expect(sinceRoll).toMatchObject({ uses: 8, lastUsedAt: new Date(T0 + 19 * DAY_MS + 3_600_000).toISOString(), addresses: ['192.0.2.1'] });
    const read = await readKeyUsesInLog(store, KEY, 0, 100);
    expect(read).toEqual({ lastUsedMs: T0 + 19 * DAY_MS + 3_600_000, throughRevision: 20, count: 10, atEnd: true });
  });
});
