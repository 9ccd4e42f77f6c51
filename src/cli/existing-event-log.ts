import { existsSync } from 'node:fs';
import { embeddedEventLogFile } from '../app/storage/storage.js';
import type { Environment } from '../shared/config/environment.js';

/**
 * Refuses a DATA_DIR that holds no event log, before anything is opened: opening it would make a new, empty store
 * there, and a mistyped DATA_DIR answered "No such API key" (exit 3) from it. Only create-key starts a store.
 */
export function requireExistingEventLog(environment: Environment): void {
  const file = embeddedEventLogFile(environment);
  if (file === null || existsSync(file)) return;
  throw new Error(`No event log in DATA_DIR ${environment.DATA_DIR} (no ${file}): check DATA_DIR. Only create-key starts a new store.`);
}
