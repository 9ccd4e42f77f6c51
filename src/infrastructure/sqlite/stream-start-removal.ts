import type Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Rows one transaction removes. A transaction holds the log's write lock, which every writer of the other processes
 * (a service's appends) waits for at most BUSY_TIMEOUT_MS (5 s) before it fails: one transaction for a busy key's
 * archived uses (600,000 of them took 3 s here; 10,000 take about 50 ms) would fail them.
 */
export const REMOVAL_CHUNK_ROWS = 10_000;

/**
 * Removes a stream's events before `beforeRevision` a chunk at a time, newest first, pausing after each for as long
 * as it took, so the writers that waited for it (their busy handler retries every 100 ms at most) get the lock.
 * Newest first: a removal cut short leaves the stream's start and a gap after it, which its archive explains as it
 * does for a read model that read those uses before they went; never a start without its archive.
 */
export async function removeStreamStartInChunks(
  db: Database.Database,
  streamId: string,
  beforeRevision: number,
  write: <T>(work: () => T) => Promise<T>,
): Promise<number> {
  const first = db.prepare<[string], number | null>('SELECT MIN(revision) FROM events WHERE stream_id = ?').pluck(true);
  const remove = db.prepare<[string, number, number]>('DELETE FROM events WHERE stream_id = ? AND revision >= ? AND revision < ?');
  const from = first.get(streamId) ?? beforeRevision;
  let removed = 0;
  for (let to = beforeRevision; to > from; ) {
    const start = Math.max(from, to - REMOVAL_CHUNK_ROWS);
    const began = performance.now();
    removed += await write(() => remove.run(streamId, start, to).changes);
    to = start;
    if (to > from) await sleep(Math.max(1, performance.now() - began));
  }
  return removed;
}
