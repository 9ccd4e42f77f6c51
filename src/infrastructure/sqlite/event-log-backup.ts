import Database from 'better-sqlite3';
import { corruptEventLog, RESTORE_THE_LOG } from './event-log-database.js';
import { checkEventLogBackup, DamagedEventLogCopy } from './event-log-restore.js';
import { copyDatabaseOnline } from './online-copy.js';
import { isCorruptDatabase } from './sqlite-error-codes.js';

export interface EventLogBackup {
  events: number;
  /** The last event's position in the copy, null for an empty log. */
  position: number | null;
  bytes: number;
}

/**
 * Copies the log, while processes write to it, into a new file (copyDatabaseOnline), and says what the copy holds. The
 * copy is checked as restore checks a backup (checkEventLogBackup) before it is named: a live log holding an event that
 * is not JSON was copied without a word until 2026-12-07, and restore then refused the copy as "changed since written",
 * blaming the backup for the live log's damage. Such a copy is refused here, naming the live log, and removed.
 */
export async function backUpEventLog(file: string, destination: string, interrupted?: () => Error | null): Promise<EventLogBackup> {
  const check = (copy: string) => {
    try {
      checkEventLogBackup(copy);
    } catch (error) {
      throw error instanceof DamagedEventLogCopy ? damagedLiveLog(file, destination, error) : error;
    }
  };
  await copyDatabaseOnline(file, destination, interrupted, check).catch((error: unknown) => {
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

/** The live log is what is damaged: VACUUM INTO copies the events' bytes as they are in it. */
function damagedLiveLog(file: string, destination: string, found: DamagedEventLogCopy): Error {
  return new Error(`The event log ${file} is damaged (${found.found}): no copy written to ${destination}. ${RESTORE_THE_LOG}`, { cause: found });
}
