/**
 * Where a side-effecting projection (one that talks to the outside world rather than writing a
 * read model) keeps the log position it has completed. Must be durable in production: losing it
 * re-sends everything after the last saved position (at-least-once, never lost).
 */
export interface CheckpointStore {
  /** The saved position for `name`, or null when none was ever saved. */
  get(name: string): Promise<number | null>;
  /** Never moves a checkpoint back: saving a lower position than the stored one changes nothing. */
  save(name: string, position: number): Promise<void>;
  close(): Promise<void>;
}
