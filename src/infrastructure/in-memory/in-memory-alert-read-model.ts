import type { AlertListQuery, AlertReadModel } from '../../anomalies/projection/alert-read-model.port.js';
import type { AlertView } from '../../anomalies/projection/alert-view.js';
import { InMemoryViewStore } from './in-memory-view-store.js';

export class InMemoryAlertReadModel extends InMemoryViewStore<AlertView> implements AlertReadModel {
  constructor() {
    super((view) => view.alertId);
  }

  async list(accountId: string, query: AlertListQuery): Promise<{ views: AlertView[]; hasMore: boolean }> {
    const before = query.beforePosition ?? Number.MAX_SAFE_INTEGER;
    const matching = [...this.views.values()]
      .filter(
        (v) =>
          v.accountId === accountId &&
          v.position < before &&
          (query.keyId === undefined || v.keyId === query.keyId) &&
          (query.rule === undefined || v.rule === query.rule),
      )
      .sort((a, b) => b.position - a.position);
    return { views: matching.slice(0, query.limit).map((v) => structuredClone(v)), hasMore: matching.length > query.limit };
  }

  async findById(accountId: string, alertId: string): Promise<AlertView | null> {
    const view = this.views.get(alertId);
    return view && view.accountId === accountId ? structuredClone(view) : null;
  }
}
