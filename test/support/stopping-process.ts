import { builtModuleUrl } from './module-process.js';

/** The close's bound in src/app/graceful-shutdown.ts (CLOSE_MS), and what the stop tests allow on top (a busy machine). */
export const CLOSE_MS = 9_000;
export const SLACK_MS = 3_000;

/**
 * The code of a process stopping as the service does (stopGracefullyOnSignals, from dist/), on an application whose
 * close never ends: a store that keeps every call without an answer, and the process alive as its sockets would.
 * It logs JSON lines on stdout, synchronously as the service's Main log: `ready` (with its pid), then the stop's.
 */
export function stoppingProcessCode(delayMs: number): string {
  return `
    import { createServer } from 'node:http';
    import pino from 'pino';
    const { stopGracefullyOnSignals } = await import(${JSON.stringify(builtModuleUrl('app/graceful-shutdown.js'))});
    const { ServiceStopping } = await import(${JSON.stringify(builtModuleUrl('app/health/service-stopping.js'))});
    const { ProjectionsService } = await import(${JSON.stringify(builtModuleUrl('app/projections/projections.service.js'))});
    const { UsageRecorder } = await import(${JSON.stringify(builtModuleUrl('usage/recording/usage-recorder.js'))});
    const server = createServer((req, res) => res.end());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
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
    stopGracefullyOnSignals(app, { delayMs: ${delayMs}, log });
    log.info({ msg: 'ready', pid: process.pid });
  `;
}
