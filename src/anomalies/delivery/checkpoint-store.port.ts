/**
 * Where a side-effecting projection (one that talks to the outside world rather than writing a
 * read model) keeps the log position it has completed. Must be durable in production: losing it
 * starts delivery again at the end of the log (as the first time it is configured): alerts not yet delivered are never sent.
 */
/** An alert's failed attempts in a row, and when (epoch ms) the last one failed. */
export interface DeliveryFailures {
  alertId: string;
  attempts: number;
  lastAtMs: number;
}

export interface CheckpointStore {
  /** The saved position for `name`, or null when none was ever saved. */
  get(name: string): Promise<number | null>;
  /** Never moves a checkpoint back: saving a lower position than the stored one changes nothing. */
  save(name: string, position: number): Promise<void>;
  /** Moves a saved checkpoint back to `position`, for a log restored from an earlier copy. */
  rewind(name: string, position: number): Promise<void>;
  /**
   * Takes or renews the lease on delivering for `name`, for `holder` until `untilMs` (epoch ms): true unless
   * another holder's lease is still live at `nowMs`. Instances sharing the store so agree on one sender at a time.
   */
  lease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean>;
  /** Who holds the lease on `name` and until when (epoch ms), live or not; null when nobody ever took it. */
  leaseHolder(name: string): Promise<{ holder: string; untilMs: number } | null>;
  /**
   * The failed attempts in a row of the alert being delivered for `name` (null: its last attempt went through), kept
   * beside the position so the next holder of the lease goes on with the backoff they reached, not from its start.
   */
  failures(name: string): Promise<DeliveryFailures | null>;
  saveFailures(name: string, failures: DeliveryFailures | null): Promise<void>;
  close(): Promise<void>;
}
