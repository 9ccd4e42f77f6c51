import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { requestTarget } from './front-route.js';

/**
 * Every /v1 answer is one caller's (a key's plaintext in a create or roll answer among them): no cache may keep
 * it, and no browser may read it as anything but the JSON it says it is.
 */
export const API_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const API_PREFIX = '/v1';

/** True for a request target under /v1, in any case (as the router matches), in origin or absolute form. */
export function isApiPath(url: string): boolean {
  const { path } = requestTarget(url);
  if (path.length < API_PREFIX.length || path.slice(0, API_PREFIX.length).toLowerCase() !== API_PREFIX) return false;
  return path.length === API_PREFIX.length || path[API_PREFIX.length] === '/';
}

/**
 * Sets API_ANSWER_HEADERS on every answer to a /v1 request, whoever answers it: the routes served ahead of the
 * framework, the Nest routes, the 405s and the 404s. It wraps the server's one request listener, so it is installed
 * after serveAheadOfFramework (configureApp), and a handler's own headers are written with them.
 */
export function setApiAnswerHeaders(server: Server): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`Expected one request listener, found ${listeners.length}`);
  const [next] = listeners;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (isApiPath(req.url ?? '')) for (const [name, value] of Object.entries(API_ANSWER_HEADERS)) res.setHeader(name, value);
    next(req, res);
  });
}
