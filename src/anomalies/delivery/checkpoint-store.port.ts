/**
 * Where a side-effecting projection (one that talks to the outside world rather than writing a
 * read model) keeps the log position it has completed. Must be durable in production: losing it
 * re-sends everything after the last saved position (at-least-once, never lost).
 */
export interface CheckpointStore {
  /** The saved position for `name`, or null when none was ever saved. */
  get(name: string): Promise<number | null>;
  save(name: string, position: number): Promise<void>;
}
