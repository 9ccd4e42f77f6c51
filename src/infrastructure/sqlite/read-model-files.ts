import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** Every generation's read-model file, with its WAL and shared-memory files. Not deliveries.sqlite: it has no generation. */
const READ_MODEL_FILE = /^read-model(\.g\d+)?\.sqlite(-wal|-shm)?$/;

/**
 * Renames every read-model file of the directory to `<name>.corrupt-<time>`, kept for inspection, and answers the
 * new names. All of them, not only the damaged one: the generation pointer lives in read-model.sqlite, and a WAL
 * left beside a new file of the same name would be read into it. A file another process renamed first is skipped.
 */
export function setReadModelFilesAside(dataDir: string, now = new Date()): string[] {
  const suffix = `.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  const moved: string[] = [];
  for (const name of readdirSync(dataDir).filter((file) => READ_MODEL_FILE.test(file)).sort()) {
    try {
      renameSync(join(dataDir, name), join(dataDir, `${name}${suffix}`));
      moved.push(join(dataDir, `${name}${suffix}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return moved;
}
