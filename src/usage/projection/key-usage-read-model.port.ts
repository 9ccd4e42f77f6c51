import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { KeyUsageSummary, KeyUsageView } from './key-usage-view.js';

export const KEY_USAGE_READ_MODEL = Symbol('KEY_USAGE_READ_MODEL');

/** Usage views by key id and their projection's checkpoint, kept in one store. Writes are idempotent by revision. */
export interface KeyUsageReadModel extends ViewStore<KeyUsageView> {
  /** What a listing shows of each key's usage, by key id: the counts and the last use, without the hourly series. */
  summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
