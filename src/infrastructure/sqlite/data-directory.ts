import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates the data directory and its missing parents. Not `mkdirSync(dir, { recursive: true })`: on Node 20 that
 * loops forever where mkdir answers ENOENT under a parent that exists (any path under /proc), and the service
 * hung at start instead of saying the directory cannot be made.
 */
export function ensureDataDirectory(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return;
      throw Object.assign(new Error(`DATA_DIR ${dir} is not a directory: it must name a directory (made when missing)`), { code });
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || isDirectory(parent)) throw error;
    ensureDataDirectory(parent);
    mkdirSync(dir);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
