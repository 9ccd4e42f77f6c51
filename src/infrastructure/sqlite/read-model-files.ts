import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setFilesAside } from './files-set-aside.js';

/** Every generation's read-model file, with its WAL and shared-memory files. Not deliveries.sqlite: it has no generation. */
const READ_MODEL_FILE = /^read-model(\.g\d+)?\.sqlite(-wal|-shm)?$/;

/**
 * Renames every read-model file of the directory to `<name>.corrupt-<time>`, kept for inspection, and answers the
 * new names. All of them, not only the damaged one: the generation pointer lives in read-model.sqlite, and a WAL
 * left beside a new file of the same name would be read into it.
 */
export function setReadModelFilesAside(dataDir: string, now = new Date()): string[] {
  return setFilesAside(dataDir, READ_MODEL_FILE, now);
}

/** Removes every read-model file of the directory (they are rebuilt from the log at start) and answers their names. */
export function removeReadModelFiles(dataDir: string): string[] {
  const removed = readdirSync(dataDir).filter((name) => READ_MODEL_FILE.test(name)).sort().map((name) => join(dataDir, name));
  for (const file of removed) rmSync(file, { force: true });
  return removed;
}
