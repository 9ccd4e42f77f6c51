import { jest } from '@jest/globals';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openSharedDatabase, WAL_SIZE_LIMIT_BYTES } from './shared-database.js';
import { builtModuleUrl, runModuleProcess } from '../../../test/support/module-process.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';

const BUILT = builtModuleUrl('infrastructure/sqlite/shared-database.js');

/** A process that opens `file` at `startAt` (ms since the epoch) as the service does, and prints the journal mode. */
function openAt(file: string, startAt: number): Promise<string> {
  const code = `
    import { openSharedDatabase } from ${JSON.stringify(BUILT)};
    while (Date.now() < ${startAt});
    try {
      const db = openSharedDatabase(${JSON.stringify(file)});
      db.exec('CREATE TABLE IF NOT EXISTS checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)');
      process.stdout.write(db.pragma('journal_mode', { simple: true }));
      db.close();
    } catch (error) {
      process.stdout.write(error.code ?? error.message);
    }`;
  return runModuleProcess(code);
}

describe('openSharedDatabase', () => {
  it('times its retries of the switch to WAL without the wall clock, which NTP may step meanwhile', () => {
    const dir = makeTempDir('shared-file-clock-');
    const wall = jest.spyOn(Date, 'now');
    try {
      openSharedDatabase(join(dir.path, 'clock.sqlite')).close();
      expect(wall).not.toHaveBeenCalled();
    } finally {
      wall.mockRestore();
      dir.remove();
    }
  });

  // Two processes switching one new file to WAL at the same instant: without the retry, about one pair in two
  // ended with one of them refused SQLITE_BUSY (77 of 300 opens in a scratch race).
  it('puts a new file in WAL mode in both of two processes that open it at the same instant', async () => {
    const dir = makeTempDir('shared-file-mode-');
    const modes: string[] = [];
    try {
      for (let pair = 0; pair < 16; pair++) {
        const file = join(dir.path, `race-${pair}.sqlite`);
        const startAt = Date.now() + 400;
        modes.push(...(await Promise.all([openAt(file, startAt), openAt(file, startAt)])));
      }
    } finally {
      dir.remove();
    }
    expect(modes).toEqual(Array(32).fill('wal'));
  }, 60_000);

  // A -wal grown past the backstop (one large commit here; in a soak, a reader holding the checkpoints back) kept
  // its size until the last connection closed.
  it('cuts a -wal grown past the backstop back to it once a checkpoint has emptied it', () => {
    const dir = makeTempDir('shared-file-wal-');
    const file = join(dir.path, 'grown.sqlite');
    const db = openSharedDatabase(file);
    try {
      db.exec('CREATE TABLE t (b BLOB)');
      const insert = db.prepare('INSERT INTO t (b) VALUES (zeroblob(1048576))');
      db.transaction(() => {
        for (let mb = 0; mb < 48; mb++) insert.run();
      })();
      const walSize = () => statSync(`${file}-wal`).size;
      expect(walSize()).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
      db.pragma('wal_checkpoint(PASSIVE)');
      // The next commit starts the -wal over from its beginning, and cuts it then.
      db.exec('DELETE FROM t');
      expect(walSize()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      db.close();
      dir.remove();
    }
  });
});
