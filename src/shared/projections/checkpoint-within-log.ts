import type { EventStore } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

/**
 * The position a projection goes on from: its checkpoint, unless that is past the end of the log. Then it was
 * taken on a log that went further than this one (the embedded log restored from an earlier backup while the
 * read-model files were kept, or replaced), and every event appended from now on would be skipped until the log
 * passed it: the projection starts over within the log (Projection.startOverWithin), and `warn` says so. Stores
 * that cannot say where their log ends (EventStoreDB) are taken at their word. A checkpoint among the positions a
 * restore left to the replaced log (replacedPositions) is caught the same way, however far this log has gone since.
 */
export async function checkpointWithinLog(store: EventStore, projection: Projection, warn: (message: string) => void): Promise<number | null> {
  const checkpoint = await projection.checkpoint();
  if (checkpoint === null || !store.endPosition) return checkpoint;
  const replaced = (await store.replacedPositions?.())?.find(({ after, through }) => checkpoint > after && checkpoint <= through);
  // Past the backup's end, among the positions the replaced log gave: this log gives none of them, and may be past them.
  const end = replaced ? replaced.after || null : await store.endPosition();
  // Positions start at 1: 0 is before the first event (where the webhook starts on an empty log).
  if (!replaced && checkpoint <= (end ?? 0)) return checkpoint;
  const position = await projection.startOverWithin(end);
  warn(
    `Projection ${projection.name} had reached position ${checkpoint} of the event log, ` +
      `${replaced ? `which a restore replaced by a copy ending at ${end ?? 'its start'}` : `which ends at ${end ?? 'its start'}`}: ` +
      `the log was restored from an earlier copy or replaced, so it starts over ${position === null ? 'from the start of the log' : `at position ${position}`}`,
  );
  return position;
}
