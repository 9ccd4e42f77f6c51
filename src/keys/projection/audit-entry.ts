import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import { keyIdOf } from '../api-key-event-codec.js';
import { occurredAt } from '../queries/get-api-key-history/key-history-order.js';

/** Who made a change: a key of the account, the operator CLI, or the service by itself (an expiry, a leak report's action, an undone roll). */
export type AuditActorType = 'api_key' | 'operator' | 'system';

export interface AuditActor {
  type: AuditActorType;
  /** The acting key (type api_key); null otherwise. */
  keyId: string | null;
  /** Why the service acted (type system): KeyExpired's reason, `secret_scanning`, `roll_not_recorded`; null otherwise. */
  reason: string | null;
}

/**
 * One lifecycle event of an account's key, as the account's audit log keeps it: the event as the log holds it, less the
 * secret's hash (which the history never shows either), with the fields the log is filtered and paged by.
 */
export interface AuditEntryView {
  /** The event's id in the log: stable across replays and rebuilds. */
  entryId: string;
  accountId: string;
  keyId: string;
  type: string;
  actorKeyId: string | null;
  /** When it happened (the history's `time`), as toISOString writes it, so that strings compare as instants. */
  occurredAt: string;
  /** Global log position: the newest-first order and the cursor. */
  position: number;
  /** The event's revision in its key's stream (written once: the store's revision guard keeps the first). */
  revision: number;
  event: RecordedEvent;
}

/** Who made the change the event records, read from the event alone (the history's acting_key_id, and the service's reasons). */
export function auditActorOf(event: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): AuditActor {
  const acting = event.data.actingKeyId;
  if (typeof acting === 'string') return { type: 'api_key', keyId: acting, reason: null };
  const reason =
    event.type === 'KeyExpired' ? event.data.reason : event.type === 'KeyLeakReported' ? 'secret_scanning' : event.metadata.reason;
  if (typeof reason === 'string') return { type: 'system', keyId: null, reason };
  return { type: 'operator', keyId: null, reason: null };
}

/**
 * Pure: an entry is written once, from its event; the event seen again (a replay, a batch read twice) changes nothing.
 * An event without an account (none this version writes) has no entry: it could be shown to no account.
 */
export function applyToAuditEntry(view: AuditEntryView | undefined, event: RecordedEvent): AuditEntryView | undefined {
  if (view) return view;
  const accountId = event.data.accountId;
  if (typeof accountId !== 'string') return undefined;
  const { secretHash: _hash, ...data } = event.data;
  return {
    entryId: event.id,
    accountId,
    keyId: keyIdOf(event),
    type: event.type,
    actorKeyId: auditActorOf(event).keyId,
    occurredAt: new Date(occurredAt(event)).toISOString(),
    position: event.position,
    revision: event.revision,
    event: { ...event, data },
  };
}
