import type { EventToAppend, RecordedEvent } from '../shared/event-store/event-store.port.js';
import { type ApiKeyEvent, isApiKeyEventType } from './domain/api-key-events.js';

export function toEventToAppend(event: ApiKeyEvent, metadata: Record<string, unknown>): EventToAppend {
  return { type: event.type, schemaVersion: event.schemaVersion, data: { ...event.data }, metadata };
}

/** Reads a stored event back into the domain union, refusing versions this code does not know. */
export function fromRecordedEvent(recorded: RecordedEvent): ApiKeyEvent {
  if (!isApiKeyEventType(recorded.type)) {
    throw new Error(`Unexpected event type ${recorded.type} in ${recorded.streamId}`);
  }
  if (recorded.schemaVersion !== 1) {
    throw new Error(`Unsupported schema version ${recorded.schemaVersion} of ${recorded.type}`);
  }
  return { type: recorded.type, schemaVersion: 1, data: recorded.data } as ApiKeyEvent;
}
