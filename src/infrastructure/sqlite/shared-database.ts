import Database from 'better-sqlite3';
import { ensureWritable } from './writable-files.js';
import { CHECKPOINT_BACKSTOP_PAGES } from './periodic-checkpoints.js';

/** How long a statement waits for another connection (a thread, another instance, the CLI) before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;
const SWITCH_RETRY_PAUSE_MS = 10;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
/**
 * The size a -wal is cut back to once a checkpoint has emptied it: the backstop's, in pages of SQLite's default 4 KiB.
 * SQLite keeps a -wal at its largest size until the last connection closes; one that outgrew the backstop while a
 * reader held it back (a soak: 63.5 MB of log after a 33 s pause of the projection thread) stayed so until a restart.
 */
export const WAL_SIZE_LIMIT_BYTES = CHECKPOINT_BACKSTOP_PAGES * 4096;

/**
 * Opens a database file that several connections share: they wait for each other (busy_timeout), and the file is
 * in WAL mode. Two processes opening a new file at the same instant (instances started together on one DATA_DIR) both
 * switch it to WAL, and SQLite refuses one of them SQLITE_BUSY at once, without waiting (77 of 300 such opens in a
 * scratch race of two processes): the switch is retried until the busy timeout, as any other statement waits.
 * A file it could not write is refused first, by its name (ensureWritable).
 */
export function openSharedDatabase(file: string): Database.Database {
  ensureWritable(file);
  const db = new Database(file);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Monotonic: by Date.now(), a clock stepped back during the race held the start, synchronously, for the step.
  const deadline = performance.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      return db;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() >= deadline) {
        db.close();
        throw error;
      }
    }
    // Synchronous like the open it belongs to; a start-up pause of milliseconds, never on a request.
    Atomics.wait(PAUSE, 0, 0, SWITCH_RETRY_PAUSE_MS);
  }
}
