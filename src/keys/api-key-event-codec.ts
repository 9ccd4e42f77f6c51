import type { EventToAppend, RecordedEvent } from '../shared/event-store/event-store.port.js';
import { type ApiKeyEvent, type ApiKeyEventType, isApiKeyEventType, type KeyCreated } from './domain/api-key-events.js';

/** The schema version this code writes for each event type; older versions are upcast on read. */
const CURRENT_VERSION: Record<ApiKeyEventType, number> = {
  KeyCreated: 2,
  KeyRevoked: 1,
  KeyUpdated: 1,
  KeyDisabled: 1,
  KeyEnabled: 1,
  KeyRolled: 1,
  KeyExpired: 1,
};

export function toEventToAppend(event: ApiKeyEvent, metadata: Record<string, unknown>): EventToAppend {
  return { type: event.type, schemaVersion: event.schemaVersion, data: { ...event.data }, metadata };
}

/** Reads a stored event back into the domain union, upcasting old versions, refusing versions this code does not know. */
export function fromRecordedEvent(recorded: RecordedEvent): ApiKeyEvent {
  if (!isApiKeyEventType(recorded.type)) {
    throw new Error(`Unexpected event type ${recorded.type} in ${recorded.streamId}`);
  }
  if (recorded.type === 'KeyCreated' && recorded.schemaVersion === 1) return upcastKeyCreatedV1(recorded.data);
  if (recorded.schemaVersion !== CURRENT_VERSION[recorded.type]) {
    throw new Error(`Unsupported schema version ${recorded.schemaVersion} of ${recorded.type}`);
  }
  return { type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data } as ApiKeyEvent;
}

/** Version 1 keys had every permission, no address restriction and no expiry, and were never rolled. */
function upcastKeyCreatedV1(data: Record<string, unknown>): KeyCreated {
  return {
    type: 'KeyCreated',
    schemaVersion: 2,
    data: { ...(data as Omit<KeyCreated['data'], 'permissions' | 'allowedIps' | 'expiresAt' | 'rolledFromKeyId'>), permissions: ['*'], allowedIps: [], expiresAt: null, rolledFromKeyId: null },
  };
}
