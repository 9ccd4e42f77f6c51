import { MongoApiKeyReadModel } from '../../src/infrastructure/mongodb/mongodb-api-key-read-model.js';
import { hasAtomicDocumentWrites, mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { apiKeyReadModelContract } from './api-key-read-model.contract.js';

const url = process.env.MONGODB_URL;
const atomicDocumentWrites = url ? await hasAtomicDocumentWrites(url) : false;

whenMongo('MongoDB read model contract', (url) =>
  apiKeyReadModelContract('mongodb', mongoReadModelFixture(url, (client, db) => MongoApiKeyReadModel.open(client, db, 0)), {
    insertsNew: true,
    atomicDocumentWrites,
  }),
);
