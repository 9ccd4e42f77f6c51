import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { AnomalyRule } from '../domain/anomaly.js';
import type { AlertView } from './alert-view.js';

export const ALERT_READ_MODEL = Symbol('ALERT_READ_MODEL');

export interface AlertListQuery {
  limit: number;
  keyId?: string;
  rule?: AnomalyRule;
  /** Only alerts recorded before this position (exclusive): the cursor. */
  beforePosition?: number;
}

/** The alerts view and its checkpoint. Alerts of no account (an unknown key's address) are kept but never listed. */
export interface AlertReadModel extends ViewStore<AlertView> {
  /** Newest first, one account's alerts only. */
  list(accountId: string, query: AlertListQuery): Promise<{ views: AlertView[]; hasMore: boolean }>;
  /** Scoped to the account: another account's alert is not found. */
  findById(accountId: string, alertId: string): Promise<AlertView | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
