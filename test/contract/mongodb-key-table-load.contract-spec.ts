import { randomUUID } from 'node:crypto';
import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { KeyTable } from '../../src/keys/authentication/key-table.js';
import { makeView } from '../support/api-key-view.js';
import { dropMongoDatabase, whenMongo } from '../support/mongodb-fixture.js';

const VIEWS = 2500;

/**
 * A service restarted on FerretDB 1.24 (SQLite backend) holding 100,065 key views could not start: the key table
 * loaded the views a page of 5,000 at a time sorted by _id, and FerretDB sorts the whole collection in memory for
 * each page (15-23 s a page, past the 5 s socket timeout). The load must read the collection in one pass, with no
 * sort, in batches FerretDB answers well within the socket timeout (500 views: 0.5 s at most at 100,000 views, a fifth of the socket timeout).
 */
whenMongo('MongoDB key table load', (url) =>
  describe('the key table loaded from MongoDB key views', () => {
    it(`reads ${VIEWS} views in one pass with no sort, in batches of at most 500`, async () => {
      const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
      await client.connect();
      const readModel = await MongoApiKeyReadModel.open(client, client.db(name), 0);
      try {
        const views = Array.from({ length: VIEWS }, (_, i) => makeView({ accountId: `acct_${i % 7}`, createdPosition: i + 1 }));
        await readModel.insertNew(views);
        await readModel.save([], VIEWS);
        const reads: CommandStartedEvent[] = [];
        client.on('commandStarted', (event) => {
          if (event.commandName === 'find' || event.commandName === 'getMore') reads.push(event);
        });
        const table = new KeyTable(readModel);
        expect(await table.checkpoint()).toBe(VIEWS);
        expect(views.every((view) => table.byId(view.id)?.view.revision === view.revision)).toBe(true);
        const finds = reads.filter((event) => event.commandName === 'find' && event.command.find === readModel.views.collectionName);
        expect(finds.map((event) => ({ filter: event.command.filter, sort: event.command.sort, limit: event.command.limit }))).toEqual([
          { filter: {}, sort: undefined, limit: undefined },
        ]);
        expect(finds[0].command.batchSize).toBeLessThanOrEqual(500);
        expect(reads.filter((event) => event.commandName === 'getMore').length).toBeGreaterThanOrEqual(VIEWS / 500 - 1);
      } finally {
        await readModel.close();
        await dropMongoDatabase(url, name);
      }
    }, 120_000);
  }),
);
