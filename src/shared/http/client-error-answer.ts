import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomHex } from '../random/random-pool.js';
import { API_ANSWER_HEADER_LIST } from './api-answer-header-fields.js';
import { errorBody } from './error-response.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/** What node's HTTP parser refuses before any route sees the request, as node itself would answer it (by its error's code). */
const REFUSALS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', "The request's header fields are too large."],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', "The request body's chunk extensions are too large."],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request did not arrive in time.'],
};
const NOT_HTTP: [number, string, string] = [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];

/**
 * Answers what node's parser refuses (a header too large, a request too slow: HTTP_HEADERS_TIMEOUT_MS and
 * HTTP_REQUEST_TIMEOUT_MS, malformed HTTP) with the one error body, a request id and the /v1 answer headers, where
 * node would write a bare status line; then closes the connection, as node does. No request was read, so its path
 * is unknown: every such answer carries what a /v1 answer carries.
 */
export function answerClientErrors(server: Server, onAnswered?: ClientErrorAnswered): void {
  const installed = answered.has(server);
  // The last told (configureApp's access log) is told: applying the limits again must not answer twice.
  answered.set(server, onAnswered ?? answered.get(server));
  if (installed) return;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }) => {
    const answer = answerClientError(error, socket);
    if (answer) answered.get(server)?.(answer);
  });
}

/** What was answered, for the access log: the id the answer carries (a client may quote it), its status, why. */
export type ClientErrorAnswered = (answer: { requestId: string; status: number; code: string | undefined }) => void;

/** Each server answering client errors, with whom to tell of each answer. */
const answered = new WeakMap<Server, ClientErrorAnswered | undefined>();

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }): Parameters<ClientErrorAnswered>[0] | null {
  if (!socket.writable || (socket.bytesWritten ?? 0) > 0 || error.code === 'ECONNRESET') {
    socket.destroy();
    return null;
  }
  const [status, reason, message] = error.code !== undefined && Object.hasOwn(REFUSALS, error.code) ? REFUSALS[error.code] : NOT_HTTP;
  const body = JSON.stringify(errorBody(status, message));
  const requestId = `req_${randomHex(16)}`;
  const headers = ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body)), REQUEST_ID_HEADER, requestId, ...API_ANSWER_HEADER_LIST, 'Connection', 'close'];
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  socket.end(`${head}\r\n${body}`);
  return { requestId, status, code: error.code };
}
