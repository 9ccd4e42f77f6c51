import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { drainHttpServer } from '../shared/http/drain-http-server.js';
import { ServiceStopping } from './health/service-stopping.js';
import type { Logger } from 'pino';
import { flushLogSync } from './observability/root-logger.js';
import { ROOT_LOGGER } from './observability/root-logger.token.js';
import { ProjectionsService } from './projections/projections.service.js';
import { finishedWithin } from '../shared/runtime/finished-within.js';
import { endBySignal } from '../shared/runtime/end-by-signal.js';
import { UsageRecorder } from '../usage/recording/usage-recorder.js';

/** Requests in flight get this long to finish once the drain starts; then their connections are cut. */
const HTTP_DRAIN_MS = 10_000;
/**
 * The most the application's close may take once the uses are in the log: the projections' catch-up (5 s), their
 * stop (STOP_PROJECTIONS_MS) and the stores' close. Past it the stop ends all the same: what is left is read-model
 * work, replayed from checkpoints at the next start, and a store's connection, which the end of the process closes.
 */
const CLOSE_MS = 9_000;

export interface StopSettings {
  /** SHUTDOWN_DELAY_MS: how long to go on serving, readiness 503, before the drain. */
  delayMs: number;
  /** The service's `Main` log (createMainLogger: written synchronously, so `stopped` is out before the end). */
  log: Logger;
  /**
   * The start under way (the application's init, then the listen, which it skips once a stop has begun): a stop
   * that comes first waits for it, within START_MS, before it drains and closes, as closing beside it would close
   * the stores under projections still starting. Settled (or absent) once the service listens.
   */
  starting?: Promise<unknown>;
}

/** How long a stop waits for a start under way to end (a store that does not answer): past it, the process ends without the close. */
const START_MS = 9_000;

/**
 * On SIGTERM or SIGINT: readiness answers 503 at once (ServiceStopping) and a `stopping` line is logged; the
 * server goes on accepting and serving for `delayMs`, so a balancer stops routing here first; then it stops
 * accepting connections and lets the requests in flight finish (bounded), while background work with outside
 * effects stops from the signal on (ProjectionsService.stopBackgroundWork, bounded); then every use answered so far
 * is flushed to the log, and only then the application closes, within CLOSE_MS, its hooks in this order: timers
 * and periodic work stop (onModuleDestroy), the projections requests read catch up with the log and every
 * projection stops, each bounded (beforeApplicationShutdown), the stores close (onApplicationShutdown). Then
 * `stopped` is logged and the signal raised again, so the process ends the way it was asked to (as PID 1, which
 * the kernel lets ignore it, by exit status 128 + its number: endBySignal; a second signal meanwhile ends it at
 * once), with whatever a store that does not answer still holds up: read-model work, replayed from checkpoints,
 * never a use answered. A signal while the service is still starting (its application's init, Kubernetes stopping
 * a pod that is not ready yet) is handled the same way once that start has ended (settings.starting): the start
 * starts nothing more and does not listen, so the stop neither waits for the delay nor drains. Nest's own shutdown
 * hooks would flush usage before closing the HTTP server, dropping uses answered in between.
 */
export function stopGracefullyOnSignals(app: INestApplication, settings: StopSettings): void {
  const signals = ['SIGTERM', 'SIGINT'] as const;
  const stop = async (signal: NodeJS.Signals) => {
    const started = performance.now();
    // A second signal ends the process at once. A listener, not the default action: as PID 1 that ignores it.
    for (const other of signals) process.removeAllListeners(other).once(other, endAtOnce);
    try {
      app.get(ServiceStopping, { strict: false }).begin(signal);
      const server = app.getHttpServer() as Server;
      settings.log.info({ msg: 'stopping', signal, openConnections: await openConnections(server), delayMs: settings.delayMs });
      // At the signal, during a start too: the start then starts nothing more (ProjectionsService).
      const background = app.get(ProjectionsService, { strict: false }).stopBackgroundWork();
      const starting = (settings.starting ?? Promise.resolve()).catch(() => undefined);
      if (!(await finishedWithin(starting, START_MS))) {
        // Closing beside a start that still runs would close the stores under it. Nothing was served yet, nothing to flush.
        settings.log.warn({ msg: 'start not finished: stopping without it', startMs: START_MS });
        return;
      }
      // Stopped before it listened: no balancer routes here, nothing to serve on for SHUTDOWN_DELAY_MS.
      const serving = server.listening;
      await Promise.all([
        (serving ? sleep(settings.delayMs) : Promise.resolve()).then(() => drainHttpServer(server, HTTP_DRAIN_MS)),
        // Nothing to wait for from the requests: the webhook stops retrying at once rather than through the drain.
        background,
      ]);
      // Not bounded here: a use answered must be in the log before the end (a store that fails it ends the flush, logged).
      await app.get(UsageRecorder, { strict: false }).flush();
      const closing = app.close();
      if (await finishedWithin(closing, CLOSE_MS)) await closing;
      else settings.log.warn({ msg: 'close not finished: stopping without it', closeMs: CLOSE_MS });
    } finally {
      // What the service logged last (the verify summary at stop, access lines) before `stopped`, and before the end.
      flushLogSync(app.get<Logger>(ROOT_LOGGER, { strict: false }));
      settings.log.info({ msg: 'stopped', signal, durationMs: Math.round(performance.now() - started) });
      endAtOnce(signal);
    }
  };
  const endAtOnce = (signal: NodeJS.Signals) => {
    for (const other of signals) process.removeAllListeners(other);
    endBySignal(signal);
  };
  for (const signal of signals) process.once(signal, (received) => void stop(received));
}

/** Connections open at the signal (requests in flight and idle keep-alive ones): counted by the server, not per request. */
function openConnections(server: Server): Promise<number | undefined> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? undefined : count)));
}
