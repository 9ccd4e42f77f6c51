import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { ViewProjectionDefinition } from './view-projection.js';

/**
 * The projection, telling `warn` once per type and schema version of an event its fold passes by because this version
 * cannot read it (`reads` is false: a newer version wrote it). `views` names the read model, `passedBy` what becomes
 * of such an event ("not counted", "not listed").
 */
export function warningOfNewerVersions<V extends { revision: number }>(
  definition: ViewProjectionDefinition<V>,
  reads: (event: RecordedEvent) => boolean,
  wording: { views: string; passedBy: string },
  warn: (message: string) => void,
): ViewProjectionDefinition<V> {
  const told = new Set<string>();
  return {
    ...definition,
    apply: (view: V | undefined, event: RecordedEvent) => {
      const what = `${event.type} (schema version ${event.schemaVersion})`;
      if (!reads(event) && !told.has(what)) {
        told.add(what);
        warn(
          `${wording.views}: ${what} at position ${event.position} was written by a newer version of the service, which this one cannot read: ` +
            `${wording.passedBy}, with every later one like it, until this instance is upgraded (docs/operations.md, "Upgrades")`,
        );
      }
      return definition.apply(view, event);
    },
  };
}
