import { basename, dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { setFilesAside } from './files-set-aside.js';
import { openSharedDatabase } from './shared-database.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';
import type { ServiceHeartbeat, ServiceHeartbeats } from '../../shared/storage/service-heartbeats.port.js';

interface Row {
  holder: string;
  host: string;
  pid: number;
  beat_at: number;
}

export interface SqliteServiceHeartbeatsOptions {
  /** Told when a damaged file was set aside for a new one. */
  onWarning(message: string): void;
}

/** The heartbeats of the services using DATA_DIR, in a file of their own beside the read models. */
export class SqliteServiceHeartbeats implements ServiceHeartbeats {
  private readonly db: Database.Database;

  constructor(file: string, options: SqliteServiceHeartbeatsOptions) {
    this.db = openHeartbeats(file, options);
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

/**
 * Opens the file, and when SQLite finds it damaged (not a database, malformed) sets it aside, with its -wal and -shm,
 * as the read-model files are, and makes a new one: it holds only heartbeats, which the running services write again
 * within seconds. Before, every command that reads it (replay, list...) ended on SQLite's bare error.
 */
function openHeartbeats(file: string, { onWarning }: SqliteServiceHeartbeatsOptions): Database.Database {
  try {
    return openSchema(file);
  } catch (error) {
    if (!isCorruptDatabase(error)) throw error;
    const name = basename(file).replace(/[.]/g, '\\.');
    const moved = setFilesAside(dirname(file), new RegExp(`^${name}(-wal|-shm)?$`));
    onWarning(
      `Heartbeats file ${file} is corrupt (${(error as Error).message}): it was renamed aside (${moved.join(', ')}) and a new one made; ` +
        "it holds only the running services' heartbeats, which they write again: nothing is lost",
    );
    return openSchema(file);
  }
}

function openSchema(file: string): Database.Database {
  const db = openSharedDatabase(file);
  try {
    db.exec('CREATE TABLE IF NOT EXISTS heartbeats (holder TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, beat_at INTEGER NOT NULL)');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
