import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { type CommandStartedEvent, type Db, type Filter, type FindOptions, MongoClient, MongoServerError } from 'mongodb';
import { MONGO_CLIENT_OPTIONS } from '../../src/infrastructure/mongodb/mongo-client-options.js';
import { LOAD_BATCH } from '../../src/infrastructure/mongodb/mongo-view-store.js';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import type { ApiKeyView } from '../../src/keys/projection/api-key-view.js';
import { makeView } from '../support/api-key-view.js';
import {
  answerSortedPagesPastTimeLimit,
  dropMongoDatabase,
  hasAtomicDocumentWrites,
  mongoReadModelFixture,
  whenMongo,
  writeBetweenPassBatches,
} from '../support/mongodb-fixture.js';
import { apiKeyReadModelContract } from './api-key-read-model.contract.js';

const url = process.env.MONGODB_URL;
const atomicDocumentWrites = url ? await hasAtomicDocumentWrites(url) : false;

/**
 * The key views' contract again, with every page the server is asked to sort (a find given maxTimeMS) answered
 * MaxTimeMSExpired, as FerretDB 1.24 answers it at 20,000 views and more: each listing and search is then chosen from
 * the pass over the collection (pageFromPass), and must list what the server's page lists, case for case.
 */
async function openWithServerPagesTooSlow(client: MongoClient, db: Db): Promise<MongoApiKeyReadModel> {
  const readModel = await MongoApiKeyReadModel.open(client, db, 0);
  answerSortedPagesPastTimeLimit(readModel.views as never);
  // Windows of listAll smaller than the contract's largest account, so that it takes more than one pass.
  readModel.passWindow = 600;
  return readModel;
}

whenMongo('MongoDB read model contract, pages from the pass', (url) => {
  apiKeyReadModelContract('mongodb, server pages past their time limit', mongoReadModelFixture(url, openWithServerPagesTooSlow), {
    insertsNew: true,
    atomicDocumentWrites,
  });
});

