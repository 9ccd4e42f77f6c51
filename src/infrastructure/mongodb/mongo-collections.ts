import { type Db, MongoServerError } from 'mongodb';

const NAMESPACE_EXISTS = 48;
/** How FerretDB 1.24 (SQLite) reports a collection whose table exists but whose record of it does not. */
const LEFTOVER_TABLE = /table "([^"]+)" already exists/;

/** Creating the collection failed because FerretDB holds a table left from a creation it never finished. */
export class LeftoverTableError extends Error {
  constructor(
    readonly collection: string,
    readonly table: string,
  ) {
    super(
      `MongoDB (FerretDB) cannot create collection ${collection}: its SQLite table ${table} is left from a creation the ` +
        'server never finished (FerretDB 1.24 creates the table, then records it; a crash between the two leaves the ' +
        `table unrecorded, and every later creation fails). With FerretDB stopped, drop table "${table}" from the ` +
        "database's .sqlite file, then start again.",
    );
    this.name = 'LeftoverTableError';
  }
}

/** The names of the database's collections, in one round trip. */
export async function collectionNames(db: Db): Promise<Set<string>> {
  return new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name));
}

/**
 * Creates each named collection that is missing, so that none is created later by a first write, while the service
 * runs: a creation is the one moment a FerretDB 1.24 crash damages the database (see LeftoverTableError). Done
 * before a storage is used, its window is start-up, not any moment of a long fill.
 */
export async function createMissingCollections(db: Db, names: readonly string[]): Promise<void> {
  const existing = await collectionNames(db);
  for (const name of names) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (error) {
      // Another instance, starting at the same time, created it first.
      if (error instanceof MongoServerError && error.code === NAMESPACE_EXISTS) continue;
      const leftover = error instanceof Error ? LEFTOVER_TABLE.exec(error.message) : null;
      throw leftover ? new LeftoverTableError(name, leftover[1]) : error;
    }
  }
}

/**
 * The UUID the server gave the collection when it made it (MongoDB and FerretDB 1.24 report it): a collection
 * dropped and made again has another. Null when there is no such collection.
 */
export async function collectionUuid(db: Db, name: string): Promise<string | null> {
  const [found] = await db.listCollections({ name }).toArray();
  if (found === undefined) return null;
  // A string on FerretDB 1.24, a BSON UUID on MongoDB.
  const uuid = (found as { info?: { uuid?: string | { toHexString(): string } } }).info?.uuid;
  if (uuid === undefined) throw new Error(`The MongoDB server reports no UUID for collection ${name}`);
  return typeof uuid === 'string' ? uuid : uuid.toHexString();
}
