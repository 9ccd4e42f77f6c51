import type { AuditEntryView } from './audit-entry.js';
import type { AuditLogQuery } from './audit-log-read-model.port.js';

/**
 * Whether an entry passes the query's filters (kind, key, acting key, occurredAt's range: ISO text compares as time), as
 * each adapter's own filter takes it; the account and the cursor's position are the caller's.
 */
export function matchesAuditFilters(view: AuditEntryView, query: AuditLogQuery): boolean {
  return (
    (query.keyId === undefined || view.keyId === query.keyId) &&
    (query.actorKeyId === undefined || view.actorKeyId === query.actorKeyId) &&
    (query.type === undefined || view.type === query.type) &&
    (query.occurredGte === undefined || view.occurredAt >= query.occurredGte) &&
    (query.occurredLt === undefined || view.occurredAt < query.occurredLt)
  );
}
