import type { EventToAppend, ExpectedRevision, StreamAppend } from '../../shared/event-store/event-store.port.js';
import { timeOrderedId } from '../../shared/event-store/event-id.js';

/** An event as the log stores it: its id settled and its data and metadata already JSON. */
export interface EncodedEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: string;
  metadata: string;
}

export interface EncodedStreamAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: EncodedEvent[];
}

export function encodeEvent(event: EventToAppend): EncodedEvent {
  return {
    id: event.id ?? timeOrderedId(),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: JSON.stringify(event.data),
    metadata: JSON.stringify(event.metadata ?? {}),
  };
}

export function encodeAppend({ streamId, expectedRevision, events }: StreamAppend): EncodedStreamAppend {
  return { streamId, expectedRevision, events: events.map(encodeEvent) };
}
