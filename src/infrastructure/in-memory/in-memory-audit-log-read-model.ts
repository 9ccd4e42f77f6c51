import type { AuditEntryView } from '../../keys/projection/audit-entry.js';
import { matchesAuditFilters } from '../../keys/projection/audit-log-filters.js';
import type { AuditLogQuery, AuditLogReadModel } from '../../keys/projection/audit-log-read-model.port.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryAuditLogReadModel extends InMemoryViewStore<AuditEntryView> implements AuditLogReadModel {
  constructor() {
    super((view) => view.entryId);
  }

  async list(accountId: string, query: AuditLogQuery): Promise<{ views: AuditEntryView[]; hasMore: boolean }> {
    return this.newestFirst(accountId, query, (v) => matchesAuditFilters(v, query));
  }

  async findById(accountId: string, entryId: string): Promise<AuditEntryView | null> {
    const view = this.views.get(entryId);
    return view && view.accountId === accountId ? structuredClone(view) : null;
  }
}
