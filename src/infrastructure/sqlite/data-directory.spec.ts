import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUnwritable } from '../../../test/support/unwritable-path.js';
import { ensureDataDirectory } from './data-directory.js';

describe('ensureDataDirectory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'data-directory-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the directory and its missing parents', () => {
    const dir = join(root, 'a', 'b', 'c');
    ensureDataDirectory(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('takes a directory that exists', () => {
    ensureDataDirectory(root);
    expect(statSync(root).isDirectory()).toBe(true);
  });

  it('refuses a path held by a file', () => {
    const file = join(root, 'file');
    writeFileSync(file, '');
    // Said "EEXIST: file already exists, mkdir …", naming no setting.
    expect(() => ensureDataDirectory(file)).toThrow(
      expect.objectContaining({ code: 'EEXIST', message: `DATA_DIR ${file} is not a directory: it must name a directory (made when missing)` }),
    );
    expect(() => ensureDataDirectory(join(file, 'below'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });

  // The Docker image's user in a directory it cannot write (its default ./data under the root-owned /app): the start's
  // one line said "EACCES: permission denied, mkdir './data'", naming no setting.
  it('names DATA_DIR when the directory cannot be made, keeping the code and the cause', () => {
    const parent = join(root, 'locked');
    ensureDataDirectory(parent);
    const restore = makeUnwritable(parent);
    try {
      const dir = join(parent, 'data');
      expect(() => ensureDataDirectory(dir)).toThrow(new RegExp(`^DATA_DIR ${dir} cannot be made: E(ACCES|PERM): .*mkdir`));
      expect(() => ensureDataDirectory(join(dir, 'below'))).toThrow(new RegExp(`^DATA_DIR ${dir}/below cannot be made: E(ACCES|PERM)`));
    } finally {
      restore();
    }
  });

  it('refuses, rather than loops, where mkdir answers ENOENT under a parent that exists', () => {
    expect(() => ensureDataDirectory('/proc/parsesphere-keys/data')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
