import type { EventStore, RecordedEvent, StreamPage } from '../../../shared/event-store/event-store.port.js';
import { KEY_USED, keyUsageStreamId } from '../../../usage/domain/key-used.js';
import { KeyNotFound } from '../../domain/api-key-errors.js';
import { apiKeyStreamId } from '../../domain/api-key-events.js';
import { GetApiKeyHistoryHandler } from './get-api-key-history.handler.js';
import { GetApiKeyHistoryQuery } from './get-api-key-history.query.js';

const KEY = '6f1c2a4e-0000-4000-8000-000000000002';
const ACCOUNT = 'acme';

/** A key created, updated and revoked, with three uses; every lifecycle event names its account, as stored. */
function history(): RecordedEvent[] {
  let position = 0;
  const event = (streamId: string, type: string, revision: number): RecordedEvent => ({
    id: `${type}${revision}`, streamId, type, schemaVersion: 1, data: { keyId: KEY, accountId: ACCOUNT, usedAt: '2026-01-01T00:00:00.000Z' },
    metadata: {}, revision, position: ++position, recordedAt: '2026-01-01T00:00:00.000Z',
  });
  const [lifecycle, usage] = [apiKeyStreamId(KEY), keyUsageStreamId(KEY)];
  return [
    event(lifecycle, 'KeyCreated', 0), event(usage, KEY_USED, 0), event(lifecycle, 'KeyUpdated', 1),
    event(usage, KEY_USED, 1), event(usage, KEY_USED, 2), event(lifecycle, 'KeyRevoked', 2),
  ];
}

/** The store's stream reads, counted by stream. */
function countingStore(events: RecordedEvent[]): { store: EventStore; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const store = {
    headPosition: async () => events.at(-1)?.position ?? null,
    readStream: async (streamId: string, page: StreamPage = {}) => {
      reads.set(streamId, (reads.get(streamId) ?? 0) + 1);
      const stream = events.filter((e) => e.streamId === streamId);
      return page.direction === 'backwards'
        ? stream.filter((e) => e.revision <= (page.fromRevision ?? Infinity)).reverse().slice(0, page.maxCount ?? Infinity)
        : stream.filter((e) => e.revision >= (page.fromRevision ?? 0)).slice(0, page.maxCount ?? Infinity);
    },
  } as unknown as EventStore;
  return { store, reads };
}

describe('GetApiKeyHistoryHandler', () => {
  it.each(['newest_first', 'oldest_first'] as const)('reads the lifecycle stream once for a first page (%s): the account is checked on what the page read', async (direction) => {
    const { store, reads } = countingStore(history());
    const page = await new GetApiKeyHistoryHandler(store).execute(new GetApiKeyHistoryQuery(ACCOUNT, KEY, 2, null, 'log', direction));
    expect(page.events.map((e) => e.id)).toEqual(direction === 'newest_first' ? ['KeyRevoked2', 'KeyUsed2'] : ['KeyCreated0', 'KeyUsed0']);
    expect(Object.fromEntries(reads)).toEqual({ [apiKeyStreamId(KEY)]: 1, [keyUsageStreamId(KEY)]: 1 });
  });

  it('checks the account on the creation when the page read no lifecycle event (a cursor past them)', async () => {
    const { store, reads } = countingStore(history());
    const page = await new GetApiKeyHistoryHandler(store).execute(new GetApiKeyHistoryQuery(ACCOUNT, KEY, 2, { lifecycle: 3, usage: 1 }, 'log'));
    expect(page.events.map((e) => e.id)).toEqual(['KeyUsed1', 'KeyUsed2']);
    expect(reads.get(apiKeyStreamId(KEY))).toBe(2);
    await expect(new GetApiKeyHistoryHandler(store).execute(new GetApiKeyHistoryQuery('other', KEY, 2, { lifecycle: 3, usage: 1 }))).rejects.toBeInstanceOf(KeyNotFound);
  });

  it.each(['newest_first', 'oldest_first'] as const)('answers another account, and a key that does not exist, as unknown (%s)', async (direction) => {
    const { store } = countingStore(history());
    const handler = new GetApiKeyHistoryHandler(store);
    await expect(handler.execute(new GetApiKeyHistoryQuery('other', KEY, 50, null, 'occurred', direction))).rejects.toBeInstanceOf(KeyNotFound);
    const absent = '6f1c2a4e-0000-4000-8000-000000000003';
    await expect(handler.execute(new GetApiKeyHistoryQuery(ACCOUNT, absent, 50, null, 'occurred', direction))).rejects.toBeInstanceOf(KeyNotFound);
  });

  it("does not take the account from a lifecycle event of a kind this version does not know", async () => {
    const events = history();
    events[5] = { ...events[5], type: 'KeyTransferred', data: { accountId: 'other' } };
    const { store } = countingStore(events);
    const page = await new GetApiKeyHistoryHandler(store).execute(new GetApiKeyHistoryQuery(ACCOUNT, KEY, 1, null, 'log', 'newest_first'));
    expect(page.events.map((e) => e.type)).toEqual(['KeyTransferred']);
  });
});
