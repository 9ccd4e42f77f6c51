import type { IncomingMessage } from 'node:http';
import { InvalidRequest, PayloadTooLarge, UnsupportedMediaType } from '../application/errors.js';
import { BODY_REFUSALS, collectBody, contentTypeRefusal } from './read-json-body.js';

/**
 * The request body's bytes exactly as sent, for a route that checks a signature over them before it parses anything:
 * JSON only, without Content-Encoding (the signature is over the bytes sent), refused with 413 past `maxBytes`
 * (before reading when the declared length says so), 400 when the client leaves first: collectBody, as the JSON routes.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const refusal = contentTypeRefusal(req.headers['content-type']);
  if (refusal !== null) return Promise.reject(refusal);
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== 'identity') return Promise.reject(new UnsupportedMediaType('The request body must be sent without Content-Encoding.'));
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(new PayloadTooLarge(BODY_REFUSALS.tooLarge));
  if (req.destroyed) return Promise.reject(new InvalidRequest(BODY_REFUSALS.cutShort));
  return collectBody<Buffer>(req, req, maxBytes, (bytes, resolve) => resolve(bytes));
}
