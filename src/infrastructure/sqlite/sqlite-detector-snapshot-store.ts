import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { openReadModelDatabase } from './read-model-database.js';

interface Head {
  position: number;
  state: string;
  generation: string | null;
  parts: number | null;
}

/**
 * The detector's snapshot in the embedded read-model file. One row holds the position and the first part (a version-7
 * snapshot: its whole text, with no generation); the other parts are rows of detector_snapshot_parts under a new
 * generation, each written as it comes (no write lock held across the save), then one transaction points the row at
 * that generation and deletes every other. A save cut off part-way leaves the row, and its generation, as they were.
 * The first part stays in the row so that a build of version 7 reads it, finds an unknown version and rebuilds
 * silently up to the position, as for any format it does not know.
 */
export class SqliteDetectorSnapshotStore implements DetectorSnapshotStore {
  private readonly db: Database.Database;

  /**
   * `guard` runs each read of a part a load hands back after it returned (outside the storage's watch of its calls):
   * the storage answers damage in it as in any call (ReadModelDamage).
   */
  constructor(
    file: string,
    private readonly guard: <T>(read: () => T) => T = (read) => read(),
  ) {
    this.db = openReadModelDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS detector_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, state TEXT NOT NULL)');
    const columns = (this.db.prepare('PRAGMA table_info(detector_snapshot)').all() as { name: string }[]).map(({ name }) => name);
    if (!columns.includes('generation')) this.db.exec('ALTER TABLE detector_snapshot ADD COLUMN generation TEXT');
    if (!columns.includes('parts')) this.db.exec('ALTER TABLE detector_snapshot ADD COLUMN parts INTEGER');
    this.db.exec('CREATE TABLE IF NOT EXISTS detector_snapshot_parts (generation TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (generation, seq))');
  }

  async load(): Promise<DetectorSnapshot | null> {
    const head = this.db.prepare('SELECT position, state, generation, parts FROM detector_snapshot WHERE id = 1').get() as Head | undefined;
    return head ? { position: head.position, parts: this.partsOf(head) } : null;
  }

  private async *partsOf({ state, generation, parts }: Head): AsyncGenerator<string> {
    yield state;
    if (generation === null || parts === null) return;
    const read = this.db.prepare('SELECT text FROM detector_snapshot_parts WHERE generation = ? AND seq = ?').pluck();
    for (let seq = 1; seq <= parts; seq++) {
      const text = this.guard(() => read.get(generation, seq) as string | undefined);
      // Replaced meanwhile (another process on this file): the reader finds parts missing and rebuilds.
      if (text === undefined) return;
      yield text;
    }
  }

  async save({ position, parts }: DetectorSnapshot): Promise<void> {
    const generation = randomUUID();
    const insert = this.db.prepare('INSERT INTO detector_snapshot_parts (generation, seq, text) VALUES (?, ?, ?)');
    let first: string | undefined;
    let seq = 0;
    try {
      for await (const part of parts) {
        if (first === undefined) first = part;
        else insert.run(generation, ++seq, part);
      }
      if (first === undefined) throw new Error('A detector snapshot has at least one part');
    } catch (error) {
      this.db.prepare('DELETE FROM detector_snapshot_parts WHERE generation = ?').run(generation);
      throw error;
    }
    const header = first;
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO detector_snapshot (id, position, state, generation, parts) VALUES (1, ?, ?, ?, ?) ' +
            'ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state, generation = excluded.generation, parts = excluded.parts',
        )
        .run(position, header, generation, seq);
      this.db.prepare('DELETE FROM detector_snapshot_parts WHERE generation <> ?').run(generation);
    })();
  }

  async clear(): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM detector_snapshot').run();
      this.db.prepare('DELETE FROM detector_snapshot_parts').run();
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
