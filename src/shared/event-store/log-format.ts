/**
 * The log format this code reads. Raise it, and OLDEST_READER_NEEDED with it, in the version that first writes an
 * event an older version cannot read (a new schema version of an event, a new event type that restricts a key).
 * Both event stores keep the mark against downgrades by these numbers (events.sqlite's log_readers table, the
 * EventStoreDB stream parsesphere-log-readers).
 */
export const LOG_FORMAT_READ = 1;
/** The oldest log format reader that can read what this code writes. */
export const OLDEST_READER_NEEDED = 1;

export interface LogReader {
  /** The log format it reads (LOG_FORMAT_READ). */
  reads: number;
  /** The oldest reader its own events need (OLDEST_READER_NEEDED). */
  needs: number;
}

export const THIS_READER: LogReader = { reads: LOG_FORMAT_READ, needs: OLDEST_READER_NEEDED };

/**
 * What a process opening the log does with its mark (null: none): refuses to go on when the log needs a newer reader
 * than it is (a downgrade over data it cannot read), raises the mark to what its own events need, or keeps it.
 */
export function logReadersDecision(marked: number | null, reader: LogReader): 'refuse' | 'raise' | 'keep' {
  if (marked !== null && marked > reader.reads) return 'refuse';
  return marked === null || marked < reader.needs ? 'raise' : 'keep';
}

/** The one line every process says when it refuses a log (`log`: which log, as its store names it). */
export function writtenByANewerVersion(log: string, marked: number, reader: LogReader): Error {
  return new Error(
    `The event log ${log} was written by a newer version of the service: it needs a version that reads log format ${marked}, ` +
      `and this one reads format ${reader.reads}. Run that version or a later one (docs/operations.md, "Upgrades, rolling upgrades and downgrades")`,
  );
}
