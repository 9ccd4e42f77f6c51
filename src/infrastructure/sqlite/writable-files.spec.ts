import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { makeUnwritable } from '../../../test/support/unwritable-path.js';
import { openSharedDatabase } from './shared-database.js';

describe('openSharedDatabase on a DATA_DIR it cannot write', () => {
  let dir: ReturnType<typeof makeTempDir>;
  const undo: (() => void)[] = [];

  beforeEach(() => {
    dir = makeTempDir('unwritable');
  });

  afterEach(() => {
    for (const restore of undo.splice(0).reverse()) restore();
    dir.remove();
  });

  it('names the directory, where SQLite said only "unable to open database file"', () => {
    undo.push(makeUnwritable(dir.path));
    expect(() => openSharedDatabase(join(dir.path, 'events.sqlite'))).toThrow(
      `DATA_DIR ${dir.path} is not writable (${process.getuid?.() === 0 ? 'EPERM' : 'EACCES'}): the service makes and writes its files there`,
    );
  });

  it.each(['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm'])('names %s, which SQLite opened read-only without a word', (name) => {
    const file = join(dir.path, 'events.sqlite');
    openSharedDatabase(file).close();
    writeFileSync(join(dir.path, name), '', { flag: 'a' });
    undo.push(makeUnwritable(join(dir.path, name)));
    expect(() => openSharedDatabase(file)).toThrow(new RegExp(`^${join(dir.path, name).replace(/[.]/g, '\\.')} is not writable \\(E(ACCES|PERM)\\): the service writes every file`));
  });

  it('opens a file it can write', () => {
    const db = openSharedDatabase(join(dir.path, 'events.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
