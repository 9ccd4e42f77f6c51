import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InMemoryDetectorSnapshotStore } from '../../src/infrastructure/in-memory/in-memory-detector-snapshot-store.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { MongoDetectorSnapshotStore } from '../../src/infrastructure/mongodb/mongo-detector-snapshot-store.js';
import { SqliteDetectorSnapshotStore } from '../../src/infrastructure/sqlite/sqlite-detector-snapshot-store.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { detectorSnapshotStoreContract } from './detector-snapshot-store.contract.js';

detectorSnapshotStoreContract('in-memory', async () => {
  const store = new InMemoryDetectorSnapshotStore();
  return { store, cleanup: () => store.close() };
}, false);

detectorSnapshotStoreContract('sqlite', async () => {
  const dir = makeTempDir('detector-snapshot');
  const file = join(dir.path, 'read-model.sqlite');
  const fixture = {
    store: new SqliteDetectorSnapshotStore(file),
    reopen: async () => {
      await fixture.store.close();
      return new SqliteDetectorSnapshotStore(file);
    },
    cleanup: async () => {
      await fixture.store.close();
      dir.remove();
    },
  };
  return fixture;
});

whenMongo('MongoDB detector snapshot store contract', (url) =>
  detectorSnapshotStoreContract('mongodb', async () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const open = async () => {
      const { client, db } = await connectMongo(url, name);
      return new MongoDetectorSnapshotStore(client, db);
    };
    const fixture = {
      store: await open(),
      reopen: async () => {
        await fixture.store.close();
        return open();
      },
      cleanup: async () => {
        const { client, db } = await connectMongo(url, name);
        await db.dropDatabase();
        await client.close();
        await fixture.store.close();
      },
    };
    return fixture;
  }),
);
