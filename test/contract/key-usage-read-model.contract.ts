import { randomUUID } from 'node:crypto';
import type { KeyUsageReadModel } from '../../src/usage/projection/key-usage-read-model.port.js';
import type { KeyUsageSummaryEntry, KeyUsageView } from '../../src/usage/projection/key-usage-view.js';
import { usageInWindows } from '../../src/keys/queries/list-api-keys/usage-in-windows.js';
import { makeView } from '../support/api-key-view.js';

export interface KeyUsageReadModelFixture {
  readModel: KeyUsageReadModel;
  /** Stores a view as a version before the `refused` count did (a store kept across versions has them). */
  saveWithoutRefused?(view: Omit<KeyUsageView, 'refused'>): Promise<void>;
  cleanup(): Promise<void>;
}

function makeUsage(overrides: Partial<KeyUsageView> = {}): KeyUsageView {
  return {
    keyId: randomUUID(),
    accountId: 'acct_a',
    accepted: 3,
    rateLimited: 1,
    refused: 2,
    firstUsedAt: '2026-01-01T00:00:00.000Z',
    lastUsedAt: '2026-01-01T01:30:00.000Z',
    lastIp: '203.0.113.7',
    lastUserAgent: null,
    hourly: [
      { hour: '2026-01-01T00:00:00.000Z', count: 2 },
      { hour: '2026-01-01T01:00:00.000Z', count: 4 },
    ],
    revision: 3,
    countedFrom: 0,
    countedBeforeGap: null,
    archive: null,
    ...overrides,
  };
}

async function allOf(readModel: KeyUsageReadModel): Promise<KeyUsageSummaryEntry[]> {
  const entries: KeyUsageSummaryEntry[] = [];
  for await (const batch of readModel.allSummaries()) entries.push(...batch);
  return entries;
}

