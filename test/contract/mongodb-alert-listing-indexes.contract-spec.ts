import { MongoAlertReadModel } from '../../src/infrastructure/mongodb/mongodb-alert-read-model.js';
import { randomUUID } from 'node:crypto';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { dropMongoDatabase, mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';

/**
 * GET /v1/alerts filtered by key_id or rule: each filter has an index led by the account and the filter, then the
 * position the page is sorted by, as the embedded store has (alert-listing-statements.ts). With the account index
 * alone, a page for a key with no alert in an account of many alerts walked every alert of the account.
 */
whenMongo('MongoDB alerts listing indexes', (url) => {
  const fixture = mongoReadModelFixture(url, (client, db) => MongoAlertReadModel.open(client, db, 0));

  it('has an index for the listing unfiltered, by key and by rule, each in the order of its query', async () => {
    const { readModel, cleanup } = await fixture();
    try {
      const keys = (await readModel.views.indexes()).map((index) => JSON.stringify(Object.entries(index.key)));
      expect(keys).toEqual(
        expect.arrayContaining([
          JSON.stringify([['accountId', 1], ['position', -1]]),
          JSON.stringify([['accountId', 1], ['keyId', 1], ['position', -1]]),
          JSON.stringify([['accountId', 1], ['rule', 1], ['position', -1]]),
        ]),
      );
    } finally {
      await cleanup();
    }
  });

  it('opens again on a read model that has them', async () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const { client, db } = await connectMongo(url, name);
    try {
      await MongoAlertReadModel.open(client, db, 0);
      const again = await MongoAlertReadModel.open(client, db, 0);
      expect((await again.views.indexes()).length).toBe(4);
    } finally {
      await client.close();
      await dropMongoDatabase(url, name);
    }
  });
});
