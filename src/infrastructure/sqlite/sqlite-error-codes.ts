/**
 * SQLite's result codes for a file it cannot write or read now, whatever the statement: a full disk (SQLITE_FULL),
 * an I/O error (SQLITE_IOERR and its extended codes), a file or file system made read-only (SQLITE_READONLY_*),
 * a lock another connection held past the busy timeout (SQLITE_BUSY_*), a file that cannot be opened. The data is
 * not wrong and the statement was not: once the operator frees space or the lock is released, a retry succeeds.
 */
const UNAVAILABLE = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_BUSY', 'SQLITE_CANTOPEN'];
/** SQLite's codes for a file that is not a database, or whose content is damaged: a retry cannot help. */
const CORRUPT = ['SQLITE_NOTADB', 'SQLITE_CORRUPT'];

/**
 * SQLite's codes for a statement refused for what it writes: a value past SQLITE_MAX_LENGTH (SQLITE_TOOBIG), a
 * constraint (SQLITE_CONSTRAINT_*), a type mismatch (SQLITE_MISMATCH). The same append meets them again at every try.
 */
const REFUSED = ['SQLITE_TOOBIG', 'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH'];

/** True when SQLite refused the statement for its data: no retry of the same append mends it. */
export function isRefusedForItsData(error: unknown): boolean {
  return hasCodeOf(error, REFUSED);
}

/** The one classification of SQLite failures: true when the file cannot be used now (answered 503), not wrong. */
export function isSqliteUnavailable(error: unknown): boolean {
  return hasCodeOf(error, UNAVAILABLE);
}

/** True when the file is no database, or a damaged one. */
export function isCorruptDatabase(error: unknown): boolean {
  return hasCodeOf(error, CORRUPT);
}

/** Whether the error's SQLite result code is one of `primaries` or one of their extended codes (`<primary>_…`). */
function hasCodeOf(error: unknown, primaries: readonly string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && primaries.some((primary) => code === primary || code.startsWith(`${primary}_`));
}
