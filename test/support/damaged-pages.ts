import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Damage in a page no start reads, made under connections that have the file open (a running service), as a disk
 * or a copy gone wrong makes it: the root pages of `table`'s b-tree and of its indexes' overwritten with random bytes (its type byte never a valid one) in the file, once
 * its WAL is checkpointed into it (so no newer copy of the page in the WAL hides it). Opening the file, and its
 * schema, still succeed; the first statement that reads the table fails with SQLITE_CORRUPT ("database disk image is
 * malformed"). A commit to another table (`poke`) follows, so that every connection drops the pages it had cached.
 */
export function damageTablePages(file: string, table: string, poke: string): void {
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    // A reader of the running service may hold the WAL for a moment: the checkpoint is made again until it is through.
    for (let attempt = 1; (db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0].busy; attempt++) {
      if (attempt === 50) throw new Error(`could not checkpoint ${file}: a reader held it`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const roots = db.prepare<[string], number>('SELECT rootpage FROM sqlite_schema WHERE tbl_name = ? AND rootpage > 0').pluck().all(table);
    if (roots.length === 0) throw new Error(`no table ${table} in ${file}`);
    const fd = openSync(file, 'r+');
    try {
      for (const root of roots) {
        const garbage = randomBytes(pageSize);
        garbage[0] = 0xff; // no b-tree page type: never read as a page by chance
        writeSync(fd, garbage, 0, pageSize, (root - 1) * pageSize);
      }
    } finally {
      closeSync(fd);
    }
    db.exec(poke);
  } finally {
    db.close();
  }
}
