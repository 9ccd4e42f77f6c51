import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { KEY_USED } from '../domain/key-used.js';
import { applyToKeyUsageView, type KeyUsageView } from './key-usage-view.js';

export const keyUsageProjection: ViewProjectionDefinition<KeyUsageView> = {
  name: 'key-usage',
  eventTypes: [KEY_USED],
  viewIdOf: (event) => event.data.keyId as string,
  apply: applyToKeyUsageView,
  // A view per key usage stream: the stream's first event (the key's first use) starts it.
  startsView: (event) => event.revision === 0,
  keepsRecentViews: true,
  // Measured on Node 20: 900 bytes with one hourly count, 5,030 with the full 48.
  viewBytes: (view) => 812 + 88 * view.hourly.length,
};
