import type { RecordedEvent } from '../../shared/event-store/event-store.port.js';
import type { ViewProjectionDefinition } from '../../shared/projections/view-projection.js';
import { KEY_USAGE_STREAM_PREFIX, KEY_USED } from '../domain/key-used.js';
import { USAGE_ARCHIVED } from '../domain/usage-archived.js';
import { applyToKeyUsageView, type KeyUsageView, readsUsageEvent } from './key-usage-view.js';

export const keyUsageProjection: ViewProjectionDefinition<KeyUsageView> = {
  name: 'key-usage',
  eventTypes: [KEY_USED, USAGE_ARCHIVED],
  viewIdOf: (event) => event.streamId.slice(KEY_USAGE_STREAM_PREFIX.length),
  apply: applyToKeyUsageView,
  // A view per key usage stream: the stream's first event (the key's first use) starts it.
  startsView: (event) => event.revision === 0,
  keepsRecentViews: true,
  // Measured on Node 20: 900 bytes with one hourly count, 5,030 with the full 48.
  viewBytes: (view) => 812 + 88 * view.hourly.length,
};

/**
 * The usage views, telling `warn` once per type and schema version of an event they pass by because this version
 * cannot read it (a newer version wrote it): that use is not counted, and every other is.
 */
export function keyUsageProjectionWarning(warn: (message: string) => void): ViewProjectionDefinition<KeyUsageView> {
  const told = new Set<string>();
  return {
    ...keyUsageProjection,
    apply: (view: KeyUsageView | undefined, event: RecordedEvent) => {
      const what = `${event.type} (schema version ${event.schemaVersion})`;
      if (!readsUsageEvent(event) && !told.has(what)) {
        told.add(what);
        warn(
          `Usage views: ${what} at position ${event.position} was written by a newer version of the service, which this one cannot read: ` +
            'not counted, with every later one like it, until this instance is upgraded (docs/operations.md, "Upgrades")',
        );
      }
      return applyToKeyUsageView(view, event);
    },
  };
}
