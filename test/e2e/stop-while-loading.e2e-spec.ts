import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from '../support/child-env.js';
import { freePort } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/** How long the modules take to load here (test/support/slow-module-load.mjs); the stop must not wait for it. */
const SLOW_LOAD_MS = 8_000;

const canBePid1 = spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true'], { stdio: 'ignore' }).status === 0;
if (!canBePid1) process.stdout.write('stop while loading: skipped (unshare --pid is not allowed here)\n');

/**
 * A SIGTERM while dist/main.js still loads its modules, as the first process of a PID namespace (the Docker image's
 * CMD, a pod). Found by stopping the service 3 s into its start under `unshare --pid` (its modules alone took 4.5 s
 * to load at load 18): without a listener yet, Node's own handler raised the signal again, which the kernel ignores
 * for PID 1; no `stopping`, and the service started, listened and served for 12 minutes, until killed. Now the
 * entry holds the stop signals before it loads anything else, and such a signal ends the process at once.
 */
(canBePid1 ? describe : describe.skip)('Stop while the modules load, as PID 1', () => {
  it('ends at once, by exit code 143, without listening', async () => {
    const dir = makeTempDir('stop-while-loading');
    const mark = join(dir.path, 'loading');
    const port = await freePort();
    const unshare = spawn('unshare', ['--pid', '--fork', '--kill-child', process.execPath, '--import', './test/support/slow-module-load.mjs', 'dist/main.js'], {
      env: { ...childEnv(), PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dir.path, 'data'), LOG_FORMAT: 'json', SLOW_LOAD_MARK: mark, SLOW_LOAD_MS: String(SLOW_LOAD_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    unshare.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    unshare.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => unshare.on('exit', (code, signal) => resolve({ code, signal })));
    const killer = setTimeout(() => unshare.kill('SIGKILL'), SLOW_LOAD_MS + 20_000);
    try {
      while (!existsSync(mark)) await new Promise((resolve) => setTimeout(resolve, 20));
      const node = Number(readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim());
      const signalled = performance.now();
      process.kill(node, 'SIGTERM');
      let patience: NodeJS.Timeout | undefined;
      const ended = await Promise.race([exited, new Promise<'still running'>((resolve) => (patience = setTimeout(() => resolve('still running'), SLOW_LOAD_MS - 2_000)))]);
      clearTimeout(patience);
      process.stdout.write(`stop while loading: ${JSON.stringify(ended)} ${Math.round(performance.now() - signalled)} ms after the SIGTERM\n`);
      expect(ended).toEqual({ code: 143, signal: null });
      expect(out).not.toContain('listening');
    } finally {
      clearTimeout(killer);
      unshare.kill('SIGKILL');
      await exited;
      dir.remove();
    }
  }, SLOW_LOAD_MS + 30_000);
});
