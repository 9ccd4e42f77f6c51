import { spawn } from 'node:child_process';
import { childEnv } from '../support/child-env.js';
import { freePort } from '../support/service-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const processIsGone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/**
 * README's way to run the service is `npm start`, and a signal to npm must stop the service as one to node does
 * (operations.md, "Stopping the service"). npm 11 passes SIGTERM and SIGINT on to the `sh -c` it runs the script
 * with; without `exec` in the script, sh ended and node went on serving with no parent, holding the port and DATA_DIR.
 */
describe('npm start stopped by a signal to npm', () => {
  let group: number | undefined;
  afterEach(() => {
    // Whatever the outcome, nothing of the tree is left running (node stays in npm's process group when orphaned).
    if (group !== undefined) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    group = undefined;
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s to npm stops node in order: `stopped` logged, node and npm exit', async (signal) => {
    const dir = makeTempDir('npm-start');
    try {
      const port = await freePort();
      const npm = spawn('npm', ['start', '--silent'], {
        detached: true, // a process group of its own, so that afterEach can end whatever is left of it
        env: childEnv({ HOME: process.env.HOME, DATA_DIR: dir.path, PORT: String(port), HOST: '127.0.0.1' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      group = npm.pid;
      let out = '';
      npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const npmExited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        npm.on('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
      );
      const lines = () =>
        out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { msg: string; pid: number; signal?: string });

      const deadline = Date.now() + 25_000;
      while (!lines().some((line) => line.msg === 'listening')) {
        if (Date.now() > deadline || npm.exitCode !== null || npm.signalCode !== null) throw new Error(`npm start did not start the service:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const nodePid = lines().find((line) => line.msg === 'listening')!.pid;
      expect(nodePid).not.toBe(npm.pid);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

      process.kill(npm.pid!, signal);
      const npmEnd = await Promise.race([npmExited, new Promise((resolve) => setTimeout(() => resolve('npm still running'), 20_000))]);
      // npm ends once its script has, by the same signal (it raises it on itself).
      expect(npmEnd).toEqual({ code: null, signal });

      // node is not left behind without a parent: it logged its ordered stop and is gone.
      const stopDeadline = Date.now() + 5_000;
      while (!processIsGone(nodePid) && Date.now() < stopDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(processIsGone(nodePid)).toBe(true);
      expect(lines().filter((line) => line.msg === 'stopping' || line.msg === 'stopped')).toEqual([
        expect.objectContaining({ msg: 'stopping', pid: nodePid, signal }),
        expect.objectContaining({ msg: 'stopped', pid: nodePid, signal }),
      ]);
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    } finally {
      dir.remove();
    }
  });
});
