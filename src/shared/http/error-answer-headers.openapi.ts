import type { OpenAPIObject } from '@nestjs/swagger';
import { AUTHENTICATION_CHALLENGE, RETRY_AFTER_UNAVAILABLE_SECONDS } from './error-mapping.js';

type Header = { description: string; required: true; schema: Record<string, unknown> };
type Operation = { security?: object[]; responses?: Record<string, { headers?: Record<string, Header> }> };

const WWW_AUTHENTICATE: Header = {
  description: 'The scheme to authenticate with (RFC 6750), on every 401.',
  required: true,
  schema: { type: 'string', example: AUTHENTICATION_CHALLENGE },
};

const RETRY_AFTER_UNAVAILABLE: Header = {
  description: `Seconds to wait before retrying: ${RETRY_AFTER_UNAVAILABLE_SECONDS} when a store or this instance cannot answer now, 5 while the service starts and waits for its stores.`,
  required: true,
  schema: { type: 'integer', minimum: 1 },
};

/**
 * Declares the headers the error mapping gives by status: WWW-Authenticate on every 401, and Retry-After on every 503
 * (the mapping's, readiness's and the start-up's each say when to retry).
 */
export function documentErrorAnswerHeaders(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      const responses = operation?.responses ?? {};
      if (responses['401']) responses['401'].headers = { ...responses['401'].headers, 'WWW-Authenticate': WWW_AUTHENTICATE };
      if (responses['503']) responses['503'].headers = { ...responses['503'].headers, 'Retry-After': RETRY_AFTER_UNAVAILABLE };
    }
  }
  return document;
}
