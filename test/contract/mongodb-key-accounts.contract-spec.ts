import { randomUUID } from 'node:crypto';
import { type CommandStartedEvent, type Db, MongoClient } from 'mongodb';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { makeView } from '../support/api-key-view.js';
import { whenMongo } from '../support/mongodb-fixture.js';

/**
 * `create-key` for an account with no key asked the key views whether any names it: on FerretDB 1.24 a filter on
 * accountId decodes every view when none matches (2.0-2.2 s at 30,000 views, each time). The read model keeps the
 * accounts of its views by `_id` (written with them, idempotently), and answers from them: lookups by `_id` only.
 */
whenMongo('MongoDB key accounts contract', (url) =>
  describe('MongoDB key views: which accounts held a key', () => {
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
    /** The reads of `call`: each as its collection and filter. */
    const readsOf = async (call: () => Promise<unknown>) => {
      commands.length = 0;
      await call();
      return commands.filter((c) => c.commandName === 'find').map((c) => ({ collection: c.command.find as string, filter: c.command.filter as unknown }));
    };

    afterEach(async () => {
      const admin = new MongoClient(url);
      await admin.db(name).dropDatabase();
      await admin.close();
      for (const client of clients.splice(0)) await client.close();
    });

    it('answers by _id lookups of the accounts, never a filter on the views, and keeps them over a replay', async () => {
      const { readModel } = await open();
      const views = [makeView({ accountId: 'acct_b', status: 'revoked' }), makeView({ accountId: 'acct_c' })];
      await readModel.insertNew([views[0]]);
      await readModel.save([views[1]], 2);
      // A replay writes them again: nothing changes, nothing fails.
      await readModel.insertNew([views[0]]);
      await readModel.save(views, 2);

      const reads = await readsOf(async () => {
        expect(await readModel.holdsAccount('acct_b')).toBe(true);
        expect(await readModel.holdsAccount('acct_c')).toBe(true);
        expect(await readModel.holdsAccount('acct_none')).toBe(false);
      });
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) {
        expect(read.collection).toBe('api_key_accounts');
        expect(read.filter).toEqual({ _id: expect.any(String) });
      }
    });

    it('fills the accounts once from the views of a database an earlier version wrote, then answers by _id', async () => {
      // Views as an earlier version left them: no accounts collection.
      const earlier = await open();
      await earlier.readModel.insertNew([makeView({ accountId: 'acct_old' })]);
      await earlier.readModel.save([makeView({ accountId: 'acct_older' })], 2);
      await (earlier.db as Db).collection('api_key_accounts').drop();

      const { readModel } = await open();
      expect(await readModel.holdsAccount('acct_none')).toBe(false);
      const reads = await readsOf(async () => {
        expect(await readModel.holdsAccount('acct_old')).toBe(true);
        expect(await readModel.holdsAccount('acct_older')).toBe(true);
        expect(await readModel.holdsAccount('acct_none')).toBe(false);
      });
      for (const read of reads) expect(read).toEqual({ collection: 'api_key_accounts', filter: { _id: expect.any(String) } });
    });

    it('forgets the accounts with the views when they start over', async () => {
      const { readModel } = await open();
      await readModel.save([makeView({ accountId: 'acct_b' })], 2);
      await readModel.reset();
      expect(await readModel.holdsAccount('acct_b')).toBe(false);
      await readModel.save([makeView({ accountId: 'acct_b' })], 1);
      expect(await readModel.holdsAccount('acct_b')).toBe(true);
    });
  }),
);
