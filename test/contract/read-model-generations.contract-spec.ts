import { randomUUID } from 'node:crypto';
import { openReadModelStorage } from '../../src/app/storage/storage.js';
import { InMemoryReadModelPlace } from '../../src/infrastructure/in-memory/in-memory-read-model-generations.js';
import { InMemoryReadModelStorage } from '../../src/infrastructure/in-memory/in-memory-read-model-storage.js';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { readModelGenerationsContract } from './read-model-generations.contract.js';

const options = (generation?: number) => ({ walCheckpoints: false, onWarning: () => undefined, generation });

readModelGenerationsContract('in-memory', async () => {
  const place = new InMemoryReadModelPlace();
  return {
    open: async (generation) => (generation === undefined ? InMemoryReadModelStorage.openLive(place) : new InMemoryReadModelStorage(place, generation)),
    cleanup: async () => undefined,
  };
});

readModelGenerationsContract('sqlite', async () => {
  const dir = makeTempDir('generations');
  const settings = { DATA_DIR: dir.path, MONGODB_URL: undefined, MONGODB_DB: 'unused' };
  return { open: (generation) => openReadModelStorage(settings, options(generation)), cleanup: async () => dir.remove() };
});

whenMongo('MongoDB read-model generations contract', (url) =>
  readModelGenerationsContract('mongodb', async () => {
    const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
    const settings = { DATA_DIR: 'unused', MONGODB_URL: url, MONGODB_DB: name };
    return {
      open: (generation) => openReadModelStorage(settings, options(generation)),
      cleanup: async () => {
        const { client, db } = await connectMongo(url, name);
        await db.dropDatabase();
        await client.close();
      },
    };
  }),
);
