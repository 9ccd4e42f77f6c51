import type Database from 'better-sqlite3';
import type {
  AppendManyOptions,
  Backlog,
  BacklogOptions,
  AppendResult,
  EventSelection,
  EventStore,
  EventSubscription,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReplacedPositions,
  StreamAppend,
  StreamPage,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionHandler,
} from '../../shared/event-store/event-store.port.js';
import { AppendWorkerClient } from './append-worker-client.js';
import { encodeAppend } from './encoded-event.js';
import { type Appenders, openEventLog, prepareAppenders, prepareWriteProbe, RESTORE_THE_LOG } from './event-log-database.js';
import { EVENT_COLUMNS, type EventRow, EventReadsByType } from './event-reads-by-type.js';
import { RecentlyDecodedEvents } from './recently-decoded-events.js';
import { removeStreamStartInChunks } from './stream-start-removal.js';
import { isCorruptDatabase, isRefusedForItsData, isSqliteUnavailable } from './sqlite-error-codes.js';
import { isTypeIndexMissing, rebuildTypeIndex } from './type-index.js';
import { StoreDamagedError } from '../../shared/storage/store-damaged.error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { isoTimestamp } from '../../shared/runtime/iso-timestamp.js';
import { AppendSignal, type PolledBatch, pollingSubscription, typesOf } from '../polling/polling-subscription.js';

export interface SqliteEventStoreOptions {
  /** How often a live subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How often the append worker checkpoints the log (1 s by default). */
  checkpointIntervalMs?: number;
  /** Told what went wrong off the caller's thread (a failed checkpoint); Node's process warnings by default. */
  onWarning?(message: string): void;
  /** Told once, as an error, of damage SQLite finds in the log under its readers (the projections); onWarning's default when absent. */
  onError?(message: string): void;
  /**
   * Commit the flushed appends (key changes) on the calling thread, not on a worker thread of their own: for a thread
   * that serves no request (the CLI, for which starting the worker, 0.4-0.9 s at load 20, costs more than its appends;
   * the projection thread's alerts).
   */
  flushedAppendsOnThisThread?: boolean;
}

