import type { OpenAPIObject } from '@nestjs/swagger';
import { REQUEST_ID_HEADER } from './request-id.js';

type Header = { description: string; required: true; schema: Record<string, unknown> };
type Operation = { responses?: Record<string, { headers?: Record<string, Header> }> };

const REQUEST_ID: Header = {
  description:
    "The request's id: the caller's own X-Request-Id when well formed (8 to 128 letters, digits, '.', '_' or '-', holding no secret), else a new req_<32 hex digits>. " +
    "Quote it when reporting a problem: the access log, the key's history (request_id) and its uses are found by it.",
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{8,128}$' },
};

/** Declares X-Request-Id on every answer of every operation: requestIdMiddleware and the edge routes set it on all. */
export function documentRequestIdHeader(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      for (const response of Object.values(operation?.responses ?? {})) response.headers = { [REQUEST_ID_HEADER]: REQUEST_ID, ...response.headers };
    }
  }
  return document;
}
