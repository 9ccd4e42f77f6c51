import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  END,
  FORWARDS,
  CancelledError,
  DeadlineExceededError,
  EVENT_TYPE,
  NotLeaderError,
  TimeoutError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendResult as EsdbAppendResult,
  type JSONEventData,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { AppendRefusedError } from '../../shared/event-store/append-refused.error.js';
import { ConcurrencyError } from '../../shared/event-store/concurrency-error.js';
import { StoreUnavailableError } from '../../shared/storage/store-unavailable.error.js';
import {
  fromAppendResult,
  isReadBy,
  isSoftDeletedMetadata,
  toAppendExpectedRevision,
  toAppendPortError,
  toConcurrencyError,
  toEventData,
  toGlobalPosition,
  toPortError,
  toReadPosition,
  toReadStreamOptions,
  toRecordedEvent,
  toSubscriptionFilter,
} from './esdb-event-mapping.js';

const created = new Date('2025-03-04T05:06:07.089Z');

/** A JSON event as the client hands it out after reading it from the server. */
function resolved(overrides: Record<string, unknown> = {}): ResolvedEvent {
  return {
    event: {
      streamId: 'apikey-1',
      id: '6b1c2f8e-3a52-4c31-9f0e-2d7d3c1c9a10',
      isJson: true,
      revision: 3n,
      type: 'KeyCreated',
      created,
      data: { keyId: 'k1' },
      metadata: { requestId: 'r1', schemaVersion: 2 },
      position: { commit: 4096n, prepare: 4096n },
      ...overrides,
    },
  } as ResolvedEvent;
}

const checkpoints = { eventsPerCheckpoint: 7, onCheckpoint: () => undefined };