whenMongo('MongoDB key listing: the time limit of a server page', (url) =>
  describe('MongoDB key views: a page the server cannot sort in time', () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    let client: MongoClient;
    const commands: CommandStartedEvent[] = [];
    beforeEach(async () => {
      client = new MongoClient(url, { ...MONGO_CLIENT_OPTIONS, monitorCommands: true });
      client.on('commandStarted', (event) => commands.push(event));
      await client.connect();
    });
    afterEach(async () => {
      await client.close();
      await dropMongoDatabase(url, name);
    });

    it('gives the sorted page a fifth of the socket timeout on the server (maxTimeMS), the listing and the name search alike', async () => {
      const readModel = await MongoApiKeyReadModel.open(client, client.db(name), 0);
      await readModel.save([makeView({ accountId: 'acme', name: 'Prod' })], 1);
      commands.length = 0;
      await readModel.list('acme', { limit: 5 });
      await readModel.list('acme', { limit: 5, namePrefix: 'prod' });
      const finds = commands.filter((c) => c.commandName === 'find' && c.command.find === readModel.views.collectionName);
      expect(finds.map((c) => c.command.maxTimeMS)).toEqual([MONGO_CLIENT_OPTIONS.socketTimeoutMS! / 5, MONGO_CLIENT_OPTIONS.socketTimeoutMS! / 5]);
    });

    it('answers a page past its time limit from one pass with no filter and no sort, newest first, paged', async () => {
      const readModel = await openWithServerPagesTooSlow(client, client.db(name));
      const acme = Array.from({ length: 7 }, (_, n) => makeView({ accountId: 'acme', name: `key ${n}` }));
      await readModel.save([...acme.slice(0, 3), makeView({ accountId: 'globex' }), ...acme.slice(3)], 1);
      commands.length = 0;
      const first = await readModel.list('acme', { limit: 3 });
      expect(first).toEqual({ views: acme.slice(4).reverse(), hasMore: true });
      const finds = commands.filter((c) => c.commandName === 'find' && c.command.find === readModel.views.collectionName);
      expect(finds.map((c) => [c.command.filter, c.command.sort])).toEqual([[{}, undefined]]);
      const last = await readModel.list('acme', { limit: 3, beforePosition: acme[1].createdPosition });
      expect(last).toEqual({ views: [acme[0]], hasMore: false });
    });

    it('lists every page (listAll) on a server that sorts in time from its sorted page, then one sorted cursor with no time limit: no pass', async () => {
      const readModel = await MongoApiKeyReadModel.open(client, client.db(name), 0);
      const acme = Array.from({ length: 1100 }, (_, n) => makeView({ accountId: 'acme', name: `key ${n}` }));
      await readModel.insertNew([...acme, makeView({ accountId: 'globex' })]);
      // A server that always answers in time, whatever this machine's load: each find's maxTimeMS is noted, not sent.
      const asked: Array<{ filter: Record<string, unknown>; maxTimeMS: number | undefined }> = [];
      const find = readModel.views.find.bind(readModel.views) as (filter: Filter<never>, options?: FindOptions) => unknown;
      jest.spyOn(readModel.views, 'find').mockImplementation(((filter: Filter<never>, options: FindOptions = {}) => {
        const { maxTimeMS, ...sent } = options;
        asked.push({ filter: filter as Record<string, unknown>, maxTimeMS });
        return find(filter, sent);
      }) as never);
      commands.length = 0;
      const listed: string[] = [];
      for await (const batch of readModel.listAll('acme', {})) listed.push(...batch.map((view) => view.id));
      expect(listed).toEqual(acme.map((view) => view.id).reverse());
      expect(asked.map(({ filter, maxTimeMS }) => [filter.accountId, filter.createdPosition, maxTimeMS])).toEqual([
        ['acme', { $lt: Number.MAX_SAFE_INTEGER }, MONGO_CLIENT_OPTIONS.socketTimeoutMS! / 5],
        ['acme', { $lt: acme[600].createdPosition }, undefined],
      ]);
      const finds = commands.filter((c) => c.commandName === 'find' && c.command.find === readModel.views.collectionName);
      // Both sorted (the driver sends a sort as a Map): no pass over the collection.
      expect(finds.map((c) => Object.fromEntries(c.command.sort ?? []))).toEqual([{ createdPosition: -1 }, { createdPosition: -1 }]);
    }, 60_000);

    // What every listing must hold whatever the server (the audit log's spec says why): each key stored when the first page
    // was asked, once, newest first, with the projection creating and changing keys between the batches of every pass.
    it.each([
      ['pages (list), every one from the pass', 'list', () => true],
      ['pages (list), server pages and pass pages in turn', 'list', (page: number) => page % 2 === 1],
      ['every page (listAll) in windows of passes', 'listAll', () => true],
    ] as const)('lists each key stored at the first page once, newest first, while the projection writes during the passes: %s', async (_, how, pastTimeLimit) => {
      // The projection writes on a client of its own, as the service's projection thread does.
      const writerClient = new MongoClient(url, MONGO_CLIENT_OPTIONS);
      await writerClient.connect();
      try {
        const writer = await MongoApiKeyReadModel.open(writerClient, writerClient.db(name), 0);
        const written = Array.from({ length: 3 * LOAD_BATCH - 200 }, (_, n) => makeView({ accountId: n % 6 === 5 ? 'globex' : 'acme', name: `key ${n}` }));
        await writer.insertNew(written);
        const seeded = written.length;
        const write = async () => {
          // Keys newer than every cursor, and older ones changed (renamed, revoked): a view written again in place.
          const newer = [makeView({ accountId: 'acme' }), makeView({ accountId: 'globex' })];
          written.push(...newer);
          await writer.insertNew(newer);
          const from = (written.length * 7) % seeded;
          const changed = written.slice(from, from + 2).map((view) => ({ ...view, name: `${view.name} renamed`, status: 'revoked' as const, revision: view.revision + 1 }));
          await writer.save(changed, newer[1].createdPosition);
        };
        const reader = await MongoApiKeyReadModel.open(client, client.db(name), 0);
        reader.passWindow = 300;
        let page = 0;
        answerSortedPagesPastTimeLimit(reader.views as never, () => pastTimeLimit(page));
        writeBetweenPassBatches(reader.views as never, LOAD_BATCH, write);

        const listed: ApiKeyView[] = [];
        if (how === 'listAll') {
          for await (const batch of reader.listAll('acme', {})) listed.push(...batch);
        } else {
          let beforePosition: number | undefined;
          for (; ; page++) {
            const { views, hasMore } = await reader.list('acme', { limit: 97, ...(beforePosition === undefined ? {} : { beforePosition }) });
            listed.push(...views);
            if (!hasMore) break;
            beforePosition = views.at(-1)!.createdPosition;
          }
        }

        const first = listed[0].createdPosition;
        const expected = written.filter((view) => view.accountId === 'acme' && view.createdPosition <= first).sort((a, b) => b.createdPosition - a.createdPosition);
        expect(listed.map((view) => view.id)).toEqual(expected.map((view) => view.id));
        // The writes did interleave: keys were created during the listing.
        expect(written.length - seeded).toBeGreaterThan(2);
      } finally {
        await writerClient.close();
      }
    }, 600_000);

    it('lists every page (listAll) past the time limit in windows of passWindow, one unsorted pass each, newest first', async () => {
      const readModel = await openWithServerPagesTooSlow(client, client.db(name));
      readModel.passWindow = 2;
      const acme = Array.from({ length: 5 }, (_, n) => makeView({ accountId: 'acme', name: `key ${n}` }));
      await readModel.save([...acme.slice(0, 2), makeView({ accountId: 'globex' }), ...acme.slice(2)], 1);
      commands.length = 0;
      const batches: string[][] = [];
      for await (const batch of readModel.listAll('acme', {})) batches.push(batch.map((view) => view.name!));
      expect(batches).toEqual([['key 4', 'key 3'], ['key 2', 'key 1'], ['key 0']]);
      const finds = commands.filter((c) => c.commandName === 'find' && c.command.find === readModel.views.collectionName);
      expect(finds.map((c) => [c.command.filter, c.command.sort])).toEqual([
        [{}, undefined],
        [{}, undefined],
        [{}, undefined],
      ]);
    });

    it('fails as it did on any other error of the page (no pass)', async () => {
      const readModel = await MongoApiKeyReadModel.open(client, client.db(name), 0);
      jest.spyOn(readModel.views, 'find').mockImplementationOnce(() => {
        throw new MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad' });
      });
      await expect(readModel.list('acme', { limit: 3 })).rejects.toThrow('bad');
      jest.spyOn(readModel.views, 'find').mockImplementationOnce(() => {
        throw new MongoServerError({ ok: 0, code: 2, codeName: 'BadValue', errmsg: 'bad' });
      });
      const listing = readModel.listAll('acme', {})[Symbol.asyncIterator]();
      await expect(listing.next()).rejects.toThrow('bad');
    });
  }),
);
