import type { ServerResponse } from 'node:http';
import { type HttpError, httpError } from './error-mapping.js';

/** A JSON answer written straight to the socket, without express's response helpers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
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