describe('EventStoreDB event mapping', () => {
  describe('toEventData', () => {
    it('writes a JSON event with the stable type and the schema version carried in metadata', () => {
      const data = toEventData({ type: 'KeyCreated', schemaVersion: 2, data: { keyId: 'k1' }, metadata: { requestId: 'r1' } });
      expect(data).toMatchObject({
        contentType: 'application/json',
        type: 'KeyCreated',
        data: { keyId: 'k1' },
        metadata: { requestId: 'r1', schemaVersion: 2 },
      });
    });

    it('gives every event its own id', () => {
      const event = { type: 'A', schemaVersion: 1, data: {} };
      const ids = [toEventData(event).id, toEventData(event).id];
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[0]).not.toBe(ids[1]);
    });

    it('keeps the id the caller gave, for EventStoreDB to recognise a retried append', () => {
      const id = '0190f5a2-7b3c-7d4e-8f60-123456789abc';
      expect(toEventData({ id, type: 'A', schemaVersion: 1, data: {} }).id).toBe(id);
    });

    it('writes only the schema version when the event has no metadata', () => {
      expect(toEventData({ type: 'A', schemaVersion: 1, data: {} }).metadata).toEqual({ schemaVersion: 1 });
    });

    it('refuses metadata that would collide with the schema version', () => {
      expect(() => toEventData({ type: 'A', schemaVersion: 1, data: {}, metadata: { schemaVersion: 9 } })).toThrow(
        /schemaVersion/,
      );
    });
  });

  describe('toRecordedEvent', () => {
    it('maps every field, taking the schema version back out of the metadata', () => {
      expect(toRecordedEvent(resolved())).toEqual({
        id: '6b1c2f8e-3a52-4c31-9f0e-2d7d3c1c9a10',
        streamId: 'apikey-1',
        type: 'KeyCreated',
        schemaVersion: 2,
        data: { keyId: 'k1' },
        metadata: { requestId: 'r1' },
        revision: 3,
        position: 4096,
        recordedAt: '2025-03-04T05:06:07.089Z',
      });
    });

    it('reads back exactly the metadata that was appended', () => {
      const appended = { type: 'A', schemaVersion: 5, data: { n: 1 }, metadata: { requestId: 'r', actor: { id: 'u' } } };
      const written = toEventData(appended) as JSONEventData;
      const read = toRecordedEvent(resolved({ type: written.type, data: written.data, metadata: written.metadata }));
      expect(read.metadata).toEqual(appended.metadata);
      expect(read.schemaVersion).toBe(5);
      expect(read.data).toEqual({ n: 1 });
    });

    it('takes the global position from the commit position', () => {
      expect(toRecordedEvent(resolved({ position: { commit: 512n, prepare: 0n } })).position).toBe(512);
    });

    it('refuses entries it cannot represent', () => {
      expect(() => toRecordedEvent({})).toThrow(/without an event/);
      expect(() => toRecordedEvent(resolved({ isJson: false, data: new Uint8Array([1]) }))).toThrow(/not JSON/);
      expect(() => toRecordedEvent(resolved({ position: undefined }))).toThrow(/no log position/);
      expect(() => toRecordedEvent(resolved({ metadata: { requestId: 'r' } }))).toThrow(/no schemaVersion/);
      expect(() => toRecordedEvent(resolved({ metadata: undefined }))).toThrow(/no schemaVersion/);
      expect(() => toRecordedEvent(resolved({ data: [1, 2] }))).toThrow(/data of event .* JSON object/);
      expect(() => toRecordedEvent(resolved({ metadata: new Uint8Array([1]) }))).toThrow(/metadata of event .* JSON object/);
    });

    it("names the server's age when it sends no position for a stream read (servers before 22.6)", () => {
      // Before 22.6 the server gave events read from a stream no log position: ConvertToRecordedEvent (kurrent-io/KurrentDB,
      // src/EventStore.Core/Services/Transport/Grpc/Enumerators.cs) sends Position.FromInt64(commitPosition ?? -1, …),
      // -1 as ulong.MaxValue (kurrent-io/KurrentDB-Client-Dotnet#211, EventStore-Client-Go#88: 18446744073709551615); the
      // client copies it as it is (dist/utils/convertGrpcEvent.js, extractPosition: `position` is never undefined, the
      // generated getter defaults to "0"), so the check for a missing position met a number too big for JS instead.
      const none = 18446744073709551615n;
      expect(() => toRecordedEvent(resolved({ position: { commit: none, prepare: none } }))).toThrow(/no log position \(it must be 22\.6 or newer\)/);
    });

    it('refuses positions and revisions that do not fit a JS number', () => {
      const tooBig = BigInt(Number.MAX_SAFE_INTEGER) + 1n;
      expect(() => toRecordedEvent(resolved({ position: { commit: tooBig, prepare: tooBig } }))).toThrow(RangeError);
      expect(() => toRecordedEvent(resolved({ revision: tooBig }))).toThrow(RangeError);
    });
  });

  describe('toAppendExpectedRevision', () => {
    it('maps stream states to the client constants', () => {
      expect(toAppendExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toAppendExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
      expect(toAppendExpectedRevision('any')).toBe(ANY);
    });

    it('maps a revision to a bigint', () => {
      expect(toAppendExpectedRevision(0)).toBe(0n);
      expect(toAppendExpectedRevision(41)).toBe(41n);
    });

    it('refuses revisions that are not whole non-negative numbers', () => {
      expect(() => toAppendExpectedRevision(-1)).toThrow(RangeError);
      expect(() => toAppendExpectedRevision(1.5)).toThrow(RangeError);
    });
  });

  describe('fromAppendResult', () => {
    it('maps the next expected revision and the commit position', () => {
      const result: EsdbAppendResult = { success: true, nextExpectedRevision: 2n, position: { commit: 900n, prepare: 900n } };
      expect(fromAppendResult(result)).toEqual({ nextExpectedRevision: 2, position: 900 });
    });

    it('refuses results without a position or without success', () => {
      expect(() => fromAppendResult({ success: true, nextExpectedRevision: 0n })).toThrow(/no log position/);
      expect(() => fromAppendResult({ success: false, nextExpectedRevision: -1n })).toThrow(/rejected/);
    });
  });

  describe('toConcurrencyError', () => {
    it('carries the expected revision and the actual revision as a number', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 0n, current: 4n });
      const mapped = toConcurrencyError('s-1', 0, error);
      expect(mapped).toBeInstanceOf(ConcurrencyError);
      expect(mapped).toMatchObject({ streamId: 's-1', expected: 0, actual: 4 });
    });

    it('reports a missing stream as no_stream', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: STREAM_EXISTS, current: NO_STREAM });
      expect(toConcurrencyError('s-1', 'stream_exists', error)).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
    });
  });

  describe('stream pages', () => {
    it('reads forwards from the start, or from a revision, at most maxCount events', () => {
      expect(toReadStreamOptions({})).toEqual({ direction: FORWARDS, fromRevision: START });
      expect(toReadStreamOptions({ fromRevision: 3, maxCount: 2 })).toEqual({ direction: FORWARDS, fromRevision: 3n, maxCount: 2 });
    });

    it('reads backwards from the end, or from a revision (inclusive), as the server reads natively', () => {
      expect(toReadStreamOptions({ direction: 'backwards', maxCount: 51 })).toEqual({ direction: BACKWARDS, fromRevision: END, maxCount: 51 });
      expect(toReadStreamOptions({ direction: 'backwards', fromRevision: 149 })).toEqual({ direction: BACKWARDS, fromRevision: 149n });
    });
  });

  describe('positions', () => {
    it('reads from the start when there is no position yet', () => {
      expect(toReadPosition(null)).toBe(START);
    });

    it('reads from a position with commit and prepare both set to it', () => {
      expect(toReadPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    });

    it('takes checkpoint positions from the commit position alone', () => {
      expect(toGlobalPosition({ commit: 777n, prepare: 0n })).toBe(777);
    });
  });

  describe('type filters', () => {
    const keyStream = (type: string) => ({ type, streamId: 'api_key-1' });

    it('reads every non-system event when no types are given', () => {
      expect(isReadBy(keyStream('KeyCreated'), {})).toBe(true);
      expect(isReadBy(keyStream('$metadata'), {})).toBe(false);
    });

    it('reads only the listed types when types are given', () => {
      expect(isReadBy(keyStream('KeyRevoked'), { types: ['KeyCreated', 'KeyRevoked'] })).toBe(true);
      expect(isReadBy(keyStream('KeyCreatedV2'), { types: ['KeyCreated'] })).toBe(false);
    });

    it('reads besides a type no part of this version knows, only in the streams named', () => {
      const selection = { types: ['KeyCreated'], unknownTypesIn: { streamPrefix: 'api_key-', knownTypes: ['KeyCreated', 'KeyUsed'] } };
      expect(isReadBy(keyStream('KeyFrozen'), selection)).toBe(true);
      expect(isReadBy({ type: 'KeyFrozen', streamId: 'api_key_usage-1' }, selection)).toBe(false);
      expect(isReadBy({ type: 'KeyUsed', streamId: 'api_key-1' }, selection)).toBe(false);
      expect(isReadBy(keyStream('$metadata'), selection)).toBe(false);
    });

    it('subscribes to the listed types and to every type not known, never to the known others nor to system events', () => {
      const selection = { types: ['KeyCreated', 'KeyRevoked'], unknownTypesIn: { streamPrefix: 'api_key-', knownTypes: ['KeyCreated', 'KeyRevoked', 'KeyUsed', 'Key.Used'] } };
      const filter = toSubscriptionFilter(selection, checkpoints);
      expect(filter).toMatchObject({ filterOn: EVENT_TYPE, maxSearchWindow: 7, checkpointInterval: 1 });
      const regex = new RegExp((filter as { regex: string }).regex);
      expect(['KeyCreated', 'KeyRevoked', 'KeyFrozen', 'KeyUsedV2', 'OldKeyUsed', 'KeyXUsed'].filter((t) => regex.test(t))).toHaveLength(6);
      expect(['KeyUsed', 'Key.Used', '$epoch', '$metadata'].filter((t) => regex.test(t))).toEqual([]);
    });

    it('subscribes with the system-event exclusion and the checkpoint settings when no types are given', () => {
      const filter = toSubscriptionFilter({}, checkpoints);
      expect(filter).toMatchObject({ filterOn: EVENT_TYPE, maxSearchWindow: 7, checkpointInterval: 1 });
      expect(filter.checkpointReached).toBe(checkpoints.onCheckpoint);
      const regex = new RegExp((filter as { regex: string }).regex);
      expect(regex.test('KeyCreated')).toBe(true);
      expect(regex.test('$epoch')).toBe(false);
    });

    it('subscribes to exactly the listed types, not to names that merely start or end with them', () => {
      const filter = toSubscriptionFilter({ types: ['KeyCreated', 'Key.Revoked'] }, checkpoints);
      expect(filter).toMatchObject({ filterOn: EVENT_TYPE, maxSearchWindow: 7, checkpointInterval: 1 });
      const regex = new RegExp((filter as { regex: string }).regex);
      expect(['KeyCreated', 'Key.Revoked'].filter((t) => regex.test(t))).toHaveLength(2);
      expect(['KeyCreatedV2', 'OldKeyCreated', 'KeyXRevoked', '$epoch'].filter((t) => regex.test(t))).toEqual([]);
    });

    it('subscribes to no event type at all for an empty type list', () => {
      const regex = new RegExp((toSubscriptionFilter({ types: [] }, checkpoints) as { regex: string }).regex);
      expect(['KeyCreated', '$epoch'].filter((t) => regex.test(t))).toEqual([]);
    });
  });
});