/** The embedded event log: one SQLite file in WAL mode, shared safely with other processes (the CLI). */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal = new AppendSignal();
  private readonly appendListeners = new Set<(types: ReadonlySet<string>) => void>();
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly statements;
  /** Usage batches: committed without a flush, checkpointing the log, at background priority. */
  private readonly appendWorker: AppendWorkerClient;
  /**
   * Every other append (key changes), flushed: off this thread, whose requests (verify) would wait out each flush;
   * on this one (appendsHere) only with flushedAppendsOnThisThread.
   */
  private readonly durableAppendWorker: AppendWorkerClient;
  private readonly appendsHere: Appenders | null;
  private readonly readsByType: EventReadsByType;
  private readonly decoded = new RecentlyDecodedEvents();
  private readonly name: string;
  private readonly warn: (message: string) => void;
  private readonly reportError: (message: string) => void;
  /** The damage its readers met that was reported already (one error line each, never one per retry). */
  private readonly reportedDamage = new Set<string>();
  private readonly probeWrite: (at: string) => void;
  /** Why the last append failed, while the log cannot be written (a full disk, a damaged file...): readiness reports it. */
  private cannotWrite: Error | null = null;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    this.name = `The event log ${file}`;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.batchSize = options.batchSize ?? 100;
    this.warn = options.onWarning ?? ((message) => process.emitWarning(message));
    this.reportError = options.onError ?? ((message) => process.emitWarning(message));
    this.db = openEventLog(file, 'FULL');
    this.appendWorker = new AppendWorkerClient(file, {
      synchronous: 'NORMAL',
      checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
      background: true,
      onWarning: this.warn,
    });
    this.durableAppendWorker = new AppendWorkerClient(file, { synchronous: 'FULL', checkpointIntervalMs: null, background: false, onWarning: this.warn });
    this.appendsHere = options.flushedAppendsOnThisThread ? prepareAppenders(this.db) : null;
    this.readsByType = this.throughTypeIndex(() => new EventReadsByType(this.db));
    this.statements = {
      readStream: this.db
        .prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(true),
      readStreamBackwards: this.db
        .prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
        .raw(true),
      readAll: this.db.prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      // AUTOINCREMENT's record of the highest position ever given: no row when none was.
      lastGiven: this.db.prepare<[], number>("SELECT seq FROM sqlite_sequence WHERE name = 'events'").pluck(true),
      recordedAt: this.db.prepare<[number], string>('SELECT recorded_at FROM events WHERE position = ?').pluck(true),
      replaced: this.db.prepare<[], ReplacedPositions>('SELECT after, through FROM replaced_positions'),
    };
    this.probeWrite = prepareWriteProbe(this.db);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('Nothing to append');
    const [result] = await this.refusalReported(() => this.writing(() => this.appendFlushed([{ streamId, events, expectedRevision }])));
    this.appended(typesOf([{ events }]));
    return result;
  }

  /**
   * Appends that need only survive this process (usage records) go to a worker thread with its own
   * connection, which commits without flushing to disk each time; the others to another, which flushes each
   * commit (~3 ms of fsync on this project's machine, which on this thread held up every request meanwhile).
   */
  async appendToStreams(appends: readonly StreamAppend[], options: AppendManyOptions = {}): Promise<AppendResult[]> {
    if (appends.length === 0) return [];
    const results = await this.refusalReported(() =>
      this.writing(() => (options.durability === 'process' ? this.appendWorker.append(appends) : this.appendFlushed(appends))),
    );
    this.appended(typesOf(appends));
    return results;
  }

  /** An append SQLite refused for its data, as the port's AppendRefusedError: in one transaction, no stream is named. */
  private async refusalReported<T>(append: () => Promise<T>): Promise<T> {
    try {
      return await append();
    } catch (error) {
      throw isRefusedForItsData(error) ? new AppendRefusedError(this.name, 'malformed', error) : error;
    }
  }

  private appendFlushed(appends: readonly StreamAppend[]): AppendResult[] | Promise<AppendResult[]> {
    return this.appendsHere ? this.appendsHere.appendMany(appends.map(encodeAppend)) : this.durableAppendWorker.append(appends);
  }

  onAppended(listener: (types: ReadonlySet<string>) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  wakeSubscriptions(types?: readonly string[]): void {
    this.signal.notify(types);
  }

  private appended(types: ReadonlySet<string>): void {
    this.signal.notify(types);
    for (const listener of this.appendListeners) listener(types);
  }

  async readStream(streamId: string, page: StreamPage = {}): Promise<RecordedEvent[]> {
    const { fromRevision, maxCount = -1 } = page;
    if (page.direction === 'backwards') {
      const through = fromRevision ?? Number.MAX_SAFE_INTEGER;
      return this.damageReported(() => this.statements.readStreamBackwards.all(streamId, through, maxCount).map(toRecordedEvent));
    }
    return this.damageReported(() => this.statements.readStream.all(streamId, fromRevision ?? 0, maxCount).map(toRecordedEvent));
  }

  /**
   * Transactions of REMOVAL_CHUNK_ROWS, newest first, each flushed (stream-start-removal.ts); the pages freed are reused
   * by later appends (the file does not shrink without VACUUM).
   */
  async removeStreamStart(streamId: string, beforeRevision: number): Promise<number> {
    return removeStreamStartInChunks(this.db, streamId, beforeRevision, (work) => this.writing(work));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.damageReportedOnce(() => this.throughTypeIndex(() => this.read(options.after ?? 0, options, options.maxCount)));
  }

  /** Counted from the (type, position) index alone, without decoding an event; one row read for the oldest's time. */
  async backlog({ after, maxCount, types, unknownTypesIn }: BacklogOptions): Promise<Backlog> {
    return this.damageReportedOnce(() =>
      this.throughTypeIndex(() =>
        this.db.transaction((): Backlog => {
          const from = after ?? 0;
          const count = this.readsByType.count(from, types, maxCount, unknownTypesIn);
          const [first] = count > 0 ? this.readsByType.positions(from, types, 1, unknownTypesIn) : [];
          return first === undefined
            ? { count, oldestRecordedAt: null, oldestPosition: null }
            : { count, oldestRecordedAt: this.statements.recordedAt.get(first)!, oldestPosition: first };
        })(),
      ),
    );
  }

  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): EventSubscription {
    return pollingSubscription(
      async (after, selection) => this.damageReportedOnce(() => this.readFiltered(after, selection, this.batchSize)),
      this.signal,
      this.pollIntervalMs,
      options,
      handler,
    );
  }

  async headPosition(): Promise<number | null> {
    return this.damageReportedOnce(() => this.statements.head.get()!.position);
  }

  /**
   * The last position the log gave (every record of the embedded log is one of this service's events): the head, or
   * past it where archive-usage removed the log's last events (a day of failed authentications nothing was logged
   * after), which projections may have read; a copy restored from a backup ends where the log did when copied.
   */
  async endPosition(): Promise<number | null> {
    const head = await this.headPosition();
    return this.damageReportedOnce(() => Math.max(head ?? 0, this.statements.lastGiven.get() ?? 0) || null);
  }

  async replacedPositions(): Promise<readonly ReplacedPositions[]> {
    return this.damageReportedOnce(() => this.statements.replaced.all());
  }

  /**
   * Reads; and while the last append failed for the file (it cannot be written, or SQLite found it damaged), writes
   * what an append writes to see if it can now (prepareWriteProbe): ready again as soon as it can, so one failure
   * that passes keeps no instance out, and one that lasts keeps it out until it passes.
   */
  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    if (!this.cannotWrite) return;
    try {
      await this.writing(() => this.probeWrite(isoTimestamp(Date.now())));
    } catch (error) {
      if (!this.cannotWrite) throw error;
      throw new Error(`${this.name} cannot be written: ${this.cannotWrite.message}`, { cause: error });
    }
  }

  /**
   * Runs an append. A file that cannot be written now (a full disk, an I/O error, a read-only file system) fails it
   * as StoreUnavailableError, answered 503. That failure, or SQLite finding the file damaged, is remembered until a
   * write succeeds, for readiness to report; a refusal of the append itself (a revision that moved on) is not.
   */
  private async writing<T>(write: () => T | Promise<T>): Promise<T> {
    try {
      const result = await write();
      this.cannotWrite = null;
      return result;
    } catch (error) {
      const unavailable = isSqliteUnavailable(error);
      if (!unavailable && !isCorruptDatabase(error)) throw error;
      this.cannotWrite = error as Error;
      throw unavailable ? new StoreUnavailableError(this.name, error) : this.damaged(error);
    }
  }

  /**
   * Runs a read that a request waits for (a stream, before a change). Damage SQLite finds there fails it as
   * StoreDamagedError (503, one error line, where it was a 500) and is remembered as an append's would be: readiness
   * is down until the log can be written again (ping).
   */
  private damageReported<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!isCorruptDatabase(error)) throw error;
      this.cannotWrite = error as Error;
      throw this.damaged(error);
    }
  }

  /** The log found damaged, with what to do: a start or a CLI command that meets it ends on this one line. */
  private damaged(cause: unknown, options: { reported?: boolean } = {}): StoreDamagedError {
    return new StoreDamagedError(this.name, cause, { ...options, advice: RESTORE_THE_LOG });
  }

  /**
   * A read of the log's readers (the subscriptions of the projections, their backlog, the head), as damageReported,
   * and the damage reported by one error line, the first time it is met: not at each projection's retry. Marked
   * reported, the error is answered 503 without another line.
   */
  private damageReportedOnce<T>(read: () => T): T {
    try {
      return this.damageReported(read);
    } catch (error) {
      if (!(error instanceof StoreDamagedError)) throw error;
      const damaged = this.damaged(error.cause, { reported: true });
      const damage = new StoreDamagedError(this.name, error.cause).message;
      if (!this.reportedDamage.has(damage)) {
        this.reportedDamage.add(damage);
        this.reportError(
          `${damage}, met by its readers (the projections): they stop, and retry every minute or once the log can be written ` +
            `again; readiness answers 503 meanwhile. ${RESTORE_THE_LOG}`,
        );
      }
      throw damaged;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.appendWorker.close(), this.durableAppendWorker.close()]);
    this.signal.notify();
    if (this.db.open) this.db.close();
  }

  /** One read transaction, so the batch and the scanned-up-to position come from one snapshot. */
  private readFiltered(after: number | null, selection: EventSelection, limit: number): PolledBatch {
    return this.throughTypeIndex(() =>
      this.db.transaction((): PolledBatch => {
        const events = this.read(after ?? 0, selection, limit);
        const scannedUpTo = events.length === limit ? events[events.length - 1].position : this.statements.head.get()!.position;
        return { events, scannedUpTo };
      })(),
    );
  }

  /**
   * Runs a read that goes through the type index, and when the index is gone (an older build dropped it: type-index.ts)
   * builds it again and reads once more, outside the read's transaction. The reads name the index (INDEXED BY) though
   * SQLite's planner picks it unasked: without it they would walk every row after their start, each poll, silently;
   * named, its loss is an error, seen and mended here.
   */
  private throughTypeIndex<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      if (!isTypeIndexMissing(error) || this.db.inTransaction) throw error;
      if (rebuildTypeIndex(this.db)) {
        this.warn(
          `${this.name} was missing its index events_by_type, which builds of this service from 2026-11-27 to 2026-12-02 ` +
            '(15bcd2c to f8c4a0e^) drop whenever they open the log: rebuilt, reads go on. An older version ran on this ' +
            'DATA_DIR; keep it off (docs/operations.md, "Upgrades")',
        );
      }
      return read();
    }
  }

  /** Filtered reads decode only the events this connection has not decoded lately (RecentlyDecodedEvents). */
  private read(after: number, { types, unknownTypesIn }: EventSelection, limit: number): RecordedEvent[] {
    if (!types) return this.statements.readAll.all(after, limit).map(toRecordedEvent);
    const positions = this.readsByType.positions(after, types, limit, unknownTypesIn);
    const found = positions.map((position) => this.decoded.get(position));
    const missing = positions.filter((_, i) => found[i] === undefined);
    if (missing.length === 0) return found as RecordedEvent[];
    const rows = this.readsByType.rows(missing);
    let next = 0;
    return found.map((event) => event ?? this.decode(rows[next++]));
  }

  private decode(row: EventRow): RecordedEvent {
    const event = toRecordedEvent(row);
    this.decoded.put(event);
    return event;
  }
}

function toRecordedEvent([position, id, streamId, revision, type, schemaVersion, data, metadata, recordedAt]: EventRow): RecordedEvent {
  return { id, streamId, type, schemaVersion, data: JSON.parse(data), metadata: JSON.parse(metadata), revision, position, recordedAt };
}
