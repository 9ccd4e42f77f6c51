/**
 * The event store port. Shaped after EventStoreDB: one stream per aggregate with a
 * per-stream revision (0-based), one global log with a monotonically increasing
 * position, and catch-up subscriptions that read history and then go live.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');

export interface EventToAppend {
  /**
   * Makes retries safe: with expected revision "any", an event whose id is already in the log is not
   * appended again (EventStoreDB: as far as its idempotency check reaches). Stores make one up when absent.
   */
  id?: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  streamId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** 0-based position of the event inside its stream. */
  revision: number;
  /** Position in the global log; strictly increasing across all streams. */
  position: number;
  recordedAt: string;
}

/** A stream revision the caller expects as the last one, or a state of the stream. */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** Revision of the last appended event. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: number;
}

/**
 * A slice of a stream: from a revision (inclusive), at most so many events. `forwards` (the default) reads up from
 * `fromRevision` (the stream's start when absent), oldest first; `backwards` reads down from it (the stream's end
 * when absent), newest first, down to the first event the stream holds.
 */
export interface StreamPage {
  fromRevision?: number;
  maxCount?: number;
  direction?: StreamDirection;
}

export type StreamDirection = 'forwards' | 'backwards';

export interface StreamAppend {
  streamId: string;
  events: readonly EventToAppend[];
  expectedRevision: ExpectedRevision;
}

/**
 * How far an append must survive before it returns. `strict` (the default): a power loss or an OS crash.
 * `process`: a crash or kill of this process, not of the machine; for high-volume facts such as usage
 * records, where the store may then skip a disk flush per write.
 */
export type AppendDurability = 'strict' | 'process';

export interface AppendManyOptions {
  durability?: AppendDurability;
  /**
   * The appends stand or fall together (a roll: the successor's creation and the old key's KeyRolled). Stores
   * with multi-stream transactions (SQLite, in memory) commit all of them or none. EventStoreDB has none: it
   * appends them one after another in the order given and stops at the first failure, so a failure there can
   * leave the appends before it in place, for the caller to undo.
   */
  together?: boolean;
}

/**
 * Events of a type this version does not know, in the streams a reader folds whole: a newer version of the service
 * wrote them (a rolling upgrade), and such a reader must learn that a stream holds what it cannot read rather than
 * fold it as if it did not (docs/operations.md, "Upgrades").
 */
export interface UnknownTypesIn {
  /** The streams: those whose id starts with this. */
  streamPrefix: string;
  /** Every type this version knows, whatever its stream: none is read for this (the numerous uses are never walked). */
  knownTypes: readonly string[];
}

/** Which events a reader reads: those of `types` (all when absent), and with `unknownTypesIn`, those too. */
export interface EventSelection {
  /** Only these event types (server-side filter where the store has one). Absent: every event this service wrote (on a shared EventStoreDB, not the other applications'). */
  types?: readonly string[];
  unknownTypesIn?: UnknownTypesIn;
}

/** Whether a selection reads the event; stores filter by it where they cannot ask the storage for it. */
export function isSelected(event: Pick<RecordedEvent, 'type' | 'streamId'>, { types, unknownTypesIn }: EventSelection): boolean {
  if (!types || types.includes(event.type)) return true;
  return unknownTypesIn !== undefined && isUnknownTypeIn(event, unknownTypesIn);
}

export function isUnknownTypeIn(event: Pick<RecordedEvent, 'type' | 'streamId'>, { streamPrefix, knownTypes }: UnknownTypesIn): boolean {
  return event.streamId.startsWith(streamPrefix) && !knownTypes.includes(event.type);
}

export interface ReadAllOptions extends EventSelection {
  /** Exclusive start; null reads from the beginning. */
  after: number | null;
  maxCount: number;
}

/** What `backlog` counts: events after a position, of these types (a projection's), up to a cap. */
export interface BacklogOptions {
  /** Exclusive start; null counts from the beginning. */
  after: number | null;
  /** Counting stops here: a count equal to it means "at least this many". */
  maxCount: number;
  types: readonly string[];
  unknownTypesIn?: UnknownTypesIn;
}

export interface Backlog {
  /** Matching events after the position, at most maxCount. */
  count: number;
  /** When the first of them was recorded (by the clock of whoever appended it); null when there is none. */
  oldestRecordedAt: string | null;
  /** Where the first of them is in the log; null when there is none. */
  oldestPosition: number | null;
}

/** The backlog of a store that can only read it: the pending events as read, up to the cap. */
export function backlogOfRead(pending: readonly RecordedEvent[]): Backlog {
  return { count: pending.length, oldestRecordedAt: pending[0]?.recordedAt ?? null, oldestPosition: pending[0]?.position ?? null };
}