describe('toAppendPortError', () => {
  it('reports an append to a tombstoned stream as refused for good, naming the stream, and one the user may not write as retryable', () => {
    // As @eventstore/db-client 6.2.1 makes it from the server's "stream-deleted" exception (convertToCommandError).
    const deleted = toAppendPortError('api_key_usage-k1', StreamDeletedError.fromStreamName('api_key_usage-k1'));
    expect(deleted).toBeInstanceOf(AppendRefusedError);
    expect(deleted).toMatchObject({ reason: 'stream_deleted', streamId: 'api_key_usage-k1' });
    // Access denied: the user's role as often as the stream's ACL, mended by the operator; the uses wait meanwhile.
    expect(toAppendPortError('api_key_usage-k2', Object.create(AccessDeniedError.prototype))).not.toBeInstanceOf(AppendRefusedError);
  });

  it('reports the rest as toPortError does', () => {
    expect(toAppendPortError('s', Object.create(UnavailableError.prototype))).toBeInstanceOf(StoreUnavailableError);
    const other = new Error('bad request');
    expect(toAppendPortError('s', other)).toBe(other);
  });
});

describe('toPortError', () => {
  it('reports an unreachable server as StoreUnavailableError and leaves other errors alone', () => {
    const unavailable = Object.create(UnavailableError.prototype) as Error;
    expect(toPortError(unavailable)).toBeInstanceOf(StoreUnavailableError);
    for (const type of [DeadlineExceededError, TimeoutError, CancelledError, NotLeaderError]) {
      expect([type.name, toPortError(Object.create(type.prototype))]).toEqual([type.name, expect.any(StoreUnavailableError)]);
    }
    expect(toPortError(Object.create(AccessDeniedError.prototype))).not.toBeInstanceOf(StoreUnavailableError);
    const other = new Error('bad request');
    expect(toPortError(other)).toBe(other);
  });

  it("drops gRPC's empty resolution note from an unreachable server's message, and keeps a note that says something", () => {
    // As @eventstore/db-client 6.2.1's convertToCommandError makes it from grpc-js's ServiceError (code 14, UNAVAILABLE).
    const refused = (note: string) =>
      new UnavailableError({
        code: 14,
        details: `No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113. Resolution note: ${note}`,
        message: `14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113. Resolution note: ${note}`,
      } as unknown as ConstructorParameters<typeof UnavailableError>[0]);
    const port = toPortError(refused('')) as Error;
    expect(port).toBeInstanceOf(StoreUnavailableError);
    expect(port.message).toBe('EventStoreDB is unavailable: 14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113.');
    expect((toPortError(refused('DNS lookup failed')) as Error).message).toMatch(/Resolution note: DNS lookup failed$/);
  });
});

