import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Collection } from 'mongodb';
import { InMemoryKeyUsageReadModel } from '../../src/infrastructure/in-memory/in-memory-key-usage-read-model.js';
import { collectionOf } from '../../src/infrastructure/mongodb/mongo-read-model-generations.js';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import { SqliteKeyUsageReadModel } from '../../src/infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { keyUsageReadModelContract } from './key-usage-read-model.contract.js';

keyUsageReadModelContract('in-memory', async () => {
  const readModel = new InMemoryKeyUsageReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

keyUsageReadModelContract('sqlite', async () => {
  const dir = makeTempDir('usage');
  const file = join(dir.path, 'read-model.sqlite');
  const readModel = new SqliteKeyUsageReadModel(file);
  return {
    readModel,
    // As an earlier version's statement wrote it, naming no `refused` (its table has the column since it opened).
    saveWithoutRefused: async (view) => {
      const db = new Database(file);
      db.prepare(
        `INSERT INTO key_usage (key_id, account_id, accepted, rate_limited, first_used_at, last_used_at, last_ip, last_user_agent, hourly, revision)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(view.keyId, view.accountId, view.accepted, view.rateLimited, view.firstUsedAt, view.lastUsedAt, view.lastIp, view.lastUserAgent, JSON.stringify(view.hourly), view.revision);
      db.close();
    },
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});

whenMongo('MongoDB usage read model contract', (url) =>
  keyUsageReadModelContract('mongodb', async () => {
    let views: Collection | null = null;
    const fixture = await mongoReadModelFixture(url, (client, db) => {
      views = db.collection(collectionOf('key_usage', 0));
      return new MongoKeyUsageReadModel(client, db, 0);
    })();
    return {
      ...fixture,
      saveWithoutRefused: async ({ keyId, ...fields }) => {
        await views!.insertOne({ _id: keyId as never, ...fields });
      },
    };
  }),
);
