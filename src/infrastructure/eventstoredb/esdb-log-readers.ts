import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { type LogReader, logReadersDecision, THIS_READER, writtenByANewerVersion } from '../../shared/event-store/log-format.js';

/** EventStoreDB's twin of events.sqlite's log_readers table: one event per raise of the mark, never another kind. */
export const LOG_READERS_STREAM = 'parsesphere-log-readers';
export const LOG_READERS_RAISED = 'LogReadersRaised';
/** A database without the stream holds nothing a reader of the first format cannot read: no write until a format needs one. */
const FIRST_FORMAT = 1;
/** Raises by other processes met between the read and the append: each is read again, and this many are plenty. */
const RAISE_ATTEMPTS = 5;

/** The event that raises the mark to `oldestReader`. */
export function logReadersRaised(oldestReader: number): EventToAppend {
  return { type: LOG_READERS_RAISED, schemaVersion: 1, data: { oldestReader } };
}

/**
 * The mark the stream's events leave (null: no stream): the highest they raised it to. An event this version cannot
 * read there (another type, a version or a value it does not know) was written by a newer one: refused, fail closed.
 */
export function logReadersMark(events: readonly RecordedEvent[], log: string): number | null {
  let mark: number | null = null;
  for (const event of events) {
    const oldestReader = event.data.oldestReader;
    if (event.type !== LOG_READERS_RAISED || event.schemaVersion !== 1 || !Number.isSafeInteger(oldestReader) || (oldestReader as number) < 1) {
      throw new Error(
        `The event log ${log} holds, in ${LOG_READERS_STREAM} at revision ${event.revision}, ${event.type} (schema version ${event.schemaVersion}), ` +
          'which this version cannot read: a newer version of the service wrote it. Run that version or a later one (docs/operations.md, "Upgrades, rolling upgrades and downgrades")',
      );
    }
    mark = Math.max(mark ?? 0, oldestReader as number);
  }
  return mark;
}

/**
 * Read by every process at start, before anything else: refuses (one line, as on the embedded log) a database a
 * newer version marked as needing a newer reader than this one, and raises the mark when this version's events need
 * it. Each raise is appended at the revision read, so two processes raising at once cannot lower it.
 */
export async function checkEsdbLogReaders(store: EventStore, log: string, reader: LogReader = THIS_READER): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const events = await store.readStream(LOG_READERS_STREAM);
    const marked = logReadersMark(events, log);
    const decision = logReadersDecision(marked ?? FIRST_FORMAT, reader);
    if (decision === 'refuse') throw writtenByANewerVersion(log, marked!, reader);
    if (decision === 'keep') return;
    try {
      await store.appendToStream(LOG_READERS_STREAM, [logReadersRaised(reader.needs)], events.length === 0 ? 'no_stream' : events[events.length - 1].revision);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt === RAISE_ATTEMPTS) throw error;
    }
  }
}
