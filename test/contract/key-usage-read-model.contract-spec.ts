import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InMemoryKeyUsageReadModel } from '../../src/infrastructure/in-memory/in-memory-key-usage-read-model.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import { SqliteKeyUsageReadModel } from '../../src/infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { makeTempDir } from '../support/temp-dir.js';
import { keyUsageReadModelContract } from './key-usage-read-model.contract.js';

keyUsageReadModelContract('in-memory', async () => {
  const readModel = new InMemoryKeyUsageReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

keyUsageReadModelContract('sqlite', async () => {
  const dir = makeTempDir('usage');
  const readModel = new SqliteKeyUsageReadModel(join(dir.path, 'read-model.sqlite'));
  return {
    readModel,
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});

const mongoUrl = process.env.MONGODB_URL;
if (mongoUrl) {
  keyUsageReadModelContract('mongodb', async () => {
    const { client, db } = await connectMongo(mongoUrl, `psk_usage_${randomUUID().slice(0, 8)}`);
    const readModel = new MongoKeyUsageReadModel(client, db);
    return {
      readModel,
      cleanup: async () => {
        await db.dropDatabase();
        await readModel.close();
      },
    };
  });
} else {
  process.stdout.write('MongoDB usage read model contract skipped: MONGODB_URL is not set\n');
  describe.skip('MongoDB usage read model contract skipped: MONGODB_URL is not set', () => {
    it('needs MONGODB_URL', () => undefined);
  });
}
