import { randomUUID } from 'node:crypto';
import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { makeView } from '../support/api-key-view.js';
import { whenMongo } from '../support/mongodb-fixture.js';

/**
 * The key search on MongoDB: an index per search, led by the account, and the name as an index range on nameFolded
 * ($gte/$lt, which FerretDB 1.24 answers; $regex it would scan for too, and a MongoDB server uses an index for it only
 * case-sensitively). Views written before the search, without nameFolded, are compared folded as they are read.
 */
whenMongo('MongoDB key search contract', (url) =>
  describe('MongoDB key views: the key search', () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const clients: MongoClient[] = [];
    const commands: CommandStartedEvent[] = [];
    const open = async () => {
      const client = new MongoClient(url, { monitorCommands: true });
      clients.push(client);
      client.on('commandStarted', (event) => commands.push(event));
      await client.connect();
      const db = client.db(name);
      return { readModel: await MongoApiKeyReadModel.open(client, db, 0), db };
    };

    afterEach(async () => {
      const admin = new MongoClient(url);
      await admin.db(name).dropDatabase();
      await admin.close();
      for (const client of clients.splice(0)) await client.close();
    });

    it('creates an index for each search, led by the account', async () => {
      const { readModel } = await open();
      const indexes = await readModel.views.listIndexes().toArray();
      const keysOf = (indexName: string) => indexes.find((index) => index.name === indexName)?.key;
      expect(keysOf('account_name_search')).toEqual({ accountId: 1, nameFolded: 1 });
      expect(keysOf('account_prefix_search')).toEqual({ accountId: 1, prefix: 1 });
    });

    it('asks for the name as a range and the prefix by equality, within the account', async () => {
      const { readModel } = await open();
      await readModel.save([makeView({ accountId: 'acme', name: 'Prod EU', prefix: 'sk_AAAAAAAAA' })], 1);
      commands.length = 0;
      expect((await readModel.list('acme', { limit: 5, namePrefix: 'prod', prefix: 'sk_AAAAAAAAA' })).views).toHaveLength(1);
      const [find] = commands.filter((c) => c.commandName === 'find');
      expect(find.command.filter).toMatchObject({ accountId: 'acme', prefix: 'sk_AAAAAAAAA', $and: [{ $or: [{ nameFolded: { $gte: 'prod', $lt: 'proe' } }, expect.anything()] }] });
    });

    it('finds the views written before the search (a name, no nameFolded) by their name, in order and paged, without writing on open', async () => {
      const { readModel, db } = await open();
      const old = makeView({ accountId: 'acme', name: 'Ünïcode Prod' });
      const folded = makeView({ accountId: 'acme', name: 'ünïcode new' });
      const older = makeView({ accountId: 'acme', name: 'ÜNÏ other' });
      await readModel.save([old, folded, older, makeView({ accountId: 'acme', name: 'Staging' })], 1);
      // As an earlier version wrote them: no nameFolded.
      for (const view of [old, older]) await readModel.views.updateOne({ _id: view.id }, { $unset: { nameFolded: '' } });
      commands.length = 0;
      const reopened = await MongoApiKeyReadModel.open(clients[0], db, 0);
      expect(commands.filter((c) => ['update', 'findAndModify'].includes(c.commandName) && c.command[c.commandName] === readModel.views.collectionName)).toEqual([]);
      const first = await reopened.list('acme', { limit: 2, namePrefix: 'ünï' });
      expect(first.views.map((v) => v.id)).toEqual([older.id, folded.id]);
      expect(first.hasMore).toBe(true);
      const next = await reopened.list('acme', { limit: 2, namePrefix: 'ünï', beforePosition: first.views[1].createdPosition });
      expect(next).toEqual({ views: [expect.objectContaining({ id: old.id })], hasMore: false });
    });

    it('sets again, behind the load, the folded name an earlier version left when it renamed a key', async () => {
      const { readModel, db } = await open();
      const renamed = makeView({ accountId: 'acme', name: 'Old Name', revision: 1 });
      const kept = makeView({ accountId: 'acme', name: 'Prod kept' });
      await readModel.save([renamed, kept], 1);
      // As an earlier version renames: the name and the revision set, the folded name left as it was.
      await readModel.views.updateOne({ _id: renamed.id }, { $set: { name: 'ÑEW Name', revision: 2 } });
      expect((await readModel.list('acme', { limit: 5, namePrefix: 'ñew' })).views).toEqual([]);

      const reopened = await MongoApiKeyReadModel.open(clients[0], db, 0);
      commands.length = 0;
      let loaded = 0;
      for await (const batch of reopened.allViews()) loaded += batch.length;
      expect(loaded).toBe(2);
      expect(await reopened.namesRefolded()).toBe(1);
      // One write, by _id alone (what FerretDB 1.24 hands to SQLite); the view kept as it was is not written.
      const writes = commands.filter((c) => ['update', 'findAndModify'].includes(c.commandName));
      expect(writes.map((c) => c.command.query)).toEqual([{ _id: renamed.id }]);
      expect((await reopened.list('acme', { limit: 5, namePrefix: 'ñew' })).views).toEqual([expect.objectContaining({ id: renamed.id, name: 'ÑEW Name', revision: 2 })]);
      expect((await reopened.list('acme', { limit: 5, namePrefix: 'old' })).views).toEqual([]);
      // The next load finds nothing left to rewrite.
      for await (const batch of reopened.allViews()) loaded += batch.length;
      expect(await reopened.namesRefolded()).toBe(0);
    });

    it('folds the name it finds when the key is renamed again under the rewrite', async () => {
      const { readModel } = await open();
      const view = makeView({ accountId: 'acme', name: 'First' });
      await readModel.save([view], 1);
      await readModel.views.updateOne({ _id: view.id }, { $set: { name: 'Second' } });
      const { refoldNames } = await import('../../src/infrastructure/mongodb/mongo-stale-folded-names.js');
      // Read as 'Stale' by the load; by the time of the write the key is called 'Second'.
      expect(await refoldNames(readModel.views as never, [{ id: view.id, name: 'Stale' }], () => false)).toBe(1);
      expect(await readModel.views.findOne({ _id: view.id })).toMatchObject({ name: 'Second', nameFolded: 'second' });
    });
  }),
);
