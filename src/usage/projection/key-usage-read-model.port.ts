import type { ViewStore } from '../../shared/projections/view-projection.js';
import type { KeyUsageView } from './key-usage-view.js';

export const KEY_USAGE_READ_MODEL = Symbol('KEY_USAGE_READ_MODEL');

/** Usage views by key id and their projection's checkpoint, kept in one store. Writes are idempotent by revision. */
export interface KeyUsageReadModel extends ViewStore<KeyUsageView> {
  ping(): Promise<void>;
  close(): Promise<void>;
}
