import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { MONGO_CLIENT_OPTIONS } from '../../src/infrastructure/mongodb/mongo-client-options.js';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import type { KeyUsageView } from '../../src/usage/projection/key-usage-view.js';
import { dropMongoDatabase, whenMongo } from '../support/mongodb-fixture.js';

const usage = (accepted: number): KeyUsageView => ({
  keyId: randomUUID(),
  accountId: 'acme',
  accepted,
  rateLimited: 0,
  refused: 0,
  firstUsedAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T01:30:00.000Z',
  lastIp: null,
  lastUserAgent: null,
  hourly: [],
  revision: 1,
  countedFrom: 0,
  countedBeforeGap: null,
  archive: null,
});

/**
 * A page's usage summaries are looked up by _id. FerretDB 1.24 scans the collection for each (1.0-2.0 s at 100,000 views),
 * and the 21 of a page sent at once shared 2 cores until each was past the 5 s socket timeout (the CLI's `list` failed);
 * lookups slower than a fifth of that timeout go one at a time. Here every lookup is made slower than that (a wait
 * before it), so the assertion can only be helped by a slow machine, never broken.
 */
whenMongo('MongoDB usage summaries in step', (url) =>
  describe('usage summaries looked up by _id on a slow server', () => {
    it('looks them up one at a time when one takes longer than a fifth of the socket timeout, and finds each', async () => {
      const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
      const client = new MongoClient(url, MONGO_CLIENT_OPTIONS);
      await client.connect();
      const readModel = new MongoKeyUsageReadModel(client, client.db(name), 0);
      try {
        const views = [usage(1), usage(2), usage(3)];
        await readModel.save(views, 1);
        let inFlight = 0;
        let most = 0;
        const findOne = readModel.views.findOne.bind(readModel.views) as (...args: unknown[]) => Promise<unknown>;
        jest.spyOn(readModel.views, 'findOne').mockImplementation((async (...args: unknown[]) => {
          most = Math.max(most, ++inFlight);
          await sleep(MONGO_CLIENT_OPTIONS.socketTimeoutMS! / 5 + 100);
          try {
            return await findOne(...args);
          } finally {
            inFlight--;
          }
        }) as never);
        const found = await readModel.summaries(views.map((view) => view.keyId));
        expect([...found.values()].map((summary) => summary.accepted)).toEqual([1, 2, 3]);
        expect(most).toBe(1);
      } finally {
        await readModel.close();
        await dropMongoDatabase(url, name);
      }
    });
  }),
);
