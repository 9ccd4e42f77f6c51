import { existsSync, statSync } from 'node:fs';
import { embeddedEventLogFile, type EventStoreSettings } from './storage.js';

/**
 * An events.sqlite of 0 bytes is no log: SQLite would take it for an empty store, and what it is, in practice, is a copy
 * that never got written (a backup interrupted, a disk full), restored by mistake. Refused by the start and by every CLI
 * command but create-key, which starts stores.
 */
export function refuseEmptyEventLog(settings: EventStoreSettings): void {
  const file = embeddedEventLogFile(settings);
  if (file !== null && existsSync(file) && statSync(file).size === 0) {
    throw new Error(`The event log ${file} is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.`);
  }
}
