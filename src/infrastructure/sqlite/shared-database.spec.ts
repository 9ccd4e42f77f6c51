import { join } from 'node:path';
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
});
