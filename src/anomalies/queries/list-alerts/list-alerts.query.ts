import { Query } from '@nestjs/cqrs';
import type { AnomalyRule } from '../../domain/anomaly.js';
import type { AlertView } from '../../projection/alert-view.js';

export interface AlertPage {
  views: AlertView[];
  hasMore: boolean;
}

export class ListAlertsQuery extends Query<AlertPage> {
  constructor(
    readonly accountId: string,
    readonly limit: number,
    readonly keyId: string | undefined,
    readonly rule: AnomalyRule | undefined,
    readonly startingAfter: string | undefined,
  ) {
    super();
  }
}
