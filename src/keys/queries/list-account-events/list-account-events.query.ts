import { Query } from '@nestjs/cqrs';
import type { AuditEntryView } from '../../projection/audit-entry.js';
import type { AuditLogQuery } from '../../projection/audit-log-read-model.port.js';

export interface AccountEventsPage {
  views: AuditEntryView[];
  hasMore: boolean;
}

export class ListAccountEventsQuery extends Query<AccountEventsPage> {
  constructor(
    readonly accountId: string,
    readonly filter: Omit<AuditLogQuery, 'beforePosition'>,
    /** The id of the last entry of the previous page. */
    readonly startingAfter: string | undefined,
  ) {
    super();
  }
}
