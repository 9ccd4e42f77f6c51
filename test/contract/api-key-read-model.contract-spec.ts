import { join } from 'node:path';
import { InMemoryApiKeyReadModel } from '../../src/infrastructure/in-memory/in-memory-api-key-read-model.js';
import { SqliteApiKeyReadModel } from '../../src/infrastructure/sqlite/sqlite-api-key-read-model.js';
import { makeTempDir } from '../support/temp-dir.js';
import { apiKeyReadModelContract } from './api-key-read-model.contract.js';

apiKeyReadModelContract('in-memory', async () => {
  const readModel = new InMemoryApiKeyReadModel();
  return { readModel, cleanup: () => readModel.close() };
});

apiKeyReadModelContract('sqlite', async () => {
  const dir = makeTempDir('rm');
  const readModel = new SqliteApiKeyReadModel(join(dir.path, 'read-model.sqlite'));
  return {
    readModel,
    cleanup: async () => {
      await readModel.close();
      dir.remove();
    },
  };
});
