import { type Db, MongoClient } from 'mongodb';
import { MONGO_CLIENT_OPTIONS } from './mongo-client-options.js';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
}

/**
 * Connects and checks the server once, so a wrong URL or a server that is down shows at startup:
 * the promise rejects after about serverSelectionTimeoutMS rather than hanging. Once connected,
 * the client reconnects by itself after an outage. The caller owns the client and must close it
 * (MongoApiKeyReadModel.open takes it over).
 */
export async function connectMongo(url: string, dbName: string): Promise<MongoConnection> {
  const client = new MongoClient(url, MONGO_CLIENT_OPTIONS);
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
  return { client, db: client.db(dbName) };
}

/** Connects as connectMongo does, then prepares what the caller opens; closes the client if preparing fails. */
export async function openOnMongo<T>(url: string, dbName: string, prepare: (connection: MongoConnection) => Promise<T>): Promise<T> {
  const connection = await connectMongo(url, dbName);
  try {
    return await prepare(connection);
  } catch (error) {
    await connection.client.close().catch(() => undefined);
    throw error;
  }
}
