import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { AuditEntryView } from './audit-entry.js';

export const AUDIT_LOG_READ_MODEL = Symbol('AUDIT_LOG_READ_MODEL');

export interface AuditLogQuery {
  limit: number;
  keyId?: string;
  actorKeyId?: string;
  type?: string;
  /** toISOString form: entries that happened at or after it. */
  occurredGte?: string;
  /** toISOString form: entries that happened before it. */
  occurredLt?: string;
  /** Only entries logged before this position (exclusive): the cursor. */
  beforePosition?: number;
}

/** The audit log's entries and its checkpoint. */
export interface AuditLogReadModel extends ViewStore<AuditEntryView> {
  /** Newest first by log position, one account's entries only. */
  list(accountId: string, query: AuditLogQuery): Promise<{ views: AuditEntryView[]; hasMore: boolean }>;
  /** Scoped to the account: another account's entry is not found. */
  findById(accountId: string, entryId: string): Promise<AuditEntryView | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
