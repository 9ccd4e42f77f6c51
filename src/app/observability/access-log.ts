import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { ClientErrorAnswered } from '../../shared/http/client-error-answer.js';
import type { RequestObserver } from '../../shared/http/front-route.js';
import type { Histogram } from '../../shared/metrics/metrics.port.js';
import { scrubbedText } from '../../shared/runtime/scrubbed-text.js';

/**
 * Routes polled by machines: a successful answer is logged at debug, so probes and scrapes do not drown the
 * log, and a failed one (not ready, a refused scrape) as a warning, not as an error every few seconds.
 */
const POLLED_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

/** A request no route took: a 404, or one refused before routing (400 unreadable JSON, 413, 415). */
export const UNMATCHED_ROUTE = 'unmatched';

/** The route label of the files Swagger UI's static middleware serves under /docs (its CSS, scripts, icons). */
export const DOCS_FILES_ROUTE = '/docs';

/** Where a static middleware marks what it may serve: res.locals, read when the request is observed. */
const STATIC_ROUTE = 'observedStaticRoute';

export type RequestDurationLabels = 'method' | 'route' | 'status';

/**
 * The status logged and measured for a request whose client left before it was answered (nginx's "client
 * closed request"): res.statusCode is then only what the route meant to answer (201 for a creation that never
 * read its body), not what happened. Verify counts the same case as CLIENT_CLOSED.
 */
export const CLIENT_CLOSED_STATUS = 499;

/**
 * One access-log line and one observation of the request-duration histogram per request, written when the
 * response is done (or the connection dropped). The line holds the route template, never the URL (a path or
 * query may carry what a caller should not have put there), and never a header: at debug, the request
 * headers come along, keys and the configured `secrets` (configuredSecrets: VERIFY_TOKEN, METRICS_TOKEN...,
 * whatever header carries them) in their names and values redacted, the credential headers by the logger. Express's requests
 * come through accessLogMiddleware; the edge routes served ahead of express that ask for it, straight here.
 * Verify does not (see VerifyOutcomes).
 */
export function observeRequests(logger: Logger, durations: Histogram<RequestDurationLabels>, secrets: readonly string[] = []): RequestObserver {
  return (req, res, describe) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { route, requestId, caller } = describe();
      const method = req.method ?? '';
      const status = res.headersSent ? res.statusCode : CLIENT_CLOSED_STATUS;
      durations.observe({ method, route, status: String(status) }, seconds);
      const level = POLLED_ROUTES.has(route) ? (status < 400 ? 'debug' : 'warn') : status >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          type: 'access',
          requestId,
          method,
          route,
          status,
          durationMs: Math.round(seconds * 1e6) / 1e3,
          ...(caller ? { keyId: caller.keyId, accountId: caller.accountId } : {}),
          ...(res.writableFinished ? {} : { aborted: true }),
          ...(logger.isLevelEnabled('debug') ? { req: { headers: redactedHeaders(req.headers, secrets) } } : {}),
        },
        'request',
      );
    });
  };
}

/**
 * The access line of a request node's parser refused before any route saw it (a header or a request too slow: 408;
 * header fields too large: 431; not HTTP: 400): its answer carries a request id, which was in no line until
 * 2026-12-07 (a slow client's 408 could be found nowhere). No method, route or key: none was read.
 */
export function refusedRequestLog(logger: Logger): ClientErrorAnswered {
  return ({ requestId, status, code }) => {
    if (logger.isLevelEnabled('info')) logger.info({ type: 'access', requestId, route: UNMATCHED_ROUTE, status, refused: code ?? 'not_http' }, 'request');
  };
}

/** The observer for every request express serves: its route template once routed, the key once authenticated (or refused for its limit, address or permissions). */
export function accessLogMiddleware(observe: RequestObserver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    observe(req, res, () => ({ route: routeTemplate(req, res), requestId: req.requestId, caller: req.principal ?? req.refusedCaller }));
    next();
  };
}

/**
 * Installed ahead of a static middleware (Swagger UI's files under /docs): what it serves matches no route, and was
 * logged and measured as `unmatched` with status 200 until 2026-12-06. A file it does not have is still `unmatched`.
 */
export function staticFilesRoute(route: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals[STATIC_ROUTE] = route;
    next();
  };
}

/**
 * Header names and values are client text like any other: a key pasted into one (User-Agent, X-Request-Id) is
 * redacted, and so is a configured secret, whichever header a client or a proxy put it in.
 */
function redactedHeaders(headers: IncomingHttpHeaders, secrets: readonly string[]): Record<string, string | string[] | undefined> {
  const scrub = (text: string) => scrubbedText(text, secrets);
  const redacted: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    redacted[scrub(name)] = Array.isArray(value) ? value.map(scrub) : value === undefined ? value : scrub(value);
  }
  return redacted;
}

function routeTemplate(req: Request, res: Response): string {
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  const staticRoute: unknown = res.locals[STATIC_ROUTE];
  // A 404 (no such file: the static middleware passed it on) or a 405 stays unmatched, as any other.
  if (typeof staticRoute === 'string' && res.statusCode !== 404 && res.statusCode !== 405) return staticRoute;
  return UNMATCHED_ROUTE;
}
