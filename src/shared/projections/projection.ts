import type { EventSelection, RecordedEvent } from '../event-store/event-store.port.js';

/**
 * A read model fed from the log. `handle` must be idempotent and must persist the
 * checkpoint with (or after) its writes, so a replay or a restart changes nothing.
 */
export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /**
   * Optional: the prefix of the streams it folds whole (the key streams). An event there of a type no part of this
   * version knows (a newer version's) reaches it too, so it can tell the stream holds what it cannot read.
   */
  readonly readsUnknownTypesIn?: string;
  checkpoint(): Promise<number | null>;
  handle(events: readonly RecordedEvent[]): Promise<void>;
  /** Records that the log was read up to here with nothing for this projection. */
  saveCheckpoint(position: number): Promise<void>;
  /**
   * The log ends at `end` (null: it holds nothing), before this projection's checkpoint: the log was restored from
   * an earlier copy, or replaced. Forgets what the projection holds that the log may no longer hold, and answers
   * the position to go on from, at most `end` (see checkpointWithinLog).
   */
  startOverWithin(end: number | null): Promise<number | null>;
  /** For a rebuild: the projection may hold its writes in memory until endBulk(), which must persist them. */
  beginBulk?(): void;
  endBulk?(): Promise<void>;
  /** Called first when the runner stops, so a projection waiting on the outside world can give up at once. */
  stop?(): void;
  /** Called last when the runner stops: releases what the projection holds open. */
  close?(): Promise<void>;
}

/**
 * What a projection reads from the log: its types, and with readsUnknownTypesIn the events of the types not in
 * `knownTypes` (every type this version reads: PROJECTIONS' types) in the streams it names.
 */
export function selectionOf(projection: Pick<Projection, 'eventTypes' | 'readsUnknownTypesIn'>, knownTypes: readonly string[]): EventSelection {
  const streamPrefix = projection.readsUnknownTypesIn;
  return streamPrefix === undefined ? { types: projection.eventTypes } : { types: projection.eventTypes, unknownTypesIn: { streamPrefix, knownTypes } };
}
