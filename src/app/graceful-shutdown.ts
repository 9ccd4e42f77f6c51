import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { drainHttpServer } from '../shared/http/drain-http-server.js';
import { ProjectionsService } from './projections/projections.service.js';

/** Requests in flight get this long to finish once a stop is asked for; then their connections are cut. */
const HTTP_DRAIN_MS = 10_000;

/**
 * On SIGTERM or SIGINT: stop accepting connections and let the requests in flight finish (bounded), while
 * background work with outside effects stops (ProjectionsService.stopBackgroundWork), and only then close the
 * application, whose hooks run in this order: every use answered so far is flushed to the log (onModuleDestroy),
 * the projections requests read catch up with the log, bounded (beforeApplicationShutdown), the stores close
 * (onApplicationShutdown). Then the signal is raised again, so the process ends the way it was asked to.
 * Nest's own shutdown hooks would flush usage before closing the HTTP server, dropping uses answered in between.
 */
export function stopGracefullyOnSignals(app: INestApplication): void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const stop = async (signal: NodeJS.Signals) => {
    for (const other of signals) process.removeAllListeners(other);
    try {
      await Promise.all([
        drainHttpServer(app.getHttpServer() as Server, HTTP_DRAIN_MS),
        // Nothing to wait for from the requests: the webhook stops retrying at once rather than through the drain.
        app.get(ProjectionsService, { strict: false }).stopBackgroundWork(),
      ]);
      await app.close();
    } finally {
      process.kill(process.pid, signal);
    }
  };
  for (const signal of signals) process.once(signal, (received) => void stop(received));
}
