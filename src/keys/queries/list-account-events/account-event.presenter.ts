import type { AuditEntryView } from '../../projection/audit-entry.js';
import { auditActorOf } from '../../projection/audit-entry.js';
import { presentHistoryEvent } from '../get-api-key-history/key-history.presenter.js';
import type { AccountEventResponse } from './list-account-events.dto.js';

/** One entry of the account's audit log: the event as the key's history shows it, with its id, key and actor. */
export function presentAccountEvent(view: AuditEntryView): AccountEventResponse {
  const shown = presentHistoryEvent(view.event);
  const actor = auditActorOf(view.event);
  return {
    id: view.entryId,
    type: shown.type,
    occurred_at: shown.time,
    key_id: view.keyId,
    actor: { type: actor.type, key_id: actor.keyId, reason: actor.reason },
    request_id: shown.request_id,
    position: shown.position,
    data: shown.data,
  };
}
