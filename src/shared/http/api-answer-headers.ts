import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { API_ANSWER_HEADERS, isApiPath, isProbePath, NO_SNIFF_HEADER, NO_STORE_HEADER } from './api-answer-header-fields.js';
import { requestTarget } from './front-route.js';

const HEADERS = Object.entries(API_ANSWER_HEADERS);

/**
 * Sets API_ANSWER_HEADERS on every answer the framework gives a /v1 request: the Nest routes, the 405s and the
 * 404s; on any other, NO_SNIFF_HEADER, and NO_STORE_HEADER too on the probes'. It wraps the server's one request listener, the framework's, so it is installed before
 * serveAheadOfFramework (configureApp): the routes served ahead of it write the same headers through sendJson,
 * in writeHead's flat list (a header set here would put each of their answers on node:http's slower path).
 */
export function setApiAnswerHeaders(server: Server): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`Expected one request listener, found ${listeners.length}`);
  const [next] = listeners;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const { path } = requestTarget(req.url ?? '');
    if (isApiPath(path)) for (const [name, value] of HEADERS) res.setHeader(name, value);
    else {
      res.setHeader(NO_SNIFF_HEADER.name, NO_SNIFF_HEADER.value);
      if (isProbePath(path)) res.setHeader(NO_STORE_HEADER.name, NO_STORE_HEADER.value);
    }
    next(req, res);
  });
}
