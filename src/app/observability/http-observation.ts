import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Environment } from '../../shared/config/environment.js';
import { Metrics } from '../../shared/metrics/metrics.port.js';
import type { RequestObserver } from '../../shared/http/front-route.js';
import { configuredSecrets } from '../start/start-failure.js';
import { accessLogMiddleware, observeRequests, refusedRequestLog } from './access-log.js';
import type { ClientErrorAnswered } from '../../shared/http/client-error-answer.js';
import { ROOT_LOGGER } from './root-logger.token.js';

/**
 * Seconds; from a millisecond answer of the key table to a request stuck behind a slow store: one waiting out a
 * store's timeout takes about 10 s (EventStoreDB's deadline; 9.85 s measured for a read against a stopped
 * FerretDB), and HTTP_REQUEST_TIMEOUT_MS (30 s) ends any. Until 2026-12-06 the last bound was 10, so p99 read 10 s for them.
 */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The access log and the request-duration histogram: an express middleware installed first by configureApp,
 * and the same observer for the edge routes that ask for it.
 */
@Injectable()
export class HttpObservation {
  readonly observe: RequestObserver;
  readonly middleware: ReturnType<typeof accessLogMiddleware>;
  /** What node's parser refused before any route (applyConnectionLimits): a 408, 431, 413 or 400 with a request id. */
  readonly refused: ClientErrorAnswered;
  /** A request dropped unserved because its client had left before it was read (serveOnlyClientsStillThere). */
  readonly dropped: () => void;

  constructor(@Inject(ROOT_LOGGER) logger: Logger, @Inject(Metrics) metrics: Metrics, @Inject(Environment) config: Environment) {
    const durations = metrics.histogram({
      name: 'parsesphere_http_request_duration_seconds',
      help: 'Duration of the requests served (every route but POST /v1/keys/verify), by route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
    });
    const http = logger.child({ context: 'Http' });
    this.observe = observeRequests(http, durations, configuredSecrets(config));
    this.middleware = accessLogMiddleware(this.observe);
    this.refused = refusedRequestLog(http);
    const dropped = metrics
      .counter({
        name: 'parsesphere_http_requests_dropped_total',
        help: 'Requests not served because their client had closed its connection before they were begun (read while the event loop ran late): no work done, no use recorded, no answer.',
      })
      .series({});
    this.dropped = () => dropped.inc();
  }
}
