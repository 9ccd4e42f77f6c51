import type Database from 'better-sqlite3';
import { isCorruptDatabase } from './sqlite-error-codes.js';
import { openSharedDatabase } from './shared-database.js';
import { ConcurrencyError, currentRevisionMatches } from '../../shared/event-store/concurrency-error.js';
import type { AppendResult, ExpectedRevision } from '../../shared/event-store/event-store.port.js';
import { isoTimestamp } from '../../shared/runtime/iso-timestamp.js';
import type { EncodedEvent, EncodedStreamAppend } from './encoded-event.js';
import { CHECKPOINT_BACKSTOP_PAGES } from './periodic-checkpoints.js';
import { checkLogReaders } from './log-readers.js';
import { CREATE_TYPE_INDEX } from './type-index.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);
-- Filtered reads go through it type by type (event-reads-by-type.ts). An append adds to the end of its type's
-- range, so the index costs appends little; an older log gets it built once, when first opened (and again by a
-- read that finds it dropped by an older build: sqlite-event-store.ts).
${CREATE_TYPE_INDEX};
-- One row, written by readiness only while appends fail for a file that cannot be written: can it be now?
CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL);
-- Written by restore only: positions (after, through] were given by the log it replaced, and are given to no event of
-- this one (event-log-restore.ts), so a checkpoint among them was taken on that log (checkpoint-within-log.ts).
CREATE TABLE IF NOT EXISTS replaced_positions (after INTEGER NOT NULL, through INTEGER NOT NULL);
`;

/**
 * Opens the log in WAL mode, where several connections (this process's append worker, the CLI) share
 * it safely. `synchronous` FULL flushes every commit to disk; NORMAL only at checkpoints, so a commit
 * survives a crash of the process but not of the machine.
 */
export function openEventLog(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  let db: Database.Database | null = null;
  try {
    db = openSharedDatabase(file);
    db.pragma(`synchronous = ${synchronous}`);
    // The append worker checkpoints the log every second (append-worker.ts): no commit on the request thread runs
    // a checkpoint of the usage batches written since the last one.
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_BACKSTOP_PAGES}`);
    // Before the schema: a log a newer version marked as beyond this one is left as it is.
    checkLogReaders(db, file);
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db?.close();
    if (!isCorruptDatabase(error)) throw error;
    // Unlike the read-model files, which are set aside and rebuilt from it, the log is the source of truth: left as is.
    throw corruptEventLog(file, error);
  }
}

/**
 * What every process says of a log SQLite finds damaged, at its open or in a later read: it cannot be rebuilt, only
 * restored, and the CLI's restore does it whole (by hand, the usual mistake is to leave the old file's WAL beside the
 * copy, which SQLite applies to it and damages it). Short: a failed start's line is cut to 300 characters.
 */
export const RESTORE_THE_LOG =
  'It is the source of truth: stop every process using it and restore it from a backup with the CLI: restore <backup file> ' +
  '(docs/operations.md, "Backups")';

export function corruptEventLog(file: string, error: unknown): Error {
  return new Error(`The event log ${file} is corrupt (${(error as Error).message}). ${RESTORE_THE_LOG}`, { cause: error });
}

export interface Appenders {
  appendOne(streamId: string, events: readonly EncodedEvent[], expected: ExpectedRevision): AppendResult;
  /** All the appends in one transaction: they commit or fail together. */
  appendMany(appends: readonly EncodedStreamAppend[]): AppendResult[];
}

/** Appends that check each stream's revision inside a write (IMMEDIATE) transaction. */
export function prepareAppenders(db: Database.Database): Appenders {
  const lastRevision = db.prepare<[string], { revision: number }>(
    'SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
  );
  // A conflict on the stream's revision still fails; one on the event id is a retry of an event already in the log.
  const insert = db.prepare(
    `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  );
  const positionOf = db.prepare<[string], { position: number }>('SELECT position FROM events WHERE event_id = ?');
  const appendToStream = (streamId: string, events: readonly EncodedEvent[], expected: ExpectedRevision): AppendResult => {
    const last = lastRevision.get(streamId);
    const actual = last ? last.revision : 'no_stream';
    if (!currentRevisionMatches(expected, actual)) throw new ConcurrencyError(streamId, expected, actual);
    let revision = last ? last.revision : -1;
    let position = 0;
    const recordedAt = isoTimestamp(Date.now());
    for (const event of events) {
      const info = insert.run(event.id, streamId, revision + 1, event.type, event.schemaVersion, event.data, event.metadata, recordedAt);
      if (info.changes === 0) {
        position = positionOf.get(event.id)!.position;
        continue;
      }
      revision += 1;
      position = Number(info.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position };
  };
  const appendOne = db.transaction(appendToStream);
  const appendMany = db.transaction((appends: readonly EncodedStreamAppend[]) =>
    appends.map((append) => appendToStream(append.streamId, append.events, append.expectedRevision)),
  );
  return {
    appendOne: (streamId, events, expected) => appendOne.immediate(streamId, events, expected),
    appendMany: (appends) => appendMany.immediate(appends),
  };
}

/**
 * What readiness writes while appends fail, to see whether the log can be written again: an event inserted as an
 * append would insert it (the events table and its indexes, where appends write) and rolled back to a savepoint, so
 * the log, its positions included, is left as it was; then the one row of write_probe, committed, so a file that
 * cannot take a commit (a full disk) fails it too. A read would pass on a log whose appends fail.
 */
export function prepareWriteProbe(db: Database.Database): (at: string) => void {
  const insert = db.prepare(
    `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
     VALUES ('$write-probe', '$write-probe', 0, '$WriteProbe', 1, '{}', '{}', ?)`,
  );
  const mark = db.prepare<[string]>('INSERT INTO write_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at');
  const rolledBack = new Error('write probe rolled back');
  // Nested, it is a savepoint: the throw rolls the insert back to it.
  const insertRolledBack = db.transaction((at: string) => {
    insert.run(at);
    throw rolledBack;
  });
  const probe = db.transaction((at: string) => {
    try {
      insertRolledBack(at);
    } catch (error) {
      if (error !== rolledBack) throw error;
    }
    mark.run(at);
  });
  return (at) => probe.immediate(at);
}
