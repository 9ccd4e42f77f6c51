import type { RecordedEvent } from '../../../shared/event-store/event-store.port.js';
import { KEY_USAGE_STREAM_PREFIX, KEY_USED } from '../../../usage/domain/key-used.js';
import type { KeyHistoryEventResponse } from './get-api-key-history.dto.js';
import { occurredAt } from './key-history-order.js';

/** One event of a key's trail, as the API and the CLI show it: the secret's hash is left out. */
export function presentHistoryEvent(event: RecordedEvent): KeyHistoryEventResponse {
  const { secretHash: _hash, ...data } = event.data;
  const used = event.type === KEY_USED;
  return {
    type: event.type,
    time: occurredAt(event),
    // The usage stream holds the uses and the archives of its start (UsageArchived, by the operator CLI).
    stream: event.streamId.startsWith(KEY_USAGE_STREAM_PREFIX) ? 'usage' : 'lifecycle',
    revision: event.revision,
    position: event.position,
    // Events the service appends by itself (KeyExpired) have no acting key.
    acting_key_id: ((used ? data.keyId : data.actingKeyId) ?? null) as string | null,
    // The request that made it (the X-Request-Id answered), kept in the event's metadata: what ties a change to the
    // acting key's use of that request (its address, user agent) and to the access log. Null for the operator CLI.
    request_id: requestIdOf(used ? data.requestId : event.metadata.requestId),
    data,
  };
}

const requestIdOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
