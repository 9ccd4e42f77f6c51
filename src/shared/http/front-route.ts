import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

/** What the express middleware would have given a route: its request id and the client's address. */
export interface FrontRouteContext {
  readonly requestId: string;
  readonly clientIp: string;
}

export type FrontRouteHandler = (req: IncomingMessage, res: ServerResponse, context: FrontRouteContext) => void;

export interface FrontRoute {
  readonly method: string;
  readonly path: string;
  /** express's compiled 'trust proxy fn', so the client address is the one every other route sees. */
  readonly trustProxy: (address: string, hop: number) => boolean;
  readonly handle: FrontRouteHandler;
}

/**
 * Serves one route straight from node:http, ahead of express and Nest, whose per-request work (router,
 * request/response prototypes, middleware chain) costs several times what the hot path itself does.
 * Every other request goes on to the framework unchanged. Matching follows express's defaults: the
 * query string is ignored, case does not matter, one trailing slash is allowed.
 */
export function serveAheadOfFramework(server: Server, route: FrontRoute): void {
  const framework = server.listeners('request') as RequestListener[];
  if (framework.length !== 1) throw new Error(`Expected one request listener (the framework), found ${framework.length}`);
  const [next] = framework;
  const path = route.path.toLowerCase();
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== route.method || !matches(req.url ?? '', path)) return next(req, res);
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    route.handle(req, res, { requestId, clientIp: proxyaddr(req, route.trustProxy) });
  });
}

function matches(url: string, path: string): boolean {
  if (url === path) return true;
  const query = url.indexOf('?');
  let candidate = (query === -1 ? url : url.slice(0, query)).toLowerCase();
  if (candidate.length === path.length + 1 && candidate.endsWith('/')) candidate = candidate.slice(0, -1);
  return candidate === path;
}
