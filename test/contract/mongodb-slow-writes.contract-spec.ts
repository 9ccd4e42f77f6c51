import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import type { ApiKeyView } from '../../src/keys/projection/api-key-view.js';
import { makeView } from '../support/api-key-view.js';
import { dropMongoDatabase, whenMongo } from '../support/mongodb-fixture.js';

const VIEWS = 400;

const view = (i: number): ApiKeyView =>
  makeView({ accountId: `acct_${i % 7}`, name: `key ${i}`, prefix: `sk_${String(i).padStart(9, '0')}`, createdPosition: i + 1 });

/**
 * A rebuild used to fail on MongoDB past about 1,000 keys: one bulk write of every view outlived the socket
 * timeout, and the same batch was retried forever. Here the socket timeout is cut to 250 ms, so that a batch of
 * the first size (100 views) on FerretDB certainly times out: the save must shrink its batches until they pass, and finish.
 */
whenMongo('MongoDB writes under a short socket timeout', (url) =>
  describe('MongoDB view store on a slow server', () => {
    it(`saves ${VIEWS} views in one save although large batches time out`, async () => {
      const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, socketTimeoutMS: 250 });
      await client.connect();
      const readModel = await MongoApiKeyReadModel.open(client, client.db(name), 0);
      try {
        const views = Array.from({ length: VIEWS }, (_, i) => view(i));
        await readModel.save(views, VIEWS);
        // Read back through a client with the driver's default timeouts: what is under test is the save's
        // adapting batches, and a scan of 400 views on a starved FerretDB can outlast 250 ms by itself.
        const readerClient = new MongoClient(url);
        const reader = await MongoApiKeyReadModel.open(readerClient, readerClient.db(name), 0);
        try {
          expect(await reader.getCheckpoint()).toBe(VIEWS);
          const stored: ApiKeyView[] = [];
          for await (const batch of reader.allViews()) stored.push(...batch);
          expect(stored.length).toBe(VIEWS);
          expect(new Set(stored.map((v) => v.id))).toEqual(new Set(views.map((v) => v.id)));
        } finally {
          await reader.close();
        }
      } finally {
        await readModel.close();
        await dropMongoDatabase(url, name);
      }
    }, 120_000);
  }),
);
