import type Database from 'better-sqlite3';
import { errorMessage } from '../../shared/runtime/error-message.js';

/**
 * A connection's own checkpoint limit when a timer checkpoints its file (checkpointEvery): ~40 MB of log, only a
 * backstop for a process without the timer (the CLI) or when it stopped. SQLite's default, 1,000 pages, would run
 * a checkpoint with its disk flushes inside whichever commit passes it, and that commit's caller waits.
 */
export const CHECKPOINT_BACKSTOP_PAGES = 10_000;

/** A database's checkpoints failing in a row: since when, how many, and the reason last told. */
interface FailingCheckpoints {
  since: number;
  attempts: number;
  reason: string;
}

/**
 * Checkpoints each database every interval (PASSIVE: it never waits for readers or writers) on the calling
 * thread, telling `onFailure` when a database's checkpoints start failing, when their reason changes, and once when
 * one succeeds again: not each failed attempt (a full disk was two lines a second, one per file, for the whole
 * outage). Returns what stops it.
 */
export function checkpointEvery(
  databases: readonly Database.Database[],
  intervalMs: number,
  onFailure: (message: string) => void,
  now: () => number = () => performance.now(),
): () => void {
  const failing = new Map<Database.Database, FailingCheckpoints>();
  const timer = setInterval(() => {
    for (const db of databases) {
      const run = failing.get(db);
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        const reason = errorMessage(error);
        if (!run) {
          failing.set(db, { since: now(), attempts: 1, reason });
          onFailure(`checkpoint of ${db.name} failed: ${reason} (retried every ${intervalMs} ms, logged again when it succeeds)`);
        } else {
          run.attempts += 1;
          if (reason !== run.reason) onFailure(`checkpoint of ${db.name} still failing after ${run.attempts} attempts, now: ${(run.reason = reason)}`);
        }
        continue;
      }
      if (!run) continue;
      failing.delete(db);
      onFailure(`checkpoint of ${db.name} succeeded again after ${run.attempts} failed attempt(s) over ${((now() - run.since) / 1000).toFixed(1)} s`);
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
