import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './shared-database.js';

export interface EventLogBackup {
  events: number;
  /** The last event's position in the copy, null for an empty log. */
  position: number | null;
  bytes: number;
}

/**
 * Copies the log as it is at one moment into a new file, beside the processes writing to it: VACUUM INTO reads
 * one snapshot in one read transaction, which in WAL mode blocks no writer (better-sqlite3's page-by-page backup
 * starts over whenever another connection writes, so under a service's usage flushes it could run forever).
 * The copy is compacted; SQLite refuses a destination that exists.
 */
export function backUpEventLog(file: string, destination: string): EventLogBackup {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    source.prepare('VACUUM INTO ?').run(destination);
  } finally {
    source.close();
  }
  const copy = new Database(destination, { readonly: true, fileMustExist: true });
  try {
    const { events, position } = copy.prepare<[], { events: number; position: number | null }>('SELECT COUNT(*) AS events, MAX(position) AS position FROM events').get()!;
    const bytes = (copy.pragma('page_count', { simple: true }) as number) * (copy.pragma('page_size', { simple: true }) as number);
    return { events, position, bytes };
  } finally {
    copy.close();
  }
}
