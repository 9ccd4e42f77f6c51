import { randomUUID } from 'node:crypto';
import type { ApiKeyListAllQuery, ApiKeyListQuery, ApiKeyReadModel } from '../../src/keys/projection/api-key-read-model.port.js';
import { foldKeyName } from '../../src/keys/projection/key-search.js';
import type { ApiKeyView } from '../../src/keys/projection/api-key-view.js';
import { makeView } from '../support/api-key-view.js';

export interface ApiKeyReadModelFixture {
  readModel: ApiKeyReadModel;
  cleanup(): Promise<void>;
}

/** More views than one batch of allViews in any adapter (the SQLite one reads 5,000 a page). */
const MANY_VIEWS = 5001;

/** More keys of one account than a batch of listAll in any adapter (500) and two of its windows in the MongoDB pass spec. */
const LIST_ALL_VIEWS = 1300;

/** Every page of list() at `query`, `limit` a page, concatenated: what listAll must give. */
async function pagesOf(readModel: ApiKeyReadModel, accountId: string, query: ApiKeyListAllQuery, limit: number): Promise<ApiKeyView[]> {
  const views: ApiKeyView[] = [];
  for (let beforePosition = query.beforePosition; ; ) {
    const page = await readModel.list(accountId, { ...query, limit, ...(beforePosition === undefined ? {} : { beforePosition }) });
    views.push(...page.views);
    if (!page.hasMore) return views;
    beforePosition = page.views.at(-1)!.createdPosition;
  }
}

async function listAllOf(readModel: ApiKeyReadModel, accountId: string, query: ApiKeyListAllQuery): Promise<ApiKeyView[][]> {
  const batches: ApiKeyView[][] = [];
  for await (const batch of readModel.listAll(accountId, query)) batches.push(batch);
  return batches;
}

async function allOf(readModel: ApiKeyReadModel): Promise<ApiKeyView[]> {
  const views: ApiKeyView[] = [];
  for await (const batch of readModel.allViews()) views.push(...batch);
  return views;
}

/**
 * Behaviour every API key read model adapter must have. Each fixture starts empty.
 * insertsNew: the adapter has insertNew. atomicDocumentWrites: false for a server that cannot change one document
 * atomically (FerretDB 1.24), where writers racing on one view are not tested (they may leave an older revision).
 */
