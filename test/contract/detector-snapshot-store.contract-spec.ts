import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DetectorSnapshotStore } from '../../src/anomalies/detection/detector-snapshot-store.port.js';
import { InMemoryDetectorSnapshotStore } from '../../src/infrastructure/in-memory/in-memory-detector-snapshot-store.js';
import { MongoDetectorSnapshotStore } from '../../src/infrastructure/mongodb/mongo-detector-snapshot-store.js';
import { SqliteDetectorSnapshotStore } from '../../src/infrastructure/sqlite/sqlite-detector-snapshot-store.js';
import { whenMongo } from '../support/mongodb-fixture.js';
import { mongoStoreFixture, sqliteStoreFixture, type StoreFixture } from '../support/store-fixtures.js';
import { makeTempDir } from '../support/temp-dir.js';
import { type DetectorSnapshotFixture, detectorSnapshotStoreContract, partsOf } from './detector-snapshot-store.contract.js';

detectorSnapshotStoreContract('in-memory', async () => {
  const store = new InMemoryDetectorSnapshotStore();
  return { store, cleanup: () => store.close() };
}, false);

/** The statements of the builds before version 8: one row, the whole text. */
const WHOLE_TABLE = 'CREATE TABLE IF NOT EXISTS detector_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, state TEXT NOT NULL)';
const WHOLE_SAVE = 'INSERT INTO detector_snapshot (id, position, state) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state';

/** The fixture with a store's own checks added; its reopen and cleanup read `store` from the object they were made on. */
function withStoreOf(fixture: StoreFixture<DetectorSnapshotStore>, checks: Pick<DetectorSnapshotFixture, 'writeWhole' | 'storedParts'>): DetectorSnapshotFixture {
  return {
    ...fixture,
    ...checks,
    get store() {
      return fixture.store;
    },
    set store(store) {
      fixture.store = store;
    },
  };
}

function withRaw<T>(file: string, use: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return use(db);
  } finally {
    db.close();
  }
}

detectorSnapshotStoreContract('sqlite', async (): Promise<DetectorSnapshotFixture> => {
  let file = '';
  const fixture = await sqliteStoreFixture('read-model.sqlite', (path) => {
    file = path;
    return new SqliteDetectorSnapshotStore(path);
  });
  return withStoreOf(fixture, {
    writeWhole: async (position, text) => withRaw(file, (db) => void db.prepare(WHOLE_SAVE).run(position, text)),
    storedParts: async () =>
      withRaw(file, (db) => {
        const rows = db.prepare('SELECT count(*) FROM detector_snapshot WHERE id = 1').pluck().get() as number;
        return rows + (db.prepare('SELECT count(*) FROM detector_snapshot_parts').pluck().get() as number);
      }),
  });
});

describe('SqliteDetectorSnapshotStore on a file of the build before version 8', () => {
  it('adds its columns and table, and loads the whole text the file held', async () => {
    const dir = makeTempDir('snapshot');
    const file = join(dir.path, 'read-model.sqlite');
    const text = JSON.stringify({ version: 7, keys: [['k', {}]] });
    withRaw(file, (db) => {
      db.exec(WHOLE_TABLE);
      db.prepare(WHOLE_SAVE).run(21, text);
    });
    const store = new SqliteDetectorSnapshotStore(file);
    try {
      const snapshot = await store.load();
      expect(snapshot?.position).toBe(21);
      expect(await partsOf(snapshot)).toEqual([text]);
      await store.save({ position: 22, parts: ['{"h":22}', '{"k":1}'] });
      // What that build reads of it: the first part, a version it does not know, and the position.
      expect(withRaw(file, (db) => db.prepare('SELECT position, state FROM detector_snapshot').get())).toEqual({ position: 22, state: '{"h":22}' });
    } finally {
      await store.close();
      dir.remove();
    }
  });
});

whenMongo('MongoDB detector snapshot store contract', (url) =>
  detectorSnapshotStoreContract('mongodb', async (): Promise<DetectorSnapshotFixture> => {
    let database: import('mongodb').Db | undefined;
    const fixture = await mongoStoreFixture(url, (client, db) => {
      database = db;
      return new MongoDetectorSnapshotStore(client, db);
    });
    const [heads, chunks] = MongoDetectorSnapshotStore.COLLECTIONS;
    return withStoreOf(fixture, {
      // As the build before version 8 saved: the text in slices of 4 Mi characters, a head without a format.
      writeWhole: async (position, text) => {
        const slice = 4 * 1024 * 1024;
        const count = Math.ceil(text.length / slice);
        for (let index = 0; index < count; index++) {
          await database!.collection(chunks).insertOne({ _id: `old:${index}` as never, generation: 'old', index, text: text.slice(index * slice, (index + 1) * slice) });
        }
        await database!.collection(heads).replaceOne({ _id: 'head' as never }, { generation: 'old', position, chunks: count }, { upsert: true });
      },
      storedParts: () => database!.collection(chunks).countDocuments({}),
    });
  }),
);

describe('SqliteDetectorSnapshotStore reads a part after load returned', () => {
  it('through its guard, so the storage answers damage found there as in any call', async () => {
    const dir = makeTempDir('snapshot');
    const file = join(dir.path, 'read-model.sqlite');
    let guarding = false;
    const store = new SqliteDetectorSnapshotStore(file, (read) => {
      if (guarding) throw new Error('read through the guard');
      return read();
    });
    try {
      await store.save({ position: 1, parts: ['{"h":1}', '{"k":[1]}'] });
      const snapshot = await store.load();
      guarding = true;
      await expect(partsOf(snapshot)).rejects.toThrow('read through the guard');
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
