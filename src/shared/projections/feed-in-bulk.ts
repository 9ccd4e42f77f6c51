import { type EventStore, isSelected, type RecordedEvent, type UnknownTypesIn } from '../event-store/event-store.port.js';
import { type Projection, selectionOf } from './projection.js';

const PAGE = 5000;
/** How often every projection's writes and checkpoint are saved on the way, unless told: REBUILD_SAVE_INTERVAL_MS's default. */
const SAVE_EVERY_MS = 300_000;

export interface BulkFeedOptions {
  /** Read the log after this position (null: from its start). */
  after: number | null;
  /** Only these event types (read once, then filtered per projection); all types when absent. */
  types?: readonly string[];
  /** With types: also these (those of the projections that read unknown types, in the streams they fold whole). */
  unknownTypesIn?: UnknownTypesIn;
  onPage?(events: number, position: number): void;
  /** Checked between pages: true gives up (what was flushed stays, with its checkpoint). */
  stopped?(): boolean;
  /** How often to save on the way (0: after every page); what a feed interrupted has to read again at most. */
  saveEveryMs?: number;
}

/**
 * Feeds the log to projections in bulk mode (each may hold its writes and write them in large batches, as
 * a rebuild does) until the end of the log, then saves every checkpoint at the last position read; and
 * every saveEveryMs on the way, so a feed that is interrupted resumes near where it was.
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
  const saveEveryMs = options.saveEveryMs ?? SAVE_EVERY_MS;
  let savedAt = performance.now();
  for (;;) {
    // A turn of the event loop between pages: each page is read and applied in promises that settle at once, so
    // without it a feed of the whole log holds off every message, timer and signal until it ends (a stop posted to the
    // projection thread during its catch-up of 50,000 events waited 2–4 s, past the stop's bound of 2 s).
    await new Promise((resolve) => setImmediate(resolve));
    if (options.stopped?.()) return undefined;
    const page: RecordedEvent[] = await store.readAll({ after: position, maxCount: PAGE, types: options.types, unknownTypesIn: options.unknownTypesIn });
    if (page.length === 0) break;
    for (const projection of projections) {
      const selection = selectionOf(projection, options.unknownTypesIn?.knownTypes ?? []);
      const mine = options.types && projections.length === 1 ? page : page.filter((event) => isSelected(event, selection));
      if (mine.length > 0) await projection.handle(mine);
    }
    events += page.length;
    position = page[page.length - 1].position;
    options.onPage?.(events, position);
    if (performance.now() - savedAt >= saveEveryMs) {
      await saveAll(projections, position);
      for (const projection of projections) projection.beginBulk?.();
      savedAt = performance.now();
    }
  }
  await saveAll(projections, position);
  return { position, events };
}

/** Writes what each projection holds, then every checkpoint at `position`: a feed started again goes on from there. */
async function saveAll(projections: readonly Projection[], position: number | null): Promise<void> {
  for (const projection of projections) await projection.endBulk?.();
  if (position !== null) for (const projection of projections) await projection.saveCheckpoint(position);
}
