import { join } from 'node:path';
import { InMemoryAlertReadModel } from '../../src/infrastructure/in-memory/in-memory-alert-read-model.js';
import { MongoAlertReadModel } from '../../src/infrastructure/mongodb/mongodb-alert-read-model.js';
import { SqliteAlertReadModel } from '../../src/infrastructure/sqlite/sqlite-alert-read-model.js';
import { mongoReadModelFixture, whenMongo } from '../support/mongodb-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';
import { alertReadModelContract } from './alert-read-model.contract.js';

alertReadModelContract('in-memory', async () => {
  const readModel = new InMemoryAlertReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

alertReadModelContract('sqlite', async () => {
  const dir = makeTempDir('alerts');
  const readModel = new SqliteAlertReadModel(join(dir.path, 'read-model.sqlite'));
  return {
    readModel,
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});

whenMongo('MongoDB alerts read model contract', (url) =>
  alertReadModelContract('mongodb', mongoReadModelFixture(url, (client, db) => MongoAlertReadModel.open(client, db, 0))),
);
