import Database from 'better-sqlite3';
import { corruptEventLog } from './event-log-database.js';
import { copyDatabaseOnline } from './online-copy.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';

export interface EventLogBackup {
  events: number;
  /** The last event's position in the copy, null for an empty log. */
  position: number | null;
  bytes: number;
}

/** Copies the log, while processes write to it, into a new file (copyDatabaseOnline), and says what the copy holds. */
export async function backUpEventLog(file: string, destination: string, interrupted?: () => Error | null): Promise<EventLogBackup> {
  await copyDatabaseOnline(file, destination, interrupted).catch((error: unknown) => {
    throw isCorruptDatabase(error) ? corruptEventLog(file, error) : error;
  });
  const copy = new Database(destination, { readonly: true, fileMustExist: true });
  try {
    const { events, position } = copy.prepare<[], { events: number; position: number | null }>('SELECT COUNT(*) AS events, MAX(position) AS position FROM events').get()!;
    const bytes = (copy.pragma('page_count', { simple: true }) as number) * (copy.pragma('page_size', { simple: true }) as number);
    return { events, position, bytes };
  } finally {
    copy.close();
  }
}
