/**
 * Translation between our event store port and @eventstore/db-client. Pure: no client calls.
 *
 * Positions: EventStoreDB addresses a record in its log by {commit, prepare}. For events
 * written through the gRPC client (one implicit transaction per append) both are the
 * record's own log position, so the commit position alone is the event's global position,
 * and it is turned back into {commit, prepare: commit} to read or subscribe from it, as
 * emmett does. Checkpoints are also taken from `commit` only (some servers send prepare 0).
 * Positions are byte offsets in the log; we assume they stay below 2^53 (8 PiB) so they
 * fit a JS number, and refuse to convert any that do not.
 */
import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  UnavailableError,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  TimeoutError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamSubscription,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type EventData,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadStreamOptions,
  type ResolvedEvent,
  type WrongExpectedVersionError,
} from '@eventstore/db-client';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import {
  type AppendResult,
  type EventSelection,
  type EventToAppend,
  type ExpectedRevision,
  isSelected,
  type RecordedEvent,
  type StreamPage,
} from '../../shared/event-store/event-store.port.js';

/** Metadata key that carries our schema version next to the caller's metadata. */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

export function toEventData(event: EventToAppend): EventData {
  const metadata = event.metadata ?? {};
  if (Object.hasOwn(metadata, SCHEMA_VERSION_KEY)) {
    throw new Error(`Event metadata must not contain "${SCHEMA_VERSION_KEY}"; the store keeps the schema version there`);
  }
  return jsonEvent({
    ...(event.id === undefined ? {} : { id: event.id }),
    type: event.type,
    data: event.data,
    metadata: { ...metadata, [SCHEMA_VERSION_KEY]: event.schemaVersion },
  });
}

/**
 * What a server before 22.6 sends as the log position of an event read from a stream: -1 as a ulong
 * (ConvertToRecordedEvent's `Position.FromInt64(commitPosition ?? -1, …)`), which the client passes on as it is.
 */
const NO_POSITION = 2n ** 64n - 1n;

export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent {
  const event = resolved.event;
  if (!event) throw new Error('EventStoreDB returned an entry without an event (an unresolved link?)');
  const where = `event ${event.id} in stream ${event.streamId}`;
  if (!event.isJson) throw new Error(`Cannot read ${where}: it is not JSON`);
  if (!event.position || event.position.commit === NO_POSITION) {
    throw new Error(`Cannot read ${where}: the server sent no log position (it must be 22.6 or newer)`);
  }
  const { [SCHEMA_VERSION_KEY]: schemaVersion, ...metadata } = asJsonObject(event.metadata ?? {}, `metadata of ${where}`);
  if (typeof schemaVersion !== 'number') throw new Error(`Cannot read ${where}: its metadata has no ${SCHEMA_VERSION_KEY}`);
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    schemaVersion,
    data: asJsonObject(event.data, `data of ${where}`),
    metadata,
    revision: toSafeNumber(event.revision, `revision of ${where}`),
    position: toGlobalPosition(event.position),
    recordedAt: event.created.toISOString(),
  };
}

export function toAppendExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`Invalid expected revision ${expected}`);
      return BigInt(expected);
  }
}

export function fromAppendResult(result: EsdbAppendResult): AppendResult {
  // Failed appends only come back as results when the client is built with throwOnAppendFailure: false.
  if (!result.success) throw new Error('EventStoreDB rejected the append');
  if (!result.position) throw new Error('EventStoreDB sent no log position for the append (it must be 20.6 or newer)');
  return {
    nextExpectedRevision: toSafeNumber(result.nextExpectedRevision, 'next expected revision'),
    position: toGlobalPosition(result.position),
  };
}

export function toConcurrencyError(
  streamId: string,
  expected: ExpectedRevision,
  error: WrongExpectedVersionError,
): ConcurrencyError {
  const actual = error.actualVersion === NO_STREAM ? 'no_stream' : toSafeNumber(error.actualVersion, 'actual revision');
  return new ConcurrencyError(streamId, expected, actual);
}

