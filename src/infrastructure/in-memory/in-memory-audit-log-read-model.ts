import type { AuditEntryView } from '../../keys/projection/audit-entry.js';
import type { AuditLogQuery, AuditLogReadModel } from '../../keys/projection/audit-log-read-model.port.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryAuditLogReadModel extends InMemoryViewStore<AuditEntryView> implements AuditLogReadModel {
  constructor() {
    super((view) => view.entryId);
  }

  async list(accountId: string, query: AuditLogQuery): Promise<{ views: AuditEntryView[]; hasMore: boolean }> {
    return this.newestFirst(
      accountId,
      query,
      (v) =>
        (query.keyId === undefined || v.keyId === query.keyId) &&
        (query.actorKeyId === undefined || v.actorKeyId === query.actorKeyId) &&
        (query.type === undefined || v.type === query.type) &&
        (query.occurredGte === undefined || v.occurredAt >= query.occurredGte) &&
        (query.occurredLt === undefined || v.occurredAt < query.occurredLt),
    );
  }

  async findById(accountId: string, entryId: string): Promise<AuditEntryView | null> {
    const view = this.views.get(entryId);
    return view && view.accountId === accountId ? structuredClone(view) : null;
  }
}
