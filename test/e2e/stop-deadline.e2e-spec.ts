import { spawn } from 'node:child_process';
import { CLOSE_MS, SLACK_MS, stoppingProcessCode } from '../support/stopping-process.js';

/**
 * The stop of dist/main.js, on an application whose close never ends (a store that keeps every call without an
 * answer, and keeps the process alive as its sockets would): the uses are flushed, then the stop ends by the signal
 * within the close's bound, `stopped` logged. Before, it waited for the close without end.
 */
describe('Stop deadline', () => {
  it('ends a stop whose close never ends within the close bound, after flushing the uses', async () => {
    const code = stoppingProcessCode(0);
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const killer = setTimeout(() => child.kill('SIGKILL'), 3 * CLOSE_MS);
    try {
      while (!out.includes('"ready"')) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
      const tookMs = performance.now() - started;
      process.stdout.write(`stop with a close that never ends: ${Math.round(tookMs)} ms\n`);
      expect(tookMs).toBeGreaterThanOrEqual(CLOSE_MS - 100);
      expect(tookMs).toBeLessThan(CLOSE_MS + SLACK_MS);
      const messages = out.split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual(['ready', 'stopping', 'flushed', 'close not finished: stopping without it', 'stopped']);
    } finally {
      clearTimeout(killer);
    }
  }, 60_000);
});
