import type Database from 'better-sqlite3';
import { openSharedDatabase } from './shared-database.js';
import { CHECKPOINT_BACKSTOP_PAGES } from './periodic-checkpoints.js';

/** Opens the embedded read-model file: rebuildable from the log, so it trades fsyncs for speed. */
export function openReadModelDatabase(file: string): Database.Database {
  const db = openSharedDatabase(file);
  // The log is the source of truth: losing the last writes on power loss costs a short replay.
  db.pragma('synchronous = NORMAL');
  // A WalCheckpointer checkpoints this file off the request thread.
  db.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`);
  db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
  return db;
}
