import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnknownReference } from '../../../shared/application/errors.js';
import { AUDIT_LOG_READ_MODEL, type AuditLogReadModel } from '../../projection/audit-log-read-model.port.js';
import { type AccountEventsPage, ListAccountEventsQuery } from './list-account-events.query.js';

@QueryHandler(ListAccountEventsQuery)
export class ListAccountEventsHandler implements IQueryHandler<ListAccountEventsQuery, AccountEventsPage> {
  constructor(@Inject(AUDIT_LOG_READ_MODEL) private readonly auditLog: AuditLogReadModel) {}

  async execute({ accountId, filter, startingAfter }: ListAccountEventsQuery): Promise<AccountEventsPage> {
    let beforePosition: number | undefined;
    if (startingAfter !== undefined) {
      // Another account's entry answers as one that does not exist.
      const cursor = await this.auditLog.findById(accountId, startingAfter);
      if (!cursor) throw new UnknownReference('starting_after: no such event in this account.');
      beforePosition = cursor.position;
    }
    return this.auditLog.list(accountId, { ...filter, beforePosition });
  }
}
