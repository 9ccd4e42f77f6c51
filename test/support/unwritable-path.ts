import { spawnSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';

/**
 * Makes `path` (a file or a directory) one that this process and the processes it starts cannot write, and answers
 * the undo. Permissions stop everyone but root, and tests may run as root (CI does): there it is made immutable
 * (`chattr +i`), which root cannot write either. A file system without that attribute fails the test, never skips it.
 */
export function makeUnwritable(path: string): () => void {
  if (process.getuid?.() !== 0) {
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, mode & ~0o222);
    return () => chmodSync(path, mode);
  }
  chattr('+i', path);
  return () => chattr('-i', path);
}

function chattr(flag: string, path: string): void {
  const run = spawnSync('chattr', [flag, path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`chattr ${flag} ${path} failed: ${run.error?.message ?? run.stderr.trim()}`);
}
