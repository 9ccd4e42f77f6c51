import type { RecordedEvent } from '../event-store/event-store.port.js';

/**
 * A read model fed from the log. `handle` must be idempotent and must persist the
 * checkpoint with (or after) its writes, so a replay or a restart changes nothing.
 */
export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  checkpoint(): Promise<number | null>;
  handle(events: readonly RecordedEvent[]): Promise<void>;
  /** Records that the log was read up to here with nothing for this projection. */
  saveCheckpoint(position: number): Promise<void>;
  reset(): Promise<void>;
  /** For a rebuild: the projection may hold its writes in memory until endBulk(), which must persist them. */
  beginBulk?(): void;
  endBulk?(): Promise<void>;
  /** Called first when the runner stops, so a projection waiting on the outside world can give up at once. */
  stop?(): void;
  /** Called last when the runner stops: releases what the projection holds open. */
  close?(): Promise<void>;
}
