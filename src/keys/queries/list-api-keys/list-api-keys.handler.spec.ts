import type { ApiKeyQueries } from '../../projection/api-key-read-model.port.js';
import type { ApiKeyView } from '../../projection/api-key-view.js';
import type { KeyUsageReadModel, KeyUsageSummaries } from '../../../usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummary, KeyUsageView } from '../../../usage/projection/key-usage-view.js';
import { ListApiKeysHandler } from './list-api-keys.handler.js';
import { ListApiKeysQuery } from './list-api-keys.query.js';

const key = { id: 'key_a', accountId: 'acct_a' } as unknown as ApiKeyView;
const keys = { list: async () => ({ views: [key], hasMore: false }) } as unknown as ApiKeyQueries;
// The summary table a moment behind the stored view: 1,500 uses counted there, 1,546 in the view.
const summary: KeyUsageSummary = { accepted: 1500, rateLimited: 0, refused: 0, lastUsedAt: '2026-12-06T15:55:43.000Z' };
const stored: KeyUsageView = {
  keyId: 'key_a',
  accountId: 'acct_a',
  accepted: 1546,
  rateLimited: 0,
  refused: 0,
  firstUsedAt: '2026-12-06T15:55:40.000Z',
  lastUsedAt: '2026-12-06T15:55:43.043Z',
  lastIp: null,
  lastUserAgent: null,
  hourly: [{ hour: '2026-12-06T15:00:00.000Z', count: 1546 }],
  revision: 1545,
};
const summaries: KeyUsageSummaries = { summaries: async () => new Map([['key_a', summary]]) };
const views = { getMany: async () => new Map([['key_a', stored]]), summaries: summaries.summaries } as unknown as KeyUsageReadModel;
const handler = new ListApiKeysHandler(keys, summaries, views);

describe('ListApiKeysHandler (the usage each listed key shows)', () => {
  it('counts a key with its hours from one view, so that its request_count and requests_per_hour agree', async () => {
    const listing = await handler.execute(new ListApiKeysQuery('acct_a', 20, null, null, new Date('2026-12-06T15:56:00.000Z'), true));
    const [{ usage, hourly }] = listing.keys;
    expect(hourly).toBe(stored);
    expect(usage?.accepted).toBe(1546);
    expect(usage?.lastUsedAt).toBe(stored.lastUsedAt);
  });

  it('reads the summary table alone when the hours are not asked', async () => {
    const listing = await handler.execute(new ListApiKeysQuery('acct_a', 20, null, null, new Date('2026-12-06T15:56:00.000Z'), false));
    expect(listing.keys[0]).toEqual({ view: key, usage: summary });
  });
});
