import { randomUUID } from 'node:crypto';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { apiKeyReadModelContract, type ApiKeyReadModelFixture } from './api-key-read-model.contract.js';

const url = process.env.MONGODB_URL;

/** Each fixture gets a database of its own, dropped afterwards. */
async function openMongoFixture(mongoUrl: string): Promise<ApiKeyReadModelFixture> {
  const { client, db } = await connectMongo(mongoUrl, `psk_contract_${randomUUID().replaceAll('-', '')}`);
  const readModel = await MongoApiKeyReadModel.open(client, db);
  return {
    readModel,
    cleanup: async () => {
      await db.dropDatabase();
      await readModel.close();
    },
  };
}

if (url) {
  apiKeyReadModelContract('mongodb', () => openMongoFixture(url));
} else {
  const reason = 'MongoDB read model contract skipped: MONGODB_URL is not set';
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, () => apiKeyReadModelContract('mongodb', () => Promise.reject(new Error(reason))));
}