/**
 * The client's errors for a server it cannot reach, or that could not answer in time, become the port's
 * StoreUnavailableError (503). @eventstore/db-client 6.2.1 (dist/utils/CommandError.js, convertToCommandError):
 * gRPC UNAVAILABLE -> UnavailableError, DEADLINE_EXCEEDED -> DeadlineExceededError, ABORTED (the server's
 * "operation timed out" on a commit) -> TimeoutError, a CANCELLED call the server ended (a node stopping;
 * our own cancellations are filtered out by the client) -> CancelledError, a follower asked for the leader
 * -> NotLeaderError. The client reconnects after UnavailableError, CancelledError and NotLeaderError.
 */
export function toPortError(error: unknown): unknown {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  ) {
    const unavailable = new StoreUnavailableError('EventStoreDB', error);
    unavailable.message = unavailable.message.replace(EMPTY_RESOLUTION_NOTE, '');
    return unavailable;
  }
  return error;
}

/**
 * An append's failure as the port reports it: as toPortError, and a refusal no retry mends as AppendRefusedError. The
 * client's StreamDeletedError: the stream was hard-deleted (tombstoned; an operator's act, the admin UI or
 * `ES-HardDelete: true`), and EventStoreDB refuses every later append to it. AccessDeniedError is not: it comes of
 * the user's role as much as of one stream's ACL (this service sets none), so a role wrong for a while would drop
 * every use meanwhile; retried, the uses wait in the recorder's buffer until the operator mends it. The client's
 * MaxAppendSizeExceededError (dist/streams/appendToStream/unpackError.js, "MaximumAppendSizeExceeded"): the events
 * `eventIds` are larger than the server takes in one append.
 */
export function toAppendPortError(streamId: string, error: unknown, eventIds: readonly string[] = []): unknown {
  if (error instanceof StreamDeletedError) return new AppendRefusedError('EventStoreDB', 'stream_deleted', error, streamId);
  // Past the server's --max-append-size (1 MiB by default), refused whole and nothing written: the same events sent again
  // meet it again. The adapter sends a retried-safe batch in parts first; what is refused here is refused for good.
  if (error instanceof MaxAppendSizeExceededError) return new AppendRefusedError('EventStoreDB', 'too_large', error, streamId, eventIds);
  return toPortError(error);
}

/**
 * The empty tail of @grpc/grpc-js 1.x's message for a server it could not connect to: its load balancers write
 * `No connection established. Last error: ${this.lastError}. Resolution note: ${this.latestResolutionNote}`
 * (build/src/load-balancer-pick-first.js), the note empty when the address resolved, so an unreachable EventStoreDB
 * read "... connect ECONNREFUSED 127.0.0.1:2113. Resolution note: " in the CLI's error and the service's logs.
 */
const EMPTY_RESOLUTION_NOTE = / Resolution note: *$/;

export function toGlobalPosition(position: Position): number {
  return toSafeNumber(position.commit, 'log position');
}

/** A page of a stream as the client reads it: from START or END when the page names no revision. */
export function toReadStreamOptions(page: StreamPage): ReadStreamOptions {
  const backwards = page.direction === 'backwards';
  return {
    direction: backwards ? BACKWARDS : FORWARDS,
    fromRevision: page.fromRevision === undefined ? (backwards ? END : START) : BigInt(page.fromRevision),
    ...(page.maxCount === undefined ? {} : { maxCount: page.maxCount }),
  };
}

/** `after` is exclusive and EventStoreDB reads from a position inclusively: callers drop the event at `after`. */
export function toReadPosition(after: number | null): ReadPosition {
  if (after === null) return START;
  const position = BigInt(after);
  return { commit: position, prepare: position };
}

export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/**
 * Client-side twin of the subscription filter, for reads (the client has no server-side filter for reads), and for
 * what the subscription's filter lets through that the selection does not read: an unknown type outside its streams.
 */
export function isReadBy(event: Pick<RecordedEvent, 'type' | 'streamId'>, selection: EventSelection): boolean {
  return !isSystemEventType(event.type) && isSelected(event, selection);
}

/**
 * Whether the event can be one of this service's: every event it writes is a JSON object with its schema version in
 * the metadata (toEventData). A read of every type skips the others unread: another application's, on a shared database.
 */
export function isWrittenByThisService(event: { isJson: boolean; data: unknown; metadata?: unknown }): boolean {
  return event.isJson && isJsonObject(event.data) && isJsonObject(event.metadata) && typeof event.metadata[SCHEMA_VERSION_KEY] === 'number';
}

