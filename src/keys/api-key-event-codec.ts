import type { EventToAppend, RecordedEvent } from '../shared/event-store/event-store.port.js';
import { API_KEY_STREAM_PREFIX, type ApiKeyEvent, type ApiKeyEventType, isApiKeyEventType, type KeyCreated, type KeyRateLimit } from './domain/api-key-events.js';

/** The schema version this code writes for each event type; older versions are upcast on read. */
const CURRENT_VERSION: Record<ApiKeyEventType, number> = {
  KeyCreated: 2,
  KeyRevoked: 1,
  KeyUpdated: 1,
  KeyDisabled: 1,
  KeyEnabled: 1,
  KeyRolled: 1,
  KeyExpired: 1,
  KeySecretReissued: 1,
  KeyLeakReported: 1,
};

/**
 * A key's event this code cannot read: a type it does not know, or a schema version newer than the one it writes.
 * Only a newer version of the service writes those (during a rolling upgrade, or after a downgrade): what the event
 * changed is unknown here, so the key's state after it is unknown too (docs/operations.md, "Upgrades").
 */
export class UnreadableKeyEvent extends Error {
  readonly type: string;
  readonly schemaVersion: number;
  readonly revision: number;

  constructor(recorded: Pick<RecordedEvent, 'type' | 'schemaVersion' | 'streamId' | 'revision'>) {
    super(
      isApiKeyEventType(recorded.type)
        ? `Unsupported schema version ${recorded.schemaVersion} of ${recorded.type} in ${recorded.streamId} (revision ${recorded.revision})`
        : `Unexpected event type ${recorded.type} in ${recorded.streamId} (revision ${recorded.revision})`,
    );
    this.type = recorded.type;
    this.schemaVersion = recorded.schemaVersion;
    this.revision = recorded.revision;
  }

  /** What a log line or an answer says of it: the type and its version, which name the version of the service that wrote it. */
  get written(): string {
    return `${this.type} (schema version ${this.schemaVersion})`;
  }
}

export function toEventToAppend(event: ApiKeyEvent, metadata: Record<string, unknown>): EventToAppend {
  return { type: event.type, schemaVersion: event.schemaVersion, data: { ...event.data }, metadata };
}

/** Reads a stored event back into the domain union, upcasting old versions; a version or type this code does not know is an UnreadableKeyEvent. */
export function readKeyEvent(recorded: RecordedEvent): ApiKeyEvent | UnreadableKeyEvent {
  if (!isApiKeyEventType(recorded.type)) return new UnreadableKeyEvent(recorded);
  if (recorded.type === 'KeyCreated' && recorded.schemaVersion === 1) return upcastKeyCreatedV1(recorded.data);
  if (recorded.schemaVersion !== CURRENT_VERSION[recorded.type]) return new UnreadableKeyEvent(recorded);
  return { type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data } as ApiKeyEvent;
}

/** readKeyEvent for callers that cannot go on without the event: throws the UnreadableKeyEvent. */
export function fromRecordedEvent(recorded: RecordedEvent): ApiKeyEvent {
  const event = readKeyEvent(recorded);
  if (event instanceof UnreadableKeyEvent) throw event;
  return event;
}

/** A key's stream read for a decision: the events this code can read, in order, and the first it cannot (null: none). */
export function readKeyHistory(history: readonly RecordedEvent[]): { events: ApiKeyEvent[]; unreadable: UnreadableKeyEvent | null } {
  const events: ApiKeyEvent[] = [];
  let unreadable: UnreadableKeyEvent | null = null;
  for (const recorded of history) {
    const event = readKeyEvent(recorded);
    if (event instanceof UnreadableKeyEvent) unreadable ??= event;
    else events.push(event);
  }
  return { events, unreadable };
}

/** The key an event is of, by its stream: an event this code cannot read (a type it does not know) may name it otherwise, or not at all. */
export function keyIdOf(recorded: RecordedEvent): string {
  return recorded.streamId.slice(API_KEY_STREAM_PREFIX.length);
}

/**
 * The limit of keys created before keys had one (the first versions, 2026-11-27 06:03 to 06:44, wrote KeyCreated 1
 * without `rateLimit`): the default the version that added limits gave every key created without one. A constant,
 * not today's RATE_LIMIT_* settings, so every instance and every replay folds such a key alike.
 */
export const RATE_LIMIT_OF_KEYS_BEFORE_LIMITS: Readonly<KeyRateLimit> = Object.freeze({ requests: 1000, perSeconds: 60 });

/** Version 1 keys had every permission, no address restriction and no expiry, and were never rolled; the first ones had no rate limit either. */
function upcastKeyCreatedV1(data: Record<string, unknown>): KeyCreated {
  const v1 = data as Omit<KeyCreated['data'], 'permissions' | 'allowedIps' | 'expiresAt' | 'rolledFromKeyId'>;
  return {
    type: 'KeyCreated',
    schemaVersion: 2,
    data: { ...v1, rateLimit: v1.rateLimit ?? { ...RATE_LIMIT_OF_KEYS_BEFORE_LIMITS }, permissions: ['*'], allowedIps: [], expiresAt: null, rolledFromKeyId: null },
  };
}
