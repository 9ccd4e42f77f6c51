import { randomUUID } from 'node:crypto';
import { openReadModelStorage, type ReadModelSettings, type Storage } from '../../src/app/storage/storage.js';
import { InMemoryReadModelStorage } from '../../src/infrastructure/in-memory/in-memory-read-model-storage.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import type { StoreFixture } from '../support/store-fixtures.js';
import { makeTempDir } from '../support/temp-dir.js';
import { readModelStorageContract } from './read-model-storage.contract.js';

/** The storage as every thread and the CLI open it (openReadModelStorage), on a place of its own, removed afterwards. */
async function storageFixture(settings: ReadModelSettings, remove: () => Promise<void>): Promise<StoreFixture<Storage>> {
  const open = () => openReadModelStorage(settings, { walCheckpoints: false, onWarning: () => undefined });
  const fixture: StoreFixture<Storage> = {
    store: await open(),
    reopen: async () => {
      await fixture.store.close();
      return open();
    },
    cleanup: async () => {
      await fixture.store.close();
      await remove();
    },
  };
  return fixture;
}

readModelStorageContract('in-memory', async () => {
  const store = new InMemoryReadModelStorage();
  return { store, cleanup: () => store.close() };
}, false);

readModelStorageContract('sqlite', () => {
  const dir = makeTempDir('storage');
  return storageFixture({ DATA_DIR: dir.path, MONGODB_URL: undefined, MONGODB_DB: 'unused' }, async () => dir.remove());
});

whenMongo('MongoDB read-model storage contract', (url) =>
  readModelStorageContract('mongodb', () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    return storageFixture({ DATA_DIR: 'unused', MONGODB_URL: url, MONGODB_DB: name }, async () => {
      const { client, db } = await connectMongo(url, name);
      await db.dropDatabase();
      await client.close();
    });
  }),
);
