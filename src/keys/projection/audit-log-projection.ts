import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { API_KEY_EVENT_TYPES } from '../domain/api-key-events.js';
import { applyToAuditEntry, type AuditEntryView } from './audit-entry.js';

/**
 * The account's audit log: one entry per lifecycle event of its keys (created, changed, disabled, enabled, rolled,
 * revoked, expired, secret reissued, reported leaked). Never a use (KeyUsed): those are usage, millions a day.
 */
export const auditLogProjection: ViewProjectionDefinition<AuditEntryView> = {
  name: 'audit-log',
  eventTypes: API_KEY_EVENT_TYPES,
  // An entry per event: its id.
  viewIdOf: (event) => event.id,
  apply: applyToAuditEntry,
  // Every event starts its own entry: nothing to look up before writing (on FerretDB 1.24 each lookup scans the collection).
  startsView: () => true,
  // An event's data with the key's policies: about 1.5 KB on the heap.
  viewBytes: () => 1536,
};
