import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Db, MongoClient } from 'mongodb';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';
import { makeTempDir } from './temp-dir.js';

/** A store under contract test, with a way to close and reopen it on the same storage (absent for in-memory ones). */
export interface StoreFixture<S extends { close(): Promise<void> }> {
  store: S;
  reopen?(): Promise<S>;
  cleanup(): Promise<void>;
}

/** The store in an SQLite file of a fresh temporary directory, removed afterwards. */
export async function sqliteStoreFixture<S extends { close(): Promise<void> }>(fileName: string, open: (file: string) => S): Promise<StoreFixture<S>> {
  const dir = makeTempDir('store');
  const file = join(dir.path, fileName);
  const fixture: StoreFixture<S> = {
    store: open(file),
    reopen: async () => {
      await fixture.store.close();
      return open(file);
    },
    cleanup: async () => {
      await fixture.store.close();
      dir.remove();
    },
  };
  return fixture;
}

/** The store in a fresh MongoDB database, dropped afterwards. The store takes over the client it is given. */
export async function mongoStoreFixture<S extends { close(): Promise<void> }>(
  url: string,
  open: (client: MongoClient, db: Db) => S,
): Promise<StoreFixture<S>> {
  const name = `psk_test_${randomUUID().replaceAll('-', '')}`;
  const connect = async () => {
    const { client, db } = await connectMongo(url, name);
    return open(client, db);
  };
  const fixture: StoreFixture<S> = {
    store: await connect(),
    reopen: async () => {
      await fixture.store.close();
      return connect();
    },
    cleanup: async () => {
      const { client, db } = await connectMongo(url, name);
      await db.dropDatabase();
      await client.close();
      await fixture.store.close();
    },
  };
  return fixture;
}
