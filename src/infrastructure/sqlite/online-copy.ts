import Database from 'better-sqlite3';
import { closeSync, fsyncSync, linkSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUSY_TIMEOUT_MS } from './shared-database.js';

/**
 * Copies a SQLite file as it is at one moment into `destination`, which must not exist, while other processes
 * write to it: VACUUM INTO reads one snapshot in one read transaction, which in WAL mode blocks no writer
 * (better-sqlite3's page-by-page backup starts over whenever another connection writes, so under a service's
 * usage flushes it could run forever). The copy is written under a temporary name in the destination's
 * directory, made durable (fsync), and only then given its name: a copy interrupted (a signal, a kill, a full
 * disk) never leaves a file under the destination's name that could be restored as a complete one. The
 * temporary file is removed on a failure, or when `interrupted` says so once the copy is written. Mode 0600:
 * the copy holds what the source holds, readable by its owner only.
 */
export async function copyDatabaseOnline(source: string, destination: string, interrupted: () => Error | null = () => null): Promise<void> {
  const temporary = `${destination}.partial-${process.pid}`;
  try {
    // VACUUM INTO accepts an empty file: made first, it gets its mode now, and SQLite's journal the same.
    closeSync(openSync(temporary, 'wx', 0o600));
    const database = new Database(source, { readonly: true, fileMustExist: true });
    try {
      database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      database.prepare('VACUUM INTO ?').run(temporary);
    } finally {
      database.close();
    }
    await letPendingSignalsRun();
    const stop = interrupted();
    if (stop) throw stop;
    syncFile(temporary);
    // A hard link, unlike a rename, refuses a destination that appeared meanwhile: nothing is overwritten.
    linkSync(temporary, destination);
    rmSync(temporary);
    syncFile(dirname(destination));
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}-journal`, { force: true });
    throw error;
  }
}

function syncFile(path: string): void {
  const descriptor = openSync(path, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The copy ran on this thread: a signal that came meanwhile is read only by the event loop's next poll phase.
 * The first turn may be ending the poll phase that ran the copy; the second comes after a poll that read it.
 */
async function letPendingSignalsRun(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}
