import { randomUUID } from 'node:crypto';
import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import { KeyUsageSummaryTable } from '../../src/usage/projection/key-usage-summary-table.js';
import type { KeyUsageView } from '../../src/usage/projection/key-usage-view.js';
import { dropMongoDatabase, whenMongo } from '../support/mongodb-fixture.js';

const VIEWS = 1200;

const usage = (i: number): KeyUsageView => ({
  keyId: randomUUID(),
  accountId: `acct_${i % 7}`,
  accepted: i,
  rateLimited: 0,
  refused: 0,
  firstUsedAt: '2026-01-01T00:00:00.000Z',
  lastUsedAt: '2026-01-01T01:30:00.000Z',
  lastIp: '203.0.113.7',
  lastUserAgent: null,
  hourly: [{ hour: '2026-01-01T01:00:00.000Z', count: i }],
  revision: i + 1,
  countedFrom: 0,
  countedBeforeGap: null,
  archive: null,
});

/**
 * The usage summary table is loaded at start in one pass over the usage views, and a batch that outlives the 5 s
 * socket timeout fails the whole load, retried from the start for ever. FerretDB 1.24 (SQLite backend, 100,000
 * usage views, load average 10 on 2 cores) answered a batch of 5,000 in up to 2.6 s, half the timeout (and key
 * views, in batches of 5,000 at load 13-16, in up to 12.9 s); batches of 500 in 0.47 s at most.
 */
whenMongo('MongoDB usage summaries load', (url) =>
  describe('the usage summary table loaded from MongoDB usage views', () => {
    it(`reads ${VIEWS} views in one pass with no sort, in batches of at most 500`, async () => {
      const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
      const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
      await client.connect();
      const readModel = new MongoKeyUsageReadModel(client, client.db(name), 0);
      try {
        const views = Array.from({ length: VIEWS }, (_, i) => usage(i));
        await readModel.insertNew(views);
        const reads: CommandStartedEvent[] = [];
        client.on('commandStarted', (event) => {
          if (event.commandName === 'find' || event.commandName === 'getMore') reads.push(event);
        });
        const table = new KeyUsageSummaryTable(readModel);
        await table.load();
        expect(table.size).toBe(VIEWS);
        const finds = reads.filter((event) => event.commandName === 'find');
        expect(finds.map((event) => ({ filter: event.command.filter, sort: event.command.sort }))).toEqual([{ filter: {}, sort: undefined }]);
        expect(finds[0].command.batchSize).toBeLessThanOrEqual(500);
        expect(reads.filter((event) => event.commandName === 'getMore').every((event) => event.command.batchSize <= 500)).toBe(true);
      } finally {
        await readModel.close();
        await dropMongoDatabase(url, name);
      }
    }, 120_000);
  }),
);
