import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates the data directory and its missing parents. Not `mkdirSync(dir, { recursive: true })`: on Node 20 that
 * loops forever where mkdir answers ENOENT under a parent that exists (any path under /proc), and the service
 * hung at start instead of saying the directory cannot be made.
 */
export function ensureDataDirectory(dir: string): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // A system error ("EACCES: permission denied, mkdir './data'") names no setting: the start's one line would not say which.
    if (code === undefined || message.startsWith('DATA_DIR ')) throw error;
    throw Object.assign(new Error(`DATA_DIR ${dir} cannot be made: ${message}`, { cause: error }), { code });
  }
}

function makeDirectory(dir: string): void {
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
    makeDirectory(parent);
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
