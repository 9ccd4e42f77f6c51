import { existsSync, statSync } from 'node:fs';
import { embeddedEventLogFile, type EventStoreSettings } from './storage.js';

/**
 * How long a log found empty is watched before it is refused: a process opening a new log (an instance started at the
 * same moment on the same DATA_DIR, or create-key) makes the file at 0 bytes and writes its first page within
 * milliseconds, once it has switched it to WAL; a copy never written stays at 0 bytes.
 */
const EMPTY_LOG_WAIT_MS = 2000;
const RECHECK_MS = 10;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/**
 * An events.sqlite of 0 bytes is no log: SQLite would take it for an empty store, and what it is, in practice, is a copy
 * that never got written (a backup interrupted, a disk full), restored by mistake. Refused by the start and by every CLI
 * command but create-key, which starts stores. One still at 0 bytes after EMPTY_LOG_WAIT_MS, that is: until 2026-12-06 a
 * log another instance was creating that instant was refused (three instances started at once on a new DATA_DIR: one
 * ended "is empty (0 bytes)"; 9 of 40 scratch races of three processes opening a new log).
 */
export function refuseEmptyEventLog(settings: EventStoreSettings, waitMs = EMPTY_LOG_WAIT_MS): void {
  const file = embeddedEventLogFile(settings);
  if (file === null) return;
  // Monotonic: by Date.now(), a clock stepped back an hour during the wait held the start (or a command) that hour,
  // and one stepped forward refused a log another process was creating that instant.
  const deadline = performance.now() + waitMs;
  while (existsSync(file) && statSync(file).size === 0) {
    if (performance.now() >= deadline) {
      throw new Error(`The event log ${file} is empty (0 bytes): an incomplete copy? Restore it from a complete backup, or check DATA_DIR.`);
    }
    // Synchronous like the opens it stands before; a pause at start only, never on a request.
    Atomics.wait(PAUSE, 0, 0, RECHECK_MS);
  }
}
