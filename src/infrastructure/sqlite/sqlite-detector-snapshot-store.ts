import type Database from 'better-sqlite3';
import type { DetectorSnapshot, DetectorSnapshotStore } from '../../anomalies/detection/detector-snapshot-store.port.js';
import { openReadModelDatabase } from './read-model-database.js';

/** The detector's snapshot as one row of the embedded read-model file (replaced in one statement). */
export class SqliteDetectorSnapshotStore implements DetectorSnapshotStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openReadModelDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS detector_snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL, state TEXT NOT NULL)');
  }

  async load(): Promise<DetectorSnapshot | null> {
    return (this.db.prepare('SELECT position, state FROM detector_snapshot WHERE id = 1').get() as DetectorSnapshot | undefined) ?? null;
  }

  async save({ position, state }: DetectorSnapshot): Promise<void> {
    this.db
      .prepare('INSERT INTO detector_snapshot (id, position, state) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state')
      .run(position, state);
  }

  async clear(): Promise<void> {
    this.db.prepare('DELETE FROM detector_snapshot').run();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
