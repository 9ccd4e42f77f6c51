import { InMemoryKeyUsageReadModel } from '../../infrastructure/in-memory/in-memory-key-usage-read-model.js';
import { KeyUsageSummaryTable } from './key-usage-summary-table.js';
import { type KeyUsageSummaryEntry, type KeyUsageView, packSummaries } from './key-usage-view.js';

const view = (keyId: string, accepted: number, revision: number): KeyUsageView => ({
  keyId,
  accountId: 'acct_a',
  accepted,
  rateLimited: 0,
  refused: 0,
  firstUsedAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: `2026-01-01T00:00:${String(revision).padStart(2, '0')}.000Z`,
  lastIp: null,
  lastUserAgent: null,
  hourly: [],
  revision,
});
const entry = (keyId: string, accepted: number, revision: number): KeyUsageSummaryEntry => {
  const { lastUsedAt, rateLimited, refused } = view(keyId, accepted, revision);
  return { keyId, accepted, rateLimited, refused, lastUsedAt, revision };
};

describe('KeyUsageSummaryTable (the usage the listing shows, in the request thread’s memory)', () => {
  it('asks the views until it has loaded, then answers from memory alone', async () => {
    const views = new InMemoryKeyUsageReadModel();
    await views.save([view('a', 3, 3)], 3);
    const table = new KeyUsageSummaryTable(views);
    expect(await table.summaries(['a'])).toEqual(new Map([['a', { accepted: 3, rateLimited: 0, refused: 0, lastUsedAt: '2026-01-01T00:00:03.000Z' }]]));
    await table.load();
    views.summaries = async () => Promise.reject(new Error('store down'));
    expect((await table.summaries(['a', 'unknown'])).get('a')).toMatchObject({ accepted: 3 });
    expect((await table.summaries(['a', 'unknown'])).has('unknown')).toBe(false);
  });

  it('keeps the newer revision, whichever of the load and an update comes first', async () => {
    const views = new InMemoryKeyUsageReadModel();
    await views.save([view('a', 3, 3), view('b', 1, 1)], 3);
    const table = new KeyUsageSummaryTable(views);
    table.apply([entry('a', 5, 5), entry('c', 1, 1)]);
    await table.load();
    table.apply([entry('b', 0, 0), entry('b', 2, 2)]);
    const found = await table.summaries(['a', 'b', 'c']);
    expect([...found].map(([id, summary]) => `${id}=${summary.accepted}`)).toEqual(['a=5', 'b=2', 'c=1']);
    expect(table.size).toBe(3);
  });

  it('takes every field of a newer summary, and none of an older one', async () => {
    const table = new KeyUsageSummaryTable(new InMemoryKeyUsageReadModel());
    await table.load();
    table.apply([entry('a', 1, 1)]);
    table.apply([{ keyId: 'a', accepted: 7, rateLimited: 2, refused: 4, lastUsedAt: '2026-01-01T00:09:00.000Z', revision: 9 }]);
    table.apply([{ keyId: 'a', accepted: 8, rateLimited: 3, refused: 5, lastUsedAt: '2026-01-01T00:08:00.000Z', revision: 8 }]);
    expect((await table.summaries(['a'])).get('a')).toEqual({
      keyId: 'a',
      accepted: 7,
      rateLimited: 2,
      refused: 4,
      lastUsedAt: '2026-01-01T00:09:00.000Z',
      revision: 9,
    });
  });

  it('loads again after a failure, and gives up once the application closes', async () => {
    const views = new InMemoryKeyUsageReadModel();
    await views.save([view('a', 3, 3)], 3);
    const failures: number[] = [];
    const allSummaries = views.allSummaries.bind(views);
    let failing = 1;
    views.allSummaries = () => (failing-- > 0 ? (async function* () { throw new Error('store down'); })() : allSummaries());
    const table = new KeyUsageSummaryTable(views, (_error, retryInMs) => failures.push(retryInMs));
    await table.load();
    expect(failures).toEqual([500]);
    views.summaries = async () => Promise.reject(new Error('store down'));
    expect((await table.summaries(['a'])).get('a')).toMatchObject({ accepted: 3 });

    const closing = new KeyUsageSummaryTable({ ...views, allSummaries: () => (async function* () { throw new Error('store down'); })() } as never);
    const loading = closing.load();
    closing.onModuleDestroy();
    await loading;
  });

  it('takes packed summaries (as the projection thread sends them) like entries', async () => {
    const views = [view('a', 1, 1), view('b', 4, 4), { ...view('a', 7, 9), rateLimited: 2, refused: 3 }, view('a', 8, 8), view('c', 0, 0)];
    const fromEntries = new KeyUsageSummaryTable(new InMemoryKeyUsageReadModel());
    const fromPacked = new KeyUsageSummaryTable(new InMemoryKeyUsageReadModel());
    await Promise.all([fromEntries.load(), fromPacked.load()]);
    for (const batch of [views.slice(0, 2), views.slice(2)]) {
      fromEntries.apply(batch.map(({ keyId, accepted, rateLimited, refused, lastUsedAt, revision }) => ({ keyId, accepted, rateLimited, refused, lastUsedAt, revision })));
      fromPacked.applyPacked(packSummaries(batch));
    }
    const ids = ['a', 'b', 'c'];
    expect(await fromPacked.summaries(ids)).toEqual(await fromEntries.summaries(ids));
    expect((await fromPacked.summaries(ids)).get('a')).toEqual({ keyId: 'a', accepted: 7, rateLimited: 2, refused: 3, lastUsedAt: '2026-01-01T00:00:09.000Z', revision: 9 });
    expect(fromPacked.size).toBe(3);
  });
});
