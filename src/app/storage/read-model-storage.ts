import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import type { Environment } from '../../shared/config/environment.js';

export type ReadModelSettings = Pick<Environment, 'MONGODB_URL' | 'MONGODB_DB' | 'DATA_DIR'>;

export const READ_MODEL_FILE = 'read-model.sqlite';

/** How to open one store of the read-model storage, on either technology. */
export interface ReadModelStoreOpeners<T> {
  /** Given a client of its own, which the store takes over (its close() closes it). */
  mongodb(client: MongoClient, db: Db): Promise<T>;
  sqlite(file: string): T;
}

/**
 * One store of the read-model storage on a connection of its own (for a worker thread, or a store with
 * its own life): MongoDB when MONGODB_URL is set, else the embedded read-model file in DATA_DIR.
 */
export async function openInReadModelStorage<T>(settings: ReadModelSettings, open: ReadModelStoreOpeners<T>): Promise<T> {
  if (settings.MONGODB_URL) {
    // Loaded only when configured, like the adapters the openers import.
    const { connectMongo } = await import('../../infrastructure/mongodb/mongo-connection.js');
    const { client, db } = await connectMongo(settings.MONGODB_URL, settings.MONGODB_DB);
    return open.mongodb(client, db);
  }
  mkdirSync(settings.DATA_DIR, { recursive: true });
  return open.sqlite(join(settings.DATA_DIR, READ_MODEL_FILE));
}
