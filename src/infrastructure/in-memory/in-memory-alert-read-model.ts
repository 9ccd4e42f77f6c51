import type { AlertListQuery, AlertReadModel } from '../../anomalies/projection/alert-read-model.port.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryAlertReadModel extends InMemoryViewStore<AlertView> implements AlertReadModel {
  constructor() {
    super((view) => view.alertId);
  }

  async list(accountId: string, query: AlertListQuery): Promise<{ views: AlertView[]; hasMore: boolean }> {
    return this.newestFirst(accountId, query, (v) => (query.keyId === undefined || v.keyId === query.keyId) && (query.rule === undefined || v.rule === query.rule));
  }

  async findById(accountId: string, alertId: string): Promise<AlertView | null> {
    const view = this.views.get(alertId);
    return view && view.accountId === accountId ? structuredClone(view) : null;
  }
}
