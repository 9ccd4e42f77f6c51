import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { KeyUsageSummary, KeyUsageSummaryEntry, KeyUsageView } from './key-usage-view.js';

export const KEY_USAGE_READ_MODEL = Symbol('KEY_USAGE_READ_MODEL');
export const KEY_USAGE_SUMMARIES = Symbol('KEY_USAGE_SUMMARIES');

/**
 * What a listing and a change's answer read of each key's usage: the service's in-memory summary table, or the
 * usage views themselves in the CLI.
 */
export interface KeyUsageSummaries {
  /** The counts and the last use of each key asked, by key id, without the hourly series. */
  summaries(ids: readonly string[]): Promise<Map<string, KeyUsageSummary>>;
}

/** Usage views by key id and their projection's checkpoint, kept in one store. Writes are idempotent by revision. */
export interface KeyUsageReadModel extends ViewStore<KeyUsageView>, KeyUsageSummaries {
  /** Every key's summary with its view's revision, in no order, a batch at a time: loads the summary table at start. */
  allSummaries(): AsyncIterable<KeyUsageSummaryEntry[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
