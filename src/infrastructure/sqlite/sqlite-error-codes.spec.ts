import { isCorruptDatabase, isRefusedForItsData, isSqliteUnavailable } from './sqlite-error-codes.js';

const sqliteError = (code: string) => Object.assign(new Error(code), { code });

describe('isSqliteUnavailable', () => {
  it.each(['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_IOERR_WRITE', 'SQLITE_IOERR_FSYNC', 'SQLITE_READONLY', 'SQLITE_READONLY_DBMOVED', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_CANTOPEN'])(
    'is true for %s: a file that cannot be used now',
    (code) => expect(isSqliteUnavailable(sqliteError(code))).toBe(true),
  );

  it.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_FULLY_MADE_UP', 'ENOSPC'])('is false for %s', (code) =>
    expect(isSqliteUnavailable(sqliteError(code))).toBe(false),
  );

  it('is false for what is no SQLite error', () => {
    for (const value of [null, undefined, 'SQLITE_FULL', new Error('database or disk is full')]) expect(isSqliteUnavailable(value)).toBe(false);
  });
});

describe('isCorruptDatabase', () => {
  it.each(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_INDEX'])('is true for %s: a file no retry can make usable', (code) =>
    expect(isCorruptDatabase(sqliteError(code))).toBe(true),
  );

  it.each(['SQLITE_FULL', 'SQLITE_IOERR_READ', 'SQLITE_CORRUPTED', 'SQLITE_ERROR'])('is false for %s', (code) => expect(isCorruptDatabase(sqliteError(code))).toBe(false));

  it('is false for what is no SQLite error', () => {
    for (const value of [null, undefined, 'SQLITE_CORRUPT', new Error('file is not a database')]) expect(isCorruptDatabase(value)).toBe(false);
  });
});

describe('isRefusedForItsData', () => {
  it.each(['SQLITE_TOOBIG', 'SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_TRIGGER', 'SQLITE_MISMATCH'])(
    'is true for %s: the same append is refused again',
    (code) => expect(isRefusedForItsData(sqliteError(code))).toBe(true),
  );

  it.each(['SQLITE_FULL', 'SQLITE_BUSY', 'SQLITE_CORRUPT', 'SQLITE_ERROR', 'SQLITE_TOOBIGGER'])('is false for %s', (code) =>
    expect(isRefusedForItsData(sqliteError(code))).toBe(false),
  );
});