/** Behaviour every key usage read model adapter must have. Each fixture starts empty. */
export function keyUsageReadModelContract(name: string, open: () => Promise<KeyUsageReadModelFixture>): void {
  describe(`KeyUsageReadModel contract: ${name}`, () => {
    let fixture: KeyUsageReadModelFixture;
    let readModel: KeyUsageReadModel;

    beforeEach(async () => {
      fixture = await open();
      readModel = fixture.readModel;
    });
    afterEach(async () => fixture.cleanup());

    it('starts empty, then returns saved views by key id with the checkpoint', async () => {
      expect(await readModel.getCheckpoint()).toBeNull();
      const usage = makeUsage();
      expect((await readModel.getMany([usage.keyId])).size).toBe(0);
      await readModel.save([usage], 5);
      expect((await readModel.getMany([usage.keyId, randomUUID()])).get(usage.keyId)).toEqual(usage);
      expect(await readModel.getCheckpoint()).toBe(5);
      await readModel.ping();
    });

    it("gives list --all the same usage from its passes over every summary as from looking each key up (usageInWindows)", async () => {
      const used = Array.from({ length: 30 }, (_, n) => makeUsage({ accepted: n, refused: n % 4, lastUsedAt: `2026-01-02T03:04:${String(n).padStart(2, '0')}.000Z` }));
      await readModel.save([...used, ...Array.from({ length: 40 }, () => makeUsage())], 9);
      if (fixture.saveWithoutRefused) {
        const { refused: _, ...old } = makeUsage();
        await fixture.saveWithoutRefused(old);
        used.push({ ...old, refused: 0 });
      }
      const views = [...used.map((usage) => makeView({ id: usage.keyId })), makeView({ id: randomUUID() })];
      const read = async (lookupMs: number) => {
        let clock = 0;
        const timed = { summaries: async (ids: readonly string[]) => ((clock += lookupMs * ids.length), readModel.summaries(ids)), allSummaries: () => readModel.allSummaries() };
        const batches = (async function* () {
          for (let from = 0; from < views.length; from += 7) yield views.slice(from, from + 7);
        })();
        const out = [];
        for await (const batch of usageInWindows(batches, timed, { window: 10, probe: 2, firstPassAfterMs: 1_000, now: () => clock })) out.push(...batch);
        return out;
      };
      // 1 s a key: passes for every window of 10 after the 2 probed; 0 ms: every key looked up.
      const fromPasses = await read(1_000);
      expect(fromPasses).toEqual(await read(0));
      expect(fromPasses.map(({ usage }) => usage?.accepted)).toEqual([...used.map((usage) => usage.accepted), undefined]);
    });

    it('answers the listing summaries of the keys it has, in any number, without the hourly series', async () => {
      const used = makeUsage({ accepted: 7, rateLimited: 2, refused: 5, lastUsedAt: '2026-01-02T03:04:05.678Z' });
      const others = Array.from({ length: 24 }, () => makeUsage());
      await readModel.save([used, ...others], 30);
      const unknown = randomUUID();
      const summaries = await readModel.summaries([unknown, used.keyId]);
      expect(summaries).toEqual(new Map([[used.keyId, { accepted: 7, rateLimited: 2, refused: 5, lastUsedAt: '2026-01-02T03:04:05.678Z' }]]));
      // Each page size asked again gives the same answers (the embedded store prepares one statement per size).
      for (const size of [1, 20, 21, 20, 1]) {
        const ids = others.slice(0, size).map((usage) => usage.keyId);
        const page = await readModel.summaries(ids);
        expect([...page.keys()].sort()).toEqual([...ids].sort());
        expect(page.get(ids[0])).toEqual({ accepted: 3, rateLimited: 1, refused: 2, lastUsedAt: '2026-01-01T01:30:00.000Z' });
      }
      expect((await readModel.summaries([])).size).toBe(0);
    });

    it('hands every view’s summary with its revision, in batches (over a page of 5,000 here), for loading the summary table', async () => {
      expect(await allOf(readModel)).toEqual([]);
      const views = Array.from({ length: 5003 }, (_, i) => makeUsage({ accepted: i, refused: i % 7, revision: i + 1 }));
      // Inserted where the store can (FerretDB upserts them one by one in minutes).
      if (readModel.insertNew) await readModel.insertNew(views);
      await readModel.save(readModel.insertNew ? [] : views, 5010);
      const entries = await allOf(readModel);
      expect(entries.sort((a, b) => a.revision - b.revision)).toEqual(
        views.map(({ keyId, accepted, rateLimited, refused, lastUsedAt, revision }) => ({ keyId, accepted, rateLimited, refused, lastUsedAt, revision })),
      );
    });

    it('replaces a view only with a higher revision and never moves the checkpoint back', async () => {
      const usage = makeUsage();
      const later = { ...usage, accepted: 4, refused: 3, lastIp: null, revision: 4 };
      await readModel.save([later], 9);
      await readModel.save([usage], 8);
      expect((await readModel.getMany([usage.keyId])).get(usage.keyId)).toEqual(later);
      expect(await readModel.getCheckpoint()).toBe(9);
    });

    it('reads a view stored before refusals were counted as having none, and counts on from it', async () => {
      if (!fixture.saveWithoutRefused) return;
      const { refused: _refused, countedFrom: _countedFrom, countedBeforeGap: _before, archive: _archive, ...old } = makeUsage({ revision: 3 });
      await fixture.saveWithoutRefused(old);
      // Nor were uses archived then: such a view counts every use of its stream.
      expect((await readModel.getMany([old.keyId])).get(old.keyId)).toEqual({ ...old, refused: 0, countedFrom: 0, countedBeforeGap: null, archive: null });
      expect((await readModel.summaries([old.keyId])).get(old.keyId)).toMatchObject({ refused: 0 });
      expect((await allOf(readModel)).find((entry) => entry.keyId === old.keyId)).toMatchObject({ refused: 0 });
      await readModel.save([{ ...old, refused: 1, revision: 4 }], 4);
      expect((await readModel.summaries([old.keyId])).get(old.keyId)).toMatchObject({ refused: 1 });
    });

    it('keeps where a view counts from, what it counted before a gap, and the last archive of its uses', async () => {
      const countedBeforeGap = {
        accepted: 2,
        rateLimited: 0,
        refused: 1,
        firstUsedAt: '2026-01-01T00:00:00.000Z',
        lastUsedAt: '2026-01-01T00:10:00.000Z',
        lastIp: null,
        lastUserAgent: 'ua',
        hourly: [{ hour: '2026-01-01T00:00:00.000Z', count: 3 }],
      };
      const usage = makeUsage({ countedFrom: 41, countedBeforeGap, archive: { before: '2026-01-01T00:00:00.000Z', throughRevision: 40, revision: 45 }, revision: 44 });
      await readModel.save([usage], 7);
      expect((await readModel.getMany([usage.keyId])).get(usage.keyId)).toEqual(usage);
      const complete = { ...usage, countedFrom: 0, countedBeforeGap: null, accepted: 90, revision: 45 };
      await readModel.save([complete], 8);
      expect((await readModel.getMany([usage.keyId])).get(usage.keyId)).toEqual(complete);
    });

    it('resets to empty for a rebuild', async () => {
      const usage = makeUsage();
      await readModel.save([usage], 2);
      await readModel.reset();
      expect(await readModel.getCheckpoint()).toBeNull();
      expect((await readModel.getMany([usage.keyId])).size).toBe(0);
    });
  });
}
