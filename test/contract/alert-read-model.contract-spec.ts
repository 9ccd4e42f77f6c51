import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InMemoryAlertReadModel } from '../../src/infrastructure/in-memory/in-memory-alert-read-model.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { MongoAlertReadModel } from '../../src/infrastructure/mongodb/mongodb-alert-read-model.js';
import { SqliteAlertReadModel } from '../../src/infrastructure/sqlite/sqlite-alert-read-model.js';
import { makeTempDir } from '../support/temp-dir.js';
import { alertReadModelContract } from './alert-read-model.contract.js';

alertReadModelContract('in-memory', async () => {
  const readModel = new InMemoryAlertReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

alertReadModelContract('sqlite', async () => {
  const dir = makeTempDir('alerts');
  const readModel = new SqliteAlertReadModel(join(dir.path, 'read-model.sqlite'));
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
  alertReadModelContract('mongodb', async () => {
    const { client, db } = await connectMongo(mongoUrl, `psk_alerts_${randomUUID().slice(0, 8)}`);
    const readModel = await MongoAlertReadModel.open(client, db);
    return {
      readModel,
      cleanup: async () => {
        await db.dropDatabase();
        await readModel.close();
      },
    };
  });
} else {
  process.stdout.write('MongoDB alerts read model contract skipped: MONGODB_URL is not set\n');
  describe.skip('MongoDB alerts read model contract skipped: MONGODB_URL is not set', () => {
    it('needs MONGODB_URL', () => undefined);
  });
}
