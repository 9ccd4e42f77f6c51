// What the build reads: a file here newer than the build stamp makes dist/ stale.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = 'dist/.build-stamp';

const TREES = ['src', 'dashboard-ui/src', 'dashboard-ui/static'];
const FILES = ['package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.dashboard.json', 'dashboard-ui/build.mjs'];
// Specs are not compiled into dist/, so editing one does not make the build stale.
const IGNORED = /\.spec\.ts$/;

/** The newest modification time (ms) among the build's inputs under `root`, and the file that has it. */
export function newestInput(root) {
  let newest = { mtimeMs: 0, file: null };
  const consider = (file) => {
    const { mtimeMs } = statSync(file);
    if (mtimeMs > newest.mtimeMs) newest = { mtimeMs, file };
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!IGNORED.test(entry.name)) consider(path);
    }
  };
  for (const tree of TREES) walk(join(root, tree));
  for (const file of FILES) consider(join(root, file));
  return newest;
}

/** Why the build under `root` must be redone ('no build yet', '<file> changed since the last build'), or null when it is current. */
export function whyRebuild(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return 'no build yet';
  const newest = newestInput(root);
  if (newest.mtimeMs <= statSync(stamp).mtimeMs) return null;
  return `${newest.file.slice(join(root, '.').length + 1)} changed since the last build`;
}
