import type { ServerResponse } from 'node:http';
import { type HttpError, httpError } from './error-mapping.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const REQUEST_ID = Symbol('requestId');
type CarryingRequestId = ServerResponse & { [REQUEST_ID]?: string };

/**
 * The request id an answer written by sendJson carries in X-Request-Id. Kept beside the response instead of
 * set with setHeader, so that sendJson can hand every header to writeHead in one flat list: node:http then
 * skips its per-header map (lower-casing, a second validation pass), a few per cent of the hot path's CPU.
 */
export function carryRequestId(res: ServerResponse, requestId: string): void {
  (res as CarryingRequestId)[REQUEST_ID] = requestId;
}

/** A JSON answer written straight to the socket, without express's response helpers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  const requestId = (res as CarryingRequestId)[REQUEST_ID];
  const length = String(Buffer.byteLength(json));
  res.writeHead(
    status,
    requestId === undefined
      ? ['Content-Type', JSON_TYPE, 'Content-Length', length]
      : ['Content-Type', JSON_TYPE, 'Content-Length', length, REQUEST_ID_HEADER, requestId],
  );
  res.end(json);
}

/** Writes an error answer as toHttpError gives it: status, headers and the {"error": {"type", "message"}} body. */
export function sendHttpError(res: ServerResponse, error: HttpError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, error.status, error.body);
}

/** The one error shape, {"error": {"type", "message"}}, with the challenge every 401 carries. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendHttpError(res, httpError(status, message));
}
