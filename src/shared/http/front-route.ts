import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { requestIdFrom } from './request-id.js';
import { carryRequestId } from './send-json.js';

/** What the express middleware would have given a route: its request id and the client's address. */
export interface FrontRouteContext {
  readonly requestId: string;
  readonly clientIp: string;
}

export type FrontRouteHandler = (req: IncomingMessage, res: ServerResponse, context: FrontRouteContext) => void;

export interface FrontRoute {
  readonly method: string;
  readonly path: string;
  readonly handle: FrontRouteHandler;
}

/**
 * Serves some routes straight from node:http, ahead of express and Nest, whose per-request work (router,
 * request/response prototypes, middleware chain) costs several times what the hot path itself does.
 * Every other request goes on to the framework unchanged. Matching follows express's defaults: the
 * query string is ignored, case does not matter, one trailing slash is allowed. `trustProxy` is express's
 * compiled 'trust proxy fn', so the client address is the one every other route sees.
 */
export function serveAheadOfFramework(
  server: Server,
  routes: readonly FrontRoute[],
  trustProxy: (address: string, hop: number) => boolean,
): void {
  if (routes.length === 0) return;
  const framework = server.listeners('request') as RequestListener[];
  if (framework.length !== 1) throw new Error(`Expected one request listener (the framework), found ${framework.length}`);
  const [next] = framework;
  const table = routes.map((route) => ({ ...route, path: route.path.toLowerCase() }));
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = routeFor(table, req);
    if (!route) return next(req, res);
    const requestId = requestIdFrom(req.headers['x-request-id']);
    // Answered through sendJson, which writes it in X-Request-Id with the other headers.
    carryRequestId(res, requestId);
    route.handle(req, res, { requestId, clientIp: proxyaddr(req, trustProxy) });
  });
}

function routeFor(table: readonly FrontRoute[], req: IncomingMessage): FrontRoute | undefined {
  for (const route of table) if (req.method === route.method && matches(req.url ?? '', route.path)) return route;
  return undefined;
}

function matches(url: string, path: string): boolean {
  if (url === path) return true;
  const query = url.indexOf('?');
  let candidate = (query === -1 ? url : url.slice(0, query)).toLowerCase();
  if (candidate.length === path.length + 1 && candidate.endsWith('/')) candidate = candidate.slice(0, -1);
  return candidate === path;
}
