import { join } from 'node:path';
import { InMemoryKeyUsageReadModel } from '../../src/infrastructure/in-memory/in-memory-key-usage-read-model.js';
import { MongoKeyUsageReadModel } from '../../src/infrastructure/mongodb/mongodb-key-usage-read-model.js';
import { SqliteKeyUsageReadModel } from '../../src/infrastructure/sqlite/sqlite-key-usage-read-model.js';
import { mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { keyUsageReadModelContract } from './key-usage-read-model.contract.js';

keyUsageReadModelContract('in-memory', async () => {
  const readModel = new InMemoryKeyUsageReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

keyUsageReadModelContract('sqlite', async () => {
  const dir = makeTempDir('usage');
  const readModel = new SqliteKeyUsageReadModel(join(dir.path, 'read-model.sqlite'));
  return {
    readModel,
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});

whenMongo('MongoDB usage read model contract', (url) =>
  keyUsageReadModelContract('mongodb', mongoReadModelFixture(url, (client, db) => new MongoKeyUsageReadModel(client, db, 0))),
);