export interface SubscriptionHandler {
  /** Called with consecutive batches in log order; the next batch waits for this promise. */
  onEvents(events: RecordedEvent[]): Promise<void>;
  /** The subscription has read up to this position, including events the filter skipped. */
  onCheckpoint?(position: number): Promise<void>;
  /** The subscription ended with an error; it does not restart by itself. */
  onError(error: unknown): void;
  /**
   * The store confirmed the subscription (EventStoreDB: its SubscriptionConfirmation, sent before any event). A store
   * whose subscriptions need no confirmation (the embedded log, in memory) never calls it nor fails with
   * SubscriptionUnconfirmedError; one that does fails the subscription with that error when it is not confirmed in time.
   */
  onConfirmed?(): void;
}

export interface SubscribeOptions extends EventSelection {
  after: number | null;
}

export interface EventSubscription {
  stop(): Promise<void>;
  /**
   * Polling stores only: reads the log now rather than at the next poll. A subscription is woken by appends of
   * the types it reads; someone waiting for it to pass a position of another type asks for this.
   */
  wake?(): void;
}

export interface EventStore {
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /**
   * Several appends in one call, for batched writers. Each append is atomic and checked on its own;
   * where the store has multi-stream transactions (SQLite, in memory) the batch commits or fails as a whole,
   * elsewhere (EventStoreDB) a failure can leave other appends of the batch in place: callers that
   * retry give their events ids, so the retry skips what was written (or ask for `together`).
   */
  appendToStreams(appends: readonly StreamAppend[], options?: AppendManyOptions): Promise<AppendResult[]>;
  /**
   * The whole stream, oldest first (or a page of it, either way); an empty array when the stream does not exist, or no
   * longer does: deleted for good (EventStoreDB's tombstone, an operator's act), when the store has such a thing.
   */
  readStream(streamId: string, page?: StreamPage): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * Retention: removes the stream's events before `beforeRevision` from the log for good (the caller archived them
   * first). Those after keep their revisions and positions, and a read from an earlier revision starts at the first
   * left. Returns how many were removed, or null where the store removes them later: EventStoreDB marks the stream
   * (its truncate-before) and drops them from `$all` at its next scavenge.
   */
  removeStreamStart(streamId: string, beforeRevision: number): Promise<number | null>;
  /**
   * Which of these streams an operator deleted (EventStoreDB: a tombstone, or a delete without one): `$all` still holds
   * their events until the server's next scavenge, and reads of them find none. No append to a tombstoned one can
   * succeed; one to a soft-deleted one recreates it, from the revision after its last. Absent where the store deletes no
   * stream.
   */
  deletedStreams?(streamIds: readonly string[]): Promise<ReadonlySet<string>>;
  /** How far a reader at `after` trails the log (readiness asks it often): counted without decoding the events where the store can. */
  backlog(options: BacklogOptions): Promise<Backlog>;
  subscribeToAll(options: SubscribeOptions, handler: SubscriptionHandler): EventSubscription;
  /** Position of the last event in the log, or null when the log is empty. */
  headPosition(): Promise<number | null>;
  /**
   * Where the store can say it for certain: the position of the last record the log holds, of any type, or null
   * when it holds none; after removeStreamStart took the log's last records, still theirs. No checkpoint of a projection that followed this log can be past it, so one that is was
   * taken on another log (one restored from an earlier copy, or replaced). Absent on EventStoreDB, whose `$all`
   * holds records this port never sees (see ProjectionRunner.start).
   */
  endPosition?(): Promise<number | null>;
  /**
   * The embedded log after a restore: the positions the log it replaced had given past the backup's end, which no
   * event of this log is given (its next event comes after them). A checkpoint among them was taken on the replaced
   * log, even once this log has gone past them. Absent where no restore replaces the log.
   */
  replacedPositions?(): Promise<readonly ReplacedPositions[]>;
  /** Cheap reachability check for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Polling stores only: calls the listener after every append made through this store object, with the event
   * types it wrote, so that another connection to the same log can be told (see wakeSubscriptions) instead of
   * waiting for its next poll. Returns the unsubscribe function.
   */
  onAppended?(listener: (types: ReadonlySet<string>) => void): () => void;
  /**
   * Polling stores only: the log has grown through another connection; the subscriptions that read any of `types`
   * (all of them when not said) read it now.
   */
  wakeSubscriptions?(types?: readonly string[]): void;
}

/** Positions after `after`, up to and including `through`, that the log in place never gives to an event. */
export interface ReplacedPositions {
  after: number;
  through: number;
}
