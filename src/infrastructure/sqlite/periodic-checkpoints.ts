import type Database from 'better-sqlite3';
import { errorMessage } from '../../shared/runtime/error-message.js';

/**
 * A connection's own checkpoint limit when a timer checkpoints its file (checkpointEvery): ~40 MB of log, only a
 * backstop for a process without the timer (the CLI) or when it stopped. SQLite's default, 1,000 pages, would run
 * a checkpoint with its disk flushes inside whichever commit passes it, and that commit's caller waits.
 */
export const CHECKPOINT_BACKSTOP_PAGES = 10_000;

/**
 * Checkpoints each database every interval (PASSIVE: it never waits for readers or writers) on the calling
 * thread, telling `onFailure` of each one that fails. Returns what stops it.
 */
export function checkpointEvery(databases: readonly Database.Database[], intervalMs: number, onFailure: (message: string) => void): () => void {
  const timer = setInterval(() => {
    for (const db of databases) {
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        onFailure(`checkpoint of ${db.name} failed: ${errorMessage(error)}`);
      }
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
