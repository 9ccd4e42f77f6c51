import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteKeyUsageReadModel } from '../../infrastructure/sqlite/sqlite-key-usage-read-model.js';
import type { Environment } from '../../shared/config/environment.js';
import type { KeyUsageReadModel } from '../../usage/projection/key-usage-read-model.port.js';

export type ReadModelSettings = Pick<Environment, 'MONGODB_URL' | 'MONGODB_DB' | 'DATA_DIR'>;

export const READ_MODEL_FILE = 'read-model.sqlite';

/** The usage read model alone, on a connection of its own: for the thread that projects usage. */
export async function openKeyUsageReadModel(settings: ReadModelSettings): Promise<KeyUsageReadModel> {
  if (settings.MONGODB_URL) {
    const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
    const { MongoKeyUsageReadModel } = await import('../../infrastructure/mongodb/mongodb-key-usage-read-model.js');
    const { client, db } = await connectMongo(settings.MONGODB_URL, settings.MONGODB_DB);
    return new MongoKeyUsageReadModel(client, db);
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return new SqliteKeyUsageReadModel(join(settings.DATA_DIR, READ_MODEL_FILE));
}
