import { SqliteKeyUsageReadModel } from '../../infrastructure/sqlite/sqlite-key-usage-read-model.js';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';
import { openInReadModelStorage, type ReadModelSettings } from './read-model-storage.js';

/** The usage read model alone, on a connection of its own: for the thread that projects usage. */
export function openKeyUsageReadModel(settings: ReadModelSettings): Promise<KeyUsageReadModel> {
  return openInReadModelStorage<KeyUsageReadModel>(settings, {
    mongodb: async (client, db) => {
      const { MongoKeyUsageReadModel } = await import('../../infrastructure/mongodb/mongodb-key-usage-read-model.js');
      return new MongoKeyUsageReadModel(client, db);
    },
    sqlite: (file) => new SqliteKeyUsageReadModel(file),
  });
}
