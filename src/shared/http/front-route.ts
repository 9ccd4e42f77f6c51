import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import { forwardedAddress } from './forwarded-address.js';
import type { RequestIdReader } from './request-id.js';
import { isApiPath } from './api-answer-header-fields.js';
import { carryApiAnswerHeaders, carryRequestId } from './send-json.js';

/** Who made a request, once authentication knows: the access log names the key and its account. */
export interface RequestCaller {
  readonly keyId: string;
  readonly accountId: string;
}

/** What express would have given a route: its request id, the client's address, the path and the query string. */
export interface FrontRouteContext {
  readonly requestId: string;
  readonly clientIp: string;
  /** The request target's path, as sent (not decoded), without the query string. */
  readonly path: string;
  /** The query string without its `?`, as sent; empty when there is none. */
  readonly query: string;
  /** Set by the route once it has authenticated the request. */
  caller?: RequestCaller;
}

export type FrontRouteHandler = (req: IncomingMessage, res: ServerResponse, context: FrontRouteContext) => void;

export interface FrontRoute {
  readonly methods: readonly string[];
  readonly path: string;
  readonly handle: FrontRouteHandler;
  /** True for a route that gets the access log line and the duration observation every express route gets. */
  readonly observed: boolean;
}

/** What the access log and the duration histogram say of a request, asked once it is over. */
export interface ObservedRequest {
  readonly route: string;
  readonly requestId: string;
  readonly caller?: RequestCaller;
}

/** Watches a request until its answer is done or its connection dropped, then logs and measures it. */
export type RequestObserver = (req: IncomingMessage, res: ServerResponse, describe: () => ObservedRequest) => void;

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
  observe: RequestObserver,
  requestIdOf: RequestIdReader,
): void {
  if (routes.length === 0) return;
  const framework = server.listeners('request') as RequestListener[];
  if (framework.length !== 1) throw new Error(`Expected one request listener (the framework), found ${framework.length}`);
  const [next] = framework;
  const table = routes.map((route) => ({ ...route, path: route.path.toLowerCase(), apiAnswer: isApiPath(route.path) }));
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const target = requestTarget(req.url ?? '');
    const route = routeFor(table, req.method ?? '', target.path);
    if (!route) return next(req, res);
    const requestId = requestIdOf(req.headers['x-request-id']);
    // Answered through sendJson, which writes it in X-Request-Id with the other headers.
    carryRequestId(res, requestId);
    if (route.apiAnswer) carryApiAnswerHeaders(res);
    const context: FrontRouteContext = { requestId, clientIp: clientAddress(req, trustProxy), path: target.path, query: target.query };
    if (route.observed) observe(req, res, () => ({ route: route.path, requestId, caller: context.caller }));
    route.handle(req, res, context);
  });
}

/**
 * The client's address as the express routes have it (proxy-addr over X-Forwarded-For, as far as `trust` allows,
 * then forwardedAddress). Without the header that is the peer's address, which proxy-addr takes ~2 µs to say
 * (it copies the address list).
 */
export function clientAddress(req: IncomingMessage, trust: (address: string, hop: number) => boolean): string {
  return req.headers['x-forwarded-for'] ? forwardedAddress(proxyaddr(req, trust)) : (req.socket.remoteAddress as string);
}

function routeFor<R extends FrontRoute>(table: readonly R[], method: string, path: string): R | undefined {
  for (const route of table) if (route.methods.includes(method) && matches(path, route.path)) return route;
  return undefined;
}

/**
 * The path and query string of a request target, in origin form (`/v1/keys/verify?x`) or in the absolute form
 * a server must also accept (`http://host:3000/v1/keys/verify?x`, RFC 9112 §3.2.2), as express reads it: a
 * fragment, which no client should send, ends the target wherever it stands (`?limit=5#` is `limit=5`).
 */
export function requestTarget(target: string): { path: string; query: string } {
  const fragment = target.indexOf('#');
  const url = fragment === -1 ? target : target.slice(0, fragment);
  let start = 0;
  if (url.charCodeAt(0) !== SLASH) {
    const authority = url.indexOf('://');
    if (authority !== -1) {
      const slash = url.indexOf('/', authority + 3);
      const query = url.indexOf('?', authority + 3);
      start = slash === -1 || (query !== -1 && query < slash) ? (query === -1 ? url.length : query) : slash;
    }
  }
  const query = url.indexOf('?', start);
  const path = query === -1 ? url.slice(start) : url.slice(start, query);
  return { path: path === '' ? '/' : path, query: query === -1 ? '' : url.slice(query + 1) };
}

const SLASH = 0x2f;

function matches(requestPath: string, path: string): boolean {
  if (requestPath === path) return true;
  let candidate = requestPath.toLowerCase();
  if (candidate.length === path.length + 1 && candidate.endsWith('/')) candidate = candidate.slice(0, -1);
  return candidate === path;
}
