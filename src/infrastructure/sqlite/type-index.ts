import type Database from 'better-sqlite3';

const TYPE_INDEX = 'events_by_type';
/** The (type, position) index the reads by type go through (event-reads-by-type.ts). */
export const CREATE_TYPE_INDEX = `CREATE INDEX IF NOT EXISTS ${TYPE_INDEX} ON events (type, position)`;

/**
 * A read through the index failed because the index is not there: builds from 15bcd2c to f8c4a0e^ (2026-11-27 to
 * 2026-12-02) drop it each time they open the log, so one of them (its CLI, its service) run beside a current one
 * takes it away under it.
 */
export function isTypeIndexMissing(error: unknown): boolean {
  // Not `instanceof Error`: better-sqlite3 makes its errors in the realm that first loaded it (under jest, another test file's).
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.includes(`no such index: ${TYPE_INDEX}`);
}

/** Builds the index again if it is still missing; true when this connection built it (another may have first). */
export function rebuildTypeIndex(db: Database.Database): boolean {
  const exists = db.prepare<[string], number>("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").pluck(true);
  return db
    .transaction(() => {
      if (exists.get(TYPE_INDEX) !== undefined) return false;
      db.exec(CREATE_TYPE_INDEX);
      return true;
    })
    .immediate();
}
