import type { ServerResponse } from 'node:http';
import { API_ANSWER_HEADER_LIST } from './api-answer-header-fields.js';
import { type HttpError, httpError } from './error-mapping.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const REQUEST_ID = Symbol('requestId');
const API_ANSWER = Symbol('apiAnswer');
type CarryingRequestId = ServerResponse & { [REQUEST_ID]?: string; [API_ANSWER]?: true };

/**
 * The request id an answer written by sendJson carries in X-Request-Id. Kept beside the response instead of
 * set with setHeader, so that sendJson can hand every header to writeHead in one flat list: node:http then
 * skips its per-header map (lower-casing, a second validation pass), a few per cent of the hot path's CPU.
 */
export function carryRequestId(res: ServerResponse, requestId: string): void {
  (res as CarryingRequestId)[REQUEST_ID] = requestId;
}

/** Marks an answer sendJson writes with API_ANSWER_HEADERS, in the same flat list as its other headers. */
export function carryApiAnswerHeaders(res: ServerResponse): void {
  (res as CarryingRequestId)[API_ANSWER] = true;
}

/** A JSON answer written straight to the socket, without express's response helpers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** sendJson for a body already serialized: JSON text, or its UTF-8 bytes. */
export function sendJsonText(res: ServerResponse, status: number, json: string | Buffer): void {
  const carried = res as CarryingRequestId;
  const headers = ['Content-Type', JSON_TYPE, 'Content-Length', String(typeof json === 'string' ? Buffer.byteLength(json) : json.length)];
  if (carried[REQUEST_ID] !== undefined) headers.push(REQUEST_ID_HEADER, carried[REQUEST_ID]);
  if (carried[API_ANSWER]) headers.push(...API_ANSWER_HEADER_LIST);
  res.writeHead(status, headers);
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
