import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ConcurrencyError, currentRevisionMatches } from '../../shared/event-store/concurrency-error.js';
import type {
  AppendResult,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  StreamAppend,
  StreamPage,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionHandler,
} from '../../shared/event-store/event-store.port.js';
import { AppendSignal, type PolledBatch, pollingSubscription } from '../polling/polling-subscription.js';

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

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
-- No index on type: filtered reads walk the log by position (see filteredRead), and every index costs appends.
DROP INDEX IF EXISTS events_by_type;
`;

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  batchSize?: number;
}

/** The embedded event log: one SQLite file in WAL mode, shared safely with other processes (the CLI). */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal = new AppendSignal();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly statements;
  private readonly appendTx;
  private readonly appendManyTx;
  private readonly filteredReads = new Map<number, Database.Statement<unknown[], EventRow>>();

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.batchSize ?? 1000;
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: number }>(
        'SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream_id, revision, type, schema_version, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      readStream: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAll: this.db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    };
    this.appendTx = this.db.transaction(
      (streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): AppendResult => {
        const last = this.statements.lastRevision.get(streamId);
        const actual = last ? last.revision : 'no_stream';
        if (!currentRevisionMatches(expected, actual)) throw new ConcurrencyError(streamId, expected, actual);
        let revision = last ? last.revision : -1;
        let position = 0;
        const recordedAt = new Date().toISOString();
        for (const event of events) {
          revision += 1;
          const info = this.statements.insert.run(
            randomUUID(),
            streamId,
            revision,
            event.type,
            event.schemaVersion,
            JSON.stringify(event.data),
            JSON.stringify(event.metadata ?? {}),
            recordedAt,
          );
          position = Number(info.lastInsertRowid);
        }
        return { nextExpectedRevision: revision, position };
      },
    );
    this.appendManyTx = this.db.transaction((appends: readonly StreamAppend[]) =>
      appends.map((append) => this.appendTx(append.streamId, append.events, append.expectedRevision)),
    );
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('Nothing to append');
    const result = this.appendTx.immediate(streamId, events, expectedRevision);
    this.signal.notify();
    return result;
  }

  async appendToStreams(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    const results = this.appendManyTx.immediate(appends);
    this.signal.notify();
    return results;
  }

  async readStream(streamId: string, page: StreamPage = {}): Promise<RecordedEvent[]> {
    return this.statements.readStream.all(streamId, page.fromRevision ?? 0, page.maxCount ?? -1).map(toRecordedEvent);
  }

  async readAll({ after, maxCount, types }: ReadAllOptions): Promise<RecordedEvent[]> {
    const from = after ?? 0;
    const rows = types ? this.filteredRead(types.length).all(from, ...types, maxCount) : this.statements.readAll.all(from, maxCount);
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): EventSubscription {
    return pollingSubscription(
      async (after, types) => this.readFiltered(after, types, this.batchSize),
      this.signal,
      this.pollIntervalMs,
      options,
      handler,
    );
  }

  async headPosition(): Promise<number | null> {
    return this.statements.head.get()!.position;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.signal.notify();
    if (this.db.open) this.db.close();
  }

  private filteredRead(typeCount: number): Database.Statement<unknown[], EventRow> {
    let statement = this.filteredReads.get(typeCount);
    if (!statement) {
      const placeholders = Array.from({ length: typeCount }, () => '?').join(',');
      statement = this.db.prepare<unknown[], EventRow>(
        // NOT INDEXED keeps SQLite on the position range: through a type index it would sort every
        // remaining match for each batch, which makes a catch-up over a long log quadratic.
        `SELECT * FROM events NOT INDEXED WHERE position > ? AND type IN (${placeholders}) ORDER BY position LIMIT ?`,
      );
      this.filteredReads.set(typeCount, statement);
    }
    return statement;
  }

  /** One read transaction, so the batch and the scanned-up-to position come from one snapshot. */
  private readFiltered(after: number | null, types: readonly string[] | undefined, limit: number): PolledBatch {
    return this.db.transaction((): PolledBatch => {
      const from = after ?? 0;
      const rows = types ? this.filteredRead(types.length).all(from, ...types, limit) : this.statements.readAll.all(from, limit);
      const events = rows.map(toRecordedEvent);
      const scannedUpTo = events.length === limit ? events[events.length - 1].position : this.statements.head.get()!.position;
      return { events, scannedUpTo };
    })();
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    revision: row.revision,
    position: row.position,
    recordedAt: row.recorded_at,
  };
}
