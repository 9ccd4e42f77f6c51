import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnknownReference } from '../../../shared/application/errors.js';
import { ALERT_READ_MODEL, type AlertReadModel } from '../../projection/alert-read-model.port.js';
import { type AlertPage, ListAlertsQuery } from './list-alerts.query.js';

@QueryHandler(ListAlertsQuery)
export class ListAlertsHandler implements IQueryHandler<ListAlertsQuery, AlertPage> {
  constructor(@Inject(ALERT_READ_MODEL) private readonly alerts: AlertReadModel) {}

  async execute({ accountId, limit, keyId, rule, startingAfter }: ListAlertsQuery): Promise<AlertPage> {
    let beforePosition: number | undefined;
    if (startingAfter !== undefined) {
      const cursor = await this.alerts.findById(accountId, startingAfter);
      if (!cursor) throw new UnknownReference('starting_after: no such alert in this account.');
      beforePosition = cursor.position;
    }
    return this.alerts.list(accountId, { limit, keyId, rule, beforePosition });
  }
}
