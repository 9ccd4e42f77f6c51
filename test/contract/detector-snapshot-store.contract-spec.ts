import { InMemoryDetectorSnapshotStore } from '../../src/infrastructure/in-memory/in-memory-detector-snapshot-store.js';
import { MongoDetectorSnapshotStore } from '../../src/infrastructure/mongodb/mongo-detector-snapshot-store.js';
import { SqliteDetectorSnapshotStore } from '../../src/infrastructure/sqlite/sqlite-detector-snapshot-store.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { mongoStoreFixture, sqliteStoreFixture } from '../support/store-fixtures.js';
import { detectorSnapshotStoreContract } from './detector-snapshot-store.contract.js';

detectorSnapshotStoreContract('in-memory', async () => {
  const store = new InMemoryDetectorSnapshotStore();
  return { store, cleanup: () => store.close() };
}, false);

detectorSnapshotStoreContract('sqlite', () => sqliteStoreFixture('read-model.sqlite', (file) => new SqliteDetectorSnapshotStore(file)));

whenMongo('MongoDB detector snapshot store contract', (url) =>
  detectorSnapshotStoreContract('mongodb', () => mongoStoreFixture(url, (client, db) => new MongoDetectorSnapshotStore(client, db))),
);
