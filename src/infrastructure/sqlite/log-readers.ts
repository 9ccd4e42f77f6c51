import type Database from 'better-sqlite3';
import { type LogReader, logReadersDecision, THIS_READER, writtenByANewerVersion } from '../../shared/event-store/log-format.js';

export { LOG_FORMAT_READ, OLDEST_READER_NEEDED } from '../../shared/event-store/log-format.js';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS log_readers (id INTEGER PRIMARY KEY CHECK (id = 1), oldest_reader INTEGER NOT NULL)';

/**
 * The log says which readers may open it: the oldest log format reader that the events written to it need. A
 * version that reads an older format refuses to open the log (a downgrade over data it cannot read), before it
 * writes anything; one that reads it raises the mark to what its own events need. Builds without this table (up
 * to 2026-12-05 at least) do not look at it: it protects against downgrades to this version and later ones.
 */
export function checkLogReaders(db: Database.Database, file: string, reader: LogReader = THIS_READER): void {
  const marked = oldestReader(db);
  const decision = logReadersDecision(marked, reader);
  if (decision === 'refuse') throw writtenByANewerVersion(file, marked!, reader);
  db.exec(SCHEMA);
  if (decision === 'raise') {
    db.prepare(
      'INSERT INTO log_readers (id, oldest_reader) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET oldest_reader = max(oldest_reader, excluded.oldest_reader)',
    ).run(reader.needs);
  }
}

/** Refuses, as an open would, a log (a backup, opened read-only) that a newer version marked beyond this one; writes nothing. */
export function refuseLogOfNewerVersion(db: Database.Database, file: string, reader: LogReader = THIS_READER): void {
  const marked = oldestReader(db);
  if (logReadersDecision(marked, reader) === 'refuse') throw writtenByANewerVersion(file, marked!, reader);
}

/** The mark, or null in a log without one (new, or written only by versions before it). */
function oldestReader(db: Database.Database): number | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_readers'").get();
  if (table === undefined) return null;
  const row = db.prepare<[], { oldest_reader: number }>('SELECT oldest_reader FROM log_readers WHERE id = 1').get();
  return row?.oldest_reader ?? null;
}
