import { existsSync, statSync } from 'node:fs';
import { embeddedEventLogFile } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';

/**
 * Refuses a DATA_DIR that holds no event log, before anything is opened: opening it would make a new, empty store
 * there, and a mistyped DATA_DIR answered "No such API key" (exit 3) from it. Only create-key starts a store.
 * An empty events.sqlite (0 bytes) is no log either: SQLite would take it for an empty store, and what it is, in
 * practice, is a copy that never got written (a backup interrupted, a disk full), restored by mistake.
 */
export function requireExistingEventLog(environment: Environment): void {
  const file = embeddedEventLogFile(environment);
  if (file === null) return;
  if (!existsSync(file)) {
    throw new Error(`No event log in DATA_DIR ${environment.DATA_DIR} (no ${file}): check DATA_DIR. Only create-key starts a new store.`);
  }
  if (statSync(file).size === 0) {
    throw new Error(`The event log ${file} is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.`);
  }
}
