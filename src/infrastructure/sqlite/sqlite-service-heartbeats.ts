import type Database from 'better-sqlite3';
import { openSharedDatabase } from './shared-database.js';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';

interface Row {
  holder: string;
  host: string;
  pid: number;
  beat_at: number;
}

/** The heartbeats of the services using DATA_DIR, in a file of their own beside the read models. */
export class SqliteServiceHeartbeats implements ServiceHeartbeats {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openSharedDatabase(file);
    this.db.exec('CREATE TABLE IF NOT EXISTS heartbeats (holder TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, beat_at INTEGER NOT NULL)');
  }

  async beat({ holder, host, pid, beatAt }: ServiceHeartbeat): Promise<void> {
    this.db
      .prepare('INSERT INTO heartbeats (holder, host, pid, beat_at) VALUES (?, ?, ?, ?) ON CONFLICT (holder) DO UPDATE SET beat_at = excluded.beat_at')
      .run(holder, host, pid, beatAt.getTime());
  }

  async forget(holders: readonly string[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM heartbeats WHERE holder = ?');
    this.db.transaction(() => holders.forEach((holder) => remove.run(holder)))();
  }

  async end(holder: string): Promise<void> {
    this.db.prepare('DELETE FROM heartbeats WHERE holder = ?').run(holder);
  }

  async since(since: Date): Promise<ServiceHeartbeat[]> {
    return this.db
      .prepare<[number], Row>('SELECT holder, host, pid, beat_at FROM heartbeats WHERE beat_at >= ? ORDER BY beat_at DESC')
      .all(since.getTime())
      .map((row) => ({ holder: row.holder, host: row.host, pid: row.pid, beatAt: new Date(row.beat_at) }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