describe('isSoftDeletedMetadata', () => {
  // The metadata event as the client reads it from `$$<stream>`: JSON the client parsed, so the server's
  // 9223372036854775807 (EventNumber.DeletedStream) arrives as the nearest double.
  const metadata = (data: unknown, isJson = true) => resolved({ streamId: '$$api_key-1', type: '$metadata', data, isJson });
  const parsed = (json: string) => JSON.parse(json) as unknown;

  it('marks a stream deleted without a tombstone: its truncate-before is the server\'s DeletedStream', () => {
    expect(isSoftDeletedMetadata(metadata(parsed('{"$tb":9223372036854775807}')))).toBe(true);
    expect(isSoftDeletedMetadata(metadata(parsed('{"$maxCount":100,"$tb":9223372036854775807,"owner":"ops"}')))).toBe(true);
  });

  it('does not mark a stream truncated by an archive, recreated after a soft delete, or without metadata', () => {
    expect(isSoftDeletedMetadata(metadata(parsed('{"$tb":12}')))).toBe(false);
    // Recreated: the server moved its truncate-before to the revision after the last deleted one.
    expect(isSoftDeletedMetadata(metadata(parsed('{"$tb":3,"owner":"ops"}')))).toBe(false);
    expect(isSoftDeletedMetadata(metadata(parsed('{"$maxAge":60}')))).toBe(false);
    expect(isSoftDeletedMetadata(metadata(parsed('{"$tb":"9223372036854775807"}')))).toBe(false);
    expect(isSoftDeletedMetadata(metadata(new Uint8Array([1]), false))).toBe(false);
    expect(isSoftDeletedMetadata(null)).toBe(false);
  });
});
