import Database from 'better-sqlite3';
import { accessSync, chmodSync, closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, openSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BUSY_TIMEOUT_MS } from './shared-database.js';
import { isSqliteUnavailable } from './sqlite-error-codes.js';

/**
 * Copies a SQLite file as it is at one moment into `destination`, which must not exist, while other processes
 * write to it: VACUUM INTO reads one snapshot in one read transaction, which in WAL mode blocks no writer
 * (better-sqlite3's page-by-page backup starts over whenever another connection writes, so under a service's
 * usage flushes it could run forever). The copy is written under a temporary name in the destination's
 * directory, made durable (fsync), and only then given its name: a copy interrupted (a signal, a kill, a full
 * disk) never leaves a file under the destination's name that could be restored as a complete one. The
 * temporary file is removed on a failure, when `interrupted` says so once the copy is written, or when `check` (given
 * the written copy) throws. Mode 0600:
 * the copy holds what the source holds, readable by its owner only.
 */
export async function copyDatabaseOnline(
  source: string,
  destination: string,
  interrupted: () => Error | null = () => null,
  check: (copy: string) => void = () => {},
): Promise<void> {
  const temporary = `${destination}.partial-${process.pid}`;
  const writing = <T>(write: () => T): T => {
    try {
      return write();
    } catch (error) {
      throw cannotWriteCopy(destination, error);
    }
  };
  try {
    // VACUUM INTO accepts an empty file: made first, it gets its mode now, and SQLite's journal the same.
    writing(() => closeSync(openSync(temporary, 'wx', 0o600)));
    snapshotInto(source, temporary, destination);
    await letPendingSignalsRun();
    const stop = interrupted();
    if (stop) throw stop;
    // Checked before it is named: a copy refused never appears under the destination's name.
    check(temporary);
    writing(() => syncFile(temporary));
    // A hard link, unlike a rename, refuses a destination that appeared meanwhile: nothing is overwritten.
    try {
      linkSync(temporary, destination);
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw exists ? new Error(`${destination} exists: back up into a new file`, { cause: error }) : cannotWriteCopy(destination, error);
    }
    rmSync(temporary);
    syncFile(dirname(destination));
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(`${temporary}-journal`, { force: true });
    throw error;
  }
}

/**
 * One moment of `source` into `temporary`: VACUUM INTO. SQLite cannot open a log in WAL mode in a directory it cannot
 * write (a read-only snapshot or volume) when no -shm is beside it: it would have to make the -shm. With no -wal either,
 * nothing can be writing such a file (a writer makes the -wal first), so its bytes are one moment's: copied as they
 * are. With a -wal, the file alone misses the commits in it: refused, saying how to copy it out (walWithoutShm).
 */
function snapshotInto(source: string, temporary: string, destination: string): void {
  const database = new Database(source, { readonly: true, fileMustExist: true });
  try {
    database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    try {
      // The file is opened at the first statement that reads it.
      database.prepare('SELECT COUNT(*) FROM sqlite_schema').get();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_CANTOPEN' || isWritable(dirname(source))) throw error;
      if (existsSync(`${source}-wal`)) throw existsSync(`${source}-shm`) ? error : walWithoutShm(source, error);
      copyFileSync(source, temporary);
      chmodSync(temporary, 0o600);
      return;
    }
    const vacuum = database.prepare('VACUUM INTO ?');
    // What fails it, but for damage or a lock of the source, is the copy's file: a full or failing disk there.
    try {
      vacuum.run(temporary);
    } catch (error) {
      throw isSqliteUnavailable(error) && !/^SQLITE_BUSY/.test((error as { code?: string }).code ?? '') ? cannotWriteCopy(destination, error) : error;
    }
  } finally {
    database.close();
  }
}

/**
 * A log with a -wal (commits not yet in the file) but no -shm, in a directory this process cannot write (a snapshot
 * copied without the -shm): SQLite must make the -shm to read the -wal, and said only "unable to open database file".
 */
function walWithoutShm(source: string, error: unknown): Error {
  const dir = dirname(source);
  return new Error(
    `${source} has a -wal but no -shm beside it, in ${dir}, which this process cannot write (a read-only snapshot or volume?): SQLite must make the -shm to read the commits in the -wal. Copy ${source} and ${source}-wal into a writable directory and run backup there (DATA_DIR=<that directory>)`,
    { cause: error },
  );
}

function isWritable(directory: string): boolean {
  try {
    accessSync(directory, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The copy could not be written where it was asked for (its directory missing or read-only, a full disk or a file-size
 * limit): said of the copy, by the name given, not of the temporary file, and not as a bare "disk I/O error" that
 * reads as the source's disk failing.
 */
function cannotWriteCopy(destination: string, error: unknown): Error {
  const { code, message } = error as { code?: string; message: string };
  const reason =
    code === 'ENOENT' ? `ENOENT: its directory ${dirname(destination)} does not exist` : /^E[A-Z]+$/.test(code ?? '') ? `${code}: ${message.split(',')[0].replace(/^E[A-Z]+: /, '')}` : message;
  return new Error(`could not write the copy ${destination} (${reason}): no copy written`, { cause: error });
}

/** Makes a file's (or a directory's entries') writes durable. */
export function syncFile(path: string): void {
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
