import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses, rather than loops, where mkdir answers ENOENT under a parent that exists', () => {
    expect(() => ensureDataDirectory('/proc/parsesphere-keys/data')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
