// How long `npm start` takes until GET /health answers 200, on a current build (what an operator waits for
// after `npm install`): prints the milliseconds, then stops the service. Run it several times and quote the
// median, e.g. with `/usr/bin/time -f %e node bench/start-to-health.mjs` in a loop. With --direct it starts
// `node dist/main.js` instead: the difference is what npm and the build check add.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'psk-start-'));
const started = performance.now();
const direct = process.argv.includes('--direct');
const service = spawn(direct ? process.execPath : 'npm', direct ? ['dist/main.js'] : ['start', '--silent'], {
  cwd: root,
  detached: true,
  stdio: 'ignore',
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
});
try {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((res) => res.ok, () => false);
    if (ok) break;
    if (performance.now() - started > 60_000) throw new Error('no /health within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  process.stdout.write(`${Math.round(performance.now() - started)} ms from ${direct ? 'node dist/main.js' : 'npm start'} to /health\n`);
} finally {
  process.kill(-service.pid, 'SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
