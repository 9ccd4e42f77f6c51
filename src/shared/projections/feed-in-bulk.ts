import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import type { Projection } from './projection.js';

const PAGE = 5000;

export interface BulkFeedOptions {
  /** Read the log after this position (null: from its start). */
  after: number | null;
  /** Only these event types (a single projection's); all types when absent, filtered per projection. */
  types?: readonly string[];
  onPage?(events: number, position: number): void;
  /** Checked between pages: true gives up (what was flushed stays, with its checkpoint). */
  stopped?(): boolean;
}

/**
 * Feeds the log to projections in bulk mode (each may hold its writes and write them in large batches, as
 * a rebuild does) until the end of the log, then saves every checkpoint at the last position read.
 * Returns that position (null for an empty log), or undefined when stopped first.
 */
export async function feedInBulk(
  store: EventStore,
  projections: readonly Projection[],
  options: BulkFeedOptions,
): Promise<{ position: number | null; events: number } | undefined> {
  for (const projection of projections) projection.beginBulk?.();
  let position = options.after;
  let events = 0;
  for (;;) {
    if (options.stopped?.()) return undefined;
    const page: RecordedEvent[] = await store.readAll({ after: position, maxCount: PAGE, types: options.types });
    if (page.length === 0) break;
    for (const projection of projections) {
      const mine = options.types ? page : page.filter((event) => projection.eventTypes.includes(event.type));
      if (mine.length > 0) await projection.handle(mine);
    }
    events += page.length;
    position = page[page.length - 1].position;
    options.onPage?.(events, position);
  }
  for (const projection of projections) await projection.endBulk?.();
  if (position !== null) for (const projection of projections) await projection.saveCheckpoint(position);
  return { position, events };
}
