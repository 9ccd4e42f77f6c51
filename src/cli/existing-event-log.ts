import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { refuseEmptyEventLog } from '../app/storage/empty-event-log.js';
import { embeddedEventLogFile } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';

/** The embedded event log's file when DATA_DIR holds none yet (opening it would make a new, empty store); else null. */
export function missingEventLog(environment: Environment): string | null {
  const file = embeddedEventLogFile(environment);
  return file !== null && !existsSync(file) ? file : null;
}

/**
 * Refuses a DATA_DIR that holds no event log, before anything is opened: opening it would make a new, empty store
 * there, and a mistyped DATA_DIR answered "No such API key" (exit 3) from it. Only create-key starts a store.
 * An empty events.sqlite (0 bytes) is no log either: SQLite would take it for an empty store, and what it is, in
 * practice, is a copy that never got written (a backup interrupted, a disk full), restored by mistake (refuseEmptyEventLog).
 */
export function requireExistingEventLog(environment: Environment): void {
  const missing = missingEventLog(environment);
  if (missing !== null) {
    // The whole path: a relative DATA_DIR (./data by default) is read from the working directory, which cron's is not.
    throw new Error(`No event log in DATA_DIR ${environment.DATA_DIR} (no ${resolve(missing)}): check DATA_DIR. Only create-key starts a new store.`);
  }
  refuseEmptyEventLog(environment);
}

/**
 * create-key in a DATA_DIR that held no event log made a new store there: said on stderr, since a mistyped DATA_DIR
 * gives a key that no service reading the real one knows (it is refused as unknown), with exit code 0.
 */
export function startedStoreWarning(environment: Environment, file: string): string {
  return `warn: DATA_DIR ${environment.DATA_DIR} held no event log: a new store was started in it (${resolve(file)}). A service on another DATA_DIR does not know this key; if DATA_DIR was mistyped, run again with the right one.`;
}
