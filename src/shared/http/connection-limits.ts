import type { Server } from 'node:http';
import { answerClientErrors, type ClientErrorAnswered } from './client-error-answer.js';

export interface ConnectionLimits {
  readonly HTTP_HEADERS_TIMEOUT_MS: number;
  readonly HTTP_REQUEST_TIMEOUT_MS: number;
  readonly HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  readonly HTTP_MAX_CONNECTIONS: number;
}

/**
 * Bounds what a client can hold (docs/operations.md#connections): a connection that has not sent a whole
 * header in time, or a whole request, is answered 408 and closed; an idle keep-alive connection is closed
 * after the keep-alive timeout; connections beyond the cap are closed as soon as they are accepted.
 * Node checks the header and request timeouts only every connectionsCheckingInterval (30 s by default),
 * read when the server starts listening: set here to a quarter of the header timeout, at most one second.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, onRefused?: ClientErrorAnswered): void {
  server.headersTimeout = limits.HTTP_HEADERS_TIMEOUT_MS;
  server.requestTimeout = limits.HTTP_REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = limits.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = limits.HTTP_MAX_CONNECTIONS;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    25,
    Math.min(1000, Math.floor(limits.HTTP_HEADERS_TIMEOUT_MS / 4)),
  );
  // What these limits (and node's parser) refuse is answered in the one error shape, not node's bare status line.
  // Told of each (the access log): the answer carries a request id, which a client may quote.
  answerClientErrors(server, onRefused);
}
