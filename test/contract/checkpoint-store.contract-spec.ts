import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InMemoryCheckpointStore } from '../../src/anomalies/delivery/in-memory-checkpoint-store.js';
import { MongoCheckpointStore } from '../../src/infrastructure/mongodb/mongo-checkpoint-store.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { SqliteCheckpointStore } from '../../src/infrastructure/sqlite/sqlite-checkpoint-store.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { checkpointStoreContract } from './checkpoint-store.contract.js';

checkpointStoreContract('in-memory', async () => {
  const store = new InMemoryCheckpointStore();
  return { store, cleanup: () => store.close() };
}, false);

checkpointStoreContract('sqlite', async () => {
  const dir = makeTempDir('checkpoints');
  const file = join(dir.path, 'deliveries.sqlite');
  const fixture = {
    store: new SqliteCheckpointStore(file),
    reopen: async () => {
      await fixture.store.close();
      return new SqliteCheckpointStore(file);
    },
    cleanup: async () => {
      await fixture.store.close();
      dir.remove();
    },
  };
  return fixture;
});

whenMongo('MongoDB checkpoint store contract', (url) =>
  checkpointStoreContract('mongodb', async () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const open = async () => {
      const { client, db } = await connectMongo(url, name);
      return new MongoCheckpointStore(client, db);
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
