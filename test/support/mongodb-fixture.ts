import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { type Collection, type Db, type Document, type Filter, type FindCursor, type FindOptions, MongoClient, MongoServerError } from 'mongodb';
import { connectMongo } from '../../src/infrastructure/mongodb/mongo-connection.js';

/** Registers a MongoDB suite when MONGODB_URL is set; otherwise prints one line and registers a skipped placeholder. */
export function whenMongo(label: string, register: (url: string) => void): void {
  const url = process.env.MONGODB_URL;
  if (url) return register(url);
  const reason = `${label} skipped: MONGODB_URL is not set`;
  process.stdout.write(`${reason}\n`);
  describe.skip(reason, () => it('needs MONGODB_URL', () => undefined));
}

/** A contract fixture on a database of its own, dropped afterwards. */
export function mongoReadModelFixture<R extends { close(): Promise<void> }>(
  url: string,
  open: (client: MongoClient, db: Db) => Promise<R> | R,
): () => Promise<{ readModel: R; cleanup(): Promise<void> }> {
  return async () => {
    const { client, db } = await connectMongo(url, `psk_test_${randomUUID().replaceAll('-', '')}`);
    const readModel = await open(client, db);
    return {
      readModel,
      cleanup: async () => {
        await db.dropDatabase();
        await readModel.close();
      },
    };
  };
}

/** Drops a suite's own database on a client of its own (the suite's may be closed, or its socket timeout too short). */
export async function dropMongoDatabase(url: string, name: string): Promise<void> {
  const admin = new MongoClient(url);
  try {
    await admin.db(name).dropDatabase();
  } finally {
    await admin.close();
  }
}

/**
 * Whether the server changes one document atomically in a find-and-modify, as MongoDB does. FerretDB 1.24 does
 * not: its findAndModify (and update) reads the document, then writes it, with nothing between to stop another.
 */
export async function hasAtomicDocumentWrites(url: string): Promise<boolean> {
  const { client, db } = await connectMongo(url, 'admin');
  try {
    const info = await db.command({ buildInfo: 1 });
    return info.ferretdbVersion === undefined;
  } finally {
    await client.close();
  }
}

/**
 * Every find given maxTimeMS (a page the server is asked to sort) on this collection answered MaxTimeMSExpired, as
 * FerretDB 1.24 answers it at 20,000 views and more; any other find (the pass over the collection) goes to the server.
 */
export function answerSortedPagesPastTimeLimit(views: Collection<never> | Collection<Document>, when: () => boolean = () => true): void {
  const find = views.find.bind(views) as (filter: Filter<never>, options?: FindOptions) => unknown;
  jest.spyOn(views, 'find').mockImplementation(((filter: Filter<never>, options?: FindOptions) => {
    if (options?.maxTimeMS !== undefined && when()) {
      throw new MongoServerError({ ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' });
    }
    return find(filter, options);
  }) as never);
}

/**
 * Runs `write` between the batches of every pass over this collection (a find given no maxTimeMS: no sorted page), before
 * each getMore, as a projection writing while a page is chosen does (on FerretDB 1.24 the pass reads one SQLite snapshot;
 * a MongoDB server's collection scan meets what was written as it goes).
 */
export function writeBetweenPassBatches(views: Collection<never> | Collection<Document>, batch: number, write: () => Promise<void>): void {
  const find = views.find.bind(views) as (filter: Filter<never>, options?: FindOptions) => FindCursor;
  views.find = ((filter: Filter<never>, options?: FindOptions) => {
    const cursor = find(filter, options);
    if (options?.maxTimeMS !== undefined) return cursor;
    const next = cursor.next.bind(cursor);
    let read = 0;
    cursor.next = (async () => {
      if (read > 0 && read % batch === 0) await write();
      read += 1;
      return next();
    }) as never;
    return cursor;
  }) as never;
}
