// Run before `npm start`, `npm run cli` and the tests (and by `prepare` after `npm install`/`npm ci`):
// builds when dist/ is missing or older than any of the build's inputs, otherwise returns at once.
// A stale build is rebuilt, never run; it says so on stderr (stdout stays the command's own).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { whyRebuild } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

// Installed without the sources (the Docker image's dependency layer): nothing to build from.
if (existsSync(`${root}src`)) {
  const why = whyRebuild(root);
  if (why !== null && !existsSync(`${root}node_modules/typescript`)) {
    // `npm ci --omit=dev`: no compiler. The install itself goes on; starting then says why it cannot.
    process.stderr.write(`Cannot build (${why}): the dev dependencies (typescript) are not installed.\n`);
    if (process.env.npm_lifecycle_event !== 'prepare') process.exit(1);
  } else if (why !== null) {
    process.stderr.write(`Building (${why})...\n`);
    execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: ['ignore', 2, 2] });
  }
}
