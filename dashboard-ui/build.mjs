// Builds the browser dashboard into dist/dashboard-ui: the TypeScript compiled by tsc, the static files copied.
// It builds in a folder of its own and swaps it in at the end, so a server starting meanwhile (another
// test run in the same tree) never reads a half-written build.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = `${root}dist/dashboard-ui`;
const staging = mkdtempSync(`${root}dist/.dashboard-ui-`);
try {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.dashboard.json', '--outDir', staging], { cwd: root, stdio: 'inherit' });
  cpSync(`${root}dashboard-ui/static`, staging, { recursive: true });
  // mkdtemp makes it 0700: readable by the building user alone (the Docker image is built as root, run as node).
  chmodSync(staging, 0o755);
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
