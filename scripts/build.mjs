// `npm run build`: the service and the CLI (tsc), then the dashboard, then the stamp that says the build is
// current. The stamp carries the time the build STARTED, so a source saved during the build still counts as newer.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STAMP } from './build-inputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = new Date();
const tsc = `${root}node_modules/typescript/bin/tsc`;
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['dashboard-ui/build.mjs'], { cwd: root, stdio: 'inherit' });
// The `parsesphere-keys` bin: runnable as a file, by its shebang.
chmodSync(`${root}dist/cli.js`, 0o755);
mkdirSync(`${root}dist`, { recursive: true });
writeFileSync(`${root}${STAMP}`, `${started.toISOString()}\n`);
utimesSync(`${root}${STAMP}`, started, started);