export function apiKeyReadModelContract(
  name: string,
  open: () => Promise<ApiKeyReadModelFixture>,
  options: { insertsNew?: boolean; atomicDocumentWrites?: boolean } = {},
): void {
  describe(`ApiKeyReadModel contract: ${name}`, () => {
    let fixture: ApiKeyReadModelFixture;
    let readModel: ApiKeyReadModel;

    beforeEach(async () => {
      fixture = await open();
      readModel = fixture.readModel;
    });
    afterEach(async () => fixture.cleanup());

    it('starts with no checkpoint and finds nothing', async () => {
      expect(await readModel.getCheckpoint()).toBeNull();
      expect(await readModel.findById('acct_a', 'nope')).toBeNull();
      expect(await readModel.list('acct_a', { limit: 10 })).toEqual({ views: [], hasMore: false });
    });

    it('saves views with the checkpoint and finds them by account-scoped id', async () => {
      const view = makeView();
      await readModel.save([view], 7);
      expect(await readModel.getCheckpoint()).toBe(7);
      expect(await readModel.findById('acct_a', view.id)).toEqual(view);
      expect(await readModel.findById('acct_b', view.id)).toBeNull();
      expect((await readModel.getMany([view.id, randomUUID()])).get(view.id)).toEqual(view);
    });

    if (options.insertsNew) {
      it('inserts views it did not hold (rebuilds), and ends as save() would when some were there already', async () => {
        const fresh = [makeView({ createdPosition: 11 }), makeView({ createdPosition: 12 })];
        await readModel.insertNew!(fresh);
        await readModel.save([], 12);
        expect(await readModel.getCheckpoint()).toBe(12);
        for (const view of fresh) expect(await readModel.findById('acct_a', view.id)).toEqual(view);

        // A retried flush: one view is there at a newer revision, one is new.
        const newer = { ...fresh[0], status: 'revoked' as const, revokedAt: '2026-01-02T00:00:00.000Z', revision: 1 };
        await readModel.save([newer], 13);
        const late = makeView({ createdPosition: 14 });
        await readModel.insertNew!([fresh[0], late]);
        expect(await readModel.findById('acct_a', fresh[0].id)).toEqual(newer);
        expect(await readModel.findById('acct_a', late.id)).toEqual(late);

        // A view started without a lookup (startsView) while an older one is stored: the newer one wins.
        const revokedLater = { ...late, status: 'revoked' as const, revokedAt: '2026-01-03T00:00:00.000Z', revision: 1 };
        const another = makeView({ createdPosition: 15 });
        await readModel.insertNew!([revokedLater, another, newer]);
        expect(await readModel.findById('acct_a', late.id)).toEqual(revokedLater);
        expect(await readModel.findById('acct_a', another.id)).toEqual(another);
        expect(await readModel.findById('acct_a', fresh[0].id)).toEqual(newer);
        expect(await readModel.findById('acct_a', fresh[1].id)).toEqual(fresh[1]);
      });
    }

    it('takes a reissued secret (a new prefix and hash) with the newer revision, and finds the key by nothing else', async () => {
      const view = makeView();
      const reissued = { ...view, prefix: 'sk_Reissued0', secretHash: 'f'.repeat(64), revision: 1 };
      await readModel.save([view], 1);
      await readModel.save([reissued], 2);
      expect(await readModel.findById('acct_a', view.id)).toEqual(reissued);
      expect((await allOf(readModel)).map(({ id, prefix, secretHash }) => ({ id, prefix, secretHash }))).toEqual([
        { id: view.id, prefix: 'sk_Reissued0', secretHash: 'f'.repeat(64) },
      ]);
    });

    it('replaces a view only with a higher revision, so replays change nothing', async () => {
      const view = makeView();
      const revoked = { ...view, status: 'revoked' as const, revokedAt: '2026-01-02T00:00:00.000Z', revision: 1 };
      await readModel.save([view], 1);
      await readModel.save([revoked], 2);
      await readModel.save([view], 1);
      expect(await readModel.findById('acct_a', view.id)).toEqual(revoked);
      expect(await readModel.getCheckpoint()).toBe(2);
    });

    const racing = options.atomicDocumentWrites === false ? it.skip : it;
    if (options.atomicDocumentWrites === false) {
      process.stdout.write(`ApiKeyReadModel contract: ${name}: writers racing on one view not tested: the server has no atomic find-and-modify (FerretDB 1.24)\n`);
    }
    racing('ends on the newest revision when writers race on one view, field for field', async () => {
      // Several instances projecting into one database, each at its own pace: every revision written at once,
      // in no order, by writers of their own. Revision 7 has no name: a write of an older one must not leave its name.
      const first = makeView();
      const revisions = [3, 0, 7, 5, 1, 6, 2, 4].map((revision) => ({ ...first, name: revision === 7 ? null : `r${revision}`, revision }));
      await Promise.all(revisions.map((view, writer) => readModel.save([view], writer + 1)));
      await Promise.all(revisions.slice(0, 4).map((view) => readModel.save([view], 9)));
      expect(await readModel.findById('acct_a', first.id)).toEqual({ ...first, name: null, revision: 7 });
    });

    it('never moves the checkpoint backwards and saves a checkpoint without views', async () => {
      await readModel.save([], 10);
      await readModel.save([], 4);
      expect(await readModel.getCheckpoint()).toBe(10);
    });

    it('lists one account newest first with a cursor', async () => {
      const views = [1, 2, 3, 4, 5].map((n) => makeView({ createdPosition: 1000 + n, name: `k${n}` }));
      await readModel.save([...views, makeView({ accountId: 'acct_b', createdPosition: 2000 })], 2000);
      const first = await readModel.list('acct_a', { limit: 2 });
      expect(first.views.map((v) => v.name)).toEqual(['k5', 'k4']);
      expect(first.hasMore).toBe(true);
      const second = await readModel.list('acct_a', { limit: 2, beforePosition: first.views[1].createdPosition });
      expect(second.views.map((v) => v.name)).toEqual(['k3', 'k2']);
      const last = await readModel.list('acct_a', { limit: 2, beforePosition: second.views[1].createdPosition });
      expect(last).toEqual({ views: [views[0]], hasMore: false });
    });

    it('says whether any view, live or not, names an account', async () => {
      await readModel.save([makeView({ accountId: 'acct_b', status: 'revoked' })], 3);
      expect(await readModel.holdsAccount('acct_b')).toBe(true);
      expect(await readModel.holdsAccount('acct_a')).toBe(false);
      expect(await readModel.holdsAccount('ACCT_B')).toBe(false);
    });

    it('keeps every policy field and a rotation, and replaces them all with a newer revision', async () => {
      const view = makeView({ permissions: ['keys:read', 'parses:*'], allowedIps: ['203.0.113.0/24', '2001:db8::1'], expiresAt: '2027-01-01T00:00:00.000Z', endsAt: '2027-01-01T00:00:00.000Z' });
      await readModel.save([view], 1);
      expect(await readModel.findById('acct_a', view.id)).toEqual(view);
      const changed: ApiKeyView = {
        ...view,
        status: 'disabled',
        disabled: true,
        name: 'renamed',
        rateLimit: { requests: 5, perSeconds: 1 },
        permissions: ['*'],
        allowedIps: [],
        expiresAt: null,
        endsAt: '2026-06-01T00:00:00.000Z',
        rotation: { successorKeyId: randomUUID(), rolledAt: '2026-05-31T00:00:00.000Z', graceEndsAt: '2026-06-01T00:00:00.000Z', closeWhenIdleSeconds: 60 },
        revision: 2,
      };
      await readModel.save([changed], 2);
      expect(await readModel.findById('acct_a', view.id)).toEqual(changed);
      const expired = { ...changed, status: 'expired' as const, expiredAt: '2026-06-01T00:00:00.000Z', rolledFromKeyId: null, revision: 3 };
      await readModel.save([expired], 3);
      expect((await readModel.getMany([view.id])).get(view.id)).toEqual(expired);
      expect(await allOf(readModel)).toEqual([expired]);
    });

    it('keeps the revision of an event its writer could not read (a newer version wrote it), listed and scanned', async () => {
      const view = makeView({ revision: 2, unreadableSince: 1 });
      await readModel.save([view], 1);
      expect(await readModel.findById('acct_a', view.id)).toEqual(view);
      expect((await readModel.list('acct_a', { limit: 10 })).views).toEqual([view]);
      expect(await allOf(readModel)).toEqual([view]);
      const revoked = { ...view, status: 'revoked' as const, revokedAt: '2026-01-02T00:00:00.000Z', revision: 3 };
      await readModel.save([revoked], 2);
      expect((await readModel.getMany([view.id])).get(view.id)).toEqual(revoked);
    });

    it('filters by status at an instant: a key past its end is expired, event or not', async () => {
      const now = '2026-06-01T00:00:00.000Z';
      const views = {
        active: makeView({ name: 'active' }),
        endsLater: makeView({ name: 'ends later', endsAt: '2026-06-01T00:00:00.001Z', expiresAt: '2026-06-01T00:00:00.001Z' }),
        endedByTime: makeView({ name: 'ended by time', endsAt: now, expiresAt: now }),
        disabled: makeView({ name: 'disabled', status: 'disabled', disabled: true }),
        disabledEnded: makeView({ name: 'disabled and ended', status: 'disabled', disabled: true, endsAt: '2026-01-01T00:00:00.000Z' }),
        expired: makeView({ name: 'expired', status: 'expired', expiredAt: '2026-01-01T00:00:00.000Z' }),
        revoked: makeView({ name: 'revoked', status: 'revoked', revokedAt: '2026-01-01T00:00:00.000Z', endsAt: '2026-01-01T00:00:00.000Z' }),
      };
      await readModel.save([...Object.values(views), makeView({ accountId: 'acct_b', name: 'other account' })], 9);
      const names = async (status: 'active' | 'disabled' | 'expired' | 'revoked') =>
        (await readModel.list('acct_a', { limit: 10, status, now })).views.map((v) => v.name).sort();
      expect(await names('active')).toEqual(['active', 'ends later']);
      expect(await names('disabled')).toEqual(['disabled']);
      expect(await names('expired')).toEqual(['disabled and ended', 'ended by time', 'expired']);
      expect(await names('revoked')).toEqual(['revoked']);
      const page = await readModel.list('acct_a', { limit: 1, status: 'expired', now });
      expect(page.hasMore).toBe(true);
      const next = await readModel.list('acct_a', { limit: 5, status: 'expired', now, beforePosition: page.views[0].createdPosition });
      expect(next.views).toHaveLength(2);
    });

    it('finds keys by the start of their name in any case, and by display prefix, newest first, paged, with the status filter', async () => {
      const now = '2026-06-01T00:00:00.000Z';
      const keys = [
        makeView({ name: 'Production EU', prefix: 'sk_AAAAAAAAA' }),
        makeView({ name: 'prod backup', prefix: 'sk_BBBBBBBBB', status: 'revoked', revokedAt: now }),
        makeView({ name: 'PRODUCTION US', prefix: 'sk_CCCCCCCCC' }),
        makeView({ name: 'Staging', prefix: 'sk_DDDDDDDDD' }),
        makeView({ name: null, prefix: 'sk_EEEEEEEEE' }),
        makeView({ name: 'Prod😀', prefix: 'sk_FFFFFFFFF' }),
        makeView({ name: 'Proe', prefix: 'sk_GGGGGGGGG' }),
        makeView({ name: 'ΟΔΟΣΑ', prefix: 'sk_HHHHHHHHH' }),
      ];
      await readModel.save([...keys, makeView({ accountId: 'acct_b', name: 'Production B', prefix: 'sk_AAAAAAAAA' })], 9);
      const names = async (query: Partial<ApiKeyListQuery>) => (await readModel.list('acct_a', { limit: 10, now, ...query })).views.map((v) => v.name);
      // Newest first (the last saved has the highest position); namePrefix is folded, as the handler gives it.
      expect(await names({ namePrefix: 'prod' })).toEqual(['Prod😀', 'PRODUCTION US', 'prod backup', 'Production EU']);
      expect(await names({ namePrefix: foldKeyName('PRODUCTION') })).toEqual(['PRODUCTION US', 'Production EU']);
      expect(await names({ namePrefix: foldKeyName('ΟΔΟΣ') })).toEqual(['ΟΔΟΣΑ']);
      expect(await names({ namePrefix: 'prod', status: 'revoked' })).toEqual(['prod backup']);
      expect(await names({ namePrefix: 'zzz' })).toEqual([]);
      expect(await names({ prefix: 'sk_AAAAAAAAA' })).toEqual(['Production EU']);
      expect(await names({ prefix: 'sk_EEEEEEEEE' })).toEqual([null]);
      expect(await names({ prefix: 'sk_aaaaaaaaa' })).toEqual([]);
      expect(await names({ prefix: 'sk_AAAAAAAAA', namePrefix: 'staging' })).toEqual([]);
      expect(await names({ prefix: 'sk_AAAAAAAAA', status: 'revoked' })).toEqual([]);
      // Exact pages through the matches: a cursor from the search's own page.
      const first = await readModel.list('acct_a', { limit: 2, namePrefix: 'prod' });
      expect(first.hasMore).toBe(true);
      const second = await readModel.list('acct_a', { limit: 2, namePrefix: 'prod', beforePosition: first.views[1].createdPosition });
      expect([...first.views, ...second.views].map((v) => v.name)).toEqual(['Prod😀', 'PRODUCTION US', 'prod backup', 'Production EU']);
      expect(second.hasMore).toBe(false);
    });

    it('lists every page in one listing (listAll): the pages concatenated, with a search, a status and a cursor', async () => {
      const now = '2026-06-01T00:00:00.000Z';
      const keys = [
        makeView({ name: 'Production EU', prefix: 'sk_AAAAAAAAA' }),
        makeView({ name: 'prod backup', prefix: 'sk_BBBBBBBBB', status: 'revoked', revokedAt: now }),
        makeView({ name: 'PRODUCTION US', prefix: 'sk_CCCCCCCCC' }),
        makeView({ name: 'Staging', prefix: 'sk_DDDDDDDDD', endsAt: '2026-01-01T00:00:00.000Z' }),
        makeView({ name: null, prefix: 'sk_EEEEEEEEE' }),
        makeView({ name: 'Prod😀', prefix: 'sk_FFFFFFFFF' }),
        makeView({ name: 'Proe', prefix: 'sk_GGGGGGGGG' }),
      ];
      await readModel.save([...keys, makeView({ accountId: 'acct_b', name: 'Production B', prefix: 'sk_AAAAAAAAA' })], 9);
      const queries: ApiKeyListAllQuery[] = [
        {},
        { namePrefix: 'prod' },
        { namePrefix: 'zzz' },
        { prefix: 'sk_CCCCCCCCC' },
        { status: 'active', now },
        { status: 'expired', now },
        { namePrefix: 'prod', status: 'active', now },
        { beforePosition: keys[5].createdPosition },
        { beforePosition: keys[5].createdPosition, namePrefix: 'prod' },
      ];
      for (const query of queries) {
        const listed = (await listAllOf(readModel, 'acct_a', query)).flat();
        expect({ query, listed: listed.map((v) => v.name) }).toEqual({ query, listed: (await pagesOf(readModel, 'acct_a', query, 2)).map((v) => v.name) });
        expect(listed).toEqual(await pagesOf(readModel, 'acct_a', query, 100));
      }
      expect((await listAllOf(readModel, 'acct_a', {})).flat().map((v) => v.name)).toEqual([...keys].reverse().map((v) => v.name));
      expect(await listAllOf(readModel, 'acct_c', {})).toEqual([]);
    });

    it('lists every page of an account past the size of a batch (listAll), in batches, newest first', async () => {
      const views = Array.from({ length: LIST_ALL_VIEWS }, (_, i) => makeView({ accountId: i % 5 === 0 ? 'acct_b' : 'acct_a', name: `key ${i}` }));
      if (options.insertsNew) await readModel.insertNew!(views);
      else await readModel.save(views, views.at(-1)!.createdPosition);
      const batches = await listAllOf(readModel, 'acct_a', {});
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(
        views
          .filter((v) => v.accountId === 'acct_a')
          .reverse()
          .map((v) => expect.objectContaining({ id: v.id, name: v.name, createdPosition: v.createdPosition })),
      );
    }, 120_000);

    it('finds a key by its new name and its new prefix once a newer revision changed them', async () => {
      const view = makeView({ name: 'Old name', prefix: 'sk_AAAAAAAAA' });
      await readModel.save([view], 1);
      await readModel.save([{ ...view, name: 'New name', prefix: 'sk_ZZZZZZZZZ', revision: 1 }], 2);
      const ids = async (query: Partial<ApiKeyListQuery>) => (await readModel.list('acct_a', { limit: 10, ...query })).views.map((v) => v.id);
      expect(await ids({ namePrefix: 'old' })).toEqual([]);
      expect(await ids({ prefix: 'sk_AAAAAAAAA' })).toEqual([]);
      expect(await ids({ namePrefix: 'new' })).toEqual([view.id]);
      expect(await ids({ prefix: 'sk_ZZZZZZZZZ' })).toEqual([view.id]);
    });

    it('gives every view of every account once, a batch at a time, past the size of a batch', async () => {
      const views = Array.from({ length: MANY_VIEWS }, (_, i) => makeView({ accountId: `acct_${i % 7}`, createdPosition: i + 1 }));
      if (options.insertsNew) await readModel.insertNew!(views);
      else await readModel.save(views, MANY_VIEWS);
      const batches: ApiKeyView[][] = [];
      for await (const batch of readModel.allViews()) batches.push(batch);
      const inIdOrder = (list: ApiKeyView[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(inIdOrder(batches.flat())).toEqual(inIdOrder(views));
    }, 60_000);

    it('gives, while views change, every view stored before at its revision then or a newer one', async () => {
      const views = Array.from({ length: MANY_VIEWS }, (_, i) => makeView({ createdPosition: i + 1 }));
      if (options.insertsNew) await readModel.insertNew!(views);
      else await readModel.save(views, MANY_VIEWS);
      const reading = readModel.allViews()[Symbol.asyncIterator]();
      const first = await reading.next();
      const seen = new Map<string, ApiKeyView>();
      const take = (batch: ApiKeyView[]) => {
        for (const view of batch) if ((seen.get(view.id)?.revision ?? -1) < view.revision) seen.set(view.id, view);
      };
      if (!first.done) take(first.value);
      // The projection writes meanwhile: views read already and views not read yet change, new ones come.
      const firstIds = new Set(seen.keys());
      const changed = [...views.filter((view) => firstIds.has(view.id)).slice(0, 3), ...views.filter((view) => !firstIds.has(view.id)).slice(0, 3)];
      await readModel.save(
        changed.map((view) => ({ ...view, status: 'revoked' as const, revokedAt: '2026-01-02T00:00:00.000Z', revision: 1 })),
        MANY_VIEWS + 1,
      );
      await readModel.save([makeView({ createdPosition: MANY_VIEWS + 1 })], MANY_VIEWS + 2);
      for (let next = await reading.next(); !next.done; next = await reading.next()) take(next.value);
      const stale = views.filter((view) => (seen.get(view.id)?.revision ?? -1) < view.revision);
      expect(stale.map((view) => view.id)).toEqual([]);
    }, 60_000);

    it('resets to empty for a rebuild', async () => {
      await readModel.save([makeView()], 3);
      await readModel.reset();
      expect(await readModel.getCheckpoint()).toBeNull();
      expect((await readModel.list('acct_a', { limit: 10 })).views).toEqual([]);
    });
  });
}