export interface SubscriptionCheckpoints {
  /** The server checkpoints after this many events it has considered, whether or not they passed the filter. */
  eventsPerCheckpoint: number;
  onCheckpoint: (subscription: AllStreamSubscription, position: Position) => void;
}

/**
 * A filter names either types or streams, not both: with `unknownTypesIn`, the server sends every type but the known
 * ones (and the system's), and isReadBy drops those outside its streams. An unknown type is a newer version's (rare),
 * or another application's on a shared database.
 */
export function toSubscriptionFilter({ types, unknownTypesIn }: EventSelection, checkpoints: SubscriptionCheckpoints): Filter {
  // The server's checkpoint interval is checkpointInterval × maxSearchWindow, and maxSearchWindow is
  // also how many events a catch-up page scans: a small interval costs more internal reads.
  const options = {
    maxSearchWindow: checkpoints.eventsPerCheckpoint,
    checkpointInterval: 1,
    checkpointReached: checkpoints.onCheckpoint,
  };
  if (!types) return excludeSystemEvents(options);
  const exact = exactTypesRegex(types);
  if (!unknownTypesIn) return eventTypeFilter({ ...options, regex: exact });
  return eventTypeFilter({ ...options, regex: `${exact}|^(?!\\$)(?!${alternatives(unknownTypesIn.knownTypes)}$)` });
}

/** The truncate-before in a stream's metadata event, as the server reads it. */
const TRUNCATE_BEFORE = '$tb';

/**
 * The metadata event that sets a stream's truncate-before to `beforeRevision`, keeping its other metadata, and the
 * revision of its metadata stream to append it at; null when the truncate-before is already at or past it.
 * `last`: the metadata stream's last event (null: none).
 */
export function truncateBeforeAppend(last: ResolvedEvent | null, beforeRevision: number): { event: EventData; expectedRevision: ExpectedRevision } | null {
  const data: unknown = last?.event?.isJson ? last.event.data : undefined;
  const metadata = isJsonObject(data) ? data : {};
  const current = metadata[TRUNCATE_BEFORE];
  if (typeof current === 'number' && current >= beforeRevision) return null;
  return {
    event: jsonEvent({ type: '$metadata', data: { ...metadata, [TRUNCATE_BEFORE]: beforeRevision } }),
    expectedRevision: last?.event ? toSafeNumber(last.event.revision, 'revision of the metadata stream') : 'no_stream',
  };
}

/**
 * The truncate-before the server puts in a stream's metadata when it deletes it without a tombstone (a soft delete:
 * `EventNumber.DeletedStream`, long.MaxValue, 9223372036854775807, which JSON.parse reads as 2^63). Reads of the stream
 * then answer StreamNotFound, its events stay in `$all` until a scavenge, and the next append (expected revision any,
 * no_stream once, or its last revision) recreates it from the revision after its last, the truncate-before moved there
 * (EventStore-Client-Dotnet, tests `deleted_stream`: `reading_throws`, `recreated_with_any_expected_version`,
 * `allows_recreating_for_first_write_only_throws_wrong_expected_version`).
 */
const SOFT_DELETED_TRUNCATE_BEFORE = 2 ** 63 - 1;

/** Whether the metadata stream's last event (null: none) marks its stream soft-deleted and not written since. */
export function isSoftDeletedMetadata(last: ResolvedEvent | null): boolean {
  const data: unknown = last?.event?.isJson ? last.event.data : undefined;
  if (!isJsonObject(data)) return false;
  const truncateBefore = data[TRUNCATE_BEFORE];
  return typeof truncateBefore === 'number' && truncateBefore >= SOFT_DELETED_TRUNCATE_BEFORE;
}

function exactTypesRegex(types: readonly string[]): string {
  return `^${alternatives(types)}$`;
}

function alternatives(types: readonly string[]): string {
  return `(?:${types.map(escapeRegex).join('|')})`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function toSafeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`The ${what} ${value} does not fit a JS number`);
  return Number(value);
}

function asJsonObject(value: unknown, what: string): Record<string, unknown> {
  if (!isJsonObject(value)) throw new Error(`Expected the ${what} to be a JSON object`);
  return value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
