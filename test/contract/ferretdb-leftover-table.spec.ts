import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { LeftoverTableError } from '../../src/infrastructure/mongodb/mongo-collections.js';
import { MongoReadModelStorage } from '../../src/infrastructure/mongodb/mongo-read-model-storage.js';
import { describeWithFerretDb, startFerretDb, type FerretDbInstance } from '../support/ferretdb.js';

/** The table FerretDB 1.24 names a collection's: lower-cased name and its 32-bit FNV-1a hash (registry.go). */
function ferretTableOf(collection: string): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(collection)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return `${collection.toLowerCase()}_${hash.toString(16).padStart(8, '0')}`;
}

async function collectionNames(url: string, dbName: string): Promise<string[]> {
  const client = new MongoClient(url);
  try {
    return (await client.db(dbName).listCollections({}, { nameOnly: true }).toArray()).map(({ name }) => name).sort();
  } finally {
    await client.close();
  }
}

function leftoverTableSuite(): void {
  let ferret: FerretDbInstance;

  beforeAll(async () => {
    ferret = await startFerretDb();
  });
  afterAll(async () => {
    await ferret?.dispose();
  });

  it('creates every collection it will write when it opens, so none is created mid-run by a first write', async () => {
    const storage = await MongoReadModelStorage.connect(ferret.url, 'fresh');
    await storage.close();
    expect(await collectionNames(ferret.url, 'fresh')).toEqual(
      ['alerts', 'api_key_accounts', 'api_keys', 'audit_log', 'checkpoints', 'delivered', 'delivery_failures', 'delivery_leases', 'detector_snapshot', 'detector_snapshot_chunks', 'generations', 'key_usage'].sort(),
    );
  });

  // What a FerretDB killed between creating a collection's table and recording it leaves (seen in CI, kill -9 mid-fill).
  it('names a table left by an unfinished creation and how to remove it, and opens once it is removed', async () => {
    const seed = new MongoClient(ferret.url);
    await seed.db('damaged').collection('other').insertOne({ _id: 'x' } as never);
    await seed.close();
    await ferret.stop();
    const file = join(ferret.dataDir, 'damaged.sqlite');
    const table = ferretTableOf('key_usage');
    const sqlite = new Database(file);
    sqlite.exec(`CREATE TABLE "${table}" (_ferretdb_sjson TEXT NOT NULL CHECK(_ferretdb_sjson != '')) STRICT`);
    sqlite.close();
    await ferret.restart();

    const failed = await MongoReadModelStorage.connect(ferret.url, 'damaged').then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(LeftoverTableError);
    expect(failed).toMatchObject({ collection: 'key_usage', table });
    expect((failed as Error).message).toContain(`drop table "${table}"`);

    await ferret.stop();
    const repair = new Database(file);
    repair.exec(`DROP TABLE "${table}"`);
    repair.close();
    await ferret.restart();
    const storage = await MongoReadModelStorage.connect(ferret.url, 'damaged');
    await storage.close();
    expect(await collectionNames(ferret.url, 'damaged')).toContain('key_usage');
  });
}

describeWithFerretDb('FerretDB leftover-table test', 'MongoDB read model storage on FerretDB 1.24: collections made at open', leftoverTableSuite);
