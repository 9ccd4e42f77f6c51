import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Environment } from '../../shared/config/environment.js';
import { errorBody } from '../../shared/http/error-response.js';
import { applyConnectionLimits } from '../../shared/http/connection-limits.js';
import { requestTarget } from '../../shared/http/front-route.js';
import { withoutInternals } from '../health/readiness-internals.js';
import { MetricsAccess } from '../observability/metrics-access.js';
import { listen } from './listen.js';
import type { StoreWait } from './wait-for-stores.js';
import { authorizationField } from '../../shared/http/authorization-field.js';

/** What a client is told to wait before trying again while the service waits for its stores. */
const RETRY_AFTER_SECONDS = 5;

/**
 * What answers on the service's port while a store is unreachable at start: liveness says the process is up
 * (it is, and restarting it would not help), readiness says why it is not ready, and every other request is
 * refused with 503 and Retry-After. Nothing else can be served: keys are checked against the key table, which
 * is loaded from the stores once they answer, so even verify waits.
 */
export async function openStartingServer(environment: Environment, wait: () => StoreWait): Promise<{ close(): Promise<void> }> {
  const internals = new MetricsAccess(environment.METRICS_TOKEN);
  const server = createServer((req, res) => answer(req, res, wait(), internals));
  applyConnectionLimits(server, environment);
  await listen(server, environment.PORT, environment.HOST);
  return { close: () => close(server) };
}

function answer(req: IncomingMessage, res: ServerResponse, wait: StoreWait, internals: MetricsAccess): void {
  const { path } = requestTarget(req.url ?? '/');
  if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) return send(res, 200, { status: 'starting' });
  const down = Object.entries(wait.stores)
    .filter(([, store]) => store.status === 'down')
    .map(([name]) => name);
  res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
  if (path === '/health/ready') {
    const readiness = {
      status: 'starting',
      ...errorBody(503, `Not ready: starting, waiting for ${down.join(', ')}`),
      details: {
        stores: wait.stores,
        attempts: wait.attempts,
        waiting_since: wait.since.toISOString(),
        next_attempt_at: wait.nextAttemptAt?.toISOString() ?? null,
      },
    };
    return send(res, 503, internals.showsInternals(authorizationField(req)) ? readiness : withoutInternals(readiness));
  }
  send(res, 503, errorBody(503, `The service is starting and waits for its ${down.join(' and ').replaceAll('_', ' ')}; retry later.`));
}

function send(res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
    // The real service takes the port over: no connection is kept for it to inherit.
    Connection: 'close',
  });
  res.end(json);
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
