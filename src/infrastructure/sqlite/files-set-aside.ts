import { readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Renames every file of the directory whose name `names` matches to `<name>.corrupt-<time>`, kept for inspection, and
 * answers the new names. A file another process renamed first is skipped.
 */
export function setFilesAside(dataDir: string, names: RegExp, now = new Date()): string[] {
  const suffix = `.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  const moved: string[] = [];
  for (const name of readdirSync(dataDir).filter((file) => names.test(file)).sort()) {
    try {
      renameSync(join(dataDir, name), join(dataDir, `${name}${suffix}`));
      moved.push(join(dataDir, `${name}${suffix}`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return moved;
}
