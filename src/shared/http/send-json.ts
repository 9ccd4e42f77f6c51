import type { ServerResponse } from 'node:http';
import { errorBody } from './error-response.js';

/** A JSON answer written straight to the socket, without express's response helpers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** The one error shape, {"error": {"type", "message"}}, with the challenge every 401 carries. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="parsesphere"');
  sendJson(res, status, errorBody(status, message));
}
