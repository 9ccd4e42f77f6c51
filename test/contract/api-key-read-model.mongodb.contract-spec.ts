import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { apiKeyReadModelContract } from './api-key-read-model.contract.js';

whenMongo('MongoDB read model contract', (url) =>
  apiKeyReadModelContract('mongodb', mongoReadModelFixture(url, (client, db) => MongoApiKeyReadModel.open(client, db, 0)), { insertsNew: true }),
);
