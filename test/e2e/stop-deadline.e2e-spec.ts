import { spawn } from 'node:child_process';
import { builtModuleUrl } from '../support/module-process.js';

/** The close's bound in src/app/graceful-shutdown.ts (CLOSE_MS), and what the test allows on top (a busy machine). */
const CLOSE_MS = 9_000;
const SLACK_MS = 3_000;

/**
 * The stop of dist/main.js, on an application whose close never ends (a store that keeps every call without an
 * answer, and keeps the process alive as its sockets would): the uses are flushed, then the stop ends by the signal
 * within the close's bound, `stopped` logged. Before, it waited for the close without end.
 */
describe('Stop deadline', () => {
  it('ends a stop whose close never ends within the close bound, after flushing the uses', async () => {
    const code = `
      import { createServer } from 'node:http';
      import pino from 'pino';
      const { stopGracefullyOnSignals } = await import(${JSON.stringify(builtModuleUrl('app/graceful-shutdown.js'))});
      const { ServiceStopping } = await import(${JSON.stringify(builtModuleUrl('app/health/service-stopping.js'))});
      const { ProjectionsService } = await import(${JSON.stringify(builtModuleUrl('app/projections/projections.service.js'))});
      const { UsageRecorder } = await import(${JSON.stringify(builtModuleUrl('usage/recording/usage-recorder.js'))});
      const server = createServer((req, res) => res.end());
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      // Written synchronously, as the service's Main log: the process ends right after 'stopped'.
      const log = pino({ base: null, timestamp: false }, pino.destination({ fd: 1, sync: true }));
      const provided = new Map([
        [ServiceStopping, { begin: () => undefined }],
        [ProjectionsService, { stopBackgroundWork: async () => undefined }],
        [UsageRecorder, { flush: async () => log.info({ msg: 'flushed' }) }],
      ]);
      const app = {
        get: (token) => provided.get(token) ?? log,
        getHttpServer: () => server,
        close: () => new Promise(() => setInterval(() => undefined, 1000)),
      };
      stopGracefullyOnSignals(app, { delayMs: 0, log });
      log.info({ msg: 'ready' });
    `;
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
