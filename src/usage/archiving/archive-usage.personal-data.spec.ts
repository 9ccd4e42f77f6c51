import { jest } from '@jest/globals';
import { InMemoryEventStore } from '../../infrastructure/in-memory/in-memory-event-store.js';
import { InMemoryUsageArchives } from '../../infrastructure/in-memory/in-memory-usage-archives.js';
import type { EventStore, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { keyUsageStreamId } from '../domain/key-used.js';
import { USAGE_ARCHIVED } from '../domain/usage-archived.js';
import { applyToKeyUsageView, type KeyUsageView } from '../projection/key-usage-view.js';
import { archiveUsage } from './archive-usage.js';

/*
 * docs/personal-data.md: a use's client address and user agent are kept as long as the use is. Until 2026-12-07 an
 * archive run moved the uses out of the log but kept the last one's address and user agent in the UsageArchived event
 * (never archived while the key is not used again) and in the key's usage view (last_ip, last_user_agent) for good.
 */
const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

async function useAt(store: EventStore, at: number, keyId: string, ip: string, userAgent: string): Promise<void> {
  jest.setSystemTime(at);
  const data = { keyId, accountId: 'acme', usedAt: new Date(at).toISOString(), requestId: 'r', ip, userAgent, method: 'GET', path: '/v1/x', outcome: 'accepted' };
  await store.appendToStream(keyUsageStreamId(keyId), [{ type: 'KeyUsed', schemaVersion: 1, data }], 'any');
}

const fold = (events: RecordedEvent[], start?: KeyUsageView) => events.reduce<KeyUsageView | undefined>(applyToKeyUsageView, start);

describe('archiveUsage and personal data', () => {
  let store: InMemoryEventStore;

  beforeEach(async () => {
    jest.useFakeTimers({ now: T0, doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    store = new InMemoryEventStore();
    // old: used on days 0 and 1 only; busy: days 0, 1 and 20 (after the cut).
    await useAt(store, T0, 'old', '203.0.113.1', 'ua-old-0');
    await useAt(store, T0 + DAY_MS, 'old', '203.0.113.2', 'ua-old-1');
    await useAt(store, T0, 'busy', '198.51.100.1', 'ua-busy-0');
    await useAt(store, T0 + DAY_MS, 'busy', '198.51.100.2', 'ua-busy-1');
    await useAt(store, T0 + 20 * DAY_MS, 'busy', '198.51.100.3', 'ua-busy-20');
  });

  afterEach(() => jest.useRealTimers());

  it('keeps no address or user agent of an archived use: not in the UsageArchived event, not in a view that saw the use, not in a rebuilt one', async () => {
    const seen = { old: fold(await store.readStream(keyUsageStreamId('old'))), busy: fold(await store.readStream(keyUsageStreamId('busy'))) };
    expect(seen.old).toMatchObject({ lastIp: '203.0.113.2', lastUserAgent: 'ua-old-1' });

    await archiveUsage(store, new InMemoryUsageArchives(), { before: new Date(T0 + 5 * DAY_MS), now: new Date(T0 + 30 * DAY_MS) });

    const old = await store.readStream(keyUsageStreamId('old'));
    expect(old.map((event) => event.type)).toEqual([USAGE_ARCHIVED]);
    expect(JSON.stringify(old)).not.toMatch(/203\.0\.113|ua-old/);
    const busy = await store.readStream(keyUsageStreamId('busy'));
    expect(JSON.stringify(busy.filter((event) => event.type === USAGE_ARCHIVED))).not.toMatch(/198\.51\.100|ua-busy/);

    // A read model that saw the uses folds the archive; one rebuilt from the log folds what is left.
    const afterSeen = { old: fold(old, seen.old), busy: fold(busy, seen.busy) };
    const rebuilt = { old: fold(old), busy: fold(busy) };
    for (const view of [afterSeen.old, rebuilt.old]) {
      expect(view).toMatchObject({ accepted: 2, lastUsedAt: new Date(T0 + DAY_MS).toISOString(), lastIp: null, lastUserAgent: null });
    }
    // The use after the cut is still in the log: its address stays, with it.
    for (const view of [afterSeen.busy, rebuilt.busy]) {
      expect(view).toMatchObject({ accepted: 3, lastIp: '198.51.100.3', lastUserAgent: 'ua-busy-20' });
    }
  });

  it('does not bring back the address an archive written before 2026-12-07 carries in its totals', () => {
    const archive = {
      type: USAGE_ARCHIVED,
      schemaVersion: 1,
      revision: 2,
      data: {
        keyId: 'k',
        accountId: 'acme',
        archivedAt: '2026-03-20T00:00:00.000Z',
        before: '2026-03-10T00:00:00.000Z',
        throughRevision: 1,
        events: 2,
        file: 'a.jsonl.gz',
        fileSha256: 'f'.repeat(64),
        totals: {
          accepted: 2, rateLimited: 0, refused: 0, firstUsedAt: '2026-03-01T00:00:00.000Z', lastUsedAt: '2026-03-02T00:00:00.000Z',
          lastIp: '203.0.113.2', lastUserAgent: 'ua-old-1', hourly: [{ hour: '2026-03-02T00:00:00.000Z', count: 1 }],
        },
      },
    } as unknown as RecordedEvent;
    expect(fold([archive])).toMatchObject({ accepted: 2, lastIp: null, lastUserAgent: null });
  });
});
