import { InMemoryCheckpointStore } from '../../src/infrastructure/in-memory/in-memory-checkpoint-store.js';
import { MongoCheckpointStore } from '../../src/infrastructure/mongodb/mongo-checkpoint-store.js';
import { SqliteCheckpointStore } from '../../src/infrastructure/sqlite/sqlite-checkpoint-store.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { mongoStoreFixture, sqliteStoreFixture } from '../support/store-fixtures.js';
import { checkpointStoreContract } from './checkpoint-store.contract.js';

checkpointStoreContract('in-memory', async () => {
  const store = new InMemoryCheckpointStore();
  return { store, cleanup: () => store.close() };
}, false);

checkpointStoreContract('sqlite', () => sqliteStoreFixture('deliveries.sqlite', (file) => new SqliteCheckpointStore(file)));

whenMongo('MongoDB checkpoint store contract', (url) =>
  checkpointStoreContract('mongodb', () => mongoStoreFixture(url, (client, db) => new MongoCheckpointStore(client, db))),
);
