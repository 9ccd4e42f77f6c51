import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openReadModelDatabase } from './read-model-database.js';
import { WalCheckpointer } from './wal-checkpointer.js';

describe('WalCheckpointer', () => {
  let dir: string;

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'psk-wal-checkpointer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fillLog = (db: Database.Database) => {
    db.exec('CREATE TABLE IF NOT EXISTS filler (value TEXT)');
    const insert = db.prepare('INSERT INTO filler (value) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000));
    })();
  };

  it('leaves checkpoints of a read-model file to the worker, which copies the log into the file', async () => {
    const file = join(dir, 'read-model.sqlite');
    const db = openReadModelDatabase(file);
    fillLog(db);
    // ~2 MB of log is far below the backstop: the connection itself did not checkpoint.
    expect(statSync(file).size).toBeLessThan(100_000);
    const failures: string[] = [];
    const checkpointer = new WalCheckpointer([file], (message) => failures.push(message), 20);
    for (let i = 0; i < 100 && statSync(file).size < 2_000_000; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    // Measured before the last connection closes: closing it checkpoints the file whatever the worker did.
    const checkpointed = statSync(file).size;
    await checkpointer.close();
    db.close();
    expect(checkpointed).toBeGreaterThan(2_000_000);
    expect(failures).toEqual([]);
  });
});
