import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/runtime/error-message.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { setReadModelFilesAside } from './read-model-files.js';
import { isCorruptDatabase, isSqliteUnavailable } from './sqlite-error-codes.js';

/**
 * Left in DATA_DIR by the first connection to meet a read-model file damaged while it runs (a page no start read):
 * which file (and which file it was: its device and inode), why, when. It tells the other threads and processes using
 * the files that the damage is reported already, and the next start that the files are to be set aside and rebuilt.
 */
export const DAMAGE_MARK = 'read-model.damaged';

interface Mark {
  file: string;
  identity: string;
  error: string;
  at: string;
}

/**
 * What a storage of the read-model files does when SQLite finds one of them damaged after it opened (SQLITE_CORRUPT,
 * SQLITE_NOTADB on a page no start read). Each store is watched (watch): such a failure of any of its calls, whatever
 * the store, fails as StoreDamagedError, answered 503, reported by one error line for the whole DATA_DIR (whoever
 * leaves the mark first), never one per request or per retry. The storage is then not reachable for readiness (check).
 *
 * It is not mended while the service runs: setting the files aside under connections that hold them open (this
 * process's projection thread and WAL checkpointer, other instances on the DATA_DIR, the CLI) would leave each on the
 * file it holds, apart from the new ones. The next start does it, before anything opens them (settleDamageMark).
 */
export class ReadModelDamage {
  /** Each file this storage opened, as it was then: a file set aside and made anew since is another. */
  private readonly identities = new Map<string, string>();
  private damaged: StoreDamagedError | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly onError: (message: string) => void,
  ) {}

  /** A file this storage has opened: damage reported by another connection is this storage's if it is that file. */
  opened(file: string): void {
    this.identities.set(file, identityOf(file) ?? '');
  }

  /** The store, its every call answering damage SQLite finds in `file` as StoreDamagedError (reported once). */
  watch<T extends object>(file: string, open: () => T): T {
    const store = this.guarded(file, open);
    return new Proxy(store, {
      get: (target, member) => {
        const value: unknown = Reflect.get(target, member, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          this.guarded(file, () => {
            const result: unknown = value.apply(target, args);
            return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(this.failure(file, error))) : result;
          });
      },
    });
  }

  /** For readiness: fails while this storage has met damage, or another thread or process reported one of its files. */
  check(): void {
    if (this.damaged) throw this.damaged;
    const mark = readMark(this.dataDir);
    if (mark && this.identities.get(mark.file) === mark.identity) {
      throw new StoreDamagedError(`Read-model file ${mark.file}`, new Error(mark.error), { reported: true });
    }
  }

  /** One call answering damage as watch does: for what a watched store reads after its call has returned (a lazy read). */
  guarded<T>(file: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw this.failure(file, error);
    }
  }

  private failure(file: string, error: unknown): unknown {
    // A lock held past the busy timeout, a full disk: a retry may succeed (503, the CLI's 75), as for the event log.
    // The CLI said `error: database is locked` and exited 1 while another process held the file.
    if (isSqliteUnavailable(error) && !(error instanceof StoreUnavailableError)) return new StoreUnavailableError(`Read-model file ${file}`, error);
    if (!isCorruptDatabase(error) || error instanceof StoreDamagedError) return error;
    const damaged = new StoreDamagedError(`Read-model file ${file}`, error, { reported: true });
    if (!this.damaged) {
      this.damaged = damaged;
      if (this.leaveMark(file, error)) {
        this.onError(
          `Read-model file ${file} is damaged (${errorMessage(error)}): what reads it answers 503 and the projections that write it ` +
            `have stopped. It is rebuilt from the event log: restart the service (every service using DATA_DIR ${this.dataDir}); ` +
            `at the start the read-model files are set aside and made anew, and filled from the log (${DAMAGE_MARK} in DATA_DIR says so)`,
        );
      }
    }
    return damaged;
  }

  /** True when this connection is the first to report the damage (or cannot leave the mark: it reports all the same). */
  private leaveMark(file: string, error: unknown): boolean {
    const identity = this.identities.get(file) ?? identityOf(file) ?? '';
    // Set aside and made anew since this connection opened it (another instance's start): the file at its name is
    // not the damaged one, and the next start is not to set it aside. (The damaged one, renamed, still holds its inode.)
    if (identity !== identityOf(file)) return true;
    const mark: Mark = { file, identity, error: errorMessage(error), at: new Date().toISOString() };
    const path = join(this.dataDir, DAMAGE_MARK);
    try {
      writeFileSync(path, JSON.stringify(mark), { flag: 'wx' });
      return true;
    } catch (failure) {
      if ((failure as NodeJS.ErrnoException).code !== 'EEXIST') return true;
      const left = readMark(this.dataDir);
      if (left?.file === file && left.identity === identity) return false;
      // A mark of another file, or of the file before it was made anew: this damage is new.
      writeFileSync(path, JSON.stringify(mark), { flag: 'w' });
      return true;
    }
  }
}

/**
 * At the first opening of a process (the service's start, the CLI), before any read-model file is opened: when a
 * running service marked one damaged (ReadModelDamage), and that file is still the one it marked (by device and inode:
 * one set aside keeps its inode, so a file made anew since has another), every read-model
 * file is set aside as a file found damaged at open is, with one warning; the projections fill new ones from the log.
 * The mark is removed either way (a file made anew since is not the damaged one).
 */
export function settleDamageMark(dataDir: string, onWarning: (message: string) => void): void {
  const mark = readMark(dataDir);
  if (mark && identityOf(mark.file) === mark.identity) {
    const moved = setReadModelFilesAside(dataDir);
    onWarning(
      `Read-model file ${mark.file} was found damaged while a service ran (${mark.error}, at ${mark.at}): the read-model files ` +
        `were renamed aside (${moved.join(', ')}) and the read models are rebuilt from the event log`,
    );
  }
  rmSync(join(dataDir, DAMAGE_MARK), { force: true });
}

function readMark(dataDir: string): Mark | null {
  const path = join(dataDir, DAMAGE_MARK);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Mark;
  } catch {
    // Half written, or removed meanwhile.
    return null;
  }
}

function identityOf(file: string): string | null {
  try {
    const { dev, ino } = statSync(file);
    return `${dev}:${ino}`;
  } catch {
    return null;
  }
}
