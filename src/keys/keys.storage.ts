import type { ApiKeyReadModel } from './projection/api-key-read-model.port.js';
import type { AuditLogReadModel } from './projection/audit-log-read-model.port.js';

/** The stores the keys feature needs from the read-model storage. */
export interface KeysStorage {
  apiKeyReadModel(): Promise<ApiKeyReadModel>;
  auditLogReadModel(): Promise<AuditLogReadModel>;
}
