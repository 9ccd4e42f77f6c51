import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';

/** What access(2) answers for a path this process may not write: permissions, a read-only file system, an immutable file. */
const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Refuses, with one line naming the path, a database file this process could not write: its directory (DATA_DIR,
 * where SQLite makes the file, its -wal and its -shm), or the file or either companion where they exist. Left to
 * SQLite, the first said only "unable to open database file", and the second opened read-only without a word, every
 * write then failing ("attempt to write a readonly database"). access(2) answers for this process: as root it refuses
 * only what root cannot write either (a read-only file system, an immutable file).
 */
export function ensureWritable(file: string): void {
  const dir = dirname(file);
  const dirCode = refusal(dir, constants.W_OK | constants.X_OK);
  if (dirCode) throw notWritable(`DATA_DIR ${dir} is not writable (${dirCode}): the service makes and writes its files there`, dirCode);
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    const code = refusal(path, constants.R_OK | constants.W_OK);
    if (code) throw notWritable(`${path} is not writable (${code}): the service writes every file it keeps in DATA_DIR ${dir}`, code);
  }
}

/** The code access(2) refuses `path` with, when it says this process may not write it; null otherwise (a missing file included). */
function refusal(path: string, mode: number): string | null {
  try {
    accessSync(path, mode);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    return NOT_WRITABLE.has(code) ? code : null;
  }
}

function notWritable(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}
